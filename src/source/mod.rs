//! Where the backlog comes from: the project (popm.toml and the repository around it, found from
//! the folder popm runs in), and the version read (the work tree, the index or a commit). Loading
//! reads and parses each item file once, in parallel: the work tree walk is `walk.rs`, the git
//! side `git.rs`, what cannot be read `problems.rs`; the file texts are kept for snippets
//! (`texts.rs`).

mod git;
mod problems;
mod texts;
mod walk;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub(crate) use git::Listing;
pub use git::is_item_path;
pub use texts::Texts;
pub(crate) use texts::{FileText, Origin};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::EnvError;
use crate::git::{Git, ObjectId};
use crate::parse;

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
    /// The parse cache, opened on the first load (`None` inside: disabled or nowhere to put it).
    cache: std::sync::OnceLock<Option<crate::cache::Store>>,
}

/// One file read and parsed: its display path, its text (kept for snippets), what the parser
/// found, and its blob id when it is known and is also the id of the text (no line ending
/// rewritten), so a comparison with git need not hash the text.
///
/// The item inside is boxed ([`parse::Parsed::item`]): the record itself is small, and moves
/// cheaply through the walk's vector per folder, then per root, and into the index, which keeps
/// the item's box as it is.
pub(crate) type ParsedFile = (String, FileText, parse::Parsed, Option<ObjectId>);

/// One item file as the work-tree walk left it.
pub(crate) enum Walked {
    /// Parsed, or unreadable: final.
    Done(ParsedFile),
    /// Read and hashed: parsed (or its parse taken from the cache) when resolved.
    Read {
        shown: String,
        bytes: Vec<u8>,
        blob: ObjectId,
    },
    /// As the stat index recorded it: not read; its parse is in the cache under `blob`. Its path
    /// is the display root joined with the path shown (the walk leaves no other file unread).
    Known { shown: String, blob: ObjectId },
}

impl Walked {
    /// The path diagnostics show.
    pub(crate) fn shown(&self) -> &str {
        match self {
            Walked::Done(file) => &file.0,
            Walked::Read { shown, .. } | Walked::Known { shown, .. } => shown,
        }
    }

    /// The blob the file holds, when the walk knows it (every file it read or knew through the
    /// cache; not one it parsed without the cache, or could not read).
    pub(crate) fn blob(&self) -> Option<ObjectId> {
        match self {
            Walked::Done(_) => None,
            Walked::Read { blob, .. } | Walked::Known { blob, .. } => Some(*blob),
        }
    }
}

/// The work tree as walked: every item file read or known, in path order, not all parsed yet;
/// and what could not be read or listed.
pub(crate) struct WorkTree {
    pub files: Vec<Walked>,
    pub problems: Vec<Diagnostic>,
}

/// The backlog's source as read: every item file parsed, and what could not be read or listed.
pub(crate) struct Loaded {
    pub files: Vec<ParsedFile>,
    pub problems: Vec<Diagnostic>,
    /// The blob id of each file read from git, where it is known without hashing; for the work
    /// tree it is in each file's record (`ParsedFile`), taken only by a comparison.
    pub blob_ids: HashMap<String, ObjectId>,
}

/// Which texts a load without the cache keeps in memory once parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeepTexts {
    /// Every text: a comparison with git hashes each one.
    All,
    /// None: the few a renderer quotes are read again when asked for.
    Quoted,
}

/// Folders nested deeper than this under a backlog root are reported, not entered: the walk recurses,
/// and a hostile tree must not exhaust the stack.
pub(super) const MAX_FOLDER_DEPTH: usize = 64;

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
            cache: std::sync::OnceLock::new(),
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

    /// An ART's backlog as the portfolio's cache holds it: the commit last fetched, judged with
    /// the ART's own popm.toml at that commit (the defaults without one) and known by `name`.
    pub fn cached(git: Git, commit: ObjectId, name: &str) -> Result<Workspace, EnvError> {
        let root = git.workdir().to_path_buf();
        let mut config = match git.file_at(commit, crate::config::FILE_NAME)? {
            None => Config {
                project_root: root.clone(),
                ..Config::default()
            },
            Some(id) => {
                let bytes = git.blob(id)?;
                let text = String::from_utf8_lossy(&bytes);
                let shown = format!("{name}:{}", crate::config::FILE_NAME);
                Config::parse(&text, &shown, None, root.clone())?
            }
        };
        config.name = Some(name.to_string());
        config.display_path = Some(crate::config::FILE_NAME.to_string());
        Ok(Workspace {
            config,
            display_root: root,
            source: Source::Rev(crate::git::fetch::FETCHED_REF.to_string()),
            git: Some(git),
            commit: Some(commit),
            cache: std::sync::OnceLock::new(),
        })
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
        let path = git::git_path(relative);
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

    /// Lets the parse cache go without freeing it: the process ends next, and the operating
    /// system takes the memory back at once (freeing a pack's index entry by entry costs
    /// milliseconds for nothing).
    pub fn forget_cache(&mut self) {
        if let Some(store) = self.cache.take() {
            std::mem::forget(store);
        }
    }

    /// The parse cache of this project, unless it is disabled (`--no-cache`, `POPM_NO_CACHE`).
    pub fn cache(&self) -> Option<&crate::cache::Store> {
        self.cache
            .get_or_init(|| {
                let store = crate::cache::Store::open(&self.config, &self.display_root);
                crate::trace::phase("cache open");
                store
            })
            .as_ref()
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

    /// Reads and parses every item file of the source, each once. A backlog root the source does
    /// not hold is an error (exit status 2) when `roots_required`, else an empty folder (for the
    /// earlier side of a comparison, which may predate the backlog).
    pub(crate) fn load(&self, roots_required: bool, texts: KeepTexts) -> Result<Loaded, EnvError> {
        let mut blob_ids = HashMap::new();
        let (files, problems) = match (&self.source, &self.git) {
            (Source::WorkTree, _) | (_, None) => match self.cache() {
                Some(cache) => {
                    let tree = self.walk(cache)?;
                    (self.resolve(cache, tree.files), tree.problems)
                }
                None => {
                    let parsed = self.parse_folders(texts)?;
                    crate::trace::phase("walk");
                    parsed
                }
            },
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

    /// Walks the work tree through the cache: every item file listed, and read where the cache
    /// cannot name its blob from its stat; nothing parsed or decoded yet.
    pub(crate) fn walk(&self, cache: &crate::cache::Store) -> Result<WorkTree, EnvError> {
        let (files, problems) = self.walk_folders(cache)?;
        crate::trace::phase("walk");
        Ok(WorkTree { files, problems })
    }

    /// Parses what the walk left (or decodes the cache's parses), in parallel and in path order,
    /// and keeps what was learned for the next run.
    pub(crate) fn resolve(
        &self,
        cache: &crate::cache::Store,
        files: Vec<Walked>,
    ) -> Vec<ParsedFile> {
        use rayon::prelude::*;
        let (root, limit) = (&self.display_root, self.config.max_file_bytes);
        let files = files
            .into_par_iter()
            .map(|walked| walk::resolve(cache, walked, root, limit))
            .collect();
        crate::trace::phase("parse");
        cache.save();
        crate::trace::phase("cache save");
        files
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
        let path = git::git_path(relative);
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
