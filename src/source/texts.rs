//! The text of every item file read, by the path diagnostics show: renderers quote the line a
//! finding points at, and comparisons hash a text to compare it with git.

use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub struct Texts {
    by_path: HashMap<String, String>,
}

impl Texts {
    pub fn with_capacity(n: usize) -> Texts {
        Texts {
            by_path: HashMap::with_capacity(n),
        }
    }

    pub fn insert(&mut self, path: String, text: String) {
        self.by_path.insert(path, text);
    }

    /// The text of a file that was read (`None`: not read, or not UTF-8).
    pub fn get(&self, path: &str) -> Option<&str> {
        self.by_path.get(path).map(String::as_str)
    }

    /// Takes in every text of `other`, each path shown after `prefix` (`rail:`).
    pub fn absorb(&mut self, other: Texts, prefix: &str) {
        self.by_path.extend(
            other
                .by_path
                .into_iter()
                .map(|(path, text)| (format!("{prefix}{path}"), text)),
        );
    }
}
