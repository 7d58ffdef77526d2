//! `board/<PI>.html`: the ART planning board of one PI ([`crate::report::planning_board`]).
//!
//! The board is laid out here, in pixels, so that the dependency strings (an inline SVG over the
//! cells) meet their cards without JavaScript and the page prints as it shows: every cell and card
//! has a fixed size and place. Colour is never the only signal: each string state has its own dash
//! pattern and a text label, and the legend says which is which.

use askama::Template;

use super::{Frame, Page, SiteInput, render, root_of};
use crate::render::number;
use crate::report::planning_board::{
    self, Column, Foreign, Landing, MilestoneWhen, PlanningBoard, StringState,
};
use crate::report::readiness::Readiness;

const LABEL_W: u32 = 140;
const COL_W: u32 = 210;
const HEAD_H: u32 = 46;
const MILESTONE_LINE_H: u32 = 36;
const CARD_H: u32 = 66;
const CARD_GAP: u32 = 8;
const CARD_INSET: u32 = 8;
/// The column of stubs for strings to items that are not on this board.
const OFF_W: u32 = 180;
const STUB_H: u32 = 34;

#[derive(Template)]
#[template(path = "site/board.html")]
struct BoardPage<'a> {
    root: String,
    frame: &'a Frame<'a>,
    /// The ART whose board this is, on an ART's board in a portfolio's report.
    art: Option<&'a str>,
    pi: &'a str,
    title: &'a str,
    width: u32,
    height: u32,
    heads: Vec<Head>,
    milestone_cells: Vec<MilestoneCell<'a>>,
    milestone_label: Box,
    rows: Vec<RowLabel<'a>>,
    cells: Vec<Cell<'a>>,
    strings: Vec<StringView<'a>>,
    stubs: Vec<Stub<'a>>,
    off_head: Option<Box>,
    /// The PI names no team and plans no feature.
    empty: bool,
}

#[derive(Clone, Copy)]
struct Box {
    x: u32,
    y: u32,
    w: u32,
    h: u32,
}

struct Head {
    place: Box,
    label: String,
    dates: String,
}

struct MilestoneCell<'a> {
    place: Box,
    /// A number or `unscheduled`.
    iteration: String,
    milestones: Vec<MilestoneView<'a>>,
}

struct MilestoneView<'a> {
    name: &'a str,
    date: String,
    /// Why a milestone sits in the unscheduled column.
    note: &'static str,
}

struct RowLabel<'a> {
    place: Box,
    label: &'a str,
}

struct Cell<'a> {
    place: Box,
    team: &'a str,
    iteration: String,
    cards: Vec<CardView<'a>>,
}

struct CardView<'a> {
    /// Relative to its cell.
    top: u32,
    id: &'a str,
    /// Where the card's id links: the item's page, or on an ART's board its row on the ART's page.
    href: String,
    title: &'a str,
    rank: String,
    enabler: bool,
    ready: bool,
    progress: String,
    /// 0-100, for the bar; `None` without points to measure by.
    percent: Option<u32>,
}

struct StringView<'a> {
    from: &'a str,
    to: &'a str,
    /// The other backlog, for a qualified dependency.
    art: Option<&'a str>,
    state: &'static str,
    path: String,
    label_x: u32,
    label_y: u32,
    dash: &'static str,
    /// Where the dependency lands, in words.
    lands: String,
    /// Where the depending feature lands.
    needs_by: String,
}

struct Stub<'a> {
    place: Box,
    id: &'a str,
    /// The other backlog, for a qualified dependency, and the item's title when it was read.
    art: Option<&'a str>,
    title: Option<&'a str>,
    lands: String,
}

fn column_index(board: &PlanningBoard, column: Column) -> u32 {
    match column {
        Column::Iteration(i) => u32::try_from(i.saturating_sub(1)).unwrap_or(u32::MAX),
        Column::Unscheduled => u32::try_from(board.iterations).unwrap_or(u32::MAX),
    }
}

fn columns(board: &PlanningBoard) -> Vec<Column> {
    (1..=board.iterations)
        .map(Column::Iteration)
        .chain([Column::Unscheduled])
        .collect()
}

fn iteration_attr(column: Column) -> String {
    match column {
        Column::Iteration(i) => i.to_string(),
        Column::Unscheduled => "unscheduled".into(),
    }
}

