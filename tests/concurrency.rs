//! Writing commands run at the same time on one checkout never lose an update: each holds the
//! backlog lock from its first read to its last write. A command killed half-way through its
//! writes leaves all of them or none, once the next popm has run (edit::journal). Real processes,
//! no timing assumptions: the kills happen at fixed steps (`POPM_TEST_CRASH_AT`, a test-only hook).

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

/// `popm init` plus `n` stories under F-1 (so renumbering F-1 rewrites `n + 2` files: F-1, S-1's
/// `depends_on`... as the template has them, and every story's parent).
fn backlog_of(n: usize) -> tempfile::TempDir {
    let dir = init();
    for i in 2..n + 2 {
        common::write(
            dir.path(),
            &format!("backlog/S-{i}.md"),
            &format!(
                "---\nid: S-{i}\ntype: story\ntitle: Story {i}\nstatus: backlog\nparent: F-1\nteam: team-a\n---\nAs a user, I want {i} so that it works.\n\n## Acceptance criteria\n- [ ] ok\n"
            ),
        );
    }
    assert_eq!(
        run(dir.path(), &["check", "--format", "concise"]).stdout,
        ""
    );
    dir
}

/// Every file under `backlog/`, by name, with its text.
fn snapshot(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir.join("backlog"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Runs popm with the crash hook; it must stop there, as a killed process would.
fn crash(dir: &std::path::Path, at: &str, args: &[&str]) {
    let out = popm(dir)
        .env("POPM_TEST_CRASH_AT", at)
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{at}: popm did not stop");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("popm: POPM_TEST_CRASH_AT={at}: stopping here, as a crash would\n")
    );
    assert!(dir.join(".popm.journal").exists(), "{at}: no journal");
}

#[test]
fn a_renumber_killed_half_way_is_finished_or_undone_by_the_next_run() {
    let before = {
        let dir = backlog_of(10);
        snapshot(dir.path())
    };
    let after = {
        let dir = backlog_of(10);
        assert_eq!(run(dir.path(), &["renumber", "F-1", "F-100"]).code, 0);
        snapshot(dir.path())
    };
    assert_eq!(after.len(), before.len());
    // 13 writes: F-1.md becomes F-100.md (its name holds the id: the new name is created, the
    // old one removed), and the parent of the 11 stories changes.
    let changed = after.iter().filter(|f| !before.contains(f)).count();
    assert_eq!(changed, 12);
    assert!(after.iter().any(|(name, _)| name == "F-100.md"));
    assert!(!after.iter().any(|(name, _)| name == "F-1.md"));
    let undone = "note: undid an interrupted `popm renumber F-1 F-100`: none of its 13 file(s) had been written; its temporary files are removed\n";
    for (at, next, expected, note) in [
        // Killed while preparing: nothing was decided, the next run removes what was prepared.
        ("prepare:5", &["check"][..], &before, undone.to_string()),
        ("prepare:12", &["list"][..], &before, undone.to_string()),
        // Killed after the decision: the next run (reading or writing) completes it. After five
        // renames (F-100.md and four stories): seven stories, and F-1.md removed, are left.
        (
            "commit",
            &["check"][..],
            &after,
            "note: finished an interrupted `popm renumber F-1 F-100`: 13 of its 13 file(s) written now, the others before it stopped\n".to_string(),
        ),
        (
            "rename:5",
            &["fmt", "--check"][..],
            &after,
            "note: finished an interrupted `popm renumber F-1 F-100`: 8 of its 13 file(s) written now, the others before it stopped\n".to_string(),
        ),
    ] {
        let dir = backlog_of(10);
        let d = dir.path();
        crash(d, at, &["renumber", "F-1", "F-100"]);
        let r = run(d, next);
        assert_eq!(r.code, 0, "{at}: {}", r.stderr);
        assert_eq!(r.stderr, note, "{at}");
        assert_eq!(&snapshot(d), expected, "{at}");
        assert!(!d.join(".popm.journal").exists(), "{at}");
        assert_eq!(run(d, &["check", "--format", "concise"]).stdout, "", "{at}");
    }
}

#[test]
fn an_import_killed_half_way_imports_nothing_twice() {
    // Rows without ids: a second import of them would create a second item for each.
    // Each row a complete story: an imported item with an error makes the import exit 1.
    let body =
        "\"As a user, I want it, so that it helps.\n\n## Acceptance criteria\n- [ ] It works\"";
    let csv = format!(
        "Summary,Issue Type,Description\nOne,Story,{body}\nTwo,Story,{body}\nThree,Story,{body}\n"
    );
    let finished = "note: finished an interrupted `popm import csv in.csv`: 1 of its 3 file(s) written now, the others before it stopped\n\
                    popm: nothing changed: this command was interrupted before and is now complete (see the note above); run it again only to do it twice\n";
    let undone = "note: undid an interrupted `popm import csv in.csv`: none of its 3 file(s) had been written; its temporary files are removed\n";
    for (at, rerun_code, rerun_stderr) in [("prepare:2", 0, undone), ("rename:2", 1, finished)] {
        let dir = init();
        let d = dir.path();
        common::write(d, "in.csv", &csv);
        crash(d, at, &["import", "csv", "in.csv"]);
        // The same import again: an undone one now imports the three rows; a finished one is
        // complete, and running it again is not taken as asking for three more.
        let r = run(d, &["import", "csv", "in.csv"]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (rerun_code, rerun_stderr),
            "{at}"
        );
        let names: Vec<String> = snapshot(d).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "E-1.md",
                "F-1.md",
                "F-2.md",
                "PI-2027.1.md",
                "S-1.md",
                "s-2-one.md",
                "s-3-two.md",
                "s-4-three.md"
            ],
            "{at}"
        );
    }
}

