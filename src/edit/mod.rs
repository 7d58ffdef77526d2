//! Changing items: surgical frontmatter edits and atomic writes.

pub mod change;
pub mod create;
pub mod folder;
pub mod format;
pub mod frontmatter;
pub mod journal;
pub mod lock;
pub mod renumbering;
pub mod scalar;
pub mod write;
