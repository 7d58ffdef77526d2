//! The findings about files and folders that could not be read as items: each is a diagnostic on
//! its path, and the rest of the backlog is still read.

use super::{MAX_FOLDER_DEPTH, ParsedFile};
use crate::diagnostic::{Diagnostic, Rule};
use crate::parse::{self, yaml::Pos};

pub(super) fn unsafe_name(entry: &crate::git::UnsafeEntry) -> Diagnostic {
    let top = Pos { line: 1, column: 1 };
    let message = format!(
        "skipped: git names an entry of this folder `{}`, which is not a safe file name (empty, \
         `.`, `..` or holding `/`)",
        entry.name
    );
    let shown = if entry.folder.is_empty() {
        "."
    } else {
        &entry.folder
    };
    Diagnostic::new(Rule::FileUnreadable, shown, top, message)
}

pub(super) fn link_skipped(shown: &str, folder: bool) -> Diagnostic {
    let top = Pos { line: 1, column: 1 };
    let what = if folder { "folder" } else { "file" };
    Diagnostic::new(
        Rule::SymlinkSkipped,
        shown,
        top,
        format!(
            "skipped: the {what} is a symbolic link; popm reads only regular files and folders"
        ),
    )
}

pub(super) fn unsafe_index_path(prefix: &str, path: &str) -> Diagnostic {
    let top = Pos { line: 1, column: 1 };
    let message = format!(
        "skipped: the git index holds `{path}`, which is not a safe path (a part that is empty, \
         `.` or `..`)"
    );
    let shown = if prefix.is_empty() { "." } else { prefix };
    Diagnostic::new(Rule::FileUnreadable, shown, top, message)
}

pub(super) fn too_deep(shown: &str) -> Diagnostic {
    let top = Pos { line: 1, column: 1 };
    let message =
        format!("skipped: folders nested deeper than {MAX_FOLDER_DEPTH} levels are not read");
    Diagnostic::new(Rule::FileUnreadable, shown, top, message)
}

pub(super) fn folder_unreadable(shown: &str, e: &std::io::Error) -> Diagnostic {
    let top = Pos { line: 1, column: 1 };
    let message = format!("cannot read this folder: {e}");
    Diagnostic::new(Rule::FileUnreadable, shown, top, message)
}

pub(super) fn unreadable(shown: String, message: String) -> ParsedFile {
    let top = Pos { line: 1, column: 1 };
    let parsed = parse::Parsed {
        item: None,
        diagnostics: vec![Diagnostic::new(Rule::FileUnreadable, &shown, top, message)],
    };
    (shown, super::FileText::None, parsed, None)
}

pub(super) fn too_large(size: u64, limit: u64) -> String {
    format!(
        "the file is {size} bytes, over the limit of {limit} (raise [backlog] max_file_bytes in popm.toml)"
    )
}
