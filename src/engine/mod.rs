//! The one pipeline every command that judges the backlog runs: load (the source's files, read
//! and parsed in parallel, each once) -> backlog (the items indexed) -> rules -> sink (configured
//! severities, output order). `popm check`, the read commands, every edit's "errors after the
//! change" and the history commands all go through it.

mod compare;
pub mod portfolio;
mod verdict;

use std::collections::HashMap;

pub use compare::brought_by_branch;
pub use verdict::{Verdict, verdict};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Sink};
use crate::error::EnvError;
use crate::git::ObjectId;
use crate::model::{Backlog, Item};
use crate::rules;
use crate::source::{self, Loaded, ParsedFile, Texts, Workspace};

/// What to check, and against which other version.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// A backlog root the source does not hold is an empty folder rather than an error: for the
    /// earlier side of a comparison, which may predate the backlog.
    pub allow_missing_roots: bool,
    /// Compare with another version of the backlog (`--staged`, `--since`).
    pub compare: Option<Compare>,
}

/// The version a check compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compare {
    /// HEAD (`check --staged`): status transitions of the changed items.
    Head,
    /// The merge base of this revision and HEAD (`check --since REV`): status transitions, and
    /// only the findings the branch brings.
    Since(String),
    /// HEAD, for the commit about to be made (`check --pre-commit`): status transitions, and only
    /// the findings the commit brings (in files it adds or changes, and new ones elsewhere). Before
    /// the first commit every finding is new.
    Commit,
}

impl Request {
    /// The whole backlog; a backlog root the source does not hold is an error.
    pub fn whole() -> Request {
        Request::default()
    }

    /// The whole backlog, where a missing backlog root is an empty folder.
    pub fn allowing_missing_roots() -> Request {
        Request {
            allow_missing_roots: true,
            compare: None,
        }
    }

    /// The backlog compared with another version.
    pub fn compared(compare: Compare) -> Request {
        Request {
            allow_missing_roots: false,
            compare: Some(compare),
        }
    }
}

/// Something worth a warning that did not stop the check.
#[derive(Debug)]
pub enum Warning {
    /// `--since`: the merge base's popm.toml cannot be read, so every finding counts as new.
    BaseConfigUnreadable(EnvError),
}

/// The backlog with every finding, severities applied once and sorted.
pub struct Checked {
    pub backlog: Backlog,
    /// The text of every file read, for snippets.
    pub texts: Texts,
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read as items.
    pub files: usize,
    /// The files read that are not items (they did not parse).
    pub itemless: Vec<String>,
    pub warnings: Vec<Warning>,
    /// `--since` and `--pre-commit`: the findings left out because the base version has them too
    /// (in files the change does not touch).
    pub set_aside: Vec<Diagnostic>,
    /// The blob id of each file read, where it is known without hashing (read from git).
    blob_ids: HashMap<String, ObjectId>,
    /// The findings about single files (reading, parsing, listing), by path: kept only for a
    /// comparison with another version, which reuses them for files that did not change.
    file_findings: Option<HashMap<String, Vec<Diagnostic>>>,
}

/// Reads the workspace's source, parses it, indexes the backlog, runs every check and passes the
/// findings through the sink; with [`Request::compare`], compares with the other version too.
///
/// Over the whole work tree with the cache, the findings a check of the same files under the
/// same configuration kept are taken instead of running the rules (see `verdict.rs`).
pub fn check(workspace: &Workspace, request: &Request) -> Result<Checked, EnvError> {
    if let Some(cache) = verdict::whole_tree_cache(workspace, request) {
        return verdict::check_tree(workspace, request, cache);
    }
    // A comparison hashes every text it has no blob id for.
    let texts = match request.compare {
        Some(_) => source::KeepTexts::All,
        None => source::KeepTexts::Quoted,
    };
    let loaded = workspace.load(!request.allow_missing_roots, texts)?;
    check_loaded(workspace, request, loaded)
}

/// The backlog indexed from the files loaded, with the findings a check of the same files found
/// before: no rule is run.
fn checked_with(workspace: &Workspace, loaded: Loaded, diagnostics: Vec<Diagnostic>) -> Checked {
    let files = loaded.files.len();
    // The parse's findings are among those kept.
    let mut parsed_findings = Vec::new();
    let (backlog, texts, itemless) = index(loaded.files, &mut parsed_findings, &workspace.config);
    crate::trace::phase("index");
    crate::trace::phase("verdict");
    Checked {
        backlog,
        texts,
        diagnostics,
        files,
        itemless,
        warnings: Vec::new(),
        set_aside: Vec::new(),
        blob_ids: HashMap::new(),
        file_findings: None,
    }
}

