//! `pi/<PI>.html`: one PI. Its readiness for planning (the `popm pi ready` answer: the verdict,
//! the feature checks, allocation and the findings), capacity against load per team and
//! development iteration as a chart and a table, its objectives with planned and actual business
//! value, and predictability across every PI with objectives.

use askama::Template;

use super::chart::{self, BarStyle, Group, GroupedBars, Series};
use super::link::ItemRef;
use super::{Finding, Frame, Page, SiteInput, render, root_of};
use crate::model::natural_cmp;
use crate::render::number;
use crate::report::plan::{BusinessValue, TeamLoad};
use crate::report::predictability::{self, PiPredictability};
use crate::report::readiness::{Check, Readiness};

#[derive(Template)]
#[template(path = "site/pi.html")]
struct PiPage<'a> {
    root: String,
    frame: &'a Frame<'a>,
    pi: ItemRef<'a>,
    dates: String,
    /// (name, date) in the PI's order.
    milestones: Vec<(&'a str, String)>,
    iterations: usize,
    ready: bool,
    errors: usize,
    warnings: usize,
    check_names: Vec<&'static str>,
    features: Vec<FeatureRow<'a>>,
    allocation: Vec<String>,
    findings: Vec<Finding<'a>>,
    teams: Vec<TeamView>,
    unassigned: Option<String>,
    objectives: Vec<ObjectiveRow<'a>>,
    /// This PI's predictability so far.
    this_predictability: String,
    predictability_teams: Vec<String>,
    predictability: Vec<PredictabilityRow<'a>>,
}

struct FeatureRow<'a> {
    rank: usize,
    item: ItemRef<'a>,
    wsjf: String,
    /// One per [`Check::ALL`]: passes or not.
    checks: Vec<bool>,
    ready: bool,
}

/// One team's capacity and load: the chart (SVG built by [`chart::grouped_bars`] from escaped
/// parts) and the same numbers as a table.
struct TeamView {
    team: String,
    chart: String,
    rows: Vec<LoadRow>,
}

struct LoadRow {
    /// `1`, `2`, ..., `unscheduled` (as on the board) or `total` (the whole PI).
    key: String,
    /// What the row is called: `1`, `2`, ..., `no iteration`, `PI`.
    iteration: String,
    capacity: String,
    load: String,
    /// Load over capacity as a percentage, `-` without capacity.
    used: String,
    over: bool,
}

struct ObjectiveRow<'a> {
    team: &'a str,
    text: &'a str,
    committed: bool,
    planned: String,
    actual: String,
}

struct PredictabilityRow<'a> {
    pi: &'a str,
    page: bool,
    current: bool,
    art: String,
    /// One per [`PiPage::predictability_teams`].
    teams: Vec<String>,
}

/// `actual of planned (ratio)`, or `-` when no committed objective is scored.
fn predictability_text(v: &BusinessValue) -> String {
    match predictability::ratio(v) {
        Some(r) => format!(
            "{} of {} ({})",
            v.actual,
            v.planned,
            number::percent_spaced(r * 100.0)
        ),
        None => "-".into(),
    }
}

fn load_row(key: &str, iteration: &str, capacity: Option<f64>, load: f64) -> LoadRow {
    LoadRow {
        key: key.into(),
        iteration: iteration.into(),
        capacity: capacity.map_or("-".into(), number::points),
        load: number::points(load),
        used: capacity
            .filter(|c| *c > 0.0)
            .map_or("-".into(), |c| number::percent(load / c)),
        over: capacity.is_some_and(|c| load > c),
    }
}

/// What the bars of one group say in words: the share of capacity used, or by how much the load
/// is over it.
fn note(capacity: Option<f64>, load: f64) -> Option<String> {
    let c = capacity.filter(|c| *c > 0.0)?;
    Some(if load > c {
        format!("over by {}", number::points(load - c))
    } else {
        number::percent(load / c)
    })
}

fn team_view(pi: &str, t: &TeamLoad) -> TeamView {
    let mut groups: Vec<Group> = t
        .iterations
        .iter()
        .map(|i| Group {
            label: format!("iteration {}", i.iteration),
            values: vec![i.capacity, Some(i.load)],
            note: note(i.capacity, i.load),
        })
        .collect();
    let mut rows: Vec<LoadRow> = t
        .iterations
        .iter()
        .map(|i| {
            let n = i.iteration.to_string();
            load_row(&n, &n, i.capacity, i.load)
        })
        .collect();
    if t.unscheduled > 0.0 {
        groups.push(Group {
            label: "no iteration".into(),
            values: vec![None, Some(t.unscheduled)],
            note: None,
        });
        rows.push(load_row("unscheduled", "no iteration", None, t.unscheduled));
    }
    rows.push(load_row("total", "PI", t.capacity, t.load));
    let svg = chart::grouped_bars(&GroupedBars {
        title: format!("{pi}: capacity and load of {}", t.team),
        x_name: "development iteration".into(),
        y_name: "points".into(),
        series: vec![
            Series {
                name: "capacity".into(),
                style: BarStyle::Outline,
            },
            Series {
                name: "load".into(),
                style: BarStyle::Solid,
            },
        ],
        groups,
    });
    TeamView {
        team: t.team.clone(),
        chart: svg,
        rows,
    }
}

