//! What the history walk learns from one commit, kept under its id: commits never change, so
//! their committer time, author, first parent, backlog folder trees and the item files they
//! changed are read from git once. With every commit of a branch known, `log`, `diff` and `flow`
//! read no commit or tree at all; the items come from the parse cache.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::git::{BlobChange, CommitInfo, ObjectId};

type Id = [u8; 20];

fn id_bytes(id: ObjectId) -> Option<Id> {
    id.as_slice().try_into().ok()
}

fn object(id: Id) -> ObjectId {
    ObjectId::Sha1(id)
}

/// One commit as the history walk needs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    tree: Id,
    first_parent: Option<Id>,
    time: i64,
    time_unreadable: bool,
    offset: i32,
    author: String,
    parents: u32,
    /// The backlog root folders' trees.
    roots: Vec<Option<Id>>,
    /// The item files changed, when the walk diffed this commit: against its first parent, or
    /// (`against_parent` false) against nothing, for the oldest commit of a walk.
    changes: Option<Changes>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Changes {
    against_parent: bool,
    files: Vec<(String, Option<Id>, Option<Id>)>,
    unsafe_names: u32,
}

impl Record {
    pub fn info(&self, id: ObjectId) -> CommitInfo {
        CommitInfo {
            id,
            tree: object(self.tree),
            time: self.time,
            time_unreadable: self.time_unreadable,
            offset: self.offset,
            author: self.author.clone(),
            parents: self.parents as usize,
            first_parent: self.first_parent.map(object),
        }
    }

    pub fn roots(&self) -> Vec<Option<ObjectId>> {
        self.roots.iter().map(|r| r.map(object)).collect()
    }

    /// The changes recorded, when they were diffed in the same situation (against the parent
    /// or not); with how many unsafe names were skipped.
    pub fn changes(&self, against_parent: bool) -> Option<(Vec<BlobChange>, usize)> {
        let c = self.changes.as_ref()?;
        (c.against_parent == against_parent).then(|| {
            let files = c
                .files
                .iter()
                .map(|(path, old, new)| BlobChange {
                    path: path.clone(),
                    old: old.map(object),
                    new: new.map(object),
                })
                .collect();
            (files, c.unsafe_names as usize)
        })
    }
}

/// The commit records of one project and backlog layout.
pub struct Commits {
    dir: PathBuf,
    file: PathBuf,
    build: String,
    records: HashMap<Id, Record>,
    added: usize,
}

#[derive(Serialize, Deserialize)]
struct Body {
    build: String,
    records: Vec<(Id, Record)>,
}

impl Commits {
    pub(super) fn open(dir: PathBuf, file: PathBuf, build: String) -> Commits {
        let records = super::pack::read_framed(&file, super::pack::COMMITS_MAGIC)
            .and_then(|body| postcard::from_bytes::<Body>(&body).ok())
            .filter(|b| b.build == build)
            .map(|b| b.records.into_iter().collect())
            .unwrap_or_default();
        Commits {
            dir,
            file,
            build,
            records,
            added: 0,
        }
    }

    pub fn get(&self, id: ObjectId) -> Option<&Record> {
        self.records.get(&id_bytes(id)?)
    }

    /// The first-parent line ending at `tip`, newest first, when every commit of it is
    /// recorded down to the root commit.
    pub fn first_parent_line(&self, tip: ObjectId) -> Option<Vec<ObjectId>> {
        let mut out = Vec::new();
        let mut next = Some(tip);
        while let Some(id) = next {
            let record = self.get(id)?;
            out.push(id);
            if out.len() > self.records.len() {
                return None;
            }
            next = record.first_parent.map(object);
        }
        Some(out)
    }

    /// Records the item files a commit changed, as the walk diffed them.
    pub fn put_changes(
        &mut self,
        id: ObjectId,
        against_parent: bool,
        files: &[BlobChange],
        unsafe_names: usize,
    ) {
        let Some(record) = id_bytes(id).and_then(|key| self.records.get_mut(&key)) else {
            return;
        };
        record.changes = Some(Changes {
            against_parent,
            files: files
                .iter()
                .map(|c| {
                    (
                        c.path.clone(),
                        c.old.and_then(id_bytes),
                        c.new.and_then(id_bytes),
                    )
                })
                .collect(),
            unsafe_names: u32::try_from(unsafe_names).unwrap_or(u32::MAX),
        });
        self.added += 1;
    }

    /// Records a commit read from git.
    pub fn put(&mut self, info: &CommitInfo, roots: &[Option<ObjectId>]) {
        let (Some(key), Some(tree)) = (id_bytes(info.id), id_bytes(info.tree)) else {
            return;
        };
        let record = Record {
            tree,
            first_parent: info.first_parent.and_then(id_bytes),
            time: info.time,
            time_unreadable: info.time_unreadable,
            offset: info.offset,
            author: info.author.clone(),
            parents: u32::try_from(info.parents).unwrap_or(u32::MAX),
            roots: roots.iter().map(|r| r.and_then(id_bytes)).collect(),
            changes: None,
        };
        self.records.insert(key, record);
        self.added += 1;
    }

    /// Writes the records when this run added some; failing to is not an error.
    pub fn save(&mut self) {
        if self.added == 0 {
            return;
        }
        let mut records: Vec<(Id, Record)> = self
            .records
            .iter()
            .map(|(id, r)| (*id, r.clone()))
            .collect();
        records.sort_by_key(|r| r.0);
        let body = Body {
            build: self.build.clone(),
            records,
        };
        let Ok(body) = postcard::to_allocvec(&body) else {
            return;
        };
        let framed = super::pack::frame(super::pack::COMMITS_MAGIC, &body);
        if super::pack::write_atomically(&self.dir, &self.file, &framed).is_ok() {
            self.added = 0;
        }
    }
}

/// How many commits the file at `file` records, when this build wrote it.
pub(super) fn count(file: &std::path::Path, build: &str) -> Option<usize> {
    let body = super::pack::read_framed(file, super::pack::COMMITS_MAGIC)?;
    let body: Body = postcard::from_bytes(&body).ok()?;
    (body.build == build).then_some(body.records.len())
}
