//! `popm diff [REV_A] [REV_B]`: the backlog change between two revisions.

use std::path::Path;

use super::write_out;
use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::git::{Git, ObjectId};
use crate::history::{git_of, head, short};
use crate::render::{self, ColorChoice};
use crate::report::diff;
use crate::source::{Source, Workspace};

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The older revision (default: the merge base of HEAD and the default branch: origin/HEAD,
    /// main, master, origin/main or origin/master, the first that has one).
    rev_a: Option<String>,
    /// The newer revision (default: the work tree).
    rev_b: Option<String>,
    /// Output format; markdown suits a pull request comment.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Human,
    Json,
    Markdown,
}

/// The default base: the merge base of HEAD and the default branch. CI checkouts (GitHub's
/// actions/checkout) often hold only `refs/remotes/origin/<branch>`, hence the remote names; a
/// candidate without a merge base with HEAD (unrelated history) gives way to the next.
fn default_base(git: &Git) -> Result<(String, ObjectId), EnvError> {
    let head = head(git)?;
    // The first failure says most (a shallow clone, say) if no candidate works.
    let mut failure: Option<crate::git::GitError> = None;
    for name in DEFAULT_BASES {
        let Ok(branch) = git.commit(name) else {
            continue;
        };
        match git.merge_base(branch, head, name) {
            Ok(base) => {
                return Ok((format!("merge-base({name}, HEAD) {}", short(&base)), base));
            }
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    if let Some(e) = failure {
        return Err(e.into());
    }
    Err(EnvError::NoDefaultBranch {
        tried: DEFAULT_BASES.to_vec(),
    })
}

const DEFAULT_BASES: [&str; 5] = [
    "origin/HEAD",
    "main",
    "master",
    "origin/main",
    "origin/master",
];

pub fn diff(
    dir: &Path,
    config: Option<&Path>,
    args: &DiffArgs,
    color: ColorChoice,
) -> Result<Outcome, EnvError> {
    let probe = Workspace::open_at(dir, config, Source::WorkTree, true)?;
    crate::edit::journal::settle(&probe, false)?;
    let git = git_of(&probe)?;
    let (from_label, from_commit) = match &args.rev_a {
        Some(rev) => (rev.clone(), git.commit(rev)?),
        None => default_base(git)?,
    };
    let before_ws = Workspace::open_at(dir, config, Source::Rev(from_commit.to_string()), true)?;
    // The base may predate the backlog: a root it does not hold is empty there.
    let before = crate::engine::check(
        &before_ws,
        &crate::engine::Request::allowing_missing_roots(),
    )?;
    let (to_label, after_ws) = match &args.rev_b {
        Some(rev) => (
            rev.clone(),
            Workspace::open_at(dir, config, Source::Rev(rev.clone()), true)?,
        ),
        None => ("work tree".to_string(), probe),
    };
    let after = crate::engine::check(&after_ws, &crate::engine::Request::whole())?;
    let d = diff::compute(
        (&before.backlog, &before_ws.config),
        (&after.backlog, &after_ws.config),
        from_label,
        to_label,
    );
    let mut colored = false;
    let text = match args.format {
        DiffFormat::Json => render::diff::json(&d),
        DiffFormat::Markdown => render::diff::markdown(&d),
        DiffFormat::Human => {
            colored = color.stdout();
            render::diff::human(&d, colored)
        }
    };
    write_out(&mut std::io::stdout().lock(), &text, colored)?;
    Ok(Outcome::Clean)
}
