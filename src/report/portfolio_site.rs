//! The portfolio in `popm report`: what `portfolio.html` and each ART's page show, as typed data.
//!
//! In a portfolio repository the report reads each ART as last fetched (the reading of `popm
//! portfolio check`, offline) and answers: each value stream's budget against the budgets of its
//! implementing epics (the guardrail of `guardrail-exceeded`), the epics by WSJF with their
//! features across the ARTs and their progress, each OKR's key results and the epics serving it,
//! and per ART its features, its PIs and their planning boards (strings to other ARTs resolved
//! through [`Elsewhere`]).

use std::collections::HashMap;

use crate::config::Config;
use crate::engine::portfolio::{Judged, Unavailable};
use crate::model::{Item, ItemType, KeyResult, Reference, natural_cmp};
use crate::report::planning_board::Elsewhere;
use crate::report::portfolio::PortfolioEpic;
use crate::report::progress::Progress;
use crate::report::readiness::Readiness;
use crate::rules::portfolio::{self as guardrail, IMPLEMENTING, Member};

/// Everything the portfolio's pages show.
pub struct PortfolioSite<'a> {
    /// The portfolio repository's name (`portfolio` in `portfolio:E-1`).
    pub own: &'a str,
    pub streams: Vec<StreamBudget<'a>>,
    /// Epics that name no value stream, or one popm.toml does not list.
    pub unowned: Vec<&'a Item>,
    /// The epics by WSJF (as `popm portfolio backlog`), each with its work across the ARTs.
    pub epics: Vec<EpicRow<'a>>,
    pub okrs: Vec<OkrRow<'a>>,
    /// Every ART of `[portfolio] arts`, in popm.toml's order.
    pub arts: Vec<ArtView<'a>>,
    /// Every backlog read (the portfolio's and each ART's), for the boards' strings.
    pub elsewhere: Elsewhere<'a>,
}

/// A value stream's lean budget against what it is implementing.
pub struct StreamBudget<'a> {
    pub name: &'a str,
    /// Per PI, in the portfolio's currency unit.
    pub budget: f64,
    /// Its epics in the implementing state, by id, with their budgets (`None`: not given).
    pub implementing: Vec<(&'a Item, Option<f64>)>,
    /// The sum of `implementing`'s budgets: what counts against the guardrail.
    pub sum: f64,
    /// Its other epics (not implementing: their budgets do not count), by id, with their states.
    pub others: Vec<(&'a Item, &'a str)>,
}

impl StreamBudget<'_> {
    /// The guardrail of `guardrail-exceeded`: the sum may reach the budget, not pass it.
    pub fn over(&self) -> bool {
        self.sum > self.budget
    }
}

/// One epic of the portfolio backlog, with the progress of each feature across the ARTs.
pub struct EpicRow<'a> {
    pub rank: usize,
    pub epic: &'a PortfolioEpic<'a>,
    pub value_stream: Option<&'a str>,
    pub budget: Option<f64>,
    /// Per item of `epic.work`: its PI in its ART and its progress.
    pub work: Vec<WorkRow<'a>>,
    /// The points of all the work's stories, and of the done ones.
    pub points: f64,
    pub done_points: f64,
}

pub struct WorkRow<'a> {
    pub art: &'a str,
    pub item: &'a Item,
    pub status: &'a str,
    pub done: bool,
    pub pi: Option<&'a str>,
    pub progress: Option<Progress>,
}

/// An OKR of the portfolio: its key results with their progress, and the epics serving it.
pub struct OkrRow<'a> {
    pub okr: &'a Item,
    /// Each key result with [`KeyResult::progress`].
    pub key_results: Vec<(&'a KeyResult, Option<f64>)>,
    /// The mean of the key results' progress, each counted between 0 and 1 (one far past its
    /// target does not hide one behind); `None` when no key result can be measured.
    pub progress: Option<f64>,
    /// Epics naming it in `okrs`, in any backlog: (backlog, epic), the portfolio's first, by id.
    pub epics: Vec<(&'a str, &'a Item)>,
}

/// One ART: read, or why not.
pub struct ArtView<'a> {
    pub name: &'a str,
    /// The ref popm.toml names.
    pub reference: &'a str,
    pub read: Result<ArtRead<'a>, &'a str>,
}

pub struct ArtRead<'a> {
    pub judged: &'a Judged,
    /// The commit read, short.
    pub commit: &'a str,
    /// Its features and capabilities, by id: those serving a portfolio epic first.
    pub features: Vec<ArtFeature<'a>>,
    /// Its PIs with planned work, in start order, each assessed as for its board.
    pub boards: Vec<Readiness<'a>>,
    /// [`crate::report::progress::every`] over the ART's backlog.
    pub progress: Vec<Option<Progress>>,
}

