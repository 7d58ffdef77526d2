//! A tracker's CSV export. Columns map to keys by name; the built-in mapping reads the common export
//! (Issue key, Summary, Issue Type, Status, Parent, Story Points, Labels, Description), and
//! `--map Column=key` adds or overrides. Other columns are kept under `extra`.

use std::collections::HashMap;

use super::{NewItem, Report};
use crate::edit::scalar;
use crate::model::ItemType;

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

/// Issue types of trackers, as popm types (bugs and tasks are stories, labelled).
fn item_type(raw: &str) -> (ItemType, Option<&'static str>) {
    match raw.trim().to_lowercase().as_str() {
        "epic" => (ItemType::Epic, None),
        "capability" => (ItemType::Capability, None),
        "feature" => (ItemType::Feature, None),
        "bug" | "defect" => (ItemType::Story, Some("defect")),
        "task" | "sub-task" | "subtask" => (ItemType::Story, Some("task")),
        _ => (ItemType::Story, None),
    }
}

pub fn import(
    path: &std::path::Path,
    overrides: &[(String, String)],
    report: &mut Report,
) -> Result<Vec<NewItem>, String> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
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
            match columns.get(i).and_then(|c| c.as_deref()) {
                Some("id") => item.id = value.to_string(),
                Some("title") => item.title = value.to_string(),
                Some("type") => {
                    let (t, label) = item_type(value);
                    item.item_type = Some(t);
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
