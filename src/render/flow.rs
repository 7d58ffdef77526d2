//! `popm flow` printed: a report for people (human), the aggregates and per-item records (JSON,
//! [`FlowRecord`]) and the daily samples for a cumulative flow diagram (CSV).

use std::fmt::Write as _;
use std::io::IsTerminal;

use super::log::unsafe_names_note;
use super::number::{one_decimal, percent};
use super::schema::FlowRecord;
use super::{BOLD, YELLOW, paint, plural, safe, table};
use crate::report::board::Level;
use crate::report::flow::Flow;

pub fn json(f: &Flow) -> String {
    super::json(&FlowRecord::of(f))
}

fn level_name(f: &Flow) -> String {
    let what = match f.level {
        Level::Portfolio => "portfolio (epics)",
        Level::Art => "ART (features)",
        Level::Team => "team (stories)",
    };
    match &f.team {
        Some(t) => format!("{what}, team {}", safe(t)),
        None => what.to_string(),
    }
}

pub fn human(f: &Flow, color: bool) -> String {
    let terminal = std::io::stdout().is_terminal();
    let table = |h: &[&str], rows: Vec<Vec<String>>| table::render(h, rows, terminal);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}, {} .. {} (UTC), per {}",
        paint("Flow metrics:", BOLD, color),
        level_name(f),
        f.window.from,
        f.window.to,
        f.period.as_str()
    );
    let _ = writeln!(
        out,
        "start state {}, done from {}, active: {}",
        safe(&f.start_state),
        safe(&f.done_state),
        safe(&f.active_states.join(", "))
    );
    let _ = writeln!(
        out,
        "history: {} commits on the first-parent line of HEAD ({} changed the backlog)\n",
        f.commits, f.changed_commits
    );

    let _ = writeln!(out, "{}", paint("Flow velocity", BOLD, color));
    let mut rows: Vec<Vec<String>> = f
        .periods
        .iter()
        .map(|p| vec![format!("{} .. {}", p.from, p.to), p.done.to_string()])
        .collect();
    rows.push(vec!["total".into(), f.done().to_string()]);
    out.push_str(&table(&["PERIOD", "DONE"], rows));

    let _ = writeln!(out, "\n{}", paint("Flow time (days)", BOLD, color));
    match &f.flow_time {
        Some(d) => out.push_str(&table(
            &["ITEMS", "MIN", "MEDIAN", "85TH", "MAX", "MEAN"],
            vec![vec![
                d.count.to_string(),
                one_decimal(d.min),
                one_decimal(d.median),
                one_decimal(d.p85),
                one_decimal(d.max),
                one_decimal(d.mean),
            ]],
        )),
        None => out.push_str("no item with a known start reached done in the window\n"),
    }

    let _ = writeln!(
        out,
        "\n{}",
        paint("Flow load (end of day, UTC)", BOLD, color)
    );
    if let Some(load) = f.load_summary() {
        out.push_str(&table(
            &["ON LAST DAY", "MEAN", "MAX", "DAYS"],
            vec![vec![
                format!("{} ({})", load.last, load.last_day),
                one_decimal(load.mean),
                load.max.to_string(),
                load.days.to_string(),
            ]],
        ));
    }

    let _ = writeln!(
        out,
        "\n{}",
        paint("Flow distribution (items done)", BOLD, color)
    );
    let mut rows: Vec<Vec<String>> = f
        .work_types
        .iter()
        .map(|(k, n)| vec![k.clone(), n.to_string(), percent(f.share(*n))])
        .collect();
    rows.extend(
        f.labels
            .iter()
            .map(|(k, n)| vec![format!("label:{k}"), n.to_string(), percent(f.share(*n))]),
    );
    if rows.is_empty() {
        out.push_str("nothing reached done in the window\n");
    } else {
        out.push_str(&table(&["WORK TYPE", "DONE", "SHARE"], rows));
    }

    let _ = writeln!(out, "\n{}", paint("Flow efficiency", BOLD, color));
    match f.efficiency() {
        Some(e) => {
            let _ = writeln!(
                out,
                "{} ({} active days of {} flow days)",
                percent(e),
                one_decimal(f.active_days()),
                one_decimal(f.flow_days())
            );
        }
        None => out.push_str("no flow time to measure\n"),
    }

    let _ = writeln!(out, "\n{}", paint("Flow predictability", BOLD, color));
    if f.predictability.is_empty() {
        out.push_str("no PI with dates overlaps the window\n");
    } else {
        let rows = f
            .predictability
            .iter()
            .map(|p| {
                vec![
                    p.pi.clone(),
                    p.planned.to_string(),
                    p.actual.to_string(),
                    p.ratio().map_or("-".into(), percent),
                    p.unscored.to_string(),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "PI",
                "PLANNED BV",
                "ACTUAL BV",
                "PREDICTABILITY",
                "UNSCORED",
            ],
            rows,
        ));
    }
    incomplete_notes(&mut out, f, color);
    out
}

