//! `popm report`'s pages over the backlog: roadmap.html, backlog.html, pi/<PI>.html,
//! items/<ID>.html and flow.html. Snapshots of each page's `<main>` (the frame around it belongs
//! to the index and board tests), figures computed by hand, and hostile text shown as text.
//!
//! The fixture, by hand (team-a; PI-1 has 3 iterations: 2 development + IP):
//! - loads of PI-1: iteration 1: S-1 13 + S-3 5 + F-2's estimate 8 / 2 iterations = 22 of
//!   capacity 20 (over by 2, 110%); iteration 2: S-2 8 + 4 = 12 of 40 (30%); the PI: 34 of 60
//!   (57%).
//! - predictability: PI-0 team-a committed 8 and 6 achieved 7 and 5, uncommitted achieved 3:
//!   15 of 14 (107 %); team-b committed 5 achieved 4: 4 of 5 (80 %); the ART 19 of 19 (100 %).
//!   PI-1's committed objective has no actual value yet: `-`.
//! - WSJF: F-1 (8 + 5 + 3) / 5 = 3.20, F-2 (5 + 2 + 8) / 3 = 5.00, F-3 (3 + 1 + 1) / 2 = 2.50:
//!   ranked F-2, F-1, F-3.
//! - progress of F-1: S-1 13 done of S-1 13 + S-2 8 + S-3 5 = 26: 13 of 26 (50%), 1 of 3 children.

mod common;

use std::path::Path;

use common::{commit, git, popm, write};

const HOSTILE: &str = "<script>alert(\"title\")</script> & 'quoted'";

fn fixture(dir: &Path) {
    write(
        dir,
        "popm.toml",
        "teams = [\"team-a\", \"team-b\"]\n\n[backlog]\nroots = [\"backlog\"]\n",
    );
    write(
        dir,
        "backlog/E-1.md",
        "---\nid: E-1\ntype: epic\ntitle: Epic one\nstatus: implementing\nwsjf: {business_value: 13, time_criticality: 8, risk_reduction: 5, job_size: 20}\n---\n## Hypothesis\nIt pays.\n",
    );
    write(
        dir,
        "backlog/PI-0.md",
        "---\nid: PI-0\ntype: pi\ntitle: PI 0\nstart: 2026-10-05\niterations: 3\nobjectives:\n  - team: team-a\n    text: First\n    business_value: 8\n    committed: true\n    actual_value: 7\n  - team: team-a\n    text: Second\n    business_value: 6\n    committed: true\n    actual_value: 5\n  - team: team-a\n    text: Stretch\n    business_value: 4\n    committed: false\n    actual_value: 3\n  - team: team-b\n    text: Theirs\n    business_value: 5\n    committed: true\n    actual_value: 4\n---\n",
    );
    write(
        dir,
        "backlog/PI-1.md",
        "---\nid: PI-1\ntype: pi\ntitle: PI 1\nstart: 2027-01-04\niterations: 3\nmilestones:\n  - name: Trade fair <b>\n    date: 2027-01-20\ncapacity:\n  team-a: [20, 40]\nobjectives:\n  - team: team-a\n    text: Ship it\n    business_value: 8\n    committed: true\n---\n",
    );
    write(
        dir,
        "backlog/PI-2.md",
        "---\nid: PI-2\ntype: pi\ntitle: PI 2\nstart: 2027-03-15\niterations: 3\n---\n",
    );
    let feature = |id: &str, title: &str, wsjf: &str, extra: &str, body: &str| {
        format!(
            "---\nid: {id}\ntype: feature\ntitle: '{title}'\nstatus: ready\nparent: E-1\nteam: [team-a]\nwsjf: {{{wsjf}}}\n{extra}---\n## Benefit hypothesis\nSales grow.\n\n## Acceptance criteria\n- [ ] It works\n{body}"
        )
    };
    write(
        dir,
        "backlog/F-1.md",
        &feature(
            "F-1",
            &HOSTILE.replace('\'', "''"),
            "business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5",
            "pi: PI-1\n",
            "\n<script>alert(1)</script>\n\nSee <b onclick=\"steal()\">this</b>, [click me](javascript:alert(2)) and [the docs](https://example.com/docs).\n",
        ),
    );
    write(
        dir,
        "backlog/F-2.md",
        &feature(
            "F-2",
            "Runway",
            "business_value: 5, time_criticality: 2, risk_reduction: 8, job_size: 3",
            "pi: PI-1\nenabler: infrastructure\nestimate: 8\n",
            "",
        ),
    );
    write(
        dir,
        "backlog/F-3.md",
        &feature(
            "F-3",
            "Later",
            "business_value: 3, time_criticality: 1, risk_reduction: 1, job_size: 2",
            "pi: PI-2\ndepends_on: [F-1, F-99]\n",
            "",
        ),
    );
    let story = |id: &str, status: &str, iteration: u32, points: u32| {
        format!(
            "---\nid: {id}\ntype: story\ntitle: Story {id}\nstatus: {status}\nparent: F-1\nteam: team-a\npi: PI-1\niteration: {iteration}\npoints: {points}\n---\nAs a user, I want {id} so that it helps.\n\n## Acceptance criteria\n- [x] It works\n"
        )
    };
    write(dir, "backlog/S-1.md", &story("S-1", "done", 1, 13));
    write(dir, "backlog/S-2.md", &story("S-2", "ready", 2, 8));
    write(dir, "backlog/S-3.md", &story("S-3", "ready", 1, 5));
}

