//! The ART planning board of one PI (SAFe 5: the program board), as typed data: teams as rows, the
//! PI's development iterations as columns plus an unscheduled one, the PI's milestones, one card
//! per feature and delivering team, and the dependency strings between features in four states.
//!
//! Placement: a feature of the PI (its own `pi`) gets a card in the row of each team that delivers
//! it: the teams of its stories planned in the PI and the teams it names. The card sits in the
//! iteration of that team's last story with a development iteration; a team without such a story
//! takes the feature's own `iteration`; without one the card is unscheduled.
//!
//! A string joins a feature to each item it depends on (`depends_on`). Where the dependency lands,
//! compared with where the feature lands (its latest card):
//! - ok: done, or in an earlier iteration or an earlier PI;
//! - risk: in the same iteration, or either end unscheduled in this PI, or in a PI without dates;
//! - late: in a later iteration or a later PI;
//! - unplanned: in no PI (or a PI that does not exist) and not done, or not an item at all.
//!
//! A dependency on another backlog's item (`rail:F-12`) is looked up in [`Elsewhere`]: in a
//! portfolio, the ARTs as last fetched. Its PI is compared with this one by start date (each ART
//! has its own PI items), and when both start on the same day, by iteration as above. A backlog
//! the report does not read leaves the string unplanned, saying so.

use std::cmp::Ordering;

use jiff::civil::Date;

use crate::config::Config;
use crate::model::{Backlog, Item, ItemType, Milestone, PiFields, Reference, natural_cmp};
use crate::report::progress::Progress;
use crate::report::readiness::Readiness;
use crate::rules::portfolio::Member;

/// A column of the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    /// A development iteration, 1-based.
    Iteration(usize),
    Unscheduled,
}

/// One feature in one team's row.
#[derive(Debug, Clone)]
pub struct Card<'a> {
    pub feature: &'a Item,
    pub id: &'a str,
    /// Index into [`PlanningBoard::teams`].
    pub row: usize,
    pub column: Column,
    /// Position by WSJF among the PI's features (as `pi ready` ranks them).
    pub wsjf_rank: Option<usize>,
    pub progress: Option<Progress>,
    pub enabler: bool,
    /// Passes every readiness check of `pi ready`.
    pub ready: bool,
}

/// The state of a dependency string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringState {
    Ok,
    Risk,
    Late,
    Unplanned,
}

impl StringState {
    pub fn as_str(self) -> &'static str {
        match self {
            StringState::Ok => "ok",
            StringState::Risk => "risk",
            StringState::Late => "late",
            StringState::Unplanned => "unplanned",
        }
    }
}

/// Where the item a feature depends on lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Landing<'a> {
    Done,
    /// In this PI, in a column of the board.
    ThisPi(Column),
    /// In another PI, before or after this one (`None`: one of the two has no dates).
    OtherPi {
        pi: &'a str,
        order: Option<Ordering>,
    },
    /// In no PI, or a PI that is not an item of type pi.
    Unplanned,
    /// No item has the id.
    Missing,
    /// In another backlog, named by a qualified id (`rail:F-12`).
    Foreign {
        backlog: &'a str,
        id: &'a str,
        place: Foreign<'a>,
    },
}

/// Where an item of another backlog lands, read in that backlog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Foreign<'a> {
    /// The report reads no backlog of that name. `art`: it is an ART of the portfolio that could
    /// not be read (never fetched, or unreadable); otherwise a backlog the report does not know.
    NotRead {
        art: bool,
    },
    /// That backlog has no item with the id.
    Missing,
    Done,
    /// In no PI of that backlog (or one that is not a PI item there).
    Unplanned,
    /// In `pi` of that backlog; `order` compares its start with this PI's (`None`: one of the two
    /// has no dates); `column` is where it lands in its own PI, by the board's rule.
    Pi {
        pi: &'a str,
        order: Option<Ordering>,
        column: Column,
    },
}

/// The other backlogs a board's qualified dependencies are looked up in: in a portfolio, the
/// portfolio's own backlog and each ART's as last fetched; none in a lone repository.
#[derive(Default)]
pub struct Elsewhere<'a> {
    pub backlogs: Vec<Member<'a>>,
    /// ARTs of the portfolio the report could not read.
    pub unread: Vec<&'a str>,
}

