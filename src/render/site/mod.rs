//! `popm report --out DIR`: the static site, one askama page per file, built from the typed
//! answers of `report/`.

pub mod chart;
pub mod markdown;