pub struct ArtFeature<'a> {
    pub item: &'a Item,
    pub status: &'a str,
    pub pi: Option<&'a str>,
    /// The portfolio epic it serves (`portfolio:E-1` -> `E-1`).
    pub epic: Option<&'a str>,
    pub progress: Option<Progress>,
}

/// The portfolio's answers. `backlogs[0]` is the portfolio repository's own, the rest the ARTs
/// that could be read (with `commits[i]` the commit of `backlogs[i + 1]`); `unavailable` the ARTs
/// that could not.
pub fn of<'a>(
    backlogs: &'a [Judged],
    commits: &'a [String],
    unavailable: &'a [Unavailable],
    config: &'a Config,
    epics: &'a [PortfolioEpic<'a>],
) -> PortfolioSite<'a> {
    let own = backlogs.first();
    let own_name = own.map_or("", |o| o.name.as_str());
    let progress: HashMap<&str, Vec<Option<Progress>>> = backlogs
        .iter()
        .skip(1)
        .map(|b| {
            (
                b.name.as_str(),
                crate::report::progress::every(&b.checked.backlog, &b.config),
            )
        })
        .collect();
    let (streams, unowned) = own.map_or_else(Default::default, |o| streams(o, config));
    let epic_rows = epic_rows(backlogs, epics, &progress);
    let okrs = own.map_or_else(Vec::new, |o| okrs(o, backlogs));
    let mut progress = progress;
    let arts = config
        .portfolio
        .arts
        .iter()
        .map(|art| {
            let read = match backlogs.iter().skip(1).position(|b| b.name == art.name) {
                Some(i) => {
                    let judged = &backlogs[i + 1];
                    Ok(ArtRead {
                        judged,
                        commit: commits.get(i).map_or("", String::as_str),
                        features: art_features(judged, own_name, &progress),
                        boards: boards(judged),
                        progress: progress.remove(judged.name.as_str()).unwrap_or_default(),
                    })
                }
                None => Err(unavailable
                    .iter()
                    .find(|u| u.name == art.name)
                    .map_or("not read", |u| u.reason.as_str())),
            };
            ArtView {
                name: &art.name,
                reference: &art.reference,
                read,
            }
        })
        .collect();
    PortfolioSite {
        own: own_name,
        streams,
        unowned,
        epics: epic_rows,
        okrs,
        arts,
        elsewhere: Elsewhere {
            backlogs: backlogs
                .iter()
                .map(|b| Member {
                    name: &b.name,
                    backlog: &b.checked.backlog,
                    config: &b.config,
                })
                .collect(),
            unread: unavailable.iter().map(|u| u.name.as_str()).collect(),
        },
    }
}

fn by_id(a: &Item, b: &Item) -> std::cmp::Ordering {
    natural_cmp(a.id().unwrap_or(""), b.id().unwrap_or(""))
}

/// Each value stream of popm.toml with its epics, and the epics no listed value stream owns.
fn streams<'a>(own: &'a Judged, config: &'a Config) -> (Vec<StreamBudget<'a>>, Vec<&'a Item>) {
    let mut epics: Vec<&Item> = own.checked.backlog.of_type(ItemType::Epic).collect();
    epics.sort_by(|a, b| by_id(a, b));
    let streams = config
        .portfolio
        .value_streams
        .iter()
        .map(|(name, budget)| {
            let (mut implementing, sum) =
                guardrail::implementing(&own.checked.backlog, &own.config, name);
            implementing.sort_by(|a, b| by_id(a, b));
            StreamBudget {
                name,
                budget: *budget,
                sum,
                implementing: implementing
                    .into_iter()
                    .map(|e| (e, e.budget.as_ref().map(|b| b.value)))
                    .collect(),
                others: epics
                    .iter()
                    .filter(|e| e.value_stream.as_ref().is_some_and(|v| v.value == *name))
                    .map(|e| (*e, e.status_name(&own.config)))
                    .filter(|(_, status)| *status != IMPLEMENTING)
                    .collect(),
            }
        })
        .collect();
    let unowned = epics
        .into_iter()
        .filter(|e| {
            e.value_stream
                .as_ref()
                .is_none_or(|v| !config.portfolio.value_streams.contains_key(&v.value))
        })
        .collect();
    (streams, unowned)
}

