use std::io::IsTerminal;

use serde::Serialize;

use super::filters::Filters;
use super::{warn_if_broken, write_out};
use crate::config::Config;
use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::model::{Backlog, EnablerKind, Item, ItemType, natural_cmp};
use crate::render::{ColorChoice, csv, table};
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// Only items of these types (comma-separated: epic,capability,feature,story,pi).
    #[arg(long = "type", value_name = "TYPE", value_delimiter = ',', value_parser = parse_type)]
    types: Vec<ItemType>,
    #[command(flatten)]
    filters: Filters,
    /// Only direct children of this item.
    #[arg(long, value_name = "ID")]
    parent: Option<String>,
    /// Only items with this label.
    #[arg(long, value_name = "LABEL")]
    label: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

pub fn parse_type(s: &str) -> Result<ItemType, String> {
    ItemType::parse(s)
        .ok_or_else(|| format!("`{s}` is not a type: use epic, capability, feature, story or pi"))
}

/// The order every listing uses: by level (epics first), then by id as people read ids.
pub fn listing_order(a: &Item, b: &Item) -> std::cmp::Ordering {
    a.kind()
        .cmp(&b.kind())
        .then_with(|| natural_cmp(a.id().unwrap_or(""), b.id().unwrap_or("")))
        .then_with(|| a.path.cmp(&b.path))
}

impl Args {
    fn matches(&self, item: &Item, backlog: &Backlog, config: &Config) -> bool {
        if !self.types.is_empty() && !item.kind().is_some_and(|k| self.types.contains(&k)) {
            return false;
        }
        if let Some(parent) = &self.parent
            && item.parent.as_ref().is_none_or(|p| &p.value != parent)
        {
            return false;
        }
        if let Some(label) = &self.label
            && !item.labels.iter().any(|l| &l.value == label)
        {
            return false;
        }
        self.filters.matches(item, backlog, config)
    }
}

/// One item as `popm list --format json` prints it (documented in docs/json.md).
#[derive(Serialize)]
pub struct ItemRecord<'a> {
    pub id: Option<&'a str>,
    #[serde(rename = "type")]
    pub item_type: Option<ItemType>,
    pub title: &'a str,
    pub status: &'a str,
    pub parent: Option<&'a str>,
    pub team: Vec<&'a str>,
    pub pi: Option<&'a str>,
    pub enabler: Option<EnablerKind>,
    pub art: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub iteration: Option<i64>,
    #[serde(serialize_with = "crate::render::number")]
    pub points: Option<f64>,
    #[serde(serialize_with = "crate::render::number")]
    pub estimate: Option<f64>,
    pub labels: Vec<&'a str>,
    pub depends_on: Vec<&'a str>,
    pub path: &'a str,
}

impl<'a> ItemRecord<'a> {
    pub fn new(item: &'a Item, backlog: &'a Backlog, config: &'a Config) -> Self {
        let text =
            |s: &'a Option<crate::model::Spanned<String>>| s.as_ref().map(|s| s.value.as_str());
        ItemRecord {
            id: item.id(),
            item_type: item.kind(),
            title: item.title(),
            status: backlog.status(item, config),
            parent: text(&item.parent),
            team: item.teams().collect(),
            pi: text(&item.pi),
            enabler: item.enabler.as_ref().map(|e| e.value),
            art: text(&item.art),
            owner: text(&item.owner),
            iteration: item.iteration.as_ref().map(|i| i.value),
            points: item.points.as_ref().map(|p| p.value),
            estimate: item.estimate.as_ref().map(|p| p.value),
            labels: item.labels.iter().map(|l| l.value.as_str()).collect(),
            depends_on: item.depends_on.iter().map(|l| l.value.as_str()).collect(),
            path: &item.path,
        }
    }
}

/// "feature" or "feature (enabler: architectural)".
pub fn type_label(item: &Item) -> String {
    let kind = item.kind().map_or("?", ItemType::as_str);
    match &item.enabler {
        Some(e) => format!("{kind} ({})", e.value.as_str()),
        None => kind.to_string(),
    }
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = crate::engine::check(workspace, &crate::engine::Request::whole())?;
    warn_if_broken(&checked, color);
    let config = &workspace.config;
    let backlog = &checked.backlog;
    let mut items: Vec<&Item> = backlog
        .items
        .iter()
        .filter(|i| args.matches(i, backlog, config))
        .collect();
    items.sort_by(|a, b| listing_order(a, b));
    let text = match args.format {
        Format::Json => {
            let records: Vec<ItemRecord> = items
                .iter()
                .map(|i| ItemRecord::new(i, backlog, config))
                .collect();
            crate::render::json(&records)
        }
        Format::Table | Format::Csv => {
            let csv_out = matches!(args.format, Format::Csv);
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|i| {
                    vec![
                        i.id().unwrap_or("").to_string(),
                        if csv_out {
                            i.kind().map_or("", ItemType::as_str).to_string()
                        } else {
                            type_label(i)
                        },
                        backlog.status(i, config).to_string(),
                        i.title().to_string(),
                        i.teams().collect::<Vec<_>>().join(", "),
                        i.pi.as_ref().map_or(String::new(), |p| p.value.clone()),
                        i.parent.as_ref().map_or(String::new(), |p| p.value.clone()),
                        i.enabler
                            .as_ref()
                            .map_or("", |e| e.value.as_str())
                            .to_string(),
                    ]
                })
                .collect();
            if csv_out {
                let header = [
                    "id", "type", "status", "title", "team", "pi", "parent", "enabler",
                ];
                csv::render(&header, &rows)
            } else {
                // The enabler kind is part of the TYPE column in the table.
                let rows = rows
                    .into_iter()
                    .map(|mut r| {
                        r.pop();
                        r
                    })
                    .collect();
                let header = ["ID", "TYPE", "STATUS", "TITLE", "TEAM", "PI", "PARENT"];
                table::render(&header, rows, std::io::stdout().is_terminal())
            }
        }
    };
    // Only a table may carry colour codes; data formats get none at all.
    let color = color.stdout() && matches!(args.format, Format::Table);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(Outcome::Clean)
}
