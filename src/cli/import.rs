//! `popm import backlog-md DIR` and `popm import csv FILE`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::import::{self, NewItem, Report};
use crate::model::{ItemType, natural_cmp};
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    from: From,
}

#[derive(Debug, clap::Subcommand)]
enum From {
    /// A Backlog.md backlog folder (the one holding tasks/, completed/, drafts/, archive/).
    BacklogMd {
        #[arg(value_name = "DIR")]
        folder: PathBuf,
        /// Folder to write the items into (default: the first backlog root).
        #[arg(long, value_name = "FOLDER")]
        into: Option<PathBuf>,
    },
    /// A tracker's CSV export (Issue key, Summary, Issue Type, Status, Parent, Story Points, Labels,
    /// Description, ...).
    Csv {
        file: PathBuf,
        /// Folder to write the items into (default: the first backlog root).
        #[arg(long, value_name = "FOLDER")]
        into: Option<PathBuf>,
        /// Map a column to a key: --map "Sprint=iteration" (repeatable).
        #[arg(long = "map", value_name = "COLUMN=KEY", value_parser = parse_map)]
        map: Vec<(String, String)>,
    },
}

fn parse_map(s: &str) -> Result<(String, String), String> {
    let (c, k) = s.split_once('=').ok_or("use COLUMN=KEY")?;
    Ok((c.trim().to_string(), k.trim().to_string()))
}

pub fn run(workspace: &Workspace, args: &Args) -> Result<Outcome, EnvError> {
    let checked = crate::engine::check(workspace, &crate::engine::Request::whole())?;
    let mut report = Report::default();
    let (mut items, into) = match &args.from {
        From::BacklogMd { folder, into } => (
            import::backlog_md::import(folder, workspace.config.max_file_bytes, &mut report)
                .map_err(EnvError::Import)?,
            into,
        ),
        From::Csv { file, into, map } => (
            import::csv::import(file, map, &mut report).map_err(EnvError::Import)?,
            into,
        ),
    };
    let config = &workspace.config;
    // An id outside the id pattern would be an `id-invalid` item without an id: it gets a fresh
    // one below, and keeps the original under extra.
    let mut invalid: HashMap<String, String> = HashMap::new();
    for item in &mut items {
        if !item.id.is_empty() && !crate::model::is_valid_id(&item.id) {
            let original = std::mem::take(&mut item.id);
            item.extra
                .push(("original_id".into(), crate::edit::scalar::string(&original)));
            invalid.insert(item.source.clone(), original);
        }
    }
    let mut used: HashSet<String> = checked
        .backlog
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
    for item in &mut items {
        let kind = item.item_type.unwrap_or(ItemType::Story);
        if item.id.is_empty() {
            let prefix = config.new.prefix(kind).unwrap_or("S");
            item.id = crate::model::next_id(prefix, all_ids.iter().map(String::as_str));
            all_ids.push(item.id.clone());
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
    for item in &mut items {
        if let Some(new) = item.parent.as_ref().and_then(|p| renamed.get(p)) {
            item.parent = Some(new.clone());
        }
        for dependency in &mut item.depends_on {
            if let Some(new) = renamed.get(dependency.as_str()) {
                *dependency = new.clone();
            }
        }
    }
    let folder = into.clone().unwrap_or_else(|| {
        PathBuf::from(
            config
                .roots
                .first()
                .cloned()
                .unwrap_or_else(|| "backlog".into()),
        )
    });
    let dir = crate::edit::folder::for_writing(workspace, &folder)?;
    let shown = |p: &std::path::Path| workspace.display(p);
    let writes =
        import::plan_writes(&items, &dir, &shown, &mut report).map_err(EnvError::Import)?;
    // Every file or none, even if popm is killed half-way (edit::journal).
    crate::edit::journal::commit(workspace, &writes)?;

    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &items {
        *by_type
            .entry(item.item_type.unwrap_or(ItemType::Story).as_str())
            .or_default() += 1;
    }
    let kinds: Vec<String> = by_type.iter().map(|(k, n)| format!("{n} {k}")).collect();
    say!(
        "imported {} items into {} ({})",
        report.written.len(),
        workspace.display(&dir),
        kinds.join(", ")
    );
    for note in &report.notes {
        tell!("note: {note}");
    }
    for skipped in &report.skipped {
        tell!("skipped: {skipped}");
    }
    say!("next: popm check");
    // Anything not brought over (skipped, or a source file that could not be read) is a finding.
    let lost = report.notes.iter().any(|n| n.contains("not imported"));
    Ok(if report.skipped.is_empty() && !lost {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// A status the type's workflow knows; anything else becomes its first state, and the original is
/// kept under `extra.status`.
fn normalize_status(item: &mut NewItem, config: &crate::config::Config) {
    let kind = item.item_type.unwrap_or(ItemType::Story);
    let Some(workflow) = config.workflow(kind) else {
        return;
    };
    // "to do", "in progress" and "done" mean the first state, the first working state, a done state
    // (a feature's `backlog` would otherwise be SAFe 5's name for ready).
    let generic = crate::import::generic_status(&item.status).map(|g| match g {
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
                    .push(("status".into(), crate::edit::scalar::string(&item.status)));
            }
            // Done in the source stays done.
            let done = item.status.trim().eq_ignore_ascii_case("done");
            let state = if done { workflow.done_from } else { 0 };
            item.status = workflow.states[state].clone();
        }
    }
}
