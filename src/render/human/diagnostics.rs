//! Findings for people: rustc-style, each with its source line underlined and its help, then the
//! summary line.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use rayon::prelude::*;
use std::borrow::Cow;

use crate::diagnostic::{Diagnostic, Severity, Summary};
use crate::render::{BOLD, GREEN, RED, YELLOW, paint, plural, safe, safe_multiline};
use crate::source::Texts;

use super::snippet;

/// Findings laid out by one task of the thread pool.
const BLOCK: usize = 256;

/// rustc-style: a header, the offending line with an underline, and a help line.
pub fn diagnostics(diagnostics: &[Diagnostic], texts: &Texts, color: bool) -> String {
    if diagnostics.len() <= BLOCK {
        return laid_out(diagnostics, texts, color);
    }
    // Blocks of findings are laid out in parallel and joined in order: a warm run reads the text
    // of each file it quotes here, and thousands of findings are laid out.
    let blocks: Vec<String> = diagnostics
        .par_chunks(BLOCK)
        .map(|block| laid_out(block, texts, color))
        .collect();
    // With room for the summary line the caller adds, so that a large output is not copied again.
    let mut out = String::with_capacity(blocks.iter().map(String::len).sum::<usize>() + 256);
    for block in &blocks {
        out.push_str(block);
    }
    out
}

/// [`diagnostics`] of one block, in order.
fn laid_out(diagnostics: &[Diagnostic], texts: &Texts, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let mut scratch = snippet::Scratch::default();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let line_text = texts
            .get(&d.path)
            .and_then(|text| text.lines().nth((d.line as usize).saturating_sub(1)))
            .map(|l| l.trim_start_matches('\u{feff}').trim_end_matches('\r'));
        let message = safe_multiline(&d.message);
        let path = safe(&d.path);
        let help = d.help.as_deref().map(safe_multiline);
        let title = level.primary_title(message.as_ref()).id(d.rule.name());
        let mut group = match line_text {
            Some(line) => {
                let first = (d.column as usize).saturating_sub(1);
                let last = (d.column as usize + d.width as usize).saturating_sub(1);
                let (line, start, end) = snippet_line(line, first, last);
                let span = if start == end && start < line.len() {
                    start..start + line[start..].chars().next().map_or(1, char::len_utf8)
                } else {
                    start..end
                };
                let finding = snippet::Finding {
                    severity: d.severity,
                    rule: d.rule.name(),
                    message: &message,
                    path: &path,
                    line_number: d.line,
                    line: &line,
                    span: span.clone(),
                    help: help.as_deref(),
                };
                if !color && snippet::plain(&mut out, &mut scratch, &finding) {
                    out.push_str("\n\n");
                    continue;
                }
                title.element(
                    Snippet::source(line)
                        .line_start(d.line as usize)
                        .path(path.as_ref())
                        .annotation(AnnotationKind::Primary.span(span)),
                )
            }
            None => title.element(
                Origin::path(path.as_ref())
                    .line(d.line as usize)
                    .char_column(d.column as usize),
            ),
        };
        if let Some(help) = &help {
            group = group.element(Level::HELP.message(help.as_ref()));
        }
        let report: [Group; 1] = [group];
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out
}

/// The source line as shown (every control and invisible character in a visible form, a tab as a
/// space), and the byte offsets in it of the `first`-th and `last`-th characters of the original
/// line (clamped to its end), so the underline still sits under the same characters.
fn snippet_line(line: &str, first: usize, last: usize) -> (Cow<'_, str>, usize, usize) {
    // Nearly every line is shown as it is: the offsets are then its own, found without a table.
    if let Cow::Borrowed(shown) = safe(line) {
        let at = |n: usize| match shown.is_ascii() {
            true => n.min(shown.len()),
            false => shown
                .char_indices()
                .nth(n)
                .map_or(shown.len(), |(at, _)| at),
        };
        let (start, end) = (at(first), at(last));
        return (Cow::Borrowed(shown), start, end.max(start));
    }
    let (shown, offsets) = crate::render::safe::safe_offsets(line);
    let at = |n: usize| offsets.get(n).or(offsets.last()).copied().unwrap_or(0);
    let (start, end) = (at(first), at(last));
    (shown, start, end.max(start))
}

/// The closing line of a human report.
pub fn summary_line(summary: &Summary, color: bool) -> String {
    let items = plural(summary.items, "item", "items");
    if summary.errors == 0 && summary.warnings == 0 {
        return format!(
            "{} {items} checked, no problems found",
            paint("ok:", GREEN, color)
        );
    }
    let mut parts = Vec::new();
    if summary.errors > 0 {
        parts.push(paint(
            &plural(summary.errors, "error", "errors"),
            RED,
            color,
        ));
    }
    if summary.warnings > 0 {
        parts.push(paint(
            &plural(summary.warnings, "warning", "warnings"),
            YELLOW,
            color,
        ));
    }
    format!(
        "{} {} in {items}",
        paint("found", BOLD, color),
        parts.join(" and ")
    )
}

/// One line for the errors `check --pre-commit` (`by_commit`) or `check --since` set aside (the
/// committed version or the merge base has them too, in files the commit or branch does not
/// touch): they do not block the commit or count against the branch, and are not forgotten either.
pub fn untouched_errors(set_aside: &[Diagnostic], by_commit: bool, color: bool) -> Option<String> {
    let errors: Vec<&Diagnostic> = set_aside
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        return None;
    }
    let files: std::collections::HashSet<&str> = errors.iter().map(|d| d.path.as_str()).collect();
    Some(format!(
        "{} {} in {} {}, not {} (`popm check` lists {})",
        paint("note:", BOLD, color),
        plural(errors.len(), "error", "errors"),
        plural(files.len(), "file", "files"),
        if by_commit {
            "this commit does not touch"
        } else {
            "the branch does not touch"
        },
        if by_commit { "blocking it" } else { "counted" },
        if errors.len() == 1 { "it" } else { "them" }
    ))
}

/// The one line about references to other backlogs (`rail:F-12`), which one repository cannot
/// resolve: how many, to which backlogs, and the command that resolves them.
pub fn foreign_references(
    count: usize,
    backlogs: &std::collections::BTreeSet<String>,
) -> Option<String> {
    if count == 0 {
        return None;
    }
    let names: Vec<&str> = backlogs.iter().map(String::as_str).collect();
    Some(format!(
        "note: {} to other backlogs ({}) not resolved here: `popm portfolio check` resolves them",
        super::super::plural(count, "reference", "references"),
        names.join(", ")
    ))
}
