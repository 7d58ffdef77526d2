//! popm.toml: where the backlog lives and how it is judged.
//!
//! Every setting has a SAFe default, so a repository without popm.toml works out of the box with the
//! backlog under `backlog/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::diagnostic::Rule;
use crate::diagnostic::Severity;
use crate::model::ItemType;

pub const FILE_NAME: &str = "popm.toml";

/// A configuration problem: exit status 2, one line naming the file and, when known, the line.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {message}")]
pub struct ConfigError {
    pub location: String,
    pub message: String,
}

/// The settings as written in popm.toml. Every field is optional; unknown keys are rejected so that a
/// typo in the configuration is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    teams: Option<toml::Spanned<Vec<String>>>,
    #[serde(default)]
    backlog: RawBacklog,
    #[serde(default)]
    wsjf: RawScale,
    #[serde(default)]
    points: RawScale,
    #[serde(default)]
    workflow: BTreeMap<String, RawWorkflow>,
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    pi: RawPi,
    #[serde(default)]
    new: RawNew,
    #[serde(default)]
    flow: RawFlow,
}

/// `[flow]`: how the flow metrics read the workflow. `start` and `active` take one value for every
/// type or an inline table per type.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    start: Option<toml::Spanned<PerType<String>>>,
    active: Option<toml::Spanned<PerType<Vec<String>>>>,
    period: Option<toml::Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PerType<T> {
    All(T),
    ByType(BTreeMap<String, T>),
}

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
    start: BTreeMap<ItemType, usize>,
    active: BTreeMap<ItemType, Vec<usize>>,
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

/// Built-in start and active states: the first state where a team works on the item.
fn default_flow_states(t: ItemType) -> (&'static str, &'static [&'static str]) {
    match t {
        ItemType::Story => ("in-progress", &["in-progress"]),
        ItemType::Epic => ("implementing", &["implementing"]),
        _ => (
            "implementing",
            &["implementing", "validating", "deploying", "releasing"],
        ),
    }
}

fn flow_settings(
    raw: RawFlow,
    workflows: &BTreeMap<ItemType, Workflow>,
    text: &str,
    shown: &str,
) -> Result<FlowSettings, ConfigError> {
    let at = |span: std::ops::Range<usize>| {
        let (line, column) = line_column(text, span.start);
        format!("{shown}:{line}:{column}")
    };
    let err = |span: std::ops::Range<usize>, message: String| ConfigError {
        location: at(span),
        message,
    };
    let period = match raw.period {
        None => Period::Week,
        Some(p) => match p.get_ref().as_str() {
            "day" => Period::Day,
            "week" => Period::Week,
            "month" => Period::Month,
            other => {
                return Err(err(
                    p.span(),
                    format!("[flow] period = \"{other}\": expected \"day\", \"week\" or \"month\""),
                ));
            }
        },
    };
    let mut start = BTreeMap::new();
    let mut active = BTreeMap::new();
    for (t, w) in workflows {
        let (s, a) = default_flow_states(*t);
        let fallback = w.ready_from.map_or(1, |r| r + 1).min(w.done_from);
        let s = w.resolve(s).unwrap_or(fallback);
        start.insert(*t, s);
        let a: Vec<usize> = a.iter().filter_map(|name| w.resolve(name)).collect();
        active.insert(*t, if a.is_empty() { vec![s] } else { a });
    }
    let states_of = |w: &Workflow| w.states.join(", ");
    if let Some(raw_start) = raw.start {
        let span = raw_start.span();
        match raw_start.into_inner() {
            PerType::All(name) => {
                let mut found = false;
                for (t, w) in workflows {
                    if let Some(i) = w.resolve(&name) {
                        start.insert(*t, i);
                        found = true;
                    }
                }
                if !found {
                    return Err(err(
                        span,
                        format!("[flow] start = \"{name}\" is not a state of any workflow"),
                    ));
                }
            }
            PerType::ByType(map) => {
                for (type_name, name) in map {
                    let (t, w) = flow_type(&type_name, workflows)
                        .ok_or_else(|| err(span.clone(), format!("[flow] start: unknown item type `{type_name}` (expected epic, capability, feature or story)")))?;
                    let i = w.resolve(&name).ok_or_else(|| {
                        err(
                            span.clone(),
                            format!(
                                "[flow] start: `{name}` is not a state of the {type_name} workflow ({})",
                                states_of(w)
                            ),
                        )
                    })?;
                    start.insert(t, i);
                }
            }
        }
    }
    if let Some(raw_active) = raw.active {
        let span = raw_active.span();
        match raw_active.into_inner() {
            PerType::All(names) => {
                for name in &names {
                    if !workflows.values().any(|w| w.resolve(name).is_some()) {
                        return Err(err(
                            span,
                            format!("[flow] active: `{name}` is not a state of any workflow"),
                        ));
                    }
                }
                for (t, w) in workflows {
                    let list: Vec<usize> = names.iter().filter_map(|n| w.resolve(n)).collect();
                    active.insert(*t, list);
                }
            }
            PerType::ByType(map) => {
                for (type_name, names) in map {
                    let (t, w) = flow_type(&type_name, workflows)
                        .ok_or_else(|| err(span.clone(), format!("[flow] active: unknown item type `{type_name}` (expected epic, capability, feature or story)")))?;
                    let mut list = Vec::new();
                    for name in &names {
                        list.push(w.resolve(name).ok_or_else(|| {
                            err(
                                span.clone(),
                                format!(
                                    "[flow] active: `{name}` is not a state of the {type_name} workflow ({})",
                                    states_of(w)
                                ),
                            )
                        })?);
                    }
                    active.insert(t, list);
                }
            }
        }
    }
    Ok(FlowSettings {
        period,
        start,
        active,
    })
}

fn flow_type<'a>(
    name: &str,
    workflows: &'a BTreeMap<ItemType, Workflow>,
) -> Option<(ItemType, &'a Workflow)> {
    let t = ItemType::parse(name)?;
    workflows.get(&t).map(|w| (t, w))
}