pub fn page(input: &SiteInput, frame: &Frame, r: &Readiness) -> Page {
    let id = r.pi.id().unwrap_or("");
    let path = format!("pi/{id}.html");
    let features = r
        .features
        .iter()
        .map(|f| FeatureRow {
            rank: f.wsjf_rank,
            item: ItemRef::of(f.item, input.config),
            wsjf: number::wsjf_or_dash(f.score),
            checks: Check::ALL.iter().map(|c| f.passes(*c)).collect(),
            ready: f.ready(),
        })
        .collect();
    let allocation = r
        .allocation
        .iter()
        .map(|(kind, reserved, share)| match share {
            Some(s) => format!(
                "{kind}: {} reserved, {} planned",
                number::percent_spaced(*reserved),
                number::percent_spaced(*s)
            ),
            None => format!(
                "{kind}: {} reserved, nothing planned",
                number::percent_spaced(*reserved)
            ),
        })
        .collect();
    let findings = r.diagnostics.iter().map(Finding::of).collect();
    let teams = r
        .plan
        .teams
        .iter()
        .filter(|t| t.has_work || t.capacity.is_some())
        .map(|t| team_view(id, t))
        .collect();
    let unassigned = (!r.plan.unassigned.is_empty()).then(|| {
        format!(
            "{} points of {} stories count for no team",
            number::points(r.plan.unassigned_points()),
            r.plan.unassigned.len()
        )
    });
    let objectives = r
        .objectives
        .iter()
        .map(|o| ObjectiveRow {
            team: o.team.as_deref().unwrap_or(""),
            text: o.text.as_deref().unwrap_or(""),
            committed: o.committed,
            planned: o
                .business_value
                .as_ref()
                .map_or("-".into(), |v| v.value.to_string()),
            actual: o
                .actual_value
                .as_ref()
                .map_or("-".into(), |v| v.value.to_string()),
        })
        .collect();
    let across = predictability::across(input.backlog);
    let mut team_names: Vec<&str> = across
        .iter()
        .flat_map(|p| p.teams.iter().map(|(t, _)| t.as_str()))
        .collect();
    team_names.sort_by(|a, b| natural_cmp(a, b));
    team_names.dedup();
    let with_page = |pi: &str| input.readiness.iter().any(|x| x.pi.id() == Some(pi));
    let predictability = across
        .iter()
        .map(|p: &PiPredictability| {
            let pi = p.pi.id().unwrap_or("");
            PredictabilityRow {
                pi,
                page: with_page(pi),
                current: pi == id,
                art: predictability_text(&p.art),
                teams: team_names
                    .iter()
                    .map(|t| {
                        p.teams
                            .iter()
                            .find(|(name, _)| name == t)
                            .map_or("-".into(), |(_, v)| predictability_text(v))
                    })
                    .collect(),
            }
        })
        .collect();
    let committed = predictability_text(&crate::report::plan::business_value(r.objectives));
    let html = render(&PiPage {
        root: root_of(&path),
        frame,
        pi: ItemRef::of(r.pi, input.config),
        dates: super::pi_dates(r.start.zip(r.end)),
        milestones: r
            .fields
            .milestones
            .iter()
            .map(|m| (m.name.as_str(), m.date.to_string()))
            .collect(),
        iterations: r.plan.development_iterations,
        ready: r.ready(),
        errors: r.errors(),
        warnings: r.warnings(),
        check_names: Check::ALL.iter().map(|c| c.header()).collect(),
        features,
        allocation,
        findings,
        teams,
        unassigned,
        objectives,
        this_predictability: committed,
        predictability_teams: team_names.iter().map(|t| t.to_string()).collect(),
        predictability,
    });
    Page { path, html }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_row_says_the_share_used_and_whether_it_is_over() {
        let row = load_row("1", "1", Some(40.0), 43.5);
        assert_eq!(
            (
                row.capacity.as_str(),
                row.load.as_str(),
                row.used.as_str(),
                row.over
            ),
            ("40", "43.5", "109%", true)
        );
        let row = load_row("2", "2", Some(39.0), 22.0);
        assert_eq!((row.used.as_str(), row.over), ("56%", false));
        let row = load_row("unscheduled", "no iteration", None, 5.0);
        assert_eq!(
            (row.capacity.as_str(), row.used.as_str(), row.over),
            ("-", "-", false)
        );
        assert_eq!(note(Some(40.0), 43.5).as_deref(), Some("over by 3.5"));
        assert_eq!(note(Some(39.0), 22.0).as_deref(), Some("56%"));
        assert_eq!(note(None, 5.0), None);
    }

    #[test]
    fn predictability_is_actual_of_planned_committed() {
        // The primer's example: committed 8 and 6 achieved 7 and 5, uncommitted achieved 3:
        // (7 + 5 + 3) / (8 + 6) = 15/14 = 107 %.
        let v = BusinessValue {
            planned: 14,
            actual: 15,
            uncommitted: 3,
            unscored: 0,
        };
        assert_eq!(predictability_text(&v), "15 of 14 (107 %)");
        assert_eq!(predictability_text(&BusinessValue::default()), "-");
    }
}
