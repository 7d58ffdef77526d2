//! The one place that knows which YAML library popm uses.
//!
//! Frontmatter is parsed into a small tree of [`Node`]s that carry the line and column of every key and
//! value, so that any check can point at the exact place it complains about. Nothing outside this module
//! names `serde_saphyr`; swapping the parser means rewriting this file only.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A position in the source, 1-based, in characters (as editors count columns).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in file order; duplicates are rejected by the parser.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// A short name of the value's kind, for messages ("expected a list, found a number").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Why a frontmatter block could not be read as YAML.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    /// Position inside the YAML text, when the parser knows it.
    pub pos: Option<Pos>,
}

/// How deep mappings and lists may nest in frontmatter.
pub const MAX_DEPTH: usize = 32;

/// How many nodes (scalars, lists, mappings, counting every alias expansion) a frontmatter block
/// may have. A real item has a few dozen; the parser's default of 250 000 let an alias bomb or a
/// file of 100 000 keys cost seconds.
pub const MAX_NODES: usize = 50_000;

/// Parses one YAML document. Aliases, nesting depth and document size are bounded by the parser's
/// budget, so an alias bomb ends in an error rather than in exhausted memory.
///
/// Most frontmatter is a plain mapping of words, numbers and short lists, and building the tree
/// straight from the parser's events costs less than half of going through serde. So that fast
/// path takes every document it can read with certainty, and anything it is unsure of (anchors,
/// tags, dates, floats, words YAML may read as booleans, errors, duplicate keys, very large or deep
/// documents) goes the full way, which decides the value or the error message. A unit test holds
/// the two paths to the same answer on every fixture and on generated documents. Before both, a
/// reader of the simplest form (one `key: value` a line, nested blocks, one-line lists) takes the
/// typical item in a single scan of its lines, under the same rule and the same test. It earns its
/// place on its own: a quarter to a third of `check`'s instructions on the bench backlogs
/// (measured against the event reader alone, docs/performance.md).
pub fn parse(text: &str) -> Result<Node, YamlError> {
    if let Some(node) = lines::parse(text).or_else(|| fast::parse(text)) {
        return Ok(node);
    }
    full(text)
}

/// The full way: serde-saphyr, with its budget and its error messages.
fn full(text: &str) -> Result<Node, YamlError> {
    // Frontmatter is a few levels deep. The parser recurses once per level, and files are parsed on
    // worker threads with small stacks, so flow collections (`[[[[...`) get the same bound as block
    // ones instead of the parser's default of 255.
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            max_nodes: MAX_NODES,
        },
    };
    let spanned: Result<Spanned<Value>, _> = serde_saphyr::from_str_with_options(text, options);
    match spanned {
        Ok(s) => Ok(node(s)),
        Err(e) => {
            let pos = e.location().and_then(|l| {
                (l.line() > 0).then(|| Pos {
                    line: clamp(l.line()),
                    column: clamp(l.column()).max(1),
                })
            });
            let raw = first_line(&e.without_snippet().to_string());
            let (message, pos) = explain(&raw, text, pos);
            Err(YamlError { message, pos })
        }
    }
}

/// Rewrites the parser's message for the person who has to fix the file: positions are given by the
/// diagnostic itself (in file lines, not YAML lines), and library advice is dropped.
fn explain(raw: &str, text: &str, pos: Option<Pos>) -> (String, Option<Pos>) {
    let mut message = raw.to_string();
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key).trim();
        return (
            format!("duplicate key `{key}`: each key may appear once"),
            pos,
        );
    }
    if message.contains("non-finite float") {
        return (
            "`.inf` and `.nan` are not numbers popm accepts; write a finite number".into(),
            pos,
        );
    }
    if message.contains("recursion limit") || message.contains("depth") {
        return (
            "the YAML is nested too deeply; popm stops reading it".into(),
            pos,
        );
    }
    if message.starts_with("budget breached") {
        return (
            "the YAML is too large (over 50 000 values, or aliases that expand that far); popm stops reading it"
                .into(),
            pos,
        );
    }
    if message.contains("tab") {
        // The scanner reports where it was; the tab that matters is the first one used as indentation.
        let tab = text.lines().enumerate().find_map(|(i, line)| {
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            line[..indent].find('\t').map(|col| Pos {
                line: clamp(i as u64 + 1),
                column: clamp(col as u64 + 1),
            })
        });
        return (
            "a tab character in the indentation: YAML indents with spaces".into(),
            tab.or(pos),
        );
    }
    (message, pos)
}

