//! `popm new`: a new item from a template, with the next free id.

use std::path::{Path, PathBuf};

use crate::diagnostic::Outcome;
use crate::edit::frontmatter::{self, Edit};
use crate::edit::journal::{self, Write};
use crate::edit::lock::BacklogLock;
use crate::edit::scalar;
use crate::error::EnvError;
use crate::model::{EnablerKind, ItemType, natural_cmp, next_id, slug};
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// epic, capability, feature, story or pi.
    #[arg(value_parser = super::list::parse_type)]
    item_type: ItemType,
    /// The title.
    title: String,
    /// The parent's id.
    #[arg(long, value_name = "ID")]
    parent: Option<String>,
    /// The team (repeat for several, on features and capabilities).
    #[arg(long, value_name = "TEAM")]
    team: Vec<String>,
    /// The PI the item is planned for.
    #[arg(long, value_name = "PI")]
    pi: Option<String>,
    /// Make it an enabler of this kind.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    enabler: Option<EnablerKind>,
    /// The initial status (default: the workflow's first state).
    #[arg(long, value_name = "STATUS")]
    status: Option<String>,
    /// Use this id instead of the next free one (required for PIs).
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// Open the new file in $VISUAL or $EDITOR.
    #[arg(long)]
    edit: bool,
}

fn parse_kind(s: &str) -> Result<EnablerKind, String> {
    EnablerKind::parse(s)
        .ok_or_else(|| "use exploration, architectural, infrastructure or compliance".into())
}

const TEMPLATES: &[(ItemType, &str)] = &[
    (ItemType::Epic, include_str!("templates/new/epic.md")),
    (
        ItemType::Capability,
        include_str!("templates/new/capability.md"),
    ),
    (ItemType::Feature, include_str!("templates/new/feature.md")),
    (ItemType::Story, include_str!("templates/new/story.md")),
    (ItemType::Pi, include_str!("templates/new/pi.md")),
];

/// `lock` is the backlog lock, held for the id and the write and released before an editor opens.
pub fn run(
    workspace: &Workspace,
    args: &Args,
    lock: Option<BacklogLock>,
) -> Result<Outcome, EnvError> {
    let config = &workspace.config;
    let checked = crate::engine::check(workspace, &crate::engine::Request::whole())?;
    let backlog = &checked.backlog;
    let t = args.item_type;
    let id = match (&args.id, config.new.prefix(t)) {
        (Some(id), _) => id.clone(),
        (None, Some(prefix)) => {
            let mut ids: Vec<&str> = backlog.items.iter().filter_map(|i| i.id()).collect();
            ids.sort_by(|a, b| natural_cmp(a, b));
            next_id(prefix, ids.into_iter())
        }
        (None, None) => {
            return Err(EnvError::PiNeedsId);
        }
    };
    // The pattern every id must match (`id-invalid`): also a plain YAML scalar and a safe part
    // of a file name.
    if !crate::model::is_valid_id(&id) {
        return Err(EnvError::InvalidId(id));
    }
    if backlog.get(&id).is_some() {
        return Err(EnvError::IdTaken(id));
    }
    let status = match (config.workflow(t), &args.status) {
        (Some(w), Some(s)) => match w.resolve(s) {
            Some(i) => Some(w.states[i].clone()),
            None => {
                return Err(EnvError::UnknownState {
                    state: s.clone(),
                    item_type: t,
                    states: w.states.clone(),
                });
            }
        },
        (Some(w), None) => w.states.first().cloned(),
        (None, _) => None,
    };
    for (what, reference) in [("parent", &args.parent), ("pi", &args.pi)] {
        if let Some(r) = reference
            && backlog.get(r).is_none()
        {
            return Err(EnvError::UnknownReference {
                option: what,
                id: r.clone(),
            });
        }
    }

    let template = template(workspace, t)?;
    let title = args.title.trim();
    if title.is_empty() {
        return Err(EnvError::EmptyTitle);
    }
    let today = jiff::ZonedDateTime::now().date().to_string();
    let text = fill(
        &template,
        &[
            ("id", scalar::string(&id)),
            ("title", scalar::string(title)),
            (
                "status",
                status.as_deref().map(scalar::string).unwrap_or_default(),
            ),
            ("start", today),
        ],
    );
    let mut edits = Vec::new();
    let mut set = |key: &str, yaml: String| {
        edits.push(Edit::Set {
            path: vec![key.into()],
            yaml,
        })
    };
    if let Some(p) = &args.parent {
        set("parent", scalar::string(p));
    }
    match args.team.as_slice() {
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
    if let Some(pi) = &args.pi {
        set("pi", scalar::string(pi));
    }
    if let Some(kind) = args.enabler {
        set("enabler", kind.as_str().into());
    }
    let text = frontmatter::apply(&text, &edits).map_err(|reason| EnvError::Unappliable {
        file: "the template".into(),
        reason,
    })?;

    let folder = config
        .new
        .folders
        .get(&t)
        .or(config.new.folder.as_ref())
        .or(config.roots.first())
        .cloned()
        .unwrap_or_else(|| "backlog".into());
    let dir = crate::edit::folder::for_writing(workspace, Path::new(&folder))?;
    let stem = match slug(title) {
        s if s.is_empty() => id.clone(),
        s => format!("{id}-{s}"),
    };
    let path = dir.join(format!("{stem}.md"));
    ensure_inside(&dir, &path)?;
    // The new item must not bring an error into the backlog (a story under an epic, a story with
    // two teams, done with open criteria, ...).
    let shown = workspace.display(&path);
    let introduced = crate::engine::errors_after(
        &workspace.config,
        &checked,
        &[(shown.as_str(), text.as_str())],
    );
    if !introduced.is_empty() {
        eprint!(
            "{}",
            crate::render::safe::output(&crate::render::concise::concise(&introduced), false)
        );
        tell!("popm: nothing created: the new item would add the errors above");
        return Ok(Outcome::Findings);
    }
    journal::commit(workspace, &[Write::create(path.clone(), text)])?;
    say!("{shown}");
    if !args.edit {
        return Ok(Outcome::Clean);
    }
    // The id is taken and the file written: other popm commands may run while the editor is open.
    drop(lock);
    open_editor(&path)?;
    // What the editor left is checked like any change (read-only, so no lock).
    let after = crate::engine::check(workspace, &crate::engine::Request::whole())?;
    let findings: Vec<_> = after
        .diagnostics
        .into_iter()
        .filter(|d| d.path == shown)
        .collect();
    if findings.is_empty() {
        return Ok(Outcome::Clean);
    }
    eprint!(
        "{}",
        crate::render::safe::output(&crate::render::concise::concise(&findings), false)
    );
    let errors = findings
        .iter()
        .any(|d| d.severity == crate::diagnostic::Severity::Error);
    Ok(if errors {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
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

fn open_editor(path: &PathBuf) -> Result<(), EnvError> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .map_err(|_| EnvError::NoEditor)?;
    let mut words = editor.split_whitespace();
    let program = words.next().ok_or(EnvError::EmptyEditor)?;
    let status = std::process::Command::new(program)
        .args(words)
        .arg(path)
        .status()
        .map_err(|e| EnvError::io(format!("start {program}"), e))?;
    if !status.success() {
        return Err(EnvError::EditorFailed {
            program: program.to_string(),
            status,
        });
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
