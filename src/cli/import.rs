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
    let kinds = if kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", kinds.join(", "))
    };
    println_safe!(
        "imported {} items into {}{kinds}",
        report.written.len(),
        workspace.display(&dir),
    );
    for note in &report.notes {
        eprintln_safe!("note: {note}");
    }
    for skipped in &report.skipped {
        eprintln_safe!("skipped: {skipped}");
    }
    println_safe!("next: popm check");
    // Anything not brought over (skipped, or a source file that could not be read) is a finding.
    let lost = report.notes.iter().any(|n| n.contains("not imported"));
    Ok(if report.skipped.is_empty() && !lost {
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
