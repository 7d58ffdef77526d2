//! `popm set`, `popm move` and `popm renumber`: edits of existing items, validated before they are
//! written, written atomically, and only ever changing the text they were asked to change.

use crate::diagnostic::Outcome;
use crate::edit::journal;
use crate::edit::renumbering::{self, Rename, Renumbering};
use crate::edit::{EditError, Refusal, change, item};
use crate::engine;
use crate::error::EnvError;
use crate::model::Item;
use crate::render::concise::concise;
use crate::rules::transitions::Move;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The item's id.
    id: String,
    /// KEY=VALUE (set), KEY= (remove), KEY+=VALUE / KEY-=VALUE (add to / remove from a list).
    /// Nested WSJF inputs: wsjf.job_size=8.
    #[arg(required = true, value_name = "KEY=VALUE")]
    changes: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct MoveArgs {
    /// The item's id.
    id: String,
    /// The state to move to (aliases such as `backlog` work).
    status: String,
    /// Move even when the item does not meet the state's entry rules (with a warning).
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Args)]
pub struct RenumberArgs {
    /// The id to replace.
    old: String,
    /// The new id.
    new: String,
    /// When OLD names two items (a collision after a merge), the file of the one to renumber; the
    /// references are then left alone, since they cannot be told apart.
    #[arg(long, value_name = "FILE")]
    path: Option<String>,
}

pub fn set(workspace: &Workspace, args: &SetArgs) -> Result<Outcome, EnvError> {
    // A malformed change is a usage error (exit 2), as clap's own are; a well-formed one the
    // backlog refuses (an unknown key, or it would add an error) is a finding (exit 1).
    let checked = item::read_for_edit(workspace)?;
    let found = item::find(&checked.backlog, &args.id)?;
    let edits = args
        .changes
        .iter()
        .map(|c| change::parse(c).map_err(|reason| bad_change(&checked.backlog, c, reason)))
        .collect::<Result<Vec<_>, EnvError>>()?;
    written(item::apply(workspace, &checked, found, &edits, false))
}

pub fn move_item(workspace: &Workspace, args: &MoveArgs) -> Result<Outcome, EnvError> {
    let checked = item::read_for_edit(workspace)?;
    let found = item::find(&checked.backlog, &args.id)?;
    let plan = match item::plan_move(
        &workspace.config,
        &checked.backlog,
        found,
        &args.status,
        args.force,
    ) {
        Ok(plan) => plan,
        Err(EditError::Refused(refusal @ Refusal::EntryRules { .. })) => {
            return refuse(&format!("{refusal} (--force moves it anyway)"));
        }
        Err(e) => return written(Err(e)),
    };
    let name = &plan.state;
    if plan.already {
        println_safe!("{} is already {name}", args.id);
        return Ok(Outcome::Clean);
    }
    if !plan.missing.is_empty() {
        eprintln_safe!(
            "warning: {} cannot enter {name} without {}; moved anyway (--force)",
            args.id,
            plan.missing.join(", ")
        );
    }
    if let (Some(from), Some(unusual)) = (&plan.from, &plan.unusual) {
        let how = match unusual {
            Move::Backwards => "backwards",
            Move::OverStates(_) => "over states",
        };
        eprintln_safe!("warning: {} moves {how}: from {from} to {name}", args.id);
    }
    if let Some((count, limit)) = plan.wip {
        eprintln_safe!(
            "warning: {} makes {count} {}s {name}, over its WIP limit of {limit}",
            args.id,
            plan.item_type.as_str()
        );
    }
    written(item::apply(
        workspace,
        &checked,
        found,
        std::slice::from_ref(&plan.edit),
        args.force,
    ))
}

