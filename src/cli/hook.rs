//! `popm hook install|uninstall`: a plain git pre-commit hook running `popm check --staged`, for
//! teams without the pre-commit framework.
//!
//! The hooks folder can be a committed folder (`core.hooksPath = .githooks`), so anyone with push
//! access decides what lies there: a link at the hook's name, at a temporary name, or in place of
//! the folder itself. popm never writes through a link: the temporary file is created new under a
//! name nobody can predict, a hook that is a link is left alone, and a hooks folder inside the work
//! tree must resolve inside it. A hook that is not exactly what popm writes (someone else's, or
//! popm's edited by hand) is replaced only with `--force`, after a copy is kept beside it.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Outcome;
use crate::files;
use crate::git::Git;
use crate::workspace::EnvError;

/// Marks a hook as popm's own, so uninstall removes only what install wrote.
const MARKER: &str = "# installed by `popm hook install`";

/// Hooks are small scripts; a larger file is nobody's hook that popm should copy around.
const MAX_HOOK_BYTES: u64 = 16 << 20;

/// How many backups (`pre-commit.bak`, `pre-commit.bak.2`, ...) popm keeps before it asks for
/// some to be cleared.
const MAX_BACKUPS: usize = 100;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: HookCommand,
}

#[derive(Debug, clap::Subcommand)]
enum HookCommand {
    /// Write .git/hooks/pre-commit running `popm check --staged`.
    Install {
        /// Replace a pre-commit hook that popm did not write, or that was edited since (a copy is
        /// kept as pre-commit.bak).
        #[arg(long)]
        force: bool,
    },
    /// Remove the pre-commit hook, if popm wrote it and it was not changed since.
    Uninstall,
}

fn script() -> String {
    format!(
        "#!/bin/sh\n{MARKER}\n# Checks the backlog as it is about to be committed. Remove with `popm hook uninstall`.\n\
         exec popm check --staged\n"
    )
}

/// What lies at the hook's path.
enum Existing {
    Missing,
    /// Exactly what popm writes.
    Ours,
    /// popm's hook, edited since.
    Edited(Vec<u8>),
    /// Someone else's hook.
    Foreign(Vec<u8>),
}

pub fn run(dir: &Path, args: &Args) -> Result<Outcome, EnvError> {
    let dir = dir
        .canonicalize()
        .map_err(|e| EnvError::Other(format!("cannot use directory {}: {e}", dir.display())))?;
    let git = Git::discover(&dir)
        .map_err(EnvError::Other)?
        .ok_or_else(|| EnvError::Other(format!("{} is not in a git repository", dir.display())))?;
    let hooks = hooks_folder(&git)?;
    let hook = hooks.join("pre-commit");
    let existing = existing(&hook)?;
    match &args.command {
        HookCommand::Install { force } => {
            let (old, why) = match existing {
                Existing::Ours => {
                    say!("{} is already installed", hook.display());
                    return Ok(Outcome::Clean);
                }
                Existing::Missing => (None, ""),
                Existing::Edited(old) => (Some(old), "was changed since popm wrote it"),
                Existing::Foreign(old) => (Some(old), "exists and was not written by popm"),
            };
            if let Some(old) = old {
                if !force {
                    return Err(EnvError::Other(format!(
                        "{} {why}; use --force to replace it (it is kept as pre-commit.bak)",
                        hook.display()
                    )));
                }
                let backup = keep_backup(&hook, &old)?;
                say!("kept the previous hook as {}", backup.display());
            }
            std::fs::create_dir_all(&hooks)
                .map_err(|e| EnvError::Other(format!("cannot create {}: {e}", hooks.display())))?;
            // Again now that the folder exists, in case a link appeared meanwhile.
            hooks_folder(&git)?;
            write_executable(&hook, &script())?;
            say!("installed {}", hook.display());
        }
        HookCommand::Uninstall => match existing {
            Existing::Missing => say!("no pre-commit hook at {}", hook.display()),
            Existing::Foreign(_) => {
                return Err(EnvError::Other(format!(
                    "{} was not written by popm; leaving it alone",
                    hook.display()
                )));
            }
            Existing::Edited(_) => {
                return Err(EnvError::Other(format!(
                    "{} was changed since popm wrote it; leaving it alone",
                    hook.display()
                )));
            }
            Existing::Ours => {
                std::fs::remove_file(&hook).map_err(|e| {
                    EnvError::Other(format!("cannot remove {}: {e}", hook.display()))
                })?;
                say!("removed {}", hook.display());
            }
        },
    }
    Ok(Outcome::Clean)
}

