//! `popm context` stays small on a large, hostile backlog; `popm agents` keeps the text around its
//! section (the cases under tests/cmd/agents/ show the exact output).

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::run;

/// Tokens as the issue counts them: characters / 4.
fn tokens(text: &str) -> usize {
    text.chars().count() / 4
}

/// 10 000 items: one epic, 500 features planned for one PI, 9 498 stories under F-1 (so S-1 has
/// 9 497 siblings), long titles, long bodies, S-1 depending on 200 items (half of them missing),
/// and S-1 with many findings.
fn write_big_backlog(dir: &Path) {
    let backlog = dir.join("backlog");
    std::fs::create_dir_all(&backlog).unwrap();
    std::fs::write(dir.join("popm.toml"), "teams = [\"a\"]\n").unwrap();
    let long = "a very long title word ".repeat(20);
    let write = |name: String, text: String| std::fs::write(backlog.join(name), text).unwrap();
    write(
        "E-1.md".into(),
        "---\nid: E-1\ntype: epic\ntitle: Epic\nstatus: implementing\n---\n## Hypothesis\nx\n"
            .into(),
    );
    write(
        "PI-1.md".into(),
        "---\nid: PI-1\ntype: pi\ntitle: PI 1\nstart: 2027-01-04\niterations: 5\niteration_weeks: 2\ncapacity:\n  a: [10, 10, 10, 10]\n---\n".into(),
    );
    for f in 1..=500 {
        write(
            format!("F-{f}.md"),
            format!(
                "---\nid: F-{f}\ntype: feature\ntitle: {long}{f}\nstatus: funnel\nparent: E-1\npi: PI-1\nteam: [a]\n---\nbody\n"
            ),
        );
    }
    let mut deps = String::new();
    for d in 2..=200 {
        let _ = write!(
            deps,
            "{}S-{}",
            if deps.is_empty() { "" } else { ", " },
            d * 100
        );
    }
    let body = "As a user, I want a long body.\n\n".repeat(500);
    for s in 1..=9498 {
        let extra = if s == 1 {
            format!(
                "depends_on: [{deps}]\npoints: 7\nunknown_key_1: x\nunknown_key_2: x\nunknown_key_3: x\nunknown_key_4: x\nunknown_key_5: x\nunknown_key_6: x\nunknown_key_7: x\nunknown_key_8: x\nunknown_key_9: x\n"
            )
        } else {
            String::new()
        };
        write(
            format!("S-{s}.md"),
            format!(
                "---\nid: S-{s}\ntype: story\ntitle: {long}{s}\nstatus: backlog\nparent: F-1\nteam: a\n{extra}---\n{body}"
            ),
        );
    }
}

#[test]
fn context_stays_near_2000_tokens_on_a_10000_item_backlog() {
    let dir = tempfile::tempdir().unwrap();
    write_big_backlog(dir.path());
    let item = run(dir.path(), &["context", "S-1"]);
    assert_eq!(item.code, 0, "{}", item.stderr);
    // Every part is there, capped.
    for part in [
        "# S-1 ",
        "## Parents\n- E-1 Epic (epic, implementing)\n- F-1 ",
        "## Siblings\n- S-2 ",
        "- ... and 9482 more\n",
        "## Open dependencies\n",
        "- ... and 189 more\n",
        "## Rules it fails (popm check)\n",
        "[... the rest: `popm show`]",
    ] {
        assert!(
            item.stdout.contains(part),
            "{part:?} missing:\n{}",
            item.stdout
        );
    }
    let n = tokens(&item.stdout);
    eprintln!(
        "context S-1: {} characters, {n} tokens",
        item.stdout.chars().count()
    );
    assert!(n <= 2000, "{n} tokens:\n{}", item.stdout);

    let pi = common::popm(dir.path())
        .args(["context"])
        .env("POPM_TODAY", "2027-01-10")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&pi.stdout);
    assert!(
        text.starts_with(
            "# PI-1 PI 1 (pi)\n\ndates: 2027-01-04 to 2027-03-14\nnot ready for planning: "
        ),
        "{text}"
    );
    assert!(text.contains("- ... and 488 more\n"), "{text}");
    let n = tokens(&text);
    eprintln!(
        "context (PI): {} characters, {n} tokens",
        text.chars().count()
    );
    assert!(n <= 2000, "{n} tokens:\n{text}");
}
