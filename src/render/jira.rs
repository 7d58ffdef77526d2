//! Jira: `popm export --format jira-csv` (the columns Jira's CSV importer maps) and the report
//! of `popm import jira`.

use std::collections::HashMap;

use crate::config::Config;
use crate::import::jira::sync::{Outcome, Plan};
use crate::import::jira::wiki;
use crate::model::{Backlog, EnablerKind, Item, ItemType};
use crate::source::Texts;

/// The Jira issue type of an item: its type's name, a story enabler of kind exploration a Spike,
/// a story labelled `defect` a Bug. `None` for a PI, which Jira has no issue for.
pub fn issue_type(item: &Item) -> Option<&'static str> {
    Some(match item.kind()? {
        ItemType::Epic => "Epic",
        ItemType::Capability => "Capability",
        ItemType::Feature => "Feature",
        ItemType::Story
            if item
                .enabler
                .as_ref()
                .is_some_and(|e| e.value == EnablerKind::Exploration) =>
        {
            "Spike"
        }
        ItemType::Story if item.labels.iter().any(|l| l.value == "defect") => "Bug",
        ItemType::Story => "Story",
        ItemType::Pi | ItemType::Okr => return None,
    })
}

/// `export --format jira-csv`: one row per item but PIs, `Issue ID` numbered in this order and
/// `Parent` naming the parent's, so that Jira's importer rebuilds the hierarchy. One `Labels`
/// column per label of the item that has most (Jira reads repeated columns). The description is
/// the body in wiki markup. Cells are defused like every CSV popm writes.
pub fn export(items: &[&Item], backlog: &Backlog, config: &Config, texts: &Texts) -> String {
    let exported: Vec<(&Item, &str)> = items
        .iter()
        .filter_map(|i| Some((*i, issue_type(i)?)))
        .collect();
    let number: HashMap<&str, usize> = exported
        .iter()
        .enumerate()
        .filter_map(|(n, (i, _))| Some((i.id()?, n + 1)))
        .collect();
    let label_columns = exported
        .iter()
        .map(|(i, _)| i.labels.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut header = vec![
        "Issue Type",
        "Issue ID",
        "Issue key",
        "Summary",
        "Description",
        "Parent",
        "Status",
    ];
    header.extend(std::iter::repeat_n("Labels", label_columns));
    header.push("Story Points");
    let rows: Vec<Vec<String>> = exported
        .iter()
        .enumerate()
        .map(|(n, (item, kind))| {
            let body = texts
                .get(&item.path)
                .and_then(|t| crate::parse::frontmatter::split(t).ok())
                .map_or(String::new(), |s| wiki::from_markdown(s.body));
            let parent = item
                .parent
                .as_ref()
                .and_then(|p| number.get(p.value.as_str()))
                .map_or(String::new(), usize::to_string);
            let mut row = vec![
                kind.to_string(),
                (n + 1).to_string(),
                item.jira
                    .as_ref()
                    .map_or(String::new(), |j| j.value.clone()),
                item.title().to_string(),
                body,
                parent,
                backlog.status(item, config).to_string(),
            ];
            let labels = item
                .labels
                .iter()
                .map(|l| l.value.clone())
                .chain(std::iter::repeat(String::new()));
            row.extend(labels.take(label_columns));
            let points = match item.kind() {
                Some(ItemType::Story) => item.points.as_ref(),
                _ => item.estimate.as_ref(),
            };
            row.push(points.map_or(String::new(), |p| crate::render::number::exact(p.value)));
            row
        })
        .collect();
    super::csv::render(&header, &rows)
}

/// The report of `popm import jira`: what was created, what each update changed, the conflicts.
pub fn import_report(plan: &Plan, dir: &str, dry_run: bool) -> String {
    let mut out = String::new();
    let created: Vec<&Outcome> = plan.items.iter().filter(|o| o.created).collect();
    let updated: Vec<&Outcome> = plan
        .items
        .iter()
        .filter(|o| !o.created && !o.changes.is_empty())
        .collect();
    let mut by_type: std::collections::BTreeMap<&str, usize> = Default::default();
    for o in &created {
        *by_type.entry(o.item_type.as_str()).or_default() += 1;
    }
    let kinds: Vec<String> = by_type.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let (create, update) = if dry_run {
        ("would create", "would update")
    } else {
        ("created", "updated")
    };
    out.push_str(&format!("{create} {} items in {dir}", created.len()));
    if !kinds.is_empty() {
        out.push_str(&format!(" ({})", kinds.join(", ")));
    }
    out.push_str(&format!(
        "; {update} {}; {} unchanged\n",
        updated.len(),
        plan.unchanged
            + plan
                .items
                .iter()
                .filter(|o| !o.created && o.changes.is_empty())
                .count()
    ));
    for o in &created {
        out.push_str(&format!("  + {} {} {}\n", o.id, o.key, o.path));
    }
    let value = |v: &Option<String>| v.as_deref().map_or("(none)".to_string(), |v| v.to_string());
    for o in &updated {
        let changes: Vec<String> = o
            .changes
            .iter()
            .map(|c| format!("{}: {} -> {}", c.field, value(&c.before), value(&c.after)))
            .collect();
        out.push_str(&format!("  ~ {} {}: {}\n", o.id, o.key, changes.join("; ")));
    }
    for o in &plan.items {
        for c in &o.conflicts {
            let kept = if c.theirs {
                "Jira's value taken (--theirs)"
            } else {
                "popm's value kept (--theirs takes Jira's)"
            };
            out.push_str(&format!(
                "conflict: {} {} {}: changed in popm ({}) and in Jira ({}); {kept}\n",
                o.id,
                o.key,
                c.field,
                value(&c.popm),
                value(&c.jira)
            ));
        }
    }
    out
}
