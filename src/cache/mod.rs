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
//! Per project and parse settings: a parse pack and a stat index (`pack.rs`), and the checked
//! result of the last whole work tree checked (`verdict.rs`). Each file is read whole, written
//! whole under a temporary name and renamed over the old one, so concurrent popm processes each
//! see a complete file and the last writer wins. A file from another build of popm, for other
//! settings, of another format version, or whose checksum fails, is ignored and rebuilt: never
//! trusted.
//! `--no-cache` and `POPM_NO_CACHE=1` bypass it; `popm cache info|clear` show and remove it.

mod commits;
mod location;
mod pack;
mod stat;
mod verdict;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

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
pub const FORMAT: u32 = 2;

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
    item: Option<Box<Item>>,
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

/// The parse pack as read, with the entries this run used (by index), to keep them.
struct Entries {
    pack: pack::Pack,
    used: Vec<AtomicBool>,
}

/// The cache for one run of popm over one project: the stat index and the parse pack as read
/// (the pack on first use), and what this run adds.
pub struct Store {
    location: Location,
    pack_file: PathBuf,
    stats_file: PathBuf,
    build: String,
    settings: u64,
    /// When this run started looking at the work tree: stat records taken now are trusted later
    /// only for files modified before this second.
    scanned: stat::Time,
    stats: pack::StatIndex,
    /// Which stat records of the index this run found unchanged (by index): they are the new
    /// record of their file, without a copy per file on every run.
    seen: Vec<AtomicBool>,
    /// Read when a run first needs a parse: a run that needs none (a checked result kept whole)
    /// never reads it.
    entries: OnceLock<Entries>,
    fresh: Mutex<Fresh>,
    /// Work-tree files whose stat did not answer (new, changed, racy, or a stat unlike the record).
    restated: AtomicUsize,
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

fn flags(n: usize) -> Vec<AtomicBool> {
    (0..n).map(|_| AtomicBool::new(false)).collect()
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
        let build = build_id();
        let scanned = stat::Time::now();
        let stats_file = location.stats_file(settings);
        let stats = pack::read_stats(&stats_file, &build, Some(settings)).unwrap_or_default();
        Some(Store {
            pack_file: location.pack_file(settings),
            stats_file,
            location,
            build,
            settings,
            scanned,
            seen: flags(stats.len()),
            stats,
            entries: OnceLock::new(),
            fresh: Mutex::default(),
            restated: AtomicUsize::new(0),
            saved: AtomicUsize::new(0),
            stats_saved: AtomicBool::new(false),
        })
    }

    /// The parse pack, read on first use.
    fn entries(&self) -> &Entries {
        self.entries.get_or_init(|| {
            let pack =
                pack::read(&self.pack_file, &self.build, Some(self.settings)).unwrap_or_default();
            crate::trace::io("read-pack", &self.pack_file.to_string_lossy());
            Entries {
                used: flags(pack.entries_len()),
                pack,
            }
        })
    }

    /// The blob a work-tree file holds, when its stat is the one recorded and the record is not
    /// racy; `None` when the file must be read. A record that answers stays the file's record
    /// (unless [`Store::record`] replaces it).
    pub(crate) fn clean_blob(&self, path: &str, now: &Stat) -> Option<ObjectId> {
        let (recorded, blob, index) = self.stats.stat(path)?;
        let clean = recorded == *now && recorded.modified_before(self.stats.scanned());
        if clean && let Some(flag) = self.seen.get(index) {
            flag.store(true, Ordering::Relaxed);
        }
        clean.then_some(blob)
    }

    /// The parse of `path` holding `blob`, when a run parsed it before.
    pub(crate) fn get(&self, blob: ObjectId, path: &str) -> Option<Hit> {
        let entries = self.entries();
        let (index, bytes) = entries.pack.entry(blob, path)?;
        let entry: Entry = postcard::from_bytes(bytes).ok()?;
        // An entry is about one file: anything else in it is not trusted.
        let about_this_file = entry.item.as_ref().is_none_or(|i| i.path == path)
            && entry.diagnostics.iter().all(|d| d.path == path);
        if !about_this_file {
            return None;
        }
        if let Some(flag) = entries.used.get(index) {
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
            item: &'a Option<Box<Item>>,
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

    /// The checked result kept under `key`, when there is one (see `verdict.rs`).
    pub fn verdict(&self, key: u128) -> Option<Vec<u8>> {
        let file = self.location.verdict_file(self.settings);
        let kept = verdict::read(&file, &self.build, key);
        crate::trace::io(
            if kept.is_some() {
                "verdict"
            } else {
                "no-verdict"
            },
            "check",
        );
        kept
    }

    /// Keeps `result` as the checked result under `key`, replacing the one kept before. Failing
    /// to write is not an error (the cache is only a cache).
    pub fn keep_verdict(&self, key: u128, result: &[u8]) {
        let file = self.location.verdict_file(self.settings);
        let _ = verdict::write(&self.location.dir, &file, &self.build, key, result);
    }

    /// Writes what this run learned: the parse pack when there are new parses, the stat index
    /// when the work tree's stats differ from the record (a file read again, added or gone). A
    /// run that found everything as recorded writes nothing. Failing to write is not an error
    /// (the cache is only a cache).
    pub(crate) fn save(&self) {
        let Ok(fresh) = self.fresh.lock() else {
            return;
        };
        if fresh.entries.len() > self.saved.load(Ordering::Relaxed) {
            let entries = self.entries();
            let used: Vec<bool> = entries
                .used
                .iter()
                .map(|u| u.load(Ordering::Relaxed))
                .collect();
            let written = pack::write(
                &self.location.dir,
                &self.pack_file,
                pack::Writing {
                    build: &self.build,
                    settings: self.settings,
                    fresh: &fresh.entries,
                    used: &used,
                    keep_writes: KEEP_WRITES,
                },
                &entries.pack,
            );
            if written.is_ok() {
                self.saved.store(fresh.entries.len(), Ordering::Relaxed);
            }
        }
        let Some(stats) = fresh.stats.as_deref() else {
            return;
        };
        let seen: Vec<bool> = self
            .seen
            .iter()
            .map(|s| s.load(Ordering::Relaxed))
            .collect();
        // Counted here, not with a counter every walking thread would write to per file.
        let clean = seen.iter().filter(|s| **s).count();
        let changed = self.restated.load(Ordering::Relaxed) > 0 || clean != self.stats.len();
        if !changed || self.stats_saved.load(Ordering::Relaxed) {
            return;
        }
        let written = pack::write_stats(
            &self.location.dir,
            &self.stats_file,
            pack::StatsWriting {
                build: &self.build,
                settings: self.settings,
                scanned: self.scanned,
                stats,
                seen: &seen,
            },
            &self.stats,
        );
        if written.is_ok() {
            self.stats_saved.store(true, Ordering::Relaxed);
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
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let usable = if name.contains("-commits-") {
            commits::count(&file, &build).map(|n| info.commits += n)
        } else if name.contains("-stat-") {
            pack::read_stats(&file, &build, None).map(|s| info.stat_records += s.len())
        } else if name.contains("-check-") {
            Some(())
        } else {
            pack::read(&file, &build, None).map(|p| info.entries += p.entries_len())
        };
        if usable.is_none() {
            info.unusable += 1;
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
