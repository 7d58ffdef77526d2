//! `popm import jira FILE.csv`: a Jira Cloud or Data Center CSV export ("all fields") read by
//! column name, each issue mapped to the popm item it stands for ([`Fields`]). New issues become
//! new items; issues whose key an item already carries (`jira: KEY`) update it ([`sync`]).
//! docs/jira.md has the mapping tables.

pub mod dates;
pub mod sync;
pub mod wiki;

use std::collections::HashMap;
use std::path::Path;

use super::{NewItem, Report};
use crate::config::Config;
use crate::edit::scalar;
use crate::model::{EnablerKind, ItemType};

/// The start of the name of an issue without a key (`#` and its Issue id): never a Jira key.
pub const NO_KEY: &str = "#";

/// What `--type` and `--status` say.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Jira issue type (any case) -> popm type, or `criteria` (fold into the parent's criteria).
    pub types: Vec<(String, String)>,
    /// Jira status (any case) -> popm status.
    pub statuses: Vec<(String, String)>,
}

/// What a Jira issue type becomes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mapped {
    Item {
        kind: ItemType,
        label: Option<&'static str>,
        enabler: Option<EnablerKind>,
    },
    /// A sub-task: a criterion of its parent story.
    Criterion,
}

/// The popm values of `--type`'s right side.
pub const TYPE_TARGETS: &[&str] = &["epic", "capability", "feature", "story", "criteria"];

/// The default mapping of Jira issue types; `None` for a type popm does not know (a story, noted).
pub fn default_type(jira: &str) -> Option<Mapped> {
    let item = |kind, label, enabler| Mapped::Item {
        kind,
        label,
        enabler,
    };
    Some(match jira.trim().to_lowercase().as_str() {
        "epic" => item(ItemType::Epic, None, None),
        "capability" => item(ItemType::Capability, None, None),
        "feature" => item(ItemType::Feature, None, None),
        "story" | "user story" | "task" => item(ItemType::Story, None, None),
        "bug" | "defect" => item(ItemType::Story, Some("defect"), None),
        "spike" => item(ItemType::Story, None, Some(EnablerKind::Exploration)),
        "sub-task" | "subtask" | "sub task" => Mapped::Criterion,
        _ => return None,
    })
}

fn mapped_type(jira: &str, options: &Options) -> Option<Mapped> {
    if let Some((_, target)) = options
        .types
        .iter()
        .find(|(from, _)| from.trim().eq_ignore_ascii_case(jira.trim()))
    {
        if target.eq_ignore_ascii_case("criteria") {
            return Some(Mapped::Criterion);
        }
        // `--type` values are checked when the arguments are read.
        let kind = ItemType::parse(target).unwrap_or(ItemType::Story);
        return Some(Mapped::Item {
            kind,
            label: None,
            enabler: None,
        });
    }
    default_type(jira)
}

/// Jira's own status names that mean "to do" or "in progress" and that the trackers' common
/// names ([`super::generic_status`]) do not cover.
fn jira_status(raw: &str) -> &str {
    match raw.trim().to_lowercase().as_str() {
        "selected for development" | "ready for development" => "to do",
        "in development" | "code review" | "in qa" | "in test" | "testing" | "blocked" => {
            "in progress"
        }
        _ => raw,
    }
}

