//! Finds the body sections popm understands: acceptance criteria, (benefit) hypotheses, and the first
//! paragraph (a story's user voice). One pass of pulldown-cmark over the body.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::model::{AcceptanceCriteria, Criterion, Section, Spanned};
use crate::parse::yaml::Pos;

#[derive(Debug, Default, PartialEq)]
pub struct Body {
    pub acceptance_criteria: Option<AcceptanceCriteria>,
    pub benefit_hypothesis: Option<Section>,
    pub hypothesis: Option<Section>,
    pub first_paragraph: Option<Spanned<String>>,
    /// The first template placeholder (`[a context]`) left in the first paragraph or a section
    /// popm reads, with where its `[` is.
    pub placeholder: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    AcceptanceCriteria,
    BenefitHypothesis,
    Hypothesis,
    Other,
}

fn section_kind(heading: &str) -> Kind {
    let text = heading.trim().trim_end_matches(':').trim().to_lowercase();
    match text.as_str() {
        "acceptance criteria" => Kind::AcceptanceCriteria,
        "benefit hypothesis" => Kind::BenefitHypothesis,
        "hypothesis" | "epic hypothesis" | "epic hypothesis statement" => Kind::Hypothesis,
        _ => Kind::Other,
    }
}

/// Maps byte offsets of the body to file lines.
struct Lines {
    newlines: Vec<usize>,
    first_line: u32,
}

impl Lines {
    fn new(body: &str, first_line: u32) -> Self {
        let newlines = memchr::memchr_iter(b'\n', body.as_bytes()).collect();
        Lines {
            newlines,
            first_line,
        }
    }

    fn line(&self, offset: usize) -> u32 {
        let before = self.newlines.partition_point(|&n| n < offset);
        self.first_line
            .saturating_add(u32::try_from(before).unwrap_or(u32::MAX))
    }
}

/// State of the section being read.
struct Current {
    kind: Kind,
    level: HeadingLevel,
    pos: Pos,
    has_content: bool,
    criteria: Vec<Criterion>,
}

/// How deep block quotes and lists may nest before popm stops reading a line. pulldown-cmark recurses
/// on nesting, so a line of 10 000 `>` would overflow the stack; no real item nests 100 deep.
const MAX_NESTING: usize = 100;

/// The body with every line that nests deeper than [`MAX_NESTING`] blanked out (each of its bytes a
/// space, so offsets and lines stay where they were). Such lines are never a section popm reads.
fn flatten_deep(body: &str) -> std::borrow::Cow<'_, str> {
    let too_deep = |line: &str| nesting(line) > MAX_NESTING;
    if !body.split('\n').any(too_deep) {
        return body.into();
    }
    let mut out = String::with_capacity(body.len());
    for (i, line) in body.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if too_deep(line) {
            out.extend(std::iter::repeat_n(' ', line.len()));
        } else {
            out.push_str(line);
        }
    }
    out.into()
}

/// Container depth a line opens at its start: each `>` and list marker counts one, and each two
/// columns of indentation one (how lists nest).
fn nesting(line: &str) -> usize {
    let bytes = line.as_bytes();
    let (mut depth, mut columns, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b' ' => columns += 1,
            b'\t' => columns += 4,
            b'>' => depth += 1,
            b'-' | b'*' | b'+' if matches!(bytes.get(i + 1), Some(b' ' | b'\t') | None) => {
                depth += 1
            }
            b'0'..=b'9' => {
                let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                if matches!(bytes.get(i + digits), Some(b'.' | b')')) {
                    depth += 1;
                    i += digits;
                } else {
                    break;
                }
            }
            _ => break,
        }
        i += 1;
    }
    depth + columns / 2
}

/// The sections found so far, carried from one part of the body to the next.
#[derive(Default)]
struct State {
    out: Body,
    current: Option<Current>,
}

/// Reads the body. Bodies are cut at their top-level `#` headings, and a part that provably
/// changes nothing (a section popm does not read, of plain lines, after the first paragraph) is
/// passed over without running the markdown parser on it; every other part is parsed as it is.
/// `parse_whole` is the reference, and a test holds the two to the same result.
pub fn parse(body: &str, first_line: u32) -> Body {
    // Link reference definitions and HTML blocks reach across headings, and over-deep lines are
    // blanked first: read those bodies whole.
    let Some(parts) = parts(body) else {
        return parse_whole(body, first_line);
    };
    let mut state = State::default();
    for part in parts {
        let line = first_line.saturating_add(part.line);
        if !skip(&part, &mut state) && !read_plain(&part, line, &mut state) {
            read(part.text, line, &mut state);
        }
    }
    state.finish()
}

