//! Path safety (issue 7): popm never follows a link out of the repository, never reads a pipe,
//! never writes outside the backlog folders, and bounds how many files it reads.

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;

use common::{run, temp_copy, write};

/// An item with an error that would show if popm read it: the link target outside the project.
fn outside_item(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("X-1.md"),
        "---\nid: X-1\ntype: story\ntitle: Outside\nstatus: nonsense\n---\n",
    )
    .unwrap();
}

#[test]
fn links_to_files_and_folders_are_reported_and_never_followed() {
    let outside = tempfile::tempdir().unwrap();
    outside_item(outside.path());
    let dir = temp_copy("demo");
    let backlog = dir.path().join("backlog");
    symlink(outside.path(), backlog.join("linked")).unwrap();
    symlink(outside.path().join("X-1.md"), backlog.join("X-1.md")).unwrap();
    // A loop: a folder linking to its own parent.
    symlink(&backlog, backlog.join("epics/loop")).unwrap();
    // A link to something that is not an item stays silent.
    symlink("/etc/hostname", backlog.join("notes.txt")).unwrap();

    let r = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(
        r.stdout,
        "backlog/X-1.md:1:1: warning[symlink-skipped]: skipped: the file is a symbolic link; popm reads only regular files and folders\n\
         backlog/epics/loop:1:1: warning[symlink-skipped]: skipped: the folder is a symbolic link; popm reads only regular files and folders\n\
         backlog/linked:1:1: warning[symlink-skipped]: skipped: the folder is a symbolic link; popm reads only regular files and folders\n",
        "{}",
        r.stderr
    );
    assert_eq!(r.code, 0, "warnings only");
    let listed = run(dir.path(), &["list", "--format", "json"]);
    assert!(!listed.stdout.contains("X-1"), "nothing outside was read");
}

/// Committed links are reported from git as on disk, so `--staged`, `--rev` and the `--since` gate
/// (which compares the work tree with a commit) see the same findings.
#[test]
fn committed_links_are_reported_from_every_source_alike() {
    let outside = tempfile::tempdir().unwrap();
    outside_item(outside.path());
    let dir = temp_copy("demo");
    let d = dir.path();
    let backlog = d.join("backlog");
    symlink(outside.path(), backlog.join("linked")).unwrap();
    symlink(outside.path().join("X-1.md"), backlog.join("X-1.md")).unwrap();
    symlink("/etc/hostname", backlog.join("notes.txt")).unwrap();
    common::git(d, &["init", "-q", "-b", "main"]);
    common::git(d, &["add", "-A"]);
    common::git(d, &["commit", "-q", "-m", "links"]);
    let expected = "backlog/X-1.md:1:1: warning[symlink-skipped]: skipped: the file is a symbolic link; popm reads only regular files and folders\n\
                    backlog/linked:1:1: warning[symlink-skipped]: skipped: the folder is a symbolic link; popm reads only regular files and folders\n";
    for args in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let mut all = vec!["check", "--format", "concise"];
        all.extend_from_slice(args);
        let r = run(d, &all);
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (0, expected),
            "{args:?}: {}",
            r.stderr
        );
    }
    let r = run(d, &["check", "--format", "concise", "--since", "HEAD"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
}

#[test]
fn a_backlog_root_that_leads_outside_the_project_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    outside_item(outside.path());
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "popm.toml", "[backlog]\nroots = [\"items\"]\n");
    symlink(outside.path(), dir.path().join("items")).unwrap();
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("popm: error: backlog folder `items` resolves outside ")
            && r.stderr
                .ends_with("(a symbolic link?); popm reads only the project's own files\n"),
        "{}",
        r.stderr
    );

    write(dir.path(), "popm.toml", "[backlog]\nroots = [\"../\"]\n");
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("resolves outside"), "{}", r.stderr);
}

#[test]
fn a_pipe_named_like_an_item_is_reported_without_blocking() {
    let dir = temp_copy("demo");
    let fifo = dir.path().join("backlog/stories/S-99-pipe.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("skipped: mkfifo is not available");
        return;
    }
    let r = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(
        r.stdout,
        "backlog/stories/S-99-pipe.md:1:1: error[file-unreadable]: skipped: not a regular file (a pipe, socket or device)\n"
    );
    assert_eq!(r.code, 1);
}

#[test]
fn folders_nested_too_deep_are_reported_not_entered() {
    let dir = temp_copy("demo");
    let mut deep = dir.path().join("backlog");
    for _ in 0..70 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    let r = run(dir.path(), &["check", "--format", "concise"]);
    let shown = format!("backlog{}", "/d".repeat(65));
    assert_eq!(
        r.stdout,
        format!(
            "{shown}:1:1: error[file-unreadable]: skipped: folders nested deeper than 64 levels are not read\n"
        )
    );
}

#[test]
fn more_item_files_than_max_items_stop_with_an_error() {
    let dir = temp_copy("demo");
    let toml = std::fs::read_to_string(dir.path().join("popm.toml")).unwrap();
    let toml = toml.replace("[backlog]\n", "[backlog]\nmax_items = 30\n");
    std::fs::write(dir.path().join("popm.toml"), toml).unwrap();
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "popm: error: the backlog has 31 item files, more than the limit of 30; popm stopped reading (raise [backlog] max_items in popm.toml if the backlog is really this large)\n"
    );
}

#[test]
fn new_and_import_never_write_outside_the_backlog_folders() {
    let outside = tempfile::tempdir().unwrap();
    let dir = temp_copy("demo");
    let toml = std::fs::read_to_string(dir.path().join("popm.toml")).unwrap();

    // A configured folder that climbs out of the project.
    let escaping = format!("{toml}\n[new]\nfolder = \"../escaped\"\n");
    std::fs::write(dir.path().join("popm.toml"), escaping).unwrap();
    let r = run(dir.path(), &["new", "story", "Escape", "--parent", "F-1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "popm: error: refusing to write to ../escaped: popm writes only inside the backlog folders (backlog); add it to [backlog] roots in popm.toml first\n"
    );
    assert!(!dir.path().join("../escaped").exists());

    // A folder inside the backlog that is a link to elsewhere.
    symlink(outside.path(), dir.path().join("backlog/elsewhere")).unwrap();
    let linked = format!("{toml}\n[new]\nfolder = \"backlog/elsewhere\"\n");
    std::fs::write(dir.path().join("popm.toml"), linked).unwrap();
    let r = run(dir.path(), &["new", "story", "Escape", "--parent", "F-1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("refusing to write to backlog/elsewhere"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);

    // import --into a folder outside the backlog.
    std::fs::write(dir.path().join("popm.toml"), &toml).unwrap();
    write(dir.path(), "in.csv", "Summary,Issue Type\nA story,Story\n");
    let into = outside.path().to_string_lossy().into_owned();
    let r = run(dir.path(), &["import", "csv", "in.csv", "--into", &into]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("refusing to write to"), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn ids_that_would_make_a_path_are_rejected() {
    let dir = temp_copy("demo");
    for id in ["../E-9", "a/b", "a\\b", ".."] {
        let r = run(
            dir.path(),
            &["new", "story", "T", "--parent", "F-1", "--id", id],
        );
        assert_eq!(r.code, 2, "{id}: {}", r.stderr);
        assert_eq!(
            r.stderr,
            format!(
                "popm: error: `{id}` is not a valid id (letters, digits, `-`, `_` and `.`, starting with a letter or digit)\n"
            )
        );
    }
}
