//! SAFe's flow metrics from the backlog's git history: velocity, time, load, distribution,
//! efficiency and predictability. Event times are commit (committer) times; days are UTC.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::board::Level;
use super::plan;
use crate::config::{Config, Period};
use crate::history::{Event, History};
use crate::model::{Item, ItemType, PiFields};

/// The days the metrics look at, both included, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: Date,
    pub to: Date,
}

impl Window {
    /// The first second of `from`.
    pub fn start(&self) -> i64 {
        midnight(self.from)
    }

    /// The first second after `to`.
    pub fn end(&self) -> i64 {
        midnight(next_day(self.to))
    }

    pub fn contains(&self, time: i64) -> bool {
        time >= self.start() && time < self.end()
    }

    /// How many days the window holds, both ends included.
    pub fn days(&self) -> i64 {
        (midnight(self.to).saturating_sub(midnight(self.from)) / 86_400).saturating_add(1)
    }
}

/// The longest window `popm flow` measures (about ten years): the daily samples are days × states,
/// and a hostile commit date must not make them millions of days long.
pub const MAX_DAYS: i64 = 3660;

/// 00:00:00 UTC of a day, in seconds since the epoch (counted, so days past the last instant jiff
/// can represent still get their own second).
pub fn midnight(d: Date) -> i64 {
    d.since(Date::constant(1970, 1, 1))
        .map_or(0, |s| i64::from(s.get_days()).saturating_mul(86_400))
}

/// A duration in seconds as (fractional) days.
pub fn in_days(seconds: i64) -> f64 {
    seconds as f64 / 86_400.0
}

/// The UTC day of a time.
pub fn day_of(time: i64) -> Date {
    jiff::Timestamp::from_second(time)
        .map(|t| t.to_zoned_datetime(TimeZone::UTC).date())
        .unwrap_or_default()
}

/// ISO 8601 in UTC: `2027-01-04T09:00:00Z`.
pub fn iso(time: i64) -> String {
    jiff::Timestamp::from_second(time)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn next_day(d: Date) -> Date {
    d.tomorrow().unwrap_or(d)
}

/// The days asked for: a PI's, or `--from` and `--to` (each defaulting to the commit dates).
#[derive(Debug, Clone, Copy)]
pub enum WindowRequest<'a> {
    Pi(&'a str),
    Dates {
        from: Option<Date>,
        to: Option<Date>,
    },
}

/// Why no window could be measured.
#[derive(Debug, Clone, PartialEq)]
pub enum WindowError {
    /// HEAD holds no PI of that id.
    NoSuchPi(String),
    /// The PI has no start date (or its end falls outside the calendar).
    NoDates(String),
    /// The first day is after the last; each is the flag's value or a commit's day (`None`).
    Reversed {
        from: (Option<Date>, Date),
        to: (Option<Date>, Date),
    },
    /// Longer than [`MAX_DAYS`].
    TooLong { asked: Asked, window: Window },
}

/// What a window that is too long came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    Pi(String),
    /// Both `--from` and `--to`.
    FromTo,
    /// The commit dates, for one end or both.
    History,
}

impl std::fmt::Display for WindowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WindowError::NoSuchPi(pi) => write!(f, "no PI `{pi}` in the backlog at HEAD"),
            WindowError::NoDates(pi) => {
                write!(f, "PI `{pi}` has no start date, so its window is unknown")
            }
            WindowError::Reversed { from, to } => {
                let given = |(flag, day): (Option<Date>, Date), name: &str, commit: &str| match flag
                {
                    Some(_) => format!("{name} {day}"),
                    None => format!("the {commit} commit ({day})"),
                };
                write!(
                    f,
                    "{} is after {}",
                    given(*from, "--from", "first"),
                    given(*to, "--to", "last")
                )
            }
            WindowError::TooLong { asked, window } => {
                let what = match asked {
                    Asked::Pi(pi) => format!("PI `{}`", crate::render::safe(pi)),
                    Asked::FromTo => "--from .. --to".to_string(),
                    Asked::History => "the history (its commit dates)".to_string(),
                };
                write!(
                    f,
                    "{what} spans {} .. {} ({} days); popm flow measures at most {MAX_DAYS} days: pass --from and --to",
                    window.from,
                    window.to,
                    window.days()
                )
            }
        }
    }
}

