//! popm keeps a SAFe backlog as markdown files with YAML frontmatter in a git repository, checks it
//! like a linter, and answers questions about it.
//!
//! The library is the whole tool; `main.rs` only calls [`cli::main`]. Data flows one way:
//! [`source`] (where the files come from) -> [`parse`] -> [`model`] -> [`rules`] and [`report`]
//! (typed answers, through [`engine`] and the [`diagnostic`] sink) -> [`render`] -> the command's
//! [`diagnostic::Outcome`]. docs/architecture.md describes the layout.

pub mod cache;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod edit;
pub mod engine;
pub mod error;
pub mod files;
pub mod git;
pub mod history;
pub mod hook;
pub mod import;
pub mod mcp;
pub mod model;
pub mod parse;
pub mod render;
pub mod report;
pub mod rules;
pub mod serve;
#[cfg(test)]
pub(crate) mod shared_dir;
pub mod source;
pub mod trace;
