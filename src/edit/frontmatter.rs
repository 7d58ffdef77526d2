//! Surgical edits of a file's frontmatter: one key's value text changes, everything else (comments,
//! key order, quoting, unknown keys, the body, line endings) stays byte for byte.

use crate::parse::frontmatter;
use crate::parse::yaml::{self, Node, Value};

/// One change to the frontmatter. Values are YAML text, already formatted (see `edit::scalar`).
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Set `key` (or `key.sub`) to a value, adding the key when absent.
    Set { path: Vec<String>, yaml: String },
    /// Remove `key` (or `key.sub`).
    Remove { path: Vec<String> },
    /// Add an element to a list key (created when absent).
    Append { key: String, yaml: String },
    /// Remove every element of a list key equal to `value`.
    RemoveElement { key: String, value: String },
    /// Replace every element of a list key equal to `old` (or the value itself, when it is `old`).
    ReplaceElement {
        key: String,
        old: String,
        yaml: String,
    },
}

/// Applies edits in order; each sees the result of the previous one.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, String> {
    let mut text = text.to_string();
    for edit in edits {
        text = apply_one(&text, edit)?;
    }
    Ok(text)
}

pub(crate) struct Doc<'a> {
    pub(crate) text: &'a str,
    pub(crate) eol: &'static str,
    /// (start, end without line break, end with it) of every line.
    pub(crate) lines: Vec<(usize, usize, usize)>,
    /// 0-based index of the first YAML line and of the closing fence.
    pub(crate) first: usize,
    pub(crate) close: usize,
    pub(crate) root: Option<Node>,
}

