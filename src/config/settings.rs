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
        }
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
