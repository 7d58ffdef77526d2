//! `popm diff`: what changed in the backlog between two readings of it, as a PM reads it: items
//! added and removed, re-parented, status moves, WSJF changes with the rank change they cause, PI
//! scope (features in and out, points per team), acceptance criteria added or checked,
//! dependencies, and the PIs' own fields (dates, capacity, allocation, objectives).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::log;
use super::plan;
use super::ranking;
use crate::config::Config;
use crate::model::Score;
use crate::model::{Backlog, Item, ItemType, Wsjf, natural_cmp};

/// An item added or removed.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffItem {
    pub id: String,
    pub kind: Option<ItemType>,
    pub title: String,
    /// The resolved state name, or the status as written; empty without one.
    pub status: String,
}

/// One value of an item before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Change<T> {
    pub id: String,
    pub from: T,
    pub to: T,
}

/// One WSJF input before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct InputChange {
    /// `business_value`, `time_criticality`, `risk_reduction` or `job_size`.
    pub key: &'static str,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WsjfChange {
    pub id: String,
    /// The inputs that changed, in the order of [`Wsjf::KEYS`].
    pub inputs: Vec<InputChange>,
    pub score_from: Option<Score>,
    pub score_to: Option<Score>,
    /// Position among the open items of its type (highest WSJF first); `None` once done or
    /// absent.
    pub rank_from: Option<usize>,
    pub rank_to: Option<usize>,
}

/// A team's load in a PI before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamPoints {
    pub team: String,
    pub from: f64,
    pub to: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PiScope {
    pub pi: String,
    pub features_in: Vec<String>,
    pub features_out: Vec<String>,
    pub points: Vec<TeamPoints>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CriteriaChange {
    pub id: String,
    pub added: usize,
    pub checked: usize,
    /// (checked, total) after.
    pub now_checked: usize,
    pub now_total: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BacklogDiff {
    /// What the two sides are (a revision, `work tree`), as the command names them.
    pub from: String,
    pub to: String,
    pub added: Vec<DiffItem>,
    pub removed: Vec<DiffItem>,
    pub reparented: Vec<Change<Option<String>>>,
    pub status: Vec<Change<String>>,
    pub wsjf: Vec<WsjfChange>,
    pub pi_scope: Vec<PiScope>,
    pub acceptance_criteria: Vec<CriteriaChange>,
    /// `depends_on` as written, before and after.
    pub dependencies: Vec<Change<Vec<String>>>,
    /// What changed in each PI's own fields.
    pub pi_changes: Vec<PiChanges>,
}

/// A PI's dates, capacity, allocation and objectives that changed, as `popm log` shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct PiChanges {
    pub pi: String,
    pub changes: Vec<log::Change>,
}

impl BacklogDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.reparented.is_empty()
            && self.status.is_empty()
            && self.wsjf.is_empty()
            && self.pi_scope.is_empty()
            && self.acceptance_criteria.is_empty()
            && self.dependencies.is_empty()
            && self.pi_changes.is_empty()
    }
}

/// The team of [`TeamPoints`] for the points of stories no team carries ([`plan::PiPlan::unassigned`]:
/// `popm pi ready` reports each as `team-missing`).
pub const NO_TEAM: &str = "(no team)";

fn diff_item(item: &Item, backlog: &Backlog, config: &Config) -> DiffItem {
    DiffItem {
        id: item.id().unwrap_or("").to_string(),
        kind: item.kind(),
        title: item.title().to_string(),
        status: backlog.status(item, config).to_string(),
    }
}

fn ranks<'a>(backlog: &'a Backlog, config: &Config) -> HashMap<&'a str, usize> {
    let mut out = HashMap::new();
    for t in [ItemType::Epic, ItemType::Capability, ItemType::Feature] {
        let open = backlog.of_type(t).filter(|i| !backlog.is_done(i, config));
        for r in ranking::by_wsjf(open) {
            if let Some(id) = r.item.id() {
                out.insert(id, r.rank);
            }
        }
    }
    out
}

fn wsjf_inputs(item: &Item) -> [Option<i64>; 4] {
    item.wsjf.as_ref().map_or([None; 4], Wsjf::values)
}

/// The features planned into each PI, and the load each team carries there (as `popm pi ready`
/// counts it, [`plan::every_pi`]), with the points of stories no team carries under [`NO_TEAM`].
fn pi_scope(backlog: &Backlog) -> BTreeMap<String, (BTreeSet<String>, BTreeMap<String, f64>)> {
    plan::every_pi(backlog)
        .into_iter()
        .map(|(pi, plan)| {
            let features: BTreeSet<String> = plan
                .planned
                .iter()
                .filter(|i| i.kind() == Some(ItemType::Feature))
                .filter_map(|i| i.id().map(str::to_string))
                .collect();
            let mut points: BTreeMap<String, f64> = plan
                .teams
                .iter()
                .map(|t| (t.team.clone(), t.load))
                .collect();
            if !plan.unassigned.is_empty() {
                *points.entry(NO_TEAM.to_string()).or_default() += plan.unassigned_points();
            }
            (pi, (features, points))
        })
        .collect()
}

