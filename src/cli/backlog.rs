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
use crate::report::ranking;
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
    /// Show only the first N.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Explain how this item's score and rank were computed.
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
    let ranked = ranking::open_items(backlog, config, args.level, &filter);
    let team_level = args.level == Level::Team;
    if !team_level {
        for hint in ranking::calibration(&ranked, &config.wsjf_scale) {
            eprintln!(
                "{} {}",
                paint("warning:", YELLOW, color.stderr()),
                crate::render::safe(&human::ranking::calibration(&hint, &config.wsjf_scale))
            );
        }
    }
    if let Some(id) = &args.explain {
        let explanation =
            ranking::explain(&ranked, id).ok_or_else(|| EnvError::NotRanked(id.clone()))?;
        let text = human::ranking::explanation(&explanation, id, team_level);
        write_out(&mut std::io::stdout().lock(), &text, false)?;
        return Ok(Outcome::Clean);
    }
    let shown = &ranked[..args.limit.unwrap_or(ranked.len()).min(ranked.len())];
    let records: Vec<RankedRecord> = shown
        .iter()
        .map(|r| RankedRecord::new(r, backlog, config))
        .collect();
    let text = match args.format {
        Format::Json => schema::ranking(&records),
        Format::Csv => csv::ranking(shown, &records, team_level),
        Format::Markdown => markdown::ranking(shown, &records, team_level),
        Format::Table => {
            let terminal = std::io::stdout().is_terminal();
            table::ranking(shown, &records, team_level, terminal)
        }
    };
    // Only a table may carry colour codes; data formats get none at all.
    let color = color.stdout() && matches!(args.format, Format::Table);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(Outcome::Clean)
}
