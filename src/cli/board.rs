//! `popm board`: a Kanban board in the terminal.

use std::io::IsTerminal;

use serde::Serialize;

use super::filters::Filters;
use super::{Outcome, warn_if_broken, write_out};
use crate::model::Item;
use crate::render::{ColorChoice, RED, paint};
use crate::report::board::{self, Column, Level};
use crate::workspace::{EnvError, Workspace};

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
    let checked = workspace.check()?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let config = &workspace.config;
    let items: Vec<&Item> = backlog
        .items
        .iter()
        .filter(|i| i.kind() == Some(args.level.board_type()))
        .filter(|i| args.filters.matches(i, backlog, config))
        .collect();
    let columns = board::columns(backlog, config, args.level, items);
    let text = match args.format {
        Format::Json => json(&columns),
        Format::Human => human(&columns, args.level, color.stdout()),
    };
    let color = color.stdout() && matches!(args.format, Format::Human);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(Outcome::Clean)
}

fn card(item: &Item, score: Option<crate::report::ranking::Score>, level: Level) -> String {
    let measure = match level {
        Level::Team => item
            .points
            .as_ref()
            .map(|p| format!("{} pts", crate::render::format_number(p.value))),
        _ => score.map(|s| format!("WSJF {}", crate::render::number::wsjf(&s))),
    };
    let mut text = format!(
        "{} {}",
        crate::render::safe(item.id().unwrap_or("?")),
        crate::render::safe(item.title())
    );
    if let Some(m) = measure {
        text.push_str(&format!(" · {m}"));
    }
    text
}

fn header(c: &Column, color: bool) -> String {
    let shown = c.cards.len();
    let count = match (c.wip, shown == c.total) {
        (Some(w), true) => format!("{shown}/{w}"),
        (Some(w), false) => format!("{shown} shown, {}/{w} in all", c.total),
        (None, _) => shown.to_string(),
    };
    let text = format!("{} ({count})", crate::render::safe(&c.state));
    if c.over_limit() {
        paint(&format!("{text} WIP!"), RED, color)
    } else {
        text
    }
}

/// One table row of column headers and one of cards (blank-line separated), so comfy-table wraps the
/// cards to the terminal's width.
fn human(columns: &[Column], level: Level, color: bool) -> String {
    use comfy_table::{ContentArrangement, Table, presets};
    let mut table = Table::new();
    let terminal = std::io::stdout().is_terminal();
    table.load_style(if terminal {
        presets::UTF8_FULL_CONDENSED
    } else {
        presets::ASCII_FULL_CONDENSED
    });
    table.set_content_arrangement(ContentArrangement::Dynamic);
    if !terminal {
        // Piped: keep a readable width instead of one very long line per card.
        table.set_width(160);
    }
    table.set_header(columns.iter().map(|c| header(c, color)));
    table.add_row(columns.iter().map(|c| {
        c.cards
            .iter()
            .map(|(item, score)| card(item, *score, level))
            .collect::<Vec<_>>()
            .join("\n\n")
    }));
    let mut text = table.to_string();
    text.push('\n');
    text
}

fn json(columns: &[Column]) -> String {
    #[derive(Serialize)]
    struct Card<'a> {
        id: &'a str,
        title: &'a str,
        wsjf: Option<f64>,
        #[serde(serialize_with = "crate::render::number")]
        points: Option<f64>,
    }
    #[derive(Serialize)]
    struct Col<'a> {
        state: &'a str,
        wip_limit: Option<u32>,
        /// Items in this state in the whole backlog (the WIP count), whatever the filters.
        total: usize,
        over_limit: bool,
        cards: Vec<Card<'a>>,
    }
    let cols: Vec<Col> = columns
        .iter()
        .map(|c| Col {
            state: &c.state,
            wip_limit: c.wip,
            total: c.total,
            over_limit: c.over_limit(),
            cards: c
                .cards
                .iter()
                .map(|(item, score)| Card {
                    id: item.id().unwrap_or(""),
                    title: item.title(),
                    wsjf: score.map(|s| s.wsjf()),
                    points: item.points.as_ref().map(|p| p.value),
                })
                .collect(),
        })
        .collect();
    crate::render::json(&cols)
}
