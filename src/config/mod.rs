//! popm.toml: where the backlog lives and how it is judged.
//!
//! Every setting has a SAFe default, so a repository without popm.toml works out of the box with the
//! backlog under `backlog/`. The file as written is `raw.rs`; `limits.rs` bounds it, `resolve.rs`
//! checks each value and builds the settings popm uses (`settings.rs` and [`Config`]); every error
//! is a [`ConfigError`] with the file, line and column.

mod error;
mod limits;
mod portfolio;
mod raw;
mod resolve;
mod settings;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::diagnostic::{Rule, Severity};
use crate::model::ItemType;
pub use error::ConfigError;
use error::Text;
pub use limits::{
    MAX_ALIASES, MAX_CONFIG_BYTES, MAX_EXCLUDE, MAX_ROOTS, MAX_SCALE_VALUES, MAX_STATES, MAX_TEAMS,
};
pub use portfolio::{Art, Portfolio, is_valid_backlog_name};
use raw::RawConfig;
pub use settings::{Content, FlowSettings, NewItems, Period, WipLimit, Workflow, normalize_status};

pub const FILE_NAME: &str = "popm.toml";

#[derive(Debug, Clone)]
pub struct Config {
    /// `name`: the backlog's name in qualified ids; [`Config::backlog_name`] falls back to the
    /// project folder's name.
    pub name: Option<String>,
    /// `[portfolio]`: the ARTs and value streams of a portfolio repository (empty elsewhere).
    pub portfolio: Portfolio,
    /// The file this came from, if any.
    pub file: Option<PathBuf>,
    /// The file as diagnostics show it (relative to the repository root); set by the workspace.
    pub display_path: Option<String>,
    /// The folder popm.toml sits in (or the working directory without one): roots are relative to it.
    pub project_root: PathBuf,
    pub roots: Vec<String>,
    pub exclude: Vec<String>,
    pub(super) exclude_set: GlobSet,
    pub max_file_bytes: u64,
    /// More item files than this and popm stops with an error rather than reading on: memory grows
    /// with the number of items, and a runaway folder (a generator gone wrong) should not take the
    /// machine down.
    pub max_items: usize,
    pub teams: Vec<String>,
    /// The same names, for lookups in time independent of how many there are.
    pub(super) team_names: std::collections::HashSet<String>,
    pub wsjf_scale: Vec<i64>,
    pub points_scale: Vec<i64>,
    pub(super) workflows: BTreeMap<ItemType, Workflow>,
    pub(super) severities: BTreeMap<Rule, Option<Severity>>,
    /// The share of capacity a team should plan to, in percent (`load-high` above it).
    pub planning_load: f64,
    pub new: NewItems,
    pub flow: FlowSettings,
    /// Cards a done column of `popm board` shows (`[board] done_cards`); the rest are counted.
    pub board_done_cards: usize,
}

pub const DEFAULT_WSJF_SCALE: &[i64] = &[1, 2, 3, 5, 8, 13, 20];
pub const DEFAULT_POINTS_SCALE: &[i64] = &[1, 2, 3, 5, 8, 13, 20, 40, 100];
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// About 1.5 GB of memory at the size of a typical item; ten times the largest backlogs we know of.
pub const DEFAULT_MAX_ITEMS: usize = 400_000;
pub const DEFAULT_PLANNING_LOAD: f64 = 80.0;
pub const DEFAULT_BOARD_DONE_CARDS: usize = 10;

impl Default for Config {
    fn default() -> Self {
        let text = Text {
            text: "",
            shown: "",
        };
        resolve::build(RawConfig::default(), None, PathBuf::from("."), text)
            .expect("the built-in defaults are valid")
    }
}

impl Config {
    /// A fingerprint of everything this configuration says, the same in every process for the
    /// same configuration: part of the key of the checked result the cache keeps.
    pub fn fingerprint(&self) -> u128 {
        // Every field is named, so a field added later cannot be left out. The two sets are made
        // from `exclude` and `teams` (and a hash set's order changes from process to process).
        let Config {
            name,
            portfolio,
            file,
            display_path,
            project_root,
            roots,
            exclude,
            exclude_set: _,
            max_file_bytes,
            max_items,
            teams,
            team_names: _,
            wsjf_scale,
            points_scale,
            workflows,
            severities,
            planning_load,
            new,
            flow,
            board_done_cards,
        } = self;
        let said = format!(
            "{name:?}\n{portfolio:?}\n{file:?}\n{display_path:?}\n{project_root:?}\n{roots:?}\n\
             {exclude:?}\n{max_file_bytes}\n{max_items}\n{teams:?}\n{wsjf_scale:?}\n\
             {points_scale:?}\n{workflows:?}\n{severities:?}\n{planning_load:?}\n{new:?}\n\
             {flow:?}\n{board_done_cards}"
        );
        xxhash_rust::xxh3::xxh3_128(said.as_bytes())
    }

    /// The backlog's name in qualified ids (`rail:F-12`): `name` in popm.toml, else the name of
    /// the folder popm.toml sits in.
    pub fn backlog_name(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        // The workspace made the project root absolute: its last part is the folder's name.
        self.project_root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

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
        let located = Text { text, shown };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            match e.span() {
                Some(span) => located.error(span, message),
                None => located.file_error(message),
            }
        })?;
        resolve::build(raw, file, project_root, located)
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
    /// No `exclude` patterns: the walk need not match paths.
    pub fn excludes_nothing(&self) -> bool {
        self.exclude_set.is_empty()
    }

    pub fn is_excluded(&self, relative: &Path) -> bool {
        self.exclude_set.is_match(relative)
    }
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
    fn semantic_errors_name_the_setting_and_point_at_it() {
        let e = parse("[rules]\nuser-vioce = \"off\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "popm.toml:2:1: [rules]: unknown rule `user-vioce` (did you mean `user-voice`?)"
        );
        let e = parse("[workflow.story]\ndone = \"finished\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "popm.toml:2:8: [workflow.story] done = \"finished\" is not one of its states"
        );
        // Every error found after parsing names its line and column: the key for an unknown
        // name, the value for a bad one.
        for (text, location) in [
            ("[backlog]\nroots = []\n", "2:9"),
            ("[backlog]\nexclude = [\"a\", \"b[\"]\n", "2:17"),
            ("[wsjf]\nscale = [0, 1]\n", "2:9"),
            ("[points]\nscale = []\n", "2:9"),
            ("[workflow.bug]\nstates = [\"a\"]\n", "1:11"),
            ("[workflow.story]\nstates = []\n", "2:10"),
            ("[workflow.story]\nstates = [\"a\", \"A\"]\n", "2:10"),
            ("[workflow.story]\nready = \"nope\"\n", "2:9"),
            ("[workflow.story]\naliases = { todo = \"nope\" }\n", "2:13"),
            ("[workflow.story]\ntransitions = \"loud\"\n", "2:15"),
            ("[workflow.story]\nwip = { doing = 3 }\n", "2:9"),
            ("[rules]\nuser-voice = \"loud\"\n", "2:14"),
            ("[pi]\nplanning_load = 120\n", "2:17"),
            ("[new.folders]\nbug = \"x\"\n", "2:1"),
            ("[new.prefixes]\nbug = \"B\"\n", "2:1"),
            ("[new.prefixes]\nstory = \"S-\"\n", "2:9"),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.location, format!("popm.toml:{location}"), "{text}: {e}");
        }
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
