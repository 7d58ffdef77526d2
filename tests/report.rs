//! `popm report`: the board page of a small backlog as a snapshot, the same bytes from the same
//! backlog, and values from the backlog that cannot become markup.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn write_backlog(dir: &Path, items: &[(&str, &str)]) {
    common::write(dir, "popm.toml", "teams = [\"a\"]\n");
    for (name, front) in items {
        common::write(
            dir,
            &format!("backlog/{name}"),
            &format!("---\n{front}\n---\n"),
        );
    }
}

fn report(dir: &Path, out: &str, extra: &[&str]) -> common::Run {
    let mut args = vec!["report", "--out", out];
    args.extend_from_slice(extra);
    let run = common::run(dir, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

/// PI-1 starts 2027-01-04: iteration 1 is 01-04 .. 01-17, 2 is 01-18 .. 01-31, then IP. F-2
/// (iteration 2) needs F-1 (iteration 1): ok; and F-3, in no PI: unplanned.
#[test]
fn a_small_board_page() {
    let dir = tempfile::tempdir().unwrap();
    write_backlog(
        dir.path(),
        &[
            (
                "PI-1.md",
                "id: PI-1\ntype: pi\ntitle: One\nstart: 2027-01-04\niterations: 3\ncapacity:\n  a: [10, 10]\nmilestones:\n  - {name: Fair, date: 2027-01-20}",
            ),
            (
                "F-1.md",
                "id: F-1\ntype: feature\ntitle: First\nteam: [a]\npi: PI-1\niteration: 1",
            ),
            (
                "F-2.md",
                "id: F-2\ntype: feature\ntitle: Second\nteam: [a]\npi: PI-1\niteration: 2\ndepends_on: [F-1, F-3]",
            ),
            ("F-3.md", "id: F-3\ntype: feature\ntitle: Third\nteam: [a]"),
        ],
    );
    report(dir.path(), "site", &[]);
    let page = std::fs::read_to_string(dir.path().join("site/board/PI-1.html")).unwrap();
    let body = &page[page.find("<body>").unwrap()..];
    insta::assert_snapshot!("report_small_board", body);
}

#[test]
fn the_same_backlog_gives_the_same_bytes() {
    let dir = common::temp_copy("demo");
    report(dir.path(), "one", &[]);
    report(dir.path(), "two", &[]);
    let (one, two) = (
        files(&dir.path().join("one")),
        files(&dir.path().join("two")),
    );
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        [
            "board/PI-2026.4.html",
            "board/PI-2027.1.html",
            "board/PI-2027.2.html",
            "index.html"
        ]
    );
    assert!(one == two, "two runs wrote different bytes");
    assert!(!String::from_utf8_lossy(&one["index.html"]).contains("Generated"));
    // --stamp says when, in every page.
    report(dir.path(), "stamped", &["--stamp"]);
    for (name, bytes) in files(&dir.path().join("stamped")) {
        assert!(String::from_utf8_lossy(&bytes).contains(" UTC."), "{name}");
    }
}

#[test]
fn values_from_the_backlog_never_become_markup() {
    let dir = tempfile::tempdir().unwrap();
    write_backlog(
        dir.path(),
        &[
            (
                "PI-1.md",
                "id: PI-1\ntype: pi\ntitle: '<script>alert(1)</script>'\nstart: 2027-01-04\nmilestones:\n  - {name: '\"><img src=x onerror=alert(2)>', date: 2027-01-05}",
            ),
            (
                "F-1.md",
                "id: F-1\ntype: feature\ntitle: '<b>bold</b> & \"quoted\" ''single'''\nteam: ['x\"><i>team</i>']\npi: PI-1\ndepends_on: ['<u>dep</u>']",
            ),
        ],
    );
    report(dir.path(), "site", &[]);
    let site = files(&dir.path().join("site"));
    assert_eq!(site.len(), 2, "{:?}", site.keys());
    for (name, bytes) in &site {
        let html = String::from_utf8(bytes.clone()).unwrap();
        for markup in ["<script", "<img", "<b>", "<i>", "<u>"] {
            assert!(!html.contains(markup), "{name} holds {markup}");
        }
    }
    let board = String::from_utf8(site["board/PI-1.html"].clone()).unwrap();
    assert!(board.contains("&#60;b&#62;bold&#60;/b&#62; &#38; &#34;quoted&#34; &#39;single&#39;"));
    assert!(board.contains("data-team=\"x&#34;&#62;&#60;i&#62;team&#60;/i&#62;\""));
    assert!(board.contains("data-to=\"&#60;u&#62;dep&#60;/u&#62;\" data-state=\"unplanned\""));
}
