//! Bad input never panics and never stops the run: each odd file gets one clear diagnostic (or just
//! works), and every other file is still checked.

mod common;

use common::{run, write};

const EPIC: &str = "---\nid: E-1\ntype: epic\ntitle: Fine\n---\n## Hypothesis\nCustomers win.\n";

fn epic(id: &str) -> String {
    EPIC.replace("E-1", id)
}

#[test]
fn odd_files_each_get_one_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "backlog/E-1.md", EPIC);
    std::fs::write(
        d.join("backlog/latin1.md"),
        b"---\nid: E-2\ntitle: Caf\xe9\n---\n",
    )
    .unwrap();
    std::fs::write(d.join("backlog/utf16.md"), b"\xff\xfe-\x00-\x00-\x00").unwrap();
    write(d, "backlog/empty.md", "");
    write(d, "backlog/only-fence.md", "---\n");
    write(d, "backlog/tabs.md", "---\nid: E-3\n\ttype: epic\n---\n");
    let bomb = "---\nid: E-4\ntype: epic\ntitle: Bomb\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n---\n";
    write(d, "backlog/bomb.md", bomb);
    // Fine files in unusual dress: CRLF line endings, a byte order mark, a 10 MB body.
    write(d, "backlog/crlf.md", &epic("E-5").replace('\n', "\r\n"));
    write(d, "backlog/bom.md", &format!("\u{feff}{}", epic("E-6")));
    let big = format!(
        "{}{}",
        epic("E-7"),
        "A long line of notes about the epic.\n".repeat(300_000)
    );
    assert!(big.len() > 10_000_000);
    write(d, "backlog/big.md", &big);
    // Line 9 (`e:`) is where the expansion passes popm's budget of 50 000 nodes: a to d hold
    // 11 110 nodes, and each `*d` adds 11 110 more, so the fourth `*d` (column 17) breaks it.
    // A directory named like an item is not an item.
    std::fs::create_dir_all(d.join("backlog/folder.md")).unwrap();

    let r = run(d, &["check", "--format", "concise"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "backlog/bomb.md:9:17: error[frontmatter-syntax]: the YAML is too large (over 50 000 values, or aliases that expand that far); popm stops reading it\n\
         backlog/empty.md:1:1: error[frontmatter-missing]: the file is empty; an item starts with a `---` frontmatter block\n\
         backlog/latin1.md:3:11: error[file-unreadable]: the file is not valid UTF-8 (invalid byte at line 3, column 11); popm reads UTF-8\n\
         backlog/only-fence.md:1:1: error[frontmatter-syntax]: the frontmatter block opened on line 1 is never closed\n\
         backlog/tabs.md:3:1: error[frontmatter-syntax]: a tab character in the indentation: YAML indents with spaces\n\
         backlog/utf16.md:1:1: error[file-unreadable]: the file is UTF-16; popm reads UTF-8 (re-save it as UTF-8)\n"
    );
    // The fine files are items: listing them proves they were parsed in full.
    let list = run(d, &["list", "--format", "csv"]);
    assert_eq!(
        list.stdout,
        "id,type,status,title,team,pi,parent,enabler\n\
         E-1,epic,funnel,Fine,,,,\nE-5,epic,funnel,Fine,,,,\nE-6,epic,funnel,Fine,,,,\nE-7,epic,funnel,Fine,,,,\n"
    );
}

#[test]
fn crlf_positions_and_snippets_are_right() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "backlog/E-1.md",
        "---\r\nid: E-1\r\ntype: epic\r\ntitle: T\r\nstatus: doing\r\n---\r\n## Hypothesis\r\nx\r\n",
    );
    let r = run(dir.path(), &["check"]);
    assert!(
        r.stdout.contains(" --> backlog/E-1.md:5:9\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("5 | status: doing\n"), "{}", r.stdout);
    assert!(!r.stdout.contains('\r'));
}

#[test]
fn files_over_the_size_limit_are_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "popm.toml", "[backlog]\nmax_file_bytes = 100\n");
    write(dir.path(), "backlog/E-1.md", EPIC);
    write(
        dir.path(),
        "backlog/E-2.md",
        &format!("{}{}", epic("E-2"), "x".repeat(200)),
    );
    let r = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(
        r.stdout,
        "backlog/E-2.md:1:1: error[file-unreadable]: the file is 268 bytes, over the limit of 100 (raise [backlog] max_file_bytes in popm.toml)\n"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "backlog/E-1.md", EPIC);
    write(dir.path(), "backlog/E-2.md", &epic("E-2"));
    let locked = dir.path().join("backlog/E-2.md");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // root reads anything: the case cannot be made there.
    if std::fs::read(&locked).is_ok() {
        eprintln!("skipped: running as a user who can read a mode-000 file (root)");
        return;
    }
    let r = run(dir.path(), &["check", "--format", "concise"]);
    assert!(
        r.stdout
            .starts_with("backlog/E-2.md:1:1: error[file-unreadable]: cannot read the file:"),
        "{}",
        r.stdout
    );
}

