//! One shared backlog and one shared set of diagnostics, the input of every renderer's snapshot
//! (tests/renderers.rs), so each output format is judged on the same findings: errors and
//! warnings, with and without help, messages over several lines, control characters and markup in
//! the text, several files, a file popm could not read (no source line), a column past the end of
//! its line. A new renderer gets its snapshot over this same set.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use popm::config::Config;
use popm::diagnostic::Rule;
use popm::diagnostic::{Diagnostic, Severity};
use popm::model::Backlog;
use popm::parse::yaml::Pos;
use popm::source::Texts;

pub const CONFIG: &str = "teams = [\"checkout\", \"identity\"]\n";

/// The backlog's files. Titles carry what each format must escape: a table pipe, a spreadsheet
/// formula, XML markup, quotes, a `%` and `,` (GitHub's property separators), an ESC sequence, a tab,
/// and characters wider than one byte.
pub const FILES: &[(&str, &str)] = &[
    (
        "backlog/E-1.md",
        "---\nid: E-1\ntype: epic\ntitle: Faster checkout\nstatus: implementing\n---\n\
         ## Hypothesis\nIf checkout takes one step, conversion rises.\n",
    ),
    (
        "backlog/F-1.md",
        "---\nid: F-1\ntype: feature\ntitle: Pay by card | wallet\nstatus: in progres\n\
         parent: E-1\nteam: [checkout, chekout]\npi: PI-1\nlabels: [payments, \"=SUM(A1)\"]\n\
         wsjf: {business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5}\n---\n\
         ## Benefit hypothesis\nMore shoppers pay.\n\n## Acceptance criteria\n- [x] Cards work\n\
         - [ ] Wallets work\n",
    ),
    (
        "backlog/F-2.md",
        "---\nid: F-2\ntype: feature\ntitle: \"=HYPERLINK(\\\"x\\\") <b>&amp; 'quotes'\"\n\
         status: ready\nparent: E-1\nteam: [identity]\npi: PI-1\n\
         wsjf: {business_value: 3, time_criticality: 2, risk_reduction: 1, job_size: 8}\n\
         depends_on: [F-1, F-9]\n---\n## Benefit hypothesis\nFewer calls.\n\n\
         ## Acceptance criteria\n- [ ] It works\n",
    ),
    (
        "backlog/S-1.md",
        "---\nid: S-1\ntype: story\ntitle: \"Red \\e[31malert\\e[0m 100% done, really\"\n\
         status: backlog\nparent: F-1\nteam: checkout\npi: PI-1\npoints: 3\ntitel: typo\n---\n\
         As a shopper, I want to pay so that I get my order.\n\n## Acceptance criteria\n\
         - [ ] Paid\n",
    ),
    (
        "backlog/S-2.md",
        "---\nid: S-2\ntype: story\ntitle: \"Café\tcrème 日本語\"\nstatus: in-progress\n\
         parent: F-2\nteam: identity\npi: PI-1\npoints: 5\ndepends_on: [S-9]\n---\n\
         As a user, I want to sign in so that I can work.\n\n## Acceptance criteria\n- [ ] In\n",
    ),
    (
        "backlog/PI-1.md",
        "---\nid: PI-1\ntype: pi\ntitle: PI 1\nstart: 2027-01-04\niterations: 5\n\
         iteration_weeks: 2\ncapacity:\n  checkout: [20, 20, 20, 20]\n  identity: [10, 10, 10, 10]\n\
         objectives:\n  - {team: checkout, text: Cards and wallets, business_value: 8, committed: true}\n\
         ---\n",
    ),
];

/// The shared backlog, parsed as popm parses files, and its configuration.
pub fn backlog() -> (Backlog, Config) {
    let config = Config::parse(CONFIG, "popm.toml", None, PathBuf::from(".")).unwrap();
    let mut items = Vec::new();
    for (path, text) in FILES {
        let (parsed, _) = popm::parse::parse_file(path, text.as_bytes().to_vec());
        items.extend(parsed.item);
    }
    (Backlog::new(items, &config), config)
}

/// The texts of the shared backlog's files as popm keeps them, for snippets.
pub fn texts() -> Texts {
    let mut texts = Texts::default();
    for (path, text) in FILES {
        let (_, source) = popm::parse::parse_file(path, text.as_bytes().to_vec());
        texts.insert(path.to_string(), source.unwrap());
    }
    texts
}

/// Writes the shared backlog and its popm.toml into `dir`, for renderers reached through a command.
pub fn write_to(dir: &Path) {
    std::fs::write(dir.join("popm.toml"), CONFIG).unwrap();
    for (path, text) in FILES {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn at(line: u32, column: u32) -> Pos {
    Pos { line, column }
}

/// The shared diagnostics, in the order popm prints them (path, line, column, rule). Positions
/// point into [`FILES`]; the unreadable file is not among them, so it has no source line.
pub fn diagnostics() -> Vec<Diagnostic> {
    vec![
        Diagnostic::new(
            Rule::StatusUnknown,
            "backlog/F-1.md",
            at(5, 9),
            "unknown status `in progres` for a feature: expected funnel, analyzing, ready, \
             implementing, validating, deploying, releasing or done",
        )
        .item(Some("F-1"))
        .width(10)
        .help("did you mean `implementing`?"),
        Diagnostic::new(
            Rule::TeamUnknown,
            "backlog/F-1.md",
            at(7, 18),
            "team `chekout` is not listed under `teams` in popm.toml",
        )
        .item(Some("F-1"))
        .width(7),
        Diagnostic::new(
            Rule::FrontmatterSyntax,
            "backlog/F-2.md",
            at(4, 8),
            "a title with markup <b>&amp; and \"quotes\"\nsecond line of the message",
        )
        .item(Some("F-2")),
        Diagnostic::new(
            Rule::DependencyUnknown,
            "backlog/F-2.md",
            at(10, 19),
            "dependency `F-9` is not an item of this backlog",
        )
        .item(Some("F-2"))
        .width(3)
        .help("known features: F-1\nor create it: popm new feature \"...\" --id F-9"),
        Diagnostic::new(
            Rule::PointsScale,
            "backlog/S-1.md",
            at(9, 40),
            "a column past the end of its line",
        )
        .item(Some("S-1"))
        .severity(Severity::Error),
        Diagnostic::new(
            Rule::FieldUnknown,
            "backlog/S-1.md",
            at(10, 1),
            "unknown key `titel` in \u{1b}[31mred\u{1b}[0m: 100%, a:b",
        )
        .item(Some("S-1"))
        .width(5)
        .help("did you mean `title`?"),
        Diagnostic::new(
            Rule::UserVoice,
            "backlog/S-2.md",
            at(4, 8),
            "a warning under wide characters: Café\tcrème 日本語",
        )
        .item(Some("S-2"))
        .width(20),
        Diagnostic::new(
            Rule::FileUnreadable,
            "backlog/bad file #1.md",
            at(3, 11),
            "the file is not valid UTF-8 (invalid byte at line 3, column 11); popm reads UTF-8",
        ),
    ]
}
