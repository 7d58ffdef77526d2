//! `popm export`: the whole backlog as CSV or JSON, every standard field in stable columns.

use serde::Serialize;

use super::list::{ItemRecord, listing_order};
use super::{warn_if_broken, write_out};
use crate::diagnostic::Outcome;
use crate::model::Item;
use crate::render::{ColorChoice, csv, format_number};
use crate::workspace::{EnvError, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Csv,
    Json,
}

pub const COLUMNS: &[&str] = &[
    "id",
    "type",
    "title",
    "status",
    "parent",
    "owner",
    "team",
    "art",
    "pi",
    "iteration",
    "points",
    "estimate",
    "rank",
    "enabler",
    "depends_on",
    "labels",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "path",
];

#[derive(Serialize)]
struct Record<'a> {
    #[serde(flatten)]
    item: ItemRecord<'a>,
    rank: Option<i64>,
    wsjf: Option<[Option<i64>; 4]>,
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = crate::engine::check(workspace, &crate::engine::Request::whole())?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let config = &workspace.config;
    let mut items: Vec<&Item> = backlog.items.iter().collect();
    items.sort_by(|a, b| listing_order(a, b));
    let text = match args.format {
        Format::Json => {
            let records: Vec<Record> = items
                .iter()
                .map(|i| Record {
                    item: ItemRecord::new(i, backlog, config),
                    rank: i.rank.as_ref().map(|r| r.value),
                    wsjf: i
                        .wsjf
                        .as_ref()
                        .map(|w| w.inputs().map(|(_, v)| v.map(|v| v.value))),
                })
                .collect();
            crate::render::json(&records)
        }
        Format::Csv => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|i| {
                    let r = ItemRecord::new(i, backlog, config);
                    let opt = |v: Option<&str>| v.unwrap_or("").to_string();
                    let num = |v: Option<f64>| v.map_or(String::new(), format_number);
                    let wsjf = |n: usize| {
                        i.wsjf
                            .as_ref()
                            .and_then(|w| w.inputs()[n].1.map(|v| v.value.to_string()))
                            .unwrap_or_default()
                    };
                    vec![
                        opt(r.id),
                        r.item_type.map_or("", |t| t.as_str()).to_string(),
                        r.title.to_string(),
                        r.status.to_string(),
                        opt(r.parent),
                        opt(r.owner),
                        r.team.join(";"),
                        opt(r.art),
                        opt(r.pi),
                        r.iteration.map_or(String::new(), |v| v.to_string()),
                        num(r.points),
                        num(r.estimate),
                        i.rank
                            .as_ref()
                            .map_or(String::new(), |v| v.value.to_string()),
                        r.enabler.map_or("", |e| e.as_str()).to_string(),
                        r.depends_on.join(";"),
                        r.labels.join(";"),
                        wsjf(0),
                        wsjf(1),
                        wsjf(2),
                        wsjf(3),
                        r.path.to_string(),
                    ]
                })
                .collect();
            csv::render(COLUMNS, &rows)
        }
    };
    write_out(&mut std::io::stdout().lock(), &text, false)?;
    Ok(Outcome::Clean)
}
