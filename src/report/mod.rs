//! Computations over the backlog that answer a question (what comes first, are we ready, what is on
//! the board). They return data; renderers print it.

pub mod board;
pub mod context;
pub mod detail;
pub mod diff;
pub mod flow;
pub mod listing;
pub mod log;
pub mod overview;
pub mod pi_status;
pub mod plan;
pub mod planning_board;
pub mod portfolio;
pub mod portfolio_site;
pub mod predictability;
pub mod progress;
pub mod ranking;
pub mod readiness;
pub mod roadmap;
pub mod tree;
