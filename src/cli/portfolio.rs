//! `popm portfolio fetch` and `popm portfolio check`: glue over `engine::portfolio`.

use std::io::IsTerminal;
use std::time::Duration;

use crate::diagnostic::{Outcome, Summary};
use crate::engine::portfolio;
use crate::error::EnvError;
use crate::render::{ColorChoice, concise, human, schema};
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Fetch every ART of [portfolio] arts into the cache in the repository's git directory;
    /// every other portfolio command reads that cache, offline.
    Fetch(FetchArgs),
    /// Check every backlog of the portfolio (the portfolio's own and each ART's, as last fetched)
    /// and the rules across them: qualified references, dependencies on later PIs, guardrails.
    Check(CheckArgs),
    /// The portfolio's epics by WSJF, each with its features and capabilities across the ARTs
    /// (as last fetched) and how many are done.
    Backlog(BacklogArgs),
    /// The portfolio Kanban: the portfolio repository's epics in their workflow states, with WIP
    /// limits (what `popm board --level portfolio` shows there).
    Board,
    /// Each epic's features and capabilities across the ARTs, PI by PI (PIs by start date).
    Roadmap(BacklogArgs),
}

#[derive(Debug, clap::Args)]
struct BacklogArgs {
    /// Fetch every ART first.
    #[arg(long)]
    fetch: bool,
    /// An ART that cannot be fetched or read is reported in one line, and does not make the exit
    /// status 2.
    #[arg(long)]
    keep_going: bool,
}

#[derive(Debug, clap::Args)]
struct FetchArgs {
    /// An ART that cannot be fetched is reported and the exit status stays 0.
    #[arg(long)]
    keep_going: bool,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings as errors (exit status 1 when there are any).
    #[arg(long)]
    deny_warnings: bool,
    /// Fetch every ART first.
    #[arg(long)]
    fetch: bool,
    /// An ART that cannot be fetched or read is reported in one line, and does not make the exit
    /// status 2.
    #[arg(long)]
    keep_going: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Each finding with its source line, and a summary.
    Human,
    /// One line per finding: art:path:line:col: severity[rule]: message.
    Concise,
    /// One JSON object (the schema of `popm check`, docs/json.md).
    Json,
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    match &args.command {
        Sub::Fetch(a) => {
            let failed = fetch(workspace, true)?;
            Ok(if !failed.is_empty() && !a.keep_going {
                Outcome::Error
            } else {
                Outcome::Clean
            })
        }
        Sub::Check(a) => check(workspace, a, color),
        Sub::Backlog(a) => backlog(workspace, a, false),
        Sub::Roadmap(a) => backlog(workspace, a, true),
        Sub::Board => {
            let checked = crate::engine::check(workspace, &crate::engine::Request::whole())?;
            let level = crate::report::board::Level::Portfolio;
            let filter = crate::report::listing::ItemFilter::default();
            let columns =
                crate::report::board::board(&checked.backlog, &workspace.config, level, &filter);
            let text = human::board(&columns, level, color.stdout());
            super::write_out(&mut std::io::stdout().lock(), &text, color.stdout())?;
            Ok(Outcome::Clean)
        }
    }
}

/// Fetches every ART, saying what changed (on stdout when `report`, else nothing but failures);
/// each failure is one line on stderr. The names of those that failed.
fn fetch(workspace: &Workspace, report: bool) -> Result<Vec<String>, EnvError> {
    let arts = workspace.config.portfolio.arts.len();
    let (done, waiting) = std::sync::mpsc::channel::<()>();
    // Progress only when it takes more than a moment: a line on stderr after one second.
    let results = std::thread::scope(|scope| {
        scope.spawn(move || {
            if waiting.recv_timeout(Duration::from_secs(1)).is_err() {
                eprintln_safe!("popm: fetching {arts} ARTs...");
            }
        });
        let results = portfolio::fetch_all(workspace);
        let _ = done.send(());
        results
    })?;
    let mut failed = Vec::new();
    for (art, result) in results {
        match result {
            Ok(f) => {
                if !report {
                    continue;
                }
                let after = f.after.to_hex_with_len(7);
                match f.before {
                    None => println_safe!("{}: {after} (new)", art.name),
                    Some(b) if b == f.after => println_safe!("{}: {after} (unchanged)", art.name),
                    Some(b) => println_safe!("{}: {} -> {after}", art.name, b.to_hex_with_len(7)),
                }
            }
            Err(e) => {
                failed.push(art.name.clone());
                eprintln_safe!("popm: error: ART {}: {e}", art.name);
            }
        }
    }
    Ok(failed)
}

fn check(workspace: &Workspace, args: &CheckArgs, color: ColorChoice) -> Result<Outcome, EnvError> {
    let fetch_failed = if args.fetch {
        fetch(workspace, false)?
    } else {
        Vec::new()
    };
    let checked = portfolio::check(workspace)?;
    let summary = Summary::of(checked.files, &checked.diagnostics);
    let text = match args.format {
        Format::Human => {
            let color = color.enabled(std::io::stdout().is_terminal());
            let mut text = human::diagnostics(&checked.diagnostics, &checked.texts, color);
            text.push_str(&human::summary_line(&summary, color));
            text.push('\n');
            text
        }
        Format::Concise => concise::concise(&checked.diagnostics),
        Format::Json => schema::check(&checked.diagnostics, &summary),
    };
    let color = color.stdout() && matches!(args.format, Format::Human);
    super::write_out(&mut std::io::stdout().lock(), &text, color)?;
    // An ART whose fetch failed was said already: one line each.
    for u in checked
        .unavailable
        .iter()
        .filter(|u| !fetch_failed.contains(&u.name))
    {
        eprintln_safe!("popm: error: ART {}: {}", u.name, u.reason);
    }
    let unavailable = !fetch_failed.is_empty() || !checked.unavailable.is_empty();
    if unavailable && !args.keep_going {
        return Ok(Outcome::Error);
    }
    Ok(Outcome::of(&checked.diagnostics, args.deny_warnings))
}

/// The portfolio backlog, or with `roadmap` the same epics PI by PI.
fn backlog(workspace: &Workspace, args: &BacklogArgs, roadmap: bool) -> Result<Outcome, EnvError> {
    let fetch_failed = if args.fetch {
        fetch(workspace, false)?
    } else {
        Vec::new()
    };
    let checked = portfolio::check(workspace)?;
    let epics = crate::report::portfolio::backlog(&checked.backlogs);
    let text = if roadmap {
        let rows = crate::report::portfolio::roadmap(&checked.backlogs, &epics);
        crate::render::portfolio::roadmap(&rows)
    } else {
        crate::render::portfolio::backlog(&epics)
    };
    super::write_out(&mut std::io::stdout().lock(), &text, false)?;
    Ok(unavailable(&checked, &fetch_failed, args.keep_going).unwrap_or(Outcome::Clean))
}

/// Says each ART that could not be read in one line (those whose fetch failed were said already);
/// `Some(Outcome::Error)` when any could not be fetched or read and `keep_going` is off.
fn unavailable(
    checked: &portfolio::PortfolioChecked,
    fetch_failed: &[String],
    keep_going: bool,
) -> Option<Outcome> {
    for u in checked
        .unavailable
        .iter()
        .filter(|u| !fetch_failed.contains(&u.name))
    {
        eprintln_safe!("popm: error: ART {}: {}", u.name, u.reason);
    }
    let any = !fetch_failed.is_empty() || !checked.unavailable.is_empty();
    (any && !keep_going).then_some(Outcome::Error)
}
