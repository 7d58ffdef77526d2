//! The cache's files, each a header (magic, format version, checksum of the rest) and one
//! postcard record: the parse pack (the build that wrote it, the parse settings and the
//! entries) and the stat index (when it was taken, and the work tree's records). An entry's parse
//! stays as bytes until a run asks for it, so a run decodes only what it uses, on the thread that
//! uses it. The stat index is a file of its own: a run that finds the work tree as recorded and
//! its checked result kept (`popm check`) reads it, and never the far larger parse pack.
//!
//! Reading a file allocates nothing per item: the stat records and the entries (sorted by blob
//! and path) are kept as ranges of the file's bytes; records are found through a hash table of
//! their paths, entries by binary search. A pack whose entries are out of order (not written by
//! popm) only misses: a file not found is read and parsed.

use std::collections::HashSet;
use std::io::Write;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::stat::{Stat, Time};
use crate::git::ObjectId;

const MAGIC: &[u8; 8] = b"popm\x00pc\x01";
/// The magic of the stat index.
const STATS_MAGIC: &[u8; 8] = b"popm\x00si\x01";
/// The magic of the commit records' file (`commits.rs`), framed the same way.
pub(super) const COMMITS_MAGIC: &[u8; 8] = b"popm\x00cr\x01";
/// The magic of the checked result's file (`verdict.rs`), framed the same way.
pub(super) const VERDICT_MAGIC: &[u8; 8] = b"popm\x00ck\x01";
/// Magic, format version (u32), checksum (u64, xxh3 of the body).
const HEADER: usize = 8 + 4 + 8;
/// A file larger than this is not read (a cache of a million items stays far below it).
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

/// A stat record as the index holds it (the same bytes as a [`StatRecord`]).
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
    /// Sorted by blob, then path.
    #[serde(borrow)]
    entries: Vec<EntryRecord<'a>>,
}

#[derive(Serialize, Deserialize)]
struct StatsBody<'a> {
    build: &'a str,
    settings: u64,
    /// When the stat index was taken.
    scanned: Time,
    /// Sorted by path.
    #[serde(borrow)]
    stats: Vec<StatRef<'a>>,
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

/// One stat record of an index read, its path a range of the file.
struct StatSlot {
    path: Range<usize>,
    stat: Stat,
    blob: [u8; 20],
}

/// A parse pack as read: empty when there was none or it could not be trusted.
#[derive(Default)]
pub(super) struct Pack {
    buf: Vec<u8>,
    generation: u32,
    entries: Vec<Slot>,
}

/// A stat index as read: empty when there was none or it could not be trusted.
#[derive(Default)]
pub(super) struct StatIndex {
    buf: Vec<u8>,
    scanned: Time,
    stats: Vec<StatSlot>,
    /// An open-addressing table from a path's hash to its record (`EMPTY` where none): a walk
    /// looks up every file, and a binary search compared a hundred thousand paths 17 times each.
    table: Vec<u32>,
}

/// A free place in [`StatIndex::table`].
const EMPTY: u32 = u32::MAX;

fn path_hash(path: &[u8]) -> usize {
    xxhash_rust::xxh3::xxh3_64(path) as usize
}

/// A part of a file's bytes, by range (empty when out of bounds).
fn slice<'a>(buf: &'a [u8], range: &Range<usize>) -> &'a [u8] {
    buf.get(range.clone()).unwrap_or_default()
}

/// A path kept as a range (decoded as UTF-8 when the file was read).
fn text<'a>(buf: &'a [u8], range: &Range<usize>) -> &'a str {
    std::str::from_utf8(slice(buf, range)).unwrap_or_default()
}

impl StatIndex {
    pub fn scanned(&self) -> Time {
        self.scanned
    }

    pub fn len(&self) -> usize {
        self.stats.len()
    }

    /// The record of `path`: its stat, its blob and its index (for [`StatsWriting::seen`]).
    pub fn stat(&self, path: &str) -> Option<(Stat, ObjectId, usize)> {
        let mask = self.table.len().checked_sub(1)?;
        let mut at = path_hash(path.as_bytes()) & mask;
        loop {
            let index = *self.table.get(at)?;
            let slot = self.stats.get(usize::try_from(index).ok()?)?;
            if slice(&self.buf, &slot.path) == path.as_bytes() {
                return Some((slot.stat, ObjectId::Sha1(slot.blob), index as usize));
            }
            at = (at + 1) & mask;
        }
    }

