//! `popm renumber`: the edits that give an item a new id and make every reference follow it.

use super::frontmatter::Edit;
use super::scalar;
use crate::model::{Backlog, Item};

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
    for item in &backlog.items {
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
