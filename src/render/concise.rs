//! `--format concise`: one line per finding, `path:line:col: severity[rule]: message`.

use super::safe;
use crate::diagnostic::Diagnostic;

/// `path:line:col: severity[rule]: message`, one per line, for grep and editors' quickfix lists.
pub fn concise(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}\n",
            safe(&d.path),
            d.line,
            d.column,
            d.severity.as_str(),
            d.rule.name(),
            safe(&d.message)
        ));
    }
    out
}
