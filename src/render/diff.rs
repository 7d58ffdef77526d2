//! `popm diff` printed: human (one section per kind of change), markdown (for a pull request
//! comment) and JSON ([`DiffRecord`]).

use std::fmt::Write as _;

use super::log::describe;
use super::number::{self, signed};
use super::schema::DiffRecord;
use super::{BOLD, GREEN, RED, dash_if_empty, or_dash, paint};
use crate::model::ItemType;
use crate::report::diff::{BacklogDiff, DiffItem, WsjfChange};

pub fn json(d: &BacklogDiff) -> String {
    super::json(&DiffRecord::of(d))
}

/// `rank #4 -> #2 (up 2)`; `mark` is the sign before a rank: `#` in the terminal, none in
/// markdown, where GitHub would link `#4` to issue 4.
fn rank_text(from: Option<usize>, to: Option<usize>, mark: &str) -> String {
    let r = |v: Option<usize>| v.map_or("-".to_string(), |v| format!("{mark}{v}"));
    match (from, to) {
        (Some(a), Some(b)) if a == b => format!("rank {mark}{a} (unchanged)"),
        (Some(a), Some(b)) if b < a => format!("rank {mark}{a} -> {mark}{b} (up {})", a - b),
        (Some(a), Some(b)) => format!("rank {mark}{a} -> {mark}{b} (down {})", b - a),
        _ => format!("rank {} -> {}", r(from), r(to)),
    }
}

