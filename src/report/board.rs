//! `popm board`: the Kanban board of one level, one column per workflow state.

use serde::Serialize;

use super::listing::ItemFilter;
use super::ranking;
use crate::config::Config;
use crate::model::Score;
use crate::model::{Backlog, Item, ItemType, natural_cmp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Epics.
    Portfolio,
    /// Features (with `backlog`, capabilities too).
    Art,
    /// Stories.
    Team,
}

impl Level {
    pub fn types(self) -> &'static [ItemType] {
        match self {
            Level::Portfolio => &[ItemType::Epic],
            Level::Art => &[ItemType::Feature, ItemType::Capability],
            Level::Team => &[ItemType::Story],
        }
    }

    /// The type whose workflow gives the board its columns.
    pub fn workflow_type(self) -> ItemType {
        self.types()[0]
    }

    /// The items on the level's Kanban board: epics, features (SAFe's ART Kanban holds features;
    /// capabilities belong to the solution level) or stories. WIP limits count exactly these, as
    /// `wip-exceeded` in `popm check` does.
    pub fn board_type(self) -> ItemType {
        self.workflow_type()
    }
}

#[derive(Debug)]
pub struct Column<'a> {
    pub state: String,
    pub wip: Option<u32>,
    /// Items of the board's type in this state across the whole backlog: WIP limits count these,
    /// whatever the filters show.
    pub total: usize,
    /// Cards in board order: WSJF for portfolio and ART, the PO's rank for teams; in a done
    /// column, the most recent first (see [`columns`]), at most `[board] done_cards`.
    pub cards: Vec<(&'a Item, Option<Score>)>,
    /// Cards the filters let through but a done column leaves out.
    pub more: usize,
}

impl Column<'_> {
    pub fn over_limit(&self) -> bool {
        self.wip.is_some_and(|w| self.total > w as usize)
    }
}

/// Items whose status is not a state of the level's workflow are left out (`popm check` reports
/// them as status-unknown).
pub fn columns<'a>(
    backlog: &'a Backlog,
    config: &Config,
    level: Level,
    items: Vec<&'a Item>,
) -> Vec<Column<'a>> {
    let Some(workflow) = config.workflow(level.workflow_type()) else {
        return Vec::new();
    };
    let ranked = match level {
        Level::Team => ranking::by_rank(items),
        _ => ranking::by_wsjf(items),
    };
    let mut columns: Vec<Column> = workflow
        .states
        .iter()
        .map(|s| Column {
            state: s.clone(),
            wip: workflow.wip.get(s).map(|w| w.limit),
            total: 0,
            cards: Vec::new(),
            more: 0,
        })
        .collect();
    for item in backlog.of_type(level.board_type()) {
        let status = backlog.status(item, config);
        if let Some(c) = columns.iter_mut().find(|c| c.state == status) {
            c.total += 1;
        }
    }
    for r in ranked {
        let status = backlog.status(r.item, config);
        if let Some(c) = columns.iter_mut().find(|c| c.state == status) {
            c.cards.push((r.item, r.score));
        }
    }
    // A done column grows for ever, and its WSJF order says nothing any more. The files keep no
    // done date (only git does, and reading the history is too slow for a board), so the most
    // recent are taken to be the highest ids: popm gives ids in creation order.
    for (index, c) in columns.iter_mut().enumerate() {
        if workflow.is_done(index) {
            c.cards.sort_by(|(a, _), (b, _)| {
                natural_cmp(b.id().unwrap_or(""), a.id().unwrap_or(""))
                    .then_with(|| a.path.cmp(&b.path))
            });
            let keep = config.board_done_cards.min(c.cards.len());
            c.more = c.cards.len() - keep;
            c.cards.truncate(keep);
        }
    }
    columns
}

/// The board of a level: the items of its type that `filter` lets through, in its columns.
pub fn board<'a>(
    backlog: &'a Backlog,
    config: &Config,
    level: Level,
    filter: &ItemFilter,
) -> Vec<Column<'a>> {
    let items: Vec<&Item> = backlog
        .iter()
        .filter(|i| i.kind() == Some(level.board_type()))
        .filter(|i| filter.matches(i, backlog, config))
        .collect();
    columns(backlog, config, level, items)
}
