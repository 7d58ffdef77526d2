//! `popm cache info|clear`: the parse cache of this project.

use clap::Subcommand;

use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Where the cache is, how many entries it holds and its size.
    Info,
    /// Remove this project's cache files (the next run parses every file again).
    Clear,
}

pub fn run(workspace: &Workspace, args: &Args) -> Result<Outcome, EnvError> {
    let (config, root) = (&workspace.config, &workspace.display_root);
    let Some(info) = crate::cache::info(config, root) else {
        eprintln_safe!(
            "popm: no cache: no git directory, no POPM_CACHE_DIR and no platform cache directory"
        );
        return Ok(Outcome::Clean);
    };
    let text = match args.action {
        Action::Info => crate::render::cache::info(&info),
        Action::Clear => {
            let removed = crate::cache::clear(config, root)
                .map_err(|e| EnvError::io(format!("clear {}", info.dir.display()), e))?;
            crate::render::cache::cleared(removed, &info.dir)
        }
    };
    print!("{}", crate::render::safe::output(&text, false));
    Ok(Outcome::Clean)
}