/// A dependency: `from` depends on `to`.
#[derive(Debug, Clone)]
pub struct DependencyString<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub state: StringState,
    pub landing: Landing<'a>,
    /// The card the string starts at: the depending feature's latest.
    pub from_card: usize,
    /// The card it ends at, when `to` is a feature on this board (its latest card).
    pub to_card: Option<usize>,
    /// The title of the other backlog's item, for a qualified dependency the board could read.
    pub foreign_title: Option<&'a str>,
}

/// Where a milestone falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneWhen {
    Iteration(usize),
    /// In the Innovation & Planning iteration.
    IpIteration,
    BeforePi,
    AfterPi,
    /// The PI has no dates.
    Undated,
}

#[derive(Debug, Clone)]
pub struct MilestonePlace<'a> {
    pub milestone: &'a Milestone,
    pub when: MilestoneWhen,
}

#[derive(Debug)]
pub struct PlanningBoard<'a> {
    pub pi: &'a Item,
    /// Development iterations (columns 1..=n).
    pub iterations: usize,
    /// First and last day of each development iteration, when the PI has a start date.
    pub iteration_dates: Vec<(Date, Date)>,
    /// The rows: teams with capacity or work in the PI's order, then other teams with cards; `None`
    /// is the row of features that name no team and have no story with one.
    pub teams: Vec<Option<&'a str>>,
    /// Ordered by row, column, WSJF rank, id.
    pub cards: Vec<Card<'a>>,
    /// Ordered by the depending feature's card, then as `depends_on` lists them.
    pub strings: Vec<DependencyString<'a>>,
    /// In date order.
    pub milestones: Vec<MilestonePlace<'a>>,
}

impl PlanningBoard<'_> {
    /// The cards in one cell, in order.
    pub fn cell(&self, row: usize, column: Column) -> impl Iterator<Item = &Card<'_>> {
        self.cards
            .iter()
            .filter(move |c| c.row == row && c.column == column)
    }
}

/// The board of the PI `readiness` assessed; `progress` is [`crate::report::progress::every`].
/// Qualified dependencies are not read: their strings say so.
pub fn of<'a>(
    backlog: &'a Backlog,
    config: &Config,
    readiness: &Readiness<'a>,
    progress: &[Option<Progress>],
) -> PlanningBoard<'a> {
    of_in(backlog, config, readiness, progress, &Elsewhere::default())
}

/// [`of`], with qualified dependencies looked up in `elsewhere`.
pub fn of_in<'a>(
    backlog: &'a Backlog,
    config: &Config,
    readiness: &Readiness<'a>,
    progress: &[Option<Progress>],
    elsewhere: &Elsewhere<'a>,
) -> PlanningBoard<'a> {
    let pi = readiness.pi;
    let pi_id = pi.id().unwrap_or("");
    let iterations = readiness.plan.development_iterations;
    let column_of = |i: Option<i64>| match i.and_then(|i| usize::try_from(i).ok()) {
        Some(i) if (1..=iterations).contains(&i) => Column::Iteration(i),
        _ => Column::Unscheduled,
    };
    let mut teams: Vec<Option<&'a str>> = readiness
        .plan
        .teams
        .iter()
        .filter_map(|t| {
            // The plan's team names are owned; find the same name borrowed from the backlog.
            lookup_team(readiness, &t.team)
        })
        .map(Some)
        .collect();
    let mut cards: Vec<Card<'a>> = Vec::new();
    for feature in &readiness.plan.planned {
        if feature.kind() != Some(ItemType::Feature) {
            continue;
        }
        let Some(id) = feature.id() else { continue };
        // Per team: the latest development iteration of its stories of this feature in the PI.
        let mut delivering: Vec<(Option<&'a str>, Option<usize>)> = Vec::new();
        for work in &readiness.plan.work {
            let is_story_of_feature = work.item.kind() == Some(ItemType::Story)
                && backlog.parent_of(work.item).and_then(Item::id) == Some(id);
            if !is_story_of_feature {
                continue;
            }
            match delivering.iter_mut().find(|(t, _)| *t == Some(work.team)) {
                Some((_, latest)) => *latest = (*latest).max(work.iteration),
                None => delivering.push((Some(work.team), work.iteration)),
            }
        }
        for team in feature.teams() {
            if !delivering.iter().any(|(t, _)| *t == Some(team)) {
                delivering.push((Some(team), None));
            }
        }
        if delivering.is_empty() {
            delivering.push((None, None));
        }
        let readiness_of = readiness
            .features
            .iter()
            .find(|f| std::ptr::eq(f.item, *feature));
        let feature_progress = backlog
            .index_of(id)
            .and_then(|i| progress.get(i).copied().flatten());
        for (team, latest) in delivering {
            let row = match teams.iter().position(|t| *t == team) {
                Some(row) => row,
                None => {
                    teams.push(team);
                    teams.len() - 1
                }
            };
            let column = match latest {
                Some(i) => Column::Iteration(i),
                None => column_of(feature.iteration.as_ref().map(|i| i.value)),
            };
            cards.push(Card {
                feature,
                id,
                row,
                column,
                wsjf_rank: readiness_of.map(|f| f.wsjf_rank),
                progress: feature_progress,
                enabler: feature.is_enabler(),
                ready: readiness_of.is_some_and(|f| f.ready()),
            });
        }
    }
    // The no-team row goes last.
    if let Some(none) = teams.iter().position(Option::is_none) {
        let last = teams.len() - 1;
        teams.swap(none, last);
        for card in &mut cards {
            if card.row == none {
                card.row = last;
            } else if card.row == last {
                card.row = none;
            }
        }
    }
    cards.sort_by(|a, b| {
        (a.row, a.column, a.wsjf_rank.is_none(), a.wsjf_rank)
            .cmp(&(b.row, b.column, b.wsjf_rank.is_none(), b.wsjf_rank))
            .then_with(|| natural_cmp(a.id, b.id))
    });
    let strings = strings(backlog, config, pi_id, pi, &cards, &column_of, elsewhere);
    let fields = pi.pi_fields.as_deref();
    let iteration_dates = fields.map(iteration_dates).unwrap_or_default();
    let mut milestones: Vec<MilestonePlace<'a>> = fields
        .map(|f| {
            f.milestones
                .iter()
                .map(|m| MilestonePlace {
                    milestone: m,
                    when: when(f, &iteration_dates, m.date),
                })
                .collect()
        })
        .unwrap_or_default();
    milestones.sort_by_key(|m| m.milestone.date);
    PlanningBoard {
        pi,
        iterations,
        iteration_dates: iteration_dates.into_iter().take(iterations).collect(),
        teams,
        cards,
        strings,
        milestones,
    }
}

