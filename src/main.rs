//! The `popm` binary: the library's command line, on mimalloc.

/// mimalloc instead of the system allocator: the cold check of 100 000 items spent most of its
/// system time in page faults (166 000 of them) as glibc handed memory back and took it again.
/// mimalloc keeps it in arenas, backed by transparent huge pages (below): 1.9 s -> 1.2 s, same
/// peak memory (docs/performance.md, "The allocator, again").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Options of mimalloc v3 (`mi_option_e` in its mimalloc.h; `libmimalloc-sys` 0.1.49 names only
/// some of them). The version is pinned in Cargo.toml so these cannot move under us.
mod mimalloc_option {
    use libmimalloc_sys::mi_option_t;
    /// Map arenas with transparent huge pages (`madvise(MADV_HUGEPAGE)` when hugetlbfs has none):
    /// a 2 MiB page faults once where 512 small ones fault 512 times.
    pub const ALLOW_LARGE_OS_PAGES: mi_option_t = 6;
    /// Milliseconds before freed memory goes back to the OS. 0: at once, which keeps the peak at
    /// what the system allocator's was (about 390 MB at 100 000 items against 500 MB with the
    /// default delay).
    pub const PURGE_DELAY: mi_option_t = 15;
}

fn main() -> std::process::ExitCode {
    // SAFETY: setting an option is a plain store mimalloc allows at any time; these two are read
    // when memory is next reserved or freed. Nothing has been allocated from an arena before main
    // (std's start-up does not allocate on Linux), so the first arena gets huge pages too.
    unsafe {
        libmimalloc_sys::mi_option_set(mimalloc_option::ALLOW_LARGE_OS_PAGES, 1);
        libmimalloc_sys::mi_option_set(mimalloc_option::PURGE_DELAY, 0);
    }
    popm::cli::main()
}

#[cfg(test)]
mod tests {
    use super::mimalloc_option::{ALLOW_LARGE_OS_PAGES, PURGE_DELAY};

    /// The numbers above name the options meant: each reads back its default in mimalloc's table
    /// (options.c: purge_delay 1000 ms, between two options whose defaults are 1 and 0), in a
    /// process that has not set them (the test harness does not run `main`).
    #[test]
    fn the_option_numbers_name_the_options_meant() {
        // SAFETY: reading an option is a plain load.
        let (delay, large) = unsafe {
            (
                libmimalloc_sys::mi_option_get(PURGE_DELAY),
                libmimalloc_sys::mi_option_get(ALLOW_LARGE_OS_PAGES),
            )
        };
        assert_eq!((delay, large), (1000, 0));
    }
}
