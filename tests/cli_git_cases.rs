//! The command line's behaviour on a git repository, as snapshots: what tests/cli_cases.rs cannot
//! set up (trycmd copies folders, it cannot make commits). One scripted history of the demo backlog,
//! every commit at a fixed time by a fixed author, so commit ids, dates and flow metrics are the same
//! on every machine. Each case is one snapshot under tests/cmd/git/: the arguments, the exit status,
//! stdout and stderr, like a trycmd case.
//!
//! Re-bless after a deliberate change: `INSTA_UPDATE=always cargo test --test cli_git_cases`, then
//! review the diff.

mod common;

use std::path::Path;

use common::{commit, copy_dir, fixture, git_at, popm, write};

/// Replaces `from` by `to` in a file of the repository; the text must be there (a fixture edited
/// out from under the history would otherwise go unnoticed).
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

const S1: &str = "backlog/stories/S-1-request-reset-link.md";
const S5: &str = "backlog/stories/S-5-second-factor-prompt.md";
const S6: &str = "backlog/stories/S-6-save-card.md";
const S7: &str = "backlog/stories/S-7-pay-with-saved-card.md";
const F2: &str = "backlog/features/F-2-two-factor-sign-in.md";
const F4: &str = "backlog/features/F-4-one-click-reorder.md";
const F8: &str = "backlog/features/F-8-guest-checkout.md";

/// The demo backlog with this history (all times UTC):
///
/// | # | branch | time             | change                                                    |
/// |---|--------|------------------|-----------------------------------------------------------|
/// | 1 | main   | 2027-01-04 09:00 | the demo backlog                                          |
/// | 2 | main   | 2027-01-05 09:00 | S-1 ready -> in-progress, S-6 in-progress -> review       |
/// | 3 | main   | 2027-01-06 15:00 | S-1 -> review, F-2 ready -> implementing                  |
/// | 4 | main   | 2027-01-07 10:00 | S-1 -> done, its criteria checked                         |
/// | 5 | main   | 2027-01-08 09:00 | S-2 moved to backlog/stories/identity/S-2.md (git mv)     |
/// | 6 | main   | 2027-01-11 09:00 | S-6 -> done, its criteria checked                         |
/// | 7 | pr     | 2027-01-12 09:00 | F-4 job size 3 -> 5; F-8 scored and ready; F-2 to PI-2027.2 |
/// | 8 | pr     | 2027-01-12 11:00 | F-10 added, S-13 removed                                  |
///
/// On `pr`, S-5 backlog -> done is staged and S-7 ready -> in-progress is changed in the work tree
/// only.
fn scripted() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&fixture("demo"), d);
    git_at(d, "2027-01-04T09:00:00Z", &["init", "-q", "-b", "main"]);
    commit(d, "2027-01-04T09:00:00Z", "the demo backlog");

    edit(d, S1, "status: ready", "status: in-progress");
    edit(d, S6, "status: in-progress", "status: review");
    commit(d, "2027-01-05T09:00:00Z", "start S-1, S-6 to review");

    edit(d, S1, "status: in-progress", "status: review");
    edit(d, F2, "status: ready", "status: implementing");
    commit(d, "2027-01-06T15:00:00Z", "S-1 to review, F-2 implementing");

    edit(d, S1, "status: review", "status: done");
    edit(d, S1, "- [ ]", "- [x]");
    commit(d, "2027-01-07T10:00:00Z", "S-1 done");

    std::fs::create_dir_all(d.join("backlog/stories/identity")).unwrap();
    git_at(
        d,
        "2027-01-08T09:00:00Z",
        &[
            "mv",
            "backlog/stories/S-2-set-new-password.md",
            "backlog/stories/identity/S-2.md",
        ],
    );
    commit(d, "2027-01-08T09:00:00Z", "S-2 to the identity folder");

    edit(d, S6, "status: review", "status: done");
    edit(d, S6, "- [ ]", "- [x]");
    commit(d, "2027-01-11T09:00:00Z", "S-6 done");

    git_at(d, "2027-01-12T09:00:00Z", &["checkout", "-q", "-b", "pr"]);
    edit(d, F4, "job_size: 3}", "job_size: 5}");
    edit(
        d,
        F8,
        "status: analyzing\nparent: E-1\nteam: [checkout]\npi: PI-2027.2\n",
        "status: ready\nparent: E-1\nteam: [checkout]\npi: PI-2027.2\n\
         wsjf: {business_value: 8, time_criticality: 8, risk_reduction: 2, job_size: 5}\n",
    );
    edit(d, F2, "pi: PI-2027.1", "pi: PI-2027.2");
    commit(
        d,
        "2027-01-12T09:00:00Z",
        "rescore F-4, plan F-8, F-2 to the next PI",
    );

    write(
        d,
        "backlog/features/F-10-store-pickup.md",
        "---\nid: F-10\ntype: feature\ntitle: Store pickup\nstatus: funnel\nparent: E-1\n\
         team: [checkout]\n---\n## Benefit hypothesis\nShoppers near a store pick up the same day.\n\n\
         ## Acceptance criteria\n- [ ] A shopper can choose a store at checkout\n",
    );
    std::fs::remove_file(d.join("backlog/stories/S-13-immutable-log-store.md")).unwrap();
    commit(d, "2027-01-12T11:00:00Z", "add F-10, drop S-13");

    edit(d, S5, "status: backlog", "status: done");
    git_at(d, "2027-01-12T12:00:00Z", &["add", S5]);
    edit(d, S7, "status: ready", "status: in-progress");
    dir
}

