//! The PI plan: which work is planned into a PI, for which team and development iteration, and the
//! load each team carries. One definition of load, shared by `popm pi ready` (capacity, allocation,
//! objectives) and `popm diff` (points per team moving in or out of a PI).

use std::collections::BTreeMap;

use crate::model::{Backlog, Item, ItemType, Objective, PiFields};

/// A piece of planned work: points that count for one team, in one development iteration or in
/// none (no iteration given, or the IP iteration).
#[derive(Debug, Clone)]
pub struct PlannedWork<'a> {
    /// The story, or the feature or capability whose estimate this is a share of.
    pub item: &'a Item,
    pub team: &'a str,
    /// 1-based development iteration.
    pub iteration: Option<usize>,
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IterationLoad {
    /// 1-based development iteration.
    pub iteration: usize,
    pub capacity: Option<f64>,
    pub load: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TeamLoad {
    pub team: String,
    pub iterations: Vec<IterationLoad>,
    /// Points of stories with no development iteration (none given, or the IP iteration).
    pub unscheduled: f64,
    pub capacity: Option<f64>,
    pub load: f64,
    pub has_work: bool,
}

#[derive(Debug)]
pub struct PiPlan<'a> {
    /// The iterations of the PI but its last (the IP iteration).
    pub development_iterations: usize,
    /// The features and capabilities planned for the PI (their own `pi`), in file order.
    pub planned: Vec<&'a Item>,
    /// Every piece of planned work: the PI's stories, then the estimates of planned features (and
    /// capabilities) that no planned child carries.
    pub work: Vec<PlannedWork<'a>>,
    /// One entry per team with capacity (in the PI's order) or work (in the order of its first
    /// piece).
    pub teams: Vec<TeamLoad>,
    /// Stories of the PI that name no team under a feature with none or several: their points count
    /// for nobody.
    pub unassigned: Vec<&'a Item>,
}

impl PiPlan<'_> {
    /// The points of [`PiPlan::unassigned`], in file order.
    pub fn unassigned_points(&self) -> f64 {
        self.unassigned.iter().map(|s| story_points(s)).sum()
    }
}

/// The iterations that carry planned work: all but the last (the IP iteration).
pub fn development_iterations(fields: &PiFields) -> usize {
    let iterations = fields
        .iterations
        .as_ref()
        .map_or(PiFields::DEFAULT_ITERATIONS, |i| i.value);
    usize::try_from(iterations - 1).unwrap_or(0)
}

/// The plan of one PI; `fields` are the PI item's own (capacity gives the order of the teams).
pub fn of_pi<'a>(backlog: &'a Backlog, pi_id: &str, fields: &PiFields) -> PiPlan<'a> {
    let stories: Vec<&Item> = backlog
        .of_type(ItemType::Story)
        .filter(|s| backlog.planned_pi(s) == Some(pi_id))
        .collect();
    let planned: Vec<&Item> = backlog
        .iter()
        .filter(|i| is_plannable(i) && i.pi.as_ref().is_some_and(|p| p.value == pi_id))
        .collect();
    build(backlog, pi_id, fields, &stories, planned)
}

/// The plan of every PI that some story, feature or capability is planned for, by PI id; each read
/// with the fields of the PI item of that id (defaults when there is none). One pass over the
/// backlog.
pub fn every_pi(backlog: &Backlog) -> BTreeMap<String, PiPlan<'_>> {
    let mut stories: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    let mut planned: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    for item in backlog.iter() {
        if item.kind() == Some(ItemType::Story) {
            if let Some(pi) = backlog.planned_pi(item) {
                stories.entry(pi).or_default().push(item);
            }
        } else if is_plannable(item)
            && let Some(pi) = &item.pi
        {
            planned.entry(pi.value.as_str()).or_default().push(item);
        }
    }
    let mut ids: Vec<&str> = stories.keys().chain(planned.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let no_fields = PiFields::default();
    ids.into_iter()
        .map(|pi| {
            let fields = backlog
                .get(pi)
                .filter(|i| i.kind() == Some(ItemType::Pi))
                .and_then(|i| i.pi_fields.as_deref())
                .unwrap_or(&no_fields);
            let plan = build(
                backlog,
                pi,
                fields,
                stories.get(pi).map_or(&[][..], Vec::as_slice),
                planned.remove(pi).unwrap_or_default(),
            );
            (pi.to_string(), plan)
        })
        .collect()
}

/// Features and capabilities are planned into a PI by their own `pi`.
fn is_plannable(item: &Item) -> bool {
    matches!(item.kind(), Some(ItemType::Feature | ItemType::Capability))
}

fn story_points(story: &Item) -> f64 {
    story.points.as_ref().map_or(0.0, |p| p.value)
}

