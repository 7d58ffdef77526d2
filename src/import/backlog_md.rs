//! Backlog.md folders (tasks/, completed/, drafts/, archive/): tasks become stories, or features,
//! capabilities and epics when they hold subtasks; what does not map is kept under `extra`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::{NewItem, Report};
use crate::edit::scalar;
use crate::files;
use crate::model::ItemType;
use crate::parse::frontmatter;
use crate::parse::yaml::{self, Node, Value};

/// The folders of a Backlog.md backlog that hold tasks, and what being there says about a task.
const FOLDERS: &[(&str, Option<&str>)] = &[
    ("tasks", None),
    ("completed", Some("done")),
    ("drafts", Some("draft")),
    ("archive/tasks", Some("archived")),
    ("archive/drafts", Some("archived")),
];

struct Task {
    item: NewItem,
    parent_ref: Option<String>,
    dependency_refs: Vec<String>,
}

/// Text of a YAML value as written, for `extra` (strings quoted as needed, lists flow style).
fn yaml_text(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => scalar::string(s),
        Value::Seq(items) => format!(
            "[{}]",
            items.iter().map(yaml_text).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{}: {}", yaml_text(k), yaml_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn strings(node: &Node) -> Vec<String> {
    match &node.value {
        Value::Seq(items) => items.iter().filter_map(scalar_text).collect(),
        _ => scalar_text(node).into_iter().collect(),
    }
}

fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

/// A Backlog.md status as one of the words every importer hands over ("to do", "in progress",
/// "done"); the type's workflow state is chosen when the type is known. Anything else is kept under
/// `extra.status`.
fn status(raw: &str) -> Option<&'static str> {
    super::generic_status(raw)
}

/// Numbered criteria between the AC markers lose their `#N` (popm numbers nothing); the markers
/// stay, so the section still reads as Backlog.md wrote it.
fn criteria_without_numbers(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut inside = false;
    for line in body.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with("<!-- AC:BEGIN") {
            inside = true;
        } else if t.starts_with("<!-- AC:END") {
            inside = false;
        } else if inside && let Some(stripped) = strip_number(line) {
            out.push_str(&stripped);
            continue;
        }
        out.push_str(line);
    }
    out
}

/// `- [ ] #3 text` -> `- [ ] text`.
fn strip_number(line: &str) -> Option<String> {
    let rest = line.trim_start();
    let indent = &line[..line.len() - rest.len()];
    for mark in ["- [ ] ", "- [x] ", "- [X] "] {
        let Some(after) = rest.strip_prefix(mark) else {
            continue;
        };
        let number = after.strip_prefix('#')?;
        let digits = number.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && number[digits..].starts_with(' ') {
            return Some(format!("{indent}{mark}{}", &number[digits + 1..]));
        }
    }
    None
}

/// Reads a Backlog.md folder. Task files are read like the backlog's own files: regular files only,
/// never through a link (a cloned Backlog.md repository can hold links to anywhere on the machine),
/// never a pipe (opening one would block while the backlog lock is held), at most `limit` bytes.
pub fn import(dir: &Path, limit: u64, report: &mut Report) -> Result<Vec<NewItem>, String> {
    if !dir.is_dir() {
        return Err(format!("{} is not a folder", dir.display()));
    }
    let prefix = match files::read_regular(&dir.join("config.yml"), limit) {
        Ok(Ok(bytes)) => task_prefix(&String::from_utf8_lossy(&bytes)),
        Ok(Err(size)) => {
            report.notes.push(format!(
                "config.yml: not read: {size} bytes, over the limit of {limit}"
            ));
            None
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            report.notes.push(format!("config.yml: not read: {e}"));
            None
        }
    };
    let mut tasks: Vec<Task> = Vec::new();
    let mut found_any = false;
    for (folder, meaning) in FOLDERS {
        let path = dir.join(folder);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                report.notes.push(format!(
                    "{folder}: not read: it is a symbolic link, which popm does not follow"
                ));
                continue;
            }
            Ok(m) if m.is_dir() => {}
            _ => continue,
        }
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        found_any = true;
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !name.ends_with(".md") || name.eq_ignore_ascii_case("readme.md") {
                continue;
            }
            let source = format!("{folder}/{name}");
            match read_task(&file, &source, *meaning, limit) {
                Ok(task) => tasks.push(task),
                Err(reason) => report
                    .notes
                    .push(format!("{source}: not imported: {reason}")),
            }
        }
    }
    if !found_any {
        return Err(format!(
            "{} holds none of tasks/, completed/, drafts/, archive/: is it a Backlog.md backlog folder?",
            dir.display()
        ));
    }
    resolve(&mut tasks, prefix.as_deref(), report);
    Ok(tasks.into_iter().map(|t| t.item).collect())
}

