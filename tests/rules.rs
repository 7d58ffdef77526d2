//! One test per rule: each fixture under fixtures/rules/<rule>/ breaks the rule, and the exact
//! diagnostics of that rule are asserted (path:line:col: severity[rule]: message).

mod common;

use popm::source::Workspace;

/// The concise diagnostics of `rule` on its fixture.
fn findings(rule: &str) -> Vec<String> {
    let dir = common::temp_copy(&format!("rules/{rule}"));
    let workspace = Workspace::open(dir.path(), None).expect("open workspace");
    let checked = popm::engine::check(&workspace, &popm::engine::Request::whole()).expect("check");
    let of_rule: Vec<_> = checked
        .diagnostics
        .into_iter()
        .filter(|d| d.rule.name() == rule)
        .collect();
    popm::render::concise::concise(&of_rule)
        .lines()
        .map(str::to_string)
        .collect()
}

macro_rules! rule_test {
    ($name:ident, $rule:literal, [$($line:literal),* $(,)?]) => {
        #[test]
        fn $name() {
            let expected: Vec<&str> = vec![$($line),*];
            assert_eq!(findings($rule), expected);
        }
    };
}

rule_test!(
    file_unreadable,
    "file-unreadable",
    [
        "backlog/bad-utf8.md:3:11: error[file-unreadable]: the file is not valid UTF-8 (invalid byte at line 3, column 11); popm reads UTF-8",
    ]
);
rule_test!(
    symlink_skipped,
    "symlink-skipped",
    [
        "backlog/link.md:1:1: warning[symlink-skipped]: skipped: the file is a symbolic link; popm reads only regular files and folders",
    ]
);
rule_test!(
    frontmatter_missing,
    "frontmatter-missing",
    [
        "backlog/no-frontmatter.md:1:1: error[frontmatter-missing]: no frontmatter: an item file must start with a `---` line",
    ]
);
rule_test!(
    frontmatter_syntax,
    "frontmatter-syntax",
    [
        "backlog/bad-yaml.md:3:8: error[frontmatter-syntax]: unclosed bracket '['",
        "backlog/duplicate.md:5:1: error[frontmatter-syntax]: duplicate key `title`: each key may appear once",
        "backlog/unclosed.md:1:1: error[frontmatter-syntax]: the frontmatter block opened on line 1 is never closed",
    ]
);
rule_test!(
    field_missing,
    "field-missing",
    [
        "backlog/E-1.md:1:1: error[field-missing]: missing required key `title`",
        "backlog/E-2.md:4:8: error[field-missing]: `title` is empty",
    ]
);
rule_test!(
    field_type,
    "field-type",
    [
        "backlog/E-1.md:2:5: error[field-type]: `id` must be a string, found a number",
        "backlog/E-2.md:5:9: error[field-type]: `labels` must be a list, found a mapping",
        "backlog/E-2.md:6:7: error[field-type]: `rank` must be a whole number from 0 to 1000000, found a string",
    ]
);
rule_test!(
    field_unknown,
    "field-unknown",
    [
        "backlog/E-1.md:5:1: warning[field-unknown]: unknown key `stauts` (did you mean `status`?)",
        "backlog/E-1.md:6:1: warning[field-unknown]: unknown key `colour`",
    ]
);
rule_test!(
    type_unknown,
    "type-unknown",
    [
        "backlog/E-1.md:3:7: error[type-unknown]: unknown type `epik`: expected epic, capability, feature, story, pi or okr",
    ]
);
rule_test!(
    id_duplicate,
    "id-duplicate",
    ["backlog/b.md:2:5: error[id-duplicate]: duplicate id `E-1`: backlog/a.md:2 uses it too",]
);
// Issue 12: `E-1` with a zero-width space was a second item that looked like E-1 everywhere.
rule_test!(
    id_invalid,
    "id-invalid",
    [
        "backlog/annotation.md:2:5: error[id-invalid]: `::error::Fake-annotation` is not a valid id: ids are ASCII letters and digits, in runs joined by single `-`, `_` or `.` (like F-12, PI-2027.1 or BACK-265.10.01)",
        "backlog/double.md:2:5: error[id-invalid]: `E--2` is not a valid id: ids are ASCII letters and digits, in runs joined by single `-`, `_` or `.` (like F-12, PI-2027.1 or BACK-265.10.01)",
        "backlog/twin.md:2:5: error[id-invalid]: `E-1\\u{200b}` is not a valid id: ids are ASCII letters and digits, in runs joined by single `-`, `_` or `.` (like F-12, PI-2027.1 or BACK-265.10.01)",
    ]
);