/// `stories`: the PI's stories, `planned`: its features and capabilities, both in file order.
fn build<'a>(
    backlog: &'a Backlog,
    pi_id: &str,
    fields: &PiFields,
    stories: &[&'a Item],
    planned: Vec<&'a Item>,
) -> PiPlan<'a> {
    let development = development_iterations(fields);
    let mut work = Vec::new();
    let mut unassigned = Vec::new();
    for story in stories {
        let Some(team) = backlog.team_of_story(story) else {
            unassigned.push(*story);
            continue;
        };
        let iteration = story
            .iteration
            .as_ref()
            .and_then(|i| usize::try_from(i.value).ok())
            .filter(|i| (1..=development).contains(i));
        work.push(PlannedWork {
            item: story,
            team,
            iteration,
            points: story_points(story),
        });
    }
    for feature in &planned {
        // A feature with stories in the PI is counted by its stories; a capability with features in
        // the PI by theirs.
        let has_planned_children = feature
            .id()
            .and_then(|id| backlog.index_of(id))
            .is_some_and(|index| {
                backlog
                    .child_indexes(index)
                    .iter()
                    .any(|c| backlog.planned_pi(&backlog.items[*c]) == Some(pi_id))
            });
        let Some(estimate) = feature.estimate.as_ref().map(|e| e.value) else {
            continue;
        };
        if has_planned_children || feature.team.is_empty() {
            continue;
        }
        // Split evenly over its teams and the development iterations.
        let share = estimate / feature.team.len() as f64;
        for team in feature.teams() {
            if development == 0 {
                work.push(PlannedWork {
                    item: feature,
                    team,
                    iteration: None,
                    points: share,
                });
                continue;
            }
            let per_iteration = share / development as f64;
            for i in 1..=development {
                work.push(PlannedWork {
                    item: feature,
                    team,
                    iteration: Some(i),
                    points: per_iteration,
                });
            }
        }
    }
    let teams = loads(fields, development, &work);
    PiPlan {
        development_iterations: development,
        planned,
        work,
        teams,
        unassigned,
    }
}

fn loads(fields: &PiFields, development: usize, work: &[PlannedWork]) -> Vec<TeamLoad> {
    let mut teams: BTreeMap<String, TeamLoad> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut team = |name: &str, teams: &mut BTreeMap<String, TeamLoad>| {
        if !teams.contains_key(name) {
            order.push(name.to_string());
            teams.insert(
                name.to_string(),
                TeamLoad {
                    team: name.to_string(),
                    iterations: (1..=development)
                        .map(|iteration| IterationLoad {
                            iteration,
                            capacity: None,
                            load: 0.0,
                        })
                        .collect(),
                    unscheduled: 0.0,
                    capacity: None,
                    load: 0.0,
                    has_work: false,
                },
            );
        }
    };
    for (name, points) in &fields.capacity {
        team(&name.value, &mut teams);
        if let Some(t) = teams.get_mut(&name.value) {
            for (slot, p) in t.iterations.iter_mut().zip(points) {
                slot.capacity = Some(p.value);
            }
            t.capacity = Some(points.iter().take(development).map(|p| p.value).sum());
        }
    }
    for piece in work {
        team(piece.team, &mut teams);
        let Some(t) = teams.get_mut(piece.team) else {
            continue;
        };
        t.has_work = true;
        t.load += piece.points;
        match piece.iteration.and_then(|i| t.iterations.get_mut(i - 1)) {
            Some(slot) => slot.load += piece.points,
            None => t.unscheduled += piece.points,
        }
    }
    order.into_iter().filter_map(|n| teams.remove(&n)).collect()
}

/// The business value of a PI's objectives, as SAFe's predictability reads it: the planned value
/// of the committed objectives, the actual value of committed and uncommitted ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BusinessValue {
    /// Planned value of the committed objectives that have an actual value.
    pub planned: i64,
    /// Actual value of those committed objectives plus that of every uncommitted (stretch)
    /// objective scored: stretch objectives add to the actual only, so it can exceed planned.
    pub actual: i64,
    /// The part of `actual` from uncommitted objectives.
    pub uncommitted: i64,
    /// Committed objectives without an actual value yet.
    pub unscored: usize,
}

/// Sums `objectives` for predictability: (actual of committed + actual of uncommitted) / planned
/// of committed. Committed 8 and 6 achieved 7 and 5, uncommitted 4 achieved 3: 15 / 14.
pub fn business_value<'a>(objectives: impl IntoIterator<Item = &'a Objective>) -> BusinessValue {
    let mut sum = BusinessValue::default();
    for o in objectives {
        match (o.committed, &o.business_value, &o.actual_value) {
            (true, Some(bv), Some(av)) => {
                sum.planned = sum.planned.saturating_add(bv.value);
                sum.actual = sum.actual.saturating_add(av.value);
            }
            (true, _, None) => sum.unscored += 1,
            (false, _, Some(av)) => {
                sum.actual = sum.actual.saturating_add(av.value);
                sum.uncommitted = sum.uncommitted.saturating_add(av.value);
            }
            _ => {}
        }
    }
    sum
}
