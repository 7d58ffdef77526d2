//! The rules across the backlogs of a portfolio (`popm portfolio check`): qualified parents and
//! dependencies resolve, a dependency on another ART is not planned for a later PI, each value
//! stream's implementing epics stay within its budget, and every epic has a value stream.

use std::collections::HashSet;

use super::at;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Rule};
use crate::model::{Backlog, Item, ItemType, Reference, Spanned};

/// One backlog of the portfolio: the portfolio repository's own, or an ART's from the cache.
pub struct Member<'a> {
    pub name: &'a str,
    pub backlog: &'a Backlog,
    pub config: &'a Config,
}

/// The epic state in which an epic's budget counts against its value stream's.
pub const IMPLEMENTING: &str = "implementing";

/// The epics of `stream` in the implementing state, in file order, and the sum of their budgets:
/// what counts against the value stream's guardrail (the rule and the portfolio page).
pub fn implementing<'a>(
    backlog: &'a Backlog,
    config: &Config,
    stream: &str,
) -> (Vec<&'a Item>, f64) {
    let epics: Vec<&Item> = backlog
        .of_type(ItemType::Epic)
        .filter(|e| e.value_stream.as_ref().is_some_and(|v| v.value == stream))
        .filter(|e| e.status_name(config) == IMPLEMENTING)
        .collect();
    let sum = epics
        .iter()
        .filter_map(|e| e.budget.as_ref().map(|b| b.value))
        .sum();
    (epics, sum)
}

/// Runs the cross-backlog rules. `members[0]` is the portfolio repository (its epics carry the
/// value streams); `unavailable` are ARTs the cache cannot give (already reported in one line
/// each), whose references are not judged; `names` is every backlog of the portfolio, the
/// unavailable too, for messages. Paths come out as `name:path`.
pub fn check(
    members: &[Member],
    unavailable: &HashSet<&str>,
    names: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    for member in members {
        let mut found = Vec::new();
        for item in member.backlog.iter() {
            if let Some(parent) = &item.parent {
                resolve(
                    members,
                    unavailable,
                    names,
                    item,
                    parent,
                    "parent",
                    &mut found,
                );
            }
            for okr in &item.okrs {
                let target = resolve(members, unavailable, names, item, okr, "okrs", &mut found);
                if let Some((other, okr_item)) = target
                    && okr_item.kind() != Some(ItemType::Okr)
                {
                    found.push(
                        at(
                            Rule::OkrUnknown,
                            item,
                            okr.pos,
                            format!("`{}` is not an OKR of {}", okr.value, other.name),
                        )
                        .width(okr.value.chars().count()),
                    );
                }
            }
            for dep in &item.depends_on {
                let target = resolve(
                    members,
                    unavailable,
                    names,
                    item,
                    dep,
                    "depends_on",
                    &mut found,
                );
                if let Some((other, dep_item)) = target {
                    later_pi(member, item, other, dep_item, dep, &mut found);
                }
            }
        }
        if let Some(first) = members.first()
            && std::ptr::eq(first, member)
        {
            value_streams(member, &mut found);
        }
        for mut d in found {
            d.path = format!("{}:{}", member.name, d.path);
            out.push(d);
        }
    }
}

/// The item a qualified reference names, or `None` (and a finding when it names nothing). Plain
/// ids and malformed references are `popm check`'s business: not judged here.
fn resolve<'m>(
    members: &'m [Member<'m>],
    unavailable: &HashSet<&str>,
    names: &[&str],
    item: &Item,
    reference: &Spanned<String>,
    key: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<(&'m Member<'m>, &'m Item)> {
    let Reference::Qualified { backlog, id } = Reference::parse(&reference.value) else {
        return None;
    };
    if unavailable.contains(backlog) {
        return None;
    }
    let (rule, what) = match key {
        "parent" => (Rule::ParentUnknown, "parent"),
        "okrs" => (Rule::OkrUnknown, "OKR"),
        _ => (Rule::DependencyUnknown, "dependency"),
    };
    let Some(member) = members.iter().find(|m| m.name == backlog) else {
        out.push(
            at(
                rule,
                item,
                reference.pos,
                format!(
                    "{what} `{}` names no backlog of the portfolio (it reads {})",
                    reference.value,
                    names.join(", ")
                ),
            )
            .width(reference.value.chars().count()),
        );
        return None;
    };
    match member.backlog.get(id) {
        Some(found) => Some((member, found)),
        None => {
            out.push(
                at(
                    rule,
                    item,
                    reference.pos,
                    format!("{what} `{}` is not an item of {backlog}", reference.value),
                )
                .width(reference.value.chars().count()),
            );
            None
        }
    }
}

