//! `popm serve`: the backlog of this directory in a browser, live, with edits through popm's
//! checks. Glue only: the server is `crate::serve`.

use std::io::Write as _;
use std::net::IpAddr;
use std::path::Path;

use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::mcp::tools::Place;
use crate::serve::Options;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 7777, value_name = "N")]
    port: u16,
    /// The address to listen on. Anything but a loopback address lets other machines reach the
    /// server, which has no accounts: a warning says so.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    bind: IpAddr,
    /// Open the board in the default browser once the server listens.
    #[arg(long)]
    open: bool,
}

pub fn run(dir: &Path, config: Option<&Path>, args: &Args) -> Result<Outcome, EnvError> {
    let place = Place {
        dir: dir.to_path_buf(),
        config: config.map(Path::to_path_buf),
    };
    if !args.bind.is_loopback() {
        eprintln_safe!(
            "popm serve: warning: listening on {}: anyone who can reach this address can read and change the backlog (there are no accounts)",
            args.bind
        );
    }
    let options = Options {
        bind: args.bind,
        port: args.port,
    };
    let open = args.open;
    crate::serve::run(place, options, |url| {
        // The first line on stdout is the URL, at once: scripts and tests wait for it.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{url}");
        let _ = out.flush();
        if open {
            open_browser(url);
        }
    })?;
    Ok(Outcome::Clean)
}

/// Asks the desktop to open `url`; a failure is said on stderr, the server runs on.
fn open_browser(url: &str) {
    #[cfg(target_os = "macos")]
    let mut command = std::process::Command::new("open");
    #[cfg(target_os = "windows")]
    let mut command = {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    };
    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    let mut command = std::process::Command::new("xdg-open");
    let started = command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = started {
        eprintln_safe!("popm serve: cannot open a browser ({e}); open {url}");
    }
}
