//! `popm mcp`: the backlog of this directory served over the Model Context Protocol (stdio).

use std::path::Path;

use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::mcp::tools::Place;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(dir: &Path, config: Option<&Path>, _args: &Args) -> Result<Outcome, EnvError> {
    let place = Place {
        dir: dir.to_path_buf(),
        config: config.map(Path::to_path_buf),
    };
    // A directory without a backlog is an error now, not on every call.
    place.open()?;
    crate::mcp::serve(place)?;
    Ok(Outcome::Clean)
}
