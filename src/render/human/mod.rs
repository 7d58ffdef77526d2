//! Text for people: findings with their source lines, an item in full, the hierarchy, the board,
//! how a rank was computed. Colour only where asked; every value made safe where it is formatted.

mod diagnostics;
pub mod ranking;

pub use diagnostics::{diagnostics, summary_line};
