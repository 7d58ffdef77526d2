//! Watching the backlog: every change under the backlog folders, or to popm.toml, becomes one
//! [`Change::Files`] on the server's channel, so that open pages read the backlog again.
//!
//! The watcher (notify, debounced: a save or a `git pull` that touches many files in a burst is
//! one change) runs on its own thread and lives as long as the returned [`Watch`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};
use tokio::sync::broadcast;

use crate::config::Config;
use crate::error::EnvError;

/// How long the files must be quiet before a change is told: short enough that a change shows
/// within a second, long enough that a burst is one change.
const QUIET: Duration = Duration::from_millis(150);

/// What the server tells open pages.
#[derive(Debug, Clone)]
pub enum Change {
    /// The backlog's files changed; the number counts the changes since the server started.
    Files(u64),
    /// The server is stopping: event streams end.
    Shutdown,
}

/// The running watcher; dropping it stops watching.
pub struct Watch {
    _debouncer: Debouncer<RecommendedWatcher>,
}

/// The folders watched: every backlog root (recursively) and the folder of popm.toml (only its
/// own entries, for popm.toml itself: an editor or popm replaces files by renaming, which a watch
/// of the file alone would not follow).
pub fn folders(config: &Config) -> Vec<(PathBuf, RecursiveMode)> {
    let mut folders: Vec<(PathBuf, RecursiveMode)> = config
        .roots
        .iter()
        .map(|root| (config.project_root.join(root), RecursiveMode::Recursive))
        .filter(|(path, _)| path.is_dir())
        .collect();
    let config_folder = config
        .file
        .as_ref()
        .and_then(|f| f.parent().map(PathBuf::from))
        .unwrap_or_else(|| config.project_root.clone());
    if !folders.iter().any(|(f, _)| *f == config_folder) {
        folders.push((config_folder, RecursiveMode::NonRecursive));
    }
    folders
}

/// Starts watching; each debounced burst of events sends `Change::Files` with the next count.
pub fn start(
    config: &Config,
    changes: broadcast::Sender<Change>,
    count: Arc<AtomicU64>,
) -> Result<Watch, EnvError> {
    let mut debouncer = new_debouncer(QUIET, move |result: DebounceEventResult| match result {
        Ok(events) if !events.is_empty() => {
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            // No page listening is not an error.
            let _ = changes.send(Change::Files(n));
        }
        Ok(_) => {}
        Err(e) => {
            let line = format!("popm serve: watching the backlog: {e}");
            eprintln!("{}", crate::render::safe::output(&line, false));
        }
    })
    .map_err(|e| EnvError::io("watch the backlog", std::io::Error::other(e)))?;
    for (folder, mode) in folders(config) {
        debouncer.watcher().watch(&folder, mode).map_err(|e| {
            EnvError::io(
                format!("watch {}", folder.display()),
                std::io::Error::other(e),
            )
        })?;
    }
    Ok(Watch {
        _debouncer: debouncer,
    })
}