/// The team name as the backlog or popm.toml's capacity spells it, borrowed for the board's life.
fn lookup_team<'a>(readiness: &Readiness<'a>, name: &str) -> Option<&'a str> {
    let fields: &'a PiFields = readiness.fields;
    fields
        .capacity
        .iter()
        .map(|(t, _)| t.value.as_str())
        .chain(readiness.plan.work.iter().map(|w| w.team))
        .find(|t| *t == name)
}

/// The latest card of each feature: where the feature lands.
fn latest_card(cards: &[Card], id: &str) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, card) in cards.iter().enumerate() {
        if card.id == id && best.is_none_or(|b| card.column > cards[b].column) {
            best = Some(i);
        }
    }
    best
}

fn strings<'a>(
    backlog: &'a Backlog,
    config: &Config,
    pi_id: &str,
    pi: &Item,
    cards: &[Card<'a>],
    column_of: &dyn Fn(Option<i64>) -> Column,
    elsewhere: &Elsewhere<'a>,
) -> Vec<DependencyString<'a>> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for card in cards {
        if seen.contains(&card.id) {
            continue;
        }
        seen.push(card.id);
        let Some(from_card) = latest_card(cards, card.id) else {
            continue;
        };
        let from_column = cards[from_card].column;
        for dependency in &card.feature.depends_on {
            let to = dependency.value.as_str();
            let to_card = latest_card(cards, to);
            let mut foreign_title = None;
            let landing = match (Reference::parse(to), backlog.get(to), to_card) {
                (Reference::Qualified { backlog, id }, _, _) => {
                    let (place, item) = foreign(elsewhere, backlog, id, pi);
                    foreign_title = item.map(Item::title);
                    Landing::Foreign { backlog, id, place }
                }
                (_, None, _) => Landing::Missing,
                (_, Some(item), _) if item.is_done(config) => Landing::Done,
                (_, Some(_), Some(c)) => Landing::ThisPi(cards[c].column),
                (_, Some(item), None) => match backlog.planned_pi(item) {
                    None => Landing::Unplanned,
                    Some(p) if p == pi_id => {
                        Landing::ThisPi(column_of(item.iteration.as_ref().map(|i| i.value)))
                    }
                    Some(p) => match backlog.get(p).filter(|i| i.kind() == Some(ItemType::Pi)) {
                        None => Landing::Unplanned,
                        Some(other) => Landing::OtherPi {
                            pi: p,
                            order: start_of(other)
                                .zip(start_of(pi))
                                .map(|(theirs, ours)| theirs.cmp(&ours)),
                        },
                    },
                },
            };
            let state = match &landing {
                Landing::Done => StringState::Ok,
                Landing::Unplanned | Landing::Missing => StringState::Unplanned,
                Landing::OtherPi { order, .. } => match order {
                    Some(Ordering::Less) => StringState::Ok,
                    Some(Ordering::Greater) => StringState::Late,
                    _ => StringState::Risk,
                },
                Landing::ThisPi(column) => by_iteration(*column, from_column),
                Landing::Foreign { place, .. } => match place {
                    Foreign::Done => StringState::Ok,
                    Foreign::NotRead { .. } | Foreign::Missing | Foreign::Unplanned => {
                        StringState::Unplanned
                    }
                    Foreign::Pi { order, column, .. } => match order {
                        Some(Ordering::Less) => StringState::Ok,
                        Some(Ordering::Greater) => StringState::Late,
                        Some(Ordering::Equal) => by_iteration(*column, from_column),
                        None => StringState::Risk,
                    },
                },
            };
            out.push(DependencyString {
                from: card.id,
                to,
                state,
                landing,
                from_card,
                to_card,
                foreign_title,
            });
        }
    }
    out
}

