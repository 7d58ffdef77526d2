//! What a backlog is made of: items, their ids, and the index that joins them into a hierarchy.

mod backlog;
mod id;
mod item;

pub use backlog::Backlog;
pub use id::{did_you_mean, natural_cmp};
pub use item::*;
