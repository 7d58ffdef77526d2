//! Terminal safety: text from item files (titles, ids, teams, statuses, paths, messages quoting them)
//! must never drive the terminal or the CI log that shows popm's output, nor hide in it. A control
//! or invisible character in a value is shown, not obeyed: ESC becomes `\x1b`, U+009B (the one-byte
//! CSI) `\u{9b}`, a right-to-left override `\u{202e}`, a zero-width space `\u{200b}`.
//!
//! Two layers. Every renderer passes the values it prints through [`safe`] (or [`safe_multiline`] for
//! text that may span lines), so a value stays one readable line whatever it holds. And everything
//! written to stdout or stderr passes through [`output`], which lets through only line breaks, tabs
//! and, when colour is on, popm's own SGR colour codes, so a value a renderer forgot cannot reach the
//! terminal either.
//!
//! The same layers keep values from becoming GitHub Actions workflow commands, which the runner
//! reads from every line a job prints: `::command::` at the start of a line (after blanks), and the
//! older `##[command]` anywhere in a line. The second `#` of `##[` is shown as `\x23` in every value,
//! and [`output`] shows the first `:` of a line that starts with `::` as `\x3a`. Only `--format
//! github` writes workflow commands on purpose, through [`output_commands`].

use std::borrow::Cow;

/// Would this character do something on a terminal, reorder the text around it, or hide in it?
/// [`is_control`] and [`is_invisible`].
pub fn is_unsafe(c: char) -> bool {
    // Nearly all text is ASCII, where only C0 and DEL are unsafe.
    if c.is_ascii() {
        return c < ' ' || c == '\x7f';
    }
    is_control(c) || is_invisible(c)
}

/// C0 controls, DEL, C1 controls (U+009B is a CSI on many terminals), the bidirectional marks,
/// overrides and isolates (the "Trojan Source" characters), and the line and paragraph separators.
pub fn is_control(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
    )
}

/// Characters that show nothing (or next to nothing) yet make two texts differ, so `F-1` followed
/// by one looks like `F-1`: Unicode's default-ignorable code points (soft hyphen U+00AD, combining
/// grapheme joiner, Arabic letter mark U+061C, Hangul fillers, Khmer inherent vowels, Mongolian
/// variation selectors and vowel separator, zero-width space, non-joiner and joiner U+200B-U+200D,
/// word joiner and invisible operators U+2060-U+206F, variation selectors, the byte order mark
/// U+FEFF, tag characters U+E0000-U+E0FFF) and the interlinear annotation marks.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}'
        | '\u{34f}'
        | '\u{61c}'
        | '\u{115f}' | '\u{1160}'
        | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{3164}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}'
        | '\u{ffa0}'
        | '\u{fff0}'..='\u{fffb}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}'
    )
}

/// Symbols that emoji sequences start from. After one, a zero-width joiner (👩‍💻) or an emoji or
/// text presentation selector (⚠️) is part of the picture, not hidden text, and is kept.
fn is_pictographic(c: char) -> bool {
    matches!(c,
        '\u{a9}' | '\u{ae}' | '\u{203c}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2194}'..='\u{21aa}'
        | '\u{231a}'..='\u{23ff}'
        | '\u{24c2}'
        | '\u{25aa}'..='\u{27bf}'
        | '\u{2934}' | '\u{2935}'
        | '\u{2b05}'..='\u{2b55}'
        | '\u{3030}' | '\u{303d}' | '\u{3297}' | '\u{3299}'
        | '\u{1f000}'..='\u{1faff}'
    )
}

/// The visible form of an unsafe character.
fn visible(c: char, out: &mut String) {
    use std::fmt::Write;
    let _ = match c {
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        c if (c as u32) < 0x80 => write!(out, "\\x{:02x}", c as u32),
        c => write!(out, "\\u{{{:x}}}", c as u32),
    };
}

/// What one escaping pass keeps and what it neutralizes.
#[derive(Clone, Copy)]
struct Rules {
    /// Line feeds stay line feeds (else they are shown as `\n`).
    newlines: bool,
    /// Tabs become spaces (else they stay tabs).
    tab_as_space: bool,
    /// popm's own SGR colour codes pass.
    colour: bool,
    /// A line that starts with `::` (a workflow command) has its first `:` shown.
    line_commands: bool,
}

/// Searchers for the two sequences a workflow command starts with, built once: building one costs
/// more than searching a short value.
static HASH_BRACKET: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"##["));
static DOUBLE_COLON: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"::"));