fn column_words(column: Column) -> String {
    match column {
        Column::Iteration(i) => format!("iteration {i}"),
        Column::Unscheduled => "unscheduled in this PI".into(),
    }
}

fn landing_words(landing: &Landing) -> String {
    match landing {
        Landing::Done => "done".into(),
        Landing::ThisPi(c) => column_words(*c),
        Landing::OtherPi { pi, order } => match order {
            Some(std::cmp::Ordering::Less) => format!("{pi} (earlier PI)"),
            Some(std::cmp::Ordering::Greater) => format!("{pi} (later PI)"),
            _ => format!("{pi} (PI without dates)"),
        },
        Landing::Unplanned => "in no PI".into(),
        Landing::Missing => "no such item".into(),
        Landing::Foreign { backlog, place, .. } => foreign_words(backlog, place),
    }
}

/// Where an item of another backlog lands, in words that name that backlog.
fn foreign_words(backlog: &str, place: &Foreign) -> String {
    match place {
        Foreign::NotRead { art: true } => {
            format!("in {backlog}, not read: not fetched (popm portfolio fetch)")
        }
        Foreign::NotRead { art: false } => {
            format!("in {backlog}, a backlog this report does not read")
        }
        Foreign::Missing => format!("no such item in {backlog}"),
        Foreign::Done => format!("done in {backlog}"),
        Foreign::Unplanned => format!("in no PI of {backlog}"),
        Foreign::Pi { pi, order, column } => match order {
            Some(std::cmp::Ordering::Less) => format!("{backlog} {pi} (an earlier PI)"),
            Some(std::cmp::Ordering::Greater) => format!("{backlog} {pi} (a later PI)"),
            Some(std::cmp::Ordering::Equal) => match column {
                Column::Iteration(i) => format!("{backlog} {pi} (same dates), iteration {i}"),
                Column::Unscheduled => format!("{backlog} {pi} (same dates), unscheduled"),
            },
            None => format!("{backlog} {pi} (a PI without dates)"),
        },
    }
}

fn dash(state: StringState) -> &'static str {
    match state {
        StringState::Ok => "none",
        StringState::Risk => "9 5",
        StringState::Late => "2 4",
        StringState::Unplanned => "12 4 2 4",
    }
}

pub fn page(input: &SiteInput, frame: &Frame, readiness: &Readiness) -> Page {
    let board = planning_board::of_in(
        input.backlog,
        input.config,
        readiness,
        input.progress,
        input.elsewhere,
    );
    let pi = readiness.pi.id().unwrap_or("");
    let path = format!("board/{pi}.html");
    let root = root_of(&path);
    let href = |id: &str| format!("{root}items/{id}.html");
    let page = layout(&board, pi, None, &href, root.clone(), frame);
    Page {
        html: render(&page),
        path,
    }
}

/// The board of one PI of an ART in a portfolio's report, at `path`: the ART's own popm.toml and
/// backlog, qualified dependencies looked up in `elsewhere`; `href` is where a card's id links.
pub fn art_page<'a>(
    art: &'a crate::engine::portfolio::Judged,
    readiness: &Readiness<'a>,
    progress: &[Option<crate::report::progress::Progress>],
    elsewhere: &planning_board::Elsewhere<'a>,
    path: String,
    href: &dyn Fn(&str) -> String,
    frame: &Frame,
) -> Page {
    let board = planning_board::of_in(
        &art.checked.backlog,
        &art.config,
        readiness,
        progress,
        elsewhere,
    );
    let pi = readiness.pi.id().unwrap_or("");
    let page = layout(&board, pi, Some(&art.name), href, root_of(&path), frame);
    Page {
        html: render(&page),
        path,
    }
}

