//! Every output format over the same input: the shared diagnostics and the shared backlog of
//! tests/corpus. Diagnostic renderers are called directly; the reports of list, backlog, board,
//! pi ready, show, tree and export are rendered inside their commands today, so they are reached
//! through the binary on the shared backlog written to a folder. Snapshots live in
//! tests/snapshots/renderers__*.snap; re-bless with `INSTA_UPDATE=always cargo test --test
//! renderers` and review the diff.

mod common;
mod corpus;

use popm::diagnostic::{Diagnostic, Severity, Summary};
use popm::render;

fn summary(diagnostics: &[Diagnostic]) -> Summary {
    Summary::of(corpus::FILES.len(), diagnostics)
}

/// The human report as `popm check` prints it: each finding, then the summary line.
fn human(color: bool) -> String {
    let diagnostics = corpus::diagnostics();
    let mut text = render::human::diagnostics(&diagnostics, &corpus::texts(), color);
    text.push_str(&render::human::summary_line(&summary(&diagnostics), color));
    text.push('\n');
    text
}

#[test]
fn the_common_set_is_what_it_claims() {
    let diagnostics = corpus::diagnostics();
    let s = summary(&diagnostics);
    assert_eq!((s.items, s.errors, s.warnings), (6, 5, 3));
    assert!(diagnostics.iter().any(|d| d.help.is_some()));
    assert!(diagnostics.iter().any(|d| d.help.is_none()));
    assert!(diagnostics.iter().any(|d| d.message.contains('\n')));
    assert!(diagnostics.iter().any(|d| d.message.contains('\u{1b}')));
    let mut sorted = diagnostics.clone();
    sorted.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    assert_eq!(sorted, diagnostics, "in the order popm prints");
    // Every finding but the unreadable file's points at a line of the shared backlog.
    let (backlog, _) = corpus::backlog();
    let texts = corpus::texts();
    let with_source = diagnostics
        .iter()
        .filter(|d| texts.get(&d.path).is_some())
        .count();
    assert_eq!(with_source, diagnostics.len() - 1);
    assert_eq!(backlog.items.len(), corpus::FILES.len());
}

#[test]
fn human_plain() {
    insta::assert_snapshot!("human_plain", human(false));
}

#[test]
fn human_color() {
    let text = human(true);
    assert!(text.contains("\u{1b}["), "colour codes are there");
    // The hostile ESC of the message is shown, never sent: only popm's own SGR codes remain.
    assert!(text.contains("\\x1b[31mred"), "{text}");
    insta::assert_snapshot!("human_color", text);
}

#[test]
fn concise() {
    insta::assert_snapshot!("concise", render::concise::concise(&corpus::diagnostics()));
}

#[test]
fn json() {
    let diagnostics = corpus::diagnostics();
    let text = render::schema::check(&diagnostics, &summary(&diagnostics));
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(
        value["diagnostics"].as_array().map(Vec::len),
        Some(diagnostics.len())
    );
    insta::assert_snapshot!("json", text);
}

#[test]
fn json_lines() {
    let diagnostics = corpus::diagnostics();
    let text = render::schema::check_lines(&diagnostics);
    assert_eq!(text.lines().count(), diagnostics.len());
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("each line is JSON");
    }
    insta::assert_snapshot!("json_lines", text);
}

#[test]
fn github() {
    let text = render::github::render(&corpus::diagnostics());
    assert_eq!(text.lines().count(), corpus::diagnostics().len());
    insta::assert_snapshot!("github", text);
}

#[test]
fn sarif() {
    let text = render::sarif::render(&corpus::diagnostics());
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(
        value["runs"][0]["results"].as_array().map(Vec::len),
        Some(corpus::diagnostics().len())
    );
    insta::assert_snapshot!("sarif", text);
}

#[test]
fn junit_errors_only() {
    let (backlog, _) = corpus::backlog();
    let files = backlog.iter().map(|i| i.path.as_str());
    insta::assert_snapshot!(
        "junit_errors",
        render::junit::render(&corpus::diagnostics(), files, false)
    );
}

#[test]
fn junit_warnings_fail() {
    let (backlog, _) = corpus::backlog();
    let files = backlog.iter().map(|i| i.path.as_str());
    insta::assert_snapshot!(
        "junit_warnings_fail",
        render::junit::render(&corpus::diagnostics(), files, true)
    );
}

