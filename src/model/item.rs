use serde::{Deserialize, Serialize};

use super::Wsjf;
use crate::config::Config;
use crate::parse::yaml::Pos;

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Spanned<T> {
    pub fn new(value: T, pos: Pos) -> Self {
        Spanned { value, pos }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemType {
    Epic,
    Capability,
    Feature,
    Story,
    Pi,
    /// An objective of a strategic theme, with measurable key results (Lean Portfolio Management).
    Okr,
}

impl ItemType {
    pub const ALL: &'static [ItemType] = &[
        ItemType::Epic,
        ItemType::Capability,
        ItemType::Feature,
        ItemType::Story,
        ItemType::Pi,
        ItemType::Okr,
    ];

    pub fn parse(s: &str) -> Option<ItemType> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "epic" => ItemType::Epic,
            "capability" => ItemType::Capability,
            "feature" => ItemType::Feature,
            "story" => ItemType::Story,
            "pi" => ItemType::Pi,
            "okr" => ItemType::Okr,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ItemType::Epic => "epic",
            ItemType::Capability => "capability",
            ItemType::Feature => "feature",
            ItemType::Story => "story",
            ItemType::Pi => "pi",
            ItemType::Okr => "okr",
        }
    }

    /// "an epic", "a feature": the name with its article, for messages.
    pub fn with_article(self) -> &'static str {
        match self {
            ItemType::Epic => "an epic",
            ItemType::Capability => "a capability",
            ItemType::Feature => "a feature",
            ItemType::Story => "a story",
            ItemType::Pi => "a PI",
            ItemType::Okr => "an OKR",
        }
    }

    /// The types a parent of this type may have (SAFe's hierarchy).
    pub fn parent_types(self) -> &'static [ItemType] {
        match self {
            ItemType::Story => &[ItemType::Feature],
            ItemType::Feature => &[ItemType::Capability, ItemType::Epic],
            ItemType::Capability => &[ItemType::Epic],
            ItemType::Epic | ItemType::Pi | ItemType::Okr => &[],
        }
    }

    /// Whether items of this type may carry several teams (features and capabilities span teams).
    pub fn allows_many_teams(self) -> bool {
        matches!(self, ItemType::Feature | ItemType::Capability)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnablerKind {
    Exploration,
    Architectural,
    Infrastructure,
    Compliance,
}

impl EnablerKind {
    pub const NAMES: &'static [&'static str] = &[
        "exploration",
        "architectural",
        "infrastructure",
        "compliance",
    ];

    pub fn parse(s: &str) -> Option<EnablerKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "exploration" => EnablerKind::Exploration,
            "architectural" => EnablerKind::Architectural,
            "infrastructure" => EnablerKind::Infrastructure,
            "compliance" => EnablerKind::Compliance,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EnablerKind::Exploration => "exploration",
            EnablerKind::Architectural => "architectural",
            EnablerKind::Infrastructure => "infrastructure",
            EnablerKind::Compliance => "compliance",
        }
    }
}

/// One acceptance criterion: a list item, optionally a `[ ]` / `[x]` checkbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub line: u32,
    /// `None` for a plain bullet (no checkbox).
    pub checked: Option<bool>,
    pub text: String,
}

/// A body section found by its heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Where the heading is.
    pub pos: Pos,
    /// Whether anything but whitespace follows the heading before the next heading.
    pub has_content: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptanceCriteria {
    pub section: Section,
    pub criteria: Vec<Criterion>,
}

impl AcceptanceCriteria {
    /// (checked, total); plain bullets count as unchecked since nothing says they are met.
    pub fn progress(&self) -> (usize, usize) {
        let checked = self
            .criteria
            .iter()
            .filter(|c| c.checked == Some(true))
            .count();
        (checked, self.criteria.len())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    pub pos: Pos,
    pub team: Option<String>,
    pub text: Option<String>,
    pub business_value: Option<Spanned<i64>>,
    pub committed: bool,
    pub actual_value: Option<Spanned<i64>>,
}

/// A fixed date inside a PI (a trade fair, a release, a regulatory deadline), shown on the ART
/// planning board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub pos: Pos,
    pub name: String,
    pub date: jiff::civil::Date,
}

