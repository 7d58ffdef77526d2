//! The objects a local fetch copies, written as one pack with its index instead of one loose file
//! each. Reading an ART's backlog from the cache opens, reads and inflates every item's blob: from
//! thousands of loose files that costs a system call or three per object, from one pack a lookup in
//! a mapped file. Like git (`transfer.unpackLimit`), a fetch that brings few objects writes them
//! loose, so small updates do not pile up small packs.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::ObjectId;

/// At least this many objects go into a pack; fewer are written loose (git's default too).
pub const PACK_FROM: usize = 100;

/// A pack written into a cache repository, kept from clean-up until its commit has a ref.
pub struct Written {
    /// The `.keep` file to remove once the ref points into the pack.
    pub keep: Option<PathBuf>,
}

/// Writes the objects `ids` of `source` into one pack in `cache`, indexed. The pack is made under
/// a temporary name and indexed by gix (which verifies every object), so the cache sees all of
/// it or none.
pub fn write(
    source: &gix::Repository,
    cache: &gix::Repository,
    ids: &[ObjectId],
) -> Result<Written, String> {
    let dir = cache.git_dir().join("objects").join("pack");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let temporary = dir.join(format!(".popm-fetch-{}.pack", std::process::id()));
    let result = write_data(source, &temporary, ids).and_then(|()| index(&temporary, &dir));
    let _ = std::fs::remove_file(&temporary);
    result
}

/// The pack stream itself: the header, each object deflated after its type and size, and the
/// SHA-1 of all of it (the pack format, version 2, without deltas).
fn write_data(source: &gix::Repository, path: &Path, ids: &[ObjectId]) -> Result<(), String> {
    let io = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let count =
        u32::try_from(ids.len()).map_err(|_| "too many objects for one pack".to_string())?;
    let file = File::create(path).map_err(io)?;
    let mut out = Hashing {
        inner: BufWriter::with_capacity(1 << 16, file),
        hasher: gix::hash::hasher(gix::hash::Kind::Sha1),
    };
    out.write_all(b"PACK").map_err(io)?;
    out.write_all(&2u32.to_be_bytes()).map_err(io)?;
    out.write_all(&count.to_be_bytes()).map_err(io)?;
    let mut header = Vec::with_capacity(10);
    let mut deflated = Vec::new();
    for id in ids {
        let object = source
            .find_object(*id)
            .map_err(|e| format!("cannot read {id}: {e}"))?;
        let kind = match object.kind {
            gix::objs::Kind::Commit => 1,
            gix::objs::Kind::Tree => 2,
            gix::objs::Kind::Blob => 3,
            gix::objs::Kind::Tag => 4,
        };
        entry_header(kind, object.data.len() as u64, &mut header);
        deflated.clear();
        let mut zlib = gix::zlib::stream::deflate::Write::new(
            &mut deflated,
            gix::zlib::Compression::BEST_SPEED,
        );
        zlib.write_all(&object.data).map_err(io)?;
        zlib.flush().map_err(io)?;
        drop(zlib);
        out.write_all(&header).map_err(io)?;
        out.write_all(&deflated).map_err(io)?;
    }
    let Hashing { mut inner, hasher } = out;
    let trailer = hasher
        .try_finalize()
        .map_err(|e| format!("cannot hash {}: {e}", path.display()))?;
    inner.write_all(trailer.as_bytes()).map_err(io)?;
    inner.flush().map_err(io)
}

/// A pack entry's header: the type in bits 4-6 of the first byte, the size in 4 bits there and
/// 7 bits in each following byte, the high bit saying another byte follows.
fn entry_header(kind: u8, size: u64, out: &mut Vec<u8>) {
    out.clear();
    let mut byte = (kind << 4) | (size & 0x0f) as u8;
    let mut rest = size >> 4;
    while rest != 0 {
        out.push(byte | 0x80);
        byte = (rest & 0x7f) as u8;
        rest >>= 7;
    }
    out.push(byte);
}

/// Moves the pack at `temporary` into `dir` under its own name, with its index.
fn index(temporary: &Path, dir: &Path) -> Result<Written, String> {
    let file =
        File::open(temporary).map_err(|e| format!("cannot read {}: {e}", temporary.display()))?;
    let interrupt = AtomicBool::new(false);
    let outcome = gix::odb::pack::Bundle::write_to_directory(
        &mut BufReader::with_capacity(1 << 16, file),
        Some(dir),
        &mut gix::progress::Discard,
        &interrupt,
        None::<gix::objs::find::Never>,
        gix::hash::Kind::Sha1,
        Default::default(),
    )
    .map_err(|e| format!("cannot index the pack in {}: {e}", dir.display()))?;
    Ok(Written {
        keep: outcome.keep_path,
    })
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: gix::hash::Hasher,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_headers() {
        let mut out = Vec::new();
        // A blob of 10 bytes: type 3, size in the low nibble, no continuation.
        entry_header(3, 10, &mut out);
        assert_eq!(out, [0x3a]);
        // A tree of 300 bytes: 300 = 0b1_0010_1100: low nibble 0xc, then 300 >> 4 = 18.
        entry_header(2, 300, &mut out);
        assert_eq!(out, [0x80 | 0x20 | 0x0c, 18]);
    }
}
