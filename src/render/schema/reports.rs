//! The JSON records of the reports (`popm diff`, `popm log`, `popm flow`, `popm pi ready`): the
//! stable shapes docs/json.md documents, field for field. Each record is built from a typed answer of
//! `report/`; the renderers serialize them and nothing else decides a JSON field.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::ItemType;
use crate::render::number;
use crate::render::schema::DiagnosticRecord;
use crate::report::board::Level;
use crate::report::diff::{self, BacklogDiff};
use crate::report::flow::{Flow, iso};
use crate::report::readiness::Readiness;

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
    dependencies: Vec<ChangeRecord<'a, &'a [String]>>,
    pi_changes: Vec<PiChangesRecord<'a>>,
}

#[derive(Serialize)]
struct PiChangesRecord<'a> {
    pi: &'a str,
    /// Each change in the words of `popm log`.
    changes: Vec<String>,
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
            dependencies: d
                .dependencies
                .iter()
                .map(|c| ChangeRecord {
                    id: &c.id,
                    from: c.from.as_slice(),
                    to: c.to.as_slice(),
                })
                .collect(),
            pi_changes: d
                .pi_changes
                .iter()
                .map(|p| PiChangesRecord {
                    pi: &p.pi,
                    changes: p.changes.iter().map(crate::render::log::describe).collect(),
                })
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// popm flow --format json

#[derive(Serialize)]
struct FlowPeriodRecord {
    from: String,
    to: String,
    done: usize,
}
#[derive(Serialize)]
struct VelocityRecord {
    total: usize,
    periods: Vec<FlowPeriodRecord>,
}
#[derive(Serialize)]
struct FlowTimeRecord {
    count: usize,
    min: f64,
    median: f64,
    p85: f64,
    max: f64,
    mean: f64,
}
#[derive(Serialize)]
struct DayRecord {
    date: String,
    load: usize,
    states: BTreeMap<String, usize>,
}
#[derive(Serialize)]
struct ShareRecord {
    name: String,
    count: usize,
    share: f64,
}
#[derive(Serialize)]
struct DistributionRecord {
    work_types: Vec<ShareRecord>,
    labels: Vec<ShareRecord>,
}
#[derive(Serialize)]
struct EfficiencyRecord {
    active_days: f64,
    flow_days: f64,
    ratio: Option<f64>,
}
#[derive(Serialize)]
struct PredictabilityRecord {
    pi: String,
    planned: i64,
    actual: i64,
    unscored: usize,
    ratio: Option<f64>,
}
#[derive(Serialize)]
struct FlowItemRecord {
    id: String,
    start: String,
    done: String,
    flow_time_days: f64,
    start_known: bool,
    active_days: f64,
    efficiency: Option<f64>,
}
#[derive(Serialize)]
struct HistoryNotesRecord {
    commits: usize,
    shallow: bool,
    merges: usize,
    appeared_done: Vec<String>,
    started_late: Vec<String>,
    jumped: Vec<String>,
    backwards: Vec<String>,
    unreadable_times: usize,
    unsafe_names: usize,
    /// The latest commit's day when the window runs past it (days after it are not sampled).
    unsampled_after: Option<String>,
    complete: bool,
}
#[derive(Serialize)]
pub struct FlowRecord {
    level: Level,
    #[serde(rename = "type")]
    item_type: ItemType,
    team: Option<String>,
    from: String,
    to: String,
    period: crate::config::Period,
    start_state: String,
    done_state: String,
    active_states: Vec<String>,
    velocity: VelocityRecord,
    flow_time: Option<FlowTimeRecord>,
    load: Vec<DayRecord>,
    distribution: DistributionRecord,
    efficiency: EfficiencyRecord,
    predictability: Vec<PredictabilityRecord>,
    items: Vec<FlowItemRecord>,
    history: HistoryNotesRecord,
}

