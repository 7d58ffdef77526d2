//! What each type must say in its body: acceptance criteria, hypotheses, a story's user voice.

use super::at;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::{Backlog, Item, ItemType, Section};

pub fn check(backlog: &Backlog, config: &Config, out: &mut Vec<Diagnostic>) {
    for item in &backlog.items {
        let Some(kind) = item.kind() else { continue };
        match kind {
            ItemType::Epic => section(
                item,
                item.hypothesis.as_ref(),
                Rule::HypothesisMissing,
                "Hypothesis",
                out,
            ),
            ItemType::Feature | ItemType::Capability => {
                section(
                    item,
                    item.benefit_hypothesis.as_ref(),
                    Rule::BenefitHypothesisMissing,
                    "Benefit hypothesis",
                    out,
                );
            }
            ItemType::Story | ItemType::Pi => {}
        }
        if matches!(
            kind,
            ItemType::Feature | ItemType::Capability | ItemType::Story
        ) {
            acceptance_criteria(backlog, config, item, kind, out);
        }
        if kind == ItemType::Story && !item.is_enabler() {
            user_voice(item, out);
        }
    }
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

fn acceptance_criteria(
    backlog: &Backlog,
    config: &Config,
    item: &Item,
    kind: ItemType,
    out: &mut Vec<Diagnostic>,
) {
    let Some(ac) = &item.acceptance_criteria else {
        out.push(
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
        );
        return;
    };
    if ac.criteria.is_empty() {
        out.push(
            at(
                Rule::AcceptanceCriteriaMissing,
                item,
                ac.section.pos,
                "the `Acceptance criteria` section lists no criteria".into(),
            )
            .help(
                "write each criterion as a list item, e.g. `- [ ] Given ..., when ..., then ...`",
            ),
        );
        return;
    }
    if backlog.is_done(item, config) {
        let unchecked: Vec<_> = ac
            .criteria
            .iter()
            .filter(|c| c.checked == Some(false))
            .collect();
        if let Some(first) = unchecked.first() {
            let pos = crate::parse::yaml::Pos {
                line: first.line,
                column: 1,
            };
            out.push(
                at(
                    Rule::AcceptanceCriteriaUnchecked,
                    item,
                    pos,
                    format!(
                        "this {} is {} but {} of its {} acceptance criteria {} unchecked",
                        kind.as_str(),
                        backlog.status(item, config),
                        unchecked.len(),
                        ac.criteria.len(),
                        if unchecked.len() == 1 { "is" } else { "are" }
                    ),
                )
                .width(5)
                .help("check the criteria that are met (`- [x]`), or move the item back"),
            );
        }
    }
}

/// "As a <role>, I want <activity> so that <value>", loosely: the words matter, not the punctuation.
/// The role may take any article: "As a shopper", "As an admin", "As the account owner".
fn is_user_voice(text: &str) -> bool {
    let t = text.to_lowercase();
    let t = t.trim_start_matches(['*', '_', ' ']);
    let role = ["as a ", "as an ", "as the "]
        .iter()
        .any(|start| t.starts_with(start));
    let want = ["i want", "i need", "i can", "i would like", "i'd like"]
        .iter()
        .any(|w| t.contains(w));
    role && want && t.contains("so that")
}

fn user_voice(item: &Item, out: &mut Vec<Diagnostic>) {
    let (pos, ok) = match &item.first_paragraph {
        Some(p) => (p.pos, is_user_voice(&p.value)),
        None => (item.body, false),
    };
    if !ok {
        out.push(
            at(
                Rule::UserVoice,
                item,
                pos,
                "the story does not open with its user voice".into(),
            )
            .help("start the body with \"As a <role>, I want <activity> so that <value>\", or mark it `enabler: <kind>`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_user_voice;

    #[test]
    fn user_voice_forms() {
        assert!(is_user_voice(
            "As a shopper, I want a cart so that I can buy."
        ));
        assert!(is_user_voice(
            "As an admin I need logs, so that I can audit"
        ));
        assert!(is_user_voice(
            "As the account owner, I want a reset link so that I get back in."
        ));
        assert!(!is_user_voice("Add a cart."));
        assert!(!is_user_voice("As they say, I want it so that it works."));
        assert!(!is_user_voice("As a shopper, I want a cart."));
    }
}