/// The window to measure: the PI's dates as HEAD holds them, or the days asked for, where a day
/// not given is that of the earliest (or latest) commit; at most [`MAX_DAYS`] long.
pub fn window(history: &History, asked: WindowRequest) -> Result<Window, WindowError> {
    let window = match asked {
        WindowRequest::Pi(pi) => {
            let Some(item) = history.last(pi).filter(|i| i.kind() == Some(ItemType::Pi)) else {
                return Err(WindowError::NoSuchPi(pi.to_string()));
            };
            let Some((from, to)) = item.pi_fields.as_deref().and_then(PiFields::dates) else {
                return Err(WindowError::NoDates(pi.to_string()));
            };
            Window { from, to }
        }
        WindowRequest::Dates { from, to } => {
            // The earliest and latest commit, not the first and last: clocks can be skewed.
            let first = history.commits.iter().map(|c| c.time).min().map(day_of);
            let last = history.commits.iter().map(|c| c.time).max().map(day_of);
            let window = Window {
                from: from.or(first).unwrap_or_default(),
                to: to.or(last).unwrap_or_default(),
            };
            if window.from > window.to {
                return Err(WindowError::Reversed {
                    from: (from, window.from),
                    to: (to, window.to),
                });
            }
            window
        }
    };
    if window.days() > MAX_DAYS {
        let asked = match asked {
            WindowRequest::Pi(pi) => Asked::Pi(pi.to_string()),
            WindowRequest::Dates {
                from: Some(_),
                to: Some(_),
            } => Asked::FromTo,
            WindowRequest::Dates { .. } => Asked::History,
        };
        return Err(WindowError::TooLong { asked, window });
    }
    Ok(window)
}

pub struct Options<'a> {
    pub level: Level,
    pub team: Option<&'a str>,
    pub window: Window,
    /// `--pi`: predictability of this PI only.
    pub pi: Option<&'a str>,
}

/// One item that reached done in the window.
#[derive(Debug, Clone)]
pub struct ItemFlow {
    pub id: String,
    pub start: i64,
    pub done: i64,
    /// Whether the history shows the commit that moved it into the start state. When not (it
    /// appeared past the start state, or went from before start to done in one commit), `start`
    /// is the first commit that shows it at or past start, and the item is left out of flow time
    /// and efficiency.
    pub start_known: bool,
    pub active_seconds: i64,
    /// Index of the event (in the item's history) that moved it to done.
    pub done_event: usize,
}

impl ItemFlow {
    pub fn flow_seconds(&self) -> i64 {
        self.done.saturating_sub(self.start)
    }

    pub fn flow_days(&self) -> f64 {
        in_days(self.flow_seconds())
    }

    pub fn active_days(&self) -> f64 {
        in_days(self.active_seconds)
    }

    pub fn efficiency(&self) -> Option<f64> {
        (self.flow_seconds() > 0).then(|| self.active_seconds as f64 / self.flow_seconds() as f64)
    }
}

/// A distribution of flow times in days, percentiles by the nearest-rank method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Distribution {
    pub count: usize,
    pub min: f64,
    pub median: f64,
    pub p85: f64,
    pub max: f64,
    pub mean: f64,
}

impl Distribution {
    pub fn of(mut values: Vec<f64>) -> Option<Distribution> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
        Some(Distribution {
            count: n,
            min: values[0],
            median: nearest_rank(&values, 50),
            p85: nearest_rank(&values, 85),
            max: values[n - 1],
            mean: values.iter().sum::<f64>() / n as f64,
        })
    }
}

