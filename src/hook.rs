//! A plain git pre-commit hook running `popm check --pre-commit` (`popm hook`), for teams without
//! the pre-commit framework.
//!
//! The hooks folder can be a committed folder (`core.hooksPath = .githooks`), so anyone with push
//! access decides what lies there: a link at the hook's name, at a temporary name, or in place of
//! the folder itself. popm never writes through a link: the temporary file is created new under a
//! name nobody can predict, a hook that is a link is left alone, and a hooks folder inside the work
//! tree must resolve inside it. A hook that is not exactly what popm writes (someone else's, or
//! popm's edited by hand) is replaced only with `--force`, after a copy is kept beside it.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::EnvError;
use crate::files;
use crate::git::Git;

/// Marks a hook as popm's own, so uninstall removes only what install wrote.
pub const MARKER: &str = "# installed by `popm hook install`";

/// Hooks are small scripts; a larger file is nobody's hook that popm should copy around.
pub const MAX_HOOK_BYTES: u64 = 16 << 20;

/// How many backups (`pre-commit.bak`, `pre-commit.bak.2`, ...) popm keeps before it asks for
/// some to be cleared.
pub const MAX_BACKUPS: usize = 100;

/// The start of every hook popm writes, up to the recorded path.
const HEAD: &str = "#!/bin/sh
# installed by `popm hook install`
# Judges what the commit changes in the backlog (`popm check --pre-commit`). Remove with `popm hook uninstall`.
# The popm that installed this hook; popm on PATH when that one is gone.
recorded=";

/// The rest, after the recorded path.
const TAIL: &str = r#"
if [ -n "$recorded" ] && [ -x "$recorded" ]; then
    exec "$recorded" check --pre-commit
fi
if command -v popm >/dev/null 2>&1; then
    exec popm check --pre-commit
fi
echo "popm hook: cannot find popm: not at '$recorded' (where it was when the hook was installed), not on PATH" >&2
echo "popm hook: put popm on PATH, or run \`popm hook install\` again with the popm you use now; \`git commit --no-verify\` skips the check once" >&2
exit 2
"#;

/// What `popm hook install` wrote before it recorded its own path (popm 0.1): still popm's.
const BEFORE_RECORDING: &str = "#!/bin/sh\n# installed by `popm hook install`\n\
# Checks the backlog as it is about to be committed. Remove with `popm hook uninstall`.\n\
exec popm check --staged\n";

/// The hook that runs `popm` (an absolute path, recorded so the hook works from a GUI or an IDE
/// whose PATH lacks it), falling back to the popm on PATH. `None`: only PATH.
pub fn script(popm: Option<&str>) -> String {
    format!("{HEAD}{}{TAIL}", shell_quote(popm.unwrap_or("")))
}

/// The path of the running popm, as the hook records it: absolute, UTF-8, and without control
/// characters (it is echoed to a terminal when it is gone); otherwise none, and the hook uses PATH.
pub fn this_popm() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let exe = exe.to_str()?;
    let plain = Path::new(exe).is_absolute() && !exe.chars().any(char::is_control);
    plain.then(|| exe.to_string())
}

/// `value` as one single-quoted shell word: inside single quotes nothing is special but the quote
/// itself, written `'\''`.
fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// Whether `text` is a hook popm writes, for any recorded path (another popm's, or popm 0.1's
/// hook that recorded none).
fn is_popm_hook(text: &str) -> bool {
    if text == BEFORE_RECORDING {
        return true;
    }
    let Some(quoted) = text
        .strip_prefix(HEAD)
        .and_then(|rest| rest.strip_suffix(TAIL))
    else {
        return false;
    };
    let Some(inner) = quoted
        .strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix('\''))
    else {
        return false;
    };
    // Written by popm only if quoting the path again gives the same text.
    shell_quote(&inner.replace("'\\''", "'")) == quoted
}

/// Why popm leaves a hook (or its folder) alone.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// Someone else's hook (`edited`: popm's, changed since), without `--force`.
    #[error(
        "{} {}; use --force to replace it (it is kept as pre-commit.bak)",
        .path.display(),
        if *.edited { "was changed since popm wrote it" } else { "exists and was not written by popm" }
    )]
    Exists { path: PathBuf, edited: bool },
    #[error("{} was not written by popm; leaving it alone", .0.display())]
    Foreign(PathBuf),
    #[error("{} was changed since popm wrote it; leaving it alone", .0.display())]
    Edited(PathBuf),
    #[error("cannot resolve the hooks folder {}", .0.display())]
    Unresolvable(PathBuf),
    #[error(
        "the hooks folder {} resolves to {}, outside the repository (a symbolic link?); popm writes hooks only inside it",
        .wanted.display(),
        .real.display()
    )]
    FolderOutside { wanted: PathBuf, real: PathBuf },
    #[error("{} is {size} bytes, too large for a hook popm would replace; move it away by hand", .path.display())]
    TooLarge { path: PathBuf, size: u64 },
    #[error(
        "{} is a symbolic link; popm never writes through a link or replaces one (remove it, or install the hook by hand)",
        .0.display()
    )]
    Link(PathBuf),
    #[error("{} already holds {MAX_BACKUPS} backups of the pre-commit hook; remove some first", .0.display())]
    TooManyBackups(PathBuf),
}

