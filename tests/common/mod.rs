//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub mod portfolio;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// Copies a fixture into a fresh temporary folder (outside any git repository), so paths in the
/// output are `backlog/...` wherever the tests run.
pub fn temp_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if kind.is_symlink() {
            let link = std::fs::read_link(entry.path()).expect("read link");
            #[cfg(unix)]
            std::os::unix::fs::symlink(link, &target).expect("symlink");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The popm binary, with the environment that changes output (colours) cleared.
pub fn popm(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_popm"));
    cmd.current_dir(dir)
        // Never the user's cache: one under the build's temporary folder (each project has its
        // own packs there), so every test runs popm with its parse cache on.
        .env("POPM_CACHE_DIR", test_cache_dir())
        .env_remove("POPM_NO_CACHE")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_BACKTRACE");
    cmd
}

/// Where the tests' popm runs keep their parse cache.
pub fn test_cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("popm-test-cache")
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(dir: &Path, args: &[&str]) -> Run {
    let out = popm(dir).args(args).output().expect("run popm");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create dir");
    }
    std::fs::write(path, text).expect("write file");
}

// Where ../shared is, and how a test that needs it skips: one definition, shared with the unit
// tests.
#[path = "../../src/shared_dir.rs"]
mod shared_dir;
#[allow(unused_imports)]
pub use shared_dir::shared;

/// An external tool a test drives (pre-commit, python packages). Missing: skip, saying so, unless
/// POPM_REQUIRE_TOOLS is set (as .ci/run does after installing them).
pub fn tool_available(check: &mut Command, what: &str) -> bool {
    let ok = check
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var_os("POPM_REQUIRE_TOOLS").is_some() {
            panic!("{what} is not installed, and POPM_REQUIRE_TOOLS is set");
        }
        eprintln!("skipped: {what} is not installed (.ci/run installs it)");
    }
    ok
}

/// git, for building test repositories: a fixed identity, and no user or system configuration.
/// Callers add what they need (dates, another author) before running it.
pub fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

/// Runs a git command built by [`git_command`] and returns its stdout; git failing fails the test.
pub fn git_output(mut cmd: Command, args: &[&str]) -> String {
    let out = cmd.output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `git args` in `dir`, with [`git_command`]'s environment; its stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    git_output(git_command(dir, args), args)
}

/// A tree object written from raw bytes, so it can hold names `git mktree` refuses (`../../x.md`,
/// `a/b.md`), as a crafted commit can. `entries` are (mode, name, object id in hex), in git's
/// order. Returns the tree's id.
pub fn raw_tree(dir: &Path, entries: &[(&str, &str, &str)]) -> String {
    use std::io::Write;
    let mut bytes = Vec::new();
    for (mode, name, id) in entries {
        bytes.extend_from_slice(format!("{mode} {name}\0").as_bytes());
        bytes.extend(
            (0..id.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&id[i..i + 2], 16).expect("a hex object id")),
        );
    }
    let args = ["hash-object", "-t", "tree", "--literally", "-w", "--stdin"];
    let mut child = git_command(dir, &args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("git runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&bytes)
        .expect("write the tree");
    let out = child.wait_with_output().expect("git runs");
    assert!(out.status.success(), "git hash-object of a tree failed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `git args` in `dir` as Pat PM at `date` (author and committer time, so commit ids and every
/// time popm derives from history are fixed); its stdout.
pub fn git_at(dir: &Path, date: &str, args: &[&str]) -> String {
    let mut cmd = git_command(dir, args);
    cmd.env("GIT_AUTHOR_NAME", "Pat PM")
        .env("GIT_AUTHOR_EMAIL", "pat@example.com")
        .env("GIT_COMMITTER_NAME", "Pat PM")
        .env("GIT_COMMITTER_EMAIL", "pat@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date);
    git_output(cmd, args)
}

/// Commits everything in the work tree at `date` with [`git_at`].
pub fn commit(dir: &Path, date: &str, message: &str) {
    git_at(dir, date, &["add", "-A"]);
    git_at(dir, date, &["commit", "-q", "-m", message]);
}

/// Chromium on PATH and python3 with Playwright, for the browser tests; `None` (after saying why)
/// when one is missing, a failure instead under POPM_REQUIRE_TOOLS.
pub fn chromium() -> Option<std::path::PathBuf> {
    if !tool_available(
        std::process::Command::new("python3").args(["-c", "import playwright.sync_api"]),
        "python3 with playwright (pip install playwright)",
    ) {
        return None;
    }
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        assert!(
            std::env::var_os("POPM_REQUIRE_TOOLS").is_none(),
            "chromium is not on PATH, and POPM_REQUIRE_TOOLS is set"
        );
        eprintln!("skipped: chromium is not installed (.ci/run installs it)");
    }
    found
}
