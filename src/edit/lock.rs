//! The backlog lock: one writing popm at a time per checkout.
//!
//! `popm set`, `move`, `renumber`, `new`, `fmt` and `import` read the backlog, decide, and write.
//! Two of them at once could both decide from the same reading (two `popm new` taking the same id,
//! two `popm set` each writing back the file without the other's change). Each takes this lock before
//! its first read and keeps it until it exits, so they run one after the other.
//!
//! The lock is an advisory lock on a file (`std::fs::File::try_lock`): `popm.lock` in the git
//! directory when there is one (nothing new in the work tree), else `.popm.lock` beside popm.toml.
//! The file is never opened through a symbolic link ([`crate::files::open_lock`]).
//! The operating system releases it when the process ends, however it ends, so a crash never leaves
//! a stale lock; the file itself stays (deleting a lock file races with the next process to open it).

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::EnvError;
use crate::git::Git;
use crate::source::Workspace;

/// How long a command waits for another one to finish, unless `POPM_LOCK_TIMEOUT` (seconds) says.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// Held while it lives; dropping it (or the process ending) releases the lock.
#[derive(Debug)]
pub struct BacklogLock {
    _file: Option<File>,
}

/// Where the lock of a checkout lives: in its git directory when it is in a repository, else
/// beside the configuration.
///
/// The git directory is the one gix opens, never a folder read from a `.git` file as it is: a `.git`
/// file may name any folder (an unpacked archive can carry one), and gix accepts only a folder that
/// is a git directory. A linked work tree gets its own git directory (inside the main repository's),
/// as it is a checkout of its own. A `.git` that gix cannot open is an error, not a reason to put
/// the lock elsewhere.
pub fn path(workspace: &Workspace) -> Result<PathBuf, EnvError> {
    let discovered;
    let git = match &workspace.git {
        Some(git) => Some(git),
        None => {
            discovered = Git::discover(&workspace.config.project_root)?;
            discovered.as_ref()
        }
    };
    Ok(match git {
        Some(git) => git.git_dir().join("popm.lock"),
        None => workspace.config.project_root.join(".popm.lock"),
    })
}

/// Waits (up to `POPM_LOCK_TIMEOUT` seconds, default 30) for the backlog lock.
pub fn acquire(workspace: &Workspace) -> Result<BacklogLock, EnvError> {
    let wait = std::env::var("POPM_LOCK_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e6)
        .map_or(DEFAULT_WAIT, Duration::from_secs_f64);
    acquire_at(&path(workspace)?, wait)
}

pub fn acquire_at(path: &Path, wait: Duration) -> Result<BacklogLock, EnvError> {
    // Never through a link: `.popm.lock` can be committed as one, and opening it would create or
    // lock the file it names, anywhere.
    let file = crate::files::open_lock(path)
        .map_err(|e| EnvError::io(format!("open the lock file {}", path.display()), e))?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(BacklogLock { _file: Some(file) }),
            Err(TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(EnvError::Locked {
                    lock: path.to_path_buf(),
                    waited_secs: wait.as_secs(),
                });
            }
            // A file system without locks (some network mounts): go on, as before locks existed;
            // the compare-before-rename of every write still refuses to overwrite a change.
            Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                let warning = format!(
                    "warning: cannot lock {} ({e}); writing without the lock",
                    path.display()
                );
                eprintln!("{}", crate::render::safe::output(&warning, false));
                return Ok(BacklogLock { _file: None });
            }
            Err(TryLockError::Error(e)) => {
                return Err(EnvError::io(format!("lock {}", path.display()), e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_makes_the_second_wait_then_give_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("popm.lock");
        let first = acquire_at(&path, Duration::ZERO).unwrap();
        let err = acquire_at(&path, Duration::from_millis(50)).unwrap_err();
        assert!(
            err.to_string()
                .contains("another popm is changing this backlog"),
            "{err}"
        );
        drop(first);
        acquire_at(&path, Duration::ZERO).unwrap();
    }
}
