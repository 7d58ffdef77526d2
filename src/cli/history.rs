//! `popm log`, `popm diff` and `popm flow`: the backlog's history as git holds it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;

use serde::Serialize;

use super::{Outcome, write_out};
use crate::history::History;
use crate::model::ItemType;
use crate::render::number::{days, one_decimal, percent};
use crate::render::{self, BOLD, ColorChoice, YELLOW, paint};
use crate::report::board::Level;
use crate::report::flow::{self, Flow, Window, day_of, iso};
use crate::workspace::{EnvError, Workspace};

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

// ---------------------------------------------------------------------------------------------
// popm flow

pub fn flow(
    workspace: &Workspace,
    args: &FlowArgs,
    color: ColorChoice,
) -> Result<Outcome, EnvError> {
    let history = super::log::read_history(workspace)?;
    let window = window(&history, args)?;
    let options = flow::Options {
        level: args.level,
        team: args.team.as_deref(),
        window,
        pi: args.pi.as_deref(),
    };
    let f = flow::compute(&history, &workspace.config, &options);
    let mut colored = false;
    let text = match args.format {
        FlowFormat::Json => flow_json(&f),
        FlowFormat::Csv => {
            if f.incomplete.any() {
                eprintln!(
                    "{} the history is incomplete (see `popm flow` without --format csv)",
                    paint("warning:", YELLOW, color.stderr())
                );
            }
            flow_csv(&f)
        }
        FlowFormat::Human => {
            colored = color.stdout();
            flow_human(&f, &history, colored)
        }
    };
    write_out(&mut std::io::stdout().lock(), &text, colored)?;
    Ok(Outcome::Clean)
}

fn window(history: &History, args: &FlowArgs) -> Result<Window, EnvError> {
    if let Some(pi) = &args.pi {
        let last = history.last(pi).filter(|i| i.kind() == Some(ItemType::Pi));
        let Some(s) = last else {
            return Err(EnvError::Other(format!(
                "no PI `{pi}` in the backlog at HEAD"
            )));
        };
        let Some((from, to)) = s
            .pi_fields
            .as_deref()
            .and_then(crate::model::PiFields::dates)
        else {
            return Err(EnvError::Other(format!(
                "PI `{pi}` has no start date, so its window is unknown"
            )));
        };
        return capped(
            Window { from, to },
            &format!("PI `{}`", render::safe::safe(pi)),
        );
    }
    // The earliest and latest commit, not the first and last: clocks can be skewed.
    let first = history.commits.iter().map(|c| c.time).min().map(day_of);
    let last = history.commits.iter().map(|c| c.time).max().map(day_of);
    let from = args.from.or(first).unwrap_or_default();
    let to = args.to.or(last).unwrap_or_default();
    if from > to {
        let given = |flag: Option<jiff::civil::Date>, name: &str, day: jiff::civil::Date| match flag
        {
            Some(_) => format!("{name} {day}"),
            None => format!(
                "the {} commit ({day})",
                if name == "--from" { "first" } else { "last" }
            ),
        };
        return Err(EnvError::Other(format!(
            "{} is after {}",
            given(args.from, "--from", from),
            given(args.to, "--to", to)
        )));
    }
    let what = match (args.from, args.to) {
        (Some(_), Some(_)) => "--from .. --to".to_string(),
        _ => "the history (its commit dates)".to_string(),
    };
    capped(Window { from, to }, &what)
}

/// A window of at most [`flow::MAX_DAYS`] days, or a usage error that says how to narrow it.
fn capped(window: Window, what: &str) -> Result<Window, EnvError> {
    let days = window.days();
    if days > flow::MAX_DAYS {
        return Err(EnvError::Other(format!(
            "{what} spans {} .. {} ({days} days); popm flow measures at most {} days: pass --from and --to",
            window.from,
            window.to,
            flow::MAX_DAYS
        )));
    }
    Ok(window)
}

fn level_name(f: &Flow) -> String {
    let what = match f.level {
        Level::Portfolio => "portfolio (epics)",
        Level::Art => "ART (features)",
        Level::Team => "team (stories)",
    };
    match &f.team {
        Some(t) => format!("{what}, team {}", render::safe::safe(t)),
        None => what.to_string(),
    }
}

