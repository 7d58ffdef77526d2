//! `popm log ID`: one item's history, commit by commit, and what each commit changed in it, as
//! typed changes (render/log.rs words them).

use crate::config::Config;
use crate::git::ObjectId;
use crate::history::{Event, History};
use crate::model::{EnablerKind, Item, ItemType, Objective, PiFields, Wsjf};

/// What one commit changed in an item, in the terms a PM uses.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The file does not parse at this commit; the item keeps its last readable state.
    Unreadable {
        path: String,
    },
    /// The first version, at `path`, with its kind and status name (empty without one).
    Added {
        path: String,
        kind: Option<ItemType>,
        status: String,
    },
    /// No file holds the item any more; `was` held it before.
    Removed {
        was: String,
    },
    /// The item got a new id (`popm renumber`): the commit removed `from` and added `to` with the
    /// same type and title.
    Renumbered {
        from: String,
        to: String,
    },
    /// Neither side holds a readable item.
    NoReadableItem,
    Moved {
        from: Option<String>,
        to: Option<String>,
    },
    Type {
        from: Option<ItemType>,
        to: Option<ItemType>,
    },
    /// Status names (empty without one).
    Status {
        from: String,
        to: String,
    },
    /// One WSJF input, by its key in [`Wsjf::KEYS`].
    Wsjf {
        key: &'static str,
        from: Option<i64>,
        to: Option<i64>,
    },
    Parent {
        from: Option<String>,
        to: Option<String>,
    },
    Pi {
        from: Option<String>,
        to: Option<String>,
    },
    Team {
        from: Vec<String>,
        to: Vec<String>,
    },
    Points {
        from: Option<f64>,
        to: Option<f64>,
    },
    /// The number of acceptance criteria.
    Criteria {
        from: usize,
        to: usize,
    },
    /// (checked, total) acceptance criteria.
    CriteriaChecked {
        from: (usize, usize),
        to: (usize, usize),
    },
    Title {
        from: String,
        to: String,
    },
    LabelsOrEnabler,
    /// `depends_on`, as written.
    DependsOn {
        from: Vec<String>,
        to: Vec<String>,
    },
    /// A PI's `start`, `iterations` or `iteration_weeks`, as written.
    PiField {
        key: &'static str,
        from: Option<String>,
        to: Option<String>,
    },
    /// One team's capacity per development iteration (empty: none).
    Capacity {
        team: String,
        from: Vec<f64>,
        to: Vec<f64>,
    },
    /// One work type's share of capacity, in percent.
    Allocation {
        work: String,
        from: Option<f64>,
        to: Option<f64>,
    },
    /// One PI objective, known by its team and text.
    Objective {
        team: Option<String>,
        text: String,
        change: ObjectiveChange,
    },
    /// The file changed but no tracked field did.
    Edited,
}

/// What changed in one PI objective.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectiveChange {
    Added {
        business_value: Option<i64>,
        committed: bool,
    },
    Removed,
    /// The planned business value.
    BusinessValue {
        from: Option<i64>,
        to: Option<i64>,
    },
    /// The actual value: the objective scored (at the PI's end).
    ActualValue {
        from: Option<i64>,
        to: Option<i64>,
    },
    Committed {
        from: bool,
        to: bool,
    },
}

/// One commit that changed the item.
#[derive(Debug, Clone)]
pub struct Entry {
    pub commit: ObjectId,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    pub author: String,
    /// `None` once no file holds the item.
    pub path: Option<String>,
    /// The status name after the commit; `None` once removed.
    pub status: Option<String>,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone)]
pub struct Log {
    /// Oldest first.
    pub entries: Vec<Entry>,
    /// What the history cannot tell (as [`History`] counts it).
    pub shallow: bool,
    pub unreadable_times: usize,
    pub unsafe_names: usize,
}

/// No commit holds the item; `suggestion` is a known id close to the one asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownItem {
    pub id: String,
    pub suggestion: Option<String>,
}

