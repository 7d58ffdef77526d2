//! `popm log`, `popm diff` and `popm flow`: the backlog's history as git holds it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;

use serde::Serialize;

use super::{Outcome, write_out};
use crate::config::Config;
use crate::history::{self, History, git_of, head, short};
use crate::model::{Item, ItemType};
use crate::render::number::{self, days, one_decimal, percent};
use crate::render::{self, BOLD, ColorChoice, DIM, YELLOW, paint};
use crate::report::board::Level;
use crate::report::flow::{self, Flow, Window, day_of, iso};
use crate::workspace::{EnvError, Workspace};

#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// The item's id.
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LogFormat::Human)]
    format: LogFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Human,
    Json,
}

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

fn progress(message: &str) {
    if std::io::stderr().is_terminal() {
        tell!("{message}");
    }
}

// ---------------------------------------------------------------------------------------------
// popm log

#[derive(Serialize)]
struct LogEntry {
    commit: String,
    /// Committer time, ISO 8601 UTC.
    date: String,
    author: String,
    path: Option<String>,
    status: Option<String>,
    changes: Vec<String>,
}

pub fn log(workspace: &Workspace, args: &LogArgs, color: ColorChoice) -> Result<Outcome, EnvError> {
    let git = git_of(workspace)?;
    let tip = head(git)?;
    progress("reading the history...");
    let history = history::read(workspace, git, tip)?;
    let config = &workspace.config;
    let Some(events) = history.items.get(&args.id) else {
        let mut known: Vec<&str> = history.items.keys().map(String::as_str).collect();
        known.sort_unstable();
        let hint = crate::model::did_you_mean(&args.id, &known)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(EnvError::Other(format!(
            "no commit on the first-parent line of HEAD holds an item `{}`{hint}",
            args.id
        )));
    };
    let mut entries = Vec::new();
    let mut previous: Option<&history::Event> = None;
    for event in events {
        let Some(commit) = history.commits.get(event.commit) else {
            continue;
        };
        entries.push(LogEntry {
            commit: short(&commit.id),
            date: iso(commit.time),
            author: commit.author.clone(),
            path: event.path.clone(),
            status: event
                .item
                .as_ref()
                .map(|i| i.status_name(config).to_string()),
            changes: describe(previous, event, config),
        });
        previous = Some(event);
    }
    let mut colored = false;
    let text = match args.format {
        LogFormat::Json => render::json(&entries),
        LogFormat::Human => {
            let color = color.stdout();
            colored = color;
            let mut out = String::new();
            for e in &entries {
                let _ = writeln!(
                    out,
                    "{} {} {}  {}",
                    paint(&e.commit, YELLOW, color),
                    when_iso(&e.date),
                    paint(&render::safe::safe(&e.author), DIM, color),
                    render::safe::safe(&e.changes.join("; "))
                );
            }
            if history.shallow {
                let _ = writeln!(
                    out,
                    "note: this is a shallow clone; older history is not here (git fetch --unshallow)"
                );
            }
            if history.unreadable_times > 0 {
                let _ = writeln!(
                    out,
                    "note: {} with a committer date that cannot be read: each shows the time of the commit before it",
                    render::plural(history.unreadable_times, "commit", "commits")
                );
            }
            if history.unsafe_names > 0 {
                let _ = writeln!(out, "note: {}", unsafe_names_note(history.unsafe_names));
            }
            out
        }
    };
    write_out(&mut std::io::stdout().lock(), &text, colored)?;
    Ok(Outcome::Clean)
}

fn when_iso(date: &str) -> String {
    date.get(..16).unwrap_or(date).replace('T', " ")
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or("-".to_string(), |v| v.to_string())
}

