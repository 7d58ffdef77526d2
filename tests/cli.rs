//! The binary as users run it: exit statuses, output formats (snapshots), queries, init.

mod common;

use common::{run, temp_copy, write};

#[test]
fn demo_backlog_is_clean() {
    let demo = temp_copy("demo");
    let r = run(demo.path(), &["check"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.stdout, "ok: 31 items checked, no problems found\n");
    assert_eq!(r.stderr, "");
}

#[test]
fn check_human_output() {
    let dir = temp_copy("broken");
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("check_human", r.stdout);
}

#[test]
fn check_json_output() {
    let dir = temp_copy("broken");
    let r = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, 1);
    let value: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    assert_eq!(
        value["summary"],
        serde_json::json!({"items": 4, "errors": 5, "warnings": 4})
    );
    insta::assert_snapshot!("check_json", r.stdout);
}

#[test]
fn check_concise_output() {
    let dir = temp_copy("broken");
    let r = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("check_concise", r.stdout);
}

#[test]
fn warnings_alone_pass_unless_denied() {
    let dir = temp_copy("rules/field-unknown");
    assert_eq!(run(dir.path(), &["check"]).code, 0);
    assert_eq!(run(dir.path(), &["check", "--deny-warnings"]).code, 1);
}

#[test]
fn rule_severity_from_config() {
    let dir = temp_copy("rules/field-unknown");
    write(
        dir.path(),
        "popm.toml",
        "[rules]\nfield-unknown = \"error\"\n",
    );
    assert_eq!(run(dir.path(), &["check"]).code, 1);
    write(
        dir.path(),
        "popm.toml",
        "[rules]\nfield-unknown = \"off\"\n",
    );
    let r = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
}