/// The escaping every function here shares. `offsets`, when given, receives for each character of
/// `text` the byte offset of its shown form in the result, then the result's length.
fn escape<'a>(text: &'a str, rules: Rules, offsets: Option<&mut Vec<usize>>) -> Cow<'a, str> {
    // Nearly all text needs nothing: one scan says so (the loop below does more per character).
    // Bytes first: the line breaks and tabs a rule keeps as they are do not send a whole output
    // (a table of 10 000 rows) through the loop; only text with non-ASCII characters is decoded.
    // Bytes are tested a block at a time, without a branch per byte, so that a whole output is
    // scanned many bytes per instruction.
    let (keep_newline, keep_tab) = (rules.newlines, !rules.tab_as_space);
    let control = |b: u8| {
        (b < 0x20) & !(keep_newline & (b == b'\n')) & !(keep_tab & (b == b'\t')) | (b == 0x7f)
    };
    let bytes = text.as_bytes();
    let needs_work = bytes
        .chunks(64)
        .any(|block| block.iter().fold(false, |found, &b| found | control(b)))
        || (!text.is_ascii() && text.chars().any(is_unsafe))
        || HASH_BRACKET.find(bytes).is_some()
        || (rules.line_commands && DOUBLE_COLON.find(bytes).is_some());
    if !needs_work {
        // Nothing is replaced: each character is shown where it stands.
        if let Some(offsets) = offsets {
            offsets.extend(text.char_indices().map(|(at, _)| at));
            offsets.push(text.len());
        }
        return Cow::Borrowed(text);
    }
    escape_each(text, rules, offsets)
}

/// [`escape`] character by character, without the quick scan.
fn escape_each<'a>(
    text: &'a str,
    rules: Rules,
    mut offsets: Option<&mut Vec<usize>>,
) -> Cow<'a, str> {
    // Built only once something has to change; until then the text is borrowed as it is.
    let mut out: Option<String> = None;
    let mut emoji = false;
    let mut line_start = true;
    let mut prev = None;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let at = text.len() - rest.len();
        let shown_at = out.as_ref().map_or(at, String::len);
        let sgr = if rules.colour && c == '\x1b' {
            sgr_len(rest.as_bytes())
        } else {
            0
        };
        let next = rest[c.len_utf8()..].chars().next();
        // Kept as they are: popm's colours, line breaks where allowed, a joiner or presentation
        // selector inside an emoji.
        let keep = sgr > 0
            || (c == '\n' && rules.newlines)
            || (matches!(c, '\u{200d}' | '\u{fe0e}' | '\u{fe0f}') && emoji);
        // What replaces `c` (None: `c` itself).
        let replacement: Option<Cow<'static, str>> = if keep {
            None
        } else if c == '\t' {
            rules.tab_as_space.then_some(Cow::Borrowed(" "))
        } else if is_unsafe(c) {
            let mut shown = String::new();
            visible(c, &mut shown);
            Some(Cow::Owned(shown))
        } else if c == '#' && prev == Some('#') && next == Some('[') {
            Some(Cow::Borrowed("\\x23"))
        } else if c == ':' && line_start && rules.line_commands && next == Some(':') {
            Some(Cow::Borrowed("\\x3a"))
        } else {
            None
        };
        let len = if sgr > 0 { sgr } else { c.len_utf8() };
        match (&replacement, &mut out) {
            (Some(r), Some(o)) => o.push_str(r),
            (Some(r), None) => {
                let mut o = String::with_capacity(text.len() + 16);
                o.push_str(&text[..at]);
                o.push_str(r);
                out = Some(o);
            }
            (None, Some(o)) => o.push_str(&rest[..len]),
            (None, None) => {}
        }
        if let Some(offsets) = offsets.as_deref_mut() {
            offsets.extend(std::iter::repeat_n(shown_at, rest[..len].chars().count()));
        }
        let kept = replacement.is_none();
        // A presentation selector continues the picture (🏳️‍🌈); after a joiner a new one starts.
        emoji = kept && (is_pictographic(c) || (emoji && matches!(c, '\u{fe0e}' | '\u{fe0f}')));
        line_start = if c == '\n' && kept {
            true
        } else {
            line_start && (sgr > 0 || (kept && c.is_whitespace()))
        };
        prev = Some(c);
        rest = &rest[len..];
    }
    if let Some(offsets) = offsets {
        offsets.push(out.as_ref().map_or(text.len(), String::len));
    }
    match out {
        Some(o) => Cow::Owned(o),
        None => Cow::Borrowed(text),
    }
}

/// A value for one line (a table cell, a diagnostic's message, a path): every control and
/// invisible character shown in a visible form, a tab as a space, `##[` broken.
pub fn safe(text: &str) -> Cow<'_, str> {
    escape(
        text,
        Rules {
            newlines: false,
            tab_as_space: true,
            colour: false,
            line_commands: false,
        },
        None,
    )
}

