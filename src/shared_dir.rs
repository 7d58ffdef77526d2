//! Where the tests find ../shared (the corpus of other projects' files, the SARIF schema): the one
//! definition, compiled into the unit tests (`src/lib.rs`) and the integration tests
//! (`tests/common/mod.rs` includes this file), never into popm itself.
//!
//! ../shared sits beside the repository on developers' machines and in CI, and is absent from a
//! user's fresh clone. `POPM_SHARED_DIR` points the tests at another folder (`.ci/run` points it
//! at one that does not exist, to run the fresh clone's path). A test that reads it has `shared` in
//! its name, skips when the folder is absent (saying `skipped: ...`), and fails instead when
//! `POPM_REQUIRE_SHARED` is set.

use std::path::PathBuf;

/// The shared folder: `POPM_SHARED_DIR` when set, else ../shared beside the repository.
pub fn shared_root() -> PathBuf {
    match std::env::var_os("POPM_SHARED_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("shared"),
    }
}

/// `relative` inside the shared folder, or `None` (with a `skipped: ...` line) when it is absent.
/// With `POPM_REQUIRE_SHARED` set, its absence fails the test.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = shared_root().join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("POPM_REQUIRE_SHARED").is_some() {
        panic!(
            "{} is missing, and POPM_REQUIRE_SHARED is set",
            path.display()
        );
    }
    eprintln!(
        "skipped: {} is absent (../shared is not part of the repository; POPM_SHARED_DIR moves it)",
        path.display()
    );
    None
}