#[test]
fn an_interrupted_write_is_completed_by_a_writing_command_first() {
    let dir = backlog_of(3);
    let d = dir.path();
    crash(d, "rename:1", &["renumber", "F-1", "F-100"]);
    // `set` finishes the renumber under the lock before it reads, so its own check sees F-100.
    let r = run(d, &["set", "S-2", "parent=F-100"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "note: finished an interrupted `popm renumber F-1 F-100`: 5 of its 6 file(s) written now, the others before it stopped\n"
    );
    assert_eq!(run(d, &["check", "--format", "concise"]).stdout, "");
    let temps = std::fs::read_dir(d.join("backlog"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(temps, 0);
}

#[cfg(unix)]
#[test]
fn new_edit_releases_the_lock_before_the_editor() {
    use std::os::unix::fs::PermissionsExt;
    let dir = init();
    let d = dir.path();
    // The editor runs another writing popm; with the lock still held it would give up at once.
    let editor = d.join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nPOPM_LOCK_TIMEOUT=0 '{}' set S-1 owner=bob > '{}/inner.txt' 2>&1\necho $? >> '{}/inner.txt'\n",
            env!("CARGO_BIN_EXE_popm"),
            d.display(),
            d.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = popm(d)
        .env("EDITOR", &editor)
        .env_remove("VISUAL")
        .args(["new", "story", "Edited", "--parent", "F-1", "--edit"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(d.join("inner.txt")).unwrap(),
        "updated backlog/S-1.md\n0\n"
    );
    // What the editor leaves is checked: here it breaks the status.
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/^status: .*/status: nonsense/' \"$1\"\n",
    )
    .unwrap();
    let out = popm(d)
        .env("EDITOR", &editor)
        .env_remove("VISUAL")
        .args(["new", "story", "Broken", "--parent", "F-1", "--edit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "backlog/S-3-broken.md\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "backlog/S-3-broken.md:5:9: error[status-unknown]: unknown status `nonsense` for a story: expected backlog, ready, in-progress, review, done or accepted\n"
    );
}

/// Outside git the journal is `.popm.journal` beside popm.toml, in the work tree, where an unpacked
/// archive or a checkout without `.git` can bring one. popm follows it (it cannot tell it from its
/// own), but only onto item files in the backlog folders, where popm writes anyway: a journal
/// naming any other `.md` file of the work tree is refused, by reading and writing commands alike.
#[test]
fn a_planted_journal_touches_nothing_outside_the_backlog_folders() {
    let dir = init();
    let d = &dir.path().canonicalize().unwrap();
    common::write(d, ".notes.md.popm-1.tmp", "planted\n");
    common::write(
        d,
        ".popm.journal",
        r#"{"popm_journal":1,"command":"set S-1 points=5","state":"committed","writes":[{"path":"notes.md","temp":".notes.md.popm-1.tmp","before":"absent"}]}"#,
    );
    let before = snapshot(d);
    let refused = format!(
        "{}: refusing to follow it: `notes.md` is not in a backlog folder; remove it",
        d.join(".popm.journal").display()
    );
    let r = run(d, &["check"]);
    assert_eq!((r.code, r.stderr), (0, format!("warning: {refused}\n")));
    let r = run(d, &["set", "S-1", "points=5"]);
    assert_eq!((r.code, r.stderr), (2, format!("popm: error: {refused}\n")));
    assert!(!d.join("notes.md").exists(), "nothing created");
    assert!(d.join(".notes.md.popm-1.tmp").exists());
    assert_eq!(snapshot(d), before);
}