/// [`check`] over the files already loaded.
fn check_loaded(
    workspace: &Workspace,
    request: &Request,
    loaded: Loaded,
) -> Result<Checked, EnvError> {
    let config = &workspace.config;
    let files = loaded.files.len();
    let mut found = loaded.problems;
    let mut blob_ids = loaded.blob_ids;
    // From git every id is known already; from the work tree, the ids the cache knew or the walk
    // computed, which only the comparison with git uses.
    if request.compare.is_some() && blob_ids.is_empty() {
        blob_ids.extend(
            loaded
                .files
                .iter()
                .filter_map(|file| Some((file.0.clone(), file.3?))),
        );
    }
    let (backlog, texts, itemless) = index(loaded.files, &mut found, config);
    crate::trace::phase("index");
    let since = matches!(request.compare, Some(Compare::Since(_) | Compare::Commit));
    let file_findings = since.then(|| by_path(found.iter().cloned()));
    rules::check_backlog(&backlog, config, &mut found);
    crate::trace::phase("rules");
    let mut sink = Sink::new(config);
    sink.extend(found);
    let mut checked = Checked {
        backlog,
        texts,
        diagnostics: Vec::new(),
        files,
        itemless,
        warnings: Vec::new(),
        set_aside: Vec::new(),
        blob_ids,
        file_findings,
    };
    let branch = match &request.compare {
        Some(compare) => compare::with_base(workspace, compare, &mut checked, &mut sink)?,
        None => None,
    };
    checked.diagnostics = sink.finish();
    crate::trace::phase("sink");
    if let Some(branch) = branch {
        let all = std::mem::take(&mut checked.diagnostics);
        (checked.diagnostics, checked.set_aside) =
            brought_by_branch(all, &branch.touched, &branch.base_findings);
    }
    Ok(checked)
}

/// What a change to these files (by shown path, new ones too) would bring, from one judging of
/// the backlog with their new text.
pub struct After {
    /// The errors the backlog would have and does not have now, anywhere: changing an id or a
    /// parent can break other items too.
    pub introduced: Vec<Diagnostic>,
    /// Every finding about the changed files themselves.
    pub on_files: Vec<Diagnostic>,
}

/// Judges the backlog as if these files held this text: the same checks and sink as [`check`],
/// over the items already read and the new texts parsed.
pub fn after(config: &Config, checked: &Checked, files: &[(&str, &str)]) -> After {
    let all = judged_after(config, checked, files);
    let key = |d: &Diagnostic| (d.rule, d.path.clone(), d.message.clone());
    let before: std::collections::HashSet<_> = checked.diagnostics.iter().map(key).collect();
    let paths: std::collections::HashSet<&str> = files.iter().map(|(p, _)| *p).collect();
    let introduced = all
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .filter(|d| !before.contains(&key(d)))
        .cloned()
        .collect();
    let on_files = all
        .into_iter()
        .filter(|d| paths.contains(d.path.as_str()))
        .collect();
    After {
        introduced,
        on_files,
    }
}

/// The errors the backlog would have, and does not have now, if these files held this text.
pub fn errors_after(config: &Config, checked: &Checked, files: &[(&str, &str)]) -> Vec<Diagnostic> {
    after(config, checked, files).introduced
}

/// Every finding about these files if they held this text: what `popm check` says about the
/// items an import writes, without reading the backlog again.
pub fn findings_after(
    config: &Config,
    checked: &Checked,
    files: &[(&str, &str)],
) -> Vec<Diagnostic> {
    after(config, checked, files).on_files
}

/// The whole backlog's findings if these files held this text: the items already read, the new
/// texts parsed, the same rules and sink as [`check`].
fn judged_after(config: &Config, checked: &Checked, files: &[(&str, &str)]) -> Vec<Diagnostic> {
    // A set: a renumber can replace every file of the backlog.
    let replaced: std::collections::HashSet<&str> = files.iter().map(|(p, _)| *p).collect();
    let mut items: Vec<Box<Item>> = checked
        .backlog
        .iter()
        .filter(|i| !replaced.contains(i.path.as_str()))
        .map(|i| Box::new(i.clone()))
        .collect();
    let mut found = Vec::new();
    for (path, text) in files {
        let (parsed, _) = crate::parse::parse_file(path, text.as_bytes().to_vec());
        items.extend(parsed.item);
        found.extend(parsed.diagnostics);
    }
    let backlog = Backlog::new(items, config);
    judge(&backlog, found, config)
}

/// The tail of the pipeline: the backlog-wide rules over an indexed backlog, then the sink, with
/// the findings made before (reading, parsing).
fn judge(backlog: &Backlog, mut found: Vec<Diagnostic>, config: &Config) -> Vec<Diagnostic> {
    rules::check_backlog(backlog, config, &mut found);
    let mut sink = Sink::new(config);
    sink.extend(found);
    sink.finish()
}

/// Indexes what was parsed: the items, their texts (for snippets), the parser's diagnostics;
/// and the files that are not items.
fn index(
    parsed: Vec<ParsedFile>,
    diagnostics: &mut Vec<Diagnostic>,
    config: &Config,
) -> (Backlog, Texts, Vec<String>) {
    let mut items = Vec::with_capacity(parsed.len());
    let mut texts = Texts::with_capacity(parsed.len());
    let mut itemless = Vec::new();
    for file in parsed {
        let (shown, text, p, _) = file;
        diagnostics.extend(p.diagnostics);
        match p.item {
            Some(item) => items.push(item),
            None => itemless.push(shown.clone()),
        }
        texts.insert_file(shown, text);
    }
    (Backlog::new(items, config), texts, itemless)
}

/// Diagnostics grouped by path.
fn by_path(diagnostics: impl Iterator<Item = Diagnostic>) -> HashMap<String, Vec<Diagnostic>> {
    let mut out: HashMap<String, Vec<Diagnostic>> = HashMap::new();
    for d in diagnostics {
        out.entry(d.path.clone()).or_default().push(d);
    }
    out
}