/// Values far out of range are refused where they are written, so nothing downstream can overflow
/// (WSJF sums, objective totals) or allocate by them (iterations).
#[test]
fn huge_numbers_are_refused_not_overflowed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "backlog/E-1.md", EPIC);
    write(
        d,
        "backlog/F-1.md",
        "---\nid: F-1\ntype: feature\ntitle: Huge\nparent: E-1\npi: PI-1\nteam: [a]\nestimate: 1e308\nwsjf: {business_value: 9223372036854775807, time_criticality: 9223372036854775807, risk_reduction: 1, job_size: 1}\n---\n## Benefit hypothesis\nx\n\n## Acceptance criteria\n- [ ] y\n",
    );
    write(
        d,
        "backlog/PI-1.md",
        "---\nid: PI-1\ntype: pi\ntitle: PI\nstart: 2027-01-04\niterations: 100000000000\niteration_weeks: 3\ncapacity:\n  a: [40, 40, 40, 40]\n---\n",
    );
    write(
        d,
        "backlog/inf.md",
        "---\nid: E-2\ntype: epic\ntitle: Infinite\nwsjf: {business_value: .inf}\n---\n",
    );
    let r = run(d, &["check", "--format", "concise"]);
    assert_eq!(
        r.stdout,
        "backlog/F-1.md:8:11: error[field-type]: `estimate` must be a number from 0 to 1000000\n\
         backlog/F-1.md:9:1: warning[wsjf-incomplete]: WSJF lacks business_value, time_criticality\n\
         backlog/F-1.md:9:24: error[field-type]: `wsjf.business_value` must be a whole number from 1 to 1000000\n\
         backlog/F-1.md:9:63: error[field-type]: `wsjf.time_criticality` must be a whole number from 1 to 1000000\n\
         backlog/PI-1.md:6:13: error[field-type]: `iterations` must be a whole number from 1 to 26\n\
         backlog/inf.md:5:24: error[frontmatter-syntax]: `.inf` and `.nan` are not numbers popm accepts; write a finite number\n"
    );
    // The queries still answer: each with its exact status, the broken backlog said once on stderr
    // (pi ready reports the errors in its own output and fails).
    let broken =
        "warning: the backlog has 5 errors; results may be incomplete (run `popm check`)\n";
    for (args, code, stderr) in [
        (&["backlog"][..], 0, broken),
        (&["show", "F-1"], 0, broken),
        (&["board"], 0, broken),
        (&["tree"], 0, broken),
        (&["pi", "ready", "PI-1"], 1, ""),
    ] {
        let r = run(d, args);
        assert_eq!((r.code, r.stderr.as_str()), (code, stderr), "{args:?}");
        assert!(r.stdout.contains("F-1"), "{args:?}: {}", r.stdout);
    }
}

#[test]
fn blank_and_spaced_ids_get_one_diagnostic_each() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "backlog/a.md",
        "---\nid: \"A 18\"\ntype: epic\ntitle: T\n---\n## Hypothesis\nx\n",
    );
    write(
        dir.path(),
        "backlog/b.md",
        "---\nid: \"  \"\ntype: epic\ntitle: T\n---\n## Hypothesis\nx\n",
    );
    let r = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(
        r.stdout,
        "backlog/a.md:2:5: error[field-type]: `id` must be an id without spaces, found \"A 18\"\n\
         backlog/b.md:2:5: error[field-missing]: `id` is empty\n"
    );
}

#[test]
fn classic_mac_line_endings_work() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "backlog/E-1.md",
        &EPIC
            .replace("title: Fine", "title: Fine\nstatus: doing")
            .replace('\n', "\r"),
    );
    let r = run(dir.path(), &["check"]);
    assert!(
        r.stdout.contains(" --> backlog/E-1.md:5:9\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("5 | status: doing\n"), "{}", r.stdout);
}

#[test]
fn findings_about_a_missing_body_point_inside_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "backlog/S-1.md",
        "---\nid: S-1\ntype: story\ntitle: T\n---\n",
    );
    let r = run(dir.path(), &["check", "--format", "concise"]);
    assert!(
        r.stdout.contains("backlog/S-1.md:5:1: warning[user-voice]"),
        "{}",
        r.stdout
    );
}

