//! The portfolio's cache of its ARTs: one bare repository per ART under the portfolio
//! repository's git directory (`.git/popm/portfolio/<name>.git`), its ref `refs/popm/fetched`
//! at the commit last fetched. Every portfolio command but `fetch` reads only this cache, offline.
//!
//! How an ART gets there depends on its URL. A network URL (`git://`, `ssh://`, `http(s)://`) is
//! fetched with gix's own client. A local repository (a path or `file://`) is read directly with gix and its
//! objects copied into the cache: gix's fetch would spawn `git upload-pack` for it, and popm runs
//! no git binary. The result is the same either way: a ref pointing at a complete commit.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use gix::objs::Write as _;

use super::{Git, GitError, ObjectId, Result};

/// The ref, in each ART's cache repository, at the commit last fetched.
pub const FETCHED_REF: &str = "refs/popm/fetched";

/// Where the cache of every ART lives in the portfolio repository.
pub fn cache_root(portfolio: &Git) -> PathBuf {
    portfolio.common_dir().join("popm").join("portfolio")
}

/// What one fetch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetched {
    /// The commit the cache held before, if any.
    pub before: Option<ObjectId>,
    pub after: ObjectId,
}

/// Where an ART's repository is, as its URL says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A repository on this machine (a path, or `file://`), read directly.
    Local(PathBuf),
    /// A URL gix's network client fetches from.
    Network(String),
}

impl Location {
    /// Reads a URL; a relative path is relative to `base` (the portfolio's root), not to where
    /// popm runs.
    pub fn of(url: &str, base: &Path) -> Location {
        if let Some(path) = url.strip_prefix("file://") {
            return Location::Local(base.join(path));
        }
        let scp_like = url
            .split_once(':')
            .is_some_and(|(host, _)| host.contains('@') && !host.contains('/'));
        if url.contains("://") || scp_like {
            Location::Network(url.to_string())
        } else {
            Location::Local(base.join(url))
        }
    }
}

/// The cache repository of one ART, opened; `None` when it was never fetched.
pub fn open_cached(root: &Path, name: &str) -> Result<Option<(Git, ObjectId)>> {
    let dir = root.join(format!("{name}.git"));
    if !dir.join("HEAD").is_file() {
        return Ok(None);
    }
    let repo = open_isolated(&dir)?;
    let Some(tip) = fetched_tip(&repo)? else {
        return Ok(None);
    };
    Ok(Some((Git { repo, workdir: dir }, tip)))
}

/// Brings the ART's `remote_ref` (`refs/heads/main`) into its cache repository.
pub fn fetch(root: &Path, name: &str, location: &Location, remote_ref: &str) -> Result<Fetched> {
    let cache = open_or_create(&root.join(format!("{name}.git")))?;
    let before = fetched_tip(&cache)?;
    let after = match location {
        Location::Local(path) => copy_local(path, &cache, remote_ref)?,
        Location::Network(url) => fetch_network(&cache, url, remote_ref)?,
    };
    Ok(Fetched { before, after })
}

fn open_isolated(dir: &Path) -> Result<gix::Repository> {
    gix::open_opts(dir, gix::open::Options::isolated()).map_err(|e| {
        GitError(format!(
            "cannot open the cache {}: {}",
            dir.display(),
            cause(&e)
        ))
    })
}

fn fetched_tip(repo: &gix::Repository) -> Result<Option<ObjectId>> {
    let reference = repo
        .try_find_reference(FETCHED_REF)
        .map_err(|e| GitError(format!("cannot read {FETCHED_REF}: {}", cause(&e))))?;
    match reference {
        None => Ok(None),
        Some(mut r) => r.peel_to_commit().map(|c| Some(c.id)).map_err(|e| {
            GitError(format!(
                "the cache's {FETCHED_REF} is no commit: {}",
                cause(&e)
            ))
        }),
    }
}

/// Opens the cache repository, creating it (and its parents) when absent. A folder left half made
/// by an interrupted first fetch (no `HEAD`) is removed and made again.
fn open_or_create(dir: &Path) -> Result<gix::Repository> {
    if dir.join("HEAD").is_file() {
        return open_isolated(dir);
    }
    let fail = |e: &dyn std::fmt::Display| {
        GitError(format!("cannot create the cache {}: {e}", dir.display()))
    };
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| fail(&e))?;
    }
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent).map_err(|e| fail(&e))?;
    }
    gix::init_bare(dir).map_err(|e| fail(&cause(&e)))?;
    open_isolated(dir)
}

/// One line for a gix error: its probable cause, which names what failed (the top frame alone
/// says only "connection failed").
fn cause(e: &gix::Error) -> String {
    e.probable_cause().to_string()
}

fn fetch_network(cache: &gix::Repository, url: &str, remote_ref: &str) -> Result<ObjectId> {
    use gix::remote::{Direction, fetch::Tags};
    let shown = super::http::redact(url);
    let fail = |e: gix::Error| {
        let cause = super::http::scrub(&cause(&e), url);
        GitError(format!("cannot fetch from {shown}: {cause}"))
    };
    let spec = format!("+{remote_ref}:{FETCHED_REF}");
    let remote = cache
        .remote_at(url)
        .map_err(fail)?
        .with_refspecs([spec.as_str()], Direction::Fetch)
        .map_err(fail)?
        .with_fetch_tags(Tags::None);
    let interrupt = AtomicBool::new(false);
    let mut connection = remote.connect(Direction::Fetch).map_err(fail)?;
    if super::http::is_http(url) {
        let options = super::http::transport_options(cache, url)?;
        connection = connection.with_transport_options(options);
    }
    connection
        .prepare_fetch(gix::progress::Discard, Default::default())
        .map_err(fail)?
        .receive(gix::progress::Discard, &interrupt)
        .map_err(fail)?;
    fetched_tip(cache)?.ok_or_else(|| GitError(format!("{shown} has no {remote_ref}")))
}