/// The closing line for each kind of result: clean, one of each, warnings only, several.
#[test]
fn summary_lines() {
    let all = corpus::diagnostics();
    let warnings: Vec<Diagnostic> = all
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .cloned()
        .collect();
    let one_of_each: Vec<Diagnostic> = [Severity::Error, Severity::Warning]
        .iter()
        .filter_map(|s| all.iter().find(|d| d.severity == *s).cloned())
        .collect();
    let line =
        |d: &[Diagnostic], items: usize| render::human::summary_line(&Summary::of(items, d), false);
    assert_eq!(line(&[], 6), "ok: 6 items checked, no problems found");
    assert_eq!(line(&[], 1), "ok: 1 item checked, no problems found");
    assert_eq!(
        line(&one_of_each, 1),
        "found 1 error and 1 warning in 1 item"
    );
    assert_eq!(line(&warnings, 6), "found 3 warnings in 6 items");
    assert_eq!(line(&all, 6), "found 5 errors and 3 warnings in 6 items");
}

/// The shared backlog as rows, for the generic table formats.
fn rows() -> (Vec<&'static str>, Vec<Vec<String>>) {
    let (backlog, _) = corpus::backlog();
    let rows = backlog
        .items
        .iter()
        .map(|i| {
            vec![
                i.id().unwrap_or("").to_string(),
                i.kind().map_or("", |t| t.as_str()).to_string(),
                i.status
                    .as_ref()
                    .map_or("", |s| s.value.as_str())
                    .to_string(),
                i.title().to_string(),
                i.teams().collect::<Vec<_>>().join(", "),
                i.labels
                    .iter()
                    .map(|l| l.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    (
        vec!["ID", "TYPE", "STATUS", "TITLE", "TEAM", "LABELS"],
        rows,
    )
}

#[test]
fn table_plain() {
    let (header, rows) = rows();
    insta::assert_snapshot!("table_plain", render::table::render(&header, rows, false));
}

#[test]
fn table_terminal() {
    let (header, rows) = rows();
    insta::assert_snapshot!("table_terminal", render::table::render(&header, rows, true));
}

#[test]
fn table_marked_color() {
    let (header, rows) = rows();
    insta::assert_snapshot!(
        "table_marked_color",
        render::table::render_marked(&header, rows, false, true, |cell| cell == "in progres")
    );
}

#[test]
fn csv() {
    let (header, rows) = rows();
    let text = render::csv::render(&header, &rows);
    assert!(text.contains("'=SUM(A1)") || text.contains("\"'=HYPERLINK"));
    insta::assert_snapshot!("csv", text);
}

#[test]
fn markdown() {
    let (header, rows) = rows();
    let text = render::markdown::table(&header, &rows);
    assert!(text.contains("Pay by card \\| wallet"), "{text}");
    insta::assert_snapshot!("markdown", text);
}

/// The command-level reports over the shared backlog, each format of each, as one snapshot per
/// command and format: exit status, stdout and stderr.
#[test]
fn reports_over_the_common_backlog() {
    let dir = tempfile::tempdir().unwrap();
    corpus::write_to(dir.path());
    let cases: &[(&str, &[&str])] = &[
        ("list_table", &["list"]),
        ("list_json", &["list", "--format", "json"]),
        ("list_csv", &["list", "--format", "csv"]),
        ("show_human", &["show", "F-2"]),
        ("show_json", &["show", "S-1", "--format", "json"]),
        ("tree", &["tree"]),
        ("backlog_table", &["backlog"]),
        ("backlog_json", &["backlog", "--format", "json"]),
        ("backlog_csv", &["backlog", "--format", "csv"]),
        ("backlog_markdown", &["backlog", "--format", "markdown"]),
        (
            "backlog_team_markdown",
            &["backlog", "--level", "team", "--format", "markdown"],
        ),
        ("board_human", &["board", "--level", "team"]),
        ("board_json", &["board", "--format", "json"]),
        ("pi_ready_human", &["pi", "ready", "PI-1"]),
        (
            "pi_ready_json",
            &["pi", "ready", "PI-1", "--format", "json"],
        ),
        (
            "pi_ready_markdown",
            &["pi", "ready", "PI-1", "--format", "markdown"],
        ),
        ("export_csv", &["export"]),
        ("export_json", &["export", "--format", "json"]),
        ("export_jira_csv", &["export", "--format", "jira-csv"]),
    ];
    for (name, args) in cases {
        let r = common::run(dir.path(), args);
        insta::assert_snapshot!(
            format!("report_{name}"),
            format!(
                "args: {args:?}\nexit: {}\n----- stdout -----\n{}----- stderr -----\n{}",
                r.code, r.stdout, r.stderr
            )
        );
    }
}