/// Runs popm in `dir` and returns the text of its snapshot: the arguments, the exit status and both
/// streams (the repository's temporary path, should it appear, as `[ROOT]`).
fn case(dir: &Path, args: &[&str]) -> String {
    let out = popm(dir)
        .args(args)
        .env_remove("POPM_TODAY")
        .env_remove("POPM_TRACE")
        .env_remove("COLUMNS")
        .output()
        .expect("run popm");
    let root = dir.to_string_lossy();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(root.as_ref(), "[ROOT]");
    format!(
        "args: {args:?}\nexit: {}\n----- stdout -----\n{}----- stderr -----\n{}",
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// Snapshots go to tests/cmd/git/NAME.snap, named by the case alone.
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("cmd/git");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// Snapshots each `(name, args)` case under tests/cmd/git/NAME.snap.
fn snapshot_all(dir: &Path, cases: &[(&str, &[&str])]) {
    settings().bind(|| {
        for (name, args) in cases {
            insta::assert_snapshot!(*name, case(dir, args));
        }
    });
}

#[test]
fn log_cases() {
    let dir = scripted();
    snapshot_all(
        dir.path(),
        &[
            ("log-S-1-human", &["log", "S-1"]),
            ("log-S-1-json", &["log", "S-1", "--format", "json"]),
            ("log-S-2-renamed", &["log", "S-2"]),
            ("log-F-8", &["log", "F-8"]),
            ("log-S-13-removed", &["log", "S-13", "--format", "json"]),
            ("log-F-10-added", &["log", "F-10"]),
            ("log-E-1-unchanged", &["log", "E-1"]),
            ("log-unknown-id", &["log", "X-1"]),
            ("log-bad-format", &["log", "S-1", "--format", "csv"]),
        ],
    );
}

#[test]
fn diff_cases() {
    let dir = scripted();
    snapshot_all(
        dir.path(),
        &[
            ("diff-default-human", &["diff"]),
            ("diff-default-json", &["diff", "--format", "json"]),
            ("diff-default-markdown", &["diff", "--format", "markdown"]),
            ("diff-main-pr-human", &["diff", "main", "pr"]),
            (
                "diff-main-pr-markdown",
                &["diff", "main", "pr", "--format", "markdown"],
            ),
            (
                "diff-first-commits-json",
                &["diff", "HEAD~7", "HEAD~4", "--format", "json"],
            ),
            ("diff-no-change", &["diff", "HEAD", "HEAD"]),
            ("diff-unknown-rev", &["diff", "no-such-branch"]),
        ],
    );
}

#[test]
fn flow_cases() {
    let dir = scripted();
    snapshot_all(
        dir.path(),
        &[
            ("flow-art-human", &["flow"]),
            ("flow-art-json", &["flow", "--format", "json"]),
            ("flow-art-csv", &["flow", "--format", "csv"]),
            ("flow-team-human", &["flow", "--level", "team"]),
            (
                "flow-team-json",
                &["flow", "--level", "team", "--format", "json"],
            ),
            (
                "flow-team-identity-human",
                &["flow", "--level", "team", "--team", "identity"],
            ),
            ("flow-portfolio-human", &["flow", "--level", "portfolio"]),
            (
                "flow-pi-human",
                &["flow", "--pi", "PI-2027.1", "--level", "team"],
            ),
            (
                "flow-window-csv",
                &[
                    "flow",
                    "--level",
                    "team",
                    "--from",
                    "2027-01-05",
                    "--to",
                    "2027-01-08",
                    "--format",
                    "csv",
                ],
            ),
            ("flow-bad-date", &["flow", "--from", "2027-13-01"]),
            ("flow-unknown-pi", &["flow", "--pi", "PI-1999.1"]),
            ("flow-unknown-team", &["flow", "--team", "nobody"]),
        ],
    );
}

/// Read commands on another version of the backlog: the index, a revision, the changes since a ref.
#[test]
fn version_cases() {
    let dir = scripted();
    snapshot_all(
        dir.path(),
        &[
            (
                "check-staged-concise",
                &["check", "--staged", "--format", "concise"],
            ),
            ("check-since-main-human", &["check", "--since", "main"]),
            (
                "check-pre-commit-concise",
                &["check", "--pre-commit", "--format", "concise"],
            ),
            (
                "check-since-main-json",
                &["check", "--since", "main", "--format", "json"],
            ),
            ("check-rev-main", &["check", "--rev", "main"]),
            ("check-unknown-rev", &["check", "--rev", "no-such-branch"]),
            (
                "list-rev-first-commit",
                &[
                    "list", "--rev", "HEAD~7", "--type", "story", "--team", "identity",
                ],
            ),
            (
                "list-staged-json",
                &["list", "--staged", "--parent", "F-2", "--format", "json"],
            ),
            ("show-rev-main-F-8", &["show", "F-8", "--rev", "main"]),
            ("tree-staged-F-2", &["tree", "F-2", "--staged"]),
            (
                "backlog-rev-main",
                &["backlog", "--rev", "main", "--format", "csv"],
            ),
            (
                "board-staged-team",
                &["board", "--staged", "--level", "team", "--team", "identity"],
            ),
            (
                "pi-ready-rev-main",
                &["pi", "ready", "PI-2027.2", "--rev", "main"],
            ),
            (
                "pi-ready-work-tree",
                &["pi", "ready", "PI-2027.2", "--format", "markdown"],
            ),
            (
                "export-rev-main-json",
                &["export", "--rev", "main", "--format", "json"],
            ),
        ],
    );
}

/// `popm report --rev`: the site of the first commit, next to the work tree's.
#[test]
fn report_cases() {
    let dir = scripted();
    let d = dir.path();
    snapshot_all(
        d,
        &[
            (
                "report-rev-first-commit",
                &["report", "--rev", "HEAD~7", "--out", "site-old"],
            ),
            ("report-work-tree", &["report", "--out", "site-now"]),
        ],
    );
    let read = |p: &str| std::fs::read_to_string(d.join(p)).expect("the page is written");
    let (old, now) = (read("site-old/index.html"), read("site-now/index.html"));
    assert!(
        old.contains("from the backlog files at <code>HEAD~7</code>."),
        "{old}"
    );
    assert!(!now.contains("<code>HEAD~7</code>"));
    // Statuses moved in the seven commits since: the counts per state differ.
    assert_ne!(old, now);
    // In git, both link the flow page.
    assert!(old.contains("href=\"flow.html\"") && now.contains("href=\"flow.html\""));
}

/// `hook install` writes .git/hooks/pre-commit; the snapshot holds the script it writes.
#[test]
fn hook_cases() {
    let dir = scripted();
    let d = dir.path();
    let hook = d.join(".git/hooks/pre-commit");
    let _ = std::fs::remove_file(&hook);
    snapshot_all(d, &[("hook-install", &["hook", "install"])]);
    let script = std::fs::read_to_string(&hook).expect("the hook is written");
    // The hook records the absolute path of the popm that wrote it: this test's binary.
    let shown = script.replace(env!("CARGO_BIN_EXE_popm"), "[popm]");
    settings().bind(|| insta::assert_snapshot!("hook-install-script", shown));
    snapshot_all(
        d,
        &[
            ("hook-install-again", &["hook", "install"]),
            ("hook-uninstall", &["hook", "uninstall"]),
            ("hook-uninstall-again", &["hook", "uninstall"]),
        ],
    );
    assert!(!hook.exists(), "uninstall removes the hook");
    // A hook popm did not write is left alone.
    std::fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();
    snapshot_all(
        d,
        &[
            ("hook-install-foreign", &["hook", "install"]),
            ("hook-uninstall-foreign", &["hook", "uninstall"]),
        ],
    );
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    // --force replaces it and keeps the old one beside it.
    snapshot_all(
        d,
        &[("hook-install-force", &["hook", "install", "--force"])],
    );
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), script);
    assert_eq!(
        std::fs::read_to_string(d.join(".git/hooks/pre-commit.bak")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
}
