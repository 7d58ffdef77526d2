//! `popm backlog`: the open items of one level, in priority order.

use std::io::IsTerminal;

use serde::Serialize;

use super::filters::Filters;
use super::list::type_label;
use super::{Outcome, warn_if_broken, write_out};
use crate::config::Config;
use crate::model::{Backlog, EnablerKind, Item, ItemType};
use crate::render::{ColorChoice, YELLOW, csv, markdown, paint, table};
use crate::report::board::Level;
use crate::report::ranking::{self, Ranked};
use crate::workspace::{EnvError, Workspace};

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

/// One row of `popm backlog --format json` (documented in docs/json.md).
#[derive(Serialize)]
struct Row<'a> {
    rank: usize,
    id: &'a str,
    title: &'a str,
    #[serde(rename = "type")]
    item_type: Option<ItemType>,
    enabler: Option<EnablerKind>,
    status: &'a str,
    business_value: Option<i64>,
    time_criticality: Option<i64>,
    risk_reduction: Option<i64>,
    cost_of_delay: Option<i64>,
    job_size: Option<i64>,
    wsjf: Option<f64>,
    #[serde(serialize_with = "crate::render::number")]
    points: Option<f64>,
    team: Vec<&'a str>,
    pi: Option<&'a str>,
}

fn row<'a>(r: &Ranked<'a>, backlog: &'a Backlog, config: &'a Config) -> Row<'a> {
    let item = r.item;
    let input = |get: fn(&crate::model::Wsjf) -> &Option<crate::model::Spanned<i64>>| {
        item.wsjf
            .as_ref()
            .and_then(|w| get(w).as_ref())
            .map(|v| v.value)
    };
    Row {
        rank: r.rank,
        id: item.id().unwrap_or(""),
        title: item.title(),
        item_type: item.kind(),
        enabler: item.enabler.as_ref().map(|e| e.value),
        status: backlog.status(item, config),
        business_value: input(|w| &w.business_value),
        time_criticality: input(|w| &w.time_criticality),
        risk_reduction: input(|w| &w.risk_reduction),
        cost_of_delay: r.score.map(|s| s.cost_of_delay()),
        job_size: input(|w| &w.job_size),
        wsjf: r.score.map(|s| s.wsjf()),
        points: item.points.as_ref().map(|p| p.value),
        team: item.teams().collect(),
        pi: item.pi.as_ref().map(|p| p.value.as_str()),
    }
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = workspace.check()?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let config = &workspace.config;
    let open: Vec<&Item> = backlog
        .items
        .iter()
        .filter(|i| i.kind().is_some_and(|k| args.level.types().contains(&k)))
        .filter(|i| !backlog.is_done(i, config))
        .filter(|i| args.filters.matches(i, backlog, config))
        .collect();
    let ranked = match args.level {
        Level::Team => ranking::by_rank(open),
        _ => ranking::by_wsjf(open),
    };
    if args.level != Level::Team {
        for hint in calibration(&ranked, config) {
            eprintln!(
                "{} {}",
                paint("warning:", YELLOW, color.stderr()),
                crate::render::safe(&hint)
            );
        }
    }
    if let Some(id) = &args.explain {
        let text = explain(&ranked, id, args.level)?;
        write_out(&mut std::io::stdout().lock(), &text, false)?;
        return Ok(Outcome::Clean);
    }
    let shown = &ranked[..args.limit.unwrap_or(ranked.len()).min(ranked.len())];
    let rows: Vec<Row> = shown.iter().map(|r| row(r, backlog, config)).collect();
    let text = match args.format {
        Format::Json => crate::render::json(&rows),
        Format::Table | Format::Csv | Format::Markdown => {
            let team_level = args.level == Level::Team;
            let header: &[&str] = if team_level {
                &[
                    "RANK", "ID", "TITLE", "TYPE", "STATUS", "POINTS", "TEAM", "PI",
                ]
            } else {
                &[
                    "RANK", "ID", "TITLE", "TYPE", "STATUS", "BV", "TC", "RR|OE", "COD", "SIZE",
                    "WSJF", "TEAM", "PI",
                ]
            };
            let opt = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
            let cells: Vec<Vec<String>> = shown
                .iter()
                .zip(&rows)
                .map(|(r, row)| {
                    let mut cells = vec![
                        row.rank.to_string(),
                        row.id.to_string(),
                        row.title.to_string(),
                        type_label(r.item),
                        row.status.to_string(),
                    ];
                    if team_level {
                        cells.push(
                            row.points
                                .map_or(String::new(), crate::render::format_number),
                        );
                    } else {
                        cells.extend([
                            opt(row.business_value),
                            opt(row.time_criticality),
                            opt(row.risk_reduction),
                            opt(row.cost_of_delay),
                            opt(row.job_size),
                            r.score
                                .map_or("unscored".into(), |s| crate::render::number::wsjf(&s)),
                        ]);
                    }
                    cells.push(row.team.join(", "));
                    cells.push(row.pi.unwrap_or("").to_string());
                    cells
                })
                .collect();
            match args.format {
                Format::Csv => {
                    let header: Vec<String> = header
                        .iter()
                        .map(|h| h.to_lowercase().replace("rr|oe", "risk_reduction"))
                        .collect();
                    let header: Vec<&str> = header.iter().map(String::as_str).collect();
                    csv::render(&header, &cells)
                }
                Format::Markdown => markdown::table(header, &cells),
                _ => table::render(header, cells, std::io::stdout().is_terminal()),
            }
        }
    };
    // Only a table may carry colour codes; data formats get none at all.
    let color = color.stdout() && matches!(args.format, Format::Table);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(Outcome::Clean)
}

