//! The Definition of Ready: what an item must say follows its workflow state. A raw idea in the
//! funnel is a title and a sentence; a feature earns its benefit hypothesis to be analyzed, and
//! acceptance criteria, a WSJF score, a parent and a team to be ready (`[workflow.<type>]
//! requires` in popm.toml, defaults in `config::Content::defaults`). Content needed only in a
//! later state is never a finding before it.

use super::{at, one_of};
use crate::config::{Config, Content, Workflow};
use crate::diagnostic::{Diagnostic, Rule};
use crate::model::{Backlog, Item, ItemType, Section};

/// The rule that reports each missing content (points have none: they are asked for when an item
/// enters a state, by `status-entry` and `popm move`).
pub fn rule_of(content: Content) -> Option<Rule> {
    Some(match content {
        Content::Hypothesis => Rule::HypothesisMissing,
        Content::BenefitHypothesis => Rule::BenefitHypothesisMissing,
        Content::AcceptanceCriteria => Rule::AcceptanceCriteriaMissing,
        Content::Wsjf => Rule::WsjfMissing,
        Content::Parent => Rule::ParentMissing,
        Content::Team => Rule::TeamMissing,
        Content::Points => return None,
    })
}

/// Whether the item has `content`, as its Definition of Ready means it.
pub fn has(item: &Item, content: Content) -> bool {
    let filled = |s: &Option<Section>| s.as_ref().is_some_and(|s| s.has_content);
    match content {
        Content::Hypothesis => filled(&item.hypothesis),
        Content::BenefitHypothesis => filled(&item.benefit_hypothesis),
        Content::AcceptanceCriteria => item
            .acceptance_criteria
            .as_ref()
            .is_some_and(|ac| !ac.criteria.is_empty()),
        Content::Wsjf => item.wsjf.as_ref().is_some_and(|w| w.complete().is_some()),
        Content::Parent => item.parent.is_some(),
        Content::Team => !item.team.is_empty(),
        Content::Points => item.points.is_some(),
    }
}

/// What `popm check` asks of every item: the content its own state requires.
pub fn check(backlog: &Backlog, config: &Config, out: &mut Vec<Diagnostic>) {
    for item in backlog.iter() {
        let (Some(kind), Some(state)) = (item.kind(), item.state) else {
            continue;
        };
        let Some(workflow) = config.workflow(kind) else {
            continue;
        };
        content(item, kind, workflow, state, &[], out);
        placeholder(item, kind, workflow, state, out);
    }
}

/// The findings of the content `workflow` requires in `state` (passing over `skip`).
pub fn content(
    item: &Item,
    kind: ItemType,
    workflow: &Workflow,
    state: usize,
    skip: &[Content],
    out: &mut Vec<Diagnostic>,
) {
    // The state from which a content is needed, for messages.
    let from = |c: Content| {
        workflow
            .requires
            .get(&c)
            .and_then(|i| workflow.states.get(*i))
            .map_or("?", String::as_str)
    };
    for c in Content::ALL {
        if skip.contains(&c) || !workflow.requires(c, state) || !c.applies_to(kind) {
            continue;
        }
        match c {
            Content::Hypothesis => section(
                item,
                item.hypothesis.as_ref(),
                Rule::HypothesisMissing,
                "Hypothesis",
                out,
            ),
            Content::BenefitHypothesis => section(
                item,
                item.benefit_hypothesis.as_ref(),
                Rule::BenefitHypothesisMissing,
                "Benefit hypothesis",
                out,
            ),
            Content::AcceptanceCriteria => acceptance_criteria(item, kind, out),
            Content::Wsjf => wsjf(item, kind, from(c), out),
            Content::Parent if item.parent.is_none() => {
                let parents: Vec<&str> = kind.parent_types().iter().map(|t| t.as_str()).collect();
                out.push(
                    at(
                        Rule::ParentMissing,
                        item,
                        item.header,
                        format!("this {} has no parent", kind.as_str()),
                    )
                    .width(3)
                    .help(format!(
                        "add `parent:` with the id of its {}",
                        one_of(&parents)
                    )),
                );
            }
            Content::Team if item.team.is_empty() => out.push(
                at(
                    Rule::TeamMissing,
                    item,
                    item.status.as_ref().map_or(item.header, |s| s.pos),
                    format!(
                        "this {} names no team (needed from {} on)",
                        kind.as_str(),
                        from(c)
                    ),
                )
                .width(status_width(item))
                .help("add `team: [..]` with the team (or teams) that will build it"),
            ),
            Content::Parent | Content::Team | Content::Points => {}
        }
    }
}

