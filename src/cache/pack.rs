//! The pack file: a header (magic, format version, checksum of the rest), then one postcard
//! record with the build that wrote it, the parse settings, the stat index and the entries. An
//! entry's parse stays as bytes until a run asks for it, so a run decodes only what it uses, on
//! the thread that uses it.
//!
//! Reading a pack allocates nothing per file: the stat records (sorted by path) and the entries
//! (sorted by blob and path) are written in order, kept as ranges of the pack's bytes and found
//! by binary search. A pack whose records are out of order (not written by popm) only misses:
//! a file not found is read and parsed.

use std::collections::HashSet;
use std::io::Write;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::stat::{Stat, Time};
use crate::git::ObjectId;

const MAGIC: &[u8; 8] = b"popm\x00pc\x01";
/// The magic of the commit records' file (`commits.rs`), framed the same way.
pub(super) const COMMITS_MAGIC: &[u8; 8] = b"popm\x00cr\x01";
/// Magic, format version (u32), checksum (u64, xxh3 of the body).
const HEADER: usize = 8 + 4 + 8;
/// A pack larger than this is not read (a cache of a million items stays far below it).
const MAX_PACK_BYTES: u64 = 4 << 30;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct StatRecord {
    pub path: String,
    pub stat: Stat,
    pub blob: [u8; 20],
}

pub(super) struct NewEntry {
    pub blob: ObjectId,
    pub path: String,
    pub data: Vec<u8>,
}

/// A stat record as the pack holds it (the same bytes as a [`StatRecord`]).
#[derive(Serialize, Deserialize)]
struct StatRef<'a> {
    path: &'a str,
    stat: Stat,
    blob: [u8; 20],
}

#[derive(Serialize, Deserialize)]
struct Body<'a> {
    build: &'a str,
    settings: u64,
    /// How many times the pack was written.
    generation: u32,
    /// When the stat index was taken.
    scanned: Time,
    /// Sorted by path.
    #[serde(borrow)]
    stats: Vec<StatRef<'a>>,
    /// Sorted by blob, then path.
    #[serde(borrow)]
    entries: Vec<EntryRecord<'a>>,
}

#[derive(Serialize, Deserialize)]
struct EntryRecord<'a> {
    blob: [u8; 20],
    path: &'a str,
    /// The write that last kept it because a run used it.
    generation: u32,
    #[serde(borrow)]
    data: Bytes<'a>,
}

/// Bytes written as one length and the bytes (serde would write a slice element by element).
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Bytes<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'a [u8]>::deserialize(d).map(Bytes)
    }
}

/// One entry of a pack read: where its path and its bytes are in the pack.
struct Slot {
    blob: [u8; 20],
    path: Range<usize>,
    data: Range<usize>,
    generation: u32,
}

/// One stat record of a pack read, its path a range of the pack.
struct StatSlot {
    path: Range<usize>,
    stat: Stat,
    blob: [u8; 20],
}

/// A pack as read: empty when there was none or it could not be trusted.
#[derive(Default)]
pub(super) struct Pack {
    buf: Vec<u8>,
    generation: u32,
    scanned: Time,
    stats: Vec<StatSlot>,
    entries: Vec<Slot>,
}

impl Pack {
    pub fn scanned(&self) -> Time {
        self.scanned
    }

    pub fn stats_len(&self) -> usize {
        self.stats.len()
    }

    pub fn entries_len(&self) -> usize {
        self.entries.len()
    }

    fn bytes(&self, range: &Range<usize>) -> &[u8] {
        self.buf.get(range.clone()).unwrap_or_default()
    }

    /// The record of `path`: its stat, its blob and its index (for [`Writing::seen`]).
    pub fn stat(&self, path: &str) -> Option<(Stat, ObjectId, usize)> {
        let index = self
            .stats
            .binary_search_by(|s| self.bytes(&s.path).cmp(path.as_bytes()))
            .ok()?;
        let slot = self.stats.get(index)?;
        Some((slot.stat, ObjectId::Sha1(slot.blob), index))
    }

    /// The entry for `path` holding `blob`: its index and its bytes.
    pub fn entry(&self, blob: ObjectId, path: &str) -> Option<(usize, &[u8])> {
        let key: [u8; 20] = blob.as_slice().try_into().ok()?;
        let index = self
            .entries
            .binary_search_by(|e| (&e.blob, self.bytes(&e.path)).cmp(&(&key, path.as_bytes())))
            .ok()?;
        let slot = self.entries.get(index)?;
        Some((index, self.buf.get(slot.data.clone())?))
    }

