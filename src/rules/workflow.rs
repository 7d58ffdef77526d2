//! Statuses: every status is a state of its type's workflow.

use super::{Rule, at, one_of};
use crate::config::{Config, normalize_status};
use crate::diagnostic::Diagnostic;
use crate::model::{Backlog, did_you_mean};

pub fn check(backlog: &Backlog, config: &Config, out: &mut Vec<Diagnostic>) {
    for item in &backlog.items {
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
