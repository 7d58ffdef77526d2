//! The work tree walk: every item file under the backlog roots, listed and read in parallel, each
//! once, then parsed (`resolve`). Links are never followed; what cannot be read is a diagnostic
//! on its path. With the cache, a file whose stat is as recorded is not read, and its parse is
//! decoded only when resolved: a run that finds the checked result kept for the same blobs
//! decodes nothing.

use std::ffi::OsStr;
use std::fs::DirEntry;
use std::path::Path;

use rayon::prelude::*;

use super::problems::{folder_unreadable, link_skipped, too_deep, too_large, unreadable};
use super::{
    FileText, KeepTexts, MAX_FOLDER_DEPTH, Origin, ParsedFile, Walked, Workspace, too_many,
};
use crate::cache::{Stat, Store};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Rule};
use crate::error::EnvError;
use crate::files::Folder;
use crate::parse::{self, yaml::Pos};

/// What one folder entry yielded: `T` is what reading a file gives.
enum EntryRead<T> {
    Nothing,
    File(T),
    Problem(Diagnostic),
    Folder(Vec<T>, Vec<Diagnostic>),
}

impl Workspace {
    /// Parses every item file under the backlog roots without the cache, in path order, with
    /// diagnostics for what could not be read.
    ///
    /// With [`KeepTexts::Quoted`] the texts are not kept: a renderer reads again the few files its
    /// findings quote (as after a run through the cache). Kept, the texts of 100 000 items held
    /// 104 MB that each thread could not reuse for the next file it read, and fresh memory is
    /// what a cold run pays for most (the kernel clears every page it hands out).
    pub(super) fn parse_folders(
        &self,
        texts: KeepTexts,
    ) -> Result<(Vec<ParsedFile>, Vec<Diagnostic>), EnvError> {
        let limit = self.config.max_file_bytes;
        self.read_folders(&|folder: &Folder, name: &OsStr, _: &DirEntry, shown, _| {
            let mut file = read_and_parse(|| folder.read_regular(name, limit), shown, limit);
            if texts == KeepTexts::Quoted && matches!(file.1, FileText::Read(_)) {
                file.1 = FileText::Later(Origin::Disk(folder.path().join(name)));
            }
            file
        })
    }

    /// Lists every item file under the backlog roots through the cache, in path order, with
    /// diagnostics for what could not be read: each file read where its stat is not the one
    /// recorded, nothing parsed yet ([`resolve`]).
    pub(super) fn walk_folders(
        &self,
        cache: &Store,
    ) -> Result<(Vec<Walked>, Vec<Diagnostic>), EnvError> {
        let limit = self.config.max_file_bytes;
        cache.start_walk();
        self.read_folders(
            &|folder: &Folder, name: &OsStr, entry: &DirEntry, shown, lossless| {
                // The listing's entry stats the file relative to its open folder (links not
                // followed), without resolving the whole path again for each file.
                match entry.metadata() {
                    Ok(meta) => {
                        read_through_cache(cache, (folder, name), &meta, shown, lossless, limit)
                    }
                    Err(_) => Walked::Done(read_and_parse(
                        || folder.read_regular(name, limit),
                        shown,
                        limit,
                    )),
                }
            },
        )
    }

    /// Lists every item file under the backlog roots, in path order, and reads each with
    /// `read`, with diagnostics for what could not be read. Listing and reading run together in
    /// parallel: each folder is listed, then its entries (files and subfolders) are taken up by
    /// the thread pool.
    fn read_folders<T: Send>(
        &self,
        read: &ReadFile<'_, T>,
    ) -> Result<(Vec<T>, Vec<Diagnostic>), EnvError> {
        let mut files = Vec::new();
        let mut diagnostics = Vec::new();
        let project_shown = self.display(&self.config.project_root);
        for root in &self.config.roots {
            let dir = self.config.project_root.join(root);
            if !dir.is_dir() {
                return Err(self.missing_root(root));
            }
            // A root that is (or passes through) a link out of the project would make popm read
            // files nobody reviewed with it.
            if !self.config.resolves_inside(&dir) {
                return Err(EnvError::RootOutsideProject {
                    root: root.clone(),
                    project: self.config.project_root.clone(),
                });
            }
            let walk = Walk {
                config: &self.config,
                project_shown: &project_shown,
                read,
                seen: files.len().into(),
            };
            let shown = self.display(&dir);
            let lossless = self.display_root.join(&shown) == dir;
            let (f, d) = walk.read_folder(&dir, &shown, 0, lossless);
            files.extend(f);
            diagnostics.extend(d);
            too_many(walk.seen.into_inner(), &self.config)?;
        }
        Ok((files, diagnostics))
    }
}

/// What reading an item file gives: its bytes, or its size when it is over the limit.
type Read = std::io::Result<Result<Vec<u8>, u64>>;

/// Reads one item file: its folder, its name, its folder entry, the path shown, and whether the
/// path shown names it exactly below the display root (see [`Walked::Known`]).
type ReadFile<'a, T> = dyn Fn(&Folder, &OsStr, &DirEntry, String, bool) -> T + Sync + 'a;