    /// The path of a record or entry, as the pack holds it (decoded as UTF-8 when it was read).
    fn path(&self, range: &Range<usize>) -> &str {
        std::str::from_utf8(self.bytes(range)).unwrap_or_default()
    }
}

/// The pack at `file`, when it is complete, of this format, written by this build for these
/// settings.
pub(super) fn read(file: &Path, build: &str, settings: u64) -> Option<Pack> {
    read_checked(file, build, Some(settings))
}

/// The pack at `file` whatever its settings (for `popm cache info`).
pub(super) fn read_any(file: &Path, build: &str) -> Option<Pack> {
    read_checked(file, build, None)
}

fn read_checked(file: &Path, build: &str, settings: Option<u64>) -> Option<Pack> {
    let buf = crate::files::read_regular(file, MAX_PACK_BYTES)
        .ok()?
        .ok()?;
    decode(buf, build, settings)
}

/// The body of a framed file: `None` for another magic or format, or a checksum that fails.
fn unframe<'a>(buf: &'a [u8], magic: &[u8; 8]) -> Option<&'a [u8]> {
    let (found, rest) = buf.split_at_checked(magic.len())?;
    let (format, rest) = rest.split_at_checked(4)?;
    let (checksum, body) = rest.split_at_checked(8)?;
    if found != magic || u32::from_le_bytes(format.try_into().ok()?) != super::FORMAT {
        return None;
    }
    (u64::from_le_bytes(checksum.try_into().ok()?) == xxhash_rust::xxh3::xxh3_64(body))
        .then_some(body)
}

/// The header, then the body.
pub(super) fn frame(magic: &[u8; 8], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&super::FORMAT.to_le_bytes());
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(body).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// The checked body of the framed file at `file`.
pub(super) fn read_framed(file: &Path, magic: &[u8; 8]) -> Option<Vec<u8>> {
    let mut buf = crate::files::read_regular(file, MAX_PACK_BYTES)
        .ok()?
        .ok()?;
    // The body is what follows the header: drop the header in place instead of copying the body.
    let body_len = unframe(&buf, magic)?.len();
    buf.drain(..buf.len() - body_len);
    Some(buf)
}

