//! `popm import json FILE`: the records of `popm export --format json` written back as item files.
//! Each record carries the item's whole frontmatter (as JSON) and its body, so the file written
//! holds the same data and the same body bytes, its frontmatter in `popm fmt`'s form.

use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use super::Report;
use crate::edit::journal::Write;
use crate::edit::scalar;
use crate::error::EnvError;
use crate::model::Backlog;
use crate::render::schema::frontmatter_json;
use crate::source::Workspace;

/// The fields of an export record that the import reads; the others are derived from these.
#[derive(Debug, Deserialize)]
pub struct Record {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub frontmatter: Option<Value>,
    #[serde(default)]
    pub body: Option<String>,
}

/// An export is one JSON array; this bounds what popm reads into memory before parsing it.
const MAX_EXPORT_BYTES: u64 = 1 << 30;

/// Reads an export file: a JSON array of records.
pub fn read(path: &Path) -> Result<Vec<Record>, String> {
    let bytes = match crate::files::read_regular(path, MAX_EXPORT_BYTES) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(size)) => {
            return Err(format!(
                "{} is {size} bytes, more than popm reads as an export",
                path.display()
            ));
        }
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{}: not an export of `popm export --format json`: {e}",
            path.display()
        )
    })
}

/// The item file for a frontmatter and a body: the keys in `popm fmt`'s order and form, the body
/// as it is. Read back before it is returned: a text that would not hold the same data is an error.
pub fn item_text(frontmatter: &Map<String, Value>, body: &str) -> Result<String, String> {
    let mut yaml = String::new();
    for (key, value) in frontmatter {
        entry(&mut yaml, 0, key, value);
    }
    // Formatted without the body, so that the body's bytes (a missing final line break, CRLF)
    // stay exactly as exported.
    let head = crate::edit::format::format(&format!("---\n{yaml}---\n"))?;
    let text = format!("{head}{body}");
    let split = crate::parse::frontmatter::split(&text)
        .map_err(|_| "the written frontmatter does not read back".to_string())?;
    let same = frontmatter_json(split.yaml).as_ref() == Some(&Value::Object(frontmatter.clone()))
        && split.body == body;
    if !same {
        return Err("the frontmatter cannot be written as YAML holding the same data".into());
    }
    Ok(text)
}

/// `key: value` at `indent`, mappings and lists of mappings as blocks, lists of plain values in
/// flow style (as `popm fmt` writes lists of names).
fn entry(out: &mut String, indent: usize, key: &str, value: &Value) {
    out.push_str(&" ".repeat(indent));
    out.push_str(&scalar::string(key));
    out.push(':');
    after_key(out, indent, value);
}

fn after_key(out: &mut String, indent: usize, value: &Value) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            for (k, v) in map {
                entry(out, indent + 2, k, v);
            }
        }
        Value::Array(items) if items.iter().any(is_container) => {
            out.push('\n');
            for item in items {
                out.push_str(&" ".repeat(indent + 2));
                out.push_str("- ");
                element(out, indent + 4, item);
            }
        }
        other => {
            out.push(' ');
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

/// A list element after its `- `: a mapping's first key on the same line, the others below it.
fn element(out: &mut String, indent: usize, value: &Value) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str(&scalar::string(k));
                out.push(':');
                after_key(out, indent, v);
            }
        }
        other => {
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Object(m) if !m.is_empty())
        || matches!(value, Value::Array(a) if !a.is_empty())
}

