//! Which items a listing shows, and in what order: the filters of `list`, `backlog`, `board` and
//! `export`, and the one order every listing uses.

use std::cmp::Ordering;

use crate::config::{Config, normalize_status};
use crate::model::{Backlog, EnablerKind, Item, ItemType, Spanned, natural_cmp};

/// The order every listing uses: by level (epics first), then by id as people read ids.
pub fn listing_order(a: &Item, b: &Item) -> Ordering {
    a.kind()
        .cmp(&b.kind())
        .then_with(|| natural_cmp(a.id().unwrap_or(""), b.id().unwrap_or("")))
        .then_with(|| a.path.cmp(&b.path))
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EnablerFilter {
    /// Every enabler.
    Any,
    Kind(EnablerKind),
}

/// What an item must be to be listed; every field left empty lets every item through.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub types: Vec<ItemType>,
    /// Direct children of this item.
    pub parent: Option<String>,
    pub label: Option<String>,
    /// A story without a team counts for its feature's (as in `popm pi ready`).
    pub team: Option<String>,
    pub art: Option<String>,
    /// A story without a PI counts for its feature's.
    pub pi: Option<String>,
    /// States (aliases resolve) or, for a status that is not a state, the status as written.
    pub status: Vec<String>,
    pub enabler: Option<EnablerFilter>,
}

impl ItemFilter {
    pub fn matches(&self, item: &Item, backlog: &Backlog, config: &Config) -> bool {
        if !self.types.is_empty() && !item.kind().is_some_and(|k| self.types.contains(&k)) {
            return false;
        }
        if let Some(parent) = &self.parent
            && item.parent.as_ref().is_none_or(|p| &p.value != parent)
        {
            return false;
        }
        if let Some(label) = &self.label
            && !item.labels.iter().any(|l| &l.value == label)
        {
            return false;
        }
        if !self.status.is_empty() {
            let own = backlog.status(item, config);
            let workflow = item.kind().and_then(|k| config.workflow(k));
            let wanted = self
                .status
                .iter()
                .any(|s| match workflow.and_then(|w| w.resolve(s)) {
                    Some(i) => item.state == Some(i),
                    None => normalize_status(s) == normalize_status(own),
                });
            if !wanted {
                return false;
            }
        }
        if let Some(team) = &self.team {
            let inherited = item.team.is_empty() && backlog.team_of_story(item) == Some(team);
            if !item.teams().any(|t| t == team) && !inherited {
                return false;
            }
        }
        if let Some(pi) = &self.pi
            && backlog.planned_pi(item) != Some(pi.as_str())
        {
            return false;
        }
        let same = |field: &Option<Spanned<String>>, want: &Option<String>| match want {
            Some(w) => field.as_ref().is_some_and(|f| &f.value == w),
            None => true,
        };
        if !same(&item.art, &self.art) {
            return false;
        }
        match self.enabler {
            None => true,
            Some(EnablerFilter::Any) => item.is_enabler(),
            Some(EnablerFilter::Kind(k)) => item.enabler.as_ref().is_some_and(|e| e.value == k),
        }
    }
}

/// The items `filter` lets through, in listing order.
pub fn list<'a>(backlog: &'a Backlog, config: &Config, filter: &ItemFilter) -> Vec<&'a Item> {
    let mut items: Vec<&Item> = backlog
        .items
        .iter()
        .filter(|i| filter.matches(i, backlog, config))
        .collect();
    items.sort_by(|a, b| listing_order(a, b));
    items
}