/// The reference reading: pulldown-cmark over the whole body.
pub fn parse_whole(body: &str, first_line: u32) -> Body {
    let body = flatten_deep(body);
    let body = body.as_ref();
    let mut state = State::default();
    read(body, first_line, &mut state);
    state.finish()
}

impl State {
    fn finish(mut self) -> Body {
        if let Some(c) = self.current.take() {
            close(c, &mut self.out);
        }
        self.out
    }
}

/// A stretch of the body that starts at a top-level ATX heading (or at the start of the body).
struct Part<'a> {
    text: &'a str,
    /// Lines before it in the body.
    line: u32,
    /// The heading's level and text, when it is plain words; `None` when there is none or it
    /// holds markup.
    plain_heading: Option<(usize, &'a str)>,
    /// Every line after the heading is blank or starts with a word: no list, quote, fence, setext
    /// underline or nested heading that could open a section.
    inert: bool,
}

/// Cuts the body at top-level ATX headings outside fences, in one pass over its lines; `None`
/// when the body must be read whole.
fn parts(body: &str) -> Option<Vec<Part<'_>>> {
    if memchr::memmem::find(body.as_bytes(), b"]:").is_some() {
        return None;
    }
    let bytes = body.as_bytes();
    let mut parts = Vec::new();
    let mut part = Part {
        text: "",
        line: 0,
        plain_heading: None,
        inert: true,
    };
    let mut start = 0;
    let mut line_no = 0u32;
    let mut fence: Option<(u8, usize)> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let mut line = &bytes[pos..end];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        let indent = line
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        let first = line.get(indent).copied();
        let comment = one_line_comment(&line[indent..]);
        if first == Some(b'<') && !comment {
            return None;
        }
        let opens = matches!(first, Some(b'>' | b'-' | b'*' | b'+' | b'0'..=b'9'));
        if (opens || indent > 2 * MAX_NESTING) && nesting(&body[pos..end]) > MAX_NESTING {
            return None;
        }
        // Fences (up to three spaces in): inside one, nothing is a heading.
        let spaces = line.iter().take_while(|b| **b == b' ').count();
        if let Some(m @ (b'`' | b'~')) = first
            && spaces == indent
            && indent <= 3
        {
            let run = line[indent..].iter().take_while(|b| **b == m).count();
            let rest = &line[indent + run..];
            match fence {
                None if run >= 3 && !(m == b'`' && rest.contains(&b'`')) => fence = Some((m, run)),
                Some((open, len))
                    if open == m && run >= len && rest.iter().all(u8::is_ascii_whitespace) =>
                {
                    fence = None
                }
                _ => {}
            }
        }
        let level = (fence.is_none() && indent == 0)
            .then(|| atx_level(line))
            .flatten();
        if let Some(level) = level {
            if pos > 0 {
                part.text = &body[start..pos];
                parts.push(part);
            }
            start = pos;
            let words = body[pos + level..pos + line.len()].trim();
            let plain = words.chars().all(|c| {
                c.is_alphanumeric() || matches!(c, ' ' | ':' | ',' | '.' | '-' | '/' | '(' | ')')
            });
            part = Part {
                text: "",
                line: line_no,
                plain_heading: plain.then_some((level, words)),
                inert: true,
            };
        } else if let Some(first) = first {
            // A line that starts with a word (not a numbered list item) opens nothing.
            let digits = line[indent..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let numbered = digits > 0 && matches!(line.get(indent + digits), Some(b'.' | b')'));
            part.inert &= first.is_ascii_alphanumeric() && !numbered
                || (!first.is_ascii() && body[pos + indent..].starts_with(char::is_alphanumeric))
                || comment
                || list_item_of_words(&line[indent..]);
        }
        line_no = line_no.saturating_add(1);
        pos = end + 1;
    }
    part.text = &body[start..];
    parts.push(part);
    Some(parts)
}

/// An HTML comment that opens and closes on this line (Backlog.md's `<!-- AC:BEGIN -->`): an
/// HTML block of this one line, so it reaches across no heading, and it opens no section.
fn one_line_comment(line: &[u8]) -> bool {
    line.starts_with(b"<!--") && memchr::memmem::find(&line[4..], b"-->").is_some()
}

