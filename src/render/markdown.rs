//! GitHub-flavoured markdown, for CI job summaries and pull request comments.
//!
//! Text from item files lands in a page that GitHub renders for others, so it must render as the
//! text it is, never as markup: a title must not become a link, an image (a tracking pixel loaded
//! by everyone who opens the pull request), raw HTML, a mention that notifies someone, math, a table
//! break or the end of a code block. Every markdown output builds its text with [`text`] (or
//! [`cell`], [`code`] and [`code_block`]), the one place that knows how.

use crate::render::safe;
use crate::render::schema::RankedRecord;
use crate::report::ranking::Ranked;

/// Text for a markdown line (a table cell, a heading, a list item, a paragraph): line breaks
/// folded into spaces, control and invisible characters shown ([`safe`](crate::render::safe)), every
/// character that could start markup escaped with a backslash (which shows any ASCII punctuation
/// as it is), and `@name` written as `` `@`name ``.
///
/// Escaped everywhere: `\` `` ` `` `*` `[` `]` `<` `|` `~` `$` (escapes, code, emphasis, links and
/// images, HTML and autolinks, table cells, strikethrough, math). Escaped only where they act, so
/// that popm's own `->` and `job_size` stay readable: `_` unless between letters or digits
/// (intraword `_` is not emphasis), `&` when it starts an entity (`&#64;`), `>` and `#` first on
/// the line (a quote, a heading) and `#` last (a heading's closing sequence). `!` needs the `[`
/// after it, which is escaped.
///
/// A mention cannot be escaped: GitHub finds `@name` in the rendered text, after backslashes are
/// gone. It skips code, so the `@` goes into a code span of its own; it still shows as `@`, set
/// as code, where an invisible character between `@` and the name would be the kind of hidden
/// text popm shows everywhere else. Issue and pull request references are found the same way
/// (`#12`, `owner/repo#12`, `GH-12`), and each one links and notes the comment in that issue's
/// timeline, so `#` before a digit and `GH-` before a digit go into code spans too.
pub fn text(value: &str) -> String {
    let shown = safe(&value.replace(['\r', '\n'], " ")).into_owned();
    let chars: Vec<char> = shown.chars().collect();
    let first = chars.iter().position(|c| *c != ' ');
    let last = chars.iter().rposition(|c| *c != ' ');
    let mut out = String::with_capacity(shown.len() + 8);
    let mut next = 0;
    while let Some(&c) = chars.get(next) {
        let i = next;
        next += 1;
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        if is_gh_reference(&chars[i..]) {
            out.push('`');
            out.extend(&chars[i..i + 3]);
            out.push('`');
            next = i + 3;
            continue;
        }
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '|' | '~' | '$' => true,
            '_' => {
                !(before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric))
            }
            '&' => starts_entity(&chars[i + 1..]),
            '>' => Some(i) == first,
            '@' if after.is_some_and(|a| a.is_ascii_alphanumeric()) => {
                out.push_str("`@`");
                continue;
            }
            '#' if after.is_some_and(|a| a.is_ascii_digit()) => {
                out.push_str("`#`");
                continue;
            }
            '#' => Some(i) == first || (Some(i) == last && before == Some(' ')),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `chars` start with `GH-` (any case) and a digit: a reference GitHub links to an issue.
fn is_gh_reference(chars: &[char]) -> bool {
    matches!(chars, [g, h, '-', d, ..]
        if g.eq_ignore_ascii_case(&'g') && h.eq_ignore_ascii_case(&'h') && d.is_ascii_digit())
}

/// Whether the characters after a `&` make an entity reference: `#` and digits, `#x` and hex
/// digits, or a name, then `;`.
fn starts_entity(rest: &[char]) -> bool {
    let body = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#');
    let n = body.count();
    n > 0 && rest.get(n) == Some(&';')
}

/// A table cell: [`text`] (which escapes `|` too).
pub fn cell(value: &str) -> String {
    text(value)
}

/// The longest run of backticks in `text`.
fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// An inline code span holding `value` as it is (one line, controls and invisible characters
/// shown): its fence is longer than any run of backticks inside, so the value cannot close it,
/// and nothing inside a code span is markup. Not for table cells (a `|` would still split them).
pub fn code(value: &str) -> String {
    let shown = safe(&value.replace(['\r', '\n'], " ")).into_owned();
    let fence = "`".repeat(longest_backtick_run(&shown) + 1);
    // A space on each side, which the renderer removes, lets a value start or end with a backtick.
    if shown.starts_with('`') || shown.ends_with('`') {
        format!("{fence} {shown} {fence}")
    } else {
        format!("{fence}{shown}{fence}")
    }
}

/// A fenced code block holding `text` (lines kept, controls and invisible characters shown): the
/// fence is longer than any run of backticks in the text, so no line of it can close the block.
pub fn code_block(info: &str, text: &str) -> String {
    let shown = safe::safe_multiline(text);
    let fence = "`".repeat((longest_backtick_run(&shown) + 1).max(3));
    let mut out = format!("{fence}{info}\n{shown}");
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&fence);
    out.push('\n');
    out
}

pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let header: Vec<String> = header.iter().map(|h| cell(h)).collect();
    let mut out = format!("| {} |\n", header.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// `popm backlog --format markdown`: the table's columns as a markdown table.
pub fn ranking(ranked: &[Ranked], records: &[RankedRecord], points: bool) -> String {
    let (header, cells) = super::table::ranking_cells(ranked, records, points);
    table(header, &cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_shown_literally() {
        assert_eq!(
            text(
                "![p](https://t.example/p.png) [a](b) <img src=x> **b** _i_ ~~s~~ `c` $x$ &#64; | \\"
            ),
            r"!\[p\](https://t.example/p.png) \[a\](b) \<img src=x> \*\*b\*\* \_i\_ \~\~s\~\~ \`c\` \$x\$ \&`#`64; \| \\"
        );
        assert_eq!(text("> quote"), r"\> quote");
        assert_eq!(text("# heading #"), r"\# heading \#");
        // popm's own text, and ordinary titles, stay as they are.
        for plain in [
            "PI-2027.1: 8/40 (20 %)",
            "3.20 -> 16.00",
            "job_size 5 -> 1",
            "rank 2 -> 1 (up 1)",
            "R&D budget",
            "Wow! A title",
        ] {
            assert_eq!(text(plain), plain);
        }
    }

    #[test]
    fn mentions_are_broken_visibly() {
        assert_eq!(
            text("ping @octocat and @org/team, mail a@b.io; @ alone"),
            "ping `@`octocat and `@`org/team, mail a`@`b.io; @ alone"
        );
    }

    /// Issue and pull request references link, and leave a note in that issue's timeline: `#`
    /// and `GH-` before a digit are set as code, like the `@` of a mention.
    #[test]
    fn issue_references_are_broken_visibly() {
        assert_eq!(
            text("fixes #12, octo/repo#3 and GH-7 (gh-8); C# and #tag stay"),
            "fixes `#`12, octo/repo`#`3 and `GH-`7 (`gh-`8); C# and #tag stay"
        );
        assert_eq!(text("#1 first"), "`#`1 first");
        assert_eq!(text("GH-"), "GH-");
    }

    #[test]
    fn controls_invisibles_and_line_breaks() {
        assert_eq!(text("a\nb\u{200b}\x1b[31m"), r"a b\\u{200b}\\x1b\[31m");
    }

    /// A markdown parser (pulldown-cmark, with GitHub's extensions) reads a hostile title back as
    /// plain text: no link, image, HTML, emphasis, math or extra cell; `@` only as code.
    #[test]
    fn a_renderer_reads_the_text_back() {
        use pulldown_cmark::{Event, Options, Parser, Tag};
        let title = "Reset ![p](https://t.example/p.png) [click](https://evil.example) @octocat \
                     <img src=x onerror=alert(1)> **bold** | pipe _x_ ~~s~~ `code` $x$ &#64;me # h \\ [^1] <!-- c --> \
                     #12 o/r#3 GH-4";
        let md = table(&["TITLE"], &[vec![title.to_string()]]);
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_MATH
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_TASKLISTS;
        let mut read = String::new();
        for event in Parser::new_ext(&md, options) {
            match event {
                Event::Text(t) => read.push_str(&t),
                Event::Code(c) if ["@", "#", "GH-"].contains(&&*c) => read.push_str(&c),
                Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell)
                | Event::End(_) => {}
                other => panic!("markup from the value: {other:?}"),
            }
        }
        assert_eq!(read, format!("TITLE{title}"));
    }

    #[test]
    fn code_cannot_be_closed_by_its_value() {
        assert_eq!(code("main"), "`main`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(
            code_block("text", "a\n```\n# not a heading\n"),
            "````text\na\n```\n# not a heading\n````\n"
        );
        assert_eq!(code_block("text", "plain"), "```text\nplain\n```\n");
    }
}
