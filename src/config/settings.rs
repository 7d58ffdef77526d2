//! The settings as popm uses them, resolved from popm.toml: workflows with their states, WIP
//! limits and aliases, the flow metrics' states, where new items go.

use std::collections::BTreeMap;

use crate::diagnostic::Severity;
use crate::model::ItemType;

/// How long one flow velocity period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
    }
}

/// Settings of `popm flow`, resolved against the workflows (state indexes per type).
#[derive(Debug, Clone)]
pub struct FlowSettings {
    pub period: Period,
    pub(super) start: BTreeMap<ItemType, usize>,
    pub(super) active: BTreeMap<ItemType, Vec<usize>>,
}

impl FlowSettings {
    /// The state where an item of this type starts to flow (index into its workflow).
    pub fn start(&self, t: ItemType) -> usize {
        self.start.get(&t).copied().unwrap_or(0)
    }

    /// Whether time in this state counts as active work (flow efficiency).
    pub fn is_active(&self, t: ItemType, state: usize) -> bool {
        self.active.get(&t).is_some_and(|a| a.contains(&state))
    }

    pub fn active(&self, t: ItemType) -> &[usize] {
        self.active.get(&t).map_or(&[], Vec::as_slice)
    }
}

/// Settings of `popm new`.
#[derive(Debug, Clone, Default)]
pub struct NewItems {
    /// Folder for new items, relative to the project root (default: the first backlog root).
    pub folder: Option<String>,
    /// Per type folders, overriding `folder`.
    pub folders: BTreeMap<ItemType, String>,
    /// A folder of `<type>.md` templates overriding the built-in ones.
    pub templates: Option<String>,
    /// Id prefix per type (default E, C, F, S).
    pub prefixes: BTreeMap<ItemType, String>,
}

impl NewItems {
    /// The folder new items of type `t` go into: `[new] folders`, else `[new] folder`, else the
    /// first backlog root (`roots`), else `backlog`.
    pub fn folder_for(&self, t: ItemType, roots: &[String]) -> String {
        self.folders
            .get(&t)
            .or(self.folder.as_ref())
            .or(roots.first())
            .cloned()
            .unwrap_or_else(|| "backlog".into())
    }

    pub fn prefix(&self, t: ItemType) -> Option<&str> {
        if let Some(p) = self.prefixes.get(&t) {
            return Some(p);
        }
        match t {
            ItemType::Epic => Some("E"),
            ItemType::Capability => Some("C"),
            ItemType::Feature => Some("F"),
            ItemType::Story => Some("S"),
            ItemType::Pi => None,
            ItemType::Okr => Some("O"),
        }
    }
}

/// The ordered states of one item type, and which of them count as done.
#[derive(Debug, Clone)]
pub struct Workflow {
    pub states: Vec<String>,
    /// Index of the first done state: it and every later state count as done.
    pub done_from: usize,
    /// Index of the state that means "ready" (entry rules, PI readiness); by default the state
    /// named `ready`.
    pub ready_from: Option<usize>,
    pub aliases: BTreeMap<String, String>,
    pub wip: BTreeMap<String, WipLimit>,
    /// `None`: the rule's severity applies; `Some(None)`: off for this type.
    pub transitions: Option<Option<Severity>>,
    /// The Definition of Ready: per content, the state (index) from which the item must have it.
    /// Content absent from the map is never required.
    pub requires: BTreeMap<Content, usize>,
}

/// What an item's Definition of Ready can ask for (`[workflow.<type>] requires`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Content {
    Hypothesis,
    BenefitHypothesis,
    AcceptanceCriteria,
    Wsjf,
    Parent,
    Team,
    Points,
}

impl Content {
    pub const ALL: [Content; 7] = [
        Content::Hypothesis,
        Content::BenefitHypothesis,
        Content::AcceptanceCriteria,
        Content::Wsjf,
        Content::Parent,
        Content::Team,
        Content::Points,
    ];

