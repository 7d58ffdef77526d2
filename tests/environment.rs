//! Errors that are not findings: a missing directory, a popm.toml that cannot be read or parsed, a
//! corrupt git repository. Each is one line on stderr saying what and where, exit status 2, no panic.

mod common;

use std::path::Path;

use common::{git, run, write};

const EPIC: &str = "---\nid: E-1\ntype: epic\ntitle: Epic\n---\n## Hypothesis\nIt pays.\n";

/// Runs popm and checks the whole of stderr: exactly `expected`, exit 2, nothing on stdout.
fn fails_with(dir: &Path, args: &[&str], expected: &str) {
    let r = run(dir, args);
    assert_eq!(
        r.stderr,
        format!("popm: error: {expected}\n"),
        "popm {args:?}"
    );
    assert_eq!(r.code, 2, "popm {args:?}");
    assert_eq!(r.stdout, "", "popm {args:?}");
}

fn canonical(dir: &tempfile::TempDir) -> String {
    dir.path().canonicalize().unwrap().display().to_string()
}

#[test]
fn a_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    fails_with(
        dir.path(),
        &["-C", "no/such/dir", "check"],
        "cannot use directory no/such/dir: No such file or directory (os error 2)",
    );
}

#[test]
fn an_invalid_popm_toml_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "backlog/E-1.md", EPIC);
    write(
        d,
        "popm.toml",
        "teams = [\"a\"]\n\n[backlog]\nroots = \"backlog\"\n",
    );
    let root = canonical(&dir);
    fails_with(
        d,
        &["check"],
        &format!("{root}/popm.toml:4:9: invalid type: string \"backlog\", expected a sequence"),
    );
    write(d, "popm.toml", "teams = [\"a\"\n[backlog]\n");
    fails_with(
        d,
        &["list"],
        &format!("{root}/popm.toml:2:1: missing comma between array elements, expected `,`"),
    );
}

#[test]
fn an_unreadable_popm_toml() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "backlog/E-1.md", EPIC);
    std::fs::write(d.join("popm.toml"), b"teams = [\"caf\xe9\"]\n").unwrap();
    let root = canonical(&dir);
    fails_with(
        d,
        &["check"],
        &format!(
            "{root}/popm.toml: cannot read the configuration: stream did not contain valid UTF-8"
        ),
    );
    std::fs::remove_file(d.join("popm.toml")).unwrap();
    std::fs::create_dir(d.join("conf.toml")).unwrap();
    fails_with(
        d,
        &["check", "--config", "conf.toml"],
        &format!(
            "{root}/conf.toml: cannot read the configuration: it is not a regular file (a pipe, socket, device or folder)"
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        write(d, "popm.toml", "teams = []\n");
        let file = d.join("popm.toml");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads anything; the permission case only means something for other users.
        if std::fs::read(&file).is_err() {
            fails_with(
                d,
                &["check"],
                &format!(
                    "{root}/popm.toml: cannot read the configuration: Permission denied (os error 13)"
                ),
            );
        }
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "backlog/E-1.md", EPIC);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "first"]);
    dir
}

#[test]
fn garbage_in_head() {
    let dir = repo();
    let d = dir.path();
    std::fs::write(d.join(".git/HEAD"), "garbage\n").unwrap();
    let root = canonical(&dir);
    for args in [
        &["check", "--staged"][..],
        &["check", "--rev", "HEAD"],
        &["check", "--since", "main"],
    ] {
        fails_with(
            d,
            args,
            &format!(
                "cannot read HEAD in {root}/.git (a corrupt repository?): The reference at \"HEAD\" could not be decoded"
            ),
        );
    }
}

#[test]
fn a_truncated_object() {
    let dir = repo();
    let d = dir.path();
    let commit = git(d, &["rev-parse", "HEAD"]).trim().to_string();
    let tree = git(d, &["rev-parse", "HEAD^{tree}"]).trim().to_string();
    let object = d.join(".git/objects").join(&tree[..2]).join(&tree[2..]);
    let bytes = std::fs::read(&object).unwrap();
    let mut permissions = std::fs::metadata(&object).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&object, permissions).unwrap();
    std::fs::write(&object, &bytes[..bytes.len() / 2]).unwrap();
    let root = canonical(&dir);
    fails_with(
        d,
        &["check", "--rev", "HEAD"],
        &format!(
            "cannot read the tree of {commit}: Could not read loose object, path=\"{root}/.git/objects/{}/{}\"",
            &tree[..2],
            &tree[2..]
        ),
    );
}

