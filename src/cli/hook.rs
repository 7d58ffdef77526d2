//! `popm hook install|uninstall`: a plain git pre-commit hook running `popm check --staged`, for
//! teams without the pre-commit framework.

use std::path::Path;

use super::Outcome;
use crate::git::Git;
use crate::workspace::EnvError;

/// Marks a hook as popm's own, so uninstall removes only what install wrote.
const MARKER: &str = "# installed by `popm hook install`";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: HookCommand,
}

#[derive(Debug, clap::Subcommand)]
enum HookCommand {
    /// Write .git/hooks/pre-commit running `popm check --staged`.
    Install {
        /// Replace a pre-commit hook that popm did not write (it is kept as pre-commit.bak).
        #[arg(long)]
        force: bool,
    },
    /// Remove the pre-commit hook, if popm wrote it.
    Uninstall,
}

fn script() -> String {
    format!(
        "#!/bin/sh\n{MARKER}\n# Checks the backlog as it is about to be committed. Remove with `popm hook uninstall`.\n\
         exec popm check --staged\n"
    )
}

pub fn run(dir: &Path, args: &Args) -> Result<Outcome, EnvError> {
    let dir = dir
        .canonicalize()
        .map_err(|e| EnvError::Other(format!("cannot use directory {}: {e}", dir.display())))?;
    let git = Git::discover(&dir)
        .map_err(EnvError::Other)?
        .ok_or_else(|| EnvError::Other(format!("{} is not in a git repository", dir.display())))?;
    let hooks = git.hooks_dir();
    let hook = hooks.join("pre-commit");
    let existing = match std::fs::read(&hook) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(EnvError::Other(format!(
                "cannot read {}: {e}",
                hook.display()
            )));
        }
    };
    let ours = existing.as_deref().is_some_and(|t| t.contains(MARKER));
    match &args.command {
        HookCommand::Install { force } => {
            if existing.is_some() && !ours {
                if !force {
                    return Err(EnvError::Other(format!(
                        "{} exists and was not written by popm; use --force to replace it (it is kept as pre-commit.bak)",
                        hook.display()
                    )));
                }
                let backup = hooks.join("pre-commit.bak");
                std::fs::rename(&hook, &backup).map_err(|e| {
                    EnvError::Other(format!(
                        "cannot keep the old hook as {}: {e}",
                        backup.display()
                    ))
                })?;
                say!("kept the previous hook as {}", backup.display());
            }
            std::fs::create_dir_all(&hooks)
                .map_err(|e| EnvError::Other(format!("cannot create {}: {e}", hooks.display())))?;
            write_executable(&hook, &script())?;
            say!("installed {}", hook.display());
        }
        HookCommand::Uninstall => match (existing, ours) {
            (None, _) => say!("no pre-commit hook at {}", hook.display()),
            (Some(_), false) => {
                return Err(EnvError::Other(format!(
                    "{} was not written by popm; leaving it alone",
                    hook.display()
                )));
            }
            (Some(_), true) => {
                std::fs::remove_file(&hook).map_err(|e| {
                    EnvError::Other(format!("cannot remove {}: {e}", hook.display()))
                })?;
                say!("removed {}", hook.display());
            }
        },
    }
    Ok(Outcome::Clean)
}

/// Writes through a temporary file in the same folder and renames it into place, so an
/// interrupted write never leaves half a hook.
fn write_executable(path: &Path, text: &str) -> Result<(), EnvError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(".pre-commit.popm-tmp");
    let result = (|| -> std::io::Result<()> {
        std::fs::write(&tmp, text)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))?;
        }
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        EnvError::Other(format!("cannot write {}: {e}", path.display()))
    })
}
