//! `popm export`: the whole backlog as CSV or JSON, every standard field in stable columns.

use super::{warn_if_broken, write_out};
use crate::diagnostic::Outcome;
use crate::engine::{self, Request};
use crate::error::EnvError;
use crate::render::{ColorChoice, csv, schema};
use crate::report::listing::{self, ItemFilter};
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Csv,
    Json,
    /// The columns Jira's CSV importer maps (docs/jira.md).
    JiraCsv,
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = engine::check(workspace, &Request::whole())?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let config = &workspace.config;
    let items = listing::list(backlog, config, &ItemFilter::default());
    let text = match args.format {
        Format::Json => schema::export(&items, backlog, config, &checked.texts),
        Format::Csv => csv::export(&items, backlog, config),
        Format::JiraCsv => crate::render::jira::export(&items, backlog, config, &checked.texts),
    };
    write_out(&mut std::io::stdout().lock(), &text, false)?;
    Ok(Outcome::Clean)
}