/// The first day of the PI an item is planned for, with that PI's id, read in its own backlog.
fn pi_start<'a>(member: &'a Member, item: &'a Item) -> Option<(&'a str, jiff::civil::Date)> {
    let pi = member.backlog.planned_pi(item)?;
    let (start, _) = member.backlog.get(pi)?.pi_fields.as_ref()?.dates()?;
    Some((pi, start))
}

/// `dependency-later-pi` across backlogs: each ART has its own PI items, so PIs are compared by
/// their start dates, not their ids. A done dependency is no risk.
fn later_pi(
    member: &Member,
    item: &Item,
    other: &Member,
    dep_item: &Item,
    dep: &Spanned<String>,
    out: &mut Vec<Diagnostic>,
) {
    if dep_item.is_done(other.config) {
        return;
    }
    let (Some((pi, start)), Some((dep_pi, dep_start))) =
        (pi_start(member, item), pi_start(other, dep_item))
    else {
        return;
    };
    if dep_start > start {
        out.push(
            at(
                Rule::DependencyLaterPi,
                item,
                dep.pos,
                format!(
                    "depends on `{}`, planned for {dep_pi} (from {dep_start}) in {}, later than this item's {pi} (from {start})",
                    dep.value, other.name
                ),
            )
            .width(dep.value.chars().count()),
        );
    }
}

/// Guardrails of the portfolio's lean budgets, and the value stream of every epic.
fn value_streams(member: &Member, out: &mut Vec<Diagnostic>) {
    let streams = &member.config.portfolio.value_streams;
    let number = crate::render::number::exact;
    for epic in member.backlog.of_type(ItemType::Epic) {
        match &epic.value_stream {
            None => out.push(at(
                Rule::ValueStreamMissing,
                epic,
                epic.header,
                "this epic has no `value_stream`: no value stream owns it".to_string(),
            )
            .help("add `value_stream: <name>`, a value stream of [portfolio.value_streams] in popm.toml")),
            Some(v) if !streams.contains_key(&v.value) => {
                let known: Vec<&str> = streams.keys().map(String::as_str).collect();
                out.push(
                    at(
                        Rule::ValueStreamMissing,
                        epic,
                        v.pos,
                        format!(
                            "value stream `{}` is not in [portfolio.value_streams] ({})",
                            v.value,
                            if known.is_empty() { "none is".to_string() } else { known.join(", ") }
                        ),
                    )
                    .width(v.value.chars().count()),
                );
            }
            Some(_) => {}
        }
    }
    for (stream, budget) in streams {
        let (implementing, sum) = implementing(member.backlog, member.config, stream);
        let Some(last) = implementing.last() else {
            continue;
        };
        if sum > *budget {
            let parts: Vec<String> = implementing
                .iter()
                .map(|e| {
                    format!(
                        "{} {}",
                        e.id().unwrap_or("?"),
                        e.budget
                            .as_ref()
                            .map_or("no budget".to_string(), |b| number(b.value))
                    )
                })
                .collect();
            let (pos, width) = last.budget.as_ref().map_or((last.header, 1), |b| {
                (b.pos, number(b.value).chars().count())
            });
            out.push(at(
                Rule::GuardrailExceeded,
                last,
                pos,
                format!(
                    "value stream `{stream}` is implementing epics of {} per PI ({}), over its budget of {}",
                    number(sum),
                    parts.join(", "),
                    number(*budget)
                ),
            )
            .width(width));
        }
    }
}
