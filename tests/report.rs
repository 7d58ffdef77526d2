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
        one.keys()
            .filter(|k| !k.starts_with("items/"))
            .collect::<Vec<_>>(),
        [
            "backlog.html",
            "board/PI-2026.4.html",
            "board/PI-2027.1.html",
            "board/PI-2027.2.html",
            "index.html",
            "pi/PI-2026.4.html",
            "pi/PI-2027.1.html",
            "pi/PI-2027.2.html",
            "roadmap.html",
        ]
    );
    // A page per item of the demo: 2 epics, 1 capability, 9 features, 16 stories, 3 PIs.
    assert_eq!(one.keys().filter(|k| k.starts_with("items/")).count(), 31);
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
    assert_eq!(
        site.keys().collect::<Vec<_>>(),
        [
            "backlog.html",
            "board/PI-1.html",
            "index.html",
            "items/F-1.html",
            "items/PI-1.html",
            "pi/PI-1.html",
            "roadmap.html",
        ]
    );
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

/// The text of an element's opening tag holding `marker` (an attribute), up to its `>`.
fn tag_with<'a>(page: &'a str, marker: &str) -> &'a str {
    let at = page
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in the page"));
    let start = if marker.starts_with('<') {
        at
    } else {
        page[..at].rfind('<').unwrap()
    };
    let end = at + page[at..].find('>').unwrap();
    &page[start..=end]
}