/// A list item whose text starts with a letter (`1. Read the code`, `- a note`): in a section
/// popm does not read, it holds no heading, quote, nested list or setext underline that could
/// open a section (those start with a mark, or take a line of their own that is not inert).
fn list_item_of_words(line: &[u8]) -> bool {
    let marker = match line.first() {
        Some(b'-' | b'*' | b'+') => 1,
        _ => {
            let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
            if !(1..=9).contains(&digits) || !matches!(line.get(digits), Some(b'.' | b')')) {
                return false;
            }
            digits + 1
        }
    };
    let spaces = line[marker..].iter().take_while(|b| **b == b' ').count();
    (1..=4).contains(&spaces)
        && line
            .get(marker + spaces)
            .is_some_and(u8::is_ascii_alphabetic)
}

/// The level of an ATX heading that starts in the first column.
fn atx_level(line: &[u8]) -> Option<usize> {
    let level = line.iter().take_while(|b| **b == b'#').count();
    let after = line.get(level);
    ((1..=6).contains(&level) && matches!(after, None | Some(b' ' | b'\t'))).then_some(level)
}

fn heading_level(level: usize) -> HeadingLevel {
    match level {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Passes over a part that cannot change the result, doing what its heading would do: close the
/// open section and open one popm does not read.
fn skip(part: &Part, state: &mut State) -> bool {
    let Some((level, words)) = part.plain_heading else {
        return false;
    };
    let level = heading_level(level);
    // A deeper heading belongs to the open section, and its text may be read (criteria).
    let nested = state.current.as_ref().is_some_and(|c| level > c.level);
    if !part.inert
        || nested
        || state.out.first_paragraph.is_none()
        || section_kind(words) != Kind::Other
    {
        return false;
    }
    if let Some(c) = state.current.take() {
        close(c, &mut state.out);
    }
    state.current = Some(Current {
        kind: Kind::Other,
        level,
        pos: Pos::default(),
        has_content: false,
        criteria: Vec::new(),
    });
    true
}

/// One block of a plain part ([`read_plain`]).
enum PlainBlock<'a> {
    /// Its first line and its lines.
    Paragraph(u32, Vec<&'a str>),
    /// Items on one line each: line, checkbox, text.
    List(Vec<(u32, Option<bool>, &'a str)>),
}

/// Reads a part that holds nothing but its heading (plain words), paragraphs of lines that start
/// with a letter and a tight list of one-line `- ` items (with or without a checkbox), none of it
/// with inline markup: what generated and most hand-written stories are. Read line by line, with
/// the same outcome as pulldown-cmark's events would have in [`read`], which runs the parser on
/// the part (a third of a cold parse, mostly setting up). `false`, and `state` untouched, for
/// anything else; the proptest below holds the two readings to the same result.
fn read_plain(part: &Part, first_line: u32, state: &mut State) -> bool {
    // Characters that could start inline markup, an entity, an escape or a hard break with a
    // backslash; tabs and control characters, which the parser rewrites or expands.
    let plain_text = |text: &str| {
        !text
            .bytes()
            .any(|b| b < 0x20 || b == 0x7f || b"\\`*_[]<>&".contains(&b))
    };
    let starts_with_letter =
        |text: &str| text.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
    let mut lines = part.text.split('\n');
    let mut line_no = first_line;
    let heading = if atx_level(part.text.as_bytes()).is_some() {
        let Some(heading) = part.plain_heading else {
            return false;
        };
        lines.next();
        line_no = line_no.saturating_add(1);
        Some(heading)
    } else {
        None
    };
    let mut blocks: Vec<PlainBlock> = Vec::new();
    // Whether a blank line came since the last block's last line.
    let mut blank = true;
    for line in lines {
        let text = line.trim_end_matches(' ');
        let at = line_no;
        line_no = line_no.saturating_add(1);
        if text.is_empty() {
            blank = true;
            continue;
        }
        let continues = !blank;
        blank = false;
        if starts_with_letter(text) {
            if !plain_text(text) {
                return false;
            }
            match blocks.last_mut() {
                // A lazy continuation of the last item, or a list the line interrupts.
                Some(PlainBlock::List(_)) if continues => return false,
                Some(PlainBlock::Paragraph(_, lines)) if continues => lines.push(text),
                _ => blocks.push(PlainBlock::Paragraph(at, vec![text])),
            }
            continue;
        }
        let Some(item) = text.strip_prefix("- ") else {
            return false;
        };
        let (checked, words) = match item.as_bytes() {
            [b'[', b' ', b']', b' ', ..] => (Some(false), &item[4..]),
            [b'[', b'x' | b'X', b']', b' ', ..] => (Some(true), &item[4..]),
            _ => (None, item),
        };
        if !(starts_with_letter(words) && plain_text(words)) {
            return false;
        }
        match blocks.last_mut() {
            Some(PlainBlock::List(items)) if continues => items.push((at, checked, words)),
            // A list that interrupts a paragraph, or a loose list: left to the parser.
            Some(_) if continues => return false,
            Some(PlainBlock::List(_)) => return false,
            _ => blocks.push(PlainBlock::List(vec![(at, checked, words)])),
        }
    }
    let State { out, current } = state;
    if let Some((level, words)) = heading {
        end_heading(heading_level(level), first_line, words, current, out);
    }
    for block in blocks {
        mark_content(current);
        match block {
            PlainBlock::Paragraph(line, lines) => {
                if out.first_paragraph.is_none() {
                    let text = lines.join(" ");
                    out.first_paragraph = Some(Spanned::new(
                        text.trim().to_string(),
                        Pos { line, column: 1 },
                    ));
                }
            }
            PlainBlock::List(items) => {
                let Some(c) = current
                    .as_mut()
                    .filter(|c| c.kind == Kind::AcceptanceCriteria)
                else {
                    continue;
                };
                c.criteria
                    .extend(items.into_iter().map(|(line, checked, text)| Criterion {
                        line,
                        checked,
                        text: text.trim().to_string(),
                    }));
            }
        }
    }
    true
}

fn read(body: &str, first_line: u32, state: &mut State) {
    let lines = Lines::new(body, first_line);
    let State { out, current } = state;
    let mut heading: Option<(HeadingLevel, usize, String)> = None;
    // Depth of list nesting, and of block quotes / lists for the first paragraph.
    let mut list_depth = 0usize;
    let mut container_depth = 0usize;
    let mut paragraph: Option<(usize, String)> = None;
    // The criterion being collected: (line, checkbox, text).
    let mut criterion: Option<(u32, Option<bool>, String)> = None;

    let parser = Parser::new_ext(body, Options::ENABLE_TASKLISTS).into_offset_iter();
    for (event, range) in parser {
        if let Some((_, _, text)) = heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, offset, text)) = heading.take() {
                        end_heading(level, lines.line(offset), &text, current, out);
                    }
                }
                Event::Text(t) | Event::Code(t) => text.push_str(&t),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, range.start, String::new()));
            }
            Event::Start(Tag::List(_)) => {
                list_depth += 1;
                container_depth += 1;
                mark_content(current);
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                container_depth = container_depth.saturating_sub(1);
            }
            Event::Start(Tag::BlockQuote(_)) => container_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => {
                container_depth = container_depth.saturating_sub(1)
            }
            Event::Start(Tag::Item) if list_depth == 1 => {
                let read_section = current.as_ref().is_some_and(|c| c.kind != Kind::Other);
                if read_section && out.placeholder.is_none() {
                    out.placeholder = placeholder_in(body, range.clone(), &lines);
                }
                let in_criteria = current
                    .as_ref()
                    .is_some_and(|c| c.kind == Kind::AcceptanceCriteria);
                if in_criteria {
                    criterion = Some((lines.line(range.start), None, String::new()));
                }
            }
            Event::TaskListMarker(checked) => {
                if let Some((_, mark, text)) = criterion.as_mut()
                    && text.is_empty()
                    && mark.is_none()
                {
                    *mark = Some(checked);
                }
            }
            Event::End(TagEnd::Item) if list_depth == 1 => {
                if let (Some((line, checked, text)), Some(c)) = (criterion.take(), current.as_mut())
                {
                    c.criteria.push(Criterion {
                        line,
                        checked,
                        text: text.trim().to_string(),
                    });
                }
            }
            Event::Start(Tag::Paragraph) => {
                mark_content(current);
                let first = out.first_paragraph.is_none() && container_depth == 0;
                let read_section = current.as_ref().is_some_and(|c| c.kind != Kind::Other);
                if (first || read_section) && out.placeholder.is_none() {
                    out.placeholder = placeholder_in(body, range.clone(), &lines);
                }
                if out.first_paragraph.is_none() && container_depth == 0 && paragraph.is_none() {
                    paragraph = Some((range.start, String::new()));
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some((offset, text)) = paragraph.take() {
                    out.first_paragraph = Some(Spanned::new(
                        text.trim().to_string(),
                        Pos {
                            line: lines.line(offset),
                            column: 1,
                        },
                    ));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                mark_content(current);
                if let Some((_, text)) = paragraph.as_mut() {
                    text.push_str(&t);
                }
                if let Some((_, _, text)) = criterion.as_mut()
                    && list_depth == 1
                {
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, text)) = paragraph.as_mut() {
                    text.push(' ');
                }
                if let Some((_, _, text)) = criterion.as_mut() {
                    text.push(' ');
                }
            }
            Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::Table(_)) => {
                mark_content(current);
            }
            _ => {}
        }
    }
}

