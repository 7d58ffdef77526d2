//! Finding the project (popm.toml, the repository root) and reading the backlog from disk or git:
//! listing folders, reading and parsing run together in parallel, and each file is read exactly once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::error::EnvError;
use crate::git::{Git, ObjectId};
use crate::parse::{self, yaml::Pos};

/// Which version of the backlog to read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Source {
    /// The files on disk.
    #[default]
    WorkTree,
    /// What the git index (staging area) holds: what the next commit will contain.
    Index,
    /// A commit, branch or tag, read from git without a checkout.
    Rev(String),
}

impl Source {
    pub fn flag(&self) -> &'static str {
        match self {
            Source::WorkTree => "",
            Source::Index => "--staged",
            Source::Rev(_) => "--rev",
        }
    }
}

pub struct Workspace {
    pub config: Config,
    /// Paths in diagnostics are relative to this folder: the git repository's top, or the project root
    /// outside a repository.
    pub display_root: PathBuf,
    pub source: Source,
    /// Opened when the source or a command needs git.
    pub git: Option<Git>,
    /// The commit `source` names, for `Source::Rev`.
    commit: Option<ObjectId>,
}

/// One file read and parsed: its display path, its text (kept for snippets), what the parser found.
pub(crate) type ParsedFile = (String, Option<String>, parse::Parsed);

/// The backlog's source as read: every item file parsed, and what could not be read or listed.
pub(crate) struct Loaded {
    pub files: Vec<ParsedFile>,
    pub problems: Vec<Diagnostic>,
    /// The blob id of each file read, where it is known without hashing (read from git).
    pub blob_ids: HashMap<String, ObjectId>,
}

/// Folders nested deeper than this under a backlog root are reported, not entered: the walk recurses,
/// and a hostile tree must not exhaust the stack.
const MAX_FOLDER_DEPTH: usize = 64;

