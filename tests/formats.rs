//! The CI output formats of `popm check`: GitHub annotations, SARIF (validated against the official
//! schema), JUnit (read by a real JUnit consumer) and JSON lines.

mod common;

use std::process::Command;

use common::{run, temp_copy};

#[test]
fn github_annotations() {
    let dir = temp_copy("broken");
    let r = run(dir.path(), &["check", "--format", "github"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("check_github", r.stdout);
}

#[test]
fn json_lines_is_one_object_per_line() {
    let dir = temp_copy("broken");
    let r = run(dir.path(), &["check", "--format", "json-lines"]);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 9);
    // E-1 is implementing: its Definition of Ready asks for a WSJF score.
    assert_eq!(lines[0]["rule"], "wsjf-missing");
    assert_eq!(lines[8]["path"], "backlog/S-2.md");
}

#[test]
fn sarif_is_valid_against_the_shared_official_schema() {
    let Some(schema_path) = common::shared("schemas/sarif-2.1.0.json") else {
        return;
    };
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    // Two patterns of the official schema (`language`, a field popm never writes) have an unescaped
    // `]`: a literal in ECMA-262, an error for Rust's regex engines. Escaping it keeps the meaning.
    assert_eq!(escape_language_patterns(&mut schema), 2);
    let validator = jsonschema::options()
        .build(&schema)
        .expect("the SARIF schema compiles");
    let dir = temp_copy("broken");
    let r = run(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(r.code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // And the content is what code scanning needs.
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 9);
    assert_eq!(results[4]["ruleId"], "status-unknown");
    assert_eq!(results[4]["level"], "error");
    let location = &results[4]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "backlog/S-1.md");
    assert_eq!(location["region"]["startLine"], 5);
    assert_eq!(location["region"]["startColumn"], 9);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let index = results[4]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "status-unknown");
    // A clean backlog is a valid log with no results.
    let demo = temp_copy("demo");
    let clean: serde_json::Value =
        serde_json::from_str(&run(demo.path(), &["check", "--format", "sarif"]).stdout).unwrap();
    assert!(validator.is_valid(&clean));
    assert_eq!(clean["runs"][0]["results"], serde_json::json!([]));
}

fn escape_language_patterns(value: &mut serde_json::Value) -> usize {
    const ECMA: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match value {
        serde_json::Value::Object(map) => {
            let mut n = 0;
            for (key, v) in map.iter_mut() {
                if key == "pattern" && v == ECMA {
                    *v = serde_json::Value::from("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$");
                    n += 1;
                } else {
                    n += escape_language_patterns(v);
                }
            }
            n
        }
        serde_json::Value::Array(items) => items.iter_mut().map(escape_language_patterns).sum(),
        _ => 0,
    }
}

