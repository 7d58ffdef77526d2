//! `popm pi status [PI]`: points planned and done per team and iteration, and the value of the
//! PI's objectives.

use super::write_out;
use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::render::{self, ColorChoice};
use crate::report::pi_status;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The PI's id; default: the PI whose dates contain today, else the next one.
    pi: Option<String>,
    #[command(flatten)]
    pub source: super::SourceArgs,
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
    super::warn_if_broken(&checked, color);
    let pi = crate::report::readiness::select(
        &checked.backlog,
        args.pi.as_deref(),
        crate::report::readiness::Purpose::Status,
    )?;
    let status = pi_status::status(&checked.backlog, &workspace.config, pi);
    let text = match args.format {
        Format::Human => render::pi_status::human(&status, color.stdout()),
        Format::Json => render::pi_status::json(&status),
    };
    let color = color.stdout() && matches!(args.format, Format::Human);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(Outcome::Clean)
}
