//! Finding the project (popm.toml, the repository root) and reading the backlog from disk or git:
//! listing folders, reading and parsing run together in parallel, and each file is read exactly once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, ConfigError};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::git::{Git, ObjectId};
use crate::model::Backlog;
use crate::parse::{self, yaml::Pos};
use crate::rules;

/// An error that is not a finding: exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Other(String),
}

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
type ParsedFile = (String, Option<String>, parse::Parsed);

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
struct Listing {
    /// (blob, path), in path order.
    files: Vec<(ObjectId, String)>,
    problems: Vec<Diagnostic>,
    /// Roots (as configured) git holds nothing under.
    missing: Vec<String>,
}

/// The difference between a base version and the checked backlog.
pub struct Changes {
    /// Item files added, changed or removed (paths as displayed).
    pub paths: HashSet<String>,
    /// The base version of every changed or removed file that existed there, indexed with the
    /// current configuration (to compare workflow states).
    pub before: Backlog,
    /// Every finding the base version has, checked with its own popm.toml; when asked for.
    pub base_findings: Option<Vec<Diagnostic>>,
}

/// What makes two findings the same one across versions: rule, severity, file and message. Not the
/// line or column, which move when lines are added above; and in the message, a line number after
/// a `:` (`backlog/F-1.md:3 uses it too`) counts as any line.
type FindingKey = (Rule, crate::diagnostic::Severity, String, String);

fn finding_key(d: &Diagnostic) -> FindingKey {
    let mut message = String::with_capacity(d.message.len());
    let mut after_colon = false;
    let mut in_number = false;
    for c in d.message.chars() {
        if c.is_ascii_digit() && (after_colon || in_number) {
            if !in_number {
                message.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            message.push(c);
        }
        after_colon = c == ':';
    }
    (d.rule, d.severity, d.path.clone(), message)
}

/// The findings `--since` shows: every finding in a file the change touched, and every other
/// finding the base version did not have (matched by [`finding_key`], counting repeats). Order
/// is kept.
pub fn brought_by_branch(
    diagnostics: Vec<Diagnostic>,
    touched: &HashSet<String>,
    base: &[Diagnostic],
) -> Vec<Diagnostic> {
    let mut known: HashMap<FindingKey, usize> = HashMap::with_capacity(base.len());
    for d in base {
        *known.entry(finding_key(d)).or_default() += 1;
    }
    diagnostics
        .into_iter()
        .filter(|d| {
            if touched.contains(&d.path) {
                return true;
            }
            match known.get_mut(&finding_key(d)) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    false
                }
                _ => true,
            }
        })
        .collect()
}

