//! The registry of every rule popm checks: its stable name, its default severity and what it
//! catches. The checks themselves live in `crate::rules`, one module per family.

use super::Severity;

macro_rules! rules {
    ($($variant:ident = $name:literal, $severity:ident, $summary:literal;)*) => {
        /// A check's stable name. Names are kebab-case and never change once released: users put them
        /// in popm.toml and CI annotations refer to them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum Rule { $($variant),* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name),* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity),* }
            }

            /// One line saying what the rule catches (shown by `popm rules`).
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary),* }
            }
        }
    };
}

rules! {
    FileUnreadable = "file-unreadable", Error, "a backlog file cannot be read, is not UTF-8 or is too large";
    SymlinkSkipped = "symlink-skipped", Warning, "a backlog file is a symbolic link and was not read";
    FrontmatterMissing = "frontmatter-missing", Error, "the file does not start with a `---` frontmatter block";
    FrontmatterSyntax = "frontmatter-syntax", Error, "the frontmatter is not valid YAML: bad syntax, unclosed block, duplicate key";
    FieldMissing = "field-missing", Error, "a required key (id, type, title) is absent or empty";
    FieldType = "field-type", Error, "a key holds the wrong kind of value";
    FieldUnknown = "field-unknown", Warning, "a key popm does not know, probably a typo";
    TypeUnknown = "type-unknown", Error, "`type` is not epic, capability, feature, story, pi or okr";
    IdDuplicate = "id-duplicate", Error, "two items share an id";
    IdInvalid = "id-invalid", Error, "an id is not ASCII letters and digits joined by single `-`, `_` or `.`";
    StatusUnknown = "status-unknown", Error, "the status is not a state of the type's workflow";
    ParentUnknown = "parent-unknown", Error, "`parent` names no item";
    ParentType = "parent-type", Error, "the parent is of a type that cannot hold this item";
    ParentCycle = "parent-cycle", Error, "following parents leads back to the item";
    ParentMissing = "parent-missing", Warning, "a feature (from ready by default) or a story has no parent";
    ParentEnabler = "parent-enabler", Warning, "a business item sits under an enabler parent";
    EnablerKind = "enabler-kind", Error, "`enabler` is not exploration, architectural, infrastructure or compliance";
    AcceptanceCriteriaMissing = "acceptance-criteria-missing", Error, "a feature, capability or story in a state that requires them (ready by default) has no acceptance criteria";
    AcceptanceCriteriaUnchecked = "acceptance-criteria-unchecked", Error, "an item in a done state has an unchecked criterion";
    BenefitHypothesisMissing = "benefit-hypothesis-missing", Error, "a feature or capability in a state that requires it (analyzing by default) has no benefit hypothesis";
    HypothesisMissing = "hypothesis-missing", Error, "an epic in a state that requires it (analyzing by default) has no hypothesis";
    PlaceholderText = "placeholder-text", Error, "an item at ready or later still holds a template placeholder such as \"[role]\"";
    UserVoice = "user-voice", Warning, "a story does not start with \"As a ..., I want ... so that ...\"";
    WsjfScale = "wsjf-scale", Error, "a WSJF input is off the configured scale";
    WsjfIncomplete = "wsjf-incomplete", Warning, "some but not all four WSJF inputs are given, before the state that requires WSJF";
    WsjfMissing = "wsjf-missing", Error, "an item in a state that requires WSJF (ready by default) has no complete WSJF score";
    PointsScale = "points-scale", Warning, "story points are off the points scale";
    DependencyUnknown = "dependency-unknown", Error, "`depends_on` names no item";
    DependencyCycle = "dependency-cycle", Error, "dependencies form a cycle";
    PiUnknown = "pi-unknown", Error, "`pi` names no PI item";
    PiInvalid = "pi-invalid", Error, "a PI item's dates, iterations, capacity or objectives are malformed";
    IterationOutOfRange = "iteration-out-of-range", Error, "`iteration` is not a development iteration of the item's PI";
    PiOverlap = "pi-overlap", Error, "two PIs' date ranges overlap";
    PiGap = "pi-gap", Warning, "days between the end of a PI and the start of the next";
    TeamUnknown = "team-unknown", Warning, "a team that is not listed under `teams` in popm.toml";
    ParentDoneChildrenOpen = "parent-done-children-open", Warning, "an item is done while some of its children are not";
    StatusTransition = "status-transition", Warning, "with --staged or --since: a status moves backwards or skips states";
    StatusEntry = "status-entry", Error, "with --staged or --since: an item enters a state without meeting its entry rules";
    WipExceeded = "wip-exceeded", Warning, "more items in a workflow state than its WIP limit";
    FeatureNotReady = "feature-not-ready", Error, "pi ready: a planned feature is not yet in the ready state";
    TeamMissing = "team-missing", Error, "an item in a state that requires a team (a feature from ready by default) names none; pi ready: planned work counts for no team";
    DependencyLaterPi = "dependency-later-pi", Error, "pi ready: a planned feature depends on work planned for a later PI";
    DependencyUnplanned = "dependency-unplanned", Error, "pi ready: a planned feature depends on a feature neither done nor planned in this PI or an earlier one";
    PiEmpty = "pi-empty", Error, "pi ready: no feature is planned for the PI";
    CapacityMissing = "capacity-missing", Error, "pi ready: a team with work in the PI has no capacity for it";
    CapacityExceeded = "capacity-exceeded", Error, "pi ready: a team's load exceeds its capacity";
    LoadHigh = "load-high", Warning, "pi ready: a team's load is above the planning load (default 80 % of capacity)";
    Allocation = "allocation", Error, "pi ready: the enabler share of the load is below the PI's capacity allocation";
    ObjectivesMissing = "objectives-missing", Error, "pi ready: a team with work has no PI objective";
    PreviousObjectivesUnscored = "previous-objectives-unscored", Error, "pi ready: a committed objective of the previous PI has no actual value";
    GuardrailExceeded = "guardrail-exceeded", Error, "portfolio check: the budgets of the epics a value stream is implementing exceed its budget";
    ValueStreamMissing = "value-stream-missing", Warning, "portfolio check: an epic names no value stream of [portfolio.value_streams]";
    OkrUnknown = "okr-unknown", Error, "`okrs` names no OKR item";
    ReferenceInvalid = "reference-invalid", Error, "a reference with a `:` is not `backlog:ID` (a backlog's name, then an id)";
}

impl Rule {
    /// Rules that only `popm pi ready` applies (documented in docs/readiness.md).
    pub fn is_readiness(self) -> bool {
        matches!(
            self,
            Rule::FeatureNotReady
                | Rule::DependencyLaterPi
                | Rule::DependencyUnplanned
                | Rule::PiEmpty
                | Rule::CapacityMissing
                | Rule::CapacityExceeded
                | Rule::LoadHigh
                | Rule::Allocation
                | Rule::ObjectivesMissing
                | Rule::PreviousObjectivesUnscored
        )
    }

    /// Rules that only `popm portfolio check` applies, across backlogs (tests/portfolio.rs).
    pub fn is_portfolio(self) -> bool {
        matches!(self, Rule::GuardrailExceeded | Rule::ValueStreamMissing)
    }

    /// Rules that compare two versions of the backlog (`--staged`, `--since`).
    pub fn compares_versions(self) -> bool {
        matches!(self, Rule::StatusTransition | Rule::StatusEntry)
    }

    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.name() == name)
    }
}
