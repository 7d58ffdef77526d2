//! `popm import backlog-md DIR` and `popm import csv FILE`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::import::{self, Report};
use crate::model::ItemType;
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
    /// A Jira CSV export ("all fields"); an issue whose key an item carries updates that item.
    Jira(super::jira::Args),
    /// The JSON of `popm export --format json`: every item written back, the same data and body.
    Json {
        file: PathBuf,
        /// Folder for items whose exported path lies in no backlog root here (default: the first
        /// backlog root).
        #[arg(long, value_name = "FOLDER")]
        into: Option<PathBuf>,
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
        From::Jira(jira) => return super::jira::run(workspace, &checked, jira),
        From::Json { file, into } => return json(workspace, &checked, file, into.as_deref()),
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
    import::assign_ids(&mut items, &checked.backlog, config, &mut report);
    // --into takes every item; otherwise each goes where `popm new` puts its type.
    let mut folders: BTreeMap<ItemType, PathBuf> = BTreeMap::new();
    for t in items.iter().map(|i| i.item_type.unwrap_or(ItemType::Story)) {
        if let std::collections::btree_map::Entry::Vacant(e) = folders.entry(t) {
            let folder = into
                .clone()
                .unwrap_or_else(|| PathBuf::from(config.new.folder_for(t, &config.roots)));
            e.insert(crate::edit::folder::for_writing(workspace, &folder)?);
        }
    }
    let dir_of = |t: ItemType| folders.get(&t).cloned().unwrap_or_default();
    let shown = |p: &std::path::Path| workspace.display(p);
    let writes =
        import::plan_writes(&items, &dir_of, &shown, &mut report).map_err(EnvError::Import)?;
    // The imported items judged with the backlog, before anything is written.
    let texts: Vec<(String, &str)> = writes
        .iter()
        .map(|w| (shown(&w.path), w.text.as_str()))
        .collect();
    let texts: Vec<(&str, &str)> = texts.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    let errors = crate::engine::errors_after(config, &checked, &texts);
    // Every file or none, even if popm is killed half-way (edit::journal).
    crate::edit::journal::commit(workspace, &writes)?;

    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &items {
        *by_type
            .entry(item.item_type.unwrap_or(ItemType::Story).as_str())
            .or_default() += 1;
    }
    let kinds: Vec<String> = by_type.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let kinds = if kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", kinds.join(", "))
    };
    let mut shown_folders: Vec<String> = folders.values().map(|d| workspace.display(d)).collect();
    shown_folders.dedup();
    if shown_folders.is_empty() {
        // Nothing to import: the folder an item of the default type would have gone to.
        let t = ItemType::Story;
        let folder = into
            .clone()
            .unwrap_or_else(|| PathBuf::from(config.new.folder_for(t, &config.roots)));
        shown_folders.push(workspace.display(&workspace.config.project_root.join(folder)));
    }
    println_safe!(
        "imported {} items into {}{kinds}",
        report.written.len(),
        shown_folders.join(", "),
    );
    for note in &report.notes {
        eprintln_safe!("note: {note}");
    }
    for skipped in &report.skipped {
        eprintln_safe!("skipped: {skipped}");
    }
    if !errors.is_empty() {
        eprint!(
            "{}",
            crate::render::safe::output(&crate::render::concise::concise(&errors), false)
        );
        eprintln_safe!(
            "popm: the imported items have {} (above); fix them, then run popm check",
            crate::render::plural(errors.len(), "error", "errors")
        );
    }
    println_safe!("next: popm check");
    // Anything not brought over (skipped, or a source file that could not be read), and an
    // imported item with an error, is a finding.
    let lost = report.notes.iter().any(|n| n.contains("not imported"));
    Ok(if report.skipped.is_empty() && !lost && errors.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// The folder imports write to without `--into`: the first backlog root.
pub(super) fn first_root(workspace: &Workspace) -> PathBuf {
    PathBuf::from(
        workspace
            .config
            .roots
            .first()
            .cloned()
            .unwrap_or_else(|| "backlog".into()),
    )
}

/// `popm import json FILE`.
fn json(
    workspace: &Workspace,
    checked: &crate::engine::Checked,
    file: &std::path::Path,
    into: Option<&std::path::Path>,
) -> Result<Outcome, EnvError> {
    let mut report = Report::default();
    let records = import::json::read(file).map_err(EnvError::Import)?;
    let into = into.map_or_else(|| first_root(workspace), PathBuf::from);
    let writes = import::json::plan(&records, workspace, &checked.backlog, &into, &mut report)?;
    crate::edit::journal::commit(workspace, &writes)?;
    println_safe!(
        "imported {} items from {}",
        report.written.len(),
        file.display()
    );
    let outcome = finish(&report)?;
    let found = super::jira::check_imported(workspace, checked, &writes);
    Ok(super::jira::worse(outcome, found))
}

/// Prints the notes and skipped items, and the exit status they give: anything not brought over
/// is a finding. (The findings of `popm check` on the items follow.)
fn finish(report: &Report) -> Result<Outcome, EnvError> {
    for note in &report.notes {
        eprintln_safe!("note: {note}");
    }
    for skipped in &report.skipped {
        eprintln_safe!("skipped: {skipped}");
    }
    let lost = report.notes.iter().any(|n| n.contains("not imported"));
    Ok(if report.skipped.is_empty() && !lost {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
