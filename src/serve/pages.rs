//! The pages of `popm serve`: the report's pages (render::site, the renderer of `popm report`)
//! and the Kanban boards ([`super::kanban`]), rendered in memory from the files on every request,
//! plus popm's script. A request's path is only compared with the names of the pages rendered:
//! nothing in it reaches the file system.

use crate::engine::{self, Request};
use crate::mcp::tools::Place;
use crate::render::site::{self, Frame, SiteInput};
use crate::report::readiness;

/// The script of the live pages: drag and drop, keyboard moves, refresh on change events.
const SCRIPT: &str = include_str!("popm.js");

/// A page: status, content type, body.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Page {
    pub fn not_found() -> Page {
        text(404, "no such page\n")
    }
}

fn text(status: u16, body: &str) -> Page {
    Page {
        status,
        content_type: "text/plain; charset=utf-8",
        body: body.into(),
    }
}

fn html(body: String) -> Page {
    Page {
        status: 200,
        content_type: "text/html; charset=utf-8",
        body,
    }
}

/// The page at `path` (the request's path, not decoded).
pub fn page(place: &Place, path: &str) -> Page {
    if path == "/popm.js" {
        return Page {
            status: 200,
            content_type: "text/javascript; charset=utf-8",
            body: SCRIPT.into(),
        };
    }
    let Some(wanted) = path.strip_prefix('/') else {
        return Page::not_found();
    };
    let wanted = if wanted.is_empty() {
        "index.html"
    } else {
        wanted
    };
    let workspace = match place.open() {
        Ok(w) => w,
        Err(e) => return text(500, &format!("popm: {e}\n")),
    };
    let checked = match engine::check(&workspace, &Request::whole()) {
        Ok(c) => c,
        Err(e) => return text(500, &format!("popm: {e}\n")),
    };
    let today = match readiness::today() {
        Ok(t) => t,
        Err(e) => return text(500, &format!("popm: {e}\n")),
    };
    let backlog = &checked.backlog;
    let config = &workspace.config;
    let answers =
        match crate::report::overview::site_answers(backlog, config, &checked.diagnostics, None) {
            Ok(a) => a,
            Err(e) => return text(500, &format!("popm: {e}\n")),
        };
    // No history: the flow page is `popm report`'s (reading the history on every request would
    // cost more than a page should).
    let input = SiteInput {
        live: true,
        ..SiteInput::new(config, &checked, &answers, today)
    };
    if let Some(level) = super::kanban::level_of(wanted) {
        let frame = Frame::of(&input);
        return html(super::kanban::page(
            backlog,
            config,
            &checked.texts,
            &frame,
            level,
        ));
    }
    match site::page(&input, wanted) {
        Some(found) => html(found.html),
        None => Page::not_found(),
    }
}
