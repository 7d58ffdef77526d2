//! Finding the project (popm.toml, the repository root) and reading the backlog from disk: the walk is
//! sequential and cheap, reading and parsing run in parallel, and each file is read exactly once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, ConfigError};
use crate::diagnostic::Diagnostic;
use crate::git::{Git, ObjectId};
use crate::model::Backlog;
use crate::parse::{self, yaml::Pos};
use crate::rules::{self, Rule};

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

/// Where one item file's bytes come from.
enum Origin {
    Disk(PathBuf),
    Blob(ObjectId),
}

/// The difference between a base version and the checked backlog.
pub struct Changes {
    /// Item files added, changed or removed (paths as displayed).
    pub paths: HashSet<String>,
    /// Ids of the items in those files, then and now.
    pub ids: HashSet<String>,
    /// The base version of every changed or removed file that existed there.
    pub before: Backlog,
}

impl Changes {
    /// Keeps the findings on changed items, and on items whose parent or dependencies changed.
    pub fn filter(&self, checked: &mut Checked) {
        let touched = |item: &crate::model::Item| {
            self.paths.contains(&item.path)
                || item
                    .parent
                    .as_ref()
                    .is_some_and(|p| self.ids.contains(&p.value))
                || item.depends_on.iter().any(|d| self.ids.contains(&d.value))
        };
        let affected: HashSet<&str> = checked
            .backlog
            .items
            .iter()
            .filter(|i| touched(i))
            .map(|i| i.path.as_str())
            .collect();
        checked
            .diagnostics
            .retain(|d| self.paths.contains(&d.path) || affected.contains(d.path.as_str()));
    }
}

/// The backlog with every finding, severities applied and sorted.
pub struct Checked {
    pub backlog: Backlog,
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read as items.
    pub files: usize,
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
        let blobs = match &self.source {
            Source::WorkTree => return Ok(()),
            Source::Index => git.index_blobs("").map_err(EnvError::Other)?,
            Source::Rev(_) => match self.commit {
                Some(c) => git.tree_blobs(c, "").map_err(EnvError::Other)?,
                None => return Ok(()),
            },
        };
        let Some(id) = blobs.get(&path) else {
            return Ok(());
        };
        let bytes = git.blob(*id).map_err(EnvError::Other)?;
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

    /// Reads and parses the backlog from its source, then runs every check.
    pub fn check(&self) -> Result<Checked, EnvError> {
        let (files, mut diagnostics) = match (&self.source, &self.git) {
            (Source::WorkTree, _) | (_, None) => self.discover()?,
            // The index for `--staged` (no commit), the commit's tree for `--rev`.
            (Source::Index | Source::Rev(_), Some(git)) => {
                (self.backlog_blobs(git, self.commit)?, Vec::new())
            }
        };
        let count = files.len();
        let backlog = self.parse(files, &mut diagnostics);
        rules::check_backlog(&backlog, &self.config, &mut diagnostics);
        Ok(Checked {
            diagnostics: rules::finish(diagnostics, &self.config),
            backlog,
            files: count,
        })
    }

