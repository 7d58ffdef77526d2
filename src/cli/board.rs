//! `popm board`: a Kanban board in the terminal.

use super::filters::Filters;
use super::{warn_if_broken, write_out};
use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::render::{ColorChoice, human, schema};
use crate::report::board::{self, Level};
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// portfolio (epics), art (features) or team (stories).
    #[arg(long, value_enum, default_value_t = Level::Art)]
    level: Level,
    #[command(flatten)]
    filters: Filters,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = crate::engine::check(workspace, &crate::engine::Request::whole())?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let config = &workspace.config;
    let filter = args.filters.filter();
    super::filters::validate(&filter, backlog, config, &[args.level.board_type()])?;
    let columns = board::board(backlog, config, args.level, &filter);
    let text = match args.format {
        Format::Json => schema::board(&columns),
        Format::Human => human::board(&columns, args.level, color.stdout()),
    };
    let color = color.stdout() && matches!(args.format, Format::Human);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(Outcome::Clean)
}
