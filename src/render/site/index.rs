//! `index.html`: the ART overview: the PIs reported with their readiness verdict, the counts of
//! items per workflow state, and the check's summary.

use askama::Template;

use super::{Finding, Frame, Page, SiteInput, render, root_of};
use crate::diagnostic::Summary;
use crate::report::overview::{self, StateCounts};

#[derive(Template)]
#[template(path = "site/index.html")]
struct IndexPage<'a> {
    root: String,
    frame: &'a Frame<'a>,
    pis: Vec<PiRow<'a>>,
    counts: Vec<StateCounts>,
    summary: Summary,
    /// The first findings, as `path:line: severity[rule]: message`.
    findings: Vec<Finding<'a>>,
    more_findings: usize,
}

struct PiRow<'a> {
    id: &'a str,
    title: &'a str,
    dates: String,
    ready: bool,
    errors: usize,
    warnings: usize,
    features: usize,
    teams: usize,
}

/// Findings listed on the overview; the rest are counted.
const FINDINGS_SHOWN: usize = 50;

pub fn page(input: &SiteInput, frame: &Frame) -> Page {
    let path = "index.html";
    let pis = input
        .readiness
        .iter()
        .map(|r| PiRow {
            id: r.pi.id().unwrap_or(""),
            title: r.pi.title(),
            dates: super::pi_dates(r.start.zip(r.end)),
            ready: r.ready(),
            errors: r.errors(),
            warnings: r.warnings(),
            features: r.plan.planned.len(),
            teams: r.plan.teams.iter().filter(|t| t.has_work).count(),
        })
        .collect();
    let findings = input
        .diagnostics
        .iter()
        .take(FINDINGS_SHOWN)
        .map(Finding::of)
        .collect();
    let page = IndexPage {
        root: root_of(path),
        frame,
        pis,
        counts: overview::state_counts(input.backlog, input.config),
        summary: Summary::of(input.files, input.diagnostics),
        findings,
        more_findings: input.diagnostics.len().saturating_sub(FINDINGS_SHOWN),
    };
    Page {
        path: path.into(),
        html: render(&page),
    }
}