/// A value on one line: a scalar, or a flow collection (YAML reads JSON's own syntax for nested
/// ones).
fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (None, Some(u), _) => u.to_string(),
            // `{:?}` keeps a fraction (`3.0`), so the value reads back as a float.
            (None, None, Some(f)) => format!("{f:?}"),
            _ => n.to_string(),
        },
        Value::String(s) => scalar::string(s),
        Value::Array(items) if !items.iter().any(is_container) => format!(
            "[{}]",
            items.iter().map(inline).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

/// Plans the files of the records: each at the path it was exported from when that lies in a
/// backlog root here, else in `into` under its own file name; never over an existing file, never
/// an id the backlog already has. Records without a readable frontmatter are noted, not imported.
pub fn plan(
    records: &[Record],
    workspace: &Workspace,
    backlog: &Backlog,
    into: &Path,
    report: &mut Report,
) -> Result<Vec<Write>, EnvError> {
    let mut writes = Vec::with_capacity(records.len());
    let mut planned = std::collections::HashSet::new();
    for (n, record) in records.iter().enumerate() {
        let name = record
            .path
            .clone()
            .or_else(|| record.id.clone())
            .unwrap_or_else(|| format!("record {}", n + 1));
        let Some(Value::Object(frontmatter)) = &record.frontmatter else {
            report.notes.push(format!(
                "{name}: no frontmatter in the export (the file could not be read as an item); not imported"
            ));
            continue;
        };
        let id = frontmatter.get("id").and_then(Value::as_str);
        if let Some(id) = id.filter(|id| backlog.get(id).is_some()) {
            report
                .skipped
                .push(format!("{name}: id {id} is already in the backlog"));
            continue;
        }
        let text = match item_text(frontmatter, record.body.as_deref().unwrap_or("")) {
            Ok(text) => text,
            Err(e) => {
                report.notes.push(format!("{name}: {e}; not imported"));
                continue;
            }
        };
        let target = target(record, id, workspace, into)?;
        if std::fs::symlink_metadata(&target).is_ok() || !planned.insert(target.clone()) {
            report.skipped.push(format!(
                "{name}: {} already exists",
                workspace.display(&target)
            ));
            continue;
        }
        report.written.push(workspace.display(&target));
        writes.push(Write::create(target, text));
    }
    Ok(writes)
}

/// Where a record is written: its exported path when that is a plain relative `.md` path inside a
/// backlog root here, else `into` with the exported file name (or `<id>.md`).
fn target(
    record: &Record,
    id: Option<&str>,
    workspace: &Workspace,
    into: &Path,
) -> Result<PathBuf, EnvError> {
    let exported = record
        .path
        .as_deref()
        .map(Path::new)
        .filter(|p| p.extension().is_some_and(|e| e == "md"));
    let plain = exported.filter(|p| p.components().all(|c| matches!(c, Component::Normal(_))));
    if let Some(path) = plain
        && let Some(parent) = path.parent()
    {
        let folder = workspace.display_root.join(parent);
        let inside_root = workspace
            .config
            .roots
            .iter()
            .any(|r| folder.starts_with(workspace.config.project_root.join(r)));
        if inside_root
            && let Ok(dir) = crate::edit::folder::for_writing(workspace, &folder)
            && let Some(file) = path.file_name()
        {
            return Ok(dir.join(file));
        }
    }
    let dir = crate::edit::folder::for_writing(workspace, into)?;
    let file = exported
        .and_then(Path::file_name)
        .map(|f| f.to_os_string())
        .unwrap_or_else(|| {
            let stem = crate::model::slug(id.unwrap_or("item"));
            format!("{}.md", if stem.is_empty() { "item" } else { &stem }).into()
        });
    Ok(dir.join(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> Map<String, Value> {
        match serde_json::from_str(json).unwrap() {
            Value::Object(m) => m,
            _ => panic!(),
        }
    }

    #[test]
    fn writes_every_kind_of_value_in_fmt_form_and_keeps_the_body_bytes() {
        let fm = object(
            r#"{"title": "Pay: now", "id": "F-1", "type": "feature", "labels": ["a", "b, c"],
                "wsjf": {"business_value": 8, "job_size": 3}, "estimate": 2.5, "points": 3.0,
                "colour": null, "flag": true,
                "objectives": [{"team": "x", "business_value": 5}, {"text": "y"}],
                "extra": {"nested": {"deep": [1, [2, 3]]}, "empty": {}, "none": []}}"#,
        );
        let text = item_text(&fm, "Body\r\nno final break").unwrap();
        assert_eq!(
            text,
            "---\nid: F-1\ntype: feature\ntitle: \"Pay: now\"\npoints: 3.0\nestimate: 2.5\n\
             labels: [a, \"b, c\"]\nwsjf:\n  business_value: 8\n  job_size: 3\n\
             objectives:\n  - business_value: 5\n    team: x\n  - text: \"y\"\n\
             extra:\n  empty: {}\n  nested:\n    deep:\n      - 1\n      - [2, 3]\n  none: []\n\
             colour: null\nflag: true\n---\nBody\r\nno final break"
        );
    }
}
