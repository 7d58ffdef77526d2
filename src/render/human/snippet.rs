//! One finding with its source line, written straight into the output: byte for byte what
//! annotate-snippets' plain renderer prints for popm's shape of report (a title with the rule, one
//! line of source with one primary annotation and no label, an optional help), for the common
//! case only. annotate-snippets lays every finding out on a grid of styled characters, about
//! 55 000 instructions a finding; 20 000 findings (an imported backlog without parents) took most
//! of `popm check`'s time. Anything this does not lay out (colour, a character that is not
//! printable ASCII on the source line, a message, help or path that annotate-snippets would
//! rewrite, a span so wide that annotate-snippets cuts its middle) is declined, and the caller
//! renders it with annotate-snippets. Tests hold the two to the same bytes.

use crate::diagnostic::Severity;

/// The terminal width annotate-snippets assumes unless told otherwise (popm never tells it).
const TERM_WIDTH: usize = 140;
/// Room kept around a span when the line has to be cut, as annotate-snippets keeps it.
const PASSING: usize = 6;
/// Leading blanks beyond this many are cut, keeping a few.
const LONG_BLANKS: usize = 20;
const BLANKS_KEPT: usize = 4;
/// What stands for the text cut off at either end of a line.
const CUT: &[u8] = b"...";

/// One finding in the plain layout.
pub(super) struct Finding<'a> {
    pub severity: Severity,
    pub rule: &'a str,
    pub message: &'a str,
    pub path: &'a str,
    /// 1-based.
    pub line_number: u32,
    /// The source line as shown (already made safe).
    pub line: &'a str,
    /// The underlined bytes of `line`; an empty span is underlined as one column.
    pub span: std::ops::Range<usize>,
    pub help: Option<&'a str>,
}

/// A line reused from one finding to the next.
#[derive(Default)]
pub(super) struct Scratch(Vec<u8>);

/// Appends `finding` to `out` (no line break after it) and says true, or says false and leaves
/// `out` alone when annotate-snippets must lay it out.
pub(super) fn plain(out: &mut String, scratch: &mut Scratch, finding: &Finding<'_>) -> bool {
    use std::fmt::Write;
    let line = finding.line.as_bytes();
    let number = finding.line_number as usize;
    let (start, end) = match finding.span {
        ref s if s.start == s.end => (s.start, s.start + 1),
        ref s => (s.start, s.end),
    };
    let digits = number.checked_ilog10().map_or(1, |d| d as usize + 1);
    let code_at = digits + 3;
    let width = TERM_WIDTH.saturating_sub(code_at);
    if number == 0
        || start > end
        || end > line.len() + 1
        || end - start > 2 * width
        || !printable(line)
        || !kept_as_is(finding.message)
        || !kept_as_is(finding.path)
        || !finding.help.is_none_or(kept_as_is)
    {
        return false;
    }
    let (left, right, cut_left) = window(line, start, end, width);

    let level = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let gutter = |out: &mut String| out.extend(std::iter::repeat_n(' ', digits));
    out.push_str(level);
    out.push('[');
    out.push_str(finding.rule);
    out.push_str("]: ");
    out.push_str(finding.message);
    out.push('\n');
    gutter(out);
    let _ = writeln!(out, "--> {}:{number}:{}", finding.path, start + 1);
    gutter(out);
    out.push_str(" |\n");

    // The source line is laid out as annotate-snippets lays it out: the text, then what stands for
    // cut text written over its ends.
    let code = &line[left..right];
    let row = &mut scratch.0;
    row.clear();
    let hidden = if cut_left {
        put(row, 0, CUT);
        code.len().min(CUT.len())
    } else {
        0
    };
    put(row, hidden, &code[hidden..]);
    if line.len() > right {
        put(row, code.len() - code.len().min(CUT.len()), CUT);
    }
    let _ = write!(out, "{number} |");
    if !row.is_empty() {
        out.push(' ');
        // Only printable ASCII was put into the row.
        out.push_str(std::str::from_utf8(row).unwrap_or_default());
    }
    out.push('\n');
    // The window starts at or before the span (`left <= start`), so its carets are one run.
    gutter(out);
    out.push_str(" |");
    out.extend(std::iter::repeat_n(' ', 1 + start - left));
    out.extend(std::iter::repeat_n('^', end - start));
    if let Some(help) = finding.help {
        out.push('\n');
        gutter(out);
        out.push_str(" |\n");
        gutter(out);
        out.push_str(" = help: ");
        out.push_str(help);
    }
    true
}

/// Is every byte printable ASCII (one column wide, and left alone by annotate-snippets)? Bytes
/// are tested a block at a time, without a branch per byte.
fn printable(bytes: &[u8]) -> bool {
    bytes.chunks(64).all(|block| {
        block
            .iter()
            .fold(true, |all, &b| all & (b' '..=b'~').contains(&b))
    })
}

/// Text annotate-snippets prints unchanged on one line: no line break, tab, control or invisible
/// character (it replaces those, and the zero-width joiner [`crate::render::safe`] keeps inside an
/// emoji, with visible forms; popm shows them itself before they get there).
fn kept_as_is(text: &str) -> bool {
    printable(text.as_bytes()) || !text.chars().any(crate::render::safe::is_unsafe)
}

