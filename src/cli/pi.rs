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
        let PiCommand::Ready(args) = &self.command;
        args.source.source()
    }
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let PiCommand::Ready(args) = &args.command;
    let checked = crate::engine::check(workspace, &crate::engine::Request::whole())?;
    let pi = readiness::select(&checked.backlog, args.pi.as_deref())?;
    let r = readiness::assess(
        &checked.backlog,
        &workspace.config,
        &checked.diagnostics,
        pi,
    );
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
