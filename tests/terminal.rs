//! Terminal safety: escape sequences and control characters in any value of the backlog (titles,
//! ids, teams, statuses, labels, bodies, file names) are shown, never sent raw, in every command and
//! every output format, on stdout and on stderr.

mod common;

use common::{popm, write};

/// What a hostile author puts in a value: SGR colour, an OSC 8 hyperlink, a one-byte CSI (U+009B),
/// a right-to-left override, a carriage return (to overwrite the line), blink; invisible
/// characters (zero-width space, word joiner, byte order mark, soft hyphen, a tag character, the
/// Arabic letter mark); and a GitHub Actions command in its older form, read anywhere in a line.
const PAYLOAD_YAML: &str = r#"\e[31m\e]8;;http://evil\a\u009b\u202e\r\e[5m\u200b\u2060\ufeff\u00ad\U000E0041\u061c##[warning]x"#;
/// A typed value whose second line is a GitHub Actions command.
const LINE_COMMAND: &str = "x\n::error::typed";
const PAYLOAD: &str = "\x1b[31m\x1b]8;;http://evil\x07\u{9b}\u{202e}\r\x1b[5m\u{200b}\u{2060}\u{feff}\u{ad}\u{e0041}\u{61c}##[warning]x";

/// Raw forms that must never reach the output.
const FORBIDDEN: [&str; 13] = [
    "\x1b",
    "\u{9b}",
    "\u{202e}",
    "\r",
    "\x07",
    "\u{7f}",
    "\u{200b}",
    "\u{2060}",
    "\u{feff}",
    "\u{ad}",
    "\u{e0041}",
    "\u{61c}",
    "##[",
];
/// With `--color always` popm writes its own SGR codes; everything else stays forbidden.
const FORBIDDEN_IN_COLOR: [&str; 14] = [
    "\x1b]",
    "\x1b[5m",
    "\u{9b}",
    "\u{202e}",
    "\r",
    "\x07",
    "\u{7f}",
    "\u{200b}",
    "\u{2060}",
    "\u{feff}",
    "\u{ad}",
    "\u{e0041}",
    "\u{61c}",
    "##[",
];

fn hostile_backlog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let status = popm(d).arg("init").output().unwrap().status;
    assert!(status.success());
    let p = PAYLOAD_YAML;
    // Title, team, labels and status of a feature; the story's body holds the raw bytes.
    write(
        d,
        "backlog/F-1.md",
        &format!(
            "---\nid: F-1\ntype: feature\ntitle: \"Reset {p} password\"\nstatus: \"ready{p}\"\nparent: E-1\n\
             team: [\"team-a\", \"evil{p}\"]\nlabels: [\"l{p}\"]\npi: PI-2027.1\nestimate: 20\n\
             wsjf: {{business_value: 8, time_criticality: 5, risk_reduction: 1, job_size: 5}}\n---\n\
             ## Benefit hypothesis\nCalls {PAYLOAD} drop.\n\n## Acceptance criteria\n- [ ] Given {PAYLOAD} it works\n"
        ),
    );
    // An id made of escape sequences, a parent that does not exist, quoted in messages.
    write(
        d,
        "backlog/S-9.md",
        &format!(
            "---\nid: \"S-{p}9\"\ntype: story\ntitle: \"Story {p}\"\nstatus: ready\nparent: \"F-{p}\"\n\
             team: team-a\npi: PI-2027.1\npoints: 3\ndepends_on: [\"X{p}\"]\n---\nAs a {PAYLOAD} user.\n"
        ),
    );
    // Raw control bytes inside the YAML: a syntax error whose source line is shown in the snippet.
    write(
        d,
        "backlog/raw.md",
        &format!("---\nid: F-7\ntype: feature\ntitle: raw {PAYLOAD} title\n  bad: [\n---\n"),
    );
    // Values that would start a line of output with a GitHub Actions command: an id, a second
    // line of a title (raw in CSV, which keeps line breaks inside quotes), a team.
    write(
        d,
        "backlog/F-5.md",
        "---\nid: \"::error::Fake-annotation\"\ntype: feature\ntitle: \"Fine\\n::warning::Spoofed\"\n\
         status: ready\nteam: [\"::notice::t\"]\npi: PI-2027.1\n---\n",
    );
    write(
        d,
        "backlog/F-6.md",
        "---\nid: F-6\ntype: feature\ntitle: \"::error::Title\\n  ::error::second line\"\nstatus: ready\n\
         team: [\"::notice::t\"]\npi: PI-2027.1\n---\n",
    );
    // A file name made of the payload (Linux allows every byte but `/` and NUL).
    write(
        d,
        &format!("backlog/name{PAYLOAD}.md"),
        "---\nid: F-8\ntype: feature\ntitle: Named\nstatus: bogus\n---\n",
    );
    dir
}