/// One key result of an OKR: where the measure started, where it should get, where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyResult {
    pub pos: Pos,
    pub text: Option<String>,
    pub start: Option<f64>,
    pub target: Option<f64>,
    pub current: Option<f64>,
}

impl KeyResult {
    /// (current - start) / (target - start): 0 at the start, 1 at the target (beyond 1 past it,
    /// below 0 when the measure went the wrong way). `None` without the three values, or when the
    /// target is the start.
    pub fn progress(&self) -> Option<f64> {
        let (start, target, current) = (self.start?, self.target?, self.current?);
        let span = target - start;
        (span != 0.0).then(|| (current - start) / span)
    }
}

/// A Planning Interval's own fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PiFields {
    /// ISO date `YYYY-MM-DD` (validated while parsing).
    pub start: Option<Spanned<String>>,
    /// `start` is written but is not a date (already reported as such, so not again as missing).
    pub start_invalid: bool,
    pub iterations: Option<Spanned<i64>>,
    pub iteration_weeks: Option<Spanned<i64>>,
    /// Team -> points per development iteration, in file order.
    pub capacity: Vec<(Spanned<String>, Vec<Spanned<f64>>)>,
    /// Work type -> percent of capacity.
    pub allocation: Vec<(Spanned<String>, Spanned<f64>)>,
    pub objectives: Vec<Objective>,
    /// In file order; entries without a name or a valid date are reported and left out.
    pub milestones: Vec<Milestone>,
    /// Where the `capacity`, `allocation` and `objectives` keys are, when present.
    pub capacity_pos: Option<Pos>,
    pub allocation_pos: Option<Pos>,
    pub objectives_pos: Option<Pos>,
}

impl PiFields {
    pub const DEFAULT_ITERATIONS: i64 = 5;
    pub const DEFAULT_ITERATION_WEEKS: i64 = 2;

    pub fn iteration_count(&self) -> i64 {
        self.iterations
            .as_ref()
            .map_or(Self::DEFAULT_ITERATIONS, |i| i.value)
    }

    /// First and last day of the PI (the last is the end of its IP iteration); `None` without a
    /// start date or when the end falls outside the calendar.
    pub fn dates(&self) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
        let start: jiff::civil::Date = self.start.as_ref()?.value.parse().ok()?;
        let weeks = self
            .iteration_weeks
            .as_ref()
            .map_or(Self::DEFAULT_ITERATION_WEEKS, |w| w.value);
        let days = self.iteration_count().checked_mul(weeks)?.checked_mul(7)?;
        let end = start
            .checked_add(jiff::Span::new().try_days(days - 1).ok()?)
            .ok()?;
        Some((start, end))
    }
}

/// One backlog item as read from one file. Fields that failed validation are `None` / empty (the
/// diagnostic says why), so every later check can work with what is there.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Relative to the repository root, with `/`.
    pub path: String,
    pub id: Option<Spanned<String>>,
    pub item_type: Option<Spanned<ItemType>>,
    pub title: Option<Spanned<String>>,
    /// As written; [`Item::state`] is the resolved workflow state.
    pub status: Option<Spanned<String>>,
    /// Index into the type's workflow, set when the backlog is indexed (`None`: unknown status).
    pub state: Option<usize>,
    pub parent: Option<Spanned<String>>,
    pub owner: Option<Spanned<String>>,
    pub team: Vec<Spanned<String>>,
    pub art: Option<Spanned<String>>,
    pub pi: Option<Spanned<String>>,
    pub iteration: Option<Spanned<i64>>,
    pub points: Option<Spanned<f64>>,
    pub estimate: Option<Spanned<f64>>,
    pub rank: Option<Spanned<i64>>,
    pub enabler: Option<Spanned<EnablerKind>>,
    pub depends_on: Vec<Spanned<String>>,
    pub labels: Vec<Spanned<String>>,
    pub wsjf: Option<Wsjf>,
    /// The Jira issue key the item was imported from (`jira: FRT-12`).
    pub jira: Option<Spanned<String>>,
    /// Epics: the value stream that owns the epic (`[portfolio.value_streams]`).
    pub value_stream: Option<Spanned<String>>,
    /// Epics: the forecast cost per PI, in the portfolio's currency unit.
    pub budget: Option<Spanned<f64>>,
    /// Epics: the OKRs the epic serves (ids, maybe qualified).
    pub okrs: Vec<Spanned<String>>,
    /// OKRs: the key results.
    pub key_results: Vec<KeyResult>,
    /// Boxed: only PIs have them, and the item stays small for the other 99%.
    pub pi_fields: Option<Box<PiFields>>,
    pub acceptance_criteria: Option<AcceptanceCriteria>,
    pub benefit_hypothesis: Option<Section>,
    pub hypothesis: Option<Section>,
    /// The first paragraph of the body.
    pub first_paragraph: Option<Spanned<String>>,
    /// The first template placeholder left in the body (`[a context]`), where its `[` is.
    pub placeholder: Option<Spanned<String>>,
    /// Where the frontmatter block starts: diagnostics point here when there is nothing better.
    pub header: Pos,
    /// Where the body (after the closing `---`) starts.
    pub body: Pos,
}