/// One issue of the export, as its columns give it.
#[derive(Debug, Clone, Default)]
pub struct Issue {
    pub source: String,
    pub key: String,
    pub issue_id: String,
    pub issue_type: String,
    pub summary: String,
    pub status: String,
    /// The `Parent` column: an Issue id (Cloud), or a key.
    pub parent: Option<String>,
    /// `Custom field (Epic Link)`: a key.
    pub epic_link: Option<String>,
    pub points: Option<f64>,
    pub assignee: Option<String>,
    pub labels: Vec<String>,
    pub description: String,
    pub criteria: String,
    /// Other Jira fields popm keeps under `extra`, by popm's name, in column order.
    pub extra: Vec<(&'static str, Vec<String>)>,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Key,
    IssueId,
    Type,
    Summary,
    Status,
    Parent,
    EpicLink,
    Points,
    Assignee,
    Labels,
    Description,
    Criteria,
    /// Kept under `extra` by this name; dates converted.
    Extra(&'static str, bool),
}

fn column(header: &str) -> Option<Column> {
    let h = header.trim().to_lowercase();
    Some(match h.as_str() {
        "issue key" => Column::Key,
        "issue id" => Column::IssueId,
        "issue type" => Column::Type,
        "summary" => Column::Summary,
        "status" => Column::Status,
        "parent" | "parent id" | "parent key" => Column::Parent,
        "custom field (epic link)" => Column::EpicLink,
        "custom field (story points)" | "custom field (story point estimate)" | "story points" => {
            Column::Points
        }
        "assignee" => Column::Assignee,
        "labels" => Column::Labels,
        "description" => Column::Description,
        "custom field (acceptance criteria)" | "acceptance criteria" => Column::Criteria,
        "sprint" => Column::Extra("sprint", false),
        "component/s" | "components" => Column::Extra("components", false),
        "fix version/s" | "fix versions" => Column::Extra("fix_versions", false),
        "priority" => Column::Extra("priority", false),
        "reporter" => Column::Extra("reporter", false),
        "resolution" => Column::Extra("resolution", false),
        "created" => Column::Extra("created", true),
        "updated" => Column::Extra("updated", true),
        "resolved" => Column::Extra("resolved", true),
        "due date" => Column::Extra("due", true),
        _ => return None,
    })
}

/// A cell as Jira meant it: trimmed, and without the `'` a CSV writer (popm's own export
/// included) puts before a cell that a spreadsheet would run as a formula.
fn cell(value: &str) -> &str {
    let value = value.trim();
    match value.strip_prefix('\'') {
        Some(rest)
            if rest.starts_with(['\t', '\r', '\n'])
                || rest.trim_start().starts_with(['=', '+', '-', '@']) =>
        {
            rest.trim()
        }
        _ => value,
    }
}

/// Reads the export: one [`Issue`] per row with a key and a summary.
pub fn read(path: &Path, report: &mut Report) -> Result<Vec<Issue>, String> {
    let (mut reader, headers) = super::csv::open(path, "a Jira CSV export")?;
    let columns: Vec<Option<Column>> = headers.iter().map(column).collect();
    let named = columns.contains(&Some(Column::Key)) || columns.contains(&Some(Column::IssueId));
    if !named || !columns.contains(&Some(Column::Summary)) {
        return Err(format!(
            "{}: not a Jira export: it has no `Issue key` or `Issue id` column, or no `Summary`",
            path.display()
        ));
    }
    let mut unused: Vec<&str> = Vec::new();
    let mut issues = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let row = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                report.notes.push(format!("row {row}: not imported: {e}"));
                continue;
            }
        };
        let mut issue = Issue {
            source: format!("{}:{row}", path.display()),
            ..Issue::default()
        };
        for (i, raw) in record.iter().enumerate() {
            let value = cell(raw);
            if value.is_empty() {
                continue;
            }
            let Some(column) = columns.get(i).copied().flatten() else {
                let header = headers.get(i).unwrap_or("").trim();
                if !unused.contains(&header) {
                    unused.push(header);
                }
                continue;
            };
            let first = |slot: &mut String| {
                if slot.is_empty() {
                    *slot = value.to_string();
                }
            };
            match column {
                Column::Key => first(&mut issue.key),
                Column::IssueId => first(&mut issue.issue_id),
                Column::Type => first(&mut issue.issue_type),
                Column::Summary => first(&mut issue.summary),
                Column::Status => first(&mut issue.status),
                Column::Parent => {
                    issue.parent.get_or_insert_with(|| value.to_string());
                }
                Column::EpicLink => {
                    issue.epic_link.get_or_insert_with(|| value.to_string());
                }
                Column::Points => match value.parse::<f64>() {
                    Ok(p) if p.is_finite() && p >= 0.0 => {
                        issue.points.get_or_insert(p);
                    }
                    _ => report.notes.push(format!(
                        "row {row}: story points `{value}` are not a number; left out"
                    )),
                },
                Column::Assignee => {
                    issue.assignee.get_or_insert_with(|| value.to_string());
                }
                // Jira writes one label per `Labels` column; a cell may still hold several.
                Column::Labels => {
                    for label in value.split(char::is_whitespace).filter(|l| !l.is_empty()) {
                        if !issue.labels.iter().any(|l| l == label) {
                            issue.labels.push(label.to_string());
                        }
                    }
                }
                Column::Description => {
                    if !issue.description.is_empty() {
                        issue.description.push_str("\n\n");
                    }
                    issue.description.push_str(value);
                }
                Column::Criteria => {
                    if !issue.criteria.is_empty() {
                        issue.criteria.push('\n');
                    }
                    issue.criteria.push_str(value);
                }
                Column::Extra(name, is_date) => {
                    let value = if is_date {
                        dates::iso(value).unwrap_or_else(|| value.to_string())
                    } else {
                        value.to_string()
                    };
                    match issue.extra.iter_mut().find(|(k, _)| *k == name) {
                        Some((_, values)) if !values.contains(&value) => values.push(value),
                        Some(_) => {}
                        None => issue.extra.push((name, vec![value])),
                    }
                }
            }
        }
        // A row Jira has not seen yet (popm's own export of items never imported) has an Issue
        // id and no key: it is named by its id within this file, and always imported as new.
        if issue.key.is_empty() && !issue.issue_id.is_empty() {
            issue.key = format!("{NO_KEY}{}", issue.issue_id);
        }
        if issue.key.is_empty() || issue.summary.is_empty() {
            report.notes.push(format!(
                "row {row}: no `Issue key` (nor `Issue id`) or no `Summary`; not imported"
            ));
            continue;
        }
        issues.push(issue);
    }
    if !unused.is_empty() {
        report
            .notes
            .push(format!("columns popm does not read: {}", unused.join(", ")));
    }
    Ok(issues)
}

