//! `popm pi ready [PI]`: the CI readiness check.

use super::write_out;
use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::render::{self, ColorChoice};
use crate::report::readiness;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: PiCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PiCommand {
    /// Is the PI ready for planning? Exit 0 if ready, 1 if not.
    Ready(ReadyArgs),
    /// How is the PI going? Points planned and done per team and iteration, objectives' value.
    Status(super::pi_status::Args),
}

#[derive(Debug, clap::Args)]
struct ReadyArgs {
    /// The PI's id; default: the PI whose dates contain today, else the next one.
    pi: Option<String>,
    #[command(flatten)]
    source: super::SourceArgs,
    /// Output format; markdown suits a CI job summary or a pull request comment.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Markdown,
}

impl Args {
    pub fn source(&self) -> crate::source::Source {
        match &self.command {
            PiCommand::Ready(args) => args.source.source(),
            PiCommand::Status(args) => args.source.source(),
        }
    }
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let args = match &args.command {
        PiCommand::Ready(args) => args,
        PiCommand::Status(args) => return super::pi_status::run(workspace, args, color),
    };
    let checked = crate::engine::check(workspace, &crate::engine::Request::whole())?;
    let r = readiness::assess_selected(
        &checked.backlog,
        &workspace.config,
        &checked.diagnostics,
        args.pi.as_deref(),
        readiness::Purpose::Planning,
    )?;
    let text = match args.format {
        Format::Human => render::readiness::human(&r, &checked.texts, color.stdout()),
        Format::Json => render::readiness::json(&r),
        Format::Markdown => render::readiness::markdown(&r),
    };
    let color = color.stdout() && matches!(args.format, Format::Human);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(if r.ready() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