/// The first placeholder of `popm new`'s templates ("As a [role], ...", "Given [a context], ...")
/// in `body[range]`, with where its `[` is.
fn placeholder_in(
    body: &str,
    range: std::ops::Range<usize>,
    lines: &Lines,
) -> Option<Spanned<String>> {
    let text = body.get(range.clone())?;
    let (offset, found) = find_placeholder(text)?;
    let at = range.start + offset;
    let line_start = body[..at].rfind('\n').map_or(0, |n| n + 1);
    let column = body[line_start..at].chars().count() + 1;
    Some(Spanned::new(
        found.to_string(),
        Pos {
            line: lines.line(at),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        },
    ))
}

/// The bodies of `popm new`'s built-in templates: their `[...]` are the placeholders.
const TEMPLATES: [&str; 4] = [
    include_str!("../edit/templates/epic.md"),
    include_str!("../edit/templates/capability.md"),
    include_str!("../edit/templates/feature.md"),
    include_str!("../edit/templates/story.md"),
];

/// Every `[...]` of words the templates write ("[role]", "[a context]", ...), found once.
fn template_placeholders() -> &'static [&'static str] {
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static str> = Vec::new();
        for template in TEMPLATES {
            let mut rest = template;
            while let Some((offset, found)) = bracketed(rest) {
                if !all.contains(&found) {
                    all.push(found);
                }
                rest = &rest[offset + found.len()..];
            }
        }
        all
    })
}

