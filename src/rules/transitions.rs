//! Status changes between two versions of the backlog (`--staged`, `--since`): moves backwards or
//! over states, and moves into a state whose entry rules the item does not meet.

use super::{at, one_of, ready};
use crate::config::{Config, Content, Workflow};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::{Backlog, Item};

/// What an item lacks to be in `state` of its workflow: the Definition of Ready of that state
/// (`rules::ready`), and no template placeholder from ready on. Content whose rule is a warning
/// (or off) does not hold a move back. Empty when it may be there. Used by the transition check
/// and by commands that move items.
pub fn entry_failures(
    item: &Item,
    config: &Config,
    workflow: &Workflow,
    state: usize,
) -> Vec<String> {
    let mut missing = Vec::new();
    let Some(kind) = item.kind() else {
        return missing;
    };
    let blocks = |rule: Option<Rule>| {
        rule.is_none_or(|r| config.severity(r) == Some(crate::diagnostic::Severity::Error))
    };
    for c in Content::ALL {
        if c.applies_to(kind)
            && workflow.requires(c, state)
            && !ready::has(item, c)
            && blocks(ready::rule_of(c))
        {
            missing.push(
                match c {
                    Content::Hypothesis => "a hypothesis",
                    Content::BenefitHypothesis => "a benefit hypothesis",
                    Content::AcceptanceCriteria => "acceptance criteria",
                    Content::Wsjf => "a complete WSJF score",
                    Content::Parent => "a parent",
                    Content::Team => "a team",
                    Content::Points => "story points",
                }
                .to_string(),
            );
        }
    }
    if let Some(found) = &item.placeholder
        && workflow.ready_from.is_some_and(|r| state >= r)
        && blocks(Some(Rule::PlaceholderText))
    {
        missing.push(format!(
            "the template's placeholders replaced (line {} still says `{}`)",
            found.pos.line, found.value
        ));
    }
    let done = workflow.is_done(state);
    if done && let Some(ac) = &item.acceptance_criteria {
        let open = ac
            .criteria
            .iter()
            .filter(|c| c.checked == Some(false))
            .count();
        if open > 0 {
            missing.push(format!("every acceptance criterion checked ({open} open)"));
        }
    }
    missing
}

/// A status change other than one state forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    Backwards,
    /// Forward past these states (indexes into the workflow).
    OverStates(std::ops::Range<usize>),
}

/// How a move from state `from` to state `to` departs from the workflow's one step forward;
/// `None` for one step forward (or no move).
pub fn unusual_move(from: usize, to: usize) -> Option<Move> {
    if to < from {
        Some(Move::Backwards)
    } else if to > from + 1 {
        Some(Move::OverStates(from + 1..to))
    } else {
        None
    }
}

/// Compares each item of `after` in a changed file with the item of the same id in `before`.
pub fn check(
    before: &Backlog,
    after: &Backlog,
    changed: &std::collections::HashSet<String>,
    config: &Config,
    out: &mut Vec<Diagnostic>,
) {
    for item in after.iter().filter(|i| changed.contains(&i.path)) {
        let (Some(kind), Some(new), Some(id)) = (item.kind(), item.state, item.id()) else {
            continue;
        };
        let Some(workflow) = config.workflow(kind) else {
            continue;
        };
        let old = before
            .get(id)
            .filter(|o| o.kind() == Some(kind))
            .and_then(|o| o.state);
        if old == Some(new) {
            continue;
        }
        let pos = item.status.as_ref().map_or(item.header, |s| s.pos);
        let name = |i: usize| workflow.states.get(i).map_or("?", String::as_str);
        if let Some(old) = old {
            let message = match unusual_move(old, new) {
                Some(Move::Backwards) => Some(format!(
                    "status moves backwards, from {} to {}",
                    name(old),
                    name(new)
                )),
                Some(Move::OverStates(skipped)) => {
                    let skipped: Vec<&str> = skipped.map(name).collect();
                    Some(format!(
                        "status skips {}: from {} to {}",
                        one_of(&skipped).replace(" or ", " and "),
                        name(old),
                        name(new)
                    ))
                }
                None => None,
            };
            if let Some(message) = message {
                // Its severity is set per item type: the sink reads the type.
                out.push(at(Rule::StatusTransition, item, pos, message).of_type(kind));
            }
        }
        // Entering a later state (or appearing in one) must meet that state's entry rules.
        if old.is_none_or(|o| new > o) {
            let missing = entry_failures(item, config, workflow, new);
            if !missing.is_empty() {
                out.push(
                    at(
                        Rule::StatusEntry,
                        item,
                        pos,
                        format!(
                            "this {} enters {} without {}",
                            kind.as_str(),
                            name(new),
                            missing.join(", ")
                        ),
                    )
                    .help("complete the item first, or keep it in its earlier state"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_step_forward_is_the_usual_move() {
        assert_eq!(unusual_move(2, 3), None);
        assert_eq!(unusual_move(2, 2), None);
        assert_eq!(unusual_move(2, 1), Some(Move::Backwards));
        assert_eq!(unusual_move(1, 4), Some(Move::OverStates(2..4)));
    }
}
