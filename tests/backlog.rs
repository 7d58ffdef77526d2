//! `popm backlog`: WSJF ranking with hand-computed expectations.

mod common;

use common::{run, temp_copy};
use serde_json::Value;

/// fixtures/wsjf, scored by hand. WSJF = (BV + TC + RR) / job size:
///
/// | id   | BV | TC | RR | size | CoD | WSJF        |
/// |------|----|----|----|------|-----|-------------|
/// | F-4  | 1  | 2  | 1  | 1    | 4   | 4           |
/// | F-3  | 13 | 8  | 5  | 8    | 26  | 3.25        |
/// | F-1  | 8  | 5  | 3  | 5    | 16  | 3.2         |
/// | F-11 | 5  | 3  | 8  | 5    | 16  | 3.2  (tie)  |
/// | F-5  | 5  | 5  | 5  | 5    | 15  | 3           |
/// | F-6  | 2  | 2  | 2  | 2    | 6   | 3    (tie)  |
/// | F-10 | 1  | 1  | 1  | 1    | 3   | 3    (tie)  |
/// | F-7  | 20 | 13 | 20 | 20   | 53  | 2.65        |
/// | F-2  | 3  | 1  | 1  | 2    | 5   | 2.5         |
/// | F-9  | 3  | 2  | 1  | 3    | 6   | 2           |
/// | F-12 | 13 | 13 | 13 | 20   | 39  | 1.95        |
/// | F-8  | 8  | 8  | 8  | 13   | 24  | 1.846153... |
///
/// Ties keep natural id order (F-1 before F-11; F-5, F-6, F-10, where plain string order would put
/// F-10 first). F-13 (incomplete) and F-14 (no WSJF) follow, unscored; F-15 is done and left out.
const EXPECTED: [(&str, Option<f64>, Option<i64>); 14] = [
    ("F-4", Some(4.0), Some(4)),
    ("F-3", Some(3.25), Some(26)),
    ("F-1", Some(3.2), Some(16)),
    ("F-11", Some(3.2), Some(16)),
    ("F-5", Some(3.0), Some(15)),
    ("F-6", Some(3.0), Some(6)),
    ("F-10", Some(3.0), Some(3)),
    ("F-7", Some(2.65), Some(53)),
    ("F-2", Some(2.5), Some(5)),
    ("F-9", Some(2.0), Some(6)),
    ("F-12", Some(1.95), Some(39)),
    ("F-8", Some(24.0 / 13.0), Some(24)),
    ("F-13", None, None),
    ("F-14", None, None),
];