/// The visible text of a page, tags dropped, whitespace collapsed: what a reader sees in order.
fn text_of(page: &str) -> String {
    let body = &page[page.find("<body>").unwrap()..];
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A portfolio of three repositories (tests/common/portfolio.rs, every figure computed there):
/// `popm report` in the portfolio writes portfolio.html and a page per ART with the ART's boards,
/// warns once about the ART that was never fetched, and draws rail's strings to signal's features
/// with the states signal's PI dates and iterations give.
#[test]
fn a_portfolio_report_has_a_portfolio_page_and_a_page_per_art() {
    let tmp = tempfile::tempdir().unwrap();
    let root = common::portfolio::three_repositories(&tmp.path().canonicalize().unwrap());
    let fetched = common::run(&root, &["portfolio", "fetch", "--keep-going"]);
    assert_eq!(fetched.code, 0, "{}", fetched.stderr);
    let run = report(&root, "site", &[]);
    let warning = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("popm: warning: ART "))
        .collect::<Vec<_>>();
    assert_eq!(
        warning,
        [
            "popm: warning: ART track: not fetched yet: run `popm portfolio fetch` (the portfolio page says so)"
        ]
    );
    let site = root.join("site");
    let read = |p: &str| std::fs::read_to_string(site.join(p)).unwrap();

    let index = read("index.html");
    assert!(
        index.contains("<a href=\"portfolio.html\">Portfolio</a>"),
        "{index}"
    );
    let portfolio = read("portfolio.html");
    let text = text_of(&portfolio);
    // Guardrails: travel 300 + 150 = 450 of 500; freight 250 of 200.
    assert_eq!(
        tag_with(&portfolio, "data-stream=\"travel\""),
        "<tr data-stream=\"travel\" data-budget=\"500\" data-sum=\"450\" data-guardrail=\"within\">"
    );
    assert_eq!(
        tag_with(&portfolio, "data-stream=\"freight\""),
        "<tr data-stream=\"freight\" data-budget=\"200\" data-sum=\"250\" data-guardrail=\"over\">"
    );
    assert!(
        text.contains("travel 500 E-1 (300), E-2 (150) 450 ✓ within budget: 450 of 500 per PI, 50 left E-3 (ready, 100)"),
        "{text}"
    );
    assert!(
        text.contains("freight 200 E-4 (250) 250 ✗ over budget by 50: 250 of 200 per PI"),
        "{text}"
    );
    // Each ART's own check, counted in words ("1 error", not "1 errors").
    assert!(text.contains("2 3 1 1 error, 3 warnings signal"), "{text}");
    assert!(text.contains("4 errors, 2 warnings"), "{text}");
    // Epics by WSJF: E-2 (13.00) first, then E-1, E-3, E-4 (3.20) by id.
    let ranks: Vec<&str> = portfolio
        .match_indices("<section class=\"epic\"")
        .map(|(at, _)| tag_with(&portfolio[at..], "data-rank"))
        .collect();
    assert_eq!(
        ranks,
        [
            "<section class=\"epic\" id=\"E-2\" data-item=\"E-2\" data-rank=\"1\">",
            "<section class=\"epic\" id=\"E-1\" data-item=\"E-1\" data-rank=\"2\">",
            "<section class=\"epic\" id=\"E-3\" data-item=\"E-3\" data-rank=\"3\">",
            "<section class=\"epic\" id=\"E-4\" data-item=\"E-4\" data-rank=\"4\">",
        ]
    );
    assert!(
        text.contains("2. E-1 Seat booking implementing · WSJF 3.20 · value stream travel · budget 300 1 of 3 done; 5 of 10 points done (50%)"),
        "{text}"
    );
    assert!(
        text.contains(
            "rail rail:F-1 Seat map funnel PI-1 3 of 8 points done (38%), 1 of 2 children done"
        ),
        "{text}"
    );
    assert!(
        text.contains("signal signal:F-1 Departure feed funnel PI-1 no points below"),
        "{text}"
    );
    // O-1: 50%, 125%, 25%; 58% on average; served by E-1 and E-2.
    assert!(
        text.contains("O-1 Travellers book with confidence 58% on average"),
        "{text}"
    );
    let progress: Vec<&str> = portfolio
        .match_indices("<tr data-progress=")
        .map(|(at, _)| tag_with(&portfolio[at..], "<tr data-progress="))
        .collect();
    assert_eq!(
        progress,
        [
            "<tr data-progress=\"50\">",
            "<tr data-progress=\"125\">",
            "<tr data-progress=\"25\">"
        ]
    );
    assert!(
        text.contains("Served by: E-1 Seat booking , E-2 Fair fares"),
        "{text}"
    );
    // O-1's own page: its key results and the epics serving it (E-2 names it `portfolio:O-1`, the
    // portfolio's own name: the plain id).
    let okr = read("items/O-1.html");
    let okr_text = text_of(&okr);
    assert!(
        okr_text.contains("Key results key result start current target progress Bookings per day 100 150 200 50% Seat map score 10 60 50 125% Complaints per week 40 35 20 25% Epics serving it E-1 Seat booking epic, implementing E-2 Fair fares epic, implementing"),
        "{okr_text}"
    );
    assert!(okr.contains("<tr data-progress=\"125\">"), "{okr}");
    let epic = text_of(&read("items/E-2.html"));
    assert!(
        epic.contains("value stream travel budget 150 OKRs O-1"),
        "{epic}"
    );

    // One row per ART, track not read.
    assert_eq!(
        tag_with(&portfolio, "data-art=\"track\""),
        "<tr data-art=\"track\" data-read=\"no\">"
    );
    assert!(
        text.contains("track main not read : not fetched yet: run `popm portfolio fetch`"),
        "{text}"
    );

    // rail's page: its features for the portfolio, its PI with a board.
    let rail = read("arts/rail.html");
    let rail_text = text_of(&rail);
    assert!(
        rail_text.contains("F-1 feature Seat map funnel PI-1 portfolio:E-1")
            && rail_text.contains("F-2 feature Fares funnel PI-1 portfolio:E-2")
            && rail_text.contains("Other features and capabilities item title state PI progress F-3 feature Depot &#60;b&#62;tools&#60;/b&#62; funnel no PI"),
        "{rail_text}"
    );
    assert!(rail.contains("href=\"../arts/rail/PI-1.html\""), "{rail}");
    let track = text_of(&read("arts/track.html"));
    assert!(
        track.contains("Not read (ref main ): not fetched yet"),
        "{track}"
    );

    // rail's board: F-1 lands in iteration 2; signal:F-1 in signal's PI-1 (same start) iteration
    // 3: late; signal:F-2 done: ok; track:F-1 not read: unplanned.
    let board = read("arts/rail/PI-1.html");
    let strings: Vec<&str> = board
        .match_indices("<g class=\"string")
        .map(|(at, _)| tag_with(&board[at..], "data-state"))
        .collect();
    assert_eq!(
        strings,
        [
            "<g class=\"string late\" data-from=\"F-1\" data-to=\"signal:F-1\" data-art=\"signal\" data-state=\"late\">",
            "<g class=\"string ok\" data-from=\"F-1\" data-to=\"signal:F-2\" data-art=\"signal\" data-state=\"ok\">",
            "<g class=\"string unplanned\" data-from=\"F-1\" data-to=\"track:F-1\" data-art=\"track\" data-state=\"unplanned\">",
        ]
    );
    let board_text = text_of(&board);
    for row in [
        "F-1 iteration 2 signal:F-1 signal PI-1 (same dates), iteration 3 late",
        "F-1 iteration 2 signal:F-2 done in signal ok",
        "F-1 iteration 2 track:F-1 in track, not read: not fetched (popm portfolio fetch) unplanned",
    ] {
        assert!(board_text.contains(row), "{row}\n{board_text}");
    }
    assert!(
        board.contains("data-art=\"signal\" data-stub=\"signal:F-1\""),
        "{board}"
    );
    // The cards link to the ART page's rows (ART items get no pages of their own).
    assert!(
        board.contains("href=\"../../arts/rail.html#F-1\""),
        "{board}"
    );

    // Titles holding markup are text on every page (rail's F-3, the portfolio's E-3).
    assert!(
        portfolio.contains("Lounges &#60;i&#62;soon&#60;/i&#62;"),
        "{portfolio}"
    );
    for (name, bytes) in files(&site) {
        let page = String::from_utf8(bytes).unwrap();
        assert!(
            !page.contains("<b>tools") && !page.contains("<i>soon"),
            "{name}"
        );
    }

    // The same repositories give the same bytes.
    report(&root, "again", &[]);
    assert_eq!(files(&site), files(&root.join("again")));
}

