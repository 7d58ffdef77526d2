//! All-or-nothing writes: every command that writes item files (`set`, `move`, `renumber`, `fmt`,
//! `new`, `import`) hands all its files to [`commit`] at once, and either every file gets its new
//! text or none does, even when popm is killed half-way.
//!
//! The order of the steps is what makes it so:
//!
//! 1. the journal (`popm.journal` beside the backlog lock: in the git directory, or
//!    `.popm.journal` beside popm.toml outside git) is written, saying "preparing" and listing each
//!    file with its temporary file and a fingerprint of what popm read;
//! 2. each new text is written to its temporary file beside the target and flushed to disk;
//! 3. every target is compared with what popm read (or must still be absent, for a new file); a
//!    difference stops here, temporary files and journal are removed, and nothing was written;
//! 4. the journal is rewritten saying "committed": from here on the change is decided;
//! 5. each temporary file is renamed over its target, then each file to remove (the old name of a
//!    renamed file) is removed, the folders are flushed, the journal removed.
//!
//! A run that stops before step 4 leaves a "preparing" journal: the next popm removes its temporary
//! files (rolls back). One that stops after it leaves a "committed" journal: the next popm renames
//! the temporary files still there (rolls forward). Writing commands do this under the backlog lock
//! before they read anything; reading commands do it when the lock is free (no popm is writing).
//!
//! A journal is data on disk like any other (outside git it lies in the work tree, where an
//! unpacked archive can bring one), so it is checked before it is followed: it must be a regular
//! file of at most [`MAX_JOURNAL_BYTES`], every path a `.md` file in a folder that resolves inside
//! a backlog root (where popm writes anyway), and every temporary file one popm names for its
//! target in the same folder. Files are read as the backlog reader reads them, never through a
//! link.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::write::{self, WriteError};
use crate::error::EnvError;
use crate::source::Workspace;

/// One file a command writes.
#[derive(Debug, Clone)]
pub struct Write {
    pub path: PathBuf,
    /// The bytes popm read and decided from; `None` for a file that must not exist yet.
    pub before: Option<Vec<u8>>,
    pub text: String,
    /// Remove the file (provided it still holds `before`) instead of writing `text`: the old name
    /// of a renamed file, whose text goes to its new name as a [`Write::create`].
    pub remove: bool,
}

impl Write {
    /// Replace an existing file, provided it still holds `before`.
    pub fn replace(path: PathBuf, before: Vec<u8>, text: String) -> Write {
        Write {
            path,
            before: Some(before),
            text,
            remove: false,
        }
    }

    /// Remove an existing file, provided it still holds `before` (after every other write).
    pub fn remove(path: PathBuf, before: Vec<u8>) -> Write {
        Write {
            path,
            before: Some(before),
            text: String::new(),
            remove: true,
        }
    }

    /// Create a file that must not exist.
    pub fn create(path: PathBuf, text: String) -> Write {
        Write {
            path,
            before: None,
            text,
            remove: false,
        }
    }
}

/// The journal's format version.
const VERSION: u32 = 1;

/// A journal lists each file once, in about 150 bytes: this is room for more files than
/// `max_items` allows by default, and keeps a planted journal from filling the memory.
const MAX_JOURNAL_BYTES: u64 = 256 << 20;

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    popm_journal: u32,
    /// The command that wrote it, for the messages of the run that finishes it.
    command: String,
    state: State,
    writes: Vec<Entry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum State {
    Preparing,
    Committed,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// The target, relative to the root, with `/`.
    path: String,
    /// Its temporary file's name, in the same folder.
    temp: String,
    /// A fingerprint of what the target held when popm decided (length and FNV-1a), or `absent`.
    before: String,
    /// The target is removed rather than written (no temporary file is prepared for it). Absent
    /// from journals without removals, which read as before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    remove: bool,
}

/// Where the journal of a checkout lives: beside its backlog lock.
pub fn path(workspace: &Workspace) -> Result<PathBuf, EnvError> {
    Ok(super::lock::path(workspace)?.with_extension("journal"))
}

