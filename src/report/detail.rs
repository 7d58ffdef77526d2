//! One item in full (`popm show`): its parent chain, its children, what it depends on and what
//! depends on it.

use super::progress::{self, Progress};
use crate::config::Config;
use crate::model::{Backlog, Item, ItemType, KeyResult, PiFields, natural_cmp};

/// An item named in a relation: one that exists, or an id no item has.
#[derive(Debug, Clone, Copy)]
pub enum Related<'a> {
    Item(&'a Item),
    Missing(&'a str),
}

#[derive(Debug)]
pub struct Detail<'a> {
    pub item: &'a Item,
    /// From the top of the hierarchy down to the item's parent.
    pub parents: Vec<&'a Item>,
    /// Direct children, by id.
    pub children: Vec<&'a Item>,
    /// The items named in `depends_on`, in the order written.
    pub dependencies: Vec<Related<'a>>,
    /// The items whose `depends_on` names this one, by id.
    pub needed_by: Vec<&'a Item>,
    /// Done points and children of an epic, capability or feature.
    pub progress: Option<Progress>,
    /// A PI's own fields and the features and capabilities planned for it.
    pub pi: Option<PiDetail<'a>>,
    /// An OKR's key results, each with its progress, and the epics serving it.
    pub okr: Option<OkrDetail<'a>>,
}

#[derive(Debug)]
pub struct OkrDetail<'a> {
    /// Each key result with its progress ([`KeyResult::progress`]).
    pub key_results: Vec<(&'a KeyResult, Option<f64>)>,
    /// The epics whose `okrs` name this OKR, by id.
    pub epics: Vec<&'a Item>,
}

#[derive(Debug)]
pub struct PiDetail<'a> {
    pub fields: &'a PiFields,
    /// First and last day (the end of the IP iteration).
    pub dates: Option<(jiff::civil::Date, jiff::civil::Date)>,
    pub development_iterations: usize,
    /// The features and capabilities whose own `pi` is this PI, in listing order.
    pub planned: Vec<&'a Item>,
}

/// The item with this id and its relations; `None` when no item has the id.
pub fn detail<'a>(backlog: &'a Backlog, config: &Config, id: &str) -> Option<Detail<'a>> {
    let index = backlog.index_of(id)?;
    let item = &backlog.items[index];
    let mut needed_by: Vec<&Item> = backlog
        .iter()
        .filter(|other| other.depends_on.iter().any(|d| d.value == id))
        .collect();
    needed_by.sort_by(|a, b| natural_cmp(a.id().unwrap_or(""), b.id().unwrap_or("")));
    Some(Detail {
        item,
        parents: parents(backlog, item),
        children: backlog.children_of(index).collect(),
        dependencies: dependencies(backlog, item),
        needed_by,
        progress: progress::of(backlog, config, index),
        pi: pi_detail(backlog, item),
        okr: okr_detail(backlog, item),
    })
}

/// From the top of the hierarchy down to the item's parent.
fn parents<'a>(backlog: &'a Backlog, item: &'a Item) -> Vec<&'a Item> {
    // Walk up at most as many steps as there are items, so a parent cycle cannot loop forever.
    // Stop at the first item seen twice: a parent cycle (reported by `popm check`) is shown once.
    let mut parents = Vec::new();
    let mut seen = std::collections::HashSet::from([item.path.as_str()]);
    let mut at = backlog.parent_of(item);
    while let Some(p) = at {
        if !seen.insert(p.path.as_str()) {
            break;
        }
        parents.push(p);
        at = backlog.parent_of(p);
    }
    parents.reverse();
    parents
}

/// The items named in `depends_on`, in the order written.
fn dependencies<'a>(backlog: &'a Backlog, item: &'a Item) -> Vec<Related<'a>> {
    item.depends_on
        .iter()
        .map(|d| match backlog.get(&d.value) {
            Some(dep) => Related::Item(dep),
            None => Related::Missing(&d.value),
        })
        .collect()
}

/// The detail of every item with an id that names it in the backlog (the first of items sharing
/// an id), in backlog order: [`detail`] for all at once, the rollups and the reverse dependencies
/// computed once instead of once per item.
pub fn every<'a>(backlog: &'a Backlog, config: &Config) -> Vec<Detail<'a>> {
    let rollups = progress::every(backlog, config);
    let mut needed: std::collections::HashMap<&str, Vec<&Item>> = std::collections::HashMap::new();
    for other in backlog.iter() {
        for d in &other.depends_on {
            let list = needed.entry(d.value.as_str()).or_default();
            // An item naming the same dependency twice needs it once.
            if !list.last().is_some_and(|last| std::ptr::eq(*last, other)) {
                list.push(other);
            }
        }
    }
    backlog
        .iter()
        .enumerate()
        .filter(|(i, item)| item.id().and_then(|id| backlog.index_of(id)) == Some(*i))
        .map(|(index, item)| {
            let id = item.id().unwrap_or("");
            let mut needed_by = needed.get(id).cloned().unwrap_or_default();
            needed_by.sort_by(|a, b| natural_cmp(a.id().unwrap_or(""), b.id().unwrap_or("")));
            Detail {
                item,
                parents: parents(backlog, item),
                children: backlog.children_of(index).collect(),
                dependencies: dependencies(backlog, item),
                needed_by,
                progress: rollups.get(index).copied().flatten(),
                pi: pi_detail(backlog, item),
                okr: okr_detail(backlog, item),
            }
        })
        .collect()
}

fn okr_detail<'a>(backlog: &'a Backlog, item: &'a Item) -> Option<OkrDetail<'a>> {
    if item.kind() != Some(ItemType::Okr) {
        return None;
    }
    let id = item.id()?;
    let mut epics: Vec<&Item> = backlog
        .of_type(ItemType::Epic)
        .filter(|e| e.okrs.iter().any(|o| o.value == id))
        .collect();
    epics.sort_by(|a, b| natural_cmp(a.id().unwrap_or(""), b.id().unwrap_or("")));
    Some(OkrDetail {
        key_results: item.key_results.iter().map(|k| (k, k.progress())).collect(),
        epics,
    })
}

fn pi_detail<'a>(backlog: &'a Backlog, item: &'a Item) -> Option<PiDetail<'a>> {
    if item.kind() != Some(ItemType::Pi) {
        return None;
    }
    static NO_FIELDS: std::sync::OnceLock<PiFields> = std::sync::OnceLock::new();
    let fields = item
        .pi_fields
        .as_deref()
        .unwrap_or_else(|| NO_FIELDS.get_or_init(PiFields::default));
    let id = item.id()?;
    let mut planned: Vec<&Item> = backlog
        .iter()
        .filter(|i| matches!(i.kind(), Some(ItemType::Feature | ItemType::Capability)))
        .filter(|i| i.pi.as_ref().is_some_and(|p| p.value == id))
        .collect();
    planned.sort_by(|a, b| super::listing::listing_order(a, b));
    Some(PiDetail {
        fields,
        dates: fields.dates(),
        development_iterations: super::plan::development_iterations(fields),
        planned,
    })
}
