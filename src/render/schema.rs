//! The JSON records of every command, one type each, as docs/json.md documents them; the
//! functions at the end of each part build a command's whole document. Fields are only ever
//! added, never renamed or removed.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Summary};

// `popm check`

/// `check --format json`: every finding and the counts.
#[derive(Serialize)]
pub struct CheckRecord<'a> {
    pub diagnostics: Vec<DiagnosticRecord<'a>>,
    pub summary: &'a Summary,
}

/// One finding (`check --format json` and json-lines, `pi ready --format json`).
#[derive(Serialize)]
pub struct DiagnosticRecord<'a> {
    pub rule: &'static str,
    pub severity: &'static str,
    pub path: &'a str,
    pub line: u32,
    pub column: u32,
    pub item: Option<&'a str>,
    pub message: &'a str,
    pub help: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for DiagnosticRecord<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        DiagnosticRecord {
            rule: d.rule.name(),
            severity: d.severity.as_str(),
            path: &d.path,
            line: d.line,
            column: d.column,
            item: d.item.as_deref(),
            message: &d.message,
            help: d.help.as_deref(),
        }
    }
}

/// `check --format json-lines`: one object per line, one line per diagnostic (the objects of
/// [`check`]), for streaming tools.
pub fn check_lines(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&crate::render::json_line(&DiagnosticRecord::from(d)));
        out.push('\n');
    }
    out
}

/// `check --format json`: `{"diagnostics": [...], "summary": {...}}`.
pub fn check(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let output = CheckRecord {
        diagnostics: diagnostics.iter().map(DiagnosticRecord::from).collect(),
        summary,
    };
    crate::render::json(&output)
}