/// The nearest-rank percentile of sorted values: the value at rank ceil(p/100 × n), 1-based.
pub fn nearest_rank(sorted: &[f64], p: usize) -> f64 {
    let n = sorted.len();
    let rank = (p * n).div_ceil(100).clamp(1, n.max(1));
    sorted.get(rank - 1).copied().unwrap_or(0.0)
}

#[derive(Debug, Clone)]
pub struct PeriodCount {
    pub from: Date,
    pub to: Date,
    pub done: usize,
}

/// The level's items per state at the end of one day (23:59:59 UTC).
#[derive(Debug, Clone)]
pub struct Sample {
    pub date: Date,
    pub states: Vec<usize>,
    pub load: usize,
}

#[derive(Debug, Clone)]
pub struct Predictability {
    pub pi: String,
    /// Sums over committed objectives with an actual value.
    pub planned: i64,
    pub actual: i64,
    /// Committed objectives without an actual value yet.
    pub unscored: usize,
}

impl Predictability {
    pub fn ratio(&self) -> Option<f64> {
        (self.planned > 0).then(|| self.actual as f64 / self.planned as f64)
    }
}

/// What the history cannot tell.
#[derive(Debug, Clone, Default)]
pub struct Incomplete {
    pub shallow: bool,
    /// Items whose file appeared already past the start state (not done).
    pub started_late: Vec<String>,
    /// Items whose file appeared already done: their done time is unknown, they are not counted.
    pub appeared_done: Vec<String>,
    /// Items that went from before the start state to done in one commit (a squash merge or a
    /// batch edit hides the states between).
    pub jumped: Vec<String>,
    /// Items whose done commit is dated before their start commit (a clock set backwards):
    /// counted as done, left out of flow time.
    pub backwards: Vec<String>,
    /// Merge commits on the first-parent line.
    pub merges: usize,
    /// Commits whose committer date could not be read (each took its predecessor's time).
    pub unreadable_times: usize,
    /// Tree entries with unsafe names the history walk skipped.
    pub unsafe_names: usize,
    /// The day of the latest commit, when the window runs past it: the days after it are not
    /// sampled and the periods that start after it are left out (the backlog's state then is
    /// unknown, not the state of the last commit).
    pub unsampled_after: Option<Date>,
}

impl Incomplete {
    pub fn any(&self) -> bool {
        self.shallow
            || !self.started_late.is_empty()
            || !self.appeared_done.is_empty()
            || !self.jumped.is_empty()
            || !self.backwards.is_empty()
            || self.unreadable_times > 0
            || self.unsafe_names > 0
            || self.unsampled_after.is_some()
    }
}

pub struct Flow {
    pub level: Level,
    pub item_type: ItemType,
    pub team: Option<String>,
    pub window: Window,
    pub period: Period,
    pub states: Vec<String>,
    pub start_state: String,
    pub done_state: String,
    pub active_states: Vec<String>,
    pub periods: Vec<PeriodCount>,
    pub items: Vec<ItemFlow>,
    pub flow_time: Option<Distribution>,
    pub samples: Vec<Sample>,
    /// Work type (business, enabler kinds) -> items done in the window.
    pub work_types: Vec<(String, usize)>,
    /// Label -> items done in the window carrying it.
    pub labels: Vec<(String, usize)>,
    pub active_seconds: i64,
    pub flow_seconds: i64,
    pub predictability: Vec<Predictability>,
    pub incomplete: Incomplete,
    /// Commits on the first-parent line of HEAD.
    pub commits: usize,
    /// Of those, the commits whose backlog folders differ from their predecessor's.
    pub changed_commits: usize,
}

impl Flow {
    pub fn done(&self) -> usize {
        self.items.len()
    }

    pub fn efficiency(&self) -> Option<f64> {
        (self.flow_seconds > 0).then(|| self.active_seconds as f64 / self.flow_seconds as f64)
    }

    /// Time in active states, summed over the items with a known start.
    pub fn active_days(&self) -> f64 {
        in_days(self.active_seconds)
    }

    /// Flow time, summed over the items with a known start.
    pub fn flow_days(&self) -> f64 {
        in_days(self.flow_seconds)
    }

