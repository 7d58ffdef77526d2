//! `popm fmt [--check]`.

use crate::diagnostic::Outcome;
use crate::edit::format::{self, OnDisk};
use crate::edit::journal::{self, Write};
use crate::edit::write::WriteError;
use crate::error::EnvError;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// List the files that would change and exit 1 if any would; change nothing.
    #[arg(long)]
    check: bool,
}

pub fn run(workspace: &Workspace, args: &Args) -> Result<Outcome, EnvError> {
    let checked = crate::engine::check(workspace, &crate::engine::Request::whole())?;
    let mut changed = Vec::new();
    let mut writes = Vec::new();
    let mut skipped = 0;
    for item in checked.backlog.iter() {
        let Some(text) = checked.texts.get(&item.path) else {
            continue;
        };
        let formatted = match format::format(text) {
            Ok(f) => f,
            Err(reason) => {
                eprintln_safe!("warning: {}: not formatted: {reason}", item.path);
                skipped += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed.push(item.path.as_str());
        if args.check {
            continue;
        }
        let path = workspace.display_root.join(&item.path);
        let write = match format::on_disk(&path, text) {
            // What the checker read is the file (the usual case).
            OnDisk::Same => Write::replace(path, text.as_bytes().to_vec(), formatted),
            // The checker read lone CRs as LF; format the file itself, so its line breaks stay.
            OnDisk::LoneCr(raw) => match format::format(&raw) {
                Ok(f) => Write::replace(path, raw.into_bytes(), f),
                Err(reason) => {
                    eprintln_safe!("warning: {}: not formatted: {reason}", item.path);
                    changed.pop();
                    skipped += 1;
                    continue;
                }
            },
            OnDisk::Changed => {
                return Err(WriteError::Changed(item.path.clone()).into());
            }
        };
        writes.push(write);
    }
    // Every file or none, even if popm is killed half-way (edit::journal).
    journal::commit(workspace, &writes)?;
    for path in &changed {
        if args.check {
            println_safe!("{path}");
        } else {
            println_safe!("formatted {path}");
        }
    }
    if skipped > 0 {
        eprintln_safe!("{skipped} file(s) left as they were (see the warnings above)");
    }
    Ok(if args.check && !changed.is_empty() {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
