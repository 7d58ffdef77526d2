//! Changing items: surgical frontmatter edits and atomic writes, and what each writing command
//! changes (a `set` argument, a renumbering, a new item, the canonical format).

pub mod agents;
pub mod body;
pub mod change;
pub mod create;
pub mod folder;
pub mod format;
pub mod frontmatter;
pub mod item;
pub mod journal;
pub mod lock;
pub mod refusal;
pub mod renumbering;
pub mod scalar;
pub mod write;

use std::path::PathBuf;

pub use refusal::{EditError, Refusal};

use crate::error::EnvError;
use crate::model::Item;
use crate::source::Workspace;

/// Reads an item's file for editing: its path on disk, its bytes, its text. As the backlog reader
/// does (`files`): never through a link, a regular file only, at most `max_file_bytes`; the file
/// may have been replaced since the check read it.
pub fn read_item(
    workspace: &Workspace,
    item: &Item,
) -> Result<(PathBuf, Vec<u8>, String), EnvError> {
    let path = workspace.display_root.join(&item.path);
    let limit = workspace.config.max_file_bytes;
    let bytes = match crate::files::read_regular(&path, limit) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(size)) => {
            return Err(EnvError::TooLargeToEdit {
                file: item.path.clone(),
                size,
                limit,
            });
        }
        Err(e) => return Err(EnvError::io(format!("read {}", item.path), e)),
    };
    let text =
        String::from_utf8(bytes.clone()).map_err(|_| EnvError::NotUtf8(item.path.clone()))?;
    Ok((path, bytes, text))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// The walker never follows a link, but an item file can be replaced by one between the check
    /// and the edit's own read: that read must not follow it either, or the text of the linked file
    /// (anywhere on the machine) would be edited into the backlog.
    #[test]
    fn an_item_replaced_by_a_link_after_the_check_is_not_read() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.md");
        std::fs::write(
            &secret,
            "---\nid: S-1\ntype: story\ntitle: Secret\nstatus: backlog\n---\nSECRET\n",
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("popm.toml"), "").unwrap();
        std::fs::create_dir(d.join("backlog")).unwrap();
        let item_path = d.join("backlog/S-1.md");
        std::fs::write(
            &item_path,
            "---\nid: S-1\ntype: story\ntitle: Mine\nstatus: backlog\n---\n",
        )
        .unwrap();
        let workspace = Workspace::open(d, None).unwrap();
        let checked = crate::engine::check(&workspace, &crate::engine::Request::whole()).unwrap();
        let item = checked.backlog.get("S-1").unwrap();
        std::fs::remove_file(&item_path).unwrap();
        std::os::unix::fs::symlink(&secret, &item_path).unwrap();
        let err = read_item(&workspace, item).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read backlog/S-1.md: it is a symbolic link, which popm does not follow"
        );
    }
}