/// The first `[...]` in `text` that starts with a letter and is not a checkbox, a link or a
/// reference: its byte offset and its text, brackets included.
fn bracketed(text: &str) -> Option<(usize, &str)> {
    const LONGEST: usize = 200;
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'[', &bytes[from..]).map(|i| from + i) {
        from = i + 1;
        let Some(len) = bytes[i + 1..]
            .iter()
            .take(LONGEST)
            .position(|b| matches!(b, b']' | b'[' | b'\n'))
        else {
            continue;
        };
        let close = i + 1 + len;
        if bytes[close] != b']' || matches!(bytes.get(close + 1), Some(b'(' | b'[' | b':')) {
            continue;
        }
        let words = text[i + 1..close].trim();
        if !words.chars().next().is_some_and(char::is_alphabetic) || words.eq_ignore_ascii_case("x")
        {
            continue;
        }
        return Some((i, &text[i..=close]));
    }
    None
}

/// The byte offset and text of the first placeholder of `popm new`'s templates in `text`. Only the
/// templates' own placeholders count: brackets are common in real prose (`[y/N]`, `[file]`).
pub(crate) fn find_placeholder(text: &str) -> Option<(usize, &str)> {
    let mut rest = text;
    let mut base = 0;
    while let Some((offset, found)) = bracketed(rest) {
        if template_placeholders().contains(&found) {
            return Some((base + offset, found));
        }
        base += offset + found.len();
        rest = &rest[offset + found.len()..];
    }
    None
}

