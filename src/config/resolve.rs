//! popm.toml as written (raw.rs) resolved into the settings popm uses, each value checked on
//! the way: an error points at the value's line and column.

use std::collections::BTreeMap;
use std::path::PathBuf;

use globset::{GlobBuilder, GlobSetBuilder};
use toml::Spanned;

use super::error::{ConfigError, Text};
use super::raw::{PerType, RawConfig, RawFlow, RawWorkflow};
use super::settings::{
    Content, FlowSettings, NewItems, Period, WipLimit, Workflow, normalize_status,
};
use super::{Config, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_ITEMS, DEFAULT_PLANNING_LOAD};
use super::{DEFAULT_POINTS_SCALE, DEFAULT_WSJF_SCALE};
use crate::diagnostic::{Rule, Severity};
use crate::model::ItemType;

/// Builds the configuration from what popm.toml holds, within its limits.
pub(super) fn build(
    mut raw: RawConfig,
    file: Option<PathBuf>,
    project_root: PathBuf,
    text: Text,
) -> Result<Config, ConfigError> {
    super::limits::check(&raw, text)?;
    let name = super::portfolio::name(raw.name.take(), text)?;
    let portfolio = super::portfolio::resolve(std::mem::take(&mut raw.portfolio), text)?;
    let raw_flow = std::mem::take(&mut raw.flow);
    let roots = match raw.backlog.roots {
        None => vec!["backlog".into()],
        Some(r) if r.get_ref().is_empty() => {
            return Err(text.error(
                r.span(),
                "[backlog] roots is empty: name at least one folder",
            ));
        }
        Some(r) => r.into_inner(),
    };
    let (exclude, exclude_span) = match raw.backlog.exclude {
        None => (vec![Spanned::new(0..0, "README.md".to_string())], 0..0),
        Some(e) => (e.get_ref().clone(), e.span()),
    };
    let mut globs = GlobSetBuilder::new();
    for pattern in &exclude {
        // A pattern without a `/` names files anywhere, as .gitignore does.
        let full = if pattern.get_ref().contains('/') {
            pattern.get_ref().clone()
        } else {
            format!("**/{}", pattern.get_ref())
        };
        let glob = GlobBuilder::new(&full)
            .literal_separator(true)
            .build()
            .map_err(|e| {
                text.error(
                    pattern.span(),
                    format!(
                        "[backlog] exclude: `{}` is not a valid pattern: {e}",
                        pattern.get_ref()
                    ),
                )
            })?;
        globs.add(glob);
    }
    let exclude_set = globs
        .build()
        .map_err(|e| text.error(exclude_span, format!("[backlog] exclude: {e}")))?;

    let wsjf_scale = scale(raw.wsjf.scale, DEFAULT_WSJF_SCALE, "wsjf", text)?;
    let points_scale = scale(raw.points.scale, DEFAULT_POINTS_SCALE, "points", text)?;

    let mut workflows = BTreeMap::new();
    for t in ItemType::ALL {
        if let Some(mut w) = default_workflow(*t) {
            w.default_requirements(*t);
            workflows.insert(*t, w);
        }
    }
    for (type_name, rw) in raw.workflow {
        let span = type_name.span();
        let type_name = type_name.into_inner();
        let item_type = ItemType::parse(&type_name)
            .filter(|t| !matches!(t, ItemType::Pi | ItemType::Okr))
            .ok_or_else(|| {
                text.error(
                    span.clone(),
                    format!(
                        "[workflow.{type_name}]: unknown item type (expected epic, capability, feature or story)"
                    ),
                )
            })?;
        let base = workflows.get_mut(&item_type).ok_or_else(|| {
            text.error(
                span.clone(),
                format!("[workflow.{type_name}]: this type has no workflow"),
            )
        })?;
        apply_workflow(base, item_type, rw, &type_name, text)?;
    }

    let mut severities = BTreeMap::new();
    for (name, level) in raw.rules {
        let rule = Rule::from_name(name.get_ref()).ok_or_else(|| {
            let names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
            let written = name.get_ref();
            let message = match crate::model::did_you_mean(written, &names) {
                Some(s) => format!("[rules]: unknown rule `{written}` (did you mean `{s}`?)"),
                None => format!("[rules]: unknown rule `{written}` (`popm rules` lists them)"),
            };
            text.error(name.span(), message)
        })?;
        let severity = severity(&level).ok_or_else(|| {
            text.error(
                level.span(),
                format!(
                    "[rules] {} = \"{}\": expected \"error\", \"warning\" or \"off\"",
                    name.get_ref(),
                    level.get_ref()
                ),
            )
        })?;
        severities.insert(rule, severity);
    }

    let planning_load = match raw.pi.planning_load {
        None => DEFAULT_PLANNING_LOAD,
        Some(load) => {
            let value = *load.get_ref();
            if !(value > 0.0 && value <= 100.0) {
                return Err(text.error(
                    load.span(),
                    format!("[pi] planning_load = {value}: expected a percent from 1 to 100"),
                ));
            }
            value
        }
    };

    let mut new = NewItems {
        folder: raw.new.folder,
        templates: raw.new.templates,
        ..NewItems::default()
    };
    for (type_name, folder) in raw.new.folders {
        let t = ItemType::parse(type_name.get_ref()).ok_or_else(|| {
            text.error(
                type_name.span(),
                format!("[new.folders]: unknown item type `{}`", type_name.get_ref()),
            )
        })?;
        new.folders.insert(t, folder);
    }
    for (type_name, prefix) in raw.new.prefixes {
        let t = ItemType::parse(type_name.get_ref()).ok_or_else(|| {
            text.error(
                type_name.span(),
                format!(
                    "[new.prefixes]: unknown item type `{}`",
                    type_name.get_ref()
                ),
            )
        })?;
        let value = prefix.get_ref();
        if value.is_empty() || !value.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(text.error(
                prefix.span(),
                format!(
                    "[new.prefixes] {} = \"{value}\": use letters and digits",
                    type_name.get_ref()
                ),
            ));
        }
        new.prefixes.insert(t, prefix.into_inner());
    }

    let flow = flow_settings(raw_flow, &workflows, text)?;
    Ok(Config {
        name,
        portfolio,
        new,
        flow,
        board_done_cards: raw
            .board
            .done_cards
            .unwrap_or(super::DEFAULT_BOARD_DONE_CARDS),
        display_path: None,
        planning_load,
        file,
        project_root,
        roots,
        exclude: exclude.into_iter().map(Spanned::into_inner).collect(),
        exclude_set,
        max_file_bytes: raw.backlog.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES),
        max_items: raw.backlog.max_items.unwrap_or(DEFAULT_MAX_ITEMS),
        team_names: raw
            .teams
            .as_ref()
            .map(|t| t.get_ref().iter().cloned().collect())
            .unwrap_or_default(),
        teams: raw.teams.map(Spanned::into_inner).unwrap_or_default(),
        wsjf_scale,
        points_scale,
        workflows,
        severities,
    })
}

