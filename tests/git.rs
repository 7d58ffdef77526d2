//! Reading the backlog from git: the index (`--staged`), a revision (`--rev`), changes since a
//! base (`--since`), status transitions, and the pre-commit hooks. Repositories are set up with the
//! git command line (popm itself reads them with gix only).

mod common;

use std::path::Path;
use std::process::Command;

use common::{git, run, write};

const EPIC: &str = "---\nid: E-1\ntype: epic\ntitle: Epic\n---\n## Hypothesis\nIt pays.\n";

fn feature(id: &str, status: &str) -> String {
    format!(
        "---\nid: {id}\ntype: feature\ntitle: Feature {id}\nstatus: {status}\nparent: E-1\nwsjf: {{business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5}}\nteam: [checkout]\n---\n## Benefit hypothesis\nSales grow.\n\n## Acceptance criteria\n- [ ] It works\n"
    )
}

/// A repository with one commit: an epic and two features.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "backlog/E-1.md", EPIC);
    write(d, "backlog/F-1.md", &feature("F-1", "funnel"));
    write(d, "backlog/F-2.md", &feature("F-2", "ready"));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "first"]);
    dir
}

fn concise(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    let r = run(dir, &all);
    // `--since` and `--pre-commit` say in one note line what they set aside; tests that care
    // assert it through `run`.
    let notes_only = r.stderr.lines().all(|l| l.starts_with("note: "));
    assert!(notes_only || r.code == 2, "{}", r.stderr);
    (r.code, if r.code == 2 { r.stderr } else { r.stdout })
}

#[test]
fn staged_reads_the_index_not_the_work_tree() {
    let dir = repo();
    let d = dir.path();
    // Staged: a broken status. Then fixed in the work tree only (unstaged).
    write(d, "backlog/F-2.md", &feature("F-2", "doing"));
    git(d, &["add", "backlog/F-2.md"]);
    write(d, "backlog/F-2.md", &feature("F-2", "ready"));
    // An untracked broken file is not part of the commit.
    write(d, "backlog/untracked.md", "no frontmatter\n");
    assert_eq!(
        concise(d, &["--staged"]),
        (1, "backlog/F-2.md:5:9: error[status-unknown]: unknown status `doing` for a feature: expected funnel, analyzing, ready, implementing, validating, deploying, releasing or done\n".into())
    );
    // The work tree is another matter.
    assert_eq!(
        concise(d, &[]),
        (1, "backlog/untracked.md:1:1: error[frontmatter-missing]: no frontmatter: an item file must start with a `---` line\n".into())
    );
}

#[test]
fn a_partly_staged_file_is_read_from_its_staged_blob() {
    let dir = repo();
    let d = dir.path();
    // Stage a valid move (funnel -> analyzing), then add an unstaged typo below it.
    write(d, "backlog/F-1.md", &feature("F-1", "analyzing"));
    git(d, &["add", "backlog/F-1.md"]);
    write(
        d,
        "backlog/F-1.md",
        &feature("F-1", "analyzing")
            .replace("title: Feature F-1", "title: Feature F-1\ncolour: red"),
    );
    assert_eq!(concise(d, &["--staged"]), (0, String::new()));
    assert_eq!(
        concise(d, &[]),
        (
            0,
            "backlog/F-1.md:5:1: warning[field-unknown]: unknown key `colour`\n".into()
        )
    );
}

#[test]
fn staged_deletions_and_renames() {
    let dir = repo();
    let d = dir.path();
    // Deleting the epic (staged) orphans both features in the staged backlog.
    git(d, &["rm", "-q", "backlog/E-1.md"]);
    let (code, out) = concise(d, &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "backlog/F-1.md:6:9: error[parent-unknown]: parent `E-1` is not an item of this backlog\n\
         backlog/F-2.md:6:9: error[parent-unknown]: parent `E-1` is not an item of this backlog\n"
    );
    git(d, &["reset", "-q", "--hard"]);
    // A rename keeps the item: no transition, no finding, the new path.
    git(d, &["mv", "backlog/F-1.md", "backlog/feature-1.md"]);
    assert_eq!(concise(d, &["--staged"]), (0, String::new()));
    let list = run(
        d,
        &["list", "--staged", "--type", "feature", "--format", "csv"],
    );
    assert!(
        list.stdout
            .contains("F-1,feature,funnel,Feature F-1,checkout,,E-1,\n"),
        "{}",
        list.stdout
    );
    let json = run(d, &["show", "F-1", "--staged", "--format", "json"]);
    assert!(
        json.stdout.contains("\"path\": \"backlog/feature-1.md\""),
        "{}",
        json.stdout
    );
}

