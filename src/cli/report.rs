//! `popm report --out DIR`: the backlog as a static site (glue: read, assess, render, write).

use std::path::PathBuf;

use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::render::ColorChoice;
use crate::render::site::{self, SiteInput};
use crate::report::readiness;
use crate::source::{Source, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write the site into (created when missing; other files in it are left alone).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// Only this PI's board and PI page (default: every PI with planned work).
    #[arg(long, value_name = "PI")]
    pi: Option<String>,
    /// Write the time of generation into every page (the pages differ from run to run then).
    #[arg(long)]
    stamp: bool,
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = crate::engine::check(workspace, &crate::engine::Request::whole())?;
    super::warn_if_broken(&checked, color);
    let config = &workspace.config;
    let answers = crate::report::overview::site_answers(
        &checked.backlog,
        config,
        &checked.diagnostics,
        args.pi.as_deref(),
    )?;
    let history = read_history(workspace)?;
    let stamp = args.stamp.then(|| {
        jiff::Timestamp::now()
            .strftime("%Y-%m-%d %H:%M:%S UTC")
            .to_string()
    });
    let input = SiteInput {
        history: history.as_ref(),
        rev: args.source.rev.as_deref(),
        stamp: stamp.as_deref(),
        ..SiteInput::new(config, &checked, &answers, readiness::today()?)
    };
    let pages = site::pages(&input);
    let written = site::write::write(&args.out, &pages)?;
    eprintln_safe!(
        "popm: wrote {} pages to {}",
        written.pages,
        args.out.display()
    );
    Ok(Outcome::Clean)
}

/// The first-parent history up to the version reported (HEAD, or the `--rev` commit), for the
/// flow page; `None` outside git or before the first commit.
fn read_history(workspace: &Workspace) -> Result<Option<crate::history::History>, EnvError> {
    // The work tree is read without opening the repository; the flow page needs it.
    let discovered;
    let git = match &workspace.git {
        Some(git) => git,
        None => match crate::git::Git::discover(&workspace.config.project_root)? {
            Some(git) => {
                discovered = git;
                &discovered
            }
            None => return Ok(None),
        },
    };
    let tip = match &workspace.source {
        Source::Rev(rev) => git.commit(rev)?,
        Source::WorkTree | Source::Index => match git.head()? {
            Some(tip) => tip,
            None => return Ok(None),
        },
    };
    crate::history::read(workspace, git, tip).map(Some)
}