fn json(args: &[&str]) -> (Vec<Value>, String) {
    let dir = temp_copy("wsjf");
    let mut all = vec!["backlog", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(dir.path(), &all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Value = serde_json::from_str(&r.stdout).expect("JSON");
    (rows.as_array().expect("array").clone(), r.stderr)
}

#[test]
fn ranks_by_exact_wsjf_with_stable_ties() {
    let (rows, stderr) = json(&[]);
    // Every column has a 1, so no calibration warning.
    assert_eq!(stderr, "");
    assert_eq!(rows.len(), EXPECTED.len());
    for (i, (row, (id, wsjf, cod))) in rows.iter().zip(EXPECTED).enumerate() {
        assert_eq!(row["rank"], i + 1);
        assert_eq!(row["id"], id);
        assert_eq!(row["wsjf"].as_f64(), wsjf, "{id}");
        assert_eq!(row["cost_of_delay"].as_i64(), cod, "{id}");
    }
    assert_eq!(rows[12]["business_value"], 5);
    assert_eq!(rows[12]["job_size"], 3);
    assert_eq!(rows[12]["time_criticality"], Value::Null);
}

#[test]
fn table_shows_two_decimals_and_unscored() {
    let dir = temp_copy("wsjf");
    let r = run(dir.path(), &["backlog"]);
    insta::assert_snapshot!("backlog_wsjf_table", r.stdout);
}

#[test]
fn limit_and_formats() {
    let dir = temp_copy("wsjf");
    let r = run(dir.path(), &["backlog", "--limit", "3", "--format", "csv"]);
    assert_eq!(
        r.stdout,
        "rank,id,title,type,status,bv,tc,risk_reduction,cod,size,wsjf,team,pi\n\
         1,F-4,Tax receipts,feature,ready,1,2,1,4,1,4.00,checkout,\n\
         2,F-3,Apple Pay,feature,ready,13,8,5,26,8,3.25,checkout,\n\
         3,F-1,Gift cards,feature,ready,8,5,3,16,5,3.20,checkout,\n"
    );
    let r = run(
        dir.path(),
        &["backlog", "--limit", "2", "--format", "markdown"],
    );
    assert_eq!(
        r.stdout,
        "| RANK | ID | TITLE | TYPE | STATUS | BV | TC | RR\\|OE | COD | SIZE | WSJF | TEAM | PI |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|\n\
         | 1 | F-4 | Tax receipts | feature | ready | 1 | 2 | 1 | 4 | 1 | 4.00 | checkout |  |\n\
         | 2 | F-3 | Apple Pay | feature | ready | 13 | 8 | 5 | 26 | 8 | 3.25 | checkout |  |\n"
    );
}

#[test]
fn explain_shows_the_arithmetic_and_the_neighbours() {
    let dir = temp_copy("wsjf");
    let r = run(dir.path(), &["backlog", "--explain", "F-11"]);
    assert_eq!(
        r.stdout,
        "F-11  Coupon codes\n\
         \x20 cost of delay = business value 5 + time criticality 3 + risk reduction|opportunity enablement 8 = 16\n\
         \x20 WSJF = cost of delay 16 / job size 5 = 3.20\n\
         \x20 ties with F-1: equal scores are ordered by id\n\
         \x20 rank 4 of 14: after F-1 (3.20), before F-5 (3.00)\n"
    );
    let r = run(dir.path(), &["backlog", "--explain", "F-14"]);
    assert!(
        r.stdout.contains("unscored: WSJF lacks all four inputs"),
        "{}",
        r.stdout
    );
    let r = run(dir.path(), &["backlog", "--explain", "F-15"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`F-15` is not among the ranked items"),
        "{}",
        r.stderr
    );
}

/// Calibration hints print with `--explain` only: on every run they were noise a POPM learnt to
/// skip (issue 14).
#[test]
fn calibration_hints_go_to_stderr_with_explain() {
    let dir = temp_copy("wsjf");
    // Without F-4 and F-10, no item has business value 1 or job size 1.
    for f in std::fs::read_dir(dir.path().join("backlog")).unwrap() {
        let path = f.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains("id: F-4\n") || text.contains("id: F-10\n") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let r = run(dir.path(), &["backlog", "--format", "json"]);
    assert_eq!(r.stderr, "");
    assert!(r.stdout.starts_with('['));
    let r = run(dir.path(), &["backlog", "--explain", "F-3"]);
    assert_eq!(
        r.stderr,
        "note: calibration: no item scores 1 for business value among the 10 scored (lowest: 2); give the smallest item 1\n\
         note: calibration: no item scores 1 for job size among the 10 scored (lowest: 2); give the smallest item 1\n"
    );
    assert!(r.stdout.starts_with("F-3  "), "{}", r.stdout);
}

#[test]
fn levels_and_filters() {
    let demo = temp_copy("demo");
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["backlog", "--format", "json"];
        all.extend_from_slice(args);
        let r = run(demo.path(), &all);
        let rows: Value = serde_json::from_str(&r.stdout).unwrap();
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    // Both epics are implementing: the portfolio backlog (what waits) is empty without --all.
    assert!(ids(&["--level", "portfolio"]).is_empty());
    assert_eq!(ids(&["--level", "portfolio", "--all"]), ["E-1", "E-2"]);
    // Done items (F-9) are not in the backlog; by default only what waits (funnel to ready) is
    // ranked: C-1 and F-3 are implementing.
    assert_eq!(ids(&[]), ["F-6", "F-7", "F-2", "F-1", "F-5", "F-4", "F-8"]);
    // With --all, what is under way follows, ranked apart.
    assert_eq!(
        ids(&["--all"]),
        [
            "F-6", "F-7", "F-2", "F-1", "F-5", "F-4", "F-8", "C-1", "F-3"
        ]
    );
    assert_eq!(ids(&["--enabler"]), ["F-6", "F-7", "F-5"]);
    assert_eq!(ids(&["--pi", "PI-2027.2"]), ["F-4", "F-8"]);
    assert_eq!(
        ids(&["--team", "checkout", "--status", "ready"]),
        ["F-7", "F-4"]
    );
    // Team level: the PO's order (no rank fields in the demo: by id), done stories left out, and
    // S-6 (in progress) only with --all.
    assert_eq!(
        ids(&["--level", "team", "--team", "checkout"]),
        ["S-7", "S-8", "S-12"]
    );
    assert_eq!(
        ids(&["--level", "team", "--team", "checkout", "--all"]),
        ["S-7", "S-8", "S-12", "S-6"]
    );
}

#[test]
fn team_level_follows_rank_field() {
    let dir = tempfile::tempdir().unwrap();
    let story = |id: &str, rank: Option<i64>| {
        let rank = rank.map_or(String::new(), |r| format!("rank: {r}\n"));
        format!(
            "---\nid: {id}\ntype: story\ntitle: {id}\n{rank}---\nAs a user, I want {id} so that it works.\n\n## Acceptance criteria\n- [ ] done\n"
        )
    };
    common::write(dir.path(), "backlog/S-1.md", &story("S-1", None));
    common::write(dir.path(), "backlog/S-2.md", &story("S-2", Some(2)));
    common::write(dir.path(), "backlog/S-3.md", &story("S-3", Some(1)));
    common::write(dir.path(), "backlog/S-10.md", &story("S-10", None));
    let r = run(
        dir.path(),
        &["backlog", "--level", "team", "--format", "csv"],
    );
    let ids: Vec<&str> = r
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(ids, ["S-3", "S-2", "S-1", "S-10"]);
}
