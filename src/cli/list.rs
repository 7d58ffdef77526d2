//! `popm list`: the items a filter lets through, as a table, JSON or CSV.

use std::io::IsTerminal;

use super::filters::Filters;
use super::{warn_if_broken, write_out};
use crate::diagnostic::Outcome;
use crate::engine::{self, Request};
use crate::error::EnvError;
use crate::model::ItemType;
use crate::render::{ColorChoice, csv, schema, table};
use crate::report::listing::{self, ItemFilter};
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
    ItemType::parse(s).ok_or_else(|| {
        format!("`{s}` is not a type: use epic, capability, feature, story, pi or okr")
    })
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = engine::check(workspace, &Request::whole())?;
    warn_if_broken(&checked, color);
    let config = &workspace.config;
    let backlog = &checked.backlog;
    let filter = ItemFilter {
        types: args.types.clone(),
        parent: args.parent.clone(),
        label: args.label.clone(),
        ..args.filters.filter()
    };
    super::filters::validate(&filter, backlog, config, &args.types)?;
    let items = listing::list(backlog, config, &filter);
    let text = match args.format {
        Format::Json => {
            let progress = crate::report::progress::every(backlog, config);
            schema::list(&items, backlog, config, &progress)
        }
        Format::Csv => csv::list(&items, backlog, config),
        Format::Table => table::list(&items, backlog, config, std::io::stdout().is_terminal()),
    };
    // Only a table may carry colour codes; data formats get none at all.
    let color = color.stdout() && matches!(args.format, Format::Table);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    // The process ends next and the operating system takes the memory back at once, as after
    // `check`: freeing the backlog item by item only delays the exit.
    std::mem::forget(checked);
    Ok(Outcome::Clean)
}