fn names(ids: &[String]) -> String {
    let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
    let more = if ids.len() > 5 {
        format!(", and {} more", ids.len() - 5)
    } else {
        String::new()
    };
    format!("{}{more}", safe(&shown.join(", ")))
}

fn incomplete_notes(out: &mut String, f: &Flow, color: bool) {
    let i = &f.incomplete;
    if !i.any() && i.merges == 0 {
        return;
    }
    let note = paint("note:", YELLOW, color);
    out.push('\n');
    if i.shallow {
        let _ = writeln!(
            out,
            "{note} this is a shallow clone: history before its oldest commit is missing (git fetch --unshallow)"
        );
    }
    if let Some(last) = i.unsampled_after {
        let _ = writeln!(
            out,
            "{note} no commit after {last}: the days after it are not sampled and the periods that start after it are left out"
        );
    }
    if !i.appeared_done.is_empty() {
        let _ = writeln!(
            out,
            "{note} {} appeared already done (when it got there is unknown); not counted: {}",
            plural(i.appeared_done.len(), "item", "items"),
            names(&i.appeared_done)
        );
    }
    if !i.started_late.is_empty() {
        let _ = writeln!(
            out,
            "{note} {} appeared already past {}; counted as done, left out of flow time: {}",
            plural(i.started_late.len(), "item", "items"),
            safe(&f.start_state),
            names(&i.started_late)
        );
    }
    if !i.jumped.is_empty() {
        let _ = writeln!(
            out,
            "{note} {} went from before {} to done in one commit (a squash merge or a batch edit); counted as done, left out of flow time: {}",
            plural(i.jumped.len(), "item", "items"),
            safe(&f.start_state),
            names(&i.jumped)
        );
    }
    if !i.backwards.is_empty() {
        let _ = writeln!(
            out,
            "{note} {} reached done in a commit dated before the one that started it (a clock set backwards); counted as done, left out of flow time: {}",
            plural(i.backwards.len(), "item", "items"),
            names(&i.backwards)
        );
    }
    if i.unreadable_times > 0 {
        let _ = writeln!(
            out,
            "{note} {} with a committer date that cannot be read: each counts at the time of the commit before it",
            plural(i.unreadable_times, "commit", "commits")
        );
    }
    if i.unsafe_names > 0 {
        let _ = writeln!(out, "{note} {}", unsafe_names_note(i.unsafe_names));
    }
    if i.merges > 0 {
        let _ = writeln!(
            out,
            "{note} {} on the first-parent line: each counts as one event at its commit time",
            plural(i.merges, "merge commit", "merge commits")
        );
    }
}

/// One row per day: the items in each state at the end of the day, then the load.
pub fn csv(f: &Flow) -> String {
    // State names come from popm.toml: defused like any cell, control characters shown.
    let mut header: Vec<String> = vec!["date".into()];
    header.extend(
        f.states
            .iter()
            .map(|s| super::csv::defuse(&safe(s)).into_owned()),
    );
    header.push("load".into());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = f
        .samples
        .iter()
        .map(|s| {
            let mut row = vec![s.date.to_string()];
            row.extend(s.states.iter().map(|n| n.to_string()));
            row.push(s.load.to_string());
            row
        })
        .collect();
    super::csv::render(&header, &rows)
}
