//! `popm pi ready`: a scenario where every check passes, then each check failing alone, with loads
//! and predictability computed by hand.

mod common;

use std::collections::BTreeMap;

use common::run;
use serde_json::Value;

/// A small ART ready for PI-1. Loads, by hand (team-a, two development iterations):
/// - iteration 1: S-1 13 + S-3 5 + F-2's estimate 8 / 2 iterations = 4 -> 22 of 39
/// - iteration 2: S-2 8 + 4 -> 12 of 40
/// - PI: 34 of 79; enablers (F-2) 8 / 34 = 23.5 %, above the 10 % allocation.
///
/// Predictability of PI-0 (committed only): actual 6 + 4 = 10 of planned 8 + 4 = 12 -> 0.8333...
fn base() -> BTreeMap<&'static str, String> {
    let mut files = BTreeMap::new();
    let put = |files: &mut BTreeMap<&'static str, String>, name: &'static str, text: &str| {
        files.insert(name, text.to_string());
    };
    put(
        &mut files,
        "backlog/E-1.md",
        "---\nid: E-1\ntype: epic\ntitle: Epic\n---\n## Hypothesis\nIt pays.\n",
    );
    put(
        &mut files,
        "backlog/PI-0.md",
        "---\nid: PI-0\ntype: pi\ntitle: PI 0\nstart: 2026-10-05\niterations: 3\ncapacity:\n  team-a: [40, 40]\nobjectives:\n  - team: team-a\n    text: First\n    business_value: 8\n    committed: true\n    actual_value: 6\n  - team: team-a\n    text: Second\n    business_value: 4\n    committed: true\n    actual_value: 4\n  - team: team-a\n    text: Stretch\n    business_value: 2\n    committed: false\n    actual_value: 0\n---\n",
    );
    put(
        &mut files,
        "backlog/PI-1.md",
        "---\nid: PI-1\ntype: pi\ntitle: PI 1\nstart: 2027-01-04\niterations: 3\ncapacity:\n  team-a: [39, 40]\nallocation:\n  enabler: 10\nobjectives:\n  - team: team-a\n    text: Ship it\n    business_value: 8\n    committed: true\n---\n",
    );
    put(
        &mut files,
        "backlog/PI-2.md",
        "---\nid: PI-2\ntype: pi\ntitle: PI 2\nstart: 2027-03-15\niterations: 3\n---\n",
    );
    let feature = |id: &str, extra: &str| {
        format!(
            "---\nid: {id}\ntype: feature\ntitle: Feature {id}\nstatus: ready\nparent: E-1\nteam: [team-a]\npi: PI-1\nwsjf: {{business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5}}\n{extra}---\n## Benefit hypothesis\nSales grow.\n\n## Acceptance criteria\n- [ ] It works\n"
        )
    };
    put(&mut files, "backlog/F-1.md", &feature("F-1", ""));
    put(
        &mut files,
        "backlog/F-2.md",
        &feature("F-2", "enabler: infrastructure\nestimate: 8\n"),
    );
    put(
        &mut files,
        "backlog/F-3.md",
        &feature("F-3", "").replace("pi: PI-1", "pi: PI-2"),
    );
    let story = |id: &str, iteration: u32, points: u32| {
        format!(
            "---\nid: {id}\ntype: story\ntitle: Story {id}\nparent: F-1\nteam: team-a\npi: PI-1\niteration: {iteration}\npoints: {points}\n---\nAs a user, I want {id} so that it helps.\n\n## Acceptance criteria\n- [ ] It works\n"
        )
    };
    put(&mut files, "backlog/S-1.md", &story("S-1", 1, 13));
    put(&mut files, "backlog/S-2.md", &story("S-2", 2, 8));
    put(&mut files, "backlog/S-3.md", &story("S-3", 1, 5));
    files
}

struct Verdict {
    code: i32,
    json: Value,
}

