//! `POPM_TRACE=io`: one line on stderr for every item file read and every parse, so that a test
//! (and anyone curious) can see that each file is read and parsed exactly once. Off, it costs one
//! load of a cached flag per file.
//!
//! `POPM_TRACE=time`: one line on stderr at the end of each phase of a run (the cache read, the
//! walk, the index, the rules, the output), with the milliseconds since the first phase began:
//! where a run spends its time, without a profiler (docs/performance.md).

use std::sync::OnceLock;
use std::time::Instant;

fn mode() -> Option<&'static str> {
    static MODE: OnceLock<Option<&'static str>> = OnceLock::new();
    *MODE.get_or_init(|| match std::env::var_os("POPM_TRACE") {
        Some(v) if v == "io" => Some("io"),
        Some(v) if v == "time" => Some("time"),
        _ => None,
    })
}

fn enabled() -> bool {
    mode() == Some("io")
}

/// `what` is `read` (from disk), `read-git` (a blob) or `parse`.
pub fn io(what: &str, path: &str) {
    if enabled() {
        // Paths are file names from the repository: through the terminal gate.
        eprintln!(
            "popm-trace: {what} {}",
            crate::render::safe::output(path, false)
        );
    }
}

/// Marks the end of a phase under `POPM_TRACE=time`.
pub fn phase(name: &str) {
    static START: OnceLock<Instant> = OnceLock::new();
    if mode() == Some("time") {
        let start = START.get_or_init(Instant::now);
        eprintln!(
            "popm-trace: {name} {:.1} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}
