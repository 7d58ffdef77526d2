//! `popm report` in a real browser: the site is written, then headless Chromium (the system's,
//! driven by Playwright for Python) opens every page over file:// and tests/browser/read_site.py
//! reports what it shows. Skips, saying so, when python3, Playwright or Chromium is missing, unless
//! POPM_REQUIRE_TOOLS is set (as .ci/run does after installing them).

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const HOSTILE_TITLE: &str = "<img src=x onerror=\"window.__pwned=1\"> & <b>bold</b>";

/// The board's backlog: PI-1 (2027-01-04, three development iterations of two weeks, then IP),
/// two teams, cards and strings computed by hand in the expectations below.
fn backlog(dir: &Path) {
    common::write(dir, "popm.toml", "teams = [\"a\", \"b\"]\n");
    let files: &[(&str, &str)] = &[
        (
            "PI-0.md",
            "id: PI-0\ntype: pi\ntitle: Zero\nstart: 2026-10-05\niterations: 4",
        ),
        (
            "PI-1.md",
            "id: PI-1\ntype: pi\ntitle: One\nstart: 2027-01-04\niterations: 4\ncapacity:\n  a: [10, 10, 10]\n  b: [10, 10, 10]\nmilestones:\n  - {name: Demo, date: 2027-01-20}\n  - {name: Release, date: 2027-02-20}",
        ),
        (
            "PI-2.md",
            "id: PI-2\ntype: pi\ntitle: Two\nstart: 2027-03-15\niterations: 4",
        ),
        (
            "F-1.md",
            "id: F-1\ntype: feature\ntitle: One\nteam: [a]\npi: PI-1",
        ),
        (
            "S-1.md",
            "id: S-1\ntype: story\ntitle: s\nparent: F-1\nteam: [a]\niteration: 2",
        ),
        (
            "S-2.md",
            "id: S-2\ntype: story\ntitle: s\nparent: F-1\nteam: [b]\niteration: 3",
        ),
        (
            "F-2.md",
            "id: F-2\ntype: feature\ntitle: Two\nteam: [b]\npi: PI-1\niteration: 1",
        ),
        (
            "F-5.md",
            "id: F-5\ntype: feature\ntitle: Five\nteam: [a]\npi: PI-1\niteration: 3\nenabler: architectural\ndepends_on: [F-2, F-1, F-6, F-7]",
        ),
        (
            "F-6.md",
            "id: F-6\ntype: feature\ntitle: Six\nteam: [a]\npi: PI-2",
        ),
        ("F-7.md", "id: F-7\ntype: feature\ntitle: Seven\nteam: [a]"),
    ];
    for (name, front) in files {
        common::write(
            dir,
            &format!("backlog/{name}"),
            &format!("---\n{front}\n---\n"),
        );
    }
    let hostile = format!(
        "---\nid: F-3\ntype: feature\ntitle: '{}'\nteam: [b]\npi: PI-1\niteration: 2\n---\nBody <script>window.__pwned=2</script> and [a link](javascript:alert(1)).\n",
        HOSTILE_TITLE.replace('\'', "''")
    );
    common::write(dir, "backlog/F-3.md", &hostile);
}

fn strings(v: &Value) -> Vec<Vec<String>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap_or("null").to_string())
                .collect()
        })
        .collect()
}

