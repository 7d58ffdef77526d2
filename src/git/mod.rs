//! Every read popm makes of a git repository, behind a small interface. All of it goes through gix
//! (gitoxide); popm never runs a `git` binary.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use gix::bstr::ByteSlice;

pub mod fetch;
pub mod http;
mod pack;

pub use gix::ObjectId;

/// A repository with a work tree.
pub struct Git {
    repo: gix::Repository,
    workdir: PathBuf,
}

/// A git failure, already phrased for the user (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GitError(String);

impl From<String> for GitError {
    fn from(message: String) -> GitError {
        GitError(message)
    }
}

pub type Result<T> = std::result::Result<T, GitError>;

/// A file's path relative to the work tree, with `/`, and its blob.
pub type Blobs = BTreeMap<String, ObjectId>;

/// What [`Git::tree_listing`] or [`Git::index_listing`] found under a folder.
#[derive(Debug, Default)]
pub struct TreeListing {
    pub blobs: Blobs,
    /// Paths of symbolic links (never read, as on disk).
    pub links: Vec<String>,
    /// Entries named so that joining the name to its folder would not give a path inside it.
    pub unsafe_names: Vec<UnsafeEntry>,
    /// Folders (paths) nested deeper than the walk enters.
    pub too_deep: Vec<String>,
}

/// A tree entry whose name is not a safe file name: empty, `.`, `..` or holding `/`. git itself
/// never writes one; a crafted commit can, and joined to its folder it would name another path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsafeEntry {
    /// The folder holding it (relative to the work tree, with `/`).
    pub folder: String,
    /// The name as written (lossily decoded).
    pub name: String,
    /// Whether it is a folder (else a file).
    pub tree: bool,
}

/// Whether a tree entry's name is one file name: not empty, not `.` or `..`, no `/`. (A NUL cannot
/// occur: it ends the name in git's tree format.)
pub fn is_safe_name(name: &[u8]) -> bool {
    !(name.is_empty() || name == b"." || name == b".." || name.contains(&b'/'))
}

/// Whether a path (with `/`) from the index is made of safe names only.
pub fn is_safe_path(path: &str) -> bool {
    path.split('/').all(|part| is_safe_name(part.as_bytes()))
}

/// One commit as a history walk needs it.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: ObjectId,
    pub tree: ObjectId,
    /// Committer time in seconds since the Unix epoch (UTC): when the change reached the branch.
    /// Clamped into jiff's timestamp range ([`clamp_time`]), so differences never overflow.
    pub time: i64,
    /// The committer date could not be parsed; `time` is 0 and the history walk replaces it.
    pub time_unreadable: bool,
    /// The committer's UTC offset in seconds, for showing local dates.
    pub offset: i32,
    pub author: String,
    pub parents: usize,
    /// The first parent, `None` for a root commit.
    pub first_parent: Option<ObjectId>,
}

/// A file whose blob differs between two trees: `old` is `None` when it was added, `new` when
/// it was removed. `path` is relative to the work tree, with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobChange {
    pub path: String,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// A decoded tree: its raw bytes, and entries whose names are ranges into them (one allocation
/// per tree, not one per entry: backlog folders hold thousands of files).
#[derive(Debug, Default)]
struct DecodedTree {
    data: Vec<u8>,
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    name: std::ops::Range<usize>,
    tree: bool,
    blob: bool,
    link: bool,
    id: ObjectId,
}

impl DecodedTree {
    fn name(&self, e: &Entry) -> &[u8] {
        self.data.get(e.name.clone()).unwrap_or_default()
    }
}

