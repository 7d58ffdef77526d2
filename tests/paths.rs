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
                "popm: error: `{id}` is not a valid id: ids are ASCII letters and digits, in runs joined by single `-`, `_` or `.` (like F-12, PI-2027.1 or BACK-265.10.01)\n"
            )
        );
    }
}

/// A copy of the demo backlog committed in a fresh repository whose hooks live in `.githooks`
/// (`core.hooksPath`, as teams that commit their hooks set it).
fn repo_with_committed_hooks() -> tempfile::TempDir {
    let dir = temp_copy("demo");
    let d = &dir.path().canonicalize().unwrap();
    common::git(d, &["init", "-q", "-b", "main"]);
    common::git(d, &["config", "core.hooksPath", ".githooks"]);
    std::fs::create_dir(d.join(".githooks")).unwrap();
    dir
}

/// A file outside the repository that a planted link points at; it must stay as it is.
fn victim() -> (tempfile::TempDir, std::path::PathBuf) {
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("victim");
    std::fs::write(&file, "precious\n").unwrap();
    (outside, file)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Issue 12: a link committed at the temporary name `hook install` used made it overwrite (and make
/// executable) a file outside the repository. The temporary file is now created new, under a name
/// nobody can predict, so a planted link is never written through.
#[test]
fn hook_install_never_writes_through_a_planted_link() {
    let (_outside, victim) = victim();
    let dir = repo_with_committed_hooks();
    let d = &dir.path().canonicalize().unwrap();
    for planted in [".pre-commit.popm-tmp", ".pre-commit.popm-tmp.tmp"] {
        symlink(&victim, d.join(".githooks").join(planted)).unwrap();
    }
    let r = run(d, &["hook", "install"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hook = d.join(".githooks/pre-commit");
    assert_eq!(r.stdout, format!("installed {}\n", hook.display()));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(mode(&victim), 0o644);
    let installed = std::fs::symlink_metadata(&hook).unwrap();
    assert!(installed.is_file(), "the hook is a file of its own");
    assert_eq!(mode(&hook), 0o755);
    assert!(
        std::fs::read_to_string(&hook)
            .unwrap()
            .contains("exec popm check --pre-commit\n")
    );
    // Nothing but the hook was added (no temporary file left behind).
    let mut names: Vec<String> = std::fs::read_dir(d.join(".githooks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".pre-commit.popm-tmp",
            ".pre-commit.popm-tmp.tmp",
            "pre-commit"
        ]
    );
}

/// A hook that is itself a link is never written through, replaced or removed, even with --force.
#[test]
fn a_hook_that_is_a_link_is_left_alone() {
    let (_outside, victim) = victim();
    let dir = repo_with_committed_hooks();
    let d = &dir.path().canonicalize().unwrap();
    let hook = d.join(".githooks/pre-commit");
    symlink(&victim, &hook).unwrap();
    let expected = format!(
        "popm: error: {} is a symbolic link; popm never writes through a link or replaces one \
         (remove it, or install the hook by hand)\n",
        hook.display()
    );
    for args in [
        &["hook", "install"][..],
        &["hook", "install", "--force"],
        &["hook", "uninstall"],
    ] {
        let r = run(d, args);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (2, expected.as_str()),
            "{args:?}"
        );
        assert!(std::fs::symlink_metadata(&hook).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    }
    assert!(!d.join(".githooks/pre-commit.bak").exists());
}

/// A committed `.githooks` that is a link out of the repository: nothing is written there.
#[test]
fn a_hooks_folder_that_leads_outside_the_repository_is_refused() {
    let (outside, victim) = victim();
    let dir = repo_with_committed_hooks();
    let d = &dir.path().canonicalize().unwrap();
    std::fs::remove_dir(d.join(".githooks")).unwrap();
    symlink(outside.path(), d.join(".githooks")).unwrap();
    let r = run(d, &["hook", "install"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "popm: error: the hooks folder {} resolves to {}, outside the repository (a symbolic \
             link?); popm writes hooks only inside it\n",
            d.join(".githooks").display(),
            outside.path().canonicalize().unwrap().display()
        )
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
}

const S1: &str = "backlog/stories/S-1-request-reset-link.md";

/// Issue 12: outside git the lock is `.popm.lock` beside popm.toml, a name anyone can commit as a
/// link; popm opened (and so created) the link's target. Now the link is refused and nothing is
/// written.
#[test]
fn the_lock_file_is_never_opened_through_a_link() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("created-by-popm");
    let dir = temp_copy("demo");
    let d = &dir.path().canonicalize().unwrap();
    symlink(&target, d.join(".popm.lock")).unwrap();
    let before = std::fs::read_to_string(d.join(S1)).unwrap();
    let r = run(d, &["set", "S-1", "labels+=x"]);
    assert_eq!(
        (r.code, r.stderr),
        (
            2,
            format!(
                "popm: error: cannot open the lock file {}: it is a symbolic link, which popm does not follow\n",
                d.join(".popm.lock").display()
            )
        )
    );
    assert!(!target.exists(), "nothing was created outside");
    assert_eq!(std::fs::read_to_string(d.join(S1)).unwrap(), before);
}

/// A `.git` file (as linked work trees and submodules have) that names a folder which is not a git
/// directory: popm put its lock there, so an unpacked archive could make it create a file in any
/// folder. Now the repository is found by gix, which accepts only a real git directory; this one
/// is not a repository, and the lock lies beside popm.toml as for any folder outside git.
#[test]
fn a_git_file_naming_any_folder_does_not_place_the_lock() {
    let elsewhere = tempfile::tempdir().unwrap();
    let dir = temp_copy("demo");
    let d = &dir.path().canonicalize().unwrap();
    write(
        d,
        ".git",
        &format!("gitdir: {}\n", elsewhere.path().display()),
    );
    let r = run(d, &["set", "S-1", "labels+=x"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    assert!(
        std::fs::symlink_metadata(d.join(".popm.lock"))
            .unwrap()
            .is_file()
    );
}

/// A linked work tree is a checkout of its own: its lock lies in its own git directory (inside
/// the main repository's), and nothing lands in its work tree.
#[test]
fn a_linked_work_tree_locks_in_its_own_git_directory() {
    let dir = temp_copy("demo");
    let d = &dir.path().canonicalize().unwrap();
    let main = d.join("main");
    std::fs::create_dir(&main).unwrap();
    for name in ["backlog", "popm.toml"] {
        std::fs::rename(d.join(name), main.join(name)).unwrap();
    }
    common::git(&main, &["init", "-q", "-b", "main"]);
    common::git(&main, &["add", "-A"]);
    common::git(&main, &["commit", "-q", "-m", "demo"]);
    common::git(&main, &["worktree", "add", "-q", "../wt", "-b", "wt"]);
    let wt = d.join("wt");
    let r = run(&wt, &["set", "S-1", "labels+=x"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(main.join(".git/worktrees/wt/popm.lock").is_file());
    assert!(!main.join(".git/popm.lock").exists());
    assert!(!wt.join(".popm.lock").exists());
}

/// Runs popm, killing it if it has not finished after a minute: a command that blocks on a pipe
/// fails the test instead of hanging it. (A guard against hanging, not a timing assertion: popm
/// takes a fraction of a second here.)
fn run_or_kill(dir: &Path, args: &[&str]) -> common::Run {
    let mut child = common::popm(dir)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("popm {args:?} hung (killed after 60 s)");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn mkfifo(path: &Path) -> bool {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("skipped: mkfifo is not available");
        return false;
    }
    true
}

/// Issue 12: `import backlog-md` read task files through links (a task outside the source folder
/// became an item of the backlog) and hung on a pipe named like a task, holding the lock. It now
/// reads regular files only, as the backlog reader does, and names what it did not import.
#[test]
fn import_backlog_md_reads_regular_files_only() {
    let outside = tempfile::tempdir().unwrap();
    let secret = "---\nid: task-9\ntitle: Secret\nstatus: To Do\n---\nsecret body\n";
    write(outside.path(), "secret.md", secret);
    write(outside.path(), "tasks/task-7 - Elsewhere.md", secret);
    write(outside.path(), "config.yml", "task_prefix: evil\n");
    let source = tempfile::tempdir().unwrap();
    let s = source.path();
    write(
        s,
        "tasks/task-1 - One.md",
        // A complete story: an imported item with an error would make the exit status 1.
        "---\nid: task-1\ntitle: One\nstatus: To Do\n---\nbody\n\n## Acceptance criteria\n- [ ] It works\n",
    );
    symlink(
        outside.path().join("secret.md"),
        s.join("tasks/task-9 - Linked.md"),
    )
    .unwrap();
    symlink(outside.path().join("config.yml"), s.join("config.yml")).unwrap();
    symlink(outside.path().join("tasks"), s.join("completed")).unwrap();
    if !mkfifo(&s.join("tasks/task-5 - Pipe.md")) {
        return;
    }
    let dir = temp_copy("demo");
    let d = dir.path();
    let r = run_or_kill(d, &["import", "backlog-md", s.to_str().unwrap()]);
    assert_eq!(
        r.stdout,
        "imported 1 items into backlog (1 story)\nnext: popm check\n"
    );
    assert_eq!(
        r.stderr,
        "note: config.yml: not read: it is a symbolic link, which popm does not follow\n\
         note: tasks/task-5 - Pipe.md: not imported: it is not a regular file (a pipe, socket, device or folder)\n\
         note: tasks/task-9 - Linked.md: not imported: it is a symbolic link, which popm does not follow\n\
         note: completed: not read: it is a symbolic link, which popm does not follow\n"
    );
    assert_eq!(r.code, 1, "what was not imported is a finding");
    let list = run(d, &["list", "--format", "csv"]);
    assert!(
        list.stdout.contains("\ntask-1,story,backlog,One,"),
        "{}",
        list.stdout
    );
    assert!(!list.stdout.contains("Secret"), "{}", list.stdout);
}

/// Issue 12: a popm.toml that is a link was read from wherever it pointed (and an error quoted that
/// file). Like an item file that is a link, it is never read; unlike one it cannot be skipped (the
/// backlog would be judged by other settings), so it is a configuration error. A pipe too.
#[test]
fn a_configuration_that_is_a_link_or_a_pipe_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "popm.toml",
        "[backlog]\nroots = [\"backlog\"]\nsecret = \"hunter2\"\n",
    );
    let dir = temp_copy("demo");
    let d = &dir.path().canonicalize().unwrap();
    let toml = d.join("popm.toml");
    std::fs::remove_file(&toml).unwrap();
    symlink(outside.path().join("popm.toml"), &toml).unwrap();
    let refused = format!(
        "popm: error: {}: cannot read the configuration: it is a symbolic link, which popm does not follow\n",
        toml.display()
    );
    for args in [&["check"][..], &["--config", "popm.toml", "check"]] {
        let r = run(d, args);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (2, refused.as_str()),
            "{args:?}"
        );
    }
    std::fs::remove_file(&toml).unwrap();
    if !mkfifo(&toml) {
        return;
    }
    let r = run_or_kill(d, &["check"]);
    assert_eq!(
        (r.code, r.stderr),
        (
            2,
            format!(
                "popm: error: {}: cannot read the configuration: it is not a regular file (a pipe, socket, device or folder)\n",
                toml.display()
            )
        )
    );
}

/// `popm init` in a clone whose `backlog` is a committed link to a folder elsewhere wrote the
/// example items into that folder. It now refuses before writing anything, like every other
/// writer: its files must land inside the folder it was asked to start.
#[test]
fn init_never_writes_through_a_linked_folder() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = &dir.path().canonicalize().unwrap();
    symlink(outside.path(), d.join("backlog")).unwrap();
    let r = run(d, &["init"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr),
        (
            2,
            "",
            format!(
                "popm: error: refusing to write {}: it resolves outside {}\n",
                d.join("backlog/E-1.md").display(),
                d.display()
            )
        )
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    assert!(!d.join("popm.toml").exists(), "nothing written at all");
}
