//! CSV for spreadsheets: `list`, `backlog` and `export`. A cell that a spreadsheet would run as a
//! formula is defused with a leading apostrophe (OWASP's advice on CSV injection).

use crate::config::Config;
use crate::model::{Backlog, Item, Key, Wsjf, key};
use crate::render::schema::{ItemRecord, RankedRecord};
use crate::report::ranking::Ranked;

pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    // Writing into memory cannot fail.
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(row.iter().map(|cell| defuse(cell).into_owned()));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Prefixes cells that begin with a formula trigger (`=`, `+`, `-`, `@`) or with a tab, carriage
/// return or line feed, and cells whose first character after leading blanks is a trigger (some
/// spreadsheets trim before they look).
pub fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    let trigger = |c: char| matches!(c, '=' | '+' | '-' | '@');
    let first = cell.chars().next();
    let after_blanks = cell
        .trim_start_matches([' ', '\t', '\r', '\n'])
        .chars()
        .next();
    if matches!(first, Some('\t' | '\r' | '\n')) || after_blanks.is_some_and(trigger) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// `popm list --format csv`: the table's columns, then the enabler kind.
pub fn list(items: &[&Item], backlog: &Backlog, config: &Config) -> String {
    let header: Vec<&str> = super::table::LIST_COLUMNS
        .iter()
        .chain([&key::ENABLER])
        .map(|k| k.name)
        .collect();
    render(
        &header,
        &super::table::list_rows(items, backlog, config, true),
    )
}

/// `popm backlog --format csv`: the table's columns, named in lower case.
/// With `sections` (`backlog --all`), a last column says which part each row is ranked in.
pub fn ranking(
    ranked: &[Ranked],
    records: &[RankedRecord],
    points: bool,
    sections: bool,
) -> String {
    let (header, mut cells) = super::table::ranking_cells(ranked, records, points);
    let mut header: Vec<String> = header
        .iter()
        .map(|h| h.to_lowercase().replace("rr|oe", "risk_reduction"))
        .collect();
    if sections {
        header.push("section".into());
        for (row, record) in cells.iter_mut().zip(records) {
            row.push(record.section.to_string());
        }
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    render(&header, &cells)
}

/// `popm export --format csv`: every item key in a column of its own ([`Key::export_columns`]).
pub fn export(items: &[&Item], backlog: &Backlog, config: &Config) -> String {
    let columns = Key::export_columns();
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let r = ItemRecord::new(i, backlog, config);
            columns.iter().map(|c| export_cell(i, &r, c)).collect()
        })
        .collect();
    render(&columns, &rows)
}

/// One cell of `popm export --format csv`: the item's value under the column's key.
fn export_cell(item: &Item, r: &ItemRecord, column: &str) -> String {
    let text = |v: Option<&str>| v.unwrap_or("").to_string();
    let number = |v: Option<f64>| v.map_or(String::new(), crate::render::number::exact);
    let whole = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
    if let Some(k) = Wsjf::KEYS.iter().position(|k| *k == column) {
        return whole(
            item.wsjf
                .as_ref()
                .and_then(|w| w.inputs()[k].1.map(|v| v.value)),
        );
    }
    match column {
        "id" => text(r.id),
        "type" => text(r.item_type.map(|t| t.as_str())),
        "title" => r.title.to_string(),
        "status" => r.status.to_string(),
        "parent" => text(r.parent),
        "owner" => text(r.owner),
        "team" => r.team.join(";"),
        "art" => text(r.art),
        "pi" => text(r.pi),
        "iteration" => whole(r.iteration),
        "points" => number(r.points),
        "estimate" => number(r.estimate),
        "rank" => whole(item.rank.as_ref().map(|v| v.value)),
        "enabler" => text(r.enabler.map(|e| e.as_str())),
        "depends_on" => r.depends_on.join(";"),
        "labels" => r.labels.join(";"),
        "jira" => text(item.jira.as_ref().map(|j| j.value.as_str())),
        "value_stream" => text(item.value_stream.as_ref().map(|v| v.value.as_str())),
        "budget" => number(item.budget.as_ref().map(|b| b.value)),
        "okrs" => item
            .okrs
            .iter()
            .map(|o| o.value.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        "path" => r.path.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_quoting_is_standard() {
        let out = render(&["a", "b"], &[vec!["=1+1".into(), "x, \"y\"".into()]]);
        assert_eq!(out, "a,b\n'=1+1,\"x, \"\"y\"\"\"\n");
    }

    #[test]
    fn every_formula_trigger_is_defused() {
        for cell in [
            "=HYPERLINK(\"http://evil\")",
            "+1+1",
            "-1+1",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "\n=1",
            "\tplain",
            " =1+1",
            "  @x",
            "\t -2",
        ] {
            assert_eq!(defuse(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["plain", "F-1", "a=b", "x-1", "", "  ", "café"] {
            assert_eq!(defuse(cell), cell, "{cell:?}");
        }
    }

    /// Every export column names a key the exporter knows: an item with every key set has no
    /// empty cell.
    #[test]
    fn every_export_column_has_its_value() {
        let text = "---\nid: F-1\ntype: feature\ntitle: T\nstatus: ready\nparent: E-1\n\
                    owner: o\nteam: [a, b]\nart: x\npi: PI-1\niteration: 2\npoints: 3\n\
                    estimate: 4\nrank: 5\nenabler: compliance\ndepends_on: [F-2]\nlabels: [l]\n\
                    wsjf: {business_value: 1, time_criticality: 2, risk_reduction: 3, job_size: 5}\n\
                    jira: FRT-1\nvalue_stream: travel\nbudget: 300\nokrs: [O-1, O-2]\n---\n";
        let config = Config::default();
        let (parsed, _) = crate::parse::parse_file("backlog/F-1.md", text.as_bytes().to_vec());
        let backlog = Backlog::new(parsed.item.into_iter().collect(), &config);
        let items: Vec<&Item> = backlog.iter().collect();
        let out = export(&items, &backlog, &config);
        assert_eq!(
            out.lines().nth(1),
            Some(
                "F-1,feature,T,ready,E-1,o,a;b,x,PI-1,2,3,4,5,compliance,F-2,l,1,2,3,5,FRT-1,travel,300,O-1;O-2,backlog/F-1.md"
            )
        );
    }
}
