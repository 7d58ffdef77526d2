//! Writes a synthetic SAFe backlog for benchmarks: `cargo run --release --example generate --
//! --items 10000 --out /tmp/backlog-10k [--seed 7] [--defects 0.01] [--commits 50]`.
//!
//! Epics, features and stories come about 1 : 10 : 100, a tenth of them enablers, with PIs that
//! have capacity, bodies of about 1 KB with acceptance criteria, and a chosen fraction of items
//! broken in a way some rule catches. The same seed gives the same files. With `--commits M`, the
//! folder becomes a git repository whose history moves statuses over M commits, one an hour from
//! 2027-01-04 00:00 UTC (for the git and history commands: `popm flow`, `popm log`); that part
//! uses the `git` command line (`git fast-import`), since this is a test tool, not popm.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// splitmix64: a small, good, deterministic generator (no dependency needed for test data).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        unit < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const SCALE: [u32; 7] = [1, 2, 3, 5, 8, 13, 20];
const POINTS: [u32; 6] = [1, 2, 3, 5, 8, 13];
const WORDS: [&str; 16] = [
    "checkout", "payment", "account", "search", "catalog", "order", "invoice", "report", "login",
    "profile", "cart", "shipping", "refund", "audit", "export", "alert",
];
const ENABLERS: [&str; 4] = [
    "exploration",
    "architectural",
    "infrastructure",
    "compliance",
];

struct Options {
    items: usize,
    out: PathBuf,
    seed: u64,
    defects: f64,
    commits: usize,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        items: 1000,
        out: PathBuf::from("backlog-bench"),
        seed: 7,
        defects: 0.01,
        commits: 0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--items" => o.items = value()?.parse().map_err(|e| format!("--items: {e}"))?,
            "--out" => o.out = PathBuf::from(value()?),
            "--seed" => o.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--defects" => o.defects = value()?.parse().map_err(|e| format!("--defects: {e}"))?,
            "--commits" => o.commits = value()?.parse().map_err(|e| format!("--commits: {e}"))?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(o)
}

