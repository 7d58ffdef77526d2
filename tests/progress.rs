//! Progress rollups and PI status over fixtures/rollup, every figure computed by hand.
//!
//! | item | stories below (points, status)               | points | done | stories | done | unestimated | children | done |
//! |------|----------------------------------------------|--------|------|---------|------|-------------|----------|------|
//! | F-1  | S-1 3 done, S-2 5 in-progress, S-3 - backlog | 8      | 3    | 3       | 1    | 1           | 3        | 1    |
//! | F-2  | none (done, estimate 6)                      | 0      | 0    | 0       | 0    | 0           | 0        | 0    |
//! | F-3  | S-4 8 done, S-5 2 ready                      | 10     | 8    | 2       | 1    | 0           | 2        | 1    |
//! | C-1  | F-1's and F-2's                              | 8      | 3    | 3       | 1    | 1           | 2        | 1    |
//! | E-1  | C-1's and F-3's                              | 18     | 11   | 5       | 2    | 1           | 2        | 0    |
//! | E-2  | none                                         | 0      | 0    | 0       | 0    | 0           | 0        | 0    |

mod common;

use common::{fixture, run};
use serde_json::{Value, json};

fn list_json(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["list", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(&fixture("rollup"), &all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Value = serde_json::from_str(&r.stdout).expect("JSON");
    rows.as_array().expect("array").clone()
}

#[test]
fn rollups_count_done_points_and_children() {
    let rows = list_json(&["--type", "epic,capability,feature"]);
    let got: Vec<(&str, &Value)> = rows
        .iter()
        .map(|r| (r["id"].as_str().expect("id"), &r["progress"]))
        .collect();
    let p = |points, done_points, stories, done_stories, unestimated, children, done_children| {
        json!({
            "points": points, "done_points": done_points, "stories": stories,
            "done_stories": done_stories, "unestimated": unestimated,
            "children": children, "done_children": done_children,
        })
    };
    let expected = [
        ("E-1", p(18, 11, 5, 2, 1, 2, 0)),
        ("E-2", p(0, 0, 0, 0, 0, 0, 0)),
        ("C-1", p(8, 3, 3, 1, 1, 2, 1)),
        ("F-1", p(8, 3, 3, 1, 1, 3, 1)),
        ("F-2", p(0, 0, 0, 0, 0, 0, 0)),
        ("F-3", p(10, 8, 2, 1, 0, 2, 1)),
    ];
    assert_eq!(got.len(), expected.len());
    for ((id, progress), (want_id, want)) in got.iter().zip(&expected) {
        assert_eq!(id, want_id);
        assert_eq!(*progress, want, "{id}");
    }
}

#[test]
fn stories_have_no_rollup_and_say_what_they_inherit() {
    let rows = list_json(&["--type", "story"]);
    let got: Vec<(&str, &Value, &Value)> = rows
        .iter()
        .map(|r| {
            (
                r["id"].as_str().expect("id"),
                &r["inherited"],
                &r["progress"],
            )
        })
        .collect();
    let both = json!({"team": "alpha", "pi": "PI-2027.1"});
    let expected = [
        ("S-1", both.clone()),
        ("S-2", both.clone()),
        ("S-3", both.clone()),
        // S-4 names its own team (beta, not its feature's alpha) and PI.
        ("S-4", json!({"team": null, "pi": null})),
        ("S-5", both),
    ];
    assert_eq!(got.len(), expected.len());
    for ((id, inherited, progress), (want_id, want)) in got.iter().zip(&expected) {
        assert_eq!(id, want_id);
        assert_eq!(*inherited, want, "{id}");
        assert_eq!(**progress, Value::Null, "{id}");
    }
}

#[test]
fn a_parent_cycle_counts_each_story_once() {
    // F-1 and F-2 name each other as parent; S-1 (3 points, done) sits under F-1.
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    common::write(d, "popm.toml", "[backlog]\nroots = [\"backlog\"]\n");
    let feature = |id: &str, parent: &str| {
        format!("---\nid: {id}\ntype: feature\ntitle: {id}\nparent: {parent}\n---\nText.\n")
    };
    common::write(d, "backlog/F-1.md", &feature("F-1", "F-2"));
    common::write(d, "backlog/F-2.md", &feature("F-2", "F-1"));
    common::write(
        d,
        "backlog/S-1.md",
        "---\nid: S-1\ntype: story\ntitle: One\nstatus: done\nparent: F-1\npoints: 3\n---\nText.\n",
    );
    let r = run(d, &["list", "--format", "json", "--type", "feature"]);
    let rows: Value = serde_json::from_str(&r.stdout).expect("JSON");
    // The walk enters the cycle at F-1 (first in path order): F-2 is F-1's child there, and S-1's
    // points count for F-1 only once.
    assert_eq!(rows[0]["id"], "F-1");
    assert_eq!(rows[0]["progress"]["points"], 3);
    assert_eq!(rows[0]["progress"]["done_points"], 3);
    assert_eq!(rows[0]["progress"]["children"], 2);
    assert_eq!(rows[1]["id"], "F-2");
    assert_eq!(rows[1]["progress"]["points"], 0);
}

/// `pi status PI-2027.1` over fixtures/rollup, by hand (3 development iterations):
///
/// | team  | IT 1 (done/planned)     | IT 2        | IT 3             | PI    | capacity     |
/// |-------|-------------------------|-------------|------------------|-------|--------------|
/// | alpha | S-1 3 done + S-5 2: 3/5 | S-2 5: 0/5  | S-3 no points: 0 | 3/10  | 20+20+16 = 56 |
/// | beta  | F-2 6/3 = 2 done: 2/2   | 2/2         | 2 + S-4 8: 10/10 | 14/14 | 30           |
///
/// S-1, S-2, S-3 and S-5 count for their feature's only team (alpha); F-2 has no stories, so its
/// estimate (done) is split over beta's three iterations. Objectives: committed 8 and 6 achieved 7
/// and 5, uncommitted 4 achieved 3.
#[test]
fn pi_status_counts_planned_and_done_points() {
    let r = run(
        &fixture("rollup"),
        &["pi", "status", "PI-2027.1", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s: Value = serde_json::from_str(&r.stdout).expect("JSON");
    let its = |team: usize| -> Vec<(i64, i64)> {
        s["teams"][team]["iterations"]
            .as_array()
            .expect("iterations")
            .iter()
            .map(|i| {
                (
                    i["done"].as_i64().expect("done"),
                    i["planned"].as_i64().expect("planned"),
                )
            })
            .collect()
    };
    assert_eq!(s["teams"][0]["team"], "alpha");
    assert_eq!(its(0), [(3, 5), (0, 5), (0, 0)]);
    assert_eq!(
        (&s["teams"][0]["done"], &s["teams"][0]["planned"]),
        (&json!(3), &json!(10))
    );
    assert_eq!(s["teams"][0]["capacity"], 56);
    assert_eq!(s["teams"][1]["team"], "beta");
    assert_eq!(its(1), [(2, 2), (2, 2), (10, 10)]);
    assert_eq!(s["teams"][1]["capacity"], 30);
    assert_eq!(s["total"], json!({"planned": 24, "done": 17}));
    assert_eq!(
        s["committed_value"],
        json!({"planned": 14, "actual": 12, "unscored": 0})
    );
    assert_eq!(
        s["uncommitted_value"],
        json!({"planned": 4, "actual": 3, "unscored": 0})
    );
}
