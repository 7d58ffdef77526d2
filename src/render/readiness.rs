//! `popm pi ready` printed: a report for people (human), for a CI job summary or a pull request
//! (markdown) and for tools (JSON, [`ReadinessRecord`]).

use std::io::IsTerminal;

use super::concise::concise;
use super::human::diagnostics as human_diagnostics;
use super::number::{self, percent_spaced};
use super::schema::ReadinessRecord;
use super::{BOLD, GREEN, RED, markdown, paint, plural, table};
use crate::report::readiness::{Check, Readiness};
use crate::source::Texts;

pub fn json(r: &Readiness) -> String {
    super::json(&ReadinessRecord::of(r))
}

fn mark(pass: bool) -> &'static str {
    if pass { "✓" } else { "✗" }
}

fn heading(r: &Readiness) -> String {
    let id = r.pi.id().unwrap_or("?");
    let dates = match (r.start, r.end) {
        (Some(s), Some(e)) => format!("{s} to {e}, "),
        _ => String::new(),
    };
    format!(
        "{id}  {}  ({dates}{} development iterations + IP)",
        r.pi.title(),
        r.plan.development_iterations
    )
}

fn verdict_counts(r: &Readiness) -> String {
    let not_ready = r.features.iter().filter(|f| !f.ready()).count();
    format!(
        "{} ready, {} not ready; {}, {}",
        plural(r.features.len() - not_ready, "feature", "features"),
        not_ready,
        plural(r.errors(), "error", "errors"),
        plural(r.warnings(), "warning", "warnings")
    )
}

fn feature_rows(r: &Readiness) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let mut header = vec!["RANK", "ID", "TITLE", "WSJF"];
    header.extend(Check::ALL.iter().map(|c| c.header()));
    header.push("READY");
    let rows = r
        .features
        .iter()
        .map(|f| {
            let mut row = vec![
                f.wsjf_rank.to_string(),
                f.item.id().unwrap_or("").to_string(),
                f.item.title().to_string(),
                number::wsjf_or_dash(f.score),
            ];
            row.extend(Check::ALL.iter().map(|c| mark(f.passes(*c)).to_string()));
            row.push(if f.ready() { "yes".into() } else { "NO".into() });
            row
        })
        .collect();
    (header, rows)
}

/// (header, rows, over-capacity flags per cell).
fn capacity_rows(r: &Readiness) -> (Vec<String>, Vec<Vec<String>>) {
    let unscheduled = r.plan.teams.iter().any(|t| t.unscheduled > 0.0);
    let mut header = vec!["TEAM".to_string()];
    header.extend((1..=r.plan.development_iterations).map(|i| format!("IT {i}")));
    if unscheduled {
        header.push("NO ITERATION".into());
    }
    header.push("PI".into());
    let cell = |load: f64, capacity: Option<f64>| match capacity {
        Some(c) if load > c => format!("{}/{} !", number::points(load), number::points(c)),
        Some(c) => format!("{}/{}", number::points(load), number::points(c)),
        None => format!("{}/-", number::points(load)),
    };
    let rows = r
        .plan
        .teams
        .iter()
        .map(|t| {
            let mut row = vec![t.team.clone()];
            row.extend(t.iterations.iter().map(|i| cell(i.load, i.capacity)));
            if unscheduled {
                row.push(number::points(t.unscheduled));
            }
            row.push(cell(t.load, t.capacity));
            row
        })
        .collect();
    (header, rows)
}

fn objective_rows(r: &Readiness) -> Vec<Vec<String>> {
    r.objectives
        .iter()
        .map(|o| {
            vec![
                o.team.clone().unwrap_or_default(),
                o.text.clone().unwrap_or_default(),
                o.business_value
                    .as_ref()
                    .map_or(String::new(), |v| v.value.to_string()),
                if o.committed {
                    "committed".into()
                } else {
                    "uncommitted".into()
                },
            ]
        })
        .collect()
}

fn previous_line(r: &Readiness) -> Option<String> {
    let p = r.previous.as_ref()?;
    let id = p.item.id().unwrap_or("?");
    Some(match p.predictability {
        Some(x) => format!(
            "Predictability of {id}: {} (actual {} of planned {}: committed objectives {}, uncommitted {})",
            percent_spaced(x * 100.0),
            p.actual,
            p.planned,
            p.actual - p.uncommitted,
            p.uncommitted
        ),
        None => {
            format!("Predictability of {id}: unknown (committed objectives lack actual values)")
        }
    })
}

