//! Printing. Each output format is one module over the same data (human text, concise, JSON in
//! `schema`, CSV, markdown, tables, GitHub, SARIF, JUnit); none of them decides anything.

pub mod agents;
pub mod cache;
pub mod concise;
pub mod context;
pub mod csv;
pub mod diff;
pub mod flow;
pub mod github;
pub mod human;
pub mod jira;
pub mod junit;
pub mod log;
pub mod markdown;
pub mod number;
pub mod pi_status;
pub mod portfolio;
pub mod readiness;

pub mod safe;
pub mod sarif;
pub mod schema;
pub mod site;
pub mod table;

use std::io::IsTerminal;

pub use safe::{safe, safe_multiline};

/// `--color`: `auto` colours only a terminal and honours `NO_COLOR` and `CLICOLOR_FORCE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self, stream_is_terminal: bool) -> bool {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => {
                false
            }
            ColorChoice::Auto if set("CLICOLOR_FORCE") => true,
            ColorChoice::Auto => stream_is_terminal,
        }
    }

    pub fn stdout(self) -> bool {
        self.enabled(std::io::stdout().is_terminal())
    }

    pub fn stderr(self) -> bool {
        self.enabled(std::io::stderr().is_terminal())
    }
}

/// Wraps text in an ANSI style when colour is on. The text is a value for one line: its control
/// characters are shown, not obeyed ([`safe`]).
pub fn paint(text: &str, style: anstyle::Style, color: bool) -> String {
    let text = safe(text);
    if color {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

pub const BOLD: anstyle::Style = anstyle::Style::new().bold();
pub const RED: anstyle::Style = anstyle::Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Red)));
pub const YELLOW: anstyle::Style = anstyle::Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Yellow)));
pub const GREEN: anstyle::Style = anstyle::Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Green)));
pub const DIM: anstyle::Style = anstyle::Style::new().dimmed();

/// Pretty JSON with a final line break: every `--format json` output. Serializing these plain
/// data types cannot fail; `null` stands in if it ever did. Control characters in strings are all
/// `\uXXXX` escapes ([`safe::json`]).
pub fn json<T: serde::Serialize>(value: &T) -> String {
    let mut text =
        safe::json(serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into()));
    text.push('\n');
    text
}

/// One line of compact JSON (for JSON Lines), escaped like [`json`].
pub fn json_line<T: serde::Serialize>(value: &T) -> String {
    safe::json(serde_json::to_string(value).unwrap_or_else(|_| "null".into()))
}

/// "1 error", "2 warnings".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "feature" or "feature (enabler: architectural)".
pub fn type_label(item: &crate::model::Item) -> String {
    let kind = item.kind().map_or("?", crate::model::ItemType::as_str);
    match &item.enabler {
        Some(e) => format!("{kind} ({})", e.value.as_str()),
        None => kind.to_string(),
    }
}

/// A value or `-` without one.
pub fn or_dash<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or("-".to_string(), |v| v.to_string())
}

/// `-` for an empty text (a status that is not set).
pub fn dash_if_empty(s: &str) -> &str {
    if s.is_empty() { "-" } else { s }
}
