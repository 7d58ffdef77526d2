//! Bringing backlogs in from elsewhere: a Backlog.md folder, a tracker's CSV export. Each importer
//! builds [`NewItem`]s; this module writes them as popm items.

pub mod backlog_md;
pub mod csv;
pub mod jira;
pub mod json;

use std::path::Path;

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::edit::journal::Write;
use crate::edit::scalar;
use crate::model::{Backlog, ItemType, natural_cmp};

/// A tracker's status as "to do", "in progress" or "done" (`None`: no such meaning).
pub fn generic_status(raw: &str) -> Option<&'static str> {
    let s = raw
        .trim()
        .trim_matches('"')
        .to_lowercase()
        .replace(['_', '-'], " ");
    Some(match s.as_str() {
        "to do" | "todo" | "backlog" | "open" | "new" | "proposed" | "draft" => "to do",
        "in progress" | "doing" | "in review" | "review" => "in progress",
        "done" | "completed" | "closed" | "resolved" => "done",
        _ => return None,
    })
}

/// An item to write. `extra` holds the source's other fields as YAML text, under the `extra` key.
#[derive(Debug, Clone, Default)]
pub struct NewItem {
    pub id: String,
    pub item_type: Option<ItemType>,
    pub title: String,
    pub status: String,
    pub parent: Option<String>,
    pub owner: Option<String>,
    pub team: Option<String>,
    pub points: Option<f64>,
    pub pi: Option<String>,
    pub art: Option<String>,
    /// Other number keys (iteration, estimate, rank).
    pub numbers: Vec<(String, f64)>,
    pub labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub extra: Vec<(String, String)>,
    pub body: String,
    /// Where it came from, for the report.
    pub source: String,
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|i| scalar::string(i))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl NewItem {
    pub fn render(&self) -> String {
        let mut t = String::from("---\n");
        t.push_str(&format!("id: {}\n", scalar::string(&self.id)));
        let kind = self.item_type.unwrap_or(ItemType::Story);
        t.push_str(&format!("type: {}\n", kind.as_str()));
        t.push_str(&format!("title: {}\n", scalar::string(&self.title)));
        t.push_str(&format!("status: {}\n", scalar::string(&self.status)));
        if let Some(p) = &self.parent {
            t.push_str(&format!("parent: {}\n", scalar::string(p)));
        }
        if let Some(o) = &self.owner {
            t.push_str(&format!("owner: {}\n", scalar::string(o)));
        }
        if let Some(team) = &self.team {
            t.push_str(&format!("team: {}\n", scalar::string(team)));
        }
        if let Some(art) = &self.art {
            t.push_str(&format!("art: {}\n", scalar::string(art)));
        }
        if let Some(pi) = &self.pi {
            t.push_str(&format!("pi: {}\n", scalar::string(pi)));
        }
        for key in ["iteration", "estimate", "rank"] {
            if let Some((_, n)) = self.numbers.iter().find(|(k, _)| k == key) {
                t.push_str(&format!("{key}: {}\n", crate::render::number::exact(*n)));
            }
        }
        if let Some(p) = self.points {
            t.push_str(&format!("points: {}\n", crate::render::number::exact(p)));
        }
        if !self.depends_on.is_empty() {
            t.push_str(&format!("depends_on: {}\n", list(&self.depends_on)));
        }
        if !self.labels.is_empty() {
            t.push_str(&format!("labels: {}\n", list(&self.labels)));
        }
        if !self.extra.is_empty() {
            t.push_str("extra:\n");
            for (k, v) in &self.extra {
                t.push_str(&format!("  {}: {v}\n", scalar::string(k)));
            }
        }
        t.push_str("---\n");
        let body = self.body.trim_start_matches(['\n', '\r']);
        t.push_str(body);
        if !t.ends_with('\n') {
            t.push('\n');
        }
        t
    }
}

/// What an import did, for its report.
#[derive(Debug, Default)]
pub struct Report {
    pub written: Vec<String>,
    pub skipped: Vec<String>,
    pub notes: Vec<String>,
}

/// Plans the files of items in `dir` as `<id>-<slug>.md` (`<id>.md` when the title gives no slug),
/// never over an existing file (one that exists, or that an earlier item takes, is skipped). The
/// caller writes them all at once (`edit::journal`), so an import killed half-way leaves nothing to
/// import twice.
pub fn plan_writes(
    items: &[NewItem],
    dir: &Path,
    shown: &dyn Fn(&Path) -> String,
    report: &mut Report,
) -> Result<Vec<Write>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut writes: Vec<Write> = Vec::with_capacity(items.len());
    let mut planned = std::collections::HashSet::new();
    for item in items {
        let slug = crate::model::slug(&item.title);
        let id_part = crate::model::slug(&item.id);
        // Ids match the id pattern, so `id_part` has a letter or digit; without one the name would
        // be `.md`, a hidden file no command reads.
        if id_part.is_empty() {
            report.skipped.push(format!(
                "{}: id `{}` gives no file name",
                item.source, item.id
            ));
            continue;
        }
        let stem = if slug.is_empty() {
            id_part
        } else {
            format!("{id_part}-{slug}")
        };
        let path = dir.join(format!("{stem}.md"));
        if std::fs::symlink_metadata(&path).is_ok() || !planned.insert(path.clone()) {
            report
                .skipped
                .push(format!("{}: {} already exists", item.source, shown(&path)));
            continue;
        }
        report.written.push(shown(&path));
        writes.push(Write::create(path, item.render()));
    }
    Ok(writes)
}

