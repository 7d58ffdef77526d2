//! The brief for coding agents that popm writes into AGENTS.md (`popm agents`): how to read and
//! change the backlog with popm, the format in a dozen lines, and the settings in force (workflows,
//! teams, readiness rules), from popm.toml.

use crate::config::Config;
use crate::diagnostic::Rule;
use crate::model::ItemType;

/// The brief, without the markers around it; lines end with `\n`.
pub fn brief(config: &Config) -> String {
    let roots: Vec<String> = config
        .roots
        .iter()
        .map(|r| format!("`{}/`", one_line(r)))
        .collect();
    let mut out = String::with_capacity(3000);
    out.push_str("## The backlog (popm)\n\n");
    out.push_str(&format!(
        "The SAFe backlog is markdown files under {}, checked by popm. Read it with popm rather than \
         file by file:\n\n",
        roots.join(", ")
    ));
    for line in [
        "- `popm context [ID]`: a compact brief of an item (parents, siblings, open dependencies, failing rules) or of the current PI",
        "- `popm list --format json` (`--type`, `--status`, `--team`, `--pi`, `--parent`), `popm show ID --format json`",
        "- `popm backlog` (WSJF order), `popm board`, `popm pi ready [PI]`, `popm tree`",
        "- change items with `popm new TYPE TITLE --parent ID`, `popm set ID key=value`, `popm move ID STATUS`: they refuse a change that adds an error",
        "- `popm mcp` serves the same as Model Context Protocol tools",
    ] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("\nThe format (in full: `popm mcp`'s resource `popm://docs/format`):\n\n");
    for line in [
        "- One item per `.md` file: YAML frontmatter between `---` lines, then a markdown body.",
        "- Required keys: `id` (`E-1`, `F-12`, `PI-2027.1`), `type` (epic, capability, feature, story, pi), `title`.",
        "- `status`: a state of the type's workflow (below); `parent`: a story's feature, a feature's capability or epic, a capability's epic.",
        "- `team` (one per story), `pi`, `iteration`, `points` (stories), `estimate` (features), `depends_on: [ID, ...]`, `labels`, `enabler: KIND`.",
        "- WSJF on epics, capabilities, features: `wsjf: {business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5}`.",
        "- Body: epics need `## Hypothesis`, features and capabilities `## Benefit hypothesis`; features, capabilities and stories `## Acceptance criteria` as `- [ ]` lines.",
        "- A story's first paragraph is its user voice: \"As a <role>, I want <activity> so that <value>\".",
        "- Give new items their id with `popm new` (the next free one); never reuse or edit an id by hand (`popm renumber`).",
    ] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("\n**Run `popm check` after every edit** and fix every error it reports before you commit.\n");
    out.push_str("\nIn force here (popm.toml):\n\n");
    for t in [
        ItemType::Epic,
        ItemType::Capability,
        ItemType::Feature,
        ItemType::Story,
    ] {
        if let Some(w) = config.workflow(t) {
            out.push_str(&format!(
                "- {} states: {}\n",
                t.as_str(),
                w.states.join(", ")
            ));
        }
    }
    if !config.teams.is_empty() {
        out.push_str(&format!(
            "- teams: {}\n",
            one_line(&config.teams.join(", "))
        ));
    }
    let readiness: Vec<String> = Rule::ALL
        .iter()
        .filter(|r| r.is_readiness())
        .filter_map(|r| {
            config
                .severity(*r)
                .map(|s| format!("`{}` ({})", r.name(), s.as_str()))
        })
        .collect();
    if readiness.is_empty() {
        out.push_str("- readiness rules of `popm pi ready`: all turned off\n");
    } else {
        out.push_str(&format!(
            "- readiness rules of `popm pi ready`: {}\n",
            readiness.join(", ")
        ));
    }
    out
}

/// A value of popm.toml on one line: a line break in a team or state name must not start a line
/// of its own in AGENTS.md (where it could pass for the end marker).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_popm_toml_stay_on_their_line() {
        let config = Config::parse(
            "teams = [\"a\\n<!-- popm:end -->\", \"b\"]\n[rules]\nload-high = \"off\"\n",
            "popm.toml",
            None,
            std::path::PathBuf::from("."),
        )
        .unwrap();
        let brief = brief(&config);
        assert!(
            brief.contains("\n- teams: a <!-- popm:end -->, b\n"),
            "{brief}"
        );
        assert!(!brief.lines().any(|l| l.trim() == "<!-- popm:end -->"));
        assert!(brief.ends_with("- readiness rules of `popm pi ready`: `feature-not-ready` (error), `dependency-later-pi` (error), `dependency-unplanned` (error), `pi-empty` (error), `capacity-missing` (error), `capacity-exceeded` (error), `allocation` (error), `objectives-missing` (error), `previous-objectives-unscored` (error)\n"));
    }
}