/// The fields popm takes from one Jira issue, as popm writes them. These, and only these, are
/// what a re-import changes ([`sync`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fields {
    pub key: String,
    pub source: String,
    pub kind: Option<ItemType>,
    pub enabler: Option<EnablerKind>,
    pub title: String,
    /// A state of the type's workflow.
    pub status: String,
    /// The parent's Jira key, then its popm id once known ([`resolve_parents`]).
    pub parent_key: Option<String>,
    pub parent: Option<String>,
    /// Story points: `points` on a story, `estimate` on other types.
    pub points: Option<f64>,
    pub owner: Option<String>,
    pub labels: Vec<String>,
    pub body: String,
    /// Jira's other fields, under `extra` (YAML text), the issue id first.
    pub extra: Vec<(String, String)>,
}

impl Fields {
    /// The key a story point estimate goes to on this type.
    pub fn points_key(&self) -> &'static str {
        match self.kind {
            Some(ItemType::Story) | None => "points",
            _ => "estimate",
        }
    }
}

/// Maps the issues to items: types, statuses, bodies, labels; sub-tasks folded into their
/// story's acceptance criteria (or as `--type` says). Parents stay Jira keys here.
pub fn map(
    issues: &[Issue],
    options: &Options,
    config: &Config,
    report: &mut Report,
) -> Vec<Fields> {
    let key_of_id: HashMap<&str, &str> = issues
        .iter()
        .filter(|i| !i.issue_id.is_empty())
        .map(|i| (i.issue_id.as_str(), i.key.as_str()))
        .collect();
    // A parent is an Issue id (Jira Cloud's `Parent`) or a key (`Epic Link`, older exports).
    let parent_key = |issue: &Issue| -> Option<String> {
        let parent = issue.parent.as_deref().or(issue.epic_link.as_deref())?;
        Some(key_of_id.get(parent).map_or(parent, |k| k).to_string())
    };
    let mut fields: Vec<Fields> = Vec::with_capacity(issues.len());
    let mut criteria: Vec<(String, String)> = Vec::new();
    for issue in issues {
        let mapped = mapped_type(&issue.issue_type, options).unwrap_or_else(|| {
            report.notes.push(format!(
                "{}: issue type `{}` is imported as a story (map it with --type \"{}=TYPE\")",
                issue.source, issue.issue_type, issue.issue_type
            ));
            Mapped::Item {
                kind: ItemType::Story,
                label: None,
                enabler: None,
            }
        });
        let Mapped::Item {
            kind,
            label,
            enabler,
        } = mapped
        else {
            match parent_key(issue) {
                Some(parent) => {
                    let done = super::generic_status(jira_status(&issue.status)) == Some("done");
                    let mark = if done { "x" } else { " " };
                    criteria.push((parent, format!("- [{mark}] {}", one_line(&issue.summary))));
                }
                None => report.notes.push(format!(
                    "{}: sub-task {} has no parent to hold it as a criterion; not imported",
                    issue.source, issue.key
                )),
            }
            continue;
        };
        let mut labels = issue.labels.clone();
        if let Some(label) = label
            && !labels.iter().any(|l| l == label)
        {
            labels.push(label.to_string());
        }
        let status = options
            .statuses
            .iter()
            .find(|(from, _)| from.trim().eq_ignore_ascii_case(issue.status.trim()))
            .map_or_else(
                || jira_status(&issue.status).to_string(),
                |(_, to)| to.clone(),
            );
        // The workflow's state for the status, as every import finds it.
        let mut probe = NewItem {
            item_type: Some(kind),
            status,
            ..NewItem::default()
        };
        super::normalize_status(&mut probe, config);
        let mut extra = Vec::new();
        // Without a key the Issue id is the exporter's numbering, not Jira's.
        if !issue.issue_id.is_empty() && !issue.key.starts_with(NO_KEY) {
            extra.push(("jira_id".to_string(), scalar::string(&issue.issue_id)));
        }
        if probe.extra.iter().any(|(k, _)| k == "status") {
            extra.push(("jira_status".to_string(), scalar::string(&issue.status)));
        }
        for (name, values) in &issue.extra {
            extra.push((name.to_string(), yaml_values(values)));
        }
        fields.push(Fields {
            key: issue.key.clone(),
            source: issue.source.clone(),
            kind: Some(kind),
            enabler,
            title: one_line(&issue.summary),
            status: probe.status,
            parent_key: parent_key(issue),
            parent: None,
            points: issue.points,
            owner: issue.assignee.clone(),
            labels,
            body: body(&issue.description, &issue.criteria),
            extra,
        });
    }
    for (parent, line) in criteria {
        match fields.iter_mut().find(|f| f.key == parent) {
            Some(story) => add_criterion(&mut story.body, &line),
            None => report.notes.push(format!(
                "sub-task `{}` of {parent}: {parent} is not in the export as an item; not imported",
                line.trim_start_matches("- [ ] ")
                    .trim_start_matches("- [x] ")
            )),
        }
    }
    fields
}

