//! The JSON record of `popm pi status --format json` (docs/json.md).

use serde::Serialize;

use crate::model::Objective;
use crate::report::pi_status::{PiStatus, Points, ValueSums};

/// Points planned and done.
#[derive(Serialize)]
pub struct PointsRecord {
    #[serde(serialize_with = "crate::render::number::json")]
    pub planned: f64,
    #[serde(serialize_with = "crate::render::number::json")]
    pub done: f64,
}

impl From<Points> for PointsRecord {
    fn from(p: Points) -> Self {
        PointsRecord {
            planned: p.planned,
            done: p.done,
        }
    }
}

#[derive(Serialize)]
pub struct StatusIterationRecord {
    pub iteration: usize,
    #[serde(serialize_with = "crate::render::number::json_optional")]
    pub capacity: Option<f64>,
    #[serde(flatten)]
    pub points: PointsRecord,
}

#[derive(Serialize)]
pub struct StatusTeamRecord<'a> {
    pub team: &'a str,
    #[serde(serialize_with = "crate::render::number::json_optional")]
    pub capacity: Option<f64>,
    #[serde(flatten)]
    pub points: PointsRecord,
    pub iterations: Vec<StatusIterationRecord>,
    /// Work with no development iteration.
    pub unscheduled: PointsRecord,
}

#[derive(Serialize)]
pub struct StatusObjectiveRecord<'a> {
    pub team: Option<&'a str>,
    pub text: Option<&'a str>,
    pub committed: bool,
    pub planned_value: Option<i64>,
    pub actual_value: Option<i64>,
}

impl<'a> StatusObjectiveRecord<'a> {
    pub fn of(o: &'a Objective) -> Self {
        StatusObjectiveRecord {
            team: o.team.as_deref(),
            text: o.text.as_deref(),
            committed: o.committed,
            planned_value: o.business_value.as_ref().map(|v| v.value),
            actual_value: o.actual_value.as_ref().map(|v| v.value),
        }
    }
}

#[derive(Serialize)]
pub struct ValueSumsRecord {
    pub planned: i64,
    pub actual: i64,
    pub unscored: usize,
}

impl From<ValueSums> for ValueSumsRecord {
    fn from(v: ValueSums) -> Self {
        ValueSumsRecord {
            planned: v.planned,
            actual: v.actual,
            unscored: v.unscored,
        }
    }
}

#[derive(Serialize)]
pub struct PiStatusRecord<'a> {
    pub pi: &'a str,
    pub start: Option<String>,
    pub end: Option<String>,
    pub development_iterations: usize,
    pub teams: Vec<StatusTeamRecord<'a>>,
    pub unassigned: PointsRecord,
    pub total: PointsRecord,
    pub objectives: Vec<StatusObjectiveRecord<'a>>,
    pub committed_value: ValueSumsRecord,
    pub uncommitted_value: ValueSumsRecord,
}

impl<'a> PiStatusRecord<'a> {
    pub fn of(s: &'a PiStatus) -> Self {
        PiStatusRecord {
            pi: s.pi.id().unwrap_or(""),
            start: s.start.map(|d| d.to_string()),
            end: s.end.map(|d| d.to_string()),
            development_iterations: s.development_iterations,
            teams: s
                .teams
                .iter()
                .map(|t| StatusTeamRecord {
                    team: &t.team,
                    capacity: t.capacity,
                    points: t.points.into(),
                    iterations: t
                        .iterations
                        .iter()
                        .map(|i| StatusIterationRecord {
                            iteration: i.iteration,
                            capacity: i.capacity,
                            points: i.points.into(),
                        })
                        .collect(),
                    unscheduled: t.unscheduled.into(),
                })
                .collect(),
            unassigned: s.unassigned.into(),
            total: s.total.into(),
            objectives: s.objectives.iter().map(StatusObjectiveRecord::of).collect(),
            committed_value: s.committed.into(),
            uncommitted_value: s.uncommitted.into(),
        }
    }
}