/// The hooks folder, refused when it lies in the work tree but leads out of it (a committed link):
/// hooks would be written wherever the link points. A folder in the git directory or outside the
/// repository is the user's own setting (neither is committed), and is used as it is.
fn hooks_folder(git: &Git) -> Result<PathBuf, EnvError> {
    let wanted = files::lexical(&git.hooks_dir());
    let workdir = git.workdir();
    let in_git_dir = wanted.starts_with(files::lexical(git.common_dir()));
    if wanted.starts_with(workdir) && !in_git_dir {
        let real = files::resolve(&wanted).ok_or_else(|| {
            EnvError::Other(format!(
                "cannot resolve the hooks folder {}",
                wanted.display()
            ))
        })?;
        if !real.starts_with(workdir) {
            return Err(EnvError::Other(format!(
                "the hooks folder {} resolves to {}, outside the repository (a symbolic link?); \
                 popm writes hooks only inside it",
                wanted.display(),
                real.display()
            )));
        }
    }
    Ok(wanted)
}

fn existing(hook: &Path) -> Result<Existing, EnvError> {
    let bytes = match files::read_regular(hook, MAX_HOOK_BYTES) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(size)) => {
            return Err(EnvError::Other(format!(
                "{} is {size} bytes, too large for a hook popm would replace; move it away by hand",
                hook.display()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Missing),
        Err(e) if files::is_link_error(&e) => {
            return Err(EnvError::Other(format!(
                "{} is a symbolic link; popm never writes through a link or replaces one \
                 (remove it, or install the hook by hand)",
                hook.display()
            )));
        }
        Err(e) => {
            return Err(EnvError::Other(format!(
                "cannot read {}: {e}",
                hook.display()
            )));
        }
    };
    Ok(if bytes == script().as_bytes() {
        Existing::Ours
    } else if String::from_utf8_lossy(&bytes).contains(MARKER) {
        Existing::Edited(bytes)
    } else {
        Existing::Foreign(bytes)
    })
}

/// Copies the hook to the first free `pre-commit.bak`, `pre-commit.bak.2`, ... beside it, with its
/// permissions; an existing backup (or a link at its name) is never replaced.
fn keep_backup(hook: &Path, bytes: &[u8]) -> Result<PathBuf, EnvError> {
    let dir = hook.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::symlink_metadata(hook)
        .map(|m| m.permissions())
        .map_err(|e| EnvError::Other(format!("cannot read {}: {e}", hook.display())))?;
    for n in 1..=MAX_BACKUPS {
        let name = match n {
            1 => "pre-commit.bak".to_string(),
            n => format!("pre-commit.bak.{n}"),
        };
        let backup = dir.join(name);
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&backup);
        let mut file = match created {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(EnvError::Other(format!(
                    "cannot keep the old hook as {}: {e}",
                    backup.display()
                )));
            }
        };
        let written = file
            .write_all(bytes)
            .and_then(|()| file.set_permissions(permissions.clone()))
            .and_then(|()| file.sync_all());
        return match written {
            Ok(()) => Ok(backup),
            Err(e) => {
                let _ = std::fs::remove_file(&backup);
                Err(EnvError::Other(format!(
                    "cannot keep the old hook as {}: {e}",
                    backup.display()
                )))
            }
        };
    }
    Err(EnvError::Other(format!(
        "{} already holds {MAX_BACKUPS} backups of the pre-commit hook; remove some first",
        dir.display()
    )))
}

/// Writes through a new temporary file in the same folder (created, never opened through a link)
/// and renames it into place, so an interrupted write never leaves half a hook.
fn write_executable(path: &Path, text: &str) -> Result<(), EnvError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let failed =
        |e: std::io::Error| EnvError::Other(format!("cannot write {}: {e}", path.display()));
    let (mut file, tmp) = files::create_temporary(dir, "pre-commit").map_err(failed)?;
    let result = (|| -> std::io::Result<()> {
        file.write_all(text.as_bytes())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // On the open file (fchmod): nothing else can be changed through its name.
            file.set_permissions(std::fs::Permissions::from_mode(0o755))?;
        }
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e)
    })
}