/// The backlog with every finding, severities applied and sorted.
pub struct Checked {
    pub backlog: Backlog,
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read as items.
    pub files: usize,
    /// The blob id of each file read, where it is known without hashing (read from git).
    blob_ids: HashMap<String, ObjectId>,
    /// The findings about single files (reading, parsing, listing), by path: kept only for a
    /// comparison with another version, which reuses them for files that did not change.
    file_findings: Option<HashMap<String, Vec<Diagnostic>>>,
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
            .map_err(|e| EnvError::Other(format!("cannot use directory {}: {e}", dir.display())))?;
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
            match Git::discover(&config.project_root).map_err(EnvError::Other)? {
                Some(git) => Some(git),
                None => {
                    let what = match &source {
                        Source::WorkTree => "this command".to_string(),
                        other => other.flag().to_string(),
                    };
                    return Err(EnvError::Other(format!(
                        "{what} needs a git repository, and {} is not in one",
                        config.project_root.display()
                    )));
                }
            }
        } else {
            None
        };
        let display_root = git
            .as_ref()
            .map_or(display_root, |g| g.workdir().to_path_buf());
        let commit = match (&source, &git) {
            (Source::Rev(rev), Some(git)) => Some(git.commit(rev).map_err(EnvError::Other)?),
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
            Source::Index => git.index_file(&path).map_err(EnvError::Other)?,
            Source::Rev(_) => match self.commit {
                Some(c) => git.file_at(c, &path).map_err(EnvError::Other)?,
                None => return Ok(()),
            },
        };
        let Some(id) = id else {
            return Ok(());
        };
        let bytes = git.blob(id).map_err(EnvError::Other)?;
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
        let refuse = || {
            EnvError::Other(format!(
                "refusing to write to {}: popm writes only inside the backlog folders ({}); add it \
                 to [backlog] roots in popm.toml first",
                folder.display(),
                config.roots.join(", ")
            ))
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
            .map_err(|e| EnvError::Other(format!("cannot create {}: {e}", real.display())))?;
        // Again after creating it, in case a link appeared meanwhile.
        match wanted.canonicalize() {
            Ok(now) if inside(&now) => Ok(wanted),
            _ => Err(refuse()),
        }
    }

    /// Reads and parses the backlog from its source, then runs every check. A backlog root the
    /// source does not hold is an error (exit status 2), whatever the source.
    pub fn check(&self) -> Result<Checked, EnvError> {
        self.check_with(true, false)
    }

    /// Like [`Workspace::check`], where a backlog root a commit does not hold is an empty folder:
    /// for the earlier side of a comparison, which may predate the backlog.
    pub fn check_allowing_missing_roots(&self) -> Result<Checked, EnvError> {
        self.check_with(false, false)
    }

    /// Like [`Workspace::check`], keeping what [`Workspace::compare`] reuses for the files that
    /// did not change (`check --since`).
    pub fn check_for_comparison(&self) -> Result<Checked, EnvError> {
        self.check_with(true, true)
    }

    fn check_with(
        &self,
        roots_required: bool,
        keep_file_findings: bool,
    ) -> Result<Checked, EnvError> {
        let mut blob_ids = HashMap::new();
        let (files, mut diagnostics) = match (&self.source, &self.git) {
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
        let count = files.len();
        let backlog = self.index(files, &mut diagnostics);
        let file_findings = keep_file_findings.then(|| by_path(diagnostics.iter().cloned()));
        rules::check_backlog(&backlog, &self.config, &mut diagnostics);
        Ok(Checked {
            diagnostics: rules::finish(diagnostics, &self.config),
            backlog,
            files: count,
            blob_ids,
            file_findings,
        })
    }

    /// Reads and parses blobs in parallel, each once. With `disk` (the work tree), a file whose bytes
    /// on disk are exactly the blob (same blob id) is taken from disk: inflating thousands of small
    /// compressed objects costs ten times more than reading and hashing the files.
    fn read_blobs(
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
                                Err(e) => return unreadable(shown, e),
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

    /// Indexes what was parsed: the items, their texts (for snippets), the parser's diagnostics.
    fn index(&self, parsed: Vec<ParsedFile>, diagnostics: &mut Vec<Diagnostic>) -> Backlog {
        let mut items = Vec::with_capacity(parsed.len());
        let mut sources = HashMap::with_capacity(parsed.len());
        for (shown, text, p) in parsed {
            diagnostics.extend(p.diagnostics);
            items.extend(p.item);
            if let Some(text) = text {
                sources.insert(shown, text);
            }
        }
        Backlog::new(items, sources, &self.config)
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
    fn backlog_blobs(
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
            }
            .map_err(EnvError::Other)?;
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
        let at = rev.map_or(String::new(), |rev| format!(" at `{rev}`"));
        EnvError::Other(format!(
            "backlog folder `{root}` not found{at} in {} ({hint})",
            self.config.project_root.display()
        ))
    }

    /// What changed between a base commit (`None`: no commits yet, so everything is new) and the
    /// backlog that was checked, with the base's version of every changed item. With
    /// `base_config` (the base's own popm.toml), the whole base version is checked too, for
    /// [`Changes::base_findings`]: files with the same blob as now are not read again (their
    /// parse is reused from `checked`), the others are read and parsed once.
    pub fn compare(
        &self,
        checked: &Checked,
        base: Option<ObjectId>,
        base_config: Option<&Config>,
    ) -> Result<Changes, EnvError> {
        let Some(git) = &self.git else {
            return Err(EnvError::Other(
                "comparing versions needs a git repository".into(),
            ));
        };
        let listing = match base {
            Some(commit) => self.backlog_blobs(git, Some(commit), &self.config)?,
            None => Listing::default(),
        };
        let base_ids: HashMap<&str, ObjectId> = listing
            .files
            .iter()
            .map(|(id, path)| (path.as_str(), *id))
            .collect();
        // The blob id of each file checked now. Same bytes, same blob id: hashing the text read is
        // enough to compare it with git, and files read from git have their id already.
        let mut now: HashMap<&str, Option<ObjectId>> = HashMap::new();
        let paths = checked.backlog.items.iter().map(|i| i.path.as_str());
        for path in paths.chain(checked.diagnostics.iter().map(|d| d.path.as_str())) {
            now.entry(path)
                .or_insert_with(|| match checked.blob_ids.get(path) {
                    Some(id) => Some(*id),
                    None => checked
                        .backlog
                        .source(path)
                        .and_then(|t| git.hash(t.as_bytes())),
                });
        }
        let unchanged = |path: &str, id: ObjectId| now.get(path).copied().flatten() == Some(id);
        // Touched: an item file added or changed, or removed. A path with findings but no text
        // (a link, a file that is not UTF-8) has no blob to compare: its findings are compared
        // one by one instead.
        let mut paths: HashSet<String> = now
            .iter()
            .filter_map(|(path, id)| {
                id.filter(|id| base_ids.get(*path) != Some(id))
                    .map(|_| *path)
            })
            .map(str::to_string)
            .collect();
        let mut before_files = Vec::new();
        for (id, path) in &listing.files {
            if !unchanged(path, *id) {
                if !now.contains_key(path.as_str()) {
                    paths.insert(path.clone());
                }
                before_files.push((*id, path.clone()));
            }
        }
        // The base as its own configuration lists it (roots and exclusions may differ).
        let base_listing = match (base, base_config) {
            (Some(commit), Some(config)) => {
                let same =
                    config.roots == self.config.roots && config.exclude == self.config.exclude;
                Some(if same {
                    listing
                } else {
                    self.backlog_blobs(git, Some(commit), config)?
                })
            }
            (None, Some(_)) => Some(Listing::default()),
            (_, None) => None,
        };
        if let (Some(l), Some(config)) = (&base_listing, base_config) {
            too_many(l.files.len(), config)?;
        }
        // A file unchanged since the base is taken as it was read now (when its per-file
        // findings were kept); each other base blob is read and parsed once, for both uses.
        let reusable =
            |path: &str, id: ObjectId| checked.file_findings.is_some() && unchanged(path, id);
        let mut wanted = before_files.clone();
        if let Some(l) = &base_listing {
            wanted.extend(l.files.iter().filter(|(id, p)| !reusable(p, *id)).cloned());
        }
        wanted.sort_by(|a, b| a.1.cmp(&b.1));
        wanted.dedup_by(|a, b| a.1 == b.1);
        let mut parsed: HashMap<String, (Option<crate::model::Item>, Vec<Diagnostic>)> = self
            .read_blobs(git, wanted, None)
            .into_iter()
            .map(|(path, _, p)| (path, (p.item, p.diagnostics)))
            .collect();
        let before_items = before_files
            .iter()
            .filter_map(|(_, path)| parsed.get(path).and_then(|(item, _)| item.clone()))
            .collect();
        let before = Backlog::new(before_items, HashMap::new(), &self.config);
        let base_findings = match (base_listing, base_config) {
            (Some(l), Some(config)) => {
                Some(self.check_base(checked, l, &mut parsed, &reusable, config))
            }
            _ => None,
        };
        Ok(Changes {
            paths,
            before,
            base_findings,
        })
    }

    /// Every finding of the base version: `reusable` files are taken from `checked`, the rest
    /// from `parsed`.
    fn check_base(
        &self,
        checked: &Checked,
        listing: Listing,
        parsed: &mut HashMap<String, (Option<crate::model::Item>, Vec<Diagnostic>)>,
        reusable: &dyn Fn(&str, ObjectId) -> bool,
        config: &Config,
    ) -> Vec<Diagnostic> {
        let current: HashMap<&str, &crate::model::Item> = checked
            .backlog
            .items
            .iter()
            .map(|i| (i.path.as_str(), i))
            .collect();
        let mut diagnostics = listing.problems;
        let mut items = Vec::with_capacity(listing.files.len());
        for (id, path) in listing.files {
            let reused = match &checked.file_findings {
                Some(findings) if reusable(&path, id) => {
                    diagnostics.extend(findings.get(&path).into_iter().flatten().cloned());
                    items.extend(current.get(path.as_str()).map(|i| (*i).clone()));
                    true
                }
                _ => false,
            };
            if !reused && let Some((item, found)) = parsed.remove(&path) {
                diagnostics.extend(found);
                items.extend(item);
            }
        }
        let backlog = Backlog::new(items, HashMap::new(), config);
        rules::check_backlog(&backlog, config, &mut diagnostics);
        rules::finish(diagnostics, config)
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
        let Some(id) = git.file_at(commit, &path).map_err(EnvError::Other)? else {
            let mut defaults = Config::default();
            defaults.project_root = project_root;
            return Ok(defaults);
        };
        let bytes = git.blob(id).map_err(EnvError::Other)?;
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
                return Err(EnvError::Other(format!(
                    "backlog folder `{}` resolves outside {} (a symbolic link?); popm reads only \
                     the project's own files",
                    root,
                    self.config.project_root.display()
                )));
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

/// Diagnostics grouped by path.
fn by_path(diagnostics: impl Iterator<Item = Diagnostic>) -> HashMap<String, Vec<Diagnostic>> {
    let mut out: HashMap<String, Vec<Diagnostic>> = HashMap::new();
    for d in diagnostics {
        out.entry(d.path.clone()).or_default().push(d);
    }
    out
}

/// `[backlog] max_items` bounds how many item files popm reads (and so its memory).
fn too_many(files: usize, config: &Config) -> Result<(), EnvError> {
    if files <= config.max_items {
        return Ok(());
    }
    Err(EnvError::Other(format!(
        "the backlog has {files} item files, more than the limit of {}; popm stopped reading \
         (raise [backlog] max_items in popm.toml if the backlog is really this large)",
        config.max_items
    )))
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

    fn finding(rule: Rule, path: &str, line: u32, message: &str) -> Diagnostic {
        Diagnostic::new(rule, path, Pos { line, column: 1 }, message)
    }

    #[test]
    fn findings_match_across_versions_by_rule_severity_path_and_message() {
        let key = |m: &str| finding_key(&finding(Rule::IdDuplicate, "a.md", 1, m)).3;
        assert_eq!(
            key("duplicate id `F-1`: backlog/F-1.md:12 uses it too"),
            "duplicate id `F-1`: backlog/F-1.md:# uses it too"
        );
        assert_eq!(
            key("WSJF 13: off the scale 1:2"),
            "WSJF 13: off the scale 1:#"
        );
        let base = vec![
            finding(Rule::PiUnknown, "a.md", 3, "PI `P` is not an item"),
            finding(Rule::PiUnknown, "b.md", 3, "PI `P` is not an item"),
        ];
        let now = vec![
            // Moved down a line: the same finding.
            finding(Rule::PiUnknown, "a.md", 4, "PI `P` is not an item"),
            // Twice where the base had it once: one is new.
            finding(Rule::PiUnknown, "b.md", 3, "PI `P` is not an item"),
            finding(Rule::PiUnknown, "b.md", 9, "PI `P` is not an item"),
            // Another severity is another finding.
            finding(Rule::PiUnknown, "a.md", 3, "PI `P` is not an item")
                .severity(crate::diagnostic::Severity::Warning),
            // In a touched file, shown whatever the base had.
            finding(Rule::PiUnknown, "c.md", 3, "PI `P` is not an item"),
        ];
        let touched: HashSet<String> = ["c.md".to_string()].into();
        let lines: Vec<(String, u32)> = brought_by_branch(now, &touched, &base)
            .into_iter()
            .map(|d| (d.path, d.line))
            .collect();
        assert_eq!(
            lines,
            [
                ("b.md".to_string(), 9),
                ("a.md".to_string(), 3),
                ("c.md".to_string(), 3)
            ]
        );
    }

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