impl Item {
    pub fn id(&self) -> Option<&str> {
        self.id.as_ref().map(|s| s.value.as_str())
    }

    pub fn kind(&self) -> Option<ItemType> {
        self.item_type.as_ref().map(|t| t.value)
    }

    pub fn title(&self) -> &str {
        self.title.as_ref().map_or("", |t| t.value.as_str())
    }

    pub fn is_enabler(&self) -> bool {
        self.enabler.is_some()
    }

    pub fn teams(&self) -> impl Iterator<Item = &str> {
        self.team.iter().map(|t| t.value.as_str())
    }

    /// The item's state: an index into its type's workflow under `config`; the first state without
    /// a status, `None` for a status the workflow does not know (or a type without a workflow).
    pub fn resolve_state(&self, config: &Config) -> Option<usize> {
        let workflow = self.kind().and_then(|t| config.workflow(t));
        match (workflow, &self.status) {
            (Some(w), Some(s)) => w.resolve(&s.value),
            (Some(_), None) => Some(0),
            (None, _) => None,
        }
    }

    /// The name of the item's [`Item::state`], or the status as written when it is not a state of
    /// the workflow; empty without a status.
    pub fn status_name<'a>(&'a self, config: &'a Config) -> &'a str {
        let workflow = self.kind().and_then(|t| config.workflow(t));
        match (workflow, self.state) {
            (Some(w), Some(s)) => w.states.get(s).map_or("", String::as_str),
            _ => self.status.as_ref().map_or("", |s| s.value.as_str()),
        }
    }

    /// Whether the item's [`Item::state`] is a done state of its workflow.
    pub fn is_done(&self, config: &Config) -> bool {
        let workflow = self.kind().and_then(|t| config.workflow(t));
        matches!((workflow, self.state), (Some(w), Some(s)) if w.is_done(s))
    }

    /// The team a story's points count for: its own, else its feature's (`parent`) when that has
    /// exactly one.
    pub fn story_team<'a>(&'a self, parent: Option<&'a Item>) -> Option<&'a str> {
        self.teams()
            .next()
            .or_else(|| match parent?.team.as_slice() {
                [only] => Some(only.value.as_str()),
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kr(start: f64, target: f64, current: f64) -> KeyResult {
        KeyResult {
            pos: Pos::default(),
            text: None,
            start: Some(start),
            target: Some(target),
            current: Some(current),
        }
    }

    /// Progress = (current - start) / (target - start), computed by hand for each.
    #[test]
    fn key_result_progress() {
        // (40 - 20) / (70 - 20) = 20 / 50
        assert_eq!(kr(20.0, 70.0, 40.0).progress(), Some(0.4));
        // A measure meant to fall: (750 - 900) / (300 - 900) = -150 / -600
        assert_eq!(kr(900.0, 300.0, 750.0).progress(), Some(0.25));
        // Past the target: (90 - 20) / 50 = 1.4; the wrong way: (10 - 20) / 50 = -0.2
        assert_eq!(kr(20.0, 70.0, 90.0).progress(), Some(1.4));
        assert_eq!(kr(20.0, 70.0, 10.0).progress(), Some(-0.2));
        // No span to measure
        assert_eq!(kr(5.0, 5.0, 5.0).progress(), None);
        let mut missing = kr(1.0, 2.0, 1.5);
        missing.current = None;
        assert_eq!(missing.progress(), None);
    }
}
