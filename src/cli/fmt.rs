//! `popm fmt [--check]`.

use super::Outcome;
use crate::edit::{format, write};
use crate::workspace::{EnvError, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// List the files that would change and exit 1 if any would; change nothing.
    #[arg(long)]
    check: bool,
}

pub fn run(workspace: &Workspace, args: &Args) -> Result<Outcome, EnvError> {
    let checked = workspace.check()?;
    let mut changed = 0;
    let mut skipped = 0;
    for item in &checked.backlog.items {
        let Some(text) = checked.backlog.source(&item.path) else {
            continue;
        };
        let formatted = match format::format(text) {
            Ok(f) => f,
            Err(reason) => {
                tell!("warning: {}: not formatted: {reason}", item.path);
                skipped += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if args.check {
            say!("{}", item.path);
            continue;
        }
        let path = workspace.display_root.join(&item.path);
        write::replace(&path, text.as_bytes(), &formatted, false)
            .map_err(|e| EnvError::Other(e.to_string()))?;
        say!("formatted {}", item.path);
    }
    if skipped > 0 {
        tell!("{skipped} file(s) left as they were (see the warnings above)");
    }
    Ok(if args.check && changed > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
