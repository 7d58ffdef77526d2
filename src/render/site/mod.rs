//! `popm report`: the backlog as a static site of HTML pages with inline CSS and SVG.
//!
//! The command builds one [`SiteInput`] (everything any page needs, borrowed), [`pages`] turns it
//! into [`Page`]s (one function per page kind, each rendering an askama template under
//! `templates/site/`), and [`write::write`] puts them into the output folder. Pages are pure
//! functions of the input: the same backlog gives the same bytes. Templates escape every value
//! (askama's HTML escaping for `.html` templates); only HTML built by popm itself (SVG, sanitised
//! markdown) is marked `|safe`.

pub mod backlog;
pub mod board;
pub mod chart;
pub mod flow;
pub mod index;
pub mod items;
pub mod link;
pub mod markdown;
pub mod pi;
pub mod portfolio;
pub mod roadmap;
pub mod write;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::history::History;
use crate::model::Backlog;
use crate::report::readiness::Readiness;
use crate::source::Texts;

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Relative to the output folder, `/`-separated (`index.html`, `board/PI-2027.1.html`).
    pub path: String,
    pub html: String,
}

/// What the pages are made from, read once by the command.
pub struct SiteInput<'a> {
    pub config: &'a Config,
    pub backlog: &'a Backlog,
    /// The text of every item file read, for the bodies on the item pages.
    pub texts: &'a Texts,
    /// The check's findings, severities applied (as `popm check` reports them).
    pub diagnostics: &'a [Diagnostic],
    /// How many files were read as items.
    pub files: usize,
    /// The PIs reported, in start order (those without a start date last, by id): every PI item
    /// with planned work, or the one `--pi` names. Each gets a board and a PI page.
    pub readiness: &'a [Readiness<'a>],
    /// [`crate::report::progress::every`]: each item's progress, by backlog index.
    pub progress: &'a [Option<crate::report::progress::Progress>],
    /// The first-parent history up to the version reported, when the backlog is in git.
    pub history: Option<&'a History>,
    /// The day the report is about (`POPM_TODAY`, else the clock): past, current and next PIs.
    pub today: jiff::civil::Date,
    /// `--rev`: the revision reported, as typed.
    pub rev: Option<&'a str>,
    /// `--stamp`: when the site was generated; `None` keeps the bytes reproducible.
    pub stamp: Option<&'a str>,
    /// The other backlogs the boards' qualified dependencies are looked up in (a portfolio's).
    pub elsewhere: &'a crate::report::planning_board::Elsewhere<'a>,
    /// In a portfolio repository: the portfolio page's answers and each ART's pages.
    pub portfolio: Option<&'a crate::report::portfolio_site::PortfolioSite<'a>>,
    /// Pages served by `popm serve` (see [`Frame::live`]).
    pub live: bool,
}

impl<'a> SiteInput<'a> {
    /// The input for the work tree's or a revision's check: no history, no revision, no stamp
    /// (the caller adds those it has).
    pub fn new(
        config: &'a Config,
        checked: &'a crate::engine::Checked,
        answers: &'a crate::report::overview::SiteAnswers<'a>,
        today: jiff::civil::Date,
    ) -> SiteInput<'a> {
        SiteInput {
            config,
            backlog: &checked.backlog,
            texts: &checked.texts,
            diagnostics: &checked.diagnostics,
            files: checked.files,
            readiness: &answers.readiness,
            progress: &answers.progress,
            history: None,
            today,
            rev: None,
            stamp: None,
            elsewhere: &NOWHERE,
            portfolio: None,
            live: false,
        }
    }
}

/// No other backlog: qualified dependencies are not read.
pub static NOWHERE: crate::report::planning_board::Elsewhere<'static> =
    crate::report::planning_board::Elsewhere {
        backlogs: Vec::new(),
        unread: Vec::new(),
    };

