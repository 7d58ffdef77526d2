//! A whole item file: bytes in, an item and diagnostics out, then the rules and the human renderer
//! (with its source snippets) over them. Never a panic; every diagnostic points inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use popm::config::Config;
use popm::diagnostic::Sink;
use popm::model::Backlog;
use popm::source::Texts;

const PATH: &str = "backlog/fuzz.md";

fuzz_target!(|data: &[u8]| {
    // Line breaks in the bytes (an undecodable file has no text, but its diagnostic still has a line;
    // a lone CR counts as one, as popm reads classic Mac files).
    let lines = data.iter().filter(|b| **b == b'\n' || **b == b'\r').count() + 1;
    let (parsed, text) = popm::parse::parse_file(PATH, data.to_vec());
    for d in &parsed.diagnostics {
        assert!(d.line as usize <= lines, "diagnostic past the end: {d:?}");
    }
    let config = Config::default();
    let mut texts = Texts::default();
    if let Some(text) = text {
        texts.insert(PATH.to_string(), text);
    }
    let backlog = Backlog::new(parsed.item.into_iter().collect(), &config);
    let mut diagnostics = parsed.diagnostics;
    popm::rules::check_backlog(&backlog, &config, &mut diagnostics);
    let mut sink = Sink::new(&config);
    sink.extend(diagnostics);
    let _ = popm::render::human::diagnostics(&sink.finish(), &texts, false);
});
