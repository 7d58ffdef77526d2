//! `popm check` with its result kept. The findings over the whole work tree depend only on which
//! bytes sit at which paths (each file's blob), on what the walk could not read or list, on the
//! configuration and on the build of popm: with every file's blob known from the stat index, the
//! result checked last time for the same inputs is read back, and no parse is decoded and no rule
//! run. Anything else (another blob anywhere, a file added or gone, another popm.toml) misses,
//! and the backlog is checked as without it, then kept. The commands that need the items too
//! (`list`, `backlog`, `board`, ...) decode them, and take the findings kept instead of running
//! the rules.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use super::{Checked, Request, Warning, check_loaded};
use crate::diagnostic::Diagnostic;
use crate::error::EnvError;
use crate::source::{FileText, Loaded, Origin, Source, Texts, Walked, WorkTree, Workspace};

/// What `popm check` reports, from a check or from the result kept.
pub struct Verdict {
    pub diagnostics: Vec<Diagnostic>,
    /// The texts of the files findings point at (every file read, after a check).
    pub texts: Texts,
    /// How many files were read as items.
    pub files: usize,
    pub warnings: Vec<Warning>,
    /// `--since` and `--pre-commit`: the findings the base version has too.
    pub set_aside: Vec<Diagnostic>,
    /// References to items of other backlogs (`rail:F-12`): how many, and the backlogs named.
    pub foreign: (usize, BTreeSet<String>),
    items: Items,
}

/// Where the files read as items are known from.
enum Items {
    Backlog(crate::model::Backlog),
    Paths(Vec<String>),
}

/// The result as the cache keeps it.
#[derive(Serialize, Deserialize)]
struct Kept {
    diagnostics: Vec<Diagnostic>,
    foreign_count: usize,
    foreign_backlogs: Vec<String>,
    /// The files that were read but are not items (they did not parse).
    itemless: Vec<String>,
}

/// Checks the backlog as [`super::check`] does; over the whole work tree with the cache, reads
/// back the result kept for the same inputs (decoding no parse), or keeps this one.
pub fn verdict(workspace: &Workspace, request: &Request) -> Result<Verdict, EnvError> {
    let Some(cache) = whole_tree_cache(workspace, request) else {
        return Ok(Verdict::of(super::check(workspace, request)?));
    };
    let tree = workspace.walk(cache)?;
    let key = key(workspace, &tree);
    if let Some(kept) = key.and_then(|key| kept(cache, key)) {
        // Files read again (touched, racy) have new stat records to keep.
        cache.save();
        crate::trace::phase("verdict");
        return Ok(Verdict::known(tree, kept, &workspace.display_root));
    }
    let checked = check_walked(workspace, request, cache, (tree, key), None)?;
    Ok(Verdict::of(checked))
}

/// [`super::check`] over the whole work tree with the cache: the walk, then
/// [`check_walked`] with the result kept for it, if any.
pub(super) fn check_tree(
    workspace: &Workspace,
    request: &Request,
    cache: &crate::cache::Store,
) -> Result<Checked, EnvError> {
    let tree = workspace.walk(cache)?;
    let key = key(workspace, &tree);
    let kept = key.and_then(|key| kept(cache, key));
    check_walked(workspace, request, cache, (tree, key), kept)
}

/// The cache, when the request is for the whole work tree: the only check whose result is kept.
pub(super) fn whole_tree_cache<'a>(
    workspace: &'a Workspace,
    request: &Request,
) -> Option<&'a crate::cache::Store> {
    (request.compare.is_none() && workspace.source == Source::WorkTree)
        .then(|| workspace.cache())
        .flatten()
}

/// The result kept under `key`, if it is there and reads.
fn kept(cache: &crate::cache::Store, key: u128) -> Option<Kept> {
    postcard::from_bytes(&cache.verdict(key)?).ok()
}

