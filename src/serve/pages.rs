//! The pages of `popm serve`, rendered in memory on every request. A request's path is only ever
//! matched against the names below: nothing in it reaches the file system.

use crate::mcp::tools::Place;

/// A page: status, content type, body.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Page {
    pub fn not_found() -> Page {
        Page {
            status: 404,
            content_type: "text/plain; charset=utf-8",
            body: "no such page\n".into(),
        }
    }
}

/// The page at `path` (the request's path, not decoded).
pub fn page(_place: &Place, path: &str) -> Page {
    match path {
        "/" => Page {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: INDEX.into(),
        },
        _ => Page::not_found(),
    }
}

const INDEX: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>popm</title></head>\n<body><h1>popm</h1><ul>\n<li><a href=\"/api/items\">/api/items</a></li>\n<li><a href=\"/api/backlog\">/api/backlog</a></li>\n<li><a href=\"/api/check\">/api/check</a></li>\n</ul></body></html>\n";
