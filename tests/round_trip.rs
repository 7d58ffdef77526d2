//! Round trips through popm's own export: `export --format json` then `import json` into a backlog
//! without those files gives back every item, the same data and the same body bytes.

mod common;

use common::{run, temp_copy};

/// Exports `fixture`, removes the files of every item the export can write back, imports the
/// export, and returns (the export before, the export after, the import's run).
fn json_round_trip(fixture: &str) -> (String, String, common::Run) {
    let dir = temp_copy(fixture);
    let before = run(dir.path(), &["export", "--format", "json"]);
    assert!(before.code <= 1, "{fixture}: {}", before.stderr);
    let records: Vec<serde_json::Value> = serde_json::from_str(&before.stdout).unwrap();
    let export = dir.path().join("..").join(format!(
        "{}-export.json",
        dir.path().file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&export, &before.stdout).unwrap();
    for record in &records {
        if record["frontmatter"].is_object() {
            std::fs::remove_file(dir.path().join(record["path"].as_str().unwrap())).unwrap();
        }
    }
    let import = run(dir.path(), &["import", "json", export.to_str().unwrap()]);
    std::fs::remove_file(&export).unwrap();
    let after = run(dir.path(), &["export", "--format", "json"]);
    // Every file written is in popm fmt's form already.
    let fmt = run(dir.path(), &["fmt", "--check"]);
    for record in records.iter().filter(|r| r["frontmatter"].is_object()) {
        let path = record["path"].as_str().unwrap();
        assert!(
            !fmt.stdout.contains(path),
            "{fixture}: {path} is not formatted"
        );
    }
    (before.stdout, after.stdout, import)
}

#[test]
fn demo_export_json_then_import_json_gives_every_item_back() {
    let (before, after, import) = json_round_trip("demo");
    assert_eq!(import.code, 0, "{}", import.stderr);
    let file = import
        .stdout
        .lines()
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap();
    assert!(file.ends_with("-export.json"), "{file}");
    assert_eq!(
        import.stdout,
        format!("imported 31 items from {file}\npopm check: no findings on the imported items\n")
    );
    assert_eq!(before, after);
}

#[test]
fn rules_fixtures_export_json_then_import_json_give_every_item_back() {
    let mut folders: Vec<String> = std::fs::read_dir(common::fixture("rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert!(folders.len() >= 30);
    for folder in &folders {
        let (before, after, import) = json_round_trip(&format!("rules/{folder}"));
        assert_eq!(before, after, "{folder}");
        // Files that are not items (no frontmatter, broken YAML) are not in the export at all, so
        // nothing is left out; the exit status is the check's verdict on the items written.
        assert_eq!(import.stderr, "", "{folder}");
        let errors = import.stdout.contains(": error[");
        assert_eq!(
            import.code,
            i32::from(errors),
            "{folder}: {}",
            import.stdout
        );
    }
}

/// The paths in an export are data: one that climbs out of the backlog, an absolute one and one
/// in a folder no backlog root holds are each written under their file name in the backlog root.
#[test]
fn import_json_writes_only_inside_the_backlog() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("project");
    std::fs::create_dir_all(d.join("backlog")).unwrap();
    std::fs::write(d.join("popm.toml"), "").unwrap();
    let outside = dir.path().join("outside");
    let record = |path: &str, id: &str| {
        serde_json::json!({
            "id": id,
            "path": path,
            "frontmatter": {"id": id, "type": "epic", "title": "T", "status": "funnel"},
            "body": "## Hypothesis\nx\n"
        })
    };
    let records = serde_json::json!([
        record("../outside/E-1.md", "E-1"),
        record(&format!("{}/E-2.md", outside.display()), "E-2"),
        record("notes/E-3.md", "E-3"),
        record("backlog/epics/E-4.md", "E-4"),
    ]);
    std::fs::write(dir.path().join("in.json"), records.to_string()).unwrap();
    let r = run(
        &d,
        &[
            "import",
            "json",
            dir.path().join("in.json").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!outside.exists());
    assert!(!d.join("notes").exists());
    for file in [
        "backlog/E-1.md",
        "backlog/E-2.md",
        "backlog/E-3.md",
        "backlog/epics/E-4.md",
    ] {
        assert_eq!(
            std::fs::read_to_string(d.join(file)).unwrap(),
            format!(
                "---\nid: {}\ntype: epic\ntitle: T\nstatus: funnel\n---\n## Hypothesis\nx\n",
                &file[file.len() - 6..file.len() - 3]
            ),
            "{file}"
        );
    }
}
