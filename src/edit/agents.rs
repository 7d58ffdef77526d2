//! `popm agents` and `popm init --agents`: popm's brief for coding agents in AGENTS.md, between two
//! marker lines. The file is created if absent; text outside the markers is never changed.

use std::io::Write as _;
use std::path::Path;

use crate::error::EnvError;

pub const BEGIN: &str =
    "<!-- popm:begin (written by `popm agents`, which replaces what is between these markers) -->";
pub const END: &str = "<!-- popm:end -->";
/// What a begin marker line starts with (the explanation after it may change between versions).
const BEGIN_PREFIX: &str = "<!-- popm:begin";

/// The largest AGENTS.md popm reads: a brief for agents, not a book.
const MAX_BYTES: u64 = 1 << 20;

/// What happened to AGENTS.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Updated,
    Unchanged,
}

/// `existing` (the file's text, if any) with the marked section set to `brief`: replaced where the
/// markers are, appended after a blank line where they are not. Line endings follow the file's.
/// A file with a begin marker but no end marker after it (or two sections) is left alone: which
/// text is popm's would be a guess.
pub fn merge(existing: Option<&str>, brief: &str) -> Result<String, String> {
    let crlf = existing.is_some_and(|t| t.contains("\r\n"));
    let mut block = format!("{BEGIN}\n{}{END}\n", brief);
    if crlf {
        block = block.replace('\n', "\r\n");
    }
    let Some(text) = existing else {
        return Ok(block);
    };
    let mut begin = None;
    let mut end = None;
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with(BEGIN_PREFIX) {
            if begin.is_some() {
                return Err(format!(
                    "line {}: a second popm section begins; keep one and run again",
                    n + 1
                ));
            }
            begin = Some((n, offset));
        } else if trimmed == END {
            match (begin, end) {
                (Some(_), None) => end = Some(offset + line.len()),
                _ => {
                    return Err(format!(
                        "line {}: a popm end marker without a begin marker before it",
                        n + 1
                    ));
                }
            }
        }
        offset += line.len();
    }
    match (begin, end) {
        (Some((_, from)), Some(to)) => Ok(format!("{}{block}{}", &text[..from], &text[to..])),
        (Some((n, _)), None) => Err(format!(
            "line {}: the popm section has no end marker `{END}`; add it where popm's text ends",
            n + 1
        )),
        _ => {
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut out = text.to_string();
            if !out.is_empty() {
                if !out.ends_with('\n') {
                    out.push_str(newline);
                }
                out.push_str(newline);
            }
            out.push_str(&block);
            Ok(out)
        }
    }
}

/// Writes the brief into `dir/AGENTS.md`: a new file, or the old one with its section replaced,
/// through a temporary file renamed over it (all or nothing). A link is refused, never followed.
pub fn write(dir: &Path, brief: &str) -> Result<Change, EnvError> {
    let path = dir.join("AGENTS.md");
    let shown = path.display().to_string();
    let existing = match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(EnvError::io(format!("read {shown}"), e)),
        Ok(_) => {
            let bytes = crate::files::read_regular(&path, MAX_BYTES)
                .map_err(|e| EnvError::io(format!("read {shown}"), e))?
                .map_err(|size| EnvError::Agents {
                    file: shown.clone(),
                    reason: format!("it is {size} bytes, more than popm reads"),
                })?;
            Some(String::from_utf8(bytes).map_err(|_| EnvError::Agents {
                file: shown.clone(),
                reason: "it is not UTF-8".into(),
            })?)
        }
    };
    let text = merge(existing.as_deref(), brief).map_err(|reason| EnvError::Agents {
        file: shown.clone(),
        reason,
    })?;
    if existing.as_deref() == Some(text.as_str()) {
        return Ok(Change::Unchanged);
    }
    let (mut file, temp) = crate::files::create_temporary(dir, "AGENTS.md")
        .map_err(|e| EnvError::io(format!("write {shown}"), e))?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(EnvError::io(format!("write {shown}"), e));
    }
    Ok(if existing.is_some() {
        Change::Updated
    } else {
        Change::Created
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRIEF: &str = "## The backlog\nnew text\n";

    #[test]
    fn a_missing_file_gets_the_section_alone() {
        assert_eq!(
            merge(None, BRIEF).unwrap(),
            format!("{BEGIN}\n{BRIEF}{END}\n")
        );
    }

    #[test]
    fn the_section_is_appended_after_text_without_markers() {
        assert_eq!(
            merge(Some("# Agents\nBe nice."), BRIEF).unwrap(),
            format!("# Agents\nBe nice.\n\n{BEGIN}\n{BRIEF}{END}\n")
        );
    }

    #[test]
    fn only_the_text_between_the_markers_is_replaced() {
        let old = format!(
            "# Agents\r\nbefore\r\n<!-- popm:begin old words -->\r\nold\r\n{END}\r\nafter, kept\r\n"
        );
        assert_eq!(
            merge(Some(&old), BRIEF).unwrap(),
            format!(
                "# Agents\r\nbefore\r\n{BEGIN}\r\n## The backlog\r\nnew text\r\n{END}\r\nafter, kept\r\n"
            )
        );
    }

    #[test]
    fn broken_markers_are_refused() {
        let begin_only = format!("a\n{BEGIN}\nold\n");
        assert_eq!(
            merge(Some(&begin_only), BRIEF).unwrap_err(),
            format!(
                "line 2: the popm section has no end marker `{END}`; add it where popm's text ends"
            )
        );
        let end_first = format!("{END}\n{BEGIN}\n");
        assert_eq!(
            merge(Some(&end_first), BRIEF).unwrap_err(),
            "line 1: a popm end marker without a begin marker before it"
        );
        let twice = format!("{BEGIN}\n{END}\n{BEGIN}\n{END}\n");
        assert_eq!(
            merge(Some(&twice), BRIEF).unwrap_err(),
            "line 3: a second popm section begins; keep one and run again"
        );
    }
}