    /// The table [`StatIndex::stat`] searches: at least twice as many places as records (so
    /// a search ends at a free one), a power of two. A path recorded twice (a file not written
    /// by popm) is found at its first record.
    fn build_table(&mut self) {
        if self.stats.is_empty() || self.stats.len() >= EMPTY as usize / 2 {
            return;
        }
        let size = (self.stats.len() * 2).next_power_of_two();
        let mut table = vec![EMPTY; size];
        let mask = size - 1;
        for (index, slot) in self.stats.iter().enumerate() {
            let path = slice(&self.buf, &slot.path);
            let mut at = path_hash(path) & mask;
            while let Some(&taken) = table.get(at).filter(|&&t| t != EMPTY) {
                let same = self
                    .stats
                    .get(taken as usize)
                    .is_some_and(|s| slice(&self.buf, &s.path) == path);
                if same {
                    break;
                }
                at = (at + 1) & mask;
            }
            if let Some(free) = table.get_mut(at).filter(|t| **t == EMPTY) {
                *free = index as u32;
            }
        }
        self.table = table;
    }
}

impl Pack {
    pub fn entries_len(&self) -> usize {
        self.entries.len()
    }

    /// The entry for `path` holding `blob`: its index and its bytes.
    pub fn entry(&self, blob: ObjectId, path: &str) -> Option<(usize, &[u8])> {
        let key: [u8; 20] = blob.as_slice().try_into().ok()?;
        let index = self
            .entries
            .binary_search_by(|e| {
                (&e.blob, slice(&self.buf, &e.path)).cmp(&(&key, path.as_bytes()))
            })
            .ok()?;
        let slot = self.entries.get(index)?;
        Some((index, self.buf.get(slot.data.clone())?))
    }
}

/// The pack at `file`, when it is complete, of this format, written by this build for these
/// settings (`None`: any settings, for `popm cache info`).
pub(super) fn read(file: &Path, build: &str, settings: Option<u64>) -> Option<Pack> {
    decode(read_file(file)?, build, settings)
}

/// The stat index at `file`, on the same conditions as [`read`].
pub(super) fn read_stats(file: &Path, build: &str, settings: Option<u64>) -> Option<StatIndex> {
    decode_stats(read_file(file)?, build, settings)
}

