//! Planning Intervals: items name existing PIs; PI items are well formed.

use super::at;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::{Backlog, Item, ItemType, PiFields};

pub fn check(backlog: &Backlog, _config: &Config, out: &mut Vec<Diagnostic>) {
    calendar(backlog, out);
    for item in backlog.iter() {
        iteration(backlog, item, out);
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

/// An item's `iteration` must be a development iteration of its PI (its own `pi`, or a story's
/// feature's): 1 to iterations - 1, the last being Innovation & Planning. (Iteration 0 is a
/// `field-type` error where it is read.)
fn iteration(backlog: &Backlog, item: &Item, out: &mut Vec<Diagnostic>) {
    let Some(it) = &item.iteration else { return };
    let Some(pi_id) = backlog.planned_pi(item) else {
        return;
    };
    let Some(fields) = backlog
        .get(pi_id)
        .filter(|p| p.kind() == Some(ItemType::Pi))
        .and_then(|p| p.pi_fields.as_deref())
    else {
        return;
    };
    let iterations = fields.iteration_count();
    let last = iterations - 1;
    // Iteration 0 and below never get here: the parser bounds `iteration` to 1 and up.
    let why = if it.value == iterations {
        format!(
            "iteration {iterations} is its Innovation & Planning iteration, which takes no planned work"
        )
    } else if it.value > iterations {
        format!("it has {iterations} iterations")
    } else {
        return;
    };
    out.push(
        at(
            Rule::IterationOutOfRange,
            item,
            it.pos,
            format!(
                "iteration {} is not a development iteration of {pi_id}: {why}",
                it.value
            ),
        )
        .width(it.value.to_string().len())
        .help(format!(
            "plan it into iteration 1 to {last} of {pi_id}, or into another PI"
        )),
    );
}

/// PIs follow each other: none overlaps another (error), and a gap between one and the next is
/// worth a look (warning). Compared in start order, each against the latest end before it.
fn calendar(backlog: &Backlog, out: &mut Vec<Diagnostic>) {
    let mut pis: Vec<(&Item, jiff::civil::Date, jiff::civil::Date)> = backlog
        .of_type(ItemType::Pi)
        .filter_map(|i| {
            let (s, e) = i.pi_fields.as_deref()?.dates()?;
            Some((i, s, e))
        })
        .collect();
    pis.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.id().cmp(&b.0.id())));
    let mut latest: Option<(&Item, jiff::civil::Date)> = None;
    for (item, start, end) in pis {
        let pos = item
            .pi_fields
            .as_deref()
            .and_then(|f| f.start.as_ref())
            .map_or(item.header, |s| s.pos);
        if let Some((before, before_end)) = latest {
            let before_id = before.id().unwrap_or("?");
            if start <= before_end {
                out.push(
                    at(
                        Rule::PiOverlap,
                        item,
                        pos,
                        format!(
                            "{} starts {start}, before {before_id} ends ({before_end})",
                            item.id().unwrap_or("?")
                        ),
                    )
                    .width(10)
                    .help(format!(
                        "start it after {before_end}, or shorten {before_id}"
                    )),
                );
            } else if let Ok(next_day) = before_end.tomorrow()
                && start > next_day
            {
                let days = (start - next_day).get_days();
                out.push(
                    at(
                        Rule::PiGap,
                        item,
                        pos,
                        format!(
                            "{} starts {start}, {days} day{} after {before_id} ends ({before_end})",
                            item.id().unwrap_or("?"),
                            if days == 1 { "" } else { "s" }
                        ),
                    )
                    .width(10)
                    .help(format!("start it on {next_day}, right after {before_id}")),
                );
            }
        }
        if latest.is_none_or(|(_, e)| end > e) {
            latest = Some((item, end));
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