pub fn renumber(workspace: &Workspace, args: &RenumberArgs) -> Result<Outcome, EnvError> {
    if !crate::model::is_valid_id(&args.new) {
        return Err(EnvError::InvalidId(args.new.clone()));
    }
    let checked = item::read_for_edit(workspace)?;
    let backlog = &checked.backlog;
    if backlog.get(&args.new).is_some() {
        return refuse(&format!("`{}` is already used", args.new));
    }
    let owners: Vec<&Item> = backlog
        .iter()
        .filter(|i| i.id() == Some(args.old.as_str()))
        .collect();
    let (target, with_references) = match (&args.path, owners.as_slice()) {
        (_, []) => return Err(item::unknown_id(backlog, &args.old)),
        (None, [one]) => (*one, true),
        (None, _) => {
            return Err(EnvError::AmbiguousId {
                id: args.old.clone(),
                paths: owners.iter().map(|i| i.path.clone()).collect(),
            });
        }
        (Some(path), many) => match many.iter().find(|i| same_file(workspace, &i.path, path)) {
            Some(item) => (*item, many.len() == 1),
            None => {
                return Err(EnvError::NotInFile {
                    id: args.old.clone(),
                    path: path.clone(),
                });
            }
        },
    };
    let Renumbering { plan, review } =
        renumbering::plan(backlog, target, &args.old, &args.new, with_references);
    // Prepare every file first; write only when all of them can be written.
    let files = renumbering::prepare(workspace, &plan, &args.old, &args.new)?;
    // Check the result as a whole before writing anything.
    let replaced: Vec<(&str, &str)> = files
        .iter()
        .map(|f| (f.shown.as_str(), f.text.as_str()))
        .collect();
    let introduced = engine::errors_after(&workspace.config, &checked, &replaced);
    if !introduced.is_empty() {
        eprint!(
            "{}",
            crate::render::safe::output(&concise(&introduced), false)
        );
        return refuse("renumbering would add the errors above");
    }
    // Every file or none, even if popm is killed half-way (edit::journal).
    journal::commit(workspace, &renumbering::writes(&files))?;
    for f in &files {
        match &f.rename {
            Rename::To { shown, .. } => println_safe!("renamed {} -> {shown}", f.shown),
            Rename::Kept => println_safe!("updated {}", f.shown),
            Rename::Taken { shown } => {
                println_safe!("updated {}", f.shown);
                eprintln_safe!("note: kept the file name: {shown} exists already");
            }
        }
    }
    for path in review {
        eprintln_safe!(
            "note: {path} refers to `{}`; check which item it means",
            args.old
        );
    }
    Ok(Outcome::Clean)
}

/// Whether `given` (relative to the project root or the current folder, with `./` or not) names
/// the item file shown as `shown`.
fn same_file(workspace: &Workspace, shown: &str, given: &str) -> bool {
    if shown == given.trim_start_matches("./") {
        return true;
    }
    let Ok(target) = workspace.display_root.join(shown).canonicalize() else {
        return false;
    };
    [
        std::path::PathBuf::from(given),
        workspace.config.project_root.join(given),
        workspace.display_root.join(given),
    ]
    .iter()
    .any(|c| c.canonicalize().ok().as_ref() == Some(&target))
}

/// A `popm set` argument that is not a change. An id where a change belongs (`popm set S-14 S-15
/// k=v`) is someone naming several items: say that `set` edits one.
fn bad_change(backlog: &crate::model::Backlog, change: &str, reason: String) -> EnvError {
    let reason = if backlog.get(change).is_some() {
        format!("{reason}; `popm set` edits one item: run it once per item")
    } else {
        reason
    };
    EnvError::BadChange { reason }
}

/// An edit the backlog refuses: nothing changes, exit 1 with the reason.
fn refuse(reason: &str) -> Result<Outcome, EnvError> {
    eprintln_safe!("popm: nothing changed: {reason}");
    Ok(Outcome::Findings)
}

/// What an edit of one item ends with, printed: the file written, or why nothing was.
fn written(result: Result<String, EditError>) -> Result<Outcome, EnvError> {
    match result {
        Ok(path) => {
            println_safe!("updated {path}");
            Ok(Outcome::Clean)
        }
        Err(EditError::Refused(Refusal::Errors(introduced))) => {
            eprint!(
                "{}",
                crate::render::safe::output(&concise(&introduced), false)
            );
            refuse("the edit would add the errors above")
        }
        Err(EditError::Refused(refusal)) => refuse(&refusal.to_string()),
        Err(EditError::Env(e)) => Err(e),
    }
}
