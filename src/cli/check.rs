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
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// Report only the findings the branch brings since the merge base of REF and HEAD (plus
    /// uncommitted changes): every finding in a file it changed, and every finding anywhere that
    /// the merge base (checked with its own popm.toml) does not have.
    #[arg(long, value_name = "REF", conflicts_with = "rev")]
    pub since: Option<String>,
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
    let mut checked = if args.since.is_some() {
        workspace.check_for_comparison()?
    } else {
        workspace.check()?
    };
    compare_versions(workspace, args, &mut checked, color)?;
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
    let color = color.stdout() && matches!(args.format, Format::Human);
    if matches!(args.format, Format::Github) {
        super::write_commands(&mut out, &text)?;
    } else {
        super::write_out(&mut out, &text, color)?;
    }
    let failing = checked
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error || args.deny_warnings);
    // The process ends next, and the operating system takes the memory back at once: freeing a
    // hundred thousand items one by one would only delay the exit (a tenth of a second at 100 000).
    std::mem::forget(checked);
    Ok(if failing {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// `--staged` compares with HEAD: status transitions of the changed items. `--since` compares
/// with the merge base: transitions too, and only the findings the branch brings (see
/// [`crate::workspace::brought_by_branch`]): each in a file it touched, and each new one anywhere.
fn compare_versions(
    workspace: &Workspace,
    args: &Args,
    checked: &mut crate::workspace::Checked,
    color: ColorChoice,
) -> Result<(), EnvError> {
    let Some(git) = &workspace.git else {
        return Ok(());
    };
    let base = match (&args.since, args.source.staged) {
        (Some(since), _) => {
            let head = git.head().map_err(EnvError::Other)?.ok_or_else(|| {
                EnvError::Other("--since needs a commit: HEAD has no commits yet".into())
            })?;
            let other = git.commit(since).map_err(EnvError::Other)?;
            Some(
                git.merge_base(other, head, since)
                    .map_err(EnvError::Other)?,
            )
        }
        (None, true) => git.head().map_err(EnvError::Other)?,
        (None, false) => return Ok(()),
    };
    // The base is checked with its own popm.toml: a change to the configuration (a workflow
    // state dropped) is a change the branch brings. One that cannot be read there leaves
    // nothing to compare with, so every finding counts as new.
    let base_config = match (args.since.is_some(), base) {
        (true, Some(commit)) => match workspace.config_at(git, commit) {
            Ok(config) => Some(config),
            Err(e) => {
                // The message quotes values of that popm.toml: through the terminal gate.
                let color = color.stderr();
                let warning = format!(
                    "{} the merge base's configuration cannot be read ({e}); every finding counts as new",
                    crate::render::paint("warning:", crate::render::YELLOW, color)
                );
                eprintln!("{}", crate::render::safe::output(&warning, color));
                None
            }
        },
        _ => None,
    };
    let changes = workspace.compare(checked, base, base_config.as_ref())?;
    let mut found = Vec::new();
    crate::rules::transitions::check(
        &changes.before,
        &checked.backlog,
        &changes.paths,
        &workspace.config,
        &mut found,
    );
    checked.diagnostics.extend(found);
    let all = std::mem::take(&mut checked.diagnostics);
    checked.diagnostics = crate::rules::finish(all, &workspace.config);
    if args.since.is_some() {
        let base = changes.base_findings.as_deref().unwrap_or_default();
        let all = std::mem::take(&mut checked.diagnostics);
        checked.diagnostics = crate::workspace::brought_by_branch(all, &changes.paths, base);
    }
    Ok(())
}
