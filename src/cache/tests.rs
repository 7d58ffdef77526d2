use super::pack::{
    NewEntry, StatIndex, StatRecord, decode_for_test, decode_stats_for_test, encode_for_test,
    encode_stats_for_test,
};
use super::stat::Time;
use super::*;

const BUILD: &str = "popm test build";
const SETTINGS: u64 = 1 << 20;

fn parsed(path: &str, title: &str) -> Parsed {
    let text = format!("---\nid: S-1\ntype: story\ntitle: {title}\n---\n");
    crate::parse::parse_file(path, text.into_bytes()).0
}

fn entry(path: &str, title: &str) -> (ObjectId, NewEntry) {
    let blob = blob_id(title.as_bytes()).unwrap();
    let p = parsed(path, title);
    let data = postcard::to_allocvec(&Entry {
        item: p.item,
        diagnostics: p.diagnostics,
        has_text: true,
        text_is_bytes: true,
    })
    .unwrap();
    let new = NewEntry {
        blob,
        path: path.into(),
        data,
    };
    (blob, new)
}

fn stat(secs: i64) -> Stat {
    Stat {
        size: 10,
        modified: Time { secs, nanos: 5 },
        changed: Time { secs, nanos: 5 },
        inode: 7,
        device: 1,
    }
}

fn store_of(pack: pack::Pack, stats: StatIndex) -> Store {
    let entries = OnceLock::new();
    let used = flags(pack.entries_len());
    let _ = entries.set(Entries { pack, used });
    Store {
        location: Location::for_test(Path::new("/nowhere")),
        pack_file: PathBuf::from("/nowhere/pack"),
        stats_file: PathBuf::from("/nowhere/stats"),
        build: BUILD.into(),
        settings: SETTINGS,
        scanned: Time::now(),
        seen: flags(stats.len()),
        stats,
        entries,
        fresh: Mutex::default(),
        restated: AtomicUsize::new(0),
        saved: AtomicUsize::new(0),
        stats_saved: AtomicBool::new(false),
    }
}

#[test]
fn an_entry_written_is_read_back_as_the_same_parse() {
    let (blob, new) = entry("backlog/S-1.md", "Pay by card");
    let bytes = encode_for_test(BUILD, SETTINGS, &[new]);
    let store = store_of(
        decode_for_test(bytes, BUILD, SETTINGS).unwrap(),
        StatIndex::default(),
    );
    let hit = store.get(blob, "backlog/S-1.md").unwrap();
    let expected = parsed("backlog/S-1.md", "Pay by card");
    assert_eq!(hit.parsed.item, expected.item);
    assert_eq!(hit.parsed.diagnostics, expected.diagnostics);
    assert!(hit.has_text && hit.text_is_bytes);
    // The same blob at another path is another file: its item and findings name their path.
    assert!(store.get(blob, "backlog/S-2.md").is_none());
}

/// A pack from another build of popm, or written for other parse settings, is not read: its
/// entries could decode into another meaning.
#[test]
fn a_pack_of_another_build_or_settings_is_not_used() {
    let (_, new) = entry("backlog/S-1.md", "Poisoned");
    let bytes = encode_for_test("popm 0.0.1 (other)", SETTINGS, &[new]);
    assert!(decode_for_test(bytes.clone(), BUILD, SETTINGS).is_none());
    assert!(decode_for_test(bytes.clone(), "popm 0.0.1 (other)", SETTINGS).is_some());
    assert!(decode_for_test(bytes, "popm 0.0.1 (other)", SETTINGS + 1).is_none());
}

/// A damaged pack (a byte changed, cut short, another format number, not a pack at all) is
/// ignored as a whole, never read in part.
#[test]
fn a_corrupt_pack_is_ignored() {
    let (_, new) = entry("backlog/S-1.md", "Pay by card");
    let good = encode_for_test(BUILD, SETTINGS, &[new]);
    assert!(decode_for_test(good.clone(), BUILD, SETTINGS).is_some());
    for at in [0, 9, 13, 25, good.len() / 2, good.len() - 1] {
        let mut bad = good.clone();
        bad[at] ^= 0x20;
        assert!(
            decode_for_test(bad, BUILD, SETTINGS).is_none(),
            "byte {at} changed"
        );
    }
    for len in [0, 5, 20, good.len() - 1] {
        assert!(decode_for_test(good[..len].to_vec(), BUILD, SETTINGS).is_none());
    }
    assert!(decode_for_test(b"not a pack at all".to_vec(), BUILD, SETTINGS).is_none());
}

/// An entry whose item or findings name another file (a pack written by hand, or a bug) is
/// not used for this one.
#[test]
fn an_entry_about_another_file_is_not_used() {
    let (blob, mut new) = entry("backlog/S-1.md", "Pay by card");
    new.path = "backlog/S-9.md".into();
    let bytes = encode_for_test(BUILD, SETTINGS, &[new]);
    let store = store_of(
        decode_for_test(bytes, BUILD, SETTINGS).unwrap(),
        StatIndex::default(),
    );
    assert!(store.get(blob, "backlog/S-9.md").is_none());
}

