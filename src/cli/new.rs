//! `popm new`: a new item from a template, with the next free id.

use std::path::Path;

use crate::diagnostic::Outcome;
use crate::edit::create::{self, BodyText, Created, Spec};
use crate::edit::lock::BacklogLock;
use crate::edit::{EditError, Refusal};
use crate::engine::{self, Request};
use crate::error::EnvError;
use crate::model::{EnablerKind, ItemType};
use crate::render::concise::concise;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// epic, capability, feature, story, pi or okr.
    #[arg(value_parser = super::list::parse_type)]
    item_type: ItemType,
    /// The title.
    title: String,
    /// The parent's id.
    #[arg(long, value_name = "ID")]
    parent: Option<String>,
    /// The team (repeat for several, on features and capabilities).
    #[arg(long, value_name = "TEAM")]
    team: Vec<String>,
    /// The PI the item is planned for.
    #[arg(long, value_name = "PI")]
    pi: Option<String>,
    /// Make it an enabler of this kind.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    enabler: Option<EnablerKind>,
    /// The initial status (default: the workflow's first state).
    #[arg(long, value_name = "STATUS")]
    status: Option<String>,
    /// Use this id instead of the next free one (required for PIs).
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// Open the new file in $VISUAL or $EDITOR.
    #[arg(long)]
    edit: bool,
}

fn parse_kind(s: &str) -> Result<EnablerKind, String> {
    EnablerKind::parse(s)
        .ok_or_else(|| "use exploration, architectural, infrastructure or compliance".into())
}

/// `lock` is the backlog lock, held for the id and the write and released before an editor opens.
pub fn run(
    workspace: &Workspace,
    args: &Args,
    lock: Option<BacklogLock>,
) -> Result<Outcome, EnvError> {
    // Before anything is created: an item made and then an error would be made again on a retry.
    let editor = if args.edit { Some(editor()?) } else { None };
    let checked = engine::check(workspace, &Request::whole())?;
    let spec = Spec {
        item_type: args.item_type,
        title: &args.title,
        id: args.id.as_deref(),
        status: args.status.as_deref(),
        parent: args.parent.as_deref(),
        team: &args.team,
        pi: args.pi.as_deref(),
        enabler: args.enabler,
        body: BodyText::default(),
    };
    let today = crate::report::readiness::today()?;
    let (Created { path, shown, .. }, warnings) =
        match create::create(workspace, &checked, &spec, today) {
            Ok(created) => created,
            Err(EditError::Refused(Refusal::Errors(introduced))) => {
                eprint!(
                    "{}",
                    crate::render::safe::output(&concise(&introduced), false)
                );
                eprintln_safe!("popm: nothing created: the new item would add the errors above");
                return Ok(Outcome::Findings);
            }
            Err(EditError::Refused(refusal)) => {
                eprintln_safe!("popm: nothing created: {refusal}");
                return Ok(Outcome::Findings);
            }
            Err(EditError::Env(e)) => return Err(e),
        };
    println_safe!("{shown}");
    let Some(editor) = editor else {
        // Errors were refused above; what is left to say about the new item are its warnings (a
        // team popm.toml does not list, ...), which must not pass unsaid.
        if !warnings.is_empty() {
            eprint!(
                "{}",
                crate::render::safe::output(&concise(&warnings), false)
            );
        }
        return Ok(Outcome::Clean);
    };
    // The id is taken and the file written: other popm commands may run while the editor is open.
    drop(lock);
    open_editor(&editor, &path).map_err(|error| EnvError::EditAfterCreate {
        error: Box::new(error),
        file: shown.clone(),
    })?;
    // What the editor left is checked like any change (read-only, so no lock).
    let after = engine::check(workspace, &Request::whole())?;
    let findings: Vec<_> = after
        .diagnostics
        .into_iter()
        .filter(|d| d.path == shown)
        .collect();
    if findings.is_empty() {
        return Ok(Outcome::Clean);
    }
    eprint!(
        "{}",
        crate::render::safe::output(&concise(&findings), false)
    );
    Ok(Outcome::of(&findings, false))
}

/// The editor command of `$VISUAL`, else `$EDITOR` (one that is blank counts as unset), as words.
fn editor() -> Result<Vec<String>, EnvError> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|value| {
            value
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .find(|words| !words.is_empty())
        .ok_or(EnvError::NoEditor)
}

fn open_editor(editor: &[String], path: &Path) -> Result<(), EnvError> {
    let Some((program, arguments)) = editor.split_first() else {
        return Err(EnvError::NoEditor);
    };
    let status = std::process::Command::new(program)
        .args(arguments)
        .arg(path)
        .status()
        .map_err(|e| EnvError::io(format!("start {program}"), e))?;
    if !status.success() {
        return Err(EnvError::EditorFailed {
            program: program.to_string(),
            status,
        });
    }
    Ok(())
}
