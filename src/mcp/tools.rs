//! The tools of `popm mcp`, as plain functions: arguments in, the JSON of the matching command's
//! `--format json` out (with a one-line summary), or a [`ToolError`]. No protocol here: the server
//! in `mod.rs` only routes calls to these, and tests call them directly.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Summary};
use crate::edit::create::{self, BodyText, Spec};
use crate::edit::{EditError, Refusal, item};
use crate::engine::{self, Checked, Request};
use crate::error::EnvError;
use crate::model::{EnablerKind, ItemType};
use crate::render::schema::{self, DetailRecord, DiagnosticRecord, RankedRecord};
use crate::report::board::Level;
use crate::report::listing::{self, EnablerFilter, ItemFilter};
use crate::report::{board, detail, ranking, readiness};
use crate::source::{Source, Workspace};

/// Items per page when a call gives no `limit`, and the most a call may ask for.
pub const DEFAULT_PAGE: usize = 50;
pub const MAX_PAGE: usize = 500;

/// Where the server's backlog is: the directory `popm mcp` runs in and `--config`, opened afresh
/// for every call so that an edit of popm.toml counts at once.
#[derive(Debug, Clone)]
pub struct Place {
    pub dir: PathBuf,
    pub config: Option<PathBuf>,
}

impl Place {
    pub fn open(&self) -> std::result::Result<Workspace, EnvError> {
        Workspace::open_at(&self.dir, self.config.as_deref(), Source::WorkTree, false)
    }
}

/// A tool's answer: the structured content and a short text for people.
#[derive(Debug)]
pub struct Answer {
    pub value: Value,
    pub summary: String,
}

/// A call that did not do what it asked: a refused edit (nothing written) with the diagnostics
/// it would have added, or an error that is not a finding (unknown id, bad argument, unreadable
/// configuration).
#[derive(Debug)]
pub struct ToolError {
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl ToolError {
    fn new(message: impl Into<String>) -> Self {
        ToolError {
            message: message.into(),
            diagnostics: Vec::new(),
        }
    }

    /// `{"error": "...", "diagnostics": [...]}`, the diagnostics as `check --format json` has them.
    pub fn value(&self) -> Value {
        let records: Vec<DiagnosticRecord> = self
            .diagnostics
            .iter()
            .map(DiagnosticRecord::from)
            .collect();
        json!({ "error": self.message, "diagnostics": records })
    }

    /// The message, then one concise line per diagnostic.
    pub fn summary(&self) -> String {
        let mut text = self.message.clone();
        if !self.diagnostics.is_empty() {
            text.push('\n');
            text.push_str(crate::render::concise::concise(&self.diagnostics).trim_end());
        }
        text
    }
}

impl From<EnvError> for ToolError {
    fn from(e: EnvError) -> Self {
        ToolError::new(e.to_string())
    }
}

impl From<EditError> for ToolError {
    fn from(e: EditError) -> Self {
        match e {
            EditError::Refused(Refusal::Errors(diagnostics)) => ToolError {
                message: format!(
                    "nothing written: the change would add {}",
                    crate::render::plural(diagnostics.len(), "error", "errors")
                ),
                diagnostics,
            },
            EditError::Refused(refusal) => ToolError::new(format!("nothing written: {refusal}")),
            EditError::Env(e) => e.into(),
        }
    }
}

type Result<T> = std::result::Result<T, ToolError>;

// Arguments. Field comments become the schemas' descriptions: short, they cost every client
// tokens on every session.

/// Paging of a long answer: the `limit` and `cursor` arguments.
#[derive(Debug, Default)]
pub struct Page<'a> {
    pub limit: Option<usize>,
    pub cursor: Option<&'a str>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckArgs {
    /// Max results (default 50)
    pub limit: Option<usize>,
    /// next_cursor of the previous page
    pub cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Types: epic, capability, feature, story, pi
    #[serde(rename = "type", default)]
    pub types: Vec<String>,
    /// States (aliases work)
    #[serde(default)]
    pub status: Vec<String>,
    pub team: Option<String>,
    pub pi: Option<String>,
    pub art: Option<String>,
    /// Direct children of this id
    pub parent: Option<String>,
    pub label: Option<String>,
    /// Enablers only: any or a kind
    pub enabler: Option<String>,
    /// Max results (default 50)
    pub limit: Option<usize>,
    /// next_cursor of the previous page
    pub cursor: Option<String>,
}

