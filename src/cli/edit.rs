//! `popm set`, `popm move` and `popm renumber`: edits of existing items, validated before they are
//! written, written atomically, and only ever changing the text they were asked to change.

use crate::diagnostic::Outcome;
use crate::edit::frontmatter;
use crate::edit::journal::{self, Write};
use crate::edit::renumbering::{self, Renumbering};
use crate::edit::{EditError, Refusal, item};
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
    let edits = match item::parse_changes(&args.changes) {
        Ok(e) => e,
        Err(refusal) => return refuse(&refusal.to_string()),
    };
    let checked = item::read_for_edit(workspace)?;
    let found = item::find(&checked.backlog, &args.id)?;
    written(item::apply(workspace, &checked, found, &edits, false))
}

pub fn move_item(workspace: &Workspace, args: &MoveArgs) -> Result<Outcome, EnvError> {
    let checked = item::read_for_edit(workspace)?;
    let found = item::find(&checked.backlog, &args.id)?;
    let plan = match item::plan_move(&workspace.config, found, &args.status, args.force) {
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
        return refuse(&format!(
            "`{}` is not a valid id: ids are {}",
            args.new,
            crate::model::ID_PATTERN
        ));
    }
    let checked = item::read_for_edit(workspace)?;
    let backlog = &checked.backlog;
    if backlog.get(&args.new).is_some() {
        return refuse(&format!("`{}` is already used", args.new));
    }
    let owners: Vec<&Item> = backlog
        .items
        .iter()
        .filter(|i| i.id() == Some(args.old.as_str()))
        .collect();
    let (target, with_references) = match (&args.path, owners.as_slice()) {
        (_, []) => return Err(item::unknown_id(backlog, &args.old)),
        (None, [one]) => (*one, true),
        (None, _) => {
            let paths: Vec<&str> = owners.iter().map(|i| i.path.as_str()).collect();
            return refuse(&format!(
                "`{}` names {} items ({}); say which with --path",
                args.old,
                owners.len(),
                paths.join(", ")
            ));
        }
        (Some(path), many) => match many.iter().find(|i| same_file(workspace, &i.path, path)) {
            Some(item) => (*item, many.len() == 1),
            None => return refuse(&format!("no item `{}` in {path}", args.old)),
        },
    };
    let Renumbering { plan, review } =
        renumbering::plan(backlog, target, &args.old, &args.new, with_references);
    // Prepare every file first; write only when all of them can be written.
    let mut writes = Vec::new();
    for (item, edits) in &plan {
        let (path, original, text) = crate::edit::read_item(workspace, item)?;
        let new = frontmatter::apply(&text, edits).map_err(|reason| EnvError::Unappliable {
            file: item.path.clone(),
            reason,
        })?;
        writes.push((item.path.clone(), path, original, new));
    }
    // Check the result as a whole before writing anything.
    let replaced: Vec<(&str, &str)> = writes
        .iter()
        .map(|(shown, _, _, new)| (shown.as_str(), new.as_str()))
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
    let files: Vec<Write> = writes
        .iter()
        .map(|(_, path, original, new)| Write::replace(path.clone(), original.clone(), new.clone()))
        .collect();
    journal::commit(workspace, &files)?;
    for (shown, ..) in &writes {
        println_safe!("updated {shown}");
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

/// An edit that cannot be made: nothing changes, exit 1 with the reason.
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
