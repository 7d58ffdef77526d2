//! History from git: `popm log`, `popm diff` and `popm flow` on repositories with scripted
//! histories. Every commit has a fixed time (GIT_AUTHOR_DATE / GIT_COMMITTER_DATE), so the metrics
//! are exact and computed by hand below.

mod common;

use std::path::Path;
use std::process::Command;

use common::{commit, git_at, run, write};

const FEATURE: &str = "---\nid: F-1\ntype: feature\ntitle: Password reset\nstatus: implementing\nteam: [checkout]\npi: PI-1\nwsjf: {business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5}\n---\n## Benefit hypothesis\nFewer calls.\n\n## Acceptance criteria\n- [ ] It works\n";

const PI: &str = "---\nid: PI-1\ntype: pi\ntitle: PI 1\nstart: 2027-01-04\niterations: 5\niteration_weeks: 2\ncapacity:\n  checkout: [40, 40, 40, 32]\n  identity: [40, 40, 40, 32]\nobjectives:\n  - {team: checkout, text: Reset works, business_value: 8, committed: true, actual_value: 6}\n  - {team: identity, text: SSO, business_value: 5, committed: true, actual_value: 5}\n  - {team: identity, text: Stretch, business_value: 3, committed: false, actual_value: 0}\n---\n";

/// S-1: an enabler story of F-1 without a team of its own (it counts for checkout, F-1's team).
fn s1(status: &str, checked: bool) -> String {
    let x = if checked { "x" } else { " " };
    format!(
        "---\nid: S-1\ntype: story\ntitle: Reset link\nstatus: {status}\nparent: F-1\nenabler: infrastructure\npoints: 3\n---\nSwap the mailer.\n\n## Acceptance criteria\n- [{x}] A link arrives\n"
    )
}

/// S-2: a defect story of team identity.
fn s2(status: &str) -> String {
    format!(
        "---\nid: S-2\ntype: story\ntitle: Fix login\nstatus: {status}\nparent: F-1\nteam: identity\nlabels: [defect]\npoints: 5\n---\nAs a user, I want to sign in so that I can work.\n\n## Acceptance criteria\n- [ ] I am in\n"
    )
}

/// The scripted history (all times UTC):
///
/// | # | commit time       | change                                                           |
/// |---|-------------------|------------------------------------------------------------------|
/// | 1 | 2027-01-04 09:00  | F-1, PI-1, S-1 backlog, S-2 backlog                              |
/// | 2 | 2027-01-05 09:00  | S-1 backlog -> in-progress                                       |
/// | 3 | 2027-01-06 09:00  | S-1 -> review, S-2 backlog -> in-progress                        |
/// | 4 | 2027-01-07 21:00  | S-1 -> done (criterion checked)                                  |
/// | 5 | 2027-01-08 09:00  | git mv backlog/S-2.md backlog/S-2-login.md (rename)              |
/// | 6 | 2027-01-09 09:00  | move backlog/S-2-login.md to backlog/team/identity/S-2.md        |
/// | 7 | 2027-01-10 09:00  | S-2 -> done                                                      |
/// | 8 | 2027-01-10 12:00  | S-3 added, already done                                          |
fn scripted() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_at(d, "2027-01-04T09:00:00Z", &["init", "-q", "-b", "main"]);
    write(d, "backlog/F-1.md", FEATURE);
    write(d, "backlog/PI-1.md", PI);
    write(d, "backlog/S-1.md", &s1("backlog", false));
    write(d, "backlog/S-2.md", &s2("backlog"));
    commit(d, "2027-01-04T09:00:00Z", "backlog");
    write(d, "backlog/S-1.md", &s1("in-progress", false));
    commit(d, "2027-01-05T09:00:00Z", "start S-1");
    write(d, "backlog/S-1.md", &s1("review", false));
    write(d, "backlog/S-2.md", &s2("in-progress"));
    commit(d, "2027-01-06T09:00:00Z", "S-1 to review, start S-2");
    write(d, "backlog/S-1.md", &s1("done", true));
    commit(d, "2027-01-07T21:00:00Z", "S-1 done");
    git_at(
        d,
        "2027-01-08T09:00:00Z",
        &["mv", "backlog/S-2.md", "backlog/S-2-login.md"],
    );
    commit(d, "2027-01-08T09:00:00Z", "rename S-2");
    std::fs::create_dir_all(d.join("backlog/team/identity")).unwrap();
    git_at(
        d,
        "2027-01-09T09:00:00Z",
        &["mv", "backlog/S-2-login.md", "backlog/team/identity/S-2.md"],
    );
    commit(d, "2027-01-09T09:00:00Z", "move S-2 to its team");
    write(d, "backlog/team/identity/S-2.md", &s2("done"));
    commit(d, "2027-01-10T09:00:00Z", "S-2 done");
    write(
        d,
        "backlog/S-3.md",
        "---\nid: S-3\ntype: story\ntitle: Imported\nstatus: done\nparent: F-1\nteam: identity\npoints: 1\n---\nAs a user, I want it so that it works.\n",
    );
    commit(d, "2027-01-10T12:00:00Z", "import S-3");
    dir
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let r = run(dir, args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("valid JSON")
}