fn flow_human(f: &Flow, history: &History, color: bool) -> String {
    let terminal = std::io::stdout().is_terminal();
    let table = |h: &[&str], rows: Vec<Vec<String>>| render::table::render(h, rows, terminal);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}, {} .. {} (UTC), per {}",
        paint("Flow metrics:", BOLD, color),
        level_name(f),
        f.window.from,
        f.window.to,
        f.period.as_str()
    );
    let _ = writeln!(
        out,
        "start state {}, done from {}, active: {}",
        render::safe::safe(&f.start_state),
        render::safe::safe(&f.done_state),
        render::safe::safe(&f.active_states.join(", "))
    );
    let _ = writeln!(
        out,
        "history: {} commits on the first-parent line of HEAD ({} changed the backlog)\n",
        f.commits,
        history.commits.len() - history.unchanged
    );

    let _ = writeln!(out, "{}", paint("Flow velocity", BOLD, color));
    let mut rows: Vec<Vec<String>> = f
        .periods
        .iter()
        .map(|p| vec![format!("{} .. {}", p.from, p.to), p.done.to_string()])
        .collect();
    rows.push(vec!["total".into(), f.done().to_string()]);
    out.push_str(&table(&["PERIOD", "DONE"], rows));

    let _ = writeln!(out, "\n{}", paint("Flow time (days)", BOLD, color));
    match &f.flow_time {
        Some(d) => out.push_str(&table(
            &["ITEMS", "MIN", "MEDIAN", "85TH", "MAX", "MEAN"],
            vec![vec![
                d.count.to_string(),
                one_decimal(d.min),
                one_decimal(d.median),
                one_decimal(d.p85),
                one_decimal(d.max),
                one_decimal(d.mean),
            ]],
        )),
        None => out.push_str("no item with a known start reached done in the window\n"),
    }

    let _ = writeln!(
        out,
        "\n{}",
        paint("Flow load (end of day, UTC)", BOLD, color)
    );
    let loads: Vec<usize> = f.samples.iter().map(|s| s.load).collect();
    if let (Some(last), Some(max)) = (f.samples.last(), loads.iter().max()) {
        let mean = loads.iter().sum::<usize>() as f64 / loads.len() as f64;
        out.push_str(&table(
            &["ON LAST DAY", "MEAN", "MAX", "DAYS"],
            vec![vec![
                format!("{} ({})", last.load, last.date),
                one_decimal(mean),
                max.to_string(),
                loads.len().to_string(),
            ]],
        ));
    }

    let _ = writeln!(
        out,
        "\n{}",
        paint("Flow distribution (items done)", BOLD, color)
    );
    let total = f.done().max(1) as f64;
    let mut rows: Vec<Vec<String>> = f
        .work_types
        .iter()
        .map(|(k, n)| vec![k.clone(), n.to_string(), percent(*n as f64 / total)])
        .collect();
    rows.extend(f.labels.iter().map(|(k, n)| {
        vec![
            format!("label:{k}"),
            n.to_string(),
            percent(*n as f64 / total),
        ]
    }));
    if rows.is_empty() {
        out.push_str("nothing reached done in the window\n");
    } else {
        out.push_str(&table(&["WORK TYPE", "DONE", "SHARE"], rows));
    }

    let _ = writeln!(out, "\n{}", paint("Flow efficiency", BOLD, color));
    match f.efficiency() {
        Some(e) => {
            let _ = writeln!(
                out,
                "{} ({} active days of {} flow days)",
                percent(e),
                days(f.active_seconds as f64),
                days(f.flow_seconds as f64)
            );
        }
        None => out.push_str("no flow time to measure\n"),
    }

    let _ = writeln!(out, "\n{}", paint("Flow predictability", BOLD, color));
    if f.predictability.is_empty() {
        out.push_str("no PI with dates overlaps the window\n");
    } else {
        let rows = f
            .predictability
            .iter()
            .map(|p| {
                vec![
                    p.pi.clone(),
                    p.planned.to_string(),
                    p.actual.to_string(),
                    p.ratio().map_or("-".into(), percent),
                    p.unscored.to_string(),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "PI",
                "PLANNED BV",
                "ACTUAL BV",
                "PREDICTABILITY",
                "UNSCORED",
            ],
            rows,
        ));
    }
    incomplete_notes(&mut out, f, color);
    out
}

