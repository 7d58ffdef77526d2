//! `popm pi ready [PI]`: the CI readiness check.

use super::{Outcome, write_out};
use crate::model::{Item, ItemType};
use crate::render::{self, ColorChoice};
use crate::report::readiness;
use crate::workspace::{Checked, EnvError, Workspace};

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
    pub fn source(&self) -> crate::workspace::Source {
        let PiCommand::Ready(args) = &self.command;
        args.source.source()
    }
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let PiCommand::Ready(args) = &args.command;
    let checked = workspace.check()?;
    let pi = select(&checked, args.pi.as_deref())?;
    let r = readiness::assess(
        &checked.backlog,
        &workspace.config,
        &checked.diagnostics,
        pi,
    );
    let text = match args.format {
        Format::Human => render::readiness::human(&r, &checked.backlog, color.stdout()),
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

/// `POPM_TODAY` (YYYY-MM-DD) pins the date, for reproducible runs and tests.
fn today() -> Result<jiff::civil::Date, EnvError> {
    match std::env::var("POPM_TODAY") {
        Ok(s) => s.parse().map_err(|e| {
            EnvError::Other(format!("POPM_TODAY=`{s}` is not a date (YYYY-MM-DD): {e}"))
        }),
        Err(_) => Ok(jiff::ZonedDateTime::now().date()),
    }
}

fn select<'a>(checked: &'a Checked, id: Option<&str>) -> Result<&'a Item, EnvError> {
    let backlog = &checked.backlog;
    match id {
        Some(id) => match backlog.get(id) {
            Some(item) if item.kind() == Some(ItemType::Pi) => Ok(item),
            Some(item) => Err(EnvError::Other(format!(
                "`{id}` is {}, not a PI",
                item.kind()
                    .map_or("an item of unknown type", ItemType::with_article)
            ))),
            None => {
                let pis: Vec<&str> = backlog.of_type(ItemType::Pi).filter_map(Item::id).collect();
                Err(EnvError::Other(format!(
                    "no PI has the id `{id}` (PIs: {})",
                    if pis.is_empty() {
                        "none".to_string()
                    } else {
                        pis.join(", ")
                    }
                )))
            }
        },
        None => {
            let today = today()?;
            readiness::current_or_next(backlog, today).ok_or_else(|| {
                EnvError::Other(format!(
                    "no PI is under way on {today} or starts later; name one: popm pi ready PI-ID"
                ))
            })
        }
    }
}
