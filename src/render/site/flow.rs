//! `flow.html` (when the backlog is in git): the cumulative flow diagram and the flow time
//! distribution of the ART's features over the whole history, the numbers `popm flow` prints
//! with its defaults, as SVG charts and tables.

use askama::Template;

use super::chart::{self, Band, Bin, Histogram, StackedArea};
use super::{Frame, Page, SiteInput, render, root_of};
use crate::error::EnvError;
use crate::history::History;
use crate::render::{number, plural};
use crate::report::board::Level;
use crate::report::flow::{self, Flow, WindowRequest};

#[derive(Template)]
#[template(path = "site/flow.html")]
struct FlowPage<'a> {
    root: String,
    frame: &'a Frame<'a>,
    /// Why there are no metrics (the window cannot be measured), instead of them.
    error: Option<String>,
    metrics: Option<Metrics>,
}

struct Metrics {
    from: String,
    to: String,
    start_state: String,
    done_state: String,
    commits: usize,
    changed_commits: usize,
    /// SVG built by [`chart::stacked_area`] from escaped parts.
    cfd: String,
    /// The days sampled, and the count per state on the last one (top of the stack first).
    days: usize,
    last_day: Vec<(String, usize)>,
    /// SVG built by [`chart::histogram`] from escaped parts.
    histogram: String,
    flow_time: Option<[String; 6]>,
    periods: Vec<(String, usize)>,
    done: usize,
    notes: Vec<String>,
}

fn metrics(f: &Flow) -> Metrics {
    // Bottom up: done first, so the bands stack as items move towards it.
    let bands: Vec<Band> = f
        .states
        .iter()
        .enumerate()
        .rev()
        .map(|(s, name)| Band {
            name: name.clone(),
            values: f
                .samples
                .iter()
                .map(|d| d.states.get(s).copied().unwrap_or(0) as f64)
                .collect(),
        })
        .collect();
    let cfd = chart::stacked_area(&StackedArea {
        title: format!(
            "Cumulative flow of features, {} to {}",
            f.window.from, f.window.to
        ),
        x_name: "day (end of day, UTC)".into(),
        y_name: "features".into(),
        x_labels: f.samples.iter().map(|s| s.date.to_string()).collect(),
        bands,
    });
    let last_day = f
        .samples
        .last()
        .map(|last| {
            f.states
                .iter()
                .enumerate()
                .rev()
                .map(|(s, name)| (name.clone(), last.states.get(s).copied().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    let bins = flow::flow_time_bins(&f.items);
    let histogram = chart::histogram(&Histogram {
        title: "Flow time of the features done".into(),
        x_name: "days from start to done".into(),
        y_name: "features".into(),
        bins: bins
            .iter()
            .map(|b| Bin {
                label: format!("{}–{}", b.from, b.to),
                count: b.count,
            })
            .collect(),
    });
    let i = &f.incomplete;
    let mut notes = Vec::new();
    if i.shallow {
        notes.push("a shallow clone: history before its oldest commit is missing".to_string());
    }
    let mut note = |n: usize, one: &str, many: &str, what: &str| {
        if n > 0 {
            notes.push(format!("{} {what}", plural(n, one, many)));
        }
    };
    note(
        i.appeared_done.len(),
        "item appeared",
        "items appeared",
        "already done: not counted",
    );
    note(
        i.started_late.len(),
        "item appeared",
        "items appeared",
        "already started: left out of flow time",
    );
    note(
        i.jumped.len(),
        "item went",
        "items went",
        "to done in one commit (a squash merge or a batch edit): left out of flow time",
    );
    note(
        i.backwards.len(),
        "item reached",
        "items reached",
        "done in a commit dated before its start: left out of flow time",
    );
    note(
        i.unreadable_times,
        "commit has",
        "commits have",
        "a committer date that cannot be read",
    );
    note(
        i.unsafe_names,
        "file with an unsafe name was",
        "files with unsafe names were",
        "skipped",
    );
    if let Some(day) = i.unsampled_after {
        notes.push(format!("no commit after {day}: later days are not sampled"));
    }
    Metrics {
        from: f.window.from.to_string(),
        to: f.window.to.to_string(),
        start_state: f.start_state.clone(),
        done_state: f.done_state.clone(),
        commits: f.commits,
        changed_commits: f.changed_commits,
        cfd,
        days: f.samples.len(),
        last_day,
        histogram,
        flow_time: f.flow_time.map(|d| {
            [
                d.count.to_string(),
                number::one_decimal(d.min),
                number::one_decimal(d.median),
                number::one_decimal(d.p85),
                number::one_decimal(d.max),
                number::one_decimal(d.mean),
            ]
        }),
        periods: f
            .periods
            .iter()
            .map(|p| (format!("{} – {}", p.from, p.to), p.done))
            .collect(),
        done: f.done(),
        notes,
    }
}

/// The flow page over `history`, with `popm flow`'s defaults: the ART's features, from the day of
/// the first commit to the day of the last.
pub fn page(input: &SiteInput, frame: &Frame, history: &History) -> Page {
    let path = "flow.html";
    let window = flow::window(
        history,
        WindowRequest::Dates {
            from: None,
            to: None,
        },
    );
    let (error, metrics) = match window {
        Ok(window) => {
            let options = flow::Options {
                level: Level::Art,
                team: None,
                window,
                pi: None,
            };
            let f = flow::compute(history, input.config, &options);
            (None, Some(metrics(&f)))
        }
        Err(e) => (Some(EnvError::Window(e).to_string()), None),
    };
    let html = render(&FlowPage {
        root: root_of(path),
        frame,
        error,
        metrics,
    });
    Page {
        path: path.into(),
        html,
    }
}