/// [`safe`], with the byte offset in the result of each character of `text` (and, last, the
/// result's length): a source snippet underlines the same characters once escaped.
pub fn safe_offsets(text: &str) -> (Cow<'_, str>, Vec<usize>) {
    let mut offsets = Vec::with_capacity(text.len() + 1);
    let shown = escape(
        text,
        Rules {
            newlines: false,
            tab_as_space: true,
            colour: false,
            line_commands: false,
        },
        Some(&mut offsets),
    );
    (shown, offsets)
}

/// Text that may span lines (a body, a help text): line breaks and tabs kept, every other control
/// and invisible character shown, `##[` broken.
pub fn safe_multiline(text: &str) -> Cow<'_, str> {
    escape(
        text,
        Rules {
            newlines: true,
            tab_as_space: false,
            colour: false,
            line_commands: false,
        },
        None,
    )
}

/// The last gate before stdout or stderr: like [`safe_multiline`], a line that starts with `::`
/// shown as `\x3a:` (no line popm prints is a workflow command but those of `--format github`), and
/// with `color` on the SGR sequences popm itself writes (`ESC [ digits;... m`) let through.
pub fn output(text: &str, color: bool) -> Cow<'_, str> {
    escape(
        text,
        Rules {
            newlines: true,
            tab_as_space: false,
            colour: color,
            line_commands: true,
        },
        None,
    )
}

/// The gate for `--format github`, whose lines are workflow commands popm builds (every value in
/// them escaped as the format requires): [`output`] without colour, letting `::` start a line.
pub fn output_commands(text: &str) -> Cow<'_, str> {
    escape(
        text,
        Rules {
            newlines: true,
            tab_as_space: false,
            colour: false,
            line_commands: false,
        },
        None,
    )
}

/// The length of a Select Graphic Rendition sequence at the start of `bytes` (`ESC [ 1;31 m`), or 0.
fn sgr_len(bytes: &[u8]) -> usize {
    if !bytes.starts_with(b"\x1b[") {
        return 0;
    }
    let params = bytes[2..]
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b';')
        .count();
    if bytes.get(2 + params) == Some(&b'm') && params <= 32 {
        3 + params
    } else {
        0
    }
}

