//! `popm context [ID]`: what a coding agent needs to work on one item (its parents, siblings,
//! children, open dependencies, the findings about it) or on the current PI, every list capped so
//! that the brief stays small on any backlog.

use super::detail::{self, Related};
use super::readiness::{self, FeatureReadiness, Readiness};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::engine::Checked;
use crate::error::EnvError;
use crate::model::{Backlog, Item};

pub const MAX_SIBLINGS: usize = 15;
pub const MAX_CHILDREN: usize = 10;
pub const MAX_DEPENDENCIES: usize = 10;
pub const MAX_FINDINGS: usize = 8;
pub const MAX_FEATURES: usize = 12;

/// The first entries of a list, and how many more there are.
#[derive(Debug)]
pub struct Capped<T> {
    pub shown: Vec<T>,
    pub more: usize,
}

impl<T> Capped<T> {
    fn of(all: impl Iterator<Item = T>, cap: usize) -> Self {
        let mut shown = Vec::new();
        let mut more = 0;
        for x in all {
            if shown.len() < cap {
                shown.push(x);
            } else {
                more += 1;
            }
        }
        Capped { shown, more }
    }
}

pub enum Context<'a> {
    Item(ItemContext<'a>),
    Pi(PiContext<'a>),
}

pub struct ItemContext<'a> {
    pub item: &'a Item,
    /// From the top of the hierarchy down to the parent.
    pub parents: Vec<&'a Item>,
    /// The parent's other children.
    pub siblings: Capped<&'a Item>,
    pub children: Capped<&'a Item>,
    /// Dependencies not done yet, and ids no item has.
    pub open_dependencies: Capped<Related<'a>>,
    /// What `popm check` finds about the item.
    pub findings: Capped<&'a Diagnostic>,
}

pub struct PiContext<'a> {
    pub readiness: Readiness<'a>,
    /// The PI's features, by WSJF rank.
    pub features: Capped<usize>,
    pub findings: Capped<usize>,
}

impl PiContext<'_> {
    pub fn feature(&self, i: usize) -> &FeatureReadiness<'_> {
        &self.readiness.features[i]
    }
}

/// The brief about item `id`, or without an id about the current PI (else the next one).
pub fn context<'a>(
    checked: &'a Checked,
    config: &'a Config,
    id: Option<&str>,
) -> Result<Context<'a>, EnvError> {
    let backlog = &checked.backlog;
    let Some(id) = id else {
        let r = readiness::assess_selected(
            backlog,
            config,
            &checked.diagnostics,
            None,
            readiness::Purpose::Planning,
        )?;
        let features = Capped::of(0..r.features.len(), MAX_FEATURES);
        let findings = Capped::of(0..r.diagnostics.len(), MAX_FINDINGS);
        return Ok(Context::Pi(PiContext {
            readiness: r,
            features,
            findings,
        }));
    };
    let Some(d) = detail::detail(backlog, config, id) else {
        let ids: Vec<&str> = backlog.iter().filter_map(Item::id).collect();
        return Err(EnvError::UnknownId {
            id: id.to_string(),
            suggestion: crate::model::did_you_mean(id, &ids).map(str::to_string),
        });
    };
    Ok(Context::Item(ItemContext {
        item: d.item,
        siblings: siblings(backlog, &d.parents, d.item),
        parents: d.parents,
        children: Capped::of(d.children.into_iter(), MAX_CHILDREN),
        open_dependencies: Capped::of(
            d.dependencies.into_iter().filter(|r| match r {
                Related::Item(dep) => !backlog.is_done(dep, config),
                Related::Missing(_) => true,
            }),
            MAX_DEPENDENCIES,
        ),
        findings: Capped::of(
            checked
                .diagnostics
                .iter()
                .filter(|d| d.item.as_deref() == Some(id)),
            MAX_FINDINGS,
        ),
    }))
}

fn siblings<'a>(backlog: &'a Backlog, parents: &[&'a Item], item: &'a Item) -> Capped<&'a Item> {
    let Some(index) = parents
        .last()
        .and_then(|p| p.id())
        .and_then(|id| backlog.index_of(id))
    else {
        return Capped::of(std::iter::empty(), 0);
    };
    Capped::of(
        backlog
            .children_of(index)
            .filter(|c| !std::ptr::eq(*c, item)),
        MAX_SIBLINGS,
    )
}
