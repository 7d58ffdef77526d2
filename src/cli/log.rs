//! `popm log ID`: an item's history, one line per commit that changed it.

use std::io::IsTerminal;

use super::write_out;
use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::history::{self, History, git_of, head};
use crate::render::{self, ColorChoice};
use crate::report::log;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// The item's id.
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LogFormat::Human)]
    format: LogFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Human,
    Json,
}

/// The first-parent history of HEAD, saying on a terminal that it is being read (it can take
/// seconds on a long history).
pub(super) fn read_history(workspace: &Workspace) -> Result<History, EnvError> {
    let git = git_of(workspace)?;
    let tip = head(git)?;
    if std::io::stderr().is_terminal() {
        eprintln_safe!("reading the history...");
    }
    history::read(workspace, git, tip)
}

pub fn log(workspace: &Workspace, args: &LogArgs, color: ColorChoice) -> Result<Outcome, EnvError> {
    let history = read_history(workspace)?;
    let log =
        log::of(&history, &args.id, &workspace.config).map_err(|e| EnvError::NotInHistory {
            id: e.id,
            suggestion: e.suggestion,
        })?;
    let mut colored = false;
    let text = match args.format {
        LogFormat::Json => render::log::json(&log),
        LogFormat::Human => {
            colored = color.stdout();
            render::log::human(&log, colored)
        }
    };
    write_out(&mut std::io::stdout().lock(), &text, colored)?;
    Ok(Outcome::Clean)
}