#[test]
fn junit_is_read_by_junitparser() {
    let dir = temp_copy("broken");
    let r = run(dir.path(), &["check", "--format", "junit"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("check_junit", r.stdout);
    if !common::tool_available(
        Command::new("python3").args(["-c", "import junitparser"]),
        "the junitparser Python package",
    ) {
        return;
    }
    let xml = dir.path().join("report.xml");
    std::fs::write(&xml, &r.stdout).unwrap();
    let script = "import sys\nfrom junitparser import JUnitXml\nxml = JUnitXml.fromfile(sys.argv[1])\nfor suite in xml:\n    for case in suite:\n        print(suite.name, case.name, ','.join(type(r).__name__ for r in case.result))\nprint('total', xml.tests, xml.failures)\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&xml)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "backlog/E-1.md wsjf-missing at 5:9 Failure\n\
         backlog/F-1.md benefit-hypothesis-missing at 1:1 Failure\n\
         backlog/F-1.md wsjf-scale at 8:45 Failure\n\
         backlog/F-1.md dependency-unknown at 9:14 Failure\n\
         backlog/S-1.md status-unknown at 5:9 Failure\n\
         backlog/S-2.md valid \n\
         total 6 5\n"
    );
}

/// A title that would be markup in a pull request comment or a job summary: an image (a tracking
/// pixel), a link, a mention, raw HTML, emphasis, a table break, math, an entity and issue
/// references (each links, and notes the comment in that issue's timeline).
const INJECTED_TITLE: &str = "Reset ![p](https://t.example/pixel.png) [click](https://evil.example) @octocat <img src=x onerror=alert(1)> **bold** | $x$ &#64; #12 o/r#3 GH-4";
/// The same title as every markdown output writes it: each markup character escaped, the mention
/// and the references broken by a code span around `@`, `#` and `GH-`.
const ESCAPED_TITLE: &str = r"Reset !\[p\](https://t.example/pixel.png) \[click\](https://evil.example) `@`octocat \<img src=x onerror=alert(1)> \*\*bold\*\* \| \$x\$ \&`#`64; `#`12 o/r`#`3 `GH-`4";

/// Issue 12: `pi ready --format markdown`, `diff --format markdown` and `backlog --format markdown`
/// wrote links, images, mentions and raw HTML from a title verbatim. Each row below is the exact
/// line of its output; the problems block of `pi ready` is fenced longer than any backtick run of
/// the messages it quotes.
#[test]
fn markdown_outputs_show_titles_as_text() {
    let dir = temp_copy("demo");
    let d = dir.path();
    common::git(d, &["init", "-q", "-b", "main"]);
    common::git(d, &["add", "-A"]);
    common::git(d, &["commit", "-q", "-m", "demo"]);
    let title = |path: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(d.join(path)).unwrap();
        assert!(text.contains(from), "{path}");
        std::fs::write(d.join(path), text.replace(from, to)).unwrap();
    };
    let yaml_title = format!("title: '{INJECTED_TITLE}'");
    title(
        "backlog/features/F-1-password-reset.md",
        "title: Self-service password reset",
        &yaml_title,
    );
    // A status holding a fence: quoted in a problem of PI-2027.2, inside the code block.
    title(
        "backlog/features/F-8-guest-checkout.md",
        "status: analyzing",
        "status: \"x ``` y\"",
    );

    let pi = run(d, &["pi", "ready", "PI-2027.1", "--format", "markdown"]);
    assert!(
        pi.stdout.lines().any(|l| l
            == format!(
                "| 4 | F-1 | {ESCAPED_TITLE} | 3.20 | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | yes |"
            )),
        "{}",
        pi.stdout
    );
    let backlog = run(d, &["backlog", "--format", "markdown"]);
    assert!(
        backlog.stdout.lines().any(|l| l
            == format!("| 4 | F-1 | {ESCAPED_TITLE} | feature | ready | 8 | 5 | 3 | 16 | 5 | 3.20 | identity | PI-2027.1 |")),
        "{}",
        backlog.stdout
    );
    let not_ready = run(d, &["pi", "ready", "PI-2027.2", "--format", "markdown"]);
    let problems = not_ready.stdout.split("### Problems\n\n").nth(1).unwrap();
    assert!(problems.starts_with("````text\n"), "{problems}");
    assert!(problems.ends_with("\n````\n"), "{problems}");
    assert!(
        problems.contains("unknown status `x ``` y` for a feature"),
        "{problems}"
    );

    common::write(
        d,
        "backlog/features/F-99.md",
        &format!("---\nid: F-99\ntype: feature\n{yaml_title}\nstatus: funnel\nparent: E-1\n---\n"),
    );
    common::git(d, &["add", "-A"]);
    common::git(d, &["commit", "-q", "-m", "hostile"]);
    let diff = run(d, &["diff", "HEAD~1", "HEAD", "--format", "markdown"]);
    assert!(
        diff.stdout
            .starts_with("## Backlog changes\n\n`HEAD~1` .. `HEAD`\n\n"),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout
            .lines()
            .any(|l| l == format!("| F-99 | feature | {ESCAPED_TITLE} | funnel |")),
        "{}",
        diff.stdout
    );
    // popm's own ranks: `rank #4 -> #2` linked issues 4 and 2.
    title(
        "backlog/features/F-1-password-reset.md",
        "business_value: 8,",
        "business_value: 20,",
    );
    common::git(d, &["commit", "-q", "-am", "F-1 first"]);
    let diff = run(d, &["diff", "HEAD~1", "HEAD", "--format", "markdown"]);
    assert!(
        diff.stdout
            .lines()
            .any(|l| l == "| F-1 | 3.20 -> 5.60 | business_value 8 -> 20 | rank 4 -> 2 (up 2) |"),
        "{}",
        diff.stdout
    );
}
