//! The command line's behaviour as data: every case under tests/cmd/<command>/ is a trycmd case
//! (`NAME.toml` with the arguments and the exit status, `NAME.stdout` and `NAME.stderr` with the exact
//! output, `NAME.in/` or `fs.base` for the folder it runs in, `NAME.out/` for the files it must leave).
//! Every case runs in a sandbox, a copy of its folder outside any git repository, so paths print as
//! `backlog/...` and no fixture is ever written.
//!
//! Re-bless after a deliberate change: `TRYCMD=overwrite cargo test --test cli_cases`, then review
//! the diff. History commands need a git repository and live in tests/cli_git_cases.rs.

use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("cmd")
}

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .default_bin_path(env!("CARGO_BIN_EXE_popm"))
        // What changes popm's output from outside, emptied (an empty value counts as unset): colour
        // forcing, the help text's width, tracing and an editor. Cases that need the date set
        // POPM_TODAY themselves.
        .env("NO_COLOR", "")
        .env("CLICOLOR_FORCE", "")
        .env("COLUMNS", "")
        .env("POPM_TRACE", "")
        .env("VISUAL", "")
        .env("EDITOR", "")
        // No case writes the user's parse cache: it is off here (tests/cache.rs holds the output
        // to be the same with it); the cases about it name their own POPM_CACHE_DIR.
        .env("POPM_NO_CACHE", "1")
        // One folder per command, cases directly inside: the popm.toml files inside `NAME.in/`
        // folders are inputs, not cases.
        .case("tests/cmd/*/*.toml");
}

/// Every case file, by folder and name.
fn case_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for command in std::fs::read_dir(cases_dir()).expect("tests/cmd exists") {
        let command = command.expect("dir entry").path();
        if !command.is_dir() {
            continue;
        }
        for case in std::fs::read_dir(&command).expect("read case folder") {
            let case = case.expect("dir entry").path();
            if case.extension().is_some_and(|e| e == "toml") {
                out.push(case);
            }
        }
    }
    out.sort();
    out
}

/// trycmd compares text outputs after turning every `\` into `/` (it normalizes Windows paths), so
/// a text case could not tell `\n` from `/n` in JSON. A case whose output holds a backslash must be
/// compared as bytes (`binary = true`).
#[test]
fn text_cases_hold_no_backslash() {
    let mut offenders = Vec::new();
    for case in case_files() {
        let toml = std::fs::read_to_string(&case).expect("read case");
        if toml.lines().any(|l| l.trim() == "binary = true") {
            continue;
        }
        for stream in ["stdout", "stderr"] {
            let path = case.with_extension(stream);
            if std::fs::read(&path).is_ok_and(|bytes| bytes.contains(&b'\\')) {
                offenders.push(path.display().to_string());
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "set `binary = true` in these cases' .toml: {offenders:?}"
    );
}

/// A case without its .stdout or .stderr would not check that stream at all (trycmd skips what has
/// no file), and one without a status would accept only 0 silently: every case states all three.
#[test]
fn every_case_states_its_status_and_both_streams() {
    let cases = case_files();
    assert!(
        cases.len() >= 70,
        "expected at least 70 cases, found {}",
        cases.len()
    );
    let mut missing = Vec::new();
    for case in &cases {
        let toml = std::fs::read_to_string(case).expect("read case");
        if !toml.lines().any(|l| l.starts_with("status")) {
            missing.push(format!("{}: no status", case.display()));
        }
        if !toml.lines().any(|l| l.trim() == "fs.sandbox = true")
            && !case.with_extension("out").is_dir()
        {
            missing.push(format!("{}: not sandboxed", case.display()));
        }
        for stream in ["stdout", "stderr"] {
            if !case.with_extension(stream).is_file() {
                missing.push(format!("{}: no .{stream}", case.display()));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}
