//! Tables for people: boxed and fitted to the terminal's width on a terminal, plain aligned columns
//! when piped (so `grep` and `awk` work on them).

use comfy_table::{ContentArrangement, Table, presets};

pub fn render(header: &[&str], rows: Vec<Vec<String>>, terminal: bool) -> String {
    let mut table = Table::new();
    if terminal {
        table
            .load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table.load_style(presets::NOTHING);
    }
    table.set_header(header.iter().map(|h| h.to_string()));
    for row in rows {
        table.add_row(row);
    }
    let mut text = table.to_string();
    if !terminal {
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