/// A template placeholder left in an item that is ready or later.
fn placeholder(
    item: &Item,
    kind: ItemType,
    workflow: &Workflow,
    state: usize,
    out: &mut Vec<Diagnostic>,
) {
    let Some(found) = &item.placeholder else {
        return;
    };
    if workflow.ready_from.is_none_or(|r| state < r) {
        return;
    }
    let name = workflow.states.get(state).map_or("?", String::as_str);
    out.push(
        at(
            Rule::PlaceholderText,
            item,
            found.pos,
            format!(
                "this {} is {name} but still holds the template's placeholder `{}`",
                kind.as_str(),
                found.value
            ),
        )
        .width(found.value.chars().count())
        .help("replace the placeholder with what the item really says"),
    );
}

fn section(
    item: &Item,
    found: Option<&Section>,
    rule: Rule,
    heading: &str,
    out: &mut Vec<Diagnostic>,
) {
    let kind = item.kind().map_or("item", |k| k.as_str());
    match found {
        None => out.push(
            at(
                rule,
                item,
                item.header,
                format!("this {kind} has no `{heading}` section"),
            )
            .width(3)
            .help(format!(
                "add a `## {heading}` heading followed by the statement"
            )),
        ),
        Some(s) if !s.has_content => out.push(at(
            rule,
            item,
            s.pos,
            format!("the `{heading}` section is empty"),
        )),
        Some(_) => {}
    }
}

fn acceptance_criteria(item: &Item, kind: ItemType, out: &mut Vec<Diagnostic>) {
    match &item.acceptance_criteria {
        None => out.push(
            at(
                Rule::AcceptanceCriteriaMissing,
                item,
                item.header,
                format!(
                    "this {} has no `Acceptance criteria` section",
                    kind.as_str()
                ),
            )
            .width(3)
            .help("add a `## Acceptance criteria` heading with a list of criteria (`- [ ] ...`)"),
        ),
        Some(ac) if ac.criteria.is_empty() => out.push(
            at(
                Rule::AcceptanceCriteriaMissing,
                item,
                ac.section.pos,
                "the `Acceptance criteria` section lists no criteria".into(),
            )
            .help(
                "write each criterion as a list item, e.g. `- [ ] Given ..., when ..., then ...`",
            ),
        ),
        Some(_) => {}
    }
}

fn wsjf(item: &Item, kind: ItemType, from: &str, out: &mut Vec<Diagnostic>) {
    match &item.wsjf {
        None => out.push(
            at(
                Rule::WsjfMissing,
                item,
                item.status.as_ref().map_or(item.header, |s| s.pos),
                format!(
                    "this {} has no WSJF score (needed from {from} on)",
                    kind.as_str()
                ),
            )
            .width(status_width(item))
            .help("add `wsjf: {business_value: .., time_criticality: .., risk_reduction: .., job_size: ..}`"),
        ),
        Some(w) if w.complete().is_none() => {
            let missing: Vec<&str> = w
                .inputs()
                .into_iter()
                .filter(|(_, v)| v.is_none())
                .map(|(key, _)| key)
                .collect();
            out.push(
                at(
                    Rule::WsjfMissing,
                    item,
                    w.pos,
                    format!(
                        "this {}'s WSJF lacks {} (a complete score is needed from {from} on)",
                        kind.as_str(),
                        missing.join(", ")
                    ),
                )
                .help("score all four inputs: business_value, time_criticality, risk_reduction, job_size"),
            );
        }
        Some(_) => {}
    }
}

/// The caret's width under a status value.
fn status_width(item: &Item) -> usize {
    item.status
        .as_ref()
        .map_or(3, |s| s.value.chars().count().max(1))
}
