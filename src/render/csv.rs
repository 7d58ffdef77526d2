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

/// Prefixes cells that begin with a formula trigger.
pub fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
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
}
