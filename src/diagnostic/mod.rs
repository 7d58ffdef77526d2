//! The one data type every check produces and every renderer prints, the registry of rules that
//! produce it, the sink every finding passes through, and the outcome it decides.

use serde::Serialize;

use crate::model::ItemType;
use crate::parse::yaml::Pos;

mod outcome;
mod rule;
mod sink;
pub use outcome::Outcome;
pub use rule::Rule;
pub use sink::Sink;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding: which rule, how bad, where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    /// Relative to the repository root, with `/` separators.
    pub path: String,
    /// 1-based line and column (in characters).
    pub line: u32,
    pub column: u32,
    /// How many characters the finding spans on its line (for the underline); at least 1.
    pub width: u32,
    pub item: Option<String>,
    /// The item's type, where the severity depends on it (`status-transition`).
    pub item_type: Option<ItemType>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: Rule, path: &str, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            path: path.to_string(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            width: 1,
            item: None,
            item_type: None,
            help: None,
        }
    }

    pub fn item(mut self, id: Option<&str>) -> Self {
        self.item = id.map(str::to_string);
        self
    }

    /// Records the item's type, for a rule whose severity is set per type.
    pub fn of_type(mut self, item_type: ItemType) -> Self {
        self.item_type = Some(item_type);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn width(mut self, width: usize) -> Self {
        self.width = u32::try_from(width).unwrap_or(u32::MAX).max(1);
        self
    }

    /// The order every output uses: by path, line, column, then rule for a stable tie-break.
    pub fn sort_key(&self) -> (&str, u32, u32, &'static str) {
        (&self.path, self.line, self.column, self.rule.name())
    }
}

/// Counts for the summary line and the exit status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub items: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of(items: usize, diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Summary {
            items,
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}
