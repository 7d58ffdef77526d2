//! `popm tree [ID]`: the hierarchy.

use super::{warn_if_broken, write_out};
use crate::diagnostic::Outcome;
use crate::engine::{self, Request};
use crate::error::EnvError;
use crate::render::{ColorChoice, human};
use crate::report::tree;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// Show only this item and what lies below it.
    id: Option<String>,
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = engine::check(workspace, &Request::whole())?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let color = color.stdout();
    let top = match &args.id {
        Some(id) => match backlog.index_of(id) {
            Some(i) => Some(i),
            None => {
                let ids: Vec<&str> = backlog.items.iter().filter_map(|i| i.id()).collect();
                return Err(EnvError::UnknownId {
                    id: id.clone(),
                    suggestion: crate::model::did_you_mean(id, &ids).map(str::to_string),
                });
            }
        },
        None => None,
    };
    let nodes = tree::nodes(backlog, top);
    let text = human::tree(&nodes, backlog, &workspace.config, color);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(Outcome::Clean)
}
