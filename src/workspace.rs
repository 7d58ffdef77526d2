//! Finding the project (popm.toml, the repository root) and reading the backlog from disk: the walk is
//! sequential and cheap, reading and parsing run in parallel, and each file is read exactly once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, ConfigError};
use crate::diagnostic::Diagnostic;
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

pub struct Workspace {
    pub config: Config,
    /// Paths in diagnostics are relative to this folder: the git repository's top, or the project root
    /// outside a repository.
    pub display_root: PathBuf,
}

/// The backlog with every finding, severities applied and sorted.
pub struct Checked {
    pub backlog: Backlog,
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read as items.
    pub files: usize,
}

impl Workspace {
    /// `dir` is where popm runs (after `-C`); `config` pins a popm.toml.
    pub fn open(dir: &Path, config: Option<&Path>) -> Result<Workspace, EnvError> {
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
        let mut workspace = Workspace {
            config,
            display_root,
        };
        workspace.config.display_path = workspace
            .config
            .file
            .as_ref()
            .and_then(|f| f.canonicalize().ok())
            .map(|f| workspace.display(&f));
        Ok(workspace)
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

    /// Reads and parses the backlog, then runs every check.
    pub fn check(&self) -> Result<Checked, EnvError> {
        let (files, mut diagnostics) = self.discover()?;
        let count = files.len();
        let parsed: Vec<(String, Option<String>, parse::Parsed)> = files
            .into_par_iter()
            .map(|(path, shown)| read_and_parse(&path, shown, self.config.max_file_bytes))
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
        let backlog = Backlog::new(items, sources, &self.config);
        rules::check_backlog(&backlog, &self.config, &mut diagnostics);
        Ok(Checked {
            diagnostics: rules::finish(diagnostics, &self.config),
            backlog,
            files: count,
        })
    }

    /// The item files under the backlog roots, in path order, and diagnostics for what could not be
    /// walked.
    #[allow(clippy::type_complexity)]
    fn discover(&self) -> Result<(Vec<(PathBuf, String)>, Vec<Diagnostic>), EnvError> {
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
                files.push((path.to_path_buf(), shown));
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
    let top = Pos { line: 1, column: 1 };
    let unreadable = |message: String| parse::Parsed {
        item: None,
        diagnostics: vec![Diagnostic::new(Rule::FileUnreadable, &shown, top, message)],
    };
    match std::fs::metadata(path) {
        Ok(m) if m.len() > limit => {
            let parsed = unreadable(format!(
                "the file is {} bytes, over the limit of {limit} (raise [backlog] max_file_bytes in popm.toml)",
                m.len()
            ));
            return (shown, None, parsed);
        }
        Ok(_) => {}
        Err(e) => {
            let parsed = unreadable(format!("cannot read the file: {e}"));
            return (shown, None, parsed);
        }
    }
    match std::fs::read(path) {
        Ok(bytes) => {
            let (parsed, text) = parse::parse_file(&shown, bytes);
            (shown, text, parsed)
        }
        Err(e) => {
            let parsed = unreadable(format!("cannot read the file: {e}"));
            (shown, None, parsed)
        }
    }
}