/// Writes every file or none (see the module documentation). The caller holds the backlog lock.
pub fn commit(workspace: &Workspace, writes: &[Write]) -> Result<(), WriteError> {
    let journal = path(workspace).map_err(|e| WriteError::Io {
        path: "the backlog journal".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    commit_at(&journal, &workspace.display_root, &invocation(), writes)
}

/// This run's command line after `popm`, as the journal records it: the next run names it, and
/// tells a retry of the same command from another one.
pub fn invocation() -> String {
    std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`commit`] with the journal's path and the root that paths in it are relative to.
pub fn commit_at(
    journal: &Path,
    root: &Path,
    command: &str,
    writes: &[Write],
) -> Result<(), WriteError> {
    if writes.is_empty() {
        return Ok(());
    }
    if std::fs::symlink_metadata(journal).is_ok() {
        // Callers settle an earlier journal first; never write over one.
        return Err(WriteError::Io {
            path: journal.display().to_string(),
            source: std::io::Error::other("an interrupted popm command is not finished yet"),
        });
    }
    let crash = CrashPoint::from_env();
    let io = |path: &Path| {
        let shown = path.display().to_string();
        move |source| WriteError::Io {
            path: shown,
            source,
        }
    };
    let mut entries = Vec::with_capacity(writes.len());
    let mut temps = Vec::with_capacity(writes.len());
    for w in writes {
        let relative = relative_text(root, &w.path).ok_or_else(|| WriteError::Io {
            path: w.path.display().to_string(),
            source: std::io::Error::other(
                "the file is not inside the work tree, or its name is not UTF-8",
            ),
        })?;
        let temp = write::temp_name(&w.path, entries.len());
        temps.push(write::folder(&w.path).join(&temp));
        entries.push(Entry {
            path: relative,
            temp,
            before: w
                .before
                .as_deref()
                .map_or_else(|| ABSENT.into(), fingerprint),
            remove: w.remove,
        });
    }
    let mut record = Record {
        popm_journal: VERSION,
        command: command.to_string(),
        state: State::Preparing,
        writes: entries,
    };
    save(journal, &record).map_err(io(journal))?;
    // From here until the journal says "committed", a failure removes what was prepared.
    let undo = |made: &[PathBuf]| {
        for temp in made {
            let _ = std::fs::remove_file(temp);
        }
        let _ = std::fs::remove_file(journal);
    };
    for (n, (w, temp)) in writes.iter().zip(&temps).enumerate() {
        if w.remove {
            continue;
        }
        let permissions = match &w.before {
            Some(_) => match std::fs::symlink_metadata(&w.path) {
                Ok(m) if m.is_file() => Some(m.permissions()),
                // A link or a pipe now: not the file popm read (and not whose mode to copy).
                Ok(_) => {
                    undo(&temps[..n]);
                    return Err(WriteError::Changed(w.path.display().to_string()));
                }
                Err(e) => {
                    undo(&temps[..n]);
                    return Err(io(&w.path)(e));
                }
            },
            None => None,
        };
        if let Err(e) = write::prepare(temp, &w.text, permissions) {
            // A temporary file that was there already belongs to someone else: not removed.
            let made = if e.kind() == std::io::ErrorKind::AlreadyExists {
                n
            } else {
                n + 1
            };
            undo(&temps[..made]);
            return Err(io(&w.path)(e));
        }
        crash.at("prepare", n + 1);
    }
    // The last look at every target before the decision.
    for w in writes {
        let unchanged = match &w.before {
            Some(before) => read_target(&w.path).is_some_and(|now| now == *before),
            None => std::fs::symlink_metadata(&w.path)
                .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound),
        };
        if !unchanged {
            undo(&temps);
            return Err(WriteError::Changed(w.path.display().to_string()));
        }
    }
    record.state = State::Committed;
    save(journal, &record).map_err(|e| {
        undo(&temps);
        io(journal)(e)
    })?;
    crash.at("commit", 0);
    // Written files first, removals last: a stop in between leaves both names, never neither.
    let ordered = writes
        .iter()
        .zip(&temps)
        .filter(|(w, _)| !w.remove)
        .chain(writes.iter().zip(&temps).filter(|(w, _)| w.remove));
    for (n, (w, temp)) in ordered.enumerate() {
        let done = if w.remove {
            std::fs::remove_file(&w.path)
        } else {
            std::fs::rename(temp, &w.path)
        };
        if let Err(source) = done {
            return Err(WriteError::Unfinished {
                path: w.path.display().to_string(),
                source,
                done: n,
                total: writes.len(),
                journal: journal.display().to_string(),
            });
        }
        crash.at("rename", n + 1);
    }
    let folders: BTreeSet<&Path> = writes.iter().map(|w| write::folder(&w.path)).collect();
    for folder in folders {
        write::sync_folder(folder).map_err(io(folder))?;
    }
    // Every file is in place and on disk; the journal has done its work.
    std::fs::remove_file(journal).map_err(io(journal))?;
    Ok(())
}

/// Finishes what an interrupted command left (see the module documentation). Writing commands call
/// it holding the lock (`locked`), and a journal they cannot settle stops them; reading commands
/// call it without, take the lock only if it is free, and go on whatever happens, with a warning.
/// Returns the command line of a command it completed (rolled forward), for a writing command.
pub fn settle(workspace: &Workspace, locked: bool) -> Result<Option<String>, EnvError> {
    let lock_path = super::lock::path(workspace)?;
    let journal = lock_path.with_extension("journal");
    if std::fs::symlink_metadata(&journal).is_err() {
        return Ok(None);
    }
    let roots = backlog_roots(workspace);
    if locked {
        return settle_at(&journal, &workspace.display_root, &roots).map_err(EnvError::Journal);
    }
    match super::lock::acquire_at(&lock_path, std::time::Duration::ZERO) {
        Ok(_lock) => {
            if let Err(e) = settle_at(&journal, &workspace.display_root, &roots) {
                note(&format!("warning: {e}"));
            }
        }
        Err(_) => note(
            "note: another popm is writing this backlog right now; what follows may show its change half made",
        ),
    }
    Ok(None)
}

/// The backlog roots with links resolved: the only folders a journal may name.
fn backlog_roots(workspace: &Workspace) -> Vec<PathBuf> {
    let config = &workspace.config;
    config
        .roots
        .iter()
        .filter_map(|r| config.project_root.join(r).canonicalize().ok())
        .collect()
}

/// [`settle`] with the journal's path, the root its paths are relative to and the folders
/// (resolved) its files may lie in.
pub fn settle_at(journal: &Path, root: &Path, roots: &[PathBuf]) -> Result<Option<String>, String> {
    let shown = journal.display();
    let meta = match std::fs::symlink_metadata(journal) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    };
    if !meta.is_file() {
        return Err(format!(
            "{shown} is not a journal popm wrote (it is a link or a folder); remove it"
        ));
    }
    let record: Record = crate::files::read_regular(journal, MAX_JOURNAL_BYTES)
        .map_err(|e| e.to_string())
        .and_then(|read| {
            read.map_err(|size| format!("it is {size} bytes, more than popm ever writes"))
        })
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
        .map_err(|e| {
            format!(
                "{shown}: the record of an interrupted popm command cannot be read ({e}); check the backlog (`popm check`, `git status`), then remove it"
            )
        })?;
    if record.popm_journal != VERSION {
        return Err(format!(
            "{shown} was written by another version of popm (format {}); finish or undo its change with that version, or remove it",
            record.popm_journal
        ));
    }
    let command = &record.command;
    let total = record.writes.len();
    let mut places = Vec::with_capacity(total);
    for entry in &record.writes {
        places.push(
            place(root, roots, entry)
                .map_err(|why| format!("{shown}: refusing to follow it: {why}; remove it"))?,
        );
    }
    match record.state {
        State::Preparing => {
            for (_, temp) in places.iter().flatten() {
                if std::fs::symlink_metadata(temp).is_ok_and(|m| m.is_file()) {
                    std::fs::remove_file(temp)
                        .map_err(|e| format!("cannot remove {}: {e}", temp.display()))?;
                }
            }
            std::fs::remove_file(journal).map_err(|e| format!("cannot remove {shown}: {e}"))?;
            note(&format!(
                "note: undid an interrupted `popm {command}`: none of its {total} file(s) had been written; its temporary files are removed"
            ));
            Ok(None)
        }
        State::Committed => {
            let mut now = 0;
            // As in `commit_at`: written files first, removals last.
            let entries = record.writes.iter().zip(&places);
            let ordered = entries
                .clone()
                .filter(|(e, _)| !e.remove)
                .chain(entries.filter(|(e, _)| e.remove));
            for (entry, place) in ordered {
                let Some((target, temp)) = place else {
                    continue;
                };
                if entry.remove {
                    // Removed only as popm read it: a file changed since is someone's work.
                    if read_target(target).is_some_and(|b| fingerprint(&b) == entry.before) {
                        std::fs::remove_file(target)
                            .map_err(|e| format!("cannot remove {}: {e}", entry.path))?;
                        now += 1;
                    }
                    continue;
                }
                if !std::fs::symlink_metadata(temp).is_ok_and(|m| m.is_file()) {
                    continue;
                }
                let as_planned = if entry.before == ABSENT {
                    std::fs::symlink_metadata(target)
                        .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
                } else {
                    read_target(target).is_some_and(|b| fingerprint(&b) == entry.before)
                };
                if as_planned {
                    std::fs::rename(temp, target)
                        .map_err(|e| format!("cannot write {}: {e}", entry.path))?;
                    now += 1;
                    continue;
                }
                // Someone changed the file after popm stopped: theirs stays, popm's text is kept
                // beside it for them to compare.
                let aside = target.with_file_name(format!(
                    "{}.popm-unfinished",
                    target.file_name().unwrap_or_default().to_string_lossy()
                ));
                let kept = if std::fs::symlink_metadata(&aside).is_err() {
                    std::fs::rename(temp, &aside).map_or_else(|_| temp.clone(), |()| aside)
                } else {
                    temp.clone()
                };
                note(&format!(
                    "warning: {} changed after an interrupted `popm {command}` planned to write it; it is kept as it is, and popm's text is in {}",
                    entry.path,
                    kept.display()
                ));
            }
            let folders: BTreeSet<&Path> = places
                .iter()
                .flatten()
                .map(|(target, _)| write::folder(target))
                .collect();
            for folder in folders {
                let _ = write::sync_folder(folder);
            }
            std::fs::remove_file(journal).map_err(|e| format!("cannot remove {shown}: {e}"))?;
            note(&format!(
                "note: finished an interrupted `popm {command}`: {now} of its {total} file(s) written now, the others before it stopped"
            ));
            Ok(Some(record.command))
        }
    }
}

