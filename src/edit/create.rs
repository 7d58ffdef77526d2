//! `popm new` (and the `new_item` tool of `popm mcp`): a new item's file, from a template, with the
//! next free id, in the folder its type goes to. [`prepare`] only makes the text; [`create`] checks
//! it with the rules of `popm check` and writes it, or refuses with nothing written.

use std::path::{Path, PathBuf};

use super::frontmatter::{self, Edit};
use super::scalar;
use crate::error::EnvError;
use crate::model::{Backlog, EnablerKind, ItemType, natural_cmp, next_id, slug};
use crate::source::Workspace;

/// What the new item should be; `None` and empty fields take the defaults.
pub struct Spec<'a> {
    pub item_type: ItemType,
    pub title: &'a str,
    /// Default: the next free id of the type's prefix.
    pub id: Option<&'a str>,
    /// Default: the workflow's first state.
    pub status: Option<&'a str>,
    pub parent: Option<&'a str>,
    pub team: &'a [String],
    pub pi: Option<&'a str>,
    pub enabler: Option<EnablerKind>,
    /// Text for the body, replacing the template's parts it names.
    pub body: BodyText<'a>,
}

/// Text for a new item's body. What is given replaces the template's part; the rest of the
/// template stays.
#[derive(Debug, Default, Clone, Copy)]
pub struct BodyText<'a> {
    /// The text before the first heading (a story's "As a ..., I want ... so that ...").
    pub lead: Option<&'a str>,
    /// Sections by heading: the template's section of that heading is replaced (case and a final
    /// `:` do not matter), another is added after the template's.
    pub sections: &'a [(String, String)],
    /// The acceptance criteria, one unchecked `- [ ]` line each, as the `Acceptance criteria`
    /// section.
    pub criteria: &'a [String],
}

impl BodyText<'_> {
    pub fn is_empty(&self) -> bool {
        self.lead.is_none() && self.sections.is_empty() && self.criteria.is_empty()
    }
}

/// A new item file, ready to be checked and written.
pub struct Created {
    pub path: PathBuf,
    /// The path as diagnostics show it.
    pub shown: String,
    pub text: String,
}

/// Makes the new item's file ([`prepare`]), refuses it when it would bring an error into the
/// backlog (a story under an epic, a story with two teams, ...), and writes it through the
/// journal. Returns it with the findings it has (warnings only: its errors were refused). The
/// caller holds the backlog lock.
pub fn create(
    workspace: &Workspace,
    checked: &crate::engine::Checked,
    spec: &Spec,
    today: jiff::civil::Date,
) -> Result<(Created, Vec<crate::diagnostic::Diagnostic>), super::EditError> {
    let created = prepare(workspace, &checked.backlog, spec, today)?;
    let after = crate::engine::after(
        &workspace.config,
        checked,
        &[(created.shown.as_str(), created.text.as_str())],
    );
    if !after.introduced.is_empty() {
        return Err(super::Refusal::Errors(after.introduced).into());
    }
    super::journal::commit(
        workspace,
        &[super::journal::Write::create(
            created.path.clone(),
            created.text.clone(),
        )],
    )?;
    Ok((created, after.on_files))
}

const TEMPLATES: &[(ItemType, &str)] = &[
    (ItemType::Epic, include_str!("templates/epic.md")),
    (
        ItemType::Capability,
        include_str!("templates/capability.md"),
    ),
    (ItemType::Feature, include_str!("templates/feature.md")),
    (ItemType::Story, include_str!("templates/story.md")),
    (ItemType::Pi, include_str!("templates/pi.md")),
    (ItemType::Okr, include_str!("templates/okr.md")),
];

/// The start proposed for a new PI: the day after the last PI ends (PIs follow each other without
/// a gap), or `today` when no PI has dates.
pub fn pi_start(backlog: &Backlog, today: jiff::civil::Date) -> jiff::civil::Date {
    backlog
        .of_type(ItemType::Pi)
        .filter_map(|pi| pi.pi_fields.as_deref()?.dates())
        .map(|(_, end)| end)
        .max()
        .and_then(|end| end.tomorrow().ok())
        .unwrap_or(today)
}