/// A heading read: one of the same or a higher level ends the open section and opens the next; a
/// deeper one is part of it (e.g. "### Scenario 2" inside the acceptance criteria).
fn end_heading(
    level: HeadingLevel,
    line: u32,
    text: &str,
    current: &mut Option<Current>,
    out: &mut Body,
) {
    if let Some(c) = current.take() {
        if level > c.level {
            *current = Some(Current {
                has_content: true,
                ..c
            });
            return;
        }
        close(c, out);
    }
    *current = Some(Current {
        kind: section_kind(text),
        level,
        pos: Pos { line, column: 1 },
        has_content: false,
        criteria: Vec::new(),
    });
}

fn mark_content(current: &mut Option<Current>) {
    if let Some(c) = current.as_mut() {
        c.has_content = true;
    }
}

fn close(c: Current, out: &mut Body) {
    let section = Section {
        pos: c.pos,
        has_content: c.has_content,
    };
    // The first section of a kind wins; a repeated heading is usually a template left behind.
    match c.kind {
        Kind::AcceptanceCriteria if out.acceptance_criteria.is_none() => {
            out.acceptance_criteria = Some(AcceptanceCriteria {
                section,
                criteria: c.criteria,
            })
        }
        Kind::BenefitHypothesis if out.benefit_hypothesis.is_none() => {
            out.benefit_hypothesis = Some(section)
        }
        Kind::Hypothesis if out.hypothesis.is_none() => out.hypothesis = Some(section),
        _ => {}
    }
}

#[cfg(test)]
mod placeholder_tests {
    use super::find_placeholder;

    #[test]
    fn template_brackets_are_placeholders_and_markup_is_not() {
        assert_eq!(
            find_placeholder("As a [role], I want [an activity]"),
            Some((5, "[role]"))
        );
        assert_eq!(
            find_placeholder("- [ ] Given [a context], when"),
            Some((12, "[a context]"))
        );
        assert_eq!(find_placeholder("- [x] done"), None);
        // Brackets of real prose are not the templates' placeholders.
        assert_eq!(
            find_placeholder("export [file], answer [y/N], lists [a, b]"),
            None
        );
        assert_eq!(
            find_placeholder("For [customers] who [need]"),
            Some((4, "[customers]"))
        );
        assert_eq!(
            find_placeholder("see [role](https://x.y) and [role][1]"),
            None
        );
        assert_eq!(find_placeholder("[role]: https://x.y"), None);
        assert_eq!(find_placeholder("an unclosed [role"), None);
    }
}

#[cfg(test)]
mod deep_tests {
    use super::*;

