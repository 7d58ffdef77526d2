//! `backlog.html`: the ART backlog (features and capabilities) and the portfolio backlog (epics),
//! each ranked by WSJF as `popm backlog` ranks them, with the four inputs, the cost of delay and
//! the score; what is waiting apart from what is under way.

use askama::Template;

use super::link::ItemRef;
use super::{Frame, Page, SiteInput, render, root_of};
use crate::render::number;
use crate::report::board::Level;
use crate::report::listing::ItemFilter;
use crate::report::ranking::{self, Ranked};

#[derive(Template)]
#[template(path = "site/backlog.html")]
struct BacklogPage<'a> {
    root: String,
    frame: &'a Frame<'a>,
    sections: Vec<Section<'a>>,
}

struct Section<'a> {
    /// `art` or `portfolio`.
    level: &'static str,
    title: &'static str,
    parts: Vec<Part<'a>>,
}

/// What is waiting (funnel to ready), or what is under way (ranked apart).
struct Part<'a> {
    name: &'static str,
    heading: &'static str,
    rows: Vec<Row<'a>>,
}

struct Row<'a> {
    rank: usize,
    item: ItemRef<'a>,
    /// Business value, time criticality, risk reduction / opportunity enablement, job size, each
    /// as written or `-`.
    inputs: [String; 4],
    cost_of_delay: String,
    wsjf: String,
}

fn row<'a>(r: &Ranked<'a>, input: &'a SiteInput) -> Row<'a> {
    let values = r.item.wsjf.as_ref().map_or([None; 4], |w| w.values());
    Row {
        rank: r.rank,
        item: ItemRef::of(r.item, input.config),
        inputs: values.map(|v| v.map_or("-".into(), |v| v.to_string())),
        cost_of_delay: r
            .score
            .map_or("-".into(), |s| s.cost_of_delay().to_string()),
        wsjf: number::wsjf_or_dash(r.score),
    }
}

pub fn page<'a>(input: &'a SiteInput<'a>, frame: &Frame) -> Page {
    let path = "backlog.html";
    let section = |level: Level, name: &'static str, title: &'static str| {
        let ranked =
            ranking::open_items(input.backlog, input.config, level, &ItemFilter::default());
        Section {
            level: name,
            title,
            parts: vec![
                Part {
                    name: "waiting",
                    heading: "Waiting",
                    rows: ranked.waiting.iter().map(|r| row(r, input)).collect(),
                },
                Part {
                    name: "started",
                    heading: "Under way (started, not done; ranked apart)",
                    rows: ranked.started.iter().map(|r| row(r, input)).collect(),
                },
            ],
        }
    };
    let sections = vec![
        section(Level::Art, "art", "ART backlog"),
        section(Level::Portfolio, "portfolio", "Portfolio backlog"),
    ];
    let html = render(&BacklogPage {
        root: root_of(path),
        frame,
        sections,
    });
    Page {
        path: path.into(),
        html,
    }
}
