//! `items/<ID>.html`: one page per item: its fields, its body rendered from markdown (safely, see
//! [`super::markdown`]), its parents, children and dependencies, its progress and its findings.

use std::collections::HashMap;

use askama::Template;

use super::link::{self, ItemRef};
use super::roadmap::ProgressView;
use super::{Frame, Page, SiteInput, markdown, render, root_of};
use crate::diagnostic::Diagnostic;
use crate::model::Item;
use crate::render::number;
use crate::report::detail::{self, Detail, Related};

#[derive(Template)]
#[template(path = "site/item.html")]
struct ItemPage<'a> {
    root: String,
    frame: &'a Frame<'a>,
    item: ItemRef<'a>,
    path: &'a str,
    fields: Vec<Field<'a>>,
    progress: Option<ProgressView>,
    /// HTML built by [`markdown::to_html`]: raw HTML in the body is escaped there.
    body: Option<String>,
    parents: Vec<ItemRef<'a>>,
    children: Vec<ItemRef<'a>>,
    dependencies: Vec<Dependency<'a>>,
    needed_by: Vec<ItemRef<'a>>,
    /// The PI's own page, for an item of type pi that has one.
    pi_page: bool,
    planned: Vec<ItemRef<'a>>,
    /// An OKR's key results and the epics serving it.
    okr: Option<OkrSection<'a>>,
    findings: Vec<Finding<'a>>,
}

struct OkrSection<'a> {
    key_results: Vec<KeyResultRow<'a>>,
    epics: Vec<ItemRef<'a>>,
}

struct KeyResultRow<'a> {
    text: &'a str,
    start: String,
    current: String,
    target: String,
    /// (current - start) / (target - start) as a whole percent (past 100 beyond the target), and
    /// the same clamped to 0-100 for the bar; `None` when it cannot be measured.
    percent: Option<(String, u32)>,
}

impl<'a> OkrSection<'a> {
    fn of(okr: &detail::OkrDetail<'a>, config: &'a crate::config::Config) -> OkrSection<'a> {
        let value = |v: Option<f64>| v.map_or_else(|| "-".into(), number::exact);
        OkrSection {
            key_results: okr
                .key_results
                .iter()
                .map(|(k, p)| KeyResultRow {
                    text: k.text.as_deref().unwrap_or(""),
                    start: value(k.start),
                    current: value(k.current),
                    target: value(k.target),
                    percent: p.map(|p| {
                        (
                            format!("{:.0}", p * 100.0),
                            (p * 100.0).round().clamp(0.0, 100.0) as u32,
                        )
                    }),
                })
                .collect(),
            epics: refs(&okr.epics, config),
        }
    }
}

/// One row of the fields table: its name, its value as text, and the id of the item it names
/// when that item has a page.
struct Field<'a> {
    name: &'static str,
    value: String,
    link: Option<&'a str>,
}

enum Dependency<'a> {
    Item(ItemRef<'a>),
    Missing(&'a str),
    /// Another backlog's item (`rail:F-12`), with that backlog's name: these pages do not read it.
    Elsewhere(&'a str, &'a str),
}

struct Finding<'a> {
    line: u32,
    severity: &'static str,
    rule: &'static str,
    message: &'a str,
}