impl Git {
    /// The repository holding `dir`, searching upwards; `None` outside any repository.
    pub fn discover(dir: &Path) -> Result<Option<Git>> {
        let repo = match gix::discover(dir) {
            Ok(repo) => repo,
            Err(err) => {
                use gix::discover::upwards::Error as Upwards;
                let not_a_repo = matches!(
                    err.downcast_any_ref::<Upwards>(),
                    Some(
                        Upwards::NoGitRepository { .. }
                            | Upwards::NoGitRepositoryWithinCeiling { .. }
                            | Upwards::NoGitRepositoryWithinFs { .. }
                    )
                );
                if not_a_repo {
                    return Ok(None);
                }
                return Err(GitError(format!(
                    "cannot open the git repository at {}: {err}",
                    dir.display()
                )));
            }
        };
        let Some(workdir) = repo.workdir() else {
            return Err(GitError(format!(
                "{} is a bare git repository: it has no work tree with a backlog",
                repo.git_dir().display()
            )));
        };
        let workdir = workdir
            .canonicalize()
            .map_err(|e| format!("cannot use the work tree {}: {e}", workdir.display()))?;
        Ok(Some(Git { repo, workdir }))
    }

    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    pub fn git_dir(&self) -> &Path {
        self.repo.git_dir()
    }

    /// The git directory of the repository's main work tree: where hooks and configuration live for
    /// every work tree (a linked work tree's own git directory holds only its HEAD and index).
    pub fn common_dir(&self) -> &Path {
        self.repo.common_dir()
    }

