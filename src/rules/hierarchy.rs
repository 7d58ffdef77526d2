//! The SAFe hierarchy: story -> feature -> capability or epic; capability -> epic.

use super::{at, one_of};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::{Backlog, ItemType};

pub fn check(backlog: &Backlog, config: &Config, out: &mut Vec<Diagnostic>) {
    for (index, item) in backlog.iter().enumerate() {
        let Some(kind) = item.kind() else { continue };
        match &item.parent {
            // Whether an item must have a parent depends on its state: `rules::ready`.
            None => {}
            Some(parent_ref) if !super::is_local_reference(item, "parent", parent_ref, out) => {}
            Some(parent_ref) => match backlog.get(&parent_ref.value) {
                None => out.push(
                    at(
                        Rule::ParentUnknown,
                        item,
                        parent_ref.pos,
                        format!(
                            "parent `{}` is not an item of this backlog",
                            parent_ref.value
                        ),
                    )
                    .width(parent_ref.value.chars().count()),
                ),
                Some(parent) => {
                    let allowed = kind.parent_types();
                    if let Some(parent_kind) = parent.kind()
                        && !allowed.contains(&parent_kind)
                    {
                        let message = if allowed.is_empty() {
                            format!(
                                "{} has no parent, but this one names {} `{}`",
                                kind.with_article(),
                                parent_kind.with_article(),
                                parent_ref.value
                            )
                        } else {
                            let names: Vec<&str> = allowed.iter().map(|t| t.as_str()).collect();
                            format!(
                                "a {}'s parent must be {} {}, but `{}` is {}",
                                kind.as_str(),
                                if allowed[0] == ItemType::Epic {
                                    "an"
                                } else {
                                    "a"
                                },
                                one_of(&names),
                                parent_ref.value,
                                parent_kind.with_article()
                            )
                        };
                        out.push(
                            at(Rule::ParentType, item, parent_ref.pos, message)
                                .width(parent_ref.value.chars().count()),
                        );
                    }
                    if parent.is_enabler() && !item.is_enabler() && parent_kind_ok(parent.kind()) {
                        out.push(
                            at(
                                Rule::ParentEnabler,
                                item,
                                parent_ref.pos,
                                format!(
                                    "a business {} under enabler `{}`: runway work rarely holds business value",
                                    kind.as_str(),
                                    parent_ref.value
                                ),
                            )
                            .width(parent_ref.value.chars().count())
                            .help("mark this item `enabler: <kind>` or move it under a business parent"),
                        );
                    }
                }
            },
        }
        if backlog.is_done(item, config) {
            let open: Vec<String> = backlog
                .children_of(index)
                .filter(|c| c.kind().is_some_and(|k| config.workflow(k).is_some()))
                .filter(|c| !backlog.is_done(c, config))
                .map(|c| format!("{} ({})", c.id().unwrap_or("?"), backlog.status(c, config)))
                .collect();
            if !open.is_empty() {
                let pos = item.status.as_ref().map_or(item.header, |s| s.pos);
                out.push(at(
                    Rule::ParentDoneChildrenOpen,
                    item,
                    pos,
                    format!(
                        "this {} is {} but {} of its children {} not: {}",
                        kind.as_str(),
                        backlog.status(item, config),
                        open.len(),
                        if open.len() == 1 { "is" } else { "are" },
                        open.join(", ")
                    ),
                ));
            }
        }
    }
    cycles(backlog, out);
}

fn parent_kind_ok(kind: Option<ItemType>) -> bool {
    kind.is_some_and(|k| k != ItemType::Pi)
}

/// Each item has at most one parent, so the parent links form a functional graph: walking up from
/// every item once (with memory of finished walks) finds every cycle in linear time.
fn cycles(backlog: &Backlog, out: &mut Vec<Diagnostic>) {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let n = backlog.items.len();
    let parent: Vec<Option<usize>> = backlog
        .items
        .iter()
        .map(|i| i.parent.as_ref().and_then(|p| backlog.index_of(&p.value)))
        .collect();
    let mut state = vec![NEW; n];
    let mut path = Vec::new();
    for start in 0..n {
        let mut at_node = Some(start);
        path.clear();
        while let Some(i) = at_node {
            match state[i] {
                NEW => {
                    state[i] = ON_PATH;
                    path.push(i);
                    at_node = parent[i];
                }
                ON_PATH => {
                    // The walk came back to a node of its own path: the cycle is the path from there.
                    let from = path.iter().position(|p| *p == i).unwrap_or(0);
                    let cycle = &path[from..];
                    report_cycle(backlog, cycle, out);
                    break;
                }
                _ => break,
            }
        }
        for i in &path {
            state[*i] = DONE;
        }
    }
}

fn report_cycle(backlog: &Backlog, cycle: &[usize], out: &mut Vec<Diagnostic>) {
    let ids: Vec<&str> = cycle
        .iter()
        .map(|j| backlog.items[*j].id().unwrap_or("?"))
        .collect();
    for (k, i) in cycle.iter().enumerate() {
        let item = &backlog.items[*i];
        let pos = item.parent.as_ref().map_or(item.header, |p| p.pos);
        out.push(at(
            Rule::ParentCycle,
            item,
            pos,
            format!("parents form a cycle: {}", super::cycle_text(&ids, k)),
        ));
    }
}
