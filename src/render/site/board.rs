//! `board/<PI>.html`: the ART planning board of one PI.

use askama::Template;

use super::{Frame, Page, SiteInput, render, root_of};
use crate::report::readiness::Readiness;

#[derive(Template)]
#[template(path = "site/board.html")]
struct BoardPage<'a> {
    root: String,
    frame: &'a Frame<'a>,
    pi: &'a str,
    title: &'a str,
}

pub fn page(_input: &SiteInput, frame: &Frame, readiness: &Readiness) -> Page {
    let pi = readiness.pi.id().unwrap_or("");
    let path = format!("board/{pi}.html");
    let page = BoardPage {
        root: root_of(&path),
        frame,
        pi,
        title: readiness.pi.title(),
    };
    Page {
        html: render(&page),
        path,
    }
}