fn names(ids: &[String]) -> String {
    let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
    let more = if ids.len() > 5 {
        format!(", and {} more", ids.len() - 5)
    } else {
        String::new()
    };
    format!("{}{more}", render::safe::safe(&shown.join(", ")))
}

fn incomplete_notes(out: &mut String, f: &Flow, color: bool) {
    let i = &f.incomplete;
    if !i.any() && i.merges == 0 {
        return;
    }
    let note = paint("note:", YELLOW, color);
    out.push('\n');
    if i.shallow {
        let _ = writeln!(
            out,
            "{note} this is a shallow clone: history before its oldest commit is missing (git fetch --unshallow)"
        );
    }
    if !i.appeared_done.is_empty() {
        let _ = writeln!(
            out,
            "{note} {} appeared already done (when it got there is unknown); not counted: {}",
            render::plural(i.appeared_done.len(), "item", "items"),
            names(&i.appeared_done)
        );
    }
    if !i.started_late.is_empty() {
        let _ = writeln!(
            out,
            "{note} {} appeared already past {}; counted as done, left out of flow time: {}",
            render::plural(i.started_late.len(), "item", "items"),
            render::safe::safe(&f.start_state),
            names(&i.started_late)
        );
    }
    if !i.jumped.is_empty() {
        let _ = writeln!(
            out,
            "{note} {} went from before {} to done in one commit (a squash merge or a batch edit); counted as done, left out of flow time: {}",
            render::plural(i.jumped.len(), "item", "items"),
            render::safe::safe(&f.start_state),
            names(&i.jumped)
        );
    }
    if !i.backwards.is_empty() {
        let _ = writeln!(
            out,
            "{note} {} reached done in a commit dated before the one that started it (a clock set backwards); counted as done, left out of flow time: {}",
            render::plural(i.backwards.len(), "item", "items"),
            names(&i.backwards)
        );
    }
    if i.unreadable_times > 0 {
        let _ = writeln!(
            out,
            "{note} {} with a committer date that cannot be read: each counts at the time of the commit before it",
            render::plural(i.unreadable_times, "commit", "commits")
        );
    }
    if i.unsafe_names > 0 {
        let _ = writeln!(
            out,
            "{note} {}",
            render::log::unsafe_names_note(i.unsafe_names)
        );
    }
    if i.merges > 0 {
        let _ = writeln!(
            out,
            "{note} {} on the first-parent line: each counts as one event at its commit time",
            render::plural(i.merges, "merge commit", "merge commits")
        );
    }
}

