//! The ART overview of `popm report`'s index page: how many items of each type sit in each
//! workflow state.

use crate::config::Config;
use crate::model::{Backlog, ItemType};

/// The items of one type, counted per workflow state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateCounts {
    pub item_type: ItemType,
    /// Every state of the type's workflow, in workflow order, with its count (zeros kept, so the
    /// columns line up with the workflow).
    pub states: Vec<(String, usize)>,
    /// Items whose status the workflow does not know.
    pub unknown: usize,
    pub total: usize,
}

/// Counts per state for epics, capabilities, features and stories (PIs have no workflow), types
/// without items left out.
pub fn state_counts(backlog: &Backlog, config: &Config) -> Vec<StateCounts> {
    let mut out: Vec<StateCounts> = [
        ItemType::Epic,
        ItemType::Capability,
        ItemType::Feature,
        ItemType::Story,
    ]
    .into_iter()
    .map(|t| StateCounts {
        item_type: t,
        states: config
            .workflow(t)
            .map(|w| w.states.iter().map(|s| (s.clone(), 0)).collect())
            .unwrap_or_default(),
        unknown: 0,
        total: 0,
    })
    .collect();
    for item in backlog.iter() {
        let Some(counts) = out.iter_mut().find(|c| Some(c.item_type) == item.kind()) else {
            continue;
        };
        counts.total += 1;
        match item.state.and_then(|s| counts.states.get_mut(s)) {
            Some((_, n)) => *n += 1,
            None => counts.unknown += 1,
        }
    }
    out.retain(|c| c.total > 0);
    out
}

/// The PI items that some feature, capability or story is planned for, in start order (PIs
/// without a start date after the others), then by id.
pub fn pis_with_work(backlog: &Backlog) -> Vec<&crate::model::Item> {
    let planned = crate::report::plan::every_pi(backlog);
    let mut pis: Vec<&crate::model::Item> = backlog
        .of_type(ItemType::Pi)
        .filter(|pi| pi.id().is_some_and(|id| planned.contains_key(id)))
        .collect();
    pis.sort_by_key(|pi| {
        let start = pi.pi_fields.as_deref().and_then(|f| f.dates()).map(|d| d.0);
        (start.is_none(), start, pi.id())
    });
    pis
}

/// The answers the site's pages draw on besides the check itself, computed once by `popm report`
/// and by each page `popm serve` renders.
pub struct SiteAnswers<'a> {
    /// The PIs reported (every PI with planned work, or the one asked for), assessed for planning.
    pub readiness: Vec<crate::report::readiness::Readiness<'a>>,
    /// [`crate::report::progress::every`], by backlog index.
    pub progress: Vec<Option<crate::report::progress::Progress>>,
}

/// Selects the PIs to report (`pi`, or every PI with planned work), assesses each and rolls up
/// every item's progress.
pub fn site_answers<'a>(
    backlog: &'a Backlog,
    config: &'a Config,
    diagnostics: &[crate::diagnostic::Diagnostic],
    pi: Option<&str>,
) -> Result<SiteAnswers<'a>, crate::error::EnvError> {
    use crate::report::readiness;
    let pis = match pi {
        Some(id) => vec![readiness::select(
            backlog,
            Some(id),
            readiness::Purpose::Planning,
        )?],
        None => pis_with_work(backlog),
    };
    Ok(SiteAnswers {
        readiness: pis
            .into_iter()
            .map(|pi| readiness::assess(backlog, config, diagnostics, pi))
            .collect(),
        progress: crate::report::progress::every(backlog, config),
    })
}
