//! The backlog as git holds it, in the index (`--staged`) or in a commit (`--rev`, the base of a
//! comparison): which blobs are item files, and reading them in parallel, each once.

use std::path::Path;

use rayon::prelude::*;

use super::problems::{
    link_skipped, too_deep, too_large, unreadable, unsafe_index_path, unsafe_name,
};
use super::{FileText, MAX_FOLDER_DEPTH, Origin, ParsedFile, Workspace};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::EnvError;
use crate::git::{Git, ObjectId};
use crate::parse;

/// The item files of one version of the backlog in git, and what could not be listed.
#[derive(Default)]
pub(crate) struct Listing {
    /// (blob, path), in path order.
    pub files: Vec<(ObjectId, String)>,
    pub problems: Vec<Diagnostic>,
    /// Roots (as configured) git holds nothing under.
    pub missing: Vec<String>,
}

impl Workspace {
    /// Reads and parses blobs in parallel, each once. With `disk` (the work tree), a file whose bytes
    /// on disk are exactly the blob (same blob id) is taken from disk: inflating thousands of small
    /// compressed objects costs ten times more than reading and hashing the files.
    pub(crate) fn read_blobs(
        &self,
        git: &Git,
        blobs: Vec<(ObjectId, String)>,
        disk: Option<&Path>,
    ) -> Vec<ParsedFile> {
        let limit = self.config.max_file_bytes;
        let reader = git.reader();
        let cache = self.cache();
        // For the texts of files the cache answers for, read only if a renderer asks.
        let later = cache.map(|_| std::sync::Arc::new(git.reader()));
        let files = blobs
            .into_par_iter()
            .map_init(
                || reader.local(),
                |local, (id, shown)| {
                    if let (Some(cache), Some(later)) = (cache, &later)
                        && let Some(hit) = cache.get(id, &shown)
                    {
                        crate::trace::io("cached", &shown);
                        let text = if hit.has_text {
                            FileText::Later(Origin::Git(later.clone(), id))
                        } else {
                            FileText::None
                        };
                        return (shown, text, hit.parsed, Some(id));
                    }
                    let same_on_disk = disk.and_then(|root| {
                        // Only a regular file (never a link, or a pipe that would block the open).
                        let path = root.join(&shown);
                        let bytes = crate::files::read_regular(&path, limit).ok()?.ok()?;
                        crate::trace::io("read", &shown);
                        (local.hash(&bytes) == Some(id)).then_some(bytes)
                    });
                    let bytes = match same_on_disk {
                        Some(bytes) => bytes,
                        None => {
                            crate::trace::io("read-git", &shown);
                            match local.read(id) {
                                Ok(bytes) => bytes,
                                Err(e) => return unreadable(shown, e.to_string()),
                            }
                        }
                    };
                    if bytes.len() as u64 > limit {
                        return unreadable(shown, too_large(bytes.len() as u64, limit));
                    }
                    let (parsed, text) = parse::parse_file(&shown, bytes);
                    if let Some(cache) = cache {
                        cache.put(id, &shown, &parsed, text.as_deref());
                    }
                    (shown, FileText::from(text), parsed, Some(id))
                },
            )
            .collect();
        if let Some(cache) = cache {
            cache.save();
        }
        files
    }

    /// The backlog roots as folders of the repository (relative to the work tree, with `/`).
    pub fn backlog_prefixes(&self, git: &Git) -> Vec<String> {
        let mut out = self.root_prefixes(git);
        out.sort();
        out.dedup();
        out
    }

    /// Each backlog root, in the order of `[backlog] roots`, as a folder of the repository.
    pub fn root_prefixes(&self, git: &Git) -> Vec<String> {
        let project = self.project_prefix(git);
        self.config
            .roots
            .iter()
            .map(|root| join_git(&project, root))
            .collect()
    }

    /// The folder of popm.toml relative to the work tree, with `/` (empty at the top).
    pub fn project_prefix(&self, git: &Git) -> String {
        self.config
            .project_root
            .strip_prefix(git.workdir())
            .map(git_path)
            .unwrap_or_default()
    }

