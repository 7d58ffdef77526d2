//! Imports: the real Backlog.md corpus (../shared/corpus, when present) and a tracker CSV export.

mod common;

use std::collections::HashMap;

use common::{run, write};
use popm::parse::yaml::{self, Value};
use popm::source::Workspace;

type Source = (String, String, Vec<String>, Vec<(Option<bool>, String)>);

/// id -> (title, status, dependencies, acceptance criteria) read straight from the source.
fn source_tasks(root: &std::path::Path) -> HashMap<String, Source> {
    let mut out = HashMap::new();
    for folder in [
        "tasks",
        "completed",
        "drafts",
        "archive/tasks",
        "archive/drafts",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_lowercase();
            if !name.ends_with(".md") || name == "readme.md" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let yaml_text: String = text
                .split("---")
                .nth(1)
                .unwrap()
                .lines()
                // Backlog.md leaves `@name` unquoted, which YAML reserves; names do not matter here.
                .map(|l| {
                    if l.contains(": @") || l.trim_start().starts_with("- @") {
                        ""
                    } else {
                        l
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            let Value::Map(map) = yaml::parse(&yaml_text).unwrap().value else {
                panic!()
            };
            let get = |k: &str| {
                map.iter()
                    .find(|(key, _)| key.as_str() == Some(k))
                    .map(|(_, v)| v.clone())
            };
            let scalar = |k: &str| {
                get(k)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            };
            let deps = match get("dependencies").map(|v| v.value) {
                Some(Value::Seq(items)) => items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            // The criteria as popm reads them from the source body (numbers `#N ` dropped, as the
            // import does).
            let body = popm::parse::frontmatter::split(&text).unwrap().body;
            let criteria: Vec<(Option<bool>, String)> = popm::parse::markdown::parse(body, 1)
                .acceptance_criteria
                .map(|ac| {
                    ac.criteria
                        .into_iter()
                        .map(|c| {
                            let t = c
                                .text
                                .strip_prefix('#')
                                .and_then(|r| r.split_once(' '))
                                .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
                                .map_or(c.text.clone(), |(_, rest)| rest.to_string());
                            (c.checked, t)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let status = if folder == "completed" {
                "Done".to_string()
            } else {
                scalar("status")
            };
            out.entry(scalar("id"))
                .or_insert((scalar("title"), status, deps, criteria));
        }
    }
    out
}

#[test]
fn backlog_md_shared_corpus_imports_without_loss() {
    let Some(corpus) = common::shared("corpus/backlog-md/backlog") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("backlog")).unwrap();
    let r = run(
        dir.path(),
        &["import", "backlog-md", corpus.to_str().unwrap()],
    );
    // Items the corpus leaves incomplete are listed, one line per error, and counted.
    assert_eq!(r.code, 1, "{}", r.stderr);
    let listed = r.stderr.lines().filter(|l| l.contains(": error[")).count();
    let said = format!("popm: the imported items have {listed} errors (above)");
    assert!(listed > 0 && r.stderr.contains(&said), "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "imported 674 items into backlog (26 feature, 648 story)\nnext: popm check\n"
    );
    // Ten ids occur in two files: the second of each is renamed, and said so.
    assert_eq!(r.stderr.matches("is used by another task too").count(), 10);

    let checked = popm::engine::check(
        &Workspace::open(dir.path(), None).unwrap(),
        &popm::engine::Request::whole(),
    )
    .unwrap();
    let items = &checked.backlog.items;
    assert_eq!(items.len(), 674);
    let total: usize = items
        .iter()
        .filter_map(|i| i.acceptance_criteria.as_ref())
        .map(|ac| ac.progress().1)
        .sum();
    let done: usize = items
        .iter()
        .filter_map(|i| i.acceptance_criteria.as_ref())
        .map(|ac| ac.progress().0)
        .sum();
    // popm reads 3 470 criteria (2 971 checked) in the source's `Acceptance Criteria` sections:
    // the 2 390 numbered ones between AC markers, and the older unnumbered lists.
    assert_eq!((total, done), (3470, 2971));

    let source = source_tasks(&corpus);
    assert_eq!(source.len(), 664, "distinct ids in the corpus");
    let mut deps_kept = 0;
    let mut deps_source = 0;
    for (id, (title, status, deps, criteria)) in &source {
        let item = checked
            .backlog
            .get(id)
            .unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(item.title(), title, "{id}");
        let story = item.kind() == Some(popm::model::ItemType::Story);
        let expected = match (status.trim_matches('"').to_lowercase().as_str(), story) {
            ("done" | "won't do", _) => "done",
            ("in progress", true) => "in-progress",
            ("in progress", false) => "implementing",
            (_, true) => "backlog",
            (_, false) => "funnel",
        };
        assert_eq!(
            checked.backlog.status(item, &Default::default()),
            expected,
            "{id}: {status}"
        );
        let imported: Vec<(Option<bool>, String)> = item
            .acceptance_criteria
            .as_ref()
            .map(|ac| {
                ac.criteria
                    .iter()
                    .map(|c| (c.checked, c.text.clone()))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(&imported, criteria, "{id}");
        // Every dependency is either a link or kept under extra.unresolved_dependencies.
        let text = checked.texts.get(&item.path).unwrap();
        deps_source += deps.len();
        deps_kept += item.depends_on.len();
        for d in deps {
            let linked = item.depends_on.iter().any(|x| {
                x.value.eq_ignore_ascii_case(d)
                    || x.value
                        .to_lowercase()
                        .ends_with(&format!("-{}", d.trim_start_matches("task-")))
            });
            assert!(
                linked
                    || text.contains(&format!("\"{d}\""))
                    || text.contains(&format!(" {d}]"))
                    || text.contains(&format!("[{d}")),
                "{id}: {d}"
            );
        }
    }
    assert!(deps_kept > 0 && deps_kept <= deps_source);

    // What `popm check` reports on the result: content rules, and the missing parents and open
    // children that the source itself has. The Definition of Ready follows the state: of the 26
    // features, 23 are done (each lacks a hypothesis, a team and a WSJF score) and 3 are funnel
    // ideas that owe nothing yet (no hypothesis, no parent needed); 7 of the 14 stories without
    // criteria are still in the backlog, where none are needed.
    let mut rules: HashMap<&str, usize> = HashMap::new();
    for d in &checked.diagnostics {
        *rules.entry(d.rule.name()).or_default() += 1;
    }
    let mut rules: Vec<(&str, usize)> = rules.into_iter().collect();
    rules.sort();
    assert_eq!(
        rules,
        [
            ("acceptance-criteria-missing", 7),
            ("acceptance-criteria-unchecked", 12),
            ("benefit-hypothesis-missing", 23),
            ("parent-done-children-open", 3),
            ("parent-missing", 534),
            ("team-missing", 23),
            ("user-voice", 648),
            ("wsjf-missing", 23),
        ]
    );
}

#[test]
fn csv_export_imports_with_a_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("backlog")).unwrap();
    write(
        d,
        "export.csv",
        "Issue key,Summary,Issue Type,Status,Parent,Story Points,Labels,Description,Sprint\n\
         PAY-1,Payments,Epic,To Do,,,,\"Big, important\",\n\
         PAY-2,Card vault,Feature,Ready,PAY-1,,security,Store cards,\n\
         PAY-3,Save a card,Story,In Progress,PAY-2,5,\"ux web\",\"As a shopper, I want to save a card so that I pay faster.\",Sprint 4\n\
         ,Crash on save,Bug,Open,PAY-2,2,,Steps...,\n",
    );
    let r = run(
        d,
        &["import", "csv", "export.csv", "--map", "Sprint=sprint"],
    );
    // The feature is ready without its sections: the import lists the errors, exit 1.
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("backlog/pay-2-card-vault.md:1:1: error[benefit-hypothesis-missing]"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stdout,
        "imported 4 items into backlog (1 epic, 1 feature, 2 story)\nnext: popm check\n"
    );
    let list = run(d, &["list", "--format", "csv"]);
    assert_eq!(
        list.stdout,
        "id,type,status,title,team,pi,parent,enabler\n\
         PAY-1,epic,funnel,Payments,,,,\n\
         PAY-2,feature,ready,Card vault,,,PAY-1,\n\
         PAY-3,story,in-progress,Save a card,,,PAY-2,\n\
         S-1,story,backlog,Crash on save,,,PAY-2,\n"
    );
    let s3 = std::fs::read_to_string(d.join("backlog/pay-3-save-a-card.md")).unwrap();
    assert!(
        s3.contains("points: 5\nlabels: [ux, web]\nextra:\n  sprint: Sprint 4\n"),
        "{s3}"
    );
    // "Open" is "to do": a bug is a story labelled defect, in the first state.
    let bug = std::fs::read_to_string(d.join("backlog/s-1-crash-on-save.md")).unwrap();
    assert!(
        bug.contains("status: backlog\nparent: PAY-2\npoints: 2\nlabels: [defect]\n"),
        "{bug}"
    );
    // Importing again skips what is there already.
    let again = run(d, &["import", "csv", "export.csv"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("skipped: "), "{}", again.stderr);
}

#[test]
fn a_backlog_md_task_with_lone_cr_line_breaks_is_read_as_check_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(run(d, &["init"]).code, 0);
    write(
        d,
        "old/tasks/task-1.md",
        "---\nid: task-1\rtitle: Lone CR task\rstatus: To Do\rassignee: @ann\rlabels: [a]\n---\nBody\n\n## Acceptance criteria\n- [ ] It works\n",
    );
    let r = run(d, &["import", "backlog-md", "old"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    assert_eq!(
        std::fs::read_to_string(d.join("backlog/task-1-lone-cr-task.md")).unwrap(),
        "---\nid: task-1\ntype: story\ntitle: Lone CR task\nstatus: backlog\nowner: \"@ann\"\nlabels: [a]\n---\nBody\n\n## Acceptance criteria\n- [ ] It works\n"
    );
}

/// Issue 12: a row whose key and summary slugify to nothing was written as the hidden file
/// `backlog/.md` (which no command reads) and counted as imported; a repeated Description column
/// silently lost the first. An id outside the id pattern is replaced by a fresh one (the original
/// kept under `extra`), so every file is named `<id>[-<slug>].md`; repeated description columns are
/// joined, in column order; other repeated columns keep the first value and the rest under `extra`.
/// Each is said in a note.
#[test]
fn csv_rows_without_a_name_and_repeated_columns() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("backlog")).unwrap();
    write(
        d,
        "export.csv",
        "Issue key,Summary,Issue Type,Description,Description,Status,Status,Parent\n\
         ???,!!!,Story,first part,second part,To Do,Done,PROJ-3\n\
         PROJ-3,Parent feature,Feature,,alpha,,,\n\
         F-1\u{200b},Twin,Story,,,,,???\n",
    );
    let r = run(d, &["import", "csv", "export.csv"]);
    assert_eq!(
        r.stdout,
        "imported 3 items into backlog (1 feature, 2 story)\nnext: popm check\n"
    );
    assert!(
        r.stderr.starts_with(
            "note: columns 4 and 5 (Description) both map to body: their texts are joined, in column order\n\
             note: columns 6 and 7 (Status) both map to status: the first value is used, the others are kept under extra\n\
             note: export.csv:2: id `???` is not a valid id; imported as S-1 (the original is kept as extra.original_id)\n\
             note: export.csv:4: id `F-1\\u{200b}` is not a valid id; imported as S-2 (the original is kept as extra.original_id)\n"
        ),
        "{}",
        r.stderr
    );
    // Twin's parent `???` follows the renamed row to S-1, a story: an error the import lists.
    assert!(
        r.stderr.contains(
            "backlog/s-2-twin.md:6:9: error[parent-type]: a story's parent must be a feature, but `S-1` is a story\n"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, 1);
    let mut names: Vec<String> = std::fs::read_dir(d.join("backlog"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["proj-3-parent-feature.md", "s-1.md", "s-2-twin.md"]);
    assert_eq!(
        std::fs::read_to_string(d.join("backlog/s-1.md")).unwrap(),
        "---\nid: S-1\ntype: story\ntitle: \"!!!\"\nstatus: backlog\nparent: PROJ-3\nextra:\n  Status: Done\n  original_id: \"???\"\n---\nfirst part\n\nsecond part\n"
    );
    // A reference to a replaced id follows it.
    let twin = std::fs::read_to_string(d.join("backlog/s-2-twin.md")).unwrap();
    assert!(twin.contains("\nparent: S-1\n"), "{twin}");
    assert_eq!(
        std::fs::read_to_string(d.join("backlog/proj-3-parent-feature.md"))
            .unwrap()
            .split("---\n")
            .nth(2),
        Some("alpha\n")
    );
}

/// An empty file (an export that failed and wrote nothing) said "imported 0 items" and exit 0, as
/// if the tracker had nothing in it. It has no header row, so it is no CSV export: exit 2. A
/// header without rows is an empty export, and says so.
#[test]
fn an_empty_csv_file_is_an_error_not_an_empty_import() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("backlog")).unwrap();
    write(d, "empty.csv", "");
    let r = run(d, &["import", "csv", "empty.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            2,
            "",
            "popm: error: empty.csv is empty: a CSV export starts with a row of column names\n"
        )
    );
    write(d, "header.csv", "Issue key,Summary,Issue Type\n");
    let r = run(d, &["import", "csv", "header.csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "imported 0 items into backlog\nnext: popm check\n", "")
    );
    assert_eq!(std::fs::read_dir(d.join("backlog")).unwrap().count(), 0);
}