#[test]
fn usage_errors_exit_2() {
    let demo = temp_copy("demo");
    let r = run(demo.path(), &["check", "--format", "xml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("invalid value 'xml'"), "{}", r.stderr);
    assert_eq!(run(demo.path(), &["frobnicate"]).code, 2);
    assert_eq!(run(demo.path(), &["--help"]).code, 0);
}

#[test]
fn missing_directory_exits_2() {
    let demo = temp_copy("demo");
    let r = run(demo.path(), &["-C", "no/such/dir", "check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("popm: error: cannot use directory no/such/dir:"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1);
}

#[test]
fn bad_config_exits_2_with_its_line() {
    let dir = temp_copy("demo");
    write(
        dir.path(),
        "popm.toml",
        "teams = [\"a\"]\n[backlog]\nroots = \"backlog\"\n",
    );
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(&format!(
            "popm: error: {}:3:9: invalid type",
            dir.path()
                .join("popm.toml")
                .canonicalize()
                .unwrap()
                .display()
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_backlog_folder_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("backlog folder `backlog` not found"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("popm init"), "{}", r.stderr);
}

#[test]
fn config_flag_pins_the_file() {
    let dir = temp_copy("demo");
    write(
        dir.path(),
        "other.toml",
        "[backlog]\nroots = [\"elsewhere\"]\n",
    );
    write(
        dir.path(),
        "elsewhere/E-1.md",
        "---\nid: E-1\ntype: epic\ntitle: x\n---\n## Hypothesis\ny\n",
    );
    let r = run(dir.path(), &["--config", "other.toml", "check"]);
    assert_eq!(r.stdout, "ok: 1 item checked, no problems found\n");
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = temp_copy("broken");
    let always = run(dir.path(), &["--color", "always", "check"]);
    assert!(always.stdout.contains("\u{1b}["));
    let never = run(dir.path(), &["--color", "never", "check"]);
    assert!(!never.stdout.contains("\u{1b}["));
    let forced = common::popm(dir.path())
        .env("CLICOLOR_FORCE", "1")
        .args(["check"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).contains("\u{1b}["));
    let no_color = common::popm(dir.path())
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .args(["check"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&no_color.stdout).contains("\u{1b}["));
}

#[test]
fn list_table() {
    let demo = temp_copy("demo");
    let r = run(demo.path(), &["list"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("list_table", r.stdout);
}

#[test]
fn list_json_and_csv() {
    let demo = temp_copy("demo");
    let r = run(
        demo.path(),
        &["list", "--type", "feature", "--enabler", "--format", "json"],
    );
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("list_json_enablers", r.stdout);
    let r = run(
        demo.path(),
        &[
            "list", "--type", "story", "--team", "identity", "--format", "csv",
        ],
    );
    insta::assert_snapshot!("list_csv_identity_stories", r.stdout);
}

fn ids(stdout: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(stdout).expect("JSON");
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|i| i["id"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn list_filters() {
    let demo = temp_copy("demo");
    let q = |args: &[&str]| {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        ids(&run(demo.path(), &all).stdout)
    };
    assert_eq!(q(&["--parent", "F-3"]), ["S-6", "S-7", "S-8"]);
    assert_eq!(q(&["--pi", "PI-2027.2"]), ["F-4", "F-8"]);
    assert_eq!(q(&["--type", "epic,capability"]), ["E-1", "E-2", "C-1"]);
    assert_eq!(q(&["--enabler", "compliance"]), ["F-7", "S-12", "S-13"]);
    assert_eq!(q(&["--label", "risk"]), ["F-7"]);
    // `accepted` and `done` are separate states; `Done` is the same as `done`.
    assert_eq!(q(&["--type", "story", "--status", "Done"]), ["S-15"]);
    assert_eq!(
        q(&["--type", "story", "--status", "done,accepted"]),
        ["S-14", "S-15", "S-16"]
    );
    // SAFe 5's `backlog` is SAFe 6's `ready` for features.
    assert_eq!(
        q(&[
            "--type", "feature", "--status", "backlog", "--team", "platform"
        ]),
        ["F-5", "F-6", "F-7"]
    );
    let r = run(demo.path(), &["list", "--type", "task"]);
    assert_eq!(r.code, 2);
}

#[test]
fn show_item() {
    let demo = temp_copy("demo");
    let r = run(demo.path(), &["show", "F-1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("show_f1", r.stdout);
    let r = run(demo.path(), &["show", "F-6", "--format", "json"]);
    insta::assert_snapshot!("show_f6_json", r.stdout);
}

#[test]
fn show_unknown_id_suggests() {
    let demo = temp_copy("demo");
    let r = run(demo.path(), &["show", "S-100"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "popm: error: no item has the id `S-100` (did you mean `S-10`?)\n"
    );
}

#[test]
fn tree_whole_and_subtree() {
    let demo = temp_copy("demo");
    let r = run(demo.path(), &["tree"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("tree", r.stdout);
    let r = run(demo.path(), &["tree", "F-3"]);
    assert_eq!(
        r.stdout,
        "F-3  Saved payment methods [implementing] 0/16 pts, 0/3 done\n\
         ├── S-6  Save a card at checkout [in-progress]\n\
         ├── S-7  Pay with a saved card [ready]\n\
         └── S-8  Remove a saved card [backlog]\n"
    );
}

#[test]
fn queries_warn_once_on_a_broken_backlog() {
    let dir = temp_copy("broken");
    let r = run(dir.path(), &["list", "--format", "json"]);
    assert_eq!(r.code, 0);
    assert_eq!(ids(&r.stdout), ["E-1", "F-1", "S-1", "S-2"]);
    assert_eq!(
        r.stderr,
        "warning: the backlog has 5 errors; results may be incomplete (run `popm check`)\n"
    );
}

#[test]
fn dash_c_runs_elsewhere() {
    let demo = temp_copy("demo");
    let outside = tempfile::tempdir().unwrap();
    let r = run(
        outside.path(),
        &[
            "-C",
            demo.path().to_str().unwrap(),
            "list",
            "--type",
            "epic",
            "--format",
            "csv",
        ],
    );
    assert_eq!(
        r.stdout,
        "id,type,status,title,team,pi,parent,enabler\nE-1,epic,implementing,Self-service customer accounts,,,,\nE-2,epic,implementing,Cloud-native checkout platform,,,,architectural\n"
    );
}

#[test]
fn init_writes_a_clean_project_once() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let check = run(dir.path(), &["check", "--deny-warnings"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert_eq!(check.stdout, "ok: 5 items checked, no problems found\n");
    // The example is ready for planning and calibrated (no hints on stderr).
    let ready = common::popm(dir.path())
        .env("POPM_TODAY", "2026-12-01")
        .args(["pi", "ready"])
        .output()
        .unwrap();
    assert_eq!(
        ready.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ready.stdout)
    );
    assert_eq!(run(dir.path(), &["backlog"]).stderr, "");
    let before = std::fs::read_to_string(dir.path().join("popm.toml")).unwrap();
    let again = run(dir.path(), &["init"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("popm.toml")).unwrap(),
        before
    );
}

/// `init` where `backlog` is a file: it wrote popm.toml, then failed on the folder, and a second
/// `init` refused because popm.toml existed. It now refuses before writing anything.
#[test]
fn init_refuses_before_writing_when_a_folder_is_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = &dir.path().canonicalize().unwrap();
    common::write(d, "backlog", "notes\n");
    let r = run(d, &["init"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr),
        (
            2,
            "",
            format!(
                "popm: error: {} exists and is not a folder; popm init writes only into a project without one\n",
                d.join("backlog").display()
            )
        )
    );
    assert!(!d.join("popm.toml").exists(), "nothing written");
}

#[test]
fn rules_lists_every_rule() {
    let r = run(&common::root(), &["rules"]);
    assert_eq!(r.code, 0);
    for rule in popm::diagnostic::Rule::ALL {
        assert!(r.stdout.contains(rule.name()), "{} missing", rule.name());
    }
}

#[test]
fn pi_ready_verdicts_on_the_demo() {
    let demo = temp_copy("demo");
    let ready = run(demo.path(), &["pi", "ready", "PI-2027.1"]);
    assert_eq!(ready.code, 0, "{}", ready.stdout);
    insta::assert_snapshot!("pi_ready_human", ready.stdout);
    let not_ready = run(
        demo.path(),
        &["pi", "ready", "PI-2027.2", "--format", "markdown"],
    );
    assert_eq!(not_ready.code, 1);
    insta::assert_snapshot!("pi_ready_markdown", not_ready.stdout);
    let json = run(
        demo.path(),
        &["pi", "ready", "PI-2027.2", "--format", "json"],
    );
    assert_eq!(json.code, 1);
    insta::assert_snapshot!("pi_ready_json", json.stdout);
}

#[test]
fn board_columns_and_wip() {
    let demo = temp_copy("demo");
    let r = run(
        demo.path(),
        &["board", "--level", "team", "--team", "identity"],
    );
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("board_team_identity", r.stdout);
    // The demo sets `implementing = 4` for features; make it 1 to see the limit flagged.
    let toml = std::fs::read_to_string(demo.path().join("popm.toml")).unwrap();
    write(
        demo.path(),
        "popm.toml",
        &toml.replace("implementing = 4", "implementing = 1"),
    );
    let r = run(demo.path(), &["board", "--format", "json"]);
    let columns: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let implementing = &columns[3];
    assert_eq!(implementing["state"], "implementing");
    assert_eq!(implementing["wip_limit"], 1);
    let ids: Vec<&str> = implementing["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["F-3"]);
    assert_eq!(implementing["over_limit"], false);
    write(
        demo.path(),
        "backlog/features/F-5-order-event-stream.md",
        &std::fs::read_to_string(
            demo.path()
                .join("backlog/features/F-5-order-event-stream.md"),
        )
        .unwrap()
        .replace("status: ready", "status: implementing"),
    );
    let human = run(demo.path(), &["board"]);
    assert!(
        human.stdout.contains("implementing (2/1)"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("WIP!"), "{}", human.stdout);
    let check = run(demo.path(), &["check", "--format", "concise"]);
    assert_eq!(check.code, 0);
    assert_eq!(
        check.stdout,
        "popm.toml:8:24: warning[wip-exceeded]: 2 features are implementing, over its WIP limit of 1: F-3, F-5\n"
    );
}
