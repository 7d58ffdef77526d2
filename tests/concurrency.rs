//! Writing commands run at the same time on one checkout never lose an update: each holds the
//! backlog lock from its first read to its last write. Real processes, no timing assumptions.

mod common;

use std::process::{Child, Stdio};

use common::{popm, run};

fn spawn(dir: &std::path::Path, args: &[&str]) -> Child {
    popm(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn popm")
}

fn finish(child: Child, what: &str) -> String {
    let out = child.wait_with_output().expect("wait for popm");
    assert!(
        out.status.success(),
        "{what}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn init() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(dir.path(), &["init"]).code, 0);
    dir
}

#[test]
fn parallel_sets_on_one_file_all_land() {
    let dir = init();
    let d = dir.path();
    let edits = [
        "owner=alice",
        "art=art-1",
        "iteration=2",
        "points=5",
        "labels+=l1",
        "labels+=l2",
        "labels+=l3",
        "labels+=l4",
    ];
    let children: Vec<Child> = edits.iter().map(|e| spawn(d, &["set", "S-1", e])).collect();
    for (child, edit) in children.into_iter().zip(edits) {
        finish(child, edit);
    }
    let show = run(d, &["show", "S-1", "--format", "json"]);
    let item: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(item["owner"], "alice", "{item}");
    assert_eq!(item["art"], "art-1", "{item}");
    assert_eq!(item["iteration"], 2, "{item}");
    assert_eq!(item["points"], 5, "{item}");
    let mut labels: Vec<&str> = item["labels"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    labels.sort_unstable();
    assert_eq!(labels, ["l1", "l2", "l3", "l4"], "{item}");
    assert_eq!(run(d, &["check"]).code, 0);
}

#[test]
fn parallel_news_get_distinct_ids() {
    let dir = init();
    let d = dir.path();
    let children: Vec<Child> = (0..8)
        .map(|n| {
            spawn(
                d,
                &[
                    "new",
                    "story",
                    &format!("Story number {n}"),
                    "--parent",
                    "F-1",
                ],
            )
        })
        .collect();
    let mut paths: Vec<String> = children
        .into_iter()
        .enumerate()
        .map(|(n, c)| finish(c, &format!("new {n}")).trim().to_string())
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 8, "{paths:?}");
    let list = run(d, &["list", "--type", "story", "--format", "json"]);
    let items: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let mut ids: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    // S-1 from init and the eight new ones, each with its own id.
    assert_eq!(ids.len(), 9, "{ids:?}");
    assert_eq!(run(d, &["check", "--format", "concise"]).stdout, "");
}

#[test]
fn a_held_lock_is_reported_clearly() {
    let dir = init();
    let d = dir.path();
    // Without a git repository the lock sits beside popm.toml.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(d.join(".popm.lock"))
        .unwrap();
    lock.lock().unwrap();
    let out = popm(d)
        .env("POPM_LOCK_TIMEOUT", "0")
        .args(["set", "S-1", "owner=bob"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("popm: error: another popm is changing this backlog (it holds ")
            && stderr.ends_with(".popm.lock); waited 0 s, nothing was changed (try again)\n"),
        "{stderr}"
    );
    // Reading commands do not wait for it.
    assert_eq!(run(d, &["check"]).code, 0);
    drop(lock);
    assert_eq!(run(d, &["set", "S-1", "owner=bob"]).code, 0);
}

#[test]
fn in_a_git_checkout_the_lock_is_inside_the_git_directory() {
    let dir = init();
    let d = dir.path();
    common::git(d, &["init", "-q"]);
    assert_eq!(run(d, &["set", "S-1", "owner=bob"]).code, 0);
    assert!(d.join(".git/popm.lock").exists());
    assert!(!d.join(".popm.lock").exists());
}
