//! popm.toml as written: every setting optional, with the place of each value kept (toml spans)
//! for errors that point at it. Unknown keys are rejected, so a typo is never silently ignored.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    /// The backlog's name in qualified ids (`rail:F-12`); default: the folder name.
    pub name: Option<Spanned<String>>,
    #[serde(default)]
    pub portfolio: RawPortfolio,
    pub teams: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub backlog: RawBacklog,
    #[serde(default)]
    pub wsjf: RawScale,
    #[serde(default)]
    pub points: RawScale,
    #[serde(default)]
    pub workflow: BTreeMap<Spanned<String>, RawWorkflow>,
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub pi: RawPi,
    #[serde(default)]
    pub new: RawNew,
    #[serde(default)]
    pub flow: RawFlow,
    #[serde(default)]
    pub board: RawBoard,
}

/// `[board]`: how `popm board` draws.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBoard {
    pub done_cards: Option<usize>,
}

/// `[flow]`: how the flow metrics read the workflow. `start` and `active` take one value for every
/// type or an inline table per type.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFlow {
    pub start: Option<Spanned<PerType<String>>>,
    pub active: Option<Spanned<PerType<Vec<String>>>>,
    pub period: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum PerType<T> {
    All(T),
    ByType(BTreeMap<String, T>),
}

/// `[new]`: where `popm new` writes and how it names items.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNew {
    pub folder: Option<String>,
    #[serde(default)]
    pub folders: BTreeMap<Spanned<String>, String>,
    pub templates: Option<String>,
    #[serde(default)]
    pub prefixes: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPi {
    pub planning_load: Option<Spanned<f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBacklog {
    pub roots: Option<Spanned<Vec<String>>>,
    pub exclude: Option<Spanned<Vec<Spanned<String>>>>,
    pub max_file_bytes: Option<u64>,
    pub max_items: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScale {
    pub scale: Option<Spanned<Vec<i64>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWorkflow {
    pub states: Option<Spanned<Vec<String>>>,
    pub done: Option<Spanned<String>>,
    pub ready: Option<Spanned<String>>,
    pub aliases: Option<Spanned<BTreeMap<Spanned<String>, String>>>,
    pub wip: Option<BTreeMap<Spanned<String>, Spanned<u32>>>,
    /// Severity of `status-transition` for this type: "error", "warning" or "off".
    pub transitions: Option<Spanned<String>>,
    /// The Definition of Ready: content name -> the state from which it is required, or "never".
    pub requires: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

/// `[portfolio]`: the ARTs a portfolio repository reads, and its value streams' lean budgets.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPortfolio {
    #[serde(default)]
    pub arts: Vec<Spanned<RawArt>>,
    #[serde(default)]
    pub value_streams: BTreeMap<Spanned<String>, RawValueStream>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawArt {
    pub name: Spanned<String>,
    pub url: Spanned<String>,
    #[serde(rename = "ref")]
    pub reference: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawValueStream {
    pub budget: Spanned<Number>,
}

/// A number as TOML writes it: `500` or `500.5`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
pub(super) enum Number {
    Whole(i64),
    Decimal(f64),
}