fn flow_json(f: &Flow) -> String {
    #[derive(Serialize)]
    struct Period {
        from: String,
        to: String,
        done: usize,
    }
    #[derive(Serialize)]
    struct Velocity {
        total: usize,
        periods: Vec<Period>,
    }
    #[derive(Serialize)]
    struct FlowTime {
        count: usize,
        min: f64,
        median: f64,
        p85: f64,
        max: f64,
        mean: f64,
    }
    #[derive(Serialize)]
    struct Day {
        date: String,
        load: usize,
        states: BTreeMap<String, usize>,
    }
    #[derive(Serialize)]
    struct Share {
        name: String,
        count: usize,
        share: f64,
    }
    #[derive(Serialize)]
    struct Distribution {
        work_types: Vec<Share>,
        labels: Vec<Share>,
    }
    #[derive(Serialize)]
    struct Efficiency {
        active_days: f64,
        flow_days: f64,
        ratio: Option<f64>,
    }
    #[derive(Serialize)]
    struct Predictability {
        pi: String,
        planned: i64,
        actual: i64,
        unscored: usize,
        ratio: Option<f64>,
    }
    #[derive(Serialize)]
    struct ItemRecord {
        id: String,
        start: String,
        done: String,
        flow_time_days: f64,
        start_known: bool,
        active_days: f64,
        efficiency: Option<f64>,
    }
    #[derive(Serialize)]
    struct HistoryNotes {
        commits: usize,
        shallow: bool,
        merges: usize,
        appeared_done: Vec<String>,
        started_late: Vec<String>,
        jumped: Vec<String>,
        backwards: Vec<String>,
        unreadable_times: usize,
        unsafe_names: usize,
        complete: bool,
    }
    #[derive(Serialize)]
    struct Out {
        level: Level,
        #[serde(rename = "type")]
        item_type: ItemType,
        team: Option<String>,
        from: String,
        to: String,
        period: crate::config::Period,
        start_state: String,
        done_state: String,
        active_states: Vec<String>,
        velocity: Velocity,
        flow_time: Option<FlowTime>,
        load: Vec<Day>,
        distribution: Distribution,
        efficiency: Efficiency,
        predictability: Vec<Predictability>,
        items: Vec<ItemRecord>,
        history: HistoryNotes,
    }
    let total = f.done().max(1) as f64;
    let share = |(k, n): &(String, usize)| Share {
        name: k.clone(),
        count: *n,
        share: *n as f64 / total,
    };
    let out = Out {
        level: f.level,
        item_type: f.item_type,
        team: f.team.clone(),
        from: f.window.from.to_string(),
        to: f.window.to.to_string(),
        period: f.period,
        start_state: f.start_state.clone(),
        done_state: f.done_state.clone(),
        active_states: f.active_states.clone(),
        velocity: Velocity {
            total: f.done(),
            periods: f
                .periods
                .iter()
                .map(|p| Period {
                    from: p.from.to_string(),
                    to: p.to.to_string(),
                    done: p.done,
                })
                .collect(),
        },
        flow_time: f.flow_time.map(|d| FlowTime {
            count: d.count,
            min: d.min,
            median: d.median,
            p85: d.p85,
            max: d.max,
            mean: d.mean,
        }),
        load: f
            .samples
            .iter()
            .map(|s| Day {
                date: s.date.to_string(),
                load: s.load,
                states: f
                    .states
                    .iter()
                    .cloned()
                    .zip(s.states.iter().copied())
                    .collect(),
            })
            .collect(),
        distribution: Distribution {
            work_types: f.work_types.iter().map(share).collect(),
            labels: f.labels.iter().map(share).collect(),
        },
        efficiency: Efficiency {
            active_days: f.active_seconds as f64 / 86_400.0,
            flow_days: f.flow_seconds as f64 / 86_400.0,
            ratio: f.efficiency(),
        },
        predictability: f
            .predictability
            .iter()
            .map(|p| Predictability {
                pi: p.pi.clone(),
                planned: p.planned,
                actual: p.actual,
                unscored: p.unscored,
                ratio: p.ratio(),
            })
            .collect(),
        items: f
            .items
            .iter()
            .map(|i| ItemRecord {
                id: i.id.clone(),
                start: iso(i.start),
                done: iso(i.done),
                flow_time_days: i.flow_days(),
                start_known: i.start_known,
                active_days: i.active_seconds as f64 / 86_400.0,
                efficiency: i.efficiency(),
            })
            .collect(),
        history: HistoryNotes {
            commits: f.commits,
            shallow: f.incomplete.shallow,
            merges: f.incomplete.merges,
            appeared_done: f.incomplete.appeared_done.clone(),
            started_late: f.incomplete.started_late.clone(),
            jumped: f.incomplete.jumped.clone(),
            backwards: f.incomplete.backwards.clone(),
            unreadable_times: f.incomplete.unreadable_times,
            unsafe_names: f.incomplete.unsafe_names,
            complete: !f.incomplete.any(),
        },
    };
    render::json(&out)
}

/// One row per day: the items in each state at the end of the day, then the load.
fn flow_csv(f: &Flow) -> String {
    // State names come from popm.toml: defused like any cell, control characters shown.
    let mut header: Vec<String> = vec!["date".into()];
    header.extend(
        f.states
            .iter()
            .map(|s| render::csv::defuse(&render::safe::safe(s)).into_owned()),
    );
    header.push("load".into());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = f
        .samples
        .iter()
        .map(|s| {
            let mut row = vec![s.date.to_string()];
            row.extend(s.states.iter().map(|n| n.to_string()));
            row.push(s.load.to_string());
            row
        })
        .collect();
    render::csv::render(&header, &rows)
}
