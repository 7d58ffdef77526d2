//! `popm tree [ID]`: the hierarchy.

use super::filters::Filters;
use super::{warn_if_broken, write_out};
use crate::diagnostic::Outcome;
use crate::engine::{self, Request};
use crate::error::EnvError;
use crate::render::{ColorChoice, human};
use crate::report::{progress, tree};
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// Show only this item and what lies below it.
    id: Option<String>,
    /// Only items the filters let through, each under its ancestors.
    #[command(flatten)]
    filters: Filters,
    /// Levels shown below each top (0: the tops alone).
    #[arg(long, value_name = "N")]
    depth: Option<usize>,
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = engine::check(workspace, &Request::whole())?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let config = &workspace.config;
    let color = color.stdout();
    let top = match &args.id {
        Some(id) => match backlog.index_of(id) {
            Some(i) => Some(i),
            None => {
                let ids: Vec<&str> = backlog.iter().filter_map(|i| i.id()).collect();
                return Err(EnvError::UnknownId {
                    id: id.clone(),
                    suggestion: crate::model::did_you_mean(id, &ids).map(str::to_string),
                });
            }
        },
        None => None,
    };
    let filter = args.filters.filter();
    // Every type is drawn, so a status is known when any type's workflow has it.
    super::filters::validate(&filter, backlog, config, &[])?;
    let filtered = args.filters.narrows();
    let scope = tree::Scope {
        shown: filtered
            .then(|| tree::with_ancestors(backlog, |i| filter.matches(i, backlog, config))),
        depth: args.depth,
    };
    let nodes = tree::nodes(backlog, top, &scope);
    let progress = progress::every(backlog, config);
    let text = human::tree(&nodes, backlog, config, &progress, color);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(Outcome::Clean)
}