#[test]
fn transitions_are_checked_against_head() {
    let dir = repo();
    let d = dir.path();
    // funnel -> ready skips analyzing (a warning); the entry rules of ready are met.
    write(d, "backlog/F-1.md", &feature("F-1", "ready"));
    // ready -> funnel moves backwards.
    write(d, "backlog/F-2.md", &feature("F-2", "funnel"));
    git(d, &["add", "-A"]);
    assert_eq!(
        concise(d, &["--staged"]),
        (0, "backlog/F-1.md:5:9: warning[status-transition]: status skips analyzing: from funnel to ready\n\
             backlog/F-2.md:5:9: warning[status-transition]: status moves backwards, from ready to funnel\n".into())
    );
    // Entering ready without a benefit hypothesis is an error.
    write(d, "backlog/F-1.md", &feature("F-1", "analyzing"));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "analyzing"]);
    write(
        d,
        "backlog/F-1.md",
        &feature("F-1", "ready").replace("## Benefit hypothesis\nSales grow.\n\n", ""),
    );
    git(d, &["add", "-A"]);
    let (code, out) = concise(d, &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "backlog/F-1.md:1:1: error[benefit-hypothesis-missing]: this feature has no `Benefit hypothesis` section\n\
         backlog/F-1.md:5:9: error[status-entry]: this feature enters ready without a benefit hypothesis\n"
    );
    // Per-type severity: transitions off for features.
    write(
        d,
        "popm.toml",
        "[workflow.feature]\ntransitions = \"off\"\n",
    );
    write(d, "backlog/F-1.md", &feature("F-1", "funnel"));
    git(d, &["add", "-A"]);
    assert_eq!(concise(d, &["--staged"]), (0, String::new()));
}

#[test]
fn rev_reads_an_older_commit_without_checkout() {
    let dir = repo();
    let d = dir.path();
    let first = git(d, &["rev-parse", "--short", "HEAD"]).trim().to_string();
    write(d, "backlog/F-1.md", &feature("F-1", "doing"));
    git(d, &["commit", "-q", "-am", "break"]);
    git(d, &["tag", "v1"]);
    assert_eq!(concise(d, &["--rev", &first]), (0, String::new()));
    assert_eq!(concise(d, &["--rev", "HEAD~1"]), (0, String::new()));
    assert_eq!(concise(d, &["--rev", "v1"]).0, 1);
    // The work tree is untouched by reading a revision.
    assert!(
        std::fs::read_to_string(d.join("backlog/F-1.md"))
            .unwrap()
            .contains("status: doing")
    );
    let tree = run(d, &["tree", "--rev", "HEAD~1"]);
    assert!(
        tree.stdout.contains("F-1  Feature F-1 [funnel]"),
        "{}",
        tree.stdout
    );
    let backlog = run(d, &["backlog", "--rev", "HEAD~1", "--format", "csv"]);
    assert_eq!(backlog.stdout.lines().count(), 3);
    let (code, err) = concise(d, &["--rev", "nosuch"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("popm: error: unknown revision `nosuch`"),
        "{err}"
    );
}

#[test]
fn since_reports_only_what_changed_on_the_branch() {
    let dir = repo();
    let d = dir.path();
    // Legacy problems on main: F-2 has an unknown status.
    write(d, "backlog/F-2.md", &feature("F-2", "doing"));
    git(d, &["commit", "-q", "-am", "legacy"]);
    git(d, &["checkout", "-q", "-b", "topic"]);
    // On the branch: a new broken feature, committed; a merge from main; an uncommitted change.
    write(
        d,
        "backlog/F-3.md",
        &feature("F-3", "ready").replace("parent: E-1", "parent: E-7"),
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "F-3"]);
    git(d, &["checkout", "-q", "main"]);
    write(
        d,
        "backlog/F-4.md",
        &feature("F-4", "funnel").replace("status: funnel", "status: nope"),
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "F-4 on main"]);
    git(d, &["checkout", "-q", "topic"]);
    git(d, &["merge", "-q", "--no-edit", "main"]);
    write(
        d,
        "backlog/E-1.md",
        &EPIC.replace("title: Epic", "title: Epic\nowner: 7"),
    );
    // The whole backlog has the legacy findings (F-2, F-4) and the new one.
    let (_, all) = concise(d, &[]);
    assert_eq!(all.lines().count(), 3, "{all}");
    // Since main (the merge base is main's tip, F-4 included): F-3, the branch's own. E-1 changed
    // in the work tree, but the findings of its children F-2 and F-4 are the same as at the merge
    // base: not the branch's.
    assert_eq!(
        concise(d, &["--since", "main"]),
        (1, "backlog/F-3.md:6:9: error[parent-unknown]: parent `E-7` is not an item of this backlog\n".into())
    );
    // The legacy errors of the files the branch does not touch are not dropped in silence.
    let r = run(d, &["check", "--since", "main", "--format", "concise"]);
    assert_eq!(
        r.stderr,
        "note: 2 errors in 2 files the branch does not touch, not counted (`popm check` lists them)\n"
    );
    // Without the work-tree change to E-1, the same.
    git(d, &["checkout", "-q", "--", "backlog/E-1.md"]);
    assert_eq!(
        concise(d, &["--since", "main"]),
        (1, "backlog/F-3.md:6:9: error[parent-unknown]: parent `E-7` is not an item of this backlog\n".into())
    );
}

