//! Writing a file without ever losing it: a temporary file in the same folder, flushed to disk, then
//! renamed over the original. A failure at any step leaves the original untouched.

use std::io::Write;
use std::path::Path;

/// Why a write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0} changed on disk since popm read it; nothing was written (run the command again)")]
    Changed(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Replaces `path` with `text`, provided the file still holds `expected` (what popm read), keeping
/// its permissions. `fail_before_rename` simulates a crash at the last step, for tests.
///
/// The comparison happens after the new text is on disk, immediately before the rename, so the
/// window in which another program's write could be lost is the time between one read and one
/// rename, not the time of a write and an fsync. Other popm processes cannot enter it at all: every
/// writing command holds the backlog lock ([`super::lock`]) from its first read to its last write.
pub fn replace(
    path: &Path,
    expected: &[u8],
    text: &str,
    fail_before_rename: bool,
) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    let io = |source| WriteError::Io {
        path: shown.clone(),
        source,
    };
    let permissions = std::fs::metadata(path).map_err(io)?.permissions();
    write_new(
        path,
        text,
        Some(permissions),
        fail_before_rename,
        Some(expected),
    )
}

/// Creates `path` with `text`; fails if it exists.
pub fn create(path: &Path, text: &str) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)
}

fn write_new(
    path: &Path,
    text: &str,
    permissions: Option<std::fs::Permissions>,
    fail_before_rename: bool,
    expected: Option<&[u8]>,
) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "item".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.popm-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<bool> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Some(p) = permissions {
            std::fs::set_permissions(&tmp, p)?;
        }
        if fail_before_rename {
            return Err(std::io::Error::other("simulated failure before rename"));
        }
        if let Some(expected) = expected
            && std::fs::read(path)? != expected
        {
            return Ok(false);
        }
        std::fs::rename(&tmp, path).map(|()| true)
    })();
    match result {
        Ok(true) => Ok(()),
        Ok(false) => {
            let _ = std::fs::remove_file(&tmp);
            Err(WriteError::Changed(path.display().to_string()))
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(io(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_original() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("F-1.md");
        std::fs::write(&path, "old\r\n").unwrap();
        let err = replace(&path, b"old\r\n", "new\r\n", true).unwrap_err();
        assert!(err.to_string().contains("simulated failure"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\r\n");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        replace(&path, b"old\r\n", "new\r\n", false).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\r\n");
    }

    #[test]
    fn a_file_changed_since_read_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("F-1.md");
        std::fs::write(&path, "someone else's edit").unwrap();
        assert!(matches!(
            replace(&path, b"what popm read", "new", false),
            Err(WriteError::Changed(_))
        ));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "someone else's edit"
        );
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("F-1.md");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace(&path, b"old", "new", false).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
}
