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
        let newlines = body
            .bytes()
            .enumerate()
            .filter_map(|(i, b)| (b == b'\n').then_some(i))
            .collect();
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

pub fn parse(body: &str, first_line: u32) -> Body {
    let body = flatten_deep(body);
    let body = body.as_ref();
    let lines = Lines::new(body, first_line);
    let mut out = Body::default();
    let mut current: Option<Current> = None;
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
                    let Some((level, offset, text)) = heading.take() else {
                        continue;
                    };
                    // A heading of the same or a higher level ends the open section; a deeper one is
                    // part of it (e.g. "### Scenario 2" inside the acceptance criteria).
                    if let Some(c) = current.take() {
                        if level > c.level {
                            current = Some(Current {
                                has_content: true,
                                ..c
                            });
                            continue;
                        }
                        close(c, &mut out);
                    }
                    current = Some(Current {
                        kind: section_kind(&text),
                        level,
                        pos: Pos {
                            line: lines.line(offset),
                            column: 1,
                        },
                        has_content: false,
                        criteria: Vec::new(),
                    });
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
                mark_content(&mut current);
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
                mark_content(&mut current);
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
                mark_content(&mut current);
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
                mark_content(&mut current);
            }
            _ => {}
        }
    }
    if let Some(c) = current.take() {
        close(c, &mut out);
    }
    out
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
        let got: Vec<_> = ac
            .criteria
            .iter()
            .map(|c| (c.line, c.checked, c.text.as_str()))
            .collect();
        assert_eq!(
            got,
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
}
