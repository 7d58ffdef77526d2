//! `popm hook install|uninstall`: the plain pre-commit hook of [`crate::hook`].

use std::path::Path;

use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::git::Git;
use crate::hook::{self, Existing, HookError};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: HookCommand,
}

#[derive(Debug, clap::Subcommand)]
enum HookCommand {
    /// Write .git/hooks/pre-commit running `popm check --pre-commit`.
    ///
    /// The hook runs this popm (its path is recorded), or the popm on PATH when this one is gone.
    Install {
        /// Replace a pre-commit hook that popm did not write, or that was edited since (a copy is
        /// kept as pre-commit.bak).
        #[arg(long)]
        force: bool,
    },
    /// Remove the pre-commit hook, if popm wrote it and it was not changed since.
    Uninstall,
}

pub fn run(dir: &Path, args: &Args) -> Result<Outcome, EnvError> {
    let dir = dir
        .canonicalize()
        .map_err(|e| EnvError::io(format!("use directory {}", dir.display()), e))?;
    let git = Git::discover(&dir)?.ok_or(EnvError::NotInRepository(dir))?;
    let hooks = hook::hooks_folder(&git)?;
    let path = hooks.join("pre-commit");
    let existing = hook::existing(&path)?;
    match &args.command {
        HookCommand::Install { force } => {
            let old = match existing {
                Existing::Ours => {
                    println_safe!("{} is already installed", path.display());
                    return Ok(Outcome::Clean);
                }
                // popm's own hook, from another popm: replaced as it is ours.
                Existing::Missing | Existing::OtherPopm => None,
                Existing::Edited(old) => Some((old, true)),
                Existing::Foreign(old) => Some((old, false)),
            };
            if let Some((old, edited)) = old {
                if !force {
                    return Err(HookError::Exists { path, edited }.into());
                }
                let backup = hook::keep_backup(&path, &old)?;
                println_safe!("kept the previous hook as {}", backup.display());
            }
            std::fs::create_dir_all(&hooks)
                .map_err(|e| EnvError::io(format!("create {}", hooks.display()), e))?;
            // Again now that the folder exists, in case a link appeared meanwhile.
            hook::hooks_folder(&git)?;
            let popm = hook::this_popm();
            hook::write_executable(&path, &hook::script(popm.as_deref()))?;
            if popm.is_none() {
                eprintln_safe!(
                    "note: the path of this popm cannot be recorded; the hook runs the popm on PATH"
                );
            }
            println_safe!("installed {}", path.display());
        }
        HookCommand::Uninstall => match existing {
            Existing::Missing => println_safe!("no pre-commit hook at {}", path.display()),
            Existing::Foreign(_) => return Err(HookError::Foreign(path).into()),
            Existing::Edited(_) => return Err(HookError::Edited(path).into()),
            Existing::Ours | Existing::OtherPopm => {
                std::fs::remove_file(&path)
                    .map_err(|e| EnvError::io(format!("remove {}", path.display()), e))?;
                println_safe!("removed {}", path.display());
            }
        },
    }
    Ok(Outcome::Clean)
}
