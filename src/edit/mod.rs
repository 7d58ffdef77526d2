//! Changing items: surgical frontmatter edits and atomic writes, and what each writing command
//! changes (a `set` argument, a renumbering, a new item, the canonical format).

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