impl FlowRecord {
    pub fn of(f: &Flow) -> FlowRecord {
        let share = |(k, n): &(String, usize)| ShareRecord {
            name: k.clone(),
            count: *n,
            share: f.share(*n),
        };
        FlowRecord {
            level: f.level,
            item_type: f.item_type,
            team: f.team.clone(),
            from: f.window.from.to_string(),
            to: f.window.to.to_string(),
            period: f.period,
            start_state: f.start_state.clone(),
            done_state: f.done_state.clone(),
            active_states: f.active_states.clone(),
            velocity: VelocityRecord {
                total: f.done(),
                periods: f
                    .periods
                    .iter()
                    .map(|p| FlowPeriodRecord {
                        from: p.from.to_string(),
                        to: p.to.to_string(),
                        done: p.done,
                    })
                    .collect(),
            },
            flow_time: f.flow_time.map(|d| FlowTimeRecord {
                count: d.count,
                min: d.min,
                median: d.median,
                p85: d.p85,
                max: d.max,
                mean: d.mean,
            }),
            load: f
                .samples
                .iter()
                .map(|s| DayRecord {
                    date: s.date.to_string(),
                    load: s.load,
                    states: f
                        .states
                        .iter()
                        .cloned()
                        .zip(s.states.iter().copied())
                        .collect(),
                })
                .collect(),
            distribution: DistributionRecord {
                work_types: f.work_types.iter().map(share).collect(),
                labels: f.labels.iter().map(share).collect(),
            },
            efficiency: EfficiencyRecord {
                active_days: f.active_days(),
                flow_days: f.flow_days(),
                ratio: f.efficiency(),
            },
            predictability: f
                .predictability
                .iter()
                .map(|p| PredictabilityRecord {
                    pi: p.pi.clone(),
                    planned: p.planned,
                    actual: p.actual,
                    unscored: p.unscored,
                    ratio: p.ratio(),
                })
                .collect(),
            items: f
                .items
                .iter()
                .map(|i| FlowItemRecord {
                    id: i.id.clone(),
                    start: iso(i.start),
                    done: iso(i.done),
                    flow_time_days: i.flow_days(),
                    start_known: i.start_known,
                    active_days: i.active_days(),
                    efficiency: i.efficiency(),
                })
                .collect(),
            history: HistoryNotesRecord {
                commits: f.commits,
                shallow: f.incomplete.shallow,
                merges: f.incomplete.merges,
                appeared_done: f.incomplete.appeared_done.clone(),
                started_late: f.incomplete.started_late.clone(),
                jumped: f.incomplete.jumped.clone(),
                backwards: f.incomplete.backwards.clone(),
                unreadable_times: f.incomplete.unreadable_times,
                unsafe_names: f.incomplete.unsafe_names,
                unsampled_after: f.incomplete.unsampled_after.map(|d| d.to_string()),
                complete: !f.incomplete.any(),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// popm pi ready --format json

#[derive(Serialize)]
struct FeatureRecord<'a> {
    id: &'a str,
    ready: bool,
    failures: Vec<&'static str>,
    wsjf_rank: usize,
    wsjf: Option<f64>,
}
#[derive(Serialize)]
struct IterationRecord {
    iteration: usize,
    #[serde(serialize_with = "number::json_optional")]
    capacity: Option<f64>,
    #[serde(serialize_with = "number::json")]
    load: f64,
}
#[derive(Serialize)]
struct TeamRecord<'a> {
    team: &'a str,
    iterations: Vec<IterationRecord>,
    #[serde(serialize_with = "number::json")]
    unscheduled: f64,
    #[serde(serialize_with = "number::json_optional")]
    capacity: Option<f64>,
    #[serde(serialize_with = "number::json")]
    load: f64,
}
#[derive(Serialize)]
pub struct ReadinessRecord<'a> {
    pi: &'a str,
    ready: bool,
    start: Option<String>,
    end: Option<String>,
    features: Vec<FeatureRecord<'a>>,
    teams: Vec<TeamRecord<'a>>,
    predictability: Option<f64>,
    previous_pi: Option<&'a str>,
    diagnostics: Vec<DiagnosticRecord<'a>>,
}

impl<'a> ReadinessRecord<'a> {
    pub fn of(r: &'a Readiness) -> ReadinessRecord<'a> {
        ReadinessRecord {
            pi: r.pi.id().unwrap_or(""),
            ready: r.ready(),
            start: r.start.map(|d| d.to_string()),
            end: r.end.map(|d| d.to_string()),
            features: r
                .features
                .iter()
                .map(|f| FeatureRecord {
                    id: f.item.id().unwrap_or(""),
                    ready: f.ready(),
                    failures: f.failures.iter().map(|r| r.name()).collect(),
                    wsjf_rank: f.wsjf_rank,
                    wsjf: f.score.map(|s| s.wsjf()),
                })
                .collect(),
            teams: r
                .plan
                .teams
                .iter()
                .map(|t| TeamRecord {
                    team: &t.team,
                    iterations: t
                        .iterations
                        .iter()
                        .map(|i| IterationRecord {
                            iteration: i.iteration,
                            capacity: i.capacity,
                            load: i.load,
                        })
                        .collect(),
                    unscheduled: t.unscheduled,
                    capacity: t.capacity,
                    load: t.load,
                })
                .collect(),
            predictability: r.previous.as_ref().and_then(|p| p.predictability),
            previous_pi: r.previous.as_ref().and_then(|p| p.item.id()),
            diagnostics: r
                .diagnostics
                .iter()
                .map(DiagnosticRecord::from)
                .collect::<Vec<_>>(),
        }
    }
}
