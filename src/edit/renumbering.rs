//! `popm renumber`: the edits that give an item a new id and make every reference follow it.

use std::path::PathBuf;

use super::frontmatter::{self, Edit};
use super::journal::Write;
use super::scalar;
use crate::error::EnvError;
use crate::model::{Backlog, Item};
use crate::source::Workspace;

/// The files a renumbering changes, and those it cannot decide for.
pub struct Renumbering<'a> {
    /// Each item to edit with its edits; the renumbered item first.
    pub plan: Vec<(&'a Item, Vec<Edit>)>,
    /// Items that refer to the old id when it names several items (a collision): which one they
    /// mean cannot be told, so they are left for a person to check.
    pub review: Vec<&'a str>,
}

/// Gives `target` the id `new`; with `with_references`, every `parent`, `pi` and `depends_on`
/// naming `old` follows.
pub fn plan<'a>(
    backlog: &'a Backlog,
    target: &'a Item,
    old: &str,
    new: &str,
    with_references: bool,
) -> Renumbering<'a> {
    let new_yaml = scalar::string(new);
    let mut plan: Vec<(&'a Item, Vec<Edit>)> = vec![(
        target,
        vec![Edit::Set {
            path: vec!["id".into()],
            yaml: new_yaml.clone(),
        }],
    )];
    let mut review = Vec::new();
    for item in backlog.iter() {
        let mut edits = Vec::new();
        let refers_parent = item.parent.as_ref().is_some_and(|p| p.value == old);
        let refers_pi = item.pi.as_ref().is_some_and(|p| p.value == old);
        let refers_dep = item.depends_on.iter().any(|d| d.value == old);
        if !(refers_parent || refers_pi || refers_dep) {
            continue;
        }
        if !with_references {
            review.push(item.path.as_str());
            continue;
        }
        if refers_parent {
            edits.push(Edit::Set {
                path: vec!["parent".into()],
                yaml: new_yaml.clone(),
            });
        }
        if refers_pi {
            edits.push(Edit::Set {
                path: vec!["pi".into()],
                yaml: new_yaml.clone(),
            });
        }
        if refers_dep {
            edits.push(Edit::ReplaceElement {
                key: "depends_on".into(),
                old: old.to_string(),
                yaml: new_yaml.clone(),
            });
        }
        if std::ptr::eq(item, target) {
            plan[0].1.extend(edits);
        } else {
            plan.push((item, edits));
        }
    }
    Renumbering { plan, review }
}

/// One file of a renumbering, read and edited, not yet written.
pub struct FileChange {
    /// As `popm check` shows it.
    pub shown: String,
    pub path: PathBuf,
    /// The bytes read, which must still be there when it is written.
    pub original: Vec<u8>,
    pub text: String,
    pub rename: Rename,
}

/// What happens to the renumbered item's file name.
pub enum Rename {
    /// The name does not hold the old id (or the file is not the renumbered item's).
    Kept,
    /// The name holds the old id: the file moves to the same name with the new id.
    To { path: PathBuf, shown: String },
    /// The name holds the old id, but a file has the new name already: the name is kept.
    Taken { shown: String },
}

/// Reads and edits every file of `plan`; the renumbered item's file (the first) is renamed when
/// its name holds the old id.
pub fn prepare(
    workspace: &Workspace,
    plan: &[(&Item, Vec<Edit>)],
    old: &str,
    new: &str,
) -> Result<Vec<FileChange>, EnvError> {
    let mut files = Vec::with_capacity(plan.len());
    for (n, (item, edits)) in plan.iter().enumerate() {
        let (path, original, text) = super::read_item(workspace, item)?;
        let text = frontmatter::apply(&text, edits).map_err(|reason| EnvError::Unappliable {
            file: item.path.clone(),
            reason,
        })?;
        let new_name = path
            .file_name()
            .and_then(|name| name.to_str())
            .filter(|_| n == 0)
            .and_then(|name| renamed(name, old, new));
        let rename = match new_name {
            None => Rename::Kept,
            Some(name) => {
                let shown = match item.path.rsplit_once('/') {
                    Some((folder, _)) => format!("{folder}/{name}"),
                    None => name.clone(),
                };
                let to = path.with_file_name(&name);
                if std::fs::symlink_metadata(&to).is_ok() {
                    Rename::Taken { shown }
                } else {
                    Rename::To { path: to, shown }
                }
            }
        };
        files.push(FileChange {
            shown: item.path.clone(),
            path,
            original,
            text,
            rename,
        });
    }
    Ok(files)
}

/// The writes of a renumbering, all or nothing: a renamed file is created at its new name and
/// removed at its old one.
pub fn writes(files: &[FileChange]) -> Vec<Write> {
    let mut writes = Vec::with_capacity(files.len() + 1);
    for f in files {
        match &f.rename {
            Rename::To { path, .. } => {
                writes.push(Write::create(path.clone(), f.text.clone()));
                writes.push(Write::remove(f.path.clone(), f.original.clone()));
            }
            Rename::Kept | Rename::Taken { .. } => writes.push(Write::replace(
                f.path.clone(),
                f.original.clone(),
                f.text.clone(),
            )),
        }
    }
    writes
}

/// The file name with `new` in place of `old`, when the name holds `old` as a word of its own
/// (`F-6.md`, `F-6-login.md`, `feature_F-6.md`; not `F-60.md` nor `F-6.5.md`); `None` otherwise.
pub fn renamed(file_name: &str, old: &str, new: &str) -> Option<String> {
    let stem = file_name.strip_suffix(".md")?;
    let is_word = |c: char| c.is_alphanumeric();
    for (at, _) in stem.match_indices(old) {
        let before = stem[..at].chars().next_back();
        let rest = &stem[at + old.len()..];
        let mut after = rest.chars();
        let next = after.next();
        let continues = match next {
            Some('.') => after.next().is_some_and(|c| c.is_ascii_digit()),
            Some(c) => is_word(c),
            None => false,
        };
        if before.is_none_or(|c| !is_word(c)) && !continues {
            return Some(format!("{}{new}{rest}.md", &stem[..at]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::renamed;

    #[test]
    fn a_file_is_renamed_when_its_name_holds_the_id_as_a_word() {
        let r = |name: &str| renamed(name, "F-6", "F-60");
        assert_eq!(r("F-6.md").as_deref(), Some("F-60.md"));
        assert_eq!(
            r("F-6-observability.md").as_deref(),
            Some("F-60-observability.md")
        );
        assert_eq!(r("feature_F-6.md").as_deref(), Some("feature_F-60.md"));
        assert_eq!(r("F-61-other.md"), None);
        assert_eq!(r("XF-6.md"), None);
        assert_eq!(r("F-6.5.md"), None);
        assert_eq!(r("observability.md"), None);
        assert_eq!(
            renamed("PI-2027.1.md", "PI-2027.1", "PI-2027.2").as_deref(),
            Some("PI-2027.2.md")
        );
        assert_eq!(renamed("PI-2027.12.md", "PI-2027.1", "PI-2027.2"), None);
    }
}