fn rows(expected: &[&[&str]]) -> Vec<Vec<String>> {
    expected
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

/// `popm report` of the backlog in `dir` into `dir/site` on the day `today`, then the pages as
/// tests/browser/read_site.py saw them in Chromium.
fn report_and_read(dir: &Path, today: &str, chromium: &Path) -> Value {
    let site = dir.join("site");
    let run = common::popm(dir)
        .args(["report", "--out"])
        .arg(&site)
        .env("POPM_TODAY", today)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/read_site.py");
    let read = Command::new("python3")
        .arg(script)
        .arg(&site)
        .arg(chromium)
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let seen: Value = serde_json::from_slice(&read.stdout).unwrap();
    seen
}

#[test]
fn the_board_reads_right_in_chromium() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    backlog(dir.path());
    let seen = report_and_read(dir.path(), "2026-12-01", &chromium);

    // Nothing from another host, no console error, no script at all, nothing injected ran.
    assert_eq!(seen["other_hosts"], Value::Array(vec![]));
    assert_eq!(seen["console"], Value::Array(vec![]));
    let pages = seen["pages"].as_object().unwrap();
    assert!(pages.contains_key("index.html") && pages.contains_key("board/PI-1.html"));
    for (name, page) in pages {
        assert_eq!(page["scripts"], 0, "{name}");
        assert_eq!(page["pwned"], Value::Null, "{name}");
    }

    let board = &pages["board/PI-1.html"];
    // Cards: team a's F-1 story in iteration 2, team b's in 3; F-5 in its own iteration 3;
    // F-2 in 1; F-3 (hostile title) in 2. None passes every readiness check.
    assert_eq!(
        strings(&board["cards"]),
        rows(&[
            &["F-1", "a", "2", "false", "false"],
            &["F-5", "a", "3", "false", "true"],
            &["F-2", "b", "1", "false", "false"],
            &["F-3", "b", "2", "false", "false"],
            &["F-1", "b", "3", "false", "false"],
        ])
    );
    // F-5 lands in 3: F-2 (1) ok, F-1 (latest card 3) risk, F-6 (later PI) late, F-7 (no PI)
    // unplanned; each with its own dash pattern.
    assert_eq!(
        strings(&board["strings"]),
        rows(&[
            &["F-5", "F-2", "ok", "none"],
            &["F-5", "F-1", "risk", "9px, 5px"],
            &["F-5", "F-6", "late", "2px, 4px"],
            &["F-5", "F-7", "unplanned", "12px, 4px, 2px, 4px"],
        ])
    );
    assert_eq!(
        strings(&board["milestones"]),
        rows(&[&["Demo", "2"], &["Release", "unscheduled"]])
    );
    let text = board["text"].as_str().unwrap();
    assert!(text.contains(HOSTILE_TITLE), "{text}");
    assert!(
        text.contains("Release\n2027-02-20 (IP iteration)"),
        "{text}"
    );
    let index = pages["index.html"]["text"].as_str().unwrap();
    assert!(index.contains("PI-1 One"), "{index}");

    // The pages helper's item page shows the body's markup as text, when it is written.
    if let Some(item) = pages.get("items/F-3.html") {
        let text = item["text"].as_str().unwrap();
        assert!(text.contains("<script>window.__pwned=2</script>"), "{text}");
    }
}

/// The pages helper's pages in Chromium: a backlog in git (F-1 and F-2 go funnel -> implementing
/// -> done over five days) with a PI whose team is over capacity, and a feature whose body holds
/// a script, raw HTML and a javascript: link.
#[test]
fn the_roadmap_pi_item_and_flow_pages_read_right_in_chromium() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::git(d, &["init", "-q", "-b", "main"]);
    common::write(d, "popm.toml", "teams = [\"a\"]\n");
    common::write(
        d,
        "backlog/PI-1.md",
        "---\nid: PI-1\ntype: pi\ntitle: One\nstart: 2026-05-04\niterations: 3\ncapacity:\n  a: [5, 10]\nmilestones:\n  - {name: Fair, date: 2026-05-12}\n---\n",
    );
    let feature = |id: &str, status: &str, body: &str| {
        format!(
            "---\nid: {id}\ntype: feature\ntitle: Feature {id}\nstatus: {status}\nteam: [a]\npi: PI-1\niteration: 1\nestimate: 8\n---\n{body}"
        )
    };
    let body = "Body <script>window.__pwned=3</script>, <img src=x onerror=\"window.__pwned=4\"> and [a link](javascript:alert(1)), [docs](https://example.com/).\n";
    common::write(d, "backlog/F-1.md", &feature("F-1", "funnel", body));
    common::write(d, "backlog/F-2.md", &feature("F-2", "funnel", ""));
    common::commit(d, "2026-05-01T10:00:00Z", "two ideas");
    common::write(d, "backlog/F-1.md", &feature("F-1", "implementing", body));
    common::write(d, "backlog/F-2.md", &feature("F-2", "implementing", ""));
    common::commit(d, "2026-05-02T10:00:00Z", "start both");
    common::write(d, "backlog/F-1.md", &feature("F-1", "done", body));
    common::commit(d, "2026-05-03T10:00:00Z", "F-1 done");
    common::write(d, "backlog/F-2.md", &feature("F-2", "done", ""));
    common::commit(d, "2026-05-05T10:00:00Z", "F-2 done");
    let seen = report_and_read(d, "2026-05-06", &chromium);
    assert_eq!(seen["other_hosts"], Value::Array(vec![]));
    assert_eq!(seen["console"], Value::Array(vec![]));
    let pages = seen["pages"].as_object().unwrap();
    for name in [
        "roadmap.html",
        "backlog.html",
        "pi/PI-1.html",
        "items/F-1.html",
        "flow.html",
    ] {
        let page = &pages[name];
        assert_eq!(page["scripts"], 0, "{name}");
        assert_eq!(page["pwned"], Value::Null, "{name}");
    }

    // The item page shows the body's markup as text; the javascript: link is its words only.
    let item = &pages["items/F-1.html"];
    assert_eq!(
        item["body"],
        "Body <script>window.__pwned=3</script>, <img src=x onerror=\"window.__pwned=4\"> and a link, docs."
    );
    assert_eq!(
        item["body_links"],
        serde_json::json!(["https://example.com/"])
    );

    // flow.html draws the cumulative flow with a band per state and the flow time histogram.
    let flow = &pages["flow.html"];
    assert_eq!(
        strings(&flow["charts"]),
        rows(&[
            &[
                "stacked-area",
                "true",
                "done,releasing,deploying,validating,implementing,ready,analyzing,funnel"
            ],
            &["histogram", "true", ""],
        ])
    );
    let text = flow["text"].as_str().unwrap();
    assert!(text.contains("done (2)"), "{text}");

    // PI-1: the two estimates of 8 are split over the 2 development iterations: team a carries
    // 8 in each, over its capacity of 5 in the first (by 3), 80% of 10 in the second.
    let pi = &pages["pi/PI-1.html"];
    assert_eq!(
        strings(&pi["charts"]),
        rows(&[&["grouped-bars", "true", "capacity,load"]])
    );
    let text = pi["text"].as_str().unwrap();
    assert!(text.contains("over by 3"), "{text}");
    assert!(text.contains("1\t5\t8\t160% over capacity"), "{text}");
    assert!(text.contains("2\t10\t8\t80%"), "{text}");
    assert_eq!(strings(&pi["milestones"]), rows(&[&["Fair", "null"]]));
    let roadmap = pages["roadmap.html"]["text"].as_str().unwrap();
    assert!(roadmap.contains("PI-1 current"), "{roadmap}");
}