macro_rules! paged_args {
    ($($t:ty),*) => {$(
        impl $t {
            pub fn page(&self) -> Page<'_> {
                Page { limit: self.limit, cursor: self.cursor.as_deref() }
            }
        }
    )*};
}
paged_args!(CheckArgs, ListArgs, RankArgs);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdArgs {
    pub id: String,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RankArgs {
    /// portfolio, art (default) or team
    pub level: Option<String>,
    pub pi: Option<String>,
    pub team: Option<String>,
    /// Max results (default 50)
    pub limit: Option<usize>,
    /// next_cursor of the previous page
    pub cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PiArgs {
    /// PI id (default: current or next)
    pub pi: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoardArgs {
    /// portfolio, art (default) or team
    pub level: Option<String>,
    pub pi: Option<String>,
    pub team: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArgs {
    /// epic, capability, feature or story
    #[serde(rename = "type")]
    pub item_type: String,
    pub title: String,
    pub parent: Option<String>,
    #[serde(default)]
    pub team: Vec<String>,
    pub pi: Option<String>,
    /// Text before the first heading
    pub lead: Option<String>,
    /// Heading -> text; replaces the template's section
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
    /// Acceptance criteria, one per entry
    #[serde(default)]
    pub criteria: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetArgs {
    pub id: String,
    /// key -> value as in `popm set key=value`; "" removes, key+ / key- add to / remove from a list
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveArgs {
    pub id: String,
    pub status: String,
}

// Reading tools.

fn read(place: &Place) -> Result<(Workspace, Checked)> {
    let workspace = place.open()?;
    let checked = engine::check(&workspace, &Request::whole())?;
    Ok((workspace, checked))
}

/// `popm check --format json`, the diagnostics paged.
pub fn check(place: &Place, args: &CheckArgs) -> Result<Answer> {
    let (_, checked) = read(place)?;
    let summary = Summary::of(checked.files, &checked.diagnostics);
    let mut value = parse_json(&schema::check(&checked.diagnostics, &summary))?;
    let next = page_field(&mut value, "diagnostics", &args.page())?;
    let mut text = crate::render::human::summary_line(&summary, false);
    more(&mut text, next.as_deref());
    Ok(Answer {
        value,
        summary: text,
    })
}

/// `popm list --format json`, paged, as `{"items": [...]}`.
pub fn list_items(place: &Place, args: &ListArgs) -> Result<Answer> {
    let (workspace, checked) = read(place)?;
    let types = args
        .types
        .iter()
        .map(|t| item_type(t))
        .collect::<Result<Vec<_>>>()?;
    let enabler = match args.enabler.as_deref() {
        None => None,
        Some("any") => Some(EnablerFilter::Any),
        Some(kind) => Some(EnablerFilter::Kind(EnablerKind::parse(kind).ok_or_else(
            || {
                ToolError::new(format!(
                    "`{kind}` is not an enabler kind: use any, exploration, architectural, infrastructure or compliance"
                ))
            },
        )?)),
    };
    let filter = ItemFilter {
        types,
        parent: args.parent.clone(),
        label: args.label.clone(),
        team: args.team.clone(),
        art: args.art.clone(),
        pi: args.pi.clone(),
        status: args.status.clone(),
        enabler,
    };
    let config = &workspace.config;
    let items = listing::list(&checked.backlog, config, &filter);
    let (start, end, next) = window(items.len(), &args.page())?;
    let progress = crate::report::progress::every(&checked.backlog, config);
    let value = parse_json(&schema::list(
        &items[start..end],
        &checked.backlog,
        config,
        &progress,
    ))?;
    Ok(paged(value, start, end, items.len(), next, "item", "items"))
}

/// `popm show ID --format json`, with the item's body (the text after the frontmatter) added.
pub fn show_item(place: &Place, args: &IdArgs) -> Result<Answer> {
    let (workspace, checked) = read(place)?;
    let backlog = &checked.backlog;
    let Some(found) = detail::detail(backlog, &workspace.config, &args.id) else {
        return Err(item::unknown_id(backlog, &args.id).into());
    };
    let record = DetailRecord::new(&found, backlog, &workspace.config);
    let mut value = parse_json(&schema::detail(&record))?;
    let body = checked
        .texts
        .get(&found.item.path)
        .and_then(|t| crate::parse::frontmatter::split(t).ok())
        .map(|s| s.body.to_string());
    if let Value::Object(map) = &mut value {
        map.insert("body".into(), body.map_or(Value::Null, Value::String));
    }
    let summary = format!(
        "{} {} ({}, {})",
        args.id,
        found.item.title(),
        crate::render::type_label(found.item),
        backlog.status(found.item, &workspace.config)
    );
    Ok(Answer { value, summary })
}

/// `popm backlog --level L --format json`, paged, as `{"items": [...]}`.
pub fn rank_backlog(place: &Place, args: &RankArgs) -> Result<Answer> {
    let (workspace, checked) = read(place)?;
    let config = &workspace.config;
    let filter = ItemFilter {
        team: args.team.clone(),
        pi: args.pi.clone(),
        ..ItemFilter::default()
    };
    // What waits to be pulled, as `popm backlog` ranks by default (no `--all`).
    let ranked =
        ranking::open_items(&checked.backlog, config, level(&args.level)?, &filter).waiting;
    let (start, end, next) = window(ranked.len(), &args.page())?;
    let records: Vec<RankedRecord> = ranked[start..end]
        .iter()
        .map(|r| RankedRecord::new(r, &checked.backlog, config, "waiting"))
        .collect();
    let value = parse_json(&schema::ranking(&records))?;
    Ok(paged(
        value,
        start,
        end,
        ranked.len(),
        next,
        "ranked item",
        "ranked items",
    ))
}

/// `popm pi ready [PI] --format json`.
pub fn pi_ready(place: &Place, args: &PiArgs) -> Result<Answer> {
    let (workspace, checked) = read(place)?;
    let r = readiness::assess_selected(
        &checked.backlog,
        &workspace.config,
        &checked.diagnostics,
        args.pi.as_deref(),
        readiness::Purpose::Planning,
    )?;
    let value = parse_json(&crate::render::readiness::json(&r))?;
    let id = r.pi.id().unwrap_or_default();
    let summary = if r.ready() {
        format!("{id} is ready for planning")
    } else {
        format!("{id} is not ready for planning")
    };
    Ok(Answer { value, summary })
}

/// `popm board --level L --format json`, as `{"items": [columns]}`.
pub fn board(place: &Place, args: &BoardArgs) -> Result<Answer> {
    let (workspace, checked) = read(place)?;
    let filter = ItemFilter {
        team: args.team.clone(),
        pi: args.pi.clone(),
        ..ItemFilter::default()
    };
    let columns = board::board(
        &checked.backlog,
        &workspace.config,
        level(&args.level)?,
        &filter,
    );
    let cards: usize = columns.iter().map(|c| c.cards.len()).sum();
    let value = parse_json(&schema::board(&columns))?;
    Ok(Answer {
        value: json!({ "items": value }),
        summary: format!(
            "{} in {}",
            crate::render::plural(cards, "card", "cards"),
            crate::render::plural(columns.len(), "column", "columns")
        ),
    })
}

// Writing tools: under the backlog lock, after any interrupted write is settled, through the same
// validated, all-or-nothing path as `popm new`, `popm set` and `popm move`.

fn locked<T>(place: &Place, write: impl FnOnce(&Workspace) -> Result<T>) -> Result<T> {
    let workspace = place.open()?;
    let _lock = crate::edit::lock::acquire(&workspace)?;
    crate::edit::journal::settle(&workspace, true)?;
    write(&workspace)
}

/// `popm new`: `{"id", "path"}` of the item created.
pub fn new_item(place: &Place, args: &NewArgs) -> Result<Answer> {
    let item_type = item_type(&args.item_type)?;
    let sections: Vec<(String, String)> = args
        .sections
        .iter()
        .map(|(h, t)| (h.clone(), t.clone()))
        .collect();
    locked(place, |workspace| {
        let checked = engine::check(workspace, &Request::whole())?;
        let spec = Spec {
            item_type,
            title: &args.title,
            id: None,
            status: None,
            parent: args.parent.as_deref(),
            team: &args.team,
            pi: args.pi.as_deref(),
            enabler: None,
            body: BodyText {
                lead: args.lead.as_deref(),
                sections: &sections,
                criteria: &args.criteria,
            },
        };
        let today = readiness::today()?;
        let (created, _) = create::create(workspace, &checked, &spec, today)?;
        let id = new_id(&created.text);
        Ok(Answer {
            summary: format!("created {}", created.shown),
            value: json!({ "id": id, "path": created.shown }),
        })
    })
}

/// `popm set ID key=value ...`: `{"id", "path"}` of the item updated.
pub fn set_fields(place: &Place, args: &SetArgs) -> Result<Answer> {
    if args.fields.is_empty() {
        return Err(ToolError::new("nothing written: no field given"));
    }
    let changes: Vec<String> = args
        .fields
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    let edits = item::parse_changes(&changes).map_err(EditError::from)?;
    locked(place, |workspace| {
        let checked = item::read_for_edit(workspace)?;
        let found = item::find(&checked.backlog, &args.id)?;
        let path = item::apply(workspace, &checked, found, &edits, false)?;
        Ok(updated(&args.id, path))
    })
}

/// `popm move ID STATUS` (entry rules enforced, never forced): `{"id", "path"}`.
pub fn move_item(place: &Place, args: &MoveArgs) -> Result<Answer> {
    locked(place, |workspace| {
        let checked = item::read_for_edit(workspace)?;
        let found = item::find(&checked.backlog, &args.id)?;
        let plan = item::plan_move(
            &workspace.config,
            &checked.backlog,
            found,
            &args.status,
            false,
        )?;
        if plan.already {
            return Ok(Answer {
                summary: format!("{} is already {}", args.id, plan.state),
                value: json!({ "id": args.id, "path": found.path, "status": plan.state }),
            });
        }
        let path = item::apply(
            workspace,
            &checked,
            found,
            std::slice::from_ref(&plan.edit),
            false,
        )?;
        let mut answer = updated(&args.id, path);
        if let Value::Object(map) = &mut answer.value {
            map.insert("status".into(), Value::String(plan.state.clone()));
        }
        Ok(answer)
    })
}

fn updated(id: &str, path: String) -> Answer {
    Answer {
        summary: format!("updated {path}"),
        value: json!({ "id": id, "path": path }),
    }
}

/// The id the new file was given (the first `id:` line of its frontmatter, which popm wrote).
fn new_id(text: &str) -> Option<String> {
    text.lines()
        .skip(1)
        .take_while(|l| *l != "---")
        .find_map(|l| l.strip_prefix("id:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
}

// Helpers.

fn item_type(s: &str) -> Result<ItemType> {
    ItemType::parse(s).ok_or_else(|| {
        ToolError::new(format!(
            "`{s}` is not a type: use epic, capability, feature, story, pi or okr"
        ))
    })
}

fn level(s: &Option<String>) -> Result<Level> {
    match s.as_deref() {
        None | Some("art") => Ok(Level::Art),
        Some("portfolio") => Ok(Level::Portfolio),
        Some("team") => Ok(Level::Team),
        Some(other) => Err(ToolError::new(format!(
            "`{other}` is not a level: use portfolio, art or team"
        ))),
    }
}

/// The JSON popm rendered, as a value (rendering and parsing it back keeps one definition of
/// every record: the CLI's).
fn parse_json(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| ToolError::new(format!("internal: bad JSON: {e}")))
}

/// The slice of `total` results a page shows, and the cursor of the next page, if any.
fn window(total: usize, page: &Page<'_>) -> Result<(usize, usize, Option<String>)> {
    let limit = page.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let start = match page.cursor {
        None | Some("") => 0,
        Some(c) => c
            .parse::<usize>()
            .ok()
            .filter(|&s| s <= total)
            .ok_or_else(|| ToolError::new(format!("`{c}` is not a cursor of this list")))?,
    };
    let end = start.saturating_add(limit).min(total);
    Ok((start, end, (end < total).then(|| end.to_string())))
}

/// Pages the array `key` of an object in place; returns the next cursor.
fn page_field(value: &mut Value, key: &str, page: &Page<'_>) -> Result<Option<String>> {
    let Some(Value::Array(all)) = value.get_mut(key) else {
        return Ok(None);
    };
    let (start, end, next) = window(all.len(), page)?;
    let kept: Vec<Value> = all.drain(start..end).collect();
    *all = kept;
    if let (Some(cursor), Value::Object(map)) = (&next, value) {
        map.insert("next_cursor".into(), Value::String(cursor.clone()));
    }
    Ok(next)
}

fn paged(
    items: Value,
    start: usize,
    end: usize,
    total: usize,
    next: Option<String>,
    one: &str,
    many: &str,
) -> Answer {
    let mut value = json!({ "items": items });
    let mut summary = crate::render::plural(total, one, many);
    if start > 0 || end < total {
        summary.push_str(&format!(", {}-{} shown", start + 1, end));
    }
    if let (Some(cursor), Value::Object(map)) = (&next, &mut value) {
        map.insert("next_cursor".into(), Value::String(cursor.clone()));
    }
    more(&mut summary, next.as_deref());
    Answer { value, summary }
}

fn more(summary: &mut String, next: Option<&str>) {
    if let Some(cursor) = next {
        summary.push_str(&format!("; more with cursor \"{cursor}\""));
    }
}
