//! Where the writing commands may create files: inside a backlog folder, once links are resolved.

use std::path::{Path, PathBuf};

use crate::error::EnvError;
use crate::source::Workspace;

/// The folder new item files may be written to: `folder` (relative to the project, or absolute)
/// must lie inside one of the backlog roots once links are resolved, so that popm never writes
/// outside the backlog, and everything it writes is checked. The folder is created if needed.
pub fn for_writing(workspace: &Workspace, folder: &Path) -> Result<PathBuf, EnvError> {
    let config = &workspace.config;
    let wanted = config.project_root.join(folder);
    let refuse = || EnvError::OutsideBacklog {
        folder: folder.to_path_buf(),
        roots: config.roots.clone(),
    };
    let roots: Vec<PathBuf> = config
        .roots
        .iter()
        .filter_map(|r| config.project_root.join(r).canonicalize().ok())
        .collect();
    let inside = |real: &Path| roots.iter().any(|r| real.starts_with(r));
    // Before creating anything: the nearest existing folder, links resolved, plus plain names.
    let mut existing = wanted.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
            return Err(refuse());
        };
        rest.push(name);
        existing = parent;
    }
    let mut real = existing.canonicalize().map_err(|_| refuse())?;
    for name in rest.iter().rev() {
        if *name == ".." || *name == "." {
            return Err(refuse());
        }
        real.push(name);
    }
    if !inside(&real) {
        return Err(refuse());
    }
    std::fs::create_dir_all(&real)
        .map_err(|e| EnvError::io(format!("create {}", real.display()), e))?;
    // Again after creating it, in case a link appeared meanwhile.
    match wanted.canonicalize() {
        Ok(now) if inside(&now) => Ok(wanted),
        _ => Err(refuse()),
    }
}
