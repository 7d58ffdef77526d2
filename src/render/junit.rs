//! JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure): one test suite per
//! file, one failing test case per error (and per warning with `--deny-warnings`).

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity};

/// Escapes text for XML 1.0, which cannot carry most control characters even escaped: they are
/// shown in a visible form (`\x1b`, [`crate::render::safe_multiline`]) so a hostile title can neither break the
/// report nor reach the terminal of whoever reads it; U+FFFE and U+FFFF become U+FFFD.
pub fn escape(text: &str) -> String {
    let text = crate::render::safe_multiline(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `files`: every file checked, so clean files show as passing suites.
pub fn render<'a>(
    diagnostics: &[Diagnostic],
    files: impl IntoIterator<Item = &'a str>,
    warnings_fail: bool,
) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for f in files {
        by_file.entry(f).or_default();
    }
    for d in diagnostics {
        if d.severity == Severity::Error || warnings_fail {
            by_file.entry(d.path.as_str()).or_default().push(d);
        }
    }
    let tests: usize = by_file.values().map(|v| v.len().max(1)).sum();
    let failures: usize = by_file.values().map(Vec::len).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"popm check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    for (file, list) in &by_file {
        let file_x = escape(file);
        out.push_str(&format!(
            "  <testsuite name=\"{file_x}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
            list.len().max(1),
            list.len()
        ));
        if list.is_empty() {
            out.push_str(&format!(
                "    <testcase name=\"valid\" classname=\"{file_x}\" file=\"{file_x}\"/>\n"
            ));
        }
        for d in list {
            let location = format!("{}:{}:{}", d.path, d.line, d.column);
            let mut body = format!(
                "{location}: {}[{}]: {}",
                d.severity.as_str(),
                d.rule.name(),
                d.message
            );
            if let Some(help) = &d.help {
                body.push_str(&format!("\nhelp: {help}"));
            }
            out.push_str(&format!(
                "    <testcase name=\"{} at {}:{}\" classname=\"{file_x}\" file=\"{file_x}\" line=\"{}\">\n",
                d.rule.name(),
                d.line,
                d.column,
                d.line
            ));
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                d.rule.name(),
                escape(&d.message),
                escape(&body)
            ));
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            super::escape("a<b & \"c\"\u{1b}[31m"),
            "a&lt;b &amp; &quot;c&quot;\\x1b[31m"
        );
    }
}