/// In a lone repository, a dependency on another backlog's feature is a string in words ("a
/// backlog this report does not read"), not a missing item, and no portfolio page is written.
#[test]
fn a_qualified_dependency_without_a_portfolio_says_it_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write_backlog(
        dir.path(),
        &[
            (
                "PI-1.md",
                "id: PI-1\ntype: pi\ntitle: One\nstart: 2027-01-04\niterations: 3\ncapacity:\n  a: [10, 10]",
            ),
            (
                "F-1.md",
                "id: F-1\ntype: feature\ntitle: First\nteam: [a]\npi: PI-1\niteration: 1\ndepends_on: [signal:F-1]",
            ),
        ],
    );
    report(dir.path(), "site", &[]);
    let board = std::fs::read_to_string(dir.path().join("site/board/PI-1.html")).unwrap();
    assert_eq!(
        tag_with(&board, "<g class=\"string"),
        "<g class=\"string unplanned\" data-from=\"F-1\" data-to=\"signal:F-1\" data-art=\"signal\" data-state=\"unplanned\">"
    );
    assert!(
        text_of(&board).contains(
            "F-1 iteration 1 signal:F-1 in signal, a backlog this report does not read unplanned"
        ),
        "{board}"
    );
    // F-1's page names it as another backlog's, not as a missing item.
    let item = std::fs::read_to_string(dir.path().join("site/items/F-1.html")).unwrap();
    assert!(
        item.contains("<li data-item=\"signal:F-1\" data-art=\"signal\">signal:F-1 <span class=\"tag\">in signal</span>"),
        "{item}"
    );
    assert!(!item.contains("no such item"), "{item}");
    assert!(!dir.path().join("site/portfolio.html").exists());
    assert!(!board.contains("portfolio.html"));
}
