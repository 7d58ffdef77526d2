//! The text of every item file read, by the path diagnostics show: renderers quote the line a
//! finding points at, and comparisons hash a text to compare it with git. A file whose parse came
//! from the cache was not read: its text is read on first use, from disk or from git.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::git::{BlobReader, ObjectId};

/// foldhash, as for the backlog's ids: a cold run inserts every path once.
type Hasher = foldhash::fast::RandomState;

#[derive(Debug, Default, Clone)]
pub struct Texts {
    by_path: HashMap<String, String, Hasher>,
    later: HashMap<String, Later, Hasher>,
    /// How many files are expected: the map that takes the first one is made this large (the
    /// texts of a cold run are read, those of a warm run later).
    capacity: usize,
}

/// Where the text of a file not read yet is.
#[derive(Clone)]
pub(crate) enum Origin {
    /// The work-tree file.
    Disk(PathBuf),
    /// A blob of the repository.
    Git(Arc<BlobReader>, ObjectId),
}

impl std::fmt::Debug for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Disk(path) => write!(f, "Disk({})", path.display()),
            Origin::Git(_, id) => write!(f, "Git({id})"),
        }
    }
}

#[derive(Debug, Clone)]
struct Later {
    origin: Origin,
    text: OnceLock<Option<String>>,
}

/// The text of one file, as loading found it.
#[derive(Debug)]
pub(crate) enum FileText {
    /// Read and decoded.
    Read(String),
    /// Not read (its parse came from the cache): read when asked for.
    Later(Origin),
    /// Not UTF-8, or not readable.
    None,
}

impl FileText {
    pub(crate) fn from(text: Option<String>) -> FileText {
        text.map_or(FileText::None, FileText::Read)
    }
}

impl Texts {
    pub fn with_capacity(n: usize) -> Texts {
        Texts {
            by_path: HashMap::default(),
            later: HashMap::default(),
            capacity: n,
        }
    }

    pub fn insert(&mut self, path: String, text: String) {
        if self.by_path.capacity() == 0 {
            self.by_path.reserve(self.capacity);
        }
        self.by_path.insert(path, text);
    }

    pub(crate) fn insert_file(&mut self, path: String, text: FileText) {
        match text {
            FileText::Read(text) => self.insert(path, text),
            FileText::Later(origin) => {
                if self.later.capacity() == 0 {
                    self.later.reserve(self.capacity);
                }
                self.later.insert(
                    path,
                    Later {
                        origin,
                        text: OnceLock::new(),
                    },
                );
            }
            FileText::None => {}
        }
    }

    /// The text of a file that was read (`None`: not read, or not UTF-8).
    pub fn get(&self, path: &str) -> Option<&str> {
        if let Some(text) = self.by_path.get(path) {
            return Some(text);
        }
        let later = self.later.get(path)?;
        later
            .text
            .get_or_init(|| load(path, &later.origin))
            .as_deref()
    }

    /// Takes in every text of `other`, read or not, each path shown after `prefix` (`rail:`).
    pub fn absorb(&mut self, other: Texts, prefix: &str) {
        self.by_path.extend(
            other
                .by_path
                .into_iter()
                .map(|(path, text)| (format!("{prefix}{path}"), text)),
        );
        self.later.extend(
            other
                .later
                .into_iter()
                .map(|(path, later)| (format!("{prefix}{path}"), later)),
        );
    }
}

/// Reads a text the cache let popm skip, decoded as the parser decodes it.
fn load(shown: &str, origin: &Origin) -> Option<String> {
    let bytes = match origin {
        Origin::Disk(path) => {
            crate::trace::io("read", shown);
            crate::files::read_regular(path, u64::MAX).ok()?.ok()?
        }
        Origin::Git(reader, id) => {
            crate::trace::io("read-git", shown);
            reader.local().read(*id).ok()?
        }
    };
    String::from_utf8(bytes)
        .ok()
        .map(crate::parse::lone_cr_to_lf)
}
