//! `portfolio.html` and `arts/<ART>.html` (with `arts/<ART>/<PI>.html`, the ART's planning
//! boards): the portfolio of a portfolio repository's report, from
//! [`crate::report::portfolio_site`]. An ART's items get no pages of their own: its page lists its
//! features and capabilities (each an anchor the boards link to), so the site grows with the
//! number of features, not of every ART's items.

use askama::Template;

use super::link::{self, progress_text};
use super::{Frame, Page, board, render, root_of};
use crate::render::number;
use crate::report::portfolio_site::{ArtView, PortfolioSite};
use crate::report::progress::Progress;

#[derive(Template)]
#[template(path = "site/portfolio.html")]
struct PortfolioPage<'a> {
    root: String,
    frame: &'a Frame<'a>,
    own: &'a str,
    arts: Vec<ArtRow<'a>>,
    streams: Vec<StreamRow<'a>>,
    unowned: Vec<Linked<'a>>,
    epics: Vec<EpicView<'a>>,
    okrs: Vec<OkrView<'a>>,
}

struct ArtRow<'a> {
    name: &'a str,
    reference: &'a str,
    /// `None` when the ART could not be read: `reason` says why.
    commit: Option<&'a str>,
    reason: &'a str,
    serving: usize,
    features: usize,
    pis: usize,
    errors: usize,
    warnings: usize,
}

/// An item of the portfolio repository, linked to its page when it has one.
struct Linked<'a> {
    id: &'a str,
    title: &'a str,
    linked: bool,
}

impl<'a> Linked<'a> {
    fn of(item: &'a crate::model::Item) -> Linked<'a> {
        let id = item.id().unwrap_or("");
        Linked {
            id,
            title: item.title(),
            linked: link::has_page(id),
        }
    }
}

struct StreamRow<'a> {
    name: &'a str,
    budget: String,
    sum: String,
    over: bool,
    /// The guardrail in words: within, with what is left, or over, by how much.
    verdict: String,
    implementing: Vec<(Linked<'a>, String)>,
    others: Vec<(Linked<'a>, &'a str, String)>,
}

struct EpicView<'a> {
    rank: usize,
    epic: Linked<'a>,
    status: &'a str,
    wsjf: String,
    value_stream: &'a str,
    budget: String,
    progress: String,
    /// Done points over all points, 0-100, for a bar; `None` without points.
    percent: Option<u32>,
    work: Vec<WorkView<'a>>,
}

struct WorkView<'a> {
    art: &'a str,
    id: &'a str,
    title: &'a str,
    status: &'a str,
    done: bool,
    pi: &'a str,
    progress: String,
}

struct OkrView<'a> {
    okr: Linked<'a>,
    progress: String,
    key_results: Vec<KeyResultView<'a>>,
    /// (backlog, epic): the portfolio's own epics are linked.
    epics: Vec<(&'a str, Linked<'a>)>,
}

struct KeyResultView<'a> {
    text: &'a str,
    start: String,
    current: String,
    target: String,
    /// The progress in words (`125%`: it may pass 100 or fall below 0) and as a whole number,
    /// `None` when unmeasured.
    percent: Option<(String, String)>,
    /// 0-100, for the bar.
    bar: u32,
}

fn budget_text(budget: Option<f64>) -> String {
    budget.map_or_else(|| "no budget".into(), number::exact)
}

fn progress_words(p: Option<Progress>) -> String {
    p.map_or_else(String::new, |p| progress_text(&p))
}

/// Every page of the portfolio: `portfolio.html`, then per ART its page and its boards.
pub fn pages(site: &PortfolioSite, frame: &Frame) -> Vec<Page> {
    let mut out = vec![portfolio_page(site, frame)];
    for art in &site.arts {
        out.extend(art_pages(site, art, frame));
    }
    out
}