    /// The share of the items done that `count` is (0 when nothing was done).
    pub fn share(&self, count: usize) -> f64 {
        count as f64 / self.done().max(1) as f64
    }

    /// The flow load over the window's days; `None` for a window without days.
    pub fn load_summary(&self) -> Option<LoadSummary> {
        let last = self.samples.last()?;
        let loads = self.samples.iter().map(|s| s.load);
        Some(LoadSummary {
            last: last.load,
            last_day: last.date,
            mean: loads.clone().sum::<usize>() as f64 / self.samples.len() as f64,
            max: loads.max().unwrap_or(0),
            days: self.samples.len(),
        })
    }
}

/// The flow load in short: on the last day, the mean and the maximum over the days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadSummary {
    pub last: usize,
    pub last_day: Date,
    pub mean: f64,
    pub max: usize,
    pub days: usize,
}

/// The state of an item after each event that changed it: `None` when removed, of another type or
/// in an unknown status.
fn timeline(events: &[Event], history: &History, t: ItemType) -> Vec<(i64, Option<usize>)> {
    events
        .iter()
        .map(|e| {
            let time = history.commits.get(e.commit).map_or(0, |c| c.time);
            let state = e
                .item
                .as_ref()
                .filter(|i| i.kind() == Some(t))
                .and_then(|i| i.state);
            (time, state)
        })
        .collect()
}

/// Whether the item belongs to the level and team.
fn selected(history: &History, id: &str, t: ItemType, team: Option<&str>) -> bool {
    let Some(last) = history.last(id) else {
        // Removed items count with the type they had last.
        let Some(events) = history.items.get(id) else {
            return false;
        };
        let Some(last) = events.iter().rev().find_map(|e| e.item.as_deref()) else {
            return false;
        };
        return last.kind() == Some(t) && team_matches(history, last, team);
    };
    last.kind() == Some(t) && team_matches(history, last, team)
}

/// A story without a team counts for its feature's single team, as in `popm pi ready`.
fn team_matches(history: &History, item: &Item, team: Option<&str>) -> bool {
    let Some(team) = team else {
        return true;
    };
    if item.teams().any(|t| t == team) {
        return true;
    }
    item.team.is_empty()
        && item.kind() == Some(ItemType::Story)
        && item.story_team(item.parent.as_ref().and_then(|p| history.last(&p.value))) == Some(team)
}