fn read_file(file: &Path) -> Option<Vec<u8>> {
    crate::files::read_regular(file, MAX_PACK_BYTES).ok()?.ok()
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
    let mut buf = read_file(file)?;
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

/// Where a slice borrowed from a file's body is in the file's bytes.
fn range_in(buf: &[u8], bytes: &[u8]) -> Option<Range<usize>> {
    let start = (bytes.as_ptr() as usize).checked_sub(buf.as_ptr() as usize)?;
    Some(start..start + bytes.len())
}

/// Whether a file was written by this build for these settings (`None`: any).
fn ours(found: (&str, u64), build: &str, settings: Option<u64>) -> bool {
    found.0 == build && settings.is_none_or(|s| s == found.1)
}

/// Reads a pack's bytes; anything unexpected (another magic, format, build or settings, a
/// checksum that fails, a record that does not decode) is `None`.
fn decode(buf: Vec<u8>, build: &str, settings: Option<u64>) -> Option<Pack> {
    let body = unframe(&buf, MAGIC)?;
    let decoded: Body<'_> = postcard::from_bytes(body).ok()?;
    if !ours((decoded.build, decoded.settings), build, settings) {
        return None;
    }
    let entries = decoded
        .entries
        .iter()
        .map(|e| {
            Some(Slot {
                blob: e.blob,
                path: range_in(&buf, e.path.as_bytes())?,
                data: range_in(&buf, e.data.0)?,
                generation: e.generation,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let generation = decoded.generation;
    Some(Pack {
        buf,
        generation,
        entries,
    })
}

/// Reads a stat index's bytes, on the same conditions as [`decode`].
fn decode_stats(buf: Vec<u8>, build: &str, settings: Option<u64>) -> Option<StatIndex> {
    let body = unframe(&buf, STATS_MAGIC)?;
    let decoded: StatsBody<'_> = postcard::from_bytes(body).ok()?;
    if !ours((decoded.build, decoded.settings), build, settings) {
        return None;
    }
    let stats = decoded
        .stats
        .iter()
        .map(|r| {
            Some(StatSlot {
                path: range_in(&buf, r.path.as_bytes())?,
                stat: r.stat,
                blob: r.blob,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let scanned = decoded.scanned;
    let mut index = StatIndex {
        buf,
        scanned,
        stats,
        table: Vec::new(),
    };
    index.build_table();
    Some(index)
}

/// What a save of the parse pack writes.
pub(super) struct Writing<'a> {
    pub build: &'a str,
    pub settings: u64,
    pub fresh: &'a [NewEntry],
    /// Which of the old pack's entries this run used.
    pub used: &'a [bool],
    pub keep_writes: u32,
}

/// What a save of the stat index writes.
pub(super) struct StatsWriting<'a> {
    pub build: &'a str,
    pub settings: u64,
    pub scanned: Time,
    /// The stat records this run took: with the old records in `seen`, the new index.
    pub stats: &'a [StatRecord],
    /// Which of the old index's records this run found unchanged.
    pub seen: &'a [bool],
}

/// Writes the old pack's entries still in use and the new ones, under a temporary name renamed
/// over `file`: a reader sees the old pack or the new, never a part.
pub(super) fn write(dir: &Path, file: &Path, w: Writing<'_>, old: &Pack) -> std::io::Result<()> {
    write_atomically(dir, file, &encode(&w, old))
}

/// Writes the new stat index over `file`, the same way.
pub(super) fn write_stats(
    dir: &Path,
    file: &Path,
    w: StatsWriting<'_>,
    old: &StatIndex,
) -> std::io::Result<()> {
    write_atomically(dir, file, &encode_stats(&w, old))
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
        let path = text(&old.buf, &slot.path);
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
    let body = Body {
        build: w.build,
        settings: w.settings,
        generation,
        entries,
    };
    let body = postcard::to_allocvec(&body).unwrap_or_default();
    frame(MAGIC, &body)
}

fn encode_stats(w: &StatsWriting<'_>, old: &StatIndex) -> Vec<u8> {
    // The records taken now first: where a path has both, the new one is kept (the sort is
    // stable, and `dedup_by` keeps the first of equal paths).
    let mut stats: Vec<StatRef<'_>> = w
        .stats
        .iter()
        .map(|r| StatRef {
            path: r.path.as_str(),
            stat: r.stat,
            blob: r.blob,
        })
        .collect();
    stats.extend(
        old.stats
            .iter()
            .enumerate()
            .filter(|(index, _)| w.seen.get(*index).copied().unwrap_or(false))
            .map(|(_, slot)| StatRef {
                path: text(&old.buf, &slot.path),
                stat: slot.stat,
                blob: slot.blob,
            }),
    );
    stats.sort_by(|a, b| a.path.cmp(b.path));
    stats.dedup_by(|a, b| a.path == b.path);
    let body = StatsBody {
        build: w.build,
        settings: w.settings,
        scanned: w.scanned,
        stats,
    };
    let body = postcard::to_allocvec(&body).unwrap_or_default();
    frame(STATS_MAGIC, &body)
}

#[cfg(test)]
pub(super) fn encode_for_test(build: &str, settings: u64, fresh: &[NewEntry]) -> Vec<u8> {
    let w = Writing {
        build,
        settings,
        fresh,
        used: &[],
        keep_writes: 4,
    };
    encode(&w, &Pack::default())
}

/// A stat index written over `old` (empty for a first one), with the records taken now
/// (`stats`) and the old records that answered (`seen`).
#[cfg(test)]
pub(super) fn encode_stats_for_test(
    old: &StatIndex,
    build: &str,
    settings: u64,
    stats: &[StatRecord],
    seen: &[bool],
    scanned: Time,
) -> Vec<u8> {
    let w = StatsWriting {
        build,
        settings,
        scanned,
        stats,
        seen,
    };
    encode_stats(&w, old)
}

#[cfg(test)]
pub(super) fn decode_for_test(buf: Vec<u8>, build: &str, settings: u64) -> Option<Pack> {
    decode(buf, build, Some(settings))
}

#[cfg(test)]
pub(super) fn decode_stats_for_test(buf: Vec<u8>, build: &str, settings: u64) -> Option<StatIndex> {
    decode_stats(buf, build, Some(settings))
}