fn assert_clean(args: &[&str], stdout: &[u8], stderr: &[u8], forbidden: &[&str]) {
    for (stream, bytes) in [("stdout", stdout), ("stderr", stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for f in forbidden {
            assert!(
                !text.contains(f),
                "popm {args:?}: {stream} holds the raw {f:?}:\n{text}"
            );
        }
    }
}

fn commands() -> Vec<Vec<String>> {
    let mut all: Vec<Vec<&str>> = Vec::new();
    for f in [
        "human",
        "concise",
        "json",
        "json-lines",
        "github",
        "sarif",
        "junit",
    ] {
        all.push(vec!["check", "--format", f]);
        all.push(vec!["check", "--format", f, "--deny-warnings"]);
    }
    for f in ["table", "json", "csv"] {
        all.push(vec!["list", "--format", f]);
    }
    for f in ["human", "json"] {
        all.push(vec!["show", "F-1", "--format", f]);
        all.push(vec!["show", "S-1", "--format", f]);
        all.push(vec!["board", "--format", f]);
        all.push(vec!["board", "--level", "team", "--format", f]);
    }
    all.push(vec!["tree"]);
    for f in ["table", "json", "csv", "markdown"] {
        all.push(vec!["backlog", "--format", f]);
        all.push(vec!["backlog", "--level", "team", "--format", f]);
    }
    all.push(vec!["backlog", "--explain", "F-1"]);
    for f in ["human", "json", "markdown"] {
        all.push(vec!["pi", "ready", "PI-2027.1", "--format", f]);
    }
    for f in ["csv", "json"] {
        all.push(vec!["export", "--format", f]);
    }
    all.push(vec!["fmt", "--check"]);
    let mut all: Vec<Vec<String>> = all
        .into_iter()
        .map(|a| a.into_iter().map(String::from).collect())
        .collect();
    // Values typed on the command line are quoted back in messages too.
    for args in [
        vec!["show".to_string(), format!("F-{PAYLOAD}")],
        vec!["show".to_string(), format!("S-{PAYLOAD}9")],
        vec![
            "backlog".to_string(),
            "--explain".into(),
            format!("F-{PAYLOAD}"),
        ],
        vec!["pi".to_string(), "ready".into(), format!("PI-{PAYLOAD}")],
        vec!["set".to_string(), "S-1".into(), format!("status={PAYLOAD}")],
        vec!["set".to_string(), "S-1".into(), format!("k{PAYLOAD}=1")],
        vec!["move".to_string(), "S-1".into(), PAYLOAD.into()],
        vec!["list".to_string(), "--status".into(), PAYLOAD.into()],
        // Refused by the argument parser, whose message quotes the value or the word.
        vec!["list".to_string(), "--type".into(), PAYLOAD.into()],
        vec!["list".to_string(), "--format".into(), PAYLOAD.into()],
        vec!["backlog".to_string(), "--limit".into(), PAYLOAD.into()],
        vec![PAYLOAD.to_string()],
        vec!["list".to_string(), "--type".into(), LINE_COMMAND.into()],
        vec![LINE_COMMAND.to_string()],
        vec!["show".to_string(), LINE_COMMAND.into()],
    ] {
        all.push(args);
    }
    all
}

#[test]
fn no_command_or_format_lets_control_characters_through() {
    let dir = hostile_backlog();
    for args in commands() {
        let out = popm(dir.path())
            .args(&args)
            .args(["--color", "never"])
            .output()
            .unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "popm {args:?} ended with {code:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_clean(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            &out.stdout,
            &out.stderr,
            &FORBIDDEN,
        );
        let out = popm(dir.path())
            .args(&args)
            .args(["--color", "always"])
            .output()
            .unwrap();
        assert_clean(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            &out.stdout,
            &out.stderr,
            &FORBIDDEN_IN_COLOR,
        );
    }
}