pub fn compute(history: &History, config: &Config, options: &Options) -> Flow {
    let t = options.level.board_type();
    let window = options.window;
    let workflow = config.workflow(t);
    let states: Vec<String> = workflow.map_or(Vec::new(), |w| w.states.clone());
    let done_from = workflow.map_or(usize::MAX, |w| w.done_from);
    let start = config.flow.start(t);
    let active: Vec<usize> = config.flow.active(t).to_vec();
    let name = |i: usize| states.get(i).cloned().unwrap_or_default();

    let mut ids: Vec<&String> = history
        .items
        .keys()
        .filter(|id| selected(history, id, t, options.team))
        .collect();
    ids.sort_by(|a, b| crate::model::natural_cmp(a, b));

    // Days after the latest commit are not sampled: nothing says the backlog stayed as it was.
    let last_day = history.commits.iter().map(|c| c.time).max().map(day_of);
    let sampled_to = last_day.map_or(window.from.yesterday().unwrap_or(window.from), |d| {
        d.min(window.to)
    });
    let days: Vec<Date> = {
        let mut d = window.from;
        let mut out = Vec::new();
        while d <= sampled_to && d <= window.to {
            out.push(d);
            let next = next_day(d);
            if next == d {
                break;
            }
            d = next;
        }
        out
    };
    // Cumulative flow, in O(events + days × states): an event at `time` holds from the first
    // sample whose end of day (the next midnight) is after it until the item's next event, so
    // each event adds +1 at its first sample and -1 at the next event's, summed up afterwards.
    let first_sample = |time: i64| -> usize {
        let offset = time.saturating_sub(window.start());
        if offset < 0 {
            0
        } else {
            usize::try_from(offset / 86_400)
                .unwrap_or(usize::MAX)
                .min(days.len())
        }
    };
    let mut state_delta: Vec<Vec<i64>> = vec![vec![0; days.len() + 1]; states.len()];
    let mut load_delta: Vec<i64> = vec![0; days.len() + 1];
    let mut items = Vec::new();
    let mut incomplete = Incomplete {
        shallow: history.shallow,
        merges: history.merges,
        unreadable_times: history.unreadable_times,
        unsafe_names: history.unsafe_names,
        unsampled_after: last_day.filter(|d| *d < window.to),
        ..Incomplete::default()
    };
    for id in ids {
        let Some(events) = history.items.get(id) else {
            continue;
        };
        let line = timeline(events, history, t);
        let Some(&(created, first_state)) = line.first() else {
            continue;
        };
        // Times need not grow along the line (skewed clocks): an event's span of samples ends
        // at the latest first sample of the events after it, never before its own.
        let mut until = days.len();
        for k in (0..line.len()).rev() {
            let from = first_sample(line[k].0).min(until);
            if let Some(s) = line[k].1
                && from < until
            {
                if let Some(delta) = state_delta.get_mut(s) {
                    delta[from] += 1;
                    delta[until] -= 1;
                }
                if s >= start && s < done_from {
                    load_delta[from] += 1;
                    load_delta[until] -= 1;
                }
            }
            until = from;
        }
        if created >= window.end() {
            continue;
        }
        if first_state.is_some_and(|s| s >= done_from) {
            if created >= window.start() {
                incomplete.appeared_done.push(id.clone());
            }
            continue;
        }
        let Some(done_at) = line
            .iter()
            .position(|(_, s)| s.is_some_and(|s| s >= done_from))
        else {
            continue;
        };
        let done = line[done_at].0;
        if !window.contains(done) {
            continue;
        }
        let Some(started_at) = line.iter().position(|(_, s)| s.is_some_and(|s| s >= start)) else {
            continue;
        };
        let started = line[started_at].0;
        let late = first_state.is_some_and(|s| s > start);
        // The same commit, not the same time: two commits can share a second.
        let jumped = !late && started_at == done_at;
        let backwards = !late && !jumped && done < started;
        if late {
            incomplete.started_late.push(id.clone());
        }
        if jumped {
            incomplete.jumped.push(id.clone());
        }
        if backwards {
            incomplete.backwards.push(id.clone());
        }
        // Time in active states between start and done.
        let mut active_seconds: i64 = 0;
        for (i, (at, state)) in line.iter().enumerate() {
            let until = line.get(i + 1).map_or(done, |n| n.0).min(done);
            let from = (*at).max(started);
            if until > from && state.is_some_and(|s| active.contains(&s)) {
                active_seconds = active_seconds.saturating_add(until.saturating_sub(from));
            }
        }
        items.push(ItemFlow {
            id: id.clone(),
            start: started,
            done,
            start_known: !late && !jumped && !backwards,
            active_seconds,
            done_event: done_at,
        });
    }
    let mut running: Vec<i64> = vec![0; states.len()];
    let mut load: i64 = 0;
    let samples: Vec<Sample> = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            for (s, delta) in state_delta.iter().enumerate() {
                running[s] += delta[i];
            }
            load += load_delta[i];
            Sample {
                date: *d,
                states: running
                    .iter()
                    .map(|n| usize::try_from(*n).unwrap_or(0))
                    .collect(),
                load: usize::try_from(load).unwrap_or(0),
            }
        })
        .collect();
    items.sort_by(|a, b| {
        a.done
            .cmp(&b.done)
            .then_with(|| crate::model::natural_cmp(&a.id, &b.id))
    });

    let mut periods = periods(window, config.flow.period, &items);
    if let Some(last) = incomplete.unsampled_after {
        periods.retain(|p| p.from <= last);
    }
    let known: Vec<&ItemFlow> = items.iter().filter(|i| i.start_known).collect();
    let flow_time = Distribution::of(known.iter().map(|i| i.flow_days()).collect());
    let active_seconds = known
        .iter()
        .fold(0i64, |sum, i| sum.saturating_add(i.active_seconds));
    let flow_seconds = known
        .iter()
        .fold(0i64, |sum, i| sum.saturating_add(i.flow_seconds()));

    let mut work_types: BTreeMap<String, usize> = BTreeMap::new();
    let mut labels: BTreeMap<String, usize> = BTreeMap::new();
    for item in &items {
        // The item as the done commit left it (by event, not by time: times can repeat).
        let Some(done) = history
            .items
            .get(&item.id)
            .and_then(|events| events.get(item.done_event))
            .and_then(|e| e.item.as_deref())
        else {
            continue;
        };
        let kind = done.enabler.as_ref().map_or("business".to_string(), |e| {
            format!("enabler:{}", e.value.as_str())
        });
        *work_types.entry(kind).or_default() += 1;
        for label in &done.labels {
            *labels.entry(label.value.clone()).or_default() += 1;
        }
    }

    let predictability = predictability(history, options);

    Flow {
        level: options.level,
        item_type: t,
        team: options.team.map(str::to_string),
        window,
        period: config.flow.period,
        start_state: name(start),
        done_state: name(done_from),
        active_states: active.iter().map(|a| name(*a)).collect(),
        states,
        periods,
        items,
        flow_time,
        samples,
        work_types: work_types.into_iter().collect(),
        labels: labels.into_iter().collect(),
        active_seconds,
        flow_seconds,
        predictability,
        incomplete,
        commits: history.commits.len(),
        changed_commits: history.commits.len().saturating_sub(history.unchanged),
    }
}

