//! `popm context [ID]`: a compact brief for a coding agent about an item or the current PI.

use super::write_out;
use crate::diagnostic::Outcome;
use crate::engine::{self, Request};
use crate::error::EnvError;
use crate::report::context::{self, Context};
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// The item's id; without one, the current PI (else the next).
    id: Option<String>,
}

pub fn run(workspace: &Workspace, args: &Args) -> Result<Outcome, EnvError> {
    let checked = engine::check(workspace, &Request::whole())?;
    let config = &workspace.config;
    let brief = context::context(&checked, config, args.id.as_deref())?;
    let body = match &brief {
        Context::Item(c) => checked
            .texts
            .get(&c.item.path)
            .and_then(|t| crate::parse::frontmatter::split(t).ok())
            .map(|s| s.body),
        Context::Pi(_) => None,
    };
    let text = crate::render::context::text(&brief, &checked.backlog, config, body);
    write_out(&mut std::io::stdout().lock(), &text, false)?;
    Ok(Outcome::Clean)
}
