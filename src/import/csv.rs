//! A tracker's CSV export. Columns map to keys by name; the built-in mapping reads the common export
//! (Issue key, Summary, Issue Type, Status, Parent, Story Points, Labels, Description), and
//! `--map Column=key` adds or overrides. Other columns are kept under `extra`.

use std::collections::HashMap;

use super::{NewItem, Report};
use crate::edit::scalar;
use crate::model::{EnablerKind, ItemType};

const BUILT_IN: &[(&str, &str)] = &[
    ("issue key", "id"),
    ("key", "id"),
    ("summary", "title"),
    ("issue type", "type"),
    ("status", "status"),
    ("parent", "parent"),
    ("parent id", "parent"),
    ("story points", "points"),
    ("labels", "labels"),
    ("description", "body"),
    ("assignee", "owner"),
    ("team", "team"),
];

/// Issue types of trackers, as popm types (bugs and tasks are stories, labelled; a spike is the
/// exploration enabler SAFe calls it).
fn item_type(raw: &str) -> (ItemType, Option<&'static str>, Option<EnablerKind>) {
    match raw.trim().to_lowercase().as_str() {
        "epic" => (ItemType::Epic, None, None),
        "capability" => (ItemType::Capability, None, None),
        "feature" => (ItemType::Feature, None, None),
        "bug" | "defect" => (ItemType::Story, Some("defect"), None),
        "task" | "sub-task" | "subtask" => (ItemType::Story, Some("task"), None),
        "spike" => (ItemType::Story, None, Some(EnablerKind::Exploration)),
        _ => (ItemType::Story, None, None),
    }
}

/// A tracker's CSV export opened, with its row of column names (rows may differ in length, as
/// exports with repeated columns do). `what` names the export in the error for an empty file.
pub(crate) fn open(
    path: &std::path::Path,
    what: &str,
) -> Result<(::csv::Reader<std::fs::File>, ::csv::StringRecord), String> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    if headers.is_empty() {
        // An export that failed and wrote nothing: not a tracker with nothing in it.
        return Err(format!(
            "{} is empty: {what} starts with a row of column names",
            path.display()
        ));
    }
    Ok((reader, headers))
}

