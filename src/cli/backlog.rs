//! `popm backlog`: the open items of one level, in priority order.

use std::io::IsTerminal;

use super::filters::Filters;
use super::{warn_if_broken, write_out};
use crate::diagnostic::Outcome;
use crate::engine::{self, Request};
use crate::error::EnvError;
use crate::render::schema::{self, RankedRecord};
use crate::render::{ColorChoice, YELLOW, csv, human, markdown, paint, table};
use crate::report::board::Level;
use crate::report::ranking::{self, Ranked};
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// portfolio (epics), art (features and capabilities) or team (stories).
    #[arg(long, value_enum, default_value_t = Level::Art)]
    level: Level,
    #[command(flatten)]
    filters: Filters,
    /// Also the items under way (implementing or later, not done), ranked apart.
    #[arg(long)]
    all: bool,
    /// Show only the first N (of each part).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Explain how this item's score and rank were computed, with the calibration hints.
    #[arg(long, value_name = "ID")]
    explain: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
    Markdown,
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = engine::check(workspace, &Request::whole())?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let config = &workspace.config;
    let filter = args.filters.filter();
    super::filters::validate(&filter, backlog, config, args.level.types())?;
    let ranking = ranking::open_items(backlog, config, args.level, &filter);
    let team_level = args.level == Level::Team;
    if let Some(id) = &args.explain {
        // The part the item is ranked in is the set scored together.
        let part = [&ranking.waiting, &ranking.started]
            .into_iter()
            .find(|part| part.iter().any(|r| r.item.id() == Some(id.as_str())));
        let explanation = part
            .and_then(|part| ranking::explain(part, id))
            .ok_or_else(|| EnvError::NotRanked(id.clone()))?;
        if !team_level && let Some(part) = part {
            for hint in ranking::calibration(part, &config.wsjf_scale) {
                eprintln!(
                    "{} {}",
                    paint("note:", YELLOW, color.stderr()),
                    crate::render::safe(&human::ranking::calibration(&hint, &config.wsjf_scale))
                );
            }
        }
        let text = human::ranking::explanation(&explanation, id, team_level);
        write_out(&mut std::io::stdout().lock(), &text, false)?;
        return Ok(Outcome::Clean);
    }
    let first = |part: &'_ [Ranked<'_>]| args.limit.unwrap_or(part.len()).min(part.len());
    let waiting = &ranking.waiting[..first(&ranking.waiting)];
    let started: &[Ranked] = if args.all {
        &ranking.started[..first(&ranking.started)]
    } else {
        &[]
    };
    let (waiting_records, started_records) = (
        records(waiting, backlog, config, "waiting"),
        records(started, backlog, config, "started"),
    );
    let terminal = std::io::stdout().is_terminal();
    let nothing = if args.filters.narrows() {
        NOTHING_MATCHES
    } else {
        NOTHING_WAITS
    };
    let text = match args.format {
        Format::Json => {
            let all: Vec<RankedRecord> =
                waiting_records.into_iter().chain(started_records).collect();
            schema::ranking(&all)
        }
        Format::Csv => {
            let ranked: Vec<Ranked> = waiting.iter().chain(started).cloned().collect();
            let all: Vec<RankedRecord> =
                waiting_records.into_iter().chain(started_records).collect();
            csv::ranking(&ranked, &all, team_level, args.all)
        }
        Format::Markdown => {
            let mut text = if waiting.is_empty() {
                format!("{nothing}\n")
            } else {
                markdown::ranking(waiting, &waiting_records, team_level)
            };
            if args.all {
                text.push_str(&format!("\n### {STARTED}\n\n"));
                text.push_str(&markdown::ranking(started, &started_records, team_level));
            }
            text
        }
        Format::Table => {
            let mut text = if waiting.is_empty() {
                format!("{nothing}\n")
            } else {
                table::ranking(waiting, &waiting_records, team_level, terminal)
            };
            if args.all {
                text.push_str(&format!("\n{STARTED}\n"));
                text.push_str(&table::ranking(
                    started,
                    &started_records,
                    team_level,
                    terminal,
                ));
            }
            text
        }
    };
    // Only a table may carry colour codes; data formats get none at all.
    let color = color.stdout() && matches!(args.format, Format::Table);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(Outcome::Clean)
}

/// In place of an empty first part.
const NOTHING_WAITS: &str = "Nothing waits: every open item has started.";
/// In place of an empty first part when a filter narrowed it.
const NOTHING_MATCHES: &str = "No waiting item matches these filters.";

/// The title of the second part of `--all`.
const STARTED: &str = "Under way (started, not done), ranked apart";

fn records<'a>(
    part: &[Ranked<'a>],
    backlog: &'a crate::model::Backlog,
    config: &'a crate::config::Config,
    section: &'static str,
) -> Vec<RankedRecord<'a>> {
    part.iter()
        .map(|r| RankedRecord::new(r, backlog, config, section))
        .collect()
}
