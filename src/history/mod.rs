//! The backlog's history, read from the first-parent line of a branch: for every item (by id, so
//! renames and moves are followed), the commits that changed it and what it looked like after each.
//!
//! The walk scales with what changed, not with the size of the backlog: a commit whose backlog
//! folders have the same tree ids as its predecessor's is skipped without reading anything; other
//! commits are diffed tree by tree (equal subtrees skipped by id), only changed blobs are parsed,
//! and parses are cached by blob id.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::git::{BlobChange, CommitInfo, Git, ObjectId};
use crate::model::{EnablerKind, Item, ItemType};
use crate::workspace::{EnvError, Workspace};

/// What popm tracks of one version of an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub id: String,
    pub kind: Option<ItemType>,
    pub title: String,
    /// As written.
    pub status: Option<String>,
    /// Index into the type's workflow (as configured now); `None` for an unknown status.
    pub state: Option<usize>,
    pub parent: Option<String>,
    pub pi: Option<String>,
    pub team: Vec<String>,
    pub points: Option<f64>,
    /// business value, time criticality, risk reduction, job size.
    pub wsjf: [Option<i64>; 4],
    /// (checked, total) acceptance criteria.
    pub criteria: Option<(usize, usize)>,
    pub enabler: Option<EnablerKind>,
    pub labels: Vec<String>,
    /// For PIs: first and last day.
    pub pi_dates: Option<(jiff::civil::Date, jiff::civil::Date)>,
    /// For PIs: the objectives.
    pub objectives: Vec<ObjectiveValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveValue {
    pub team: Option<String>,
    pub committed: bool,
    pub planned: Option<i64>,
    pub actual: Option<i64>,
}

impl Snapshot {
    pub fn of(item: &Item, config: &Config) -> Option<Snapshot> {
        let id = item.id()?.to_string();
        let workflow = item.kind().and_then(|t| config.workflow(t));
        let state = match (workflow, &item.status) {
            (Some(w), Some(s)) => w.resolve(&s.value),
            (Some(_), None) => Some(0),
            (None, _) => None,
        };
        let wsjf = item.wsjf.as_ref().map_or([None; 4], |w| {
            [
                w.business_value.as_ref().map(|v| v.value),
                w.time_criticality.as_ref().map(|v| v.value),
                w.risk_reduction.as_ref().map(|v| v.value),
                w.job_size.as_ref().map(|v| v.value),
            ]
        });
        let pi = item.pi_fields.as_ref();
        Some(Snapshot {
            id,
            kind: item.kind(),
            title: item.title().to_string(),
            status: item.status.as_ref().map(|s| s.value.clone()),
            state,
            parent: item.parent.as_ref().map(|p| p.value.clone()),
            pi: item.pi.as_ref().map(|p| p.value.clone()),
            team: item.teams().map(str::to_string).collect(),
            points: item.points.as_ref().map(|p| p.value),
            wsjf,
            criteria: item.acceptance_criteria.as_ref().map(|a| a.progress()),
            enabler: item.enabler.as_ref().map(|e| e.value),
            labels: item.labels.iter().map(|l| l.value.clone()).collect(),
            pi_dates: pi.and_then(|p| p.dates()),
            objectives: pi.map_or(Vec::new(), |p| {
                p.objectives
                    .iter()
                    .map(|o| ObjectiveValue {
                        team: o.team.clone(),
                        committed: o.committed,
                        planned: o.business_value.as_ref().map(|v| v.value),
                        actual: o.actual_value.as_ref().map(|v| v.value),
                    })
                    .collect()
            }),
        })
    }

    /// The resolved state name, or the status as written.
    pub fn status_name<'a>(&'a self, config: &'a Config) -> &'a str {
        let workflow = self.kind.and_then(|t| config.workflow(t));
        match (workflow, self.state) {
            (Some(w), Some(s)) => w.states.get(s).map_or("", String::as_str),
            _ => self.status.as_deref().unwrap_or(""),
        }
    }

    pub fn is_done(&self, config: &Config) -> bool {
        let workflow = self.kind.and_then(|t| config.workflow(t));
        matches!((workflow, self.state), (Some(w), Some(s)) if w.is_done(s))
    }
}

/// One commit that changed an item (its file's content or path), and the item after it.
#[derive(Debug, Clone)]
pub struct Event {
    /// Index into [`History::commits`].
    pub commit: usize,
    /// `None` once no file holds the item any more.
    pub path: Option<String>,
    pub blob: Option<ObjectId>,
    pub snapshot: Option<Arc<Snapshot>>,
    /// The file at `path` did not parse at this commit: `snapshot` is the last readable version,
    /// so one broken commit is not a removal followed by an addition.
    pub unreadable: bool,
}

