//! `popm portfolio fetch` and `check` over real git transport: the portfolio repository reads
//! `rail` from a bare repository served by `git daemon` on 127.0.0.1, `signal` through a
//! `file://` URL and `track` by a plain path. Every expectation below is computed by hand in the
//! comments next to it.

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{git, run, write};

const WSJF: &str = "wsjf: {business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5}";

/// git, and its daemon, are needed: without them the test says it skipped (and fails under
/// POPM_REQUIRE_TOOLS).
fn git_available() -> bool {
    common::tool_available(Command::new("git").arg("--version"), "git")
}

/// `git daemon` serving every repository under `base` on 127.0.0.1:`port`; killed when dropped.
/// The `git-daemon` program is started itself, not through `git daemon`: killing the `git`
/// wrapper would leave the daemon running after the test.
struct Daemon(Child);

impl Daemon {
    fn start(base: &Path, port: u16) -> Daemon {
        let exec_path = common::git(base, &["--exec-path"]);
        let child = Command::new(Path::new(exec_path.trim()).join("git-daemon"))
            .current_dir(base)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(["--reuseaddr", "--listen=127.0.0.1", "--export-all"])
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", base.display()))
            .arg(base)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("git daemon starts");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "git daemon did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Daemon(child)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nobody listens on right now (the system picks it).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("its address").port()
}

fn pi(dir: &Path, id: &str, start: &str) {
    write(
        dir,
        &format!("backlog/{id}.md"),
        &format!("---\nid: {id}\ntype: pi\ntitle: {id}\nstart: {start}\n---\n"),
    );
}

fn feature(dir: &Path, id: &str, extra: &str) {
    write(
        dir,
        &format!("backlog/{id}.md"),
        &format!(
            "---\nid: {id}\ntype: feature\ntitle: Feature {id}\n{extra}---\n## Benefit hypothesis\nIt helps.\n"
        ),
    );
}

fn epic(dir: &Path, id: &str, extra: &str) {
    write(
        dir,
        &format!("backlog/{id}.md"),
        &format!(
            "---\nid: {id}\ntype: epic\ntitle: Epic {id}\n{extra}{WSJF}\n---\n## Hypothesis\nIt pays.\n"
        ),
    );
}

/// An ART's work repository with two PIs (each 5 iterations of 2 weeks: PI-1 runs 2027-01-04 to
/// 2027-03-14, PI-2 from 2027-03-15) and its first commit.
fn art(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    pi(dir, "PI-1", "2027-01-04");
    pi(dir, "PI-2", "2027-03-15");
}

fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

struct Portfolio {
    _tmp: tempfile::TempDir,
    /// The portfolio repository, where popm runs.
    root: PathBuf,
    /// What `git daemon` serves (rail.git).
    served: PathBuf,
    /// rail's work repository, which pushes to the served bare one.
    rail: PathBuf,
    port: u16,
}

fn portfolio() -> Portfolio {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().canonicalize().unwrap();
    let (root, served) = (base.join("portfolio"), base.join("served"));
    let (rail, signal, track) = (base.join("rail"), base.join("signal"), base.join("track"));
    std::fs::create_dir_all(&served).unwrap();

    // rail: F-1 depends on signal's F-1 (planned for signal's PI-2, from 2027-03-15: later than
    // rail's PI-1, from 2027-01-04), on track's F-1 (track's PI-1, the same start: fine) and on
    // track's F-9 (none). F-2's parent E-9 is no epic of the portfolio, and its status is no state.
    art(&rail);
    feature(
        &rail,
        "F-1",
        "parent: portfolio:E-1\npi: PI-1\ndepends_on: [signal:F-1, track:F-1, track:F-9]\n",
    );
    feature(&rail, "F-2", "status: doing\nparent: portfolio:E-9\n");
    commit_all(&rail, "rail");
    git(&base, &["clone", "-q", "--bare", "rail", "served/rail.git"]);
    git(&rail, &["remote", "add", "origin", "../served/rail.git"]);

    // signal: served as file://, from a bare clone.
    art(&signal);
    feature(&signal, "F-1", "parent: portfolio:E-2\npi: PI-2\n");
    commit_all(&signal, "signal");
    git(
        &base,
        &["clone", "-q", "--bare", "signal", "served/signal.git"],
    );

    // track: a plain path to its work repository. `billing` is no backlog of the portfolio.
    art(&track);
    feature(
        &track,
        "F-1",
        "parent: portfolio:E-1\npi: PI-1\ndepends_on: [rail:F-1, billing:F-1]\n",
    );
    commit_all(&track, "track");

    // The portfolio: travel's budget is 500 a PI. Implementing: E-1 (300) and E-2 (250), so
    // 550 > 500; E-3 is only ready, its 100 does not count. E-4 has no value stream.
    std::fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q", "-b", "main"]);
    let port = free_port();
    write(
        &root,
        "popm.toml",
        &format!(
            "name = \"portfolio\"\n\n[portfolio]\narts = [\n  {{ name = \"rail\", url = \"git://127.0.0.1:{port}/rail.git\" }},\n  {{ name = \"signal\", url = \"file://{}\", ref = \"main\" }},\n  {{ name = \"track\", url = \"../track\" }},\n]\n\n[portfolio.value_streams.travel]\nbudget = 500\n",
            served.join("signal.git").display()
        ),
    );
    epic(
        &root,
        "E-1",
        "status: implementing\nvalue_stream: travel\nbudget: 300\n",
    );
    epic(
        &root,
        "E-2",
        "status: implementing\nvalue_stream: travel\nbudget: 250\n",
    );
    epic(
        &root,
        "E-3",
        "status: ready\nvalue_stream: travel\nbudget: 100\n",
    );
    epic(&root, "E-4", "status: ready\n");
    commit_all(&root, "portfolio");
    Portfolio {
        _tmp: tmp,
        root,
        served,
        rail,
        port,
    }
}

const CROSS: [&str; 4] = [
    "portfolio:backlog/E-2.md:7:9: error[guardrail-exceeded]: value stream `travel` is implementing epics of 550 per PI (E-1 300, E-2 250), over its budget of 500",
    "portfolio:backlog/E-4.md:1:1: warning[value-stream-missing]: this epic has no `value_stream`: no value stream owns it",
    "rail:backlog/F-1.md:7:14: error[dependency-later-pi]: depends on `signal:F-1`, planned for PI-2 (from 2027-03-15) in signal, later than this item's PI-1 (from 2027-01-04)",
    "rail:backlog/F-1.md:7:37: error[dependency-unknown]: dependency `track:F-9` is not an item of track",
];
const RAIL_F2: [&str; 2] = [
    "rail:backlog/F-2.md:5:9: error[status-unknown]: unknown status `doing` for a feature: expected funnel, analyzing, ready, implementing, validating, deploying, releasing or done",
    "rail:backlog/F-2.md:6:9: error[parent-unknown]: parent `portfolio:E-9` is not an item of portfolio",
];
const TRACK: &str = "track:backlog/F-1.md:7:24: error[dependency-unknown]: dependency `billing:F-1` names no backlog of the portfolio (it reads portfolio, rail, signal, track)";

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn fetch_then_check_offline_then_fetch_a_fix() {
    if !git_available() {
        return;
    }
    let p = portfolio();
    // Nothing fetched yet: each ART is one line, the portfolio's own findings are still given.
    let before = run(&p.root, &["portfolio", "check", "--format", "concise"]);
    assert_eq!(before.code, 2, "{}", before.stderr);
    assert_eq!(
        lines(&before.stderr),
        [
            "popm: error: ART rail: not fetched yet: run `popm portfolio fetch`",
            "popm: error: ART signal: not fetched yet: run `popm portfolio fetch`",
            "popm: error: ART track: not fetched yet: run `popm portfolio fetch`",
        ]
    );
    assert_eq!(lines(&before.stdout), [CROSS[0], CROSS[1]]);

    let daemon = Daemon::start(&p.served, p.port);
    let fetched = run(&p.root, &["portfolio", "fetch"]);
    assert_eq!(fetched.code, 0, "{}", fetched.stderr);
    let fetched = lines(&fetched.stdout);
    assert_eq!(fetched.len(), 3);
    for (line, name) in fetched.iter().zip(["rail", "signal", "track"]) {
        assert!(
            line.starts_with(&format!("{name}: ")) && line.ends_with(" (new)"),
            "{line}"
        );
    }
    drop(daemon);

    // The daemon is gone: check reads the cache.
    let offline = run(&p.root, &["portfolio", "check", "--format", "concise"]);
    assert_eq!(offline.stderr, "");
    assert_eq!(offline.code, 1);
    let mut expected: Vec<&str> = CROSS.to_vec();
    expected.extend(RAIL_F2);
    expected.push(TRACK);
    assert_eq!(lines(&offline.stdout), expected);
    // 14 items: the portfolio's 4 epics, rail's 2 PIs and 2 features, signal's and track's 2 PIs
    // and 1 feature each; 6 errors and 1 warning, as listed.
    let human = run(&p.root, &["portfolio", "check"]);
    assert!(
        human
            .stdout
            .ends_with("found 6 errors and 1 warning in 14 items\n"),
        "{}",
        human.stdout
    );
    // The lines quoted come from the ARTs' files too, though their parses came from the cache
    // (the texts are read only when a finding quotes them).
    assert!(
        human.stdout.contains("5 | status: doing\n"),
        "{}",
        human.stdout
    );

    // A fix pushed to rail: F-2 gets a known status and an existing parent.
    feature(&p.rail, "F-2", "status: funnel\nparent: portfolio:E-1\n");
    commit_all(&p.rail, "fix F-2");
    git(&p.rail, &["push", "-q", "origin", "main"]);
    // Not fetched yet: the cache still holds the old F-2.
    let stale = run(&p.root, &["portfolio", "check", "--format", "concise"]);
    assert!(stale.stdout.contains(RAIL_F2[0]), "{}", stale.stdout);
    let daemon = Daemon::start(&p.served, p.port);
    let refetched = run(
        &p.root,
        &["portfolio", "check", "--fetch", "--format", "concise"],
    );
    drop(daemon);
    assert_eq!(refetched.stderr, "");
    assert_eq!(refetched.code, 1);
    let mut expected: Vec<&str> = CROSS.to_vec();
    expected.push(TRACK);
    assert_eq!(lines(&refetched.stdout), expected);

    // The portfolio backlog: every epic's WSJF is (8 + 5 + 3) / 5 = 3.20, so the order is by id;
    // E-1 is realized by rail's F-1 and (since the fix) F-2, and by track's F-1; none is done.
    let backlog = run(&p.root, &["portfolio", "backlog"]);
    assert_eq!(backlog.code, 0, "{}", backlog.stderr);
    assert_eq!(
        lines(&backlog.stdout),
        [
            "  1. E-1  Epic E-1  [implementing]  WSJF 3.20  0/3 done (0%)",
            "       rail:F-1  Feature F-1  [funnel]  PI-1",
            "       rail:F-2  Feature F-2  [funnel]",
            "       track:F-1  Feature F-1  [funnel]  PI-1",
            "  2. E-2  Epic E-2  [implementing]  WSJF 3.20  0/1 done (0%)",
            "       signal:F-1  Feature F-1  [funnel]  PI-2",
            "  3. E-3  Epic E-3  [ready]  WSJF 3.20  no features in the ARTs",
            "  4. E-4  Epic E-4  [ready]  WSJF 3.20  no features in the ARTs",
        ]
    );

    // The roadmap: E-1's work is rail's F-1 and track's F-1 in PI-1 (both from 2027-01-04, one
    // row) and rail's F-2 in no PI; E-2's is signal's F-1 in PI-2.
    let roadmap = run(&p.root, &["portfolio", "roadmap"]);
    assert_eq!(roadmap.code, 0, "{}", roadmap.stderr);
    assert_eq!(
        lines(&roadmap.stdout),
        [
            "E-1  Epic E-1",
            "  PI-1 (from 2027-01-04)    rail:F-1 [funnel], track:F-1 [funnel]",
            "  no PI                     rail:F-2 [funnel]",
            "E-2  Epic E-2",
            "  PI-2 (from 2027-03-15)    signal:F-1 [funnel]",
            "E-3  Epic E-3",
            "  no features in the ARTs",
            "E-4  Epic E-4",
            "  no features in the ARTs",
        ]
    );

    // The portfolio Kanban: E-3 and E-4 ready, E-1 and E-2 implementing.
    let board = run(&p.root, &["portfolio", "board"]);
    assert_eq!(board.code, 0, "{}", board.stderr);
    let header = board.stdout.lines().nth(1).unwrap_or_default().to_string();
    for column in ["funnel (0)", "ready (2)", "implementing (2)", "done (0)"] {
        assert!(header.contains(column), "{header}");
    }
}

#[test]
fn an_unreachable_art_is_one_line_and_the_others_are_checked() {
    if !git_available() {
        return;
    }
    let p = portfolio();
    // No daemon at all: rail cannot be fetched; signal and track can.
    let fetched = run(&p.root, &["portfolio", "fetch"]);
    assert_eq!(fetched.code, 2);
    let refused = format!(
        "popm: error: ART rail: cannot fetch from git://127.0.0.1:{}/rail.git: Connection refused (os error 111)",
        p.port
    );
    assert_eq!(lines(&fetched.stderr), [refused.as_str()]);
    assert_eq!(fetched.stdout.lines().count(), 2, "{}", fetched.stdout);
    let kept = run(&p.root, &["portfolio", "fetch", "--keep-going"]);
    assert_eq!(kept.code, 0);
    assert_eq!(lines(&kept.stderr), [refused.as_str()]);

    // check --fetch: one line for rail (not a second one for its empty cache), the others
    // checked; rail's references are not judged (dependency-unknown on rail:F-1 is not said).
    let checked = run(
        &p.root,
        &["portfolio", "check", "--fetch", "--format", "concise"],
    );
    assert_eq!(checked.code, 2);
    assert_eq!(lines(&checked.stderr), [refused.as_str()]);
    assert_eq!(lines(&checked.stdout), [CROSS[0], CROSS[1], TRACK]);
    let going = run(
        &p.root,
        &[
            "portfolio",
            "check",
            "--fetch",
            "--keep-going",
            "--format",
            "concise",
        ],
    );
    assert_eq!(going.code, 1);
}

/// python3 (the HTTP server in front of `git http-backend`) and openssl (the test's certificates)
/// are needed besides git: without them the HTTP tests say they skipped (and fail under
/// POPM_REQUIRE_TOOLS).
fn http_tools_available() -> bool {
    git_available()
        && common::tool_available(Command::new("python3").arg("--version"), "python3")
        && common::tool_available(Command::new("openssl").arg("version"), "openssl")
}

/// `git http-backend` serving every repository under `base` over HTTP on 127.0.0.1, or over HTTPS
/// with `tls` (certificate, key); the port is the system's pick, which the server prints first.
/// Killed when dropped.
struct HttpServer {
    child: Child,
    port: u16,
}

impl HttpServer {
    fn start(base: &Path, tls: Option<(&Path, &Path)>) -> HttpServer {
        use std::io::BufRead;
        let script = common::root().join("tests/portfolio/http_backend.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script).arg(base);
        if let Some((certificate, key)) = tls {
            cmd.arg(certificate).arg(key);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 starts");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("its stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server says its port");
        let port = line.trim().parse().expect("a port number");
        HttpServer { child, port }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private CA (`ca.pem`) and a certificate it signed for 127.0.0.1 (`server.pem`, `server.key`),
/// made by openssl in `dir`; the paths of the CA, the certificate and its key.
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let ca: Vec<&str> = ["req", "-x509"]
        .into_iter()
        .chain(ec)
        .chain([
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=popm test CA",
        ])
        .collect();
    openssl(&ca);
    let request: Vec<&str> = ["req"]
        .into_iter()
        .chain(ec)
        .chain([
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .collect();
    openssl(&request);
    write(
        dir,
        "server.ext",
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    );
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}

/// popm with `GIT_SSL_CAINFO` set to `ca` (or unset), and no other source of trusted roots
/// from the environment.
fn run_trusting(dir: &Path, ca: Option<&Path>, args: &[&str]) -> common::Run {
    let mut cmd = common::popm(dir);
    cmd.env_remove("SSL_CERT_FILE").env_remove("SSL_CERT_DIR");
    match ca {
        Some(ca) => cmd.env("GIT_SSL_CAINFO", ca),
        None => cmd.env_remove("GIT_SSL_CAINFO"),
    };
    let out = cmd.args(args).output().expect("run popm");
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn fetch_over_http_and_over_https_with_a_private_ca() {
    if !http_tools_available() {
        return;
    }
    let p = portfolio();
    let base = p.root.parent().unwrap().to_path_buf();
    let (ca, certificate, key) = certificates(&base);
    let http = HttpServer::start(&p.served, None);
    let https = HttpServer::start(&p.served, Some((&certificate, &key)));
    // rail over plain HTTP, signal over HTTPS with a certificate of the test's own CA.
    write(
        &p.root,
        "popm.toml",
        &format!(
            "name = \"portfolio\"\n\n[portfolio]\narts = [\n  {{ name = \"rail\", url = \"http://127.0.0.1:{}/rail.git\" }},\n  {{ name = \"signal\", url = \"https://127.0.0.1:{}/signal.git\" }},\n  {{ name = \"track\", url = \"../track\" }},\n]\n\n[portfolio.value_streams.travel]\nbudget = 500\n",
            http.port, https.port
        ),
    );

    // The CA is not trusted yet: signal is one line, the others are fetched.
    let untrusted = run_trusting(&p.root, None, &["portfolio", "fetch"]);
    assert_eq!(untrusted.code, 2, "{}", untrusted.stderr);
    let signal_url = format!("https://127.0.0.1:{}/signal.git", https.port);
    assert_eq!(
        lines(&untrusted.stderr),
        [format!("popm: error: ART signal: cannot fetch from {signal_url}: invalid peer certificate: UnknownIssuer").as_str()]
    );
    assert_eq!(lines(&untrusted.stdout).len(), 2, "{}", untrusted.stdout);
    assert!(
        untrusted.stdout.starts_with("rail: "),
        "{}",
        untrusted.stdout
    );

    // A CA file that is not there is said as such, before any connection.
    let missing = base.join("missing.pem");
    let unread = run_trusting(
        &p.root,
        Some(&missing),
        &["portfolio", "fetch", "--keep-going"],
    );
    assert_eq!(unread.code, 0);
    assert_eq!(
        lines(&unread.stderr),
        [format!(
            "popm: error: ART signal: GIT_SSL_CAINFO={}: cannot read it: No such file or directory (os error 2)",
            missing.display()
        )
        .as_str()]
    );

    // Trusted through GIT_SSL_CAINFO, as git does.
    let trusted = run_trusting(&p.root, Some(&ca), &["portfolio", "fetch"]);
    assert_eq!(trusted.code, 0, "{}", trusted.stderr);
    assert_eq!(trusted.stderr, "");
    let fetched = lines(&trusted.stdout);
    assert_eq!(fetched.len(), 3, "{}", trusted.stdout);
    assert!(fetched[0].starts_with("rail: ") && fetched[0].ends_with(" (unchanged)"));
    assert!(fetched[1].starts_with("signal: ") && fetched[1].ends_with(" (new)"));
    drop((http, https));

    // Both servers are gone: check reads the cache, with the findings of the git:// test.
    let offline = run(&p.root, &["portfolio", "check", "--format", "concise"]);
    assert_eq!(offline.stderr, "");
    assert_eq!(offline.code, 1);
    let mut expected: Vec<&str> = CROSS.to_vec();
    expected.extend(RAIL_F2);
    expected.push(TRACK);
    assert_eq!(lines(&offline.stdout), expected);
}

#[test]
fn a_password_in_a_url_is_never_shown() {
    if !git_available() {
        return;
    }
    let p = portfolio();
    // Nobody listens on that port: the error names the URL, without its password.
    let port = free_port();
    write(
        &p.root,
        "popm.toml",
        &format!(
            "name = \"portfolio\"\n\n[portfolio]\narts = [\n  {{ name = \"rail\", url = \"https://ann:pa55word@127.0.0.1:{port}/rail.git\" }},\n]\n"
        ),
    );
    let fetched = run(&p.root, &["portfolio", "fetch"]);
    assert_eq!(fetched.code, 2);
    let refused = format!(
        "popm: error: ART rail: cannot fetch from https://ann:***@127.0.0.1:{port}/rail.git: Connection refused (os error 111)"
    );
    assert_eq!(lines(&fetched.stderr), [refused.as_str()]);
    let checked = run(&p.root, &["portfolio", "check", "--fetch"]);
    for output in [
        &fetched.stderr,
        &fetched.stdout,
        &checked.stderr,
        &checked.stdout,
    ] {
        assert!(!output.contains("pa55word"), "{output}");
    }
}

#[test]
fn each_art_has_its_parse_cache_inside_the_portfolio_git_directory() {
    if !git_available() {
        return;
    }
    let p = portfolio();
    let base = p.root.parent().unwrap().to_path_buf();
    // Only the ARTs read from this machine (no daemon needed): signal and track.
    write(
        &p.root,
        "popm.toml",
        &format!(
            "name = \"portfolio\"\n\n[portfolio]\narts = [\n  {{ name = \"signal\", url = \"file://{}\" }},\n  {{ name = \"track\", url = \"../track\" }},\n]\n\n[portfolio.value_streams.travel]\nbudget = 500\n",
            p.served.join("signal.git").display()
        ),
    );
    // No POPM_CACHE_DIR: the cache goes where it goes for a user; the platform's folder is the
    // test's own, to see that nothing lands there.
    let home = base.join("home");
    let traced = || {
        let out = common::popm(&p.root)
            .env_remove("POPM_CACHE_DIR")
            .env("HOME", &home)
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("POPM_TRACE", "io")
            .args(["portfolio", "check", "--format", "concise"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        stderr
            .lines()
            .filter(|l| l.starts_with("popm-trace: read-git "))
            .count()
    };
    assert_eq!(run(&p.root, &["portfolio", "fetch"]).code, 0);
    // signal and track hold 3 files each (PI-1, PI-2, F-1): read from git once, then from the
    // parse cache.
    assert_eq!(traced(), 6);
    assert_eq!(traced(), 0);
    for art in ["signal", "track"] {
        let dir = p
            .root
            .join(format!(".git/popm/portfolio/{art}.git/popm/cache"));
        let packs: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("parse-") && n.ends_with(".pack"))
            .collect();
        assert_eq!(packs.len(), 1, "{art}: {packs:?}");
    }
    assert!(!home.join("cache/popm").exists());
}

#[test]
fn a_large_fetch_is_one_pack_and_a_small_one_loose() {
    if !git_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().canonicalize().unwrap();
    let (root, big) = (base.join("portfolio"), base.join("big"));
    // 120 features of E-1: 120 blobs, a PI's blob, 2 trees and a commit, 124 objects to copy.
    art(&big);
    for n in 1..=120 {
        feature(&big, &format!("F-{n}"), "parent: portfolio:E-1\n");
    }
    commit_all(&big, "big");
    std::fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q", "-b", "main"]);
    write(
        &root,
        "popm.toml",
        "name = \"portfolio\"\n\n[portfolio]\narts = [{ name = \"big\", url = \"../big\" }]\n\n[portfolio.value_streams.travel]\nbudget = 500\n",
    );
    epic(
        &root,
        "E-1",
        "status: implementing\nvalue_stream: travel\nbudget: 300\n",
    );
    assert_eq!(run(&root, &["portfolio", "fetch"]).code, 0);
    let objects = root.join(".git/popm/portfolio/big.git/objects");
    let listed = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let pack = listed(&objects.join("pack"));
    assert_eq!(pack.len(), 2, "{pack:?}");
    assert!(
        pack[0].starts_with("pack-") && pack[0].ends_with(".idx"),
        "{pack:?}"
    );
    assert!(pack[1].ends_with(".pack"), "{pack:?}");
    // Nothing loose: only `info` and `pack`.
    assert_eq!(listed(&objects), ["info", "pack"]);
    let backlog = run(&root, &["portfolio", "backlog"]);
    assert_eq!(backlog.code, 0, "{}", backlog.stderr);
    assert_eq!(
        backlog.stdout.lines().next(),
        Some("  1. E-1  Epic E-1  [implementing]  WSJF 3.20  0/120 done (0%)")
    );
    assert_eq!(backlog.stdout.lines().count(), 121);

    // One changed feature: its blob, 2 trees and a commit are written loose, next to the pack.
    feature(&big, "F-7", "status: doing\nparent: portfolio:E-1\n");
    commit_all(&big, "F-7 doing");
    assert_eq!(run(&root, &["portfolio", "fetch"]).code, 0);
    assert_eq!(listed(&objects.join("pack")), pack);
    let loose: usize = listed(&objects)
        .iter()
        .filter(|name| name.len() == 2)
        .map(|name| listed(&objects.join(name)).len())
        .sum();
    assert_eq!(loose, 4);
    let checked = run(&root, &["portfolio", "check", "--format", "concise"]);
    assert_eq!(
        lines(&checked.stdout),
        [
            "big:backlog/F-7.md:5:9: error[status-unknown]: unknown status `doing` for a feature: expected funnel, analyzing, ready, implementing, validating, deploying, releasing or done"
        ]
    );
}
