//! Opening files whose names come from the repository (item files, popm.toml, a Backlog.md folder,
//! the lock file, git hooks): never through a symbolic link, never blocking on a pipe.
//!
//! Anyone with push access can commit a link named like a file popm reads or writes, pointing
//! anywhere on the machine of whoever runs popm, or a name that is a pipe on disk. Checking the
//! kind of a path first and opening it afterwards leaves a window in which the path can change, so
//! on Unix the open itself refuses a link in the last component (`O_NOFOLLOW`) and does not wait
//! for a pipe's other end (`O_NONBLOCK`); the kind is then asked of the opened file. Elsewhere the
//! kind is checked just before the open.
//!
//! New files are created with `create_new` (`O_EXCL`), which never follows a link either: a link at
//! the name makes the creation fail.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// Why a path was not opened although it exists.
const LINK: &str = "it is a symbolic link, which popm does not follow";
const NOT_REGULAR: &str = "it is not a regular file (a pipe, socket, device or folder)";

fn link_error() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, LINK)
}

fn not_regular_error() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, NOT_REGULAR)
}

/// Whether `e` says the path was a link (as [`open_regular`] and [`open_lock`] report it).
pub fn is_link_error(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::InvalidInput && e.to_string() == LINK
}

/// Options that refuse a link in the last component and never block on a pipe or device.
fn no_follow(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options
}

/// Turns the operating system's answer to a link under `O_NOFOLLOW` (ELOOP on Linux and macOS,
/// EMLINK on FreeBSD) into the same message as the check before the open.
fn explain(e: io::Error) -> io::Error {
    #[cfg(unix)]
    if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::EMLINK)) {
        return link_error();
    }
    // A pipe opened for writing without a reader answers ENXIO under O_NONBLOCK.
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ENXIO) {
        return not_regular_error();
    }
    e
}

/// Refuses a link or a special file at `path` before it is opened. Only off Unix: there the open's
/// flags do it without a window and without a system call more per file.
#[cfg(not(unix))]
fn check_kind(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(link_error()),
        Ok(m) if !m.is_file() => Err(not_regular_error()),
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Opens an existing regular file for reading, refusing links and special files.
pub fn open_regular(path: &Path) -> io::Result<File> {
    open_regular_sized(path).map(|(file, _)| file)
}

/// [`open_regular`], with the file's size from the same fstat.
fn open_regular_sized(path: &Path) -> io::Result<(File, u64)> {
    #[cfg(not(unix))]
    check_kind(path)?;
    let file = no_follow(OpenOptions::new().read(true))
        .open(path)
        .map_err(explain)?;
    sized_regular(file)
}

/// The file opened with its size, if it is a regular file (asked of the open file: no window).
fn sized_regular(file: File) -> io::Result<(File, u64)> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular_error());
    }
    Ok((file, meta.len()))
}

/// A regular file's bytes, or its size when it is over `limit`. One open, one fstat for the size,
/// usually one read: `read_to_end` would ask the size again (fstat, lseek) and read once more to
/// see the end.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Result<Vec<u8>, u64>> {
    let (file, size) = open_regular_sized(path)?;
    read_sized(file, size, limit)
}

/// The bytes of a file opened and sized, or its size when it is over `limit`. Read into a buffer
/// of its size that is not zeroed first, and no read past the size (`take`): a file that shrank
/// since fstat ends early, one that grew is read as it was sized.
fn read_sized(file: File, size: u64, limit: u64) -> io::Result<Result<Vec<u8>, u64>> {
    if size > limit {
        return Ok(Err(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(usize::MAX));
    file.take(size).read_to_end(&mut bytes)?;
    Ok(Ok(bytes))
}

/// A folder whose files are opened by name: on Unix through a descriptor of the folder
/// (`openat`), so the kernel looks up one name per file instead of walking the whole path again
/// (a tenth of a cold check of 100 000 files went to path lookups). Elsewhere, or when the folder
/// cannot be opened, through the path joined.
pub struct Folder<'a> {
    path: &'a Path,
    #[cfg(unix)]
    fd: Option<std::os::fd::OwnedFd>,
}

impl<'a> Folder<'a> {
    pub fn open(path: &'a Path) -> Folder<'a> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            let fd = rustix::fs::open(path, flags, Mode::empty()).ok();
            Folder { path, fd }
        }
        #[cfg(not(unix))]
        Folder { path }
    }

    pub fn path(&self) -> &Path {
        self.path
    }

    /// [`read_regular`] of the file `name` in this folder.
    pub fn read_regular(
        &self,
        name: &std::ffi::OsStr,
        limit: u64,
    ) -> io::Result<Result<Vec<u8>, u64>> {
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            use rustix::fs::{Mode, OFlags};
            // The flags of `no_follow`: no link in the last component, no wait on a pipe.
            let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
            let file = rustix::fs::openat(fd, name, flags, Mode::empty())
                .map_err(|e| explain(e.into()))?;
            let (file, size) = sized_regular(File::from(file))?;
            return read_sized(file, size, limit);
        }
        read_regular(&self.path.join(name), limit)
    }
}

