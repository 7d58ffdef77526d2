//! `popm pi status [PI]`: how a PI is going. Per team and development iteration, the points planned
//! and the points done, counted as `popm pi ready` counts load ([`super::plan`]); and the PI's
//! objectives with their planned and actual business value.

use jiff::civil::Date;

use super::plan::{self, PiPlan};
use crate::config::Config;
use crate::model::{Backlog, Item, Objective, PiFields};

/// Points planned and points of that work that is done.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Points {
    pub planned: f64,
    pub done: f64,
}

impl Points {
    fn add(&mut self, points: f64, done: bool) {
        self.planned += points;
        if done {
            self.done += points;
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct IterationStatus {
    /// 1-based development iteration.
    pub iteration: usize,
    pub capacity: Option<f64>,
    pub points: Points,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TeamStatus {
    pub team: String,
    pub iterations: Vec<IterationStatus>,
    /// Work with no development iteration (none given, or the IP iteration).
    pub unscheduled: Points,
    /// Over the development iterations.
    pub capacity: Option<f64>,
    pub points: Points,
}

/// The business value of the PI's objectives, committed and uncommitted apart. `planned` sums
/// every objective with a planned value, `actual` every one with an actual value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValueSums {
    pub planned: i64,
    pub actual: i64,
    /// Objectives without an actual value yet.
    pub unscored: usize,
}

#[derive(Debug)]
pub struct PiStatus<'a> {
    pub pi: &'a Item,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub development_iterations: usize,
    /// In the order of the PI's capacity, then of the first piece of work.
    pub teams: Vec<TeamStatus>,
    /// Points of the stories that count for no team (`team-missing` in `pi ready`).
    pub unassigned: Points,
    /// Every team's and the unassigned points together.
    pub total: Points,
    pub objectives: &'a [Objective],
    pub committed: ValueSums,
    pub uncommitted: ValueSums,
}

/// The status of the PI `pi` (an item of type pi).
pub fn status<'a>(backlog: &'a Backlog, config: &Config, pi: &'a Item) -> PiStatus<'a> {
    static NO_FIELDS: std::sync::OnceLock<PiFields> = std::sync::OnceLock::new();
    let fields = pi
        .pi_fields
        .as_deref()
        .unwrap_or_else(|| NO_FIELDS.get_or_init(PiFields::default));
    let plan = plan::of_pi(backlog, pi.id().unwrap_or(""), fields);
    let teams = team_status(&plan, config);
    let mut unassigned = Points::default();
    for story in &plan.unassigned {
        let points = story.points.as_ref().map_or(0.0, |p| p.value);
        unassigned.add(points, story.is_done(config));
    }
    let mut total = unassigned;
    for t in &teams {
        total.planned += t.points.planned;
        total.done += t.points.done;
    }
    let (mut committed, mut uncommitted) = (ValueSums::default(), ValueSums::default());
    for o in &fields.objectives {
        let sums = if o.committed {
            &mut committed
        } else {
            &mut uncommitted
        };
        if let Some(v) = &o.business_value {
            sums.planned = sums.planned.saturating_add(v.value);
        }
        match &o.actual_value {
            Some(v) => sums.actual = sums.actual.saturating_add(v.value),
            None => sums.unscored += 1,
        }
    }
    let dates = fields.dates();
    PiStatus {
        pi,
        start: dates.map(|d| d.0),
        end: dates.map(|d| d.1),
        development_iterations: plan.development_iterations,
        teams,
        unassigned,
        total,
        objectives: &fields.objectives,
        committed,
        uncommitted,
    }
}

/// Each team of the plan with the done share of every piece of its work: a story counts when it
/// is done, the share of a feature's estimate when the feature is.
fn team_status(plan: &PiPlan, config: &Config) -> Vec<TeamStatus> {
    let mut teams: Vec<TeamStatus> = plan
        .teams
        .iter()
        .map(|t| TeamStatus {
            team: t.team.clone(),
            iterations: t
                .iterations
                .iter()
                .map(|i| IterationStatus {
                    iteration: i.iteration,
                    capacity: i.capacity,
                    points: Points::default(),
                })
                .collect(),
            unscheduled: Points::default(),
            capacity: t.capacity,
            points: Points::default(),
        })
        .collect();
    for piece in &plan.work {
        let Some(team) = teams.iter_mut().find(|t| t.team == piece.team) else {
            continue;
        };
        let done = piece.item.is_done(config);
        team.points.add(piece.points, done);
        match piece
            .iteration
            .and_then(|i| team.iterations.get_mut(i.wrapping_sub(1)))
        {
            Some(slot) => slot.points.add(piece.points, done),
            None => team.unscheduled.add(piece.points, done),
        }
    }
    teams
}