impl<'a> Doc<'a> {
    pub(crate) fn new(text: &'a str) -> Result<Doc<'a>, String> {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let split = frontmatter::split(&text[bom..]).map_err(|_| {
            "the file has no frontmatter block to edit (it must start with a `---` line)"
                .to_string()
        })?;
        let mut lines = Vec::new();
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                lines.push((start, end, i + 1));
                start = i + 1;
            }
        }
        if start < text.len() {
            lines.push((start, text.len(), text.len()));
        }
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let close = split.body_line as usize - 2;
        let root = if split.yaml.trim().is_empty() {
            None
        } else {
            Some(
                yaml::parse(split.yaml)
                    .map_err(|e| format!("the frontmatter is not valid YAML: {}", e.message))?,
            )
        };
        Ok(Doc {
            text,
            eol,
            lines,
            first: 1,
            close,
            root,
        })
    }

    pub(crate) fn entries(&self) -> &[(Node, Node)] {
        match self.root.as_ref().map(|r| &r.value) {
            Some(Value::Map(entries)) => entries,
            _ => &[],
        }
    }

    /// 0-based file line of a node.
    pub(crate) fn line(&self, node: &Node) -> usize {
        self.first + node.pos.line as usize - 1
    }

    /// Byte offset of a node's first character.
    pub(crate) fn offset(&self, node: &Node) -> usize {
        let (start, end, _) = self.lines[self.line(node)];
        let line = &self.text[start..end];
        start
            + line
                .char_indices()
                .nth(node.pos.column as usize - 1)
                .map_or(line.len(), |(i, _)| i)
    }

    pub(crate) fn line_with_break(&self, line: usize) -> &'a str {
        let (start, _, end) = self.lines[line];
        &self.text[start..end]
    }

    pub(crate) fn line_text(&self, line: usize) -> &'a str {
        let (start, end, _) = self.lines[line];
        &self.text[start..end]
    }

    fn indent(&self, line: usize) -> usize {
        let l = self.line_text(line);
        l.len() - l.trim_start_matches(' ').len()
    }

    /// The last line of the value block under a key on `line` (the key line itself when the value
    /// is on it): following lines indented deeper, before the closing fence.
    pub(crate) fn block_end(&self, line: usize) -> usize {
        let indent = self.indent(line);
        // Under a key, `- a` lines may sit at the key's own indentation; under a list item they are
        // its siblings.
        let is_item = self.line_text(line).trim_start().starts_with('-');
        let mut end = line;
        for l in line + 1..self.close {
            // A blank line, or a `#` line no deeper than the key, may belong to what follows; a
            // deeper `#` line is inside this value (a comment of a nested map, or text of a `|`
            // block or a multi-line string) and goes with it.
            let text = self.line_text(l);
            if text.trim().is_empty() {
                continue;
            }
            if text.trim_start().starts_with('#') && self.indent(l) <= indent {
                continue;
            }
            // A block list may sit at the key's own indentation (`labels:` then `- a`).
            let list_item = !is_item
                && self.indent(l) == indent
                && self.line_text(l).trim_start().starts_with("- ");
            let deeper = self.indent(l) > indent || list_item;
            if !deeper {
                break;
            }
            end = l;
        }
        end
    }

    /// The byte range of the value token starting at `start`: a quoted string, a flow collection on
    /// one line, or a plain scalar (ending at a comment, or at `,`/`]`/`}` inside a flow collection).
    pub(crate) fn token(
        &self,
        start: usize,
        in_flow: bool,
    ) -> Result<std::ops::Range<usize>, String> {
        let line_end = self
            .lines
            .iter()
            .find(|(s, e, _)| *s <= start && start <= *e)
            .map_or(self.text.len(), |(_, e, _)| *e);
        let rest = &self.text[start..line_end];
        let bytes = rest.as_bytes();
        let len = match bytes.first() {
            Some(b'"') => {
                let mut i = 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            return Err(
                                "a quoted value spans several lines; edit it by hand".into()
                            );
                        }
                        Some(b'\\') => i += 2,
                        Some(b'"') => break i + 1,
                        Some(_) => i += 1,
                    }
                }
            }
            Some(b'\'') => {
                let mut i = 1;
                loop {
                    match (bytes.get(i), bytes.get(i + 1)) {
                        (None, _) => {
                            return Err(
                                "a quoted value spans several lines; edit it by hand".into()
                            );
                        }
                        (Some(b'\''), Some(b'\'')) => i += 2,
                        (Some(b'\''), _) => break i + 1,
                        _ => i += 1,
                    }
                }
            }
            Some(b'[' | b'{') => {
                let mut depth = 0i32;
                let mut quote: Option<u8> = None;
                let mut end = None;
                let mut i = 0;
                while i < bytes.len() {
                    let b = bytes[i];
                    match quote {
                        Some(q) if b == b'\\' && q == b'"' => i += 1,
                        Some(q) if b == q => quote = None,
                        Some(_) => {}
                        None => match b {
                            b'"' | b'\'' => quote = Some(b),
                            b'[' | b'{' => depth += 1,
                            b']' | b'}' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = Some(i + 1);
                                    break;
                                }
                            }
                            _ => {}
                        },
                    }
                    i += 1;
                }
                end.ok_or("a list or mapping spans several lines; edit it by hand")?
            }
            Some(b'|' | b'>') => {
                return Err("a multi-line text value (| or >); edit it by hand".into());
            }
            _ => {
                let mut end = rest.len();
                if let Some(i) = comment_start(rest) {
                    end = end.min(i);
                }
                if in_flow && let Some(i) = rest.find([',', ']', '}']) {
                    end = end.min(i);
                }
                rest[..end].trim_end().len()
            }
        };
        Ok(start..start + len)
    }

    /// The byte just after the `:` that follows a key on its line.
    fn after_colon(&self, key: &Node) -> Result<usize, String> {
        let key_start = self.offset(key);
        let line_end = self.lines[self.line(key)].1;
        // A quoted key ends at its quote; a plain one at the first `:` followed by a space or the
        // end of the line.
        let from = if self.text[key_start..].starts_with(['"', '\'']) {
            self.token(key_start, true)?.end
        } else {
            key_start
        };
        let rest = &self.text[from..line_end];
        let colon = rest
            .char_indices()
            .find(|(i, c)| {
                *c == ':'
                    && rest[i + 1..]
                        .chars()
                        .next()
                        .is_none_or(|n| n == ' ' || n == '\t')
            })
            .map(|(i, _)| i)
            .ok_or("cannot find the `:` after the key")?;
        Ok(from + colon + 1)
    }

    /// Where a value starts, or `None` when nothing follows the key's colon (null or a block).
    fn value_is_inline(&self, key: &Node, value: &Node) -> bool {
        self.line(value) == self.line(key)
            && !matches!(value.value, Value::Null if self.text[self.offset(value)..].starts_with(':'))
    }

    /// Inserts the lines of a new top-level key where `popm fmt` would put it: after the last key
    /// that comes before it in the canonical order (unknown keys go last).
    fn insert_key(&self, key: &str, lines: &str) -> String {
        let rank = super::format::rank;
        let new_rank = rank(key);
        let after = self
            .entries()
            .iter()
            .filter(|(k, _)| k.as_str().is_some_and(|k| rank(k) <= new_rank))
            .map(|(k, _)| self.block_end(self.line(k)))
            .max();
        let at = match after {
            Some(line) => self.lines[line].2,
            None => self.lines[self.first].0,
        };
        let before = &self.text[..at];
        // The line before may be the file's last, without a line break.
        let joint = if before.ends_with('\n') { "" } else { self.eol };
        format!("{before}{joint}{lines}{}{}", self.eol, &self.text[at..])
    }

    fn replace(&self, range: std::ops::Range<usize>, with: &str) -> String {
        format!(
            "{}{with}{}",
            &self.text[..range.start],
            &self.text[range.end..]
        )
    }

    /// Removes whole lines `from..=to`.
    fn remove_lines(&self, from: usize, to: usize) -> String {
        let start = self.lines[from].0;
        let end = self.lines[to].2;
        format!("{}{}", &self.text[..start], &self.text[end..])
    }
}

