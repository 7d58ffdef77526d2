//! Statuses: every status is a state of its type's workflow.

use super::{at, one_of};
use crate::config::{Config, normalize_status};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::{Backlog, did_you_mean};

pub fn check(backlog: &Backlog, config: &Config, out: &mut Vec<Diagnostic>) {
    for item in backlog.iter() {
        let (Some(kind), Some(status)) = (item.kind(), &item.status) else {
            continue;
        };
        let Some(workflow) = config.workflow(kind) else {
            continue;
        };
        if item.state.is_some() {
            continue;
        }
        let mut d = at(
            Rule::StatusUnknown,
            item,
            status.pos,
            format!(
                "unknown status `{}` for {}: expected {}",
                status.value,
                kind.with_article(),
                one_of(&workflow.states)
            ),
        )
        .width(status.value.chars().count());
        let states: Vec<&str> = workflow.states.iter().map(String::as_str).collect();
        if let Some(s) = did_you_mean(&normalize_status(&status.value), &states) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        out.push(d);
    }
}

/// WIP limits from popm.toml: counted over the whole backlog, reported once per state on the line of
/// popm.toml that sets the limit.
pub fn wip(backlog: &Backlog, config: &Config, out: &mut Vec<Diagnostic>) {
    let Some(file) = &config.file else { return };
    let path = config
        .display_path
        .clone()
        .unwrap_or_else(|| file.display().to_string());
    for kind in crate::model::ItemType::ALL {
        let Some(workflow) = config.workflow(*kind) else {
            continue;
        };
        for (state, limit) in &workflow.wip {
            let Some(index) = workflow.states.iter().position(|s| s == state) else {
                continue;
            };
            let mut ids: Vec<&str> = backlog
                .of_type(*kind)
                .filter(|i| i.state == Some(index))
                .filter_map(|i| i.id())
                .collect();
            if ids.len() > limit.limit as usize {
                ids.sort_by(|a, b| crate::model::natural_cmp(a, b));
                let pos = crate::parse::yaml::Pos {
                    line: limit.line,
                    column: limit.column,
                };
                out.push(
                    Diagnostic::new(
                        Rule::WipExceeded,
                        &path,
                        pos,
                        format!(
                            "{} {}s are {state}, over its WIP limit of {}: {}",
                            ids.len(),
                            kind.as_str(),
                            limit.limit,
                            ids.join(", ")
                        ),
                    )
                    .help("finish work before starting more, or raise the limit deliberately"),
                );
            }
        }
    }
}

/// The WIP limit a move of `item` into state `to` would break: the number of items of its type
/// that would then be in that state, and the limit. `None` when the state has no limit or stays
/// within it.
pub fn wip_after_move(
    backlog: &Backlog,
    config: &Config,
    item: &crate::model::Item,
    to: usize,
) -> Option<(usize, u32)> {
    let kind = item.kind()?;
    let workflow = config.workflow(kind)?;
    let limit = workflow.wip.get(workflow.states.get(to)?)?.limit;
    let others = backlog
        .of_type(kind)
        .filter(|i| i.state == Some(to) && i.path != item.path)
        .count();
    (others + 1 > limit as usize).then_some((others + 1, limit))
}