/// A backlog folder git does not hold is the error it is for the work tree, not "0 items checked".
#[test]
fn a_missing_backlog_folder_fails_from_every_source() {
    let dir = repo();
    let d = dir.path();
    write(d, "popm.toml", "[backlog]\nroots = [\"backlgo\"]\n");
    git(d, &["add", "popm.toml"]);
    git(d, &["commit", "-q", "-m", "typo"]);
    let root = d.canonicalize().unwrap();
    let missing = format!(
        "popm: error: backlog folder `backlgo` not found in {} (set [backlog] roots in popm.toml)\n",
        root.display()
    );
    let at_head = missing.replace(" not found in", " not found at `HEAD` in");
    for (args, message) in [
        (&["check"][..], &missing),
        (&["check", "--staged"], &missing),
        (&["check", "--rev", "HEAD"], &at_head),
        (&["list", "--staged"], &missing),
        (&["tree", "--rev", "HEAD"], &at_head),
    ] {
        let r = run(d, args);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (2, "", message.as_str()),
            "{args:?}"
        );
    }
    // The folder on disk with nothing under it staged yet (a first commit in the making) is an
    // empty staged backlog, not a missing one.
    std::fs::create_dir(d.join("backlgo")).unwrap();
    write(d, "backlgo/E-1.md", EPIC);
    assert_eq!(concise(d, &["--staged"]), (0, String::new()));
}

/// A crafted commit can name a tree entry `../../x.md` or `..`: each is reported where it is,
/// and the rest of the folder is still read (it once hid the whole folder from `--rev`).
#[test]
fn unsafe_names_in_a_commit_are_reported_and_the_rest_of_the_folder_read() {
    let dir = repo();
    let d = dir.path();
    let id = |rev: &str| git(d, &["rev-parse", rev]).trim().to_string();
    write(
        d,
        "S-9.md",
        "---\nid: S-9\ntype: story\ntitle: Hidden\nparent: F-1\n---\nAs a user, I want it so that it works.\n",
    );
    let hidden = git(d, &["hash-object", "-w", "S-9.md"]).trim().to_string();
    std::fs::remove_file(d.join("S-9.md")).unwrap();
    let folder = id("HEAD:backlog");
    let backlog = common::raw_tree(
        d,
        &[
            ("40000", "..", &folder),
            ("100644", "../../x.md", &hidden),
            ("100644", "E-1.md", &id("HEAD:backlog/E-1.md")),
            ("100644", "F-1.md", &id("HEAD:backlog/F-1.md")),
            ("100644", "F-2.md", &id("HEAD:backlog/F-2.md")),
        ],
    );
    let top = common::raw_tree(d, &[("40000", "backlog", &backlog)]);
    let commit = git(d, &["commit-tree", &top, "-p", "HEAD", "-m", "crafted"]);
    git(d, &["branch", "crafted", commit.trim()]);
    assert_eq!(
        concise(d, &["--rev", "crafted"]),
        (1, "backlog:1:1: error[file-unreadable]: skipped: git names an entry of this folder `..`, which is not a safe file name (empty, `.`, `..` or holding `/`)\n\
             backlog:1:1: error[file-unreadable]: skipped: git names an entry of this folder `../../x.md`, which is not a safe file name (empty, `.`, `..` or holding `/`)\n".into())
    );
    let list = run(d, &["list", "--rev", "crafted", "--format", "csv"]);
    assert_eq!(
        list.stdout,
        "id,type,status,title,team,pi,parent,enabler\n\
         E-1,epic,funnel,Epic,,,,\n\
         F-1,feature,funnel,Feature F-1,checkout,,E-1,\n\
         F-2,feature,ready,Feature F-2,checkout,,E-1,\n"
    );
    // Between the two commits, nothing the backlog holds changed.
    let diff = run(d, &["diff", "main", "crafted"]);
    assert_eq!(
        (diff.code, diff.stdout.as_str()),
        (0, "backlog changes main .. crafted\nno changes\n")
    );
}

