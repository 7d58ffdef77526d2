//! WSJF ranking (portfolio and ART levels) and the Product Owner's order (team level).

use std::cmp::Ordering;

use super::board::Level;
use super::listing::ItemFilter;
use crate::config::Config;
use crate::model::{Backlog, Item, ItemType, Score, Wsjf, natural_cmp};

#[derive(Debug, Clone)]
pub struct Ranked<'a> {
    /// 1-based position.
    pub rank: usize,
    pub item: &'a Item,
    /// `None`: no complete WSJF (ranked after every scored item), or a team-level ranking.
    pub score: Option<Score>,
}

fn by_id(a: &Item, b: &Item) -> Ordering {
    natural_cmp(a.id().unwrap_or(""), b.id().unwrap_or("")).then_with(|| a.path.cmp(&b.path))
}

/// Highest WSJF first; equal scores by id in natural order (any order of equals gives the same total
/// cost of delay, so a stable one is right); unscored items last, by id.
pub fn by_wsjf<'a>(items: impl IntoIterator<Item = &'a Item>) -> Vec<Ranked<'a>> {
    let mut scored: Vec<(&Item, Option<Score>)> =
        items.into_iter().map(|i| (i, Score::of(i))).collect();
    scored.sort_by(|(a, sa), (b, sb)| match (sa, sb) {
        (Some(x), Some(y)) => y.cmp_wsjf(x).then_with(|| by_id(a, b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => by_id(a, b),
    });
    number(scored)
}

/// The Product Owner's order: the `rank` field (lower first), then id; items without a rank after.
pub fn by_rank<'a>(items: impl IntoIterator<Item = &'a Item>) -> Vec<Ranked<'a>> {
    let mut items: Vec<&Item> = items.into_iter().collect();
    items.sort_by(|a, b| {
        let (ra, rb) = (
            a.rank.as_ref().map(|r| r.value),
            b.rank.as_ref().map(|r| r.value),
        );
        match (ra, rb) {
            (Some(x), Some(y)) => x.cmp(&y).then_with(|| by_id(a, b)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => by_id(a, b),
        }
    });
    number(items.into_iter().map(|i| (i, None)).collect())
}

fn number(items: Vec<(&Item, Option<Score>)>) -> Vec<Ranked<'_>> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, (item, score))| Ranked {
            rank: i + 1,
            item,
            score,
        })
        .collect()
}

/// A sign that the WSJF inputs of the ranked items are not calibrated; never an error.
#[derive(Debug, Clone, PartialEq)]
pub enum Calibration<'a> {
    /// No scored item has 1 for this input: WSJF is relative, and the smallest item should.
    NoOne {
        /// The input's key (`business_value`, ...).
        input: &'static str,
        scored: usize,
        lowest: i64,
    },
    /// A scored item's input off the configured scale.
    OffScale {
        item: &'a Item,
        input: &'static str,
        value: i64,
    },
}

/// The calibration hints of a ranking: per input, the lowest score when it is not 1 (with two
/// scored items or more), then each scored item's inputs off `scale`.
pub fn calibration<'a>(ranked: &[Ranked<'a>], scale: &[i64]) -> Vec<Calibration<'a>> {
    let scored: Vec<(&'a Item, Score)> = ranked
        .iter()
        .filter_map(|r| Some((r.item, r.score?)))
        .collect();
    let mut hints = Vec::new();
    if scored.len() >= 2 {
        for (k, input) in Wsjf::KEYS.iter().enumerate() {
            let lowest = scored.iter().map(|(_, s)| s.inputs()[k]).min();
            if let Some(lowest) = lowest
                && lowest != 1
            {
                hints.push(Calibration::NoOne {
                    input,
                    scored: scored.len(),
                    lowest,
                });
            }
        }
    }
    for (item, _) in &scored {
        let off = item.wsjf.iter().flat_map(|w| w.off_scale(scale));
        hints.extend(off.map(|(input, v)| Calibration::OffScale {
            item,
            input,
            value: v.value,
        }));
    }
    hints
}

