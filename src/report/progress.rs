//! How far along an epic, capability or feature is: the points of the stories below it that are
//! done over the points of all of them, and its direct children that are done over all of them.
//! Computed for the whole backlog in one pass, so `show`, `tree`, `list` and a later HTML report
//! read the same figures.

use crate::config::Config;
use crate::model::{Backlog, ItemType};

/// The progress of one item with children.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Progress {
    /// Story points of the stories below the item (at any depth), and of those that are done.
    pub points: f64,
    pub done_points: f64,
    /// The stories below the item, those done, and those without points (they add nothing to
    /// `points`, so the figure says less than it seems).
    pub stories: usize,
    pub done_stories: usize,
    pub unestimated: usize,
    /// Direct children, and those that are done.
    pub children: usize,
    pub done_children: usize,
}

impl Progress {
    /// Done points over total points, `None` when the stories carry no points.
    pub fn ratio(&self) -> Option<f64> {
        (self.points > 0.0).then(|| self.done_points / self.points)
    }
}

/// The rollups of every item, by backlog index: `Some` for epics, capabilities and features,
/// `None` for stories, PIs and items without a known type.
pub fn every(backlog: &Backlog, config: &Config) -> Vec<Option<Progress>> {
    let items = &backlog.items;
    let rolls_up = |i: usize| {
        matches!(
            items[i].kind(),
            Some(ItemType::Epic | ItemType::Capability | ItemType::Feature)
        )
    };
    let mut out: Vec<Option<Progress>> = (0..items.len())
        .map(|i| rolls_up(i).then(Progress::default))
        .collect();
    // Every item has at most one parent, so the items form trees (and parent cycles). Visit each
    // item once, depth first from the tops, then from the items only a cycle reaches; adding each
    // item's sums to its parent in reverse visiting order counts every story once per ancestor,
    // and a cycle is cut where the visit entered it.
    let mut order = Vec::with_capacity(items.len());
    let mut via = vec![None; items.len()];
    let mut seen = vec![false; items.len()];
    let tops = (0..items.len()).filter(|i| backlog.parent_of(&items[*i]).is_none());
    let rest: Vec<usize> = (0..items.len()).collect();
    for top in tops.chain(rest) {
        if seen[top] {
            continue;
        }
        seen[top] = true;
        let mut stack = vec![top];
        while let Some(i) = stack.pop() {
            order.push(i);
            for &c in backlog.child_indexes(i) {
                if !seen[c] {
                    seen[c] = true;
                    via[c] = Some(i);
                    stack.push(c);
                }
            }
        }
    }
    for &i in order.iter().rev() {
        let item = &items[i];
        let done = item.is_done(config);
        // What this item hands up to its parent: its own figures when it is a story, its sums
        // when it rolls up.
        let up = match out[i] {
            Some(p) => p,
            None if item.kind() == Some(ItemType::Story) => {
                let points = item.points.as_ref().map(|p| p.value);
                Progress {
                    points: points.unwrap_or(0.0),
                    done_points: if done { points.unwrap_or(0.0) } else { 0.0 },
                    stories: 1,
                    done_stories: usize::from(done),
                    unestimated: usize::from(points.is_none()),
                    ..Progress::default()
                }
            }
            None => Progress::default(),
        };
        let Some(parent) = via[i] else { continue };
        let Some(sum) = out[parent].as_mut() else {
            continue;
        };
        sum.points += up.points;
        sum.done_points += up.done_points;
        sum.stories += up.stories;
        sum.done_stories += up.done_stories;
        sum.unestimated += up.unestimated;
        sum.children += 1;
        sum.done_children += usize::from(done);
    }
    out
}

/// The rollup of one item (see [`every`]).
pub fn of(backlog: &Backlog, config: &Config, index: usize) -> Option<Progress> {
    every(backlog, config).get(index).copied().flatten()
}