fn fields<'a>(d: &Detail<'a>, input: &'a SiteInput) -> Vec<Field<'a>> {
    let item: &'a Item = d.item;
    let mut out: Vec<Field<'a>> = Vec::new();
    let mut text = |name: &'static str, value: String| {
        if !value.is_empty() {
            out.push(Field {
                name,
                value,
                link: None,
            });
        }
    };
    text("status", item.status_name(input.config).to_string());
    text(
        "enabler",
        item.enabler
            .as_ref()
            .map_or(String::new(), |e| e.value.as_str().to_string()),
    );
    text("team", item.teams().collect::<Vec<_>>().join(", "));
    text("ART", value(&item.art));
    text("owner", value(&item.owner));
    text(
        "iteration",
        item.iteration
            .as_ref()
            .map_or(String::new(), |v| v.value.to_string()),
    );
    text(
        "points",
        item.points
            .as_ref()
            .map_or(String::new(), |v| number::points(v.value)),
    );
    text(
        "estimate",
        item.estimate
            .as_ref()
            .map_or(String::new(), |v| number::points(v.value)),
    );
    text(
        "rank",
        item.rank
            .as_ref()
            .map_or(String::new(), |v| v.value.to_string()),
    );
    if let Some(w) = &item.wsjf {
        let [bv, tc, rr, js] = w
            .values()
            .map(|v| v.map_or("-".to_string(), |v| v.to_string()));
        text(
            "WSJF inputs",
            format!(
                "business value {bv}, time criticality {tc}, risk reduction / opportunity {rr}, job size {js}"
            ),
        );
        text("WSJF", number::wsjf_or_dash(crate::model::Score::of(item)));
    }
    text(
        "labels",
        item.labels
            .iter()
            .map(|l| l.value.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    text("Jira", value(&item.jira));
    text("value stream", value(&item.value_stream));
    text(
        "budget",
        item.budget
            .as_ref()
            .map_or(String::new(), |b| number::exact(b.value)),
    );
    text(
        "OKRs",
        item.okrs
            .iter()
            .map(|o| o.value.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    if let Some(pi) = &d.pi {
        if let Some((s, e)) = pi.dates {
            text("dates", format!("{s} – {e}"));
        }
        text(
            "development iterations",
            pi.development_iterations.to_string(),
        );
    }
    // Fields that name another item link to its page.
    let mut named = |name: &'static str, id: Option<&'a str>| {
        if let Some(id) = id {
            out.push(Field {
                name,
                value: id.to_string(),
                link: (link::has_page(id) && input.backlog.get(id).is_some()).then_some(id),
            });
        }
    };
    named("parent", item.parent.as_ref().map(|p| p.value.as_str()));
    named("PI", item.pi.as_ref().map(|p| p.value.as_str()));
    out
}

fn value(v: &Option<crate::model::Spanned<String>>) -> String {
    v.as_ref().map_or(String::new(), |v| v.value.clone())
}

/// The markdown body of an item's file (after the frontmatter), as safe HTML; `None` when the
/// file was not read as text or its body is blank.
fn body_html(input: &SiteInput, item: &Item) -> Option<String> {
    let text = input.texts.get(&item.path)?;
    let split = crate::parse::frontmatter::split(text.trim_start_matches('\u{feff}')).ok()?;
    (!split.body.trim().is_empty()).then(|| markdown::to_html(split.body))
}

fn refs<'a>(items: &[&'a Item], config: &'a crate::config::Config) -> Vec<ItemRef<'a>> {
    items.iter().map(|i| ItemRef::of(i, config)).collect()
}

/// Every item page, in backlog order: one per id (the item `popm show` shows for it), for ids
/// that are safe file names; with `only`, just the page at that path.
pub fn pages<'a>(input: &'a SiteInput<'a>, frame: &Frame, only: Option<&str>) -> Vec<Page> {
    let mut by_path: HashMap<&str, Vec<&Diagnostic>> = HashMap::new();
    for d in input.diagnostics {
        by_path.entry(d.path.as_str()).or_default().push(d);
    }
    let refs = |items: &[&'a Item]| refs(items, input.config);
    detail::every(input.backlog, input.config)
        .into_iter()
        .filter(|d| d.item.id().is_some_and(link::has_page))
        .map(|d| (link::item_path(d.item.id().unwrap_or("")), d))
        .filter(|(path, _)| only.is_none_or(|only| only == path))
        .map(|(path, d)| {
            let item = ItemRef::of(d.item, input.config);
            let findings = by_path
                .get(d.item.path.as_str())
                .map(|found| {
                    found
                        .iter()
                        .map(|f| Finding {
                            line: f.line,
                            severity: f.severity.as_str(),
                            rule: f.rule.name(),
                            message: &f.message,
                        })
                        .collect()
                })
                .unwrap_or_default();
            let page = ItemPage {
                root: root_of(&path),
                frame,
                fields: fields(&d, input),
                path: &d.item.path,
                progress: ProgressView::of(d.progress),
                body: body_html(input, d.item),
                parents: refs(&d.parents),
                children: refs(&d.children),
                dependencies: d
                    .dependencies
                    .iter()
                    .map(|r| match r {
                        Related::Item(i) => Dependency::Item(ItemRef::of(i, input.config)),
                        Related::Missing(id) => match crate::model::Reference::parse(id) {
                            crate::model::Reference::Qualified { backlog, .. } => {
                                Dependency::Elsewhere(id, backlog)
                            }
                            _ => Dependency::Missing(id),
                        },
                    })
                    .collect(),
                needed_by: refs(&d.needed_by),
                pi_page: input.readiness.iter().any(|r| std::ptr::eq(r.pi, d.item)),
                planned: d.pi.as_ref().map(|p| refs(&p.planned)).unwrap_or_default(),
                okr: d.okr.as_ref().map(|o| OkrSection::of(o, input.config)),
                findings,
                item,
            };
            Page {
                html: render(&page),
                path,
            }
        })
        .collect()
}
