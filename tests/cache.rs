//! The parse cache changes nothing popm prints: every command and format gives the same bytes
//! and exit status with the cache cold, warm and bypassed; an edit made after the cache was
//! filled is seen; a damaged pack is ignored and rebuilt; concurrent runs leave it usable.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

/// Every command and format a reader of the backlog offers (the history commands are in
/// `history_reads_the_same_with_the_cache`).
const READS: &[&[&str]] = &[
    &["check"],
    &["check", "--format", "concise"],
    &["check", "--format", "json"],
    &["check", "--format", "json-lines"],
    &["check", "--format", "github"],
    &["check", "--format", "sarif"],
    &["check", "--format", "junit"],
    &["list"],
    &["list", "--format", "json"],
    &["list", "--format", "csv"],
    &["backlog"],
    &["backlog", "--format", "json"],
    &["backlog", "--format", "markdown"],
    &["board"],
    &["board", "--format", "json"],
    &["tree"],
    &["export", "--format", "json"],
    &["pi", "ready", "PI-2026.1"],
];

fn popm(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    common::popm(dir)
        .env("POPM_CACHE_DIR", cache)
        .env_remove("POPM_NO_CACHE")
        .env("POPM_TODAY", "2026-03-01")
        .args(args)
        .output()
        .expect("run popm")
}

/// (exit status, stdout, stderr) of a run.
fn seen(out: &Output) -> (Option<i32>, String, String) {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Each read three ways: cache bypassed, cache cold (filling it), cache warm.
fn assert_same_three_ways(dir: &Path, cache: &Path, reads: &[&[&str]]) {
    for args in reads {
        let mut bypassed = vec!["--no-cache"];
        bypassed.extend_from_slice(args);
        let without = seen(&popm(dir, cache, &bypassed));
        let cold = seen(&popm(dir, cache, args));
        let warm = seen(&popm(dir, cache, args));
        assert_eq!(cold, without, "cold cache, {args:?} in {}", dir.display());
        assert_eq!(warm, without, "warm cache, {args:?} in {}", dir.display());
    }
}

fn pack_files(cache: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(cache)
        .map(|l| l.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == "pack"));
    out.sort();
    out
}

#[test]
fn every_fixture_reads_the_same_with_the_cache() {
    for fixture in ["demo", "broken", "rollup", "wsjf"] {
        let dir = common::temp_copy(fixture);
        let cache = tempfile::tempdir().unwrap();
        assert_same_three_ways(dir.path(), cache.path(), READS);
    }
}

/// `--no-cache` and `POPM_NO_CACHE=1` neither read nor write it.
#[test]
fn no_cache_writes_nothing() {
    let dir = common::temp_copy("demo");
    let cache = tempfile::tempdir().unwrap();
    popm(dir.path(), cache.path(), &["--no-cache", "check"]);
    let out = common::popm(dir.path())
        .env("POPM_CACHE_DIR", cache.path())
        .env("POPM_NO_CACHE", "1")
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(pack_files(cache.path()), Vec::<PathBuf>::new());
    popm(dir.path(), cache.path(), &["check"]);
    // The parse pack, the stat index and the checked result.
    assert_eq!(pack_files(cache.path()).len(), 3);
}

