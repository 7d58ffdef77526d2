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
    assert_eq!(lines[0]["rule"], "benefit-hypothesis-missing");
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
    assert_eq!(results[3]["ruleId"], "status-unknown");
    assert_eq!(results[3]["level"], "error");
    let location = &results[3]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "backlog/S-1.md");
    assert_eq!(location["region"]["startLine"], 5);
    assert_eq!(location["region"]["startColumn"], 9);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let index = results[3]["ruleIndex"].as_u64().unwrap() as usize;
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
        "backlog/E-1.md valid \n\
         backlog/F-1.md benefit-hypothesis-missing at 1:1 Failure\n\
         backlog/F-1.md wsjf-scale at 8:45 Failure\n\
         backlog/F-1.md dependency-unknown at 9:14 Failure\n\
         backlog/S-1.md status-unknown at 5:9 Failure\n\
         backlog/S-2.md acceptance-criteria-missing at 1:1 Failure\n\
         total 6 5\n"
    );
}