fn portfolio_page(site: &PortfolioSite, frame: &Frame) -> Page {
    let path = "portfolio.html";
    let arts = site
        .arts
        .iter()
        .map(|a| match &a.read {
            Ok(read) => {
                let summary = crate::diagnostic::Summary::of(
                    read.judged.checked.files,
                    &read.judged.checked.diagnostics,
                );
                ArtRow {
                    name: a.name,
                    reference: a.reference,
                    commit: Some(read.commit),
                    reason: "",
                    serving: read.features.iter().filter(|f| f.epic.is_some()).count(),
                    features: read.features.len(),
                    pis: read.boards.len(),
                    errors: summary.errors,
                    warnings: summary.warnings,
                }
            }
            Err(reason) => ArtRow {
                name: a.name,
                reference: a.reference,
                commit: None,
                reason,
                serving: 0,
                features: 0,
                pis: 0,
                errors: 0,
                warnings: 0,
            },
        })
        .collect();
    let streams = site
        .streams
        .iter()
        .map(|s| {
            let (budget, sum) = (number::exact(s.budget), number::exact(s.sum));
            StreamRow {
                name: s.name,
                verdict: if s.over() {
                    format!(
                        "over budget by {}: {sum} of {budget} per PI",
                        number::exact(s.sum - s.budget)
                    )
                } else {
                    format!(
                        "within budget: {sum} of {budget} per PI, {} left",
                        number::exact(s.budget - s.sum)
                    )
                },
                over: s.over(),
                budget,
                sum,
                implementing: s
                    .implementing
                    .iter()
                    .map(|(e, b)| (Linked::of(e), budget_text(*b)))
                    .collect(),
                others: s
                    .others
                    .iter()
                    .map(|(e, state)| {
                        (
                            Linked::of(e),
                            *state,
                            budget_text(e.budget.as_ref().map(|b| b.value)),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let epics = site
        .epics
        .iter()
        .map(|e| {
            let done = e.epic.done;
            let total = e.work.len();
            let mut progress = if total == 0 {
                "no features in the ARTs".to_string()
            } else {
                format!("{done} of {total} done")
            };
            let ratio = (e.points > 0.0).then(|| e.done_points / e.points);
            if let Some(r) = ratio {
                progress.push_str(&format!(
                    "; {} of {} points done ({})",
                    number::points(e.done_points),
                    number::points(e.points),
                    number::percent(r)
                ));
            }
            EpicView {
                rank: e.rank,
                epic: Linked::of(e.epic.epic),
                status: e.epic.status,
                wsjf: number::wsjf_or_dash(e.epic.score),
                value_stream: e.value_stream.unwrap_or("-"),
                budget: e.budget.map_or_else(|| "-".into(), number::exact),
                progress,
                percent: ratio.map(|r| (r * 100.0).round().clamp(0.0, 100.0) as u32),
                work: e
                    .work
                    .iter()
                    .map(|w| WorkView {
                        art: w.art,
                        id: w.item.id().unwrap_or(""),
                        title: w.item.title(),
                        status: w.status,
                        done: w.done,
                        pi: w.pi.unwrap_or("no PI"),
                        progress: progress_words(w.progress),
                    })
                    .collect(),
            }
        })
        .collect();
    let okrs = site
        .okrs
        .iter()
        .map(|o| OkrView {
            okr: Linked::of(o.okr),
            progress: o.progress.map_or_else(
                || "no key result can be measured".into(),
                |p| format!("{} on average", number::percent(p)),
            ),
            key_results: o
                .key_results
                .iter()
                .map(|(k, p)| {
                    let value = |v: Option<f64>| v.map_or_else(|| "-".into(), number::exact);
                    KeyResultView {
                        text: k.text.as_deref().unwrap_or(""),
                        start: value(k.start),
                        current: value(k.current),
                        target: value(k.target),
                        percent: p.map(|p| (number::percent(p), format!("{:.0}", p * 100.0))),
                        bar: p.map_or(0, |p| (p * 100.0).round().clamp(0.0, 100.0) as u32),
                    }
                })
                .collect(),
            epics: o
                .epics
                .iter()
                .map(|(backlog, e)| {
                    let mut linked = Linked::of(e);
                    // Only the portfolio's own items have pages.
                    linked.linked &= *backlog == site.own;
                    (*backlog, linked)
                })
                .collect(),
        })
        .collect();
    let page = PortfolioPage {
        root: root_of(path),
        frame,
        own: site.own,
        arts,
        streams,
        unowned: site.unowned.iter().map(|e| Linked::of(e)).collect(),
        epics,
        okrs,
    };
    Page {
        path: path.into(),
        html: render(&page),
    }
}

#[derive(Template)]
#[template(path = "site/art.html")]
struct ArtPage<'a> {
    root: String,
    frame: &'a Frame<'a>,
    name: &'a str,
    own: &'a str,
    reference: &'a str,
    /// `None` when the ART could not be read: `reason` says why.
    commit: Option<&'a str>,
    reason: &'a str,
    items: usize,
    errors: usize,
    warnings: usize,
    pis: Vec<PiRow<'a>>,
    serving: Vec<FeatureRow<'a>>,
    others: Vec<FeatureRow<'a>>,
}

struct PiRow<'a> {
    id: &'a str,
    title: &'a str,
    dates: String,
    ready: bool,
    features: usize,
    /// The board page, when the PI's id can be a file name.
    board: bool,
}

struct FeatureRow<'a> {
    id: &'a str,
    title: &'a str,
    kind: &'static str,
    status: &'a str,
    pi: &'a str,
    epic: &'a str,
    progress: String,
}

fn art_pages(site: &PortfolioSite, art: &ArtView, frame: &Frame) -> Vec<Page> {
    let path = format!("arts/{}.html", art.name);
    let root = root_of(&path);
    let mut out = Vec::new();
    let mut page = ArtPage {
        root,
        frame,
        name: art.name,
        own: site.own,
        reference: art.reference,
        commit: None,
        reason: "",
        items: 0,
        errors: 0,
        warnings: 0,
        pis: Vec::new(),
        serving: Vec::new(),
        others: Vec::new(),
    };
    match &art.read {
        Err(reason) => page.reason = reason,
        Ok(read) => {
            let checked = &read.judged.checked;
            let summary = crate::diagnostic::Summary::of(checked.files, &checked.diagnostics);
            page.commit = Some(read.commit);
            page.items = checked.backlog.items.len();
            page.errors = summary.errors;
            page.warnings = summary.warnings;
            page.pis = read
                .boards
                .iter()
                .map(|r| PiRow {
                    id: r.pi.id().unwrap_or(""),
                    title: r.pi.title(),
                    dates: super::pi_dates(r.start.zip(r.end)),
                    ready: r.ready(),
                    features: r.plan.planned.len(),
                    board: r.pi.id().is_some_and(link::has_page),
                })
                .collect();
            for f in &read.features {
                let row = FeatureRow {
                    id: f.item.id().unwrap_or(""),
                    title: f.item.title(),
                    kind: f.item.kind().map_or("item", |k| k.as_str()),
                    status: f.status,
                    pi: f.pi.unwrap_or("no PI"),
                    epic: f.epic.unwrap_or(""),
                    progress: progress_words(f.progress),
                };
                if f.epic.is_some() {
                    page.serving.push(row);
                } else {
                    page.others.push(row);
                }
            }
            for r in read
                .boards
                .iter()
                .filter(|r| r.pi.id().is_some_and(link::has_page))
            {
                let board_path = format!("arts/{}/{}.html", art.name, r.pi.id().unwrap_or(""));
                let board_root = root_of(&board_path);
                let name = art.name;
                let href = |id: &str| format!("{board_root}arts/{name}.html#{id}");
                out.push(board::art_page(
                    read.judged,
                    r,
                    &read.progress,
                    &site.elsewhere,
                    board_path.clone(),
                    &href,
                    frame,
                ));
            }
        }
    }
    out.insert(
        0,
        Page {
            html: render(&page),
            path,
        },
    );
    out
}