    #[test]
    fn deep_nesting_is_blanked_not_recursed_into() {
        let body = format!(
            "## Acceptance criteria\n- [ ] works\n\n{} deep\n{}- x\n",
            ">".repeat(100_000),
            "  ".repeat(50_000)
        );
        let parsed = parse(&body, 6);
        assert_eq!(
            parsed.acceptance_criteria.map(|ac| ac.criteria.len()),
            Some(1)
        );
        assert_eq!(nesting("> > - 1. x"), 6);
        assert_eq!(nesting("    - x"), 3);
        assert_eq!(nesting("-x"), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each criterion as (line, checkbox, text).
    fn criteria(ac: &AcceptanceCriteria) -> Vec<(u32, Option<bool>, &str)> {
        ac.criteria
            .iter()
            .map(|c| (c.line, c.checked, c.text.as_str()))
            .collect()
    }

    #[test]
    fn finds_sections_and_criteria() {
        let body = "As a shopper, I want a cart so that I can buy.\n\n## Benefit hypothesis\nMore sales.\n\n## Acceptance Criteria:\n- [ ] Given a cart, when I add, then it grows\n- [x] Second\n  - a detail, not a criterion\n- plain bullet\n\n### Scenario 2\ntext\n\n## Notes\n- not a criterion\n";
        let b = parse(body, 10);
        assert_eq!(
            b.first_paragraph,
            Some(Spanned::new(
                "As a shopper, I want a cart so that I can buy.".into(),
                Pos {
                    line: 10,
                    column: 1
                }
            ))
        );
        let bh = b.benefit_hypothesis.unwrap();
        assert_eq!((bh.pos.line, bh.has_content), (12, true));
        let ac = b.acceptance_criteria.unwrap();
        assert_eq!(ac.section.pos.line, 15);
        assert_eq!(
            criteria(&ac),
            [
                (16, Some(false), "Given a cart, when I add, then it grows"),
                (17, Some(true), "Second"),
                (19, None, "plain bullet"),
            ]
        );
        assert_eq!(ac.progress(), (1, 3));
        assert!(b.hypothesis.is_none());
    }

    #[test]
    fn empty_section_has_no_content() {
        let b = parse("# Hypothesis\n\n# Other\ntext\n", 1);
        assert_eq!(
            b.hypothesis,
            Some(Section {
                pos: Pos { line: 1, column: 1 },
                has_content: false
            })
        );
    }

    #[test]
    fn fence_inside_code_block_is_content() {
        let b = parse("## Acceptance criteria\n```\n---\n```\n", 5);
        let ac = b.acceptance_criteria.unwrap();
        assert!(ac.section.has_content);
        assert!(ac.criteria.is_empty());
    }

    /// The parts-and-skips reading must find exactly what a whole reading finds.
    fn same_as_whole(body: &str) {
        assert_eq!(parse(body, 7), parse_whole(body, 7), "differ on {body:?}");
    }

    #[test]
    fn skipping_agrees_with_whole_reading_on_fixtures_and_shared_corpus() {
        let mut bodies = 0;
        crate::parse::each_fixture_split(|split| {
            same_as_whole(split.body);
            bodies += 1;
        });
        assert!(bodies > 100, "{bodies}");
    }

    /// Parts the plain reader takes are read as the parser reads them; the others it leaves.
    #[test]
    fn plain_parts_are_read_line_by_line_and_others_left_to_the_parser() {
        let body = "As a user, I want\nit now.  \n\nMore.\n\n## Acceptance criteria:\n\
                    - [ ] Given a cart, when I pay, then it empties\n- [X] Done\n- loose words\n\n\
                    ### Scenario 2\nWords\n";
        let mut state = State::default();
        for part in parts(body).unwrap() {
            assert!(
                read_plain(&part, 7 + part.line, &mut state),
                "{:?}",
                part.text
            );
        }
        assert_eq!(state.finish(), parse_whole(body, 7));
        let read = parse(body, 7);
        assert_eq!(
            read.first_paragraph.map(|p| (p.value, p.pos.line)),
            Some(("As a user, I want it now.".to_string(), 7))
        );
        assert_eq!(
            criteria(&read.acceptance_criteria.unwrap()),
            [
                (13, Some(false), "Given a cart, when I pay, then it empties"),
                (14, Some(true), "Done"),
                (15, None, "loose words"),
            ]
        );
        for body in [
            "Words *em*\n",
            "A line\n---\n",
            "Words\n- interrupts\n",
            "- a\n\n- loose\n",
            "- a\nlazy\n",
            "- [ ] Given [a context], when\n",
            "- [-] other\n",
            "  indented\n",
            "## Notes ##\nx\n",
            "Tab\there\n",
        ] {
            let part = &parts(body).unwrap()[0];
            assert!(!read_plain(part, 1, &mut State::default()), "{body:?}");
            same_as_whole(body);
        }
    }

    #[test]
    fn a_plain_section_after_the_first_paragraph_is_passed_over() {
        let body = "As a user, I want it.\n\n## Notes\nSome words here.\nMore words.\n\n## Acceptance criteria\n- [ ] one\n";
        let mut state = State::default();
        let cut = parts(body).unwrap();
        assert_eq!(cut.len(), 3);
        read(cut[0].text, 1, &mut state);
        assert!(skip(&cut[1], &mut state));
        assert!(!skip(&cut[2], &mut state));
        same_as_whole(body);
        // Not passed over: before the first paragraph, a list of checkboxes (a list of words is
        // passed over), a setext underline, a nested heading.
        for body in [
            "## Notes\nfirst paragraph\n",
            "x\n\n## Notes\n- [ ] item\n",
            "x\n\n## Notes\nAcceptance criteria\n---\n- [ ] a\n",
            "x\n\n## Acceptance criteria\n- [ ] a\n### Notes\nwords\n",
        ] {
            let mut state = State::default();
            for part in parts(body).unwrap() {
                assert!(!skip(&part, &mut state), "{body:?}");
                read(part.text, 1, &mut state);
            }
            same_as_whole(body);
        }
    }

    /// A body as Backlog.md writes it (`popm import backlog-md` keeps it): section markers in
    /// HTML comments, a numbered plan. It is cut at its headings instead of read whole, its plan
    /// and notes are passed over, and it reads as the whole reading does.
    #[test]
    fn backlog_md_bodies_are_cut_and_their_plain_sections_passed_over() {
        let body = "## Description\n\n<!-- SECTION:DESCRIPTION:BEGIN -->\nThe cart service retries forever.\n\
                    <!-- SECTION:DESCRIPTION:END -->\n\n## Acceptance Criteria\n<!-- AC:BEGIN -->\n\
                    - [x] The checkout path is covered\n- [ ] The payment path is covered\n<!-- AC:END -->\n\n\
                    ## Implementation Plan\n\n<!-- SECTION:PLAN:BEGIN -->\n1. Read the code\n2. Write the test\n\
                    <!-- SECTION:PLAN:END -->\n\n## Implementation Notes\n\n<!-- SECTION:NOTES:BEGIN -->\n\
                    Done in small steps.\n<!-- SECTION:NOTES:END -->\n";
        let cut = parts(body).expect("a Backlog.md body was read whole");
        assert_eq!(cut.len(), 4);
        let mut state = State::default();
        let skipped: Vec<bool> = cut
            .iter()
            .map(|part| {
                let skipped = skip(part, &mut state);
                if !skipped {
                    read(part.text, 1, &mut state);
                }
                skipped
            })
            .collect();
        assert_eq!(skipped, [false, false, true, true]);
        same_as_whole(body);
        let read = parse(body, 7);
        assert_eq!(
            read.first_paragraph.map(|p| (p.value, p.pos.line)),
            Some(("The cart service retries forever.".to_string(), 10))
        );
        let ac = read.acceptance_criteria.unwrap();
        assert_eq!((ac.section.pos.line, ac.progress()), (13, (1, 2)));
        // Read whole, as before: a comment left open, and other HTML (a blank line ends it, not a
        // heading).
        assert!(parts("<!-- open\n## Notes\n-->\n").is_none());
        assert!(parts("x\n<details>\n## Notes\n").is_none());
        // Not words: a heading, a quote or a checkbox after the list marker.
        for line in [
            "1. # Notes",
            "- > quote",
            "- [ ] box",
            "-x",
            "1.x",
            "1234567890. x",
        ] {
            assert!(!list_item_of_words(line.as_bytes()), "{line}");
        }
    }

    proptest::proptest! {
        #[test]
        fn skipping_agrees_with_whole_reading_on_generated_bodies(
            lines in proptest::collection::vec(
                proptest::sample::select(vec![
                    "", "As a user, I want x.", "Plain words here.", "# Notes", "## Notes",
                    "### Notes", "## Acceptance criteria", "### Acceptance criteria",
                    "# Acceptance Criteria:", "## Benefit hypothesis", "## Hypothesis",
                    "- [ ] Given a, when b, then c", "- [x] done", "* [ ] star", "1. [ ] numbered",
                    "  - nested", "> quoted", "> ## Acceptance criteria", "```", "~~~", "````",
                    "    indented code", "---", "===", "Acceptance criteria", "<div>", "</div>",
                    "[ref]: http://example.com", "see [ref]", "## `Acceptance criteria`",
                    "##Notes", "#### Deep", "## Notes ##", "\tTabbed", "- ## Acceptance criteria",
                    "Words\r", "## Notes\r",
                    "<!-- SECTION:NOTES:BEGIN -->", "<!-- AC:END -->", "  <!-- x -->", "<!-- open",
                    "-->", "<!-->", "<!-- a --> b", "1. Read the code", "2) Write it", "- a note",
                    "* star words", "1.  Two spaces", "-     five", "10. ten", "1. # Notes",
                    "- > quoted", "1.Word", "   - indented words",
                    // Lines the plain reader takes, and near misses it must leave to the parser.
                    "Words *em* here", "a `code` b", "x &amp; y", "a\\", "Two spaces  ",
                    "- [ ] Given [a context], when", "- [X] upper", "- [ ]", "- [ ] ", "- [ ]  two",
                    "-  two", "- [x]x", "- [-] other", "- 1 digit", "Words <b>", "x_y_z", "  ",
                    "- [ ] Given *x*", "Then a\u{a0}", "Then\u{3000}", "- [ ] é", "é words",
                    "Words #not a heading", "## Acceptance criteria ##", "##  Notes  ", "#",
                    "## Acceptance  criteria:", "- text", "- Text\u{0}", "Text\u{7f}",
                ]),
                0..14,
            )
        ) {
            same_as_whole(&lines.join("\n"));
        }
    }
}