/// The parts of the frame (`templates/site/base.html`) every page shares.
#[derive(Debug, Clone)]
pub struct Frame<'a> {
    /// The PIs with a board page, for the navigation.
    pub boards: Vec<&'a str>,
    /// Whether `flow.html` is written (the backlog is in git).
    pub flow: bool,
    /// Whether `portfolio.html` is written (a portfolio repository).
    pub portfolio: bool,
    /// Served live by `popm serve`: its script in the head, its Kanban boards in the navigation.
    pub live: bool,
    pub rev: Option<&'a str>,
    pub stamp: Option<&'a str>,
}

impl<'a> Frame<'a> {
    pub fn of(input: &SiteInput<'a>) -> Frame<'a> {
        Frame {
            boards: input.readiness.iter().filter_map(|r| r.pi.id()).collect(),
            flow: input.history.is_some(),
            portfolio: input.portfolio.is_some(),
            live: input.live,
            rev: input.rev,
            stamp: input.stamp,
        }
    }
}

/// A finding listed on a page, as `path:line`, severity, rule and message.
pub struct Finding<'a> {
    pub place: String,
    pub severity: &'static str,
    pub rule: &'static str,
    pub message: &'a str,
}

impl<'a> Finding<'a> {
    pub fn of(d: &'a Diagnostic) -> Self {
        Finding {
            place: format!("{}:{}", d.path, d.line),
            severity: d.severity.as_str(),
            rule: d.rule.name(),
            message: &d.message,
        }
    }
}

/// A PI's dates as a page shows them: "2027-01-04 – 2027-03-14", or "no dates".
pub fn pi_dates(dates: Option<(jiff::civil::Date, jiff::civil::Date)>) -> String {
    dates.map_or("no dates".into(), |(s, e)| format!("{s} – {e}"))
}

/// The prefix that leads from a page at `path` back to the site's root (`""`, `"../"`), so links
/// work from `file://` without a server.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Every page of the site, in a fixed order.
pub fn pages(input: &SiteInput) -> Vec<Page> {
    let frame = Frame::of(input);
    let mut out = Vec::new();
    out.push(index::page(input, &frame));
    for readiness in input.readiness {
        out.push(board::page(input, &frame, readiness));
    }
    out.push(roadmap::page(input, &frame));
    out.push(backlog::page(input, &frame));
    for readiness in input.readiness {
        out.push(pi::page(input, &frame, readiness));
    }
    out.extend(items::pages(input, &frame, None));
    if let Some(history) = input.history {
        out.push(flow::page(input, &frame, history));
    }
    if let Some(site) = input.portfolio {
        out.extend(portfolio::pages(site, &frame));
    }
    out
}

/// The one page at `wanted`, rendering only that page (`popm serve` renders a page a request);
/// the same bytes as that page of [`pages`].
pub fn page(input: &SiteInput, wanted: &str) -> Option<Page> {
    let frame = Frame::of(input);
    let pi_at = |folder: &str| {
        let id = wanted.strip_prefix(folder)?.strip_suffix(".html")?;
        input.readiness.iter().find(|r| r.pi.id() == Some(id))
    };
    match wanted {
        "index.html" => Some(index::page(input, &frame)),
        "roadmap.html" => Some(roadmap::page(input, &frame)),
        "backlog.html" => Some(backlog::page(input, &frame)),
        _ if wanted.starts_with("board/") => Some(board::page(input, &frame, pi_at("board/")?)),
        _ if wanted.starts_with("pi/") => Some(pi::page(input, &frame, pi_at("pi/")?)),
        _ if wanted.starts_with("items/") => items::pages(input, &frame, Some(wanted)).pop(),
        "flow.html" => Some(flow::page(input, &frame, input.history?)),
        _ => portfolio::pages(input.portfolio?, &frame)
            .into_iter()
            .find(|p| p.path == wanted),
    }
}

/// Renders an askama template; a failure (only a `Display` of a value can fail, and popm's values
/// do not) becomes a visible line in the page rather than a panic or a missing file.
pub fn render(template: &impl askama::Template) -> String {
    template
        .render()
        .unwrap_or_else(|e| format!("<!DOCTYPE html><p>popm could not render this page: {e}</p>\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_climbs_one_level_per_folder() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("board/PI-1.html"), "../");
        assert_eq!(root_of("a/b/c.html"), "../../");
    }
}
