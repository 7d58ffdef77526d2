//! GitHub-flavoured markdown tables, for CI job summaries and pull request comments.

/// A cell's text made safe for a table: line breaks folded, other control characters shown
/// ([`crate::render::safe`]), pipes escaped.
pub fn cell(text: &str) -> String {
    crate::render::safe(&text.replace(['\r', '\n'], " "))
        .replace('\\', "\\\\")
        .replace('|', "\\|")
}

pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let header: Vec<String> = header.iter().map(|h| cell(h)).collect();
    let mut out = format!("| {} |\n", header.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}