/// Consecutive periods from the window's first day (a week is any 7 days from there, a month runs
/// to the same day of the next month), the last one cut at the window's end. The k-th boundary is
/// the first day plus k periods, so months do not drift: from 01-31 they start 02-28, 03-31, 04-30.
fn periods(window: Window, period: Period, items: &[ItemFlow]) -> Vec<PeriodCount> {
    let boundary = |k: i64| {
        let span = match period {
            Period::Day => jiff::Span::new().try_days(k),
            Period::Week => jiff::Span::new().try_weeks(k),
            Period::Month => jiff::Span::new().try_months(k),
        };
        span.and_then(|span| window.from.checked_add(span)).ok()
    };
    let mut out = Vec::new();
    let mut from = window.from;
    let mut k: i64 = 0;
    while from <= window.to {
        k += 1;
        let Some(next) = boundary(k) else {
            break;
        };
        let to = next.yesterday().unwrap_or(next).min(window.to);
        let (a, b) = (midnight(from), midnight(next_day(to)));
        let done = items.iter().filter(|i| i.done >= a && i.done < b).count();
        out.push(PeriodCount { from, to, done });
        if next <= from {
            break;
        }
        from = next;
    }
    out
}

/// Predictability of the PIs that overlap the window (or the one `--pi` names), from their
/// objectives as the last commit holds them.
fn predictability(history: &History, options: &Options) -> Vec<Predictability> {
    let mut pis: Vec<(&str, Date, &PiFields)> = history
        .items
        .keys()
        .filter_map(|id| {
            let pi = history.last(id)?;
            if pi.kind() != Some(ItemType::Pi) {
                return None;
            }
            let fields = pi.pi_fields.as_deref()?;
            let (start, end) = fields.dates()?;
            let wanted = match options.pi {
                Some(wanted) => wanted == id,
                None => start <= options.window.to && end >= options.window.from,
            };
            wanted.then_some((id.as_str(), start, fields))
        })
        .collect();
    pis.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    pis.into_iter()
        .map(|(id, _, fields)| {
            let team_objectives = fields.objectives.iter().filter(|o| {
                options
                    .team
                    .is_none_or(|team| o.team.as_deref() == Some(team))
            });
            let value = plan::business_value(team_objectives);
            Predictability {
                pi: id.to_string(),
                planned: value.planned,
                actual: value.actual,
                unscored: value.unscored,
            }
        })
        .collect()
}