/// `[new]`: where `popm new` writes and how it names items.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNew {
    folder: Option<String>,
    #[serde(default)]
    folders: BTreeMap<String, String>,
    templates: Option<String>,
    #[serde(default)]
    prefixes: BTreeMap<String, String>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPi {
    planning_load: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBacklog {
    roots: Option<toml::Spanned<Vec<String>>>,
    exclude: Option<toml::Spanned<Vec<String>>>,
    max_file_bytes: Option<u64>,
    max_items: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    scale: Option<toml::Spanned<Vec<i64>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkflow {
    states: Option<toml::Spanned<Vec<String>>>,
    done: Option<String>,
    ready: Option<String>,
    aliases: Option<toml::Spanned<BTreeMap<String, String>>>,
    wip: Option<BTreeMap<String, toml::Spanned<u32>>>,
    /// Severity of `status-transition` for this type: "error", "warning" or "off".
    transitions: Option<String>,
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
    fn new(states: &[&str], done: &str, aliases: &[(&str, &str)]) -> Self {
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

#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from, if any.
    pub file: Option<PathBuf>,
    /// The file as diagnostics show it (relative to the repository root); set by the workspace.
    pub display_path: Option<String>,
    /// The folder popm.toml sits in (or the working directory without one): roots are relative to it.
    pub project_root: PathBuf,
    pub roots: Vec<String>,
    pub exclude: Vec<String>,
    exclude_set: GlobSet,
    pub max_file_bytes: u64,
    /// More item files than this and popm stops with an error rather than reading on: memory grows
    /// with the number of items, and a runaway folder (a generator gone wrong) should not take the
    /// machine down.
    pub max_items: usize,
    pub teams: Vec<String>,
    /// The same names, for lookups in time independent of how many there are.
    team_names: std::collections::HashSet<String>,
    pub wsjf_scale: Vec<i64>,
    pub points_scale: Vec<i64>,
    workflows: BTreeMap<ItemType, Workflow>,
    severities: BTreeMap<Rule, Option<Severity>>,
    /// The share of capacity a team should plan to, in percent (`load-high` above it).
    pub planning_load: f64,
    pub new: NewItems,
    pub flow: FlowSettings,
}

pub const DEFAULT_WSJF_SCALE: &[i64] = &[1, 2, 3, 5, 8, 13, 20];
pub const DEFAULT_POINTS_SCALE: &[i64] = &[1, 2, 3, 5, 8, 13, 20, 40, 100];
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// About 1.5 GB of memory at the size of a typical item; ten times the largest backlogs we know of.
pub const DEFAULT_MAX_ITEMS: usize = 400_000;
pub const DEFAULT_PLANNING_LOAD: f64 = 80.0;

/// Bounds on popm.toml, which is as untrusted as the items: every command reads it, and some
/// settings are looked up once per item (teams, states) or multiplied by days (`flow` keeps a
/// count per state per day). Each is far above what a real backlog uses.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
pub const MAX_STATES: usize = 64;
pub const MAX_ALIASES: usize = 256;
pub const MAX_TEAMS: usize = 1000;
pub const MAX_SCALE_VALUES: usize = 100;
pub const MAX_ROOTS: usize = 64;
pub const MAX_EXCLUDE: usize = 256;

/// Refuses a list of popm.toml longer than its bound, naming the list and its place.
fn within_limit(
    text: &str,
    shown: &str,
    span: std::ops::Range<usize>,
    setting: &str,
    count: usize,
    max: usize,
    noun: &str,
) -> Result<(), ConfigError> {
    if count <= max {
        return Ok(());
    }
    let (line, column) = line_column(text, span.start);
    Err(ConfigError {
        location: format!("{shown}:{line}:{column}"),
        message: format!("{setting}: {count} {noun}, more than the limit of {max}"),
    })
}

/// Every bounded list of popm.toml, before anything is built from it.
fn check_limits(raw: &RawConfig, text: &str, shown: &str) -> Result<(), ConfigError> {
    let check = |span, setting: &str, count, max, noun: &str| {
        within_limit(text, shown, span, setting, count, max, noun)
    };
    if let Some(t) = &raw.teams {
        check(t.span(), "teams", t.get_ref().len(), MAX_TEAMS, "teams")?;
    }
    if let Some(r) = &raw.backlog.roots {
        check(
            r.span(),
            "[backlog] roots",
            r.get_ref().len(),
            MAX_ROOTS,
            "folders",
        )?;
    }
    if let Some(e) = &raw.backlog.exclude {
        let n = e.get_ref().len();
        check(e.span(), "[backlog] exclude", n, MAX_EXCLUDE, "patterns")?;
    }
    for (name, scale) in [("wsjf", &raw.wsjf.scale), ("points", &raw.points.scale)] {
        if let Some(v) = scale {
            let setting = format!("[{name}] scale");
            check(
                v.span(),
                &setting,
                v.get_ref().len(),
                MAX_SCALE_VALUES,
                "values",
            )?;
        }
    }
    for (type_name, w) in &raw.workflow {
        if let Some(states) = &w.states {
            let setting = format!("[workflow.{type_name}] states");
            check(
                states.span(),
                &setting,
                states.get_ref().len(),
                MAX_STATES,
                "states",
            )?;
        }
        if let Some(aliases) = &w.aliases {
            let setting = format!("[workflow.{type_name}] aliases");
            let n = aliases.get_ref().len();
            check(aliases.span(), &setting, n, MAX_ALIASES, "aliases")?;
        }
    }
    if let Some(active) = &raw.flow.active {
        let longest = match active.get_ref() {
            PerType::All(names) => names.len(),
            PerType::ByType(map) => map.values().map(Vec::len).max().unwrap_or(0),
        };
        check(
            active.span(),
            "[flow] active",
            longest,
            MAX_STATES,
            "states",
        )?;
    }
    Ok(())
}

fn default_workflow(item_type: ItemType) -> Option<Workflow> {
    const ART: &[&str] = &[
        "funnel",
        "analyzing",
        "ready",
        "implementing",
        "validating",
        "deploying",
        "releasing",
        "done",
    ];
    Some(match item_type {
        ItemType::Epic => Workflow::new(
            &[
                "funnel",
                "reviewing",
                "analyzing",
                "ready",
                "implementing",
                "done",
            ],
            "done",
            &[("portfolio-backlog", "ready"), ("backlog", "ready")],
        ),
        ItemType::Capability | ItemType::Feature => {
            Workflow::new(ART, "done", &[("backlog", "ready")])
        }
        ItemType::Story => Workflow::new(
            &[
                "backlog",
                "ready",
                "in-progress",
                "review",
                "done",
                "accepted",
            ],
            "done",
            &[],
        ),
        ItemType::Pi => return None,
    })
}

impl Default for Config {
    fn default() -> Self {
        Config::build(RawConfig::default(), None, PathBuf::from("."), "", "")
            .expect("the built-in defaults are valid")
    }
}

impl Config {
    /// Finds popm.toml by walking up from `start`; without one, the defaults rooted at `start`.
    pub fn discover(start: &Path) -> Result<Config, ConfigError> {
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            // Not `is_file`, which follows links: a link (or a pipe) named popm.toml is found, and
            // refused by `load`, rather than skipped for the defaults.
            match std::fs::symlink_metadata(&candidate) {
                Ok(m) if !m.is_dir() => return Config::load(&candidate),
                _ => {}
            }
        }
        Ok(Config {
            project_root: start.to_path_buf(),
            ..Config::default()
        })
    }

    /// Reads popm.toml: a regular file only, never through a symbolic link (a committed link could
    /// make popm read, and quote in its errors, any file of whoever runs it) and never a pipe.
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        use std::io::Read;
        let shown = file.display().to_string();
        let unreadable = |e: std::io::Error| ConfigError {
            location: shown.clone(),
            message: format!("cannot read the configuration: {e}"),
        };
        // A regular file only (never a link or a pipe), read at most one byte past the limit, so
        // the size is known without trusting metadata (a growing file has none worth trusting).
        let mut bytes = Vec::new();
        let file_handle = crate::files::open_regular(file).map_err(&unreadable)?;
        let on_disk = file_handle.metadata().map(|m| m.len()).unwrap_or(0);
        file_handle
            .take(MAX_CONFIG_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(&unreadable)?;
        too_large(on_disk.max(bytes.len() as u64), &shown)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            unreadable(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            ))
        })?;
        let project_root = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Config::parse(&text, &shown, Some(file.to_path_buf()), project_root)
    }

    pub fn parse(
        text: &str,
        shown: &str,
        file: Option<PathBuf>,
        project_root: PathBuf,
    ) -> Result<Config, ConfigError> {
        too_large(text.len() as u64, shown)?;
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let location = match e.span() {
                Some(span) => {
                    let (line, column) = line_column(text, span.start);
                    format!("{shown}:{line}:{column}")
                }
                None => shown.to_string(),
            };
            ConfigError {
                location,
                message: e.message().trim().to_string(),
            }
        })?;
        Config::build(raw, file, project_root, text, shown)
    }

    fn build(
        mut raw: RawConfig,
        file: Option<PathBuf>,
        project_root: PathBuf,
        text: &str,
        shown: &str,
    ) -> Result<Config, ConfigError> {
        check_limits(&raw, text, shown)?;
        let raw_flow = std::mem::take(&mut raw.flow);
        let mut config =
            Config::build_rest(raw, file, project_root, text).map_err(|message| ConfigError {
                location: shown.to_string(),
                message,
            })?;
        config.flow = flow_settings(raw_flow, &config.workflows, text, shown)?;
        Ok(config)
    }

    fn build_rest(
        raw: RawConfig,
        file: Option<PathBuf>,
        project_root: PathBuf,
        text: &str,
    ) -> Result<Config, String> {
        let roots = raw
            .backlog
            .roots
            .map_or_else(|| vec!["backlog".into()], toml::Spanned::into_inner);
        if roots.is_empty() {
            return Err("[backlog] roots is empty: name at least one folder".into());
        }
        let exclude = raw
            .backlog
            .exclude
            .map_or_else(|| vec!["README.md".into()], toml::Spanned::into_inner);
        let mut globs = GlobSetBuilder::new();
        for pattern in &exclude {
            // A pattern without a `/` names files anywhere, as .gitignore does.
            let full = if pattern.contains('/') {
                pattern.clone()
            } else {
                format!("**/{pattern}")
            };
            let glob = globset::GlobBuilder::new(&full)
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    format!("[backlog] exclude: `{pattern}` is not a valid pattern: {e}")
                })?;
            globs.add(glob);
        }
        let exclude_set = globs
            .build()
            .map_err(|e| format!("[backlog] exclude: {e}"))?;

        let wsjf_scale = scale(
            raw.wsjf.scale.map(toml::Spanned::into_inner),
            DEFAULT_WSJF_SCALE,
            "wsjf",
        )?;
        let points_scale = scale(
            raw.points.scale.map(toml::Spanned::into_inner),
            DEFAULT_POINTS_SCALE,
            "points",
        )?;

        let mut workflows = BTreeMap::new();
        for t in ItemType::ALL {
            if let Some(w) = default_workflow(*t) {
                workflows.insert(*t, w);
            }
        }
        for (type_name, rw) in raw.workflow {
            let item_type = ItemType::parse(&type_name)
                .filter(|t| *t != ItemType::Pi)
                .ok_or_else(|| {
                    format!(
                        "[workflow.{type_name}]: unknown item type (expected epic, capability, feature or story)"
                    )
                })?;
            let base = workflows
                .get_mut(&item_type)
                .ok_or_else(|| format!("[workflow.{type_name}]: this type has no workflow"))?;
            apply_workflow(base, rw, &type_name, text)?;
        }

        let mut severities = BTreeMap::new();
        for (name, level) in raw.rules {
            let rule = Rule::from_name(&name).ok_or_else(|| {
                let names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
                match crate::model::did_you_mean(&name, &names) {
                    Some(s) => format!("[rules]: unknown rule `{name}` (did you mean `{s}`?)"),
                    None => format!("[rules]: unknown rule `{name}` (`popm rules` lists them)"),
                }
            })?;
            let severity = match level.as_str() {
                "error" => Some(Severity::Error),
                "warning" => Some(Severity::Warning),
                "off" => None,
                other => {
                    return Err(format!(
                        "[rules] {name} = \"{other}\": expected \"error\", \"warning\" or \"off\""
                    ));
                }
            };
            severities.insert(rule, severity);
        }

        let planning_load = raw.pi.planning_load.unwrap_or(DEFAULT_PLANNING_LOAD);
        if !(planning_load > 0.0 && planning_load <= 100.0) {
            return Err(format!(
                "[pi] planning_load = {planning_load}: expected a percent from 1 to 100"
            ));
        }

        let mut new = NewItems {
            folder: raw.new.folder,
            templates: raw.new.templates,
            ..NewItems::default()
        };
        for (type_name, folder) in raw.new.folders {
            let t = ItemType::parse(&type_name)
                .ok_or_else(|| format!("[new.folders]: unknown item type `{type_name}`"))?;
            new.folders.insert(t, folder);
        }
        for (type_name, prefix) in raw.new.prefixes {
            let t = ItemType::parse(&type_name)
                .ok_or_else(|| format!("[new.prefixes]: unknown item type `{type_name}`"))?;
            if prefix.is_empty() || !prefix.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(format!(
                    "[new.prefixes] {type_name} = \"{prefix}\": use letters and digits"
                ));
            }
            new.prefixes.insert(t, prefix);
        }

        Ok(Config {
            new,
            flow: FlowSettings {
                period: Period::Week,
                start: BTreeMap::new(),
                active: BTreeMap::new(),
            },
            display_path: None,
            planning_load,
            file,
            project_root,
            roots,
            exclude,
            exclude_set,
            max_file_bytes: raw.backlog.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES),
            max_items: raw.backlog.max_items.unwrap_or(DEFAULT_MAX_ITEMS),
            team_names: raw
                .teams
                .as_ref()
                .map(|t| t.get_ref().iter().cloned().collect())
                .unwrap_or_default(),
            teams: raw.teams.map(toml::Spanned::into_inner).unwrap_or_default(),
            wsjf_scale,
            points_scale,
            workflows,
            severities,
        })
    }

    /// Whether `teams` lists this name.
    pub fn has_team(&self, name: &str) -> bool {
        self.team_names.contains(name)
    }

    pub fn workflow(&self, item_type: ItemType) -> Option<&Workflow> {
        self.workflows.get(&item_type)
    }

    /// The severity a rule reports with; `None` when it is turned off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        match self.severities.get(&rule) {
            Some(configured) => *configured,
            None => Some(rule.default_severity()),
        }
    }

    /// The severity of `status-transition` for items of a type (`None`: off).
    pub fn transition_severity(&self, item_type: ItemType) -> Option<Severity> {
        match self.workflow(item_type).and_then(|w| w.transitions) {
            Some(per_type) => per_type,
            None => self.severity(Rule::StatusTransition),
        }
    }

    /// Whether `path`, with every link resolved, lies inside the project (false when it does not
    /// exist): what popm reads from configured places must be the project's own files.
    pub fn resolves_inside(&self, path: &Path) -> bool {
        match (path.canonicalize(), self.project_root.canonicalize()) {
            (Ok(real), Ok(project)) => real.starts_with(project),
            _ => false,
        }
    }

    /// Whether a file, given by its path relative to the project root, is left out of the backlog.
    pub fn is_excluded(&self, relative: &Path) -> bool {
        self.exclude_set.is_match(relative)
    }
}