/// Issue 12: an id like `::error::Fake-annotation` started lines of `list`, `tree` and `show`, where
/// GitHub Actions reads a workflow command (`::command::` at the start of a line, after blanks).
/// No command and no format prints such a line, but `--format github`, whose lines are popm's own
/// annotations, one per finding.
#[test]
fn no_output_line_is_a_workflow_command() {
    let dir = hostile_backlog();
    for args in commands() {
        let out = popm(dir.path())
            .args(&args)
            .args(["--color", "never"])
            .output()
            .unwrap();
        let github = args.iter().any(|a| a == "github");
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            for line in String::from_utf8_lossy(bytes).lines() {
                let command = line.trim_start().starts_with("::");
                let annotation = line.starts_with("::error file=backlog/")
                    || line.starts_with("::warning file=backlog/");
                assert!(
                    !command || (github && stream == "stdout" && annotation),
                    "popm {args:?}: {stream} has a workflow command line:\n{line}"
                );
            }
        }
    }
}

/// What the neutralized values look like: the escape sequences are spelled out, one line each, and
/// the underline in a source snippet still sits under the value.
#[test]
fn hostile_values_are_shown_spelled_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(popm(d).arg("init").output().unwrap().status.success());
    let p = PAYLOAD_YAML;
    write(
        d,
        "backlog/F-1.md",
        &format!(
            "---\nid: F-1\ntype: feature\ntitle: Reset\nstatus: \"ready{p}\"\nparent: E-1\n\
             team: [\"team-a\", \"evil{p}\"]\npi: PI-2027.1\n---\n## Benefit hypothesis\nCalls drop.\n\n\
             ## Acceptance criteria\n- [ ] Given it works\n"
        ),
    );
    write(
        d,
        "backlog/raw.md",
        "---\nid: F-7\ntype: feature\ntitle: raw \x1b[31mX\x1b]8;;http://evil\x07 \u{9b} \u{202e} title\n  bad: [\n---\n",
    );
    let shown = r"\x1b[31m\x1b]8;;http://evil\x07\u{9b}\u{202e}\r\x1b[5m\u{200b}\u{2060}\u{feff}\u{ad}\u{e0041}\u{61c}#\x23[warning]x";
    let concise = popm(d)
        .args(["check", "--format", "concise"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&concise.stdout),
        format!(
            "backlog/F-1.md:5:9: error[status-unknown]: unknown status `ready{shown}` for a feature: expected funnel, analyzing, ready, implementing, validating, deploying, releasing or done\n\
             backlog/F-1.md:7:18: warning[team-unknown]: team `evil{shown}` is not listed under `teams` in popm.toml\n\
             backlog/raw.md:4:8: error[frontmatter-syntax]: unexpected character: `\\u{{1b}}'\n"
        )
    );
    let human = popm(d)
        .args(["check", "--format", "human", "--color", "never"])
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains(
            "4 | title: raw \\x1b[31mX\\x1b]8;;http://evil\\x07 \\u{9b} \\u{202e} title\n  |        ^\n"
        ),
        "{human}"
    );
    let json = popm(d)
        .args(["check", "--format", "json-lines"])
        .output()
        .unwrap();
    let json = String::from_utf8_lossy(&json.stdout);
    assert!(
        json.contains(r#""message":"team `evil\u001b[31m\u001b]8;;http://evil\u0007\u009b\u202e\r\u001b[5m\u200b\u2060\ufeff\u00ad\udb40\udc41\u061c#\u0023[warning]x` is not listed under `teams` in popm.toml""#),
        "{json}"
    );
    let list = popm(d)
        .args(["list", "--format", "table", "--type", "feature"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&list.stdout).contains(&format!("ready{shown}")),
        "{}",
        String::from_utf8_lossy(&list.stdout)
    );
}