fn layout<'a>(
    board: &'a PlanningBoard<'a>,
    pi: &'a str,
    art: Option<&'a str>,
    href: &dyn Fn(&str) -> String,
    root: String,
    frame: &'a Frame<'a>,
) -> BoardPage<'a> {
    let columns = columns(board);
    let x_of = |c: Column| LABEL_W + column_index(board, c) * COL_W;
    // Milestones per column: dated ones in their iteration, the rest unscheduled with a note.
    let mut per_column: Vec<Vec<MilestoneView>> = columns.iter().map(|_| Vec::new()).collect();
    for m in &board.milestones {
        let (column, note) = match m.when {
            MilestoneWhen::Iteration(i) if i <= board.iterations => (Column::Iteration(i), ""),
            MilestoneWhen::Iteration(_) | MilestoneWhen::IpIteration => {
                (Column::Unscheduled, "IP iteration")
            }
            MilestoneWhen::BeforePi => (Column::Unscheduled, "before the PI"),
            MilestoneWhen::AfterPi => (Column::Unscheduled, "after the PI"),
            MilestoneWhen::Undated => (Column::Unscheduled, "the PI has no dates"),
        };
        let slot = column_index(board, column) as usize;
        if let Some(list) = per_column.get_mut(slot) {
            list.push(MilestoneView {
                name: &m.milestone.name,
                date: m.milestone.date.to_string(),
                note,
            });
        }
    }
    let most_milestones = per_column.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let milestone_h = u32::try_from(most_milestones)
        .unwrap_or(u32::MAX / 64)
        .saturating_mul(MILESTONE_LINE_H)
        + 12;
    let heads = columns
        .iter()
        .map(|c| Head {
            place: Box {
                x: x_of(*c),
                y: 0,
                w: COL_W,
                h: HEAD_H,
            },
            label: match c {
                Column::Iteration(i) => format!("Iteration {i}"),
                Column::Unscheduled => "Unscheduled".into(),
            },
            dates: match c {
                Column::Iteration(i) => board
                    .iteration_dates
                    .get(i - 1)
                    .map(|(f, l)| format!("{f} – {l}"))
                    .unwrap_or_default(),
                Column::Unscheduled => "no iteration".into(),
            },
        })
        .collect();
    let milestone_cells = columns
        .iter()
        .zip(per_column)
        .map(|(c, milestones)| MilestoneCell {
            place: Box {
                x: x_of(*c),
                y: HEAD_H,
                w: COL_W,
                h: milestone_h,
            },
            iteration: iteration_attr(*c),
            milestones,
        })
        .collect();
    // Rows as tall as their fullest cell.
    let mut top = HEAD_H + milestone_h;
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    let mut card_places: Vec<(u32, u32)> = vec![(0, 0); board.cards.len()];
    for (row, team) in board.teams.iter().enumerate() {
        let fullest = columns
            .iter()
            .map(|c| board.cell(row, *c).count())
            .max()
            .unwrap_or(0)
            .max(1);
        let height = u32::try_from(fullest)
            .unwrap_or(u32::MAX / 128)
            .saturating_mul(CARD_H + CARD_GAP)
            + CARD_GAP;
        rows.push(RowLabel {
            place: Box {
                x: 0,
                y: top,
                w: LABEL_W,
                h: height,
            },
            label: team.unwrap_or("(no team)"),
        });
        for column in &columns {
            let place = Box {
                x: x_of(*column),
                y: top,
                w: COL_W,
                h: height,
            };
            let mut views = Vec::new();
            for (index, card) in board.cards.iter().enumerate() {
                if card.row != row || card.column != *column {
                    continue;
                }
                let k = u32::try_from(views.len()).unwrap_or(u32::MAX / 128);
                let card_top = CARD_GAP + k.saturating_mul(CARD_H + CARD_GAP);
                card_places[index] = (place.x + CARD_INSET, place.y + card_top);
                let (progress, percent) = match card.progress {
                    Some(p) => match p.ratio() {
                        Some(r) => (
                            format!(
                                "{} of {} points",
                                number::points(p.done_points),
                                number::points(p.points)
                            ),
                            Some((r * 100.0).round().clamp(0.0, 100.0) as u32),
                        ),
                        None if p.stories > 0 => (
                            format!("{} of {} stories done", p.done_stories, p.stories),
                            None,
                        ),
                        None => ("no stories".into(), None),
                    },
                    None => (String::new(), None),
                };
                views.push(CardView {
                    top: card_top,
                    id: card.id,
                    href: href(card.id),
                    title: card.feature.title(),
                    rank: card
                        .wsjf_rank
                        .map_or_else(|| "–".into(), |r| format!("#{r}")),
                    enabler: card.enabler,
                    ready: card.ready,
                    progress,
                    percent,
                });
            }
            cells.push(Cell {
                place,
                team: team.unwrap_or(""),
                iteration: iteration_attr(*column),
                cards: views,
            });
        }
        top += height;
    }
    let body_top = HEAD_H + milestone_h;
    let off_x = LABEL_W + u32::try_from(columns.len()).unwrap_or(0) * COL_W + 40;
    let mut stubs = Vec::new();
    let mut strings = Vec::new();
    let card_w = COL_W - 2 * CARD_INSET;
    for s in &board.strings {
        let (fx, fy) = card_places[s.from_card];
        let from_mid = fy + CARD_H / 2;
        let (path, label_x, label_y) = match s.to_card {
            Some(t) => {
                let (tx, ty) = card_places[t];
                let to_mid = ty + CARD_H / 2;
                if tx + card_w <= fx {
                    // The dependency sits to the left: from the card's left edge to its right edge.
                    let (x1, x2) = (fx, tx + card_w);
                    curve(x1, from_mid, x2, to_mid, 0)
                } else if tx >= fx + card_w {
                    let (x1, x2) = (fx + card_w, tx);
                    curve(x1, from_mid, x2, to_mid, 0)
                } else {
                    // Same column: a loop out to the left between the two left edges.
                    curve(fx, from_mid, tx, to_mid, 46)
                }
            }
            None => {
                let k = u32::try_from(stubs.len()).unwrap_or(u32::MAX / 64);
                let place = Box {
                    x: off_x,
                    y: body_top + CARD_GAP + k.saturating_mul(STUB_H + 8),
                    w: OFF_W,
                    h: STUB_H,
                };
                let (art, title) = match &s.landing {
                    Landing::Foreign { backlog, .. } => (Some(*backlog), s.foreign_title),
                    _ => (None, None),
                };
                stubs.push(Stub {
                    place,
                    id: s.to,
                    art,
                    title,
                    lands: landing_words(&s.landing),
                });
                curve(fx + card_w, from_mid, off_x, place.y + STUB_H / 2, 0)
            }
        };
        strings.push(StringView {
            from: s.from,
            to: s.to,
            art: match &s.landing {
                Landing::Foreign { backlog, .. } => Some(*backlog),
                _ => None,
            },
            state: s.state.as_str(),
            path,
            label_x,
            label_y,
            dash: dash(s.state),
            lands: landing_words(&s.landing),
            needs_by: column_words(board.cards[s.from_card].column),
        });
    }
    let stub_bottom = stubs.last().map_or(0, |s| s.place.y + s.place.h + CARD_GAP);
    let off_head = (!stubs.is_empty()).then_some(Box {
        x: off_x,
        y: 0,
        w: OFF_W,
        h: HEAD_H,
    });
    let width = if stubs.is_empty() {
        LABEL_W + u32::try_from(columns.len()).unwrap_or(0) * COL_W
    } else {
        off_x + OFF_W
    };
    BoardPage {
        root,
        frame,
        art,
        pi,
        title: board.pi.title(),
        width,
        height: top.max(stub_bottom),
        heads,
        milestone_cells,
        milestone_label: Box {
            x: 0,
            y: HEAD_H,
            w: LABEL_W,
            h: milestone_h,
        },
        rows,
        cells,
        strings,
        stubs,
        off_head,
        empty: board.teams.is_empty(),
    }
}

/// An SVG cubic curve from (x1, y1) to (x2, y2), bulging `loop_out` pixels to the left when the two
/// ends are in one column, and the point to put its label at.
fn curve(x1: u32, y1: u32, x2: u32, y2: u32, loop_out: u32) -> (String, u32, u32) {
    let (x1i, x2i) = (i64::from(x1), i64::from(x2));
    let (c1, c2) = if loop_out > 0 {
        (x1i - i64::from(loop_out), x2i - i64::from(loop_out))
    } else {
        let bend = (x2i - x1i) / 2;
        (x1i + bend, x2i - bend)
    };
    let path = format!("M{x1} {y1} C{c1} {y1} {c2} {y2} {x2} {y2}");
    let label_x = if loop_out > 0 {
        x1.saturating_sub(loop_out * 3 / 4)
    } else {
        x1.midpoint(x2)
    };
    (path, label_x, y1.midpoint(y2))
}
