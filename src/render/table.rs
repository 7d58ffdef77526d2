//! Tables for people: boxed and fitted to the terminal's width on a terminal, plain aligned columns
//! when piped (so `grep` and `awk` work on them).

use comfy_table::{ContentArrangement, Table, presets};

use crate::config::Config;
use crate::model::key::{self, Key};
use crate::model::{Backlog, Item, ItemType};
use crate::render::schema::{InheritedRecord, RankedRecord};
use crate::report::ranking::Ranked;

// Cells are plain text here; colour, where wanted, is comfy-table's own styling.

pub fn render(header: &[&str], rows: Vec<Vec<String>>, terminal: bool) -> String {
    render_marked(header, rows, terminal, false, |_| false)
}

/// Like [`render`], with the cells for which `marked` holds shown in bold red when `color` is on.
pub fn render_marked(
    header: &[&str],
    rows: Vec<Vec<String>>,
    terminal: bool,
    color: bool,
    marked: impl Fn(&str) -> bool,
) -> String {
    let layout = if terminal {
        Layout::Fitted(columns_override())
    } else {
        Layout::Plain
    };
    render_with(header, rows, layout, color, marked)
}

/// How a table is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Boxed and fitted to a width: the terminal's, or the one given.
    Fitted(Option<u16>),
    /// Plain aligned columns (piped output).
    Plain,
}

/// Columns whose text may be shortened (with an ellipsis) to fit the width: titles and sentences.
/// Every other column (ids, states, numbers, teams) keeps its full width, so an id is never cut.
const SHORTENED: &[&str] = &["TITLE", "OBJECTIVE", "CATCHES"];

/// `COLUMNS`, when set to a width: it overrides the terminal's (as in many tools), and lets a
/// layout be reproduced.
fn columns_override() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|w| *w > 0)
}