/// The check of a walked work tree (with its key) for the commands that need the items too:
/// each parse resolved and the backlog indexed; with the result `kept` for it, its findings are
/// taken and no rule is run; else the backlog is checked and its result kept.
fn check_walked(
    workspace: &Workspace,
    request: &Request,
    cache: &crate::cache::Store,
    (tree, key): (WorkTree, Option<u128>),
    kept: Option<Kept>,
) -> Result<Checked, EnvError> {
    let loaded = Loaded {
        files: workspace.resolve(cache, tree.files),
        problems: tree.problems,
        blob_ids: Default::default(),
    };
    if let Some(kept) = kept {
        return Ok(super::checked_with(workspace, loaded, kept.diagnostics));
    }
    let checked = check_loaded(workspace, request, loaded)?;
    if let Some(key) = key
        && let Ok(bytes) = postcard::to_allocvec(&Kept::of(&checked))
    {
        cache.keep_verdict(key, &bytes);
    }
    Ok(checked)
}

/// The key of the result: every input the findings depend on, or `None` when one is not known
/// (a file the walk could not read or hash).
fn key(workspace: &Workspace, tree: &WorkTree) -> Option<u128> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&workspace.config.fingerprint().to_le_bytes());
    hasher.update(workspace.display_root.to_string_lossy().as_bytes());
    hasher.update(&[0]);
    hasher.update(&(tree.files.len() as u64).to_le_bytes());
    for file in &tree.files {
        hasher.update(file.shown().as_bytes());
        hasher.update(&[0]);
        hasher.update(file.blob()?.as_slice());
    }
    for problem in &tree.problems {
        hasher.update(&postcard::to_allocvec(problem).ok()?);
    }
    Some(hasher.digest128())
}

impl Kept {
    fn of(checked: &Checked) -> Kept {
        let (foreign_count, backlogs) = crate::rules::foreign_references(&checked.backlog);
        let itemless = checked.itemless.clone();
        Kept {
            diagnostics: checked.diagnostics.clone(),
            foreign_count,
            foreign_backlogs: backlogs.into_iter().collect(),
            itemless,
        }
    }
}

impl Verdict {
    fn of(checked: Checked) -> Verdict {
        Verdict {
            foreign: crate::rules::foreign_references(&checked.backlog),
            diagnostics: checked.diagnostics,
            texts: checked.texts,
            files: checked.files,
            warnings: checked.warnings,
            set_aside: checked.set_aside,
            items: Items::Backlog(checked.backlog),
        }
    }

    /// The paths of the files read as items (for JUnit's passing suites).
    pub fn item_paths(&self) -> Vec<&str> {
        match &self.items {
            Items::Backlog(backlog) => backlog.iter().map(|i| i.path.as_str()).collect(),
            Items::Paths(paths) => paths.iter().map(String::as_str).collect(),
        }
    }

    /// The result kept, with the texts of the files its findings point at (read when a renderer
    /// asks).
    fn known(tree: WorkTree, kept: Kept, root: &std::path::Path) -> Verdict {
        let files = tree.files.len();
        let quoted: HashSet<&str> = kept.diagnostics.iter().map(|d| d.path.as_str()).collect();
        let itemless: HashSet<&str> = kept.itemless.iter().map(String::as_str).collect();
        let mut texts = Texts::with_capacity(quoted.len());
        let mut item_paths = Vec::with_capacity(files);
        for walked in tree.files {
            // Only the files the findings quote need a text.
            let quote = quoted.contains(walked.shown());
            let (shown, text) = match walked {
                Walked::Known { shown, .. } => {
                    let text = quote.then(|| FileText::Later(Origin::Disk(root.join(&shown))));
                    (shown, text)
                }
                Walked::Read { shown, bytes, .. } => {
                    let text = quote.then(|| {
                        let text = String::from_utf8(bytes).ok();
                        FileText::from(text.map(crate::parse::lone_cr_to_lf))
                    });
                    (shown, text)
                }
                Walked::Done(file) => {
                    let (shown, text, ..) = file;
                    (shown, quote.then_some(text))
                }
            };
            if let Some(text) = text {
                texts.insert_file(shown.clone(), text);
            }
            if !itemless.contains(shown.as_str()) {
                item_paths.push(shown);
            }
        }
        Verdict {
            diagnostics: kept.diagnostics,
            texts,
            files,
            warnings: Vec::new(),
            set_aside: Vec::new(),
            foreign: (
                kept.foreign_count,
                kept.foreign_backlogs.into_iter().collect(),
            ),
            items: Items::Paths(item_paths),
        }
    }
}