/// "error", "warning" or "off" (`None` outside: not a level; `Some(None)`: off).
fn severity(level: &Spanned<String>) -> Option<Option<Severity>> {
    match level.get_ref().as_str() {
        "error" => Some(Some(Severity::Error)),
        "warning" => Some(Some(Severity::Warning)),
        "off" => Some(None),
        _ => None,
    }
}

fn scale(
    raw: Option<Spanned<Vec<i64>>>,
    default: &[i64],
    section: &str,
    text: Text,
) -> Result<Vec<i64>, ConfigError> {
    let Some(raw) = raw else {
        return Ok(default.to_vec());
    };
    let span = raw.span();
    let mut values = raw.into_inner();
    if values.is_empty() || values.iter().any(|v| *v <= 0) {
        return Err(text.error(
            span,
            format!(
                "[{section}] scale must list positive whole numbers, e.g. [1, 2, 3, 5, 8, 13, 20]"
            ),
        ));
    }
    values.sort_unstable();
    values.dedup();
    Ok(values)
}

fn apply_workflow(
    base: &mut Workflow,
    item_type: ItemType,
    raw: RawWorkflow,
    type_name: &str,
    text: Text,
) -> Result<(), ConfigError> {
    let section = format!("[workflow.{type_name}]");
    if let Some(raw_states) = raw.states {
        let span = raw_states.span();
        let states: Vec<String> = raw_states
            .get_ref()
            .iter()
            .map(|s| normalize_status(s))
            .collect();
        if states.is_empty() {
            return Err(text.error(span, format!("{section} states is empty")));
        }
        let mut seen = std::collections::HashSet::with_capacity(states.len());
        for s in &states {
            if s.is_empty() || !seen.insert(s.as_str()) {
                return Err(text.error(
                    span,
                    format!("{section} states: `{s}` is empty or listed twice"),
                ));
            }
        }
        base.done_from = states
            .iter()
            .position(|s| s == "done")
            .unwrap_or(states.len() - 1);
        base.ready_from = states.iter().position(|s| s == "ready");
        base.states = states;
        // Aliases and WIP limits of the default states may not fit the new ones.
        base.aliases
            .retain(|_, target| base.states.contains(target));
        base.wip.clear();
    }
    if let Some(done) = raw.done {
        let name = normalize_status(done.get_ref());
        base.done_from = base.states.iter().position(|s| *s == name).ok_or_else(|| {
            text.error(
                done.span(),
                format!("{section} done = \"{name}\" is not one of its states"),
            )
        })?;
    }
    if let Some(ready) = raw.ready {
        let name = normalize_status(ready.get_ref());
        base.ready_from = Some(base.states.iter().position(|s| *s == name).ok_or_else(|| {
            text.error(
                ready.span(),
                format!("{section} ready = \"{name}\" is not one of its states"),
            )
        })?);
    }
    // The defaults name states: placed again on the states as they now are.
    base.default_requirements(item_type);
    if let Some(requires) = raw.requires {
        for (content, state) in requires {
            let c = Content::parse(content.get_ref())
                .filter(|c| c.applies_to(item_type))
                .ok_or_else(|| {
                    let names: Vec<&str> = Content::ALL
                        .iter()
                        .filter(|c| c.applies_to(item_type))
                        .map(|c| c.name())
                        .collect();
                    text.error(
                        content.span(),
                        format!(
                            "{section} requires: `{}` is not content {} can require (expected {})",
                            content.get_ref(),
                            item_type.with_article(),
                            names.join(", ")
                        ),
                    )
                })?;
            let name = normalize_status(state.get_ref());
            if name == "never" {
                base.requires.remove(&c);
                continue;
            }
            let index = base.resolve(&name).ok_or_else(|| {
                text.error(
                    state.span(),
                    format!(
                        "{section} requires: {} = \"{name}\" is not one of its states (or \"never\")",
                        c.name()
                    ),
                )
            })?;
            base.requires.insert(c, index);
        }
    }
    if let Some(aliases) = raw.aliases {
        for (alias, target) in aliases.into_inner() {
            let target = normalize_status(&target);
            if !base.states.contains(&target) {
                return Err(text.error(
                    alias.span(),
                    format!(
                        "{section} aliases: `{}` points at `{target}`, which is not one of its states",
                        alias.get_ref()
                    ),
                ));
            }
            base.aliases
                .insert(normalize_status(alias.get_ref()), target);
        }
    }
    if let Some(level) = raw.transitions {
        base.transitions = Some(severity(&level).ok_or_else(|| {
            text.error(
                level.span(),
                format!(
                    "{section} transitions = \"{}\": expected \"error\", \"warning\" or \"off\"",
                    level.get_ref()
                ),
            )
        })?);
    }
    if let Some(wip) = raw.wip {
        for (state, limit) in wip {
            let name = normalize_status(state.get_ref());
            if !base.states.contains(&name) {
                return Err(text.error(
                    state.span(),
                    format!("{section} wip: `{name}` is not one of its states"),
                ));
            }
            let (line, column) = super::error::line_column(text.text, limit.span().start);
            base.wip.insert(
                name,
                WipLimit {
                    limit: *limit.get_ref(),
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    column: u32::try_from(column).unwrap_or(u32::MAX),
                },
            );
        }
    }
    Ok(())
}

