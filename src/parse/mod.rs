//! From a file's bytes to an [`Item`] and the diagnostics about that one file. Runs in parallel, once
//! per file; nothing here looks at other files.

pub mod frontmatter;
mod item;
pub mod markdown;
pub mod yaml;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::Item;
use yaml::Pos;

/// The outcome of reading one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// `None` when the file holds no usable frontmatter mapping.
    /// Boxed: it goes on to the backlog as it is ([`crate::model::Backlog::items`]).
    pub item: Option<Box<Item>>,
    pub diagnostics: Vec<Diagnostic>,
}

const TOP: Pos = Pos { line: 1, column: 1 };

/// Decodes and parses one item file. `path` is the display path (relative, with `/`). Returns the
/// decoded text too (kept for snippets), so the bytes are validated once.
pub fn parse_file(path: &str, bytes: Vec<u8>) -> (Parsed, Option<String>) {
    crate::trace::io("parse", path);
    let mut out = Parsed::default();
    match String::from_utf8(bytes) {
        Ok(text) => {
            let text = lone_cr_to_lf(text);
            parse_text(
                path,
                text.strip_prefix('\u{feff}').unwrap_or(&text),
                &mut out,
            );
            (out, Some(text))
        }
        Err(e) => {
            let (pos, message) = undecodable(e.as_bytes(), e.utf8_error().valid_up_to());
            out.diagnostics
                .push(Diagnostic::new(Rule::FileUnreadable, path, pos, message));
            (out, None)
        }
    }
}

/// Classic Mac files end lines with a lone CR. Turning each into LF keeps every byte offset (one
/// byte for one), so positions stay right and the rest of popm sees LF or CRLF only. The editor
/// (`edit::frontmatter`) reads lines the same way, so an edit lands where the checker looked.
pub(crate) fn lone_cr_to_lf(text: String) -> String {
    if !text.as_bytes().contains(&b'\r') {
        return text;
    }
    let lone = |bytes: &[u8], i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..text.len()).any(|i| lone(text.as_bytes(), i)) {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if lone(&bytes, i) {
            bytes[i] = b'\n';
        }
    }
    // Replacing an ASCII byte by another keeps the text valid UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Items are UTF-8 (with or without a byte order mark). Anything else is reported, with the place of
/// the first bad byte, rather than guessed at.
fn undecodable(bytes: &[u8], valid_up_to: usize) -> (Pos, String) {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return (
            TOP,
            "the file is UTF-16; popm reads UTF-8 (re-save it as UTF-8)".into(),
        );
    }
    {
        let good = &bytes[..valid_up_to];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        (
            Pos {
                line: u32::try_from(line).unwrap_or(u32::MAX),
                column: u32::try_from(column).unwrap_or(u32::MAX),
            },
            format!(
                "the file is not valid UTF-8 (invalid byte at line {line}, column {column}); popm reads UTF-8"
            ),
        )
    }
}

fn parse_text(path: &str, text: &str, out: &mut Parsed) {
    let split = match frontmatter::split(text) {
        Ok(split) => split,
        Err(frontmatter::SplitError::Missing) => {
            let message = if text.trim().is_empty() {
                "the file is empty; an item starts with a `---` frontmatter block"
            } else {
                "no frontmatter: an item file must start with a `---` line"
            };
            out.diagnostics.push(
                Diagnostic::new(Rule::FrontmatterMissing, path, TOP, message).help(
                    "start the file with `---`, the item's keys (id, type, title), and `---`",
                ),
            );
            return;
        }
        Err(frontmatter::SplitError::Unclosed) => {
            out.diagnostics.push(
                Diagnostic::new(
                    Rule::FrontmatterSyntax,
                    path,
                    TOP,
                    "the frontmatter block opened on line 1 is never closed",
                )
                .width(3)
                .help("end the frontmatter with a line holding only `---`"),
            );
            return;
        }
    };
    let offset = split.yaml_line - 1;
    let shift = |p: Pos| Pos {
        line: p.line.saturating_add(offset),
        column: p.column,
    };
    let root = if split.yaml.trim().is_empty() {
        None
    } else {
        match yaml::parse(split.yaml) {
            Ok(node) => Some(node),
            Err(e) => {
                let pos = e.pos.map_or(TOP, shift);
                out.diagnostics.push(Diagnostic::new(
                    Rule::FrontmatterSyntax,
                    path,
                    pos,
                    e.message,
                ));
                return;
            }
        }
    };
    let mut item = item::from_yaml(path, root.as_ref(), offset, &mut out.diagnostics);
    let body = markdown::parse(split.body, split.body_line);
    item.acceptance_criteria = body.acceptance_criteria;
    item.benefit_hypothesis = body.benefit_hypothesis;
    item.hypothesis = body.hypothesis;
    item.first_paragraph = body.first_paragraph;
    item.placeholder = body.placeholder;
    // With no body, point at the closing `---` rather than past the end of the file.
    item.body = Pos {
        line: if split.body.trim().is_empty() {
            split.body_line - 1
        } else {
            split.body_line
        },
        column: 1,
    };
    out.item = Some(Box::new(item));
}

/// Every item file of the fixtures, and of the shared corpus of other projects' files when it is
/// there ([`crate::shared_dir`]), split into frontmatter and body: the inputs the fast readers'
/// tests hold to the reference readings.
#[cfg(test)]
pub(crate) fn each_fixture_split(mut f: impl FnMut(frontmatter::Split<'_>)) {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let corpus = crate::shared_dir::shared("corpus");
    for entry in std::iter::once(fixtures)
        .chain(corpus)
        .flat_map(walkdir::WalkDir::new)
    {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if let Ok(split) = frontmatter::split(&text) {
            f(split);
        }
    }
}