/// What one folder entry yielded. Nearly every entry is a file, so boxing the large variant would
/// only add an allocation per file.
#[allow(clippy::large_enum_variant)]
enum Found {
    Nothing,
    File(ParsedFile),
    Problem(Diagnostic),
    Folder(Vec<ParsedFile>, Vec<Diagnostic>),
}

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
    /// `dir` is where popm runs (after `-C`); `config` pins a popm.toml. Reads the work tree.
    pub fn open(dir: &Path, config: Option<&Path>) -> Result<Workspace, EnvError> {
        Workspace::open_at(dir, config, Source::WorkTree, false)
    }

    /// Like [`Workspace::open`], reading the backlog from `source`; `needs_git` opens the
    /// repository even for the work tree (`--since`, hooks).
    pub fn open_at(
        dir: &Path,
        config: Option<&Path>,
        source: Source,
        needs_git: bool,
    ) -> Result<Workspace, EnvError> {
        let dir = dir
            .canonicalize()
            .map_err(|e| EnvError::io(format!("use directory {}", dir.display()), e))?;
        let mut config = match config {
            Some(file) => {
                let file = if file.is_absolute() {
                    file.to_path_buf()
                } else {
                    dir.join(file)
                };
                Config::load(&file)?
            }
            None => Config::discover(&dir)?,
        };
        config.project_root = config
            .project_root
            .canonicalize()
            .unwrap_or_else(|_| config.project_root.clone());
        let display_root = config
            .project_root
            .ancestors()
            .find(|d| d.join(".git").exists())
            .unwrap_or(&config.project_root)
            .to_path_buf();
        let git = if needs_git || source != Source::WorkTree {
            match Git::discover(&config.project_root)? {
                Some(git) => Some(git),
                None => {
                    let what = match &source {
                        Source::WorkTree => "this command".to_string(),
                        other => other.flag().to_string(),
                    };
                    return Err(EnvError::NoRepository {
                        what,
                        dir: Some(config.project_root.clone()),
                    });
                }
            }
        } else {
            None
        };
        let display_root = git
            .as_ref()
            .map_or(display_root, |g| g.workdir().to_path_buf());
        let commit = match (&source, &git) {
            (Source::Rev(rev), Some(git)) => Some(git.commit(rev)?),
            _ => None,
        };
        let mut workspace = Workspace {
            config,
            display_root,
            source,
            git,
            commit,
        };
        workspace.config_from_source()?;
        workspace.config.display_path = workspace
            .config
            .file
            .as_ref()
            .and_then(|f| f.canonicalize().ok())
            .map(|f| workspace.display(&f));
        Ok(workspace)
    }

    /// With `--staged` or `--rev`, popm.toml is read from the same version as the backlog when it is
    /// there (a commit may change the configuration with the items).
    fn config_from_source(&mut self) -> Result<(), EnvError> {
        let (Some(git), Some(file)) = (&self.git, &self.config.file) else {
            return Ok(());
        };
        let Ok(file) = file.canonicalize() else {
            return Ok(());
        };
        let Ok(relative) = file.strip_prefix(git.workdir()) else {
            return Ok(());
        };
        let path = git_path(relative);
        let id = match &self.source {
            Source::WorkTree => return Ok(()),
            Source::Index => git.index_file(&path)?,
            Source::Rev(_) => match self.commit {
                Some(c) => git.file_at(c, &path)?,
                None => return Ok(()),
            },
        };
        let Some(id) = id else {
            return Ok(());
        };
        let bytes = git.blob(id)?;
        let text = String::from_utf8_lossy(&bytes);
        let shown = format!("{path} ({})", self.source.flag());
        let mut config = Config::parse(
            &text,
            &shown,
            Some(file.clone()),
            self.config.project_root.clone(),
        )?;
        config.display_path = self.config.display_path.clone();
        self.config = config;
        Ok(())
    }

    /// `path` as shown to users: relative to the display root, with `/`.
    pub fn display(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.display_root).unwrap_or(path);
        let mut out = String::new();
        for (i, part) in relative.components().enumerate() {
            if i > 0 {
                out.push('/');
            }
            out.push_str(&part.as_os_str().to_string_lossy());
        }
        out
    }

    /// The folder new item files may be written to: `folder` (relative to the project, or absolute)
    /// must lie inside one of the backlog roots once links are resolved, so that popm never writes
    /// outside the backlog, and everything it writes is checked. The folder is created if needed.
    pub fn folder_for_writing(&self, folder: &Path) -> Result<PathBuf, EnvError> {
        let config = &self.config;
        let wanted = config.project_root.join(folder);
        let refuse = || EnvError::OutsideBacklog {
            folder: folder.to_path_buf(),
            roots: config.roots.clone(),
        };
        let roots: Vec<PathBuf> = config
            .roots
            .iter()
            .filter_map(|r| config.project_root.join(r).canonicalize().ok())
            .collect();
        let inside = |real: &Path| roots.iter().any(|r| real.starts_with(r));
        // Before creating anything: the nearest existing folder, links resolved, plus plain names.
        let mut existing = wanted.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
                return Err(refuse());
            };
            rest.push(name);
            existing = parent;
        }
        let mut real = existing.canonicalize().map_err(|_| refuse())?;
        for name in rest.iter().rev() {
            if *name == ".." || *name == "." {
                return Err(refuse());
            }
            real.push(name);
        }
        if !inside(&real) {
            return Err(refuse());
        }
        std::fs::create_dir_all(&real)
            .map_err(|e| EnvError::io(format!("create {}", real.display()), e))?;
        // Again after creating it, in case a link appeared meanwhile.
        match wanted.canonicalize() {
            Ok(now) if inside(&now) => Ok(wanted),
            _ => Err(refuse()),
        }
    }

    /// Reads and parses every item file of the source, each once. A backlog root the source does
    /// not hold is an error (exit status 2) when `roots_required`, else an empty folder (for the
    /// earlier side of a comparison, which may predate the backlog).
    pub(crate) fn load(&self, roots_required: bool) -> Result<Loaded, EnvError> {
        let mut blob_ids = HashMap::new();
        let (files, problems) = match (&self.source, &self.git) {
            (Source::WorkTree, _) | (_, None) => self.read_folders()?,
            // The index for `--staged` (no commit), the commit's tree for `--rev`.
            (Source::Index | Source::Rev(_), Some(git)) => {
                let listing = self.backlog_blobs(git, self.commit, &self.config)?;
                if let Some(root) = listing.missing.first().filter(|_| roots_required) {
                    // The index holds no empty folders: one that exists on disk with nothing
                    // staged under it yet is an empty staged backlog, not a missing one.
                    let on_disk =
                        self.commit.is_none() && self.config.project_root.join(root).is_dir();
                    if !on_disk {
                        return Err(self.missing_root(root));
                    }
                }
                let blobs = listing.files;
                too_many(blobs.len(), &self.config)?;
                blob_ids.extend(blobs.iter().map(|(id, path)| (path.clone(), *id)));
                // What is staged is usually what is on disk: read those files from disk.
                let disk = matches!(self.source, Source::Index).then(|| git.workdir());
                (self.read_blobs(git, blobs, disk), listing.problems)
            }
        };
        Ok(Loaded {
            files,
            problems,
            blob_ids,
        })
    }

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
        blobs
            .into_par_iter()
            .map_init(
                || reader.local(),
                |local, (id, shown)| {
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
                    (shown, text, parsed)
                },
            )
            .collect()
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
                None => git.index_listing(&prefix),
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
                let in_backlog = |p: &str| {
                    let within = p.strip_prefix(&prefix).unwrap_or(p).trim_start_matches('/');
                    let relative = p
                        .strip_prefix(&project)
                        .unwrap_or(p)
                        .trim_start_matches('/');
                    !within.split('/').any(|part| part.starts_with('.'))
                        && !config.is_excluded(Path::new(relative))
                };
                if (markdown || folder) && in_backlog(&path) {
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

    /// The error for a backlog root that does not exist in the source read, the same from every
    /// source.
    fn missing_root(&self, root: &str) -> EnvError {
        match &self.source {
            Source::Rev(rev) => self.missing_root_at(root, Some(rev)),
            Source::WorkTree | Source::Index => self.missing_root_at(root, None),
        }
    }

    /// The error for a backlog root that does not exist on disk or in the index (`rev` None), or
    /// in the commit `rev` names.
    pub fn missing_root_at(&self, root: &str, rev: Option<&str>) -> EnvError {
        let hint = match &self.config.file {
            Some(f) => format!("set [backlog] roots in {}", self.display(f)),
            None => "create it, run `popm init`, or name the folder in popm.toml".into(),
        };
        EnvError::MissingRoot {
            root: root.to_string(),
            rev: rev.map(str::to_string),
            project: self.config.project_root.clone(),
            hint,
        }
    }

    /// popm.toml as the commit `commit` holds it, for checking that version with its own rules:
    /// the built-in defaults when the commit has none. A configuration file outside the
    /// repository (`--config`) is the same for every version.
    pub fn config_at(&self, git: &Git, commit: ObjectId) -> Result<Config, EnvError> {
        let file = match &self.config.file {
            Some(f) => f.canonicalize().unwrap_or_else(|_| f.clone()),
            None => self.config.project_root.join(crate::config::FILE_NAME),
        };
        let Ok(relative) = file.strip_prefix(git.workdir()) else {
            return Ok(self.config.clone());
        };
        let path = git_path(relative);
        let project_root = self.config.project_root.clone();
        let Some(id) = git.file_at(commit, &path)? else {
            return Ok(Config {
                project_root,
                ..Config::default()
            });
        };
        let bytes = git.blob(id)?;
        let text = String::from_utf8_lossy(&bytes);
        let shown = format!("{path} (at {})", &commit.to_hex_with_len(7));
        let mut config = Config::parse(&text, &shown, Some(file), project_root)?;
        config.display_path = self.config.display_path.clone();
        Ok(config)
    }

    /// Reads and parses every item file under the backlog roots, in path order, with diagnostics
    /// for what could not be read. Listing, reading and parsing run together in parallel: each
    /// folder is listed, then its entries (files and subfolders) are taken up by the thread pool.
    fn read_folders(&self) -> Result<(Vec<ParsedFile>, Vec<Diagnostic>), EnvError> {
        let mut files = Vec::new();
        let mut diagnostics = Vec::new();
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
            match entry.and_then(|e| Ok((e.file_name(), e.file_type()?))) {
                Ok(entry) => entries.push(entry),
                Err(e) => diagnostics.push(folder_unreadable(shown, &e)),
            }
        }
        // Path order, as on every run and machine.
        entries.sort_unstable_by(|a, b| a.0.as_encoded_bytes().cmp(b.0.as_encoded_bytes()));
        let found: Vec<Found> = entries
            .into_par_iter()
            .map(|(name, kind)| self.read_entry(dir, shown, depth, &name, kind))
            .collect();
        let mut files = Vec::with_capacity(found.len());
        for f in found {
            match f {
                Found::Nothing => {}
                Found::File(file) => files.push(file),
                Found::Problem(d) => diagnostics.push(d),
                Found::Folder(f, d) => {
                    files.extend(f);
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
    ) -> Found {
        let lossy = name.to_string_lossy();
        // Hidden files and folders (.git, .obsidian, ...) hold no items.
        if lossy.starts_with('.') {
            return Found::Nothing;
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
                return Found::Nothing;
            }
            return Found::Problem(link_skipped(&shown, folder));
        }
        if kind.is_dir() {
            if depth >= MAX_FOLDER_DEPTH {
                return Found::Problem(too_deep(&shown));
            }
            let (files, diagnostics) = self.read_folder(&path, &shown, depth + 1);
            return Found::Folder(files, diagnostics);
        }
        if !markdown || excluded() {
            return Found::Nothing;
        }
        if !kind.is_file() {
            // A pipe, socket or device named like an item: opening a pipe would block.
            return Found::Problem(Diagnostic::new(
                Rule::FileUnreadable,
                &shown,
                top,
                "skipped: not a regular file (a pipe, socket or device)",
            ));
        }
        // Past the limit, files are counted but no longer read; the caller stops with an error.
        let seen = self.seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if seen >= self.config.max_items {
            return Found::Nothing;
        }
        Found::File(read_and_parse(&path, shown, self.config.max_file_bytes))
    }
}

fn read_and_parse(path: &Path, shown: String, limit: u64) -> ParsedFile {
    crate::trace::io("read", &shown);
    match crate::files::read_regular(path, limit) {
        Ok(Ok(bytes)) => {
            let (parsed, text) = parse::parse_file(&shown, bytes);
            (shown, text, parsed)
        }
        Ok(Err(size)) => unreadable(shown, too_large(size, limit)),
        Err(e) => unreadable(shown, format!("cannot read the file: {e}")),
    }
}

/// `[backlog] max_items` bounds how many item files popm reads (and so its memory).
pub(crate) fn too_many(files: usize, config: &Config) -> Result<(), EnvError> {
    if files <= config.max_items {
        return Ok(());
    }
    Err(EnvError::TooManyItems {
        files,
        limit: config.max_items,
    })
}

fn unsafe_name(entry: &crate::git::UnsafeEntry) -> Diagnostic {
    let top = Pos { line: 1, column: 1 };
    let message = format!(
        "skipped: git names an entry of this folder `{}`, which is not a safe file name (empty, \
         `.`, `..` or holding `/`)",
        entry.name
    );
    let shown = if entry.folder.is_empty() {
        "."
    } else {
        &entry.folder
    };
    Diagnostic::new(Rule::FileUnreadable, shown, top, message)
}

fn has_md_extension(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"))
}

fn link_skipped(shown: &str, folder: bool) -> Diagnostic {
    let top = Pos { line: 1, column: 1 };
    let what = if folder { "folder" } else { "file" };
    Diagnostic::new(
        Rule::SymlinkSkipped,
        shown,
        top,
        format!(
            "skipped: the {what} is a symbolic link; popm reads only regular files and folders"
        ),
    )
}

fn unsafe_index_path(prefix: &str, path: &str) -> Diagnostic {
    let top = Pos { line: 1, column: 1 };
    let message = format!(
        "skipped: the git index holds `{path}`, which is not a safe path (a part that is empty, \
         `.` or `..`)"
    );
    let shown = if prefix.is_empty() { "." } else { prefix };
    Diagnostic::new(Rule::FileUnreadable, shown, top, message)
}

fn too_deep(shown: &str) -> Diagnostic {
    let top = Pos { line: 1, column: 1 };
    let message =
        format!("skipped: folders nested deeper than {MAX_FOLDER_DEPTH} levels are not read");
    Diagnostic::new(Rule::FileUnreadable, shown, top, message)
}

fn folder_unreadable(shown: &str, e: &std::io::Error) -> Diagnostic {
    let top = Pos { line: 1, column: 1 };
    let message = format!("cannot read this folder: {e}");
    Diagnostic::new(Rule::FileUnreadable, shown, top, message)
}

fn unreadable(shown: String, message: String) -> ParsedFile {
    let top = Pos { line: 1, column: 1 };
    let parsed = parse::Parsed {
        item: None,
        diagnostics: vec![Diagnostic::new(Rule::FileUnreadable, &shown, top, message)],
    };
    (shown, None, parsed)
}

fn too_large(size: u64, limit: u64) -> String {
    format!(
        "the file is {size} bytes, over the limit of {limit} (raise [backlog] max_file_bytes in popm.toml)"
    )
}

/// A relative path with `/`, as git writes paths.
fn git_path(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `path` (relative to the work tree), found under the backlog root `prefix`, is an item
/// file: markdown, not hidden, not excluded. `project` is popm.toml's folder in the work tree.
pub fn is_item_path(config: &Config, project: &str, prefix: &str, path: &str) -> bool {
    let within = path
        .strip_prefix(prefix)
        .unwrap_or(path)
        .trim_start_matches('/');
    let hidden = within.split('/').any(|part| part.starts_with('.'));
    let markdown = path
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"));
    let relative = path
        .strip_prefix(project)
        .unwrap_or(path)
        .trim_start_matches('/');
    !hidden && markdown && !config.is_excluded(Path::new(relative))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file listed by the walk can be gone (or replaced) by the time it is read: it becomes one
    /// diagnostic on its path, and the walk goes on.
    #[test]
    fn a_file_that_vanished_after_the_walk_is_one_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("S-1.md");
        let (shown, text, parsed) = read_and_parse(&gone, "backlog/S-1.md".into(), 1 << 20);
        assert_eq!(
            (shown.as_str(), text, parsed.item.is_none()),
            ("backlog/S-1.md", None, true)
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