/// Which columns of the line are shown, `left..right`, and whether text before `left` was cut:
/// annotate-snippets' margin for one line whose every character is one column wide, the span
/// `start..end` and no label. The window keeps the span in view within `width` columns: first by
/// dropping a long run of leading blanks, then by centring the span.
fn window(line: &[u8], start: usize, end: usize, width: usize) -> (usize, usize, bool) {
    let len = line.len();
    let blanks = line.iter().take_while(|&&b| b == b' ').count();
    // A line of blanks only has no margin to drop.
    let blanks = if blanks == len { 0 } else { blanks };
    let blanks = blanks.min(start).saturating_sub(PASSING);
    let span_left = start.saturating_sub(PASSING);
    let span_right = end + PASSING;
    let mut from = if blanks > LONG_BLANKS {
        blanks - (LONG_BLANKS - BLANKS_KEPT)
    } else {
        0
    };
    let mut to = len.max(from);
    if to - from > width {
        if span_right.saturating_sub(blanks) <= width && span_right >= blanks {
            from = blanks;
            to = from + width;
        } else if span_right - span_left <= width {
            from = span_left.saturating_sub((width - (span_right - span_left)) / 2);
            to = from + width;
        } else {
            from = span_left;
            to = span_right;
        }
    }
    let left = from.min(len);
    let right = if len.saturating_sub(from) <= width {
        len
    } else {
        len.min(to)
    };
    (left, right.max(left), from > 0)
}

/// Writes `text` into a line at `column`, padding with blanks up to it, over what was there.
fn put(row: &mut Vec<u8>, column: usize, text: &[u8]) {
    if text.is_empty() {
        return;
    }
    if row.len() < column + text.len() {
        row.resize(column + text.len(), b' ');
    }
    row[column..column + text.len()].copy_from_slice(text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

    /// What annotate-snippets' plain renderer prints for the same finding.
    fn by_annotate_snippets(f: &Finding<'_>) -> String {
        let level = match f.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group = level.primary_title(f.message).id(f.rule).element(
            Snippet::source(f.line)
                .line_start(f.line_number as usize)
                .path(f.path)
                .annotation(AnnotationKind::Primary.span(f.span.clone())),
        );
        if let Some(help) = f.help {
            group = group.element(Level::HELP.message(help));
        }
        let report: [Group; 1] = [group];
        Renderer::plain().render(&report)
    }

    fn finding<'a>(line: &'a str, line_number: u32, span: std::ops::Range<usize>) -> Finding<'a> {
        Finding {
            severity: Severity::Warning,
            rule: "user-voice",
            message: "the story does not open with its user voice",
            path: "backlog/S-1.md",
            line_number,
            line,
            span,
            help: Some("start the body with \"As a <role>\""),
        }
    }

    fn written(f: &Finding<'_>) -> Option<String> {
        let mut out = String::new();
        plain(&mut out, &mut Scratch::default(), f).then_some(out)
    }

    #[test]
    fn a_long_line_is_cut_as_annotate_snippets_cuts_it() {
        let line = format!("{}{}", "    ", "word ".repeat(60));
        for (number, span) in [(15, 4..5), (1, 0..0), (9, 200..204), (123, 304..304)] {
            let f = finding(&line, number, span);
            assert_eq!(written(&f).unwrap(), by_annotate_snippets(&f));
        }
        let f = finding(&line, 15, 4..5);
        let text = written(&f).unwrap();
        let expected_code = format!("15 |     {}...", &"word ".repeat(27)[..128]);
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            [
                "warning[user-voice]: the story does not open with its user voice",
                "  --> backlog/S-1.md:15:5",
                "   |",
                expected_code.as_str(),
                "   |     ^",
                "   |",
                "   = help: start the body with \"As a <role>\"",
            ]
        );
    }

    #[test]
    fn what_it_does_not_lay_out_is_declined() {
        let wide = "x".repeat(400);
        assert_eq!(
            written(&finding(&wide, 3, 0..300)),
            None,
            "a span cut in its middle"
        );
        assert_eq!(written(&finding("título", 3, 0..1)), None, "not ASCII");
        assert_eq!(written(&finding("x", 0, 0..1)), None, "line 0");
        let mut f = finding("---", 1, 0..3);
        f.help = Some("two\nlines");
        assert_eq!(written(&f), None);
        f.help = None;
        f.message = "a\tb";
        assert_eq!(written(&f), None);
        f.message = "ok é";
        assert_eq!(written(&f).unwrap(), by_annotate_snippets(&f));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn plain_findings_agree_with_annotate_snippets(
            blanks in 0usize..80,
            text in "[a-z #\\[.~-]{0,320}",
            line_number in proptest::sample::select(vec![1u32, 7, 9, 10, 99, 100, 12_345]),
            at in 0usize..400,
            width in 0usize..300,
            error: bool,
            help in proptest::option::of("[a-z `é]{0,40}"),
            message in "[a-z `'é\u{1f600}]{0,40}",
        ) {
            let line = format!("{}{text}", " ".repeat(blanks));
            let start = at.min(line.len());
            let end = (start + width).min(line.len());
            let mut f = finding(&line, line_number, start..end);
            f.severity = if error { Severity::Error } else { Severity::Warning };
            f.help = help.as_deref();
            f.message = &message;
            if let Some(text) = written(&f) {
                proptest::prop_assert_eq!(text, by_annotate_snippets(&f));
            } else {
                proptest::prop_assert!(end - start > 2 * 130, "declined {:?}", f.span);
            }
        }
    }
}