    /// Where git runs hooks from: `core.hooksPath` when set (relative to the work tree), else
    /// `hooks` in the common git directory.
    pub fn hooks_dir(&self) -> PathBuf {
        let configured = self
            .repo
            .config_snapshot()
            .trusted_path("core.hooksPath")
            .ok()
            .flatten();
        match configured {
            Some(p) if p.is_absolute() => p,
            Some(p) => self.workdir.join(p),
            None => self.repo.common_dir().join("hooks"),
        }
    }

    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow().unwrap_or(false)
    }

    /// The commit HEAD points at; `None` in a repository with no commits yet.
    pub fn head(&self) -> Result<Option<ObjectId>> {
        let head = self.repo.head().map_err(|e| {
            format!(
                "cannot read HEAD in {} (a corrupt repository?): {e}",
                self.repo.git_dir().display()
            )
        })?;
        Ok(head.id().map(|id| id.detach()))
    }

    /// Resolves a revision (`main`, `v1.0`, `HEAD~2`, a short hash) to a commit.
    pub fn commit(&self, rev: &str) -> Result<ObjectId> {
        let names_head = rev == "HEAD" || rev.starts_with("HEAD~") || rev.starts_with("HEAD^");
        if names_head && self.head()?.is_none() {
            return Err(GitError("HEAD has no commits yet".into()));
        }
        let object = self
            .repo
            .rev_parse_single(rev)
            .map_err(|e| format!("unknown revision `{rev}`: {e}"))?
            .object()
            .map_err(|e| format!("cannot read `{rev}`: {e}"))?;
        let commit = object
            .peel_to_commit()
            .map_err(|e| format!("`{rev}` is not a commit: {e}"))?;
        Ok(commit.id)
    }

    /// The best common ancestor of two commits. A shallow clone that lacks it says so.
    pub fn merge_base(&self, a: ObjectId, b: ObjectId, a_name: &str) -> Result<ObjectId> {
        // gix answers `None`, not an error, when the history that holds the base is cut off.
        match self.repo.merge_base(a, b) {
            Ok(Some(base)) => Ok(base.detach()),
            Ok(None) if self.is_shallow() => Err(GitError(format!(
                "the merge base of `{a_name}` and HEAD is not in this shallow clone; fetch more \
                 history: git fetch --unshallow (in CI: fetch-depth: 0)"
            ))),
            Ok(None) => Err(GitError(format!(
                "`{a_name}` and HEAD have no common history"
            ))),
            Err(e) => Err(GitError(format!(
                "cannot find the merge base of `{a_name}` and HEAD: {e}"
            ))),
        }
    }

    /// The blob of the file at `path` (relative to the work tree, with `/`) in a commit; `None`
    /// when there is no file there.
    pub fn file_at(&self, commit: ObjectId, path: &str) -> Result<Option<ObjectId>> {
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| format!("cannot read the tree of {commit}: {e}"))?;
        match tree
            .lookup_entry_by_path(path)
            .map_err(|e| format!("cannot read {path} at {commit}: {e}"))?
        {
            Some(entry) if entry.mode().is_blob() => Ok(Some(entry.object_id())),
            _ => Ok(None),
        }
    }

    /// The files of a commit's tree under `prefix` (a folder relative to the work tree, with `/`;
    /// empty for the whole tree); `None` when the commit has no folder there. Entries whose names
    /// are not safe file names are listed apart and not entered; folders deeper than `max_depth`
    /// below `prefix` are listed apart too. The walk keeps its own stack.
    pub fn tree_listing(
        &self,
        commit: ObjectId,
        prefix: &str,
        max_depth: usize,
    ) -> Result<Option<TreeListing>> {
        let prefix = prefix.trim_matches('/');
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| format!("cannot read the tree of {commit}: {e}"))?;
        let top = if prefix.is_empty() {
            tree.id
        } else {
            match tree
                .lookup_entry_by_path(prefix)
                .map_err(|e| format!("cannot read {prefix} at {commit}: {e}"))?
            {
                Some(entry) if entry.mode().is_tree() => entry.object_id(),
                _ => return Ok(None),
            }
        };
        let mut out = TreeListing::default();
        self.walk_tree(top, prefix.to_string(), 0, max_depth, &mut out)?;
        Ok(Some(out))
    }

    /// Lists the tree `top`, which lies at `folder` (`depth` folders below the listed prefix), into
    /// `out`: [`Git::tree_listing`]'s walk, with its own stack.
    fn walk_tree(
        &self,
        top: ObjectId,
        folder: String,
        depth: usize,
        max_depth: usize,
        out: &mut TreeListing,
    ) -> Result<()> {
        let mut stack = vec![(top, folder, depth)];
        while let Some((id, folder, depth)) = stack.pop() {
            let tree = self.tree_entries(id)?;
            for entry in &tree.entries {
                let raw = tree.name(entry);
                let name = raw.to_str_lossy();
                if !is_safe_name(raw) {
                    out.unsafe_names.push(UnsafeEntry {
                        folder: folder.clone(),
                        name: name.into_owned(),
                        tree: entry.tree,
                    });
                    continue;
                }
                let path = if folder.is_empty() {
                    name.into_owned()
                } else {
                    format!("{folder}/{name}")
                };
                if entry.tree {
                    if depth >= max_depth {
                        out.too_deep.push(path);
                    } else {
                        stack.push((entry.id, path, depth + 1));
                    }
                } else if entry.blob {
                    out.blobs.insert(path, entry.id);
                } else if entry.link {
                    out.links.push(path);
                }
            }
        }
        Ok(())
    }

    /// The files the index (staging area) holds under `prefix`; `None` when it holds nothing
    /// there (git keeps no empty folders). Conflicted paths are read from "ours"; intent-to-add
    /// entries have no content yet and are left out. Paths are as the index holds them: the
    /// caller checks that they are safe ([`is_safe_path`]). A sparse index holds a folder outside
    /// the sparse checkout as one entry naming its tree: that tree is listed as a commit's would
    /// be (folders deeper than `max_depth` below `prefix` listed apart).
    pub fn index_listing(&self, prefix: &str, max_depth: usize) -> Result<Option<TreeListing>> {
        use gix::index::entry::{Flags, Mode, Stage};
        let index = self.index()?;
        let prefix = prefix.trim_matches('/');
        let mut out = TreeListing::default();
        let mut any = false;
        for entry in index.entries() {
            let path = entry.path(&index).to_str_lossy();
            if entry.mode == Mode::DIR {
                // A sparse folder: the prefix, a folder in it, or a folder holding it.
                let folder = path.trim_end_matches('/');
                let below = if prefix.is_empty() || folder == prefix {
                    Some(folder)
                } else {
                    folder
                        .strip_prefix(prefix)
                        .filter(|rest| rest.starts_with('/'))
                        .map(|_| folder)
                };
                if let Some(folder) = below {
                    let depth = folder[prefix.len()..].matches('/').count()
                        + usize::from(prefix.is_empty() && !folder.is_empty());
                    self.walk_tree(entry.id, folder.to_string(), depth, max_depth, &mut out)?;
                    any = true;
                } else if let Some(rest) = prefix
                    .strip_prefix(folder)
                    .and_then(|rest| rest.strip_prefix('/'))
                {
                    let tree = self
                        .repo
                        .find_tree(entry.id)
                        .map_err(|e| format!("cannot read tree {}: {e}", entry.id))?;
                    if let Some(found) = tree
                        .lookup_entry_by_path(rest)
                        .map_err(|e| format!("cannot read {prefix} in the index: {e}"))?
                        .filter(|found| found.mode().is_tree())
                    {
                        self.walk_tree(
                            found.object_id(),
                            prefix.to_string(),
                            0,
                            max_depth,
                            &mut out,
                        )?;
                        any = true;
                    }
                }
                continue;
            }
            let inside = prefix.is_empty()
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'));
            if !inside {
                continue;
            }
            any = true;
            if entry.flags.contains(Flags::INTENT_TO_ADD)
                || !matches!(entry.stage(), Stage::Unconflicted | Stage::Ours)
            {
                continue;
            }
            if entry.mode == Mode::FILE || entry.mode == Mode::FILE_EXECUTABLE {
                out.blobs.insert(path.into_owned(), entry.id);
            } else if entry.mode == Mode::SYMLINK {
                out.links.push(path.into_owned());
            }
        }
        Ok(any.then_some(out))
    }

    /// The blob the index holds at `path` (relative to the work tree, with `/`), if any.
    pub fn index_file(&self, path: &str) -> Result<Option<ObjectId>> {
        let index = self.index()?;
        Ok(index
            .entry_by_path(path.into())
            .filter(|e| !e.flags.contains(gix::index::entry::Flags::INTENT_TO_ADD))
            .map(|e| e.id))
    }

    fn index(&self) -> Result<gix::worktree::Index> {
        self.repo.index_or_empty().map_err(|e| {
            GitError(format!(
                "cannot read the git index of {}: {e}",
                self.repo.git_dir().display()
            ))
        })
    }

    /// The commits of the first-parent line that ends at `tip`, newest first. A shallow clone's
    /// line ends where its history was cut.
    pub fn first_parent_commits(&self, tip: ObjectId) -> Result<Vec<ObjectId>> {
        let walk = self
            .repo
            .rev_walk([tip])
            .first_parent_only()
            .all()
            .map_err(|e| format!("cannot walk the history of {tip}: {e}"))?;
        let mut out = Vec::new();
        for info in walk {
            let info = info.map_err(|e| format!("cannot walk the history of {tip}: {e}"))?;
            out.push(info.id);
        }
        Ok(out)
    }

    /// A commit's tree, committer time, author name and number of parents.
    pub fn commit_info(&self, id: ObjectId) -> Result<CommitInfo> {
        let what = |e: &dyn std::fmt::Display| format!("cannot read commit {id}: {e}");
        let commit = self.repo.find_commit(id).map_err(|e| what(&e))?;
        let tree = commit.tree_id().map_err(|e| what(&e))?.detach();
        // A commit's date is untrusted: one that cannot be parsed must not fail the whole walk.
        let (time, offset, time_unreadable) = match commit.time() {
            Ok(t) => (clamp_time(t.seconds), t.offset, false),
            Err(_) => (0, 0, true),
        };
        let author = commit
            .author()
            .map(|a| a.name.to_str_lossy().trim().to_string())
            .unwrap_or_default();
        Ok(CommitInfo {
            id,
            tree,
            time,
            offset,
            time_unreadable,
            author,
            parents: commit.parent_ids().count(),
            first_parent: commit.parent_ids().next().map(|p| p.detach()),
        })
    }

    /// The id of the tree at `path` (relative, with `/`; empty for `tree` itself) inside `tree`;
    /// `None` when there is no folder there.
    pub fn subtree(&self, tree: ObjectId, path: &str) -> Result<Option<ObjectId>> {
        let path = path.trim_matches('/');
        if path.is_empty() {
            return Ok(Some(tree));
        }
        let root = self
            .repo
            .find_tree(tree)
            .map_err(|e| format!("cannot read tree {tree}: {e}"))?;
        match root
            .lookup_entry_by_path(path)
            .map_err(|e| format!("cannot read {path} in tree {tree}: {e}"))?
        {
            Some(entry) if entry.mode().is_tree() => Ok(Some(entry.object_id())),
            _ => Ok(None),
        }
    }

    /// A handle on the same repository for long history walks: it keeps recently decoded pack
    /// entries, so a tree stored as a delta of the version just read is not rebuilt from its whole
    /// delta chain.
    pub fn for_history(&self) -> Git {
        let mut repo = self.repo.clone();
        repo.objects
            .set_pack_cache(|| Box::new(DeltaCache::new(HISTORY_PACK_CACHE_BYTES)));
        Git {
            repo,
            workdir: self.workdir.clone(),
        }
    }

    /// A tree differ that remembers the trees it decoded for the last commit, for walks where each
    /// commit's new trees are the next commit's old ones.
    pub fn tree_differ(&self) -> TreeDiffer<'_> {
        TreeDiffer {
            git: self,
            previous: HashMap::new(),
            current: HashMap::new(),
            unsafe_names: 0,
        }
    }

    fn tree_entries(&self, id: ObjectId) -> Result<DecodedTree> {
        let mut tree = self
            .repo
            .find_tree(id)
            .map_err(|e| format!("cannot read tree {id}: {e}"))?;
        let base = tree.data.as_ptr() as usize;
        let entries = tree
            .decode()
            .map_err(|e| format!("cannot decode tree {id}: {e}"))?
            .entries
            .iter()
            .map(|e| {
                // Names borrow from the tree's bytes: keep where, not a copy.
                let start = (e.filename.as_ptr() as usize).saturating_sub(base);
                Entry {
                    name: start..start + e.filename.len(),
                    tree: e.mode.is_tree(),
                    blob: e.mode.is_blob(),
                    link: e.mode.is_link(),
                    id: e.oid.to_owned(),
                }
            })
            .collect();
        Ok(DecodedTree {
            data: std::mem::take(&mut tree.data),
            entries,
        })
    }

    pub fn blob(&self, id: ObjectId) -> Result<Vec<u8>> {
        read_blob(&self.repo, id)
    }

    /// A handle for reading blobs from other threads.
    pub fn reader(&self) -> BlobReader {
        BlobReader(self.repo.clone().into_sync())
    }

    /// The blob id git would give these bytes (to compare work-tree files with a commit cheaply).
    pub fn hash(&self, bytes: &[u8]) -> Option<ObjectId> {
        blob_id(&self.repo, bytes)
    }
}