/// Runs `popm report --out site` in `dir` on 2027-01-10 and reads a page back.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn build(dir: tempfile::TempDir) -> Site {
        let out = popm(dir.path())
            .args(["report", "--out", "site"])
            .env("POPM_TODAY", "2027-01-10")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Site { dir }
    }

    fn page(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.path().join("site").join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The page's own part, without the frame around it.
    fn main(&self, path: &str) -> String {
        let html = self.page(path);
        let start = html.find("<main>").expect("<main>");
        let end = html.find("</main>").expect("</main>");
        html[start..end + "</main>".len()].to_string()
    }
}

fn plain() -> Site {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    Site::build(dir)
}

#[test]
fn roadmap_snapshot() {
    insta::assert_snapshot!(plain().main("roadmap.html"));
}

#[test]
fn backlog_snapshot() {
    insta::assert_snapshot!(plain().main("backlog.html"));
}

#[test]
fn pi_snapshot() {
    insta::assert_snapshot!(plain().main("pi/PI-1.html"));
}

#[test]
fn item_snapshots() {
    let site = plain();
    insta::assert_snapshot!("item_F-1", site.main("items/F-1.html"));
    insta::assert_snapshot!("item_F-3", site.main("items/F-3.html"));
    insta::assert_snapshot!("item_PI-1", site.main("items/PI-1.html"));
}

/// The `<tr>` opening tags of the load table of `team` on a PI page.
fn load_rows(html: &str, team: &str) -> Vec<String> {
    let start = html
        .find(&format!(
            "<section class=\"team-load\" data-team=\"{team}\">"
        ))
        .expect("team section");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    section
        .match_indices("<tr data-iteration=")
        .map(|(i, _)| section[i..i + section[i..].find('>').unwrap()].to_string())
        .collect()
}

#[test]
fn capacity_and_load_are_the_hand_computed_figures() {
    let html = plain().page("pi/PI-1.html");
    assert_eq!(
        load_rows(&html, "team-a"),
        vec![
            "<tr data-iteration=\"1\" data-capacity=\"20\" data-load=\"22\" class=\"over\"",
            "<tr data-iteration=\"2\" data-capacity=\"40\" data-load=\"12\"",
            "<tr data-iteration=\"total\" data-capacity=\"60\" data-load=\"34\"",
        ]
    );
    // The table says it in words, and so does the chart under its bars.
    assert!(
        html.contains("<td class=\"num\">110% over capacity</td>"),
        "{html}"
    );
    assert!(html.contains("<td class=\"num\">30%</td>"), "{html}");
    assert!(html.contains("<td class=\"num\">57%</td>"), "{html}");
    assert!(html.contains(">over by 2</text>"), "{html}");
    assert!(
        html.contains("<g class=\"bar\" data-series=\"capacity\" data-value=\"20\">"),
        "{html}"
    );
    assert!(
        html.contains("<g class=\"bar\" data-series=\"load\" data-value=\"22\">"),
        "{html}"
    );
}

