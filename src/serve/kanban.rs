//! The Kanban board page of `popm serve` (`/kanban.html` for features, `/kanban/team.html` for
//! stories, `/kanban/portfolio.html` for epics): `popm board`'s columns as an askama template in
//! the report's frame, each card carrying its item's id and file version for the edits of
//! `popm.js`. Values are escaped by the template.

use askama::Template;

use crate::render::site::{Frame, render};
use crate::report::board::{self, Level};
use crate::report::listing::ItemFilter;
use crate::source::Texts;

#[derive(Template)]
#[template(path = "site/kanban.html")]
struct KanbanPage<'a> {
    root: String,
    frame: &'a Frame<'a>,
    level: &'static str,
    levels: [(&'static str, &'static str); 3],
    columns: Vec<ColumnView<'a>>,
}

struct ColumnView<'a> {
    state: &'a str,
    wip: Option<u32>,
    total: usize,
    over: bool,
    more: usize,
    cards: Vec<CardView<'a>>,
}

struct CardView<'a> {
    id: &'a str,
    title: &'a str,
    /// Team, PI and iteration, as known.
    meta: String,
    version: String,
}

/// The page path of a level's board.
pub fn path_of(level: Level) -> &'static str {
    match level {
        Level::Art => "kanban.html",
        Level::Team => "kanban/team.html",
        Level::Portfolio => "kanban/portfolio.html",
    }
}

pub fn level_of(path: &str) -> Option<Level> {
    [Level::Art, Level::Team, Level::Portfolio]
        .into_iter()
        .find(|l| path_of(*l) == path)
}

pub fn page(
    backlog: &crate::model::Backlog,
    config: &crate::config::Config,
    texts: &Texts,
    frame: &Frame,
    level: Level,
) -> String {
    let columns = board::board(backlog, config, level, &ItemFilter::default());
    let columns: Vec<ColumnView> = columns
        .iter()
        .map(|c| ColumnView {
            state: &c.state,
            wip: c.wip,
            total: c.total,
            over: c.over_limit(),
            more: c.more,
            cards: c
                .cards
                .iter()
                .map(|(item, _)| CardView {
                    id: item.id().unwrap_or_default(),
                    title: item.title(),
                    meta: meta(backlog, item),
                    version: texts
                        .get(&item.path)
                        .and_then(super::api::version_of)
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    // Links from the site root: the kanban pages are served at `/`, never written to a folder.
    let page = KanbanPage {
        root: "/".into(),
        frame,
        level: match level {
            Level::Art => "features",
            Level::Team => "stories",
            Level::Portfolio => "epics",
        },
        levels: [
            ("Features", "/kanban.html"),
            ("Stories", "/kanban/team.html"),
            ("Epics", "/kanban/portfolio.html"),
        ],
        columns,
    };
    render(&page)
}

fn meta(backlog: &crate::model::Backlog, item: &crate::model::Item) -> String {
    let mut parts: Vec<String> = Vec::new();
    let teams: Vec<&str> = item.teams().collect();
    if !teams.is_empty() {
        parts.push(teams.join(", "));
    }
    if let Some(pi) = backlog.planned_pi(item) {
        parts.push(pi.to_string());
    }
    if let Some(iteration) = &item.iteration {
        parts.push(format!("iteration {}", iteration.value));
    }
    parts.join(" · ")
}
