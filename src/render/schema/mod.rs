//! The JSON records of every command, one type each, as docs/json.md documents them; the
//! functions at the end of each part build a command's whole document. Fields are only ever
//! added, never renamed or removed.

use serde::Serialize;

mod pi_status;
mod reports;
pub use pi_status::*;
pub use reports::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Summary};
use crate::model::{Backlog, EnablerKind, Item, ItemType, PiFields, Score, Spanned, Wsjf};
use crate::report::board::Column;
use crate::report::detail::{Detail, PiDetail, Related};
use crate::report::progress::Progress;
use crate::report::ranking::Ranked;

// `popm check`

/// `check --format json`: every finding and the counts.
#[derive(Serialize)]
pub struct CheckRecord<'a> {
    pub diagnostics: Vec<DiagnosticRecord<'a>>,
    pub summary: &'a Summary,
}

/// One finding (`check --format json` and json-lines, `pi ready --format json`).
#[derive(Serialize)]
pub struct DiagnosticRecord<'a> {
    pub rule: &'static str,
    pub severity: &'static str,
    pub path: &'a str,
    pub line: u32,
    pub column: u32,
    pub item: Option<&'a str>,
    pub message: &'a str,
    pub help: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for DiagnosticRecord<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        DiagnosticRecord {
            rule: d.rule.name(),
            severity: d.severity.as_str(),
            path: &d.path,
            line: d.line,
            column: d.column,
            item: d.item.as_deref(),
            message: &d.message,
            help: d.help.as_deref(),
        }
    }
}

/// `check --format json-lines`: one object per line, one line per diagnostic (the objects of
/// [`check`]), for streaming tools.
pub fn check_lines(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&crate::render::json_line(&DiagnosticRecord::from(d)));
        out.push('\n');
    }
    out
}

/// `check --format json`: `{"diagnostics": [...], "summary": {...}}`.
pub fn check(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let output = CheckRecord {
        diagnostics: diagnostics.iter().map(DiagnosticRecord::from).collect(),
        summary,
    };
    crate::render::json(&output)
}

// `popm list` and `popm export`

/// One item as `popm list --format json` prints it (documented in docs/json.md).
#[derive(Serialize)]
pub struct ItemRecord<'a> {
    pub id: Option<&'a str>,
    #[serde(rename = "type")]
    pub item_type: Option<ItemType>,
    pub title: &'a str,
    pub status: &'a str,
    pub parent: Option<&'a str>,
    pub team: Vec<&'a str>,
    pub pi: Option<&'a str>,
    pub enabler: Option<EnablerKind>,
    pub art: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub iteration: Option<i64>,
    #[serde(serialize_with = "crate::render::number::json_optional")]
    pub points: Option<f64>,
    #[serde(serialize_with = "crate::render::number::json_optional")]
    pub estimate: Option<f64>,
    pub labels: Vec<&'a str>,
    pub depends_on: Vec<&'a str>,
    pub path: &'a str,
}

impl<'a> ItemRecord<'a> {
    pub fn new(item: &'a Item, backlog: &'a Backlog, config: &'a Config) -> Self {
        let text = |s: &'a Option<Spanned<String>>| s.as_ref().map(|s| s.value.as_str());
        ItemRecord {
            id: item.id(),
            item_type: item.kind(),
            title: item.title(),
            status: backlog.status(item, config),
            parent: text(&item.parent),
            team: item.teams().collect(),
            pi: text(&item.pi),
            enabler: item.enabler.as_ref().map(|e| e.value),
            art: text(&item.art),
            owner: text(&item.owner),
            iteration: item.iteration.as_ref().map(|i| i.value),
            points: item.points.as_ref().map(|p| p.value),
            estimate: item.estimate.as_ref().map(|p| p.value),
            labels: item.labels.iter().map(|l| l.value.as_str()).collect(),
            depends_on: item.depends_on.iter().map(|l| l.value.as_str()).collect(),
            path: &item.path,
        }
    }
}

/// A story's team and PI taken from its feature because the story names none: the team its
/// points count for and the PI it is planned for (`null` when the story names its own, or the
/// feature gives none).
#[derive(Serialize)]
pub struct InheritedRecord<'a> {
    pub team: Option<&'a str>,
    pub pi: Option<&'a str>,
}