/// Each side is read with its own popm.toml: an item's state is an index into the workflow of the
/// revision it was read at.
pub fn compute(
    (before, config_before): (&Backlog, &Config),
    (after, config_after): (&Backlog, &Config),
    from: String,
    to: String,
) -> BacklogDiff {
    let mut d = BacklogDiff {
        from,
        to,
        added: Vec::new(),
        removed: Vec::new(),
        reparented: Vec::new(),
        status: Vec::new(),
        wsjf: Vec::new(),
        pi_scope: Vec::new(),
        acceptance_criteria: Vec::new(),
        dependencies: Vec::new(),
        pi_changes: Vec::new(),
    };
    let mut ids: Vec<&str> = after
        .iter()
        .chain(before.iter())
        .filter_map(Item::id)
        .collect();
    ids.sort_by(|a, b| natural_cmp(a, b));
    ids.dedup();
    let (ranks_before, ranks_after) = (ranks(before, config_before), ranks(after, config_after));
    for id in ids {
        let (old, new) = match (before.get(id), after.get(id)) {
            (None, Some(new)) => {
                d.added.push(diff_item(new, after, config_after));
                continue;
            }
            (Some(old), None) => {
                d.removed.push(diff_item(old, before, config_before));
                continue;
            }
            (Some(old), Some(new)) => (old, new),
            (None, None) => continue,
        };
        let parent = |i: &Item| i.parent.as_ref().map(|p| p.value.clone());
        if parent(old) != parent(new) {
            d.reparented.push(Change {
                id: id.into(),
                from: parent(old),
                to: parent(new),
            });
        }
        let (sa, sb) = (
            before.status(old, config_before),
            after.status(new, config_after),
        );
        if sa != sb {
            d.status.push(Change {
                id: id.into(),
                from: sa.into(),
                to: sb.into(),
            });
        }
        let (wa, wb) = (wsjf_inputs(old), wsjf_inputs(new));
        if wa != wb {
            d.wsjf.push(WsjfChange {
                id: id.into(),
                inputs: Wsjf::KEYS
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| wa[*k] != wb[*k])
                    .map(|(k, key)| InputChange {
                        key,
                        from: wa[k],
                        to: wb[k],
                    })
                    .collect(),
                score_from: Score::of(old),
                score_to: Score::of(new),
                rank_from: ranks_before.get(id).copied(),
                rank_to: ranks_after.get(id).copied(),
            });
        }
        let depends =
            |i: &Item| -> Vec<String> { i.depends_on.iter().map(|d| d.value.clone()).collect() };
        if depends(old) != depends(new) {
            d.dependencies.push(Change {
                id: id.into(),
                from: depends(old),
                to: depends(new),
            });
        }
        if let (Some(a), Some(b)) = (old.pi_fields.as_deref(), new.pi_fields.as_deref()) {
            let changes = log::pi_changes(a, b);
            if !changes.is_empty() {
                d.pi_changes.push(PiChanges {
                    pi: id.into(),
                    changes,
                });
            }
        }
        let progress = |i: &Item| {
            i.acceptance_criteria
                .as_ref()
                .map_or((0, 0), |a| a.progress())
        };
        let ((ca, ta), (cb, tb)) = (progress(old), progress(new));
        if tb > ta || cb > ca {
            d.acceptance_criteria.push(CriteriaChange {
                id: id.into(),
                added: tb.saturating_sub(ta),
                checked: cb.saturating_sub(ca),
                now_checked: cb,
                now_total: tb,
            });
        }
    }
    let (plan_a, plan_b) = (pi_scope(before), pi_scope(after));
    let pis: BTreeSet<&String> = plan_a.keys().chain(plan_b.keys()).collect();
    let empty = (BTreeSet::new(), BTreeMap::new());
    for pi in pis {
        let a = plan_a.get(pi).unwrap_or(&empty);
        let b = plan_b.get(pi).unwrap_or(&empty);
        let mut features_in: Vec<String> = b.0.difference(&a.0).cloned().collect();
        let mut features_out: Vec<String> = a.0.difference(&b.0).cloned().collect();
        features_in.sort_by(|x, y| natural_cmp(x, y));
        features_out.sort_by(|x, y| natural_cmp(x, y));
        let mut teams: Vec<&String> = a.1.keys().chain(b.1.keys()).collect();
        teams.sort_by(|x, y| natural_cmp(x, y));
        teams.dedup();
        let points: Vec<TeamPoints> = teams
            .into_iter()
            .filter_map(|t| {
                let (x, y) = (
                    a.1.get(t).copied().unwrap_or(0.0),
                    b.1.get(t).copied().unwrap_or(0.0),
                );
                ((x - y).abs() > 1e-9).then(|| TeamPoints {
                    team: t.clone(),
                    from: x,
                    to: y,
                })
            })
            .collect();
        if !features_in.is_empty() || !features_out.is_empty() || !points.is_empty() {
            d.pi_scope.push(PiScope {
                pi: pi.clone(),
                features_in,
                features_out,
                points,
            });
        }
    }
    d
}
