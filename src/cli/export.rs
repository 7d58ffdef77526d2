//! `popm export`: the whole backlog as CSV or JSON, every standard field in stable columns.

use serde::Serialize;

use super::list::{ItemRecord, listing_order};
use super::{warn_if_broken, write_out};
use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::model::{Item, Key, Wsjf};
use crate::render::{ColorChoice, csv, format_number};
use crate::source::Workspace;

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
            let columns = Key::export_columns();
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|i| {
                    let r = ItemRecord::new(i, backlog, config);
                    columns.iter().map(|c| export_cell(i, &r, c)).collect()
                })
                .collect();
            csv::render(&columns, &rows)
        }
    };
    write_out(&mut std::io::stdout().lock(), &text, false)?;
    Ok(Outcome::Clean)
}

/// One cell of `popm export --format csv`: the item's value under the column's key.
fn export_cell(item: &Item, r: &ItemRecord, column: &str) -> String {
    let text = |v: Option<&str>| v.unwrap_or("").to_string();
    let number = |v: Option<f64>| v.map_or(String::new(), format_number);
    let whole = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
    if let Some(k) = Wsjf::KEYS.iter().position(|k| *k == column) {
        return whole(
            item.wsjf
                .as_ref()
                .and_then(|w| w.inputs()[k].1.map(|v| v.value)),
        );
    }
    match column {
        "id" => text(r.id),
        "type" => text(r.item_type.map(|t| t.as_str())),
        "title" => r.title.to_string(),
        "status" => r.status.to_string(),
        "parent" => text(r.parent),
        "owner" => text(r.owner),
        "team" => r.team.join(";"),
        "art" => text(r.art),
        "pi" => text(r.pi),
        "iteration" => whole(r.iteration),
        "points" => number(r.points),
        "estimate" => number(r.estimate),
        "rank" => whole(item.rank.as_ref().map(|v| v.value)),
        "enabler" => text(r.enabler.map(|e| e.as_str())),
        "depends_on" => r.depends_on.join(";"),
        "labels" => r.labels.join(";"),
        "path" => r.path.to_string(),
        _ => String::new(),
    }
}