/// CSV goes into spreadsheets: a cell a spreadsheet would run as a formula starts with `'` in every
/// command that writes CSV.
#[test]
fn spreadsheet_formulas_are_defused_in_every_csv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(popm(d).arg("init").output().unwrap().status.success());
    let titles = [
        (
            "=HYPERLINK(\\\"http://evil\\\")",
            "'=HYPERLINK(\"\"http://evil\"\")",
        ),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\\t=1", "'\t=1"),
        ("\\r=1", "'\\r=1"),
        (" =1", "' =1"),
    ];
    for (n, (title, _)) in titles.iter().enumerate() {
        write(
            d,
            &format!("backlog/F-{}.md", n + 10),
            &format!(
                "---\nid: F-{}\ntype: feature\ntitle: \"{title}\"\nstatus: ready\nparent: E-1\npi: PI-2027.1\n\
                 wsjf: {{business_value: 8, time_criticality: 5, risk_reduction: 1, job_size: 5}}\n---\n",
                n + 10
            ),
        );
    }
    for args in [
        &["export", "--format", "csv"][..],
        &["export", "--format", "jira-csv"],
        &["list", "--format", "csv"],
        &["backlog", "--format", "csv"],
    ] {
        let out = popm(d).args(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for (_, cell) in titles {
            let quoted = format!("\"{cell}\"");
            assert!(
                text.contains(&format!(",{cell},")) || text.contains(&quoted),
                "popm {args:?}: no {cell:?} in\n{text}"
            );
        }
        for line in text.lines().skip(1) {
            assert!(
                !line.contains(",=") && !line.contains(",+") && !line.contains(",@"),
                "{line}"
            );
        }
    }
}

/// The history commands print values from files and from commits (author names): the same gate.
#[test]
fn history_commands_let_no_control_characters_through() {
    let dir = hostile_backlog();
    let d = dir.path();
    let git = |args: &[&str]| {
        let mut cmd = common::git_command(d, args);
        cmd.env("GIT_AUTHOR_NAME", format!("Mallory {PAYLOAD}"));
        common::git_output(cmd, args);
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "first"]);
    let path = d.join("backlog/F-1.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("estimate: 20", "estimate: 13")).unwrap();
    git(&["commit", "-q", "-am", "second"]);
    let mut runs: Vec<Vec<&str>> = vec![vec!["log", "F-1"], vec!["log", "F-1", "--format", "json"]];
    for f in ["human", "json", "markdown"] {
        runs.push(vec!["diff", "HEAD~1", "HEAD", "--format", f]);
    }
    for f in ["human", "json", "csv"] {
        runs.push(vec!["flow", "--level", "art", "--format", f]);
    }
    for args in runs {
        for (color, forbidden) in [
            ("never", &FORBIDDEN[..]),
            ("always", &FORBIDDEN_IN_COLOR[..]),
        ] {
            let out = popm(d)
                .args(&args)
                .args(["--color", color])
                .output()
                .unwrap();
            assert!(matches!(out.status.code(), Some(0..=2)), "popm {args:?}");
            assert_clean(&args, &out.stdout, &out.stderr, forbidden);
            if args == ["log", "F-1"] {
                let shown = String::from_utf8_lossy(&out.stdout);
                assert!(shown.contains(r"Mallory \x1b[31m"), "{shown}");
            }
        }
    }
}
