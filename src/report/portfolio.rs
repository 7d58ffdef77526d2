//! `popm portfolio backlog`: the portfolio's epics by WSJF, each with the features and
//! capabilities that realize it across the ARTs (those whose `parent` is `portfolio:E-n`), and how
//! many of them are done.

use crate::engine::portfolio::Judged;
use crate::model::{Item, ItemType, Reference, Score, natural_cmp};

/// One epic of the portfolio and its work in the ARTs.
pub struct PortfolioEpic<'a> {
    pub epic: &'a Item,
    pub status: &'a str,
    pub score: Option<Score>,
    /// Features and capabilities whose parent is this epic, ART by ART (popm.toml's order),
    /// by id within an ART.
    pub work: Vec<ArtWork<'a>>,
    /// How many of `work` are done.
    pub done: usize,
}

pub struct ArtWork<'a> {
    pub art: &'a str,
    pub item: &'a Item,
    pub status: &'a str,
    pub done: bool,
}

/// The epics of `backlogs[0]` (the portfolio repository), highest WSJF first (epics without a
/// score last, then by id), each with its work in `backlogs[1..]` (the ARTs).
pub fn backlog<'a>(backlogs: &'a [Judged]) -> Vec<PortfolioEpic<'a>> {
    let Some((own, arts)) = backlogs.split_first() else {
        return Vec::new();
    };
    let mut epics: Vec<PortfolioEpic> = own
        .checked
        .backlog
        .of_type(ItemType::Epic)
        .filter_map(|epic| {
            let id = epic.id()?;
            let mut work = Vec::new();
            for art in arts {
                let mut mine: Vec<&Item> = art
                    .checked
                    .backlog
                    .iter()
                    .filter(|i| matches!(i.kind(), Some(ItemType::Feature | ItemType::Capability)))
                    .filter(|i| {
                        i.parent.as_ref().is_some_and(|p| {
                            Reference::parse(&p.value)
                                == Reference::Qualified {
                                    backlog: &own.name,
                                    id,
                                }
                        })
                    })
                    .collect();
                mine.sort_by(|a, b| natural_cmp(a.id().unwrap_or(""), b.id().unwrap_or("")));
                work.extend(mine.into_iter().map(|item| ArtWork {
                    art: &art.name,
                    item,
                    status: item.status_name(&art.config),
                    done: item.is_done(&art.config),
                }));
            }
            let done = work.iter().filter(|w| w.done).count();
            Some(PortfolioEpic {
                epic,
                status: epic.status_name(&own.config),
                score: Score::of(epic),
                work,
                done,
            })
        })
        .collect();
    epics.sort_by(|a, b| {
        let wsjf = |e: &PortfolioEpic| e.score.as_ref().map(Score::wsjf);
        match (wsjf(a), wsjf(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| natural_cmp(a.epic.id().unwrap_or(""), b.epic.id().unwrap_or("")))
    });
    epics
}

/// One epic on the portfolio roadmap: its ARTs' work, PI by PI.
pub struct RoadmapEpic<'a> {
    pub epic: &'a Item,
    pub rows: Vec<RoadmapRow<'a>>,
}

/// The work of one PI (by id and start date, which may differ between ARTs), or of none.
pub struct RoadmapRow<'a> {
    pub pi: Option<&'a str>,
    pub start: Option<jiff::civil::Date>,
    pub work: Vec<&'a ArtWork<'a>>,
}

/// `popm portfolio roadmap`: the epics in backlog order, each with its ARTs' features and
/// capabilities grouped by PI, PIs by start date (the same id starting on different days in two
/// ARTs is two rows), unplanned work last.
pub fn roadmap<'a>(backlogs: &'a [Judged], epics: &'a [PortfolioEpic<'a>]) -> Vec<RoadmapEpic<'a>> {
    epics
        .iter()
        .map(|e| {
            let mut rows: Vec<RoadmapRow> = Vec::new();
            for w in &e.work {
                let art = backlogs.iter().find(|b| b.name == w.art);
                let pi = art.and_then(|a| a.checked.backlog.planned_pi(w.item));
                let start = art
                    .zip(pi)
                    .and_then(|(a, pi)| a.checked.backlog.get(pi))
                    .and_then(|p| p.pi_fields.as_ref()?.dates())
                    .map(|(start, _)| start);
                match rows.iter_mut().find(|r| r.pi == pi && r.start == start) {
                    Some(row) => row.work.push(w),
                    None => rows.push(RoadmapRow {
                        pi,
                        start,
                        work: vec![w],
                    }),
                }
            }
            rows.sort_by(|a, b| {
                let key = |r: &RoadmapRow| (r.pi.is_none(), r.start, r.pi.map(str::to_string));
                key(a).cmp(&key(b))
            });
            RoadmapEpic { epic: e.epic, rows }
        })
        .collect()
}