pub struct History {
    /// Oldest first.
    pub commits: Vec<CommitInfo>,
    /// Item id -> the commits that changed it, oldest first.
    pub items: HashMap<String, Vec<Event>>,
    /// The clone is shallow: the oldest commit is not where the backlog began.
    pub shallow: bool,
    /// Commits of the first-parent line with more than one parent (merges).
    pub merges: usize,
    /// Commits whose backlog folders were the same as their predecessor's.
    pub unchanged: usize,
    /// Distinct blobs parsed.
    pub parsed: usize,
    /// Commits whose committer date could not be read: each takes its predecessor's time (the
    /// first ones the time of the first readable commit).
    pub unreadable_times: usize,
    /// Tree entries added or changed under the backlog with a name that is not a safe file name
    /// (empty, `.`, `..`, holding `/`: only a crafted commit has them); they were skipped.
    pub unsafe_names: usize,
}

impl History {
    /// The item as it is at the end of the walk (`None`: removed or never seen).
    pub fn last(&self, id: &str) -> Option<&Snapshot> {
        self.items.get(id)?.last()?.snapshot.as_deref()
    }
}

/// The repository the history commands read; an error outside one.
pub fn git_of(workspace: &Workspace) -> Result<&Git, EnvError> {
    workspace
        .git
        .as_ref()
        .ok_or_else(|| EnvError::Other("this command needs a git repository".into()))
}

/// The commit HEAD names; an error before the first commit.
pub fn head(git: &Git) -> Result<ObjectId, EnvError> {
    git.head()
        .map_err(EnvError::Other)?
        .ok_or_else(|| EnvError::Other("HEAD has no commits yet: there is no history".into()))
}

/// A commit id as people quote it: its first seven hex digits.
pub fn short(id: &ObjectId) -> String {
    id.to_hex_with_len(7).to_string()
}

