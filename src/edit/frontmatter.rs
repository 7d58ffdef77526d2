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
/// The result is read back and compared with what the edits mean before it is returned (see
/// [`verify`]).
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, String> {
    let before = Doc::new(text)?;
    let mut edited = text.to_string();
    for edit in edits {
        edited = apply_one(&edited, edit)?;
    }
    let after = Doc::new(&edited).map_err(|_| REFUSED.to_string())?;
    verify(&before, &after, edits)?;
    Ok(edited)
}

pub(crate) struct Doc<'a> {
    pub(crate) text: &'a str,
    /// The line break of inserted lines: the one the frontmatter itself uses most (LF, CRLF, or a
    /// lone CR), never one taken from the body.
    pub(crate) eol: &'static str,
    /// (start, end without line break, end with it) of every line. A line ends at LF, CRLF or a lone
    /// CR, exactly as the parser counts lines (`parse::lone_cr_to_lf`).
    pub(crate) lines: Vec<(usize, usize, usize)>,
    /// 0-based index of the first YAML line and of the closing fence.
    pub(crate) first: usize,
    pub(crate) close: usize,
    pub(crate) root: Option<Node>,
}

/// What starts a value on its line, after a key's `:` or an item's `-`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Inline {
    /// Nothing but maybe a comment: the value is null or a block on the following lines.
    Nothing,
    /// `|` or `>`: every deeper line after it is text, `#` lines included.
    BlockScalar(usize),
    /// A `"` or `'` string starting at this offset, which may go on over lines.
    Quoted(usize),
    /// A `[` or `{` collection starting at this offset, which may go on over lines.
    Flow(usize),
    /// A plain scalar starting at this offset.
    Plain(usize),
}

/// The line table of a text: every line with its break, where LF, CRLF and a lone CR each end one.
fn line_table(text: &str) -> Vec<(usize, usize, usize)> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push((start, i, i + 1));
                start = i + 1;
            }
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                lines.push((start, i, i + 2));
                i += 1;
                start = i + 1;
            }
            b'\r' => {
                lines.push((start, i, i + 1));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        lines.push((start, text.len(), text.len()));
    }
    lines
}

