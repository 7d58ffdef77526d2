//! `popm show`: one item in full, for people.

use crate::model::{Item, Score};
use crate::render::number;
use crate::render::schema::{DetailRecord, PiDetailRecord, RelatedRecord, RollupRecord};
use crate::render::{BOLD, DIM, paint, type_label};

pub fn detail(s: &DetailRecord, item: &Item, color: bool) -> String {
    let mut out = format!(
        "{}  {}\n",
        paint(s.item.id.unwrap_or("?"), BOLD, color),
        paint(s.item.title, BOLD, color)
    );
    let mut field = |name: &str, value: String| {
        if !value.is_empty() {
            let value = crate::render::safe(&value);
            out.push_str(&format!("  {:<12}{value}\n", paint(name, DIM, color)));
        }
    };
    let or_empty = |v: Option<&str>| v.unwrap_or("").to_string();
    field("type", type_label(item));
    field("status", s.item.status.to_string());
    field("path", s.item.path.to_string());
    field("owner", or_empty(s.item.owner));
    field("art", or_empty(s.item.art));
    let parent = s.item.parent.unwrap_or("");
    let inherited = |v: Option<&str>| v.map_or(String::new(), |v| format!("{v} (from {parent})"));
    field("team", s.item.team.join(", "));
    field("team", inherited(s.inherited.team));
    field("pi", or_empty(s.item.pi));
    field("pi", inherited(s.inherited.pi));
    field(
        "iteration",
        s.item.iteration.map_or(String::new(), |i| i.to_string()),
    );
    field(
        "points",
        s.item
            .points
            .map_or(String::new(), crate::render::number::exact),
    );
    field(
        "estimate",
        s.item
            .estimate
            .map_or(String::new(), crate::render::number::exact),
    );
    field("labels", s.item.labels.join(", "));
    if let Some(w) = &s.wsjf {
        let v = |x: Option<i64>| x.map_or("-".to_string(), |x| x.to_string());
        let score = Score::of(item).map_or("incomplete".to_string(), |s| {
            crate::render::number::wsjf(&s)
        });
        field(
            "wsjf",
            format!(
                "{score} = (BV {} + TC {} + RR|OE {}) / job size {}",
                v(w.business_value),
                v(w.time_criticality),
                v(w.risk_reduction),
                v(w.job_size)
            ),
        );
    }
    if let Some(p) = &s.acceptance_criteria {
        field(
            "acceptance",
            format!("{}/{} criteria checked", p.checked, p.total),
        );
    }
    if let Some(p) = &s.progress {
        field("progress", rollup(p));
    }
    if let Some(pi) = &s.pi_detail {
        pi_lines(pi, &mut out, color);
    }
    if let Some(okr) = &s.okr {
        let results: Vec<String> = okr
            .key_results
            .iter()
            .map(|k| {
                let n = |v: Option<f64>| v.map_or("?".to_string(), crate::render::number::exact);
                let progress = k.progress.map_or(
                    "progress unknown".to_string(),
                    crate::render::number::percent,
                );
                format!(
                    "{}: {} -> {} (target {}), {progress}",
                    k.text.unwrap_or("(no text)"),
                    n(k.start),
                    n(k.current),
                    n(k.target)
                )
            })
            .collect();
        block(&mut out, "key results", &results, color);
        let epics: Vec<String> = okr
            .epics
            .iter()
            .map(|e| format!("{}  {}", e.id, e.title))
            .collect();
        block(&mut out, "served by", &epics, color);
    }
    let line = |r: &RelatedRecord| {
        let safe = crate::render::safe;
        if r.exists {
            format!("{}  {} [{}]", safe(r.id), safe(r.title), safe(r.status))
        } else {
            format!("{}  (no such item)", safe(r.id))
        }
    };
    let chain: Vec<String> = s
        .parents
        .iter()
        .map(|p| crate::render::safe(p.id).into_owned())
        .collect();
    if !chain.is_empty() {
        out.push_str(&format!(
            "  {:<12}{}\n",
            paint("parents", DIM, color),
            chain.join(" > ")
        ));
    }
    for (name, list) in [
        ("children", &s.children),
        ("depends on", &s.dependencies),
        ("needed by", &s.needed_by),
    ] {
        for (i, r) in list.iter().enumerate() {
            let label = if i == 0 { name } else { "" };
            out.push_str(&format!("  {:<12}{}\n", paint(label, DIM, color), line(r)));
        }
    }
    out
}