/// An item whose id is invalid has none: the real E-1 is the only E-1, nothing refers to the twin.
#[test]
fn an_invalid_id_names_no_item() {
    let dir = common::temp_copy("rules/id-invalid");
    let checked = popm::engine::check(
        &Workspace::open(dir.path(), None).unwrap(),
        &popm::engine::Request::whole(),
    )
    .unwrap();
    let mut ids: Vec<Option<&str>> = checked.backlog.iter().map(|i| i.id()).collect();
    ids.sort();
    assert_eq!(ids, [None, None, None, Some("BACK-265.10.01"), Some("E-1")]);
    assert_eq!(checked.backlog.get("E-1").unwrap().title(), "The real E-1");
    assert!(checked.backlog.get("E-1\u{200b}").is_none());
}

rule_test!(
    status_unknown,
    "status-unknown",
    [
        "backlog/E-1.md:5:9: error[status-unknown]: unknown status `doing` for an epic: expected funnel, reviewing, analyzing, ready, implementing or done",
    ]
);
rule_test!(
    parent_unknown,
    "parent-unknown",
    ["backlog/F-1.md:5:9: error[parent-unknown]: parent `E-9` is not an item of this backlog",]
);
rule_test!(
    parent_type,
    "parent-type",
    [
        "backlog/S-1.md:5:9: error[parent-type]: a story's parent must be a feature, but `E-1` is an epic",
    ]
);
rule_test!(
    parent_cycle,
    "parent-cycle",
    [
        "backlog/F-1.md:5:9: error[parent-cycle]: parents form a cycle: F-1 -> F-2 -> F-1",
        "backlog/F-2.md:5:9: error[parent-cycle]: parents form a cycle: F-2 -> F-1 -> F-2",
    ]
);
rule_test!(
    parent_missing,
    "parent-missing",
    ["backlog/F-1.md:1:1: warning[parent-missing]: this feature has no parent",]
);
rule_test!(
    parent_enabler,
    "parent-enabler",
    [
        "backlog/F-1.md:5:9: warning[parent-enabler]: a business feature under enabler `E-1`: runway work rarely holds business value",
    ]
);
rule_test!(
    enabler_kind,
    "enabler-kind",
    [
        "backlog/F-1.md:6:10: error[enabler-kind]: unknown enabler kind `architecture`: expected exploration, architectural, infrastructure or compliance (did you mean `architectural`?)",
    ]
);
rule_test!(
    acceptance_criteria_missing,
    "acceptance-criteria-missing",
    [
        "backlog/F-1.md:1:1: error[acceptance-criteria-missing]: this feature has no `Acceptance criteria` section",
        "backlog/F-2.md:11:1: error[acceptance-criteria-missing]: the `Acceptance criteria` section lists no criteria",
    ]
);
// The Definition of Ready follows the state: F-1 is analyzing (a benefit hypothesis is due),
// F-2 ready; F-3, a funnel idea of a title and a sentence, owes nothing yet.
rule_test!(
    wsjf_missing,
    "wsjf-missing",
    [
        "backlog/F-1.md:5:9: error[wsjf-missing]: this feature has no WSJF score (needed from ready on)",
        "backlog/F-2.md:8:1: error[wsjf-missing]: this feature's WSJF lacks time_criticality, risk_reduction (a complete score is needed from ready on)",
    ]
);
rule_test!(
    team_missing,
    "team-missing",
    ["backlog/F-1.md:5:9: error[team-missing]: this feature names no team (needed from ready on)",]
);
// S-2 is still in the backlog (a template is fine there); S-3's link and checkboxes are markup.
rule_test!(
    placeholder_text,
    "placeholder-text",
    [
        "backlog/F-1.md:14:13: error[placeholder-text]: this feature is ready but still holds the template's placeholder `[a context]`",
        "backlog/S-1.md:9:6: error[placeholder-text]: this story is in-progress but still holds the template's placeholder `[role]`",
    ]
);
rule_test!(
    acceptance_criteria_unchecked,
    "acceptance-criteria-unchecked",
    [
        "backlog/F-1.md:15:1: error[acceptance-criteria-unchecked]: this feature is done but 2 of its 3 acceptance criteria are unchecked",
    ]
);
rule_test!(
    benefit_hypothesis_missing,
    "benefit-hypothesis-missing",
    [
        "backlog/F-1.md:1:1: error[benefit-hypothesis-missing]: this feature has no `Benefit hypothesis` section",
        "backlog/F-2.md:8:1: error[benefit-hypothesis-missing]: the `Benefit hypothesis` section is empty",
    ]
);
rule_test!(
    hypothesis_missing,
    "hypothesis-missing",
    ["backlog/E-1.md:1:1: error[hypothesis-missing]: this epic has no `Hypothesis` section",]
);
// S-2 is an enabler story: technical language is fine there, so only S-1 is reported.
rule_test!(
    user_voice,
    "user-voice",
    ["backlog/S-1.md:7:1: warning[user-voice]: the story does not open with its user voice",]
);
rule_test!(
    wsjf_scale,
    "wsjf-scale",
    [
        "backlog/F-1.md:6:24: error[wsjf-scale]: wsjf.business_value is 4, off the scale 1 2 3 5 8 13 20",
        "backlog/F-1.md:6:77: error[wsjf-scale]: wsjf.job_size is 21, off the scale 1 2 3 5 8 13 20",
    ]
);
rule_test!(
    wsjf_incomplete,
    "wsjf-incomplete",
    ["backlog/F-1.md:6:1: warning[wsjf-incomplete]: WSJF lacks time_criticality, risk_reduction",]
);
rule_test!(
    points_scale,
    "points-scale",
    [
        "backlog/S-1.md:6:9: warning[points-scale]: 4 story points is off the scale 1 2 3 5 8 13 20 40 100",
        "backlog/S-2.md:6:9: warning[points-scale]: 0.5 story points is off the scale 1 2 3 5 8 13 20 40 100",
    ]
);
rule_test!(
    dependency_unknown,
    "dependency-unknown",
    [
        "backlog/F-1.md:6:14: error[dependency-unknown]: dependency `F-7` is not an item of this backlog",
    ]
);
rule_test!(
    reference_invalid,
    "reference-invalid",
    [
        "backlog/F-1.md:5:9: error[reference-invalid]: `parent: portfolio:` is not a reference: write an id (`F-12`) or a backlog's name and an id (`rail:F-12`)",
        "backlog/F-1.md:6:38: error[reference-invalid]: `depends_on: a:b:c` is not a reference: write an id (`F-12`) or a backlog's name and an id (`rail:F-12`)",
    ]
);
rule_test!(
    okr_unknown,
    "okr-unknown",
    [
        "backlog/E-1.md:5:13: error[okr-unknown]: OKR `O-9` is not an item of this backlog",
        "backlog/E-1.md:5:18: error[okr-unknown]: `E-2` is an epic, not an OKR",
    ]
);
rule_test!(
    dependency_cycle,
    "dependency-cycle",
    [
        "backlog/F-1.md:6:14: error[dependency-cycle]: dependencies form a cycle: F-1 -> F-2 -> F-3 -> F-1",
        "backlog/F-2.md:6:14: error[dependency-cycle]: dependencies form a cycle: F-2 -> F-3 -> F-1 -> F-2",
        "backlog/F-3.md:6:14: error[dependency-cycle]: dependencies form a cycle: F-3 -> F-1 -> F-2 -> F-3",
    ]
);
rule_test!(
    pi_unknown,
    "pi-unknown",
    [
        "backlog/F-1.md:6:5: error[pi-unknown]: PI `PI-9` is not an item of this backlog",
        "backlog/F-2.md:6:5: error[pi-unknown]: `pi` names `E-1`, which is an epic, not a PI",
    ]
);
rule_test!(
    pi_invalid,
    "pi-invalid",
    [
        "backlog/PI-1.md:1:1: error[pi-invalid]: this PI has no `start` date (YYYY-MM-DD)",
        "backlog/PI-1.md:7:3: error[pi-invalid]: capacity of `team-a` lists 2 iterations; this PI has 4 development iterations",
        "backlog/PI-1.md:11:21: error[pi-invalid]: business_value must be from 1 to 10, found 12",
    ]
);
rule_test!(
    team_unknown,
    "team-unknown",
    [
        "backlog/F-1.md:6:16: warning[team-unknown]: team `team-z` is not listed under `teams` in popm.toml",
    ]
);
rule_test!(
    parent_done_children_open,
    "parent-done-children-open",
    [
        "backlog/F-1.md:6:9: warning[parent-done-children-open]: this feature is done but 1 of its children is not: S-1 (in-progress)",
    ]
);

