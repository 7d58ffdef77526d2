//! `popm report --out DIR`: the backlog as a static site (glue: read, assess, render, write).

use std::path::PathBuf;

use crate::diagnostic::Outcome;
use crate::engine::portfolio::{self, Judged};
use crate::error::EnvError;
use crate::render::ColorChoice;
use crate::render::site::{self, SiteInput};
use crate::report::{portfolio_site, readiness};
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
    // The portfolio repository's own backlog first, then each ART as last fetched.
    let mut backlogs = vec![Judged {
        name: config.backlog_name(),
        config: config.clone(),
        checked,
    }];
    let (mut commits, mut unavailable) = (Vec::new(), Vec::new());
    let is_portfolio =
        !config.portfolio.arts.is_empty() || !config.portfolio.value_streams.is_empty();
    if is_portfolio {
        for read in portfolio::read_arts(workspace) {
            match read {
                Ok((judged, commit)) => {
                    backlogs.push(judged);
                    commits.push(commit);
                }
                Err(u) => {
                    eprintln_safe!(
                        "popm: warning: ART {}: {} (the portfolio page says so)",
                        u.name,
                        u.reason
                    );
                    unavailable.push(u);
                }
            }
        }
    }
    let checked = &backlogs[0].checked;
    let answers = crate::report::overview::site_answers(
        &checked.backlog,
        config,
        &checked.diagnostics,
        args.pi.as_deref(),
    )?;
    let epics = if is_portfolio {
        crate::report::portfolio::backlog(&backlogs)
    } else {
        Vec::new()
    };
    let site =
        is_portfolio.then(|| portfolio_site::of(&backlogs, &commits, &unavailable, config, &epics));
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
        elsewhere: site.as_ref().map_or(&site::NOWHERE, |s| &s.elsewhere),
        portfolio: site.as_ref(),
        ..SiteInput::new(config, checked, &answers, readiness::today()?)
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