/// A generated backlog with every kind of item and some broken ones, larger than the fixtures.
fn generated(dir: &Path, stories: usize) {
    common::write(dir, "popm.toml", "teams = [\"team-1\", \"team-2\"]\n");
    common::write(
        dir,
        "backlog/pis/PI-2026.1.md",
        "---\nid: PI-2026.1\ntype: pi\ntitle: PI-2026.1\nstart: 2026-01-05\ncapacity:\n  team-1: [40, 40, 40, 40]\n  team-2: [30, 30, 30, 30]\n---\n",
    );
    common::write(
        dir,
        "backlog/epics/E-1.md",
        "---\nid: E-1\ntype: epic\ntitle: Self-service\nstatus: implementing\nbusiness_value: 8\ntime_criticality: 5\nrisk_reduction: 3\njob_size: 13\n---\n\n# Hypothesis\n\nCustomers serve themselves.\n",
    );
    for f in 1..=5 {
        common::write(
            dir,
            &format!("backlog/features/F-{f}.md"),
            &format!(
                "---\nid: F-{f}\ntype: feature\ntitle: Feature {f}\nstatus: ready\nparent: E-1\npi: PI-2026.1\nteam: [team-{}]\nbusiness_value: {f}\ntime_criticality: 3\nrisk_reduction: 2\njob_size: 5\n---\n\n# Benefit hypothesis\n\nFaster.\n\n# Acceptance criteria\n\n- [ ] works\n",
                1 + f % 2
            ),
        );
    }
    for s in 1..=stories {
        let broken = match s % 17 {
            0 => "status: nowhere\n",
            1 => "points: 7\n",
            2 => "colour: blue\n",
            _ => "",
        };
        let crlf = s % 23 == 0;
        let mut text = format!(
            "---\nid: S-{s}\ntype: story\ntitle: Story {s} [role]\nstatus: {}\nparent: F-{}\npoints: 3\n{broken}---\n\nAs a buyer, I want {s} so that it works.\n\n# Acceptance criteria\n\n- [x] first\n- [ ] second\n",
            ["backlog", "ready", "in-progress", "done"][s % 4],
            1 + s % 5
        );
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        common::write(dir, &format!("backlog/stories/S-{s}.md"), &text);
    }
    common::write(dir, "backlog/stories/bad.md", "no frontmatter here\n");
    std::fs::write(
        dir.join("backlog/stories/latin1.md"),
        b"---\nid: S-X\ntitle: caf\xe9\n---\n",
    )
    .unwrap();
}

#[test]
fn a_generated_backlog_reads_the_same_with_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    generated(dir.path(), 300);
    let cache = tempfile::tempdir().unwrap();
    assert_same_three_ways(dir.path(), cache.path(), READS);
}

/// Same size, same modification time (set back after the edit): the stat index still sees the
/// change (the change time and the racy rule), and the output is the edited file's.
#[test]
fn an_edit_after_the_cache_was_filled_is_seen() {
    let dir = common::temp_copy("demo");
    let cache = tempfile::tempdir().unwrap();
    let before = seen(&popm(
        dir.path(),
        cache.path(),
        &["list", "--format", "csv"],
    ));
    let file = dir.path().join("backlog/stories/S-1-request-reset-link.md");
    let original = std::fs::read_to_string(&file).unwrap();
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let title_line = original.lines().find(|l| l.starts_with("title: ")).unwrap();
    // The same number of bytes: only the letters change.
    let edited_title = title_line.to_uppercase().replacen("TITLE: ", "title: ", 1);
    assert_eq!(edited_title.len(), title_line.len());
    assert_ne!(edited_title, title_line);
    std::fs::write(&file, original.replacen(title_line, &edited_title, 1)).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        modified
    );
    let after = seen(&popm(
        dir.path(),
        cache.path(),
        &["list", "--format", "csv"],
    ));
    let without = seen(&popm(
        dir.path(),
        cache.path(),
        &["--no-cache", "list", "--format", "csv"],
    ));
    assert_eq!(after, without);
    assert_ne!(after, before);
    assert!(
        after.1.contains(&edited_title["title: ".len()..]),
        "{}",
        after.1
    );
}

/// The `popm-trace: io` lines of a run, by what they say (`read`, `cached`, `parse`, ...).
fn traced(dir: &Path, cache: &Path, args: &[&str]) -> (String, Vec<String>) {
    let out = common::popm(dir)
        .env("POPM_CACHE_DIR", cache)
        .env("POPM_TRACE", "io")
        .args(args)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("popm-trace: "))
        .filter_map(|l| l.split_once(' ').map(|(what, _)| what.to_string()))
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), said)
}

