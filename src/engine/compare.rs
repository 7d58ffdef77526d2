//! A check compared with another version of the backlog: HEAD for `--staged`, the merge base for
//! `--since`. Status transitions of the changed items, and for `--since` only the findings the
//! branch brings.

use std::collections::{HashMap, HashSet};

use super::{Checked, Compare, Warning};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Rule, Severity, Sink};
use crate::error::EnvError;
use crate::git::ObjectId;
use crate::model::{Backlog, Item};
use crate::source::{Listing, Workspace, too_many};

/// What `--since` keeps for [`brought_by_branch`], once the sink is finished.
pub(super) struct Branch {
    /// Item files the branch added, changed or removed.
    pub touched: HashSet<String>,
    /// Every finding of the merge base, checked with its own popm.toml.
    pub base_findings: Vec<Diagnostic>,
}

/// Compares the checked backlog with the version `compare` names: the status transitions go into
/// the sink. For `--since`, returns what the branch changed.
pub(super) fn with_base(
    workspace: &Workspace,
    compare: &Compare,
    checked: &mut Checked,
    sink: &mut Sink,
) -> Result<Option<Branch>, EnvError> {
    let Some(git) = &workspace.git else {
        return Ok(None);
    };
    let base = match compare {
        Compare::Since(since) => {
            let head = git.head()?.ok_or(EnvError::NoCommits {
                needs: "--since needs a commit: HEAD has no commits yet",
            })?;
            let other = git.commit(since)?;
            Some(git.merge_base(other, head, since)?)
        }
        Compare::Head | Compare::Commit => git.head()?,
    };
    // The base is checked with its own popm.toml: a change to the configuration (a workflow
    // state dropped) is a change the branch brings. One that cannot be read there leaves
    // nothing to compare with, so every finding counts as new.
    let base_config = match (compare, base) {
        (Compare::Since(_) | Compare::Commit, Some(commit)) => {
            match workspace.config_at(git, commit) {
                Ok(config) => Some(config),
                Err(e) => {
                    checked.warnings.push(Warning::BaseConfigUnreadable(e));
                    None
                }
            }
        }
        // Nothing committed yet: an empty base, so every finding is the commit's.
        (Compare::Commit, None) => Some(workspace.config.clone()),
        _ => None,
    };
    let changes = changes_since(
        workspace,
        checked,
        sink.diagnostics(),
        base,
        base_config.as_ref(),
    )?;
    let mut transitions = Vec::new();
    crate::rules::transitions::check(
        &changes.before,
        &checked.backlog,
        &changes.paths,
        &workspace.config,
        &mut transitions,
    );
    sink.extend(transitions);
    Ok(match compare {
        Compare::Since(_) | Compare::Commit => Some(Branch {
            touched: changes.paths,
            base_findings: changes.base_findings.unwrap_or_default(),
        }),
        Compare::Head => None,
    })
}

/// The difference between a base version and the checked backlog.
struct Changes {
    /// Item files added, changed or removed (paths as displayed).
    paths: HashSet<String>,
    /// The base version of every changed or removed file that existed there, indexed with the
    /// current configuration (to compare workflow states).
    before: Backlog,
    /// Every finding the base version has, checked with its own popm.toml; when asked for.
    base_findings: Option<Vec<Diagnostic>>,
}

/// What makes two findings the same one across versions: rule, severity, file and message. Not the
/// line or column, which move when lines are added above; and in the message, a line number after
/// a `:` (`backlog/F-1.md:3 uses it too`) counts as any line.
type FindingKey = (Rule, Severity, String, String);

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

