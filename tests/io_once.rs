//! The regression guard of issue 6 that is not a timing: during `popm check`, every item file is read
//! exactly once and parsed exactly once, whatever the source (work tree, index, commit); the only
//! second read is of a version that differs (a staged file changed since, a base version). popm
//! says what it reads when `POPM_TRACE=io` is set.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{git, popm, temp_copy};

/// (what, path) -> how many times, from a traced run's stderr.
fn traced(dir: &Path, args: &[&str]) -> BTreeMap<(String, String), usize> {
    let out = popm(dir)
        .args(args)
        .env("POPM_TRACE", "io")
        // The pipeline itself, without the parse cache (which skips reads and parses of files
        // an earlier run parsed: tests/cache.rs).
        .env("POPM_NO_CACHE", "1")
        .output()
        .expect("run popm");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut counts = BTreeMap::new();
    for line in stderr.lines() {
        if let Some(event) = line.strip_prefix("popm-trace: ") {
            let (what, path) = event.split_once(' ').expect("what and path");
            *counts
                .entry((what.to_string(), path.to_string()))
                .or_insert(0) += 1;
        }
    }
    counts
}

/// The demo's item files, as popm displays them (its README is excluded by default).
fn demo_items(dir: &Path) -> Vec<String> {
    let mut items: Vec<String> = walkdir::WalkDir::new(dir.join("backlog"))
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| e.file_name() != "README.md")
        .map(|e| {
            let relative = e.path().strip_prefix(dir).expect("inside");
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect();
    items.sort();
    items
}

fn expect_once(counts: &BTreeMap<(String, String), usize>, what: &str, items: &[String]) {
    let got: Vec<(&str, usize)> = counts
        .iter()
        .filter(|((w, _), _)| w == what)
        .map(|((_, path), n)| (path.as_str(), *n))
        .collect();
    let want: Vec<(&str, usize)> = items.iter().map(|p| (p.as_str(), 1)).collect();
    assert_eq!(got, want, "{what}");
}

#[test]
fn check_reads_and_parses_every_file_once() {
    let dir = temp_copy("demo");
    let items = demo_items(dir.path());
    assert_eq!(items.len(), 31);
    let counts = traced(dir.path(), &["check"]);
    expect_once(&counts, "read", &items);
    expect_once(&counts, "parse", &items);
    expect_once(&counts, "read-git", &[]);
}

#[test]
fn check_staged_and_since_read_each_version_once() {
    let dir = temp_copy("demo");
    let root = dir.path();
    let items = demo_items(root);
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "demo"]);
    let changed = "backlog/stories/S-1-request-reset-link.md";
    let path = root.join(changed);
    let text = std::fs::read_to_string(&path).expect("story");
    std::fs::write(&path, text.replace("title:", "title: Renamed,")).expect("write");

    // --staged: a file whose bytes on disk are the staged blob is read from disk; the one changed
    // since it was staged is read from git as well (and its disk bytes are not used).
    let counts = traced(root, &["check", "--staged"]);
    expect_once(&counts, "read", &items);
    expect_once(&counts, "read-git", &[changed.to_string()]);
    expect_once(&counts, "parse", &items);

    // --since: the work tree once, and the base version of the one changed file once.
    let counts = traced(root, &["check", "--since", "HEAD"]);
    expect_once(&counts, "read", &items);
    expect_once(&counts, "read-git", &[changed.to_string()]);
    let parses: usize = counts
        .iter()
        .filter(|((w, _), _)| w == "parse")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(parses, items.len() + 1);
}
