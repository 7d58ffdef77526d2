//! `popm mcp`: the tool layer on fixtures, the token budget of its tool list, and the server driven
//! end to end by the official MCP Python client (tests/mcp/client.py).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fixture, root, run, temp_copy};
use popm::mcp::Server;
use popm::mcp::tools::{self, Place};
use serde_json::{Value, json};

fn place(dir: &Path) -> Place {
    Place {
        dir: dir.to_path_buf(),
        config: None,
    }
}

fn cli_json(dir: &Path, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    serde_json::from_str(&run(dir, &args).stdout).unwrap()
}

fn args<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap()
}

/// Every file under `dir`, relative, but the backlog lock file (popm's own, made by a write).
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if !p.ends_with(".popm.lock") {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out
}

#[test]
fn reading_tools_answer_the_clis_json() {
    let demo = fixture("demo");
    let p = place(&demo);
    let check = tools::check(&p, &args(json!({}))).unwrap();
    assert_eq!(check.value, cli_json(&demo, &["check"]));
    assert_eq!(check.summary, "ok: 31 items checked, no problems found");

    let list = tools::list_items(&p, &args(json!({"type": ["epic"]}))).unwrap();
    assert_eq!(
        list.value,
        json!({"items": cli_json(&demo, &["list", "--type", "epic"])})
    );
    assert_eq!(list.summary, "2 items");

    let board = tools::board(&p, &args(json!({}))).unwrap();
    assert_eq!(board.value, json!({"items": cli_json(&demo, &["board"])}));

    let ranked = tools::rank_backlog(&p, &args(json!({"level": "portfolio"}))).unwrap();
    assert_eq!(
        ranked.value,
        json!({"items": cli_json(&demo, &["backlog", "--level", "portfolio"])})
    );

    let pi = tools::pi_ready(&p, &args(json!({"pi": "PI-2027.1"}))).unwrap();
    assert_eq!(pi.value, cli_json(&demo, &["pi", "ready", "PI-2027.1"]));
    assert_eq!(pi.summary, "PI-2027.1 is ready for planning");
}

#[test]
fn show_item_adds_the_body_to_the_clis_json() {
    let demo = fixture("demo");
    let mut shown = tools::show_item(&place(&demo), &args(json!({"id": "S-1"})))
        .unwrap()
        .value;
    let body = shown.as_object_mut().unwrap().remove("body").unwrap();
    assert_eq!(shown, cli_json(&demo, &["show", "S-1"]));
    let text =
        std::fs::read_to_string(demo.join("backlog/stories/S-1-request-reset-link.md")).unwrap();
    let (_, after) = text[4..].split_once("\n---\n").unwrap();
    assert_eq!(body, json!(after));
}

#[test]
fn pages_are_cut_by_limit_and_cursor() {
    let demo = fixture("demo");
    let p = place(&demo);
    let all = cli_json(&demo, &["list"]);
    let first = tools::list_items(&p, &args(json!({"limit": 30}))).unwrap();
    assert_eq!(first.value["items"], json!(all.as_array().unwrap()[..30]));
    assert_eq!(first.value["next_cursor"], json!("30"));
    assert_eq!(
        first.summary,
        "31 items, 1-30 shown; more with cursor \"30\""
    );
    let last = tools::list_items(&p, &args(json!({"cursor": "30"}))).unwrap();
    assert_eq!(last.value, json!({"items": [all[30]]}));
    let bad = tools::list_items(&p, &args(json!({"cursor": "32"}))).unwrap_err();
    assert_eq!(bad.message, "`32` is not a cursor of this list");
    // An argument the tool does not know is an error, not a filter silently ignored.
    assert!(serde_json::from_value::<tools::ListArgs>(json!({"statuses": ["done"]})).is_err());
}

#[test]
fn a_refused_edit_carries_the_diagnostics_and_writes_nothing() {
    let dir = temp_copy("demo");
    let p = place(dir.path());
    let before = files(dir.path());
    let path = dir.path().join("backlog/features/F-1-password-reset.md");
    let text = std::fs::read(&path).unwrap();
    let refused = tools::set_fields(&p, &args(json!({"id": "F-1", "fields": {"parent": "E-9"}})))
        .unwrap_err();
    assert_eq!(
        refused.message,
        "nothing written: the change would add 1 error"
    );
    assert_eq!(refused.value()["diagnostics"][0]["rule"], "parent-unknown");
    let moved = tools::move_item(&p, &args(json!({"id": "F-1", "status": "nowhere"}))).unwrap_err();
    assert!(
        moved
            .message
            .starts_with("`nowhere` is not a state of the feature workflow"),
        "{}",
        moved.message
    );
    assert_eq!(std::fs::read(&path).unwrap(), text);
    assert_eq!(files(dir.path()), before);
}

#[test]
fn writes_land_in_the_backlog_whatever_the_title() {
    let dir = temp_copy("demo");
    let p = place(dir.path());
    let before = files(dir.path());
    let created = tools::new_item(
        &p,
        &args(
            json!({"type": "feature", "title": "../../x/..\\y", "parent": "E-1",
                     "sections": {"Benefit hypothesis": "Fewer calls."}}),
        ),
    )
    .unwrap();
    assert_eq!(created.value["id"], "F-10");
    let shown = created.value["path"].as_str().unwrap();
    assert!(shown.starts_with("backlog/"), "{shown}");
    let after = files(dir.path());
    let added: Vec<&PathBuf> = after.difference(&before).collect();
    assert_eq!(added, [&PathBuf::from(shown)]);
    let text = std::fs::read_to_string(dir.path().join(shown)).unwrap();
    assert!(
        text.contains("## Benefit hypothesis\nFewer calls.\n"),
        "{text}"
    );
    assert_eq!(run(dir.path(), &["check"]).code, 0);
}

