//! The JSON API of `popm serve`, as plain functions: a request's parts in, a [`Reply`] (status,
//! JSON text, the item's version) out. No HTTP here: `mod.rs` routes requests to these and turns
//! replies into responses, and unit tests call them directly.
//!
//! Every answer is the record the CLI's `--format json` prints (render/schema), read from the
//! files at the time of the request. Writes go through the edit path of `popm set` and `popm move`
//! (edit::item) under the backlog lock.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use crate::diagnostic::{Diagnostic, Summary};
use crate::edit::frontmatter::Edit;
use crate::edit::{EditError, Refusal, item};
use crate::engine::{self, Checked, Request};
use crate::error::EnvError;
use crate::mcp::tools::Place;
use crate::render::schema::{self, DetailRecord, DiagnosticRecord, RankedRecord};
use crate::report::board::Level;
use crate::report::listing::ItemFilter;
use crate::report::{detail, listing, ranking, readiness};
use crate::source::Workspace;

/// An answer: the HTTP status, the JSON body, and for one item the version of its file (sent as
/// the `ETag` header).
#[derive(Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub version: Option<String>,
}

impl Reply {
    fn ok(body: String) -> Reply {
        Reply {
            status: 200,
            body,
            version: None,
        }
    }

    /// `{"error": "..."}` with a status.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply {
            status,
            body: json_text(&json!({ "error": message })),
            version: None,
        }
    }
}

/// The body of `POST /api/items/{id}/move`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    pub status: String,
}

/// The body of `POST /api/items/{id}/set`: the values of `popm set KEY=VALUE`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetBody {
    pub fields: BTreeMap<String, String>,
}

/// The version of an item's file as the client read it: the git blob id of its bytes (what
/// `git hash-object FILE` prints), so that any change to the file changes it.
pub fn version_of(text: &str) -> Option<String> {
    gix::objs::compute_hash(
        gix::hash::Kind::Sha1,
        gix::objs::Kind::Blob,
        text.as_bytes(),
    )
    .ok()
    .map(|id| id.to_string())
}

fn read(place: &Place) -> Result<(Workspace, Checked), Reply> {
    let workspace = place.open().map_err(env_reply)?;
    let checked = engine::check(&workspace, &Request::whole()).map_err(env_reply)?;
    Ok((workspace, checked))
}

/// `GET /api/items`: `popm list --format json`.
pub fn items(place: &Place) -> Reply {
    let (workspace, checked) = match read(place) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    let config = &workspace.config;
    let items = listing::list(&checked.backlog, config, &ItemFilter::default());
    let progress = crate::report::progress::every(&checked.backlog, config);
    Reply::ok(schema::list(&items, &checked.backlog, config, &progress))
}

/// `GET /api/items/{id}`: `popm show ID --format json`, with the file's version.
pub fn show(place: &Place, id: &str) -> Reply {
    match read(place) {
        Ok((workspace, checked)) => show_from(&workspace, &checked, id),
        Err(reply) => reply,
    }
}

fn show_from(workspace: &Workspace, checked: &Checked, id: &str) -> Reply {
    let backlog = &checked.backlog;
    let Some(found) = detail::detail(backlog, &workspace.config, id) else {
        return env_reply(item::unknown_id(backlog, id));
    };
    let record = DetailRecord::new(&found, backlog, &workspace.config);
    Reply {
        status: 200,
        body: schema::detail(&record),
        version: checked.texts.get(&found.item.path).and_then(version_of),
    }
}

/// `GET /api/backlog`: `popm backlog --format json` (the ART level, what waits to be pulled).
pub fn backlog(place: &Place) -> Reply {
    let (workspace, checked) = match read(place) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    let config = &workspace.config;
    let ranked =
        ranking::open_items(&checked.backlog, config, Level::Art, &ItemFilter::default()).waiting;
    let records: Vec<RankedRecord> = ranked
        .iter()
        .map(|r| RankedRecord::new(r, &checked.backlog, config, "waiting"))
        .collect();
    Reply::ok(schema::ranking(&records))
}

/// `GET /api/pi/{pi}`: `popm pi ready PI --format json`.
pub fn pi_ready(place: &Place, pi: &str) -> Reply {
    let (workspace, checked) = match read(place) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    match readiness::assess_selected(
        &checked.backlog,
        &workspace.config,
        &checked.diagnostics,
        Some(pi),
        readiness::Purpose::Planning,
    ) {
        Ok(r) => Reply::ok(crate::render::readiness::json(&r)),
        Err(e) => env_reply(e),
    }
}

