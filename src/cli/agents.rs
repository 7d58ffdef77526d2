//! `popm agents`: popm's brief for coding agents, written into AGENTS.md between markers.

use crate::diagnostic::Outcome;
use crate::edit::agents::{self, Change};
use crate::error::EnvError;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(workspace: &Workspace, _args: &Args) -> Result<Outcome, EnvError> {
    write(workspace)?;
    Ok(Outcome::Clean)
}

/// Writes AGENTS.md at the top of the repository (the project's folder outside one), says what it did.
pub fn write(workspace: &Workspace) -> Result<(), EnvError> {
    let brief = crate::render::agents::brief(&workspace.config);
    let dir = &workspace.display_root;
    match agents::write(dir, &brief)? {
        Change::Created => println_safe!("created AGENTS.md"),
        Change::Updated => println_safe!("updated AGENTS.md (popm's section only)"),
        Change::Unchanged => println_safe!("AGENTS.md is up to date"),
    }
    Ok(())
}