/// A commit time clamped into the range jiff can represent (years -9999 to 9999): git and gix
/// accept any i64, and durations between such times would overflow.
pub fn clamp_time(seconds: i64) -> i64 {
    seconds.clamp(
        jiff::Timestamp::MIN.as_second(),
        jiff::Timestamp::MAX.as_second(),
    )
}

const HISTORY_PACK_CACHE_BYTES: usize = 96 * 1024 * 1024;

/// A memory-capped cache of decoded pack entries (first in, first out): gix's own caches need
/// features that pull in more dependencies, and this is all a history walk needs.
struct DeltaCache {
    entries: HashMap<(u32, u64), (gix::object::Kind, usize, Vec<u8>)>,
    order: std::collections::VecDeque<(u32, u64)>,
    bytes: usize,
    cap: usize,
}

impl DeltaCache {
    fn new(cap: usize) -> DeltaCache {
        DeltaCache {
            entries: HashMap::new(),
            order: std::collections::VecDeque::new(),
            bytes: 0,
            cap,
        }
    }
}

impl gix::odb::pack::cache::DecodeEntry for DeltaCache {
    fn put(
        &mut self,
        pack_id: u32,
        offset: u64,
        data: &[u8],
        kind: gix::object::Kind,
        compressed_size: usize,
    ) {
        let key = (pack_id, offset);
        if data.len() > self.cap / 8 || self.entries.contains_key(&key) {
            return;
        }
        self.entries
            .insert(key, (kind, compressed_size, data.to_vec()));
        self.order.push_back(key);
        self.bytes += data.len();
        while self.bytes > self.cap {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some((_, _, d)) = self.entries.remove(&old) {
                self.bytes -= d.len();
            }
        }
    }

