use std::io::IsTerminal;

use crate::diagnostic::{Outcome, Summary};
use crate::engine::{self, Compare, Request, Warning};
use crate::error::EnvError;
use crate::render::{ColorChoice, concise, human, schema};
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings as errors (exit status 1 when there are any).
    #[arg(long)]
    deny_warnings: bool,
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// Report only the findings the branch brings since the merge base of REF and HEAD (plus
    /// uncommitted changes): every finding in a file it changed, and every finding anywhere that
    /// the merge base (checked with its own popm.toml) does not have.
    #[arg(long, value_name = "REF", conflicts_with = "rev")]
    pub since: Option<String>,
    /// Judge the commit about to be made: what the pre-commit hooks run.
    ///
    /// The staged backlog compared with HEAD: findings in files the commit adds or changes, and
    /// findings it causes elsewhere, count; errors HEAD has too in files it leaves alone are
    /// summarized in one line.
    #[arg(long, conflicts_with_all = ["rev", "since"])]
    pub pre_commit: bool,
}

impl Args {
    /// The version read, and whether it needs git.
    pub fn source(&self) -> (crate::source::Source, bool) {
        if self.pre_commit {
            return (crate::source::Source::Index, true);
        }
        (self.source.source(), self.since.is_some())
    }
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
    let request = match (&args.since, args.source.staged) {
        _ if args.pre_commit => Request::compared(Compare::Commit),
        (Some(since), _) => Request::compared(Compare::Since(since.clone())),
        (None, true) => Request::compared(Compare::Head),
        (None, false) => Request::whole(),
    };
    let checked = engine::verdict(workspace, &request)?;
    for warning in &checked.warnings {
        match warning {
            // The message quotes values of that popm.toml: through the terminal gate.
            Warning::BaseConfigUnreadable(e) => {
                let color = color.stderr();
                let warning = format!(
                    "{} {}'s configuration cannot be read ({e}); every finding counts as new",
                    crate::render::paint("warning:", crate::render::YELLOW, color),
                    if args.pre_commit {
                        "HEAD"
                    } else {
                        "the merge base"
                    }
                );
                eprintln!("{}", crate::render::safe::output(&warning, color));
            }
        }
    }
    let summary = Summary::of(checked.files, &checked.diagnostics);
    let mut out = std::io::stdout().lock();
    let text = match args.format {
        Format::Human => {
            let color = color.enabled(std::io::stdout().is_terminal());
            let mut text = human::diagnostics(&checked.diagnostics, &checked.texts, color);
            text.push_str(&human::summary_line(&summary, color));
            text.push('\n');
            let (count, backlogs) = &checked.foreign;
            if let Some(note) = human::foreign_references(*count, backlogs) {
                text.push_str(&note);
                text.push('\n');
            }
            text
        }
        Format::Concise => concise::concise(&checked.diagnostics),
        Format::Json => schema::check(&checked.diagnostics, &summary),
        Format::JsonLines => schema::check_lines(&checked.diagnostics),
        Format::Github => crate::render::github::render(&checked.diagnostics),
        Format::Sarif => crate::render::sarif::render(&checked.diagnostics),
        Format::Junit => {
            let files = checked.item_paths();
            crate::render::junit::render(&checked.diagnostics, files, args.deny_warnings)
        }
    };
    // What was set aside as older than the commit or the branch is said in one line, not dropped.
    let note = human::untouched_errors(&checked.set_aside, args.pre_commit, color.stderr());
    let color = color.stdout() && matches!(args.format, Format::Human);
    if matches!(args.format, Format::Github) {
        super::write_commands(&mut out, &text)?;
    } else {
        super::write_out(&mut out, &text, color)?;
    }
    // After the findings, where the eye stops.
    if let Some(note) = note {
        eprintln_safe!("{note}");
    }
    let outcome = Outcome::of(&checked.diagnostics, args.deny_warnings);
    // The process ends next, and the operating system takes the memory back at once: freeing a
    // hundred thousand items one by one would only delay the exit (a tenth of a second at 100 000).
    std::mem::forget(checked);
    Ok(outcome)
}
