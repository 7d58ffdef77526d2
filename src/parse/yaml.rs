//! The one place that knows which YAML library popm uses.
//!
//! Frontmatter is parsed into a small tree of [`Node`]s that carry the line and column of every key and
//! value, so that any check can point at the exact place it complains about. Nothing outside this module
//! names `serde_saphyr`; swapping the parser means rewriting this file only.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A position in the source, 1-based, in characters (as editors count columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
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
pub fn parse(text: &str) -> Result<Node, YamlError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_values() {
        let n = parse("id: F-1\nwsjf:\n  job_size: 5\nlist: [a, b]\n").unwrap();
        let Value::Map(m) = &n.value else {
            panic!("{n:?}")
        };
        println!("{m:#?}");
        assert_eq!(m[0].0.pos, Pos { line: 1, column: 1 });
        assert_eq!(m[0].1.pos, Pos { line: 1, column: 5 });
    }

    #[test]
    fn errors() {
        for t in [
            "a: 1\na: 2\n",
            "a: [1\n",
            "a: &x [1]\nb: *x\n",
            "\ta: 1\n",
            "a: 2026-01-05\nb: 0x10\nc: ~\nd:\n",
        ] {
            println!("{t:?} => {:?}", parse(t));
        }
    }
}
