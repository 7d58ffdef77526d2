//! Why an edit was not made. A refusal is a finding about the edit (nothing written, exit status
//! 1 on the command line, a tool error in `popm mcp`); anything else that stops it is an
//! [`EnvError`] (exit status 2).

use crate::diagnostic::Diagnostic;
use crate::error::EnvError;
use crate::model::ItemType;

/// An edit popm will not make; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// A `KEY=VALUE` change that is not one; the text says why.
    #[error("{0}")]
    Change(String),
    #[error("{} has no workflow", .0.with_article())]
    NoWorkflow(ItemType),
    /// A move into a state whose entry rules the item does not meet.
    #[error("{id} cannot enter {state} without {}", .missing.join(", "))]
    EntryRules {
        id: String,
        state: String,
        missing: Vec<String>,
    },
    /// The change cannot be made to this file's frontmatter.
    #[error("{file}: {reason}")]
    Unappliable { file: String, reason: String },
    /// Text given for a new item's body that cannot be written as asked.
    #[error("{0}")]
    Body(String),
    /// The change would bring these errors into the backlog (the same rules `popm check` runs).
    #[error("the change would add {}", crate::render::plural(.0.len(), "error", "errors"))]
    Errors(Vec<Diagnostic>),
}

/// Why an edit did not happen: refused, or stopped by the environment.
#[derive(Debug)]
pub enum EditError {
    Refused(Refusal),
    Env(EnvError),
}

impl From<Refusal> for EditError {
    fn from(r: Refusal) -> Self {
        EditError::Refused(r)
    }
}

impl From<EnvError> for EditError {
    fn from(e: EnvError) -> Self {
        EditError::Env(e)
    }
}

impl From<super::write::WriteError> for EditError {
    fn from(e: super::write::WriteError) -> Self {
        EditError::Env(EnvError::Write(e))
    }
}
