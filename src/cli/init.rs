//! `popm init`: a commented popm.toml and a small example backlog that passes `popm check`.

use std::path::Path;

use super::Outcome;
use crate::files;
use crate::workspace::EnvError;

#[derive(Debug, clap::Args)]
pub struct Args {}

const FILES: &[(&str, &str)] = &[
    ("popm.toml", include_str!("templates/popm.toml")),
    ("backlog/E-1.md", include_str!("templates/backlog/E-1.md")),
    ("backlog/F-1.md", include_str!("templates/backlog/F-1.md")),
    ("backlog/F-2.md", include_str!("templates/backlog/F-2.md")),
    ("backlog/S-1.md", include_str!("templates/backlog/S-1.md")),
    (
        "backlog/PI-2027.1.md",
        include_str!("templates/backlog/PI-2027.1.md"),
    ),
];

pub fn run(dir: &Path, _args: &Args) -> Result<Outcome, EnvError> {
    if !dir.is_dir() {
        return Err(EnvError::Other(format!(
            "no such directory: {}",
            dir.display()
        )));
    }
    let real_dir = dir
        .canonicalize()
        .map_err(|e| EnvError::Other(format!("cannot use directory {}: {e}", dir.display())))?;
    // Refuse before writing anything, so a second `init` never half-overwrites a project, and a
    // folder that is a link (a clone can hold a committed `backlog` link) never takes the files
    // elsewhere.
    for (name, _) in FILES {
        let path = dir.join(name);
        let folder = Path::new(name)
            .parent()
            .filter(|p| !p.as_os_str().is_empty());
        if let Some(folder) = folder
            && std::fs::symlink_metadata(dir.join(folder))
                .is_ok_and(|m| !m.is_dir() && !m.file_type().is_symlink())
        {
            return Err(EnvError::Other(format!(
                "{} exists and is not a folder; popm init writes only into a project without one",
                real_dir.join(folder).display()
            )));
        }
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(EnvError::Other(format!(
                "{} already exists; popm init writes only into a project without one",
                path.display()
            )));
        }
        if !files::resolve(&path).is_some_and(|real| real.starts_with(&real_dir)) {
            return Err(EnvError::Other(format!(
                "refusing to write {}: it resolves outside {}",
                real_dir.join(name).display(),
                real_dir.display()
            )));
        }
    }
    for (name, text) in FILES {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| EnvError::Other(format!("cannot create {}: {e}", parent.display())))?;
        }
        // create_new: never replace a file that appeared since the check above.
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        written.map_err(|e| EnvError::Other(format!("cannot write {}: {e}", path.display())))?;
        say!("created {name}");
    }
    say!("next: popm check");
    Ok(Outcome::Clean)
}
