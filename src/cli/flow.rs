//! `popm flow`: SAFe's flow metrics from the first-parent history of HEAD.

use super::write_out;
use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::render::{self, ColorChoice, YELLOW, paint};
use crate::report::board::Level;
use crate::report::flow::{self, WindowRequest};
use crate::report::listing::UnknownFilterValue;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct FlowArgs {
    /// Measure over this PI's dates (and its objectives for predictability).
    #[arg(long, value_name = "PI", conflicts_with_all = ["from", "to"])]
    pi: Option<String>,
    /// First day (YYYY-MM-DD, UTC; default: the day of the first commit).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    from: Option<jiff::civil::Date>,
    /// Last day, included (YYYY-MM-DD, UTC; default: the day of the last commit).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    to: Option<jiff::civil::Date>,
    /// portfolio (epics), art (features) or team (stories).
    #[arg(long, value_enum, default_value_t = Level::Art)]
    level: Level,
    /// Only items of this team (a story without a team counts for its feature's).
    #[arg(long, value_name = "TEAM")]
    team: Option<String>,
    /// Output format; csv prints the daily samples for a cumulative flow diagram.
    #[arg(long, value_enum, default_value_t = FlowFormat::Human)]
    format: FlowFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FlowFormat {
    Human,
    Json,
    Csv,
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a date: use YYYY-MM-DD"))
}

pub fn flow(
    workspace: &Workspace,
    args: &FlowArgs,
    color: ColorChoice,
) -> Result<Outcome, EnvError> {
    let history = super::log::read_history(workspace)?;
    if let Some(team) = &args.team {
        let config = &workspace.config;
        let mut known = config
            .teams
            .iter()
            .map(String::as_str)
            .chain(history.teams());
        if !known.any(|t| t == team) {
            let known = config
                .teams
                .iter()
                .map(String::as_str)
                .chain(history.teams());
            let known = known.map(str::to_string).collect();
            let unknown = UnknownFilterValue::new("team", team, team, known);
            return Err(EnvError::UnknownFilterValue(unknown));
        }
    }
    let asked = match &args.pi {
        Some(pi) => WindowRequest::Pi(pi),
        None => WindowRequest::Dates {
            from: args.from,
            to: args.to,
        },
    };
    let window = flow::window(&history, asked).map_err(EnvError::Window)?;
    let options = flow::Options {
        level: args.level,
        team: args.team.as_deref(),
        window,
        pi: args.pi.as_deref(),
    };
    let f = flow::compute(&history, &workspace.config, &options);
    let mut colored = false;
    let text = match args.format {
        FlowFormat::Json => render::flow::json(&f),
        FlowFormat::Csv => {
            if f.incomplete.any() {
                eprintln!(
                    "{} the history is incomplete (see `popm flow` without --format csv)",
                    paint("warning:", YELLOW, color.stderr())
                );
            }
            render::flow::csv(&f)
        }
        FlowFormat::Human => {
            colored = color.stdout();
            render::flow::human(&f, colored)
        }
    };
    write_out(&mut std::io::stdout().lock(), &text, colored)?;
    Ok(Outcome::Clean)
}
