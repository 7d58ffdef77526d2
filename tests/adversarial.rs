//! The adversarial corpus: one hostile or odd item file per case in tests/adversarial/, and the one
//! finding each must give (or none, when the file is fine). Large and deep cases are generated here
//! rather than committed. Every case: no panic, no hang, one clear diagnostic with its path, and
//! every other file still checked. Every case that is an item is also edited (`set`, `fmt`): the
//! edit lands where `check` reads, or is refused; it never panics, never touches the body.
//!
//! tests/robustness.rs covers the neighbours: Latin-1, an alias bomb at the node budget, tabs, an
//! empty file, a lone fence, CRLF snippets, classic Mac files, the size limit, huge numbers.

mod common;

use std::path::Path;

use common::{run, write};

/// Case (file name without `.md`) and the concise line it must produce, without the leading
/// `backlog/<case>.md:`; empty when the file is a fine item.
const CASES: &[(&str, &str)] = &[
    (
        "billion-laughs",
        "9:35: error[frontmatter-syntax]: the YAML is too large (over 50 000 values, or aliases that expand that far); popm stops reading it",
    ),
    ("dashes-in-code-block", ""),
    ("date-double-quoted", ""),
    (
        "date-impossible",
        "5:8: error[field-type]: `start` must be a real date: `2027-02-30` is not in the calendar",
    ),
    (
        "date-number",
        "5:8: error[field-type]: `start` must be a date written YYYY-MM-DD, found a number",
    ),
    ("date-plain", ""),
    ("date-single-quoted", ""),
    (
        "date-timestamp-offset",
        "5:8: error[field-type]: `start` must be a date written YYYY-MM-DD, found a date and time `2027-01-11t03:04:05.5+02:00`",
    ),
    (
        "date-timestamp-space",
        "5:8: error[field-type]: `start` must be a date written YYYY-MM-DD, found a date and time `2027-01-11 03:04:05`",
    ),
    (
        "date-timestamp-utc",
        "5:8: error[field-type]: `start` must be a date written YYYY-MM-DD, found a date and time `2027-01-11T03:04:05Z`",
    ),
    (
        "date-unpadded",
        "5:8: error[field-type]: `start` must be a date written YYYY-MM-DD, found `2027-1-2`",
    ),
    (
        "duplicate-keys",
        "5:1: error[frontmatter-syntax]: duplicate key `title`: each key may appear once",
    ),
    ("edit-comment-under-key", ""),
    ("edit-crlf-body", ""),
    ("edit-flow-apostrophe", ""),
    ("edit-lone-cr-keys", ""),
    (
        "id-bool",
        "2:5: error[field-type]: `id` must be a string, found a boolean",
    ),
    (
        "id-cyrillic",
        "2:5: error[id-invalid]: `Е-3` is not a valid id: ids are ASCII letters and digits, in runs joined by single `-`, `_` or `.` (like F-12, PI-2027.1 or BACK-265.10.01)",
    ),
    (
        "id-float",
        "2:5: error[field-type]: `id` must be a string, found a number",
    ),
    (
        "id-list",
        "2:5: error[field-type]: `id` must be a string, found a list",
    ),
    (
        "id-mapping",
        "2:5: error[field-type]: `id` must be a string, found a mapping",
    ),
    ("id-null", "2:5: error[field-missing]: `id` is empty"),
    (
        "id-number",
        "2:5: error[field-type]: `id` must be a string, found a number",
    ),
    (
        "id-tag-characters",
        "2:5: error[id-invalid]: `E-2\\u{e0041}\\u{e007f}` is not a valid id: ids are ASCII letters and digits, in runs joined by single `-`, `_` or `.` (like F-12, PI-2027.1 or BACK-265.10.01)",
    ),
    ("id-tilde", "2:5: error[field-missing]: `id` is empty"),
    (
        "id-workflow-command",
        "2:5: error[id-invalid]: `::error::Fake-annotation` is not a valid id: ids are ASCII letters and digits, in runs joined by single `-`, `_` or `.` (like F-12, PI-2027.1 or BACK-265.10.01)",
    ),
    (
        "id-zero-width",
        "2:5: error[id-invalid]: `E-1\\u{200b}` is not a valid id: ids are ASCII letters and digits, in runs joined by single `-`, `_` or `.` (like F-12, PI-2027.1 or BACK-265.10.01)",
    ),
    ("line-endings-cr", ""),
    ("line-endings-crlf", ""),
    ("line-endings-mixed", ""),
    ("nul-in-body", ""),
    (
        "nul-in-frontmatter",
        "4:11: error[frontmatter-syntax]: unexpected character: `\\u{0}'",
    ),
    // Fine items whose titles hold what every output must show, never obey (tests/terminal.rs and
    // tests/formats.rs check the outputs): the renderers below still cope with them.
    ("title-invisible", ""),
    ("title-markdown", ""),
    ("title-workflow-command", ""),
    (
        "utf16-be-bom",
        "1:1: error[file-unreadable]: the file is UTF-16; popm reads UTF-8 (re-save it as UTF-8)",
    ),
    (
        "utf16-le-bom",
        "1:1: error[file-unreadable]: the file is UTF-16; popm reads UTF-8 (re-save it as UTF-8)",
    ),
];