    /// Reads and parses files in parallel, each once.
    fn parse(&self, files: Vec<(Origin, String)>, diagnostics: &mut Vec<Diagnostic>) -> Backlog {
        let limit = self.config.max_file_bytes;
        let reader = self.git.as_ref().map(Git::reader);
        let parsed: Vec<(String, Option<String>, parse::Parsed)> = files
            .into_par_iter()
            .map_init(
                || reader.as_ref().map(|r| r.local()),
                |local, (origin, shown)| match origin {
                    Origin::Disk(path) => read_and_parse(&path, shown, limit),
                    Origin::Blob(id) => {
                        let bytes = match local.as_ref().map(|l| l.read(id)) {
                            Some(Ok(bytes)) => bytes,
                            Some(Err(e)) => return unreadable(shown, e),
                            None => return unreadable(shown, "no repository to read from".into()),
                        };
                        if bytes.len() as u64 > limit {
                            let message = too_large(bytes.len() as u64, limit);
                            return unreadable(shown, message);
                        }
                        let (parsed, text) = parse::parse_file(&shown, bytes);
                        (shown, text, parsed)
                    }
                },
            )
            .collect();
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
        let project = self.project_prefix(git);
        let mut out: Vec<String> = self
            .config
            .roots
            .iter()
            .map(|root| join_git(&project, root))
            .collect();
        out.sort();
        out.dedup();
        out
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
    /// commit. Paths are relative to the work tree, which is the display root with git.
    fn backlog_blobs(
        &self,
        git: &Git,
        commit: Option<ObjectId>,
    ) -> Result<Vec<(Origin, String)>, EnvError> {
        let mut files = Vec::new();
        for prefix in self.backlog_prefixes(git) {
            let blobs = match commit {
                Some(c) => git.tree_blobs(c, &prefix),
                None => git.index_blobs(&prefix),
            }
            .map_err(EnvError::Other)?;
            for (path, id) in blobs {
                if self.is_item_path(git, &prefix, &path) {
                    files.push((Origin::Blob(id), path));
                }
            }
        }
        files.sort_by(|a, b| a.1.cmp(&b.1));
        files.dedup_by(|a, b| a.1 == b.1);
        Ok(files)
    }

    /// What changed between a base commit (`None`: no commits yet, so everything is new) and the
    /// backlog that was checked, with the base's version of every changed item.
    pub fn changes(&self, checked: &Checked, base: Option<ObjectId>) -> Result<Changes, EnvError> {
        let Some(git) = &self.git else {
            return Err(EnvError::Other(
                "comparing versions needs a git repository".into(),
            ));
        };
        let base_files = match base {
            Some(commit) => self.backlog_blobs(git, Some(commit))?,
            None => Vec::new(),
        };
        let base_ids: HashMap<&str, ObjectId> = base_files
            .iter()
            .filter_map(|(origin, path)| match origin {
                Origin::Blob(id) => Some((path.as_str(), *id)),
                Origin::Disk(_) => None,
            })
            .collect();
        let mut current: HashSet<&str> = checked
            .backlog
            .items
            .iter()
            .map(|i| i.path.as_str())
            .collect();
        current.extend(checked.diagnostics.iter().map(|d| d.path.as_str()));
        let mut paths = HashSet::new();
        for path in &current {
            // Same bytes, same blob id: hashing the text read is enough to compare it with git.
            let now = checked
                .backlog
                .source(path)
                .and_then(|t| git.hash(t.as_bytes()));
            if now.is_none() || base_ids.get(path) != now.as_ref() {
                paths.insert(path.to_string());
            }
        }
        let mut before_files = Vec::new();
        for (origin, path) in base_files {
            let removed = !current.contains(path.as_str());
            if removed || paths.contains(&path) {
                paths.insert(path.clone());
                before_files.push((origin, path));
            }
        }
        let mut ignored = Vec::new();
        let before = self.parse(before_files, &mut ignored);
        let mut ids: HashSet<String> = before
            .items
            .iter()
            .filter_map(|i| i.id().map(str::to_string))
            .collect();
        ids.extend(
            checked
                .backlog
                .items
                .iter()
                .filter(|i| paths.contains(&i.path))
                .filter_map(|i| i.id().map(str::to_string)),
        );
        Ok(Changes { paths, ids, before })
    }

    /// The item files under the backlog roots, in path order, and diagnostics for what could not be
    /// walked.
    #[allow(clippy::type_complexity)]
    fn discover(&self) -> Result<(Vec<(Origin, String)>, Vec<Diagnostic>), EnvError> {
        let mut files = Vec::new();
        let mut diagnostics = Vec::new();
        for root in &self.config.roots {
            let dir = self.config.project_root.join(root);
            if !dir.is_dir() {
                let hint = match &self.config.file {
                    Some(f) => format!("set [backlog] roots in {}", self.display(f)),
                    None => "create it, run `popm init`, or name the folder in popm.toml".into(),
                };
                return Err(EnvError::Other(format!(
                    "backlog folder `{}` not found in {} ({hint})",
                    root,
                    self.config.project_root.display()
                )));
            }
            let walk = walkdir::WalkDir::new(&dir)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                // Hidden folders (.git, .obsidian, ...) hold no items.
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walk {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        let shown = e.path().map_or_else(|| root.clone(), |p| self.display(p));
                        let reason = e
                            .io_error()
                            .map_or_else(|| e.to_string(), |io| io.to_string());
                        diagnostics.push(Diagnostic::new(
                            Rule::FileUnreadable,
                            &shown,
                            Pos { line: 1, column: 1 },
                            format!("cannot read this folder: {reason}"),
                        ));
                        continue;
                    }
                };
                let path = entry.path();
                let is_markdown = path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("md"));
                if !is_markdown || entry.file_type().is_dir() {
                    continue;
                }
                let relative = path.strip_prefix(&self.config.project_root).unwrap_or(path);
                if self.config.is_excluded(relative) {
                    continue;
                }
                let shown = self.display(path);
                if entry.path_is_symlink() {
                    diagnostics.push(Diagnostic::new(
                        Rule::SymlinkSkipped,
                        &shown,
                        Pos { line: 1, column: 1 },
                        "skipped: the file is a symbolic link; popm reads only regular files",
                    ));
                    continue;
                }
                files.push((Origin::Disk(path.to_path_buf()), shown));
            }
        }
        Ok((files, diagnostics))
    }
}

fn read_and_parse(
    path: &Path,
    shown: String,
    limit: u64,
) -> (String, Option<String>, parse::Parsed) {
    // One open, one fstat for the size, one read: the size check costs no extra path lookup.
    let read = || -> std::io::Result<Result<Vec<u8>, u64>> {
        use std::io::Read;
        let mut file = std::fs::File::open(path)?;
        let size = file.metadata()?.len();
        if size > limit {
            return Ok(Err(size));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
        file.read_to_end(&mut bytes)?;
        Ok(Ok(bytes))
    };
    match read() {
        Ok(Ok(bytes)) => {
            let (parsed, text) = parse::parse_file(&shown, bytes);
            (shown, text, parsed)
        }
        Ok(Err(size)) => unreadable(shown, too_large(size, limit)),
        Err(e) => unreadable(shown, format!("cannot read the file: {e}")),
    }
}

fn unreadable(shown: String, message: String) -> (String, Option<String>, parse::Parsed) {
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
