//! The JSON records of the reports (`popm diff`, `popm log`, `popm flow`, `popm pi ready`): the
//! stable shapes docs/json.md documents, field for field. Each record is built from a typed answer of
//! `report/`; the renderers serialize them and nothing else decides a JSON field.

use serde::Serialize;

use crate::model::ItemType;
use crate::render::number;
use crate::report::diff::{self, BacklogDiff};

// ---------------------------------------------------------------------------------------------
// popm log --format json: an array of these, oldest first

#[derive(Serialize)]
pub struct LogEntryRecord<'a> {
    /// The short commit id.
    pub commit: String,
    /// Committer time, ISO 8601 UTC.
    pub date: String,
    pub author: &'a str,
    pub path: Option<&'a str>,
    pub status: Option<&'a str>,
    /// Each change in words.
    pub changes: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// popm diff --format json

#[derive(Serialize)]
pub struct DiffRecord<'a> {
    from: &'a str,
    to: &'a str,
    added: Vec<DiffItemRecord<'a>>,
    removed: Vec<DiffItemRecord<'a>>,
    reparented: Vec<ChangeRecord<'a, Option<&'a str>>>,
    status: Vec<ChangeRecord<'a, &'a str>>,
    wsjf: Vec<WsjfChangeRecord<'a>>,
    pi_scope: Vec<PiScopeRecord<'a>>,
    acceptance_criteria: Vec<CriteriaRecord<'a>>,
}

#[derive(Serialize)]
struct DiffItemRecord<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    item_type: Option<ItemType>,
    title: &'a str,
    status: &'a str,
}

#[derive(Serialize)]
struct ChangeRecord<'a, T> {
    id: &'a str,
    from: T,
    to: T,
}

#[derive(Serialize)]
struct WsjfChangeRecord<'a> {
    id: &'a str,
    /// business_value, time_criticality, risk_reduction, job_size before and after, by key.
    inputs: Vec<ChangeRecord<'a, Option<i64>>>,
    wsjf_from: Option<f64>,
    wsjf_to: Option<f64>,
    rank_from: Option<usize>,
    rank_to: Option<usize>,
}

#[derive(Serialize)]
struct TeamPointsRecord<'a> {
    team: &'a str,
    #[serde(serialize_with = "number::json")]
    from: f64,
    #[serde(serialize_with = "number::json")]
    to: f64,
}

#[derive(Serialize)]
struct PiScopeRecord<'a> {
    pi: &'a str,
    features_in: &'a [String],
    features_out: &'a [String],
    points: Vec<TeamPointsRecord<'a>>,
}

#[derive(Serialize)]
struct CriteriaRecord<'a> {
    id: &'a str,
    added: usize,
    checked: usize,
    now_checked: usize,
    now_total: usize,
}

impl<'a> DiffRecord<'a> {
    pub fn of(d: &'a BacklogDiff) -> DiffRecord<'a> {
        let item = |i: &'a diff::DiffItem| DiffItemRecord {
            id: &i.id,
            item_type: i.kind,
            title: &i.title,
            status: &i.status,
        };
        DiffRecord {
            from: &d.from,
            to: &d.to,
            added: d.added.iter().map(item).collect(),
            removed: d.removed.iter().map(item).collect(),
            reparented: d
                .reparented
                .iter()
                .map(|c| ChangeRecord {
                    id: &c.id,
                    from: c.from.as_deref(),
                    to: c.to.as_deref(),
                })
                .collect(),
            status: d
                .status
                .iter()
                .map(|c| ChangeRecord {
                    id: &c.id,
                    from: c.from.as_str(),
                    to: c.to.as_str(),
                })
                .collect(),
            wsjf: d
                .wsjf
                .iter()
                .map(|w| WsjfChangeRecord {
                    id: &w.id,
                    inputs: w
                        .inputs
                        .iter()
                        .map(|i| ChangeRecord {
                            id: i.key,
                            from: i.from,
                            to: i.to,
                        })
                        .collect(),
                    wsjf_from: w.score_from.map(|s| s.wsjf()),
                    wsjf_to: w.score_to.map(|s| s.wsjf()),
                    rank_from: w.rank_from,
                    rank_to: w.rank_to,
                })
                .collect(),
            pi_scope: d
                .pi_scope
                .iter()
                .map(|p| PiScopeRecord {
                    pi: &p.pi,
                    features_in: &p.features_in,
                    features_out: &p.features_out,
                    points: p
                        .points
                        .iter()
                        .map(|t| TeamPointsRecord {
                            team: &t.team,
                            from: t.from,
                            to: t.to,
                        })
                        .collect(),
                })
                .collect(),
            acceptance_criteria: d
                .acceptance_criteria
                .iter()
                .map(|c| CriteriaRecord {
                    id: &c.id,
                    added: c.added,
                    checked: c.checked,
                    now_checked: c.now_checked,
                    now_total: c.now_total,
                })
                .collect(),
        }
    }
}
