//! Every frontmatter key popm knows, in one table: what kind of value it holds, whether only a PI
//! carries it, and its place in the canonical order. The parser's list of known keys, `popm fmt`'s
//! key order and flow lists, `popm set`'s number and list keys and the columns of `popm export` all
//! read it (docs/format.md describes each key).

use super::Wsjf;

/// What kind of value a key holds, as the writing commands treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One value: a name, an id, a text, a date (`popm set` writes it as a YAML string).
    Scalar,
    /// A number (`popm set` checks that it is one).
    Number,
    /// A list of names or ids (`popm set KEY+=V`; `popm fmt` writes a short one as `[a, b]`).
    List,
    /// A mapping, or a list of mappings (wsjf, capacity, allocation, objectives, extra).
    Mapping,
}

/// One frontmatter key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub name: &'static str,
    pub kind: Kind,
    /// Only a PI item carries it; on another item it is an unknown key.
    pub pi_only: bool,
}

const fn item(name: &'static str, kind: Kind) -> Key {
    Key {
        name,
        kind,
        pi_only: false,
    }
}

const fn pi(name: &'static str, kind: Kind) -> Key {
    Key {
        name,
        kind,
        pi_only: true,
    }
}

pub const ID: Key = item("id", Kind::Scalar);
pub const TYPE: Key = item("type", Kind::Scalar);
pub const TITLE: Key = item("title", Kind::Scalar);
pub const STATUS: Key = item("status", Kind::Scalar);
pub const PARENT: Key = item("parent", Kind::Scalar);
pub const OWNER: Key = item("owner", Kind::Scalar);
pub const TEAM: Key = item("team", Kind::List);
pub const ART: Key = item("art", Kind::Scalar);
pub const PI: Key = item("pi", Kind::Scalar);
pub const ITERATION: Key = item("iteration", Kind::Number);
pub const POINTS: Key = item("points", Kind::Number);
pub const ESTIMATE: Key = item("estimate", Kind::Number);
pub const RANK: Key = item("rank", Kind::Number);
pub const ENABLER: Key = item("enabler", Kind::Scalar);
pub const DEPENDS_ON: Key = item("depends_on", Kind::List);
pub const LABELS: Key = item("labels", Kind::List);
pub const WSJF: Key = item("wsjf", Kind::Mapping);
pub const START: Key = pi("start", Kind::Scalar);
pub const ITERATIONS: Key = pi("iterations", Kind::Number);
pub const ITERATION_WEEKS: Key = pi("iteration_weeks", Kind::Number);
pub const CAPACITY: Key = pi("capacity", Kind::Mapping);
pub const ALLOCATION: Key = pi("allocation", Kind::Mapping);
pub const OBJECTIVES: Key = pi("objectives", Kind::Mapping);
pub const MILESTONES: Key = pi("milestones", Kind::Mapping);
/// The key of the Jira issue the item was imported from (`popm import jira` matches on it).
pub const JIRA: Key = item("jira", Kind::Scalar);
/// Fields from another tool (an import), kept as they were and not checked.
/// Lean Portfolio Management, on epics: the owning value stream, the forecast cost per PI, the
/// OKRs served (docs/portfolio.md).
pub const VALUE_STREAM: Key = item("value_stream", Kind::Scalar);
pub const BUDGET: Key = item("budget", Kind::Number);
pub const OKRS: Key = item("okrs", Kind::List);
/// An OKR's key results: `[{text, start, target, current}]`.
pub const KEY_RESULTS: Key = item("key_results", Kind::Mapping);
pub const EXTRA: Key = item("extra", Kind::Mapping);

/// Every key, in the canonical order `popm fmt` writes: the item keys as docs/format.md lists
/// them, the PI's own keys, then `extra`.
pub const KEYS: &[Key] = &[
    ID,
    TYPE,
    TITLE,
    STATUS,
    PARENT,
    OWNER,
    TEAM,
    ART,
    PI,
    ITERATION,
    POINTS,
    ESTIMATE,
    RANK,
    ENABLER,
    DEPENDS_ON,
    LABELS,
    WSJF,
    START,
    ITERATIONS,
    ITERATION_WEEKS,
    CAPACITY,
    ALLOCATION,
    OBJECTIVES,
    MILESTONES,
    JIRA,
    VALUE_STREAM,
    BUDGET,
    OKRS,
    KEY_RESULTS,
    EXTRA,
];

impl Key {
    pub fn named(name: &str) -> Option<&'static Key> {
        KEYS.iter().find(|k| k.name == name)
    }

    /// A key's place in the canonical order; unknown keys come after every known one.
    pub fn rank(name: &str) -> usize {
        KEYS.iter()
            .position(|k| k.name == name)
            .unwrap_or(KEYS.len())
    }

    /// The names of the keys every item may carry.
    pub fn item_names() -> impl Iterator<Item = &'static str> {
        KEYS.iter().filter(|k| !k.pi_only).map(|k| k.name)
    }

    /// The names of the keys only a PI carries.
    pub fn pi_names() -> impl Iterator<Item = &'static str> {
        KEYS.iter().filter(|k| k.pi_only).map(|k| k.name)
    }

    /// The columns of `popm export --format csv`: every item key (the four WSJF inputs each in
    /// a column of its own, `extra` and an OKR's `key_results` left out), then the file's path.
    pub fn export_columns() -> Vec<&'static str> {
        let mut columns = Vec::with_capacity(KEYS.len() + 4);
        for key in KEYS
            .iter()
            .filter(|k| !k.pi_only && **k != EXTRA && **k != KEY_RESULTS)
        {
            if *key == WSJF {
                columns.extend(Wsjf::KEYS);
            } else {
                columns.push(key.name);
            }
        }
        columns.push("path");
        columns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_once_and_the_orders_derived_from_the_table() {
        let mut names: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KEYS.len());
        assert_eq!(
            Key::item_names().collect::<Vec<_>>(),
            [
                "id",
                "type",
                "title",
                "status",
                "parent",
                "owner",
                "team",
                "art",
                "pi",
                "iteration",
                "points",
                "estimate",
                "rank",
                "enabler",
                "depends_on",
                "labels",
                "wsjf",
                "jira",
                "value_stream",
                "budget",
                "okrs",
                "key_results",
                "extra"
            ]
        );
        assert_eq!(
            Key::pi_names().collect::<Vec<_>>(),
            [
                "start",
                "iterations",
                "iteration_weeks",
                "capacity",
                "allocation",
                "objectives",
                "milestones"
            ]
        );
        assert!(Key::rank("wsjf") < Key::rank("start"));
        assert!(Key::rank("objectives") < Key::rank("extra"));
        assert!(Key::rank("extra") < Key::rank("colour"));
        assert_eq!(
            Key::export_columns().join(","),
            "id,type,title,status,parent,owner,team,art,pi,iteration,points,estimate,rank,\
             enabler,depends_on,labels,business_value,time_criticality,risk_reduction,job_size,jira,value_stream,budget,okrs,path"
        );
    }
}