/// Copies the commit `remote_ref` names in the repository at `path`, with every object it
/// reaches that the cache lacks, and points the cache's ref at it. Many objects go into one pack
/// (written whole, then indexed), a few are written loose, children first: either way an object
/// present in the cache has everything below it, so presence prunes the next walk.
fn copy_local(path: &Path, cache: &gix::Repository, remote_ref: &str) -> Result<ObjectId> {
    let shown = path.display();
    let source = gix::open_opts(path, gix::open::Options::isolated())
        .map_err(|e| GitError(format!("cannot open the repository {shown}: {}", cause(&e))))?;
    let tip = source
        .find_reference(remote_ref)
        .map_err(|e| GitError(format!("{shown} has no {remote_ref}: {}", cause(&e))))?
        .peel_to_commit()
        .map_err(|e| {
            GitError(format!(
                "{remote_ref} in {shown} is no commit: {}",
                cause(&e)
            ))
        })?
        .id;
    let fail = |e: gix::Error| GitError(format!("cannot copy from {shown}: {}", cause(&e)));
    let missing = source
        .rev_walk([tip])
        .selected(|id| !cache.has_object(id))
        .map_err(fail)?
        .map(|info| info.map(|i| i.id))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| GitError(format!("cannot walk {shown}: {}", cause(&e))))?;
    let mut objects = Objects::default();
    for id in missing.iter().rev() {
        let commit = source.find_commit(*id).map_err(fail)?;
        let tree = commit.tree_id().map_err(fail)?.detach();
        objects.tree(&source, cache, tree).map_err(fail)?;
        objects.push(*id);
    }
    let mut keep = None;
    if objects.order.len() >= super::pack::PACK_FROM {
        let written = super::pack::write(&source, cache, &objects.order)
            .map_err(|e| GitError(format!("cannot copy from {shown}: {e}")))?;
        keep = written.keep;
    } else {
        for id in &objects.order {
            let object = source.find_object(*id).map_err(fail)?;
            write(cache, object.kind, &object.data).map_err(fail)?;
        }
    }
    cache
        .reference(
            FETCHED_REF,
            tip,
            gix::refs::transaction::PreviousValue::Any,
            "popm: portfolio fetch",
        )
        .map_err(fail)?;
    // The ref holds the pack's objects now: it needs no protection from a clean-up any more.
    if let Some(keep) = keep {
        let _ = std::fs::remove_file(keep);
    }
    Ok(tip)
}

fn write(cache: &gix::Repository, kind: gix::objs::Kind, data: &[u8]) -> gix::Result<ObjectId> {
    cache
        .objects
        .write_buf(kind, data)
        .map_err(gix::Error::from_error)
}

/// The objects a fetch copies, children before parents (so loose writes keep "present means
/// complete below"), each once.
#[derive(Default)]
struct Objects {
    order: Vec<ObjectId>,
    seen: std::collections::HashSet<ObjectId>,
}

impl Objects {
    fn push(&mut self, id: ObjectId) {
        if self.seen.insert(id) {
            self.order.push(id);
        }
    }

    /// A tree and everything below it that the cache lacks, deepest first; an explicit stack,
    /// so a deep tree cannot overflow ours.
    fn tree(
        &mut self,
        source: &gix::Repository,
        cache: &gix::Repository,
        root: ObjectId,
    ) -> gix::Result<()> {
        // (tree, whether its children were pushed already)
        let mut stack = vec![(root, false)];
        while let Some((id, expanded)) = stack.pop() {
            if self.seen.contains(&id) || cache.has_object(id) {
                continue;
            }
            if expanded {
                self.push(id);
                continue;
            }
            stack.push((id, true));
            let tree = source.find_tree(id)?;
            for entry in tree.iter() {
                let entry = entry?;
                let mode = entry.mode();
                let oid = entry.oid().to_owned();
                if mode.is_tree() {
                    stack.push((oid, false));
                } else if mode.is_blob_or_symlink()
                    && !self.seen.contains(&oid)
                    && !cache.has_object(oid)
                {
                    self.push(oid);
                }
                // A submodule's commit lives in another repository: nothing to copy.
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        let base = Path::new("/p");
        assert_eq!(
            Location::of("../rail", base),
            Location::Local(PathBuf::from("/p/../rail"))
        );
        assert_eq!(
            Location::of("/srv/rail.git", base),
            Location::Local(PathBuf::from("/srv/rail.git"))
        );
        assert_eq!(
            Location::of("file:///srv/rail.git", base),
            Location::Local(PathBuf::from("/srv/rail.git"))
        );
        for url in [
            "git://h/rail.git",
            "ssh://h/rail",
            "git@h:rail.git",
            "https://h/r",
        ] {
            assert_eq!(
                Location::of(url, base),
                Location::Network(url.into()),
                "{url}"
            );
        }
    }
}