/// What lies at the hook's path.
pub enum Existing {
    Missing,
    /// Exactly what popm writes.
    Ours,
    /// popm's hook as another popm (another path, an earlier version) wrote it.
    OtherPopm,
    /// popm's hook, edited since.
    Edited(Vec<u8>),
    /// Someone else's hook.
    Foreign(Vec<u8>),
}

/// The hooks folder, refused when it lies in the work tree but leads out of it (a committed link):
/// hooks would be written wherever the link points. A folder in the git directory or outside the
/// repository is the user's own setting (neither is committed), and is used as it is.
pub fn hooks_folder(git: &Git) -> Result<PathBuf, EnvError> {
    let wanted = files::lexical(&git.hooks_dir());
    let workdir = git.workdir();
    let in_git_dir = wanted.starts_with(files::lexical(git.common_dir()));
    if wanted.starts_with(workdir) && !in_git_dir {
        let Some(real) = files::resolve(&wanted) else {
            return Err(HookError::Unresolvable(wanted).into());
        };
        if !real.starts_with(workdir) {
            return Err(HookError::FolderOutside { wanted, real }.into());
        }
    }
    Ok(wanted)
}

pub fn existing(hook: &Path) -> Result<Existing, EnvError> {
    let bytes = match files::read_regular(hook, MAX_HOOK_BYTES) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(size)) => {
            return Err(HookError::TooLarge {
                path: hook.to_path_buf(),
                size,
            }
            .into());
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Missing),
        Err(e) if files::is_link_error(&e) => {
            return Err(HookError::Link(hook.to_path_buf()).into());
        }
        Err(e) => return Err(EnvError::io(format!("read {}", hook.display()), e)),
    };
    let text = String::from_utf8_lossy(&bytes);
    Ok(if bytes == script(this_popm().as_deref()).as_bytes() {
        Existing::Ours
    } else if is_popm_hook(&text) {
        Existing::OtherPopm
    } else if text.contains(MARKER) {
        Existing::Edited(bytes)
    } else {
        Existing::Foreign(bytes)
    })
}

/// Copies the hook to the first free `pre-commit.bak`, `pre-commit.bak.2`, ... beside it, with its
/// permissions; an existing backup (or a link at its name) is never replaced.
pub fn keep_backup(hook: &Path, bytes: &[u8]) -> Result<PathBuf, EnvError> {
    let dir = hook.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::symlink_metadata(hook)
        .map(|m| m.permissions())
        .map_err(|e| EnvError::io(format!("read {}", hook.display()), e))?;
    for n in 1..=MAX_BACKUPS {
        let name = match n {
            1 => "pre-commit.bak".to_string(),
            n => format!("pre-commit.bak.{n}"),
        };
        let backup = dir.join(name);
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&backup);
        let mut file = match created {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                let doing = format!("keep the old hook as {}", backup.display());
                return Err(EnvError::io(doing, e));
            }
        };
        let written = file
            .write_all(bytes)
            .and_then(|()| file.set_permissions(permissions.clone()))
            .and_then(|()| file.sync_all());
        return match written {
            Ok(()) => Ok(backup),
            Err(e) => {
                let _ = std::fs::remove_file(&backup);
                let doing = format!("keep the old hook as {}", backup.display());
                Err(EnvError::io(doing, e))
            }
        };
    }
    Err(HookError::TooManyBackups(dir.to_path_buf()).into())
}

/// Writes through a new temporary file in the same folder (created, never opened through a link)
/// and renames it into place, so an interrupted write never leaves half a hook.
pub fn write_executable(path: &Path, text: &str) -> Result<(), EnvError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let failed = |e: std::io::Error| EnvError::io(format!("write {}", path.display()), e);
    let (mut file, tmp) = files::create_temporary(dir, "pre-commit").map_err(failed)?;
    let result = (|| -> std::io::Result<()> {
        file.write_all(text.as_bytes())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // On the open file (fchmod): nothing else can be changed through its name.
            file.set_permissions(std::fs::Permissions::from_mode(0o755))?;
        }
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hook_popm_writes_is_recognized_and_nothing_else() {
        for path in [
            "/usr/local/bin/popm",
            "/home/o'neil/bin/popm",
            "",
            "/a b/'x'/popm",
        ] {
            let hook = script(Some(path));
            assert!(is_popm_hook(&hook), "{hook}");
            // Another command smuggled into the quoted path is someone else's hook.
            let edited = hook.replace(
                &shell_quote(path),
                &format!("{}; rm -rf x", shell_quote(path)),
            );
            assert!(!is_popm_hook(&edited), "{edited}");
        }
        assert!(is_popm_hook(BEFORE_RECORDING));
        assert!(HEAD.contains(MARKER) && BEFORE_RECORDING.contains(MARKER));
        assert!(!is_popm_hook(
            "#!/bin/sh\n# installed by `popm hook install`\necho hi\n"
        ));
        assert!(script(Some("/o'neil/popm")).contains("recorded='/o'\\''neil/popm'\n"));
    }
}
