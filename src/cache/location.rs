//! Where a project's cache lives: `POPM_CACHE_DIR` when set; else inside the repository's git
//! directory (`.git/popm/cache`, per work tree); else the platform's cache directory
//! (`$XDG_CACHE_HOME/popm`, `~/.cache/popm`, `~/Library/Caches/popm`, `%LOCALAPPDATA%\popm`).
//! Pack files are named after the project, so one folder can hold the caches of many.

use std::path::{Path, PathBuf};

/// A project's cache folder and the names of its packs.
#[derive(Debug, Clone)]
pub struct Location {
    /// The folder the packs are in (shown to the user as it is: as `POPM_CACHE_DIR` says it,
    /// else absolute).
    pub dir: PathBuf,
    /// The start of every pack name of this project.
    prefix: String,
}

impl Location {
    /// The pack for these parse settings.
    pub(super) fn pack_file(&self, settings: u64) -> PathBuf {
        self.dir
            .join(format!("{}-{settings:016x}.pack", self.prefix))
    }

    /// The stat index of the work tree, read with the pack of these settings.
    pub(super) fn stats_file(&self, settings: u64) -> PathBuf {
        self.dir
            .join(format!("{}-stat-{settings:016x}.pack", self.prefix))
    }

    /// The checked result of the work tree last checked whole.
    pub(super) fn verdict_file(&self, settings: u64) -> PathBuf {
        self.dir
            .join(format!("{}-check-{settings:016x}.pack", self.prefix))
    }

    /// The commit records for a backlog layout.
    pub(super) fn commits_file(&self, layout: u64) -> PathBuf {
        self.dir
            .join(format!("{}-commits-{layout:016x}.pack", self.prefix))
    }

    /// This project's packs, in name order.
    pub(super) fn packs(&self) -> Vec<PathBuf> {
        let Ok(listing) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut out: Vec<PathBuf> = listing
            .filter_map(Result::ok)
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with(&self.prefix) && name.ends_with(".pack")
            })
            .map(|e| e.path())
            .collect();
        out.sort();
        out
    }
}

/// The cache location of the project at `project_root`, whose repository (if any) has its top
/// at `display_root`. `None` when there is nowhere to put it.
pub fn location(project_root: &Path, display_root: &Path) -> Option<Location> {
    let project = project_root.to_string_lossy();
    let prefix = format!(
        "parse-{:016x}",
        xxhash_rust::xxh3::xxh3_64(project.as_bytes())
    );
    let dir = match std::env::var_os("POPM_CACHE_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => git_dir(display_root)
            .map(|git| git.join("popm").join("cache"))
            .or_else(platform_dir)?,
    };
    Some(Location { dir, prefix })
}

/// The git directory of the work tree at `top`: `.git` itself, or the folder a `.git` file names
/// (`gitdir: ...`, a linked work tree or a submodule); `top` itself when it is a bare repository
/// (an ART in the portfolio's cache, whose parse cache so stays inside the portfolio's git
/// directory, where deleting `.git/popm/` forgets it with the fetch).
fn git_dir(top: &Path) -> Option<PathBuf> {
    let dot_git = top.join(".git");
    let Ok(meta) = std::fs::symlink_metadata(&dot_git) else {
        let bare = top.join("HEAD").is_file() && top.join("objects").is_dir();
        return bare.then(|| top.to_path_buf());
    };
    if meta.is_dir() {
        return Some(dot_git);
    }
    if !meta.is_file() {
        return None;
    }
    let bytes = crate::files::read_regular(&dot_git, 4096).ok()?.ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
    let target = top.join(target);
    target.is_dir().then_some(target)
}

fn platform_dir() -> Option<PathBuf> {
    let absolute = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let base = if cfg!(windows) {
        absolute("LOCALAPPDATA")?
    } else if cfg!(target_os = "macos") {
        absolute("HOME")?.join("Library").join("Caches")
    } else {
        absolute("XDG_CACHE_HOME").or_else(|| Some(absolute("HOME")?.join(".cache")))?
    };
    Some(base.join("popm"))
}

#[cfg(test)]
impl Location {
    pub(super) fn for_test(dir: &Path) -> Location {
        Location {
            dir: dir.to_path_buf(),
            prefix: "parse-test".into(),
        }
    }
}
