//! `popm init`: a commented popm.toml and a small example backlog that passes `popm check`.

use std::path::Path;

use super::Outcome;
use crate::error::EnvError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also write popm's brief for coding agents into AGENTS.md (as `popm agents` does).
    #[arg(long)]
    agents: bool,
}

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

pub fn run(dir: &Path, args: &Args) -> Result<Outcome, EnvError> {
    if !dir.is_dir() {
        return Err(EnvError::NoSuchDirectory(dir.to_path_buf()));
    }
    let real_dir = dir
        .canonicalize()
        .map_err(|e| EnvError::io(format!("use directory {}", dir.display()), e))?;
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
            return Err(EnvError::InitFolderIsFile(real_dir.join(folder)));
        }
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(EnvError::AlreadyInitialized(path));
        }
        if !crate::files::resolve(&path).is_some_and(|real| real.starts_with(&real_dir)) {
            return Err(EnvError::InitOutside {
                file: real_dir.join(name),
                dir: real_dir.clone(),
            });
        }
    }
    for (name, text) in FILES {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| EnvError::io(format!("create {}", parent.display()), e))?;
        }
        // create_new: never replace a file that appeared since the check above.
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        written.map_err(|e| EnvError::io(format!("write {}", path.display()), e))?;
        println_safe!("created {name}");
    }
    if args.agents {
        let workspace = crate::source::Workspace::open(dir, None)?;
        super::agents::write(&workspace)?;
    }
    println_safe!("next: popm check");
    Ok(Outcome::Clean)
}