/// `popm check` over a work tree as recorded reads its checked result back: no parse decoded, no
/// rule run, no item file read but those its findings quote; and prints what it prints without
/// the cache. A touched file (same bytes) still finds it; another popm.toml or another byte in
/// one file is checked again, and the new result kept.
#[test]
fn an_unchanged_backlog_reads_its_checked_result_back() {
    let dir = common::temp_copy("broken");
    let cache = tempfile::tempdir().unwrap();
    // Past the second the copy was made in, so the records are trusted (git's racy rule).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let without = seen(&popm(dir.path(), cache.path(), &["--no-cache", "check"]));
    assert_eq!(without.0, Some(1));
    let quoted: std::collections::BTreeSet<&str> = without
        .1
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .filter_map(|l| l.split(':').next())
        .collect();
    assert!(quoted.len() >= 3, "{quoted:?}");
    let (_, filling) = traced(dir.path(), cache.path(), &["check"]);
    assert!(filling.iter().any(|w| w == "no-verdict"), "{filling:?}");
    let (out, said) = traced(dir.path(), cache.path(), &["check"]);
    assert_eq!(out, without.1);
    let count = |what: &str| said.iter().filter(|w| *w == what).count();
    assert_eq!(
        (
            count("verdict"),
            count("cached"),
            count("parse"),
            count("read-pack")
        ),
        (1, 0, 0, 0),
        "{said:?}"
    );
    // The texts of the files the findings quote, and no other.
    assert_eq!(count("read"), quoted.len(), "{said:?}");
    // A command that needs the items decodes them, and takes the findings kept (no rule run).
    let listed = seen(&popm(dir.path(), cache.path(), &["--no-cache", "list"]));
    let (out, said) = traced(dir.path(), cache.path(), &["list"]);
    assert_eq!(out, listed.1);
    assert!(said.iter().any(|w| w == "verdict"), "{said:?}");

    // Touched: the same bytes at the same path, so the same result (read and hashed once).
    let file = dir.path().join("backlog/F-1.md");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes).unwrap();
    let (out, said) = traced(dir.path(), cache.path(), &["check"]);
    assert_eq!(out, without.1);
    assert!(said.iter().any(|w| w == "verdict"), "{said:?}");

    // Another popm.toml: checked again, as without the cache.
    let config = dir.path().join("popm.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[rules]\nwsjf-scale = \"off\"\n");
    std::fs::write(&config, text).unwrap();
    let off = seen(&popm(dir.path(), cache.path(), &["--no-cache", "check"]));
    assert_ne!(off, without);
    let (out, said) = traced(dir.path(), cache.path(), &["check"]);
    assert_eq!(out, off.1);
    assert!(said.iter().any(|w| w == "no-verdict"), "{said:?}");
    let (out, said) = traced(dir.path(), cache.path(), &["check"]);
    assert_eq!(out, off.1);
    assert!(said.iter().any(|w| w == "verdict"), "{said:?}");

    // One byte of one file: checked again.
    let edited = String::from_utf8(bytes).unwrap().replacen("F-7", "F-8", 1);
    std::fs::write(&file, edited).unwrap();
    let changed = seen(&popm(dir.path(), cache.path(), &["--no-cache", "check"]));
    assert!(changed.1.contains("`F-8`"), "{}", changed.1);
    let (out, said) = traced(dir.path(), cache.path(), &["check"]);
    assert_eq!(out, changed.1);
    assert!(said.iter().any(|w| w == "no-verdict"), "{said:?}");
}

/// A file added, one removed and one renamed after the cache was filled.
#[test]
fn files_added_removed_and_renamed_are_seen() {
    let dir = common::temp_copy("demo");
    let cache = tempfile::tempdir().unwrap();
    popm(dir.path(), cache.path(), &["check"]);
    let stories = dir.path().join("backlog/stories");
    std::fs::rename(
        stories.join("S-1-request-reset-link.md"),
        stories.join("S-1-renamed.md"),
    )
    .unwrap();
    let victim = std::fs::read_dir(&stories)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| !p.ends_with("S-1-renamed.md"))
        .unwrap();
    std::fs::remove_file(victim).unwrap();
    common::write(
        dir.path(),
        "backlog/stories/S-99.md",
        "---\nid: S-99\ntype: story\ntitle: New one\n---\n",
    );
    assert_same_three_ways(
        dir.path(),
        cache.path(),
        &[&["check"], &["list", "--format", "json"]],
    );
}

