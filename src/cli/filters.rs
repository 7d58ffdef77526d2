//! The item filters shared by list, backlog and board.

use crate::config::{Config, normalize_status};
use crate::model::{Backlog, EnablerKind, Item};

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

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EnablerFilter {
    Any,
    Kind(EnablerKind),
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
    pub fn matches(&self, item: &Item, backlog: &Backlog, config: &Config) -> bool {
        if !self.status.is_empty() {
            let own = backlog.status(item, config);
            let workflow = item.kind().and_then(|k| config.workflow(k));
            let wanted = self
                .status
                .iter()
                .any(|s| match workflow.and_then(|w| w.resolve(s)) {
                    Some(i) => item.state == Some(i),
                    None => normalize_status(s) == normalize_status(own),
                });
            if !wanted {
                return false;
            }
        }
        // A story without a team or PI counts for its feature's (as in `popm pi ready`).
        if let Some(team) = &self.team {
            let inherited = item.team.is_empty() && backlog.team_of_story(item) == Some(team);
            if !item.teams().any(|t| t == team) && !inherited {
                return false;
            }
        }
        if let Some(pi) = &self.pi
            && backlog.planned_pi(item) != Some(pi.as_str())
        {
            return false;
        }
        let same = |field: &Option<crate::model::Spanned<String>>, want: &Option<String>| match want
        {
            Some(w) => field.as_ref().is_some_and(|f| &f.value == w),
            None => true,
        };
        if !same(&item.art, &self.art) {
            return false;
        }
        match self.enabler {
            None => true,
            Some(EnablerFilter::Any) => item.is_enabler(),
            Some(EnablerFilter::Kind(k)) => item.enabler.as_ref().is_some_and(|e| e.value == k),
        }
    }
}