/// Where a `#` comment starts in the rest of a line: a `#` after a space or a tab.
fn comment_start(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    (1..bytes.len())
        .find(|&i| bytes[i] == b'#' && matches!(bytes[i - 1], b' ' | b'\t'))
        .map(|i| i - 1)
}

fn find<'n>(entries: &'n [(Node, Node)], key: &str) -> Option<&'n (Node, Node)> {
    entries.iter().find(|(k, _)| k.as_str() == Some(key))
}

fn apply_one(text: &str, edit: &Edit) -> Result<String, String> {
    let doc = Doc::new(text)?;
    match edit {
        Edit::Set { path, yaml } => set(&doc, path, yaml),
        Edit::Remove { path } => remove(&doc, path),
        Edit::Append { key, yaml } => append(&doc, key, yaml),
        Edit::RemoveElement { key, value } => remove_element(&doc, key, value),
        Edit::ReplaceElement { key, old, yaml } => replace_element(&doc, key, old, yaml),
    }
}

/// Replaces what follows the key's colon (on its line, and the block under it) with ` value`.
fn replace_whole_value(doc: &Doc, key: &Node, yaml: &str) -> Result<String, String> {
    let colon = doc.after_colon(key)?;
    let key_line = doc.line(key);
    let end_line = doc.block_end(key_line);
    let line_end = doc.lines[key_line].1;
    // Keep a trailing comment on the key's line.
    let comment = doc.text[colon..line_end]
        .find(" #")
        .or_else(|| doc.text[colon..line_end].find("\t#"))
        .map(|i| &doc.text[colon + i..line_end]);
    let mut new = format!(" {yaml}");
    if let Some(c) = comment {
        new.push_str(c);
    }
    let end = doc.lines[end_line].1;
    Ok(doc.replace(colon..end, &new))
}