/// JSON text with every unsafe character that serde_json leaves raw (DEL, C1, bidi controls, line
/// separators, invisible characters) written as a `\uXXXX` escape (a surrogate pair above U+FFFF),
/// and the second `#` of `##[` as `\u0023`. Outside strings JSON holds only ASCII punctuation, so
/// these can only be inside strings, where the escape means the same character: the data is intact.
pub fn json(text: String) -> String {
    let bytes = text.as_bytes();
    let hash_bracket = |i: usize| i > 0 && bytes[i - 1] == b'#' && bytes.get(i + 1) == Some(&b'[');
    let needs = |i: usize, c: char| is_unsafe_in_json(c) || (c == '#' && hash_bracket(i));
    if !text.char_indices().any(|(i, c)| needs(i, c)) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        if needs(i, c) {
            use std::fmt::Write;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_unsafe_in_json(c: char) -> bool {
    // serde_json escapes U+0000..U+001F itself, and the newlines between its own lines must stay.
    c > '\u{7e}' && is_unsafe(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The quick scan lets text through unchanged, each character at its own offset, only
        /// where the loop would change nothing.
        #[test]
        fn the_quick_scan_agrees_with_the_loop(
            text in "[a-z:#\\[ \n\t\r\x1b\x7f\u{9b}\u{200b}\u{200d}\u{1f600}é-]{0,16}",
            newlines: bool, tab_as_space: bool, colour: bool, line_commands: bool,
        ) {
            let rules = Rules { newlines, tab_as_space, colour, line_commands };
            let mut offsets = Vec::new();
            let looped = escape_each(&text, rules, Some(&mut offsets)).into_owned();
            proptest::prop_assert_eq!(escape(&text, rules, None), looped.as_str());
            let mut quick_offsets = Vec::new();
            proptest::prop_assert_eq!(escape(&text, rules, Some(&mut quick_offsets)), looped);
            proptest::prop_assert_eq!(quick_offsets, offsets);
        }

        /// The same over texts longer than one block of the quick scan.
        #[test]
        fn the_quick_scan_agrees_with_the_loop_on_long_texts(
            text in "[a-z:#\\[ \n\t\x1b\x7fé]{60,300}",
            newlines: bool, tab_as_space: bool, line_commands: bool,
        ) {
            let rules = Rules { newlines, tab_as_space, colour: false, line_commands };
            let looped = escape_each(&text, rules, None).into_owned();
            proptest::prop_assert_eq!(escape(&text, rules, None), looped);
        }
    }

    const HOSTILE: &str = "a\x1b[31mb\x1b]8;;http://evil\x07c\u{9b}d\u{202e}e\rf\tg\u{7f}h";

    #[test]
    fn one_line_values_show_every_control() {
        assert_eq!(
            safe(HOSTILE),
            "a\\x1b[31mb\\x1b]8;;http://evil\\x07c\\u{9b}d\\u{202e}e\\rf g\\x7fh"
        );
        assert_eq!(safe("two\nlines"), "two\\nlines");
        assert!(matches!(safe("plain é ✓"), Cow::Borrowed(_)));
    }

    /// Issue 12: invisible characters printed raw, so `F-1` and `F-1` + U+200B looked the same.
    #[test]
    fn invisible_characters_are_shown() {
        let hidden = "F-1\u{200b}|\u{2060}|\u{feff}|\u{ad}|\u{e0041}\u{e007f}|\u{61c}|\u{200d}|\u{fe0f}|\u{3164}";
        let shown = r"F-1\u{200b}|\u{2060}|\u{feff}|\u{ad}|\u{e0041}\u{e007f}|\u{61c}|\u{200d}|\u{fe0f}|\u{3164}";
        assert_eq!(safe(hidden), shown);
        assert_eq!(safe_multiline(hidden), shown);
        assert_eq!(output(hidden, false), shown);
        // Emoji keep their joiners and presentation selectors; the same characters after a
        // letter are shown.
        for emoji in ["⚠️ Alert", "👩‍💻 dev", "🏳️‍🌈", "👍🏽‍"] {
            assert!(matches!(safe(emoji), Cow::Borrowed(_)), "{emoji}");
        }
        assert_eq!(safe("a\u{200d}b"), r"a\u{200d}b");
        assert_eq!(safe("F-1\u{fe0f}"), r"F-1\u{fe0f}");
    }

    /// GitHub Actions reads `##[command]` anywhere in a line and `::command::` at the start of one.
    #[test]
    fn workflow_commands_are_broken() {
        assert_eq!(safe("x ##[error]Fake"), r"x #\x23[error]Fake");
        assert_eq!(safe("###[x"), r"##\x23[x");
        assert_eq!(safe("::error::Fake"), "::error::Fake", "a value alone");
        assert_eq!(
            output("::error::Fake\n  ::warning::x\nok ::a::\n", false),
            "\\x3a:error::Fake\n  \\x3a:warning::x\nok ::a::\n"
        );
        assert_eq!(
            output("\x1b[1m::error::x\x1b[0m", true),
            "\x1b[1m\\x3a:error::x\x1b[0m"
        );
        assert_eq!(
            output_commands("::error file=a::b ##[warning]c\n"),
            "::error file=a::b #\\x23[warning]c\n"
        );
        assert_eq!(safe_multiline("a\n::x::y"), "a\n::x::y");
    }

    #[test]
    fn offsets_point_at_each_shown_character() {
        let (shown, offsets) = safe_offsets("a\u{200b}b##[c");
        assert_eq!(shown, r"a\u{200b}b#\x23[c");
        assert_eq!(offsets, [0, 1, 9, 10, 11, 15, 16, 17]);
    }

    #[test]
    fn multiline_text_keeps_its_line_breaks() {
        assert_eq!(safe_multiline("a\nb\tc\x1bd\r\n"), "a\nb\tc\\x1bd\\r\n");
    }

    #[test]
    fn output_keeps_only_popms_own_colours() {
        let painted = "\x1b[1m\x1b[31merror\x1b[0m: \x1b]8;;x\x07 \u{9b}2J";
        assert_eq!(
            output(painted, true),
            "\x1b[1m\x1b[31merror\x1b[0m: \\x1b]8;;x\\x07 \\u{9b}2J"
        );
        assert_eq!(
            output(painted, false),
            "\\x1b[1m\\x1b[31merror\\x1b[0m: \\x1b]8;;x\\x07 \\u{9b}2J"
        );
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw() {
        let text = serde_json::to_string(HOSTILE).unwrap();
        let escaped = json(text);
        assert_eq!(
            escaped,
            r#""a\u001b[31mb\u001b]8;;http://evil\u0007c\u009bd\u202ee\rf\tg\u007fh""#
        );
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, HOSTILE);
    }

    /// Invisible characters above U+FFFF are written as surrogate pairs, `##[` with `\u0023`: the
    /// data reads back the same.
    #[test]
    fn json_keeps_invisible_characters_as_escapes() {
        let value = "F-1\u{200b} \u{e0041} ⚠️ ##[error]";
        let escaped = json(serde_json::to_string(value).unwrap());
        assert_eq!(
            escaped,
            r#""F-1\u200b \udb40\udc41 ⚠\ufe0f #\u0023[error]""#
        );
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }
}