impl std::fmt::Display for UnknownItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no commit on the first-parent line of HEAD holds an item `{}`",
            self.id
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean `{s}`?)")?;
        }
        Ok(())
    }
}

/// The log of the item `id`: one entry per commit that changed it.
pub fn of(history: &History, id: &str, config: &Config) -> Result<Log, UnknownItem> {
    let Some(events) = history.items.get(id) else {
        let mut known: Vec<&str> = history.items.keys().map(String::as_str).collect();
        known.sort_unstable();
        return Err(UnknownItem {
            id: id.to_string(),
            suggestion: crate::model::did_you_mean(id, &known).map(str::to_string),
        });
    };
    // Oldest first: the ids the item had before its renumbers, then `id`.
    let mut ids = vec![id];
    let mut first = events.first();
    while let Some(added) = first
        && ids.len() <= MAX_RENUMBERS
        && let Some((before, its_events)) = renumbered_from(history, added, &ids)
    {
        ids.push(before);
        first = its_events.first();
    }
    ids.reverse();
    let mut entries = Vec::new();
    let mut previous: Option<&Event> = None;
    for (n, item_id) in ids.iter().enumerate() {
        let Some(events) = history.items.get(*item_id) else {
            continue;
        };
        // An earlier id ends with the renumber that removed it: that commit shows as the next
        // id's first entry.
        let renumbered_later = n + 1 < ids.len();
        let events = match (renumbered_later, events.split_last()) {
            (true, Some((_, kept))) => kept,
            _ => events,
        };
        for (k, event) in events.iter().enumerate() {
            let Some(commit) = history.commits.get(event.commit) else {
                continue;
            };
            let mut changes = changes(previous, event, config);
            if k == 0 && n > 0 {
                changes.insert(
                    0,
                    Change::Renumbered {
                        from: ids[n - 1].to_string(),
                        to: item_id.to_string(),
                    },
                );
            }
            entries.push(Entry {
                commit: commit.id,
                time: commit.time,
                author: commit.author.clone(),
                path: event.path.clone(),
                status: event
                    .item
                    .as_ref()
                    .map(|i| i.status_name(config).to_string()),
                changes,
            });
            previous = Some(event);
        }
    }
    Ok(Log {
        entries,
        shallow: history.shallow,
        unreadable_times: history.unreadable_times,
        unsafe_names: history.unsafe_names,
    })
}

/// How many renumbers `popm log` follows back (a bound: ids could be renumbered in a circle).
const MAX_RENUMBERS: usize = 100;

/// The id an item had before the commit of `added` (its first event) gave it its id: an id that
/// commit removed, whose last version has the same type and title. `seen` are the ids followed
/// already.
fn renumbered_from<'a>(
    history: &'a History,
    added: &Event,
    seen: &[&str],
) -> Option<(&'a str, &'a [Event])> {
    let new = added.item.as_deref()?;
    let title = |i: &Item| i.title.as_ref().map(|t| t.value.clone());
    title(new)?;
    let mut found: Vec<(&str, &[Event])> = history
        .items
        .iter()
        .filter(|(id, _)| !seen.contains(&id.as_str()))
        .filter(|(_, events)| {
            let Some((last, before)) = events.split_last() else {
                return false;
            };
            let old = before.last().and_then(|e| e.item.as_deref());
            last.commit == added.commit
                && last.item.is_none()
                && old.is_some_and(|o| o.kind() == new.kind() && title(o) == title(new))
        })
        .map(|(id, events)| (id.as_str(), events.as_slice()))
        .collect();
    // Two candidates cannot be told apart: follow neither.
    (found.len() == 1).then(|| found.remove(0))
}

fn value(v: &Option<crate::model::Spanned<String>>) -> Option<String> {
    v.as_ref().map(|v| v.value.clone())
}