fn set(doc: &Doc, path: &[String], yaml: &str) -> Result<String, String> {
    match path {
        [key] => match find(doc.entries(), key) {
            None => Ok(doc.insert_key(key, &format!("{key}: {yaml}"))),
            // A value on the key's line and only there: replace its text. One that goes on over
            // the next lines (a multi-line string) is replaced as a whole.
            Some((k, v))
                if doc.value_is_inline(k, v)
                    && !matches!(v.value, Value::Map(_) | Value::Seq(_))
                    && doc.block_end(doc.line(k)) == doc.line(k) =>
            {
                let range = doc.token(doc.offset(v), false)?;
                Ok(doc.replace(range, yaml))
            }
            Some((k, _)) => replace_whole_value(doc, k, yaml),
        },
        [key, sub] => match find(doc.entries(), key) {
            None => Ok(doc.insert_key(key, &format!("{key}:{}  {sub}: {yaml}", doc.eol))),
            Some((k, v)) => match &v.value {
                Value::Map(children) => match find(children, sub) {
                    Some((_, cv)) if !matches!(cv.value, Value::Map(_) | Value::Seq(_)) => {
                        let in_flow = doc.text[doc.offset(v)..].starts_with('{');
                        if matches!(cv.value, Value::Null)
                            && doc.text[doc.offset(cv)..].starts_with(':')
                        {
                            let (ck, _) = find(children, sub).ok_or("internal: child vanished")?;
                            let colon = doc.after_colon(ck)?;
                            return Ok(doc.replace(colon..colon, &format!(" {yaml}")));
                        }
                        let range = doc.token(doc.offset(cv), in_flow)?;
                        Ok(doc.replace(range, yaml))
                    }
                    Some((ck, _)) => replace_whole_value(doc, ck, yaml),
                    None => {
                        let start = doc.offset(v);
                        if doc.text[start..].starts_with('{') {
                            let range = doc.token(start, false)?;
                            let inner = doc.text[range.start + 1..range.end - 1].trim_end();
                            let sep = if inner.trim().is_empty() { "" } else { ", " };
                            let at = range.start + 1 + inner.len();
                            let at = if inner.trim().is_empty() {
                                range.start + 1
                            } else {
                                at
                            };
                            Ok(doc.replace(at..range.end - 1, &format!("{sep}{sub}: {yaml}")))
                        } else {
                            let (first_key, _) = &children[0];
                            let indent = " ".repeat(first_key.pos.column as usize - 1);
                            let last = doc.block_end(doc.line(k));
                            let at = doc.lines[last].2;
                            let line = format!("{indent}{sub}: {yaml}{}", doc.eol);
                            let prefix = if doc.lines[last].2 == doc.lines[last].1 {
                                doc.eol
                            } else {
                                ""
                            };
                            Ok(format!(
                                "{}{prefix}{line}{}",
                                &doc.text[..at],
                                &doc.text[at..]
                            ))
                        }
                    }
                },
                _ => replace_whole_value(doc, k, &format!("{{{sub}: {yaml}}}")),
            },
        },
        _ => Err("keys nest at most one level (e.g. wsjf.job_size)".into()),
    }
}

fn remove(doc: &Doc, path: &[String]) -> Result<String, String> {
    match path {
        [key] => match find(doc.entries(), key) {
            None => Ok(doc.text.to_string()),
            Some((k, _)) => {
                let line = doc.line(k);
                Ok(doc.remove_lines(line, doc.block_end(line)))
            }
        },
        [key, sub] => {
            let Some((_, v)) = find(doc.entries(), key) else {
                return Ok(doc.text.to_string());
            };
            let Value::Map(children) = &v.value else {
                return Ok(doc.text.to_string());
            };
            let Some(index) = children.iter().position(|(k, _)| k.as_str() == Some(sub)) else {
                return Ok(doc.text.to_string());
            };
            let start = doc.offset(v);
            if doc.text[start..].starts_with('{') {
                // Rebuild the flow mapping from the other entries' own text.
                let mut parts = Vec::new();
                for (i, (ck, cv)) in children.iter().enumerate() {
                    if i == index {
                        continue;
                    }
                    let from = doc.offset(ck);
                    let to = doc.token(doc.offset(cv), true)?.end;
                    parts.push(&doc.text[from..to]);
                }
                let range = doc.token(start, false)?;
                Ok(doc.replace(range, &format!("{{{}}}", parts.join(", "))))
            } else {
                let line = doc.line(&children[index].0);
                Ok(doc.remove_lines(line, doc.block_end(line)))
            }
        }
        _ => Err("keys nest at most one level (e.g. wsjf.job_size)".into()),
    }
}