/// The walk of the work tree; it needs only the configuration, which threads can share.
struct Walk<'a, T> {
    config: &'a Config,
    /// The project root as shown (relative to the display root; empty when they are the same):
    /// a path shown less this is the path `[backlog] exclude` patterns match.
    project_shown: &'a str,
    read: &'a ReadFile<'a, T>,
    /// Item files met so far, against `[backlog] max_items`.
    seen: std::sync::atomic::AtomicUsize,
}

impl<T: Send> Walk<'_, T> {
    fn read_folder(
        &self,
        dir: &Path,
        shown: &str,
        depth: usize,
        lossless: bool,
    ) -> (Vec<T>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let listing = match std::fs::read_dir(dir) {
            Ok(listing) => listing,
            Err(e) => return (Vec::new(), vec![folder_unreadable(shown, &e)]),
        };
        let mut entries = Vec::new();
        for entry in listing {
            match entry.and_then(|e| Ok((e.file_name(), e.file_type()?, e))) {
                Ok(entry) => entries.push(entry),
                Err(e) => diagnostics.push(folder_unreadable(shown, &e)),
            }
        }
        // Path order, as on every run and machine.
        entries.par_sort_unstable_by(|a, b| a.0.as_encoded_bytes().cmp(b.0.as_encoded_bytes()));
        let folder = Folder::open(dir);
        let read: Vec<EntryRead<T>> = entries
            .into_par_iter()
            .map(|(name, kind, entry)| {
                let at = (&folder, shown, depth, lossless);
                self.read_entry(at, &name, kind, &entry)
            })
            .collect();
        let mut files = Vec::with_capacity(read.len());
        for entry in read {
            match entry {
                EntryRead::Nothing => {}
                EntryRead::File(file) => files.push(file),
                EntryRead::Problem(d) => diagnostics.push(d),
                EntryRead::Folder(more, d) => {
                    files.extend(more);
                    diagnostics.extend(d);
                }
            }
        }
        (files, diagnostics)
    }

    /// One entry of the folder `at` (its path, the path shown, its depth, whether it is named
    /// exactly).
    fn read_entry(
        &self,
        at: (&Folder, &str, usize, bool),
        name: &OsStr,
        kind: std::fs::FileType,
        entry: &DirEntry,
    ) -> EntryRead<T> {
        let (folder, shown, depth, lossless) = at;
        let dir = folder.path();
        // `to_str` first: it checks UTF-8 far faster than the lossy conversion does.
        let lossy = match name.to_str() {
            Some(name) => std::borrow::Cow::Borrowed(name),
            None => name.to_string_lossy(),
        };
        // Hidden files and folders (.git, .obsidian, ...) hold no items.
        if lossy.starts_with('.') {
            return EntryRead::Nothing;
        }
        let lossless = lossless && name.to_str().is_some();
        let path = || dir.join(name);
        let shown = if shown.is_empty() {
            lossy.into_owned()
        } else {
            format!("{shown}/{lossy}")
        };
        let top = Pos { line: 1, column: 1 };
        let markdown = Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        let excluded = || {
            if self.config.excludes_nothing() {
                return false;
            }
            let relative = match self.project_shown {
                "" => Some(shown.as_str()),
                project => shown
                    .strip_prefix(project)
                    .and_then(|r| r.strip_prefix('/')),
            };
            // The path shown is the path itself unless a name was not UTF-8.
            if let Some(relative) = relative.filter(|_| lossless) {
                return self.config.is_excluded(Path::new(relative));
            }
            let path = path();
            let relative = path
                .strip_prefix(&self.config.project_root)
                .unwrap_or(&path);
            self.config.is_excluded(relative)
        };
        if kind.is_symlink() {
            // Links are never followed, so nothing outside the repository is read and a loop of
            // links cannot trap the walk. Those that would have held items are reported.
            let folder = !markdown && std::fs::metadata(path()).is_ok_and(|m| m.is_dir());
            if !(markdown || folder) || excluded() {
                return EntryRead::Nothing;
            }
            return EntryRead::Problem(link_skipped(&shown, folder));
        }
        if kind.is_dir() {
            if depth >= MAX_FOLDER_DEPTH {
                return EntryRead::Problem(too_deep(&shown));
            }
            let (files, diagnostics) = self.read_folder(&path(), &shown, depth + 1, lossless);
            return EntryRead::Folder(files, diagnostics);
        }
        if !markdown || excluded() {
            return EntryRead::Nothing;
        }
        if !kind.is_file() {
            // A pipe, socket or device named like an item: opening a pipe would block.
            return EntryRead::Problem(Diagnostic::new(
                Rule::FileUnreadable,
                &shown,
                top,
                "skipped: not a regular file (a pipe, socket or device)",
            ));
        }
        // Past the limit, files are counted but no longer read; the caller stops with an error.
        let seen = self.seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if seen >= self.config.max_items {
            return EntryRead::Nothing;
        }
        EntryRead::File((self.read)(folder, name, entry, shown, lossless))
    }
}