/// An epic's, capability's or feature's progress in one line: `3/8 points done (38 %), 1 story
/// without points, 1/3 children done`.
pub fn rollup(p: &RollupRecord) -> String {
    let mut parts = Vec::new();
    if p.points > 0.0 {
        parts.push(format!(
            "{}/{} points done ({})",
            number::points(p.done_points),
            number::points(p.points),
            number::percent_spaced(p.done_points / p.points * 100.0)
        ));
    } else if p.stories > 0 {
        parts.push("no story points".to_string());
    }
    if p.unestimated > 0 {
        parts.push(format!(
            "{} without points",
            crate::render::plural(p.unestimated, "story", "stories")
        ));
    }
    if p.children == 0 {
        parts.push("no children".to_string());
    } else {
        parts.push(format!("{}/{} children done", p.done_children, p.children));
    }
    parts.join(", ")
}

/// Lines under one label: the label on the first only.
fn block(out: &mut String, name: &str, lines: &[String], color: bool) {
    for (i, line) in lines.iter().enumerate() {
        let label = if i == 0 { name } else { "" };
        out.push_str(&format!(
            "  {:<12}{}\n",
            paint(label, DIM, color),
            crate::render::safe(line)
        ));
    }
}

/// A PI's own fields and its planned work.
fn pi_lines(pi: &PiDetailRecord, out: &mut String, color: bool) {
    if let (Some(start), Some(end)) = (&pi.start, &pi.end) {
        block(out, "dates", &[format!("{start} to {end}")], color);
    }
    block(
        out,
        "iterations",
        &[format!(
            "{} of {} weeks: {} development + IP",
            pi.iterations, pi.iteration_weeks, pi.development_iterations
        )],
        color,
    );
    let width = pi.capacity.iter().map(|c| c.team.chars().count()).max();
    let capacity: Vec<String> = pi
        .capacity
        .iter()
        .map(|c| {
            let each: Vec<String> = c.iterations.iter().map(|p| number::points(*p)).collect();
            format!(
                "{:<w$}  {} = {}",
                c.team,
                each.join(", "),
                number::points(c.total),
                w = width.unwrap_or(0)
            )
        })
        .collect();
    block(out, "capacity", &capacity, color);
    let allocation: Vec<String> = pi
        .allocation
        .iter()
        .map(|a| format!("{} {} %", a.kind, number::points(a.percent)))
        .collect();
    block(out, "allocation", &allocation, color);
    let value = |v: Option<i64>| v.map_or("-".to_string(), |v| v.to_string());
    let objectives: Vec<String> = pi
        .objectives
        .iter()
        .map(|o| {
            format!(
                "{}: {} [{}] planned {}, actual {}",
                o.team.unwrap_or("-"),
                o.text.unwrap_or(""),
                if o.committed {
                    "committed"
                } else {
                    "uncommitted"
                },
                value(o.planned_value),
                value(o.actual_value)
            )
        })
        .collect();
    block(out, "objectives", &objectives, color);
    let planned: Vec<String> = pi
        .planned
        .iter()
        .map(|r| format!("{}  {} [{}]", r.id, r.title, r.status))
        .collect();
    if planned.is_empty() {
        block(out, "planned", &["nothing yet".to_string()], color);
    } else {
        block(out, "planned", &planned, color);
    }
}