/// Writes `bytes` under a temporary name renamed over `file`: a reader sees the old file or the
/// new, never a part.
pub(super) fn write_atomically(dir: &Path, file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let (mut out, temporary) = crate::files::create_temporary(dir, "pack")?;
    let written = out
        .write_all(bytes)
        .and_then(|()| out.flush())
        .and_then(|()| std::fs::rename(&temporary, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Reads a pack's bytes; anything unexpected (another magic, format, build or settings, a
/// checksum that fails, a record that does not decode) is `None`.
fn decode(buf: Vec<u8>, build: &str, settings: Option<u64>) -> Option<Pack> {
    let body = unframe(&buf, MAGIC)?;
    let decoded: Body<'_> = postcard::from_bytes(body).ok()?;
    if decoded.build != build || settings.is_some_and(|s| s != decoded.settings) {
        return None;
    }
    // Where a slice borrowed from the body is in the pack's bytes.
    let base = buf.as_ptr() as usize;
    let range_of = |bytes: &[u8]| -> Option<Range<usize>> {
        let start = (bytes.as_ptr() as usize).checked_sub(base)?;
        Some(start..start + bytes.len())
    };
    let entries = decoded
        .entries
        .iter()
        .map(|e| {
            Some(Slot {
                blob: e.blob,
                path: range_of(e.path.as_bytes())?,
                data: range_of(e.data.0)?,
                generation: e.generation,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let stats = decoded
        .stats
        .iter()
        .map(|r| {
            Some(StatSlot {
                path: range_of(r.path.as_bytes())?,
                stat: r.stat,
                blob: r.blob,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let (generation, scanned) = (decoded.generation, decoded.scanned);
    Some(Pack {
        buf,
        generation,
        scanned,
        stats,
        entries,
    })
}

/// What a save writes.
pub(super) struct Writing<'a> {
    pub build: &'a str,
    pub settings: u64,
    pub scanned: Time,
    /// The stat records this run took, when it walked the work tree (else the old index is
    /// kept): with the old records in `seen`, the new index.
    pub stats: Option<&'a [StatRecord]>,
    /// Which of the old pack's stat records this run found unchanged.
    pub seen: &'a [bool],
    pub fresh: &'a [NewEntry],
    /// Which of the old pack's entries this run used.
    pub used: &'a [bool],
    pub keep_writes: u32,
}

/// Writes the old pack's entries still in use, the new ones and the stat index, under a
/// temporary name renamed over `file`: a reader sees the old pack or the new, never a part.
pub(super) fn write(dir: &Path, file: &Path, w: Writing<'_>, old: &Pack) -> std::io::Result<()> {
    write_atomically(dir, file, &encode(&w, old))
}

fn encode(w: &Writing<'_>, old: &Pack) -> Vec<u8> {
    let generation = old.generation.wrapping_add(1);
    let mut seen: HashSet<([u8; 20], &str)> = HashSet::new();
    let mut entries = Vec::with_capacity(old.entries.len() + w.fresh.len());
    for e in w.fresh {
        let Ok(blob) = <[u8; 20]>::try_from(e.blob.as_slice()) else {
            continue;
        };
        if seen.insert((blob, e.path.as_str())) {
            entries.push(EntryRecord {
                blob,
                path: &e.path,
                generation,
                data: Bytes(&e.data),
            });
        }
    }
    for (index, slot) in old.entries.iter().enumerate() {
        let used = w.used.get(index).copied().unwrap_or(false);
        let recent = generation.wrapping_sub(slot.generation) < w.keep_writes;
        let Some(data) = old.buf.get(slot.data.clone()) else {
            continue;
        };
        let path = old.path(&slot.path);
        if (used || recent) && seen.insert((slot.blob, path)) {
            entries.push(EntryRecord {
                blob: slot.blob,
                path,
                generation: if used { generation } else { slot.generation },
                data: Bytes(data),
            });
        }
    }
    // The order lookups search in.
    entries.sort_unstable_by(|a, b| (&a.blob, a.path).cmp(&(&b.blob, b.path)));
    let old_stats = |keep: &dyn Fn(usize) -> bool| {
        old.stats
            .iter()
            .enumerate()
            .filter(|(index, _)| keep(*index))
            .map(|(_, slot)| StatRef {
                path: old.path(&slot.path),
                stat: slot.stat,
                blob: slot.blob,
            })
            .collect::<Vec<_>>()
    };
    let (mut stats, scanned) = match w.stats {
        // The records taken now first: where a path has both, the new one is kept (the sort is
        // stable, and `dedup_by` keeps the first of equal paths).
        Some(fresh) => {
            let mut stats: Vec<StatRef<'_>> = fresh
                .iter()
                .map(|r| StatRef {
                    path: r.path.as_str(),
                    stat: r.stat,
                    blob: r.blob,
                })
                .collect();
            stats.extend(old_stats(&|index| {
                w.seen.get(index).copied().unwrap_or(false)
            }));
            (stats, w.scanned)
        }
        None => (old_stats(&|_| true), old.scanned),
    };
    stats.sort_by(|a, b| a.path.cmp(b.path));
    stats.dedup_by(|a, b| a.path == b.path);
    let body = Body {
        build: w.build,
        settings: w.settings,
        generation,
        scanned,
        stats,
        entries,
    };
    let body = postcard::to_allocvec(&body).unwrap_or_default();
    frame(MAGIC, &body)
}

#[cfg(test)]
pub(super) fn encode_for_test(
    build: &str,
    settings: u64,
    fresh: &[NewEntry],
    stats: &[StatRecord],
    scanned: Time,
) -> Vec<u8> {
    let w = Writing {
        build,
        settings,
        scanned,
        stats: Some(stats),
        seen: &[],
        fresh,
        used: &[],
        keep_writes: 4,
    };
    encode(&w, &Pack::default())
}

/// A pack written again over `old`, with the stat records taken now (`stats`) and the old
/// records that answered (`seen`).
#[cfg(test)]
pub(super) fn rewrite_for_test(
    old: &Pack,
    build: &str,
    settings: u64,
    stats: &[StatRecord],
    seen: &[bool],
    scanned: Time,
) -> Vec<u8> {
    let w = Writing {
        build,
        settings,
        scanned,
        stats: Some(stats),
        seen,
        fresh: &[],
        used: &[],
        keep_writes: 4,
    };
    encode(&w, old)
}

#[cfg(test)]
pub(super) fn decode_for_test(buf: Vec<u8>, build: &str, settings: u64) -> Option<Pack> {
    decode(buf, build, Some(settings))
}
