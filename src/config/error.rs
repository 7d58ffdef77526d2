//! A configuration problem, located in popm.toml: the file, and the line and column of the value
//! when it is known.

use std::ops::Range;

/// A configuration problem: exit status 2, one line naming the file and, when known, the line.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {message}")]
pub struct ConfigError {
    pub location: String,
    pub message: String,
}

/// popm.toml's text and the name it is shown by, for errors that point into it.
#[derive(Clone, Copy)]
pub(super) struct Text<'a> {
    pub text: &'a str,
    pub shown: &'a str,
}

impl Text<'_> {
    /// An error about the value at byte range `span` of the text.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        let (line, column) = line_column(self.text, span.start);
        ConfigError {
            location: format!("{}:{line}:{column}", self.shown),
            message: message.into(),
        }
    }

    /// An error about the file as a whole (too large, unreadable).
    pub fn file_error(&self, message: impl Into<String>) -> ConfigError {
        ConfigError {
            location: self.shown.to_string(),
            message: message.into(),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}