/// One bar of the flow time histogram: the items whose flow time is at least `from` and under
/// `to` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeBin {
    pub from: u64,
    pub to: u64,
    pub count: usize,
}

/// The most bars a flow time histogram has: the bin width grows to keep under it.
pub const MAX_BINS: u64 = 12;

/// The flow times that make up [`Flow::flow_time`] (`items` with a known start) in bins of
/// whole days from 0 up to the longest: bins 1, 2, 5 or 7 days wide, or a multiple of 7, the
/// narrowest that needs at most [`MAX_BINS`] bars. Empty when no item counts.
pub fn flow_time_bins(items: &[ItemFlow]) -> Vec<TimeBin> {
    let days: Vec<f64> = items
        .iter()
        .filter(|i| i.start_known)
        .map(ItemFlow::flow_days)
        .filter(|d| d.is_finite() && *d >= 0.0)
        .collect();
    let Some(longest) = days.iter().copied().reduce(f64::max) else {
        return Vec::new();
    };
    let longest = longest.floor() as u64;
    let width = [1, 2, 5, 7]
        .into_iter()
        .chain((2..).map(|k| 7 * k))
        .find(|w| longest / w < MAX_BINS)
        .unwrap_or(longest.max(1));
    let mut bins: Vec<TimeBin> = (0..=longest / width)
        .map(|i| TimeBin {
            from: i * width,
            to: (i + 1) * width,
            count: 0,
        })
        .collect();
    for d in days {
        let i = (d.floor() as u64 / width) as usize;
        if let Some(bin) = bins.get_mut(i) {
            bin.count += 1;
        }
    }
    bins
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        // n = 4: the median is rank ceil(2) = 2, the 85th percentile rank ceil(3.4) = 4.
        let v = [1.0, 2.0, 3.0, 10.0];
        assert_eq!(nearest_rank(&v, 50), 2.0);
        assert_eq!(nearest_rank(&v, 85), 10.0);
        // n = 1: every percentile is the value.
        assert_eq!(nearest_rank(&[7.0], 85), 7.0);
        // n = 20: rank ceil(17) = 17.
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(nearest_rank(&v, 85), 17.0);
    }

    #[test]
    fn flow_times_fall_in_bins_as_wide_as_needed_for_at_most_twelve() {
        let item = |days: f64, known: bool| ItemFlow {
            id: "F-1".into(),
            start: 0,
            done: (days * 86_400.0) as i64,
            start_known: known,
            active_seconds: 0,
            done_event: 0,
        };
        // 0.5, 1, 1.9 and 3 days, one unknown start left out: one-day bins 0 to 3.
        let bins = flow_time_bins(&[
            item(0.5, true),
            item(1.0, true),
            item(1.9, true),
            item(3.0, true),
            item(40.0, false),
        ]);
        let counts: Vec<(u64, u64, usize)> = bins.iter().map(|b| (b.from, b.to, b.count)).collect();
        assert_eq!(counts, vec![(0, 1, 1), (1, 2, 2), (2, 3, 0), (3, 4, 1)]);
        // 12 days need 13 one-day bins: two-day bins 0 to 12.
        let bins = flow_time_bins(&[item(12.0, true), item(2.5, true)]);
        assert_eq!(bins.len(), 7);
        assert_eq!(
            (bins[1].from, bins[1].count, bins[6].from, bins[6].count),
            (2, 1, 12, 1)
        );
        // 100 days: 5 and 7 are too narrow (20, 14 bins), 14-day bins 0 to 98.
        let bins = flow_time_bins(&[item(100.0, true)]);
        assert_eq!(
            (bins.len(), bins[7].from, bins[7].to, bins[7].count),
            (8, 98, 112, 1)
        );
        assert!(flow_time_bins(&[]).is_empty());
    }
}