fn wsjf_values(item: &Item) -> [Option<i64>; 4] {
    item.wsjf.as_ref().map_or([None; 4], Wsjf::values)
}

fn labels(item: &Item) -> Vec<&str> {
    item.labels.iter().map(|l| l.value.as_str()).collect()
}

fn enabler(item: &Item) -> Option<EnablerKind> {
    item.enabler.as_ref().map(|e| e.value)
}

/// What `after` changed in the item, compared with `before` (the previous event).
pub fn changes(before: Option<&Event>, after: &Event, config: &Config) -> Vec<Change> {
    let path = |e: Option<&Event>| e.and_then(|e| e.path.clone());
    if after.unreadable {
        return vec![Change::Unreadable {
            path: path(Some(after)).unwrap_or_default(),
        }];
    }
    let old = before.and_then(|e| e.item.as_deref());
    let new = after.item.as_deref();
    let (Some(old), Some(new)) = (old, new) else {
        return vec![match (old, new) {
            (None, Some(n)) => Change::Added {
                path: path(Some(after)).unwrap_or_default(),
                kind: n.kind(),
                status: n.status_name(config).to_string(),
            },
            (Some(_), None) => Change::Removed {
                was: path(before).unwrap_or_default(),
            },
            _ => Change::NoReadableItem,
        }];
    };
    let mut out = Vec::new();
    let (old_path, new_path) = (path(before), path(Some(after)));
    if old_path != new_path {
        out.push(Change::Moved {
            from: old_path,
            to: new_path,
        });
    }
    if old.kind() != new.kind() {
        out.push(Change::Type {
            from: old.kind(),
            to: new.kind(),
        });
    }
    let (a, b) = (old.status_name(config), new.status_name(config));
    if a != b {
        out.push(Change::Status {
            from: a.to_string(),
            to: b.to_string(),
        });
    }
    let (wa, wb) = (wsjf_values(old), wsjf_values(new));
    for (k, key) in Wsjf::KEYS.iter().enumerate() {
        if wa[k] != wb[k] {
            out.push(Change::Wsjf {
                key,
                from: wa[k],
                to: wb[k],
            });
        }
    }
    if value(&old.parent) != value(&new.parent) {
        out.push(Change::Parent {
            from: value(&old.parent),
            to: value(&new.parent),
        });
    }
    if value(&old.pi) != value(&new.pi) {
        out.push(Change::Pi {
            from: value(&old.pi),
            to: value(&new.pi),
        });
    }
    if !old.teams().eq(new.teams()) {
        let teams = |i: &Item| i.teams().map(str::to_string).collect();
        out.push(Change::Team {
            from: teams(old),
            to: teams(new),
        });
    }
    let points = |i: &Item| i.points.as_ref().map(|p| p.value);
    if points(old) != points(new) {
        out.push(Change::Points {
            from: points(old),
            to: points(new),
        });
    }
    let criteria = |i: &Item| {
        i.acceptance_criteria
            .as_ref()
            .map_or((0, 0), |a| a.progress())
    };
    let ((oc, ot), (nc, nt)) = (criteria(old), criteria(new));
    if ot != nt {
        out.push(Change::Criteria { from: ot, to: nt });
    }
    if oc != nc {
        out.push(Change::CriteriaChecked {
            from: (oc, ot),
            to: (nc, nt),
        });
    }
    if old.title() != new.title() {
        out.push(Change::Title {
            from: old.title().to_string(),
            to: new.title().to_string(),
        });
    }
    if labels(old) != labels(new) || enabler(old) != enabler(new) {
        out.push(Change::LabelsOrEnabler);
    }
    let depends =
        |i: &Item| -> Vec<String> { i.depends_on.iter().map(|d| d.value.clone()).collect() };
    if depends(old) != depends(new) {
        out.push(Change::DependsOn {
            from: depends(old),
            to: depends(new),
        });
    }
    let none = PiFields::default();
    let (pi_old, pi_new) = (old.pi_fields.as_deref(), new.pi_fields.as_deref());
    out.extend(pi_changes(pi_old.unwrap_or(&none), pi_new.unwrap_or(&none)));
    if out.is_empty() {
        out.push(Change::Edited);
    }
    out
}

