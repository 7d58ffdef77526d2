//! `popm show ID`: one item in full.

use super::{warn_if_broken, write_out};
use crate::diagnostic::Outcome;
use crate::engine::{self, Request};
use crate::error::EnvError;
use crate::model::{Item, did_you_mean};
use crate::render::schema::{self, DetailRecord};
use crate::render::{ColorChoice, human};
use crate::report::detail;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// The item's id.
    id: String,
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
    let checked = engine::check(workspace, &Request::whole())?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let config = &workspace.config;
    let Some(detail) = detail::detail(backlog, config, &args.id) else {
        let ids: Vec<&str> = backlog.iter().filter_map(Item::id).collect();
        return Err(EnvError::UnknownId {
            id: args.id.clone(),
            suggestion: did_you_mean(&args.id, &ids).map(str::to_string),
        });
    };
    let record = DetailRecord::new(&detail, backlog, config);
    let text = match args.format {
        Format::Json => schema::detail(&record),
        Format::Human => human::detail(&record, detail.item, color.stdout()),
    };
    let color = color.stdout() && matches!(args.format, Format::Human);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(Outcome::Clean)
}
