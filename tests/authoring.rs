//! Authoring commands: new, set, move, renumber, fmt, export, completions, man. Every write changes
//! only what was asked; an invalid edit changes nothing.

mod common;

use common::{run, temp_copy, write};

fn read(dir: &std::path::Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

const F1: &str = "backlog/features/F-1-password-reset.md";

#[test]
fn set_changes_exactly_the_value() {
    let demo = temp_copy("demo");
    let d = demo.path();
    let before = read(d, F1);
    let r = run(
        d,
        &[
            "set",
            "F-1",
            "status=implementing",
            "wsjf.job_size=8",
            "labels+=security",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("updated {F1}\n"));
    let expected = before
        .replace("status: ready", "status: implementing")
        .replace("job_size: 5}", "job_size: 8}")
        .replace(
            "depends_on: [F-6]\n",
            "depends_on: [F-6]\nlabels: [security]\n",
        );
    assert_eq!(read(d, F1), expected);
    // Removing a key and a list element.
    run(d, &["set", "F-1", "labels-=security", "estimate="]);
    assert_eq!(
        read(d, F1),
        expected
            .replace("labels: [security]", "labels: []")
            .replace("estimate: 20\n", "")
    );
}

#[test]
fn invalid_edits_change_nothing() {
    let demo = temp_copy("demo");
    let d = demo.path();
    let before = read(d, F1);
    for (change, reason) in [
        ("status=doing", "unknown status `doing`"),
        ("wsjf.job_size=4", "wsjf.job_size is 4, off the scale"),
        ("parent=E-9", "parent `E-9` is not an item of this backlog"),
        ("points=many", "`points` takes a number"),
        ("title+=x", "`title` is not a list"),
    ] {
        let r = run(d, &["set", "F-1", change]);
        assert_eq!(r.code, 1, "{change}");
        assert!(r.stderr.contains(reason), "{change}: {}", r.stderr);
        assert!(r.stderr.contains("popm: nothing changed"), "{}", r.stderr);
        assert_eq!(read(d, F1), before, "{change}");
    }
    // Setting an id used elsewhere would break the backlog: refused too.
    let r = run(d, &["set", "F-1", "id=F-2"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("id-duplicate"), "{}", r.stderr);
    assert_eq!(run(d, &["set", "F-99", "status=ready"]).code, 2);
}

#[test]
fn values_with_any_characters_are_valid_yaml() {
    let demo = temp_copy("demo");
    let d = demo.path();
    let title = "Reset: \"fast\" # or 'slow' - [x] {y} \\ ünï";
    let r = run(d, &["set", "F-1", &format!("title={title}")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json = run(d, &["show", "F-1", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["title"], title);
    assert_eq!(run(d, &["check"]).code, 0);
}

#[test]
fn move_follows_entry_rules() {
    let demo = temp_copy("demo");
    let d = demo.path();
    // F-8 lacks a WSJF score: it cannot enter ready.
    let r = run(d, &["move", "F-8", "ready"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "popm: nothing changed: F-8 cannot enter ready without a complete WSJF score (--force moves it anyway)\n"
    );
    let r = run(d, &["move", "F-8", "ready", "--force"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("moved anyway"), "{}", r.stderr);
    assert!(read(d, "backlog/features/F-8-guest-checkout.md").contains("status: ready\n"));
    // Aliases resolve to the state's name; moving backwards warns.
    let r = run(d, &["move", "F-1", "funnel"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr,
        "warning: F-1 moves backwards: from ready to funnel\n"
    );
    run(d, &["move", "F-1", "backlog"]);
    assert!(read(d, F1).contains("status: ready\n"));
    let r = run(d, &["move", "F-1", "doing"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("not a state of the feature workflow"),
        "{}",
        r.stderr
    );
}

#[test]
fn new_items_pass_check_as_created() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(run(d, &["init"]).code, 0);
    let cases: [&[&str]; 4] = [
        &["new", "epic", "Faster checkout"],
        &["new", "capability", "Payments", "--parent", "E-1"],
        &[
            "new",
            "feature",
            "Wallets: Apple & \"Google\"",
            "--parent",
            "E-1",
            "--team",
            "team-a",
            "--pi",
            "PI-2027.1",
        ],
        &[
            "new",
            "story",
            "../../etc/passwd",
            "--parent",
            "F-1",
            "--team",
            "team-a",
            "--enabler",
            "exploration",
        ],
    ];
    let mut paths = Vec::new();
    for args in cases {
        let r = run(d, args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        paths.push(r.stdout.trim().to_string());
    }
    assert_eq!(
        paths,
        [
            "backlog/E-2-faster-checkout.md",
            "backlog/C-1-payments.md",
            "backlog/F-3-wallets-apple-google.md",
            "backlog/S-2-etc-passwd.md"
        ]
    );
    let check = run(d, &["check", "--format", "concise"]);
    assert!(!check.stdout.contains("error["), "{}", check.stdout);
    assert_eq!(check.code, 0);
    let r = run(d, &["new", "pi", "PI 2027.2"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("a PI needs --id"), "{}", r.stderr);
    assert_eq!(run(d, &["new", "story", "X", "--id", "S-1"]).code, 2);
}

/// Two people create a story at once on two clones: both get S-2. After the merge `popm check`
/// reports the collision, and `popm renumber` fixes it.
#[test]
fn two_clones_collide_and_renumber_fixes_it() {
    let a = tempfile::tempdir().unwrap();
    assert_eq!(run(a.path(), &["init"]).code, 0);
    let b = tempfile::tempdir().unwrap();
    common::copy_dir(a.path(), b.path());
    let made_a = run(a.path(), &["new", "story", "From Alice", "--parent", "F-1"]).stdout;
    let made_b = run(b.path(), &["new", "story", "From Bob", "--parent", "F-1"]).stdout;
    assert_eq!(
        (made_a.trim(), made_b.trim()),
        ("backlog/S-2-from-alice.md", "backlog/S-2-from-bob.md")
    );
    // Bob's story depends on his S-2 (a reference that must follow it).
    write(
        b.path(),
        "backlog/S-1.md",
        &read(b.path(), "backlog/S-1.md"),
    );
    // "Merge": Bob's new file lands in Alice's clone.
    std::fs::copy(
        b.path().join("backlog/S-2-from-bob.md"),
        a.path().join("backlog/S-2-from-bob.md"),
    )
    .unwrap();
    let check = run(a.path(), &["check", "--format", "concise"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stdout.contains(
            "error[id-duplicate]: duplicate id `S-2`: backlog/S-2-from-alice.md:2 uses it too"
        ),
        "{}",
        check.stdout
    );
    let r = run(a.path(), &["renumber", "S-2", "S-3"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("say which with --path"), "{}", r.stderr);
    let r = run(
        a.path(),
        &[
            "renumber",
            "S-2",
            "S-3",
            "--path",
            "backlog/S-2-from-bob.md",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = run(a.path(), &["check", "--format", "concise"]);
    assert!(!after.stdout.contains("error["), "{}", after.stdout);
}

#[test]
fn renumber_updates_every_reference() {
    let demo = temp_copy("demo");
    let d = demo.path();
    let r = run(d, &["renumber", "F-6", "F-60"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "updated backlog/features/F-6-observability-baseline.md\n\
         updated backlog/features/F-1-password-reset.md\n\
         updated backlog/stories/S-11-service-metrics.md\n"
    );
    assert!(read(d, F1).contains("depends_on: [F-60]\n"));
    assert!(read(d, "backlog/stories/S-11-service-metrics.md").contains("parent: F-60\n"));
    assert_eq!(run(d, &["check"]).code, 0);
    assert_eq!(run(d, &["renumber", "F-1", "F-2"]).code, 1);
    assert_eq!(run(d, &["renumber", "F-1", "../x"]).code, 1);
}

#[test]
fn fmt_normalizes_and_check_reports() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let messy = "---\r\ntitle: T\r\n# the id\r\nid: E-1\r\nlabels:\r\n  - b\r\n  - a\r\ntype: epic\r\nx_custom: kept\r\n---\r\n## Hypothesis\r\nx";
    write(d, "backlog/E-1.md", messy);
    let r = run(d, &["fmt", "--check"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, "backlog/E-1.md\n"));
    assert_eq!(read(d, "backlog/E-1.md"), messy);
    assert_eq!(run(d, &["fmt"]).code, 0);
    assert_eq!(
        read(d, "backlog/E-1.md"),
        "---\r\n# the id\r\nid: E-1\r\ntype: epic\r\ntitle: T\r\nlabels: [b, a]\r\nx_custom: kept\r\n---\r\n## Hypothesis\r\nx\r\n"
    );
    assert_eq!(run(d, &["fmt", "--check"]).code, 0);
    let demo = temp_copy("demo");
    assert_eq!(run(demo.path(), &["fmt", "--check"]).code, 0);
}

#[test]
fn export_csv_and_json() {
    let demo = temp_copy("demo");
    let d = demo.path();
    run(d, &["set", "S-1", "title==HYPERLINK(\"http://x\")"]);
    let r = run(d, &["export"]);
    let mut lines = r.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,type,title,status,parent,owner,team,art,pi,iteration,points,estimate,rank,enabler,depends_on,labels,business_value,time_criticality,risk_reduction,job_size,path"
    );
    assert_eq!(r.stdout.lines().count(), 32);
    assert!(r.stdout.contains("S-1,story,\"'=HYPERLINK(\"\"http://x\"\")\",ready,F-1,,identity,,PI-2027.1,1,3,,,,,,,,,,backlog/stories/S-1-request-reset-link.md\n"), "{}", r.stdout);
    assert!(r.stdout.contains("F-7,feature,PCI DSS 4.0 audit trail,ready,E-2,,checkout;platform,,PI-2027.1,,,13,,compliance,,compliance;risk,5,13,8,5,"));
    let json: serde_json::Value =
        serde_json::from_str(&run(d, &["export", "--format", "json"]).stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 31);
}

#[test]
fn completions_and_man() {
    let here = common::root();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = run(&here, &["completions", shell]);
        assert_eq!(r.code, 0, "{shell}");
        assert!(r.stdout.contains("renumber"), "{shell}");
    }
    let man = run(&here, &["man"]);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH popm"),
        "{}",
        &man.stdout[..200]
    );
}

mod properties {
    use popm::edit::format::format;
    use popm::edit::frontmatter::{Edit, apply};
    use proptest::prelude::*;

    /// How a value is written in a generated document.
    #[derive(Debug, Clone)]
    enum Style {
        Plain(String),
        Single(String),
        Double(String),
        Flow(Vec<String>),
        Block(Vec<String>),
    }

    fn word() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9]{0,6}"
    }

    fn style() -> impl Strategy<Value = Style> {
        prop_oneof![
            word().prop_map(Style::Plain),
            "[a-z :#-]{1,8}".prop_map(|s| Style::Single(s.replace('\'', ""))),
            "[a-z :#]{1,8}".prop_map(Style::Double),
            prop::collection::vec(word(), 0..4).prop_map(Style::Flow),
            prop::collection::vec(word(), 1..4).prop_map(Style::Block),
        ]
    }

    fn entry_text(key: &str, value: &Style, comment: bool, eol: &str) -> String {
        let c = if comment { " # note" } else { "" };
        match value {
            Style::Plain(s) => format!("{key}: {s}{c}{eol}"),
            Style::Single(s) => format!("{key}: '{s}'{c}{eol}"),
            Style::Double(s) => format!("{key}: \"{s}\"{c}{eol}"),
            Style::Flow(items) => format!("{key}: [{}]{c}{eol}", items.join(", ")),
            Style::Block(items) => {
                let mut t = format!("{key}:{c}{eol}");
                for i in items {
                    t.push_str(&format!("  - {i}{eol}"));
                }
                t
            }
        }
    }

    fn document() -> impl Strategy<Value = (Vec<(Style, bool)>, bool, bool)> {
        (
            prop::collection::vec((style(), any::<bool>()), 1..8),
            any::<bool>(),
            any::<bool>(),
        )
    }

    fn render(
        entries: &[(Style, bool)],
        crlf: bool,
        header_comment: bool,
        replace: Option<(usize, &str)>,
    ) -> String {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("---{eol}");
        if header_comment {
            text.push_str(&format!("# generated{eol}"));
        }
        for (i, (value, comment)) in entries.iter().enumerate() {
            let key = format!("k{i}");
            match replace {
                Some((target, new)) if target == i => {
                    let c = if *comment { " # note" } else { "" };
                    text.push_str(&format!("{key}: {new}{c}{eol}"));
                }
                _ => text.push_str(&entry_text(&key, value, *comment, eol)),
            }
        }
        text.push_str(&format!("---{eol}body{eol}"));
        text
    }

    proptest! {
        #[test]
        fn set_changes_only_that_key((entries, crlf, header) in document(), pick in any::<prop::sample::Index>(), new in "[a-z]{1,5}") {
            let target = pick.index(entries.len());
            let doc = render(&entries, crlf, header, None);
            let expected = render(&entries, crlf, header, Some((target, &new)));
            let edited = apply(&doc, &[Edit::Set { path: vec![format!("k{target}")], yaml: new.clone() }]).unwrap();
            prop_assert_eq!(edited, expected);
        }

        #[test]
        fn fmt_is_idempotent((entries, crlf, header) in document()) {
            let doc = render(&entries, crlf, header, None);
            let once = format(&doc).unwrap();
            let twice = format(&once).unwrap();
            prop_assert_eq!(once, twice);
        }
    }
}

/// Cases found by review: values that span lines, `#` inside values, odd keys and list items.
mod review {
    use super::common::{run, write};
    use super::read;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            write(dir.path(), name, text);
        }
        dir
    }

    const STORY_END: &str =
        "---\nAs a user, I want it so that it works.\n\n## Acceptance criteria\n- [ ] ok\n";

    #[test]
    fn block_text_with_hash_lines_stays_whole() {
        let text = format!(
            "---\nid: S-1\ntype: story\ntitle: T\nnotes: |\n  text\n  # not a comment\n{STORY_END}"
        );
        let dir = project(&[("backlog/S-1.md", &text)]);
        assert_eq!(run(dir.path(), &["set", "S-1", "points=3"]).code, 0);
        let after = read(dir.path(), "backlog/S-1.md");
        assert!(
            after.contains("points: 3\nnotes: |\n  text\n  # not a comment\n---"),
            "{after}"
        );
        assert_eq!(run(dir.path(), &["fmt"]).code, 0);
        assert!(
            read(dir.path(), "backlog/S-1.md").contains("notes: |\n  text\n  # not a comment\n")
        );
    }

    #[test]
    fn multi_line_values_are_moved_and_replaced_whole() {
        let text = format!("---\ntitle: \"a long\n  # b\"\nid: S-1\ntype: story\n{STORY_END}");
        let dir = project(&[("backlog/S-1.md", &text)]);
        assert_eq!(run(dir.path(), &["fmt"]).code, 0);
        let after = read(dir.path(), "backlog/S-1.md");
        assert!(
            after.starts_with("---\nid: S-1\ntype: story\ntitle: \"a long\n  # b\"\n"),
            "{after}"
        );
        assert_eq!(run(dir.path(), &["check"]).code, 0);
        assert_eq!(run(dir.path(), &["set", "S-1", "title=New title"]).code, 0);
        assert!(read(dir.path(), "backlog/S-1.md").contains("title: New title\n---"));
    }

    #[test]
    fn fmt_keeps_list_items_that_are_not_plain_names() {
        let text = format!(
            "---\nid: S-1\ntype: story\ntitle: T\n1: one\ndepends_on:\n  - S-2\nlabels:\n  - \"a,b\"\n  - c]d\n{STORY_END}"
        );
        let dir = project(&[
            ("backlog/S-1.md", &text),
            (
                "backlog/S-2.md",
                &text.replace("S-1", "S-2").replace("  - S-2\n", "  - S-9\n"),
            ),
        ]);
        run(dir.path(), &["fmt"]);
        let after = read(dir.path(), "backlog/S-1.md");
        assert!(
            after.contains("depends_on: [S-2]\nlabels:\n  - \"a,b\"\n  - c]d\n"),
            "{after}"
        );
    }

    #[test]
    fn keys_and_values_with_odd_characters() {
        let text =
            format!("---\nid: S-1\ntype: story\ntitle: T\npoints: 3\t# tab comment\n{STORY_END}");
        let dir = project(&[("backlog/S-1.md", &text)]);
        let d = dir.path();
        assert_eq!(run(d, &["set", "S-1", "points=5"]).code, 0);
        assert!(read(d, "backlog/S-1.md").contains("points: 5\t# tab comment\n"));
        assert_eq!(run(d, &["set", "S-1", "title=C++=fun"]).code, 0);
        assert!(read(d, "backlog/S-1.md").contains("title: C++=fun\n"));
        let r = run(d, &["set", "S-1", "#x=1"]);
        assert_eq!(r.code, 1);
        assert!(r.stderr.contains("is not a key"), "{}", r.stderr);
        assert_eq!(run(d, &["set", "S-1", "labels+=a,b"]).code, 0);
        assert!(read(d, "backlog/S-1.md").contains("labels: [\"a,b\"]\n"));
        assert_eq!(run(d, &["renumber", "S-1", "X,Y"]).code, 1);
        assert_eq!(run(d, &["check"]).code, 0);
    }

    #[test]
    fn new_refuses_items_that_would_break_the_backlog() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        run(d, &["init"]);
        let r = run(
            d,
            &["new", "story", "Two teams", "--team", "a", "--team", "b"],
        );
        assert_eq!(r.code, 1);
        assert!(
            r.stderr.contains("a story belongs to one team"),
            "{}",
            r.stderr
        );
        let r = run(d, &["new", "story", "Under a story", "--parent", "S-1"]);
        assert_eq!(r.code, 1);
        assert!(r.stderr.contains("parent-type"), "{}", r.stderr);
        assert_eq!(std::fs::read_dir(d.join("backlog")).unwrap().count(), 5);
        assert_eq!(
            run(
                d,
                &["new", "story", "Big", "--id", "S-18446744073709551615"]
            )
            .code,
            0
        );
        let r = run(d, &["new", "story", "Next"]);
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains("already used"), "{}", r.stderr);
    }

    #[test]
    fn csv_repeated_columns_become_lists() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("backlog")).unwrap();
        write(
            d,
            "in.csv",
            "Issue key,Summary,Sprint,Sprint\nS-1,One,S1,S2\nS-1,Again,,\n",
        );
        let r = run(d, &["import", "csv", "in.csv"]);
        assert_eq!(r.code, 1);
        assert!(
            r.stderr.contains("id S-1 is used by an earlier row"),
            "{}",
            r.stderr
        );
        assert!(read(d, "backlog/s-1-one.md").contains("extra:\n  Sprint: [S1, S2]\n"));
        let check = run(d, &["check", "--format", "concise"]);
        assert!(
            !check.stdout.contains("frontmatter-syntax"),
            "{}",
            check.stdout
        );
    }
}
