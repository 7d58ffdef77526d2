//! `popm fmt`: frontmatter in a canonical key order, short lists of names in flow style, and a final
//! line break. Comments travel with the key below them; unknown keys and the body are kept.

use super::frontmatter::Doc;
use crate::model::key::{Key, Kind};
use crate::parse::yaml::Value;

pub fn format(text: &str) -> Result<String, String> {
    let doc = Doc::new(text)?;
    // Each top-level key with its value; a key that is not a string (YAML allows `1: x`) keeps its
    // place among the unknown keys.
    let keys: Vec<(usize, String, &crate::parse::yaml::Node)> = doc
        .entries()
        .iter()
        .map(|(k, v)| {
            let name = k
                .as_str()
                .map_or_else(|| format!("\u{0}{}", doc.line(k)), str::to_string);
            (doc.line(k), name, v)
        })
        .collect();
    if keys.is_empty() {
        return Ok(with_final_newline(text, doc.eol));
    }
    // Comments before the first key are the frontmatter's own header: they stay on top.
    let mut start = doc.first;
    let mut header = String::new();
    while start < keys[0].0 && doc.line_text(start).trim_start().starts_with('#') {
        header.push_str(doc.line_with_break(start));
        start += 1;
    }
    // Each block: leading comments and blank lines, the key line, and its value lines.
    let mut blocks: Vec<(usize, String)> = Vec::new();
    for (line, key, value) in &keys {
        let end = doc.block_end(*line);
        let mut block = String::new();
        for l in start..=end {
            block.push_str(doc.line_with_break(l));
        }
        let is_list = Key::named(key).is_some_and(|k| k.kind == Kind::List);
        if is_list && let Some(flow) = flow_list(&doc, *line, end, value) {
            // Keep the leading comments, replace the key's own lines.
            let mut kept = String::new();
            for l in start..*line {
                kept.push_str(doc.line_with_break(l));
            }
            block = format!("{kept}{key}: {flow}{}", doc.eol);
        }
        let rank = Key::rank(key);
        blocks.push((rank, block));
        start = end + 1;
    }
    let trailing: String = (start..doc.close).map(|l| doc.line_with_break(l)).collect();
    blocks.sort_by_key(|(rank, _)| *rank);
    let head_end = doc.lines[doc.first].0;
    let close_start = doc.lines[doc.close].0;
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..head_end]);
    out.push_str(&header);
    for (_, block) in &blocks {
        out.push_str(block);
        if !block.ends_with(['\n', '\r']) {
            out.push_str(doc.eol);
        }
    }
    out.push_str(&trailing);
    out.push_str(&text[close_start..]);
    let out = with_final_newline(&out, doc.eol);
    // The result must hold the same data: a formatter that changed a value would be a bug, and
    // losing data is worse than leaving a file as it is.
    let after = Doc::new(&out)?;
    if !same_data(doc.root.as_ref(), after.root.as_ref()) {
        return Err("formatting would change a value here; left as it is".into());
    }
    Ok(out)
}

/// Equal YAML data, ignoring positions and the order of mapping keys.
fn same_data(a: Option<&crate::parse::yaml::Node>, b: Option<&crate::parse::yaml::Node>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => super::frontmatter::same_value(&a.value, &b.value),
        (None, None) => true,
        _ => false,
    }
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
        // Only names that mean the same inside `[...]`, each on its own line.
        let Value::Str(name) = &item.value else {
            return None;
        };
        if doc.block_end(doc.line(item)) != doc.line(item) {
            return None;
        }
        let range = doc.token(doc.offset(item), false).ok()?;
        let written = &doc.text[range];
        let plain_safe = crate::edit::scalar::string(name) == *name;
        if written != name || !plain_safe {
            return None;
        }
        parts.push(written);
    }
    Some(format!("[{}]", parts.join(", ")))
}

/// The text ending with a line break: the one its last line break uses (the body's own), or the
/// frontmatter's when the file has a single line.
fn with_final_newline(text: &str, frontmatter_eol: &str) -> String {
    if text.is_empty() || text.ends_with(['\n', '\r']) {
        return text.to_string();
    }
    let eol = match text.rfind(['\n', '\r']) {
        Some(i) if text[..i].ends_with('\r') && text[i..].starts_with('\n') => "\r\n",
        Some(i) if text[i..].starts_with('\n') => "\n",
        Some(_) => "\r",
        None => frontmatter_eol,
    };
    format!("{text}{eol}")
}

/// How an item file on disk relates to the text the checker read.
pub enum OnDisk {
    /// The same bytes (the usual case).
    Same,
    /// The file has lone CRs, which the checker read as LF: its own text, to format as it is.
    LoneCr(String),
    /// Changed since it was read, or gone.
    Changed,
}

/// How the file on disk relates to the text the checker read (lone CRs read as LF). Read as the
/// checker reads (`files`): a file replaced by a link or a pipe since then has changed.
pub fn on_disk(path: &std::path::Path, read: &str) -> OnDisk {
    let Ok(Ok(bytes)) = crate::files::read_regular(path, read.len() as u64) else {
        return OnDisk::Changed;
    };
    if bytes == read.as_bytes() {
        return OnDisk::Same;
    }
    match String::from_utf8(bytes) {
        Ok(raw) if crate::parse::lone_cr_to_lf(raw.clone()) == read => OnDisk::LoneCr(raw),
        _ => OnDisk::Changed,
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
    fn the_final_line_break_is_the_bodys() {
        assert_eq!(
            format("---\nid: S-1\n---\r\nbody\r\nlast").unwrap(),
            "---\nid: S-1\n---\r\nbody\r\nlast\r\n"
        );
        assert_eq!(
            format("---\r\nid: S-1\r\n---\nx\nlast").unwrap(),
            "---\r\nid: S-1\r\n---\nx\nlast\n"
        );
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
