//! The parse cache: what parsing an item file gave (its item and the findings about that file
//! alone), kept under the file's blob id (the git object id of its bytes) and its path, so a file
//! popm has parsed before is not parsed again, from the work tree, the index or any commit.
//!
//! For the work tree a stat index (size, modification and change times, inode, device, as git's
//! index keeps them) names the blob of each file without reading it: a file whose stat is the one
//! recorded, and whose modification time is older than the second the record was taken in, is
//! neither read nor parsed. A file modified in that same second is "racy" (as git calls it) and
//! is read and hashed again, since a second edit within one timestamp tick would leave the stat
//! unchanged.
//!
//! One pack file per project and parse settings (`pack.rs`), read whole, written whole under a
//! temporary name and renamed over the old one, so concurrent popm processes each see a complete
//! pack and the last writer wins. A pack from another build of popm, for other settings, of
//! another format version, or whose checksum fails, is ignored and rebuilt: never trusted.
//! `--no-cache` and `POPM_NO_CACHE=1` bypass it; `popm cache info|clear` show and remove it.

mod commits;
mod location;
mod pack;
mod stat;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

pub use commits::Commits;
pub use location::{Location, location};
pub use stat::Stat;

use crate::diagnostic::Diagnostic;
use crate::git::ObjectId;
use crate::model::Item;
use crate::parse::Parsed;

/// The version of the pack layout and of the entries in it; a pack of another version is
/// ignored. Bump it with any change to what is stored.
pub const FORMAT: u32 = 1;

/// Writes kept for entries no run has used lately: an entry unused in the last this many writes of
/// the pack is dropped, so the pack holds a few versions of the backlog, not its whole past.
const KEEP_WRITES: u32 = 4;

static DISABLED: AtomicBool = AtomicBool::new(false);

/// `--no-cache`: no cache is read or written for the rest of the process.
pub fn disable() {
    DISABLED.store(true, Ordering::Relaxed);
}

/// Whether the cache may be used: not after `--no-cache`, not with `POPM_NO_CACHE` set to
/// anything but empty or `0`.
pub fn enabled() -> bool {
    if DISABLED.load(Ordering::Relaxed) {
        return false;
    }
    std::env::var_os("POPM_NO_CACHE").is_none_or(|v| v.is_empty() || v == "0")
}

/// What is stored for one parsed file.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    item: Option<Item>,
    diagnostics: Vec<Diagnostic>,
    /// The file was UTF-8, so a text exists for snippets.
    has_text: bool,
    /// The text is the bytes as they are (no line ending rewritten), so its blob id is the file's.
    text_is_bytes: bool,
}

/// The parse settings an entry depends on: besides the bytes, only how large a file popm reads.
fn settings(config: &crate::config::Config) -> u64 {
    config.max_file_bytes
}

/// What the cache returns for a file it knows.
pub(crate) struct Hit {
    pub parsed: Parsed,
    pub has_text: bool,
    pub text_is_bytes: bool,
}

/// The cache for one run of popm over one project: the pack as read, and what this run adds.
pub struct Store {
    location: Location,
    file: PathBuf,
    build: String,
    settings: u64,
    /// When this run started looking at the work tree: stat records taken now are trusted later
    /// only for files modified before this second.
    scanned: stat::Time,
    pack: pack::Pack,
    /// Which entries of the pack this run used (by index), to keep them.
    used: Vec<AtomicBool>,
    /// Which stat records of the pack this run found unchanged (by index): they are the new
    /// record of their file, without a copy per file on every run.
    seen: Vec<AtomicBool>,
    fresh: Mutex<Fresh>,
    /// Work-tree files whose stat did not answer (new, changed, racy, or a stat unlike the record).
    restated: AtomicUsize,
    /// The walk found this many files unchanged (their stat as recorded).
    clean: AtomicUsize,
    /// Fresh entries already written by an earlier save.
    saved: AtomicUsize,
    /// This run's stat records are written: a later save of the same run (a command that reads
    /// from git after the walk) writes again only for new entries.
    stats_saved: AtomicBool,
}

#[derive(Default)]
struct Fresh {
    entries: Vec<pack::NewEntry>,
    /// The work tree's stat records taken by this run, when it walked the work tree.
    stats: Option<Vec<pack::StatRecord>>,
}

