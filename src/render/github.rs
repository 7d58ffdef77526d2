//! GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request.

use crate::diagnostic::{Diagnostic, Severity};

/// Escapes the message part of a workflow command (`%`, CR and LF), as GitHub's toolkit does, after
/// showing every other control character ([`crate::render::safe_multiline`]): an escape sequence in a title must not
/// reach the log.
fn data(text: &str) -> String {
    crate::render::safe_multiline(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: the message escapes plus `:` and `,`, which separate properties.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},title={}::{}\n",
            property(&d.path),
            d.line,
            d.column,
            property(&format!("popm({})", d.rule.name())),
            data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Rule;
    use crate::parse::yaml::Pos;

    #[test]
    fn escapes_as_github_requires() {
        let d = Diagnostic::new(
            Rule::StatusUnknown,
            "backlog/a,b:c.md",
            Pos { line: 3, column: 9 },
            "100% wrong\nsecond line",
        )
        .help("fix: it");
        assert_eq!(
            render(&[d]),
            "::error file=backlog/a%2Cb%3Ac.md,line=3,col=9,title=popm(status-unknown)::100%25 wrong%0Asecond line%0Ahelp: fix: it\n"
        );
    }
}
