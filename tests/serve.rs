//! `popm serve` over real HTTP on loopback: the real binary started with `--port 0`, its URL read
//! from the first line of its stdout, requests sent through a plain TCP socket (HTTP/1.1, one
//! request per connection), the server killed at the end. No sleeps: waits poll with a deadline.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{popm, run, temp_copy};

/// What the issue promises: a change on disk is served within a second; a stop takes less.
const WITHIN: Duration = Duration::from_secs(1);

struct Server {
    child: Child,
    url: String,
    addr: SocketAddr,
}

impl Server {
    fn start(dir: &Path) -> Server {
        Server::start_with(dir, &[])
    }

    fn start_with(dir: &Path, args: &[&str]) -> Server {
        let mut child = popm(dir)
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start popm serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim_end().to_string();
        let addr = url
            .strip_prefix("http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("first line is not the URL: {line:?}"))
            .parse()
            .unwrap();
        Server { child, url, addr }
    }

    fn origin(&self) -> String {
        self.url.trim_end_matches('/').to_string()
    }

    fn host(&self) -> String {
        self.addr.to_string()
    }

    fn get(&self, path: &str) -> Answer {
        self.send("GET", path, &[("Host", &self.host())], "")
    }

    /// A POST as the server's own page sends it.
    fn post(&self, path: &str, body: &str, extra: &[(&str, &str)]) -> Answer {
        let host = self.host();
        let origin = self.origin();
        let mut headers = vec![
            ("Host", host.as_str()),
            ("Origin", origin.as_str()),
            ("Content-Type", "application/json"),
        ];
        headers.extend_from_slice(extra);
        self.send("POST", path, &headers, body)
    }

    fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .write_all(request(method, path, headers, body).as_bytes())
            .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        Answer::parse(&raw)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    if method != "GET" {
        text.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text
}

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn parse(raw: &[u8]) -> Answer {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Answer {
            status,
            headers,
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }
}

const S3: &str = "backlog/stories/S-3-reset-audit-entry.md";

fn read(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap()
}

#[test]
fn the_first_line_is_the_url_and_the_records_are_the_clis() {
    let dir = temp_copy("demo");
    let d = dir.path();
    let server = Server::start(d);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    assert_ne!(server.addr.port(), 0);
    for (path, args) in [
        ("/api/items", vec!["list", "--format", "json"]),
        ("/api/items/F-1", vec!["show", "F-1", "--format", "json"]),
        ("/api/backlog", vec!["backlog", "--format", "json"]),
        (
            "/api/pi/PI-2027.1",
            vec!["pi", "ready", "PI-2027.1", "--format", "json"],
        ),
        ("/api/check", vec!["check", "--format", "json"]),
    ] {
        let answer = server.get(path);
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        let cli = run(d, &args);
        let served: serde_json::Value = answer.json();
        let printed: serde_json::Value = serde_json::from_str(&cli.stdout).unwrap();
        assert_eq!(served, printed, "{path}");
    }
    // The version of an item is the git blob id of its file.
    let answer = server.get("/api/items/S-3");
    assert_eq!(
        answer.header("etag"),
        Some("\"525099a737564f91a8fdc8bc30d567bbde9349ad\"")
    );
    assert_eq!(server.get("/api/items/S-99").status, 404);
    assert_eq!(server.get("/api/pi/PI-1999.1").status, 404);
}

#[test]
fn a_valid_move_and_set_land_and_answer_the_new_record() {
    let dir = temp_copy("demo");
    let d = dir.path();
    let server = Server::start(d);
    let moved = server.post("/api/items/S-3/move", r#"{"status": "ready"}"#, &[]);
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(moved.json()["status"], "ready");
    let text = String::from_utf8(read(d, S3)).unwrap();
    assert!(text.contains("\nstatus: ready\n"), "{text}");

    let set = server.post(
        "/api/items/S-3/set",
        r#"{"fields": {"iteration": "2", "owner": "Ana <b>"}}"#,
        &[],
    );
    assert_eq!(set.status, 200, "{}", set.body);
    let record = set.json();
    assert_eq!(record["iteration"], 2);
    assert_eq!(record["owner"], "Ana <b>");
    // The record is the CLI's, and the ETag is the new file's version.
    let shown: serde_json::Value =
        serde_json::from_str(&run(d, &["show", "S-3", "--format", "json"]).stdout).unwrap();
    assert_eq!(record, shown);
    let etag = set.header("etag").unwrap().to_string();
    assert_eq!(
        server.get("/api/items/S-3").header("etag"),
        Some(etag.as_str())
    );
    assert_eq!(run(d, &["check"]).code, 0);
}

#[test]
fn an_edit_that_adds_an_error_is_422_and_the_file_is_untouched() {
    let dir = temp_copy("demo");
    let d = dir.path();
    let server = Server::start(d);
    let before = read(d, S3);
    let answer = server.post(
        "/api/items/S-3/set",
        r#"{"fields": {"parent": "F-99"}}"#,
        &[],
    );
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert_eq!(
        answer.json(),
        serde_json::json!({
            "error": "nothing written: the change would add 1 error",
            "diagnostics": [{
                "rule": "parent-unknown",
                "severity": "error",
                "path": S3,
                "line": 6,
                "column": 9,
                "item": "S-3",
                "message": "parent `F-99` is not an item of this backlog",
                "help": null
            }]
        })
    );
    assert_eq!(read(d, S3), before);

    // A move refused by the workflow's entry rules: 422, nothing written.
    let answer = server.post("/api/items/S-3/move", r#"{"status": "done"}"#, &[]);
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert_eq!(answer.json()["diagnostics"], serde_json::json!([]));
    assert_eq!(read(d, S3), before);
    // A state the workflow does not have.
    assert_eq!(
        server
            .post("/api/items/S-3/move", r#"{"status": "nowhere"}"#, &[])
            .status,
        422
    );
    // A body that is not the request's shape.
    assert_eq!(
        server
            .post("/api/items/S-3/move", r#"{"state": "ready"}"#, &[])
            .status,
        400
    );
    assert_eq!(read(d, S3), before);
}

#[test]
fn a_file_changed_since_it_was_read_is_409() {
    let dir = temp_copy("demo");
    let d = dir.path();
    let server = Server::start(d);
    let etag = server
        .get("/api/items/S-3")
        .header("etag")
        .unwrap()
        .to_string();
    // Someone else edits the file.
    let edited = String::from_utf8(read(d, S3))
        .unwrap()
        .replace("status: backlog", "status: ready");
    std::fs::write(d.join(S3), &edited).unwrap();
    let answer = server.post(
        "/api/items/S-3/set",
        r#"{"fields": {"owner": "ana"}}"#,
        &[("If-Match", &etag)],
    );
    assert_eq!(answer.status, 409, "{}", answer.body);
    assert_eq!(read(d, S3), edited.as_bytes());
    // With the version read now, it lands.
    let etag = server
        .get("/api/items/S-3")
        .header("etag")
        .unwrap()
        .to_string();
    let answer = server.post(
        "/api/items/S-3/set",
        r#"{"fields": {"owner": "ana"}}"#,
        &[("If-Match", &etag)],
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["owner"], "ana");
}

#[test]
fn cross_origin_non_json_and_foreign_host_requests_are_refused() {
    let dir = temp_copy("demo");
    let d = dir.path();
    let server = Server::start(d);
    let before = read(d, S3);
    let host = server.host();
    let origin = server.origin();
    let body = r#"{"status": "ready"}"#;
    let path = "/api/items/S-3/move";
    let refused = [
        // Another site's page.
        vec![
            ("Host", host.as_str()),
            ("Origin", "http://evil.example"),
            ("Content-Type", "application/json"),
        ],
        // No Origin at all.
        vec![
            ("Host", host.as_str()),
            ("Content-Type", "application/json"),
        ],
        // A form post (the content type a page may send anywhere without asking).
        vec![
            ("Host", host.as_str()),
            ("Origin", origin.as_str()),
            ("Content-Type", "text/plain"),
        ],
        vec![("Host", host.as_str()), ("Origin", origin.as_str())],
    ];
    for headers in refused {
        let answer = server.send("POST", path, &headers, body);
        assert_eq!(answer.status, 403, "{headers:?}: {}", answer.body);
    }
    // DNS rebinding: a name of the attacker's that resolves to 127.0.0.1.
    let port = server.addr.port();
    let evil = format!("evil.example:{port}");
    for (method, headers) in [
        ("GET", vec![("Host", evil.as_str())]),
        (
            "POST",
            vec![
                ("Host", evil.as_str()),
                ("Origin", "http://evil.example"),
                ("Content-Type", "application/json"),
            ],
        ),
    ] {
        let answer = server.send(method, path, &headers, body);
        assert_eq!(answer.status, 421, "{method}: {}", answer.body);
    }
    assert_eq!(read(d, S3), before);
    // localhost with the port is this server.
    let local = format!("localhost:{port}");
    assert_eq!(
        server
            .send("GET", "/api/items/S-3", &[("Host", &local)], "")
            .status,
        200
    );
}

#[test]
fn no_request_path_reaches_the_file_system() {
    let dir = temp_copy("demo");
    let d = dir.path();
    let server = Server::start(d);
    for path in [
        "/popm.toml",
        "/backlog/stories/S-3-reset-audit-entry.md",
        "/../popm.toml",
        "/%2e%2e/popm.toml",
        "/api/items/..%2Fpopm.toml",
        "/api/items/backlog%2Fstories%2FS-3-reset-audit-entry.md",
        "/api/pi/..%2F..%2Fpopm.toml",
    ] {
        let answer = server.get(path);
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
        assert!(!answer.body.contains("teams"), "{path}: {}", answer.body);
    }
}

/// Reads server-sent events from `stream` until one named `name` arrives or the deadline passes.
fn wait_for_event(stream: &mut TcpStream, name: &str, deadline: Instant) -> bool {
    let mut seen = String::new();
    let mut buffer = [0u8; 1024];
    while !seen.contains(&format!("event: {name}\n")) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return false,
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
        }
    }
    true
}

/// Opens `/api/events` and returns once the response head is in (the stream is subscribed).
fn subscribe(server: &Server) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).unwrap();
    let host = server.host();
    stream
        .write_all(request("GET", "/api/events", &[("Host", &host)], "").as_bytes())
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(
            stream.read(&mut byte).unwrap(),
            1,
            "the event stream closed"
        );
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("content-type: text/event-stream"), "{head}");
    stream
}

#[test]
fn a_file_edited_on_disk_is_served_changed_and_told_within_a_second() {
    let dir = temp_copy("demo");
    let d = dir.path();
    let server = Server::start(d);
    let mut events = subscribe(&server);
    let edited = String::from_utf8(read(d, S3))
        .unwrap()
        .replace("title: Record", "title: Edited record");
    std::fs::write(d.join(S3), edited).unwrap();
    let deadline = Instant::now() + WITHIN;
    assert!(
        wait_for_event(&mut events, "change", deadline),
        "no change event within a second"
    );
    let title = server.get("/api/items/S-3").json()["title"].clone();
    assert!(
        title.as_str().unwrap().starts_with("Edited record"),
        "{title}"
    );
}

#[test]
fn writes_from_the_server_and_the_cli_at_once_lose_nothing() {
    let dir = temp_copy("demo");
    let d = dir.path();
    let server = Server::start(d);
    let labels: Vec<String> = (1..=4).map(|n| format!("cli{n}")).collect();
    let cli: Vec<Child> = labels
        .iter()
        .map(|l| {
            popm(d)
                .args(["set", "S-3", &format!("labels+={l}")])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::thread::scope(|scope| {
        for n in 1..=4 {
            let server = &server;
            scope.spawn(move || {
                let body = format!(r#"{{"fields": {{"labels+": "web{n}"}}}}"#);
                let answer = server.post("/api/items/S-3/set", &body, &[]);
                assert_eq!(answer.status, 200, "{}", answer.body);
            });
        }
    });
    for child in cli {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let record = server.get("/api/items/S-3").json();
    let mut got: Vec<String> = record["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    got.sort();
    let mut want: Vec<String> = (1..=4)
        .flat_map(|n| [format!("cli{n}"), format!("web{n}")])
        .collect();
    want.sort();
    assert_eq!(got, want);
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_within_a_second_even_with_a_page_listening() {
    let dir = temp_copy("demo");
    let mut server = Server::start(dir.path());
    let _events = subscribe(&server);
    let pid = server.child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + WITHIN;
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still running a second after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_bind_outside_loopback_warns_and_says_a_url_that_works_here() {
    let dir = temp_copy("demo");
    let mut server = Server::start_with(dir.path(), &["--bind", "0.0.0.0"]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    assert_eq!(server.get("/api/items/S-3").status, 200);
    server.child.kill().unwrap();
    let mut stderr = String::new();
    server
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(
        stderr,
        "popm serve: warning: listening on 0.0.0.0: anyone who can reach this address can read and change the backlog (there are no accounts)\n"
    );
}

#[test]
fn pages_are_the_reports_made_live_with_values_escaped() {
    let dir = temp_copy("demo");
    let d = dir.path();
    let text = String::from_utf8(read(d, S3)).unwrap().replace(
        "title: Record resets in the audit trail",
        "title: \"<script>alert(1)</script> & \\\"quotes\\\"\"",
    );
    std::fs::write(d.join(S3), text).unwrap();
    let server = Server::start(d);
    let kanban = server.get("/kanban/team.html");
    assert_eq!(kanban.status, 200, "{}", kanban.body);
    assert_eq!(
        kanban.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        kanban
            .header("content-security-policy")
            .is_some_and(|csp| csp.starts_with("default-src 'self'")),
        "{:?}",
        kanban.headers
    );
    assert!(!kanban.body.contains("<script>alert"), "{}", kanban.body);
    assert!(
        kanban
            .body
            .contains("<span class=\"id\">S-3</span> &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;quotes&#34;"),
        "{}",
        kanban.body
    );
    // The card carries what a drop needs: the id, the file's version, its column's state.
    let version = server
        .get("/api/items/S-3")
        .header("etag")
        .unwrap()
        .trim_matches('"')
        .to_string();
    assert!(
        kanban
            .body
            .contains(&format!("data-item=\"S-3\" data-version=\"{version}\"")),
        "{}",
        kanban.body
    );
    assert!(kanban.body.contains("data-drop-status=\"backlog\""));
    // The report's pages, from the same renderer, with popm's script and the Kanban link.
    for path in [
        "/",
        "/index.html",
        "/board/PI-2027.1.html",
        "/kanban.html",
        "/kanban/portfolio.html",
    ] {
        let page = server.get(path);
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.body
                .contains("<script src=\"/popm.js\" defer></script>\n</head>"),
            "{path}"
        );
        assert!(
            page.body.contains("<a href=\"/kanban.html\">Kanban</a>"),
            "{path}"
        );
    }
    let script = server.get("/popm.js");
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.body.contains("new EventSource(\"/api/events\")"));
}

/// The Kanban and planning boards in headless Chromium (tests/browser/serve_board.py): a drag
/// changes the file, a refused drag shows the diagnostic on the card and leaves the file, the
/// keyboard moves a card, an edit on disk appears without a reload.
#[test]
fn the_boards_work_in_chromium() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let dir = temp_copy("demo");
    let d = dir.path();
    let s4 = "backlog/stories/S-4-enrol-authenticator.md";
    let s4_before = read(d, s4);
    let server = Server::start(d);
    let script = common::root().join("tests/browser/serve_board.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(&server.url)
        .arg(d)
        .arg(&chromium)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Dragged to ready: written, shown as saved, in its new column.
    assert_eq!(
        seen["drag"],
        serde_json::json!(["result saved", "saved"]),
        "{seen}"
    );
    assert_eq!(seen["drag_column"], "ready");
    assert!(
        String::from_utf8(read(d, S3))
            .unwrap()
            .contains("\nstatus: ready\n")
    );
    // Refused: the reason on the card, the file byte for byte as it was.
    assert_eq!(seen["refused"][0], "result refused", "{seen}");
    let refusal = seen["refused"][1].as_str().unwrap();
    assert!(
        refusal.starts_with("nothing written: S-4 cannot enter done without"),
        "{refusal}"
    );
    assert_eq!(seen["refused_column"], "backlog");
    assert_eq!(read(d, s4), s4_before);
    assert_eq!(seen["refused_after_refresh"], refusal);
    // The keyboard: Space, ArrowRight, Space moved S-8 one column on.
    assert_eq!(
        seen["keyboard"],
        serde_json::json!(["result saved", "saved"]),
        "{seen}"
    );
    assert_eq!(seen["keyboard_column"], "ready");
    let s8 = std::fs::read_to_string(d.join("backlog/stories/S-8-remove-saved-card.md")).unwrap();
    assert!(s8.contains("\nstatus: ready\n"), "{s8}");
    // The edit made on disk appeared, and the page was not reloaded.
    assert_eq!(seen["live"], true, "{seen}");
    assert_eq!(seen["no_reload"], true);
    // The planning board: F-2 dragged to another team's cell of iteration 1, one set call.
    assert_eq!(
        seen["plan"],
        serde_json::json!(["result saved", "saved"]),
        "{seen}"
    );
    let team = seen["plan_target"][0].as_str().unwrap();
    let f2 = String::from_utf8(read(d, "backlog/features/F-2-two-factor-sign-in.md")).unwrap();
    assert!(
        f2.contains(&format!("\nteam: {team}\n")) || f2.contains(&format!("\nteam: [{team}]\n")),
        "{f2}"
    );
    assert!(f2.contains("\niteration: 1\n"), "{f2}");
    // The one error Chromium logs is the refused move's answer.
    assert_eq!(
        seen["console"],
        serde_json::json!([
            "error: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
        ]),
        "{seen}"
    );
    assert_eq!(seen["other_hosts"], serde_json::json!([]), "{seen}");
}