/// The git index can be crafted too: a staged path with a `..` part is reported, not read from
/// disk outside the backlog, and the rest is checked.
#[test]
fn an_unsafe_path_in_the_index_is_reported_and_the_rest_read() {
    let dir = repo();
    let d = dir.path();
    // Staged under a placeholder of the same length and sort position, then renamed in place.
    write(
        d,
        "backlog/--/--/x.md",
        "---\nid: S-9\ntype: story\ntitle: Hidden\n---\n",
    );
    git(d, &["add", "backlog/--/--/x.md"]);
    let index = d.join(".git/index");
    let mut bytes = std::fs::read(&index).unwrap();
    let at = bytes
        .windows(18)
        .position(|w| w == b"backlog/--/--/x.md")
        .unwrap();
    bytes[at..at + 18].copy_from_slice(b"backlog/../../x.md");
    let body = bytes.len() - 20;
    let mut hasher = gix::hash::hasher(gix::hash::Kind::Sha1);
    hasher.update(&bytes[..body]);
    let sum = hasher.try_finalize().unwrap();
    bytes[body..].copy_from_slice(sum.as_bytes());
    std::fs::write(&index, bytes).unwrap();
    assert!(git(d, &["ls-files"]).starts_with("backlog/../../x.md\n"));
    assert_eq!(
        concise(d, &["--staged"]),
        (1, "backlog:1:1: error[file-unreadable]: skipped: the git index holds `backlog/../../x.md`, which is not a safe path (a part that is empty, `.` or `..`)\n".into())
    );
    let list = run(d, &["list", "--staged", "--format", "csv"]);
    assert_eq!(list.stdout.lines().count(), 4, "{}", list.stdout);
}

const PI: &str = "---\nid: PI-1\ntype: pi\ntitle: PI 1\nstart: 2027-01-04\niterations: 5\niteration_weeks: 2\n---\n";

/// The gate fails on what a branch breaks anywhere, not only in the files it touches: findings
/// are compared with the merge base's (checked with its own popm.toml).
#[test]
fn since_fails_on_findings_the_branch_causes_in_files_it_did_not_touch() {
    let dir = repo();
    let d = dir.path();
    for id in ["F-1", "F-2"] {
        let path = format!("backlog/{id}.md");
        let text = std::fs::read_to_string(d.join(&path)).unwrap();
        write(
            d,
            &path,
            &text.replace("parent: E-1", "parent: E-1\npi: PI-1\ncolour: red"),
        );
    }
    write(d, "backlog/PI-1.md", PI);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "plan PI-1"]);
    let legacy = "backlog/F-1.md:8:1: warning[field-unknown]: unknown key `colour`\n\
                  backlog/F-2.md:8:1: warning[field-unknown]: unknown key `colour`\n";
    assert_eq!(concise(d, &[]), (0, legacy.into()));

    // Deleting a PI that items still name: each of them fails the gate.
    git(d, &["checkout", "-q", "-b", "drop-pi"]);
    git(d, &["rm", "-q", "backlog/PI-1.md"]);
    git(d, &["commit", "-q", "-m", "drop PI-1"]);
    assert_eq!(
        concise(d, &["--since", "main"]),
        (
            1,
            "backlog/F-1.md:7:5: error[pi-unknown]: PI `PI-1` is not an item of this backlog\n\
             backlog/F-2.md:7:5: error[pi-unknown]: PI `PI-1` is not an item of this backlog\n"
                .into()
        )
    );

    // Dropping a workflow state an item is in (popm.toml alone changes).
    git(d, &["checkout", "-q", "main"]);
    git(d, &["checkout", "-q", "-b", "drop-state"]);
    write(
        d,
        "popm.toml",
        "[workflow.feature]\nstates = [\"analyzing\", \"ready\", \"implementing\", \"done\"]\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "no funnel"]);
    assert_eq!(
        concise(d, &["--since", "main"]),
        (1, "backlog/F-1.md:5:9: error[status-unknown]: unknown status `funnel` for a feature: expected analyzing, ready, implementing or done\n".into())
    );

    // A rule made stricter: the legacy warnings are errors now, which the branch brings.
    write(d, "popm.toml", "[rules]\nfield-unknown = \"error\"\n");
    let (code, out) = concise(d, &["--since", "main"]);
    assert_eq!(
        (code, out.as_str()),
        (1, legacy.replace("warning", "error").as_str())
    );

    // Legacy findings stay out even when a touched file moves the line they quote:
    // F-1b duplicates F-1's id, and its finding names F-1's line, which a new line above moves.
    git(d, &["checkout", "-q", "-f", "main"]);
    write(d, "backlog/F-1b.md", &feature("F-1", "funnel"));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "legacy duplicate"]);
    let text = std::fs::read_to_string(d.join("backlog/F-1.md")).unwrap();
    write(
        d,
        "backlog/F-1.md",
        &text.replacen("---\n", "---\n# moved down\n", 1),
    );
    let (_, all) = concise(d, &[]);
    assert!(all.contains("backlog/F-1b.md:2:5: error[id-duplicate]: duplicate id `F-1`: backlog/F-1.md:3 uses it too\n"), "{all}");
    assert_eq!(
        concise(d, &["--since", "HEAD"]),
        (
            0,
            "backlog/F-1.md:9:1: warning[field-unknown]: unknown key `colour`\n".into()
        )
    );
}