/// Gives every imported item an id: the source's where it is valid and free, the next free one of
/// its type's prefix where it has none or an invalid one (the original kept under `extra`, and
/// references to it following). Items whose id the backlog or an earlier row already has are
/// skipped (`report.skipped`). Statuses become states of the type's workflow.
pub fn assign_ids(
    items: &mut Vec<NewItem>,
    backlog: &Backlog,
    config: &Config,
    report: &mut Report,
) {
    // An id outside the id pattern would be an `id-invalid` item without an id: it gets a fresh
    // one below, and keeps the original under extra.
    let mut invalid: HashMap<String, String> = HashMap::new();
    for item in items.iter_mut() {
        if !item.id.is_empty() && !crate::model::is_valid_id(&item.id) {
            let original = std::mem::take(&mut item.id);
            item.extra
                .push(("original_id".into(), scalar::string(&original)));
            invalid.insert(item.source.clone(), original);
        }
    }
    let mut used: HashSet<String> = backlog
        .items
        .iter()
        .filter_map(|i| i.id().map(str::to_string))
        .collect();
    // Ids: keep the source's, allocate the missing, skip the ones the backlog already has.
    let mut all_ids: Vec<String> = used.iter().cloned().collect();
    all_ids.extend(items.iter().map(|i| i.id.clone()));
    all_ids.sort_by(|a, b| natural_cmp(a, b));
    let mut taken = used.clone();
    items.retain(|item| {
        if item.id.is_empty() {
            return true;
        }
        if !taken.insert(item.id.clone()) {
            let why = if used.contains(&item.id) {
                "already in the backlog"
            } else {
                "used by an earlier row"
            };
            report
                .skipped
                .push(format!("{}: id {} is {why}", item.source, item.id));
            return false;
        }
        true
    });
    let mut renamed: HashMap<String, String> = HashMap::new();
    // The id given last for each prefix: the next is one more, without looking at every id again
    // (which made importing n rows without ids take n² steps).
    let mut last_given: HashMap<&str, String> = HashMap::new();
    for item in items.iter_mut() {
        let kind = item.item_type.unwrap_or(ItemType::Story);
        if item.id.is_empty() {
            let prefix = config.new.prefix(kind).unwrap_or("S");
            item.id = match last_given.get(prefix) {
                Some(last) => crate::model::next_id(prefix, std::iter::once(last.as_str())),
                None => crate::model::next_id(prefix, all_ids.iter().map(String::as_str)),
            };
            last_given.insert(prefix, item.id.clone());
            if let Some(original) = invalid.remove(&item.source) {
                report.notes.push(format!(
                    "{}: id `{original}` is not a valid id; imported as {} (the original is kept as extra.original_id)",
                    item.source, item.id
                ));
                renamed.insert(original, item.id.clone());
            }
        }
        used.insert(item.id.clone());
        normalize_status(item, config);
    }
    // References to a replaced id follow it.
    for item in items.iter_mut() {
        if let Some(new) = item.parent.as_ref().and_then(|p| renamed.get(p)) {
            item.parent = Some(new.clone());
        }
        for dependency in &mut item.depends_on {
            if let Some(new) = renamed.get(dependency.as_str()) {
                *dependency = new.clone();
            }
        }
    }
}

/// A status the type's workflow knows; anything else becomes its first state, and the original is
/// kept under `extra.status`.
pub(crate) fn normalize_status(item: &mut NewItem, config: &Config) {
    let kind = item.item_type.unwrap_or(ItemType::Story);
    let Some(workflow) = config.workflow(kind) else {
        return;
    };
    // "to do", "in progress" and "done" mean the first state, the first working state, a done state
    // (a feature's `backlog` would otherwise be SAFe 5's name for ready).
    let generic = generic_status(&item.status).map(|g| match g {
        "to do" => 0,
        "in progress" => ["in-progress", "implementing"]
            .iter()
            .find_map(|s| workflow.resolve(s))
            .unwrap_or(0),
        _ => workflow.done_from,
    });
    match generic.or_else(|| workflow.resolve(&item.status)) {
        Some(i) => item.status = workflow.states[i].clone(),
        None => {
            if !item.status.is_empty() && !item.extra.iter().any(|(k, _)| k == "status") {
                item.extra
                    .push(("status".into(), scalar::string(&item.status)));
            }
            // Done in the source stays done.
            let done = item.status.trim().eq_ignore_ascii_case("done");
            let state = if done { workflow.done_from } else { 0 };
            item.status = workflow.states[state].clone();
        }
    }
}