    fn get(
        &mut self,
        pack_id: u32,
        offset: u64,
        out: &mut Vec<u8>,
    ) -> Option<(gix::object::Kind, usize)> {
        let (kind, size, data) = self.entries.get(&(pack_id, offset))?;
        out.clear();
        out.extend_from_slice(data);
        Some((*kind, *size))
    }
}

/// Diffs trees by entry id: subtrees with the same id are skipped without being read, so the cost
/// follows what changed, not the size of the backlog.
/// How deep [`TreeDiffer::changes`] follows folders (git's own `core.maxTreeDepth` default).
pub const MAX_TREE_DEPTH: usize = 2048;

/// One folder of a [`TreeDiffer::changes`] walk: both versions, how far the merge join got, and
/// the folder's own blob change (a file replaced by a folder or back), written after its contents.
struct Frame {
    old: Rc<DecodedTree>,
    new: Rc<DecodedTree>,
    i: usize,
    j: usize,
    prefix: String,
    pending: Option<BlobChange>,
}

pub struct TreeDiffer<'a> {
    git: &'a Git,
    previous: HashMap<ObjectId, Rc<DecodedTree>>,
    current: HashMap<ObjectId, Rc<DecodedTree>>,
    /// Entries added or changed with a name that is not a safe file name ([`is_safe_name`]):
    /// skipped, and counted so that commands can say so.
    pub unsafe_names: usize,
}

