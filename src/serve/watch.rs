//! Watching the backlog: every change under the backlog folders, or to popm.toml, becomes one
//! [`Change::Files`] on the server's channel, so that open pages read the backlog again.
//!
//! notify's watcher reports every event; reads are dropped here (inotify reports opening a file
//! too, and every page popm serves opens the files: counting reads as changes would make each
//! refresh announce another), and a burst of changes (a save, a `git pull`) is told once, when
//! the files have been quiet for [`QUIET`]. The debouncing thread ends when the returned
//! [`Watch`] is dropped.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
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

/// The running watcher; dropping it stops watching (and its thread).
pub struct Watch {
    _watcher: RecommendedWatcher,
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

/// Is this event a change of the files (not a read, an open or a close)?
fn is_change(event: &Event) -> bool {
    !matches!(event.kind, EventKind::Access(_))
}

/// Starts watching; each burst of changes sends `Change::Files` with the next count.
pub fn start(
    config: &Config,
    changes: broadcast::Sender<Change>,
    count: Arc<AtomicU64>,
) -> Result<Watch, EnvError> {
    let (events, received) = mpsc::channel::<()>();
    let mut watcher =
        notify::recommended_watcher(move |result: notify::Result<Event>| match result {
            Ok(event) if is_change(&event) => {
                let _ = events.send(());
            }
            Ok(_) => {}
            Err(e) => {
                let line = format!("popm serve: watching the backlog: {e}");
                eprintln!("{}", crate::render::safe::output(&line, false));
            }
        })
        .map_err(|e| EnvError::io("watch the backlog", std::io::Error::other(e)))?;
    for (folder, mode) in folders(config) {
        watcher.watch(&folder, mode).map_err(|e| {
            EnvError::io(
                format!("watch {}", folder.display()),
                std::io::Error::other(e),
            )
        })?;
    }
    std::thread::Builder::new()
        .name("popm serve watch".into())
        .spawn(move || {
            // Ends when the watcher (holding the sender) is dropped.
            while received.recv().is_ok() {
                loop {
                    match received.recv_timeout(QUIET) {
                        Ok(()) => continue,
                        Err(mpsc::RecvTimeoutError::Timeout) => break,
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                // No page listening is not an error.
                let _ = changes.send(Change::Files(n));
            }
        })
        .map_err(|e| EnvError::io("start watching the backlog", e))?;
    Ok(Watch { _watcher: watcher })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};

    /// Serving a page opens every item file, and inotify reports each opening: counted as changes,
    /// they made every refresh of a page announce the next one, for ever.
    #[test]
    fn reads_are_not_changes_but_writes_and_renames_are() {
        let event = |kind| Event::new(kind).add_path("backlog/S-1.md".into());
        assert!(!is_change(&event(EventKind::Access(AccessKind::Open(
            AccessMode::Any
        )))));
        assert!(!is_change(&event(EventKind::Access(AccessKind::Close(
            AccessMode::Read
        )))));
        assert!(!is_change(&event(EventKind::Access(AccessKind::Close(
            AccessMode::Write
        )))));
        assert!(is_change(&event(EventKind::Modify(ModifyKind::Any))));
        assert!(is_change(&event(EventKind::Modify(ModifyKind::Name(
            RenameMode::To
        )))));
        assert!(is_change(&event(EventKind::Create(CreateKind::File))));
        assert!(is_change(&event(EventKind::Remove(
            notify::event::RemoveKind::File
        ))));
    }
}