/// A summary on one line: Jira's summaries have none, but a hand-edited export may.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn yaml_values(values: &[String]) -> String {
    match values {
        [one] => scalar::string(one),
        many => format!(
            "[{}]",
            many.iter()
                .map(|v| scalar::string(v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The body: the description as markdown, then the acceptance criteria field as the criteria
/// section (added to a criteria section the description has, else a new one at the end).
pub fn body(description: &str, criteria: &str) -> String {
    let mut body = wiki::to_markdown(description);
    let criteria = wiki::to_markdown(criteria);
    for line in criteria.lines().filter(|l| !l.trim().is_empty()) {
        let line = if line.starts_with("- [") || line.starts_with(' ') {
            line.to_string()
        } else {
            let text = line.strip_prefix("- ").unwrap_or(line);
            let text = text.strip_prefix("1. ").unwrap_or(text);
            format!("- [ ] {text}")
        };
        add_criterion(&mut body, &line);
    }
    if !body.is_empty() {
        body.push('\n');
    }
    body
}

/// Adds a criterion line at the end of the body's criteria section, creating the section at the
/// end when there is none.
fn add_criterion(body: &mut String, line: &str) {
    let mut lines: Vec<&str> = body.lines().collect();
    let heading_level = |l: &str| {
        let hashes = l.len() - l.trim_start_matches('#').len();
        (hashes > 0 && l[hashes..].starts_with(' ')).then_some(hashes)
    };
    let section = lines.iter().position(|l| {
        heading_level(l).is_some() && wiki::is_criteria_heading(l.trim_start_matches('#'))
    });
    let text = match section {
        Some(start) => {
            let level = heading_level(lines[start]).unwrap_or(2);
            let end = lines[start + 1..]
                .iter()
                .position(|l| heading_level(l).is_some_and(|h| h <= level))
                .map_or(lines.len(), |i| start + 1 + i);
            // After the section's last non-blank line.
            let mut at = end;
            while at > start + 1 && lines[at - 1].trim().is_empty() {
                at -= 1;
            }
            lines.insert(at, line);
            lines.join("\n")
        }
        None => {
            let trimmed = body.trim_end();
            if trimmed.is_empty() {
                format!("## Acceptance criteria\n{line}")
            } else {
                format!("{trimmed}\n\n## Acceptance criteria\n{line}")
            }
        }
    };
    let newline = body.ends_with('\n');
    *body = text;
    if newline {
        body.push('\n');
    }
}

/// Resolves each parent key to a popm id: an item of this import, or one the backlog has.
pub fn resolve_parents(
    fields: &mut [Fields],
    id_of_key: &HashMap<String, String>,
    report: &mut Report,
) {
    for f in fields.iter_mut() {
        let Some(key) = &f.parent_key else { continue };
        match id_of_key.get(key) {
            Some(id) => f.parent = Some(id.clone()),
            None => report.notes.push(format!(
                "{}: parent {key} of {} is neither in the export nor in the backlog; no parent set",
                f.source, f.key
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_go_into_the_descriptions_section_or_a_new_one() {
        assert_eq!(
            body(
                "h2. Goal\nPay.\nh2. Acceptance criteria\n* a\n\nh2. Notes\nx",
                "* b\nc"
            ),
            "## Goal\nPay.\n## Acceptance criteria\n- [ ] a\n- [ ] b\n- [ ] c\n\n## Notes\nx\n"
        );
        assert_eq!(
            body("Pay.", "# first\n# second"),
            "Pay.\n\n## Acceptance criteria\n- [ ] first\n- [ ] second\n"
        );
        assert_eq!(body("", ""), "");
    }

    #[test]
    fn a_defused_cell_is_read_as_jira_wrote_it() {
        assert_eq!(cell("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(cell("'quoted'"), "'quoted'");
        assert_eq!(cell("  x "), "x");
    }
}