/// Built-in start and active states: the first state where a team works on the item.
fn default_flow_states(t: ItemType) -> (&'static str, &'static [&'static str]) {
    match t {
        ItemType::Story => ("in-progress", &["in-progress"]),
        ItemType::Epic => ("implementing", &["implementing"]),
        _ => (
            "implementing",
            &["implementing", "validating", "deploying", "releasing"],
        ),
    }
}

fn flow_settings(
    raw: RawFlow,
    workflows: &BTreeMap<ItemType, Workflow>,
    text: Text,
) -> Result<FlowSettings, ConfigError> {
    let err = |span: std::ops::Range<usize>, message: String| text.error(span, message);
    let period = match raw.period {
        None => Period::Week,
        Some(p) => match p.get_ref().as_str() {
            "day" => Period::Day,
            "week" => Period::Week,
            "month" => Period::Month,
            other => {
                return Err(err(
                    p.span(),
                    format!("[flow] period = \"{other}\": expected \"day\", \"week\" or \"month\""),
                ));
            }
        },
    };
    let mut start = BTreeMap::new();
    let mut active = BTreeMap::new();
    for (t, w) in workflows {
        let (s, a) = default_flow_states(*t);
        let fallback = w.ready_from.map_or(1, |r| r + 1).min(w.done_from);
        let s = w.resolve(s).unwrap_or(fallback);
        start.insert(*t, s);
        let a: Vec<usize> = a.iter().filter_map(|name| w.resolve(name)).collect();
        active.insert(*t, if a.is_empty() { vec![s] } else { a });
    }
    let states_of = |w: &Workflow| w.states.join(", ");
    if let Some(raw_start) = raw.start {
        let span = raw_start.span();
        match raw_start.into_inner() {
            PerType::All(name) => {
                let mut found = false;
                for (t, w) in workflows {
                    if let Some(i) = w.resolve(&name) {
                        start.insert(*t, i);
                        found = true;
                    }
                }
                if !found {
                    return Err(err(
                        span,
                        format!("[flow] start = \"{name}\" is not a state of any workflow"),
                    ));
                }
            }
            PerType::ByType(map) => {
                for (type_name, name) in map {
                    let (t, w) = flow_type(&type_name, workflows)
                        .ok_or_else(|| err(span.clone(), format!("[flow] start: unknown item type `{type_name}` (expected epic, capability, feature or story)")))?;
                    let i = w.resolve(&name).ok_or_else(|| {
                        err(
                            span.clone(),
                            format!(
                                "[flow] start: `{name}` is not a state of the {type_name} workflow ({})",
                                states_of(w)
                            ),
                        )
                    })?;
                    start.insert(t, i);
                }
            }
        }
    }
    if let Some(raw_active) = raw.active {
        let span = raw_active.span();
        match raw_active.into_inner() {
            PerType::All(names) => {
                for name in &names {
                    if !workflows.values().any(|w| w.resolve(name).is_some()) {
                        return Err(err(
                            span,
                            format!("[flow] active: `{name}` is not a state of any workflow"),
                        ));
                    }
                }
                for (t, w) in workflows {
                    let list: Vec<usize> = names.iter().filter_map(|n| w.resolve(n)).collect();
                    active.insert(*t, list);
                }
            }
            PerType::ByType(map) => {
                for (type_name, names) in map {
                    let (t, w) = flow_type(&type_name, workflows)
                        .ok_or_else(|| err(span.clone(), format!("[flow] active: unknown item type `{type_name}` (expected epic, capability, feature or story)")))?;
                    let mut list = Vec::new();
                    for name in &names {
                        list.push(w.resolve(name).ok_or_else(|| {
                            err(
                                span.clone(),
                                format!(
                                    "[flow] active: `{name}` is not a state of the {type_name} workflow ({})",
                                    states_of(w)
                                ),
                            )
                        })?);
                    }
                    active.insert(t, list);
                }
            }
        }
    }
    Ok(FlowSettings {
        period,
        start,
        active,
    })
}

fn flow_type<'a>(
    name: &str,
    workflows: &'a BTreeMap<ItemType, Workflow>,
) -> Option<(ItemType, &'a Workflow)> {
    let t = ItemType::parse(name)?;
    workflows.get(&t).map(|w| (t, w))
}

fn default_workflow(item_type: ItemType) -> Option<Workflow> {
    const ART: &[&str] = &[
        "funnel",
        "analyzing",
        "ready",
        "implementing",
        "validating",
        "deploying",
        "releasing",
        "done",
    ];
    Some(match item_type {
        ItemType::Epic => Workflow::new(
            &[
                "funnel",
                "reviewing",
                "analyzing",
                "ready",
                "implementing",
                "done",
            ],
            "done",
            &[("portfolio-backlog", "ready"), ("backlog", "ready")],
        ),
        ItemType::Capability | ItemType::Feature => {
            Workflow::new(ART, "done", &[("backlog", "ready")])
        }
        ItemType::Story => Workflow::new(
            &[
                "backlog",
                "ready",
                "in-progress",
                "review",
                "done",
                "accepted",
            ],
            "done",
            &[],
        ),
        ItemType::Pi | ItemType::Okr => return None,
    })
}
