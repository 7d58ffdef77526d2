//! The frontmatter splitter: any text splits or is refused, never panics, and what it returns lies
//! inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use popm::parse::frontmatter;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(split) = frontmatter::split(text) {
        assert!(split.yaml.len() + split.body.len() <= text.len());
        assert!(split.body_line > split.yaml_line);
        assert!(text.ends_with(split.body));
    }
});