const GOOD: &str = "---\nid: E-1\ntype: epic\ntitle: Good\n---\n## Hypothesis\nIt pays.\n";

fn epic(id: u32, frontmatter: &str, body: &str) -> String {
    format!(
        "---\nid: E-{id}\ntype: epic\ntitle: Generated\n{frontmatter}---\n## Hypothesis\nIt pays.\n{body}"
    )
}

/// Cases too large or too repetitive to commit, and what each must produce.
fn generated(dir: &Path) -> Vec<(&'static str, String)> {
    let keys: String = (0..100_000).map(|i| format!("k{i}: {i}\n")).collect();
    write(dir, "backlog/keys-100000.md", &epic(50, &keys, ""));
    let keys: String = (0..20_000).map(|i| format!("k{i}: {i}\n")).collect();
    write(dir, "backlog/keys-20000.md", &epic(59, &keys, ""));
    let flow = format!("deep: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    write(dir, "backlog/nest-flow.md", &epic(51, &flow, ""));
    write(
        dir,
        "backlog/nest-flow-unclosed.md",
        &epic(52, &format!("deep: {}\n", "[".repeat(10_000)), ""),
    );
    let braces = format!("deep: {}1{}\n", "{a: ".repeat(10_000), "}".repeat(10_000));
    write(dir, "backlog/nest-braces.md", &epic(53, &braces, ""));
    let block: String = (1..3000)
        .map(|i| format!("{}- \n", " ".repeat(i)))
        .collect();
    write(
        dir,
        "backlog/nest-block.md",
        &epic(54, &format!("deep:\n{block}"), ""),
    );
    let quotes = format!("{} deep\n", ">".repeat(10_000));
    write(dir, "backlog/nest-quotes.md", &epic(55, "", &quotes));
    let lists: String = (0..1500)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    write(dir, "backlog/nest-lists.md", &epic(56, "", &lists));
    let emphasis = format!(
        "{}x{}\n[{}x{}\n",
        "*".repeat(50_000),
        "*".repeat(50_000),
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    write(dir, "backlog/inline-nesting.md", &epic(57, "", &emphasis));
    // 50 MB: over the default size limit, so reported without being read.
    let big = epic(
        58,
        "",
        &"A long line of notes about the epic.\n".repeat(1_400_000),
    );
    assert!(big.len() > 50_000_000);
    write(dir, "backlog/big-50mb.md", &big);
    vec![
        (
            "keys-100000",
            "25001:9: error[frontmatter-syntax]: the YAML is too large (over 50 000 values, or aliases that expand that far); popm stops reading it".into(),
        ),
        (
            "keys-20000",
            "5:1: warning[field-unknown]: 20000 unknown keys (`k0`, `k1`, `k2` and 19997 more)".into(),
        ),
        (
            "nest-flow",
            "5:39: error[frontmatter-syntax]: the YAML is nested too deeply; popm stops reading it".into(),
        ),
        (
            "nest-flow-unclosed",
            "5:39: error[frontmatter-syntax]: the YAML is nested too deeply; popm stops reading it".into(),
        ),
        (
            "nest-braces",
            "5:131: error[frontmatter-syntax]: the YAML is nested too deeply; popm stops reading it".into(),
        ),
        (
            "nest-block",
            "37:33: error[frontmatter-syntax]: the YAML is nested too deeply; popm stops reading it".into(),
        ),
        ("nest-quotes", String::new()),
        ("nest-lists", String::new()),
        ("inline-nesting", String::new()),
        (
            "big-50mb",
            format!(
                "1:1: error[file-unreadable]: the file is {} bytes, over the limit of 16777216 (raise [backlog] max_file_bytes in popm.toml)",
                big.len()
            ),
        ),
    ]
}

#[test]
fn every_case_gets_its_one_diagnostic_and_the_rest_is_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let corpus = common::root().join("tests/adversarial");
    let mut on_disk: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = CASES.iter().map(|(c, _)| format!("{c}.md")).collect();
    assert_eq!(
        on_disk, listed,
        "tests/adversarial/ and CASES must name the same files"
    );
    common::copy_dir(&corpus, &d.join("backlog"));
    std::fs::remove_file(d.join("backlog/.gitattributes")).unwrap();
    write(d, "backlog/E-1.md", GOOD);
    // The date cases are PIs that all start on one day, on purpose: their calendar is not the
    // point here.
    write(d, "popm.toml", "[rules]\npi-overlap = \"off\"\n");
    let mut expected: Vec<(String, String)> = CASES
        .iter()
        .map(|(c, e)| (c.to_string(), e.to_string()))
        .collect();
    expected.extend(generated(d).into_iter().map(|(c, e)| (c.to_string(), e)));

    let r = run(d, &["check", "--format", "concise"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    for (case, want) in &expected {
        let prefix = format!("backlog/{case}.md:");
        let got: Vec<&str> = r
            .stdout
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .map(|l| &l[prefix.len()..])
            .collect();
        let want: Vec<&str> = if want.is_empty() {
            vec![]
        } else {
            vec![want.as_str()]
        };
        assert_eq!(got, want, "case {case}");
    }
    // Nothing but the cases, and the good file is an item like any other.
    let reported = r.stdout.lines().count();
    assert_eq!(
        reported,
        expected.iter().filter(|(_, e)| !e.is_empty()).count()
    );
    let list = run(d, &["list", "--format", "csv"]);
    assert!(
        list.stdout.contains("E-1,epic,funnel,Good"),
        "{}",
        list.stdout
    );
    // Every renderer copes with every finding (snippets of NUL bytes, 10 000 `[` on one line ...).
    // The two slowest cases (seconds each in a debug build) have made their point already.
    std::fs::remove_file(d.join("backlog/keys-100000.md")).unwrap();
    std::fs::remove_file(d.join("backlog/big-50mb.md")).unwrap();
    for format in ["human", "json", "json-lines", "github", "sarif", "junit"] {
        let out = run(d, &["check", "--format", format]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        shows_and_never_obeys(&["check", "--format", format], &out);
    }
    // The commands that print titles: invisible characters shown, no workflow command (issue 12).
    for args in [
        &["list"][..],
        &["tree"],
        &["export", "--format", "csv"],
        &["backlog", "--level", "portfolio", "--format", "markdown"],
    ] {
        let out = run(d, args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        shows_and_never_obeys(args, &out);
    }
}

/// No raw control or invisible character but line breaks and tabs, no `##[`, and no line that
/// starts with `::` but the annotations of `--format github`.
fn shows_and_never_obeys(args: &[&str], out: &common::Run) {
    for text in [&out.stdout, &out.stderr] {
        let raw = text
            .chars()
            .find(|c| popm::render::safe::is_unsafe(*c) && !matches!(c, '\n' | '\t'));
        assert_eq!(raw, None, "popm {args:?}:\n{text}");
        assert!(!text.contains("##["), "popm {args:?}:\n{text}");
        for line in text.lines() {
            let command = line.trim_start().starts_with("::");
            let annotation = args.contains(&"github")
                && (line.starts_with("::error file=backlog/")
                    || line.starts_with("::warning file=backlog/"));
            assert!(!command || annotation, "popm {args:?}: {line}");
        }
    }
}

/// The body of an item file: what follows the closing fence's line, lines ending at LF, CRLF or a
/// lone CR (as the checker reads them).
fn body(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut line = 0;
    let mut i = 0;
    while i < bytes.len() {
        let end = i;
        let next = match bytes[i] {
            b'\n' => i + 1,
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i + 2,
            b'\r' => i + 1,
            _ => {
                i += 1;
                continue;
            }
        };
        let fence = text[start..end].trim_end();
        if line > 0 && (fence == "---" || fence == "...") {
            return &text[next..];
        }
        line += 1;
        start = next;
        i = next;
    }
    ""
}

#[test]
fn every_case_that_is_an_item_survives_edits() {
    let corpus = common::root().join("tests/adversarial");
    let mut edited = Vec::new();
    for (case, _) in CASES {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let file = format!("backlog/{case}.md");
        std::fs::create_dir_all(d.join("backlog")).unwrap();
        std::fs::copy(corpus.join(format!("{case}.md")), d.join(&file)).unwrap();
        let list = run(d, &["list", "--format", "json"]);
        let items: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
        let Some(id) = items[0]["id"].as_str().map(str::to_string) else {
            continue;
        };
        edited.push(*case);
        let original = std::fs::read(d.join(&file)).unwrap();
        for change in [
            "labels+=added",
            "owner=someone",
            "status=funnel",
            "labels-=x",
        ] {
            let before = std::fs::read(d.join(&file)).unwrap();
            let r = run(d, &["set", &id, change]);
            assert!(
                r.code == 0 || (r.code == 1 && r.stderr.starts_with("popm: nothing changed")),
                "{case} {change}: {} {}",
                r.code,
                r.stderr
            );
            let after = std::fs::read(d.join(&file)).unwrap();
            if r.code == 1 {
                assert_eq!(after, before, "{case} {change}");
                continue;
            }
            let (before, after) = (
                String::from_utf8_lossy(&before),
                String::from_utf8_lossy(&after),
            );
            assert_eq!(body(&after), body(&before), "{case} {change}");
        }
        let show = run(d, &["show", &id, "--format", "json"]);
        let item: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
        if item["owner"] == "someone" {
            let labels = item["labels"].as_array().unwrap();
            assert_eq!(labels.last().unwrap(), "added", "{case}");
        }
        let r = run(d, &["fmt"]);
        assert!(
            r.code == 0 && !r.stderr.contains("changed on disk"),
            "{case}: {}",
            r.stderr
        );
        assert_eq!(run(d, &["fmt", "--check"]).code, 0, "{case}");
        let text = std::fs::read(d.join(&file)).unwrap();
        assert_eq!(
            body(&String::from_utf8_lossy(&text)),
            body(&String::from_utf8_lossy(&original)),
            "{case}"
        );
    }
    // Every case whose file is an item with an id: the others have no item to edit.
    assert_eq!(edited.len(), 21, "{edited:?}");
}