/// `task_prefix` of a Backlog.md config.yml.
fn task_prefix(text: &str) -> Option<String> {
    match yaml::parse(text).ok()?.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some("task_prefix"))
            .and_then(|(_, v)| v.as_str().map(str::to_string)),
        _ => None,
    }
}

fn read_task(file: &Path, source: &str, folder: Option<&str>, limit: u64) -> Result<Task, String> {
    let bytes = match files::read_regular(file, limit) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(size)) => return Err(format!("{size} bytes, over the limit of {limit}")),
        Err(e) => return Err(e.to_string()),
    };
    // Lone CRs end lines, as they do for `popm check`.
    let text =
        crate::parse::lone_cr_to_lf(String::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let split = frontmatter::split(text).map_err(|_| "no frontmatter".to_string())?;
    // Backlog.md writes `assignee: @name` unquoted, which YAML reserves; quote such values and retry.
    let root = match yaml::parse(split.yaml) {
        Ok(root) => root,
        Err(first) => yaml::parse(&quote_reserved(split.yaml))
            .map_err(|_| format!("invalid YAML: {}", first.message))?,
    };
    let Value::Map(entries) = root.value else {
        return Err("the frontmatter is not a mapping".into());
    };
    let mut item = NewItem {
        source: source.to_string(),
        body: criteria_without_numbers(split.body),
        ..NewItem::default()
    };
    let mut parent_ref = None;
    let mut dependency_refs = Vec::new();
    let mut raw_status = None;
    for (k, v) in &entries {
        let Some(key) = k.as_str() else { continue };
        match key {
            "id" => item.id = scalar_text(v).unwrap_or_default(),
            "title" => item.title = scalar_text(v).unwrap_or_default(),
            "status" => raw_status = scalar_text(v),
            "labels" => item.labels = strings(v),
            "dependencies" => dependency_refs = strings(v),
            "parent_task_id" | "parent" => parent_ref = scalar_text(v),
            "assignee" => {
                let people = strings(v);
                item.owner = people.first().cloned();
                if people.len() > 1 {
                    item.extra.push(("assignee".into(), yaml_text(v)));
                }
            }
            _ => item.extra.push((key.to_string(), yaml_text(v))),
        }
    }
    if item.id.is_empty() {
        return Err("no id".into());
    }
    if item.title.is_empty() {
        item.title = item.id.clone();
    }
    let mapped = match folder {
        Some("done") => Some("done"),
        _ => raw_status.as_deref().and_then(status),
    };
    item.status = match (mapped, raw_status.as_deref()) {
        (Some(s), _) => s.to_string(),
        (None, Some(raw)) => {
            item.extra.push(("status".into(), scalar::string(raw)));
            // Closed without being done ("Won't Do") is over; drafts and proposals are not started.
            if raw.to_lowercase().contains("won") {
                "done"
            } else {
                "to do"
            }
            .to_string()
        }
        (None, None) => "to do".to_string(),
    };
    if let Some(label) = folder.filter(|f| *f != "done") {
        item.labels.push(label.to_string());
    }
    Ok(Task {
        item,
        parent_ref,
        dependency_refs,
    })
}

