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
    if layout == Layout::Plain
        && !color
        && let Some(text) = plain(header, &rows)
    {
        return text;
    }
    comfy(header, rows, layout, color, marked)
}

/// Plain aligned columns written directly, byte for byte what comfy-table lays out with no
/// borders and no width (each cell padded by one blank either side to its column's widest cell,
/// blanks trimmed from both ends of each line). comfy-table builds a cell, a padded string per
/// cell and a string per line before joining them, which for `popm list` on 10 000 items cost
/// more than writing the JSON; here each line is written once into one buffer. `None` for what
/// this does not lay out (a cell of several lines, a cell wider than comfy-table's `u16`
/// widths, no header): comfy-table lays those out. A test holds the two to the same bytes.
fn plain(header: &[&str], rows: &[Vec<String>]) -> Option<String> {
    use unicode_width::UnicodeWidthStr;
    const WIDEST: usize = u16::MAX as usize - 2;
    if header.is_empty() {
        return None;
    }
    // Each cell made safe and measured once. Safe ASCII has no control character left: each
    // byte is one column.
    fn shown(text: &str) -> (std::borrow::Cow<'_, str>, usize) {
        let cell = crate::render::safe(text);
        let width = if cell.is_ascii() {
            cell.len()
        } else {
            cell.width()
        };
        (cell, width)
    }
    let header: Vec<(std::borrow::Cow<str>, usize)> = header.iter().map(|h| shown(h)).collect();
    let cells: Vec<Vec<(std::borrow::Cow<str>, usize)>> = rows
        .iter()
        .map(|row| row.iter().map(|c| shown(c)).collect())
        .collect();
    let columns = cells.iter().map(Vec::len).fold(header.len(), usize::max);
    // Every column is at least one character wide, as in comfy-table.
    let mut widths = vec![1usize; columns];
    let mut bytes = 0;
    for row in std::iter::once(&header).chain(&cells) {
        for ((cell, cell_width), width) in row.iter().zip(widths.iter_mut()) {
            if cell.contains('\n') {
                return None;
            }
            *width = (*width).max(*cell_width);
            bytes += cell.len() + 2;
        }
    }
    if widths.iter().any(|w| *w > WIDEST) {
        return None;
    }
    let mut text =
        String::with_capacity(bytes + (cells.len() + 1) * (widths.iter().sum::<usize>() + 1));
    let mut line = String::new();
    for (i, row) in std::iter::once(&header).chain(&cells).enumerate() {
        line.clear();
        for (column, width) in widths.iter().enumerate() {
            let (cell, cell_width) = row.get(column).map_or(("", 0), |(c, w)| (c.as_ref(), *w));
            line.push(' ');
            line.push_str(cell);
            let mut blanks = width - cell_width + 1;
            while blanks > 0 {
                let run = blanks.min(BLANKS.len());
                line.push_str(&BLANKS[..run]);
                blanks -= run;
            }
        }
        if i > 0 {
            text.push('\n');
        }
        text.push_str(line.trim_end().trim_start_matches(' '));
    }
    text.push('\n');
    Some(text)
}

/// Padding for [`plain`], taken a slice at a time.
const BLANKS: &str = "                                                                ";

/// The table laid out by comfy-table: boxed and fitted, or plain when [`plain`] declines.
fn comfy(
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

    /// What comfy-table prints for the same cells, piped.
    fn by_comfy(header: &[&str], rows: &[Vec<String>]) -> String {
        comfy(header, rows.to_vec(), Layout::Plain, false, |_| false)
    }

    #[test]
    fn plain_columns_are_comfy_tables_bytes() {
        let rows = vec![
            vec![
                "S-1".to_string(),
                "story".into(),
                "".into(),
                "Pay by card".into(),
            ],
            vec!["F-10".into(), "feature".into(), "implementing".into()],
            vec![],
            vec![
                "E-2".into(),
                "epic*".into(),
                "  spaced  ".into(),
                "宽字符 wide".into(),
            ],
            vec!["".into(), "".into(), "".into(), "".into()],
        ];
        let header = ["ID", "TYPE", "STATUS", "TITLE"];
        let text = plain(&header, &rows).unwrap();
        assert_eq!(text, by_comfy(&header, &rows));
        assert_eq!(
            text,
            "ID    TYPE     STATUS        TITLE\n\
             S-1   story                  Pay by card\n\
             F-10  feature  implementing\n\
             \n\
             E-2   epic*      spaced      宽字符 wide\n\
             \n"
        );
    }

    #[test]
    fn plain_declines_what_it_does_not_lay_out() {
        assert_eq!(plain(&[], &[vec!["a".into()]]), None);
        let wide = "x".repeat(u16::MAX as usize);
        assert_eq!(plain(&["A"], &[vec![wide]]), None);
    }

    proptest::proptest! {
        #[test]
        fn plain_columns_agree_with_comfy_table(
            header in proptest::collection::vec("[A-Z|]{0,6}", 1..5),
            rows in proptest::collection::vec(
                proptest::collection::vec(
                    "[a-z0-9 *.\u{3000}\u{301}\u{200b}\u{1f600}\u{4e00}\t\u{7f}\u{1b}-]{0,12}",
                    0..6,
                ),
                0..8,
            ),
        ) {
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let text = plain(&header, &rows).unwrap();
            proptest::prop_assert_eq!(text, by_comfy(&header, &rows));
        }
    }

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