fn inputs_text(w: &WsjfChange) -> String {
    w.inputs
        .iter()
        .map(|c| format!("{} {} -> {}", c.key, or_dash(&c.from), or_dash(&c.to)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_name(kind: Option<ItemType>) -> &'static str {
    kind.map_or("?", ItemType::as_str)
}

/// `12 -> 7 (-5)`: a team's points before and after.
fn points_change(from: f64, to: f64) -> String {
    format!(
        "{} -> {} ({})",
        number::exact(from),
        number::exact(to),
        signed(to - from)
    )
}

/// Lines of the human diff, one section per kind of change.
fn sections(d: &BacklogDiff) -> Vec<(&'static str, Vec<String>)> {
    let mut s = Vec::new();
    let item = |i: &DiffItem| {
        format!(
            "{} {} \"{}\" ({})",
            i.id,
            kind_name(i.kind),
            i.title,
            dash_if_empty(&i.status)
        )
    };
    s.push(("Added", d.added.iter().map(item).collect()));
    s.push(("Removed", d.removed.iter().map(item).collect()));
    s.push((
        "Re-parented",
        d.reparented
            .iter()
            .map(|c| format!("{}: {} -> {}", c.id, or_dash(&c.from), or_dash(&c.to)))
            .collect(),
    ));
    s.push((
        "Status",
        d.status
            .iter()
            .map(|c| {
                format!(
                    "{}: {} -> {}",
                    c.id,
                    dash_if_empty(&c.from),
                    dash_if_empty(&c.to)
                )
            })
            .collect(),
    ));
    s.push((
        "WSJF",
        d.wsjf
            .iter()
            .map(|w| {
                format!(
                    "{}: WSJF {} -> {} ({}), {}",
                    w.id,
                    number::wsjf_or_dash(w.score_from),
                    number::wsjf_or_dash(w.score_to),
                    inputs_text(w),
                    rank_text(w.rank_from, w.rank_to, "#")
                )
            })
            .collect(),
    ));
    let mut pi_lines = Vec::new();
    for p in &d.pi_scope {
        if !p.features_in.is_empty() {
            pi_lines.push(format!(
                "{}: features in: {}",
                p.pi,
                p.features_in.join(", ")
            ));
        }
        if !p.features_out.is_empty() {
            pi_lines.push(format!(
                "{}: features out: {}",
                p.pi,
                p.features_out.join(", ")
            ));
        }
        for t in &p.points {
            pi_lines.push(format!(
                "{}: {} points {}",
                p.pi,
                t.team,
                points_change(t.from, t.to)
            ));
        }
    }
    s.push(("PI scope", pi_lines));
    s.push((
        "Acceptance criteria",
        d.acceptance_criteria
            .iter()
            .map(|c| {
                let mut parts = Vec::new();
                if c.added > 0 {
                    parts.push(format!("{} added", c.added));
                }
                if c.checked > 0 {
                    parts.push(format!("{} checked", c.checked));
                }
                format!(
                    "{}: {} (now {}/{} checked)",
                    c.id,
                    parts.join(", "),
                    c.now_checked,
                    c.now_total
                )
            })
            .collect(),
    ));
    s.push((
        "Dependencies",
        d.dependencies
            .iter()
            .map(|c| {
                format!(
                    "{}: depends on {} -> {}",
                    c.id,
                    names(&c.from),
                    names(&c.to)
                )
            })
            .collect(),
    ));
    s.push((
        "PI changes",
        d.pi_changes
            .iter()
            .flat_map(|p| {
                p.changes
                    .iter()
                    .map(|c| format!("{}: {}", p.pi, describe(c)))
            })
            .collect(),
    ));
    s.retain(|(_, lines)| !lines.is_empty());
    s
}

/// Ids joined by commas, `-` for none.
fn names(ids: &[String]) -> String {
    if ids.is_empty() {
        "-".to_string()
    } else {
        ids.join(", ")
    }
}

pub fn human(d: &BacklogDiff, color: bool) -> String {
    let mut out = format!("backlog changes {} .. {}\n", d.from, d.to);
    if d.is_empty() {
        out.push_str("no changes\n");
        return out;
    }
    for (title, lines) in sections(d) {
        let _ = writeln!(
            out,
            "\n{}",
            paint(&format!("{title} ({})", lines.len()), BOLD, color)
        );
        let style = match title {
            "Added" => GREEN,
            "Removed" => RED,
            _ => anstyle::Style::new(),
        };
        for line in lines {
            let _ = writeln!(out, "  {}", paint(&super::safe(&line), style, color));
        }
    }
    out
}

pub fn markdown(d: &BacklogDiff) -> String {
    use super::markdown::{code, table};
    let mut out = format!(
        "## Backlog changes\n\n{} .. {}\n\n",
        code(&d.from),
        code(&d.to)
    );
    if d.is_empty() {
        out.push_str("No backlog changes.\n");
        return out;
    }
    let items = |list: &[DiffItem]| -> Vec<Vec<String>> {
        list.iter()
            .map(|i| {
                vec![
                    i.id.clone(),
                    kind_name(i.kind).into(),
                    i.title.clone(),
                    i.status.clone(),
                ]
            })
            .collect()
    };
    let mut section = |title: &str, header: &[&str], rows: Vec<Vec<String>>| {
        if !rows.is_empty() {
            let _ = write!(
                out,
                "### {title} ({})\n\n{}\n",
                rows.len(),
                table(header, &rows)
            );
        }
    };
    section("Added", &["id", "type", "title", "status"], items(&d.added));
    section(
        "Removed",
        &["id", "type", "title", "status"],
        items(&d.removed),
    );
    section(
        "Re-parented",
        &["id", "from", "to"],
        d.reparented
            .iter()
            .map(|c| vec![c.id.clone(), or_dash(&c.from), or_dash(&c.to)])
            .collect(),
    );
    section(
        "Status",
        &["id", "from", "to"],
        d.status
            .iter()
            .map(|c| vec![c.id.clone(), c.from.clone(), c.to.clone()])
            .collect(),
    );
    section(
        "WSJF",
        &["id", "WSJF", "inputs", "rank"],
        d.wsjf
            .iter()
            .map(|w| {
                vec![
                    w.id.clone(),
                    format!(
                        "{} -> {}",
                        number::wsjf_or_dash(w.score_from),
                        number::wsjf_or_dash(w.score_to)
                    ),
                    inputs_text(w),
                    rank_text(w.rank_from, w.rank_to, ""),
                ]
            })
            .collect(),
    );
    let mut pi_rows = Vec::new();
    for p in &d.pi_scope {
        if !p.features_in.is_empty() {
            pi_rows.push(vec![
                p.pi.clone(),
                "features in".into(),
                p.features_in.join(", "),
            ]);
        }
        if !p.features_out.is_empty() {
            pi_rows.push(vec![
                p.pi.clone(),
                "features out".into(),
                p.features_out.join(", "),
            ]);
        }
        for t in &p.points {
            pi_rows.push(vec![
                p.pi.clone(),
                format!("{} points", t.team),
                points_change(t.from, t.to),
            ]);
        }
    }
    section("PI scope", &["PI", "change", "detail"], pi_rows);
    section(
        "Acceptance criteria",
        &["id", "added", "checked", "now"],
        d.acceptance_criteria
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.added.to_string(),
                    c.checked.to_string(),
                    format!("{}/{} checked", c.now_checked, c.now_total),
                ]
            })
            .collect(),
    );
    section(
        "Dependencies",
        &["id", "from", "to"],
        d.dependencies
            .iter()
            .map(|c| vec![c.id.clone(), names(&c.from), names(&c.to)])
            .collect(),
    );
    section(
        "PI changes",
        &["PI", "change"],
        d.pi_changes
            .iter()
            .flat_map(|p| p.changes.iter().map(|c| vec![p.pi.clone(), describe(c)]))
            .collect(),
    );
    out
}