impl Verdict {
    /// (rule, severity) of every diagnostic.
    fn rules(&self) -> Vec<(String, String)> {
        self.json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    fn failures(&self, id: &str) -> Vec<String> {
        self.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| {
                f["failures"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn assess(files: &BTreeMap<&'static str, String>) -> Verdict {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        common::write(dir.path(), name, text);
    }
    let r = run(dir.path(), &["pi", "ready", "PI-1", "--format", "json"]);
    let json =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
    Verdict { code: r.code, json }
}

fn edit(files: &mut BTreeMap<&'static str, String>, name: &str, from: &str, to: &str) {
    let text = files.get_mut(name).unwrap();
    assert!(text.contains(from), "{name} lacks {from:?}");
    *text = text.replacen(from, to, 1);
}

/// Applies one change and asserts that exactly `rule` fails, as an error, on feature F-1 when
/// `on_feature` is set.
fn fails_alone(
    change: impl FnOnce(&mut BTreeMap<&'static str, String>),
    rule: &str,
    on_feature: bool,
) {
    let mut files = base();
    change(&mut files);
    let v = assess(&files);
    assert_eq!(v.code, 1, "{rule}: {}", v.json);
    assert_eq!(v.json["ready"], false);
    let errors: Vec<String> = v
        .rules()
        .into_iter()
        .filter(|(_, s)| s == "error")
        .map(|(r, _)| r)
        .collect();
    assert!(
        !errors.is_empty() && errors.iter().all(|r| r == rule),
        "{rule}: {errors:?}"
    );
    if on_feature {
        assert_eq!(v.failures("F-1"), [rule]);
        let f1 = v.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "F-1")
            .unwrap();
        assert_eq!(f1["ready"], false);
    }
}

#[test]
fn everything_passes() {
    let v = assess(&base());
    assert_eq!(v.code, 0, "{}", v.json);
    assert_eq!(v.json["ready"], true);
    assert_eq!(v.json["diagnostics"], serde_json::json!([]));
    assert_eq!(
        v.json["teams"],
        serde_json::json!([{
            "team": "team-a",
            "iterations": [
                {"iteration": 1, "capacity": 39, "load": 22},
                {"iteration": 2, "capacity": 40, "load": 12}
            ],
            "unscheduled": 0,
            "capacity": 79,
            "load": 34
        }])
    );
    assert_eq!(v.json["predictability"].as_f64(), Some(10.0 / 12.0));
    assert_eq!(v.json["previous_pi"], "PI-0");
    let ids: Vec<&str> = v.json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    // Equal WSJF (16/5): by id.
    assert_eq!(ids, ["F-1", "F-2"]);
}

#[test]
fn feature_not_ready() {
    fails_alone(
        |f| edit(f, "backlog/F-1.md", "status: ready", "status: analyzing"),
        "feature-not-ready",
        true,
    );
}

#[test]
fn benefit_hypothesis_missing() {
    fails_alone(
        |f| {
            edit(
                f,
                "backlog/F-1.md",
                "## Benefit hypothesis\nSales grow.\n\n",
                "",
            )
        },
        "benefit-hypothesis-missing",
        true,
    );
}

#[test]
fn acceptance_criteria_missing() {
    fails_alone(
        |f| {
            edit(
                f,
                "backlog/F-1.md",
                "\n## Acceptance criteria\n- [ ] It works\n",
                "",
            )
        },
        "acceptance-criteria-missing",
        true,
    );
}

#[test]
fn an_incomplete_wsjf_is_wsjf_missing_here() {
    fails_alone(
        |f| edit(f, "backlog/F-1.md", ", job_size: 5}", "}"),
        "wsjf-missing",
        true,
    );
}

#[test]
fn wsjf_missing_entirely() {
    fails_alone(
        |f| {
            edit(
                f,
                "backlog/F-1.md",
                "wsjf: {business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5}\n",
                "",
            )
        },
        "wsjf-missing",
        true,
    );
}

#[test]
fn wsjf_off_scale() {
    fails_alone(
        |f| {
            edit(
                f,
                "backlog/F-1.md",
                "business_value: 8",
                "business_value: 4",
            )
        },
        "wsjf-scale",
        true,
    );
}

#[test]
fn team_missing() {
    fails_alone(
        |f| edit(f, "backlog/F-1.md", "team: [team-a]\n", ""),
        "team-missing",
        true,
    );
}

#[test]
fn parent_missing_is_an_error_here() {
    fails_alone(
        |f| edit(f, "backlog/F-1.md", "parent: E-1\n", ""),
        "parent-missing",
        true,
    );
}

#[test]
fn parent_unknown() {
    fails_alone(
        |f| edit(f, "backlog/F-1.md", "parent: E-1", "parent: E-9"),
        "parent-unknown",
        true,
    );
}

#[test]
fn dependency_unknown() {
    fails_alone(
        |f| {
            edit(
                f,
                "backlog/F-1.md",
                "team: [team-a]\n",
                "team: [team-a]\ndepends_on: [F-99]\n",
            )
        },
        "dependency-unknown",
        true,
    );
}

#[test]
fn dependency_on_a_later_pi() {
    fails_alone(
        |f| {
            edit(
                f,
                "backlog/F-1.md",
                "team: [team-a]\n",
                "team: [team-a]\ndepends_on: [F-3]\n",
            )
        },
        "dependency-later-pi",
        true,
    );
}

#[test]
fn dependency_cycle() {
    let mut files = base();
    edit(
        &mut files,
        "backlog/F-1.md",
        "team: [team-a]\n",
        "team: [team-a]\ndepends_on: [F-2]\n",
    );
    edit(
        &mut files,
        "backlog/F-2.md",
        "team: [team-a]\n",
        "team: [team-a]\ndepends_on: [F-1]\n",
    );
    let v = assess(&files);
    assert_eq!(v.code, 1);
    assert_eq!(v.failures("F-1"), ["dependency-cycle"]);
    assert_eq!(v.failures("F-2"), ["dependency-cycle"]);
}

#[test]
fn any_check_error_on_the_feature() {
    fails_alone(
        |f| edit(f, "backlog/F-1.md", "status: ready", "status: doing"),
        "status-unknown",
        true,
    );
}

#[test]
fn pi_without_start_date() {
    fails_alone(
        |f| edit(f, "backlog/PI-1.md", "start: 2027-01-04\n", ""),
        "pi-invalid",
        false,
    );
}

#[test]
fn capacity_missing() {
    fails_alone(
        |f| {
            edit(f, "backlog/S-3.md", "team: team-a", "team: team-b");
            edit(
                f,
                "backlog/PI-1.md",
                "objectives:\n",
                "objectives:\n  - team: team-b\n    text: Help\n    business_value: 3\n    committed: false\n",
            );
        },
        "capacity-missing",
        false,
    );
}

#[test]
fn capacity_exceeded() {
    // Iteration 1: 40 + 5 + 4 = 49 > 39.
    fails_alone(
        |f| edit(f, "backlog/S-1.md", "points: 13", "points: 40"),
        "capacity-exceeded",
        false,
    );
}

#[test]
fn capacity_arithmetic_of_the_primer() {
    // Six people at 8 points, one holiday (-6) and three vacation days (-3): 48 - 6 - 3 = 39, the
    // capacity of iteration 1. Stories 20 + 13 + 2 plus F-2's 4 fill it exactly: not over.
    let mut files = base();
    edit(&mut files, "backlog/S-1.md", "points: 13", "points: 20");
    edit(&mut files, "backlog/S-3.md", "points: 5", "points: 13");
    let s4 = files["backlog/S-3.md"]
        .replace("id: S-3", "id: S-4")
        .replace("points: 13", "points: 2");
    files.insert("backlog/S-4.md", s4);
    let v = assess(&files);
    assert_eq!(v.json["teams"][0]["iterations"][0]["load"], 39);
    // 39 of 39 is above the 80 % planning load: a warning, the PI is still ready.
    assert_eq!(v.code, 0);
    assert_eq!(
        v.rules(),
        [("load-high".to_string(), "warning".to_string())]
    );
    // One point more and the team is over capacity.
    edit(&mut files, "backlog/S-4.md", "points: 2", "points: 3");
    let v = assess(&files);
    assert_eq!(v.code, 1);
    assert_eq!(v.json["teams"][0]["iterations"][0]["load"], 40);
    assert_eq!(
        v.rules(),
        [("capacity-exceeded".to_string(), "error".to_string())]
    );
    assert_eq!(
        v.json["diagnostics"][0]["message"],
        "team `team-a` is planned 40 points in iteration 1, over its capacity of 39"
    );
}

#[test]
fn load_high_is_a_warning() {
    // Iteration 1: 20 + 8 + 4 = 32 of 39 = 82 % > 80 %.
    let mut files = base();
    edit(&mut files, "backlog/S-1.md", "points: 13", "points: 20");
    edit(&mut files, "backlog/S-3.md", "points: 5", "points: 8");
    let v = assess(&files);
    assert_eq!(v.code, 0);
    assert_eq!(
        v.rules(),
        [("load-high".to_string(), "warning".to_string())]
    );
    assert_eq!(
        v.json["diagnostics"][0]["message"],
        "team `team-a` is planned 32 of 39 points in iteration 1 (82 %), above the planning load of 80 %"
    );
}

#[test]
fn allocation_not_met() {
    // Enablers are 8 of 34 points = 23.5 %, below a 30 % reservation.
    fails_alone(
        |f| edit(f, "backlog/PI-1.md", "enabler: 10", "enabler: 30"),
        "allocation",
        false,
    );
}

#[test]
fn objectives_missing() {
    fails_alone(
        |f| {
            edit(
                f,
                "backlog/PI-1.md",
                "objectives:\n  - team: team-a\n    text: Ship it\n    business_value: 8\n    committed: true\n",
                "",
            )
        },
        "objectives-missing",
        false,
    );
}

#[test]
fn previous_objectives_unscored() {
    let mut files = base();
    edit(&mut files, "backlog/PI-0.md", "    actual_value: 6\n", "");
    let v = assess(&files);
    assert_eq!(v.code, 1);
    assert_eq!(
        v.rules(),
        [(
            "previous-objectives-unscored".to_string(),
            "error".to_string()
        )]
    );
    assert_eq!(v.json["predictability"], Value::Null);
}

#[test]
fn severities_are_configurable() {
    let mut files = base();
    edit(&mut files, "backlog/PI-1.md", "enabler: 10", "enabler: 30");
    files.insert("popm.toml", "[rules]\nallocation = \"warning\"\n".into());
    let v = assess(&files);
    assert_eq!(v.code, 0);
    assert_eq!(
        v.rules(),
        [("allocation".to_string(), "warning".to_string())]
    );
}

#[test]
fn default_pi_is_current_or_next() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in base() {
        common::write(dir.path(), name, &text);
    }
    let pi_for = |today: &str| {
        let out = common::popm(dir.path())
            .env("POPM_TODAY", today)
            .args(["pi", "ready", "--format", "json"])
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (
            json["pi"].as_str().unwrap_or("").to_string(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // PI-0 runs 2026-10-05 to 2026-11-15 (3 iterations of 2 weeks); its IP iteration, the third,
    // starts 2026-11-02: from then on the PI being planned is the next one (issue 14).
    assert_eq!(pi_for("2026-11-01").0, "PI-0");
    assert_eq!(pi_for("2026-11-02").0, "PI-1");
    assert_eq!(pi_for("2026-11-15").0, "PI-1");
    assert_eq!(pi_for("2026-11-16").0, "PI-1");
    assert_eq!(pi_for("2027-01-04").0, "PI-1");
    // PI-1's IP iteration: 2027-02-01 to 2027-02-14.
    assert_eq!(pi_for("2027-01-31").0, "PI-1");
    assert_eq!(pi_for("2027-02-01").0, "PI-2");
    assert_eq!(pi_for("2027-03-15").0, "PI-2");
    // The last PI's IP iteration, with no PI after it: still that PI.
    assert_eq!(pi_for("2027-04-20").0, "PI-2");
    let (pi, stderr) = pi_for("2028-01-01");
    assert_eq!(pi, "");
    assert_eq!(
        stderr,
        "popm: error: no PI is under way on 2028-01-01 or starts later; name one: popm pi ready PI-ID\n"
    );
}

#[test]
fn unknown_pi_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in base() {
        common::write(dir.path(), name, &text);
    }
    let r = run(dir.path(), &["pi", "ready", "PI-9"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "popm: error: no PI has the id `PI-9` (PIs: PI-0, PI-1, PI-2)\n"
    );
    let r = run(dir.path(), &["pi", "ready", "F-1"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (2, "popm: error: `F-1` is a feature, not a PI\n")
    );
}

#[test]
fn a_warning_in_an_iteration_does_not_hide_an_exceeded_pi() {
    // Iteration 1: 20 + 8 + 4 = 32 of 39 (82 %, load-high). S-2 has no iteration and 100 points:
    // the PI total is 20 + 8 + 100 + 8 = 136 of 79.
    let mut files = base();
    edit(&mut files, "backlog/S-1.md", "points: 13", "points: 20");
    edit(&mut files, "backlog/S-3.md", "points: 5", "points: 8");
    edit(
        &mut files,
        "backlog/S-2.md",
        "iteration: 2\npoints: 8",
        "points: 100",
    );
    // Enablers are now 8 of 136 points, under the allocation: not what this test is about.
    files.insert("popm.toml", "[rules]\nallocation = \"off\"\n".into());
    let v = assess(&files);
    assert_eq!(v.code, 1);
    assert_eq!(
        v.rules(),
        [
            ("capacity-exceeded".to_string(), "error".to_string()),
            ("load-high".to_string(), "warning".to_string())
        ]
    );
    assert_eq!(v.json["teams"][0]["unscheduled"], 100);
    assert_eq!(v.json["teams"][0]["load"], 136);
}

#[test]
fn an_empty_wsjf_mapping_is_not_a_score() {
    fails_alone(
        |f| {
            edit(
                f,
                "backlog/F-1.md",
                "wsjf: {business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5}",
                "wsjf: {}",
            )
        },
        "wsjf-missing",
        true,
    );
}

#[test]
fn a_capability_is_counted_by_its_planned_features() {
    let mut files = base();
    files.insert(
        "backlog/C-1.md",
        "---\nid: C-1\ntype: capability\ntitle: Cap\nstatus: ready\nparent: E-1\nteam: [team-a]\npi: PI-1\nestimate: 100\nwsjf: {business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5}\n---\n## Benefit hypothesis\nx\n\n## Acceptance criteria\n- [ ] y\n".into(),
    );
    edit(&mut files, "backlog/F-1.md", "parent: E-1", "parent: C-1");
    let v = assess(&files);
    assert_eq!(v.code, 0, "{}", v.json);
    assert_eq!(v.json["teams"][0]["load"], 34);
}

#[test]
fn a_story_that_counts_for_no_team_is_reported() {
    let mut files = base();
    edit(
        &mut files,
        "backlog/F-1.md",
        "team: [team-a]",
        "team: [team-a, team-b]",
    );
    edit(&mut files, "backlog/S-3.md", "team: team-a\n", "");
    edit(
        &mut files,
        "backlog/PI-1.md",
        "capacity:\n",
        "capacity:\n  team-b: [10, 10]\n",
    );
    edit(
        &mut files,
        "backlog/PI-1.md",
        "objectives:\n",
        "objectives:\n  - team: team-b\n    text: Help\n    business_value: 3\n    committed: false\n",
    );
    let v = assess(&files);
    assert_eq!(v.code, 1);
    assert_eq!(
        v.rules(),
        [("team-missing".to_string(), "error".to_string())]
    );
    assert_eq!(v.json["diagnostics"][0]["path"], "backlog/S-3.md");
}

#[test]
fn a_workflow_without_ready_must_name_its_ready_state() {
    let mut files = base();
    files.insert(
        "popm.toml",
        "[workflow.feature]\nstates = [\"todo\", \"doing\", \"done\"]\n".into(),
    );
    for f in ["backlog/F-1.md", "backlog/F-2.md", "backlog/F-3.md"] {
        edit(&mut files, f, "status: ready", "status: doing");
    }
    let v = assess(&files);
    assert_eq!(v.code, 1);
    assert_eq!(v.failures("F-1"), ["feature-not-ready"]);
    assert!(
        v.json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("has no `ready` state")
    );
    files.insert(
        "popm.toml",
        "[workflow.feature]\nstates = [\"todo\", \"doing\", \"done\"]\nready = \"doing\"\n".into(),
    );
    assert_eq!(assess(&files).code, 0);
    edit(
        &mut files,
        "backlog/F-1.md",
        "status: doing",
        "status: todo",
    );
    let v = assess(&files);
    assert_eq!(v.failures("F-1"), ["feature-not-ready"]);
    assert_eq!(
        v.json["diagnostics"][0]["message"],
        "this feature is todo; it must be doing (or later) for PI planning"
    );
}

/// Issue 14: a dependency on a feature that is neither done nor planned in this PI or an earlier
/// one is a red flag. F-3 moved out of every PI: F-1's dependency on it fails.
#[test]
fn dependency_on_unplanned_work() {
    fails_alone(
        |f| {
            edit(f, "backlog/F-3.md", "pi: PI-2\n", "");
            edit(
                f,
                "backlog/F-1.md",
                "team: [team-a]\n",
                "team: [team-a]\ndepends_on: [F-3]\n",
            )
        },
        "dependency-unplanned",
        true,
    );
}

/// A dependency on done work, or on work planned in this PI, is fine.
#[test]
fn dependency_on_done_or_planned_work_passes() {
    let mut files = base();
    edit(&mut files, "backlog/F-3.md", "pi: PI-2\n", "");
    edit(
        &mut files,
        "backlog/F-3.md",
        "status: ready",
        "status: done",
    );
    edit(
        &mut files,
        "backlog/F-3.md",
        "- [ ] It works",
        "- [x] It works",
    );
    edit(
        &mut files,
        "backlog/F-1.md",
        "team: [team-a]\n",
        "team: [team-a]\ndepends_on: [F-3, F-2]\n",
    );
    let v = assess(&files);
    assert_eq!((v.code, v.rules()), (0, vec![]), "{}", v.json);
}

/// Issue 14: a PI with no feature planned is not ready for planning.
#[test]
fn a_pi_with_nothing_planned_is_not_ready() {
    fails_alone(
        |f| {
            for name in ["backlog/F-1.md", "backlog/F-2.md"] {
                edit(f, name, "pi: PI-1\n", "");
            }
            for name in ["backlog/S-1.md", "backlog/S-2.md", "backlog/S-3.md"] {
                edit(f, name, "pi: PI-1\n", "");
                edit(f, name, "team: team-a\n", "");
            }
            edit(f, "backlog/PI-1.md", "allocation:\n  enabler: 10\n", "");
        },
        "pi-empty",
        false,
    );
}

/// A planned feature still in analyzing is judged against the ready state's Definition of Ready:
/// `popm check` asks an analyzing feature for no acceptance criteria, `pi ready` does.
#[test]
fn a_planned_feature_is_judged_against_ready_whatever_its_state() {
    let mut files = base();
    edit(
        &mut files,
        "backlog/F-1.md",
        "status: ready",
        "status: analyzing",
    );
    edit(&mut files, "backlog/F-1.md", "- [ ] It works\n", "");
    let v = assess(&files);
    assert_eq!(v.code, 1);
    assert_eq!(
        v.failures("F-1"),
        ["feature-not-ready", "acceptance-criteria-missing"]
    );
}

/// SAFe's predictability: actual value of committed and uncommitted objectives over the planned
/// value of committed ones. Committed 8 and 6 achieved 7 and 5, uncommitted 4 achieved 3:
/// (7 + 5 + 3) / (8 + 6) = 15/14, about 107 %.
#[test]
fn predictability_counts_uncommitted_actual_value() {
    let mut files = base();
    let pi0 = "---\nid: PI-0\ntype: pi\ntitle: PI 0\nstart: 2026-10-05\niterations: 3\ncapacity:\n  team-a: [40, 40]\nobjectives:\n  - team: team-a\n    text: First\n    business_value: 8\n    committed: true\n    actual_value: 7\n  - team: team-a\n    text: Second\n    business_value: 6\n    committed: true\n    actual_value: 5\n  - team: team-a\n    text: Stretch\n    business_value: 4\n    committed: false\n    actual_value: 3\n---\n";
    files.insert("backlog/PI-0.md", pi0.to_string());
    let v = assess(&files);
    assert_eq!(v.code, 0, "{}", v.json);
    assert_eq!(v.json["predictability"].as_f64(), Some(15.0 / 14.0));
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in &files {
        common::write(dir.path(), name, text);
    }
    let human = run(dir.path(), &["pi", "ready", "PI-1"]);
    assert!(
        human.stdout.contains(
            "Predictability of PI-0: 107 % (actual 15 of planned 14: committed objectives 12, uncommitted 3)"
        ),
        "{}",
        human.stdout
    );
}

/// Issue 14: shown loads add up to their totals. F-2's estimate of 8.5 is split over the two
/// development iterations, 4.25 each: iteration 1 is 13 + 5 + 4.25 = 22.25, iteration 2 is
/// 8 + 4.25 = 12.25, the PI 34.5. One decimal showed 22.2 and 12.2 beside 34.5.
#[test]
fn split_estimates_show_exactly() {
    let mut files = base();
    edit(
        &mut files,
        "backlog/F-2.md",
        "estimate: 8\n",
        "estimate: 8.5\n",
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in &files {
        common::write(dir.path(), name, text);
    }
    let r = run(dir.path(), &["pi", "ready", "PI-1"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let row = r
        .stdout
        .lines()
        .find(|l| l.starts_with("team-a "))
        .unwrap_or_default();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells,
        ["team-a", "22.25/39", "12.25/40", "34.5/79"],
        "{}",
        r.stdout
    );
}