impl<'a> Doc<'a> {
    pub(crate) fn new(text: &'a str) -> Result<Doc<'a>, String> {
        // The checker reads a lone CR as a line break; the editor splits and parses the same text
        // (a copy with the same byte offsets), so both see the same lines.
        let normalized = if text.contains('\r') {
            std::borrow::Cow::Owned(crate::parse::lone_cr_to_lf(text.to_string()))
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        let unmarked = normalized.strip_prefix('\u{feff}').unwrap_or(&normalized);
        let split = frontmatter::split(unmarked).map_err(|_| {
            "the file has no frontmatter block to edit (it must start with a `---` line)"
                .to_string()
        })?;
        let lines = line_table(text);
        let close = split.body_line as usize - 2;
        if close >= lines.len() {
            return Err("internal: the frontmatter's lines do not match the file's".into());
        }
        let root = if split.yaml.trim().is_empty() {
            None
        } else {
            Some(
                yaml::parse(split.yaml)
                    .map_err(|e| format!("the frontmatter is not valid YAML: {}", e.message))?,
            )
        };
        // The frontmatter's own line break, counted over its lines (fences included); a tie goes
        // to the opening fence's.
        let mut counts = [0usize; 3];
        let kind = |line: &(usize, usize, usize)| match &text[line.1..line.2] {
            "\r\n" => Some(1),
            "\r" => Some(2),
            "\n" => Some(0),
            _ => None,
        };
        for line in &lines[..=close] {
            if let Some(k) = kind(line) {
                counts[k] += 1;
            }
        }
        let opening = kind(&lines[0]).unwrap_or(0);
        let most = (0..3)
            .max_by_key(|&k| (counts[k], k == opening))
            .unwrap_or(0);
        let eol = ["\n", "\r\n", "\r"][most];
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

    fn is_comment_line(&self, line: usize) -> bool {
        self.line_text(line).trim_start().starts_with('#')
    }

    fn is_blank_line(&self, line: usize) -> bool {
        self.line_text(line).trim().is_empty()
    }

    /// The line holding a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|(start, _, _)| *start <= offset)
            .saturating_sub(1)
    }

    /// Where the YAML ends: the closing fence's first byte. No scan goes past it.
    fn yaml_end(&self) -> usize {
        self.lines[self.close].0
    }

    /// The byte after a line's indentation, its `- ` list markers and its key's `:`, where its
    /// value (or its comment) may start.
    fn value_from(&self, line: usize) -> usize {
        let (start, end, _) = self.lines[line];
        let text = &self.text[start..end];
        let mut i = text.len() - text.trim_start_matches(' ').len();
        loop {
            let rest = &text[i..];
            if rest == "-" {
                return end;
            }
            if rest.starts_with("- ") || rest.starts_with("-\t") {
                i += 1;
                i += text[i..].len() - text[i..].trim_start_matches([' ', '\t']).len();
                continue;
            }
            break;
        }
        if let Some(colon) = key_colon(&text[i..]) {
            i += colon + 1;
        }
        start + i
    }

    /// What starts the value on a line: after the `- ` of list items and the `:` of a key, past
    /// anchors and tags.
    fn inline(&self, line: usize) -> Inline {
        let (start, end, _) = self.lines[line];
        let text = &self.text[start..end];
        let mut i = self.value_from(line) - start;
        loop {
            i += text[i..].len() - text[i..].trim_start_matches([' ', '\t']).len();
            let rest = &text[i..];
            // An anchor or a tag before the value: the value follows it.
            if rest.starts_with(['&', '!']) {
                i += rest.find([' ', '\t']).unwrap_or(rest.len());
                continue;
            }
            let at = start + i;
            return match rest.as_bytes().first() {
                None | Some(b'#') => Inline::Nothing,
                Some(b'|' | b'>') => Inline::BlockScalar(at),
                Some(b'"' | b'\'') => Inline::Quoted(at),
                Some(b'[' | b'{') => Inline::Flow(at),
                Some(_) => Inline::Plain(at),
            };
        }
    }

    /// The end (exclusive byte offset) of the quoted string starting at `start`, across lines.
    fn quoted_end(&self, start: usize) -> Option<usize> {
        let bytes = &self.text.as_bytes()[..self.yaml_end()];
        let quote = *bytes.get(start)?;
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if quote == b'"' => i += 2,
                b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b if b == quote => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    }

    /// The end (exclusive byte offset) of the flow collection starting at `start`, across lines.
    ///
    /// A quote opens a quoted string only where a token starts (after `[`, `{`, `,` or a `: `): a
    /// plain scalar may hold an apostrophe (`[don't, x]`). A `#` after a blank starts a comment that
    /// runs to the end of its line, whatever brackets or quotes it holds.
    fn flow_end(&self, start: usize) -> Option<usize> {
        let bytes = &self.text.as_bytes()[..self.yaml_end()];
        let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        let mut depth = 0usize;
        let mut token_start = true;
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                b'"' | b'\'' if token_start => {
                    i = self.quoted_end(i)?;
                    token_start = false;
                    continue;
                }
                b'#' if i > start && blank(bytes[i - 1]) => {
                    let line = self.line_of(i);
                    i = self.lines[line].1;
                    continue;
                }
                b'[' | b'{' => {
                    depth += 1;
                    token_start = true;
                }
                b']' | b'}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                    token_start = false;
                }
                b',' => token_start = true,
                b':' => {
                    // `key: value`, or `"key":value` after a quoted key.
                    let next = bytes.get(i + 1).copied();
                    token_start = next.is_none_or(|n| blank(n) || b",[]{}".contains(&n))
                        || (i > start && matches!(bytes[i - 1], b'"' | b'\''));
                }
                _ if blank(b) => {}
                _ => token_start = false,
            }
            i += 1;
        }
        None
    }

    /// The last line of the value that starts on `line` (a key's, or a list item's): the line
    /// itself, the lines a quoted string or flow collection goes on over, a `|` text, or the block
    /// of deeper lines under it. Comment lines after the value's last line are not part of it, so
    /// replacing or removing the value keeps them.
    pub(crate) fn value_end(&self, line: usize) -> usize {
        let inline_end = match self.inline(line) {
            Inline::Nothing => line,
            Inline::BlockScalar(_) => {
                // Every deeper line is text, `#` lines too.
                let indent = self.indent(line);
                let mut end = line;
                for l in line + 1..self.close {
                    if self.is_blank_line(l) {
                        continue;
                    }
                    if self.indent(l) <= indent {
                        break;
                    }
                    end = l;
                }
                return end;
            }
            Inline::Quoted(at) => self
                .quoted_end(at)
                .map_or(line, |end| self.line_of(end - 1)),
            Inline::Flow(at) => self.flow_end(at).map_or(line, |end| self.line_of(end - 1)),
            Inline::Plain(at) => {
                let (_, line_end, _) = self.lines[line];
                if comment_start(&self.text[at..line_end]).is_some() {
                    // A comment ends a plain scalar for good.
                    line
                } else {
                    // A plain scalar goes on over deeper lines, up to a comment line.
                    let indent = self.indent(line);
                    let mut end = line;
                    for l in line + 1..self.close {
                        if self.is_blank_line(l) {
                            continue;
                        }
                        if self.indent(l) <= indent || self.is_comment_line(l) {
                            break;
                        }
                        end = l;
                    }
                    end
                }
            }
        };
        self.nested_end(line, inline_end)
    }

    /// The last line of the block under `line` after `from`: deeper lines (and, under a key, `- `
    /// items at its own indentation), each with its own value; comment lines between them belong
    /// to the block, comment lines after the last one do not.
    fn nested_end(&self, line: usize, from: usize) -> usize {
        let indent = self.indent(line);
        let is_item = self.line_text(line).trim_start().starts_with('-');
        let mut end = from;
        let mut l = from + 1;
        while l < self.close {
            if self.is_blank_line(l) || self.is_comment_line(l) {
                l += 1;
                continue;
            }
            let text = self.line_text(l).trim_start();
            let list_item =
                !is_item && self.indent(l) == indent && (text.starts_with("- ") || text == "-");
            if self.indent(l) <= indent && !list_item {
                break;
            }
            end = self.value_end(l);
            l = end + 1;
        }
        end
    }

    /// The lines that travel with a key when `popm fmt` moves it: its value, and the comment lines
    /// indented under it that follow.
    pub(crate) fn block_end(&self, line: usize) -> usize {
        let indent = self.indent(line);
        let mut end = self.value_end(line);
        for l in end + 1..self.close {
            if self.is_blank_line(l) {
                continue;
            }
            if self.is_comment_line(l) && self.indent(l) > indent {
                end = l;
                continue;
            }
            break;
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
        let line_end = self.lines[self.line_of(start)].1;
        let rest = &self.text[start..line_end];
        let end = match rest.as_bytes().first() {
            Some(b'"' | b'\'') => match self.quoted_end(start) {
                Some(end) if end <= line_end => end,
                _ => return Err("a quoted value spans several lines; edit it by hand".into()),
            },
            Some(b'[' | b'{') => match self.flow_end(start) {
                Some(end) if end <= line_end => end,
                _ => {
                    return Err("a list or mapping spans several lines; edit it by hand".into());
                }
            },
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
                start + rest[..end].trim_end().len()
            }
        };
        Ok(start..end)
    }

    /// Where the comment on a key's line starts (the blanks before its `#` included), when the
    /// value on that line ends there.
    fn key_line_comment(&self, line: usize) -> Option<usize> {
        let (_, line_end, _) = self.lines[line];
        let from = match self.inline(line) {
            Inline::Nothing | Inline::Plain(_) | Inline::BlockScalar(_) => self.value_from(line),
            Inline::Quoted(at) => self.quoted_end(at).filter(|end| *end <= line_end)?,
            Inline::Flow(at) => self.flow_end(at).filter(|end| *end <= line_end)?,
        };
        let rest = &self.text[from..line_end];
        let hash = if rest.trim_start().starts_with('#') {
            rest.len() - rest.trim_start().len()
        } else {
            comment_start(rest)? + 1
        };
        let blanks = rest[..hash].len() - rest[..hash].trim_end_matches([' ', '\t']).len();
        Some(from + hash - blanks)
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
        let rank = crate::model::Key::rank;
        let new_rank = rank(key);
        let after = self
            .entries()
            .iter()
            .filter(|(k, _)| k.as_str().is_some_and(|k| rank(k) <= new_rank))
            .map(|(k, _)| self.block_end(self.line(k)))
            .max();
        let (at, joint) = match after {
            // The line before may be the file's last, without a line break.
            Some(line) => {
                let (_, end, with_break) = self.lines[line];
                (with_break, if end == with_break { self.eol } else { "" })
            }
            None => (self.lines[self.first].0, ""),
        };
        let before = &self.text[..at];
        format!("{before}{joint}{lines}{}{}", self.eol, &self.text[at..])
    }

    /// Inserts a line after line `last` (which may lack a line break, at the end of the file).
    fn insert_line_after(&self, last: usize, line: &str) -> String {
        let (_, end, at) = self.lines[last];
        let prefix = if end == at { self.eol } else { "" };
        format!(
            "{}{prefix}{line}{}{}",
            &self.text[..at],
            self.eol,
            &self.text[at..]
        )
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

/// Where a key's `:` is in a text that starts with a key: a quoted key followed by `:`, or a plain
/// one up to the first `: ` (or `:` at the end of the line) before any comment.
fn key_colon(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let is_colon = |i: usize| {
        bytes.get(i) == Some(&b':') && bytes.get(i + 1).is_none_or(|n| matches!(n, b' ' | b'\t'))
    };
    match bytes.first()? {
        q @ (b'"' | b'\'') => {
            let mut i = 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' if *q == b'"' => i += 2,
                    b'\'' if *q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                    b if b == *q => break,
                    _ => i += 1,
                }
            }
            let after = i + 1;
            let gap =
                rest.get(after..)?.len() - rest.get(after..)?.trim_start_matches([' ', '\t']).len();
            is_colon(after + gap).then_some(after + gap)
        }
        b'[' | b'{' | b'|' | b'>' | b'#' | b'&' | b'!' | b'*' => None,
        _ => {
            let comment = comment_start(rest).unwrap_or(rest.len());
            (0..comment).find(|&i| is_colon(i))
        }
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

/// Replaces what follows the key's colon (on its line, and the value's lines under it) with
/// ` value`, keeping a comment on the key's line and the comment lines after the value.
fn replace_whole_value(doc: &Doc, key: &Node, yaml: &str) -> Result<String, String> {
    let colon = doc.after_colon(key)?;
    let key_line = doc.line(key);
    let end_line = doc.value_end(key_line);
    let line_end = doc.lines[key_line].1;
    let mut new = format!(" {yaml}");
    if let Some(c) = doc.key_line_comment(key_line) {
        new.push_str(&doc.text[c..line_end]);
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
                    && doc.value_end(doc.line(k)) == doc.line(k) =>
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
                            let sep = match inner.trim() {
                                "" => "",
                                i if i.ends_with(',') => " ",
                                _ => ", ",
                            };
                            let at = if inner.trim().is_empty() {
                                range.start + 1
                            } else {
                                range.start + 1 + inner.len()
                            };
                            Ok(doc.replace(at..range.end - 1, &format!("{sep}{sub}: {yaml}")))
                        } else {
                            // An empty mapping here is an alias (`wsjf: *none`): left alone.
                            let (first_key, _) = children
                                .first()
                                .ok_or("the value is an alias; edit it by hand")?;
                            let indent =
                                " ".repeat((first_key.pos.column as usize).saturating_sub(1));
                            let last = doc.value_end(doc.line(k));
                            Ok(doc.insert_line_after(last, &format!("{indent}{sub}: {yaml}")))
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
                Ok(doc.remove_lines(line, doc.value_end(line)))
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
                Ok(doc.remove_lines(line, doc.value_end(line)))
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
                    // `[a, b,]` ends with a separator already.
                    let sep = if inner.ends_with(',') { " " } else { ", " };
                    let at = range.start + 1 + inner.len();
                    Ok(doc.replace(at..at, &format!("{sep}{yaml}")))
                }
            } else {
                // A block list: a new `- item` line after the last one, indented like the first.
                let first = items
                    .first()
                    .ok_or("the value is an alias; edit it by hand")?;
                let first_line = doc.line(first);
                let dash_indent = doc.indent(first_line);
                let last = doc.value_end(doc.line(k));
                Ok(doc.insert_line_after(last, &format!("{}- {yaml}", " ".repeat(dash_indent))))
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
                    let end = d.value_end(line);
                    text = d.remove_lines(line, end);
                }
                Ok(text)
            }
        }
        Value::Str(s) if s == value => replace_whole_value(doc, k, "[]"),
        _ => Ok(doc.text.to_string()),
    }
}