/// The open (not done) items of a level, ranked as SAFe's backlogs are: what is waiting (before
/// the state where flow starts, `[flow] start`: funnel to ready for features and epics, backlog
/// and ready for stories) apart from what is already under way.
#[derive(Debug, Default)]
pub struct BacklogRanking<'a> {
    /// Waiting items (and items whose status is not a state of their workflow, which cannot be
    /// placed), in the level's order.
    pub waiting: Vec<Ranked<'a>>,
    /// Items started and not done, ranked among themselves.
    pub started: Vec<Ranked<'a>>,
}

/// The open items of a level that `filter` lets through, in the level's order: WSJF for the
/// portfolio and the ART, the Product Owner's rank for teams. A capability whose features are
/// ranked in the same part is left out of it: its features stand for it, and ranking a parent
/// against its own children would count its cost of delay twice.
pub fn open_items<'a>(
    backlog: &'a Backlog,
    config: &Config,
    level: Level,
    filter: &ItemFilter,
) -> BacklogRanking<'a> {
    let (mut waiting, mut started): (Vec<&Item>, Vec<&Item>) = backlog
        .iter()
        .filter(|i| i.kind().is_some_and(|k| level.types().contains(&k)))
        .filter(|i| !backlog.is_done(i, config))
        .filter(|i| filter.matches(i, backlog, config))
        .partition(|i| match (i.kind(), i.state) {
            (Some(kind), Some(state)) => state < config.flow.start(kind),
            _ => true,
        });
    let rank = |items: Vec<&'a Item>| match level {
        Level::Team => by_rank(items),
        _ => by_wsjf(items),
    };
    drop_represented(&mut waiting);
    drop_represented(&mut started);
    BacklogRanking {
        waiting: rank(waiting),
        started: rank(started),
    }
}

/// Leaves out each capability with one of its features among `items`.
fn drop_represented(items: &mut Vec<&Item>) {
    let parents: std::collections::HashSet<&str> = items
        .iter()
        .filter(|i| i.kind() == Some(ItemType::Feature))
        .filter_map(|i| i.parent.as_ref().map(|p| p.value.as_str()))
        .collect();
    if parents.is_empty() {
        return;
    }
    items.retain(|i| {
        i.kind() != Some(ItemType::Capability) || !i.id().is_some_and(|id| parents.contains(id))
    });
}

/// How one item's score and rank came about (`popm backlog --explain`).
#[derive(Debug)]
pub struct Explanation<'r, 'a> {
    pub ranked: &'r Ranked<'a>,
    /// How many items were ranked.
    pub of: usize,
    pub previous: Option<&'r Ranked<'a>>,
    pub next: Option<&'r Ranked<'a>>,
    /// Other items with exactly the same score (ordered among themselves by id).
    pub ties: Vec<&'a Item>,
    /// For an unscored item: the WSJF inputs it lacks (`None`: it has no `wsjf` at all).
    pub missing: Option<Vec<&'static str>>,
}

/// The explanation of the item `id` among `ranked`; `None` when it is not among them.
pub fn explain<'r, 'a>(ranked: &'r [Ranked<'a>], id: &str) -> Option<Explanation<'r, 'a>> {
    let position = ranked.iter().position(|r| r.item.id() == Some(id))?;
    let r = &ranked[position];
    let ties = match r.score {
        Some(s) => ranked
            .iter()
            .filter(|o| o.rank != r.rank && o.score.is_some_and(|t| t.cmp_wsjf(&s).is_eq()))
            .map(|o| o.item)
            .collect(),
        None => Vec::new(),
    };
    let missing = r.item.wsjf.as_ref().map(|w| {
        w.inputs()
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| *k)
            .collect()
    });
    Some(Explanation {
        ranked: r,
        of: ranked.len(),
        previous: position.checked_sub(1).map(|p| &ranked[p]),
        next: ranked.get(position + 1),
        ties,
        missing,
    })
}
