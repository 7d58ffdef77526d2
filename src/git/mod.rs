//! Every read popm makes of a git repository, behind a small interface. All of it goes through gix
//! (gitoxide); popm never runs a `git` binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gix::bstr::ByteSlice;

pub use gix::ObjectId;

/// A repository with a work tree.
pub struct Git {
    repo: gix::Repository,
    workdir: PathBuf,
}

/// A git failure, already phrased for the user (exit status 2).
pub type Result<T> = std::result::Result<T, String>;

/// A file's path relative to the work tree, with `/`, and its blob.
pub type Blobs = BTreeMap<String, ObjectId>;

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
                return Err(format!(
                    "cannot open the git repository at {}: {err}",
                    dir.display()
                ));
            }
        };
        let Some(workdir) = repo.workdir() else {
            return Err(format!(
                "{} is a bare git repository: it has no work tree with a backlog",
                repo.git_dir().display()
            ));
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

    /// Where git runs hooks from: `core.hooksPath` when set, else `.git/hooks`.
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
            None => self.repo.git_dir().join("hooks"),
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
            return Err("HEAD has no commits yet".into());
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
            Ok(None) if self.is_shallow() => Err(format!(
                "the merge base of `{a_name}` and HEAD is not in this shallow clone; fetch more \
                 history: git fetch --unshallow (in CI: fetch-depth: 0)"
            )),
            Ok(None) => Err(format!("`{a_name}` and HEAD have no common history")),
            Err(e) => Err(format!(
                "cannot find the merge base of `{a_name}` and HEAD: {e}"
            )),
        }
    }

    /// The blobs of a commit's tree under `prefix` (a folder relative to the work tree, with `/`;
    /// empty for the whole tree).
    pub fn tree_blobs(&self, commit: ObjectId, prefix: &str) -> Result<Blobs> {
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| format!("cannot read the tree of {commit}: {e}"))?;
        let prefix = prefix.trim_matches('/');
        let subtree = if prefix.is_empty() {
            tree
        } else {
            match tree
                .lookup_entry_by_path(prefix)
                .map_err(|e| format!("cannot read {prefix} at {commit}: {e}"))?
            {
                Some(entry) if entry.mode().is_tree() => self
                    .repo
                    .find_tree(entry.object_id())
                    .map_err(|e| format!("cannot read {prefix} at {commit}: {e}"))?,
                _ => return Ok(Blobs::new()),
            }
        };
        let mut recorder = gix::traverse::tree::Recorder::default();
        subtree
            .traverse()
            .breadthfirst(&mut recorder)
            .map_err(|e| format!("cannot walk {prefix} at {commit}: {e}"))?;
        let mut out = Blobs::new();
        for entry in recorder.records {
            if !entry.mode.is_blob() {
                continue;
            }
            let path = entry.filepath.to_str_lossy();
            let full = if prefix.is_empty() {
                path.into_owned()
            } else {
                format!("{prefix}/{path}")
            };
            out.insert(full, entry.oid);
        }
        Ok(out)
    }

    /// The blobs the index (staging area) holds under `prefix`. Conflicted paths are read from
    /// "ours"; intent-to-add entries have no content yet and are left out.
    pub fn index_blobs(&self, prefix: &str) -> Result<Blobs> {
        use gix::index::entry::{Flags, Mode, Stage};
        let index = self.repo.index_or_empty().map_err(|e| {
            format!(
                "cannot read the git index of {}: {e}",
                self.repo.git_dir().display()
            )
        })?;
        let prefix = prefix.trim_matches('/');
        let mut out = Blobs::new();
        for entry in index.entries() {
            if entry.flags.contains(Flags::INTENT_TO_ADD)
                || !(entry.mode == Mode::FILE || entry.mode == Mode::FILE_EXECUTABLE)
                || !matches!(entry.stage(), Stage::Unconflicted | Stage::Ours)
            {
                continue;
            }
            let path = entry.path(&index).to_str_lossy();
            let inside = prefix.is_empty()
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'));
            if inside {
                out.insert(path.into_owned(), entry.id);
            }
        }
        Ok(out)
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
        gix::objs::compute_hash(self.repo.object_hash(), gix::objs::Kind::Blob, bytes).ok()
    }
}

fn read_blob(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>> {
    repo.find_blob(id)
        .map(|mut b| b.take_data())
        .map_err(|e| format!("cannot read blob {id}: {e}"))
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
}