impl TreeDiffer<'_> {
    /// Appends the blobs that differ between the trees `old` and `new` (either may be absent) found
    /// at `prefix` (a folder relative to the work tree, with `/`). The walk keeps its own stack, so
    /// a hostile tree nested thousands deep cannot overflow the thread's; past [`MAX_TREE_DEPTH`]
    /// levels it is an error.
    pub fn changes(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        prefix: &str,
        out: &mut Vec<BlobChange>,
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        let mut stack = vec![Frame {
            old: self.tree_or_empty(old)?,
            new: self.tree_or_empty(new)?,
            i: 0,
            j: 0,
            prefix: prefix.to_string(),
            pending: None,
        }];
        while let Some(frame) = stack.last_mut() {
            let (old_tree, new_tree) = (frame.old.clone(), frame.new.clone());
            let (old_entries, new_entries) = (&old_tree.entries, &new_tree.entries);
            if frame.i >= old_entries.len() && frame.j >= new_entries.len() {
                // A folder's own blob change comes after its contents, as a recursive walk
                // gives them.
                if let Some(change) = stack.pop().and_then(|f| f.pending) {
                    out.push(change);
                }
                continue;
            }
            // Both lists are in git's tree order, which `tree_order` reproduces: a merge join.
            let order = match (old_entries.get(frame.i), new_entries.get(frame.j)) {
                (Some(a), Some(b)) => {
                    tree_order(old_tree.name(a), a.tree, new_tree.name(b), b.tree)
                }
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, _) => std::cmp::Ordering::Greater,
            };
            let (a, b) = match order {
                std::cmp::Ordering::Less => {
                    frame.i += 1;
                    (old_entries.get(frame.i - 1), None)
                }
                std::cmp::Ordering::Greater => {
                    frame.j += 1;
                    (None, new_entries.get(frame.j - 1))
                }
                std::cmp::Ordering::Equal => {
                    frame.i += 1;
                    frame.j += 1;
                    (old_entries.get(frame.i - 1), new_entries.get(frame.j - 1))
                }
            };
            if let (Some(a), Some(b)) = (a, b)
                && a.id == b.id
                && a.tree == b.tree
                && a.blob == b.blob
            {
                continue;
            }
            let name = match (a, b) {
                (Some(a), _) => old_tree.name(a),
                (None, Some(b)) => new_tree.name(b),
                (None, None) => continue,
            };
            if !is_safe_name(name) {
                // Joined to its folder, it would name another path (or none): not followed.
                if b.is_some() {
                    self.unsafe_names += 1;
                }
                continue;
            }
            let name = name.to_str_lossy();
            let full = if frame.prefix.is_empty() {
                name.into_owned()
            } else {
                format!("{}/{name}", frame.prefix)
            };
            let old_blob = a.filter(|e| e.blob).map(|e| e.id);
            let new_blob = b.filter(|e| e.blob).map(|e| e.id);
            let change = (old_blob != new_blob).then(|| BlobChange {
                path: full.clone(),
                old: old_blob,
                new: new_blob,
            });
            let old_sub = a.filter(|e| e.tree).map(|e| e.id);
            let new_sub = b.filter(|e| e.tree).map(|e| e.id);
            if old_sub.is_none() && new_sub.is_none() {
                out.extend(change);
                continue;
            }
            if stack.len() >= MAX_TREE_DEPTH {
                let root = if prefix.is_empty() { "." } else { prefix };
                return Err(GitError(format!(
                    "{root}: folders nested more than {MAX_TREE_DEPTH} deep in a commit; popm does \
                     not walk them"
                )));
            }
            stack.push(Frame {
                old: self.tree_or_empty(old_sub)?,
                new: self.tree_or_empty(new_sub)?,
                i: 0,
                j: 0,
                prefix: full,
                pending: change,
            });
        }
        Ok(())
    }

    fn tree_or_empty(&mut self, id: Option<ObjectId>) -> Result<Rc<DecodedTree>> {
        match id {
            Some(id) => self.entries(id),
            None => Ok(Rc::default()),
        }
    }

    /// Ends a commit: the trees read for it are kept for the next one, the rest are dropped.
    pub fn end_commit(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }

    fn entries(&mut self, id: ObjectId) -> Result<Rc<DecodedTree>> {
        let found = self
            .current
            .get(&id)
            .or_else(|| self.previous.get(&id))
            .cloned();
        let entries = match found {
            Some(e) => e,
            None => Rc::new(self.git.tree_entries(id)?),
        };
        self.current.insert(id, entries.clone());
        Ok(entries)
    }
}

