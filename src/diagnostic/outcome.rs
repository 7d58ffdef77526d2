//! How a run ended, and the one mapping from that to the process's exit status.

use std::process::ExitCode;

use super::{Diagnostic, Severity};

/// How a run ended; the one place exit statuses are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: nothing to report.
    Clean,
    /// 1: findings (errors, or warnings with --deny-warnings), a PI that is not ready, an edit
    /// that was refused.
    Findings,
    /// 2: bad usage, configuration or environment.
    Error,
}

impl Outcome {
    /// The verdict on a set of findings: any error fails, and with `deny_warnings` any finding.
    pub fn of(diagnostics: &[Diagnostic], deny_warnings: bool) -> Outcome {
        let failing = diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error || deny_warnings);
        if failing {
            Outcome::Findings
        } else {
            Outcome::Clean
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(match outcome {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Error => 2,
        })
    }
}
