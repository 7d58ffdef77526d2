//! The roadmap (`popm report`'s roadmap page): the PIs in time order, each past, under way or
//! next, and one lane per epic and capability with its features in the column of the PI each is
//! planned for, or in "not planned".

use jiff::civil::Date;

use super::listing::listing_order;
use super::progress::{self, Progress};
use crate::config::Config;
use crate::model::{Backlog, Item, ItemType, Milestone, natural_cmp};

/// Where a PI lies from the day of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Ended before the day.
    Past,
    /// Runs on the day.
    Current,
    /// Starts after the day.
    Next,
}

impl When {
    pub fn as_str(self) -> &'static str {
        match self {
            When::Past => "past",
            When::Current => "current",
            When::Next => "next",
        }
    }

    pub fn of(start: Date, end: Date, today: Date) -> When {
        if end < today {
            When::Past
        } else if start > today {
            When::Next
        } else {
            When::Current
        }
    }
}

/// A PI column: the PI, its first and last day, where it lies (`None` without dates) and its
/// milestones.
#[derive(Debug)]
pub struct PiColumn<'a> {
    pub pi: &'a Item,
    pub dates: Option<(Date, Date)>,
    pub when: Option<When>,
    pub milestones: &'a [Milestone],
}

/// A feature on the roadmap with its rollup.
#[derive(Debug)]
pub struct Placed<'a> {
    pub item: &'a Item,
    pub progress: Option<Progress>,
}

/// One lane: an epic or a capability (`None`: the features under neither), how deep it sits
/// (a capability under an epic is 1), its rollup, and its features per PI column, the last cell
/// being "not planned" (no PI, or a PI that is not in the backlog).
#[derive(Debug)]
pub struct Lane<'a> {
    pub item: Option<&'a Item>,
    pub depth: usize,
    pub progress: Option<Progress>,
    pub cells: Vec<Vec<Placed<'a>>>,
}

impl Lane<'_> {
    pub fn features(&self) -> usize {
        self.cells.iter().map(Vec::len).sum()
    }
}

#[derive(Debug)]
pub struct Roadmap<'a> {
    pub pis: Vec<PiColumn<'a>>,
    pub lanes: Vec<Lane<'a>>,
}

/// The roadmap of `backlog` seen on `today`. PIs by first day (undated ones last, by id); lanes
/// by epic, each followed by its capabilities, then capabilities under no epic, then one lane
/// for the features under neither (left out when there are none); features in a cell by id.
pub fn roadmap<'a>(backlog: &'a Backlog, config: &Config, today: Date) -> Roadmap<'a> {
    let mut pis: Vec<PiColumn> = backlog
        .of_type(ItemType::Pi)
        .filter(|p| p.id().is_some())
        .map(|pi| {
            let dates = pi.pi_fields.as_deref().and_then(|f| f.dates());
            PiColumn {
                pi,
                dates,
                when: dates.map(|(s, e)| When::of(s, e, today)),
                milestones: pi.pi_fields.as_deref().map_or(&[], |f| &f.milestones[..]),
            }
        })
        .collect();
    pis.sort_by(|a, b| {
        let day = |c: &PiColumn| c.dates.map(|d| d.0);
        match (day(a), day(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| natural_cmp(a.pi.id().unwrap_or(""), b.pi.id().unwrap_or("")))
    });
    let rollups = progress::every(backlog, config);
    let index = |item: &Item| item.id().and_then(|id| backlog.index_of(id));
    let rollup = |item: &Item| index(item).and_then(|i| rollups.get(i).copied().flatten());
    let kind_of = |item: Option<&Item>| item.and_then(Item::kind);

    let sorted = |t: ItemType| {
        let mut items: Vec<&Item> = backlog.of_type(t).filter(|i| i.id().is_some()).collect();
        items.sort_by(|a, b| listing_order(a, b));
        items
    };
    let epics = sorted(ItemType::Epic);
    let capabilities = sorted(ItemType::Capability);
    let features = sorted(ItemType::Feature);

    // The lane order, and for each lane item its place in it.
    let mut lanes: Vec<Lane> = Vec::new();
    let mut lane_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let empty_cells = || (0..=pis.len()).map(|_| Vec::new()).collect::<Vec<_>>();
    let mut add = |lanes: &mut Vec<Lane<'a>>, item: &'a Item, depth: usize| {
        if let Some(id) = item.id() {
            lane_of.insert(id, lanes.len());
        }
        lanes.push(Lane {
            item: Some(item),
            depth,
            progress: rollup(item),
            cells: empty_cells(),
        });
    };
    let under = |cap: &Item, epic: &Item| {
        cap.parent.as_ref().map(|p| p.value.as_str()) == epic.id()
            && kind_of(backlog.parent_of(cap)) == Some(ItemType::Epic)
    };
    for epic in &epics {
        add(&mut lanes, epic, 0);
        for cap in capabilities.iter().filter(|c| under(c, epic)) {
            add(&mut lanes, cap, 1);
        }
    }
    for cap in &capabilities {
        if kind_of(backlog.parent_of(cap)) != Some(ItemType::Epic) {
            add(&mut lanes, cap, 0);
        }
    }
    let column = |feature: &Item| {
        feature
            .pi
            .as_ref()
            .and_then(|p| pis.iter().position(|c| c.pi.id() == Some(p.value.as_str())))
            .unwrap_or(pis.len())
    };
    let mut orphans = Lane {
        item: None,
        depth: 0,
        progress: None,
        cells: empty_cells(),
    };
    for feature in features {
        let lane = backlog
            .parent_of(feature)
            .filter(|p| matches!(p.kind(), Some(ItemType::Epic | ItemType::Capability)))
            .and_then(Item::id)
            .and_then(|id| lane_of.get(id).copied());
        let placed = Placed {
            item: feature,
            progress: rollup(feature),
        };
        let cell = column(feature);
        match lane {
            Some(l) => lanes[l].cells[cell].push(placed),
            None => orphans.cells[cell].push(placed),
        }
    }
    if orphans.features() > 0 {
        lanes.push(orphans);
    }
    Roadmap { pis, lanes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_pi_is_past_current_or_next_by_its_first_and_last_day() {
        let (start, end) = (date("2026-01-05"), date("2026-03-13"));
        assert_eq!(When::of(start, end, date("2026-03-14")), When::Past);
        assert_eq!(When::of(start, end, date("2026-03-13")), When::Current);
        assert_eq!(When::of(start, end, date("2026-01-05")), When::Current);
        assert_eq!(When::of(start, end, date("2026-01-04")), When::Next);
    }
}
