//! The backlog's history, read from the first-parent line of a branch: for every item (by id, so
//! renames and moves are followed), the commits that changed it and what it looked like after each.
//!
//! The walk scales with what changed, not with the size of the backlog: a commit whose backlog
//! folders have the same tree ids as its predecessor's is skipped without reading anything; other
//! commits are diffed tree by tree (equal subtrees skipped by id), only changed blobs are parsed,
//! and parses are cached by blob id.
//!
//! Each version of an item is a [`model::Item`](crate::model::Item) as `popm check` reads it, its
//! state resolved against today's popm.toml and its body's prose dropped (see `version`): the
//! reports ask it the same questions (status, WSJF, team) through the same functions.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::EnvError;
use crate::git::{BlobChange, CommitInfo, Git, ObjectId};
use crate::model::Item;
use crate::source::Workspace;

/// One commit that changed an item (its file's content or path), and the item after it.
#[derive(Debug, Clone)]
pub struct Event {
    /// Index into [`History::commits`].
    pub commit: usize,
    /// `None` once no file holds the item any more.
    pub path: Option<String>,
    pub blob: Option<ObjectId>,
    /// The item after the commit, without its body's prose (see `version`); `None` once removed.
    pub item: Option<Arc<Item>>,
    /// The file at `path` did not parse at this commit: `item` is the last readable version,
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
    pub fn last(&self, id: &str) -> Option<&Item> {
        self.items.get(id)?.last()?.item.as_deref()
    }

    /// Every team some version of some item names.
    pub fn teams(&self) -> impl Iterator<Item = &str> {
        self.items
            .values()
            .flatten()
            .filter_map(|e| e.item.as_deref())
            .flat_map(Item::teams)
    }
}

/// An item as the history keeps it: its state resolved against today's popm.toml, and the body's
/// prose dropped (the first paragraph, a template placeholder left in it and the text of each
/// acceptance criterion; whether each is checked stays). No report reads that prose from the
/// history, and on a long history the kept versions dominate memory: measured on 10 000 items x
/// 5 001 commits, keeping it cost about 25 MB of 200.
fn version(mut item: Item, config: &crate::config::Config) -> Item {
    item.state = item.resolve_state(config);
    item.first_paragraph = None;
    item.placeholder = None;
    if let Some(criteria) = item.acceptance_criteria.as_mut() {
        for c in &mut criteria.criteria {
            c.text = String::new();
        }
    }
    item
}

/// The repository the history commands read; an error outside one.
pub fn git_of(workspace: &Workspace) -> Result<&Git, EnvError> {
    workspace
        .git
        .as_ref()
        .ok_or_else(|| EnvError::NoRepository {
            what: "this command".into(),
            dir: None,
        })
}