/// WSJF is relative: in each column the smallest item should score 1. A column without a 1 is a
/// calibration smell (never an error); values off the scale are named too.
fn calibration(ranked: &[Ranked], config: &Config) -> Vec<String> {
    let scored: Vec<&Ranked> = ranked.iter().filter(|r| r.score.is_some()).collect();
    let mut hints = Vec::new();
    if scored.len() >= 2 {
        type Input = fn(&ranking::Score) -> i64;
        let columns: [(&str, Input); 4] = [
            ("business value", |s| s.business_value),
            ("time criticality", |s| s.time_criticality),
            ("risk reduction | opportunity enablement", |s| {
                s.risk_reduction
            }),
            ("job size", |s| s.job_size),
        ];
        for (name, get) in columns {
            let min = scored.iter().filter_map(|r| r.score.map(|s| get(&s))).min();
            if let Some(min) = min
                && min != 1
            {
                hints.push(format!(
                    "calibration: no item scores 1 for {name} among the {} scored (lowest: {min}); give the smallest item 1",
                    scored.len()
                ));
            }
        }
    }
    for r in &scored {
        let Some(s) = r.score else { continue };
        let values = [
            ("business_value", s.business_value),
            ("time_criticality", s.time_criticality),
            ("risk_reduction", s.risk_reduction),
            ("job_size", s.job_size),
        ];
        for (key, v) in values {
            if !config.wsjf_scale.contains(&v) {
                hints.push(format!(
                    "{}: wsjf.{key} {v} is off the scale {}",
                    r.item.id().unwrap_or("?"),
                    config
                        .wsjf_scale
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
            }
        }
    }
    hints
}

fn explain(ranked: &[Ranked], id: &str, level: Level) -> Result<String, EnvError> {
    let Some(pos) = ranked.iter().position(|r| r.item.id() == Some(id)) else {
        return Err(EnvError::Other(format!(
            "`{id}` is not among the ranked items (it may be done, filtered out, of another level, or unknown)"
        )));
    };
    let r = &ranked[pos];
    let mut out = format!("{}  {}\n", id, r.item.title());
    let name = |r: &Ranked| {
        let id = r.item.id().unwrap_or("?");
        match r.score {
            Some(s) => format!("{id} ({})", crate::render::number::wsjf(&s)),
            None => format!("{id} (unscored)"),
        }
    };
    match r.score {
        _ if level == Level::Team => out.push_str(&match &r.item.rank {
            Some(rank) => format!(
                "  team backlogs keep the Product Owner's order: `rank: {}`, then id\n",
                rank.value
            ),
            None => "  no `rank`: after every ranked story, by id\n".to_string(),
        }),
        Some(s) => {
            out.push_str(&format!(
                "  cost of delay = business value {} + time criticality {} + risk reduction|opportunity enablement {} = {}\n",
                s.business_value,
                s.time_criticality,
                s.risk_reduction,
                s.cost_of_delay()
            ));
            out.push_str(&format!(
                "  WSJF = cost of delay {} / job size {} = {}\n",
                s.cost_of_delay(),
                s.job_size,
                crate::render::number::wsjf(&s)
            ));
            let ties: Vec<String> = ranked
                .iter()
                .filter(|o| o.rank != r.rank && o.score.is_some_and(|t| t.cmp_wsjf(&s).is_eq()))
                .map(|o| o.item.id().unwrap_or("?").to_string())
                .collect();
            if !ties.is_empty() {
                out.push_str(&format!(
                    "  ties with {}: equal scores are ordered by id\n",
                    ties.join(", ")
                ));
            }
        }
        None => {
            let missing: Vec<&str> = match &r.item.wsjf {
                None => vec!["all four inputs"],
                Some(w) => w
                    .inputs()
                    .iter()
                    .filter(|(_, v)| v.is_none())
                    .map(|(k, _)| *k)
                    .collect(),
            };
            out.push_str(&format!(
                "  unscored: WSJF lacks {}; unscored items rank after every scored one, by id\n",
                missing.join(", ")
            ));
        }
    }
    let mut place = format!("  rank {} of {}", r.rank, ranked.len());
    if pos > 0 {
        place.push_str(&format!(": after {}", name(&ranked[pos - 1])));
    }
    if let Some(next) = ranked.get(pos + 1) {
        place.push_str(if pos > 0 { ", before " } else { ": before " });
        place.push_str(&name(next));
    }
    out.push_str(&place);
    out.push('\n');
    Ok(out)
}
