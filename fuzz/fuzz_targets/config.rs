//! popm.toml text: a configuration or one error with a location, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = popm::config::Config::parse(text, "popm.toml", None, PathBuf::from("."));
});