/// The data the edits should give, worked out on the parsed values rather than on the text.
fn expected_data(before: Option<&Node>, edits: &[Edit]) -> Result<Vec<(Node, Node)>, String> {
    let mut entries = match before.map(|n| &n.value) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Map(entries)) => entries.clone(),
        Some(other) => {
            return Err(format!(
                "the frontmatter is {}, not a mapping of keys",
                other.kind()
            ));
        }
    };
    let value = |yaml: &str| -> Result<Node, String> {
        match yaml::parse(&format!("v: {yaml}")).map(|n| n.value) {
            Ok(Value::Map(mut m)) if m.len() == 1 => Ok(m.remove(0).1),
            _ => Err(format!("internal: `{yaml}` is not one YAML value")),
        }
    };
    let key = |name: &str| Node {
        value: Value::Str(name.to_string()),
        pos: Default::default(),
    };
    let position = |entries: &[(Node, Node)], name: &str| {
        entries.iter().position(|(k, _)| k.as_str() == Some(name))
    };
    for edit in edits {
        match edit {
            Edit::Set { path, yaml } => {
                let new = value(yaml)?;
                match path.as_slice() {
                    [k] => match position(&entries, k) {
                        Some(i) => entries[i].1 = new,
                        None => entries.push((key(k), new)),
                    },
                    [k, sub] => {
                        let i = match position(&entries, k) {
                            Some(i) => i,
                            None => {
                                entries.push((key(k), value("{}")?));
                                entries.len() - 1
                            }
                        };
                        if !matches!(entries[i].1.value, Value::Map(_)) {
                            entries[i].1 = value("{}")?;
                        }
                        if let Value::Map(children) = &mut entries[i].1.value {
                            match position(children, sub) {
                                Some(j) => children[j].1 = new,
                                None => children.push((key(sub), new)),
                            }
                        }
                    }
                    _ => return Err("keys nest at most one level (e.g. wsjf.job_size)".into()),
                }
            }
            Edit::Remove { path } => match path.as_slice() {
                [k] => entries.retain(|(n, _)| n.as_str() != Some(k.as_str())),
                [k, sub] => {
                    if let Some(i) = position(&entries, k)
                        && let Value::Map(children) = &mut entries[i].1.value
                    {
                        children.retain(|(n, _)| n.as_str() != Some(sub.as_str()));
                    }
                }
                _ => return Err("keys nest at most one level (e.g. wsjf.job_size)".into()),
            },
            Edit::Append { key: k, yaml } => {
                let new = value(yaml)?;
                match position(&entries, k) {
                    None => entries.push((key(k), value(&format!("[{yaml}]"))?)),
                    Some(i) => {
                        let old = &mut entries[i].1;
                        match &mut old.value {
                            Value::Seq(items) => items.push(new),
                            Value::Null => old.value = Value::Seq(vec![new]),
                            _ => old.value = Value::Seq(vec![old.clone(), new]),
                        }
                    }
                }
            }
            Edit::RemoveElement { key: k, value: v } => {
                if let Some(i) = position(&entries, k) {
                    let old = &mut entries[i].1;
                    match &mut old.value {
                        Value::Seq(items) => items.retain(|n| n.as_str() != Some(v.as_str())),
                        Value::Str(s) if s == v => old.value = Value::Seq(Vec::new()),
                        _ => {}
                    }
                }
            }
            Edit::ReplaceElement { key: k, old, yaml } => {
                let new = value(yaml)?;
                if let Some(i) = position(&entries, k) {
                    let current = &mut entries[i].1;
                    match &mut current.value {
                        Value::Seq(items) => {
                            for item in items.iter_mut() {
                                if item.as_str() == Some(old.as_str()) {
                                    *item = new.clone();
                                }
                            }
                        }
                        Value::Str(s) if s == old => *current = new,
                        _ => {}
                    }
                }
            }
        }
    }
    Ok(entries)
}