impl Store {
    /// The cache of the project whose backlog `config` describes, in `display_root` (the
    /// repository's top or the project root); `None` when it is disabled or has no place.
    pub fn open(config: &crate::config::Config, display_root: &Path) -> Option<Store> {
        if !enabled() {
            return None;
        }
        let location = location(&config.project_root, display_root)?;
        let settings = settings(config);
        let file = location.pack_file(settings);
        let build = build_id();
        let scanned = stat::Time::now();
        let pack = pack::read(&file, &build, settings).unwrap_or_default();
        let flags = |n: usize| (0..n).map(|_| AtomicBool::new(false)).collect();
        let used = flags(pack.entries_len());
        let seen = flags(pack.stats_len());
        Some(Store {
            location,
            file,
            build,
            settings,
            scanned,
            pack,
            used,
            seen,
            fresh: Mutex::default(),
            restated: AtomicUsize::new(0),
            clean: AtomicUsize::new(0),
            saved: AtomicUsize::new(0),
            stats_saved: AtomicBool::new(false),
        })
    }

    /// The blob a work-tree file holds, when its stat is the one recorded and the record is not
    /// racy; `None` when the file must be read. A record that answers stays the file's record
    /// (unless [`Store::record`] replaces it).
    pub(crate) fn clean_blob(&self, path: &str, now: &Stat) -> Option<ObjectId> {
        let (recorded, blob, index) = self.pack.stat(path)?;
        let clean = recorded == *now && recorded.modified_before(self.pack.scanned());
        if clean
            && let Some(flag) = self.seen.get(index)
            && !flag.swap(true, Ordering::Relaxed)
        {
            self.clean.fetch_add(1, Ordering::Relaxed);
        }
        clean.then_some(blob)
    }

    /// The parse of `path` holding `blob`, when a run parsed it before.
    pub(crate) fn get(&self, blob: ObjectId, path: &str) -> Option<Hit> {
        let (index, bytes) = self.pack.entry(blob, path)?;
        let entry: Entry = postcard::from_bytes(bytes).ok()?;
        // An entry is about one file: anything else in it is not trusted.
        let about_this_file = entry.item.as_ref().is_none_or(|i| i.path == path)
            && entry.diagnostics.iter().all(|d| d.path == path);
        if !about_this_file {
            return None;
        }
        if let Some(flag) = self.used.get(index) {
            flag.store(true, Ordering::Relaxed);
        }
        Some(Hit {
            parsed: Parsed {
                item: entry.item,
                diagnostics: entry.diagnostics,
            },
            has_text: entry.has_text,
            text_is_bytes: entry.text_is_bytes,
        })
    }

    /// Keeps a parse for later runs.
    pub(crate) fn put(&self, blob: ObjectId, path: &str, parsed: &Parsed, text: Option<&str>) {
        // Serialized by reference: the parse goes on to the backlog untouched.
        #[derive(Serialize)]
        struct EntryRef<'a> {
            item: &'a Option<Item>,
            diagnostics: &'a Vec<Diagnostic>,
            has_text: bool,
            text_is_bytes: bool,
        }
        let entry = EntryRef {
            item: &parsed.item,
            diagnostics: &parsed.diagnostics,
            has_text: text.is_some(),
            text_is_bytes: text.is_some_and(|t| !t.contains('\r')),
        };
        let Ok(data) = postcard::to_allocvec(&entry) else {
            return;
        };
        if let Ok(mut fresh) = self.fresh.lock() {
            fresh.entries.push(pack::NewEntry {
                blob,
                path: path.to_string(),
                data,
            });
        }
    }

    /// Records the stat of a work-tree file read by this run and the blob it held, for the next
    /// run (a file [`Store::clean_blob`] answered for keeps its record without this).
    pub(crate) fn record(&self, path: &str, stat: Stat, blob: ObjectId) {
        self.restated.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut fresh) = self.fresh.lock() {
            fresh
                .stats
                .get_or_insert_with(Vec::new)
                .push(pack::StatRecord {
                    path: path.to_string(),
                    stat,
                    blob: blob_bytes(blob),
                });
        }
    }

    /// The commit records of the history walk over these backlog folders (`layout`: what
    /// decides which files of a commit are items).
    pub fn commits(&self, layout: &str) -> Commits {
        let file = self
            .location
            .commits_file(xxhash_rust::xxh3::xxh3_64(layout.as_bytes()));
        Commits::open(self.location.dir.clone(), file, self.build.clone())
    }

    /// Starts a walk of the work tree: its stat records replace the recorded ones.
    pub(crate) fn start_walk(&self) {
        if let Ok(mut fresh) = self.fresh.lock() {
            fresh.stats = Some(Vec::new());
        }
    }

    /// Writes the pack when this run learned something: new parses, or a work tree whose stats
    /// differ from the record (a file read again, added or gone). A run that found everything as
    /// recorded writes nothing. Failing to write is not an error (the cache is only a cache).
    pub(crate) fn save(&self) {
        let Ok(fresh) = self.fresh.lock() else {
            return;
        };
        let new_entries = fresh.entries.len() > self.saved.load(Ordering::Relaxed);
        let stats_changed = fresh.stats.is_some()
            && !self.stats_saved.load(Ordering::Relaxed)
            && (self.restated.load(Ordering::Relaxed) > 0
                || self.clean.load(Ordering::Relaxed) != self.pack.stats_len());
        if !new_entries && !stats_changed {
            return;
        }
        let used: Vec<bool> = self
            .used
            .iter()
            .map(|u| u.load(Ordering::Relaxed))
            .collect();
        let seen: Vec<bool> = self
            .seen
            .iter()
            .map(|s| s.load(Ordering::Relaxed))
            .collect();
        let written = pack::write(
            &self.location.dir,
            &self.file,
            pack::Writing {
                build: &self.build,
                settings: self.settings,
                scanned: self.scanned,
                stats: fresh.stats.as_deref(),
                seen: &seen,
                fresh: &fresh.entries,
                used: &used,
                keep_writes: KEEP_WRITES,
            },
            &self.pack,
        );
        if written.is_ok() {
            self.saved.store(fresh.entries.len(), Ordering::Relaxed);
            self.stats_saved
                .store(fresh.stats.is_some(), Ordering::Relaxed);
        }
    }
}