const ABSENT: &str = "absent";

/// A target's bytes as the backlog reader reads them: a regular file, never through a link (a
/// file replaced by a link or a pipe is not the file popm read).
fn read_target(path: &Path) -> Option<Vec<u8>> {
    crate::files::read_regular(path, u64::MAX).ok()?.ok()
}

/// A line on stderr, through the terminal safety gate (paths come from the journal).
fn note(message: &str) {
    eprintln!("{}", crate::render::safe::output(message, false));
}

/// Length and 64-bit FNV-1a of a file's bytes: enough to tell whether a file is still the one popm
/// read (this guards against accidents, not against someone forging a journal, who could as well
/// write the file directly).
fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{}:{hash:016x}", bytes.len())
}

/// A path below `root` as journal text (`backlog/S-1.md`); `None` outside it or not UTF-8.
fn relative_text(root: &Path, path: &Path) -> Option<String> {
    // The two may be spelled differently (a link in a parent folder): compare them resolved.
    let resolved = || -> Option<PathBuf> {
        let folder = write::folder(path).canonicalize().ok()?;
        let relative = folder.strip_prefix(root.canonicalize().ok()?).ok()?;
        Some(relative.join(path.file_name()?))
    };
    let relative = match path.strip_prefix(root) {
        Ok(relative) => relative.to_path_buf(),
        Err(_) => resolved()?,
    };
    let mut parts = Vec::new();
    for c in relative.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str()?),
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The target and temporary file of an entry, after checking that both are what popm would have
/// written; `None` when the target's folder is gone (nothing there to finish).
fn place(
    root: &Path,
    roots: &[PathBuf],
    entry: &Entry,
) -> Result<Option<(PathBuf, PathBuf)>, String> {
    let relative = Path::new(&entry.path);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    let name = relative.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if !plain || !name.ends_with(".md") || entry.path.contains('\\') {
        return Err(format!("`{}` is not an item file's path", entry.path));
    }
    if !write::is_temp_name_of(&entry.temp, name) {
        return Err(format!(
            "`{}` is not a temporary file popm writes for {name}",
            entry.temp
        ));
    }
    let target = root.join(relative);
    let folder = write::folder(&target);
    let Ok(real_folder) = folder.canonicalize() else {
        return Ok(None);
    };
    if !roots.iter().any(|r| real_folder.starts_with(r)) {
        return Err(format!("`{}` is not in a backlog folder", entry.path));
    }
    let temp = folder.join(&entry.temp);
    Ok(Some((target, temp)))
}