fn title(rng: &mut Rng) -> String {
    let first = *rng.pick(&WORDS);
    let second = *rng.pick(&WORDS);
    let last = *rng.pick(&["flow", "view", "rules", "service", "api"]);
    format!("{} {second} {last}", capital(first))
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

fn body(rng: &mut Rng, kind: &str, enabler: bool) -> String {
    let mut b = String::new();
    match kind {
        "epic" => b.push_str("## Hypothesis\nFor customers who wait on support, the portal lets them serve themselves.\n\n"),
        "feature" => b.push_str("## Benefit hypothesis\nSupport calls about this drop by a quarter within a PI.\n\n"),
        _ if !enabler => b.push_str("As a customer, I want to finish this on my own so that I do not wait.\n\n"),
        _ => b.push_str("Replace the polling job with events so that the service scales.\n\n"),
    }
    b.push_str("## Notes\n");
    for _ in 0..6 {
        let _ = writeln!(
            b,
            "The {} team noted that the {} depends on the {} and must be verified in staging first.",
            rng.pick(&WORDS),
            rng.pick(&WORDS),
            rng.pick(&WORDS)
        );
    }
    b.push_str("\n## Acceptance criteria\n");
    for i in 0..3 {
        let _ = writeln!(
            b,
            "- [ ] Given a {} {i}, when the user acts, then the {} updates",
            rng.pick(&WORDS),
            rng.pick(&WORDS)
        );
    }
    b
}

fn wsjf(rng: &mut Rng) -> String {
    format!(
        "wsjf: {{business_value: {}, time_criticality: {}, risk_reduction: {}, job_size: {}}}\n",
        rng.pick(&SCALE),
        rng.pick(&SCALE),
        rng.pick(&SCALE),
        rng.pick(&SCALE)
    )
}

fn write(dir: &Path, name: &str, text: &str) -> Result<(), String> {
    std::fs::write(dir.join(name), text).map_err(|e| format!("cannot write {name}: {e}"))
}

fn main() {
    if let Err(e) = run() {
        eprintln!("generate: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let o = options()?;
    let mut rng = Rng(o.seed);
    let epics = (o.items / 111).max(1);
    let features = epics * 10;
    let stories = o.items.saturating_sub(epics + features + 4);
    let teams: Vec<String> = (1..=10).map(|t| format!("team-{t}")).collect();
    let root = &o.out;
    for sub in ["epics", "features", "stories", "pis"] {
        std::fs::create_dir_all(root.join("backlog").join(sub)).map_err(|e| e.to_string())?;
    }
    write(
        root,
        "popm.toml",
        &format!(
            "teams = [{}]\n",
            teams
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )?;
    let pis = ["PI-2027.1", "PI-2027.2", "PI-2027.3", "PI-2027.4"];
    for (n, pi) in pis.iter().enumerate() {
        let mut t = format!(
            "---\nid: {pi}\ntype: pi\ntitle: {pi}\nstart: 2027-{:02}-04\niterations: 5\ncapacity:\n",
            1 + 3 * n
        );
        for team in &teams {
            let _ = writeln!(t, "  {team}: [40, 40, 40, 32]");
        }
        t.push_str("objectives:\n");
        for team in &teams {
            let _ = writeln!(
                t,
                "  - {{team: {team}, text: Ship the plan, business_value: 8, committed: true, actual_value: 7}}"
            );
        }
        t.push_str("---\n");
        write(&root.join("backlog/pis"), &format!("{pi}.md"), &t)?;
    }
    let defect = |rng: &mut Rng| rng.chance(o.defects);
    // Per feature: (enabler, done), so stories follow their feature.
    let mut feature_facts = Vec::with_capacity(features);
    for e in 1..=epics {
        let enabler = rng.chance(0.1);
        let mut t = format!(
            "---\nid: E-{e}\ntype: epic\ntitle: {}\nstatus: implementing\n",
            title(&mut rng)
        );
        if enabler {
            let _ = writeln!(t, "enabler: {}", rng.pick(&ENABLERS));
        }
        t.push_str(&wsjf(&mut rng));
        t.push_str("---\n");
        t.push_str(&body(&mut rng, "epic", enabler));
        write(&root.join("backlog/epics"), &format!("E-{e}.md"), &t)?;
    }
    for f in 1..=features {
        let enabler = rng.chance(0.1);
        let parent = 1 + (f - 1) / 10;
        let status = if defect(&mut rng) {
            "doing"
        } else {
            *rng.pick(&["analyzing", "ready", "implementing", "done"])
        };
        let done_feature = status == "done";
        feature_facts.push((enabler, done_feature));
        let mut t = format!(
            "---\nid: F-{f}\ntype: feature\ntitle: {}\nstatus: {status}\nparent: E-{parent}\n",
            title(&mut rng)
        );
        let _ = writeln!(t, "team: [{}]", rng.pick(&teams));
        let _ = writeln!(t, "pi: {}", rng.pick(&pis));
        if enabler {
            let _ = writeln!(t, "enabler: {}", rng.pick(&ENABLERS));
        }
        let _ = writeln!(t, "estimate: {}", rng.pick(&POINTS));
        t.push_str(&if defect(&mut rng) {
            "wsjf: {business_value: 4, job_size: 5}\n".to_string()
        } else {
            wsjf(&mut rng)
        });
        t.push_str("---\n");
        let b = body(&mut rng, "feature", enabler);
        let b = if done_feature {
            b.replace("- [ ]", "- [x]")
        } else {
            b
        };
        t.push_str(&if defect(&mut rng) {
            b.replace("## Benefit hypothesis", "## Background")
        } else {
            b
        });
        write(&root.join("backlog/features"), &format!("F-{f}.md"), &t)?;
    }
    for s in 1..=stories {
        let parent = if defect(&mut rng) {
            features + 1 + s
        } else {
            1 + (s - 1) % features
        };
        let (enabler_feature, done_feature) = feature_facts
            .get(parent - 1)
            .copied()
            .unwrap_or((false, false));
        let enabler = enabler_feature || rng.chance(0.05);
        let status = if done_feature {
            "done"
        } else {
            *rng.pick(&["backlog", "ready", "in-progress", "review", "done"])
        };
        let mut t = format!(
            "---\nid: S-{s}\ntype: story\ntitle: {}\nstatus: {status}\nparent: F-{parent}\n",
            title(&mut rng)
        );
        let _ = writeln!(t, "team: {}", rng.pick(&teams));
        let _ = writeln!(t, "iteration: {}", 1 + rng.below(4));
        let _ = writeln!(
            t,
            "points: {}",
            if defect(&mut rng) {
                4
            } else {
                *rng.pick(&POINTS)
            }
        );
        if enabler {
            let _ = writeln!(t, "enabler: {}", rng.pick(&ENABLERS));
        }
        t.push_str("---\n");
        let b = body(&mut rng, "story", enabler);
        let b = if status == "done" {
            b.replace("- [ ]", "- [x]")
        } else {
            b
        };
        t.push_str(&b);
        write(&root.join("backlog/stories"), &format!("S-{s}.md"), &t)?;
    }
    if o.commits > 0 {
        history(root, &o, &mut rng, stories)?;
    }
    println!(
        "wrote {} items into {}",
        epics + features + stories + pis.len(),
        root.display()
    );
    Ok(())
}

/// A git history, written with `git fast-import` (thousands of commits in seconds): everything in
/// one commit at 2027-01-04 00:00 UTC, then one commit an hour, each moving five random stories one
/// state forward; every 250th commit also moves one story file into `backlog/stories/moved/`
/// (renames must keep an item's history).
fn history(root: &Path, o: &Options, rng: &mut Rng, stories: usize) -> Result<(), String> {
    use std::io::Write as _;
    let git = |args: &[&str]| -> Result<std::process::Child, String> {
        std::process::Command::new("git")
            .current_dir(root)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("git: {e}"))
    };
    let wait = |child: std::process::Child, what: &str| -> Result<(), String> {
        let out = child
            .wait_with_output()
            .map_err(|e| format!("git {what}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("git {what} failed"))
        }
    };
    wait(git(&["init", "-q", "-b", "main"])?, "init")?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    collect(root, root, &mut files)?;
    let mut stream: Vec<u8> = Vec::new();
    let start: i64 = 1_799_020_800; // 2027-01-04T00:00:00Z
    let commit = |stream: &mut Vec<u8>, n: usize, message: &str| {
        let _ = write!(
            stream,
            "commit refs/heads/main\ncommitter Bench <bench@example.com> {} +0000\ndata {}\n{message}\n",
            start + 3600 * n as i64,
            message.len()
        );
    };
    let file = |stream: &mut Vec<u8>, path: &str, bytes: &[u8]| {
        let _ = write!(stream, "M 100644 inline {path}\ndata {}\n", bytes.len());
        stream.extend_from_slice(bytes);
        stream.push(b'\n');
    };
    commit(&mut stream, 0, "backlog");
    for (path, bytes) in &files {
        file(&mut stream, path, bytes);
    }
    let mut texts: Vec<(String, String)> = (1..=stories)
        .map(|s| {
            let path = format!("backlog/stories/S-{s}.md");
            let text = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
            (path, text)
        })
        .collect();
    let mut moved = Vec::new();
    let flow = ["backlog", "ready", "in-progress", "review", "done"];
    for c in 1..=o.commits {
        commit(&mut stream, c, &format!("move stories ({c})"));
        for _ in 0..5 {
            let s = rng.below(stories.max(1) as u64) as usize;
            let Some((path, text)) = texts.get_mut(s) else {
                continue;
            };
            let current = flow
                .iter()
                .position(|f| text.contains(&format!("status: {f}\n")))
                .unwrap_or(0);
            if current + 1 < flow.len() {
                *text = text.replacen(
                    &format!("status: {}\n", flow[current]),
                    &format!("status: {}\n", flow[current + 1]),
                    1,
                );
                file(&mut stream, path, text.as_bytes());
            }
        }
        if c % 250 == 0 {
            let s = rng.below(stories.max(1) as u64) as usize;
            if let Some((path, text)) = texts.get_mut(s)
                && !path.contains("/moved/")
            {
                let _ = writeln!(stream, "D {path}");
                moved.push(path.clone());
                *path = format!("backlog/stories/moved/S-{}.md", s + 1);
                file(&mut stream, path, text.as_bytes());
            }
        }
    }
    let mut child = git(&["fast-import", "--quiet"])?;
    child
        .stdin
        .take()
        .ok_or("git fast-import has no stdin")?
        .write_all(&stream)
        .map_err(|e| format!("git fast-import: {e}"))?;
    wait(child, "fast-import")?;
    for path in moved {
        let _ = std::fs::remove_file(root.join(path));
    }
    wait(git(&["reset", "-q", "--hard", "main"])?, "reset")?;
    Ok(())
}

/// Every file under `dir`, as (path relative to `root` with `/`, bytes), in path order.
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_name() == ".git" {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, out)?;
        } else {
            let relative = path
                .strip_prefix(root)
                .map_err(|e| e.to_string())?
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {relative}: {e}"))?;
            out.push((relative, bytes));
        }
    }
    Ok(())
}