/// Flow time, by hand (days = seconds / 86 400):
///
/// | item | start (in-progress) | done             | flow time | active (in-progress) |
/// |------|---------------------|------------------|-----------|----------------------|
/// | S-1  | 01-05 09:00         | 01-07 21:00      | 2.5       | 1.0 (01-05 -> 01-06) |
/// | S-2  | 01-06 09:00         | 01-10 09:00      | 4.0       | 4.0 (moves keep it)  |
///
/// Nearest rank, n = 2: median = rank ceil(0.5 x 2) = 1 -> 2.5; 85th = rank ceil(1.7) = 2 -> 4.0;
/// mean 3.25. Efficiency = (1.0 + 4.0) / (2.5 + 4.0) = 5 / 6.5. S-3 appeared already done: not
/// counted, named. Velocity: one week from 01-04, 2 done.
#[test]
fn flow_time_velocity_and_efficiency_are_exact() {
    let dir = scripted();
    let v = json(dir.path(), &["flow", "--level", "team", "--format", "json"]);
    assert_eq!(v["from"], "2027-01-04");
    assert_eq!(v["to"], "2027-01-10");
    assert_eq!(v["start_state"], "in-progress");
    assert_eq!(v["velocity"]["total"], 2);
    assert_eq!(
        v["velocity"]["periods"],
        serde_json::json!([{"from": "2027-01-04", "to": "2027-01-10", "done": 2}])
    );
    assert_eq!(
        v["items"],
        serde_json::json!([
            {"id": "S-1", "start": "2027-01-05T09:00:00Z", "done": "2027-01-07T21:00:00Z",
             "flow_time_days": 2.5, "start_known": true, "active_days": 1.0, "efficiency": 0.4},
            {"id": "S-2", "start": "2027-01-06T09:00:00Z", "done": "2027-01-10T09:00:00Z",
             "flow_time_days": 4.0, "start_known": true, "active_days": 4.0, "efficiency": 1.0}
        ])
    );
    assert_eq!(
        v["flow_time"],
        serde_json::json!({"count": 2, "min": 2.5, "median": 2.5, "p85": 4.0, "max": 4.0, "mean": 3.25})
    );
    assert_eq!(v["efficiency"]["active_days"], 5.0);
    assert_eq!(v["efficiency"]["flow_days"], 6.5);
    assert_eq!(v["efficiency"]["ratio"], 5.0 / 6.5);
    assert_eq!(v["history"]["appeared_done"], serde_json::json!(["S-3"]));
    assert_eq!(v["history"]["complete"], false);
    // Distribution of the 2 items done: S-1 enabler (infrastructure), S-2 business with label defect.
    assert_eq!(
        v["distribution"],
        serde_json::json!({
            "work_types": [{"name": "business", "count": 1, "share": 0.5},
                           {"name": "enabler:infrastructure", "count": 1, "share": 0.5}],
            "labels": [{"name": "defect", "count": 1, "share": 0.5}]
        })
    );
}

/// Load at the end of each day (UTC), items in in-progress or review:
///
/// | day   | S-1         | S-2         | load |
/// |-------|-------------|-------------|------|
/// | 01-04 | backlog     | backlog     | 0    |
/// | 01-05 | in-progress | backlog     | 1    |
/// | 01-06 | review      | in-progress | 2    |
/// | 01-07 | done (21h)  | in-progress | 1    |
/// | 01-08 | done        | in-progress | 1    |
/// | 01-09 | done        | in-progress | 1    |
/// | 01-10 | done        | done        | 0    | (S-3 appears done: done = 3)
#[test]
fn load_counts_exactly_the_items_in_progress_each_day() {
    let dir = scripted();
    let v = json(dir.path(), &["flow", "--level", "team", "--format", "json"]);
    let loads: Vec<i64> = v["load"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["load"].as_i64().unwrap())
        .collect();
    assert_eq!(loads, [0, 1, 2, 1, 1, 1, 0]);
    assert_eq!(v["load"][2]["date"], "2027-01-06");
    assert_eq!(v["load"][2]["states"]["review"], 1);
    assert_eq!(v["load"][6]["states"]["done"], 3);
    // The CSV carries the same samples for a cumulative flow diagram.
    let r = run(
        dir.path(),
        &[
            "flow",
            "--level",
            "team",
            "--format",
            "csv",
            "--from",
            "2027-01-05",
            "--to",
            "2027-01-07",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "date,backlog,ready,in-progress,review,done,accepted,load\n\
         2027-01-05,1,0,1,0,0,0,1\n\
         2027-01-06,0,0,1,1,0,0,2\n\
         2027-01-07,0,0,1,0,1,0,1\n"
    );
}

/// `--team checkout`: S-1 has no team and counts for F-1's (checkout); S-2 is identity's. PI-1's
/// committed objectives: checkout 8 planned, 6 actual; identity 5 and 5 (the uncommitted one does
/// not count). All teams: 11 / 13.
#[test]
fn team_filter_and_predictability() {
    let dir = scripted();
    let v = json(
        dir.path(),
        &[
            "flow", "--level", "team", "--team", "checkout", "--pi", "PI-1", "--format", "json",
        ],
    );
    assert_eq!(v["from"], "2027-01-04");
    // 5 iterations of 2 weeks: 70 days, the last 2027-03-14.
    assert_eq!(v["to"], "2027-03-14");
    let ids: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["S-1"]);
    assert_eq!(
        v["predictability"],
        serde_json::json!([{"pi": "PI-1", "planned": 8, "actual": 6, "unscored": 0, "ratio": 0.75}])
    );
    let v = json(dir.path(), &["flow", "--level", "team", "--format", "json"]);
    assert_eq!(v["predictability"][0]["planned"], 13);
    assert_eq!(v["predictability"][0]["actual"], 11);
}