/// A store whose stat index is written over `old` with these records (see
/// [`encode_stats_for_test`]) and read back.
fn stats_store(old: &StatIndex, stats: &[StatRecord], seen: &[bool], scanned: Time) -> Store {
    let bytes = encode_stats_for_test(old, BUILD, SETTINGS, stats, seen, scanned);
    let index = decode_stats_for_test(bytes, BUILD, SETTINGS).unwrap();
    store_of(pack::Pack::default(), index)
}

/// The stat index answers only for a file whose stat is the one recorded and whose times are
/// older than the second the record was taken in (git's racy-clean rule).
#[test]
fn the_stat_index_answers_only_for_unchanged_files_older_than_the_record() {
    let blob = blob_id(b"x").unwrap();
    let record = |s: Stat| StatRecord {
        path: "backlog/S-1.md".into(),
        stat: s,
        blob: blob.as_slice().try_into().unwrap(),
    };
    let scanned = Time {
        secs: 1000,
        nanos: 900_000_000,
    };
    // Modified in an earlier second: trusted.
    let store = stats_store(&StatIndex::default(), &[record(stat(999))], &[], scanned);
    assert_eq!(store.clean_blob("backlog/S-1.md", &stat(999)), Some(blob));
    // Any difference in size, times, inode or device: read again.
    let mut other = stat(999);
    other.size = 11;
    assert_eq!(store.clean_blob("backlog/S-1.md", &other), None);
    let mut other = stat(999);
    other.changed.nanos = 6;
    assert_eq!(store.clean_blob("backlog/S-1.md", &other), None);
    let mut other = stat(999);
    other.inode = 8;
    assert_eq!(store.clean_blob("backlog/S-1.md", &other), None);
    assert_eq!(store.clean_blob("backlog/S-2.md", &stat(999)), None);
    // Modified in the second the record was taken (even earlier in it): racy, read again, though
    // the stat is the same.
    let store = stats_store(&StatIndex::default(), &[record(stat(1000))], &[], scanned);
    assert_eq!(store.clean_blob("backlog/S-1.md", &stat(1000)), None);
}

/// A new stat index keeps the old records that answered for their file (without copying them
/// on every run), takes the record made now for a file read again, and drops the records of
/// files the walk did not meet (gone). Lookups find records in any path order they were taken.
#[test]
fn a_new_stat_index_keeps_the_records_that_answered_and_drops_the_gone() {
    let blob = blob_id(b"x").unwrap();
    let other = blob_id(b"y").unwrap();
    let record = |path: &str, s: Stat, id: ObjectId| StatRecord {
        path: path.into(),
        stat: s,
        blob: id.as_slice().try_into().unwrap(),
    };
    let scanned = Time {
        secs: 1000,
        nanos: 0,
    };
    let old = [
        record("backlog/S-3.md", stat(992), blob),
        record("backlog/S-1.md", stat(990), blob),
        record("backlog/S-2.md", stat(991), blob),
    ];
    let bytes = encode_stats_for_test(&StatIndex::default(), BUILD, SETTINGS, &old, &[], scanned);
    let index = decode_stats_for_test(bytes, BUILD, SETTINGS).unwrap();
    // The records are found whatever order they were given in.
    let store = stats_store(&StatIndex::default(), &old, &[], scanned);
    for (path, s) in [
        ("backlog/S-1.md", 990),
        ("backlog/S-2.md", 991),
        ("backlog/S-3.md", 992),
    ] {
        assert_eq!(store.clean_blob(path, &stat(s)), Some(blob), "{path}");
    }
    // S-1 answered (index 0 once sorted), S-2 was read again and holds another blob, S-3 is gone.
    let seen = [true, false, false];
    let fresh = [record("backlog/S-2.md", stat(1001), other)];
    let later = Time {
        secs: 1002,
        nanos: 0,
    };
    let store = stats_store(&index, &fresh, &seen, later);
    assert_eq!(store.stats.len(), 2);
    assert_eq!(store.clean_blob("backlog/S-1.md", &stat(990)), Some(blob));
    assert_eq!(store.clean_blob("backlog/S-2.md", &stat(1001)), Some(other));
    assert_eq!(store.clean_blob("backlog/S-2.md", &stat(991)), None);
    assert_eq!(store.clean_blob("backlog/S-3.md", &stat(992)), None);
}

/// A checked result is read back only by the build that kept it and under the key it was kept
/// under; a damaged file gives nothing.
#[test]
fn a_checked_result_is_used_only_for_its_build_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("check.pack");
    verdict::write(dir.path(), &file, BUILD, 7, b"result").unwrap();
    assert_eq!(
        verdict::read(&file, BUILD, 7).as_deref(),
        Some(&b"result"[..])
    );
    assert_eq!(verdict::read(&file, BUILD, 8), None);
    assert_eq!(verdict::read(&file, "popm 0.0.1 (other)", 7), None);
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&file, bytes).unwrap();
    assert_eq!(verdict::read(&file, BUILD, 7), None);
}
