//! Writing the site's pages into the output folder.
//!
//! Each page is written to a temporary file in its folder and renamed over its name, so a reader
//! (a browser, a CI upload) sees the old page or the new one, never half of one. Files of the
//! folder that are not pages of this report are left as they are: a page of an item removed since
//! the last report stays until the folder is emptied. Page paths come from item and PI ids; a
//! path with anything but plain names is refused, and a folder or page that is a symbolic link is
//! not written through.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::Page;
use crate::error::EnvError;

/// How many pages were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub pages: usize,
}

/// Writes every page under `out`, creating the folders it needs.
pub fn write(out: &Path, pages: &[Page]) -> Result<Written, EnvError> {
    create_folder(out)?;
    let mut made: Vec<PathBuf> = Vec::new();
    for page in pages {
        let Some(parts) = plain_parts(&page.path) else {
            return Err(EnvError::io(
                format!("write the page `{}`", page.path),
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "not a plain relative path",
                ),
            ));
        };
        let mut folder = out.to_path_buf();
        for part in &parts[..parts.len() - 1] {
            folder.push(part);
            if !made.contains(&folder) {
                create_folder(&folder)?;
                made.push(folder.clone());
            }
        }
        write_file(&folder, parts[parts.len() - 1], &page.html)?;
    }
    Ok(Written { pages: pages.len() })
}

/// The names of a page path, when each is a plain name (no `.`, `..`, empty part or leading dot,
/// no separator other than `/`).
fn plain_parts(path: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = path.split('/').collect();
    let plain = |p: &&str| {
        !p.is_empty()
            && !p.starts_with('.')
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    };
    parts.iter().all(plain).then_some(parts)
}

/// Creates `dir` (and its parents) unless it exists as a folder; a link there is refused.
fn create_folder(dir: &Path) -> Result<(), EnvError> {
    let doing = || format!("create the folder {}", dir.display());
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => Err(EnvError::io(
            doing(),
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "it is a symbolic link, which popm does not follow",
            ),
        )),
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(EnvError::io(
            doing(),
            std::io::Error::new(std::io::ErrorKind::AlreadyExists, "a file has that name"),
        )),
        Err(_) => std::fs::create_dir_all(dir).map_err(|e| EnvError::io(doing(), e)),
    }
}

/// Writes `text` to `dir/name` through a temporary file renamed over it. Not flushed to disk
/// file by file: a generated site is made again from the backlog, and ten thousand flushes would
/// cost seconds.
fn write_file(dir: &Path, name: &str, text: &str) -> Result<(), EnvError> {
    let target = dir.join(name);
    let doing = || format!("write {}", target.display());
    let (mut file, temp) =
        crate::files::create_temporary(dir, name).map_err(|e| EnvError::io(doing(), e))?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .and_then(|()| {
            drop(file);
            std::fs::rename(&temp, &target)
        });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(EnvError::io(doing(), e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, html: &str) -> Page {
        Page {
            path: path.into(),
            html: html.into(),
        }
    }

    #[test]
    fn pages_land_in_their_folders_and_other_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
        std::fs::write(dir.path().join("index.html"), "old").unwrap();
        let pages = [page("index.html", "new"), page("board/PI-1.html", "b")];
        assert_eq!(write(dir.path(), &pages).unwrap(), Written { pages: 2 });
        let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
        assert_eq!(read("index.html"), "new");
        assert_eq!(read("board/PI-1.html"), "b");
        assert_eq!(read("keep.txt"), "mine");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["board", "index.html", "keep.txt"]);
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in [
            "../x.html",
            "/etc/x",
            "a//b.html",
            ".hidden",
            "a\\b.html",
            "",
        ] {
            let e = write(dir.path(), &[page(bad, "x")]).unwrap_err();
            assert!(
                e.to_string().contains("not a plain relative path"),
                "{bad}: {e}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_folder_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("board")).unwrap();
        let e = write(dir.path(), &[page("board/PI-1.html", "b")]).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
