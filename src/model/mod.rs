//! What a backlog is made of: items, their ids (and how new ones are made), and the index that
//! joins them into a hierarchy.

mod backlog;
mod id;
mod item;
pub mod key;
mod wsjf;

pub use backlog::Backlog;
pub use id::{ID_PATTERN, Reference, did_you_mean, is_valid_id, natural_cmp, next_id, slug};
pub use item::*;
pub use key::Key;
pub use wsjf::{Score, Wsjf, scale_text};
