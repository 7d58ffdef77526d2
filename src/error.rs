//! Errors that are not findings: bad usage, configuration or environment (exit status 2). Each
//! variant says what went wrong; its message is the one line popm prints after `popm: error:`.

use std::path::PathBuf;

use crate::config::ConfigError;
use crate::edit::write::WriteError;
use crate::git::GitError;
use crate::hook::HookError;
use crate::model::{ID_PATTERN, ItemType};

#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    // What other parts report in their own terms.
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Hook(#[from] HookError),
    /// A file, folder or program could not be used: `doing` says what popm tried.
    #[error("cannot {doing}: {source}")]
    Io {
        doing: String,
        #[source]
        source: std::io::Error,
    },
    /// The source of an import cannot be read, or its items cannot be placed.
    #[error("{0}")]
    Import(String),
    /// The journal of an interrupted command cannot be read or settled.
    #[error("{0}")]
    Journal(String),
    /// AGENTS.md cannot be read or its popm section cannot be found for sure.
    #[error("{file}: {reason}")]
    Agents { file: String, reason: String },
    /// `popm mcp`: the protocol session could not start or ended in error.
    #[error("mcp: {0}")]
    Mcp(String),

    // The project: its repository, its backlog folders.
    /// A command that reads git history or revisions, outside a repository (`dir`, when known).
    #[error("{what} needs a git repository{}", in_folder(.dir))]
    NoRepository { what: String, dir: Option<PathBuf> },
    #[error("{} is not in a git repository", .0.display())]
    NotInRepository(PathBuf),
    /// HEAD has no commits: `needs` says what was wanted of them.
    #[error("{needs}")]
    NoCommits { needs: &'static str },
    /// A backlog root that the source read (`rev`: a commit) does not hold.
    #[error("backlog folder `{root}` not found{} in {} ({hint})", at_rev(.rev), .project.display())]
    MissingRoot {
        root: String,
        rev: Option<String>,
        project: PathBuf,
        hint: String,
    },
    #[error(
        "backlog folder `{root}` resolves outside {} (a symbolic link?); popm reads only the project's own files",
        .project.display()
    )]
    RootOutsideProject { root: String, project: PathBuf },
    #[error(
        "the backlog has {files} item files, more than the limit of {limit}; popm stopped reading (raise [backlog] max_items in popm.toml if the backlog is really this large)"
    )]
    TooManyItems { files: usize, limit: usize },
    #[error("no such directory: {}", .0.display())]
    NoSuchDirectory(PathBuf),
    #[error("{} already exists; popm init writes only into a project without one", .0.display())]
    AlreadyInitialized(PathBuf),
    #[error("{} exists and is not a folder; popm init writes only into a project without one", .0.display())]
    InitFolderIsFile(PathBuf),
    #[error("refusing to write {}: it resolves outside {}", .file.display(), .dir.display())]
    InitOutside { file: PathBuf, dir: PathBuf },
    #[error(
        "another popm is changing this backlog (it holds {}); waited {waited_secs} s, nothing was changed (try again)",
        .lock.display()
    )]
    Locked { lock: PathBuf, waited_secs: u64 },

    // Asking for an item, a PI or a state that is not there.
    #[error("no item has the id `{id}`{}", did_you_mean(.suggestion))]
    UnknownId {
        id: String,
        suggestion: Option<String>,
    },
    /// A filter (`--status`, `--team`, `--pi`, ...) whose value names nothing.
    #[error("{}", unknown_filter(.0))]
    UnknownFilterValue(crate::report::listing::UnknownFilterValue),
    #[error(
        "`{0}` is not among the ranked items (it may be done, filtered out, of another level, or unknown)"
    )]
    NotRanked(String),
    #[error("`{id}` is {}, not a PI", .kind.map_or("an item of unknown type", ItemType::with_article))]
    NotAPi { id: String, kind: Option<ItemType> },
    #[error("no PI has the id `{id}` (PIs: {})", list_or_none(.known))]
    UnknownPi { id: String, known: Vec<String> },
    #[error("no PI is under way on {0} or starts later; name one: popm pi ready PI-ID")]
    NoCurrentPi(jiff::civil::Date),
    #[error("`{state}` is not a state of the {} workflow: {}{}", .item_type.as_str(), .states.join(", "), did_you_mean(.suggestion))]
    UnknownState {
        state: String,
        item_type: ItemType,
        states: Vec<String>,
        suggestion: Option<String>,
    },
    /// An id several files carry, where the command needs one of them (`--path` says which).
    #[error("`{id}` names {} items ({}); say which with --path", .paths.len(), .paths.join(", "))]
    AmbiguousId { id: String, paths: Vec<String> },
    /// `--path` names a file that does not hold the item.
    #[error("no item `{id}` in {path}")]
    NotInFile { id: String, path: String },
    /// A `popm set` argument that is not a change (`KEY=VALUE`, ...): `reason` says why.
    #[error("{reason}")]
    BadChange { reason: String },

    // What the writing commands refuse.
    #[error("edits apply to the work tree; drop --staged / --rev")]
    EditNeedsWorkTree,
    #[error("`{0}` has no valid type")]
    NoValidType(String),
    #[error("{0} is not UTF-8; popm edits UTF-8 files only")]
    NotUtf8(String),
    #[error("{file} is {size} bytes, more than max_file_bytes ({limit}); popm does not edit it")]
    TooLargeToEdit { file: String, size: u64, limit: u64 },
    /// An edit that cannot be applied to a file's text (`file`: its path, or "the template").
    #[error("{file}: {reason}")]
    Unappliable { file: String, reason: String },
    #[error("a PI needs --id (e.g. --id PI-2027.3)")]
    PiNeedsId,
    #[error("`{0}` is not a valid id: ids are {ID_PATTERN}")]
    InvalidId(String),
    #[error("the id `{0}` is already used")]
    IdTaken(String),
    /// `popm new --parent X` or `--pi X` naming no item.
    #[error("--{option} `{id}`: no item has that id")]
    UnknownReference { option: &'static str, id: String },
    #[error("the title is empty")]
    EmptyTitle,
    #[error(
        "refusing to write to {}: popm writes only inside the backlog folders ({}); add it to [backlog] roots in popm.toml first",
        .folder.display(), .roots.join(", ")
    )]
    OutsideBacklog { folder: PathBuf, roots: Vec<String> },
    #[error("refusing to write outside {}", .0.display())]
    OutsideFolder(PathBuf),
    #[error("refusing to read the template {}: it resolves outside the project", .0.display())]
    TemplateOutsideProject(PathBuf),
    #[error("--edit: set $VISUAL or $EDITOR to the editor to open")]
    NoEditor,
    /// The editor failed after the item was created: say so, so a retry does not create it twice.
    #[error("{error} ({file} is created; edit it by hand)")]
    EditAfterCreate { error: Box<EnvError>, file: String },
    #[error("{program} exited with {status}")]
    EditorFailed {
        program: String,
        status: std::process::ExitStatus,
    },

    // The history commands.
    #[error("no commit on the first-parent line of HEAD holds an item `{id}`{}", did_you_mean(.suggestion))]
    NotInHistory {
        id: String,
        suggestion: Option<String>,
    },
    #[error("no default branch ({}) to compare with: name a revision, e.g. popm diff HEAD~1", .tried.join(", "))]
    NoDefaultBranch { tried: Vec<&'static str> },
    /// The window of `popm flow` cannot be measured (see [`crate::report::flow::WindowError`]).
    #[error("{0}")]
    Window(crate::report::flow::WindowError),
    #[error("POPM_TODAY=`{value}` is not a date (YYYY-MM-DD): {reason}")]
    BadToday { value: String, reason: String },
}

