//! The work tree walk: every item file under the backlog roots, listed, read and parsed in
//! parallel, each once. Links are never followed; what cannot be read is a diagnostic on its path.

use std::path::Path;

use rayon::prelude::*;

use super::problems::{folder_unreadable, link_skipped, too_deep, too_large, unreadable};
use super::{FileText, MAX_FOLDER_DEPTH, Origin, ParsedFile, Workspace, too_many};
use crate::cache::{Stat, Store};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Rule};
use crate::error::EnvError;
use crate::parse::{self, yaml::Pos};

/// What one folder entry yielded. Nearly every entry is a file, so boxing the large variant would
/// only add an allocation per file.
#[allow(clippy::large_enum_variant)]
enum EntryRead {
    Nothing,
    File(ParsedFile),
    Problem(Diagnostic),
    Folder(Vec<ParsedFile>, Vec<Diagnostic>),
}

impl Workspace {
    /// Reads and parses every item file under the backlog roots, in path order, with diagnostics
    /// for what could not be read. Listing, reading and parsing run together in parallel: each
    /// folder is listed, then its entries (files and subfolders) are taken up by the thread pool.
    pub(super) fn read_folders(&self) -> Result<(Vec<ParsedFile>, Vec<Diagnostic>), EnvError> {
        let mut files = Vec::new();
        let mut diagnostics = Vec::new();
        let cache = self.cache();
        if let Some(cache) = cache {
            cache.start_walk();
        }
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
                cache,
                seen: files.len().into(),
            };
            let (f, d) = walk.read_folder(&dir, &self.display(&dir), 0);
            files.extend(f);
            diagnostics.extend(d);
            too_many(walk.seen.into_inner(), &self.config)?;
        }
        Ok((files, diagnostics))
    }
}

/// The walk of the work tree; it needs only the configuration, which threads can share.
struct Walk<'a> {
    config: &'a Config,
    cache: Option<&'a Store>,
    /// Item files met so far, against `[backlog] max_items`.
    seen: std::sync::atomic::AtomicUsize,
}

impl Walk<'_> {
    fn read_folder(
        &self,
        dir: &Path,
        shown: &str,
        depth: usize,
    ) -> (Vec<ParsedFile>, Vec<Diagnostic>) {
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
        entries.sort_unstable_by(|a, b| a.0.as_encoded_bytes().cmp(b.0.as_encoded_bytes()));
        let read: Vec<EntryRead> = entries
            .into_par_iter()
            .map(|(name, kind, entry)| self.read_entry(dir, shown, depth, &name, kind, &entry))
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

    fn read_entry(
        &self,
        dir: &Path,
        shown: &str,
        depth: usize,
        name: &std::ffi::OsStr,
        kind: std::fs::FileType,
        entry: &std::fs::DirEntry,
    ) -> EntryRead {
        let lossy = name.to_string_lossy();
        // Hidden files and folders (.git, .obsidian, ...) hold no items.
        if lossy.starts_with('.') {
            return EntryRead::Nothing;
        }
        let path = dir.join(name);
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
            let relative = path
                .strip_prefix(&self.config.project_root)
                .unwrap_or(&path);
            self.config.is_excluded(relative)
        };
        if kind.is_symlink() {
            // Links are never followed, so nothing outside the repository is read and a loop of
            // links cannot trap the walk. Those that would have held items are reported.
            let folder = !markdown && std::fs::metadata(&path).is_ok_and(|m| m.is_dir());
            if !(markdown || folder) || excluded() {
                return EntryRead::Nothing;
            }
            return EntryRead::Problem(link_skipped(&shown, folder));
        }
        if kind.is_dir() {
            if depth >= MAX_FOLDER_DEPTH {
                return EntryRead::Problem(too_deep(&shown));
            }
            let (files, diagnostics) = self.read_folder(&path, &shown, depth + 1);
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
        let limit = self.config.max_file_bytes;
        EntryRead::File(match self.cache {
            Some(cache) => read_through_cache(cache, &path, entry, shown, limit),
            None => read_and_parse(&path, shown, limit),
        })
    }
}

fn read_and_parse(path: &Path, shown: String, limit: u64) -> ParsedFile {
    crate::trace::io("read", &shown);
    match crate::files::read_regular(path, limit) {
        Ok(Ok(bytes)) => {
            let (parsed, text) = parse::parse_file(&shown, bytes);
            (shown, FileText::from(text), parsed, None)
        }
        Ok(Err(size)) => unreadable(shown, too_large(size, limit)),
        Err(e) => unreadable(shown, format!("cannot read the file: {e}")),
    }
}

/// Reads one work-tree file through the cache: a file whose stat is the one recorded (and not
/// racy) is neither read nor parsed; a file read whose blob was parsed before is not parsed
/// again; any other file is parsed and its parse kept.
fn read_through_cache(
    cache: &Store,
    path: &Path,
    entry: &std::fs::DirEntry,
    shown: String,
    limit: u64,
) -> ParsedFile {
    // Taken before the read: a change after it shows as a stat unlike the record next time. The
    // listing's entry stats the file relative to its open folder (links not followed, as
    // `symlink_metadata`), without resolving the whole path again for each file.
    let Ok(meta) = entry.metadata() else {
        return read_and_parse(path, shown, limit);
    };
    let stat = Stat::of(&meta);
    let known = (meta.is_file() && stat.size <= limit)
        .then(|| cache.clean_blob(&shown, &stat))
        .flatten()
        .and_then(|blob| Some((blob, cache.get(blob, &shown)?)));
    if let Some((blob, hit)) = known {
        crate::trace::io("cached", &shown);
        let text = if hit.has_text {
            FileText::Later(Origin::Disk(path.to_path_buf()))
        } else {
            FileText::None
        };
        return (shown, text, hit.parsed, hit.text_is_bytes.then_some(blob));
    }
    crate::trace::io("read", &shown);
    let bytes = match crate::files::read_regular(path, limit) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(size)) => return unreadable(shown, too_large(size, limit)),
        Err(e) => return unreadable(shown, format!("cannot read the file: {e}")),
    };
    let Some(blob) = crate::cache::blob_id(&bytes) else {
        let (parsed, text) = parse::parse_file(&shown, bytes);
        return (shown, FileText::from(text), parsed, None);
    };
    cache.record(&shown, stat, blob);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file listed by the walk can be gone (or replaced) by the time it is read: it becomes one
    /// diagnostic on its path, and the walk goes on.
    #[test]
    fn a_file_that_vanished_after_the_walk_is_one_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("S-1.md");
        let (shown, text, parsed, _) = read_and_parse(&gone, "backlog/S-1.md".into(), 1 << 20);
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