/// Every rule has a fixture and a test above; a new rule without one fails here.
#[test]
fn every_rule_has_a_fixture() {
    let tested = include_str!("rules.rs");
    // Readiness rules are tested by the scenarios of tests/readiness.rs.
    // Transition rules compare two versions and are tested on git repositories (tests/git.rs).
    for rule in popm::diagnostic::Rule::ALL
        .iter()
        .filter(|r| !r.is_readiness() && !r.compares_versions() && !r.is_portfolio())
    {
        let dir = common::fixture("rules").join(rule.name());
        assert!(dir.is_dir(), "no fixture folder for rule {}", rule.name());
        assert!(
            tested.contains(&format!("\"{}\",", rule.name())),
            "no test for rule {}",
            rule.name()
        );
    }
}

/// The fixtures for the parse-level rules still let the rest of their backlog be checked.
#[test]
fn a_broken_file_does_not_stop_the_others() {
    let dir = common::temp_copy("rules/frontmatter-syntax");
    common::write(
        dir.path(),
        "backlog/E-9.md",
        "---\nid: E-9\ntype: epic\ntitle: Fine\nstatus: nonsense\n---\n## Hypothesis\nx\n",
    );
    let checked = popm::engine::check(
        &Workspace::open(dir.path(), None).unwrap(),
        &popm::engine::Request::whole(),
    )
    .unwrap();
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.rule.name() == "status-unknown" && d.path == "backlog/E-9.md")
    );
    assert_eq!(checked.files, 4);
}

