//! The file operations under every write: a temporary file in the target's folder, written and
//! flushed to disk, later renamed over the target (see [`super::journal`], which orders them so
//! that a command's writes happen all or not at all).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a write did not happen, or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0} changed on disk since popm read it; nothing was written (run the command again)")]
    Changed(String),
    #[error("cannot write {path}: {source}; nothing was written")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The journal was committed, and a rename then failed: the next popm run finishes the rest.
    #[error(
        "cannot write {path}: {source}; {done} of {total} files are written, the rest is recorded in {journal} and the next popm command finishes it"
    )]
    Unfinished {
        path: String,
        source: std::io::Error,
        done: usize,
        total: usize,
        journal: String,
    },
}

/// The folder of a file, `.` for a bare name.
pub(crate) fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The name of the temporary file popm writes before renaming it over `path`: hidden, in the same
/// folder, named after the file, this process and a number nobody can predict
/// (`.S-1.md.popm-4242-1f0c9a6e5b3d2c71.tmp`), so that no file or link committed or put there in
/// advance can stand in its way. `n` tells apart the files of one command.
pub(crate) fn temp_name(path: &Path, n: usize) -> String {
    let name = path
        .file_name()
        .map_or_else(|| "item".into(), |n| n.to_string_lossy().into_owned());
    crate::files::temporary_name(&name, u32::try_from(n).unwrap_or(u32::MAX))
}

/// Whether `temp` is a name [`temp_name`] gives for a file named `name` (by any process): the
/// process id, then (since the names became unpredictable) a dash and 16 hexadecimal digits.
pub(crate) fn is_temp_name_of(temp: &str, name: &str) -> bool {
    let Some(rest) = temp
        .strip_prefix('.')
        .and_then(|t| t.strip_prefix(name))
        .and_then(|t| t.strip_prefix(".popm-"))
        .and_then(|t| t.strip_suffix(".tmp"))
    else {
        return false;
    };
    let (pid, random) = rest.split_once('-').unwrap_or((rest, "0000000000000000"));
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && random.len() == 16
        && random.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Creates `temp` (never over an existing file or link), writes `text`, flushes it to disk.
pub(crate) fn prepare(
    temp: &Path,
    text: &str,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp)?;
    // On the open file, not its name: the name could be a link by now.
    if let Some(p) = permissions {
        file.set_permissions(p)?;
    }
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Flushes a folder's entries (renames, new and removed files) to disk, where the system allows it.
pub(crate) fn sync_folder(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Writes a small file of popm's own (the journal) so that it is either the old one or the new
/// one: a fresh temporary file beside it, flushed, renamed over it, the folder flushed.
pub(crate) fn replace_own(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".new");
    let temp: PathBuf = folder(path).join(name);
    // A leftover of an earlier crash, or a link someone put there: removed, never written through.
    match std::fs::remove_file(&temp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temp, path)?;
    sync_folder(folder(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_recognised() {
        let name = temp_name(Path::new("backlog/S-1.md"), 0);
        assert!(
            name.starts_with(".S-1.md.popm-") && name.ends_with(".tmp"),
            "{name}"
        );
        assert!(is_temp_name_of(&name, "S-1.md"));
        assert!(!is_temp_name_of(&name, "S-2.md"));
        assert!(is_temp_name_of(".S-1.md.popm-7.tmp", "S-1.md"));
        assert!(!is_temp_name_of(".S-1.md.popm-.tmp", "S-1.md"));
        assert!(!is_temp_name_of(".S-1.md.popm-1/../x.tmp", "S-1.md"));
        assert!(!is_temp_name_of(
            ".S-1.md.popm-1-x/../0123456789ab.tmp",
            "S-1.md"
        ));
    }

    /// A name with only the process id could be planted in advance (in a container, popm's
    /// process id is often the same on every run), making every write of that file fail.
    #[test]
    fn temp_names_cannot_be_predicted() {
        let path = Path::new("backlog/S-1.md");
        assert_ne!(temp_name(path, 0), temp_name(path, 0));
    }

    #[cfg(unix)]
    #[test]
    fn own_files_are_not_written_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::write(&outside, "keep").unwrap();
        std::os::unix::fs::symlink(&outside, dir.path().join("popm.journal.new")).unwrap();
        replace_own(&dir.path().join("popm.journal"), b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("popm.journal")).unwrap(),
            "{}"
        );
    }
}