impl<'a> InheritedRecord<'a> {
    pub fn of(item: &'a Item, backlog: &'a Backlog) -> Self {
        let story = item.kind() == Some(ItemType::Story);
        InheritedRecord {
            team: (story && item.team.is_empty())
                .then(|| backlog.team_of_story(item))
                .flatten(),
            pi: (story && item.pi.is_none())
                .then(|| backlog.planned_pi(item))
                .flatten(),
        }
    }
}

/// An epic's, capability's or feature's progress ([`Progress`]).
#[derive(Serialize)]
pub struct RollupRecord {
    #[serde(serialize_with = "crate::render::number::json")]
    pub points: f64,
    #[serde(serialize_with = "crate::render::number::json")]
    pub done_points: f64,
    pub stories: usize,
    pub done_stories: usize,
    /// Stories below the item without points.
    pub unestimated: usize,
    pub children: usize,
    pub done_children: usize,
}

impl From<&Progress> for RollupRecord {
    fn from(p: &Progress) -> Self {
        RollupRecord {
            points: p.points,
            done_points: p.done_points,
            stories: p.stories,
            done_stories: p.done_stories,
            unestimated: p.unestimated,
            children: p.children,
            done_children: p.done_children,
        }
    }
}

/// One row of `popm list --format json`: the item's fields as written, what a story inherits,
/// and the progress of an epic, capability or feature.
#[derive(Serialize)]
pub struct ListRecord<'a> {
    #[serde(flatten)]
    pub item: ItemRecord<'a>,
    pub inherited: InheritedRecord<'a>,
    pub progress: Option<RollupRecord>,
}

/// `list --format json`: the items, in the order given; `progress` by backlog index.
pub fn list(
    items: &[&Item],
    backlog: &Backlog,
    config: &Config,
    progress: &[Option<Progress>],
) -> String {
    let records: Vec<ListRecord> = items
        .iter()
        .map(|i| ListRecord {
            item: ItemRecord::new(i, backlog, config),
            inherited: InheritedRecord::of(i, backlog),
            progress: i
                .id()
                .and_then(|id| backlog.index_of(id))
                .filter(|at| std::ptr::eq(&*backlog.items[*at], *i))
                .and_then(|at| progress.get(at).copied().flatten())
                .map(|p| RollupRecord::from(&p)),
        })
        .collect();
    crate::render::json(&records)
}

/// One item as `popm export --format json` prints it: the fields of `list`, the rank, the four
/// WSJF inputs, and the whole file: every frontmatter key as written (unknown keys and `extra`
/// included) and the body, so that `popm import json` can write the item again.
#[derive(Serialize)]
pub struct ExportRecord<'a> {
    #[serde(flatten)]
    pub item: ItemRecord<'a>,
    pub rank: Option<i64>,
    pub wsjf: Option<[Option<i64>; 4]>,
    /// Every frontmatter key (sorted by name); null when the file has no frontmatter popm can read.
    pub frontmatter: Option<serde_json::Value>,
    /// Everything after the closing `---` line, byte for byte; null when the file was not read.
    pub body: Option<&'a str>,
}

/// `export --format json`: every item, in the order given, with the text each file holds.
pub fn export(
    items: &[&Item],
    backlog: &Backlog,
    config: &Config,
    texts: &crate::source::Texts,
) -> String {
    let records: Vec<ExportRecord> = items
        .iter()
        .map(|i| {
            let split = texts
                .get(&i.path)
                .and_then(|t| crate::parse::frontmatter::split(t).ok());
            ExportRecord {
                item: ItemRecord::new(i, backlog, config),
                rank: i.rank.as_ref().map(|r| r.value),
                wsjf: i
                    .wsjf
                    .as_ref()
                    .map(|w| w.inputs().map(|(_, v)| v.map(|v| v.value))),
                frontmatter: split.as_ref().and_then(|s| frontmatter_json(s.yaml)),
                body: split.map(|s| s.body),
            }
        })
        .collect();
    crate::render::json(&records)
}

