//! Importing a Jira export again: an issue whose key an item carries (`jira: KEY`) updates that
//! item instead of adding one. Only the fields popm takes from Jira ([`super::Fields`]) change,
//! each with a surgical frontmatter edit (the body is replaced as a whole when it changes);
//! everything added in popm stays.
//!
//! To tell who changed a field, each imported item remembers what the last import wrote, under
//! `extra.jira_import` (one line: the values, the body as a hash). Per field, with `last` that
//! record, `popm` the file's value and `jira` the export's:
//!
//! - `jira == last`: Jira did not change it; the file keeps its value (edited in popm or not);
//! - `popm == last`: only Jira changed it; it takes Jira's value;
//! - `popm == jira`: both made the same change; nothing to do;
//! - otherwise both changed it: a conflict, reported; popm's value stays unless `--theirs`.
//!
//! Labels are a set: the labels Jira added since the last import are added, the ones it removed
//! are removed, and the ones added in popm stay. The record lives in the item because the item
//! is where it must stay true: it is written in the same atomic write as the values it
//! describes, follows the item through renames and branches, and is versioned with it in git.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::Value as Json;

use super::Fields;
use crate::config::Config;
use crate::edit::frontmatter::Edit;
use crate::edit::journal::Write;
use crate::edit::scalar;
use crate::error::EnvError;
use crate::import::{NewItem, Report};
use crate::model::{Backlog, Item, ItemType};
use crate::render::number::exact;
use crate::render::schema::frontmatter_json;
use crate::source::{Texts, Workspace};

/// The key under `extra` that holds what the last import wrote.
pub const RECORD_KEY: &str = "jira_import";

/// The `extra` keys a Jira import owns: replaced by each import, never reported as conflicts.
pub const JIRA_EXTRA: &[&str] = &[
    "jira_id",
    "jira_status",
    "sprint",
    "components",
    "fix_versions",
    "priority",
    "reporter",
    "resolution",
    "created",
    "updated",
    "resolved",
    "due",
];

/// One field's change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A field both sides changed since the last import.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub field: &'static str,
    pub popm: Option<String>,
    pub jira: Option<String>,
    /// Whether Jira's value was taken (`--theirs`).
    pub theirs: bool,
}

/// What the import does to one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub id: String,
    pub key: String,
    pub path: String,
    pub item_type: ItemType,
    pub created: bool,
    pub changes: Vec<Change>,
    pub conflicts: Vec<Conflict>,
}

/// The whole import: what each item gets, and the files to write.
#[derive(Debug, Default)]
pub struct Plan {
    pub items: Vec<Outcome>,
    pub unchanged: usize,
    pub writes: Vec<Write>,
}

/// The items that carry a Jira key, by key: the first of several with the same key (a note
/// names the others, which the import leaves alone).
pub fn items_by_key<'a>(backlog: &'a Backlog, report: &mut Report) -> HashMap<&'a str, &'a Item> {
    let mut by_key: HashMap<&str, &Item> = HashMap::new();
    for item in backlog.iter() {
        let Some(key) = &item.jira else { continue };
        match by_key.get(key.value.as_str()) {
            Some(first) => report.notes.push(format!(
                "{}: {} carries jira: {} too; only {} is updated from Jira",
                item.path,
                item.id().unwrap_or("?"),
                key.value,
                first.id().unwrap_or("?")
            )),
            None => {
                by_key.insert(key.value.as_str(), item);
            }
        }
    }
    by_key
}

/// The Jira issue id an imported item keeps (`extra.jira_id`), by which a later export that
/// holds its children but not the item itself (`Parent` is an Issue id) still finds it.
fn jira_id(item: &Item, texts: &Texts) -> Option<String> {
    let split = crate::parse::frontmatter::split(texts.get(&item.path)?).ok()?;
    let frontmatter = frontmatter_json(split.yaml)?;
    json_text(frontmatter.get("extra")?.get("jira_id")?)
}