pub(crate) fn render_with(
    header: &[&str],
    rows: Vec<Vec<String>>,
    layout: Layout,
    color: bool,
    marked: impl Fn(&str) -> bool,
) -> String {
    use comfy_table::{ColumnConstraint, Row};
    let mut table = Table::new();
    if color {
        table.enforce_styling();
    }
    let fitted = matches!(layout, Layout::Fitted(_));
    match layout {
        Layout::Fitted(width) => {
            table
                .load_style(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_truncation_indicator("…");
            if let Some(w) = width {
                table.set_width(w);
            }
        }
        Layout::Plain => {
            table.load_style(presets::NOTHING);
        }
    }
    table.set_header(header.iter().map(|h| crate::render::safe(h).into_owned()));
    for row in rows {
        let mut row = Row::from(row.into_iter().map(|text| {
            // A cell is one line of plain text: its control characters are shown, not obeyed.
            let cell = comfy_table::Cell::new(crate::render::safe(&text));
            if color && marked(&text) {
                cell.fg(comfy_table::Color::Red)
                    .add_attribute(comfy_table::Attribute::Bold)
            } else {
                cell
            }
        }));
        if fitted {
            // One line per row: a title too long for the width ends in `…` instead of wrapping
            // (wrapping broke ids and names mid-word on narrow terminals).
            row.max_height(1);
        }
        table.add_row(row);
    }
    if fitted {
        for (i, name) in header.iter().enumerate() {
            if !SHORTENED.contains(name)
                && let Some(column) = table.column_mut(i)
            {
                column.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
    let mut text = table.to_string();
    if !fitted {
        // comfy-table pads every cell; trailing blanks only get in the way of diffs and grep.
        text = text
            .lines()
            .map(|l| l.trim_end().trim_start_matches(' '))
            .collect::<Vec<_>>()
            .join("\n");
    }
    text.push('\n');
    text
}

/// `popm rules`: every rule with its default severity and what it catches.
pub fn rules(terminal: bool) -> String {
    let rows = crate::diagnostic::Rule::ALL
        .iter()
        .map(|r| {
            vec![
                r.name().to_string(),
                r.default_severity().as_str().to_string(),
                r.summary().to_string(),
            ]
        })
        .collect();
    render(&["RULE", "DEFAULT", "CATCHES"], rows, terminal)
}

/// The cells of `popm list` in its table and CSV forms: the table shows the enabler kind in the
/// TYPE column, CSV in a column of its own.
pub(super) fn list_rows(
    items: &[&Item],
    backlog: &Backlog,
    config: &Config,
    csv: bool,
) -> Vec<Vec<String>> {
    items
        .iter()
        .map(|i| {
            // The table shows what a story inherits, marked; CSV keeps the values as written.
            let inherited = if csv {
                InheritedRecord {
                    team: None,
                    pi: None,
                }
            } else {
                InheritedRecord::of(i, backlog)
            };
            let marked = |v: &str| format!("{v}{INHERITED_MARK}");
            let mut row = vec![
                i.id().unwrap_or("").to_string(),
                if csv {
                    i.kind().map_or("", ItemType::as_str).to_string()
                } else {
                    crate::render::type_label(i)
                },
                backlog.status(i, config).to_string(),
                i.title().to_string(),
                inherited
                    .team
                    .map_or_else(|| i.teams().collect::<Vec<_>>().join(", "), marked),
                inherited.pi.map_or_else(
                    || i.pi.as_ref().map_or(String::new(), |p| p.value.clone()),
                    marked,
                ),
                i.parent.as_ref().map_or(String::new(), |p| p.value.clone()),
            ];
            if csv {
                row.push(
                    i.enabler
                        .as_ref()
                        .map_or("", |e| e.value.as_str())
                        .to_string(),
                );
            }
            row
        })
        .collect()
}

/// The columns of `popm list`, as keys of the item format.
pub(super) const LIST_COLUMNS: [Key; 7] = [
    key::ID,
    key::TYPE,
    key::STATUS,
    key::TITLE,
    key::TEAM,
    key::PI,
    key::PARENT,
];

/// Follows a story's team or PI taken from its feature in `popm list`'s table.
const INHERITED_MARK: char = '*';

/// `popm list`: one row per item, and a note under the table when a cell is inherited.
pub fn list(items: &[&Item], backlog: &Backlog, config: &Config, terminal: bool) -> String {
    let header: Vec<String> = LIST_COLUMNS.iter().map(|k| k.name.to_uppercase()).collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut text = render(&header, list_rows(items, backlog, config, false), terminal);
    let any_inherited = items.iter().any(|i| {
        let inherited = InheritedRecord::of(i, backlog);
        inherited.team.is_some() || inherited.pi.is_some()
    });
    if any_inherited {
        text.push_str(&format!(
            "{INHERITED_MARK} inherited from the parent feature\n"
        ));
    }
    text
}

/// The header and cells of `popm backlog` (table, CSV and markdown): the WSJF inputs and score at
/// the portfolio and ART levels, story points at the team level (`points`).
pub(super) fn ranking_cells(
    ranked: &[Ranked],
    records: &[RankedRecord],
    points: bool,
) -> (&'static [&'static str], Vec<Vec<String>>) {
    let header: &[&str] = if points {
        &[
            "RANK", "ID", "TITLE", "TYPE", "STATUS", "POINTS", "TEAM", "PI",
        ]
    } else {
        &[
            "RANK", "ID", "TITLE", "TYPE", "STATUS", "BV", "TC", "RR|OE", "COD", "SIZE", "WSJF",
            "TEAM", "PI",
        ]
    };
    let whole = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
    let cells = ranked
        .iter()
        .zip(records)
        .map(|(r, row)| {
            let mut cells = vec![
                row.rank.to_string(),
                row.id.to_string(),
                row.title.to_string(),
                crate::render::type_label(r.item),
                row.status.to_string(),
            ];
            if points {
                cells.push(
                    row.points
                        .map_or(String::new(), crate::render::number::exact),
                );
            } else {
                cells.extend([
                    whole(row.business_value),
                    whole(row.time_criticality),
                    whole(row.risk_reduction),
                    whole(row.cost_of_delay),
                    whole(row.job_size),
                    r.score
                        .map_or("unscored".into(), |s| crate::render::number::wsjf(&s)),
                ]);
            }
            cells.push(row.team.join(", "));
            cells.push(row.pi.unwrap_or("").to_string());
            cells
        })
        .collect();
    (header, cells)
}

/// `popm backlog`: the ranked items shown, one row each.
pub fn ranking(
    ranked: &[Ranked],
    records: &[RankedRecord],
    points: bool,
    terminal: bool,
) -> String {
    let (header, cells) = ranking_cells(ranked, records, points);
    render(header, cells, terminal)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On a narrow terminal a long title ends in `…` at a word boundary, and ids, types, states
    /// and teams keep their whole width (they used to wrap mid-word).
    #[test]
    fn narrow_tables_shorten_titles_and_never_cut_ids() {
        let rows = vec![
            vec![
                "F-10".to_string(),
                "feature".to_string(),
                "implementing".to_string(),
                "Self-service password reset for every customer account".to_string(),
                "identity".to_string(),
            ],
            vec![
                "S-1".to_string(),
                "story".to_string(),
                "ready".to_string(),
                "Short".to_string(),
                "checkout".to_string(),
            ],
        ];
        let text = render_with(
            &["ID", "TYPE", "STATUS", "TITLE", "TEAM"],
            rows,
            Layout::Fitted(Some(60)),
            false,
            |_| false,
        );
        let expected = "\
┌──────┬─────────┬──────────────┬───────────────┬──────────┐
│ ID   ┆ TYPE    ┆ STATUS       ┆ TITLE         ┆ TEAM     │
╞══════╪═════════╪══════════════╪═══════════════╪══════════╡
│ F-10 ┆ feature ┆ implementing ┆ Self-service… ┆ identity │
│ S-1  ┆ story   ┆ ready        ┆ Short         ┆ checkout │
└──────┴─────────┴──────────────┴───────────────┴──────────┘
";
        assert_eq!(text, expected, "\n{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 60));
    }
}
