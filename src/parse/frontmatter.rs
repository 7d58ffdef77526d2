//! Splits a file into its YAML frontmatter and its markdown body.

/// The two halves of an item file. Both borrow from the file text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences (may be empty).
    pub yaml: &'a str,
    /// The 1-based line on which `yaml` starts (the line after the opening `---`).
    pub yaml_line: u32,
    /// Everything after the closing fence's line.
    pub body: &'a str,
    /// The 1-based line on which `body` starts.
    pub body_line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not open with a `---` line.
    Missing,
    /// The opening `---` has no closing `---` (or `...`).
    Unclosed,
}

/// Splits `text` (already decoded, without a byte order mark). The opening fence must be the very first
/// line; the closing fence is the next line that is `---` or `...` alone (trailing spaces and `\r`
/// allowed), so a `---` inside the body, in a code block or as a rule, is never mistaken for it.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let mut lines = LineIter { text, pos: 0 };
    match lines.next() {
        Some((_, first)) if is_fence(first, false) => {}
        _ => return Err(SplitError::Missing),
    }
    let yaml_start = lines.pos;
    let mut line_no: u32 = 1;
    while let Some((start, line)) = lines.next() {
        line_no = line_no.saturating_add(1);
        if is_fence(line, true) {
            return Ok(Split {
                yaml: &text[yaml_start..start],
                yaml_line: 2,
                body: &text[lines.pos..],
                body_line: line_no.saturating_add(1),
            });
        }
    }
    Err(SplitError::Unclosed)
}

fn is_fence(line: &str, closing: bool) -> bool {
    let line = line.trim_end_matches([' ', '\t', '\r']);
    line == "---" || (closing && line == "...")
}

/// Lines with their start offsets, without the `\n`.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        Some((start, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lf_and_crlf() {
        let s = split("---\nid: A\n---\nbody\n").unwrap();
        assert_eq!(
            (s.yaml, s.yaml_line, s.body, s.body_line),
            ("id: A\n", 2, "body\n", 4)
        );
        let s = split("---\r\nid: A\r\n---\r\nbody\r\n").unwrap();
        assert_eq!((s.yaml, s.body, s.body_line), ("id: A\r\n", "body\r\n", 4));
    }

    #[test]
    fn empty_block_and_no_body() {
        let s = split("---\n---").unwrap();
        assert_eq!((s.yaml, s.body, s.body_line), ("", "", 3));
    }

    #[test]
    fn failures() {
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("# Title\n---\n"), Err(SplitError::Missing));
        assert_eq!(split(" ---\nid: A\n---\n"), Err(SplitError::Missing));
        assert_eq!(split("---"), Err(SplitError::Unclosed));
        assert_eq!(split("---\nid: A\n"), Err(SplitError::Unclosed));
        assert_eq!(split("---\nid: A\n----\n"), Err(SplitError::Unclosed));
    }

    #[test]
    fn dots_close_too() {
        let s = split("---\nid: A\n...\nbody").unwrap();
        assert_eq!(s.body, "body");
    }
}
