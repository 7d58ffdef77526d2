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
            "depends_on: [F-6, F-7]\n",
            "depends_on: [F-6, F-7]\nlabels: [security]\n",
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
    // What the backlog refuses is a finding (exit 1); an argument that is no change at all is a
    // usage error (exit 2).
    for (change, reason, code) in [
        ("status=doing", "unknown status `doing`", 1),
        ("wsjf.job_size=4", "wsjf.job_size is 4, off the scale", 1),
        (
            "parent=E-9",
            "parent `E-9` is not an item of this backlog",
            1,
        ),
        ("points=many", "`points` takes a number", 2),
        ("title+=x", "`title` is not a list", 2),
    ] {
        let r = run(d, &["set", "F-1", change]);
        assert_eq!(r.code, code, "{change}");
        assert!(r.stderr.contains(reason), "{change}: {}", r.stderr);
        let said = if code == 1 {
            "popm: nothing changed"
        } else {
            "popm: error"
        };
        assert!(r.stderr.contains(said), "{}", r.stderr);
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
    assert_eq!(r.code, 2);
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
    assert_eq!(r.code, 2);
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
    // Issue 14: the file kept its old name, so `F-6-...md` held F-60 and a later F-6 looked
    // taken. A name that holds the id follows it.
    assert_eq!(
        r.stdout,
        "renamed backlog/features/F-6-observability-baseline.md -> backlog/features/F-60-observability-baseline.md\n\
         updated backlog/features/F-1-password-reset.md\n\
         updated backlog/stories/S-11-service-metrics.md\n"
    );
    assert!(
        !d.join("backlog/features/F-6-observability-baseline.md")
            .exists()
    );
    assert!(
        read(d, "backlog/features/F-60-observability-baseline.md").starts_with("---\nid: F-60\n")
    );
    assert!(read(d, F1).contains("depends_on: [F-60, F-7]\n"));
    assert!(read(d, "backlog/stories/S-11-service-metrics.md").contains("parent: F-60\n"));
    assert_eq!(run(d, &["check"]).code, 0);
    assert_eq!(run(d, &["renumber", "F-1", "F-2"]).code, 1);
    assert_eq!(run(d, &["renumber", "F-1", "../x"]).code, 2);
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
        "id,type,title,status,parent,owner,team,art,pi,iteration,points,estimate,rank,enabler,depends_on,labels,business_value,time_criticality,risk_reduction,job_size,jira,value_stream,budget,okrs,path"
    );
    assert_eq!(r.stdout.lines().count(), 32);
    assert!(r.stdout.contains("S-1,story,\"'=HYPERLINK(\"\"http://x\"\")\",ready,F-1,,identity,,PI-2027.1,1,3,,,,,,,,,,,,,,backlog/stories/S-1-request-reset-link.md\n"), "{}", r.stdout);
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

    /// Pieces of frontmatter that have tripped line-based editors: comments, quotes, apostrophes,
    /// flow and block collections, `|` text, multi-line strings, anchors and aliases.
    const PIECES: &[&str] = &[
        "k0: a",
        "k1: 'it''s' # c'",
        "k2: [don't, x] # y' ]",
        "k3:",
        "  # note",
        "- a",
        "  - b # c",
        "k4: |",
        "  # text",
        "k5: \"long",
        "  # b\"",
        "k0: &x {a: 1}",
        "k1: *x",
        "k2: &y []",
        "k3: *y",
        "  sub: 1",
        "k4: {a: 'b, c', d: [e]}",
        "# top",
        "",
        "k5: a   # c",
        "k6: [a,",
        "  b]",
    ];

    fn messy() -> impl Strategy<Value = String> {
        (
            prop::collection::vec((0..PIECES.len(), 0..3usize), 0..10),
            0..3usize,
        )
            .prop_map(|(lines, fence)| {
                let eol = ["\n", "\r\n", "\r"];
                let mut text = format!("---{}", eol[fence]);
                for (piece, e) in lines {
                    text.push_str(PIECES[piece]);
                    text.push_str(eol[e]);
                }
                text.push_str("---\nbody\r\n");
                text
            })
    }

    /// The frontmatter's keys and values as `check` reads them (a lone CR ends a line), sorted,
    /// positions left out.
    fn data(text: &str) -> Option<Vec<(String, String)>> {
        use popm::parse::yaml::{self, Node, Value};
        fn plain(node: &Node) -> String {
            match &node.value {
                Value::Seq(items) => format!(
                    "[{}]",
                    items.iter().map(plain).collect::<Vec<_>>().join(",")
                ),
                Value::Map(entries) => format!(
                    "{{{}}}",
                    entries
                        .iter()
                        .map(|(k, v)| format!("{}:{}", plain(k), plain(v)))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                Value::Str(s) => format!("{s:?}"),
                other => format!("{other:?}"),
            }
        }
        let lf = text.replace("\r\n", "\n").replace('\r', "\n");
        let split = popm::parse::frontmatter::split(&lf).ok()?;
        let root = yaml::parse(split.yaml).ok()?;
        let Value::Map(entries) = root.value else {
            return None;
        };
        let mut out: Vec<(String, String)> = entries
            .iter()
            .map(|(k, v)| (k.as_str().unwrap_or("?").to_string(), plain(v)))
            .collect();
        out.sort();
        Some(out)
    }

    fn any_edit() -> impl Strategy<Value = Edit> {
        let key = (0..7usize).prop_map(|k| format!("k{k}"));
        prop_oneof![
            (key.clone(), "[a-z]{1,3}").prop_map(|(k, v)| Edit::Set {
                path: vec![k],
                yaml: v
            }),
            (key.clone(), "[a-z]{1,3}").prop_map(|(k, v)| Edit::Set {
                path: vec![k, "sub".into()],
                yaml: v
            }),
            key.clone().prop_map(|k| Edit::Remove { path: vec![k] }),
            (key.clone(), "[a-z]{1,3}").prop_map(|(k, v)| Edit::Append { key: k, yaml: v }),
            (
                key.clone(),
                prop::sample::select(vec!["a", "x", "don't", "b"])
            )
                .prop_map(|(k, v)| Edit::RemoveElement {
                    key: k,
                    value: v.into()
                }),
            (key, prop::sample::select(vec!["a", "x", "don't"])).prop_map(|(k, v)| {
                Edit::ReplaceElement {
                    key: k,
                    old: v.into(),
                    yaml: "n".into(),
                }
            }),
        ]
    }

    proptest! {
        /// On any of these documents an edit is made or refused, never a panic; a made edit leaves
        /// the body as it was (`apply` also reads its result back and compares the data).
        #[test]
        fn edits_on_messy_frontmatter_are_made_or_refused(doc in messy(), edit in any_edit()) {
            if let Ok(edited) = apply(&doc, std::slice::from_ref(&edit)) {
                prop_assert!(edited.ends_with("---\nbody\r\n"), "{:?}", edited);
                let _ = format(&edited);
            }
            let _ = format(&doc);
        }

        /// What `check` reads after a `set` is the new value, and every other key as it was.
        #[test]
        fn set_on_messy_frontmatter_does_what_it_says(doc in messy(), key in 0..7usize) {
            let key = format!("k{key}");
            let set = Edit::Set { path: vec![key.clone()], yaml: "zz".into() };
            if let (Ok(edited), Some(mut before)) = (apply(&doc, &[set]), data(&doc)) {
                let after = data(&edited);
                before.retain(|(k, _)| *k != key);
                before.push((key, "\"zz\"".into()));
                before.sort();
                prop_assert_eq!(Some(before), after, "{:?} -> {:?}", doc, edited);
            }
        }

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
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains("is not a key"), "{}", r.stderr);
        assert_eq!(run(d, &["set", "S-1", "labels+=a,b"]).code, 0);
        assert!(read(d, "backlog/S-1.md").contains("labels: [\"a,b\"]\n"));
        assert_eq!(run(d, &["renumber", "S-1", "X,Y"]).code, 2);
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

/// Issue 12: the editor sees the lines the checker sees, keeps every comment it was not asked to
/// change, reads flow lists as YAML does, and fills templates once.
mod edits_match_the_checker {
    use super::common::{run, temp_copy, write};
    use super::read;

    const S2: &str = "backlog/stories/S-2-set-new-password.md";

    /// The demo with S-2 replaced by `text`.
    fn demo_with_s2(text: &str) -> tempfile::TempDir {
        let demo = temp_copy("demo");
        write(demo.path(), S2, text);
        demo
    }

    #[test]
    fn lone_cr_line_breaks_are_lines_to_the_editor_too() {
        // The checker reads a lone CR as a line break; `set` used to count it as part of a line,
        // writing into the body or panicking. (The body has criteria: a story needs them to be ready.)
        let text = "---\nid: S-2\rtype: story\rtitle: T\rstatus: backlog\n---\n## Acceptance criteria\n- [ ] works\n";
        let demo = demo_with_s2(text);
        let d = demo.path();
        let r = run(d, &["set", "S-2", "status=ready"]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""));
        assert_eq!(read(d, S2), text.replace("backlog", "ready"));

        let text = "---\nid: S-2\rtype: story\rtitle: T\rteam: identity\rstatus: backlog\n---\n## Acceptance criteria\n- [ ] b\n";
        write(d, S2, text);
        let r = run(d, &["set", "S-2", "status=ready", "owner=ann"]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""));
        // A new key takes the frontmatter's own line break: here a lone CR, three lines to two.
        assert_eq!(
            read(d, S2),
            "---\nid: S-2\rtype: story\rtitle: T\rteam: identity\rstatus: ready\nowner: ann\r---\n## Acceptance criteria\n- [ ] b\n"
        );
        let r = run(d, &["fmt"]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
        assert_eq!(r.stdout, format!("formatted {S2}\n"));
        assert_eq!(
            read(d, S2),
            "---\nid: S-2\rtype: story\rtitle: T\rstatus: ready\nowner: ann\rteam: identity\r---\n## Acceptance criteria\n- [ ] b\n"
        );
        assert_eq!(run(d, &["fmt", "--check"]).code, 0);
    }

    #[test]
    fn an_indented_comment_under_an_edited_key_is_kept() {
        let original = read(temp_copy("demo").path(), S2)
            .replace("id: S-2\n", "id: S-2   # c\n  # id note\n")
            .replace("status: ready\n", "status: ready   # c\n  # status note\n");
        let demo = demo_with_s2(&original);
        let d = demo.path();
        for (args, from, to) in [
            (
                &["set", "S-2", "status=in-progress"][..],
                "status: ready   #",
                "status: in-progress   #",
            ),
            (
                &["move", "S-2", "in-progress"][..],
                "status: ready   #",
                "status: in-progress   #",
            ),
            (
                &["renumber", "S-2", "S-99"][..],
                "id: S-2   #",
                "id: S-99   #",
            ),
            (&["set", "S-2", "status="][..], "status: ready   # c\n", ""),
        ] {
            write(d, S2, &original);
            let r = run(d, args);
            assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
            // renumber renames the file, whose name holds the id.
            let at = match args[0] {
                "renumber" => S2.replace("/S-2-", "/S-99-"),
                _ => S2.to_string(),
            };
            assert_eq!(read(d, &at), original.replace(from, to), "{args:?}");
            // Put back what renumber changed elsewhere (the file name too).
            if args[0] == "renumber" {
                assert_eq!(run(d, &["renumber", "S-99", "S-2"]).code, 0);
            }
        }
    }

    #[test]
    fn flow_lists_with_apostrophes_are_read_as_yaml_reads_them() {
        let original = read(temp_copy("demo").path(), S2).replace(
            "depends_on: [S-1]\n",
            "depends_on: [S-1]\nlabels: [don't, x] # y' ]\n",
        );
        let demo = demo_with_s2(&original);
        let d = demo.path();
        for (change, line) in [
            ("labels+=new", "labels: [don't, x, new] # y' ]\n"),
            ("labels-=x", "labels: [don't] # y' ]\n"),
            ("labels+=it's", "labels: [don't, x, it's] # y' ]\n"),
            ("labels-=don't", "labels: [x] # y' ]\n"),
        ] {
            write(d, S2, &original);
            let r = run(d, &["set", "S-2", change]);
            assert_eq!(r.code, 0, "{change}: {}", r.stderr);
            assert_eq!(
                read(d, S2),
                original.replace("labels: [don't, x] # y' ]\n", line),
                "{change}"
            );
        }
    }

    #[test]
    fn inserted_keys_take_the_frontmatters_line_breaks_not_the_bodys() {
        let original = format!("{}A CRLF line.\r\n", read(temp_copy("demo").path(), S2));
        let demo = demo_with_s2(&original);
        let d = demo.path();
        assert_eq!(run(d, &["set", "S-2", "owner=ann"]).code, 0);
        assert_eq!(
            read(d, S2),
            original.replace("team: identity\n", "owner: ann\nteam: identity\n")
        );
    }

    #[test]
    fn new_fills_template_placeholders_once() {
        let demo = temp_copy("demo");
        let d = demo.path();
        let title = "Render {{status}} badge {{id}} {{start}} {{title}}";
        let r = run(
            d,
            &[
                "new", "story", title, "--parent", "F-1", "--team", "identity",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let path = r.stdout.trim();
        assert_eq!(path, "backlog/S-17-render-status-badge-id-start-title.md");
        let text = read(d, path);
        assert!(
            text.starts_with(&format!(
                "---\nid: S-17\ntype: story\ntitle: \"{title}\"\nstatus: backlog\nparent: F-1\nteam: identity\n---\n"
            )),
            "{text}"
        );
        let show = run(d, &["show", "S-17", "--format", "json"]);
        let item: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
        assert_eq!(item["title"], title);
    }
}

/// `new --edit` with no editor set created the item, then failed (exit 2): a user who believes the
/// error and runs it again gets the item twice. The editor is found first; without one nothing is
/// created. A blank `VISUAL` counts as unset, so `EDITOR` is used.
#[test]
fn new_edit_without_an_editor_creates_nothing() {
    let demo = temp_copy("demo");
    let d = demo.path();
    let new = ["new", "story", "Edited", "--parent", "F-1", "--edit"];
    for (visual, editor) in [(None, None), (Some(""), Some(" "))] {
        let mut cmd = common::popm(d);
        cmd.env_remove("VISUAL").env_remove("EDITOR");
        if let Some(v) = visual {
            cmd.env("VISUAL", v);
        }
        if let Some(e) = editor {
            cmd.env("EDITOR", e);
        }
        let out = cmd.args(new).output().unwrap();
        assert_eq!(
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned()
            ),
            (
                Some(2),
                String::new(),
                "popm: error: --edit: set $VISUAL or $EDITOR to the editor to open\n".to_string()
            ),
            "VISUAL={visual:?} EDITOR={editor:?}"
        );
        assert!(!d.join("backlog/S-17-edited.md").exists());
    }
    // A blank VISUAL falls back to EDITOR (`true` leaves the file as popm wrote it).
    let out = common::popm(d)
        .env("VISUAL", "")
        .env("EDITOR", "true")
        .args(new)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(d.join("backlog/S-17-edited.md").exists());
}