/// `GET /api/check`: `popm check --format json`.
pub fn check(place: &Place) -> Reply {
    let (_, checked) = match read(place) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    let summary = Summary::of(checked.files, &checked.diagnostics);
    Reply::ok(schema::check(&checked.diagnostics, &summary))
}

/// What a write changes.
pub enum Change<'a> {
    Status(&'a str),
    Fields(&'a BTreeMap<String, String>),
}

/// `POST /api/items/{id}/move` and `/set`: the change made under the backlog lock through the
/// edit path of `popm move` / `popm set` (entry rules enforced, never forced), refused with 422 and
/// nothing written when it would add an error, with 409 when `expected` (the version the client
/// read) is not the file's version any more. Success: the item's new `show` record.
pub fn write(place: &Place, id: &str, change: &Change, expected: Option<&str>) -> Reply {
    let edits: Vec<Edit> = match change {
        Change::Status(_) => Vec::new(),
        Change::Fields(fields) => {
            if fields.is_empty() {
                return refused("nothing written: no field given", &[]);
            }
            let words: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
            match item::parse_changes(&words) {
                Ok(edits) => edits,
                Err(refusal) => return edit_reply(refusal.into()),
            }
        }
    };
    let workspace = match place.open() {
        Ok(w) => w,
        Err(e) => return env_reply(e),
    };
    let outcome = (|| -> Result<Option<Reply>, EditError> {
        let _lock = crate::edit::lock::acquire(&workspace)?;
        crate::edit::journal::settle(&workspace, true)?;
        let checked = item::read_for_edit(&workspace)?;
        let found = item::find(&checked.backlog, id)?;
        if let Some(expected) = expected {
            let current = checked.texts.get(&found.path).and_then(version_of);
            if current.as_deref() != Some(expected) {
                return Ok(Some(Reply {
                    status: 409,
                    body: json_text(&json!({
                        "error": format!("{} changed since it was read: read it again", found.path),
                        "version": current,
                    })),
                    version: current,
                }));
            }
        }
        match change {
            Change::Status(status) => {
                let plan =
                    item::plan_move(&workspace.config, &checked.backlog, found, status, false)?;
                if !plan.already {
                    item::apply(
                        &workspace,
                        &checked,
                        found,
                        std::slice::from_ref(&plan.edit),
                        false,
                    )?;
                }
            }
            Change::Fields(_) => {
                item::apply(&workspace, &checked, found, &edits, false)?;
            }
        }
        Ok(None)
    })();
    match outcome {
        Ok(Some(conflict)) => conflict,
        // The lock is released: the record is read afresh, as a GET would.
        Ok(None) => show(place, id),
        Err(e) => edit_reply(e),
    }
}

/// A refusal: 422 with the message and the diagnostics the edit would add (as `check --format
/// json` writes them).
fn refused(message: &str, diagnostics: &[Diagnostic]) -> Reply {
    let records: Vec<DiagnosticRecord> = diagnostics.iter().map(DiagnosticRecord::from).collect();
    Reply {
        status: 422,
        body: json_text(&json!({ "error": message, "diagnostics": records })),
        version: None,
    }
}

fn edit_reply(e: EditError) -> Reply {
    match e {
        EditError::Refused(Refusal::Errors(diagnostics)) => refused(
            &format!(
                "nothing written: the change would add {}",
                crate::render::plural(diagnostics.len(), "error", "errors")
            ),
            &diagnostics,
        ),
        EditError::Refused(refusal) => refused(&format!("nothing written: {refusal}"), &[]),
        EditError::Env(e) => env_reply(e),
    }
}

/// An error that is not a finding, with the status that says whose it is.
fn env_reply(e: EnvError) -> Reply {
    let status = match &e {
        EnvError::UnknownId { .. } | EnvError::UnknownPi { .. } | EnvError::NotAPi { .. } => 404,
        // Asked for something the workflow or the file does not allow: the request's fault.
        EnvError::UnknownState { .. }
        | EnvError::BadChange { .. }
        | EnvError::NoValidType(_)
        | EnvError::AmbiguousId { .. }
        | EnvError::TooLargeToEdit { .. }
        | EnvError::Unappliable { .. } => 422,
        EnvError::Locked { .. } => 503,
        _ => 500,
    };
    Reply::error(status, &e.to_string())
}

fn json_text(value: &serde_json::Value) -> String {
    let mut text = value.to_string();
    text.push('\n');
    text
}
