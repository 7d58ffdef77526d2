//! The one place a finding passes on its way from the checks to a renderer: here it gets the
//! severity popm.toml gives its rule (or is dropped when the rule is `off`), and here the
//! findings are put in the order every output uses.

use super::{Diagnostic, Rule, Severity};
use crate::config::Config;

/// Collects findings, each judged once as it comes in. [`Sink::finish`] hands them over sorted.
pub struct Sink<'c> {
    config: &'c Config,
    diagnostics: Vec<Diagnostic>,
}

impl<'c> Sink<'c> {
    pub fn new(config: &'c Config) -> Self {
        Sink {
            config,
            diagnostics: Vec::new(),
        }
    }

    /// Takes findings in, with their configured severities; findings of rules set to `off` are
    /// dropped here.
    pub fn extend(&mut self, found: impl IntoIterator<Item = Diagnostic>) {
        let config = self.config;
        self.diagnostics
            .extend(found.into_iter().filter_map(|mut d| {
                d.severity = severity(config, &d)?;
                Some(d)
            }));
    }

    /// What was taken in so far, unsorted.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Every finding taken in, in the order every output uses.
    pub fn finish(self) -> Vec<Diagnostic> {
        let mut diagnostics = self.diagnostics;
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diagnostics
    }

    /// Gives findings made outside a check run (a report's own) their configured severities in
    /// place, dropping those of rules set to `off`; the order is kept.
    pub fn apply(diagnostics: &mut Vec<Diagnostic>, config: &Config) {
        diagnostics.retain_mut(|d| Self::judge(d, config));
    }

    /// Gives one finding made outside a check run its configured severity; `false` when its rule
    /// is off (the finding is then to be dropped). For a report that reads each finding at once.
    pub fn judge(d: &mut Diagnostic, config: &Config) -> bool {
        match severity(config, d) {
            Some(s) => {
                d.severity = s;
                true
            }
            None => false,
        }
    }
}

/// The severity popm.toml gives a finding; `None` when its rule is off. `status-transition` can
/// be set per item type (`[workflow.<type>] transitions`).
fn severity(config: &Config, d: &Diagnostic) -> Option<Severity> {
    match (d.rule, d.item_type) {
        (Rule::StatusTransition, Some(t)) => config.transition_severity(t),
        _ => config.severity(d.rule),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Outcome;
    use crate::model::ItemType;
    use crate::parse::yaml::Pos;

    fn finding(rule: Rule, path: &str, line: u32) -> Diagnostic {
        Diagnostic::new(rule, path, Pos { line, column: 1 }, "x")
    }

    fn config(toml: &str) -> Config {
        Config::parse(toml, "popm.toml", None, ".".into()).unwrap()
    }

    #[test]
    fn each_finding_gets_its_configured_severity_once_and_off_drops_it() {
        let config = config(
            "[rules]\nuser-voice = \"error\"\nparent-missing = \"off\"\n\
             [workflow.story]\ntransitions = \"error\"\n",
        );
        let mut sink = Sink::new(&config);
        sink.extend([
            finding(Rule::UserVoice, "b.md", 1),
            finding(Rule::ParentMissing, "a.md", 1),
            finding(Rule::StatusUnknown, "a.md", 9),
        ]);
        sink.extend([
            finding(Rule::StatusTransition, "a.md", 2).of_type(ItemType::Story),
            finding(Rule::StatusTransition, "a.md", 3).of_type(ItemType::Feature),
        ]);
        let judged: Vec<(&str, u32, Rule, Severity)> = sink
            .diagnostics()
            .iter()
            .map(|d| (d.path.as_str(), d.line, d.rule, d.severity))
            .collect();
        // Taken in as they came, `parent-missing` gone; a story's transition is an error (its
        // workflow says so), a feature's keeps the rule's default.
        assert_eq!(
            judged,
            [
                ("b.md", 1, Rule::UserVoice, Severity::Error),
                ("a.md", 9, Rule::StatusUnknown, Severity::Error),
                ("a.md", 2, Rule::StatusTransition, Severity::Error),
                ("a.md", 3, Rule::StatusTransition, Severity::Warning),
            ]
        );
        let lines: Vec<(String, u32)> = sink
            .finish()
            .into_iter()
            .map(|d| (d.path, d.line))
            .collect();
        assert_eq!(
            lines,
            [
                ("a.md".into(), 2),
                ("a.md".into(), 3),
                ("a.md".into(), 9),
                ("b.md".into(), 1)
            ]
        );
    }

    #[test]
    fn apply_keeps_the_order_of_a_reports_findings() {
        let config = config("[rules]\nload-high = \"off\"\ncapacity-missing = \"warning\"\n");
        let mut found = vec![
            finding(Rule::CapacityMissing, "z.md", 5),
            finding(Rule::LoadHigh, "a.md", 1),
            finding(Rule::Allocation, "a.md", 2),
        ];
        Sink::apply(&mut found, &config);
        let judged: Vec<(Rule, Severity)> = found.iter().map(|d| (d.rule, d.severity)).collect();
        assert_eq!(
            judged,
            [
                (Rule::CapacityMissing, Severity::Warning),
                (Rule::Allocation, Severity::Error)
            ]
        );
    }

    #[test]
    fn the_outcome_of_findings() {
        let warning = finding(Rule::UserVoice, "a.md", 1);
        let error = finding(Rule::StatusUnknown, "a.md", 1);
        assert_eq!(Outcome::of(&[], true), Outcome::Clean);
        assert_eq!(
            Outcome::of(std::slice::from_ref(&warning), false),
            Outcome::Clean
        );
        assert_eq!(Outcome::of(&[warning], true), Outcome::Findings);
        assert_eq!(Outcome::of(&[error], false), Outcome::Findings);
    }
}