fn append(doc: &Doc, key: &str, yaml: &str) -> Result<String, String> {
    let Some((k, v)) = find(doc.entries(), key) else {
        return Ok(doc.insert_key(key, &format!("{key}: [{yaml}]")));
    };
    match &v.value {
        Value::Seq(items) => {
            let start = doc.offset(v);
            if doc.text[start..].starts_with('[') {
                let range = doc.token(start, false)?;
                let inner = doc.text[range.start + 1..range.end - 1].trim_end();
                if inner.trim().is_empty() {
                    Ok(doc.replace(range.start + 1..range.end - 1, yaml))
                } else {
                    let at = range.start + 1 + inner.len();
                    Ok(doc.replace(at..at, &format!(", {yaml}")))
                }
            } else {
                // A block list: a new `- item` line after the last one, indented like the first.
                let first_line = doc.line(&items[0]);
                let dash = doc.indent(first_line);
                let last = doc.block_end(doc.line(k));
                let at = doc.lines[last].2;
                let prefix = if doc.lines[last].2 == doc.lines[last].1 {
                    doc.eol
                } else {
                    ""
                };
                let line = format!("{}- {yaml}{}", " ".repeat(dash), doc.eol);
                Ok(format!(
                    "{}{prefix}{line}{}",
                    &doc.text[..at],
                    &doc.text[at..]
                ))
            }
        }
        Value::Null => replace_whole_value(doc, k, &format!("[{yaml}]")),
        _ if doc.value_is_inline(k, v) => {
            let range = doc.token(doc.offset(v), false)?;
            let old = &doc.text[range.clone()];
            Ok(doc.replace(range, &format!("[{old}, {yaml}]")))
        }
        _ => Err(format!("`{key}` is not a list")),
    }
}

fn replace_element(doc: &Doc, key: &str, old: &str, yaml: &str) -> Result<String, String> {
    let Some((_, v)) = find(doc.entries(), key) else {
        return Ok(doc.text.to_string());
    };
    let in_flow = doc.text[doc.offset(v)..].starts_with('[');
    let targets: Vec<&Node> = match &v.value {
        Value::Seq(items) => items.iter().filter(|i| i.as_str() == Some(old)).collect(),
        Value::Str(s) if s == old => vec![v],
        _ => Vec::new(),
    };
    let mut text = doc.text.to_string();
    // From the last to the first, so earlier offsets stay valid.
    for node in targets.into_iter().rev() {
        let range = doc.token(doc.offset(node), in_flow)?;
        text = format!("{}{yaml}{}", &text[..range.start], &text[range.end..]);
    }
    Ok(text)
}