/// Walks the first-parent line ending at `tip` (HEAD), oldest commit first.
pub fn read(workspace: &Workspace, git: &Git, tip: ObjectId) -> Result<History, EnvError> {
    let config = &workspace.config;
    // A backlog folder HEAD does not hold (a typo in popm.toml) is the error it is for `check`,
    // not an empty history.
    let tip_tree = git.commit_info(tip).map_err(EnvError::Other)?.tree;
    for (root, prefix) in config.roots.iter().zip(workspace.root_prefixes(git)) {
        if git
            .subtree(tip_tree, &prefix)
            .map_err(EnvError::Other)?
            .is_none()
        {
            return Err(workspace.missing_root_at(root, Some("HEAD")));
        }
    }
    let mut ids = git.first_parent_commits(tip).map_err(EnvError::Other)?;
    ids.reverse();
    let prefixes: Vec<String> = workspace
        .backlog_prefixes(git)
        .into_iter()
        .map(|p| if p == "." { String::new() } else { p })
        .collect();
    // A handle with a pack cache: consecutive versions of a tree are usually deltas of each other.
    let git = &git.for_history();
    let reader = git.reader();
    let mut history = History {
        commits: Vec::with_capacity(ids.len()),
        items: HashMap::new(),
        shallow: git.is_shallow(),
        merges: 0,
        unchanged: 0,
        parsed: 0,
        unreadable_times: 0,
        unsafe_names: 0,
    };
    // The backlog root trees of every commit; `None` where a root folder does not exist.
    let mut roots: Vec<Vec<Option<ObjectId>>> = Vec::with_capacity(ids.len());
    for id in ids {
        let mut info = git.commit_info(id).map_err(EnvError::Other)?;
        if info.time_unreadable {
            history.unreadable_times += 1;
            if let Some(previous) = history.commits.last() {
                info.time = previous.time;
            }
        }
        if info.parents > 1 {
            history.merges += 1;
        }
        let mut these = Vec::with_capacity(prefixes.len());
        for prefix in &prefixes {
            these.push(git.subtree(info.tree, prefix).map_err(EnvError::Other)?);
        }
        roots.push(these);
        history.commits.push(info);
    }
    // Unreadable times before the first readable one take that one's time.
    if let Some(first) = history.commits.iter().find(|c| !c.time_unreadable) {
        let time = first.time;
        for c in history.commits.iter_mut().take_while(|c| c.time_unreadable) {
            c.time = time;
        }
    }
    // The changed item files of each commit whose backlog trees differ from its parent's. Each
    // diff is independent, so the order is free: packs written by `git gc` or a server store older
    // versions of a tree as deltas of newer ones (newest first is fast), `git fast-import` the
    // other way round. A short probe of each direction picks the faster one; the result is the
    // same either way.
    let none = vec![None; prefixes.len()];
    let mut changed: Vec<Option<Vec<BlobChange>>> = vec![None; roots.len()];
    let mut pending: std::collections::VecDeque<usize> = (0..roots.len())
        .filter(|&i| {
            let before = if i == 0 { &none } else { &roots[i - 1] };
            *before != roots[i]
        })
        .collect();
    history.unchanged = roots.len() - pending.len();
    let project = workspace.project_prefix(git);
    let diff =
        |differ: &mut crate::git::TreeDiffer, index: usize| -> Result<Vec<BlobChange>, EnvError> {
            let before = if index == 0 { &none } else { &roots[index - 1] };
            let mut changes = Vec::new();
            for (k, prefix) in prefixes.iter().enumerate() {
                let start = changes.len();
                differ
                    .changes(before[k], roots[index][k], prefix, &mut changes)
                    .map_err(EnvError::Other)?;
                let mut kept = start;
                for i in start..changes.len() {
                    if crate::workspace::is_item_path(config, &project, prefix, &changes[i].path) {
                        changes.swap(kept, i);
                        kept += 1;
                    }
                }
                changes.truncate(kept);
            }
            differ.end_commit();
            Ok(changes)
        };
    const PROBE: usize = 48;
    let mut newest_first = true;
    let mut differ = git.tree_differ();
    if pending.len() > 4 * PROBE {
        let clock = std::time::Instant::now();
        for _ in 0..PROBE {
            if let Some(i) = pending.pop_back() {
                changed[i] = Some(diff(&mut differ, i)?);
            }
        }
        let newest = clock.elapsed();
        let clock = std::time::Instant::now();
        for _ in 0..PROBE {
            if let Some(i) = pending.pop_front() {
                changed[i] = Some(diff(&mut differ, i)?);
            }
        }
        newest_first = newest <= clock.elapsed();
    }
    while let Some(i) = if newest_first {
        pending.pop_back()
    } else {
        pending.pop_front()
    } {
        changed[i] = Some(diff(&mut differ, i)?);
    }
    history.unsafe_names = differ.unsafe_names;
    drop(differ);

    // Path -> (blob, snapshot) of every item file at the current commit.
    let mut files: HashMap<String, (ObjectId, Option<Arc<Snapshot>>)> = HashMap::new();
    // Item id -> the paths holding it (more than one while an id is duplicated).
    let mut paths_of: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut cache: HashMap<ObjectId, Option<Arc<Snapshot>>> = HashMap::new();
    // Path -> the last readable version of the item a now unparseable file at that path held.
    let mut held: HashMap<String, Arc<Snapshot>> = HashMap::new();
    for (index, changes) in changed.into_iter().enumerate() {
        let Some(changes) = changes else {
            continue;
        };
        // Parse the blobs not seen before, in parallel when there are many (the first commit).
        let mut needed: Vec<(ObjectId, &str)> = changes
            .iter()
            .filter_map(|c| c.new.map(|n| (n, c.path.as_str())))
            .filter(|(n, _)| !cache.contains_key(n))
            .collect();
        needed.sort_by_key(|(n, _)| *n);
        needed.dedup_by_key(|(n, _)| *n);
        history.parsed += needed.len();
        let limit = config.max_file_bytes;
        let parse = |local: &crate::git::LocalReader, (blob, path): &(ObjectId, &str)| {
            let snapshot = local
                .read(*blob)
                .ok()
                .filter(|bytes| bytes.len() as u64 <= limit)
                .and_then(|bytes| crate::parse::parse_file(path, bytes).0.item)
                .and_then(|item| Snapshot::of(&item, config))
                .map(Arc::new);
            (*blob, snapshot)
        };
        let parsed: Vec<(ObjectId, Option<Arc<Snapshot>>)> = if needed.len() > 64 {
            needed
                .par_iter()
                .map_init(|| reader.local(), |local, n| parse(local, n))
                .collect()
        } else {
            let local = reader.local();
            needed.iter().map(|n| parse(&local, n)).collect()
        };
        cache.extend(parsed);

        let mut touched: HashSet<String> = HashSet::new();
        for change in &changes {
            let removed = files.remove(&change.path).and_then(|(_, s)| s);
            let old = removed.or_else(|| held.remove(&change.path));
            if let Some(old) = &old {
                if let Some(set) = paths_of.get_mut(&old.id) {
                    set.remove(&change.path);
                }
                touched.insert(old.id.clone());
            }
            if let Some(new) = change.new {
                let snapshot = cache.get(&new).cloned().flatten();
                if snapshot.is_none()
                    && let Some(old) = old
                {
                    // Broken in this commit: the item stays, as it last read.
                    paths_of
                        .entry(old.id.clone())
                        .or_default()
                        .insert(change.path.clone());
                    held.insert(change.path.clone(), old);
                }
                if let Some(s) = &snapshot {
                    paths_of
                        .entry(s.id.clone())
                        .or_default()
                        .insert(change.path.clone());
                    touched.insert(s.id.clone());
                }
                files.insert(change.path.clone(), (new, snapshot));
            }
        }
        for item in touched {
            let current = paths_of
                .get(&item)
                .and_then(|set| set.iter().next())
                .and_then(|path| files.get(path).map(|(blob, s)| (path, *blob, s.clone())));
            let event = match current {
                Some((path, blob, snapshot)) => {
                    let kept = held.get(path).filter(|_| snapshot.is_none()).cloned();
                    Event {
                        commit: index,
                        path: Some(path.clone()),
                        blob: Some(blob),
                        unreadable: kept.is_some(),
                        snapshot: snapshot.or(kept),
                    }
                }
                None => Event {
                    commit: index,
                    path: None,
                    blob: None,
                    snapshot: None,
                    unreadable: false,
                },
            };
            let events = history.items.entry(item).or_default();
            let same = events
                .last()
                .is_some_and(|last| last.path == event.path && last.blob == event.blob);
            if !same {
                events.push(event);
            }
        }
    }
    Ok(history)
}