/// A dependency landing in `theirs` for a feature landing in `ours`, in one PI (or two that start
/// on the same day): earlier is ok, the same iteration or an unscheduled end a risk, later late.
fn by_iteration(theirs: Column, ours: Column) -> StringState {
    match (theirs, ours) {
        (Column::Iteration(d), Column::Iteration(f)) => match d.cmp(&f) {
            Ordering::Less => StringState::Ok,
            Ordering::Equal => StringState::Risk,
            Ordering::Greater => StringState::Late,
        },
        _ => StringState::Risk,
    }
}

/// Where `backlog:id` lands, read in that backlog, for a board of the PI `ours`; and the item,
/// when that backlog has it.
fn foreign<'a>(
    elsewhere: &Elsewhere<'a>,
    backlog: &str,
    id: &str,
    ours: &Item,
) -> (Foreign<'a>, Option<&'a Item>) {
    let Some(member) = elsewhere.backlogs.iter().find(|m| m.name == backlog) else {
        let art = elsewhere.unread.contains(&backlog);
        return (Foreign::NotRead { art }, None);
    };
    let other: &'a Backlog = member.backlog;
    let Some(item) = other.get(id) else {
        return (Foreign::Missing, None);
    };
    let place = if item.is_done(member.config) {
        Foreign::Done
    } else {
        match other
            .planned_pi(item)
            .and_then(|pi| Some((pi, other.get(pi)?)))
            .filter(|(_, p)| p.kind() == Some(ItemType::Pi))
        {
            None => Foreign::Unplanned,
            // A PI without its fields has no dates: the order is unknown, and so is the column.
            Some((pi, their_pi)) => match their_pi.pi_fields.as_deref() {
                None => Foreign::Pi {
                    pi,
                    order: None,
                    column: Column::Unscheduled,
                },
                Some(fields) => Foreign::Pi {
                    pi,
                    order: fields
                        .dates()
                        .map(|(start, _)| start)
                        .zip(start_of(ours))
                        .map(|(t, o)| t.cmp(&o)),
                    column: landing_column(other, item, pi, fields),
                },
            },
        }
    };
    (place, Some(item))
}