/// The portfolio of tests/common/portfolio.rs in Chromium: portfolio.html shows each value
/// stream's guardrail in words, every link of the portfolio's pages leads to a page of the site,
/// and rail's board draws its strings to signal's and track's features up to the markers that
/// name them, each state with its dash pattern; nothing is requested from another host.
#[test]
fn the_portfolio_and_an_art_board_read_right_in_chromium() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = common::portfolio::three_repositories(&tmp.path().canonicalize().unwrap());
    let fetched = common::run(&root, &["portfolio", "fetch", "--keep-going"]);
    assert_eq!(fetched.code, 0, "{}", fetched.stderr);
    let seen = report_and_read(&root, "2026-12-01", &chromium);
    assert_eq!(seen["other_hosts"], Value::Array(vec![]));
    assert_eq!(seen["console"], Value::Array(vec![]));
    let pages = seen["pages"].as_object().unwrap();
    for name in [
        "portfolio.html",
        "arts/rail.html",
        "arts/rail/PI-1.html",
        "arts/signal.html",
        "arts/signal/PI-1.html",
        "arts/track.html",
    ] {
        assert!(pages.contains_key(name), "{name}");
        assert_eq!(pages[name]["scripts"], 0, "{name}");
    }
    // Value streams in name order: freight 250 of 200, travel 300 + 150 = 450 of 500.
    assert_eq!(
        strings(&pages["portfolio.html"]["streams"]),
        rows(&[
            &["freight", "over", "✗ over budget by 50: 250 of 200 per PI"],
            &[
                "travel",
                "within",
                "✓ within budget: 450 of 500 per PI, 50 left"
            ],
        ])
    );
    for name in ["portfolio.html", "arts/rail.html", "arts/rail/PI-1.html"] {
        let links = pages[name]["links"].as_array().unwrap();
        assert!(!links.is_empty(), "{name}");
        for link in links {
            let link = link.as_str().unwrap();
            assert!(pages.contains_key(link), "{name} links to {link}");
        }
    }
    // F-1 lands in iteration 2: signal:F-1 in signal's PI-1 (same start) iteration 3, late;
    // signal:F-2 done, ok; track:F-1 not fetched, unplanned.
    assert_eq!(
        strings(&pages["arts/rail/PI-1.html"]["foreign"]),
        rows(&[
            &[
                "F-1",
                "signal:F-1",
                "late",
                "signal",
                "2px, 4px",
                "true",
                "signal:F-1 Departure feed signal PI-1 (same dates), iteration 3"
            ],
            &[
                "F-1",
                "signal:F-2",
                "ok",
                "signal",
                "none",
                "true",
                "signal:F-2 Platform feed done in signal"
            ],
            &[
                "F-1",
                "track:F-1",
                "unplanned",
                "track",
                "12px, 4px, 2px, 4px",
                "true",
                "track:F-1 in track, not read: not fetched (popm portfolio fetch)"
            ],
        ])
    );
}