#[test]
fn log_follows_renames_and_moves() {
    let dir = scripted();
    let r = run(dir.path(), &["log", "S-2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<String> = r
        .stdout
        .lines()
        .map(|l| l.split_once("  ").map_or(l, |(_, rest)| rest).to_string())
        .collect();
    assert_eq!(
        lines,
        [
            "added backlog/S-2.md (story, status backlog)",
            "status backlog -> in-progress",
            "moved backlog/S-2.md -> backlog/S-2-login.md",
            "moved backlog/S-2-login.md -> backlog/team/identity/S-2.md",
            "status in-progress -> done",
        ]
    );
    insta::assert_snapshot!("log_s1", run(dir.path(), &["log", "S-1"]).stdout);
    let v = json(dir.path(), &["log", "S-1", "--format", "json"]);
    assert_eq!(v[3]["date"], "2027-01-07T21:00:00Z");
    assert_eq!(v[3]["author"], "Pat PM");
    assert_eq!(
        v[3]["changes"],
        serde_json::json!([
            "status review -> done",
            "acceptance criteria checked 0/1 -> 1/1"
        ])
    );
}

/// Issue 14: after `popm renumber`, `popm log` of the new id started at the renumber ("added"),
/// and the old id's log ended in "removed": the item's history was cut in two. The log follows
/// the item through every renumber, and the file follows the id.
#[test]
fn log_follows_an_item_through_renumbers() {
    let dir = one_story();
    let d = dir.path();
    write(d, "backlog/S-1.md", &s1("in-progress", false));
    commit(d, "2027-01-05T09:00:00Z", "start S-1");
    let r = run(d, &["renumber", "S-1", "S-10"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "renamed backlog/S-1.md -> backlog/S-10.md\n")
    );
    commit(d, "2027-01-06T09:00:00Z", "renumber S-1");
    write(
        d,
        "backlog/S-10.md",
        &std::fs::read_to_string(d.join("backlog/S-10.md"))
            .unwrap()
            .replace("status: in-progress", "status: done"),
    );
    commit(d, "2027-01-07T09:00:00Z", "S-10 done");
    assert_eq!(run(d, &["renumber", "S-10", "S-20"]).code, 0);
    commit(d, "2027-01-08T09:00:00Z", "renumber S-10");
    let v = json(d, &["log", "S-20", "--format", "json"]);
    let changes: Vec<&serde_json::Value> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["changes"])
        .collect();
    assert_eq!(
        changes,
        [
            &serde_json::json!(["added backlog/S-1.md (story, status backlog)"]),
            &serde_json::json!(["status backlog -> in-progress"]),
            &serde_json::json!([
                "renumbered S-1 -> S-10",
                "moved backlog/S-1.md -> backlog/S-10.md"
            ]),
            &serde_json::json!(["status in-progress -> done"]),
            &serde_json::json!([
                "renumbered S-10 -> S-20",
                "moved backlog/S-10.md -> backlog/S-20.md"
            ]),
        ]
    );
    assert_eq!(v[2]["date"], "2027-01-06T09:00:00Z");
    // The old id's log is its own, up to the renumber.
    let v = json(d, &["log", "S-1", "--format", "json"]);
    assert_eq!(
        v.as_array().unwrap().last().unwrap()["changes"],
        serde_json::json!(["removed (was backlog/S-1.md)"])
    );
}

/// Issue 14: a PI's changes (objectives scored, capacity, allocation, dates) and a new
/// dependency showed as "edited (no tracked field changed)".
#[test]
fn log_shows_pi_and_dependency_changes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_at(d, "2027-01-04T09:00:00Z", &["init", "-q", "-b", "main"]);
    let unscored = PI
        .replace(", actual_value: 6}", "}")
        .replace(", actual_value: 5}", "}")
        .replace(", actual_value: 0}", "}");
    write(d, "backlog/PI-1.md", &unscored);
    write(d, "backlog/F-1.md", FEATURE);
    commit(d, "2027-01-04T09:00:00Z", "plan");
    write(d, "backlog/PI-1.md", PI);
    write(
        d,
        "backlog/F-1.md",
        &FEATURE.replace("pi: PI-1\n", "pi: PI-1\ndepends_on: [F-2]\n"),
    );
    commit(d, "2027-01-05T09:00:00Z", "score, and a dependency");
    let replanned = PI
        .replace("start: 2027-01-04", "start: 2027-01-11")
        .replace("identity: [40, 40, 40, 32]", "identity: [40, 40, 40, 40]")
        .replace("objectives:", "allocation:\n  enabler: 20\nobjectives:")
        .replace(
            "  - {team: identity, text: Stretch, business_value: 3, committed: false, actual_value: 0}\n",
            "  - {team: checkout, text: Faster login, business_value: 3, committed: false}\n",
        );
    write(d, "backlog/PI-1.md", &replanned);
    commit(d, "2027-01-06T09:00:00Z", "replan");
    let v = json(d, &["log", "PI-1", "--format", "json"]);
    let changes: Vec<&serde_json::Value> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["changes"])
        .collect();
    assert_eq!(
        changes,
        [
            &serde_json::json!(["added backlog/PI-1.md (pi)"]),
            &serde_json::json!([
                "objective \"Reset works\" (checkout) actual value - -> 6",
                "objective \"SSO\" (identity) actual value - -> 5",
                "objective \"Stretch\" (identity) actual value - -> 0",
            ]),
            &serde_json::json!([
                "start 2027-01-04 -> 2027-01-11",
                "capacity identity 40, 40, 40, 32 -> 40, 40, 40, 40",
                "allocation enabler - -> 20%",
                "objective \"Faster login\" (checkout) added (uncommitted, business value 3)",
                "objective \"Stretch\" (identity) removed",
            ]),
        ]
    );
    let v = json(d, &["log", "F-1", "--format", "json"]);
    assert_eq!(v[1]["changes"], serde_json::json!(["depends_on - -> F-2"]));
    // popm diff over the three commits: the same changes, the scores and the replan together.
    let r = run(d, &["diff", "HEAD~2", "HEAD"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "backlog changes HEAD~2 .. HEAD\n\
         \n\
         Dependencies (1)\n  \
         F-1: depends on - -> F-2\n\
         \n\
         PI changes (7)\n  \
         PI-1: start 2027-01-04 -> 2027-01-11\n  \
         PI-1: capacity identity 40, 40, 40, 32 -> 40, 40, 40, 40\n  \
         PI-1: allocation enabler - -> 20%\n  \
         PI-1: objective \"Reset works\" (checkout) actual value - -> 6\n  \
         PI-1: objective \"SSO\" (identity) actual value - -> 5\n  \
         PI-1: objective \"Faster login\" (checkout) added (uncommitted, business value 3)\n  \
         PI-1: objective \"Stretch\" (identity) removed\n"
    );
    let v = json(d, &["diff", "HEAD~2", "HEAD", "--format", "json"]);
    assert_eq!(
        v["dependencies"],
        serde_json::json!([{"id": "F-1", "from": [], "to": ["F-2"]}])
    );
    assert_eq!(
        v["pi_changes"][0]["changes"][2],
        "allocation enabler - -> 20%"
    );
}

