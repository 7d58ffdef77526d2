//! `popm board`: a Kanban board for the terminal, one column per workflow state, cards wrapped to
//! its width.

use std::io::IsTerminal;

use crate::model::{Item, Score};
use crate::render::{RED, paint};
use crate::report::board::{Column, Level};

fn card(item: &Item, score: Option<Score>, level: Level) -> String {
    let measure = match level {
        Level::Team => item
            .points
            .as_ref()
            .map(|p| format!("{} pts", crate::render::number::exact(p.value))),
        _ => score.map(|s| format!("WSJF {}", crate::render::number::wsjf(&s))),
    };
    let mut text = format!(
        "{} {}",
        crate::render::safe(item.id().unwrap_or("?")),
        crate::render::safe(item.title())
    );
    if let Some(m) = measure {
        text.push_str(&format!(" · {m}"));
    }
    text
}

fn header(c: &Column, color: bool) -> String {
    let shown = c.cards.len() + c.more;
    let count = match (c.wip, shown == c.total) {
        (Some(w), true) => format!("{shown}/{w}"),
        (Some(w), false) => format!("{shown} shown, {}/{w} in all", c.total),
        (None, _) => shown.to_string(),
    };
    let text = format!("{} ({count})", crate::render::safe(&c.state));
    if c.over_limit() {
        paint(&format!("{text} WIP!"), RED, color)
    } else {
        text
    }
}

/// One table row of column headers and one of cards (blank-line separated), so comfy-table wraps the
/// cards to the terminal's width.
pub fn board(columns: &[Column], level: Level, color: bool) -> String {
    use comfy_table::{ContentArrangement, Table, presets};
    let mut table = Table::new();
    let terminal = std::io::stdout().is_terminal();
    table.load_style(if terminal {
        presets::UTF8_FULL_CONDENSED
    } else {
        presets::ASCII_FULL_CONDENSED
    });
    table.set_content_arrangement(ContentArrangement::Dynamic);
    if !terminal {
        // Piped: keep a readable width instead of one very long line per card.
        table.set_width(160);
    }
    table.set_header(columns.iter().map(|c| header(c, color)));
    table.add_row(columns.iter().map(|c| {
        let mut cards: Vec<String> = c
            .cards
            .iter()
            .map(|(item, score)| card(item, *score, level))
            .collect();
        if c.more > 0 {
            cards.push(format!("+{} more", c.more));
        }
        cards.join("\n\n")
    }));
    let mut text = table.to_string();
    text.push('\n');
    text
}