/// Where the base cannot say what it had, every finding is the branch's: a base from before the
/// backlog existed, or one whose popm.toml does not parse (said on stderr).
#[test]
fn since_with_no_comparable_base_shows_every_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "README.md", "no backlog yet\n");
    write(d, "popm.toml", "[backlog\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "start"]);
    git(d, &["checkout", "-q", "-b", "adopt"]);
    write(d, "popm.toml", "");
    write(d, "backlog/E-1.md", EPIC);
    write(d, "backlog/F-1.md", &feature("F-1", "doing"));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "adopt popm"]);
    let r = run(d, &["check", "--since", "main", "--format", "concise"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            1,
            "backlog/F-1.md:5:9: error[status-unknown]: unknown status `doing` for a feature: expected funnel, analyzing, ready, implementing, validating, deploying, releasing or done\n"
        )
    );
    assert!(
        r.stderr
            .starts_with("warning: the merge base's configuration cannot be read (popm.toml (at "),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.ends_with("); every finding counts as new\n"),
        "{}",
        r.stderr
    );
    // With a readable popm.toml at the base that has no backlog folder: the same finding, quietly.
    git(d, &["checkout", "-q", "main"]);
    write(d, "popm.toml", "");
    git(d, &["commit", "-q", "-am", "fix popm.toml"]);
    git(d, &["checkout", "-q", "adopt"]);
    git(d, &["merge", "-q", "--no-edit", "main"]);
    let r = run(d, &["check", "--since", "main", "--format", "concise"]);
    assert_eq!((r.code, r.stderr.as_str()), (1, ""));
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
}

/// The warning about an unreadable popm.toml at the merge base quoted the configuration's values
/// raw: escape sequences, invisible characters and a line that GitHub Actions reads as a workflow
/// command. It passes the terminal gate as every other message does.
#[test]
fn an_unreadable_base_configuration_is_quoted_safely() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let state = r"x\u200b\u001b[31m\n::error::base";
    write(
        d,
        "popm.toml",
        &format!("[workflow.story]\nstates = [\"{state}\", \"{state}\"]\n"),
    );
    write(d, "backlog/E-1.md", EPIC);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "start"]);
    git(d, &["checkout", "-q", "-b", "fix"]);
    write(d, "popm.toml", "");
    git(d, &["commit", "-q", "-am", "fix popm.toml"]);
    let r = run(d, &["check", "--since", "main", "--format", "concise"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    let commit = String::from_utf8(
        std::process::Command::new("git")
            .args(["rev-parse", "--short", "main"])
            .current_dir(d)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(
        r.stderr,
        format!(
            "warning: the merge base's configuration cannot be read (popm.toml (at {}):2:10: [workflow.story] states: `x\\u{{200b}}\\x1b[31m\n\\x3a:error::base` is empty or listed twice); every finding counts as new\n",
            commit.trim()
        )
    );
}

/// A sparse index (`git sparse-checkout --sparse-index`) holds a folder outside the sparse
/// checkout as one entry naming its tree. `--staged` skipped that entry: the backlog it held was
/// "ok: 0 items checked" (or, for a root inside it, not found). The folder's tree is read
/// instead, as for a commit.
#[test]
fn a_sparse_index_is_read_in_full() {
    let dir = common::temp_copy("demo");
    let d = dir.path();
    let s1 = "backlog/stories/S-1-request-reset-link.md";
    let text = std::fs::read_to_string(d.join(s1)).unwrap();
    std::fs::write(d.join(s1), text.replace("status: ready", "status: bogus")).unwrap();
    write(d, "other/notes.txt", "outside the backlog\n");
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "demo"]);
    git(d, &["sparse-checkout", "init", "--cone", "--sparse-index"]);
    git(d, &["sparse-checkout", "set", "other"]);
    assert!(
        !d.join("backlog").exists(),
        "the backlog is outside the checkout"
    );
    assert!(git(d, &["ls-files", "--sparse"]).contains("backlog/\n"));
    let finding = format!(
        "{s1}:5:9: error[status-unknown]: unknown status `bogus` for a story: expected backlog, ready, in-progress, review, done or accepted\n"
    );
    let check = |source: &[&str]| {
        let mut args = vec!["check", "--format", "concise"];
        args.extend(source);
        let r = run(d, &args);
        (r.code, r.stdout, r.stderr)
    };
    assert_eq!(check(&["--staged"]), (1, finding.clone(), String::new()));
    // A root inside the sparse folder: found in its tree, read as the commit reads it.
    write(d, "popm.toml", "[backlog]\nroots = [\"backlog/stories\"]\n");
    git(d, &["commit", "-q", "-am", "stories only"]);
    let staged = check(&["--staged"]);
    assert_eq!(staged, check(&["--rev", "HEAD"]));
    assert_eq!(staged.0, 1);
    assert!(staged.1.starts_with(&finding), "{}", staged.1);
}

