//! `popm import jira` and `popm export --format jira-csv`: the hand-written Jira Cloud export of
//! tests/cmd/import/jira.in imported, edited on both sides and imported again, and the round trip
//! through popm's own Jira CSV.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{copy_dir, run};

fn jira_case() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&common::root().join("tests/cmd/import/jira.in"), dir.path());
    dir
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join("backlog").join(file)).unwrap()
}

fn item_files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir.join("backlog"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect()
}

/// The first import, then the edits a POPM makes in popm before the next export comes in.
fn imported_and_edited_locally() -> tempfile::TempDir {
    let dir = jira_case();
    let d = dir.path();
    let first = run(d, &["import", "jira", "jira-cloud.csv"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    for args in [
        &["set", "S-1", "points=3"][..],
        &["set", "S-3", "title=Compare three card vaults"],
        &["set", "S-2", "labels+=customer"],
        &["set", "F-1", "wsjf.business_value=8"],
    ] {
        let r = run(d, args);
        assert!(r.code <= 1, "{args:?}: {}", r.stderr);
    }
    dir
}

const REIMPORT_REPORT: &str = "\
created 1 items in backlog (1 story); updated 3; 3 unchanged
  + S-5 FRT-9 backlog/s-5-remove-a-saved-card.md
  ~ F-1 FRT-2: status: funnel -> implementing; extra.updated: 2025-11-28T16:05 -> 2025-12-02T09:10
  ~ S-1 FRT-3: title: Save a card at checkout -> Save a card during checkout; extra.updated: 2025-11-29T08:45 -> 2025-12-02T09:12
  ~ S-2 FRT-4: labels: defect, customer -> defect, customer, regression; extra.updated: 2025-11-20T17:30 -> 2025-12-02T09:15
conflict: S-1 FRT-3 points: changed in popm (3) and in Jira (8); popm's value kept (--theirs takes Jira's)
";

/// What `popm check` says about the items the re-import writes (F-1's WSJF was started in popm;
/// Jira moves F-1 to implementing, whose Definition of Ready asks for a team and a full score).
const REIMPORT_FINDINGS: &str = "\
backlog/f-1-saved-cards.md:5:9: error[team-missing]: this feature names no team (needed from ready on)
backlog/f-1-saved-cards.md:9:1: error[wsjf-missing]: this feature's WSJF lacks time_criticality, risk_reduction, job_size (a complete score is needed from ready on)
backlog/s-2-hyperlink-http-evil-test-click.md:1:1: error[acceptance-criteria-missing]: this story has no `Acceptance criteria` section
backlog/s-2-hyperlink-http-evil-test-click.md:22:1: warning[user-voice]: the story does not open with its user voice
";

#[test]
fn reimport_updates_in_place_keeps_local_edits_and_reports_the_conflict() {
    let dir = imported_and_edited_locally();
    let d = dir.path();
    let r = run(d, &["import", "jira", "jira-cloud-2.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, format!("{REIMPORT_REPORT}{REIMPORT_FINDINGS}"));
    // No duplicate: the six items and the one new issue.
    let files = item_files(d);
    assert_eq!(files.len(), 7, "{:?}", files.keys());
    assert_eq!(
        files.values().filter(|t| t.contains("jira: FRT-3")).count(),
        1
    );
    // Jira's change taken, popm's local edits kept (title of S-3, WSJF of F-1), the conflict's
    // popm side kept.
    let s1 = read(d, "s-1-save-a-card-at-checkout.md");
    assert!(
        s1.contains("\ntitle: Save a card during checkout\n"),
        "{s1}"
    );
    assert!(s1.contains("\npoints: 3\n"), "{s1}");
    assert!(
        s1.contains("points: \"8\""),
        "the record holds Jira's value: {s1}"
    );
    let s3 = read(d, "s-3-compare-card-vaults.md");
    assert!(s3.contains("\ntitle: Compare three card vaults\n"), "{s3}");
    let f1 = read(d, "f-1-saved-cards.md");
    assert!(f1.contains("\nstatus: implementing\n"), "{f1}");
    assert!(f1.contains("\nwsjf:\n  business_value: 8\n"), "{f1}");
    let s2 = read(d, "s-2-hyperlink-http-evil-test-click.md");
    assert!(
        s2.contains("\nlabels: [defect, customer, regression]\n"),
        "{s2}"
    );
    let s5 = read(d, "s-5-remove-a-saved-card.md");
    assert!(
        s5.ends_with("---\nAs a shopper, I want to remove a saved card, so that nothing of mine stays.\n\n## Acceptance criteria\n- [ ] the card is gone from the list\n"),
        "{s5}"
    );
    assert!(s5.contains("\nparent: F-1\n"), "{s5}");

    // The same export again changes nothing and reports no conflict: the record now holds it.
    let before = item_files(d);
    let again = run(d, &["import", "jira", "jira-cloud-2.csv"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.stdout,
        "created 0 items in backlog; updated 0; 7 unchanged\n"
    );
    assert_eq!(item_files(d), before);
}

#[test]
fn dry_run_prints_the_changes_and_writes_nothing() {
    let dir = imported_and_edited_locally();
    let d = dir.path();
    let before = item_files(d);
    let r = run(d, &["import", "jira", "jira-cloud-2.csv", "--dry-run"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // The same report and the findings the import would bring.
    assert_eq!(
        r.stdout,
        format!("{REIMPORT_REPORT}{REIMPORT_FINDINGS}")
            .replace("created 1", "would create 1")
            .replace("updated 3", "would update 3")
    );
    assert_eq!(item_files(d), before);
}

#[test]
fn theirs_takes_jiras_side_of_a_conflict() {
    let dir = imported_and_edited_locally();
    let d = dir.path();
    let r = run(d, &["import", "jira", "jira-cloud-2.csv", "--theirs"]);
    assert!(
        r.stdout.contains(
            "conflict: S-1 FRT-3 points: changed in popm (3) and in Jira (8); Jira's value taken (--theirs)\n"
        ),
        "{}",
        r.stdout
    );
    let s1 = read(d, "s-1-save-a-card-at-checkout.md");
    assert!(s1.contains("\npoints: 8\n"), "{s1}");
    // Local edits Jira did not touch stay even so.
    assert!(read(d, "s-3-compare-card-vaults.md").contains("\ntitle: Compare three card vaults\n"));
}

/// (type, enabler, title, parent's title, points or estimate) of every item but PIs.
type Shape = Vec<(String, String, String, String, String)>;

fn shape(dir: &Path) -> Shape {
    let r = run(dir, &["export", "--format", "json"]);
    let records: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    let title_of: BTreeMap<String, String> = records
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["title"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out: Vec<_> = records
        .iter()
        .filter(|r| r["type"] != "pi")
        .map(|r| {
            let parent = r["parent"]
                .as_str()
                .map_or(String::new(), |p| title_of[p].clone());
            let points = if r["type"] == "story" {
                text(&r["points"])
            } else {
                text(&r["estimate"])
            };
            // Only exploration enablers have a Jira issue type of their own (Spike).
            let enabler = if r["enabler"] == "exploration" {
                "exploration"
            } else {
                ""
            };
            (
                text(&r["type"]),
                enabler.to_string(),
                text(&r["title"]),
                parent,
                points,
            )
        })
        .collect();
    out.sort();
    out
}

fn jira_csv_round_trip(source: &Path) -> (Shape, Shape, String) {
    let export = run(source, &["export", "--format", "jira-csv"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let target = tempfile::tempdir().unwrap();
    std::fs::create_dir(target.path().join("backlog")).unwrap();
    std::fs::write(target.path().join("export.csv"), &export.stdout).unwrap();
    let import = run(target.path(), &["import", "jira", "export.csv"]);
    assert!(import.code <= 1, "{}", import.stderr);
    (shape(source), shape(target.path()), export.stdout)
}

#[test]
fn demo_export_jira_csv_then_import_jira_gives_the_same_hierarchy_types_points_and_titles() {
    let demo = common::temp_copy("demo");
    let (before, after, csv) = jira_csv_round_trip(demo.path());
    assert_eq!(before.len(), 28);
    assert_eq!(before, after);
    assert!(csv.starts_with(
        "Issue Type,Issue ID,Issue key,Summary,Description,Parent,Status,Labels,Labels,Story Points\n"
    ));
}

#[test]
fn jira_import_exported_again_keeps_keys_parents_and_the_formula_title() {
    let dir = jira_case();
    run(dir.path(), &["import", "jira", "jira-cloud.csv"]);
    let (before, after, csv) = jira_csv_round_trip(dir.path());
    assert_eq!(before.len(), 6);
    assert_eq!(before, after);
    // The formula is defused in the file, and read back as the title it was.
    assert!(csv.contains("\nBug,4,FRT-4,\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"click\"\")\",Card form crashes when the name has an apostrophe.,2,done,defect,,2\n"), "{csv}");
    assert!(
        csv.contains("\nSpike,5,FRT-5,Compare card vaults,,2,backlog,,,3\n"),
        "{csv}"
    );
}

#[test]
fn a_partial_export_finds_the_parent_by_its_issue_id() {
    let dir = jira_case();
    let d = dir.path();
    run(d, &["import", "jira", "jira-cloud.csv"]);
    // FRT-9 alone: its `Parent` is 10002 (FRT-2, imported before as F-1), which this file lacks.
    let full = std::fs::read_to_string(d.join("jira-cloud-2.csv")).unwrap();
    let header = full.lines().next().unwrap();
    let row = full.lines().find(|l| l.contains(",FRT-9,")).unwrap();
    std::fs::write(d.join("one.csv"), format!("{header}\n{row}\n")).unwrap();
    let r = run(d, &["import", "jira", "one.csv", "--into", "backlog/new"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "created 1 items in backlog/new (1 story); updated 0; 0 unchanged\n  \
         + S-5 FRT-9 backlog/new/s-5-remove-a-saved-card.md\n\
         popm check: no findings on the imported items\n"
    );
    let s5 = std::fs::read_to_string(d.join("backlog/new/s-5-remove-a-saved-card.md")).unwrap();
    assert!(s5.contains("\nparent: F-1\n"), "{s5}");
}

#[test]
fn dry_run_creates_no_folder() {
    let dir = jira_case();
    let d = dir.path();
    let r = run(
        d,
        &[
            "import",
            "jira",
            "jira-cloud.csv",
            "--into",
            "backlog/jira",
            "--dry-run",
        ],
    );
    assert!(
        r.stdout
            .starts_with("would create 6 items in backlog/jira (1 epic, 1 feature, 4 story)"),
        "{}",
        r.stdout
    );
    assert!(!d.join("backlog/jira").exists());
    assert_eq!(item_files(d).len(), 0);
}

#[test]
fn a_jira_key_written_by_hand_makes_every_difference_a_conflict() {
    let dir = jira_case();
    let d = dir.path();
    std::fs::write(
        d.join("backlog/F-7.md"),
        "---\nid: F-7\ntype: feature\ntitle: Cards kept for later\nstatus: funnel\njira: FRT-2\n---\n\
         ## Benefit hypothesis\nFaster.\n",
    )
    .unwrap();
    let full = std::fs::read_to_string(d.join("jira-cloud.csv")).unwrap();
    let header = full.lines().next().unwrap();
    // FRT-2's row runs over several lines (its description): the rows from it to FRT-3's.
    let start = full.find("Saved cards,FRT-2,").unwrap();
    let end = full.find("Save a card at checkout,FRT-3,").unwrap();
    std::fs::write(
        d.join("two.csv"),
        format!("{header}\n{}", &full[start..end]),
    )
    .unwrap();
    let r = run(d, &["import", "jira", "two.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "created 0 items in backlog; updated 1; 0 unchanged\n  ~ F-7 FRT-2: labels: "
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("conflict: F-7 FRT-2 title: changed in popm (Cards kept for later) and in Jira (Saved cards); popm's value kept (--theirs takes Jira's)\n"), "{}", r.stdout);
    assert!(r.stdout.contains("conflict: F-7 FRT-2 body: changed in popm ((text)) and in Jira ((text)); popm's value kept"), "{}", r.stdout);
    let f7 = std::fs::read_to_string(d.join("backlog/F-7.md")).unwrap();
    assert!(f7.contains("\ntitle: Cards kept for later\n"), "{f7}");
    assert!(
        f7.ends_with("---\n## Benefit hypothesis\nFaster.\n"),
        "{f7}"
    );
}
