//! CSV for spreadsheets. A cell that a spreadsheet would run as a formula is defused with a leading
//! apostrophe (OWASP's advice on CSV injection).

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
}
