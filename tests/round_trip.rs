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
    assert_eq!(
        import.stdout.lines().next().unwrap(),
        format!(
            "imported 31 items from {}",
            import
                .stdout
                .lines()
                .next()
                .unwrap()
                .rsplit(' ')
                .next()
                .unwrap()
        )
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
        // Files that are not items (no frontmatter, broken YAML) are not in the export at all.
        assert_eq!(import.code, 0, "{folder}: {}", import.stderr);
    }
}
