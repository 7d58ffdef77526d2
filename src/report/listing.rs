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
        .iter()
        .filter(|i| filter.matches(i, backlog, config))
        .collect();
    items.sort_by(|a, b| listing_order(a, b));
    items
}

/// A filter value that names nothing in the backlog or its configuration: a typo, not a question
/// whose answer is "nothing" (that is an empty listing).
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownFilterValue {
    /// The option, without dashes: `status`, `team`, `pi`, `art`, `parent`, `label`.
    pub option: &'static str,
    pub value: String,
    /// The closest known value, when one is close enough to be a typo.
    pub suggestion: Option<String>,
    /// Every known value (sorted, at most [`KNOWN_SHOWN`]), for when nothing is close.
    pub known: Vec<String>,
}

/// How many known values an [`UnknownFilterValue`] lists.
pub const KNOWN_SHOWN: usize = 12;

impl ItemFilter {
    /// The first value of the filter that names nothing this backlog knows, if any. `types` are
    /// the item types the command looks at (a status is judged against their workflows). Known
    /// are: states and aliases of those workflows, and statuses as written; teams of popm.toml
    /// and of the items; PIs and the PIs items name; ARTs, labels and ids the items carry.
    pub fn unknown_value(
        &self,
        backlog: &Backlog,
        config: &Config,
        types: &[ItemType],
    ) -> Option<UnknownFilterValue> {
        let types: &[ItemType] = if types.is_empty() {
            ItemType::ALL
        } else {
            types
        };
        for status in &self.status {
            let workflows = types.iter().filter_map(|t| config.workflow(*t));
            if workflows.clone().any(|w| w.resolve(status).is_some()) {
                continue;
            }
            let wanted = normalize_status(status);
            let written = backlog.iter().filter_map(|i| i.status.as_ref());
            if written
                .clone()
                .any(|s| normalize_status(&s.value) == wanted)
            {
                continue;
            }
            let mut known: Vec<String> = workflows
                .flat_map(|w| w.states.iter().chain(w.aliases.keys()))
                .cloned()
                .collect();
            known.extend(written.map(|s| s.value.clone()));
            return Some(UnknownFilterValue::new("status", &wanted, status, known));
        }
        let names = |values: Vec<&str>| values.into_iter().map(str::to_string).collect();
        let checks: [(&'static str, &Option<String>, Vec<String>); 5] = [
            (
                "team",
                &self.team,
                names(
                    config
                        .teams
                        .iter()
                        .map(String::as_str)
                        .chain(backlog.iter().flat_map(Item::teams))
                        .collect(),
                ),
            ),
            (
                "pi",
                &self.pi,
                names(
                    backlog
                        .of_type(ItemType::Pi)
                        .filter_map(Item::id)
                        .chain(backlog.iter().filter_map(|i| value(&i.pi)))
                        .collect(),
                ),
            ),
            (
                "art",
                &self.art,
                names(backlog.iter().filter_map(|i| value(&i.art)).collect()),
            ),
            (
                "parent",
                &self.parent,
                names(backlog.iter().filter_map(Item::id).collect()),
            ),
            (
                "label",
                &self.label,
                names(
                    backlog
                        .iter()
                        .flat_map(|i| i.labels.iter().map(|l| l.value.as_str()))
                        .collect(),
                ),
            ),
        ];
        for (option, wanted, known) in checks {
            let Some(wanted) = wanted else {
                continue;
            };
            if !known.iter().any(|k| k == wanted) {
                return Some(UnknownFilterValue::new(option, wanted, wanted, known));
            }
        }
        None
    }
}

fn value(field: &Option<Spanned<String>>) -> Option<&str> {
    field.as_ref().map(|f| f.value.as_str())
}

impl UnknownFilterValue {
    /// `--option given` names none of `known` (`given` is compared as `wanted`: a status
    /// normalized, say).
    pub fn new(
        option: &'static str,
        wanted: &str,
        given: &str,
        mut known: Vec<String>,
    ) -> UnknownFilterValue {
        known.sort_by(|a, b| natural_cmp(a, b));
        known.dedup();
        let candidates: Vec<&str> = known.iter().map(String::as_str).collect();
        let suggestion = crate::model::did_you_mean(wanted, &candidates).map(str::to_string);
        known.truncate(KNOWN_SHOWN);
        UnknownFilterValue {
            option,
            value: given.to_string(),
            suggestion,
            known,
        }
    }
}