/// The commit HEAD names; an error before the first commit.
pub fn head(git: &Git) -> Result<ObjectId, EnvError> {
    git.head()?.ok_or(EnvError::NoCommits {
        needs: "HEAD has no commits yet: there is no history",
    })
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
    let tip_tree = git.commit_info(tip)?.tree;
    for (root, prefix) in config.roots.iter().zip(workspace.root_prefixes(git)) {
        if git.subtree(tip_tree, &prefix)?.is_none() {
            return Err(workspace.missing_root_at(root, Some("HEAD")));
        }
    }
    let prefixes: Vec<String> = workspace
        .backlog_prefixes(git)
        .into_iter()
        .map(|p| if p == "." { String::new() } else { p })
        .collect();
    // What was learned from each commit before (commits never change): with every commit of the
    // line recorded, no commit or tree is read from git.
    let parse_cache = workspace.cache();
    let layout = format!(
        "{}\n{prefixes:?}\n{:?}\n{:?}",
        workspace.project_prefix(git),
        config.roots,
        config.exclude
    );
    let mut records = parse_cache.map(|c| c.commits(&layout));
    crate::trace::phase("commit records");
    let recorded_line = records
        .as_ref()
        .filter(|_| !git.is_shallow())
        .and_then(|r| r.first_parent_line(tip));
    let mut ids = match recorded_line {
        Some(ids) => ids,
        None => git.first_parent_commits(tip)?,
    };
    ids.reverse();
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
        let recorded = records
            .as_ref()
            .and_then(|r| r.get(id))
            .filter(|r| r.roots().len() == prefixes.len());
        let (mut info, these) = match recorded {
            Some(r) => (r.info(id), r.roots()),
            None => {
                let info = git.commit_info(id)?;
                let mut these = Vec::with_capacity(prefixes.len());
                for prefix in &prefixes {
                    these.push(git.subtree(info.tree, prefix)?);
                }
                if let Some(r) = records.as_mut() {
                    r.put(&info, &these);
                }
                (info, these)
            }
        };
        if info.time_unreadable {
            history.unreadable_times += 1;
            if let Some(previous) = history.commits.last() {
                info.time = previous.time;
            }
        }
        if info.parents > 1 {
            history.merges += 1;
        }
        roots.push(these);
        history.commits.push(info);
    }
    crate::trace::phase("commits");
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
    // Commits diffed by an earlier run.
    let mut recorded_unsafe = 0;
    if let Some(r) = records.as_ref() {
        pending.retain(|&i| {
            let known = r
                .get(history.commits[i].id)
                .and_then(|record| record.changes(i > 0));
            match known {
                Some((files, unsafe_names)) => {
                    changed[i] = Some(files);
                    recorded_unsafe += unsafe_names;
                    false
                }
                None => true,
            }
        });
    }
    let mut unsafe_of: Vec<usize> = vec![0; roots.len()];
    let mut diffed: Vec<usize> = Vec::new();
    let project = workspace.project_prefix(git);
    let diff =
        |differ: &mut crate::git::TreeDiffer, index: usize| -> Result<Vec<BlobChange>, EnvError> {
            let before = if index == 0 { &none } else { &roots[index - 1] };
            let mut changes = Vec::new();
            for (k, prefix) in prefixes.iter().enumerate() {
                let start = changes.len();
                differ.changes(before[k], roots[index][k], prefix, &mut changes)?;
                let mut kept = start;
                for i in start..changes.len() {
                    if crate::source::is_item_path(config, &project, prefix, &changes[i].path) {
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
                let before = differ.unsafe_names;
                changed[i] = Some(diff(&mut differ, i)?);
                unsafe_of[i] = differ.unsafe_names - before;
                diffed.push(i);
            }
        }
        let newest = clock.elapsed();
        let clock = std::time::Instant::now();
        for _ in 0..PROBE {
            if let Some(i) = pending.pop_front() {
                let before = differ.unsafe_names;
                changed[i] = Some(diff(&mut differ, i)?);
                unsafe_of[i] = differ.unsafe_names - before;
                diffed.push(i);
            }
        }
        newest_first = newest <= clock.elapsed();
    }
    while let Some(i) = if newest_first {
        pending.pop_back()
    } else {
        pending.pop_front()
    } {
        let before = differ.unsafe_names;
        changed[i] = Some(diff(&mut differ, i)?);
        unsafe_of[i] = differ.unsafe_names - before;
        diffed.push(i);
    }
    history.unsafe_names = differ.unsafe_names + recorded_unsafe;
    drop(differ);
    if let Some(r) = records.as_mut() {
        for i in diffed {
            if let Some(files) = &changed[i] {
                r.put_changes(history.commits[i].id, i > 0, files, unsafe_of[i]);
            }
        }
        r.save();
    }
    crate::trace::phase("diffs");

    // Path -> (blob, item) of every item file at the current commit.
    let mut files: HashMap<String, (ObjectId, Option<Arc<Item>>)> = HashMap::new();
    // Item id -> the paths holding it (more than one while an id is duplicated).
    let mut paths_of: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut cache: HashMap<ObjectId, Option<Arc<Item>>> = HashMap::new();
    // Path -> the last readable version of the item a now unparseable file at that path held.
    let mut held: HashMap<String, Arc<Item>> = HashMap::new();
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
            // Each blob is parsed once, ever: the parse cache has the blobs of earlier runs.
            let item = match parse_cache.and_then(|c| c.get(*blob, path)) {
                Some(hit) => hit.parsed.item,
                None => local
                    .read(*blob)
                    .ok()
                    .filter(|bytes| bytes.len() as u64 <= limit)
                    .and_then(|bytes| {
                        let (parsed, text) = crate::parse::parse_file(path, bytes);
                        if let Some(c) = parse_cache {
                            c.put(*blob, path, &parsed, text.as_deref());
                        }
                        parsed.item
                    }),
            };
            // An item is known by its id: a file without one holds none.
            let item = item
                .filter(|item| item.id().is_some())
                .map(|item| Arc::new(version(*item, config)));
            (*blob, item)
        };
        let parsed: Vec<(ObjectId, Option<Arc<Item>>)> = if needed.len() > 64 {
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
            let removed = files.remove(&change.path).and_then(|(_, item)| item);
            let old = removed.or_else(|| held.remove(&change.path));
            if let Some(id) = old.as_deref().and_then(Item::id) {
                if let Some(set) = paths_of.get_mut(id) {
                    set.remove(&change.path);
                }
                touched.insert(id.to_string());
            }
            if let Some(new) = change.new {
                let item = cache.get(&new).cloned().flatten();
                if item.is_none()
                    && let Some(old) = old
                    && let Some(id) = old.id()
                {
                    // Broken in this commit: the item stays, as it last read.
                    paths_of
                        .entry(id.to_string())
                        .or_default()
                        .insert(change.path.clone());
                    held.insert(change.path.clone(), old);
                }
                if let Some(id) = item.as_deref().and_then(Item::id) {
                    paths_of
                        .entry(id.to_string())
                        .or_default()
                        .insert(change.path.clone());
                    touched.insert(id.to_string());
                }
                files.insert(change.path.clone(), (new, item));
            }
        }
        for id in touched {
            let current = paths_of
                .get(&id)
                .and_then(|set| set.iter().next())
                .and_then(|path| {
                    files
                        .get(path)
                        .map(|(blob, item)| (path, *blob, item.clone()))
                });
            let event = match current {
                Some((path, blob, item)) => {
                    let kept = held.get(path).filter(|_| item.is_none()).cloned();
                    Event {
                        commit: index,
                        path: Some(path.clone()),
                        blob: Some(blob),
                        unreadable: kept.is_some(),
                        item: item.or(kept),
                    }
                }
                None => Event {
                    commit: index,
                    path: None,
                    blob: None,
                    item: None,
                    unreadable: false,
                },
            };
            let events = history.items.entry(id).or_default();
            let same = events
                .last()
                .is_some_and(|last| last.path == event.path && last.blob == event.blob);
            if !same {
                events.push(event);
            }
        }
    }
    crate::trace::phase("items");
    if let Some(c) = parse_cache {
        c.save();
    }
    Ok(history)
}