/// Where a feature lands in its PI by the board's rule, computed from its own backlog without a
/// board: per delivering team the iteration of its last story with a development iteration (else
/// the feature's own `iteration`), and the latest of those.
fn landing_column(backlog: &Backlog, item: &Item, pi: &str, fields: &PiFields) -> Column {
    let development = crate::report::plan::development_iterations(fields);
    let column_of = |i: Option<i64>| match i.and_then(|i| usize::try_from(i).ok()) {
        Some(i) if (1..=development).contains(&i) => Column::Iteration(i),
        _ => Column::Unscheduled,
    };
    let mut delivering: Vec<(Option<&str>, Option<usize>)> = Vec::new();
    if let Some(index) = item.id().and_then(|id| backlog.index_of(id)) {
        for story in backlog.children_of(index) {
            if story.kind() != Some(ItemType::Story) || backlog.planned_pi(story) != Some(pi) {
                continue;
            }
            let Some(team) = backlog.team_of_story(story) else {
                continue;
            };
            let iteration = match column_of(story.iteration.as_ref().map(|i| i.value)) {
                Column::Iteration(i) => Some(i),
                Column::Unscheduled => None,
            };
            match delivering.iter_mut().find(|(t, _)| *t == Some(team)) {
                Some((_, latest)) => *latest = (*latest).max(iteration),
                None => delivering.push((Some(team), iteration)),
            }
        }
    }
    for team in item.teams() {
        if !delivering.iter().any(|(t, _)| *t == Some(team)) {
            delivering.push((Some(team), None));
        }
    }
    if delivering.is_empty() {
        delivering.push((None, None));
    }
    delivering
        .iter()
        .map(|(_, latest)| match latest {
            Some(i) => Column::Iteration(*i),
            None => column_of(item.iteration.as_ref().map(|i| i.value)),
        })
        .max()
        .unwrap_or(Column::Unscheduled)
}

fn start_of(pi: &Item) -> Option<Date> {
    pi.pi_fields.as_deref()?.dates().map(|(start, _)| start)
}

/// First and last day of every iteration of the PI (the IP iteration last).
fn iteration_dates(fields: &PiFields) -> Vec<(Date, Date)> {
    let Some((start, _)) = fields.dates() else {
        return Vec::new();
    };
    let weeks = fields
        .iteration_weeks
        .as_ref()
        .map_or(PiFields::DEFAULT_ITERATION_WEEKS, |w| w.value);
    let count = fields.iteration_count();
    let mut out = Vec::new();
    for i in 0..count {
        let first = i
            .checked_mul(weeks)
            .and_then(|w| w.checked_mul(7))
            .and_then(|d| jiff::Span::new().try_days(d).ok())
            .and_then(|s| start.checked_add(s).ok());
        let last = first.and_then(|f| {
            jiff::Span::new()
                .try_days(weeks * 7 - 1)
                .ok()
                .and_then(|s| f.checked_add(s).ok())
        });
        match (first, last) {
            (Some(f), Some(l)) => out.push((f, l)),
            _ => break,
        }
    }
    out
}

