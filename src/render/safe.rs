//! Terminal safety: text from item files (titles, ids, teams, statuses, paths, messages quoting them)
//! must never drive the terminal or the CI log that shows popm's output. A control character in a
//! value is shown, not obeyed: ESC becomes `\x1b`, U+009B (the one-byte CSI) `\u{9b}`, a right-to-left
//! override `\u{202e}`.
//!
//! Two layers. Every renderer passes the values it prints through [`safe`] (or [`safe_multiline`] for
//! text that may span lines), so a value stays one readable line whatever it holds. And everything
//! written to stdout or stderr passes through [`output`], which lets through only line breaks, tabs
//! and, when colour is on, popm's own SGR colour codes, so a value a renderer forgot cannot reach the
//! terminal either.

use std::borrow::Cow;

/// Would this character do something on a terminal (or reorder the text around it)? C0 controls,
/// DEL, C1 controls (U+009B is a CSI on many terminals), the bidirectional overrides and isolates
/// (the "Trojan Source" characters), and the line and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
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

fn escape(text: &str, keep: impl Fn(char) -> Option<&'static str>) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if let Some(kept) = keep(c) {
            out.push_str(kept);
        } else {
            visible(c, &mut out);
        }
    }
    Cow::Owned(out)
}

/// A value for one line (a table cell, a diagnostic's message, a path): every control character
/// shown in a visible form, a tab as a space.
pub fn safe(text: &str) -> Cow<'_, str> {
    escape(text, |c| (c == '\t').then_some(" "))
}

/// Text that may span lines (a body, a help text): line breaks and tabs kept, every other control
/// shown.
pub fn safe_multiline(text: &str) -> Cow<'_, str> {
    escape(text, |c| match c {
        '\n' => Some("\n"),
        '\t' => Some("\t"),
        _ => None,
    })
}

/// The last gate before stdout or stderr: like [`safe_multiline`], except that with `color` on the
/// SGR sequences popm itself writes (`ESC [ digits;... m`) are let through.
pub fn output(text: &str, color: bool) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let needs = text.char_indices().any(|(i, c)| {
        is_unsafe(c)
            && c != '\n'
            && c != '\t'
            && !(color && c == '\x1b' && sgr_len(&bytes[i..]) > 0)
    });
    if !needs {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = if color && c == '\x1b' {
            sgr_len(rest.as_bytes())
        } else {
            0
        };
        if len > 0 {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if is_unsafe(c) && c != '\n' && c != '\t' {
            visible(c, &mut out);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
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
/// separators) written as a `\uXXXX` escape. Outside strings JSON holds only ASCII punctuation, so
/// these can only be inside strings, where the escape means the same character: the data is intact.
pub fn json(text: String) -> String {
    if !text.chars().any(is_unsafe_in_json) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe_in_json(c) {
            use std::fmt::Write;
            let _ = write!(out, "\\u{:04x}", c as u32);
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
}