/// A frontmatter block as a JSON object (`None`: not a readable mapping). An
/// empty block is an empty object.
pub fn frontmatter_json(yaml: &str) -> Option<serde_json::Value> {
    if yaml.trim().is_empty() {
        return Some(serde_json::Value::Object(serde_json::Map::new()));
    }
    let node = crate::parse::yaml::parse(yaml).ok()?;
    match &node.value {
        crate::parse::yaml::Value::Map(_) => Some(yaml_to_json(&node.value)),
        _ => None,
    }
}

/// A YAML value as JSON. Integers stay integers and floats floats, so the value reads back as the
/// same YAML; a key that is not a string (YAML allows `1: x`) becomes its text.
pub fn yaml_to_json(value: &crate::parse::yaml::Value) -> serde_json::Value {
    use crate::parse::yaml::Value as Y;
    use serde_json::Value as J;
    match value {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(*b),
        Y::Int(i) => J::from(*i),
        Y::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Y::Str(s) => J::String(s.clone()),
        Y::Seq(items) => J::Array(items.iter().map(|n| yaml_to_json(&n.value)).collect()),
        Y::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match yaml_to_json(&k.value) {
                        J::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, yaml_to_json(&v.value))
                })
                .collect(),
        ),
    }
}

// `popm backlog`

/// One row of `popm backlog --format json` (documented in docs/json.md).
#[derive(Serialize)]
pub struct RankedRecord<'a> {
    pub rank: usize,
    pub id: &'a str,
    pub title: &'a str,
    #[serde(rename = "type")]
    pub item_type: Option<ItemType>,
    pub enabler: Option<EnablerKind>,
    pub status: &'a str,
    pub business_value: Option<i64>,
    pub time_criticality: Option<i64>,
    pub risk_reduction: Option<i64>,
    pub cost_of_delay: Option<i64>,
    pub job_size: Option<i64>,
    pub wsjf: Option<f64>,
    #[serde(serialize_with = "crate::render::number::json_optional")]
    pub points: Option<f64>,
    pub team: Vec<&'a str>,
    pub pi: Option<&'a str>,
    /// `waiting` (funnel to ready, ranked by default) or `started` (under way, ranked apart,
    /// with `--all`).
    pub section: &'static str,
}

impl<'a> RankedRecord<'a> {
    pub fn new(
        r: &Ranked<'a>,
        backlog: &'a Backlog,
        config: &'a Config,
        section: &'static str,
    ) -> Self {
        let item = r.item;
        let input = |get: fn(&Wsjf) -> &Option<Spanned<i64>>| {
            item.wsjf
                .as_ref()
                .and_then(|w| get(w).as_ref())
                .map(|v| v.value)
        };
        RankedRecord {
            rank: r.rank,
            id: item.id().unwrap_or(""),
            title: item.title(),
            item_type: item.kind(),
            enabler: item.enabler.as_ref().map(|e| e.value),
            status: backlog.status(item, config),
            business_value: input(|w| &w.business_value),
            time_criticality: input(|w| &w.time_criticality),
            risk_reduction: input(|w| &w.risk_reduction),
            cost_of_delay: r.score.map(|s| s.cost_of_delay()),
            job_size: input(|w| &w.job_size),
            wsjf: r.score.map(|s| s.wsjf()),
            points: item.points.as_ref().map(|p| p.value),
            team: item.teams().collect(),
            pi: item.pi.as_ref().map(|p| p.value.as_str()),
            section,
        }
    }
}

/// `backlog --format json`: the ranked items shown.
pub fn ranking(records: &[RankedRecord]) -> String {
    crate::render::json(&records)
}

// `popm board`

/// One card of `board --format json`.
#[derive(Serialize)]
pub struct CardRecord<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub wsjf: Option<f64>,
    #[serde(serialize_with = "crate::render::number::json_optional")]
    pub points: Option<f64>,
}

/// One column of `board --format json`.
#[derive(Serialize)]
pub struct ColumnRecord<'a> {
    pub state: &'a str,
    pub wip_limit: Option<u32>,
    /// Items in this state in the whole backlog (the WIP count), whatever the filters.
    pub total: usize,
    pub over_limit: bool,
    pub cards: Vec<CardRecord<'a>>,
    /// Cards of a done column left out (`[board] done_cards`).
    pub more: usize,
}