fn remove_element(doc: &Doc, key: &str, value: &str) -> Result<String, String> {
    let Some((k, v)) = find(doc.entries(), key) else {
        return Ok(doc.text.to_string());
    };
    match &v.value {
        Value::Seq(items) => {
            let start = doc.offset(v);
            if doc.text[start..].starts_with('[') {
                let mut kept = Vec::new();
                for item in items {
                    if item.as_str() == Some(value) {
                        continue;
                    }
                    let range = doc.token(doc.offset(item), true)?;
                    kept.push(&doc.text[range]);
                }
                let range = doc.token(start, false)?;
                Ok(doc.replace(range, &format!("[{}]", kept.join(", "))))
            } else {
                let mut text = doc.text.to_string();
                // Remove matching item lines from the bottom up, so earlier offsets stay valid.
                for item in items.iter().rev().filter(|i| i.as_str() == Some(value)) {
                    let d = Doc::new(&text)?;
                    let line = doc.line(item);
                    let end = d.block_end(line);
                    text = d.remove_lines(line, end);
                }
                Ok(text)
            }
        }
        Value::Str(s) if s == value => replace_whole_value(doc, k, "[]"),
        _ => Ok(doc.text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, path: &str, yaml: &str) -> String {
        let path = path.split('.').map(str::to_string).collect();
        apply(
            text,
            &[Edit::Set {
                path,
                yaml: yaml.into(),
            }],
        )
        .unwrap()
    }

    const DOC: &str = "---\n# the item\nid: F-1   # stable\ntitle: 'Old: title'\nstatus: funnel\nwsjf: {business_value: 8, job_size: 5}\nlabels:\n  - a\n  - b\nteam: [x, y]\nempty:\nz_unknown: keep me\n---\nBody\n---\nmore\n";

    #[test]
    fn set_changes_only_the_value() {
        assert_eq!(
            set(DOC, "status", "ready"),
            DOC.replace("status: funnel", "status: ready")
        );
        assert_eq!(
            set(DOC, "title", "\"New\""),
            DOC.replace("'Old: title'", "\"New\"")
        );
        assert_eq!(
            set(DOC, "id", "F-2"),
            DOC.replace("id: F-1   # stable", "id: F-2   # stable")
        );
        assert_eq!(
            set(DOC, "wsjf.job_size", "8"),
            DOC.replace("job_size: 5", "job_size: 8")
        );
        assert_eq!(
            set(DOC, "wsjf.time_criticality", "3"),
            DOC.replace("job_size: 5}", "job_size: 5, time_criticality: 3}")
        );
        assert_eq!(
            set(DOC, "empty", "now"),
            DOC.replace("empty:\n", "empty: now\n")
        );
        assert_eq!(
            set(DOC, "parent", "E-1"),
            DOC.replace("status: funnel\n", "status: funnel\nparent: E-1\n")
        );
        assert_eq!(
            set(DOC, "x_new", "1"),
            DOC.replace("z_unknown: keep me\n", "z_unknown: keep me\nx_new: 1\n")
        );
        assert_eq!(
            set(DOC, "labels", "[c]"),
            DOC.replace("labels:\n  - a\n  - b\n", "labels: [c]\n")
        );
    }

    #[test]
    fn lists_and_removal() {
        let append = |key: &str, v: &str| {
            apply(
                DOC,
                &[Edit::Append {
                    key: key.into(),
                    yaml: v.into(),
                }],
            )
            .unwrap()
        };
        assert_eq!(
            append("labels", "c"),
            DOC.replace("  - b\n", "  - b\n  - c\n")
        );
        assert_eq!(append("team", "z"), DOC.replace("[x, y]", "[x, y, z]"));
        assert_eq!(
            append("depends_on", "F-9"),
            DOC.replace("team: [x, y]\n", "team: [x, y]\ndepends_on: [F-9]\n")
        );
        let drop = |key: &str, v: &str| {
            apply(
                DOC,
                &[Edit::RemoveElement {
                    key: key.into(),
                    value: v.into(),
                }],
            )
            .unwrap()
        };
        assert_eq!(drop("labels", "a"), DOC.replace("  - a\n", ""));
        assert_eq!(drop("team", "x"), DOC.replace("[x, y]", "[y]"));
        let remove = |p: &str| {
            apply(
                DOC,
                &[Edit::Remove {
                    path: p.split('.').map(str::to_string).collect(),
                }],
            )
            .unwrap()
        };
        assert_eq!(remove("labels"), DOC.replace("labels:\n  - a\n  - b\n", ""));
        assert_eq!(
            remove("wsjf.business_value"),
            DOC.replace("{business_value: 8, job_size: 5}", "{job_size: 5}")
        );
        assert_eq!(remove("nothing"), DOC);
    }

    #[test]
    fn crlf_and_block_maps() {
        let doc =
            "---\r\nid: S-1\r\nwsjf:\r\n  business_value: 3\r\n  job_size: 2\r\n---\r\nbody\r\n";
        assert_eq!(
            set(doc, "wsjf.job_size", "5"),
            doc.replace("job_size: 2", "job_size: 5")
        );
        assert_eq!(
            set(doc, "wsjf.risk_reduction", "1"),
            doc.replace(
                "  job_size: 2\r\n",
                "  job_size: 2\r\n  risk_reduction: 1\r\n"
            )
        );
        assert_eq!(
            set(doc, "status", "done"),
            doc.replace("id: S-1\r\n", "id: S-1\r\nstatus: done\r\n")
        );
    }
}
