//! Text for people: findings with their source lines, an item in full, the hierarchy, the board,
//! how a rank was computed. Colour only where asked; every value made safe where it is formatted.

mod board;
mod diagnostics;
pub mod ranking;
mod show;
mod snippet;
mod tree;

pub use board::board;
pub use diagnostics::{diagnostics, foreign_references, summary_line, untouched_errors};
pub use show::detail;
pub use tree::tree;
