//! `popm fmt`: frontmatter in a canonical key order, short lists of names in flow style, and a final
//! line break. Comments travel with the key below them; unknown keys and the body are kept.

use super::frontmatter::Doc;
use crate::parse::yaml::Value;

/// The order keys are written in; unknown keys follow, in their own order.
pub const ORDER: &[&str] = &[
    "id",
    "type",
    "title",
    "status",
    "parent",
    "owner",
    "team",
    "art",
    "pi",
    "iteration",
    "points",
    "estimate",
    "rank",
    "enabler",
    "depends_on",
    "labels",
    "wsjf",
    "start",
    "iterations",
    "iteration_weeks",
    "capacity",
    "allocation",
    "objectives",
    "extra",
];

const FLOW_LISTS: &[&str] = &["team", "labels", "depends_on"];

pub fn format(text: &str) -> Result<String, String> {
    let doc = Doc::new(text)?;
    let keys: Vec<(usize, String)> = doc
        .entries()
        .iter()
        .filter_map(|(k, _)| Some((doc.line(k), k.as_str()?.to_string())))
        .collect();
    if keys.is_empty() {
        return Ok(with_final_newline(text, doc.eol));
    }
    // Each block: leading comments and blank lines, the key line, and its value lines.
    let mut blocks: Vec<(usize, String, String)> = Vec::new();
    let mut start = doc.first;
    for (n, (line, key)) in keys.iter().enumerate() {
        let end = doc.block_end(*line);
        let mut block = String::new();
        for l in start..=end {
            block.push_str(doc.line_with_break(l));
        }
        if let Some((_, v)) = doc.entries().get(n)
            && FLOW_LISTS.contains(&key.as_str())
            && let Some(flow) = flow_list(&doc, *line, end, v)
        {
            // Keep the leading comments, replace the key's own lines.
            let mut kept = String::new();
            for l in start..*line {
                kept.push_str(doc.line_with_break(l));
            }
            block = format!("{kept}{key}: {flow}{}", doc.eol);
        }
        let rank = ORDER.iter().position(|k| k == key).unwrap_or(ORDER.len());
        blocks.push((rank, key.clone(), block));
        start = end + 1;
    }
    let trailing: String = (start..doc.close).map(|l| doc.line_with_break(l)).collect();
    blocks.sort_by_key(|(rank, _, _)| *rank);
    let head_end = doc.lines[doc.first].0;
    let close_start = doc.lines[doc.close].0;
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..head_end]);
    for (_, _, block) in &blocks {
        out.push_str(block);
        if !block.ends_with('\n') {
            out.push_str(doc.eol);
        }
    }
    out.push_str(&trailing);
    out.push_str(&text[close_start..]);
    Ok(with_final_newline(&out, doc.eol))
}

/// A block list of plain names without comments, as `[a, b]`; `None` when it is anything else.
fn flow_list(
    doc: &Doc,
    key_line: usize,
    end: usize,
    value: &crate::parse::yaml::Node,
) -> Option<String> {
    let Value::Seq(items) = &value.value else {
        return None;
    };
    if doc.line(value) == key_line {
        return None;
    }
    if (key_line..=end).any(|l| doc.line_text(l).contains('#')) {
        return None;
    }
    let mut parts = Vec::new();
    for item in items {
        if !matches!(item.value, Value::Str(_)) {
            return None;
        }
        let range = doc.token(doc.offset(item), true).ok()?;
        parts.push(&doc.text[range]);
    }
    Some(format!("[{}]", parts.join(", ")))
}

fn with_final_newline(text: &str, eol: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}{eol}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_keys_and_keeps_comments() {
        let text = "---\ntitle: T\nfoo: kept\n# the id\nid: F-1 # inline\nlabels:\n  - a\n  - b\ntype: feature\nwsjf:\n  job_size: 3\n---\nBody";
        let formatted = format(text).unwrap();
        assert_eq!(
            formatted,
            "---\n# the id\nid: F-1 # inline\ntype: feature\ntitle: T\nlabels: [a, b]\nwsjf:\n  job_size: 3\nfoo: kept\n---\nBody\n"
        );
        assert_eq!(format(&formatted).unwrap(), formatted);
    }

    #[test]
    fn crlf_is_kept() {
        let text = "---\r\ntype: story\r\nid: S-1\r\n---\r\nx\r\n";
        assert_eq!(
            format(text).unwrap(),
            "---\r\nid: S-1\r\ntype: story\r\n---\r\nx\r\n"
        );
    }
}