/// Plans the import of `fields`: new items written into `dir`, existing ones updated.
#[allow(clippy::too_many_arguments)]
pub fn plan(
    mut fields: Vec<Fields>,
    workspace: &Workspace,
    backlog: &Backlog,
    texts: &Texts,
    config: &Config,
    dir: &Path,
    theirs: bool,
    report: &mut Report,
) -> Result<Plan, EnvError> {
    let existing = items_by_key(backlog, report);
    let mut seen = HashSet::new();
    fields.retain(|f| {
        let first = seen.insert(f.key.clone());
        if !first {
            report
                .skipped
                .push(format!("{}: {} is in the export twice", f.source, f.key));
        }
        first
    });
    // New items get their ids first, so that parents can name them.
    let mut new: Vec<NewItem> = fields
        .iter()
        .filter(|f| !existing.contains_key(f.key.as_str()))
        .map(|f| NewItem {
            item_type: f.kind,
            title: f.title.clone(),
            status: f.status.clone(),
            source: f.key.clone(),
            ..NewItem::default()
        })
        .collect();
    crate::import::assign_ids(&mut new, backlog, config, report);
    let mut id_of_key: HashMap<String, String> = existing
        .iter()
        .filter_map(|(k, i)| Some((k.to_string(), i.id()?.to_string())))
        .collect();
    for item in existing.values() {
        if let (Some(jira_id), Some(id)) = (jira_id(item, texts), item.id()) {
            id_of_key.entry(jira_id).or_insert_with(|| id.to_string());
        }
    }
    for item in &new {
        id_of_key.insert(item.source.clone(), item.id.clone());
    }
    super::resolve_parents(&mut fields, &id_of_key, report);

    let mut plan = Plan::default();
    let mut created: Vec<NewItem> = Vec::new();
    let mut extras: HashMap<String, &Fields> = HashMap::new();
    for f in &fields {
        match existing.get(f.key.as_str()) {
            Some(item) => update(f, item, workspace, texts, theirs, &mut plan)?,
            None => {
                let Some(id) = id_of_key.get(&f.key) else {
                    continue;
                };
                created.push(new_item(f, id));
                extras.insert(id.clone(), f);
            }
        }
    }
    let shown = |p: &Path| workspace.display(p);
    let before = report.written.len();
    // The folder is missing only for --dry-run, which creates nothing: the files it would write.
    let mut writes = if dir.exists() {
        crate::import::plan_writes(&created, &|_| dir.to_path_buf(), &shown, report)
            .map_err(EnvError::Import)?
    } else {
        created
            .iter()
            .map(|item| {
                let id = crate::model::slug(&item.id);
                let slug = crate::model::slug(&item.title);
                let stem = if slug.is_empty() {
                    id
                } else {
                    format!("{id}-{slug}")
                };
                let path = dir.join(format!("{stem}.md"));
                report.written.push(shown(&path));
                Write::create(path, item.render())
            })
            .collect()
    };
    let written = report.written.split_off(before);
    for (write, path) in writes.iter_mut().zip(written) {
        let id = crate::parse::frontmatter::split(&write.text)
            .ok()
            .and_then(|s| frontmatter_json(s.yaml))
            .and_then(|j| j.get("id").and_then(Json::as_str).map(str::to_string))
            .unwrap_or_default();
        let Some(f) = extras.get(&id) else { continue };
        let mut edits = Vec::new();
        if !f.key.starts_with(super::NO_KEY) {
            edits.push(Edit::Set {
                path: vec!["jira".into()],
                yaml: scalar::string(&f.key),
            });
        }
        if let Some(enabler) = f.enabler {
            edits.push(Edit::Set {
                path: vec!["enabler".into()],
                yaml: enabler.as_str().into(),
            });
        }
        let text = crate::edit::frontmatter::apply(&write.text, &edits)
            .and_then(|t| crate::edit::format::format(&t))
            .map_err(|e| EnvError::Import(format!("{}: {e}", f.source)))?;
        write.text = text;
        plan.items.push(Outcome {
            id,
            key: f.key.clone(),
            path,
            item_type: f.kind.unwrap_or(ItemType::Story),
            created: true,
            changes: Vec::new(),
            conflicts: Vec::new(),
        });
    }
    plan.writes.extend(writes);
    Ok(plan)
}

/// The new item for an issue, its record of what was imported under `extra`.
fn new_item(f: &Fields, id: &str) -> NewItem {
    let mut item = NewItem {
        id: id.to_string(),
        item_type: f.kind,
        title: f.title.clone(),
        status: f.status.clone(),
        parent: f.parent.clone(),
        owner: f.owner.clone(),
        labels: f.labels.clone(),
        extra: f.extra.clone(),
        body: f.body.clone(),
        source: f.source.clone(),
        ..NewItem::default()
    };
    match (f.points_key(), f.points) {
        ("points", Some(p)) => item.points = Some(p),
        (key, Some(p)) => item.numbers.push((key.to_string(), p)),
        _ => {}
    }
    // An issue without a key is never matched again: nothing to remember for it.
    if !f.key.starts_with(super::NO_KEY) {
        item.extra
            .push((RECORD_KEY.into(), record(&values(f), &f.labels)));
    }
    item
}