fn scale(raw: Option<Vec<i64>>, default: &[i64], section: &str) -> Result<Vec<i64>, String> {
    let Some(mut values) = raw else {
        return Ok(default.to_vec());
    };
    if values.is_empty() || values.iter().any(|v| *v <= 0) {
        return Err(format!(
            "[{section}] scale must list positive whole numbers, e.g. [1, 2, 3, 5, 8, 13, 20]"
        ));
    }
    values.sort_unstable();
    values.dedup();
    Ok(values)
}

fn apply_workflow(
    base: &mut Workflow,
    raw: RawWorkflow,
    type_name: &str,
    text: &str,
) -> Result<(), String> {
    let section = format!("[workflow.{type_name}]");
    if let Some(states) = raw.states {
        let states: Vec<String> = states
            .get_ref()
            .iter()
            .map(|s| normalize_status(s))
            .collect();
        if states.is_empty() {
            return Err(format!("{section} states is empty"));
        }
        let mut seen = std::collections::HashSet::with_capacity(states.len());
        for s in &states {
            if s.is_empty() || !seen.insert(s.as_str()) {
                return Err(format!("{section} states: `{s}` is empty or listed twice"));
            }
        }
        base.done_from = states
            .iter()
            .position(|s| s == "done")
            .unwrap_or(states.len() - 1);
        base.ready_from = states.iter().position(|s| s == "ready");
        base.states = states;
        // Aliases and WIP limits of the default states may not fit the new ones.
        base.aliases
            .retain(|_, target| base.states.contains(target));
        base.wip.clear();
    }
    if let Some(done) = raw.done {
        let done = normalize_status(&done);
        base.done_from = base
            .states
            .iter()
            .position(|s| *s == done)
            .ok_or_else(|| format!("{section} done = \"{done}\" is not one of its states"))?;
    }
    if let Some(ready) = raw.ready {
        let ready = normalize_status(&ready);
        base.ready_from = Some(
            base.states
                .iter()
                .position(|s| *s == ready)
                .ok_or_else(|| format!("{section} ready = \"{ready}\" is not one of its states"))?,
        );
    }
    if let Some(aliases) = raw.aliases {
        for (alias, target) in aliases.into_inner() {
            let target = normalize_status(&target);
            if !base.states.contains(&target) {
                return Err(format!(
                    "{section} aliases: `{alias}` points at `{target}`, which is not one of its states"
                ));
            }
            base.aliases.insert(normalize_status(&alias), target);
        }
    }
    if let Some(level) = raw.transitions {
        base.transitions = Some(match level.as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "off" => None,
            other => {
                return Err(format!(
                    "{section} transitions = \"{other}\": expected \"error\", \"warning\" or \"off\""
                ));
            }
        });
    }
    if let Some(wip) = raw.wip {
        for (state, limit) in wip {
            let state = normalize_status(&state);
            if !base.states.contains(&state) {
                return Err(format!("{section} wip: `{state}` is not one of its states"));
            }
            let (line, column) = line_column(text, limit.span().start);
            base.wip.insert(
                state,
                WipLimit {
                    limit: *limit.get_ref(),
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    column: u32::try_from(column).unwrap_or(u32::MAX),
                },
            );
        }
    }
    Ok(())
}

