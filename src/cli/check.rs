use std::io::IsTerminal;

use super::Outcome;
use crate::diagnostic::{Severity, Summary};
use crate::render::{ColorChoice, diagnostics};
use crate::workspace::{EnvError, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings as errors (exit status 1 when there are any).
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Each finding with its source line, and a summary.
    Human,
    /// One line per finding: path:line:col: severity[rule]: message.
    Concise,
    /// One JSON object (schema in docs/json.md).
    Json,
    /// One JSON object per line, one line per finding.
    JsonLines,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML: one test suite per file, one failing test case per error.
    Junit,
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = workspace.check()?;
    let summary = Summary::of(checked.files, &checked.diagnostics);
    let mut out = std::io::stdout().lock();
    let text = match args.format {
        Format::Human => {
            let color = color.enabled(std::io::stdout().is_terminal());
            let mut text = diagnostics::human(&checked.diagnostics, &checked.backlog, color);
            text.push_str(&diagnostics::summary_line(&summary, color));
            text.push('\n');
            text
        }
        Format::Concise => diagnostics::concise(&checked.diagnostics),
        Format::Json => diagnostics::json(&checked.diagnostics, &summary),
        Format::JsonLines => diagnostics::json_lines(&checked.diagnostics),
        Format::Github => crate::render::github::render(&checked.diagnostics),
        Format::Sarif => crate::render::sarif::render(&checked.diagnostics),
        Format::Junit => {
            let files = checked.backlog.items.iter().map(|i| i.path.as_str());
            crate::render::junit::render(&checked.diagnostics, files, args.deny_warnings)
        }
    };
    super::write_out(&mut out, &text)?;
    let failing = checked
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error || args.deny_warnings);
    Ok(if failing {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