fn when(fields: &PiFields, dates: &[(Date, Date)], date: Date) -> MilestoneWhen {
    let Some((start, end)) = fields.dates() else {
        return MilestoneWhen::Undated;
    };
    if date < start {
        return MilestoneWhen::BeforePi;
    }
    if date > end {
        return MilestoneWhen::AfterPi;
    }
    let last = dates.len();
    match dates.iter().position(|(f, l)| *f <= date && date <= *l) {
        Some(i) if i + 1 < last => MilestoneWhen::Iteration(i + 1),
        _ => MilestoneWhen::IpIteration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PI-1 starts 2027-01-04 with 4 iterations of 2 weeks: development iterations 1 (01-04 ..
    /// 01-17), 2 (01-18 .. 01-31), 3 (02-01 .. 02-14), IP 02-15 .. 02-28. PI-0 is earlier, PI-2
    /// later.
    fn backlog() -> (Backlog, Config) {
        let files: &[(&str, &str)] = &[
            (
                "PI-0.md",
                "id: PI-0\ntype: pi\ntitle: Zero\nstart: 2026-10-05\niterations: 4",
            ),
            (
                "PI-1.md",
                "id: PI-1\ntype: pi\ntitle: One\nstart: 2027-01-04\niterations: 4\ncapacity:\n  a: [10, 10, 10]\n  b: [10, 10, 10]\nmilestones:\n  - {name: Release, date: 2027-02-20}\n  - {name: Demo, date: 2027-01-20}\n  - {name: Fair, date: 2026-12-01}\n  - {name: Launch, date: 2027-02-14}",
            ),
            (
                "PI-2.md",
                "id: PI-2\ntype: pi\ntitle: Two\nstart: 2027-03-15\niterations: 4",
            ),
            // Team a's last story in iteration 2, team b's (not named by the feature) in 3.
            (
                "F-1.md",
                "id: F-1\ntype: feature\ntitle: One\nteam: [a]\npi: PI-1",
            ),
            (
                "S-1.md",
                "id: S-1\ntype: story\ntitle: s\nparent: F-1\nteam: [a]\niteration: 1",
            ),
            (
                "S-2.md",
                "id: S-2\ntype: story\ntitle: s\nparent: F-1\nteam: [a]\niteration: 2",
            ),
            (
                "S-3.md",
                "id: S-3\ntype: story\ntitle: s\nparent: F-1\nteam: [b]\niteration: 3",
            ),
            (
                "F-2.md",
                "id: F-2\ntype: feature\ntitle: Two\nteam: [b]\npi: PI-1\niteration: 1\ndepends_on: [F-5]",
            ),
            (
                "F-3.md",
                "id: F-3\ntype: feature\ntitle: Three\nteam: [a]\npi: PI-1\nenabler: architectural",
            ),
            // A story in the IP iteration (4) counts as unscheduled: F-3 stays unscheduled.
            (
                "S-4.md",
                "id: S-4\ntype: story\ntitle: s\nparent: F-3\nteam: [a]\niteration: 4",
            ),
            (
                "F-4.md",
                "id: F-4\ntype: feature\ntitle: Four\npi: PI-1\niteration: 2",
            ),
            (
                "F-5.md",
                "id: F-5\ntype: feature\ntitle: Five\nteam: [a]\npi: PI-1\niteration: 3\ndepends_on: [F-2, F-1, F-6, F-7, F-8, F-9, F-3, F-99]",
            ),
            (
                "F-6.md",
                "id: F-6\ntype: feature\ntitle: Six\nteam: [a]\npi: PI-2",
            ),
            ("F-7.md", "id: F-7\ntype: feature\ntitle: Seven\nteam: [a]"),
            (
                "F-8.md",
                "id: F-8\ntype: feature\ntitle: Eight\nstatus: done\nteam: [a]",
            ),
            (
                "F-9.md",
                "id: F-9\ntype: feature\ntitle: Nine\nteam: [a]\npi: PI-0",
            ),
        ];
        let config = Config::default();
        (parse_all(files, &config), config)
    }

    fn board_of<'a>(backlog: &'a Backlog, config: &'a Config) -> PlanningBoard<'a> {
        let pi = backlog.get("PI-1").unwrap();
        let readiness = crate::report::readiness::assess(backlog, config, &[], pi);
        let progress = crate::report::progress::every(backlog, config);
        of(backlog, config, &readiness, &progress)
    }

    #[test]
    fn cards_sit_where_each_team_last_delivers() {
        let (backlog, config) = backlog();
        let board = board_of(&backlog, &config);
        assert_eq!(board.iterations, 3);
        assert_eq!(board.teams, [Some("a"), Some("b"), None]);
        let placed: Vec<(&str, Option<&str>, Column)> = board
            .cards
            .iter()
            .map(|c| (c.id, board.teams[c.row], c.column))
            .collect();
        use Column::{Iteration, Unscheduled};
        assert_eq!(
            placed,
            [
                ("F-1", Some("a"), Iteration(2)),
                ("F-5", Some("a"), Iteration(3)),
                ("F-3", Some("a"), Unscheduled),
                ("F-2", Some("b"), Iteration(1)),
                ("F-1", Some("b"), Iteration(3)),
                ("F-4", None, Iteration(2)),
            ]
        );
        let enablers: Vec<&str> = board
            .cards
            .iter()
            .filter(|c| c.enabler)
            .map(|c| c.id)
            .collect();
        assert_eq!(enablers, ["F-3"]);
        // F-1: 0 of its 3 stories done (no points), 0 of 3 children.
        let f1 = &board.cards[0];
        assert_eq!(
            f1.progress.map(|p| (p.stories, p.done_stories)),
            Some((3, 0))
        );
        assert_eq!(
            board.iteration_dates[2],
            ("2027-02-01".parse().unwrap(), "2027-02-14".parse().unwrap())
        );
    }

    #[test]
    fn strings_take_the_four_states() {
        let (backlog, config) = backlog();
        let board = board_of(&backlog, &config);
        let strings: Vec<(&str, &str, &str)> = board
            .strings
            .iter()
            .map(|s| (s.from, s.to, s.state.as_str()))
            .collect();
        // F-5 lands in iteration 3. F-2 in 1: ok; F-1's latest card (team b) in 3: risk; F-6 in
        // the later PI-2: late; F-7 in no PI: unplanned; F-8 done: ok; F-9 in the earlier PI-0:
        // ok; F-3 unscheduled: risk; F-99 no item: unplanned. F-2 (iteration 1) needs F-5
        // (iteration 3): late.
        assert_eq!(
            strings,
            [
                ("F-5", "F-2", "ok"),
                ("F-5", "F-1", "risk"),
                ("F-5", "F-6", "late"),
                ("F-5", "F-7", "unplanned"),
                ("F-5", "F-8", "ok"),
                ("F-5", "F-9", "ok"),
                ("F-5", "F-3", "risk"),
                ("F-5", "F-99", "unplanned"),
                ("F-2", "F-5", "late"),
            ]
        );
        // Strings start at the depending feature's latest card and end at the other's.
        let risk = &board.strings[1];
        assert_eq!((risk.from_card, risk.to_card), (1, Some(4)));
        assert_eq!(board.strings[3].to_card, None);
    }

    fn parse_all(files: &[(&str, &str)], config: &Config) -> Backlog {
        let items = files
            .iter()
            .filter_map(|(path, front)| {
                let text = format!("---\n{front}\n---\n");
                crate::parse::parse_file(path, text.into_bytes()).0.item
            })
            .collect();
        Backlog::new(items, config)
    }

    /// Ours: PI-1 from 2027-01-04, 4 iterations (3 for development); F-1 lands in iteration 2
    /// and depends on rail's features, on an ART the report could not read (signal) and on a
    /// backlog it does not know (track). rail has its own PIs: PI-1 from the same day, PI-0
    /// earlier, PI-2 from 2027-01-11 (a week later: another cadence), PI-3 without dates.
    fn cross_art() -> (Backlog, Backlog, Config) {
        let config = Config::default();
        let ours = parse_all(
            &[
                (
                    "PI-1.md",
                    "id: PI-1\ntype: pi\ntitle: One\nstart: 2027-01-04\niterations: 4\ncapacity:\n  a: [10, 10, 10]",
                ),
                (
                    "F-1.md",
                    "id: F-1\ntype: feature\ntitle: One\nteam: [a]\npi: PI-1\niteration: 2\ndepends_on: [rail:F-1, rail:F-2, rail:F-3, rail:F-4, rail:F-5, rail:F-6, rail:F-7, rail:F-8, rail:F-9, rail:F-99, signal:F-1, track:F-1]",
                ),
            ],
            &config,
        );
        let rail = parse_all(
            &[
                (
                    "PI-0.md",
                    "id: PI-0\ntype: pi\ntitle: r0\nstart: 2026-10-05\niterations: 4",
                ),
                (
                    "PI-1.md",
                    "id: PI-1\ntype: pi\ntitle: r1\nstart: 2027-01-04\niterations: 4",
                ),
                (
                    "PI-2.md",
                    "id: PI-2\ntype: pi\ntitle: r2\nstart: 2027-01-11\niterations: 4",
                ),
                ("PI-3.md", "id: PI-3\ntype: pi\ntitle: r3"),
                // Its last story with a development iteration is in 1 (S-2 sits in the IP
                // iteration, 4, which counts as none).
                ("F-1.md", "id: F-1\ntype: feature\ntitle: r\npi: PI-1"),
                (
                    "S-1.md",
                    "id: S-1\ntype: story\ntitle: s\nparent: F-1\nteam: [x]\niteration: 1",
                ),
                (
                    "S-2.md",
                    "id: S-2\ntype: story\ntitle: s\nparent: F-1\nteam: [x]\niteration: 4",
                ),
                // No story: its own iteration, 2.
                (
                    "F-2.md",
                    "id: F-2\ntype: feature\ntitle: r\nteam: [x]\npi: PI-1\niteration: 2",
                ),
                // Team x's last story in 1, team z's in 3: the latest, 3.
                ("F-3.md", "id: F-3\ntype: feature\ntitle: r\npi: PI-1"),
                (
                    "S-3.md",
                    "id: S-3\ntype: story\ntitle: s\nparent: F-3\nteam: [x]\niteration: 1",
                ),
                (
                    "S-4.md",
                    "id: S-4\ntype: story\ntitle: s\nparent: F-3\nteam: [z]\niteration: 3",
                ),
                (
                    "F-4.md",
                    "id: F-4\ntype: feature\ntitle: r\nteam: [x]\npi: PI-1",
                ),
                ("F-5.md", "id: F-5\ntype: feature\ntitle: r\npi: PI-0"),
                (
                    "F-6.md",
                    "id: F-6\ntype: feature\ntitle: r\npi: PI-2\niteration: 1",
                ),
                (
                    "F-7.md",
                    "id: F-7\ntype: feature\ntitle: r\nstatus: done\npi: PI-2",
                ),
                ("F-8.md", "id: F-8\ntype: feature\ntitle: r"),
                ("F-9.md", "id: F-9\ntype: feature\ntitle: r\npi: PI-3"),
            ],
            &config,
        );
        (ours, rail, config)
    }

    #[test]
    fn strings_to_other_arts_compare_pi_dates_then_iterations() {
        let (ours, rail, config) = cross_art();
        let pi = ours.get("PI-1").unwrap();
        let readiness = crate::report::readiness::assess(&ours, &config, &[], pi);
        let progress = crate::report::progress::every(&ours, &config);
        let elsewhere = Elsewhere {
            backlogs: vec![Member {
                name: "rail",
                backlog: &rail,
                config: &config,
            }],
            unread: vec!["signal"],
        };
        let board = of_in(&ours, &config, &readiness, &progress, &elsewhere);
        let states: Vec<(&str, &str)> = board
            .strings
            .iter()
            .map(|s| (s.to, s.state.as_str()))
            .collect();
        // F-1 lands in iteration 2 of PI-1 (from 2027-01-04). rail's PI-1 starts the same day, so
        // iterations decide: F-1 in 1 ok, F-2 in 2 risk, F-3 in 3 late, F-4 unscheduled risk.
        // F-5 in PI-0 (earlier) ok; F-6 in PI-2, from 2027-01-11, later: late although it sits in
        // iteration 1; F-7 done ok; F-8 in no PI unplanned; F-9 in PI-3 without dates risk;
        // F-99 no item unplanned; signal (not read) and track (unknown) unplanned.
        assert_eq!(
            states,
            [
                ("rail:F-1", "ok"),
                ("rail:F-2", "risk"),
                ("rail:F-3", "late"),
                ("rail:F-4", "risk"),
                ("rail:F-5", "ok"),
                ("rail:F-6", "late"),
                ("rail:F-7", "ok"),
                ("rail:F-8", "unplanned"),
                ("rail:F-9", "risk"),
                ("rail:F-99", "unplanned"),
                ("signal:F-1", "unplanned"),
                ("track:F-1", "unplanned"),
            ]
        );
        let landing = |to: &str| {
            board
                .strings
                .iter()
                .find(|s| s.to == to)
                .map(|s| s.landing.clone())
                .unwrap()
        };
        use std::cmp::Ordering::{Equal, Greater};
        let place = |backlog, id, place| Landing::Foreign { backlog, id, place };
        assert_eq!(
            landing("rail:F-3"),
            place(
                "rail",
                "F-3",
                Foreign::Pi {
                    pi: "PI-1",
                    order: Some(Equal),
                    column: Column::Iteration(3)
                }
            )
        );
        assert_eq!(
            landing("rail:F-6"),
            place(
                "rail",
                "F-6",
                Foreign::Pi {
                    pi: "PI-2",
                    order: Some(Greater),
                    column: Column::Iteration(1)
                }
            )
        );
        assert_eq!(
            landing("signal:F-1"),
            place("signal", "F-1", Foreign::NotRead { art: true })
        );
        assert_eq!(
            landing("track:F-1"),
            place("track", "F-1", Foreign::NotRead { art: false })
        );
        assert!(board.strings.iter().all(|s| s.to_card.is_none()));
    }

    #[test]
    fn without_other_backlogs_a_qualified_dependency_is_not_read() {
        let (ours, _, config) = cross_art();
        let pi = ours.get("PI-1").unwrap();
        let readiness = crate::report::readiness::assess(&ours, &config, &[], pi);
        let board = of(&ours, &config, &readiness, &[]);
        assert_eq!(board.strings.len(), 12);
        for s in &board.strings {
            assert_eq!(s.state, StringState::Unplanned, "{}", s.to);
            assert!(
                matches!(
                    s.landing,
                    Landing::Foreign {
                        place: Foreign::NotRead { art: false },
                        ..
                    }
                ),
                "{:?}",
                s.landing
            );
        }
    }

    #[test]
    fn milestones_fall_in_their_iteration() {
        let (backlog, config) = backlog();
        let board = board_of(&backlog, &config);
        let placed: Vec<(&str, MilestoneWhen)> = board
            .milestones
            .iter()
            .map(|m| (m.milestone.name.as_str(), m.when))
            .collect();
        assert_eq!(
            placed,
            [
                ("Fair", MilestoneWhen::BeforePi),
                ("Demo", MilestoneWhen::Iteration(2)),
                ("Launch", MilestoneWhen::Iteration(3)),
                ("Release", MilestoneWhen::IpIteration),
            ]
        );
    }
}