/// The cache's files as files: each one's inode and modification time change whenever it is
/// written (a new file renamed over the old one); by the part of the name that says what it
/// holds (`parse`, `stat`, `check`).
fn identities(cache: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    pack_files(cache)
        .iter()
        .map(|pack| {
            let meta = std::fs::metadata(pack).unwrap();
            let name = pack.file_name().unwrap().to_string_lossy().into_owned();
            let what = ["stat", "check"]
                .into_iter()
                .find(|w| name.contains(&format!("-{w}-")))
                .unwrap_or("parse");
            (what.to_string(), meta.ino(), meta.modified().unwrap())
        })
        .collect()
}

/// The number `popm cache info` gives for the stat records.
fn stat_records(dir: &Path, cache: &Path) -> usize {
    let info = seen(&popm(dir, cache, &["cache", "info"])).1;
    let line = info.lines().find(|l| l.starts_with("entries: ")).unwrap();
    let (_, records) = line.split_once(", ").unwrap();
    records.trim_end_matches(" stat records").parse().unwrap()
}

/// A run that finds every file as recorded writes nothing (a warm `check` only stats the files);
/// a file removed since is a change of the stat index and of the checked result, each written
/// once (the parse pack learned nothing new, and is not); then nothing again.
#[cfg(unix)]
#[test]
fn the_pack_is_written_only_when_the_work_tree_changed() {
    let dir = common::temp_copy("demo");
    let cache = tempfile::tempdir().unwrap();
    // A file changed in the second its record is taken is read again (git's racy rule): let the
    // second the copy was made in pass, so the first run's records are trusted.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let without = seen(&popm(dir.path(), cache.path(), &["--no-cache", "check"]));
    assert_eq!(seen(&popm(dir.path(), cache.path(), &["check"])), without);
    let written = identities(cache.path());
    let kinds: Vec<&str> = written.iter().map(|w| w.0.as_str()).collect();
    assert_eq!(kinds, ["parse", "check", "stat"]);
    let records = stat_records(dir.path(), cache.path());
    assert!(records > 20, "{records}");
    for _ in 0..2 {
        assert_eq!(seen(&popm(dir.path(), cache.path(), &["check"])), without);
        assert_eq!(
            identities(cache.path()),
            written,
            "nothing changed: nothing is written"
        );
    }
    std::fs::remove_file(dir.path().join("backlog/stories/S-1-request-reset-link.md")).unwrap();
    let after = seen(&popm(dir.path(), cache.path(), &["--no-cache", "check"]));
    assert_ne!(after, without);
    assert_eq!(seen(&popm(dir.path(), cache.path(), &["check"])), after);
    let rewritten = identities(cache.path());
    let changed: Vec<bool> = written
        .iter()
        .zip(&rewritten)
        .map(|(before, now)| before != now)
        .collect();
    assert_eq!(
        changed,
        [false, true, true],
        "a file removed: the checked result and the stat index are written, not the parse pack"
    );
    assert_eq!(stat_records(dir.path(), cache.path()), records - 1);
    assert_eq!(seen(&popm(dir.path(), cache.path(), &["check"])), after);
    assert_eq!(identities(cache.path()), rewritten);
}

/// A damaged cache file (the parse pack, the stat index or the checked result; cut short, or
/// overwritten) is ignored: the output is the one without the cache, and the file is written
/// again whole once a run needs what it holds (`list` needs the parses).
#[test]
fn a_corrupt_pack_is_ignored_and_rebuilt() {
    let dir = common::temp_copy("broken");
    let cache = tempfile::tempdir().unwrap();
    let without = seen(&popm(dir.path(), cache.path(), &["--no-cache", "check"]));
    let listed = seen(&popm(dir.path(), cache.path(), &["--no-cache", "list"]));
    popm(dir.path(), cache.path(), &["check"]);
    let packs = pack_files(cache.path());
    assert_eq!(packs.len(), 3);
    for pack in &packs {
        let good = std::fs::read(pack).unwrap();
        let mut flipped = good.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0xff;
        for damaged in [
            good[..good.len() / 3].to_vec(),
            flipped,
            b"garbage".to_vec(),
            Vec::new(),
        ] {
            std::fs::write(pack, &damaged).unwrap();
            assert_eq!(seen(&popm(dir.path(), cache.path(), &["check"])), without);
            assert_eq!(seen(&popm(dir.path(), cache.path(), &["list"])), listed);
            // Written whole again: this build reads it (its times make its length vary).
            let info = popm(dir.path(), cache.path(), &["cache", "info"]);
            let info = String::from_utf8_lossy(&info.stdout).into_owned();
            assert!(
                info.contains("files: 3\n") && !info.contains("unusable"),
                "{}: {info}",
                pack.display()
            );
            assert!(!info.contains("entries: 0 "), "{info}");
            assert_eq!(seen(&popm(dir.path(), cache.path(), &["check"])), without);
        }
    }
}

