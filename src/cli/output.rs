//! Writing a command's output: every byte to stdout or stderr passes the terminal safety gate
//! ([`crate::render::safe::output`]).

use crate::diagnostic::Outcome;
use crate::engine::Checked;
use crate::error::EnvError;
use crate::render::ColorChoice;

/// Queries run on a backlog with errors: say so once, on stderr, and go on.
pub fn warn_if_broken(checked: &Checked, color: ColorChoice) {
    let summary = crate::diagnostic::Summary::of(checked.files, &checked.diagnostics);
    if summary.errors > 0 {
        let color = color.stderr();
        eprintln!(
            "{} the backlog has {}; results may be incomplete (run `popm check`)",
            crate::render::paint("warning:", crate::render::YELLOW, color),
            crate::render::plural(summary.errors, "error", "errors")
        );
    }
}

/// Prints a completion script or man page that clap generated.
pub fn print_generated(out: &[u8]) -> Result<Outcome, EnvError> {
    let text = String::from_utf8_lossy(out);
    write_out(&mut std::io::stdout().lock(), &text, false)?;
    Ok(Outcome::Clean)
}

/// Writes to stdout; a closed pipe (`popm list | head`) is a normal end, not an error. The last gate
/// for terminal safety: no control character but line breaks, tabs and (with `color`) colour codes
/// gets through, and no line starts a workflow command ([`crate::render::safe::output`]).
pub fn write_out(out: &mut impl std::io::Write, text: &str, color: bool) -> Result<(), EnvError> {
    write_gated(out, &crate::render::safe::output(text, color))
}

/// [`write_out`] for `--format github`, whose lines are workflow commands on purpose
/// ([`crate::render::safe::output_commands`]).
pub fn write_commands(out: &mut impl std::io::Write, text: &str) -> Result<(), EnvError> {
    write_gated(out, &crate::render::safe::output_commands(text))
}

pub fn write_gated(out: &mut impl std::io::Write, text: &str) -> Result<(), EnvError> {
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(EnvError::io("write the output", e)),
    }
}