#[test]
fn set_fields_and_move_item_write_like_set_and_move() {
    let dir = temp_copy("demo");
    let p = place(dir.path());
    let set = tools::set_fields(
        &p,
        &args(json!({"id": "S-1", "fields": {"points": "8", "labels+": "agent"}})),
    )
    .unwrap();
    assert_eq!(
        set.value,
        json!({"id": "S-1", "path": "backlog/stories/S-1-request-reset-link.md"})
    );
    let shown = cli_json(dir.path(), &["show", "S-1"]);
    assert_eq!(shown["points"], 8);
    assert!(
        shown["labels"]
            .as_array()
            .unwrap()
            .contains(&json!("agent"))
    );
    let moved = tools::move_item(&p, &args(json!({"id": "F-9", "status": "analyzing"}))).unwrap();
    assert_eq!(moved.value["status"], "analyzing");
    assert_eq!(
        cli_json(dir.path(), &["show", "F-9"])["status"],
        "analyzing"
    );
}

/// Tool names, descriptions and input schemas are sent to the model in every session: they must
/// stay under 2 000 tokens (counted as characters / 4).
#[test]
fn the_tool_list_stays_under_its_token_budget() {
    let server = Server::new(place(&fixture("demo")));
    let tools = server.tools();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names.iter().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            "board",
            "check",
            "list_items",
            "move_item",
            "new_item",
            "pi_ready",
            "rank_backlog",
            "set_fields",
            "show_item"
        ])
    );
    let chars = serde_json::to_string(&tools).unwrap().chars().count();
    let tokens = chars / 4;
    eprintln!("tool list: {chars} characters, about {tokens} tokens");
    assert!(tokens < 2000, "{tokens} tokens");
}

/// The official MCP client (PyPI `mcp`) starts `popm mcp`, lists and calls every tool and compares
/// the structured content with the CLI's JSON (tests/mcp/client.py), in both of its start-up modes.
#[test]
fn the_python_mcp_client_drives_every_tool() {
    if !common::tool_available(
        Command::new("python3").args(["-c", "import mcp"]),
        "the mcp Python package",
    ) {
        return;
    }
    for mode in ["legacy", "auto"] {
        // The backlog sits one level down, so that a write that escaped it would show.
        let outer = tempfile::tempdir().unwrap();
        let backlog = outer.path().join("work");
        common::copy_dir(&fixture("demo"), &backlog);
        let before = files(outer.path());
        let out = Command::new("python3")
            .arg(root().join("tests/mcp/client.py"))
            .arg(env!("CARGO_BIN_EXE_popm"))
            .arg(&backlog)
            .arg(mode)
            .env("POPM_CACHE_DIR", common::test_cache_dir())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{mode}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            stdout,
            "tools board check list_items move_item new_item pi_ready rank_backlog set_fields show_item\n\
             check ok: ok: 31 items checked, no problems found\n\
             list_items ok: 9 items\n\
             list_items ok: 31 items, 1-10 shown; more with cursor \"10\"\n\
             list_items ok: 31 items, 11-31 shown\n\
             show_item ok: F-1 Self-service password reset (feature, ready)\n\
             rank_backlog ok: 7 ranked items\n\
             rank_backlog ok: 12 ranked items, 1-3 shown; more with cursor \"3\"\n\
             pi_ready ok: PI-2027.1 is ready for planning\n\
             board ok: 16 cards in 6 columns\n\
             refused: nothing written: the change would add 1 error ['status-unknown']\n\
             set_fields ok: updated backlog/stories/S-1-request-reset-link.md\n\
             move_item ok: updated backlog/features/F-9-order-history.md\n\
             new_item ok: created backlog/S-17-tmp-escape-id-x-1.md\n\
             created path backlog/S-17-tmp-escape-id-x-1.md\n\
             hostile id: no item has the id `../../etc/passwd`\n\
             resources popm://docs/format popm://docs/rules format starts # The item format\n",
            "{mode}"
        );
        let after = files(outer.path());
        let added: Vec<&PathBuf> = after.difference(&before).collect();
        assert_eq!(
            added,
            [&PathBuf::from("work/backlog/S-17-tmp-escape-id-x-1.md")],
            "{mode}"
        );
    }
}

#[test]
fn check_pages_the_diagnostics_and_counts_them_all() {
    let broken = fixture("broken");
    let p = place(&broken);
    let cli = cli_json(&broken, &["check"]);
    let whole = tools::check(&p, &args(json!({}))).unwrap();
    assert_eq!(whole.value, cli);
    let first = tools::check(&p, &args(json!({"limit": 2}))).unwrap();
    assert_eq!(
        first.value,
        json!({
            "diagnostics": cli["diagnostics"].as_array().unwrap()[..2],
            "summary": cli["summary"],
            "next_cursor": "2"
        })
    );
    assert_eq!(
        first.summary,
        "found 5 errors and 4 warnings in 4 items; more with cursor \"2\""
    );
}

#[test]
fn a_new_item_that_would_add_an_error_is_not_created() {
    let dir = temp_copy("demo");
    let before = files(dir.path());
    // A story's parent must be a feature, not an epic.
    let refused = tools::new_item(
        &place(dir.path()),
        &args(json!({"type": "story", "title": "Under an epic", "parent": "E-1", "team": ["identity"]})),
    )
    .unwrap_err();
    assert_eq!(
        refused.message,
        "nothing written: the change would add 1 error"
    );
    assert_eq!(refused.value()["diagnostics"][0]["rule"], "parent-type");
    assert_eq!(files(dir.path()), before);
}