/// `board --format json`: the columns in workflow order.
pub fn board(columns: &[Column]) -> String {
    let records: Vec<ColumnRecord> = columns
        .iter()
        .map(|c| ColumnRecord {
            state: &c.state,
            wip_limit: c.wip,
            total: c.total,
            over_limit: c.over_limit(),
            cards: c
                .cards
                .iter()
                .map(|(item, score)| CardRecord {
                    id: item.id().unwrap_or(""),
                    title: item.title(),
                    wsjf: score.map(|s| s.wsjf()),
                    points: item.points.as_ref().map(|p| p.value),
                })
                .collect(),
            more: c.more,
        })
        .collect();
    crate::render::json(&records)
}

// `popm show`

/// An item in a relation (parent chain, children, dependencies): enough to read the line.
#[derive(Serialize)]
pub struct RelatedRecord<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub status: &'a str,
    /// False for a reference to an id that no item has.
    pub exists: bool,
}

#[derive(Serialize)]
pub struct DetailRecord<'a> {
    #[serde(flatten)]
    pub item: ItemRecord<'a>,
    pub wsjf: Option<WsjfRecord>,
    pub parents: Vec<RelatedRecord<'a>>,
    pub children: Vec<RelatedRecord<'a>>,
    /// The items named in `depends_on`, resolved.
    pub dependencies: Vec<RelatedRecord<'a>>,
    pub needed_by: Vec<RelatedRecord<'a>>,
    pub acceptance_criteria: Option<ProgressRecord>,
    /// What a story takes from its feature, as in `list`.
    pub inherited: InheritedRecord<'a>,
    /// An epic's, capability's or feature's progress, as in `list`.
    pub progress: Option<RollupRecord>,
    /// A PI's dates, iterations, capacity, allocation, objectives and planned work; null for
    /// other types.
    #[serde(rename = "pi_plan")]
    pub pi_detail: Option<PiDetailRecord<'a>>,
    /// An OKR's key results and the epics serving it; absent for other types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub okr: Option<OkrRecord<'a>>,
}

/// An OKR in `show`: its key results with their progress, and the epics that serve it.
#[derive(Serialize)]
pub struct OkrRecord<'a> {
    pub key_results: Vec<KeyResultRecord<'a>>,
    pub epics: Vec<RelatedRecord<'a>>,
}

#[derive(Serialize)]
pub struct KeyResultRecord<'a> {
    pub text: Option<&'a str>,
    #[serde(serialize_with = "crate::render::number::json_optional")]
    pub start: Option<f64>,
    #[serde(serialize_with = "crate::render::number::json_optional")]
    pub target: Option<f64>,
    #[serde(serialize_with = "crate::render::number::json_optional")]
    pub current: Option<f64>,
    /// (current - start) / (target - start); null without the three values.
    #[serde(serialize_with = "crate::render::number::json_optional")]
    pub progress: Option<f64>,
}

/// One team's capacity in a PI.
#[derive(Serialize)]
pub struct CapacityRecord<'a> {
    pub team: &'a str,
    /// Points per development iteration, as written.
    #[serde(serialize_with = "crate::render::number::json_list")]
    pub iterations: Vec<f64>,
    /// Over the development iterations.
    #[serde(serialize_with = "crate::render::number::json")]
    pub total: f64,
}

#[derive(Serialize)]
pub struct AllocationRecord<'a> {
    pub kind: &'a str,
    #[serde(serialize_with = "crate::render::number::json")]
    pub percent: f64,
}

#[derive(Serialize)]
pub struct PiDetailRecord<'a> {
    pub start: Option<String>,
    pub end: Option<String>,
    pub iterations: i64,
    pub iteration_weeks: i64,
    pub development_iterations: usize,
    pub capacity: Vec<CapacityRecord<'a>>,
    pub allocation: Vec<AllocationRecord<'a>>,
    pub objectives: Vec<StatusObjectiveRecord<'a>>,
    /// The features and capabilities planned for the PI.
    pub planned: Vec<RelatedRecord<'a>>,
}

