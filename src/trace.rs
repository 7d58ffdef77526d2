//! `POPM_TRACE=io`: one line on stderr for every item file read and every parse, so that a test
//! (and anyone curious) can see that each file is read and parsed exactly once. Off, it costs one
//! load of a cached flag per file.

use std::sync::OnceLock;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("POPM_TRACE").is_some_and(|v| v == "io"))
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