impl EnvError {
    /// A failed file, folder or process operation; `doing` completes "cannot ...".
    pub fn io(doing: impl Into<String>, source: std::io::Error) -> EnvError {
        EnvError::Io {
            doing: doing.into(),
            source,
        }
    }

    /// `state` names no state of the type's workflow: the states, and the closest one.
    pub fn unknown_state(state: &str, item_type: ItemType, states: &[String]) -> EnvError {
        let names: Vec<&str> = states.iter().map(String::as_str).collect();
        let suggestion =
            crate::model::did_you_mean(&crate::config::normalize_status(state), &names);
        EnvError::UnknownState {
            state: state.to_string(),
            item_type,
            states: states.to_vec(),
            suggestion: suggestion.map(str::to_string),
        }
    }
}

fn unknown_filter(u: &crate::report::listing::UnknownFilterValue) -> String {
    let what = match u.option {
        "status" => "no workflow has that state",
        "team" => "no team has that name",
        "pi" => "no PI has that id",
        "art" => "no item names that ART",
        "parent" => "no item has that id",
        _ => "no item has that label",
    };
    let hint = match (&u.suggestion, u.known.is_empty()) {
        (Some(s), _) => format!(" (did you mean `{s}`?)"),
        (None, true) => String::new(),
        (None, false) => format!(" (known: {})", u.known.join(", ")),
    };
    format!("--{} `{}`: {what}{hint}", u.option, u.value)
}

fn in_folder(dir: &Option<PathBuf>) -> String {
    dir.as_ref().map_or(String::new(), |d| {
        format!(", and {} is not in one", d.display())
    })
}

fn at_rev(rev: &Option<String>) -> String {
    rev.as_ref()
        .map_or(String::new(), |rev| format!(" at `{rev}`"))
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"))
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}
