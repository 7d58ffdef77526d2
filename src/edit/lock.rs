//! The backlog lock: one writing popm at a time per checkout.
//!
//! `popm set`, `move`, `renumber`, `new`, `fmt` and `import` read the backlog, decide, and write.
//! Two of them at once could both decide from the same reading (two `popm new` taking the same id,
//! two `popm set` each writing back the file without the other's change). Each takes this lock before
//! its first read and keeps it until it exits, so they run one after the other.
//!
//! The lock is an advisory lock on a file (`std::fs::File::try_lock`): `popm.lock` in the git
//! directory when there is one (nothing new in the work tree), else `.popm.lock` beside popm.toml.
//! The operating system releases it when the process ends, however it ends, so a crash never leaves
//! a stale lock; the file itself stays (deleting a lock file races with the next process to open it).

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::workspace::{EnvError, Workspace};

/// How long a command waits for another one to finish, unless `POPM_LOCK_TIMEOUT` (seconds) says.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// Held while it lives; dropping it (or the process ending) releases the lock.
#[derive(Debug)]
pub struct BacklogLock {
    _file: Option<File>,
}

/// Where the lock of a checkout lives: in its git directory (following a `.git` file, as worktrees
/// and submodules have), else beside the configuration.
pub fn path(workspace: &Workspace) -> PathBuf {
    let dot_git = workspace.display_root.join(".git");
    if dot_git.is_dir() {
        return dot_git.join("popm.lock");
    }
    if let Ok(text) = std::fs::read_to_string(&dot_git)
        && let Some(dir) = text.strip_prefix("gitdir:")
    {
        let dir = Path::new(dir.trim());
        let dir = workspace.display_root.join(dir);
        if dir.is_dir() {
            return dir.join("popm.lock");
        }
    }
    workspace.config.project_root.join(".popm.lock")
}

/// Waits (up to `POPM_LOCK_TIMEOUT` seconds, default 30) for the backlog lock.
pub fn acquire(workspace: &Workspace) -> Result<BacklogLock, EnvError> {
    let wait = std::env::var("POPM_LOCK_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e6)
        .map_or(DEFAULT_WAIT, Duration::from_secs_f64);
    acquire_at(&path(workspace), wait)
}

pub fn acquire_at(path: &Path, wait: Duration) -> Result<BacklogLock, EnvError> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| {
            EnvError::Other(format!("cannot open the lock file {}: {e}", path.display()))
        })?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(BacklogLock { _file: Some(file) }),
            Err(TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(EnvError::Other(format!(
                    "another popm is changing this backlog (it holds {}); waited {} s, nothing was changed (try again)",
                    path.display(),
                    wait.as_secs()
                )));
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
                return Err(EnvError::Other(format!(
                    "cannot lock {}: {e}",
                    path.display()
                )));
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