/// Jira's value of each compared field.
fn values(f: &Fields) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("title", Some(f.title.clone())),
        ("type", f.kind.map(|k| k.as_str().to_string())),
        ("enabler", f.enabler.map(|e| e.as_str().to_string())),
        ("status", Some(f.status.clone())),
        ("parent", f.parent.clone()),
        ("points", f.points.map(exact)),
        ("owner", f.owner.clone()),
        ("body", Some(body_hash(&f.body))),
    ]
}

/// The record of an import, one flow mapping: `{title: ..., labels: [...], body: <hash>}`.
fn record(values: &[(&'static str, Option<String>)], labels: &[String]) -> String {
    let mut parts: Vec<String> = values
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {}", scalar::string(v))))
        .collect();
    parts.push(format!(
        "labels: [{}]",
        labels
            .iter()
            .map(|l| scalar::string(l))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    format!("{{{}}}", parts.join(", "))
}

/// A short fingerprint of a body (FNV-1a, 64 bits), line breaks and trailing blanks aside: the
/// record says whether the body changed, without a second copy of it.
pub fn body_hash(body: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for line in body.trim_end().lines() {
        for byte in line.trim_end().bytes().chain([b'\n']) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The file's value of each compared field.
fn current(item: &Item, body: &str, points_key: &str) -> HashMap<&'static str, Option<String>> {
    let text = |s: &Option<crate::model::Spanned<String>>| s.as_ref().map(|s| s.value.clone());
    let points = if points_key == "points" {
        &item.points
    } else {
        &item.estimate
    };
    HashMap::from([
        ("title", text(&item.title)),
        ("type", item.kind().map(|k| k.as_str().to_string())),
        (
            "enabler",
            item.enabler.as_ref().map(|e| e.value.as_str().to_string()),
        ),
        ("status", text(&item.status)),
        ("parent", text(&item.parent)),
        ("points", points.as_ref().map(|p| exact(p.value))),
        ("owner", text(&item.owner)),
        ("body", Some(body_hash(body))),
    ])
}

/// Plans the update of one item from its issue.
fn update(
    f: &Fields,
    item: &Item,
    workspace: &Workspace,
    texts: &Texts,
    theirs: bool,
    plan: &mut Plan,
) -> Result<(), EnvError> {
    let id = item.id().unwrap_or("").to_string();
    let Some(read) = texts.get(&item.path) else {
        return Ok(());
    };
    let (path, bytes, text) = crate::edit::read_item(workspace, item)?;
    if text != read {
        return Err(EnvError::Import(format!(
            "{} changed while popm was reading it; run the import again",
            item.path
        )));
    }
    let split = crate::parse::frontmatter::split(&text)
        .map_err(|_| EnvError::Import(format!("{}: no frontmatter", item.path)))?;
    let frontmatter = frontmatter_json(split.yaml).unwrap_or(Json::Null);
    let extra = frontmatter.get("extra");
    let last = extra
        .and_then(|e| e.get(RECORD_KEY))
        .and_then(Json::as_object);
    let points_key = f.points_key();
    let popm = current(item, split.body, points_key);
    let jira = values(f);
    let mut changes = Vec::new();
    let mut conflicts = Vec::new();
    let mut edits = Vec::new();
    let mut new_body = None;
    for (field, jira_value) in &jira {
        let popm_value = popm.get(field).cloned().flatten();
        // Without a record (a `jira` key written by hand), every difference counts as both
        // sides' change: nothing of popm's is overwritten without a word.
        let last_value = match last {
            Some(record) => record.get(*field).and_then(json_text),
            None => popm_value.clone(),
        };
        let jira_changed = *jira_value != last_value || last.is_none();
        if !jira_changed || popm_value == *jira_value {
            continue;
        }
        let popm_changed = popm_value != last_value || last.is_none();
        if popm_changed {
            conflicts.push(Conflict {
                field,
                popm: shown(field, &popm_value),
                jira: shown(field, jira_value),
                theirs,
            });
            if !theirs {
                continue;
            }
        }
        changes.push(Change {
            field: field.to_string(),
            before: shown(field, &popm_value),
            after: shown(field, jira_value),
        });
        if *field == "body" {
            new_body = Some(f.body.clone());
            continue;
        }
        let key = if *field == "points" {
            points_key
        } else {
            field
        };
        edits.push(match jira_value {
            Some(v) if *field == "points" => Edit::Set {
                path: vec![key.into()],
                yaml: v.clone(),
            },
            Some(v) => Edit::Set {
                path: vec![key.into()],
                yaml: scalar::string(v),
            },
            None => Edit::Remove {
                path: vec![key.into()],
            },
        });
    }
    // Labels: Jira's additions and removals since the last import, popm's own kept.
    let last_labels: Vec<String> = match last.and_then(|r| r.get("labels")) {
        Some(Json::Array(l)) => l.iter().filter_map(json_text).collect(),
        _ => item.labels.iter().map(|l| l.value.clone()).collect(),
    };
    let popm_labels: Vec<String> = item.labels.iter().map(|l| l.value.clone()).collect();
    let mut labels: Vec<String> = popm_labels
        .iter()
        .filter(|l| !last_labels.contains(l) || f.labels.contains(l))
        .cloned()
        .collect();
    for label in &f.labels {
        if !last_labels.contains(label) && !labels.contains(label) {
            labels.push(label.clone());
        }
    }
    if labels != popm_labels {
        changes.push(Change {
            field: "labels".into(),
            before: Some(popm_labels.join(", ")),
            after: Some(labels.join(", ")),
        });
        edits.push(if labels.is_empty() {
            Edit::Remove {
                path: vec!["labels".into()],
            }
        } else {
            Edit::Set {
                path: vec!["labels".into()],
                yaml: format!(
                    "[{}]",
                    labels
                        .iter()
                        .map(|l| scalar::string(l))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        });
    }
    // Jira's own extra fields follow the export.
    for name in JIRA_EXTRA {
        let now = extra.and_then(|e| e.get(*name));
        let wanted = f.extra.iter().find(|(k, _)| k == name).map(|(_, y)| y);
        let wanted_json = wanted
            .and_then(|y| frontmatter_json(&format!("v: {y}\n")).and_then(|j| j.get("v").cloned()));
        if now == wanted_json.as_ref() {
            continue;
        }
        changes.push(Change {
            field: format!("extra.{name}"),
            before: now.and_then(json_text),
            after: wanted_json.as_ref().and_then(json_text),
        });
        edits.push(match wanted {
            Some(y) => Edit::Set {
                path: vec!["extra".into(), name.to_string()],
                yaml: y.clone(),
            },
            None => Edit::Remove {
                path: vec!["extra".into(), name.to_string()],
            },
        });
    }
    if changes.is_empty() && conflicts.is_empty() && last.is_some() {
        plan.unchanged += 1;
        return Ok(());
    }
    edits.push(Edit::Set {
        path: vec!["extra".into(), RECORD_KEY.into()],
        yaml: record(&jira, &f.labels),
    });
    let context = |e: String| EnvError::Import(format!("{}: {e}", item.path));
    let mut edited = crate::edit::frontmatter::apply(&text, &edits).map_err(context)?;
    if let Some(body) = new_body {
        let split = crate::parse::frontmatter::split(&edited)
            .map_err(|_| context("no frontmatter after the edit".into()))?;
        let head = edited.len() - split.body.len();
        edited.truncate(head);
        edited.push_str(&body);
    }
    if edited != text {
        plan.writes.push(Write::replace(path, bytes, edited));
    }
    plan.items.push(Outcome {
        id,
        key: f.key.clone(),
        path: item.path.clone(),
        item_type: item.kind().unwrap_or(ItemType::Story),
        created: false,
        changes,
        conflicts,
    });
    Ok(())
}

/// A value for a message: the body is "edited", not its hash.
fn shown(field: &str, value: &Option<String>) -> Option<String> {
    match (field, value) {
        ("body", Some(_)) => Some("(text)".into()),
        (_, v) => v.clone(),
    }
}

/// A scalar of the record as text (numbers as popm writes them).
fn json_text(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => n.as_f64().map(exact),
        Json::Bool(b) => Some(b.to_string()),
        Json::Null => None,
        other => Some(other.to_string()),
    }
}
