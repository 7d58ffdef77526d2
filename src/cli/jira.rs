//! `popm import jira FILE.csv` and the check of imported items that follows every import.

use std::path::PathBuf;

use crate::diagnostic::Outcome;
use crate::edit::journal::Write;
use crate::engine::Checked;
use crate::error::EnvError;
use crate::import::{self, Report};
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    file: PathBuf,
    /// Folder to write new items into (default: the first backlog root).
    #[arg(long, value_name = "FOLDER")]
    into: Option<PathBuf>,
    /// Map a Jira issue type: --type "Epic=feature", --type "Sub-task=story" (repeatable). The
    /// popm side is epic, capability, feature, story, or criteria (a criterion of the parent).
    #[arg(long = "type", value_name = "JIRA=POPM", value_parser = parse_type)]
    types: Vec<(String, String)>,
    /// Map a Jira status to a status of the type's workflow: --status "QA=review" (repeatable).
    #[arg(long = "status", value_name = "JIRA=POPM", value_parser = parse_pair)]
    statuses: Vec<(String, String)>,
    /// When a field was changed both in popm and in Jira since the last import, take Jira's.
    #[arg(long)]
    theirs: bool,
    /// Print what would be created and changed; write nothing.
    #[arg(long)]
    dry_run: bool,
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    let (a, b) = s.split_once('=').ok_or("use JIRA=POPM")?;
    if a.trim().is_empty() || b.trim().is_empty() {
        return Err("use JIRA=POPM, both sides named".into());
    }
    Ok((a.trim().to_string(), b.trim().to_string()))
}

fn parse_type(s: &str) -> Result<(String, String), String> {
    let (jira, popm) = parse_pair(s)?;
    let targets = import::jira::TYPE_TARGETS;
    if !targets.iter().any(|t| t.eq_ignore_ascii_case(&popm)) {
        return Err(format!("`{popm}` is not one of {}", targets.join(", ")));
    }
    Ok((jira, popm.to_lowercase()))
}

pub fn run(workspace: &Workspace, checked: &Checked, args: &Args) -> Result<Outcome, EnvError> {
    let config = &workspace.config;
    let mut report = Report::default();
    let issues = import::jira::read(&args.file, &mut report).map_err(EnvError::Import)?;
    let options = import::jira::Options {
        types: args.types.clone(),
        statuses: args.statuses.clone(),
    };
    let fields = import::jira::map(&issues, &options, config, &mut report);
    let folder = args
        .into
        .clone()
        .unwrap_or_else(|| super::import::first_root(workspace));
    let dir = if args.dry_run {
        config.project_root.join(&folder)
    } else {
        crate::edit::folder::for_writing(workspace, &folder)?
    };
    let plan = import::jira::sync::plan(
        fields,
        workspace,
        &checked.backlog,
        &checked.texts,
        config,
        &dir,
        args.theirs,
        &mut report,
    )?;
    if !args.dry_run {
        // Every file or none, even if popm is killed half-way (edit::journal).
        crate::edit::journal::commit(workspace, &plan.writes)?;
    }
    let text = crate::render::jira::import_report(&plan, &workspace.display(&dir), args.dry_run);
    print!("{}", crate::render::safe::output(&text, false));
    for note in &report.notes {
        eprintln_safe!("note: {note}");
    }
    for skipped in &report.skipped {
        eprintln_safe!("skipped: {skipped}");
    }
    let lost = report.notes.iter().any(|n| n.contains("not imported"));
    // With --theirs a conflict is settled (Jira's value taken): reported, not a finding.
    let conflicts = !args.theirs && plan.items.iter().any(|o| !o.conflicts.is_empty());
    let mut outcome = if report.skipped.is_empty() && !lost && !conflicts {
        Outcome::Clean
    } else {
        Outcome::Findings
    };
    // A dry run shows the findings the import would bring, and judges by them the same way.
    outcome = worse(outcome, check_imported(workspace, checked, &plan.writes));
    Ok(outcome)
}

/// Prints what `popm check` says about the files an import writes, judged over the backlog as
/// it will be (`path:line:col: severity[rule]: message`), from the items already read and the new
/// texts; errors among them are findings (exit status 1).
pub fn check_imported(workspace: &Workspace, checked: &Checked, writes: &[Write]) -> Outcome {
    if writes.is_empty() {
        return Outcome::Clean;
    }
    let shown: Vec<(String, &str)> = writes
        .iter()
        .map(|w| (workspace.display(&w.path), w.text.as_str()))
        .collect();
    let files: Vec<(&str, &str)> = shown.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    let found = crate::engine::findings_after(&workspace.config, checked, &files);
    if found.is_empty() {
        println_safe!("popm check: no findings on the imported items");
    } else {
        print!("{}", crate::render::concise::concise(&found));
    }
    Outcome::of(&found, false)
}

/// The outcome that says more: an error over findings over clean.
pub fn worse(a: Outcome, b: Outcome) -> Outcome {
    match (a, b) {
        (Outcome::Error, _) | (_, Outcome::Error) => Outcome::Error,
        (Outcome::Findings, _) | (_, Outcome::Findings) => Outcome::Findings,
        _ => Outcome::Clean,
    }
}