/// popm.toml over [`MAX_CONFIG_BYTES`] is refused before it is parsed.
fn too_large(size: u64, shown: &str) -> Result<(), ConfigError> {
    if size <= MAX_CONFIG_BYTES {
        return Ok(());
    }
    Err(ConfigError {
        location: shown.to_string(),
        message: format!(
            "the file is {size} bytes, over the limit of {MAX_CONFIG_BYTES} for popm.toml"
        ),
    })
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, "popm.toml", None, PathBuf::from("."))
    }

    #[test]
    fn defaults_follow_safe() {
        let c = Config::default();
        let f = c.workflow(ItemType::Feature).unwrap();
        assert_eq!(f.resolve("Backlog"), f.resolve("ready"));
        assert_eq!(f.resolve("ready"), Some(2));
        let s = c.workflow(ItemType::Story).unwrap();
        assert_eq!(s.resolve("In Progress"), Some(2));
        assert!(s.is_done(5) && s.is_done(4) && !s.is_done(3));
        assert!(c.is_excluded(Path::new("backlog/README.md")));
        assert!(!c.is_excluded(Path::new("backlog/F-1.md")));
    }

    #[test]
    fn syntax_errors_carry_the_line() {
        let e = parse("[backlog]\nroots = [\"a\"\n").unwrap_err();
        assert!(e.location.starts_with("popm.toml:2:"), "{e}");
        let e = parse("[backlog]\nroot = [\"a\"]\n").unwrap_err();
        assert_eq!(e.location, "popm.toml:2:1");
        assert!(e.message.contains("unknown field `root`"), "{e}");
    }

    #[test]
    fn semantic_errors_name_the_setting() {
        let e = parse("[rules]\nuser-vioce = \"off\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "popm.toml: [rules]: unknown rule `user-vioce` (did you mean `user-voice`?)"
        );
        let e = parse("[workflow.story]\ndone = \"finished\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "popm.toml: [workflow.story] done = \"finished\" is not one of its states"
        );
    }

    #[test]
    fn flow_settings_resolve_states_and_point_at_mistakes() {
        let c = parse("[flow]\nstart = { story = \"ready\" }\nactive = [\"in-progress\", \"review\"]\nperiod = \"day\"\n").unwrap();
        assert_eq!(c.flow.start(ItemType::Story), 1);
        assert_eq!(c.flow.start(ItemType::Feature), 3);
        assert!(c.flow.is_active(ItemType::Story, 3));
        assert_eq!(c.flow.period, Period::Day);
        let e = parse("[flow]\nstart = { story = \"doing\" }\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "popm.toml:2:9: [flow] start: `doing` is not a state of the story workflow (backlog, ready, in-progress, review, done, accepted)"
        );
        let e = parse("[flow]\nactive = [\"coding\"]\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "popm.toml:2:10: [flow] active: `coding` is not a state of any workflow"
        );
    }

    #[test]
    fn custom_workflow() {
        let c = parse("[workflow.story]\nstates = [\"todo\", \"doing\", \"Done\"]\n[rules]\nuser-voice = \"off\"\n").unwrap();
        let s = c.workflow(ItemType::Story).unwrap();
        assert_eq!(s.resolve("DOING"), Some(1));
        assert_eq!(s.done_from, 2);
        assert_eq!(c.severity(Rule::UserVoice), None);
        assert_eq!(c.severity(Rule::PointsScale), Some(Severity::Warning));
    }
}