    /// Whether a file git holds under the backlog root `prefix` is an item file: markdown, not
    /// hidden, not excluded.
    pub fn is_item_path(&self, git: &Git, prefix: &str, path: &str) -> bool {
        is_item_path(&self.config, &self.project_prefix(git), prefix, path)
    }

    /// The item files of the backlog as git holds them: in the index (`commit` None) or in a
    /// commit. Paths are relative to the work tree, which is the display root with git. Entries
    /// git should never hold (unsafe names, folders nested too deep) are diagnostics; roots git
    /// holds nothing under are listed, for the caller to judge.
    pub(crate) fn backlog_blobs(
        &self,
        git: &Git,
        commit: Option<ObjectId>,
        config: &Config,
    ) -> Result<Listing, EnvError> {
        let mut listing = Listing::default();
        let project = self.project_prefix(git);
        let roots = config
            .roots
            .iter()
            .map(|root| (root, join_git(&project, root)));
        for (root, prefix) in roots {
            let found = match commit {
                Some(c) => git.tree_listing(c, &prefix, MAX_FOLDER_DEPTH),
                None => git.index_listing(&prefix, MAX_FOLDER_DEPTH),
            }?;
            let Some(found) = found else {
                listing.missing.push(root.clone());
                continue;
            };
            for entry in found.unsafe_names {
                if entry.tree || has_md_extension(&entry.name) {
                    listing.problems.push(unsafe_name(&entry));
                }
            }
            listing
                .problems
                .extend(found.too_deep.iter().map(|f| too_deep(f)));
            // Links are never followed, from git as on disk, and reported as the work tree walk
            // reports them: one named like an item, or one that leads to a folder (which only
            // the work tree can tell).
            for path in found.links {
                let markdown = has_md_extension(&path);
                let folder = !markdown
                    && std::fs::metadata(git.workdir().join(&path)).is_ok_and(|m| m.is_dir());
                if (markdown || folder) && in_backlog(config, &project, &prefix, &path) {
                    listing.problems.push(link_skipped(&path, folder));
                }
            }
            for (path, id) in found.blobs {
                if !crate::git::is_safe_path(&path) {
                    // Only the index can hold such a path (a tree's names were checked above).
                    if has_md_extension(&path) {
                        listing.problems.push(unsafe_index_path(&prefix, &path));
                    }
                    continue;
                }
                if is_item_path(config, &project, &prefix, &path) {
                    listing.files.push((id, path));
                }
            }
        }
        listing.files.sort_by(|a, b| a.1.cmp(&b.1));
        listing.files.dedup_by(|a, b| a.1 == b.1);
        Ok(listing)
    }
}

pub(super) fn has_md_extension(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"))
}

/// A relative path with `/`, as git writes paths.
pub(super) fn git_path(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `path` (relative to the work tree), found under the backlog root `prefix`, is an item
/// file: markdown, not hidden, not excluded. `project` is popm.toml's folder in the work tree.
pub fn is_item_path(config: &Config, project: &str, prefix: &str, path: &str) -> bool {
    has_md_extension(path) && in_backlog(config, project, prefix, path)
}

/// Whether `path` (relative to the work tree) under the backlog root `prefix` is part of the
/// backlog: not hidden below the root, not excluded.
fn in_backlog(config: &Config, project: &str, prefix: &str, path: &str) -> bool {
    let within = path
        .strip_prefix(prefix)
        .unwrap_or(path)
        .trim_start_matches('/');
    let hidden = within.split('/').any(|part| part.starts_with('.'));
    let relative = path
        .strip_prefix(project)
        .unwrap_or(path)
        .trim_start_matches('/');
    !hidden && !config.is_excluded(Path::new(relative))
}

/// `a` + `/` + `b`, for git paths (either may be empty).
fn join_git(a: &str, b: &str) -> String {
    let b = b.trim_matches('/').trim_start_matches("./");
    match (a.is_empty(), b.is_empty() || b == ".") {
        (true, _) => b.to_string(),
        (false, true) => a.to_string(),
        (false, false) => format!("{a}/{b}"),
    }
}
