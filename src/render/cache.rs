//! `popm cache info` and `popm cache clear` as text.

use crate::cache::Info;
use crate::render::number::exact;

/// Where the cache is and what it holds.
pub fn info(info: &Info) -> String {
    let mut out = format!("location: {}\n", info.dir.display());
    out.push_str(&format!("files: {}\n", exact(info.files as f64)));
    out.push_str(&format!(
        "entries: {} parsed files, {} stat records\n",
        exact(info.entries as f64),
        exact(info.stat_records as f64)
    ));
    out.push_str(&format!("commits: {}\n", exact(info.commits as f64)));
    if info.unusable > 0 {
        out.push_str(&format!(
            "unusable: {} (another popm build or format, or damaged; rebuilt on the next run)\n",
            exact(info.unusable as f64)
        ));
    }
    out.push_str(&format!("size: {} bytes\n", exact(info.bytes as f64)));
    out
}

/// What `popm cache clear` removed.
pub fn cleared(removed: usize, dir: &std::path::Path) -> String {
    let files = if removed == 1 { "file" } else { "files" };
    format!(
        "removed {} cache {files} from {}\n",
        exact(removed as f64),
        dir.display()
    )
}