pub fn import(
    path: &std::path::Path,
    overrides: &[(String, String)],
    report: &mut Report,
) -> Result<Vec<NewItem>, String> {
    let (mut reader, headers) = open(path, "a CSV export")?;
    let mut mapping: HashMap<String, String> = BUILT_IN
        .iter()
        .map(|(c, k)| (c.to_string(), k.to_string()))
        .collect();
    for (column, key) in overrides {
        mapping.insert(column.to_lowercase(), key.clone());
    }
    let columns: Vec<Option<String>> = headers
        .iter()
        .map(|h| mapping.get(&h.trim().to_lowercase()).cloned())
        .collect();
    let unmapped: Vec<&str> = headers
        .iter()
        .zip(&columns)
        .filter(|(_, c)| c.is_none())
        .map(|(h, _)| h)
        .collect();
    if !unmapped.is_empty() {
        report
            .notes
            .push(format!("columns kept under extra: {}", unmapped.join(", ")));
    }
    repeated_columns(&headers, &columns, report);
    let mut items = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let row = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                report.notes.push(format!("row {row}: not imported: {e}"));
                continue;
            }
        };
        let mut item = NewItem {
            source: format!("{}:{row}", path.display()),
            status: String::new(),
            ..NewItem::default()
        };
        // Trackers repeat columns (several "Sprint"): their values are kept together, as a list.
        let mut extra: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (i, value) in record.iter().enumerate() {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let header = headers.get(i).unwrap_or("");
            let key = columns.get(i).and_then(|c| c.as_deref());
            // A key that holds one value, given again by a repeated column: the first value
            // stays, the others are kept under extra by their column's name.
            let taken = match key {
                Some("id") => !item.id.is_empty(),
                Some("title") => !item.title.is_empty(),
                Some("type") => item.item_type.is_some(),
                Some("status") => !item.status.is_empty(),
                Some("parent") => item.parent.is_some(),
                Some("owner") => item.owner.is_some(),
                Some("team") => item.team.is_some(),
                Some("points") => item.points.is_some(),
                Some("pi") => item.pi.is_some(),
                Some("art") => item.art.is_some(),
                _ => false,
            };
            if taken {
                extra
                    .entry(header.to_string())
                    .or_default()
                    .push(value.to_string());
                continue;
            }
            match key {
                Some("id") => item.id = value.to_string(),
                Some("title") => item.title = value.to_string(),
                Some("type") => {
                    let (t, label, enabler) = item_type(value);
                    item.item_type = Some(t);
                    item.enabler = enabler;
                    item.labels.extend(label.map(str::to_string));
                }
                Some("status") => item.status = value.to_string(),
                Some("parent") => item.parent = Some(value.to_string()),
                Some("owner") => item.owner = Some(value.to_string()),
                Some("team") => item.team = Some(value.to_string()),
                Some("points") => match value.parse::<f64>() {
                    Ok(p) if p.is_finite() && p >= 0.0 => item.points = Some(p),
                    _ => item
                        .extra
                        .push(("story_points".into(), scalar::string(value))),
                },
                Some("labels") => item.labels.extend(
                    value
                        .split([',', ';', ' '])
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                ),
                // Several description columns: one paragraph each, in column order.
                Some("body") if !item.body.is_empty() => {
                    item.body.push('\n');
                    item.body.push_str(value);
                    item.body.push('\n');
                }
                Some("body") => item.body = format!("{value}\n"),
                Some("pi") => item.pi = Some(value.to_string()),
                Some("art") => item.art = Some(value.to_string()),
                Some(key @ ("iteration" | "estimate" | "rank")) => match value.parse::<f64>() {
                    Ok(n) if n.is_finite() && n >= 0.0 => item.numbers.push((key.to_string(), n)),
                    _ => extra
                        .entry(key.to_string())
                        .or_default()
                        .push(value.to_string()),
                },
                Some(other) => extra
                    .entry(other.to_string())
                    .or_default()
                    .push(value.to_string()),
                None => extra
                    .entry(header.to_string())
                    .or_default()
                    .push(value.to_string()),
            }
        }
        for (key, values) in extra {
            let yaml = match values.as_slice() {
                [one] => scalar::string(one),
                many => format!(
                    "[{}]",
                    many.iter()
                        .map(|v| scalar::string(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            item.extra.push((key, yaml));
        }
        if item.title.is_empty() {
            report
                .notes
                .push(format!("row {row}: no title; not imported"));
            continue;
        }
        items.push(item);
    }
    Ok(items)
}

/// Says which keys several columns map to, and what becomes of their values: description columns
/// are joined; of the others, the first value is used and the rest kept under `extra` (labels add
/// up anyway, and unmapped columns are kept under their names).
fn repeated_columns(
    headers: &::csv::StringRecord,
    columns: &[Option<String>],
    report: &mut Report,
) {
    let mut by_key: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, key) in columns.iter().enumerate() {
        let Some(key) = key.as_deref().filter(|k| *k != "labels") else {
            continue;
        };
        match by_key.iter_mut().find(|(k, _)| *k == key) {
            Some((_, at)) => at.push(i),
            None => by_key.push((key, vec![i])),
        }
    }
    for (key, at) in by_key.iter().filter(|(_, at)| at.len() > 1) {
        let names: Vec<&str> = at
            .iter()
            .map(|i| headers.get(*i).unwrap_or("").trim())
            .collect();
        let numbers: Vec<String> = at.iter().map(|i| (i + 1).to_string()).collect();
        let columns = if names.iter().all(|n| *n == names[0]) {
            format!("{} ({})", and_list(&numbers), names[0])
        } else {
            let each: Vec<String> = numbers
                .iter()
                .zip(&names)
                .map(|(n, name)| format!("{n} ({name})"))
                .collect();
            and_list(&each)
        };
        let what = if *key == "body" {
            "their texts are joined, in column order"
        } else {
            "the first value is used, the others are kept under extra"
        };
        let all = if at.len() == 2 { "both" } else { "all" };
        report
            .notes
            .push(format!("columns {columns} {all} map to {key}: {what}"));
    }
}

/// "a and b", "a, b and c".
fn and_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