#[test]
fn a_garbage_index() {
    let dir = repo();
    let d = dir.path();
    std::fs::write(d.join(".git/index"), b"DIRC garbage").unwrap();
    let r = run(d, &["check", "--staged"]);
    assert_eq!(r.code, 2);
    let root = canonical(&dir);
    assert!(
        r.stderr.starts_with(&format!(
            "popm: error: cannot read the git index of {root}/.git: "
        )),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

/// popm.toml is untrusted too: its lists are bounded, so no setting can make every command slow
/// (120 000 workflow states took 27 s a command) or `flow` large (states × days), and the file
/// itself is bounded. Each limit is one line naming the setting's place, exit status 2.
#[test]
fn configuration_sizes_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "backlog/E-1.md", EPIC);
    let root = canonical(&dir);
    let many = |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>().join(", ");
    let states = many(65, &|i| format!("\"s{i}\""));
    write(
        d,
        "popm.toml",
        &format!("# a workflow\n[workflow.story]\nstates = [{states}]\n"),
    );
    // Every command, `flow` included (it keeps a count per state per day).
    for command in ["check", "flow"] {
        fails_with(
            d,
            &[command],
            &format!(
                "{root}/popm.toml:3:10: [workflow.story] states: 65 states, more than the limit of 64"
            ),
        );
    }
    // At the limit, fine.
    let states = many(64, &|i| format!("\"s{i}\""));
    write(
        d,
        "popm.toml",
        &format!("[workflow.story]\nstates = [{states}]\n"),
    );
    assert_eq!(run(d, &["check"]).code, 0);
    let teams = many(1001, &|i| format!("\"t{i}\""));
    write(d, "popm.toml", &format!("teams = [{teams}]\n"));
    fails_with(
        d,
        &["list"],
        &format!("{root}/popm.toml:1:9: teams: 1001 teams, more than the limit of 1000"),
    );
    let scale = many(101, &|i| (i + 1).to_string());
    write(d, "popm.toml", &format!("[wsjf]\nscale = [{scale}]\n"));
    fails_with(
        d,
        &["check"],
        &format!("{root}/popm.toml:2:9: [wsjf] scale: 101 values, more than the limit of 100"),
    );
    let aliases = many(257, &|i| format!("a{i} = \"ready\""));
    write(
        d,
        "popm.toml",
        &format!("[workflow.feature]\naliases = {{ {aliases} }}\n"),
    );
    fails_with(
        d,
        &["check"],
        &format!(
            "{root}/popm.toml:2:11: [workflow.feature] aliases: 257 aliases, more than the limit of 256"
        ),
    );
    let roots = many(65, &|i| format!("\"r{i}\""));
    write(d, "popm.toml", &format!("[backlog]\nroots = [{roots}]\n"));
    fails_with(
        d,
        &["check"],
        &format!("{root}/popm.toml:2:9: [backlog] roots: 65 folders, more than the limit of 64"),
    );
    let exclude = many(257, &|i| format!("\"x{i}.md\""));
    write(
        d,
        "popm.toml",
        &format!("[backlog]\nexclude = [{exclude}]\n"),
    );
    fails_with(
        d,
        &["check"],
        &format!(
            "{root}/popm.toml:2:11: [backlog] exclude: 257 patterns, more than the limit of 256"
        ),
    );
    // The file itself: a megabyte of comments is not a configuration.
    write(d, "popm.toml", &format!("{}\n", "#".repeat(1 << 20)));
    fails_with(
        d,
        &["check"],
        &format!(
            "{root}/popm.toml: the file is 1048577 bytes, over the limit of 1048576 for popm.toml"
        ),
    );
}