#[test]
fn a_shallow_clone_without_the_base_says_so() {
    let dir = repo();
    let origin = dir.path();
    for i in 0..3 {
        write(
            origin,
            "backlog/F-1.md",
            &feature("F-1", "funnel").replace("Feature F-1", &format!("Feature F-1 v{i}")),
        );
        git(origin, &["commit", "-q", "-am", &format!("v{i}")]);
    }
    git(origin, &["branch", "old", "HEAD~3"]);
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.display());
    git(
        clones.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            &url,
            "shallow",
        ],
    );
    let shallow = clones.path().join("shallow");
    let (code, err) = concise(&shallow, &["--since", "origin/old"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not in this shallow clone"), "{err}");
    assert!(err.contains("git fetch --unshallow"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // Plain checks work in a shallow clone.
    assert_eq!(concise(&shallow, &["--staged"]), (0, String::new()));
}

#[test]
fn a_repository_without_commits() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "backlog/E-1.md", EPIC);
    write(
        d,
        "backlog/F-1.md",
        &feature("F-1", "ready").replace("## Benefit hypothesis\nSales grow.\n\n", ""),
    );
    // Nothing staged: an empty staged backlog is clean.
    assert_eq!(concise(d, &["--staged"]), (0, String::new()));
    git(d, &["add", "-A"]);
    // Everything is new: entry rules apply to the state each item starts in.
    let (code, out) = concise(d, &["--staged"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("error[status-entry]: this feature enters ready without a benefit hypothesis"),
        "{out}"
    );
    let (code, err) = concise(d, &["--rev", "HEAD"]);
    assert_eq!(
        (code, err.as_str()),
        (2, "popm: error: HEAD has no commits yet\n")
    );
    let (code, err) = concise(d, &["--since", "main"]);
    assert_eq!(code, 2);
    assert!(err.contains("HEAD has no commits yet"), "{err}");
    // The first commit brings everything: every finding is its own.
    let (code, out) = concise(d, &["--pre-commit"]);
    assert_eq!(code, 1);
    assert!(out.contains("error[status-entry]"), "{out}");
}

#[test]
fn outside_a_repository_git_flags_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "backlog/E-1.md", EPIC);
    assert_eq!(concise(d, &[]), (0, String::new()));
    for flag in [&["--staged"][..], &["--rev", "HEAD"], &["--since", "main"]] {
        let (code, err) = concise(d, flag);
        assert_eq!(code, 2, "{flag:?}");
        assert!(err.contains("needs a git repository"), "{err}");
        assert_eq!(err.lines().count(), 1);
    }
    let r = run(d, &["hook", "install"]);
    assert_eq!(r.code, 2);
}

#[test]
fn hook_install_and_uninstall() {
    let dir = repo();
    let d = dir.path();
    let hook = d.join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();
    let r = run(d, &["hook", "install"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("was not written by popm; use --force"),
        "{}",
        r.stderr
    );
    assert_eq!(run(d, &["hook", "uninstall"]).code, 2);
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    assert_eq!(run(d, &["hook", "install", "--force"]).code, 0);
    assert_eq!(
        std::fs::read_to_string(d.join(".git/hooks/pre-commit.bak")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    assert!(
        std::fs::read_to_string(&hook)
            .unwrap()
            .contains("check --pre-commit")
    );
    // The hook blocks a bad commit (popm must be on PATH, as for a user).
    let bin = Path::new(env!("CARGO_BIN_EXE_popm"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    write(d, "backlog/F-1.md", &feature("F-1", "doing"));
    let commit = Command::new("git")
        .current_dir(d)
        .env("PATH", &path)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args([
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@e",
            "commit",
            "-q",
            "-am",
            "bad",
        ])
        .output()
        .unwrap();
    assert!(!commit.status.success());
    // git shows a hook's output on its stderr.
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&commit.stdout),
        String::from_utf8_lossy(&commit.stderr)
    );
    assert!(shown.contains("unknown status `doing`"), "{shown}");
    assert_eq!(run(d, &["hook", "uninstall"]).code, 0);
    assert!(!hook.exists());
}

/// PATH without any folder that holds a popm: the hook must find popm by itself.
fn path_without_popm() -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path).filter(|d| !d.join("popm").exists());
    std::env::join_paths(dirs).unwrap().into_string().unwrap()
}

/// `git commit -m message` as a user runs it (hooks run), with this PATH; the exit status, and
/// what git and the hook printed.
fn commit_with_hook(dir: &Path, path: &str, message: &str) -> (bool, String) {
    let out = common::git_command(dir, &["commit", "-q", "-m", message])
        .env("PATH", path)
        .output()
        .unwrap();
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), shown)
}

