//! A work-tree file's stat, as git's index keeps it: when it changes, the file may have changed.

use serde::{Deserialize, Serialize};

/// A time as the file system gives it: seconds and nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Time {
    pub secs: i64,
    pub nanos: u32,
}

impl Time {
    pub fn now() -> Time {
        Time::of(std::time::SystemTime::now())
    }

    fn of(time: std::time::SystemTime) -> Time {
        match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => Time {
                secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                nanos: d.subsec_nanos(),
            },
            Err(_) => Time::default(),
        }
    }
}

/// What changes when a file's content changes (or may have).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    pub size: u64,
    pub modified: Time,
    pub changed: Time,
    pub inode: u64,
    pub device: u64,
}

impl Stat {
    pub fn of(meta: &std::fs::Metadata) -> Stat {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let time = |secs: i64, nanos: i64| Time {
                secs,
                nanos: u32::try_from(nanos).unwrap_or(0),
            };
            Stat {
                size: meta.size(),
                modified: time(meta.mtime(), meta.mtime_nsec()),
                changed: time(meta.ctime(), meta.ctime_nsec()),
                inode: meta.ino(),
                device: meta.dev(),
            }
        }
        #[cfg(not(unix))]
        {
            let modified = meta.modified().map(Time::of).unwrap_or_default();
            Stat {
                size: meta.len(),
                modified,
                changed: modified,
                inode: 0,
                device: 0,
            }
        }
    }

    /// Whether the record can be trusted against a stat taken at `scanned`: the file was last
    /// changed in an earlier second. A change in the same second could be followed by another
    /// one the file system's timestamps cannot tell apart (same size, same times): git's "racy"
    /// entries, which it also reads again.
    pub fn modified_before(&self, scanned: Time) -> bool {
        self.modified.secs < scanned.secs && self.changed.secs < scanned.secs
    }
}