/// A cycle of thousands of items is reported on each member in bounded text, and tree and show
/// still print it.
#[test]
fn long_cycles_stay_readable() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2000;
    for i in 0..n {
        let next = (i + 1) % n;
        write(
            dir.path(),
            &format!("backlog/F-{i}.md"),
            &format!(
                "---\nid: F-{i}\ntype: feature\ntitle: F{i}\nparent: F-{next}\ndepends_on: [F-{next}]\n---\n## Benefit hypothesis\nx\n\n## Acceptance criteria\n- [ ] y\n"
            ),
        );
    }
    let r = run(dir.path(), &["check", "--format", "concise"]);
    let cycles: Vec<&str> = r.stdout.lines().filter(|l| l.contains("cycle")).collect();
    assert_eq!(cycles.len(), 2 * n);
    assert!(cycles.iter().all(|l| l.len() < 300), "{}", cycles[0]);
    assert!(r.stdout.contains(
        "backlog/F-0.md:5:9: error[parent-cycle]: parents form a cycle: F-0 -> F-1 -> F-2 -> F-3 -> F-4 -> F-5 -> F-6 -> F-7 -> ... -> F-0 (2000 items)\n"
    ), "{}", &r.stdout[..2000.min(r.stdout.len())]);
    let tree = run(dir.path(), &["tree"]);
    assert_eq!(tree.stdout.lines().count(), n);
    assert!(
        tree.stdout.starts_with(
            "(in a parent cycle) F-0  F0 [funnel] 0/1 done\n└── F-1999  F1999 [funnel] 0/1 done\n"
        ),
        "{}",
        &tree.stdout[..200]
    );
    let show = run(dir.path(), &["show", "F-0", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(json["parents"].as_array().unwrap().len(), n - 1);
}

/// A parent chain thousands deep (each item the parent of the next) prints in space linear in its
/// length: past 16 levels the indentation stops growing and each line says its depth instead
/// (indenting every level made a 40 000-deep chain 3.2 GB of output).
#[test]
fn deep_parent_chains_print_in_linear_space() {
    let dir = tempfile::tempdir().unwrap();
    let n = 3000;
    for i in 0..n {
        let parent = if i == 0 {
            String::new()
        } else {
            format!("parent: F-{}\n", i - 1)
        };
        write(
            dir.path(),
            &format!("backlog/F-{i}.md"),
            &format!("---\nid: F-{i}\ntype: feature\ntitle: F{i}\n{parent}---\n"),
        );
    }
    let tree = run(dir.path(), &["tree"]);
    assert_eq!(tree.code, 0, "{}", tree.stderr);
    let lines: Vec<&str> = tree.stdout.lines().collect();
    assert_eq!(lines.len(), n);
    // Each feature but the last has one child, not done.
    assert_eq!(lines[0], "F-0  F0 [funnel] 0/1 done");
    assert_eq!(lines[1], "└── F-1  F1 [funnel] 0/1 done");
    assert_eq!(
        lines[16],
        format!("{}└── F-16  F16 [funnel] 0/1 done", "    ".repeat(15))
    );
    assert_eq!(
        lines[17],
        format!(
            "{}└── [depth 17] F-17  F17 [funnel] 0/1 done",
            "    ".repeat(15)
        )
    );
    assert_eq!(
        lines[n - 1],
        format!(
            "{}└── [depth 2999] F-2999  F2999 [funnel]",
            "    ".repeat(15)
        )
    );
    // Each line: the label `F-i  Fi [funnel]` (2 × digits + 14 bytes), the indentation (4 bytes a
    // level below the first, 10 for `└── `), past level 16 the marker `[depth i] `, the progress
    // ` 0/1 done` (9 bytes) on every item but the last, a newline.
    let digits = |i: usize| i.to_string().len();
    let expected: usize = (0..n)
        .map(|i| {
            let label = 2 * digits(i) + 14;
            let indent = match i {
                0 => 0,
                1..=16 => 4 * (i - 1) + 10,
                _ => 4 * 15 + 10 + 9 + digits(i),
            };
            let progress = if i + 1 < n { 9 } else { 0 };
            label + indent + progress + 1
        })
        .sum();
    assert_eq!(tree.stdout.len(), expected);
}
