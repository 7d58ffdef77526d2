//! Bounds on popm.toml, which is as untrusted as the items: every command reads it, and some
//! settings are looked up once per item (teams, states) or multiplied by days (`flow` keeps a
//! count per state per day). Each is far above what a real backlog uses.

use super::error::{ConfigError, Text};
use super::raw::{PerType, RawConfig};

pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
pub const MAX_STATES: usize = 64;
pub const MAX_ALIASES: usize = 256;
pub const MAX_TEAMS: usize = 1000;
pub const MAX_SCALE_VALUES: usize = 100;
pub const MAX_ROOTS: usize = 64;
pub const MAX_EXCLUDE: usize = 256;

/// Every bounded list of popm.toml, before anything is built from it.
pub(super) fn check(raw: &RawConfig, text: Text) -> Result<(), ConfigError> {
    // Refuses a list longer than its bound, naming the list and its place.
    let check = |span: std::ops::Range<usize>, setting: &str, count, max, noun: &str| {
        if count <= max {
            return Ok(());
        }
        Err(text.error(
            span,
            format!("{setting}: {count} {noun}, more than the limit of {max}"),
        ))
    };
    if let Some(t) = &raw.teams {
        check(t.span(), "teams", t.get_ref().len(), MAX_TEAMS, "teams")?;
    }
    if let Some(r) = &raw.backlog.roots {
        let n = r.get_ref().len();
        check(r.span(), "[backlog] roots", n, MAX_ROOTS, "folders")?;
    }
    if let Some(e) = &raw.backlog.exclude {
        let n = e.get_ref().len();
        check(e.span(), "[backlog] exclude", n, MAX_EXCLUDE, "patterns")?;
    }
    for (name, scale) in [("wsjf", &raw.wsjf.scale), ("points", &raw.points.scale)] {
        if let Some(v) = scale {
            let setting = format!("[{name}] scale");
            let n = v.get_ref().len();
            check(v.span(), &setting, n, MAX_SCALE_VALUES, "values")?;
        }
    }
    for (type_name, w) in &raw.workflow {
        let type_name = type_name.get_ref();
        if let Some(states) = &w.states {
            let setting = format!("[workflow.{type_name}] states");
            let n = states.get_ref().len();
            check(states.span(), &setting, n, MAX_STATES, "states")?;
        }
        if let Some(aliases) = &w.aliases {
            let setting = format!("[workflow.{type_name}] aliases");
            let n = aliases.get_ref().len();
            check(aliases.span(), &setting, n, MAX_ALIASES, "aliases")?;
        }
    }
    if let Some(active) = &raw.flow.active {
        let longest = match active.get_ref() {
            PerType::All(names) => names.len(),
            PerType::ByType(map) => map.values().map(Vec::len).max().unwrap_or(0),
        };
        check(
            active.span(),
            "[flow] active",
            longest,
            MAX_STATES,
            "states",
        )?;
    }
    Ok(())
}