fn save(journal: &Path, record: &Record) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    write::replace_own(journal, &bytes)
}

/// The test hook `POPM_TEST_CRASH_AT` (for tests only; documented in docs/security.md): stops the
/// process abruptly at one step of a write, as a kill would, so that tests can check what the
/// next run makes of it. Values: `prepare:N` (after N temporary files), `commit`, `rename:N`
/// (after N renames).
struct CrashPoint(Option<String>);

impl CrashPoint {
    fn from_env() -> CrashPoint {
        CrashPoint(std::env::var("POPM_TEST_CRASH_AT").ok())
    }

    fn at(&self, step: &str, n: usize) {
        let Some(wanted) = &self.0 else {
            return;
        };
        let here = if step == "commit" {
            wanted == step
        } else {
            wanted
                .strip_prefix(step)
                .and_then(|w| w.strip_prefix(':'))
                .and_then(|w| w.parse::<usize>().ok())
                == Some(n)
        };
        if here {
            eprintln!("popm: POPM_TEST_CRASH_AT={wanted}: stopping here, as a crash would");
            std::process::abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("backlog")).unwrap();
        std::fs::create_dir(root.join(".git")).unwrap();
        let journal = root.join(".git/popm.journal");
        (dir, root, journal)
    }

    fn roots(root: &Path) -> Vec<PathBuf> {
        vec![root.join("backlog")]
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn all_files_are_written_and_nothing_is_left() {
        let (_dir, root, journal) = setup();
        let a = root.join("backlog/A.md");
        std::fs::write(&a, "old a").unwrap();
        let writes = [
            Write::replace(a.clone(), b"old a".to_vec(), "new a".into()),
            Write::create(root.join("backlog/B.md"), "new b".into()),
        ];
        commit_at(&journal, &root, "test", &writes).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(files(&root.join("backlog")), ["A.md", "B.md"]);
        assert!(!journal.exists());
    }

    #[test]
    fn a_changed_file_stops_every_write() {
        let (_dir, root, journal) = setup();
        let a = root.join("backlog/A.md");
        let b = root.join("backlog/B.md");
        std::fs::write(&a, "old a").unwrap();
        std::fs::write(&b, "someone else's b").unwrap();
        let writes = [
            Write::replace(a.clone(), b"old a".to_vec(), "new a".into()),
            Write::replace(b.clone(), b"old b".to_vec(), "new b".into()),
        ];
        let err = commit_at(&journal, &root, "test", &writes).unwrap_err();
        assert!(matches!(err, WriteError::Changed(_)), "{err}");
        assert!(
            err.to_string()
                .ends_with("nothing was written (run the command again)")
        );
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert_eq!(files(&root.join("backlog")), ["A.md", "B.md"]);
        assert!(!journal.exists());
        // A file that appeared where a new one goes stops it too.
        let writes = [Write::create(b.clone(), "new".into())];
        assert!(commit_at(&journal, &root, "test", &writes).is_err());
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "someone else's b");
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, root, journal) = setup();
        let path = root.join("backlog/F-1.md");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let writes = [Write::replace(path.clone(), b"old".to_vec(), "new".into())];
        commit_at(&journal, &root, "test", &writes).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }

    /// A journal as an interrupted run leaves it, with its temporary files.
    fn interrupted(root: &Path, journal: &Path, state: State) -> (PathBuf, PathBuf) {
        let a = root.join("backlog/A.md");
        let b = root.join("backlog/B.md");
        std::fs::write(&a, "old a").unwrap();
        std::fs::write(&b, "old b").unwrap();
        let temp_a = ".A.md.popm-7.tmp";
        let temp_b = ".B.md.popm-7.tmp";
        std::fs::write(root.join("backlog").join(temp_a), "new a").unwrap();
        std::fs::write(root.join("backlog").join(temp_b), "new b").unwrap();
        let record = Record {
            popm_journal: VERSION,
            command: "renumber".into(),
            state,
            writes: vec![
                Entry {
                    path: "backlog/A.md".into(),
                    temp: temp_a.into(),
                    before: fingerprint(b"old a"),
                    remove: false,
                },
                Entry {
                    path: "backlog/B.md".into(),
                    temp: temp_b.into(),
                    before: fingerprint(b"old b"),
                    remove: false,
                },
            ],
        };
        save(journal, &record).unwrap();
        (a, b)
    }

    #[test]
    fn preparing_is_rolled_back_and_committed_rolled_forward() {
        let (_dir, root, journal) = setup();
        let (a, b) = interrupted(&root, &journal, State::Preparing);
        assert_eq!(settle_at(&journal, &root, &roots(&root)), Ok(None));
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert_eq!(files(&root.join("backlog")), ["A.md", "B.md"]);
        assert!(!journal.exists());

        let (a, b2) = interrupted(&root, &journal, State::Committed);
        // The first rename happened before the crash.
        std::fs::rename(root.join("backlog/.A.md.popm-7.tmp"), &a).unwrap();
        assert_eq!(
            settle_at(&journal, &root, &roots(&root)),
            Ok(Some("renumber".into()))
        );
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(&b2).unwrap(), "new b");
        assert_eq!(b, b2);
        assert_eq!(files(&root.join("backlog")), ["A.md", "B.md"]);
        assert!(!journal.exists());
        // Settling twice is settling once.
        assert_eq!(settle_at(&journal, &root, &roots(&root)), Ok(None));
    }

    #[test]
    fn a_file_edited_after_the_crash_is_not_overwritten() {
        let (_dir, root, journal) = setup();
        let (a, b) = interrupted(&root, &journal, State::Committed);
        std::fs::write(&b, "edited by hand").unwrap();
        settle_at(&journal, &root, &roots(&root)).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "edited by hand");
        assert_eq!(
            std::fs::read_to_string(root.join("backlog/B.md.popm-unfinished")).unwrap(),
            "new b"
        );
    }

    #[test]
    fn a_forged_journal_is_not_followed() {
        let (_dir, root, journal) = setup();
        std::fs::write(root.join("victim"), "keep").unwrap();
        for (path, temp) in [
            ("../victim.md", ".victim.md.popm-1.tmp"),
            ("victim", ".victim.popm-1.tmp"),
            ("backlog/A.md", "../../victim"),
            ("/etc/A.md", ".A.md.popm-1.tmp"),
        ] {
            let record = format!(
                r#"{{"popm_journal":1,"command":"x","state":"committed","writes":[{{"path":"{path}","temp":"{temp}","before":"absent"}}]}}"#
            );
            std::fs::write(&journal, record).unwrap();
            let err = settle_at(&journal, &root, &roots(&root)).unwrap_err();
            assert!(err.contains("refusing to follow it"), "{err}");
        }
        // A `.md` file of the work tree outside the backlog folders.
        std::fs::write(root.join(".README.md.popm-1.tmp"), "planted").unwrap();
        std::fs::write(
            &journal,
            r#"{"popm_journal":1,"command":"x","state":"committed","writes":[{"path":"README.md","temp":".README.md.popm-1.tmp","before":"absent"}]}"#,
        )
        .unwrap();
        let err = settle_at(&journal, &root, &roots(&root)).unwrap_err();
        assert!(
            err.ends_with("`README.md` is not in a backlog folder; remove it"),
            "{err}"
        );
        assert!(!root.join("README.md").exists());
        std::fs::write(&journal, "not json").unwrap();
        let err = settle_at(&journal, &root, &roots(&root)).unwrap_err();
        assert!(err.contains("cannot be read"), "{err}");
        // Larger than popm ever writes: refused before it is read.
        let file = std::fs::File::create(&journal).unwrap();
        file.set_len(MAX_JOURNAL_BYTES + 1).unwrap();
        let err = settle_at(&journal, &root, &roots(&root)).unwrap_err();
        assert!(
            err.contains("cannot be read (it is 268435457 bytes, more than popm ever writes)"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("victim")).unwrap(),
            "keep"
        );
    }

    /// A target replaced by a link after popm read it (to a file holding the same bytes): the
    /// last look went through the link, found the bytes popm read, and the write went ahead
    /// (copying the mode of the link). It is a different file now: nothing is written.
    #[cfg(unix)]
    #[test]
    fn a_target_replaced_by_a_link_is_not_written() {
        let (_dir, root, journal) = setup();
        let outside = tempfile::tempdir().unwrap();
        let elsewhere = outside.path().join("A.md");
        std::fs::write(&elsewhere, "old a").unwrap();
        let a = root.join("backlog/A.md");
        std::os::unix::fs::symlink(&elsewhere, &a).unwrap();
        let writes = [Write::replace(a.clone(), b"old a".to_vec(), "new a".into())];
        let err = commit_at(&journal, &root, "test", &writes).unwrap_err();
        assert!(matches!(err, WriteError::Changed(_)), "{err}");
        assert!(
            std::fs::symlink_metadata(&a)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "old a");
        assert_eq!(files(&root.join("backlog")), ["A.md"]);
        assert!(!journal.exists());
    }
}