fn epic_rows<'a>(
    backlogs: &'a [Judged],
    epics: &'a [PortfolioEpic<'a>],
    progress: &HashMap<&str, Vec<Option<Progress>>>,
) -> Vec<EpicRow<'a>> {
    epics
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let work: Vec<WorkRow> = e
                .work
                .iter()
                .map(|w| {
                    let art = backlogs.iter().find(|b| b.name == w.art);
                    let rollup = art.and_then(|a| {
                        let index = a.checked.backlog.index_of(w.item.id()?)?;
                        progress.get(w.art)?.get(index).copied().flatten()
                    });
                    WorkRow {
                        art: w.art,
                        item: w.item,
                        status: w.status,
                        done: w.done,
                        pi: art.and_then(|a| a.checked.backlog.planned_pi(w.item)),
                        progress: rollup,
                    }
                })
                .collect();
            EpicRow {
                rank: i + 1,
                epic: e,
                value_stream: e.epic.value_stream.as_ref().map(|v| v.value.as_str()),
                budget: e.epic.budget.as_ref().map(|b| b.value),
                points: work
                    .iter()
                    .filter_map(|w| w.progress)
                    .map(|p| p.points)
                    .sum(),
                done_points: work
                    .iter()
                    .filter_map(|w| w.progress)
                    .map(|p| p.done_points)
                    .sum(),
                work,
            }
        })
        .collect()
}

/// The OKRs of the portfolio repository, by id, each with the epics of every backlog serving it.
fn okrs<'a>(own: &'a Judged, backlogs: &'a [Judged]) -> Vec<OkrRow<'a>> {
    let mut okrs: Vec<&Item> = own.checked.backlog.of_type(ItemType::Okr).collect();
    okrs.sort_by(|a, b| by_id(a, b));
    okrs.into_iter()
        .map(|okr| {
            let id = okr.id().unwrap_or("");
            let mut epics: Vec<(&str, &Item)> = Vec::new();
            for (i, b) in backlogs.iter().enumerate() {
                let mut serving: Vec<&Item> = b
                    .checked
                    .backlog
                    .of_type(ItemType::Epic)
                    .filter(|e| {
                        e.okrs.iter().any(|o| match Reference::parse(&o.value) {
                            Reference::Local(local) => i == 0 && local == id,
                            Reference::Qualified {
                                backlog,
                                id: theirs,
                            } => backlog == own.name && theirs == id,
                            Reference::Malformed => false,
                        })
                    })
                    .collect();
                serving.sort_by(|a, b| by_id(a, b));
                epics.extend(serving.into_iter().map(|e| (b.name.as_str(), e)));
            }
            let key_results: Vec<(&KeyResult, Option<f64>)> =
                okr.key_results.iter().map(|k| (k, k.progress())).collect();
            let measured: Vec<f64> = key_results
                .iter()
                .filter_map(|(_, p)| p.map(|p| p.clamp(0.0, 1.0)))
                .collect();
            OkrRow {
                okr,
                progress: (!measured.is_empty())
                    .then(|| measured.iter().sum::<f64>() / measured.len() as f64),
                key_results,
                epics,
            }
        })
        .collect()
}

/// An ART's features and capabilities: those serving an epic of the portfolio first, then the
/// others, each part by id.
fn art_features<'a>(
    art: &'a Judged,
    own: &str,
    progress: &HashMap<&str, Vec<Option<Progress>>>,
) -> Vec<ArtFeature<'a>> {
    let backlog = &art.checked.backlog;
    let rollups = progress.get(art.name.as_str());
    let mut out: Vec<ArtFeature> = backlog
        .items
        .iter()
        .enumerate()
        .filter(|(_, i)| matches!(i.kind(), Some(ItemType::Feature | ItemType::Capability)))
        .map(|(index, item)| ArtFeature {
            item,
            status: item.status_name(&art.config),
            pi: backlog.planned_pi(item),
            epic: item
                .parent
                .as_ref()
                .and_then(|p| match Reference::parse(&p.value) {
                    Reference::Qualified { backlog, id } if backlog == own => Some(id),
                    _ => None,
                }),
            progress: rollups.and_then(|r| r.get(index).copied().flatten()),
        })
        .collect();
    out.sort_by(|a, b| {
        a.epic
            .is_none()
            .cmp(&b.epic.is_none())
            .then_with(|| by_id(a.item, b.item))
    });
    out
}

/// Every PI of the ART with planned work, assessed for planning as the ART's own report would.
fn boards(art: &Judged) -> Vec<Readiness<'_>> {
    crate::report::overview::pis_with_work(&art.checked.backlog)
        .into_iter()
        .map(|pi| {
            crate::report::readiness::assess(
                &art.checked.backlog,
                &art.config,
                &art.checked.diagnostics,
                pi,
            )
        })
        .collect()
}
