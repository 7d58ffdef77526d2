//! Planning Intervals: items name existing PIs; PI items are well formed.

use super::at;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::{Backlog, Item, ItemType, PiFields};

pub fn check(backlog: &Backlog, _config: &Config, out: &mut Vec<Diagnostic>) {
    for item in &backlog.items {
        if let Some(pi) = &item.pi {
            let message = match backlog.get(&pi.value) {
                None => Some(format!("PI `{}` is not an item of this backlog", pi.value)),
                Some(target) if target.kind() != Some(ItemType::Pi) => Some(format!(
                    "`pi` names `{}`, which is {}, not a PI",
                    pi.value,
                    target
                        .kind()
                        .map_or("an item of unknown type", |k| k.with_article())
                )),
                Some(_) => None,
            };
            if let Some(message) = message {
                out.push(
                    at(Rule::PiUnknown, item, pi.pos, message)
                        .width(pi.value.chars().count())
                        .help("create the PI item (`type: pi`) or fix the id"),
                );
            }
        }
        if let Some(fields) = &item.pi_fields {
            pi_item(item, fields, out);
        }
    }
}

fn pi_item(item: &Item, pi: &PiFields, out: &mut Vec<Diagnostic>) {
    let mut report = |pos, message: String| out.push(at(Rule::PiInvalid, item, pos, message));
    match &pi.start {
        None if pi.start_invalid => {}
        None => report(
            item.header,
            "this PI has no `start` date (YYYY-MM-DD)".into(),
        ),
        Some(start) if pi.dates().is_none() => report(
            start.pos,
            "the PI would end after the last date popm can compute (year 9999)".into(),
        ),
        Some(_) => {}
    }
    let iterations = pi
        .iterations
        .as_ref()
        .map_or(PiFields::DEFAULT_ITERATIONS, |i| i.value);
    if let Some(i) = &pi.iterations
        && i.value < 2
    {
        report(
            i.pos,
            format!(
                "a PI needs at least 2 iterations (development iterations plus the IP iteration), found {}",
                i.value
            ),
        );
    }
    // The last iteration is Innovation & Planning: capacity is given for the development ones.
    let development = usize::try_from(iterations - 1).unwrap_or(0);
    for (team, points) in &pi.capacity {
        if development > 0 && points.len() != development {
            report(
                team.pos,
                format!(
                    "capacity of `{}` lists {} iteration{}; this PI has {development} development iterations",
                    team.value,
                    points.len(),
                    if points.len() == 1 { "" } else { "s" }
                ),
            );
        }
    }
    let mut total = 0.0;
    for (kind, percent) in &pi.allocation {
        total += percent.value;
        if percent.value > 100.0 {
            report(
                percent.pos,
                format!(
                    "allocation of `{}` is {} %, over 100 %",
                    kind.value, percent.value
                ),
            );
        }
    }
    if total > 100.0
        && let Some((first, _)) = pi.allocation.first()
    {
        report(
            first.pos,
            format!("capacity allocations add up to {total} %, over 100 %"),
        );
    }
    for o in &pi.objectives {
        if o.team.as_deref().is_none_or(|t| t.trim().is_empty()) {
            report(o.pos, "a PI objective needs a `team`".into());
        }
        if o.text.as_deref().is_none_or(|t| t.trim().is_empty()) {
            report(o.pos, "a PI objective needs a `text`".into());
        }
        match &o.business_value {
            None => report(
                o.pos,
                "a PI objective needs a planned `business_value` from 1 to 10".into(),
            ),
            Some(bv) if !(1..=10).contains(&bv.value) => report(
                bv.pos,
                format!("business_value must be from 1 to 10, found {}", bv.value),
            ),
            Some(_) => {}
        }
        if let Some(av) = &o.actual_value
            && !(0..=10).contains(&av.value)
        {
            report(
                av.pos,
                format!("actual_value must be from 0 to 10, found {}", av.value),
            );
        }
    }
}
