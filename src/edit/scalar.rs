//! Writing values as YAML: plain when that reads back as the same string, double-quoted otherwise.

/// `value` as a YAML scalar that parses back to exactly `value` (a string).
pub fn string(value: &str) -> String {
    if is_plain_safe(value) {
        value.to_string()
    } else {
        quoted(value)
    }
}

/// A double-quoted YAML string with every special character escaped.
pub fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_plain_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    if value.trim() != value || value.chars().any(|c| c.is_control() || c == '\u{feff}') {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    // `: ` and ` #` end a plain scalar; `, [ ] { }` would split or end it inside a flow list.
    if value.contains(": ")
        || value.contains(" #")
        || value.contains("\t#")
        || value.ends_with(':')
        || value.contains([',', '[', ']', '{', '}'])
    {
        return false;
    }
    // Anything YAML would read as another type (true, null, 12, 1e3, 0x1F, 2026-01-05, .inf).
    let lower = value.to_ascii_lowercase();
    let reserved = [
        "true", "false", "null", "~", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf",
        ".nan",
    ];
    if reserved.contains(&lower.as_str()) {
        return false;
    }
    let numeric = value.trim_start_matches(['+', '-']);
    let looks_numeric = numeric.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && numeric
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "._xXoObBeE+-:".contains(c));
    !looks_numeric
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::{Value, parse};

    #[test]
    fn round_trips() {
        for s in [
            "Self-service password reset",
            "true",
            "12",
            "2026-01-05",
            "a: b",
            "#tag",
            "- item",
            "quote \" and \\ back",
            "tab\there",
            "line\nbreak",
            " padded ",
            "",
            "F-12",
            "PI-2026.1",
            "émoji 🚀",
            "\u{1b}[31mred",
            "0x1F",
            "1e3",
            "null",
            "[x]",
        ] {
            let yaml = format!("k: {}\n", string(s));
            let node = parse(&yaml).unwrap_or_else(|e| panic!("{yaml:?}: {e:?}"));
            let Value::Map(m) = node.value else { panic!() };
            assert_eq!(m[0].1.value, Value::Str(s.to_string()), "{yaml:?}");
        }
        assert_eq!(string("F-12"), "F-12");
        assert_eq!(string("true"), "\"true\"");
    }
}
