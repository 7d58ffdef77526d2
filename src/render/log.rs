//! `popm log` printed: one line per commit (human) or one record per commit (JSON), each change in
//! the words of [`describe`].

use std::fmt::Write as _;

use super::schema::LogEntryRecord;
use super::{DIM, YELLOW, number, or_dash, paint, plural, safe};
use crate::history::short;
use crate::model::ItemType;
use crate::report::flow::iso;
use crate::report::log::{Change, Log, ObjectiveChange};

/// Names joined by commas, `-` for none.
fn list(names: &[String]) -> String {
    if names.is_empty() {
        "-".to_string()
    } else {
        names.join(", ")
    }
}

/// One change in the words a PM uses: `status ready -> in-progress`.
pub fn describe(change: &Change) -> String {
    let dash = super::dash_if_empty;
    let kind = |k: &Option<ItemType>| k.map_or("-", ItemType::as_str);
    match change {
        Change::Unreadable { path } => {
            format!("unreadable: {path} does not parse here (its last readable state is kept)")
        }
        Change::Added { path, kind, status } => format!(
            "added {path} ({}{})",
            kind.map_or("?", ItemType::as_str),
            match status.as_str() {
                "" => String::new(),
                s => format!(", status {s}"),
            }
        ),
        Change::Removed { was } => format!("removed (was {was})"),
        Change::Renumbered { from, to } => format!("renumbered {from} -> {to}"),
        Change::NoReadableItem => "no readable item".into(),
        Change::Moved { from, to } => format!("moved {} -> {}", or_dash(from), or_dash(to)),
        Change::Type { from, to } => format!("type {} -> {}", kind(from), kind(to)),
        Change::Status { from, to } => format!("status {} -> {}", dash(from), dash(to)),
        Change::Wsjf { key, from, to } => format!("{key} {} -> {}", or_dash(from), or_dash(to)),
        Change::Parent { from, to } => format!("parent {} -> {}", or_dash(from), or_dash(to)),
        Change::Pi { from, to } => format!("pi {} -> {}", or_dash(from), or_dash(to)),
        Change::Team { from, to } => format!("team {} -> {}", list(from), list(to)),
        Change::Points { from, to } => {
            let p = |v: &Option<f64>| v.map_or("-".to_string(), number::exact);
            format!("points {} -> {}", p(from), p(to))
        }
        Change::Criteria { from, to } => format!("acceptance criteria {from} -> {to}"),
        Change::CriteriaChecked { from, to } => format!(
            "acceptance criteria checked {}/{} -> {}/{}",
            from.0, from.1, to.0, to.1
        ),
        Change::Title { from, to } => format!("title \"{from}\" -> \"{to}\""),
        Change::LabelsOrEnabler => "labels or enabler kind changed".into(),
        Change::DependsOn { from, to } => {
            format!("depends_on {} -> {}", list(from), list(to))
        }
        Change::PiField { key, from, to } => format!("{key} {} -> {}", or_dash(from), or_dash(to)),
        Change::Capacity { team, from, to } => {
            let points = |p: &[f64]| {
                let all: Vec<String> = p.iter().map(|v| number::exact(*v)).collect();
                list(&all)
            };
            format!("capacity {team} {} -> {}", points(from), points(to))
        }
        Change::Allocation { work, from, to } => {
            let share =
                |v: &Option<f64>| v.map_or("-".to_string(), |v| format!("{}%", number::exact(v)));
            format!("allocation {work} {} -> {}", share(from), share(to))
        }
        Change::Objective { team, text, change } => {
            let which = format!(
                "objective \"{text}\"{}",
                team.as_ref().map_or(String::new(), |t| format!(" ({t})"))
            );
            let committed = |c: &bool| if *c { "committed" } else { "uncommitted" };
            match change {
                ObjectiveChange::Added {
                    business_value,
                    committed: c,
                } => format!(
                    "{which} added ({}, business value {})",
                    committed(c),
                    or_dash(business_value)
                ),
                ObjectiveChange::Removed => format!("{which} removed"),
                ObjectiveChange::BusinessValue { from, to } => format!(
                    "{which} business value {} -> {}",
                    or_dash(from),
                    or_dash(to)
                ),
                ObjectiveChange::ActualValue { from, to } => {
                    format!("{which} actual value {} -> {}", or_dash(from), or_dash(to))
                }
                ObjectiveChange::Committed { from, to } => {
                    format!("{which} {} -> {}", committed(from), committed(to))
                }
            }
        }
        Change::Edited => "edited (no tracked field changed)".into(),
    }
}

/// The changes of one commit, each in words.
fn describe_all(changes: &[Change]) -> Vec<String> {
    changes.iter().map(describe).collect()
}

pub fn json(log: &Log) -> String {
    let records: Vec<LogEntryRecord> = log
        .entries
        .iter()
        .map(|e| LogEntryRecord {
            commit: short(&e.commit),
            date: iso(e.time),
            author: &e.author,
            path: e.path.as_deref(),
            status: e.status.as_deref(),
            changes: describe_all(&e.changes),
        })
        .collect();
    super::json(&records)
}

/// `2027-01-04 09:00`: the minute of an ISO 8601 time.
fn minute(iso: &str) -> String {
    iso.get(..16).unwrap_or(iso).replace('T', " ")
}

pub fn human(log: &Log, color: bool) -> String {
    let mut out = String::new();
    for e in &log.entries {
        let _ = writeln!(
            out,
            "{} {} {}  {}",
            paint(&short(&e.commit), YELLOW, color),
            minute(&iso(e.time)),
            paint(&safe(&e.author), DIM, color),
            safe(&describe_all(&e.changes).join("; "))
        );
    }
    if log.shallow {
        let _ = writeln!(
            out,
            "note: this is a shallow clone; older history is not here (git fetch --unshallow)"
        );
    }
    if log.unreadable_times > 0 {
        let _ = writeln!(
            out,
            "note: {} with a committer date that cannot be read: each shows the time of the commit before it",
            plural(log.unreadable_times, "commit", "commits")
        );
    }
    if log.unsafe_names > 0 {
        let _ = writeln!(out, "note: {}", unsafe_names_note(log.unsafe_names));
    }
    out
}

/// Only a crafted commit holds such names; joined to their folder they would name other paths.
pub fn unsafe_names_note(count: usize) -> String {
    format!(
        "skipped {} in the backlog's history whose name is not a safe file name (empty, `.`, `..` or holding `/`)",
        plural(count, "git tree entry", "git tree entries")
    )
}
