//! Every check popm runs, one module per family. Each family reads the parsed backlog and pushes
//! [`Diagnostic`]s; none of them prints anything.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Rule};
use crate::model::Backlog;

mod content;
mod dependencies;
mod hierarchy;
mod ids;
mod okrs;
mod pi;
pub mod portfolio;
pub mod ready;
pub mod transitions;
pub mod workflow;
mod wsjf;

/// One family's backlog-wide check.
type Check = fn(&Backlog, &Config, &mut Vec<Diagnostic>);

/// The families, in the order their findings are given to the sink.
const CHECKS: [Check; 10] = [
    ids::check,
    workflow::check,
    hierarchy::check,
    content::check,
    ready::check,
    wsjf::check,
    |backlog, _, out| dependencies::check(backlog, out),
    |backlog, _, out| okrs::check(backlog, out),
    pi::check,
    workflow::wip,
];

/// Runs every backlog-wide check. Per-file checks (frontmatter, keys and their types) already ran while
/// parsing, in parallel; these need the whole backlog. The families run on the thread pool (each
/// only reads the backlog); their findings are appended in the order of [`CHECKS`], as when they
/// ran one after the other.
pub fn check_backlog(backlog: &Backlog, config: &Config, out: &mut Vec<Diagnostic>) {
    use rayon::prelude::*;
    let found: Vec<Vec<Diagnostic>> = CHECKS
        .par_iter()
        .map(|check| {
            let mut found = Vec::new();
            check(backlog, config, &mut found);
            found
        })
        .collect();
    out.extend(found.into_iter().flatten());
}

/// A diagnostic about an item, tagged with its id.
pub(crate) fn at(
    rule: Rule,
    item: &crate::model::Item,
    pos: crate::parse::yaml::Pos,
    message: String,
) -> Diagnostic {
    Diagnostic::new(rule, &item.path, pos, message).item(item.id())
}

/// A cycle of ids as `A -> B -> C -> A`, starting at position `from` of `cycle` (which does not
/// repeat its first id). Long cycles are cut after a few ids so that reporting every member of a
/// cycle of thousands stays linear.
fn cycle_text(ids: &[&str], from: usize) -> String {
    const SHOWN: usize = 8;
    let n = ids.len();
    if n == 0 {
        return String::new();
    }
    let mut parts: Vec<&str> = (0..n.min(SHOWN)).map(|k| ids[(from + k) % n]).collect();
    if n > SHOWN {
        parts.push("...");
    }
    parts.push(ids[from % n]);
    let mut text = parts.join(" -> ");
    if n > SHOWN {
        text.push_str(&format!(" ({n} items)"));
    }
    text
}

/// Whether a reference written in `key` can be looked up in this backlog: a plain id is; one
/// qualified with another backlog's name is not (the portfolio check resolves it), and a malformed
/// one is reported here.
pub(crate) fn is_local_reference(
    item: &crate::model::Item,
    key: &str,
    reference: &crate::model::Spanned<String>,
    out: &mut Vec<Diagnostic>,
) -> bool {
    match crate::model::Reference::parse(&reference.value) {
        crate::model::Reference::Local(_) => true,
        crate::model::Reference::Qualified { .. } => false,
        crate::model::Reference::Malformed => {
            out.push(
                at(
                    Rule::ReferenceInvalid,
                    item,
                    reference.pos,
                    format!(
                        "`{key}: {}` is not a reference: write an id (`F-12`) or a backlog's name and an id (`rail:F-12`)",
                        reference.value
                    ),
                )
                .width(reference.value.chars().count()),
            );
            false
        }
    }
}

/// The references of the backlog to other backlogs (`rail:F-12` outside `rail`): one check cannot
/// resolve them, `popm portfolio check` does. Their count and the backlogs they name, for the
/// one line the summary gives them.
pub fn foreign_references(backlog: &Backlog) -> (usize, std::collections::BTreeSet<String>) {
    let mut count = 0;
    let mut names = std::collections::BTreeSet::new();
    for item in backlog.iter() {
        for reference in item.parent.iter().chain(&item.depends_on).chain(&item.okrs) {
            if let crate::model::Reference::Qualified { backlog, .. } =
                crate::model::Reference::parse(&reference.value)
            {
                count += 1;
                names.insert(backlog.to_string());
            }
        }
    }
    (count, names)
}

/// "a, b or c" for messages.
fn one_of<S: AsRef<str>>(names: &[S]) -> String {
    match names {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} or {}", init.join(", "), last.as_ref())
        }
    }
}