/// Equal YAML data, ignoring positions and the order of mapping keys.
pub(crate) fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(&p.value, &q.value))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .any(|(k2, v2)| k.value == k2.value && same_value(&v.value, &v2.value))
                })
        }
        (x, y) => x == y,
    }
}

const REFUSED: &str = "popm cannot make this edit safely here (the result would not read back as asked); edit the file by hand";

/// Whether the edited text holds what the edits mean, and nothing else changed: the fences and the
/// body byte for byte, every other key's data as it was. Text edits work line by line on YAML they
/// only partly understand; this reads the result back, so a case they get wrong is refused instead
/// of written.
fn verify(before: &Doc, after: &Doc, edits: &[Edit]) -> Result<(), String> {
    fn head<'t>(d: &Doc<'t>) -> &'t str {
        &d.text[..d.lines[d.first].0]
    }
    fn tail<'t>(d: &Doc<'t>) -> &'t str {
        &d.text[d.lines[d.close].0..]
    }
    let expected = expected_data(before.root.as_ref(), edits)?;
    let got = match after.root.as_ref().map(|n| &n.value) {
        None | Some(Value::Null) => Value::Map(Vec::new()),
        Some(v) => v.clone(),
    };
    if head(before) != head(after)
        || tail(before) != tail(after)
        || !same_value(&Value::Map(expected), &got)
    {
        return Err(REFUSED.into());
    }
    Ok(())
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

    fn edit(text: &str, edits: &[Edit]) -> Result<String, String> {
        apply(text, edits)
    }

    #[test]
    fn lines_end_where_the_parser_ends_them() {
        // LF, CRLF and a lone CR each end a line; inserted lines take the frontmatter's own break.
        let doc = "---\nid: S-1\rtitle: T\r\nstatus: a\r---\r\nbody\r";
        assert_eq!(
            set(doc, "status", "b"),
            doc.replace("status: a", "status: b")
        );
        assert_eq!(
            set(doc, "owner", "x"),
            doc.replace("status: a\r", "status: a\rowner: x\r")
        );
        // A body in CRLF does not make an LF frontmatter CRLF.
        let doc = "---\nid: S-1\n---\r\nbody\r\n";
        assert_eq!(
            set(doc, "title", "T"),
            "---\nid: S-1\ntitle: T\n---\r\nbody\r\n"
        );
    }

    #[test]
    fn values_end_before_the_comment_lines_after_them() {
        let doc = "---\nstatus: a   # c\n  # note\nnotes: |\n  text\n  # text too\nwsjf:\n  job_size: 3\n  # after\nlabels:\n- a\n  # after the list\ntitle: \"long\n  # inside\"\n# top\nid: F-1\n---\n";
        let d = Doc::new(doc).unwrap();
        let ends: Vec<(usize, usize)> = (1..d.close)
            .filter(|&l| !d.line_text(l).starts_with([' ', '#', '-']))
            .map(|l| (l, d.value_end(l)))
            .collect();
        assert_eq!(ends, [(1, 1), (3, 5), (6, 7), (9, 10), (12, 13), (15, 15)]);
        // The comment lines indented under a key travel with it in `fmt`.
        assert_eq!(d.block_end(1), 2);
        assert_eq!(d.block_end(6), 8);
        assert_eq!(
            set(doc, "status", "b"),
            doc.replace("status: a   #", "status: b   #")
        );
        assert_eq!(
            set(doc, "wsjf", "{}"),
            doc.replace("wsjf:\n  job_size: 3\n", "wsjf: {}\n")
        );
        assert_eq!(
            set(doc, "labels", "[b]"),
            doc.replace("labels:\n- a\n", "labels: [b]\n")
        );
        assert_eq!(
            set(doc, "title", "x"),
            doc.replace("title: \"long\n  # inside\"\n", "title: x\n")
        );
    }

    #[test]
    fn flow_lists_are_tokenized_as_yaml_reads_them() {
        let doc = "---\nlabels: [don't, 'a, b', \"c]\", x] # y' ]\nwsjf: {job_size: 3, 'k': 'v'} # }\n---\n";
        let append = |key: &str, yaml: &str| {
            edit(
                doc,
                &[Edit::Append {
                    key: key.into(),
                    yaml: yaml.into(),
                }],
            )
            .unwrap()
        };
        assert_eq!(
            append("labels", "new"),
            doc.replace("x] # y'", "x, new] # y'")
        );
        let dropped = edit(
            doc,
            &[Edit::RemoveElement {
                key: "labels".into(),
                value: "a, b".into(),
            }],
        )
        .unwrap();
        assert_eq!(dropped, doc.replace("'a, b', ", ""));
        assert_eq!(
            set(doc, "wsjf.risk_reduction", "1"),
            doc.replace("'v'}", "'v', risk_reduction: 1}")
        );
        // A comment inside a flow list ends its line: the list goes on, popm leaves it alone.
        let multi = "---\nlabels: [a, # c ]\n  b]\n---\n";
        let err = edit(
            multi,
            &[Edit::Append {
                key: "labels".into(),
                yaml: "n".into(),
            }],
        )
        .unwrap_err();
        assert_eq!(
            err,
            "a list or mapping spans several lines; edit it by hand"
        );
    }

    #[test]
    fn a_result_that_does_not_read_back_as_asked_is_refused() {
        let before = "---\nid: F-1\nlabels: [a]\n---\nbody\n";
        let b = Doc::new(before).unwrap();
        let wanted = [Edit::Append {
            key: "labels".into(),
            yaml: "b".into(),
        }];
        let good = Doc::new("---\nid: F-1\nlabels: [a, b]\n---\nbody\n").unwrap();
        assert_eq!(verify(&b, &good, &wanted), Ok(()));
        for wrong in [
            // The value landed in a comment.
            "---\nid: F-1\nlabels: [a] # b\n---\nbody\n",
            // Another key changed.
            "---\nid: F-2\nlabels: [a, b]\n---\nbody\n",
            // The body changed.
            "---\nid: F-1\nlabels: [a, b]\n---\nbody b\n",
        ] {
            let after = Doc::new(wrong).unwrap();
            let err = verify(&b, &after, &wanted).unwrap_err();
            assert!(
                err.starts_with("popm cannot make this edit safely here"),
                "{err}"
            );
        }
    }
}