// PI-1 has 5 iterations: 1-4 are development iterations, 5 is IP (S-1 and S-4 are fine; the
// stories inherit F-1's PI). Iteration 0 is a field-type error where it is read.
rule_test!(
    iteration_out_of_range,
    "iteration-out-of-range",
    [
        "backlog/S-5.md:6:12: error[iteration-out-of-range]: iteration 5 is not a development iteration of PI-1: iteration 5 is its Innovation & Planning iteration, which takes no planned work",
        "backlog/S-6.md:6:12: error[iteration-out-of-range]: iteration 6 is not a development iteration of PI-1: it has 5 iterations",
    ]
);
// Five two-week iterations are 70 days: PI-1 runs 2027-01-04 to 2027-03-14, PI-2 from 2027-03-08
// to 2027-05-16; PI-3 starts the day after, which is fine.
rule_test!(
    pi_overlap,
    "pi-overlap",
    [
        "backlog/PI-2.md:5:8: error[pi-overlap]: PI-2 starts 2027-03-08, before PI-1 ends (2027-03-14)",
    ]
);
// PI-2 runs 2027-03-15 (right after PI-1) to 2027-05-23; PI-3 starts 2027-06-07: 05-24 to 06-06
// is 14 days.
rule_test!(
    pi_gap,
    "pi-gap",
    [
        "backlog/PI-3.md:5:8: warning[pi-gap]: PI-3 starts 2027-06-07, 14 days after PI-2 ends (2027-05-23)",
    ]
);
rule_test!(
    wip_exceeded,
    "wip-exceeded",
    [
        "popm.toml:3:24: warning[wip-exceeded]: 2 features are implementing, over its WIP limit of 1: F-1, F-2",
    ]
);

