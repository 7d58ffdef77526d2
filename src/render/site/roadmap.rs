//! `roadmap.html`: epics and capabilities as lanes, the PIs in time order as columns (past,
//! current, next), each feature in the column of its PI, with progress.

use askama::Template;

use super::link::{self, ItemRef};
use super::{Frame, Page, SiteInput, render, root_of};
use crate::report::progress::Progress;
use crate::report::roadmap::{self, Lane, PiColumn, Placed};

#[derive(Template)]
#[template(path = "site/roadmap.html")]
struct RoadmapPage<'a> {
    root: String,
    frame: &'a Frame<'a>,
    /// The day past, current and next are seen from.
    today: String,
    pis: Vec<PiHead<'a>>,
    lanes: Vec<LaneRow<'a>>,
}

struct PiHead<'a> {
    id: &'a str,
    title: &'a str,
    dates: String,
    /// `past`, `current`, `next`, or empty without dates.
    when: &'static str,
    /// The PI has its own page (`pi/<PI>.html`).
    page: bool,
    /// (name, date) in the PI's order.
    milestones: Vec<(&'a str, String)>,
}

struct LaneRow<'a> {
    /// `None`: the features under no epic or capability.
    item: Option<ItemRef<'a>>,
    depth: usize,
    progress: Option<ProgressView>,
    cells: Vec<Vec<Card<'a>>>,
}

struct Card<'a> {
    item: ItemRef<'a>,
    progress: Option<ProgressView>,
}

pub(super) struct ProgressView {
    pub text: String,
    /// The share of points done, for a bar; `None` when no story below carries points (a bar
    /// would show 0 for what is unknown).
    pub percent: Option<u32>,
}

impl ProgressView {
    pub fn of(p: Option<Progress>) -> Option<ProgressView> {
        p.map(|p| ProgressView {
            text: link::progress_text(&p),
            percent: p.ratio().map(|_| link::progress_percent(&p)),
        })
    }
}

pub fn page<'a>(input: &'a SiteInput<'a>, frame: &Frame) -> Page {
    let path = "roadmap.html";
    let map = roadmap::roadmap(input.backlog, input.config, input.today);
    let with_page = |id: &str| input.readiness.iter().any(|r| r.pi.id() == Some(id));
    let pis = map
        .pis
        .iter()
        .map(|c: &PiColumn| {
            let id = c.pi.id().unwrap_or("");
            PiHead {
                id,
                title: c.pi.title(),
                dates: super::pi_dates(c.dates),
                when: c.when.map_or("", |w| w.as_str()),
                page: with_page(id),
                milestones: c
                    .milestones
                    .iter()
                    .map(|m| (m.name.as_str(), m.date.to_string()))
                    .collect(),
            }
        })
        .collect();
    let card = |p: &Placed<'a>| Card {
        item: ItemRef::of(p.item, input.config),
        progress: ProgressView::of(p.progress),
    };
    let lanes = map
        .lanes
        .iter()
        .map(|lane: &Lane| LaneRow {
            item: lane.item.map(|i| ItemRef::of(i, input.config)),
            depth: lane.depth,
            progress: ProgressView::of(lane.progress),
            cells: lane
                .cells
                .iter()
                .map(|c| c.iter().map(card).collect())
                .collect(),
        })
        .collect();
    let html = render(&RoadmapPage {
        root: root_of(path),
        frame,
        today: input.today.to_string(),
        pis,
        lanes,
    });
    Page {
        path: path.into(),
        html,
    }
}