#[test]
fn predictability_across_pis_is_the_hand_computed_figure() {
    let html = plain().page("pi/PI-1.html");
    let row = |pi: &str| {
        let start = html
            .find(&format!("<tr data-pi=\"{pi}\""))
            .unwrap_or_else(|| panic!("{pi}: {html}"));
        let end = start + html[start..].find("</tr>").unwrap();
        html[start..end]
            .match_indices("<td class=\"num\">")
            .map(|(i, m)| {
                let from = start + i + m.len();
                html[from..from + html[from..].find("</td>").unwrap()].to_string()
            })
            .collect::<Vec<_>>()
    };
    // Columns: ART, team-a, team-b.
    assert_eq!(
        row("PI-0"),
        vec!["19 of 19 (100 %)", "15 of 14 (107 %)", "4 of 5 (80 %)"]
    );
    assert_eq!(row("PI-1"), vec!["-", "-", "-"]);
}

#[test]
fn backlog_ranks_by_wsjf_with_the_four_inputs() {
    let html = plain().page("backlog.html");
    let art = &html
        [html.find("data-level=\"art\"").unwrap()..html.find("data-level=\"portfolio\"").unwrap()];
    let ranked: Vec<&str> = art
        .match_indices("<tr data-item=\"")
        .map(|(i, m)| &art[i + m.len()..i + m.len() + 3])
        .collect();
    assert_eq!(ranked, vec!["F-2", "F-1", "F-3"]);
    assert!(
        art.contains("<td class=\"num\">5</td>\n<td class=\"num\">2</td>\n<td class=\"num\">8</td>\n<td class=\"num\">3</td>\n<td class=\"num\">15</td>\n<td class=\"num\"><strong>5.00</strong></td>"),
        "{art}"
    );
}

#[test]
fn a_hostile_title_and_body_are_shown_as_text_on_every_page() {
    let site = plain();
    let escaped_title =
        "&#60;script&#62;alert(&#34;title&#34;)&#60;/script&#62; &#38; &#39;quoted&#39;";
    for path in [
        "roadmap.html",
        "backlog.html",
        "pi/PI-1.html",
        "items/F-1.html",
        "items/S-1.html",
        "items/F-3.html",
    ] {
        let html = site.page(path);
        assert!(!html.to_lowercase().contains("<script"), "{path}: {html}");
        assert!(!html.contains("javascript:"), "{path}");
        if path != "items/S-1.html" {
            assert!(html.contains(escaped_title), "{path}: {html}");
        }
    }
    let item = site.page("items/F-1.html");
    // The raw HTML of the body is text; the javascript: link is its words; the https one stays.
    assert!(
        item.contains("<p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>"),
        "{item}"
    );
    assert!(item.contains("See &lt;b onclick=\"steal()\"&gt;this&lt;/b&gt;, click me and <a href=\"https://example.com/docs\">the docs</a>."), "{item}");
}

#[test]
fn pages_link_with_relative_paths_that_exist() {
    let site = plain();
    let out = site.dir.path().join("site");
    for path in [
        "roadmap.html",
        "backlog.html",
        "pi/PI-1.html",
        "items/F-1.html",
        "items/F-3.html",
    ] {
        let html = site.page(path);
        let base = out.join(path);
        let folder = base.parent().unwrap();
        for (i, m) in html.match_indices("href=\"") {
            let from = i + m.len();
            let target = &html[from..from + html[from..].find('"').unwrap()];
            if target.starts_with("https://") {
                continue;
            }
            assert!(!target.starts_with('/'), "{path}: {target}");
            assert!(
                folder.join(target).is_file(),
                "{path} links to {target}, which was not written"
            );
        }
    }
}