fn allocation_lines(r: &Readiness) -> Vec<String> {
    r.allocation
        .iter()
        .map(|(kind, reserved, share)| {
            let planned = share.map_or("no load planned".to_string(), |s| {
                format!("{} planned", percent_spaced(s))
            });
            format!(
                "{kind}: {} % reserved, {planned}",
                number::points(*reserved)
            )
        })
        .collect()
}

/// `texts`: where the problems' source lines are read from.
pub fn human(r: &Readiness, texts: &Texts, color: bool) -> String {
    let terminal = std::io::stdout().is_terminal();
    let mut out = format!("{}\n", paint(&heading(r), BOLD, color));
    let verdict = if r.ready() {
        paint("READY", GREEN, color)
    } else {
        paint("NOT READY", RED, color)
    };
    out.push_str(&format!("{verdict}: {}\n\n", verdict_counts(r)));
    if r.features.is_empty() {
        out.push_str("No features are planned for this PI.\n\n");
    } else {
        let (header, rows) = feature_rows(r);
        out.push_str(&paint("Features", BOLD, color));
        out.push('\n');
        out.push_str(&table::render(&header, rows, terminal));
        out.push('\n');
    }
    if !r.plan.teams.is_empty() {
        let (header, rows) = capacity_rows(r);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        out.push_str(&paint(
            "Capacity (load/capacity in points; ! over capacity)",
            BOLD,
            color,
        ));
        out.push('\n');
        // Over-capacity cells stand out on a terminal; the `!` marks them in plain text too.
        let rendered =
            table::render_marked(&header, rows, terminal, color, |cell| cell.ends_with(" !"));
        out.push_str(&rendered);
        out.push('\n');
    }
    let allocation = allocation_lines(r);
    if !allocation.is_empty() {
        out.push_str(&format!("{}\n", paint("Capacity allocation", BOLD, color)));
        for line in allocation {
            out.push_str(&format!("  {line}\n"));
        }
        out.push('\n');
    }
    if !r.objectives.is_empty() {
        out.push_str(&paint("PI objectives", BOLD, color));
        out.push('\n');
        out.push_str(&table::render(
            &["TEAM", "OBJECTIVE", "BV", "KIND"],
            objective_rows(r),
            terminal,
        ));
        out.push('\n');
    }
    if let Some(line) = previous_line(r) {
        out.push_str(&format!("{line}\n\n"));
    }
    if !r.diagnostics.is_empty() {
        out.push_str(&paint("Problems", BOLD, color));
        out.push_str("\n\n");
        out.push_str(&human_diagnostics(&r.diagnostics, texts, color));
    }
    out
}

pub fn markdown(r: &Readiness) -> String {
    let icon = if r.ready() {
        "✅ READY"
    } else {
        "❌ NOT READY"
    };
    let mut out = format!(
        "## {}\n\n**{icon}**: {}\n\n",
        markdown::cell(&heading(r)),
        verdict_counts(r)
    );
    if !r.features.is_empty() {
        let (header, rows) = feature_rows(r);
        out.push_str("### Features\n\n");
        out.push_str(&markdown::table(&header, &rows));
        out.push('\n');
    }
    if !r.plan.teams.is_empty() {
        let (header, rows) = capacity_rows(r);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        out.push_str("### Capacity (load/capacity in points; ! over capacity)\n\n");
        out.push_str(&markdown::table(&header, &rows));
        out.push('\n');
    }
    let allocation = allocation_lines(r);
    if !allocation.is_empty() {
        out.push_str("### Capacity allocation\n\n");
        for line in allocation {
            out.push_str(&format!("- {}\n", markdown::cell(&line)));
        }
        out.push('\n');
    }
    if !r.objectives.is_empty() {
        out.push_str("### PI objectives\n\n");
        out.push_str(&markdown::table(
            &["TEAM", "OBJECTIVE", "BV", "KIND"],
            &objective_rows(r),
        ));
        out.push('\n');
    }
    if let Some(line) = previous_line(r) {
        out.push_str(&format!("{}\n\n", markdown::cell(&line)));
    }
    if !r.diagnostics.is_empty() {
        out.push_str("### Problems\n\n");
        out.push_str(&markdown::code_block("text", &concise(&r.diagnostics)));
    }
    out
}