fn first_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or("invalid YAML")
        .trim()
        .to_string()
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn node(s: Spanned<Value>) -> Node {
    Node {
        pos: Pos {
            line: clamp(s.referenced.line()),
            column: clamp(s.referenced.column()),
        },
        value: s.value,
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Value>>()? {
            items.push(node(item));
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Spanned<Value>, Spanned<Value>>()? {
            entries.push((node(k), node(v)));
        }
        Ok(Value::Map(entries))
    }
}

mod fast {
    //! Builds the tree from granit-parser's events (the parser under serde-saphyr), or declines.

    use granit_parser::{Event, Parser, ScalarStyle, Span};

    use super::{Node, Pos, Value, clamp};

    /// Documents larger or deeper than this are left to the full parser and its budget.
    const MAX_NODES: usize = 4096;
    const MAX_DEPTH: usize = 16;

    struct Reader<'a> {
        parser: Parser<'a, granit_parser::StrInput<'a>>,
        nodes: usize,
    }

    /// `None`: not sure; the caller parses the document the full way.
    pub(super) fn parse(text: &str) -> Option<Node> {
        let mut r = Reader {
            parser: Parser::new_from_str(text),
            nodes: 0,
        };
        if !matches!(r.next()?.0, Event::StreamStart) {
            return None;
        }
        if !matches!(r.next()?.0, Event::DocumentStart(false, None)) {
            return None;
        }
        let first = r.next()?;
        let root = r.node(first, 0)?;
        if !matches!(r.next()?.0, Event::DocumentEnd) || !matches!(r.next()?.0, Event::StreamEnd) {
            return None;
        }
        r.parser.next_event().is_none().then_some(root)
    }

    impl<'a> Reader<'a> {
        fn next(&mut self) -> Option<(Event<'a>, Span)> {
            self.parser.next_event()?.ok()
        }

        fn node(&mut self, (event, span): (Event<'a>, Span), depth: usize) -> Option<Node> {
            self.nodes += 1;
            if self.nodes > MAX_NODES || depth > MAX_DEPTH {
                return None;
            }
            let pos = Pos {
                line: clamp(span.start.line() as u64),
                column: clamp(span.start.col() as u64 + 1),
            };
            let value = match event {
                Event::Scalar(text, style, 0, None) => scalar(&text, style)?,
                Event::SequenceStart(_, 0, None) => {
                    let mut items = Vec::new();
                    loop {
                        let next = self.next()?;
                        if matches!(next.0, Event::SequenceEnd) {
                            break;
                        }
                        items.push(self.node(next, depth + 1)?);
                    }
                    Value::Seq(items)
                }
                Event::MappingStart(_, 0, None) => {
                    let mut entries: Vec<(Node, Node)> = Vec::new();
                    loop {
                        let next = self.next()?;
                        if matches!(next.0, Event::MappingEnd) {
                            break;
                        }
                        let key = self.node(next, depth + 1)?;
                        // Only plain keys, each once: the full parser words the duplicate error.
                        if !matches!(key.value, Value::Str(_) | Value::Int(_))
                            || entries.iter().any(|(k, _)| k.value == key.value)
                        {
                            return None;
                        }
                        let next = self.next()?;
                        let value = self.node(next, depth + 1)?;
                        entries.push((key, value));
                    }
                    Value::Map(entries)
                }
                _ => return None,
            };
            Some(Node { value, pos })
        }
    }

    /// A scalar's value, when it is certain: quoted and block scalars are strings; a plain scalar
    /// is null, a boolean, a decimal integer, a string that starts with a letter and is none of
    /// the words some YAML versions read as something else, or a date or time (text).
    pub(super) fn scalar(text: &str, style: ScalarStyle) -> Option<Value> {
        if style != ScalarStyle::Plain {
            return Some(Value::Str(text.to_string()));
        }
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
            "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
            _ => {}
        }
        let first = text.as_bytes()[0];
        if first.is_ascii_alphabetic() {
            const UNSURE: [&str; 12] = [
                "yes", "no", "on", "off", "y", "n", "inf", "infinity", "nan", "null", "true",
                "false",
            ];
            if UNSURE.iter().any(|w| w.eq_ignore_ascii_case(text)) {
                return None;
            }
            return Some(Value::Str(text.to_string()));
        }
        if first.is_ascii_digit() && date_or_time(text) {
            return Some(Value::Str(text.to_string()));
        }
        let digits = text.strip_prefix('-').unwrap_or(text);
        let plain_decimal = !digits.is_empty()
            && digits.len() <= 18
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        if plain_decimal {
            return text.parse().ok().map(Value::Int);
        }
        None
    }

    /// Text that starts with a digit and holds a blank, a `:` or a `-` right after a digit
    /// (`2025-08-23`, `2025-08-23 19:12`, `10:30`): no YAML number has one (a sign or an
    /// exponent's sign follows no digit), and serde-saphyr reads no timestamps or base-60 numbers
    /// as anything but text, so it is text. Backlog.md writes its dates so, unquoted, and popm's
    /// importer keeps them so under `extra`.
    fn date_or_time(text: &str) -> bool {
        let bytes = text.as_bytes();
        bytes.iter().enumerate().any(|(i, b)| match b {
            b' ' | b':' => true,
            b'-' => i > 0 && bytes[i - 1].is_ascii_digit(),
            _ => false,
        })
    }
}