    /// The name in popm.toml.
    pub fn name(self) -> &'static str {
        match self {
            Content::Hypothesis => "hypothesis",
            Content::BenefitHypothesis => "benefit-hypothesis",
            Content::AcceptanceCriteria => "acceptance-criteria",
            Content::Wsjf => "wsjf",
            Content::Parent => "parent",
            Content::Team => "team",
            Content::Points => "points",
        }
    }

    pub fn parse(name: &str) -> Option<Content> {
        let name = normalize_status(name);
        Content::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether an item of this type can hold the content at all.
    pub fn applies_to(self, t: ItemType) -> bool {
        use ItemType::*;
        match self {
            Content::Hypothesis => t == Epic,
            Content::BenefitHypothesis => matches!(t, Feature | Capability),
            Content::AcceptanceCriteria => matches!(t, Feature | Capability | Story),
            Content::Wsjf => matches!(t, Epic | Capability | Feature),
            Content::Parent => matches!(t, Feature | Capability | Story),
            Content::Team => matches!(t, Feature | Capability | Story),
            Content::Points => t == Story,
        }
    }

    /// SAFe's Definition of Ready, by state name: what each type needs from which state on. A
    /// state the workflow lacks falls back to its ready state.
    pub(super) fn defaults(t: ItemType) -> &'static [(Content, &'static str)] {
        use Content::*;
        match t {
            ItemType::Epic => &[(Hypothesis, "analyzing"), (Wsjf, "ready")],
            ItemType::Capability => &[
                (BenefitHypothesis, "analyzing"),
                (AcceptanceCriteria, "ready"),
                (Wsjf, "ready"),
            ],
            ItemType::Feature => &[
                (BenefitHypothesis, "analyzing"),
                (AcceptanceCriteria, "ready"),
                (Wsjf, "ready"),
                (Parent, "ready"),
                (Team, "ready"),
            ],
            // A story's parent is asked for from its first state, as before states mattered: a
            // story is written for a feature.
            ItemType::Story => &[
                (Parent, "backlog"),
                (AcceptanceCriteria, "ready"),
                (Points, "ready"),
            ],
            ItemType::Pi | ItemType::Okr => &[],
        }
    }
}

/// A WIP limit and the line of popm.toml that sets it (for the `wip-exceeded` diagnostic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WipLimit {
    pub limit: u32,
    pub line: u32,
    pub column: u32,
}

impl Workflow {
    pub(super) fn new(states: &[&str], done: &str, aliases: &[(&str, &str)]) -> Self {
        let states: Vec<String> = states.iter().map(|s| s.to_string()).collect();
        let done_from = states
            .iter()
            .position(|s| s == done)
            .unwrap_or(states.len() - 1);
        Workflow {
            ready_from: states.iter().position(|s| s == "ready"),
            states,
            done_from,
            aliases: aliases
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            wip: BTreeMap::new(),
            transitions: None,
            requires: BTreeMap::new(),
        }
    }

    /// Sets the built-in Definition of Ready of type `t` against the current states.
    pub(super) fn default_requirements(&mut self, t: ItemType) {
        self.requires.clear();
        for (content, state) in Content::defaults(t) {
            let index = match self.resolve(state) {
                Some(i) => Some(i),
                None if *state == "backlog" => Some(0),
                None => self.ready_from,
            };
            if let Some(index) = index {
                self.requires.insert(*content, index);
            }
        }
    }

    /// Whether an item in `state` must have `content`.
    pub fn requires(&self, content: Content, state: usize) -> bool {
        self.requires
            .get(&content)
            .is_some_and(|from| state >= *from)
    }

    /// The index of a status as written in a file: case, spaces and underscores do not matter, and
    /// aliases (SAFe 5 names) resolve to their SAFe 6 state.
    pub fn resolve(&self, status: &str) -> Option<usize> {
        let status = normalize_status(status);
        let status = self.aliases.get(&status).unwrap_or(&status);
        self.states.iter().position(|s| s == status)
    }

    pub fn is_done(&self, index: usize) -> bool {
        index >= self.done_from
    }
}

/// `In Progress`, `in_progress` and `in-progress` are the same state.
pub fn normalize_status(status: &str) -> String {
    status
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '_' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}