/// The findings `--since` and `--pre-commit` show: every finding in a file the change touched,
/// and every other finding the base version did not have (matched by [`finding_key`], counting
/// repeats); then the findings left out. Order is kept.
pub fn brought_by_branch(
    diagnostics: Vec<Diagnostic>,
    touched: &HashSet<String>,
    base: &[Diagnostic],
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut known: HashMap<FindingKey, usize> = HashMap::with_capacity(base.len());
    for d in base {
        *known.entry(finding_key(d)).or_default() += 1;
    }
    diagnostics.into_iter().partition(|d| {
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
}

/// What changed between a base commit (`None`: no commits yet, so everything is new) and the
/// backlog that was checked, with the base's version of every changed item. With
/// `base_config` (the base's own popm.toml), the whole base version is checked too, for
/// [`Changes::base_findings`]: files with the same blob as now are not read again (their
/// parse is reused from `checked`), the others are read and parsed once.
fn changes_since(
    workspace: &Workspace,
    checked: &Checked,
    found: &[Diagnostic],
    base: Option<ObjectId>,
    base_config: Option<&Config>,
) -> Result<Changes, EnvError> {
    let Some(git) = &workspace.git else {
        return Err(EnvError::NoRepository {
            what: "comparing versions".into(),
            dir: None,
        });
    };
    let listing = match base {
        Some(commit) => workspace.backlog_blobs(git, Some(commit), &workspace.config)?,
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
    let paths = checked.backlog.iter().map(|i| i.path.as_str());
    for path in paths.chain(found.iter().map(|d| d.path.as_str())) {
        now.entry(path)
            .or_insert_with(|| match checked.blob_ids.get(path) {
                Some(id) => Some(*id),
                None => checked.texts.get(path).and_then(|t| git.hash(t.as_bytes())),
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
            let same = config.roots == workspace.config.roots
                && config.exclude == workspace.config.exclude;
            Some(if same {
                listing
            } else {
                workspace.backlog_blobs(git, Some(commit), config)?
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
    let mut parsed: HashMap<String, (Option<Box<Item>>, Vec<Diagnostic>)> = workspace
        .read_blobs(git, wanted, None)
        .into_iter()
        .map(|file| {
            let (path, _, p, _) = file;
            (path, (p.item, p.diagnostics))
        })
        .collect();
    let before_items = before_files
        .iter()
        .filter_map(|(_, path)| parsed.get(path).and_then(|(item, _)| item.clone()))
        .collect();
    let before = Backlog::new(before_items, &workspace.config);
    let base_findings = match (base_listing, base_config) {
        (Some(l), Some(config)) => Some(check_base(checked, l, &mut parsed, &reusable, config)),
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
    checked: &Checked,
    listing: Listing,
    parsed: &mut HashMap<String, (Option<Box<Item>>, Vec<Diagnostic>)>,
    reusable: &dyn Fn(&str, ObjectId) -> bool,
    config: &Config,
) -> Vec<Diagnostic> {
    let current: HashMap<&str, &Item> = checked
        .backlog
        .iter()
        .map(|i| (i.path.as_str(), i))
        .collect();
    let mut diagnostics = listing.problems;
    let mut items: Vec<Box<Item>> = Vec::with_capacity(listing.files.len());
    for (id, path) in listing.files {
        let reused = match &checked.file_findings {
            Some(findings) if reusable(&path, id) => {
                diagnostics.extend(findings.get(&path).into_iter().flatten().cloned());
                items.extend(current.get(path.as_str()).map(|i| Box::new((*i).clone())));
                true
            }
            _ => false,
        };
        if !reused && let Some((item, found)) = parsed.remove(&path) {
            diagnostics.extend(found);
            items.extend(item);
        }
    }
    let backlog = Backlog::new(items, config);
    super::judge(&backlog, diagnostics, config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::Pos;

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
        let (kept, left_out) = brought_by_branch(now, &touched, &base);
        let left_out: Vec<(String, u32)> = left_out.into_iter().map(|d| (d.path, d.line)).collect();
        assert_eq!(left_out, [("a.md".to_string(), 4), ("b.md".to_string(), 3)]);
        let lines: Vec<(String, u32)> = kept.into_iter().map(|d| (d.path, d.line)).collect();
        assert_eq!(
            lines,
            [
                ("b.md".to_string(), 9),
                ("a.md".to_string(), 3),
                ("c.md".to_string(), 3)
            ]
        );
    }
}
