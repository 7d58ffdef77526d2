//! Edits of one existing item (`popm set`, `popm move`, and the `set_fields` and `move_item` tools
//! of `popm mcp`): the backlog read whole, the change made to the frontmatter's text, checked with
//! the rules of `popm check`, and written through the journal, or refused with nothing written.
//! The caller holds the backlog lock.

use super::frontmatter::{self, Edit};
use super::journal::{self, Write};
use super::refusal::{EditError, Refusal};
use super::{change, scalar};
use crate::config::Config;
use crate::engine::{self, Checked, Request};
use crate::error::EnvError;
use crate::model::{Backlog, Item};
use crate::rules::transitions::{self, Move};
use crate::source::{Source, Workspace};

/// The backlog as an edit reads it: the work tree, checked whole (the errors it has already are
/// not the edit's).
pub fn read_for_edit(workspace: &Workspace) -> Result<Checked, EnvError> {
    if workspace.source != Source::WorkTree {
        return Err(EnvError::EditNeedsWorkTree);
    }
    engine::check(workspace, &Request::whole())
}

/// The item with this id, or an error that suggests a close one.
pub fn find<'a>(backlog: &'a Backlog, id: &str) -> Result<&'a Item, EnvError> {
    backlog.get(id).ok_or_else(|| unknown_id(backlog, id))
}

pub fn unknown_id(backlog: &Backlog, id: &str) -> EnvError {
    let ids: Vec<&str> = backlog.iter().filter_map(Item::id).collect();
    EnvError::UnknownId {
        id: id.to_string(),
        suggestion: crate::model::did_you_mean(id, &ids).map(str::to_string),
    }
}

/// `KEY=VALUE`, `KEY=`, `KEY+=VALUE`, `KEY-=VALUE` words as frontmatter edits.
pub fn parse_changes(changes: &[String]) -> Result<Vec<Edit>, Refusal> {
    changes
        .iter()
        .map(|c| change::parse(c).map_err(Refusal::Change))
        .collect()
}

/// A status change, decided before anything is written.
#[derive(Debug)]
pub struct MovePlan {
    /// The target state's name as the workflow spells it.
    pub state: String,
    /// The item's current state, when it is one of the workflow's.
    pub from: Option<String>,
    /// The item is in that state already: nothing to write.
    pub already: bool,
    /// Entry rules the item does not meet (only when the move is forced).
    pub missing: Vec<String>,
    /// A move that is not one step forward.
    pub unusual: Option<Move>,
    /// The items of the item's type in the target state after the move, and its WIP limit, when
    /// the move takes them over it (a warning: the move is still made).
    pub wip: Option<(usize, u32)>,
    pub item_type: crate::model::ItemType,
    pub edit: Edit,
}

/// Plans moving `item` to `status` (aliases resolve). A state the workflow does not have is a usage
/// error; a move into a state whose entry rules the item fails is refused unless `force`.
pub fn plan_move(
    config: &Config,
    backlog: &Backlog,
    item: &Item,
    status: &str,
    force: bool,
) -> Result<MovePlan, EditError> {
    let id = item.id().unwrap_or_default();
    let kind = item
        .kind()
        .ok_or_else(|| EnvError::NoValidType(id.to_string()))?;
    let Some(workflow) = config.workflow(kind) else {
        return Err(Refusal::NoWorkflow(kind).into());
    };
    let Some(target) = workflow.resolve(status) else {
        return Err(EnvError::unknown_state(status, kind, &workflow.states).into());
    };
    let state = workflow.states[target].clone();
    let missing = if item.state == Some(target) {
        Vec::new()
    } else {
        transitions::entry_failures(item, config, workflow, target)
    };
    if !missing.is_empty() && !force {
        return Err(Refusal::EntryRules {
            id: id.to_string(),
            state,
            missing,
        }
        .into());
    }
    Ok(MovePlan {
        from: item.state.map(|s| workflow.states[s].clone()),
        already: item.state == Some(target),
        unusual: item
            .state
            .and_then(|from| transitions::unusual_move(from, target)),
        missing,
        wip: crate::rules::workflow::wip_after_move(backlog, config, item, target),
        item_type: kind,
        edit: Edit::Set {
            path: vec!["status".into()],
            yaml: scalar::string(&state),
        },
        state,
    })
}

/// Applies edits to one item's file and writes it, refusing (nothing written) when they would add
/// an error to the backlog, unless `force`. Returns the file's path as diagnostics show it.
pub fn apply(
    workspace: &Workspace,
    checked: &Checked,
    item: &Item,
    edits: &[Edit],
    force: bool,
) -> Result<String, EditError> {
    // A key popm does not read would be written and then ignored: refused, with the closest name.
    let is_pi = item.kind() == Some(crate::model::ItemType::Pi);
    for edit in edits {
        change::check_key(edit, is_pi).map_err(Refusal::Change)?;
    }
    let (path, original, text) = super::read_item(workspace, item)?;
    let new = frontmatter::apply(&text, edits).map_err(|reason| Refusal::Unappliable {
        file: item.path.clone(),
        reason,
    })?;
    // The errors on the backlog after the edit that it did not have before (status-unknown,
    // wsjf-scale, parent-unknown, ...).
    let introduced = engine::errors_after(
        &workspace.config,
        checked,
        &[(item.path.as_str(), new.as_str())],
    );
    if !introduced.is_empty() && !force {
        return Err(Refusal::Errors(introduced).into());
    }
    journal::commit(workspace, &[Write::replace(path, original, new)])?;
    Ok(item.path.clone())
}