/// Opens a lock file for writing, creating it when it does not exist, refusing a link or a special
/// file at its name (a lock taken on a link's target would create or lock a file anywhere).
pub fn open_lock(path: &Path) -> io::Result<File> {
    #[cfg(not(unix))]
    match check_kind(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let file = no_follow(OpenOptions::new().create(true).truncate(false).write(true))
        .open(path)
        .map_err(explain)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular_error());
    }
    Ok(file)
}

/// A name for a temporary file that others cannot predict (a link planted at a predictable name
/// would make every attempt fail): the process id and a per-process random number.
pub fn temporary_name(stem: &str, attempt: u32) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(attempt);
    hasher.write_u32(std::process::id());
    format!(
        ".{stem}.popm-{}-{:016x}.tmp",
        std::process::id(),
        hasher.finish()
    )
}

/// Creates a new temporary file in `dir` (never through a link: `create_new`), trying a few
/// unpredictable names. Returns the file and its path.
pub fn create_temporary(dir: &Path, stem: &str) -> io::Result<(File, PathBuf)> {
    let mut last = None;
    for attempt in 0..8 {
        let path = dir.join(temporary_name(stem, attempt));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

/// `path` without `.` and `..` components, worked out from the names alone (no links resolved):
/// what the path says, for comparing with where it really leads.
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            // `..` removes the name before it; at the root it stays at the root.
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Where `path` really leads: its nearest existing ancestor with every link resolved, then the
/// names that do not exist yet. `None` when no ancestor can be resolved.
pub fn resolve(path: &Path) -> Option<PathBuf> {
    let path = lexical(path);
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        rest.push(existing.file_name()?);
        existing = match existing.parent()? {
            // A relative path's first name: its ancestor is the current folder.
            p if p.as_os_str().is_empty() => Path::new("."),
            p => p,
        };
    }
    let mut real = existing.canonicalize().ok()?;
    for name in rest.iter().rev() {
        real.push(name);
    }
    Some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_and_pipes_are_refused_regular_files_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "text").unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(read_regular(&file, 100).unwrap().unwrap(), b"text");
        assert_eq!(read_regular(&file, 2).unwrap(), Err(4));
        let e = read_regular(&link, 100).unwrap_err();
        assert!(is_link_error(&e), "{e}");
        assert_eq!(e.to_string(), LINK);
        let e = open_lock(&link).unwrap_err();
        assert!(is_link_error(&e), "{e}");
        let e = read_regular(dir.path(), 100).unwrap_err();
        assert_eq!(e.to_string(), NOT_REGULAR);
        // A lock file is created when missing, and opened when it is a regular file.
        let lock = dir.path().join("popm.lock");
        open_lock(&lock).unwrap();
        open_lock(&lock).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"text", "nothing written");
    }

    #[test]
    fn temporary_files_are_new_and_unpredictable() {
        let dir = tempfile::tempdir().unwrap();
        let (_, a) = create_temporary(dir.path(), "pre-commit").unwrap();
        let (_, b) = create_temporary(dir.path(), "pre-commit").unwrap();
        assert_ne!(a, b);
        let name = a.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(".pre-commit.popm-"), "{name}");
        assert!(name.ends_with(".tmp"), "{name}");
    }

    #[test]
    fn relative_paths_resolve_from_the_current_folder() {
        let here = std::env::current_dir().unwrap().canonicalize().unwrap();
        assert_eq!(
            resolve(Path::new("no-such-file.md")),
            Some(here.join("no-such-file.md"))
        );
        assert_eq!(
            resolve(Path::new("./no-such/file.md")),
            Some(here.join("no-such/file.md"))
        );
    }

    #[test]
    fn lexical_paths() {
        assert_eq!(lexical(Path::new("/r/./a/../b")), Path::new("/r/b"));
        assert_eq!(lexical(Path::new("/r/../../x")), Path::new("/x"));
        assert_eq!(lexical(Path::new("a/../../x")), Path::new("../x"));
        assert_eq!(lexical(Path::new("../../x")), Path::new("../../x"));
    }
}