#[test]
fn the_same_backlog_gives_the_same_bytes() {
    let (a, b) = (plain(), plain());
    for path in [
        "roadmap.html",
        "backlog.html",
        "pi/PI-1.html",
        "items/F-1.html",
    ] {
        assert_eq!(a.page(path), b.page(path), "{path}");
    }
}

/// A backlog in git: F-1 and F-2 move funnel -> implementing -> done over four days.
fn in_git() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(
        d,
        "popm.toml",
        "teams = [\"team-a\"]\n\n[backlog]\nroots = [\"backlog\"]\n",
    );
    let feature = |id: &str, status: &str| {
        format!(
            "---\nid: {id}\ntype: feature\ntitle: Feature {id}\nstatus: {status}\nteam: team-a\n---\nText.\n"
        )
    };
    write(d, "backlog/F-1.md", &feature("F-1", "funnel"));
    write(d, "backlog/F-2.md", &feature("F-2", "funnel"));
    commit(d, "2026-05-01T10:00:00Z", "two ideas");
    write(d, "backlog/F-1.md", &feature("F-1", "implementing"));
    write(d, "backlog/F-2.md", &feature("F-2", "implementing"));
    commit(d, "2026-05-02T10:00:00Z", "start both");
    write(d, "backlog/F-1.md", &feature("F-1", "done"));
    commit(d, "2026-05-03T10:00:00Z", "F-1 done");
    write(d, "backlog/F-2.md", &feature("F-2", "done"));
    commit(d, "2026-05-05T10:00:00Z", "F-2 done");
    Site::build(dir)
}

#[test]
fn flow_page_snapshot() {
    insta::assert_snapshot!(in_git().main("flow.html"));
}

#[test]
fn the_flow_page_has_the_numbers_of_popm_flow() {
    let site = in_git();
    let html = site.page("flow.html");
    let out = popm(site.dir.path())
        .args(["flow", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // F-1 took 1 day from implementing to done, F-2 3 days: bins of one day, 1 in 1–2, 1 in 3–4.
    assert_eq!(json["flow_time"]["count"], 2, "{json}");
    assert!(html.contains("data-bin=\"1–2\" data-count=\"1\""), "{html}");
    assert!(html.contains("data-bin=\"2–3\" data-count=\"0\""), "{html}");
    assert!(html.contains("data-bin=\"3–4\" data-count=\"1\""), "{html}");
    // The last day's count per state in the table is popm flow's last sample.
    let last = json["load"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["date"], "2026-05-05", "{json}");
    let states = last["states"].as_object().unwrap();
    assert_eq!(states["done"], 2, "{json}");
    for (state, n) in states {
        let row =
            format!("<tr data-state=\"{state}\"><td>{state}</td><td class=\"num\">{n}</td></tr>");
        assert!(html.contains(&row), "{row}: {html}");
    }
    // Flow time: 2 items, min 1, median 1, 85th 3, max 3, mean 2 days.
    let t = &json["flow_time"];
    assert_eq!(
        (t["min"].as_f64(), t["p85"].as_f64(), t["mean"].as_f64()),
        (Some(1.0), Some(3.0), Some(2.0)),
        "{json}"
    );
    assert!(html.contains("<tr><td class=\"num\">2</td><td class=\"num\">1.0</td><td class=\"num\">1.0</td><td class=\"num\">3.0</td><td class=\"num\">3.0</td><td class=\"num\">2.0</td></tr>"), "{html}");
    assert!(html.contains("data-chart=\"stacked-area\""), "{html}");
    assert!(
        html.contains("<polygon class=\"band\" data-series=\"done\""),
        "{html}"
    );
}

#[test]
fn no_flow_page_outside_git() {
    let site = plain();
    assert!(!site.dir.path().join("site/flow.html").exists());
}