/// Git sorts tree entries by name, a folder as if its name ended with `/`.
fn tree_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    if a == b {
        // One name is one entry (a file and a folder of the same name cannot both exist).
        return std::cmp::Ordering::Equal;
    }
    fn key(name: &[u8], tree: bool) -> impl Iterator<Item = u8> + '_ {
        let tail: &'static [u8] = if tree { b"/" } else { b"" };
        name.iter().chain(tail.iter()).copied()
    }
    key(a, a_tree).cmp(key(b, b_tree))
}

/// The SHA-1 blob id of these bytes, without a repository (the work tree outside git too).
pub fn blob_id_sha1(bytes: &[u8]) -> Option<ObjectId> {
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes).ok()
}

fn blob_id(repo: &gix::Repository, bytes: &[u8]) -> Option<ObjectId> {
    gix::objs::compute_hash(repo.object_hash(), gix::objs::Kind::Blob, bytes).ok()
}

fn read_blob(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>> {
    repo.find_blob(id)
        .map(|mut b| b.take_data())
        .map_err(|e| GitError(format!("cannot read blob {id}: {e}")))
}

/// Shared across threads; each thread opens its own handle.
pub struct BlobReader(gix::ThreadSafeRepository);

impl BlobReader {
    pub fn local(&self) -> LocalReader {
        LocalReader(self.0.to_thread_local())
    }
}

pub struct LocalReader(gix::Repository);

impl LocalReader {
    pub fn read(&self, id: ObjectId) -> Result<Vec<u8>> {
        read_blob(&self.0, id)
    }

    /// The blob id git would give these bytes.
    pub fn hash(&self, bytes: &[u8]) -> Option<ObjectId> {
        blob_id(&self.0, bytes)
    }
}