/// Issue 14: the hook blocked every commit while any item anywhere had an error, so one broken
/// feature stopped the whole team. It judges what the commit changes: findings in the items it
/// adds or changes, and findings it causes elsewhere; an untouched item's error is one line. And
/// it runs the popm that installed it, whatever PATH the commit runs with.
#[test]
fn the_installed_hook_judges_what_the_commit_changes() {
    let dir = repo();
    let d = dir.path();
    let story = "---\nid: S-1\ntype: story\ntitle: Story\nstatus: backlog\nparent: F-2\npoints: 3\n---\nAs a user, I want it, so that it helps.\n\n## Acceptance criteria\n- [ ] It works\n";
    write(d, "backlog/S-1.md", story);
    write(d, "backlog/F-3.md", &feature("F-3", "doing"));
    git(d, &["add", "-A"]);
    git(
        d,
        &["commit", "-q", "-m", "a story, and a feature with an error"],
    );
    assert_eq!(run(d, &["hook", "install"]).code, 0);
    let path = path_without_popm();

    // Only the story changes: F-3's error is not the commit's.
    write(
        d,
        "backlog/S-1.md",
        &story.replace("title: Story", "title: A story"),
    );
    git(d, &["add", "-A"]);
    let (passed, shown) = commit_with_hook(d, &path, "retitle the story");
    assert!(passed, "{shown}");
    assert_eq!(
        shown,
        "ok: 5 items checked, no problems found\n\
         note: 1 error in 1 file this commit does not touch, not blocking it (`popm check` lists it)\n"
    );
    // `check --staged` still judges the whole staged backlog.
    assert_eq!(concise(d, &["--staged"]).0, 1);

    // A commit that touches F-3 owns its error, old as it is.
    write(
        d,
        "backlog/F-3.md",
        &feature("F-3", "doing").replace("Feature F-3", "Feature three"),
    );
    git(d, &["add", "-A"]);
    let (passed, shown) = commit_with_hook(d, &path, "retitle F-3");
    assert!(!passed, "{shown}");
    assert!(shown.contains("error[status-unknown]"), "{shown}");
    assert!(shown.contains(" --> backlog/F-3.md:5:9\n"), "{shown}");
    git(d, &["reset", "-q", "--hard"]);

    // Removing the epic breaks the features under it, files the commit does not touch.
    git(d, &["rm", "-q", "backlog/E-1.md"]);
    let (passed, shown) = commit_with_hook(d, &path, "drop the epic");
    assert!(!passed, "{shown}");
    assert!(shown.contains("error[parent-unknown]"), "{shown}");
    assert!(shown.contains(" --> backlog/F-1.md:6:9\n"), "{shown}");
    assert!(shown.contains(" --> backlog/F-2.md:6:9\n"), "{shown}");
    git(d, &["reset", "-q", "--hard"]);
}

/// The hook records the popm that installed it, falls back to PATH when that one is gone, and
/// says how to fix it when neither is there; `hook install` replaces such a hook (it is popm's).
#[test]
fn a_hook_whose_popm_is_gone_falls_back_to_path_and_says_how_to_fix_it() {
    let dir = repo();
    let d = dir.path();
    let hook = d.join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    let gone = d.join("moved away/popm");
    let script = popm::hook::script(Some(gone.to_str().unwrap()));
    std::fs::write(&hook, &script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    write(d, "backlog/F-1.md", &feature("F-1", "doing"));
    git(d, &["add", "-A"]);
    let (passed, shown) = commit_with_hook(d, &path_without_popm(), "bad");
    assert!(!passed);
    assert_eq!(
        shown,
        format!(
            "popm hook: cannot find popm: not at '{}' (where it was when the hook was installed), not on PATH\n\
             popm hook: put popm on PATH, or run `popm hook install` again with the popm you use now; `git commit --no-verify` skips the check once\n",
            gone.display()
        )
    );
    // With popm on PATH, that one judges the commit.
    let bin = Path::new(env!("CARGO_BIN_EXE_popm")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), path_without_popm());
    let (passed, shown) = commit_with_hook(d, &path, "bad");
    assert!(!passed);
    assert!(shown.contains("unknown status `doing`"), "{shown}");
    // Installing again records this popm, without --force: the hook was popm's.
    let r = run(d, &["hook", "install"]);
    assert_eq!(
        (r.code, r.stdout),
        (0, format!("installed {}\n", hook.display()))
    );
    let recorded = std::fs::read_to_string(&hook).unwrap();
    assert!(
        recorded.contains(&format!("recorded='{}'\n", env!("CARGO_BIN_EXE_popm"))),
        "{recorded}"
    );
    // popm 0.1's hook (no recorded path) is popm's too: uninstall removes it.
    let before_recording = "#!/bin/sh\n# installed by `popm hook install`\n# Checks the backlog as it is about to be committed. Remove with `popm hook uninstall`.\nexec popm check --staged\n";
    std::fs::write(&hook, before_recording).unwrap();
    assert_eq!(run(d, &["hook", "uninstall"]).code, 0);
    assert!(!hook.exists());
}

