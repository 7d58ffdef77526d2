//! The item filters shared by list, backlog and board, as arguments.

use crate::config::Config;
use crate::error::EnvError;
use crate::model::{Backlog, EnablerKind, ItemType};
use crate::report::listing::{EnablerFilter, ItemFilter};

#[derive(Debug, Clone, clap::Args)]
pub struct Filters {
    /// Only items of this team.
    #[arg(long, value_name = "TEAM")]
    pub team: Option<String>,
    /// Only items of this Agile Release Train (`art:`).
    #[arg(long, value_name = "ART")]
    pub art: Option<String>,
    /// Only items planned for this PI.
    #[arg(long, value_name = "PI")]
    pub pi: Option<String>,
    /// Only items in these states (comma-separated; aliases such as `backlog` work).
    #[arg(long, value_name = "STATUS", value_delimiter = ',')]
    pub status: Vec<String>,
    /// Only enablers; with a kind, only enablers of that kind.
    #[arg(long, value_name = "KIND", num_args = 0..=1, default_missing_value = "any", value_parser = parse_enabler)]
    pub enabler: Option<EnablerFilter>,
}

fn parse_enabler(s: &str) -> Result<EnablerFilter, String> {
    if s == "any" {
        return Ok(EnablerFilter::Any);
    }
    EnablerKind::parse(s).map(EnablerFilter::Kind).ok_or_else(|| {
        format!("`{s}` is not an enabler kind: use exploration, architectural, infrastructure or compliance")
    })
}

impl Filters {
    pub fn filter(&self) -> ItemFilter {
        ItemFilter {
            team: self.team.clone(),
            art: self.art.clone(),
            pi: self.pi.clone(),
            status: self.status.clone(),
            enabler: self.enabler,
            ..ItemFilter::default()
        }
    }

    /// Whether any filter narrows the answer (an empty answer then says less about the backlog).
    pub fn narrows(&self) -> bool {
        self.team.is_some()
            || self.art.is_some()
            || self.pi.is_some()
            || !self.status.is_empty()
            || self.enabler.is_some()
    }
}

/// A filter value that names nothing is a usage error (exit 2, with a suggestion); a valid value
/// that matches nothing is an empty answer.
pub fn validate(
    filter: &ItemFilter,
    backlog: &Backlog,
    config: &Config,
    types: &[ItemType],
) -> Result<(), EnvError> {
    match filter.unknown_value(backlog, config, types) {
        Some(unknown) => Err(EnvError::UnknownFilterValue(unknown)),
        None => Ok(()),
    }
}