/// docs/rules.md has a section, with a bad and a good example, for every rule.
#[test]
fn every_rule_is_documented() {
    let docs = std::fs::read_to_string(common::root().join("docs/rules.md")).unwrap();
    for rule in popm::diagnostic::Rule::ALL {
        let heading = format!("\n## {}\n", rule.name());
        let at = docs
            .find(&heading)
            .unwrap_or_else(|| panic!("docs/rules.md lacks {}", rule.name()));
        let section = &docs[at + heading.len()..];
        // The section ends at the next rule's heading (examples may hold markdown headings).
        let end = popm::diagnostic::Rule::ALL
            .iter()
            .filter_map(|r| section.find(&format!("\n## {}\n", r.name())))
            .min()
            .unwrap_or(section.len());
        let section = &section[..end];
        assert!(
            section.contains("Bad:") && section.contains("Good:"),
            "{}",
            rule.name()
        );
        let default = format!("Default: {}.", rule.default_severity().as_str());
        assert!(section.contains(&default), "{}: {default}", rule.name());
    }
}

/// The Definition of Ready is configurable per type and state: here a feature needs its benefit
/// hypothesis only from ready on and never a team; the findings follow (computed by hand: F-1 is
/// analyzing without a hypothesis, F-2 ready without a hypothesis and without a team).
#[test]
fn the_definition_of_ready_is_configured_per_type_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::write(
        d,
        "popm.toml",
        "[workflow.feature]\nrequires = { benefit-hypothesis = \"ready\", team = \"never\" }\n",
    );
    common::write(
        d,
        "backlog/E-1.md",
        "---\nid: E-1\ntype: epic\ntitle: E\n---\nAn idea.\n",
    );
    let feature = |id: &str, status: &str| {
        format!(
            "---\nid: {id}\ntype: feature\ntitle: T\nstatus: {status}\nparent: E-1\nwsjf: {{business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5}}\n---\n## Acceptance criteria\n- [ ] works\n"
        )
    };
    common::write(d, "backlog/F-1.md", &feature("F-1", "analyzing"));
    common::write(d, "backlog/F-2.md", &feature("F-2", "ready"));
    let r = common::run(d, &["check", "--format", "concise"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            1,
            "backlog/F-2.md:1:1: error[benefit-hypothesis-missing]: this feature has no `Benefit hypothesis` section\n"
        )
    );
    // A content the type cannot hold, or a state its workflow lacks, is a configuration error.
    common::write(
        d,
        "popm.toml",
        "[workflow.story]\nrequires = { hypothesis = \"ready\" }\n",
    );
    let r = common::run(d, &["check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("popm.toml:2:14: [workflow.story] requires: `hypothesis` is not content a story can require (expected acceptance-criteria, parent, team, points)"),
        "{}",
        r.stderr
    );
    common::write(
        d,
        "popm.toml",
        "[workflow.feature]\nrequires = { team = \"later\" }\n",
    );
    let r = common::run(d, &["check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "[workflow.feature] requires: team = \"later\" is not one of its states (or \"never\")"
        ),
        "{}",
        r.stderr
    );
}
