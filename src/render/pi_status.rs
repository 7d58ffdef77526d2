//! `popm pi status` printed: a report for people (human) and for tools (JSON,
//! [`PiStatusRecord`]).

use std::io::IsTerminal;

use super::number;
use super::schema::PiStatusRecord;
use super::{BOLD, paint, table};
use crate::report::pi_status::{PiStatus, Points, ValueSums};

pub fn json(s: &PiStatus) -> String {
    super::json(&PiStatusRecord::of(s))
}

/// `done/planned`, or `-` when nothing is planned.
fn cell(p: Points) -> String {
    if p.planned == 0.0 && p.done == 0.0 {
        "-".into()
    } else {
        format!("{}/{}", number::points(p.done), number::points(p.planned))
    }
}

fn points_rows(s: &PiStatus) -> (Vec<String>, Vec<Vec<String>>) {
    let unscheduled = s.teams.iter().any(|t| t.unscheduled.planned > 0.0);
    let mut header = vec!["TEAM".to_string()];
    header.extend((1..=s.development_iterations).map(|i| format!("IT {i}")));
    if unscheduled {
        header.push("NO ITERATION".into());
    }
    header.extend(["PI".into(), "DONE".into(), "CAPACITY".into()]);
    let share = |p: Points| {
        if p.planned > 0.0 {
            number::percent_spaced(p.done / p.planned * 100.0)
        } else {
            "-".into()
        }
    };
    let mut rows: Vec<Vec<String>> = s
        .teams
        .iter()
        .map(|t| {
            let mut row = vec![t.team.clone()];
            row.extend(t.iterations.iter().map(|i| cell(i.points)));
            if unscheduled {
                row.push(cell(t.unscheduled));
            }
            row.extend([
                cell(t.points),
                share(t.points),
                t.capacity.map_or("-".into(), number::points),
            ]);
            row
        })
        .collect();
    if s.unassigned.planned > 0.0 {
        let mut row = vec!["(no team)".to_string()];
        row.extend((1..=s.development_iterations).map(|_| String::new()));
        if unscheduled {
            row.push(String::new());
        }
        row.extend([cell(s.unassigned), share(s.unassigned), String::new()]);
        rows.push(row);
    }
    let mut total = vec!["total".to_string()];
    total.extend((1..=s.development_iterations).map(|i| {
        let mut p = Points::default();
        for t in &s.teams {
            if let Some(it) = t.iterations.get(i - 1) {
                p.planned += it.points.planned;
                p.done += it.points.done;
            }
        }
        cell(p)
    }));
    if unscheduled {
        let mut p = Points::default();
        for t in &s.teams {
            p.planned += t.unscheduled.planned;
            p.done += t.unscheduled.done;
        }
        total.push(cell(p));
    }
    let capacity: Option<f64> = s.teams.iter().map(|t| t.capacity).sum();
    total.extend([
        cell(s.total),
        share(s.total),
        capacity.map_or("-".into(), number::points),
    ]);
    rows.push(total);
    (header, rows)
}

fn objective_rows(s: &PiStatus) -> Vec<Vec<String>> {
    let value = |v: Option<i64>| v.map_or("-".to_string(), |v| v.to_string());
    s.objectives
        .iter()
        .map(|o| {
            vec![
                o.team.clone().unwrap_or_default(),
                o.text.clone().unwrap_or_default(),
                if o.committed {
                    "committed".into()
                } else {
                    "uncommitted".into()
                },
                value(o.business_value.as_ref().map(|v| v.value)),
                value(o.actual_value.as_ref().map(|v| v.value)),
            ]
        })
        .collect()
}

fn value_line(kind: &str, v: ValueSums) -> String {
    let unscored = if v.unscored > 0 {
        format!(
            " ({} without an actual value)",
            super::plural(v.unscored, "objective", "objectives")
        )
    } else {
        String::new()
    };
    format!(
        "  {kind}: planned {}, actual {}{unscored}",
        v.planned, v.actual
    )
}

pub fn human(s: &PiStatus, color: bool) -> String {
    let terminal = std::io::stdout().is_terminal();
    let id = s.pi.id().unwrap_or("?");
    let dates = match (s.start, s.end) {
        (Some(a), Some(b)) => format!("{a} to {b}, "),
        _ => String::new(),
    };
    let heading = format!(
        "{id}  {}  ({dates}{} development iterations + IP)",
        s.pi.title(),
        s.development_iterations
    );
    let mut out = format!("{}\n\n", paint(&heading, BOLD, color));
    if s.total.planned == 0.0 && s.teams.iter().all(|t| t.points.planned == 0.0) {
        out.push_str("No points are planned for this PI.\n\n");
    } else {
        let (header, rows) = points_rows(s);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        out.push_str(&paint("Points (done/planned)", BOLD, color));
        out.push('\n');
        out.push_str(&table::render(&header, rows, terminal));
        out.push('\n');
    }
    if s.objectives.is_empty() {
        out.push_str("No PI objectives.\n");
    } else {
        out.push_str(&paint("PI objectives (business value)", BOLD, color));
        out.push('\n');
        out.push_str(&table::render(
            &["TEAM", "OBJECTIVE", "KIND", "PLANNED", "ACTUAL"],
            objective_rows(s),
            terminal,
        ));
        out.push_str(&value_line("committed", s.committed));
        out.push('\n');
        out.push_str(&value_line("uncommitted", s.uncommitted));
        out.push('\n');
    }
    out
}