/// What changed in a PI's own fields: dates and iterations, capacity per team, allocation per
/// work type, objectives (matched by team and text).
pub fn pi_changes(old: &PiFields, new: &PiFields) -> Vec<Change> {
    let mut out = Vec::new();
    let text = |v: &Option<crate::model::Spanned<String>>| v.as_ref().map(|v| v.value.clone());
    let number = |v: &Option<crate::model::Spanned<i64>>| v.as_ref().map(|v| v.value.to_string());
    for (key, from, to) in [
        ("start", text(&old.start), text(&new.start)),
        (
            "iterations",
            number(&old.iterations),
            number(&new.iterations),
        ),
        (
            "iteration_weeks",
            number(&old.iteration_weeks),
            number(&new.iteration_weeks),
        ),
    ] {
        if from != to {
            out.push(Change::PiField { key, from, to });
        }
    }
    let capacity = |p: &PiFields, team: &str| -> Vec<f64> {
        p.capacity
            .iter()
            .find(|(t, _)| t.value == team)
            .map(|(_, points)| points.iter().map(|p| p.value).collect())
            .unwrap_or_default()
    };
    let teams = names(
        old.capacity
            .iter()
            .chain(&new.capacity)
            .map(|(t, _)| t.value.as_str()),
    );
    for team in teams {
        let (from, to) = (capacity(old, team), capacity(new, team));
        if from != to {
            out.push(Change::Capacity {
                team: team.to_string(),
                from,
                to,
            });
        }
    }
    let share = |p: &PiFields, work: &str| {
        p.allocation
            .iter()
            .find(|(w, _)| w.value == work)
            .map(|(_, v)| v.value)
    };
    let works = names(
        old.allocation
            .iter()
            .chain(&new.allocation)
            .map(|(w, _)| w.value.as_str()),
    );
    for work in works {
        let (from, to) = (share(old, work), share(new, work));
        if from != to {
            out.push(Change::Allocation {
                work: work.to_string(),
                from,
                to,
            });
        }
    }
    let key = |o: &Objective| (o.team.clone(), o.text.clone().unwrap_or_default());
    let value = |v: &Option<crate::model::Spanned<i64>>| v.as_ref().map(|v| v.value);
    for o in &new.objectives {
        let (team, text) = key(o);
        let change = match old.objectives.iter().find(|b| key(b) == key(o)) {
            None => vec![ObjectiveChange::Added {
                business_value: value(&o.business_value),
                committed: o.committed,
            }],
            Some(b) => {
                let mut changes = Vec::new();
                if value(&b.business_value) != value(&o.business_value) {
                    changes.push(ObjectiveChange::BusinessValue {
                        from: value(&b.business_value),
                        to: value(&o.business_value),
                    });
                }
                if b.committed != o.committed {
                    changes.push(ObjectiveChange::Committed {
                        from: b.committed,
                        to: o.committed,
                    });
                }
                if value(&b.actual_value) != value(&o.actual_value) {
                    changes.push(ObjectiveChange::ActualValue {
                        from: value(&b.actual_value),
                        to: value(&o.actual_value),
                    });
                }
                changes
            }
        };
        for change in change {
            out.push(Change::Objective {
                team: team.clone(),
                text: text.clone(),
                change,
            });
        }
    }
    for b in &old.objectives {
        if !new.objectives.iter().any(|o| key(o) == key(b)) {
            let (team, text) = key(b);
            out.push(Change::Objective {
                team,
                text,
                change: ObjectiveChange::Removed,
            });
        }
    }
    out
}

/// Each name once, in the order first seen.
fn names<'a>(all: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen: Vec<&str> = Vec::new();
    for name in all {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}
