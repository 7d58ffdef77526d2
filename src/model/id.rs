use std::cmp::Ordering;

/// The id pattern in words, for messages and help.
pub const ID_PATTERN: &str = "ASCII letters and digits, in runs joined by single `-`, `_` or `.` (like F-12, PI-2027.1 or BACK-265.10.01)";

/// Whether `id` matches the id pattern `^[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$`.
///
/// Every id popm writes, every id of the SAFe templates, of a tracker's export (`PROJ-123`) and of
/// the Backlog.md corpus (`back-265.10.01`, `task-12`, `m-3`) matches it. What it leaves out is
/// what makes ids deceive: invisible and look-alike letters (`F-1` plus a zero-width space, a
/// Cyrillic `Е`), spaces and punctuation that other tools read (`::error::x` is a GitHub Actions
/// command at the start of a line, `[x](y)` a link in markdown), path separators and `..` (an id
/// names files), and a leading or trailing separator.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .split(['-', '_', '.'])
            .all(|run| !run.is_empty() && run.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A reference to an item as `parent`, `depends_on` or `okrs` write it: a plain id of this
/// backlog, or an id qualified with a backlog's name (`rail:F-12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference<'a> {
    Local(&'a str),
    Qualified {
        backlog: &'a str,
        id: &'a str,
    },
    /// Neither: a bad backlog name or id around the `:`, or more than one `:`.
    Malformed,
}

impl<'a> Reference<'a> {
    /// Reads a reference. A plain text without `:` is `Local` even when it is not a valid id (the
    /// lookup then fails and says so, as it always did).
    pub fn parse(text: &'a str) -> Reference<'a> {
        let Some((backlog, id)) = text.split_once(':') else {
            return Reference::Local(text);
        };
        if crate::config::is_valid_backlog_name(backlog) && is_valid_id(id) {
            Reference::Qualified { backlog, id }
        } else {
            Reference::Malformed
        }
    }
}

/// Orders ids as people read them: `F-2` before `F-10`, `PI-2026.1` before `PI-2026.2`.
/// Runs of digits compare by value, everything else character by character.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (na, ra) = split_digits(a);
                let (nb, rb) = split_digits(b);
                let (ta, tb) = (trim_zeros(na), trim_zeros(nb));
                let by_value = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                // `7` and `007` have the same value: the shorter spelling first keeps the order total.
                match by_value.then_with(|| na.len().cmp(&nb.len())) {
                    Ordering::Equal => (a, b) = (ra, rb),
                    other => return other,
                }
            }
            (Some(x), Some(y)) => match x.cmp(y) {
                Ordering::Equal => (a, b) = (&a[1..], &b[1..]),
                other => return other,
            },
        }
    }
}

fn split_digits(s: &[u8]) -> (&[u8], &[u8]) {
    let n = s.iter().take_while(|c| c.is_ascii_digit()).count();
    s.split_at(n)
}

fn trim_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|c| **c == b'0').count();
    &s[n..]
}

/// The closest candidate to a misspelt name, if one is close enough to be a plausible typo.
pub fn did_you_mean<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A file name part from a title: lowercase letters and digits (any script) joined by `-`, at most
/// 60 characters; never a separator, `..`, or a control character.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.chars().count() >= 60 {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The next id for a prefix: one more than the highest `PREFIX-<n>` in use. Two clones that create
/// items at once can pick the same id; `id-duplicate` reports it after the merge and
/// `popm renumber` fixes it (docs/authoring.md explains the trade-off).
pub fn next_id<'a>(prefix: &str, ids: impl Iterator<Item = &'a str>) -> String {
    let highest = ids
        .filter_map(|id| {
            id.strip_prefix(prefix)?
                .strip_prefix('-')?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    format!("{prefix}-{}", highest.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut ids = vec![
            "F-10",
            "F-2",
            "E-1",
            "F-1",
            "PI-2026.10",
            "PI-2026.2",
            "F-02",
        ];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            [
                "E-1",
                "F-1",
                "F-2",
                "F-02",
                "F-10",
                "PI-2026.2",
                "PI-2026.10"
            ]
        );
    }

    #[test]
    fn the_id_pattern() {
        for good in [
            "F-1",
            "PI-2027.1",
            "BACK-265.10.01",
            "task-12",
            "m-3",
            "PROJ-123",
            "S_7",
            "17",
            "e1",
            "BACK-5-dup2",
        ] {
            assert!(is_valid_id(good), "{good}");
        }
        for bad in [
            "",
            "F-1\u{200b}",
            "::error::Fake-annotation",
            "F--1",
            "F-",
            "-F",
            ".F",
            "F..1",
            "a/b",
            "a\\b",
            "..",
            "F 1",
            "\u{415}-1",
            "F-1\u{ad}",
            "[x](y)",
            "##[warning]x",
            "F-1\n",
        ] {
            assert!(!is_valid_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn references() {
        assert_eq!(Reference::parse("F-1"), Reference::Local("F-1"));
        assert_eq!(
            Reference::parse("rail:F-12"),
            Reference::Qualified {
                backlog: "rail",
                id: "F-12"
            }
        );
        for bad in [
            ":F-1",
            "rail:",
            "rail:F-1:x",
            "ra il:F-1",
            "rail:F--1",
            "-r:F-1",
        ] {
            assert_eq!(Reference::parse(bad), Reference::Malformed, "{bad}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("stauts", &["status", "title"]), Some("status"));
        assert_eq!(did_you_mean("colour", &["status", "title"]), None);
    }

    #[test]
    fn slugs_are_safe_and_readable() {
        assert_eq!(
            slug("Self-service password reset!"),
            "self-service-password-reset"
        );
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("Café crème à la carte"), "café-crème-à-la-carte");
        assert_eq!(slug("\u{1b}[31mred\ttext"), "31mred-text");
        assert_eq!(slug("///"), "");
        assert_eq!(slug(&"a".repeat(200)).len(), 60);
    }

    #[test]
    fn next_ids() {
        assert_eq!(
            next_id("F", ["F-1", "F-10", "F-9", "FX-99", "F-x"].into_iter()),
            "F-11"
        );
        assert_eq!(next_id("S", std::iter::empty()), "S-1");
    }
}