#[test]
fn unknown_ids_revisions_and_missing_git_are_errors() {
    let dir = scripted();
    let r = run(dir.path(), &["log", "S-9"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(
            "popm: error: no commit on the first-parent line of HEAD holds an item `S-9`"
        ),
        "{}",
        r.stderr
    );
    let r = run(dir.path(), &["diff", "nope"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown revision `nope`"), "{}", r.stderr);
    let r = run(dir.path(), &["flow", "--pi", "PI-9"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (2, "popm: error: no PI `PI-9` in the backlog at HEAD\n")
    );
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "backlog/S-1.md", &s1("backlog", false));
    let r = run(plain.path(), &["flow"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("needs a git repository"), "{}", r.stderr);
}

#[test]
fn history_that_appeared_late_is_named_in_the_output() {
    let dir = scripted();
    let r = run(dir.path(), &["flow", "--level", "team"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("flow_team_human", r.stdout);
}

/// A scripted change for `popm diff`: from HEAD (after a commit adding F-2) to the work tree with F-1's WSJF
/// changed so that it overtakes F-2, a new feature F-3 planned into PI-1 with an 8-point story, and
/// S-3 (1 point) removed. Identity's PI-1 points: before S-2 5 + S-3 1 = 6 (both inherit PI-1 from
/// F-1); after S-2 5 + S-4 8 = 13.
#[test]
fn diff_reads_like_a_pm() {
    let dir = scripted();
    let d = dir.path();
    write(
        d,
        "backlog/F-2.md",
        "---\nid: F-2\ntype: feature\ntitle: Dark mode\nstatus: ready\nteam: [identity]\nwsjf: {business_value: 5, time_criticality: 5, risk_reduction: 3, job_size: 2}\n---\n## Benefit hypothesis\nHappier.\n\n## Acceptance criteria\n- [ ] Dark\n",
    );
    commit(d, "2027-01-11T09:00:00Z", "F-2");
    // Base: F-1 WSJF 16/5 = 3.20 (rank 2), F-2 13/2 = 6.50 (rank 1).
    write(
        d,
        "backlog/F-1.md",
        &FEATURE
            .replace("job_size: 5", "job_size: 1")
            .replace("- [ ] It works", "- [x] It works\n- [ ] It scales"),
    );
    write(
        d,
        "backlog/F-3.md",
        "---\nid: F-3\ntype: feature\ntitle: Audit log\nstatus: funnel\nteam: [identity]\npi: PI-1\n---\n## Benefit hypothesis\nAudits pass.\n\n## Acceptance criteria\n- [ ] Logged\n",
    );
    write(
        d,
        "backlog/S-4.md",
        "---\nid: S-4\ntype: story\ntitle: Log writes\nstatus: backlog\nparent: F-3\nteam: identity\npoints: 8\n---\nAs an auditor, I want writes logged so that I can check them.\n",
    );
    std::fs::remove_file(d.join("backlog/S-3.md")).unwrap();
    let r = run(d, &["diff", "HEAD"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("diff_human", r.stdout);
    let r = run(d, &["diff", "HEAD", "--format", "markdown"]);
    insta::assert_snapshot!("diff_markdown", r.stdout);
    let v = json(d, &["diff", "HEAD", "--format", "json"]);
    // F-1: 16/1 = 16.00 overtakes F-2 (6.50): rank 2 -> 1.
    assert_eq!(v["wsjf"][0]["id"], "F-1");
    assert_eq!(v["wsjf"][0]["rank_from"], 2);
    assert_eq!(v["wsjf"][0]["rank_to"], 1);
    assert_eq!(v["wsjf"][0]["wsjf_to"], 16.0);
    assert_eq!(
        v["pi_scope"],
        serde_json::json!([{"pi": "PI-1", "features_in": ["F-3"], "features_out": [],
            "points": [{"team": "identity", "from": 6, "to": 13}]}])
    );
    assert_eq!(
        v["acceptance_criteria"],
        serde_json::json!([{"id": "F-1", "added": 1, "checked": 1, "now_checked": 1, "now_total": 2}])
    );
    // Between two commits (the first, and the one before F-2): status moves, S-3 added.
    let v = json(d, &["diff", "HEAD~8", "HEAD~1", "--format", "json"]);
    assert_eq!(
        v["status"],
        serde_json::json!([{"id": "S-1", "from": "backlog", "to": "done"}, {"id": "S-2", "from": "backlog", "to": "done"}])
    );
    assert_eq!(v["added"][0]["id"], "S-3");
}

/// With no revision, the base is the merge base with main: a branch that moved one story.
#[test]
fn diff_defaults_to_the_merge_base_with_main() {
    let dir = scripted();
    let d = dir.path();
    git_at(
        d,
        "2027-01-11T09:00:00Z",
        &["checkout", "-q", "-b", "topic"],
    );
    write(d, "backlog/S-1.md", &s1("accepted", true));
    commit(d, "2027-01-11T09:00:00Z", "accept S-1");
    let v = json(d, &["diff", "--format", "json"]);
    assert!(
        v["from"]
            .as_str()
            .unwrap()
            .starts_with("merge-base(main, HEAD) ")
    );
    assert_eq!(v["to"], "work tree");
    assert_eq!(
        v["status"],
        serde_json::json!([{"id": "S-1", "from": "done", "to": "accepted"}])
    );
}

/// A story that goes straight from backlog to done in one commit (as a squash merge shows it) is
/// counted as done and named, but kept out of flow time; `[flow] start` moves the start state.
#[test]
fn squashed_histories_are_named_and_start_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_at(d, "2027-02-01T00:00:00Z", &["init", "-q", "-b", "main"]);
    write(d, "backlog/S-1.md", &s1("backlog", false));
    commit(d, "2027-02-01T00:00:00Z", "add");
    write(d, "backlog/S-1.md", &s1("ready", false));
    commit(d, "2027-02-02T00:00:00Z", "ready");
    write(d, "backlog/S-1.md", &s1("done", true));
    commit(d, "2027-02-04T12:00:00Z", "squashed: S-1 done");
    let v = json(d, &["flow", "--level", "team", "--format", "json"]);
    assert_eq!(v["history"]["jumped"], serde_json::json!(["S-1"]));
    assert_eq!(v["velocity"]["total"], 1);
    assert_eq!(v["flow_time"], serde_json::Value::Null);
    // Start at ready: 02-02 00:00 -> 02-04 12:00 = 2.5 days; ready counts as active here.
    write(
        d,
        "popm.toml",
        "[flow]\nstart = { story = \"ready\" }\nactive = { story = [\"ready\"] }\nperiod = \"day\"\n",
    );
    let v = json(d, &["flow", "--level", "team", "--format", "json"]);
    assert_eq!(v["items"][0]["flow_time_days"], 2.5);
    assert_eq!(v["items"][0]["efficiency"], 1.0);
    assert_eq!(v["velocity"]["periods"].as_array().unwrap().len(), 4);
    // A state that does not exist is a configuration error with its place.
    write(d, "popm.toml", "[flow]\nstart = { story = \"doing\" }\n");
    let r = run(d, &["flow"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("popm.toml:2:9: [flow] start: `doing` is not a state of the story workflow"),
        "{}",
        r.stderr
    );
}

/// A shallow clone holds only the last commits: popm says so instead of guessing.
#[test]
fn a_shallow_clone_is_named() {
    let dir = scripted();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    git_at(
        clone.path(),
        "2027-01-11T00:00:00Z",
        &["clone", "-q", "--depth", "2", &url, "repo"],
    );
    let repo = clone.path().join("repo");
    let v = json(&repo, &["flow", "--level", "team", "--format", "json"]);
    assert_eq!(v["history"]["shallow"], true);
    assert_eq!(v["history"]["commits"], 2);
    let r = run(&repo, &["flow", "--level", "team"]);
    assert!(
        r.stdout.contains("note: this is a shallow clone"),
        "{}",
        r.stdout
    );
}

/// Commits the work tree with a raw author and committer time field (`time`, any text: git's own
/// date parser refuses what a hostile repository can hold), on top of HEAD if there is one.
fn commit_raw(dir: &Path, time: &str, message: &str) {
    let date = "2027-01-01T00:00:00Z";
    git_at(dir, date, &["add", "-A"]);
    let tree = git_at(dir, date, &["write-tree"]).trim().to_string();
    let parent = Command::new("git")
        .current_dir(dir)
        .args(["rev-parse", "-q", "--verify", "HEAD"])
        .output()
        .expect("git runs");
    let parent = String::from_utf8_lossy(&parent.stdout).trim().to_string();
    let mut text = format!("tree {tree}\n");
    if !parent.is_empty() {
        text.push_str(&format!("parent {parent}\n"));
    }
    text.push_str(&format!(
        "author Pat PM <pat@example.com> {time}\ncommitter Pat PM <pat@example.com> {time}\n\n{message}\n"
    ));
    let file = dir.join(".git/popm-raw-commit");
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap().to_string();
    let id = git_at(
        dir,
        date,
        &["hash-object", "-t", "commit", "-w", "--literally", &file],
    );
    git_at(dir, date, &["update-ref", "HEAD", id.trim()]);
}

/// A repository with S-1 added in backlog at 2027-01-04 09:00.
fn one_story() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_at(d, "2027-01-04T09:00:00Z", &["init", "-q", "-b", "main"]);
    write(d, "backlog/S-1.md", &s1("backlog", false));
    commit(d, "2027-01-04T09:00:00Z", "add S-1");
    dir
}

/// Defect 1: a commit dated near i64::MIN (git and gix accept it) made `done - start` overflow.
/// Times are clamped into jiff's range (from year -9999), so the flow time is long but exact.
#[test]
fn extreme_commit_times_do_not_overflow_flow_time() {
    let dir = one_story();
    let d = dir.path();
    write(d, "backlog/S-1.md", &s1("in-progress", false));
    commit_raw(
        d,
        "-9223372036854775000 +0000",
        "start S-1 at the dawn of time",
    );
    write(d, "backlog/S-1.md", &s1("done", true));
    commit(d, "2027-01-07T00:00:00Z", "S-1 done");
    let args = [
        "flow",
        "--level",
        "team",
        "--from",
        "2027-01-01",
        "--to",
        "2027-01-10",
    ];
    let v = json(d, &[&args[..], &["--format", "json"]].concat());
    assert_eq!(v["items"][0]["id"], "S-1");
    assert!(
        v["items"][0]["start"]
            .as_str()
            .unwrap()
            .starts_with("-009999-"),
        "{}",
        v["items"][0]
    );
    assert!(v["items"][0]["flow_time_days"].as_f64().unwrap() > 4_000_000.0);
    assert_eq!(v["items"][0]["efficiency"], 1.0);
    let r = run(d, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The log shows the clamped date too.
    let r = run(d, &["log", "S-1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Defect 2: one commit dated in the year 5138 made the default window 1.2 million days long (days
/// × items of work and memory). A window longer than MAX_DAYS is a usage error that says what to
/// pass; a narrower explicit window works.
#[test]
fn a_hostile_commit_date_cannot_make_the_window_huge() {
    let dir = one_story();
    let d = dir.path();
    write(d, "backlog/S-1.md", &s1("in-progress", false));
    commit_raw(d, "99999999999 +0000", "from the future");
    let r = run(d, &["flow", "--level", "team"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("days); popm flow measures at most 3660 days: pass --from and --to"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    let r = run(
        d,
        &[
            "flow",
            "--level",
            "team",
            "--from",
            "0001-01-01",
            "--to",
            "9999-12-31",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    let v = json(
        d,
        &[
            "flow",
            "--level",
            "team",
            "--from",
            "2027-01-01",
            "--to",
            "2027-01-31",
            "--format",
            "json",
        ],
    );
    assert_eq!(v["load"].as_array().unwrap().len(), 31);
}

/// Defect 4: the default window is the earliest to the latest commit time, not the first and last
/// commit of the walk; a clock that went backwards is no usage error nobody asked for. With a
/// flag, the error names the flag and the commit.
#[test]
fn skewed_clocks_give_the_min_to_max_window() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_at(d, "2027-01-10T09:00:00Z", &["init", "-q", "-b", "main"]);
    write(d, "backlog/S-1.md", &s1("backlog", false));
    commit(d, "2027-01-10T09:00:00Z", "add S-1");
    write(d, "backlog/S-1.md", &s1("in-progress", false));
    commit(d, "2027-01-04T09:00:00Z", "start S-1, clock set back");
    let v = json(d, &["flow", "--level", "team", "--format", "json"]);
    assert_eq!(
        (v["from"].as_str(), v["to"].as_str()),
        (Some("2027-01-04"), Some("2027-01-10"))
    );
    let r = run(d, &["flow", "--from", "2027-02-01"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            "popm: error: --from 2027-02-01 is after the last commit (2027-01-10)\n"
        )
    );
}

/// Defect 5: two commits in the same second are two commits. Started and done in different commits
/// of the same second is a flow time of 0, not a jump; the distribution reads the item as the done
/// commit left it, not as a later commit of the same second.
#[test]
fn equal_commit_times_are_still_distinct_commits() {
    let dir = one_story();
    let d = dir.path();
    write(d, "backlog/S-1.md", &s1("in-progress", false));
    commit(d, "2027-01-05T09:00:00Z", "start S-1");
    write(d, "backlog/S-1.md", &s1("done", true));
    commit(d, "2027-01-05T09:00:00Z", "S-1 done, same second");
    write(
        d,
        "backlog/S-1.md",
        &s1("done", true).replace("points: 3\n", "points: 3\nlabels: [late]\n"),
    );
    commit(d, "2027-01-05T09:00:00Z", "label S-1, same second");
    let v = json(d, &["flow", "--level", "team", "--format", "json"]);
    assert_eq!(v["history"]["jumped"], serde_json::json!([]));
    assert_eq!(v["items"][0]["start_known"], true);
    assert_eq!(v["items"][0]["flow_time_days"], 0.0);
    assert_eq!(v["distribution"]["labels"], serde_json::json!([]));
}

/// Defect 12: done dated before start (a clock set backwards) is no negative flow time: the item
/// counts as done, is left out of flow time and is named.
#[test]
fn done_before_start_is_left_out_of_flow_time_and_named() {
    let dir = one_story();
    let d = dir.path();
    write(d, "backlog/S-1.md", &s1("in-progress", false));
    commit(d, "2027-01-10T09:00:00Z", "start S-1");
    write(d, "backlog/S-1.md", &s1("done", true));
    commit(d, "2027-01-05T09:00:00Z", "S-1 done, clock set back");
    let v = json(d, &["flow", "--level", "team", "--format", "json"]);
    assert_eq!(v["velocity"]["total"], 1);
    assert_eq!(v["flow_time"], serde_json::Value::Null);
    assert_eq!(v["items"][0]["start_known"], false);
    assert_eq!(v["history"]["backwards"], serde_json::json!(["S-1"]));
    assert_eq!(v["efficiency"]["flow_days"], 0.0);
    let r = run(d, &["flow", "--level", "team"]);
    assert!(
        r.stdout
            .contains("1 item reached done in a commit dated before the one that started it"),
        "{}",
        r.stdout
    );
}

/// Defect 3: each side of `popm diff` is read with its own popm.toml. The base's story workflow has
/// no `ready`; the work tree inserts it, which shifts every later state's index. No item changed,
/// so there is no status move.
#[test]
fn diff_reads_each_side_with_its_own_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_at(d, "2027-01-04T09:00:00Z", &["init", "-q", "-b", "main"]);
    write(
        d,
        "popm.toml",
        "[workflow.story]\nstates = [\"backlog\", \"in-progress\", \"done\"]\n",
    );
    write(d, "backlog/S-1.md", &s1("in-progress", false));
    write(d, "backlog/S-2.md", &s2("done"));
    commit(d, "2027-01-04T09:00:00Z", "base");
    write(
        d,
        "popm.toml",
        "[workflow.story]\nstates = [\"backlog\", \"ready\", \"in-progress\", \"done\"]\n",
    );
    let v = json(d, &["diff", "HEAD", "--format", "json"]);
    assert_eq!(v["status"], serde_json::json!([]));
    // A removed item shows its status as the base's workflow names it.
    std::fs::remove_file(d.join("backlog/S-1.md")).unwrap();
    let v = json(d, &["diff", "HEAD", "--format", "json"]);
    assert_eq!(v["removed"][0]["status"], "in-progress");
}

/// Defect 8: state names come from popm.toml; in the terminal a line break in one must not start a
/// fake line, and in CSV a header cell must not run as a formula.
#[test]
fn flow_sanitises_state_names_from_the_configuration() {
    let dir = one_story();
    let d = dir.path();
    write(
        d,
        "popm.toml",
        "[workflow.story]\nstates = [\"backlog\", \"in-progress\", \"=hyperlink(1)\", \"done\\nnote: fake\"]\n",
    );
    let r = run(d, &["flow", "--level", "team", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let header = r.stdout.lines().next().unwrap();
    assert!(header.contains(",'=hyperlink(1),"), "{header}");
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("note: fake")),
        "{}",
        r.stdout
    );
    let r = run(d, &["flow", "--level", "team"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("note: fake")),
        "{}",
        r.stdout
    );
}

/// Defect 9: one commit whose committer date cannot be parsed does not fail the walk: it takes the
/// time of the commit before it, and the notes say so.
#[test]
fn an_unreadable_commit_date_is_noted_not_fatal() {
    let dir = one_story();
    let d = dir.path();
    write(d, "backlog/S-1.md", &s1("in-progress", false));
    commit_raw(d, "not-a-date +0000", "garbled date");
    write(d, "backlog/S-1.md", &s1("done", true));
    commit(d, "2027-01-06T09:00:00Z", "S-1 done");
    let r = run(d, &["log", "S-1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("note: 1 commit with a committer date that cannot be read"),
        "{}",
        r.stdout
    );
    let v = json(d, &["log", "S-1", "--format", "json"]);
    assert_eq!(v[1]["date"], "2027-01-04T09:00:00Z");
    let v = json(d, &["flow", "--level", "team", "--format", "json"]);
    assert_eq!(v["history"]["unreadable_times"], 1);
    assert_eq!(v["items"][0]["start"], "2027-01-04T09:00:00Z");
    let r = run(d, &["flow", "--level", "team"]);
    assert!(
        r.stdout
            .contains("1 commit with a committer date that cannot be read"),
        "{}",
        r.stdout
    );
}

/// Defect 11: GitHub's actions/checkout leaves only refs/remotes/origin/<branch>: the default base
/// falls back to origin/main, and a `main` with no common history gives way to the next candidate.
#[test]
fn diff_default_base_tries_remote_branches() {
    let dir = scripted();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    let date = "2027-01-11T09:00:00Z";
    git_at(clone.path(), date, &["clone", "-q", &url, "repo"]);
    let d = &clone.path().join("repo");
    git_at(d, date, &["remote", "set-head", "origin", "-d"]);
    git_at(d, date, &["checkout", "-q", "-b", "topic"]);
    git_at(d, date, &["branch", "-q", "-D", "main"]);
    write(d, "backlog/S-1.md", &s1("accepted", true));
    commit(d, date, "accept S-1");
    let v = json(d, &["diff", "--format", "json"]);
    assert!(
        v["from"]
            .as_str()
            .unwrap()
            .starts_with("merge-base(origin/main, HEAD) "),
        "{}",
        v["from"]
    );
    assert_eq!(
        v["status"],
        serde_json::json!([{"id": "S-1", "from": "done", "to": "accepted"}])
    );
    // An unrelated `main` (no merge base with HEAD) is skipped.
    git_at(d, date, &["checkout", "-q", "--orphan", "main"]);
    commit(d, date, "unrelated");
    git_at(d, date, &["checkout", "-q", "topic"]);
    let v = json(d, &["diff", "--format", "json"]);
    assert!(
        v["from"]
            .as_str()
            .unwrap()
            .starts_with("merge-base(origin/main, HEAD) "),
        "{}",
        v["from"]
    );
}

/// Defect 7: monthly periods did not drift back to the 28th after February: the k-th period starts
/// k months after `--from` (01-31, 02-28, 03-31, 04-30).
#[test]
fn monthly_periods_do_not_drift() {
    let dir = one_story();
    let d = dir.path();
    write(d, "popm.toml", "[flow]\nperiod = \"month\"\n");
    // A commit on the window's last day: periods after the latest commit are left out.
    commit(d, "2027-04-30T12:00:00Z", "monthly periods");
    let v = json(
        d,
        &[
            "flow",
            "--level",
            "team",
            "--from",
            "2027-01-31",
            "--to",
            "2027-04-30",
            "--format",
            "json",
        ],
    );
    let periods: Vec<(String, String)> = v["velocity"]["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["from"].to_string(), p["to"].to_string()))
        .collect();
    let expected = [
        ("2027-01-31", "2027-02-27"),
        ("2027-02-28", "2027-03-30"),
        ("2027-03-31", "2027-04-29"),
        ("2027-04-30", "2027-04-30"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (format!("\"{a}\""), format!("\"{b}\"")))
        .collect();
    assert_eq!(periods, expected);
}

/// Defect 10: the tree diff recursed once per folder level, so a commit with folders nested 20 000
/// deep (git fast-import writes one in a blink) overflowed the stack and aborted. The walk keeps its
/// own stack and stops past 2048 levels (git's core.maxTreeDepth) with a usage error.
#[test]
fn deeply_nested_folders_are_an_error_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_at(d, "2027-01-04T09:00:00Z", &["init", "-q", "-b", "main"]);
    let data = "---\nid: S-9\ntype: story\ntitle: Deep\nstatus: backlog\n---\nx\n";
    let path = format!("backlog/{}S-9.md", "a/".repeat(20_000));
    let stream = format!(
        "commit refs/heads/main\ncommitter Pat PM <pat@example.com> 1798275600 +0000\ndata 4\ndeep\nM 100644 inline {path}\ndata {}\n{data}\n",
        data.len()
    );
    let mut child = Command::new("git")
        .current_dir(d)
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("git runs");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(stream.as_bytes()).unwrap();
    }
    assert!(child.wait().unwrap().success());
    let r = run(d, &["flow", "--level", "team"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            "popm: error: backlog: folders nested more than 2048 deep in a commit; popm does not walk them\n"
        )
    );
}

/// Defect 6: a file that does not parse in one commit is not a removal and a re-addition: the log
/// says "unreadable", the item keeps its last readable state, and its flow start is kept.
#[test]
fn a_file_broken_in_one_commit_keeps_its_last_readable_state() {
    let dir = one_story();
    let d = dir.path();
    write(d, "backlog/S-1.md", &s1("in-progress", false));
    commit(d, "2027-01-05T09:00:00Z", "start S-1");
    write(
        d,
        "backlog/S-1.md",
        "---\nid: S-1\ntype: story\ntitle: [oops\n",
    );
    commit(d, "2027-01-06T09:00:00Z", "break S-1");
    write(d, "backlog/S-1.md", &s1("done", true));
    commit(d, "2027-01-07T09:00:00Z", "S-1 done");
    let v = json(d, &["log", "S-1", "--format", "json"]);
    let changes: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["changes"].as_array().unwrap()[0]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        changes,
        [
            "added backlog/S-1.md (story, status backlog)",
            "status backlog -> in-progress",
            "unreadable: backlog/S-1.md does not parse here (its last readable state is kept)",
            "status in-progress -> done",
        ]
    );
    assert_eq!(v[2]["status"], "in-progress");
    let v = json(d, &["flow", "--level", "team", "--format", "json"]);
    assert_eq!(v["items"][0]["start"], "2027-01-05T09:00:00Z");
    assert_eq!(v["items"][0]["flow_time_days"], 2.0);
    assert_eq!(v["load"][2]["load"], 1);
}

/// A crafted commit can hold a tree entry named `a/S-2.md`: joined to its folder it would read as
/// backlog/a/S-2.md, a file git cannot check out. The walk skips it and says so.
#[test]
fn unsafe_names_in_the_history_are_skipped_and_noted() {
    let dir = one_story();
    let d = dir.path();
    let date = "2027-01-05T09:00:00Z";
    let id = |rev: &str| git_at(d, date, &["rev-parse", rev]).trim().to_string();
    write(d, "S-2.md", &s2("done"));
    let spoof = git_at(d, date, &["hash-object", "-w", "S-2.md"])
        .trim()
        .to_string();
    std::fs::remove_file(d.join("S-2.md")).unwrap();
    let backlog = common::raw_tree(
        d,
        &[
            ("100644", "S-1.md", &id("HEAD:backlog/S-1.md")),
            ("100644", "a/S-2.md", &spoof),
        ],
    );
    let top = common::raw_tree(d, &[("40000", "backlog", &backlog)]);
    let commit = git_at(
        d,
        date,
        &["commit-tree", &top, "-p", "HEAD", "-m", "crafted"],
    );
    git_at(d, date, &["update-ref", "HEAD", commit.trim()]);
    let r = run(d, &["log", "S-1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(
        lines[0]
            .ends_with(" 2027-01-04 09:00 Pat PM  added backlog/S-1.md (story, status backlog)"),
        "{}",
        r.stdout
    );
    assert_eq!(
        lines[1],
        "note: skipped 1 git tree entry in the backlog's history whose name is not a safe file name (empty, `.`, `..` or holding `/`)"
    );
    let r = run(d, &["log", "S-2"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let v = json(d, &["flow", "--level", "team", "--format", "json"]);
    assert_eq!(v["history"]["unsafe_names"], 1);
    assert_eq!(v["history"]["complete"], false);
}

/// A backlog folder the history does not hold at HEAD is an error, as for `check`, not an empty
/// history; a diff from a commit before the backlog existed lists everything as added.
#[test]
fn a_missing_backlog_folder_is_an_error_for_the_history_commands() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_at(d, "2027-01-03T09:00:00Z", &["init", "-q", "-b", "main"]);
    write(d, "README.md", "a project without a backlog yet\n");
    commit(d, "2027-01-03T09:00:00Z", "start");
    write(d, "backlog/S-1.md", &s1("backlog", false));
    commit(d, "2027-01-04T09:00:00Z", "add S-1");
    let r = run(d, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Added (1)\n  S-1 story \"Reset link\" (backlog)\n"),
        "{}",
        r.stdout
    );
    write(d, "popm.toml", "[backlog]\nroots = [\"backlgo\"]\n");
    commit(d, "2027-01-05T09:00:00Z", "typo");
    let root = d.canonicalize().unwrap();
    let missing = format!(
        "popm: error: backlog folder `backlgo` not found at `HEAD` in {} (set [backlog] roots in popm.toml)\n",
        root.display()
    );
    for args in [
        &["log", "S-1"][..],
        &["flow", "--level", "team"],
        &["diff", "HEAD~1", "HEAD"],
    ] {
        let r = run(d, args);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (2, "", missing.as_str()),
            "{args:?}"
        );
    }
}

/// `popm diff` and `popm pi ready` count a PI's load the same way (report/plan.rs). The backlog,
/// added to a repository that held none (PI-9: 3 iterations, so 2 development iterations):
///
/// | item | team(s)            | planned                           | counts                          |
/// |------|--------------------|-----------------------------------|---------------------------------|
/// | F-1  | checkout, identity | estimate 8, no story in PI-9      | 8 / 2 teams = 4 each, 2 per it. |
/// | F-2  | checkout           | estimate 13, but has stories      | its stories only                |
/// | S-1  | (F-2's: checkout)  | 3 points, iteration 1             | checkout 3 in it. 1             |
/// | S-2  | identity           | 5 points, iteration 2             | identity 5 in it. 2             |
/// | C-1  | identity           | estimate 6, no feature in PI-9    | identity 6, 3 per iteration     |
/// | F-3  | checkout, identity | no estimate                       | nothing                         |
/// | S-3  | none (F-3 has two) | 2 points                          | no team: `team-missing`         |
///
/// checkout: 3 + 4 = 7 (it. 1: 3 + 2 = 5, it. 2: 2); identity: 4 + 5 + 6 = 15 (it. 1: 2 + 3 = 5,
/// it. 2: 2 + 5 + 3 = 10). The diff shows the same team loads, and S-3's 2 points that count for
/// no team as `(no team)`. (Before the two shared report/plan.rs, the diff counted stories only:
/// checkout 3, identity 5.)
#[test]
fn diff_and_pi_ready_count_the_same_pi_load() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_at(d, "2027-01-04T09:00:00Z", &["init", "-q", "-b", "main"]);
    write(d, "README.md", "no backlog yet\n");
    commit(d, "2027-01-04T09:00:00Z", "empty");
    write(
        d,
        "backlog/PI-9.md",
        "---\nid: PI-9\ntype: pi\ntitle: PI 9\nstart: 2027-01-04\niterations: 3\ncapacity:\n  checkout: [20, 20]\n  identity: [20, 20]\n---\n",
    );
    let item = |id: &str, kind: &str, fields: &str| {
        format!("---\nid: {id}\ntype: {kind}\ntitle: Item {id}\n{fields}---\nText.\n")
    };
    write(
        d,
        "backlog/F-1.md",
        &item(
            "F-1",
            "feature",
            "team: [checkout, identity]\npi: PI-9\nestimate: 8\n",
        ),
    );
    write(
        d,
        "backlog/F-2.md",
        &item(
            "F-2",
            "feature",
            "team: [checkout]\npi: PI-9\nestimate: 13\n",
        ),
    );
    write(
        d,
        "backlog/S-1.md",
        &item("S-1", "story", "parent: F-2\niteration: 1\npoints: 3\n"),
    );
    write(
        d,
        "backlog/S-2.md",
        &item(
            "S-2",
            "story",
            "parent: F-2\nteam: identity\niteration: 2\npoints: 5\n",
        ),
    );
    write(
        d,
        "backlog/C-1.md",
        &item(
            "C-1",
            "capability",
            "team: [identity]\npi: PI-9\nestimate: 6\n",
        ),
    );
    write(
        d,
        "backlog/F-3.md",
        &item("F-3", "feature", "team: [checkout, identity]\npi: PI-9\n"),
    );
    write(
        d,
        "backlog/S-3.md",
        &item("S-3", "story", "parent: F-3\npoints: 2\n"),
    );

    let r = run(d, &["pi", "ready", "PI-9", "--format", "json"]);
    let ready: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    let loads: Vec<(String, f64, Vec<f64>)> = ready["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["team"].as_str().unwrap().to_string(),
                t["load"].as_f64().unwrap(),
                t["iterations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["load"].as_f64().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        loads,
        [
            ("checkout".to_string(), 7.0, vec![5.0, 2.0]),
            ("identity".to_string(), 15.0, vec![5.0, 10.0]),
        ]
    );
    let s3 = ready["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule"] == "team-missing" && x["item"] == "S-3")
        .count();
    assert_eq!(s3, 1, "{}", r.stdout);

    let v = json(d, &["diff", "HEAD", "--format", "json"]);
    assert_eq!(
        v["pi_scope"],
        serde_json::json!([{"pi": "PI-9", "features_in": ["F-1", "F-2", "F-3"], "features_out": [],
        "points": [
            {"team": "(no team)", "from": 0, "to": 2},
            {"team": "checkout", "from": 0, "to": 7},
            {"team": "identity", "from": 0, "to": 15}
        ]}])
    );
    let r = run(d, &["diff", "HEAD"]);
    assert!(
        r.stdout.contains(
            "  PI-9: checkout points 0 -> 7 (+7)\n  PI-9: identity points 0 -> 15 (+15)\n"
        ),
        "{}",
        r.stdout
    );
}
