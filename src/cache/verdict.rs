//! The checked result of the work tree, kept whole: `popm check` over a backlog whose files are
//! all as recorded (the same blobs at the same paths) and whose configuration is the same gives
//! the same findings, so it reads them back instead of decoding every parse and running every
//! rule. The key (made by the caller) names every input; one result is kept per project and
//! settings, the last one checked, and anything that does not match it is not used.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::pack::{VERDICT_MAGIC, frame, read_framed, write_atomically};

#[derive(Serialize, Deserialize)]
struct Kept<'a> {
    build: &'a str,
    key: u128,
    #[serde(with = "serde_bytes_compat")]
    result: &'a [u8],
}

/// The result kept in `file` when it was written by `build` under `key`.
pub(super) fn read(file: &Path, build: &str, key: u128) -> Option<Vec<u8>> {
    let body = read_framed(file, VERDICT_MAGIC)?;
    let kept: Kept<'_> = postcard::from_bytes(&body).ok()?;
    (kept.build == build && kept.key == key).then(|| kept.result.to_vec())
}

/// Keeps `result` under `key` in `file`, replacing what was there (atomically).
pub(super) fn write(
    dir: &Path,
    file: &Path,
    build: &str,
    key: u128,
    result: &[u8],
) -> std::io::Result<()> {
    let kept = Kept { build, key, result };
    let body = postcard::to_allocvec(&kept).map_err(std::io::Error::other)?;
    write_atomically(dir, file, &frame(VERDICT_MAGIC, &body))
}

/// A byte slice written as one length and the bytes.
mod serde_bytes_compat {
    pub fn serialize<S: serde::Serializer>(bytes: &&[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de: 'a, 'a, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<&'a [u8], D::Error> {
        <&'a [u8] as serde::Deserialize>::deserialize(d)
    }
}