mod lines {
    //! The simplest frontmatter, read line by line; anything else is declined.

    use granit_parser::ScalarStyle;

    use super::fast::scalar;
    use super::{Node, Pos, Value, clamp};

    const MAX_DEPTH: usize = 4;
    const MAX_LINES: usize = 1024;

    struct Line<'a> {
        no: u32,
        indent: usize,
        /// Without the indentation and trailing blanks.
        text: &'a str,
    }

    /// `None`: not of the simplest form (or not sure); the caller reads it another way.
    pub(super) fn parse(text: &str) -> Option<Node> {
        // YAML allows only printable characters; the full parser words the error for the rest.
        let control = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f;
        let bytes = text.as_bytes();
        if bytes.iter().any(|&b| control(b)) {
            return None;
        }
        let printable = |c: char| match c {
            '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' => c != '\u{feff}',
            _ => c.is_ascii() || c >= '\u{10000}',
        };
        if !text.is_ascii() && !text.chars().all(printable) {
            return None;
        }
        let mut lines = Vec::with_capacity(16);
        for (i, raw) in text.split('\n').enumerate() {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let content = raw.trim_start_matches(' ');
            let trimmed = content.trim_end_matches([' ', '\t']);
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if content.starts_with('\t') || trimmed.contains('\r') {
                return None;
            }
            lines.push(Line {
                no: clamp(i as u64 + 1),
                indent: raw.len() - content.len(),
                text: trimmed,
            });
        }
        // Large documents go to the full parser, whose budget bounds them.
        if lines.first()?.indent != 0 || lines.len() > MAX_LINES {
            return None;
        }
        let mut at = 0;
        let root = map(&lines, &mut at, 0, 0)?;
        (at == lines.len()).then_some(root)
    }

    fn pos(line: u32, column: usize) -> Pos {
        Pos {
            line,
            column: clamp(column as u64),
        }
    }

    fn map(lines: &[Line], at: &mut usize, indent: usize, depth: usize) -> Option<Node> {
        let first = lines.get(*at)?;
        let start = pos(first.no, indent + 1);
        let mut entries: Vec<(Node, Node)> = Vec::new();
        while let Some(line) = lines.get(*at).filter(|l| l.indent == indent) {
            let key_len = line
                .text
                .bytes()
                .position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))?;
            let (key, rest) = line.text.split_at(key_len);
            let rest = rest.strip_prefix(':')?;
            if !(rest.is_empty() || rest.starts_with(' ')) {
                return None;
            }
            let key = mapping_key(&entries, key, pos(line.no, indent + 1))?;
            let value_text = rest.trim_start_matches(' ');
            *at += 1;
            let value = if value_text.is_empty() || value_text.starts_with('#') {
                // A nested block: a mapping indented deeper, or a list at this indentation or deeper.
                let next = lines.get(*at)?;
                let is_item = next.text == "-" || next.text.starts_with("- ");
                if depth >= MAX_DEPTH {
                    return None;
                } else if is_item && next.indent >= indent {
                    seq(lines, at, next.indent, next.indent == indent)?
                } else if !is_item && next.indent > indent {
                    map(lines, at, next.indent, depth + 1)?
                } else {
                    return None;
                }
            } else {
                let column = indent + key_len + 1 + (rest.len() - value_text.len()) + 1;
                inline(value_text, line.no, column)?
            };
            entries.push((key, value));
        }
        // A deeper line here continues a value over several lines: not the simplest form.
        if lines.get(*at).is_some_and(|l| l.indent > indent) {
            return None;
        }
        Some(Node {
            value: Value::Map(entries),
            pos: start,
        })
    }

    /// A key of a block or flow mapping: a word (a letter, then letters, digits, `_` and `-`) that
    /// reads as text and is not among the keys before it.
    fn mapping_key(entries: &[(Node, Node)], key: &str, at: Pos) -> Option<Node> {
        let word = key.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !word {
            return None;
        }
        let key = Node {
            value: scalar(key, ScalarStyle::Plain)?,
            pos: at,
        };
        let new = matches!(key.value, Value::Str(_))
            && !entries.iter().any(|(k, _)| k.value == key.value);
        new.then_some(key)
    }

    /// `indentless`: the list's dashes sit at its key's indentation (`key:` then `- a`).
    fn seq(lines: &[Line], at: &mut usize, indent: usize, indentless: bool) -> Option<Node> {
        let first = lines.get(*at)?;
        let dash = pos(first.no, indent + 1);
        let mut items: Vec<Node> = Vec::new();
        while let Some(line) = lines.get(*at).filter(|l| l.indent == indent) {
            let Some(rest) = line.text.strip_prefix("- ") else {
                break;
            };
            let item = rest.trim_start_matches(' ');
            let column = indent + 2 + (rest.len() - item.len()) + 1;
            items.push(inline(item, line.no, column)?);
            *at += 1;
        }
        if lines.get(*at).is_some_and(|l| l.indent > indent) {
            return None;
        }
        // Where the full parser places a list: its first dash, or its first item when indentless.
        let start = if indentless { items.first()?.pos } else { dash };
        Some(Node {
            value: Value::Seq(items),
            pos: start,
        })
    }

    /// A value on one line: a flow list of plain words, a quoted string, or a plain scalar.
    fn inline(text: &str, line: u32, column: usize) -> Option<Node> {
        let value = match text.as_bytes()[0] {
            b'[' => {
                let close = text.find(']')?;
                let inner = &text[1..close];
                if !rest_is_comment(&text[close + 1..])
                    || inner.contains(['[', '{', '}', '"', '\'', '#', '\t'])
                {
                    return None;
                }
                let mut items = Vec::new();
                if !inner.trim_matches(' ').is_empty() {
                    let mut offset = 1;
                    for part in inner.split(',') {
                        let word = part.trim_matches(' ');
                        if !plain_ok(word) || has_mapping_colon(word) {
                            return None;
                        }
                        let lead = part.len() - part.trim_start_matches(' ').len();
                        let chars = text[..offset + lead].chars().count();
                        items.push(Node {
                            value: scalar(word, ScalarStyle::Plain)?,
                            pos: pos(line, column + chars),
                        });
                        offset += part.len() + 1;
                    }
                }
                Value::Seq(items)
            }
            // A flow mapping of words (`wsjf: {business_value: 5, job_size: 3}`).
            b'{' => {
                let close = text.find('}')?;
                let inner = &text[1..close];
                if !rest_is_comment(&text[close + 1..])
                    || inner.contains(['[', ']', '{', '"', '\'', '#', '\t'])
                {
                    return None;
                }
                let mut entries: Vec<(Node, Node)> = Vec::new();
                if !inner.trim_matches(' ').is_empty() {
                    let mut offset = 1;
                    for part in inner.split(',') {
                        let lead = part.len() - part.trim_start_matches(' ').len();
                        let (key, value) = part.trim_matches(' ').split_once(": ")?;
                        let word = value.trim_start_matches(' ');
                        if !plain_ok(word) || word.contains(':') {
                            return None;
                        }
                        let key_at = offset + lead;
                        let value_at = key_at + key.len() + 2 + (value.len() - word.len());
                        let key_pos = pos(line, column + text[..key_at].chars().count());
                        let key = mapping_key(&entries, key, key_pos)?;
                        let value = Node {
                            value: scalar(word, ScalarStyle::Plain)?,
                            pos: pos(line, column + text[..value_at].chars().count()),
                        };
                        entries.push((key, value));
                        offset += part.len() + 1;
                    }
                }
                Value::Map(entries)
            }
            b'\'' => {
                let mut value = String::new();
                let mut chars = text[1..].char_indices();
                let end = loop {
                    match chars.next()? {
                        (i, '\'') if text[1 + i + 1..].starts_with('\'') => {
                            value.push('\'');
                            chars.next();
                        }
                        (i, '\'') => break 1 + i + 1,
                        (_, c) => value.push(c),
                    }
                };
                if !rest_is_comment(&text[end..]) {
                    return None;
                }
                Value::Str(value)
            }
            b'"' => {
                let close = text[1..].find('"')? + 1;
                let inner = &text[1..close];
                if inner.contains('\\') || !rest_is_comment(&text[close + 1..]) {
                    return None;
                }
                Value::Str(inner.to_string())
            }
            _ => {
                let word = match comment_start(text) {
                    Some(i) => text[..i].trim_end_matches([' ', '\t']),
                    None => text,
                };
                if !plain_ok(word) || has_mapping_colon(word) {
                    return None;
                }
                scalar(word, ScalarStyle::Plain)?
            }
        };
        Some(Node {
            value,
            pos: pos(line, column),
        })
    }

    /// Where a comment starts: a `#` after a blank.
    fn comment_start(text: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        (1..bytes.len()).find(|&i| bytes[i] == b'#' && matches!(bytes[i - 1], b' ' | b'\t'))
    }

    /// A `:` followed by a blank would make the text a mapping.
    fn has_mapping_colon(text: &str) -> bool {
        text.as_bytes()
            .windows(2)
            .any(|w| w[0] == b':' && matches!(w[1], b' ' | b'\t'))
    }

    /// What may follow a closing quote or bracket: nothing, or a comment.
    fn rest_is_comment(rest: &str) -> bool {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
    }

    /// A plain scalar that cannot be mistaken for anything else: no indicator at its start, not
    /// ending in `:`.
    fn plain_ok(word: &str) -> bool {
        let mut chars = word.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        let indicator = "-?:,[]{}#&*!|>'\"%@`".contains(first);
        let dash_word = first == '-' && chars.next().is_some_and(|c| c != ' ');
        (!indicator || dash_word) && !word.ends_with(':') && !word.contains('\t')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }

    fn node(value: Value, pos: Pos) -> Node {
        Node { value, pos }
    }

    fn word(text: &str, pos: Pos) -> Node {
        node(Value::Str(text.into()), pos)
    }

    #[test]
    fn positions_of_keys_and_values() {
        let n = parse("id: F-1\nwsjf:\n  job_size: 5\nlist: [a, b]\n").unwrap();
        let Value::Map(m) = &n.value else {
            panic!("{n:?}")
        };
        assert_eq!(m[0], (word("id", at(1, 1)), word("F-1", at(1, 5))));
        // A block mapping starts at its first key; a flow list at its bracket.
        assert_eq!(
            m[1],
            (
                word("wsjf", at(2, 1)),
                node(
                    Value::Map(vec![(
                        word("job_size", at(3, 3)),
                        node(Value::Int(5), at(3, 13))
                    )]),
                    at(3, 3)
                )
            )
        );
        assert_eq!(
            m[2],
            (
                word("list", at(4, 1)),
                node(
                    Value::Seq(vec![word("a", at(4, 8)), word("b", at(4, 11))]),
                    at(4, 7)
                )
            )
        );
        assert_eq!(m.len(), 3);
    }

    /// A feature's frontmatter as `examples/generate` writes it: its flow mapping of WSJF words
    /// takes the line reader, which places each key and value where the full parser does.
    #[test]
    fn a_flow_mapping_of_words_takes_the_line_reader() {
        let yaml = "id: F-1\nteam: [team-6]\nwsjf: {business_value: 1, time_criticality: 20,  job_size: 5} # c\n";
        assert!(same_as_full(yaml));
        let n = lines::parse(yaml).expect("declined by the line reader");
        let Value::Map(m) = &n.value else {
            panic!("{n:?}")
        };
        let Value::Map(wsjf) = &m[2].1.value else {
            panic!("{n:?}")
        };
        assert_eq!(m[2].1.pos, at(3, 7));
        assert_eq!(
            wsjf[2],
            (word("job_size", at(3, 50)), node(Value::Int(5), at(3, 60)))
        );
        for declined in [
            "a: {b: 1,}\n",
            "a: {b: 1, b: 2}\n",
            "a: {b: c: d}\n",
            "a: {true: 1}\n",
            "a: {null: x, y: 2}\n",
            "a: {b}\n",
        ] {
            assert!(lines::parse(declined).is_none(), "{declined}");
            same_as_full(declined);
        }
    }

    /// The exact outcome of documents that are errors or look like them, by both readers.
    #[test]
    fn errors() {
        let error = |message: &str, pos: Pos| YamlError {
            message: message.into(),
            pos: Some(pos),
        };
        let map = |entries: Vec<(Node, Node)>, pos: Pos| node(Value::Map(entries), pos);
        let cases = [
            (
                "a: 1\na: 2\n",
                Err(error(
                    "duplicate key `a`: each key may appear once",
                    at(2, 1),
                )),
            ),
            ("a: [1\n", Err(error("unclosed bracket '['", at(1, 4)))),
            // An alias reads as a copy of its anchor's value, placed where the alias is.
            (
                "a: &x [1]\nb: *x\n",
                Ok(map(
                    vec![
                        (
                            word("a", at(1, 1)),
                            node(Value::Seq(vec![node(Value::Int(1), at(1, 8))]), at(1, 7)),
                        ),
                        (
                            word("b", at(2, 1)),
                            node(Value::Seq(vec![node(Value::Int(1), at(2, 4))]), at(2, 4)),
                        ),
                    ],
                    at(1, 1),
                )),
            ),
            // A tab before the first key is taken as a separator, not refused.
            (
                "\ta: 1\n",
                Ok(map(
                    vec![(word("a", at(1, 2)), node(Value::Int(1), at(1, 5)))],
                    at(1, 2),
                )),
            ),
            // A date stays text (popm reads dates itself), 0x10 is 16, `~` and nothing are null.
            (
                "a: 2026-01-05\nb: 0x10\nc: ~\nd:\n",
                Ok(map(
                    vec![
                        (word("a", at(1, 1)), word("2026-01-05", at(1, 4))),
                        (word("b", at(2, 1)), node(Value::Int(16), at(2, 4))),
                        (word("c", at(3, 1)), node(Value::Null, at(3, 4))),
                        (word("d", at(4, 1)), node(Value::Null, at(4, 2))),
                    ],
                    at(1, 1),
                )),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), expected, "{text:?}");
            assert_eq!(full(text), expected, "full reader, {text:?}");
        }
    }

    /// Every document the fast path accepts must read exactly as the full parser reads it.
    fn same_as_full(yaml: &str) -> bool {
        if let Some(node) = lines::parse(yaml) {
            assert_eq!(Ok(node), full(yaml), "lines and full differ on {yaml:?}");
        }
        match fast::parse(yaml) {
            Some(node) => {
                assert_eq!(Ok(node), full(yaml), "fast and full differ on {yaml:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn fast_path_agrees_with_full_parser_on_fixtures_and_shared_corpus() {
        let (mut fast, mut simplest, mut all) = (0, 0, 0);
        crate::parse::each_fixture_split(|split| {
            all += 1;
            fast += usize::from(same_as_full(split.yaml));
            simplest += usize::from(lines::parse(split.yaml).is_some());
        });
        // Most items are plain: if the fast paths stopped taking them, they would be dead weight.
        assert!(
            all > 100 && fast * 10 > all * 7,
            "{fast} of {all} took the fast path"
        );
        assert!(
            simplest * 10 > all * 6,
            "{simplest} of {all} took the line reader"
        );
    }

    #[test]
    fn fast_path_scalars() {
        let words = [
            "a",
            "abc",
            "F-1",
            "PI-2027.1",
            "in-progress",
            "0",
            "7",
            "-3",
            "+3",
            "007",
            "0x10",
            "0o7",
            "1_000",
            "1.5",
            ".5",
            "1e3",
            "2026-01-05",
            "2026-01-05T10:00:00Z",
            "yes",
            "No",
            "ON",
            "off",
            "y",
            "n",
            "inf",
            "-.inf",
            ".nan",
            "NaN",
            "null",
            "Null",
            "~",
            "true",
            "False",
            "tRue",
            "nULL",
            "123456789012345678",
            "1234567890123456789",
            "-0",
            "a b",
            "a: b",
            "'q'",
            "\"d\"",
            "x # c",
            "[]",
            "{}",
            "[a, 1, '2', ~]",
            "|\n  text\n",
            ">\n  folded\n",
            "é",
            "Ünïcode",
            "😀",
            "#not",
            "2025-08-23 19:12",
            "2025-08-23",
            "10:30",
            "12:30:45",
            "190:20:30",
            "1-2",
            "-1-2",
            "1e-5",
            "1E-5",
            "1.5e-3",
            "1 2",
            "+1 2",
            "0x1-2",
            "1_000 x",
            "2025-08-23T19:12:00Z",
            "2025-08-23 19:12:00 +02:00",
            "1 #c",
            "1:",
        ];
        for w in words {
            let doc = format!("k: {w}\n");
            same_as_full(&doc);
            same_as_full(&format!("k:\n  - {w}\n  - x\n"));
        }
        assert_eq!(
            fast::parse("id: F-1\npoints: 5\nlabels: [a, b]\n").map(|n| n.value),
            Some(Value::Map(vec![
                (
                    Node {
                        value: Value::Str("id".into()),
                        pos: Pos { line: 1, column: 1 }
                    },
                    Node {
                        value: Value::Str("F-1".into()),
                        pos: Pos { line: 1, column: 5 }
                    },
                ),
                (
                    Node {
                        value: Value::Str("points".into()),
                        pos: Pos { line: 2, column: 1 }
                    },
                    Node {
                        value: Value::Int(5),
                        pos: Pos { line: 2, column: 9 }
                    },
                ),
                (
                    Node {
                        value: Value::Str("labels".into()),
                        pos: Pos { line: 3, column: 1 }
                    },
                    Node {
                        value: Value::Seq(vec![
                            Node {
                                value: Value::Str("a".into()),
                                pos: Pos {
                                    line: 3,
                                    column: 10
                                }
                            },
                            Node {
                                value: Value::Str("b".into()),
                                pos: Pos {
                                    line: 3,
                                    column: 13
                                }
                            },
                        ]),
                        pos: Pos { line: 3, column: 9 },
                    },
                ),
            ]))
        );
        // Unsure words and errors go the full way.
        for doc in [
            "a: yes\n",
            "a: 1\na: 2\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: [1\n",
        ] {
            assert_eq!(fast::parse(doc), None, "{doc:?}");
        }
    }

    /// An item as `popm import backlog-md` writes it: Backlog.md's unquoted creation time and
    /// priority under `extra`. The line reader takes it (it used to go to serde-saphyr, for the
    /// time), and reads it exactly as the full parser does.
    #[test]
    fn imported_backlog_md_items_take_the_line_reader() {
        let yaml = "id: task-10\ntype: story\ntitle: cart checkout flow 10\nstatus: in-progress\n\
                    owner: \"@dev3\"\ndepends_on: [task-9]\nlabels: [cart, backend]\nextra:\n\
                    \x20 created_date: 2025-11-11 10:10\n  updated_date: 2025-11-12\n  priority: medium\n";
        let read = lines::parse(yaml).expect("the line reader declined an imported item");
        assert_eq!(Ok(read.clone()), full(yaml));
        let Value::Map(entries) = &read.value else {
            panic!("{read:?}")
        };
        let (_, extra) = &entries[7];
        assert_eq!(
            extra.value,
            Value::Map(vec![
                (
                    word("created_date", at(9, 3)),
                    word("2025-11-11 10:10", at(9, 17))
                ),
                (
                    word("updated_date", at(10, 3)),
                    word("2025-11-12", at(10, 17))
                ),
                (word("priority", at(11, 3)), word("medium", at(11, 13))),
            ])
        );
        // The same dates as Backlog.md writes them, read by the event reader too.
        let backlog_md = "id: task-10\nassignee:\n  - \"@dev3\"\ncreated_date: 2025-11-11 10:10\n\
                          dependencies:\n  - task-9\n";
        assert!(same_as_full(backlog_md));
        assert!(lines::parse(backlog_md).is_some());
    }

    proptest::proptest! {
        /// Dates, times and number-like words, alone, in lists and in flow lists.
        #[test]
        fn date_like_words_read_as_the_full_parser_reads_them(
            word in "[0-9][0-9:. eE+_x-]{0,12}[0-9]?",
        ) {
            same_as_full(&format!("k: {word}\n"));
            same_as_full(&format!("k:\n  - {word}\n"));
            same_as_full(&format!("k: [{word}, x]\n"));
        }

        #[test]
        fn fast_path_agrees_with_full_parser_on_generated_documents(
            entries in proptest::collection::vec(
                ("[a-z_]{1,6}", "[ -~]{0,10}|[a-zé ,#:'\"-]{0,8}|[a\x00\x07\x1b\x7f\u{85}\u{9b}\u{feff}\u{fffe}]{1,3}", 0..13u8, " {0,2}", "(\r)?"),
                0..6,
            )
        ) {
            let mut doc = String::new();
            for (key, value, style, space, cr) in &entries {
                let line = match style {
                    0 => format!("{key}:{space} {value}"),
                    1 => format!("{key}: [{value}, x]{space}"),
                    2 => format!("{key}:\n{space}- {value}"),
                    3 => format!("{key}:\n  sub: {value}\n  other: [x,{value}]"),
                    4 => format!("{key}: '{value}'{space}"),
                    5 => format!("{key}: \"{value}\""),
                    6 => format!("{key}: x{space}# {value}"),
                    7 => format!("{key}: {{a: {value}, b:{space} x}}{space}"),
                    8 => format!("{key}: {{{value}: 1,{space}b: 2}}"),
                    9 => format!("{key}: {{{space}}} # {value}"),
                    10 => format!("{key}: {{a: 1, a: {value}}}"),
                    11 => format!("{key}: {{a: {value},}}"),
                    _ => format!("# {value}\n{key}:\n  - a\n  -  {value}\n{space}"),
                };
                doc.push_str(&line.replace('\n', &format!("{cr}\n")));
                doc.push_str(cr);
                doc.push('\n');
            }
            same_as_full(&doc);
        }
    }
}