impl<'a> PiDetailRecord<'a> {
    pub fn new(d: &PiDetail<'a>, backlog: &'a Backlog, config: &'a Config) -> Self {
        let f = d.fields;
        PiDetailRecord {
            start: d.dates.map(|x| x.0.to_string()),
            end: d.dates.map(|x| x.1.to_string()),
            iterations: f.iteration_count(),
            iteration_weeks: f
                .iteration_weeks
                .as_ref()
                .map_or(PiFields::DEFAULT_ITERATION_WEEKS, |w| w.value),
            development_iterations: d.development_iterations,
            capacity: f
                .capacity
                .iter()
                .map(|(team, points)| CapacityRecord {
                    team: &team.value,
                    iterations: points.iter().map(|p| p.value).collect(),
                    total: points
                        .iter()
                        .take(d.development_iterations)
                        .map(|p| p.value)
                        .sum(),
                })
                .collect(),
            allocation: f
                .allocation
                .iter()
                .map(|(kind, percent)| AllocationRecord {
                    kind: &kind.value,
                    percent: percent.value,
                })
                .collect(),
            objectives: f.objectives.iter().map(StatusObjectiveRecord::of).collect(),
            planned: d
                .planned
                .iter()
                .map(|i| RelatedRecord::new(Related::Item(i), backlog, config))
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct WsjfRecord {
    pub business_value: Option<i64>,
    pub time_criticality: Option<i64>,
    pub risk_reduction: Option<i64>,
    pub job_size: Option<i64>,
    pub score: Option<f64>,
}

#[derive(Serialize)]
pub struct ProgressRecord {
    pub checked: usize,
    pub total: usize,
}

impl<'a> RelatedRecord<'a> {
    pub fn new(related: Related<'a>, backlog: &'a Backlog, config: &'a Config) -> Self {
        match related {
            Related::Item(item) => RelatedRecord {
                id: item.id().unwrap_or(""),
                title: item.title(),
                status: backlog.status(item, config),
                exists: true,
            },
            Related::Missing(id) => RelatedRecord {
                id,
                title: "",
                status: "",
                exists: false,
            },
        }
    }
}

impl<'a> DetailRecord<'a> {
    pub fn new(detail: &Detail<'a>, backlog: &'a Backlog, config: &'a Config) -> Self {
        let item = detail.item;
        let related = |items: &[&'a Item]| {
            items
                .iter()
                .map(|i| RelatedRecord::new(Related::Item(i), backlog, config))
                .collect()
        };
        DetailRecord {
            item: ItemRecord::new(item, backlog, config),
            wsjf: item.wsjf.as_ref().map(|w| WsjfRecord {
                business_value: w.business_value.as_ref().map(|v| v.value),
                time_criticality: w.time_criticality.as_ref().map(|v| v.value),
                risk_reduction: w.risk_reduction.as_ref().map(|v| v.value),
                job_size: w.job_size.as_ref().map(|v| v.value),
                score: Score::of(item).map(|s| s.wsjf()),
            }),
            parents: related(&detail.parents),
            children: related(&detail.children),
            dependencies: detail
                .dependencies
                .iter()
                .map(|d| RelatedRecord::new(*d, backlog, config))
                .collect(),
            needed_by: related(&detail.needed_by),
            acceptance_criteria: item.acceptance_criteria.as_ref().map(|ac| {
                let (checked, total) = ac.progress();
                ProgressRecord { checked, total }
            }),
            inherited: InheritedRecord::of(item, backlog),
            progress: detail.progress.as_ref().map(RollupRecord::from),
            pi_detail: detail
                .pi
                .as_ref()
                .map(|d| PiDetailRecord::new(d, backlog, config)),
            okr: detail.okr.as_ref().map(|o| OkrRecord {
                key_results: o
                    .key_results
                    .iter()
                    .map(|(k, progress)| KeyResultRecord {
                        text: k.text.as_deref(),
                        start: k.start,
                        target: k.target,
                        current: k.current,
                        progress: *progress,
                    })
                    .collect(),
                epics: related(&o.epics),
            }),
        }
    }
}

/// `show --format json`.
pub fn detail(record: &DetailRecord) -> String {
    crate::render::json(record)
}