/// Quotes plain values that start with a character YAML reserves (`@`, a backquote).
fn quote_reserved(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 16);
    for line in yaml.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let split_at = body.find(": ").map(|i| i + 2).or_else(|| {
            body.trim_start()
                .starts_with("- ")
                .then(|| body.len() - body.trim_start().len() + 2)
        });
        match split_at {
            Some(i) if body[i..].starts_with(['@', '`']) => {
                out.push_str(&body[..i]);
                out.push_str(&scalar::quoted(&body[i..]));
                out.push_str(ending);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// Finds a referenced task: exactly, ignoring case, or with Backlog.md's old `task-` prefix.
fn lookup(index: &HashMap<String, usize>, reference: &str, prefix: Option<&str>) -> Option<usize> {
    let r = reference.trim().to_lowercase();
    if let Some(i) = index.get(&r) {
        return Some(*i);
    }
    let prefix = prefix.unwrap_or("task").to_lowercase();
    // Older tasks say `task-12`, or just `12`, for what is now `<prefix>-12`.
    let number = r.strip_prefix("task-").unwrap_or(&r);
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    index.get(&format!("{prefix}-{number}")).copied()
}

fn resolve(tasks: &mut [Task], prefix: Option<&str>, report: &mut Report) {
    // Duplicated ids: the first file keeps the id, the others get a suffix.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for t in tasks.iter_mut() {
        let key = t.item.id.to_lowercase();
        let n = seen.entry(key).or_insert(0);
        *n += 1;
        if *n > 1 {
            let new = format!("{}-dup{}", t.item.id, n);
            report.notes.push(format!(
                "{}: id {} is used by another task too; imported as {new}",
                t.item.source, t.item.id
            ));
            t.item
                .extra
                .push(("original_id".into(), scalar::string(&t.item.id)));
            t.item.id = new;
        }
    }
    let index: HashMap<String, usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.item.id.to_lowercase(), i))
        .collect();
    let parents: Vec<Option<usize>> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            t.parent_ref
                .as_deref()
                .and_then(|r| lookup(&index, r, prefix))
                .filter(|p| *p != i)
        })
        .collect();
    // Height in the subtask tree: leaves 0. Bounded walks, so a cycle cannot loop.
    let mut height = vec![0usize; tasks.len()];
    for start in 0..tasks.len() {
        let mut at = start;
        let mut h = 0;
        let mut steps = 0;
        while let Some(p) = parents[at] {
            h += 1;
            steps += 1;
            if steps > tasks.len() {
                break;
            }
            height[p] = height[p].max(h);
            at = p;
        }
    }
    // Levels top-down: story 0, feature 1, capability 2, epic 3; a child sits one level below a
    // feature or capability, one or two below an epic.
    let mut level: Vec<Option<usize>> = vec![None; tasks.len()];
    fn level_of(
        i: usize,
        parents: &[Option<usize>],
        height: &[usize],
        level: &mut Vec<Option<usize>>,
        depth: usize,
    ) -> usize {
        if let Some(l) = level[i] {
            return l;
        }
        let own = height[i].min(3);
        let l = match parents[i] {
            Some(p) if depth < 64 => {
                let pl = level_of(p, parents, height, level, depth + 1);
                match pl {
                    3 => own.clamp(1, 2),
                    0 => own,
                    _ => pl - 1,
                }
            }
            _ => own,
        };
        level[i] = Some(l);
        l
    }
    for i in 0..tasks.len() {
        level_of(i, &parents, &height, &mut level, 0);
    }
    let kinds = [
        ItemType::Story,
        ItemType::Feature,
        ItemType::Capability,
        ItemType::Epic,
    ];
    let ids: Vec<String> = tasks.iter().map(|t| t.item.id.clone()).collect();
    let mut unresolved: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, t) in tasks.iter_mut().enumerate() {
        let l = level[i].unwrap_or(0);
        t.item.item_type = Some(kinds[l]);
        match (parents[i], &t.parent_ref) {
            (Some(p), _) => {
                let allowed = kinds[l]
                    .parent_types()
                    .contains(&kinds[level[p].unwrap_or(0)]);
                if allowed {
                    t.item.parent = Some(ids[p].clone());
                } else {
                    t.item
                        .extra
                        .push(("parent_task_id".into(), scalar::string(&ids[p])));
                    report.notes.push(format!(
                        "{}: parent {} kept under extra (nesting deeper than SAFe's levels)",
                        t.item.source, ids[p]
                    ));
                }
            }
            (None, Some(r)) => {
                t.item
                    .extra
                    .push(("parent_task_id".into(), scalar::string(r)));
                unresolved
                    .entry(t.item.source.clone())
                    .or_default()
                    .push(r.clone());
            }
            (None, None) => {}
        }
        for dep in &t.dependency_refs {
            match lookup(&index, dep, prefix) {
                Some(d) if d != i => t.item.depends_on.push(ids[d].clone()),
                _ => unresolved
                    .entry(t.item.source.clone())
                    .or_default()
                    .push(dep.clone()),
            }
        }
        if let Some(missing) = unresolved.get(&t.item.source) {
            let missing: Vec<String> = missing
                .iter()
                .filter(|m| t.dependency_refs.contains(m))
                .cloned()
                .collect();
            if !missing.is_empty() {
                t.item.extra.push((
                    "unresolved_dependencies".into(),
                    format!(
                        "[{}]",
                        missing
                            .iter()
                            .map(|m| scalar::string(m))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        t.item.depends_on.dedup();
    }
    for (source, refs) in unresolved {
        report.notes.push(format!(
            "{source}: no task {} in this backlog; kept under extra",
            refs.join(", ")
        ));
    }
}