/// Reads a file with `read` and parses it.
fn read_and_parse(read: impl FnOnce() -> Read, shown: String, limit: u64) -> ParsedFile {
    crate::trace::io("read", &shown);
    match read() {
        Ok(Ok(bytes)) => {
            let (parsed, text) = parse::parse_file(&shown, bytes);
            (shown, FileText::from(text), parsed, None)
        }
        Ok(Err(size)) => unreadable(shown, too_large(size, limit)),
        Err(e) => unreadable(shown, format!("cannot read the file: {e}")),
    }
}

/// Reads one work-tree file through the cache: a file whose stat is the one recorded (and not
/// racy) is not read, its parse left in the cache for [`resolve`]; any other file is read and
/// hashed. `meta` is the file's stat, taken before the read (links not followed): a change after
/// it shows as a stat unlike the record next time. Only a file whose path shown names it exactly
/// (`lossless`) is left unread, as its path is made again from the path shown.
fn read_through_cache(
    cache: &Store,
    (folder, name): (&Folder, &OsStr),
    meta: &std::fs::Metadata,
    shown: String,
    lossless: bool,
    limit: u64,
) -> Walked {
    let stat = Stat::of(meta);
    let known = (lossless && meta.is_file() && stat.size <= limit)
        .then(|| cache.clean_blob(&shown, &stat))
        .flatten();
    match known {
        Some(blob) => Walked::Known { shown, blob },
        None => read_and_hash(
            cache,
            || folder.read_regular(name, limit),
            stat,
            shown,
            limit,
        ),
    }
}

/// Reads a work-tree file and records its stat and blob; it is parsed (or its parse taken from
/// the cache) when resolved.
fn read_and_hash(
    cache: &Store,
    read: impl FnOnce() -> Read,
    stat: Stat,
    shown: String,
    limit: u64,
) -> Walked {
    crate::trace::io("read", &shown);
    let bytes = match read() {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(size)) => return Walked::Done(unreadable(shown, too_large(size, limit))),
        Err(e) => {
            let message = format!("cannot read the file: {e}");
            return Walked::Done(unreadable(shown, message));
        }
    };
    let Some(blob) = crate::cache::blob_id(&bytes) else {
        let (parsed, text) = parse::parse_file(&shown, bytes);
        return Walked::Done((shown, FileText::from(text), parsed, None));
    };
    cache.record(&shown, stat, blob);
    Walked::Read { shown, bytes, blob }
}

/// The parse of one file the walk met: decoded from the cache, or parsed now and kept. `root`
/// is the display root, which the paths shown are relative to.
pub(super) fn resolve(cache: &Store, walked: Walked, root: &Path, limit: u64) -> ParsedFile {
    match walked {
        Walked::Done(file) => file,
        Walked::Known { shown, blob } => {
            let path = root.join(&shown);
            if let Some(hit) = cache.get(blob, &shown) {
                crate::trace::io("cached", &shown);
                let text = if hit.has_text {
                    FileText::Later(Origin::Disk(path))
                } else {
                    FileText::None
                };
                return (shown, text, hit.parsed, hit.text_is_bytes.then_some(blob));
            }
            // The stat index knew the file but the pack has lost its parse (dropped, damaged):
            // read it as a file never seen.
            match std::fs::symlink_metadata(&path) {
                Ok(meta) => {
                    let read = || crate::files::read_regular(&path, limit);
                    let read = read_and_hash(cache, read, Stat::of(&meta), shown, limit);
                    resolve(cache, read, root, limit)
                }
                Err(_) => read_and_parse(|| crate::files::read_regular(&path, limit), shown, limit),
            }
        }
        Walked::Read { shown, bytes, blob } => {
            if let Some(hit) = cache.get(blob, &shown) {
                // Changed stat, same bytes (a checkout, a touch): read and hashed, not parsed.
                let text = String::from_utf8(bytes).ok().map(parse::lone_cr_to_lf);
                return (
                    shown,
                    FileText::from(text),
                    hit.parsed,
                    hit.text_is_bytes.then_some(blob),
                );
            }
            let (parsed, text) = parse::parse_file(&shown, bytes);
            cache.put(blob, &shown, &parsed, text.as_deref());
            let same = text.as_deref().is_some_and(|t| !t.contains('\r'));
            (shown, FileText::from(text), parsed, same.then_some(blob))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file listed by the walk can be gone (or replaced) by the time it is read: it becomes one
    /// diagnostic on its path, and the walk goes on.
    #[test]
    fn a_file_that_vanished_after_the_walk_is_one_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("S-1.md");
        let read = || crate::files::read_regular(&gone, 1 << 20);
        let (shown, text, parsed, _) = read_and_parse(read, "backlog/S-1.md".into(), 1 << 20);
        assert_eq!(
            (
                shown.as_str(),
                matches!(text, FileText::None),
                parsed.item.is_none()
            ),
            ("backlog/S-1.md", true, true)
        );
        let d = &parsed.diagnostics;
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rule, Rule::FileUnreadable);
        assert_eq!(
            d[0].message,
            "cannot read the file: No such file or directory (os error 2)"
        );
    }
}