/// What one commit changed in an item, in the words a PM uses.
fn describe(
    before: Option<&history::Event>,
    after: &history::Event,
    config: &Config,
) -> Vec<String> {
    if after.unreadable {
        return vec![format!(
            "unreadable: {} does not parse here (its last readable state is kept)",
            after.path.as_deref().unwrap_or("")
        )];
    }
    let old = before.and_then(|e| e.item.as_deref());
    let new = after.item.as_deref();
    let (Some(old), Some(new)) = (old, new) else {
        return match (old, new) {
            (None, Some(n)) => vec![format!(
                "added {} ({}{})",
                after.path.as_deref().unwrap_or(""),
                n.kind().map_or("?", ItemType::as_str),
                match n.status_name(config) {
                    "" => String::new(),
                    s => format!(", status {s}"),
                }
            )],
            (Some(_), None) => vec![format!(
                "removed (was {})",
                before.and_then(|b| b.path.as_deref()).unwrap_or("")
            )],
            _ => vec!["no readable item".into()],
        };
    };
    let mut out = Vec::new();
    let old_path = before.and_then(|b| b.path.as_deref());
    if old_path != after.path.as_deref() {
        out.push(format!(
            "moved {} -> {}",
            old_path.unwrap_or("-"),
            after.path.as_deref().unwrap_or("-")
        ));
    }
    if old.kind() != new.kind() {
        out.push(format!(
            "type {} -> {}",
            old.kind().map_or("-", ItemType::as_str),
            new.kind().map_or("-", ItemType::as_str)
        ));
    }
    let (a, b) = (old.status_name(config), new.status_name(config));
    if a != b {
        out.push(format!("status {} -> {}", dash(a), dash(b)));
    }
    let wsjf = |i: &Item| {
        i.wsjf
            .as_ref()
            .map_or([None; 4], crate::model::Wsjf::values)
    };
    let (old_wsjf, new_wsjf) = (wsjf(old), wsjf(new));
    for (k, key) in crate::model::Wsjf::KEYS.iter().enumerate() {
        if old_wsjf[k] != new_wsjf[k] {
            out.push(format!(
                "{key} {} -> {}",
                opt(&old_wsjf[k]),
                opt(&new_wsjf[k])
            ));
        }
    }
    let value = |v: &Option<crate::model::Spanned<String>>| v.as_ref().map(|v| v.value.clone());
    if value(&old.parent) != value(&new.parent) {
        out.push(format!(
            "parent {} -> {}",
            opt(&value(&old.parent)),
            opt(&value(&new.parent))
        ));
    }
    if value(&old.pi) != value(&new.pi) {
        out.push(format!(
            "pi {} -> {}",
            opt(&value(&old.pi)),
            opt(&value(&new.pi))
        ));
    }
    if !old.teams().eq(new.teams()) {
        let list = |i: &Item| {
            if i.team.is_empty() {
                "-".to_string()
            } else {
                i.teams().collect::<Vec<_>>().join(", ")
            }
        };
        out.push(format!("team {} -> {}", list(old), list(new)));
    }
    let points = |i: &Item| i.points.as_ref().map(|p| p.value);
    if points(old) != points(new) {
        let p = |v: Option<f64>| v.map_or("-".to_string(), number::exact);
        out.push(format!("points {} -> {}", p(points(old)), p(points(new))));
    }
    let criteria = |i: &Item| {
        i.acceptance_criteria
            .as_ref()
            .map_or((0, 0), |a| a.progress())
    };
    let (oc, ot) = criteria(old);
    let (nc, nt) = criteria(new);
    if ot != nt {
        out.push(format!("acceptance criteria {ot} -> {nt}"));
    }
    if oc != nc {
        out.push(format!(
            "acceptance criteria checked {oc}/{ot} -> {nc}/{nt}"
        ));
    }
    if old.title() != new.title() {
        out.push(format!("title \"{}\" -> \"{}\"", old.title(), new.title()));
    }
    let labels = |i: &Item| i.labels.iter().map(|l| l.value.clone()).collect::<Vec<_>>();
    let enabler = |i: &Item| i.enabler.as_ref().map(|e| e.value);
    if labels(old) != labels(new) || enabler(old) != enabler(new) {
        out.push("labels or enabler kind changed".into());
    }
    if out.is_empty() {
        out.push("edited (no tracked field changed)".into());
    }
    out
}

fn dash(s: &str) -> &str {
    if s.is_empty() { "-" } else { s }
}

// ---------------------------------------------------------------------------------------------
// popm flow

pub fn flow(
    workspace: &Workspace,
    args: &FlowArgs,
    color: ColorChoice,
) -> Result<Outcome, EnvError> {
    let git = git_of(workspace)?;
    let tip = head(git)?;
    progress("reading the history...");
    let history = history::read(workspace, git, tip)?;
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

/// Only a crafted commit holds such names; joined to their folder they would name other paths.
fn unsafe_names_note(count: usize) -> String {
    format!(
        "skipped {} in the backlog's history whose name is not a safe file name (empty, `.`, `..` or holding `/`)",
        render::plural(count, "git tree entry", "git tree entries")
    )
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
        let _ = writeln!(out, "{note} {}", unsafe_names_note(i.unsafe_names));
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