/// The real pre-commit framework installs popm from this repository (as a team's
/// .pre-commit-config.yaml would) and runs the `popm-check` hook of .pre-commit-hooks.yaml: a bad
/// staged item blocks the commit, a good one passes. pre-commit builds popm with `cargo install`
/// (a release build: minutes the first time, cached in target/pre-commit afterwards).
#[test]
fn the_pre_commit_framework_runs_the_hook() {
    let popm_repo = common::root();
    if !common::tool_available(
        Command::new("pre-commit").arg("--version"),
        "pre-commit (PyPI)",
    ) {
        return;
    }
    let Ok(head) = Command::new("git")
        .current_dir(&popm_repo)
        .args(["rev-parse", "HEAD"])
        .output()
    else {
        eprintln!("skipped: popm's sources are not a git repository");
        return;
    };
    let rev = String::from_utf8_lossy(&head.stdout).trim().to_string();
    if !head.status.success() || rev.is_empty() {
        eprintln!("skipped: popm's sources are not a git repository with commits");
        return;
    }
    let dir = repo();
    let d = dir.path();
    write(
        d,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: popm-check\n",
            popm_repo.display()
        ),
    );
    git(d, &["add", ".pre-commit-config.yaml"]);
    git(d, &["commit", "-q", "-m", "pre-commit config"]);
    let pre_commit = |args: &[&str]| {
        Command::new("pre-commit")
            .current_dir(d)
            .args(args)
            // Builds are cached across runs; the hook environment is per repository and rev.
            .env(
                "CARGO_TARGET_DIR",
                popm_repo.join("target").join("pre-commit"),
            )
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .output()
            .expect("pre-commit runs")
    };
    let install = pre_commit(&["install"]);
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );
    let commit = |message: &str| {
        Command::new("git")
            .current_dir(d)
            .args(["commit", "-q", "-m", message])
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env(
                "CARGO_TARGET_DIR",
                popm_repo.join("target").join("pre-commit"),
            )
            .output()
            .unwrap()
    };
    // A bad staged item blocks the commit.
    write(d, "backlog/F-1.md", &feature("F-1", "doing"));
    git(d, &["add", "backlog/F-1.md"]);
    let bad = commit("bad");
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&bad.stdout),
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(!bad.status.success(), "{shown}");
    assert!(shown.contains("popm check"), "{shown}");
    assert!(shown.contains("unknown status `doing`"), "{shown}");
    // A good one passes.
    write(d, "backlog/F-1.md", &feature("F-1", "analyzing"));
    git(d, &["add", "backlog/F-1.md"]);
    let good = commit("good");
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&good.stdout),
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(good.status.success(), "{shown}");
    assert!(git(d, &["log", "--format=%s", "-1"]).starts_with("good"));
}

/// Issue 12: a second `hook install` replaced a hook the user had edited, without a backup. A hook
/// that is not exactly what popm writes is replaced only with --force, and kept beside it first;
/// `uninstall` removes only popm's own, unchanged hook.
#[test]
fn an_edited_hook_is_never_replaced_silently() {
    let dir = repo();
    let d = &dir.path().canonicalize().unwrap();
    let hooks = d.join(".git/hooks");
    let hook = hooks.join("pre-commit");
    assert_eq!(run(d, &["hook", "install"]).code, 0);
    let ours = std::fs::read_to_string(&hook).unwrap();
    let r = run(d, &["hook", "install"]);
    assert_eq!(
        (r.code, r.stdout),
        (0, format!("{} is already installed\n", hook.display()))
    );

    let edited = format!("{ours}echo my own check\n");
    std::fs::write(&hook, &edited).unwrap();
    let r = run(d, &["hook", "install"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!(
            "popm: error: {} was changed since popm wrote it; use --force to replace it (it is kept as pre-commit.bak)\n",
            hook.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), edited);
    let r = run(d, &["hook", "uninstall"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!(
            "popm: error: {} was changed since popm wrote it; leaving it alone\n",
            hook.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), edited);

    let r = run(d, &["hook", "install", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "kept the previous hook as {}\ninstalled {}\n",
            hooks.join("pre-commit.bak").display(),
            hook.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit.bak")).unwrap(),
        edited
    );
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), ours);

    // A second forced install keeps the first backup too, and a backup keeps the hook's mode.
    std::fs::write(&hook, "#!/bin/sh\necho another\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).unwrap();
    }
    let r = run(d, &["hook", "install", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit.bak")).unwrap(),
        edited
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit.bak.2")).unwrap(),
        "#!/bin/sh\necho another\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&hooks.join("pre-commit.bak.2")), 0o750);
        assert_eq!(mode(&hook), 0o755);
    }
    assert_eq!(run(d, &["hook", "uninstall"]).code, 0);
    assert!(!hook.exists());
}