/// The git object id of a blob holding these bytes, computed here (outside a repository too).
pub(crate) fn blob_id(bytes: &[u8]) -> Option<ObjectId> {
    crate::git::blob_id_sha1(bytes)
}

fn blob_bytes(id: ObjectId) -> [u8; 20] {
    let mut out = [0; 20];
    let bytes = id.as_slice();
    if bytes.len() == 20 {
        out.copy_from_slice(bytes);
    }
    out
}

/// Which build of popm wrote an entry: its version, and the size and modification time of its
/// executable, so a rebuilt popm (a development build keeps its version number) never reads what
/// another build stored.
fn build_id() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}-{modified}", m.len())
        })
        .unwrap_or_default();
    format!("popm {} ({exe})", env!("CARGO_PKG_VERSION"))
}

/// What `popm cache info` reports.
#[derive(Debug)]
pub struct Info {
    pub dir: PathBuf,
    pub files: usize,
    pub entries: usize,
    pub stat_records: usize,
    /// Commits the history walk recorded.
    pub commits: usize,
    pub bytes: u64,
    /// Packs that cannot be used by this build (another version, corrupt): counted in `bytes`.
    pub unusable: usize,
}

/// The cache of this project: where it is and how much it holds.
pub fn info(config: &crate::config::Config, display_root: &Path) -> Option<Info> {
    let location = location(&config.project_root, display_root)?;
    let build = build_id();
    let mut info = Info {
        dir: location.dir.clone(),
        files: 0,
        entries: 0,
        stat_records: 0,
        commits: 0,
        bytes: 0,
        unusable: 0,
    };
    for file in location.packs() {
        info.files += 1;
        info.bytes += std::fs::symlink_metadata(&file).map_or(0, |m| m.len());
        let is_commits = file
            .file_name()
            .is_some_and(|n| n.to_string_lossy().contains("-commits-"));
        if is_commits {
            match commits::count(&file, &build) {
                Some(n) => info.commits += n,
                None => info.unusable += 1,
            }
            continue;
        }
        match pack::read_any(&file, &build) {
            Some(pack) => {
                info.entries += pack.entries_len();
                info.stat_records += pack.stats_len();
            }
            None => info.unusable += 1,
        }
    }
    Some(info)
}

/// Removes this project's packs; returns how many were removed.
pub fn clear(config: &crate::config::Config, display_root: &Path) -> std::io::Result<usize> {
    let Some(location) = location(&config.project_root, display_root) else {
        return Ok(0);
    };
    let mut removed = 0;
    for file in location.packs() {
        std::fs::remove_file(&file)?;
        removed += 1;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests;