/// The new item's file: its id and values checked against the backlog, its text from the
/// template, its path inside a backlog folder.
pub fn prepare(
    workspace: &Workspace,
    backlog: &Backlog,
    spec: &Spec,
    today: jiff::civil::Date,
) -> Result<Created, super::EditError> {
    let config = &workspace.config;
    let t = spec.item_type;
    let id = match (&spec.id, config.new.prefix(t)) {
        (Some(id), _) => id.to_string(),
        (None, Some(prefix)) => {
            let mut ids: Vec<&str> = backlog.iter().filter_map(|i| i.id()).collect();
            ids.sort_by(|a, b| natural_cmp(a, b));
            next_id(prefix, ids.into_iter())
        }
        (None, None) => {
            return Err(EnvError::PiNeedsId.into());
        }
    };
    // The pattern every id must match (`id-invalid`): also a plain YAML scalar and a safe part
    // of a file name.
    if !crate::model::is_valid_id(&id) {
        return Err(EnvError::InvalidId(id).into());
    }
    if backlog.get(&id).is_some() {
        return Err(EnvError::IdTaken(id).into());
    }
    let status = match (config.workflow(t), &spec.status) {
        (Some(w), Some(s)) => match w.resolve(s) {
            Some(i) => Some(w.states[i].clone()),
            None => {
                return Err(EnvError::unknown_state(s, t, &w.states).into());
            }
        },
        (Some(w), None) => w.states.first().cloned(),
        (None, _) => None,
    };
    for (what, reference) in [("parent", &spec.parent), ("pi", &spec.pi)] {
        if let Some(r) = reference
            && backlog.get(r).is_none()
        {
            return Err(EnvError::UnknownReference {
                option: what,
                id: r.to_string(),
            }
            .into());
        }
    }

    let template = template(workspace, t)?;
    let title = spec.title.trim();
    if title.is_empty() {
        return Err(EnvError::EmptyTitle.into());
    }
    let start = pi_start(backlog, today).to_string();
    let text = fill(
        &template,
        &[
            ("id", scalar::string(&id)),
            ("title", scalar::string(title)),
            (
                "status",
                status.as_deref().map(scalar::string).unwrap_or_default(),
            ),
            ("start", start),
        ],
    );
    let mut edits = Vec::new();
    let mut set = |key: &str, yaml: String| {
        edits.push(Edit::Set {
            path: vec![key.into()],
            yaml,
        })
    };
    if let Some(p) = &spec.parent {
        set("parent", scalar::string(p));
    }
    match spec.team {
        [] => {}
        [one] if !t.allows_many_teams() => set("team", scalar::string(one)),
        many => set(
            "team",
            format!(
                "[{}]",
                many.iter()
                    .map(|m| scalar::string(m))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    }
    if let Some(pi) = &spec.pi {
        set("pi", scalar::string(pi));
    }
    if let Some(kind) = spec.enabler {
        set("enabler", kind.as_str().into());
    }
    let text = frontmatter::apply(&text, &edits).map_err(|reason| EnvError::Unappliable {
        file: "the template".into(),
        reason,
    })?;
    let text = super::body::write(&text, &spec.body)?;

    let folder = config.new.folder_for(t, &config.roots);
    let dir = super::folder::for_writing(workspace, Path::new(&folder))?;
    let stem = match slug(title) {
        s if s.is_empty() => id.clone(),
        s => format!("{id}-{s}"),
    };
    let path = dir.join(format!("{stem}.md"));
    ensure_inside(&dir, &path)?;
    let shown = workspace.display(&path);
    Ok(Created { path, shown, text })
}

/// Fills `{{name}}` placeholders in one pass over the template: a value is never scanned again, so
/// a title holding `{{status}}` stays as written. Unknown placeholders are kept.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let known = after.find("}}").and_then(|close| {
            let name = &after[..close];
            let value = values.iter().find(|(n, _)| *n == name)?;
            Some((value, close))
        });
        match known {
            Some(((_, value), close)) => {
                out.push_str(value);
                rest = &after[close + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn template(workspace: &Workspace, t: ItemType) -> Result<String, EnvError> {
    if let Some(folder) = &workspace.config.new.templates {
        let path = workspace
            .config
            .project_root
            .join(folder)
            .join(format!("{}.md", t.as_str()));
        if path.is_file() {
            // A template is read into a new item: only from inside the project.
            if !workspace.config.resolves_inside(&path) {
                return Err(EnvError::TemplateOutsideProject(path));
            }
            return std::fs::read_to_string(&path)
                .map_err(|e| EnvError::io(format!("read the template {}", path.display()), e));
        }
    }
    let builtin = TEMPLATES
        .iter()
        .find(|(k, _)| *k == t)
        .map(|(_, text)| *text)
        .unwrap_or_default();
    Ok(builtin.to_string())
}

/// The file name comes from an id and a slug; this makes sure it cannot leave the folder.
fn ensure_inside(dir: &Path, path: &Path) -> Result<(), EnvError> {
    let name_ok = path
        .file_name()
        .is_some_and(|n| !n.to_string_lossy().contains(['/', '\\']));
    if path.parent() != Some(dir) || !name_ok {
        return Err(EnvError::OutsideFolder(dir.to_path_buf()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once() {
        let values = [
            ("id", "S-1".to_string()),
            ("title", "Render {{status}} badge {{id}}".to_string()),
            ("status", "backlog".to_string()),
        ];
        assert_eq!(
            fill(
                "id: {{id}}\ntitle: {{title}}\nstatus: {{status}}\n{{other}} {{",
                &values
            ),
            "id: S-1\ntitle: Render {{status}} badge {{id}}\nstatus: backlog\n{{other}} {{"
        );
    }
}