/// Many popm processes filling and reading one cache at once: every one prints what popm prints
/// without a cache, and the pack left behind is whole.
#[test]
fn concurrent_runs_do_not_corrupt_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    generated(dir.path(), 200);
    let cache = tempfile::tempdir().unwrap();
    let without = seen(&popm(dir.path(), cache.path(), &["--no-cache", "check"]));
    for round in 0..3 {
        if round == 1 {
            // Some files change between rounds, so the runs write different packs.
            common::write(
                dir.path(),
                "backlog/stories/S-7.md",
                "---\nid: S-7\ntype: story\ntitle: Changed\n---\n",
            );
        }
        let expected = seen(&popm(dir.path(), cache.path(), &["--no-cache", "check"]));
        if round == 0 {
            assert_eq!(expected, without);
        }
        let children: Vec<_> = (0..6)
            .map(|_| {
                common::popm(dir.path())
                    .env("POPM_CACHE_DIR", cache.path())
                    .env_remove("POPM_NO_CACHE")
                    .arg("check")
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            assert_eq!(seen(&child.wait_with_output().unwrap()), expected);
        }
        let info = popm(dir.path(), cache.path(), &["cache", "info"]);
        let info = String::from_utf8_lossy(&info.stdout).into_owned();
        assert!(!info.contains("unusable"), "{info}");
        assert_eq!(seen(&popm(dir.path(), cache.path(), &["check"])), expected);
    }
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(cache.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert_eq!(names, Vec::<String>::new());
}

/// `popm cache info` counts what a run stored; `popm cache clear` removes it.
#[test]
fn cache_info_and_clear() {
    let dir = common::temp_copy("demo");
    let cache = tempfile::tempdir().unwrap();
    // The item files popm reads: one parse each, as the trace says.
    let traced = common::popm(dir.path())
        .env("POPM_TRACE", "io")
        .args(["--no-cache", "check"])
        .output()
        .unwrap();
    let items = String::from_utf8_lossy(&traced.stderr)
        .lines()
        .filter(|l| l.starts_with("popm-trace: parse "))
        .count();
    assert!(items > 20, "{items}");
    popm(dir.path(), cache.path(), &["check"]);
    let size: u64 = pack_files(cache.path())
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    let info = seen(&popm(dir.path(), cache.path(), &["cache", "info"]));
    assert_eq!(
        info.1,
        format!(
            "location: {}\nfiles: 3\nentries: {items} parsed files, {items} stat records\ncommits: 0\nsize: {size} bytes\n",
            cache.path().display()
        )
    );
    let clear = seen(&popm(dir.path(), cache.path(), &["cache", "clear"]));
    assert_eq!(
        clear,
        (
            Some(0),
            format!("removed 3 cache files from {}\n", cache.path().display()),
            String::new()
        )
    );
    assert_eq!(pack_files(cache.path()), Vec::<PathBuf>::new());
}

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Ann")
        .env("GIT_AUTHOR_EMAIL", "ann@example.com")
        .env("GIT_COMMITTER_NAME", "Ann")
        .env("GIT_COMMITTER_EMAIL", "ann@example.com")
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// `log`, `diff`, `flow`, `check --staged`, `--rev` and `--since` give the same output with the
/// cache cold, warm and bypassed; inside a repository the cache is in its git directory.
#[test]
fn history_reads_the_same_with_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    generated(dir.path(), 60);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    let date = |day: u32| format!("2026-01-{day:02}T10:00:00Z");
    let commit = |day: u32, message: &str| {
        let out = std::process::Command::new("git")
            .current_dir(dir.path())
            .args(["commit", "-q", "-m", message])
            .env("GIT_AUTHOR_NAME", "Ann")
            .env("GIT_AUTHOR_EMAIL", "ann@example.com")
            .env("GIT_COMMITTER_NAME", "Ann")
            .env("GIT_COMMITTER_EMAIL", "ann@example.com")
            .env("GIT_AUTHOR_DATE", date(day))
            .env("GIT_COMMITTER_DATE", date(day))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    };
    commit(5, "start");
    for (day, s) in [(8, 4), (12, 8), (15, 12)] {
        let file = dir.path().join(format!("backlog/stories/S-{s}.md"));
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(
            &file,
            text.replace("status: backlog", "status: in-progress"),
        )
        .unwrap();
        git(dir.path(), &["add", "."]);
        commit(day, "move");
    }
    git(dir.path(), &["branch", "base", "HEAD~2"]);
    let file = dir.path().join("backlog/stories/S-16.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("status: backlog", "status: done")).unwrap();
    git(dir.path(), &["add", "."]);
    let reads: &[&[&str]] = &[
        &["check", "--staged"],
        &["check", "--rev", "HEAD~1"],
        &["check", "--since", "base"],
        &["log", "S-4"],
        &["diff", "base"],
        &["diff", "base", "--format", "json"],
        &["flow", "--from", "2026-01-01", "--to", "2026-01-31"],
        &[
            "flow",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--format",
            "json",
        ],
        &["check"],
        &["list"],
    ];
    // Inside a repository, without POPM_CACHE_DIR: in its git directory.
    for args in reads {
        let run = |extra: &[&str]| {
            let out = common::popm(dir.path())
                .env_remove("POPM_CACHE_DIR")
                .env_remove("POPM_NO_CACHE")
                .env("POPM_TODAY", "2026-03-01")
                .args(extra)
                .args(*args)
                .output()
                .unwrap();
            seen(&out)
        };
        let without = run(&["--no-cache"]);
        assert_eq!(run(&[]), without, "cold {args:?}");
        assert_eq!(run(&[]), without, "warm {args:?}");
    }
    let in_git = pack_files(&dir.path().join(".git/popm/cache"));
    assert_eq!(
        in_git.len(),
        4,
        "the parse pack, the stat index, the checked result and the commit records: {in_git:?}"
    );
}

/// `[backlog] exclude` patterns match paths relative to the project (the folder popm.toml is in),
/// also when it sits below the repository's top, so the paths shown start with that folder: the
/// same files are left out with the cache bypassed, cold and warm.
#[test]
fn exclude_patterns_match_below_the_repository_top() {
    let dir = tempfile::tempdir().unwrap();
    common::git(dir.path(), &["init", "-q"]);
    let epic = "---\nid: E-1\ntype: epic\ntitle: Epic\n---\n## Hypothesis\nIt pays.\n";
    let broken = "---\nid: [\n---\n";
    common::write(
        dir.path(),
        "sub/popm.toml",
        "[backlog]\nexclude = [\"backlog/drafts/**\", \"README.md\"]\n",
    );
    common::write(dir.path(), "sub/backlog/E-1.md", epic);
    common::write(
        dir.path(),
        "sub/backlog/README.md",
        "# About this backlog\n",
    );
    common::write(dir.path(), "sub/backlog/drafts/E-2.md", broken);
    common::write(dir.path(), "sub/backlog/other/E-3.md", broken);
    let cache = tempfile::tempdir().unwrap();
    let project = dir.path().join("sub");
    let args = ["check", "--format", "concise"];
    let without = seen(&popm(
        &project,
        cache.path(),
        &[&["--no-cache"][..], &args].concat(),
    ));
    let files: Vec<&str> = without
        .1
        .lines()
        .filter_map(|l| l.split(':').next())
        .collect();
    assert_eq!(files, ["sub/backlog/other/E-3.md"], "{}", without.1);
    assert_eq!(seen(&popm(&project, cache.path(), &args)), without, "cold");
    assert_eq!(seen(&popm(&project, cache.path(), &args)), without, "warm");
}
