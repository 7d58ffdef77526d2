//! `name` and `[portfolio]` of popm.toml: the backlog's name in qualified ids, the ARTs a
//! portfolio repository reads (each a git URL and a ref) and the lean budget of each value stream.

use std::collections::BTreeMap;

use toml::Spanned;

use super::error::{ConfigError, Text};
use super::raw::{Number, RawPortfolio};

/// At most this many ARTs in one portfolio, and value streams: far above a real enterprise.
pub const MAX_ARTS: usize = 1000;
/// A budget above this is a typo, not a plan; sums of a thousand stay exact in `f64`.
pub const MAX_BUDGET: f64 = 1e12;

/// One ART of the portfolio: where its repository is and which branch (or ref) holds its backlog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Art {
    /// Its name in qualified ids (`rail:F-12`) and in the cache.
    pub name: String,
    /// Anything git can fetch from: a path, `file://`, `git://`, `ssh://`, `https://`.
    pub url: String,
    /// `main` (a branch) or a full `refs/...` name.
    pub reference: String,
}

impl Art {
    /// The full ref name on the remote: `refs/heads/<ref>` unless written in full.
    pub fn remote_ref(&self) -> String {
        if self.reference.starts_with("refs/") {
            self.reference.clone()
        } else {
            format!("refs/heads/{}", self.reference)
        }
    }
}

/// `[portfolio]` resolved: the ARTs in file order, the value streams' budgets by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Portfolio {
    pub arts: Vec<Art>,
    /// Value stream -> budget per PI, in the portfolio's currency unit.
    pub value_streams: BTreeMap<String, f64>,
}

/// Whether `name` can name a backlog in a qualified id: ASCII letters, digits, `-` and `_`,
/// starting with a letter or digit (it names a folder of the cache, too).
pub fn is_valid_backlog_name(name: &str) -> bool {
    name.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A ref as popm.toml may name it: git's own rules for ref names, kept to what a refspec can hold
/// without surprise (no spaces, `..`, `:`, wildcards or control characters; never a leading `-`).
fn is_valid_ref(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['-', '/'])
        && !name.ends_with(['/', '.'])
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && !name.ends_with(".lock")
        && name.chars().all(|c| {
            !c.is_control()
                && !c.is_whitespace()
                && !matches!(c, '~' | '^' | ':' | '?' | '*' | '[' | '\\')
        })
}

pub(super) fn name(
    raw: Option<Spanned<String>>,
    text: Text,
) -> Result<Option<String>, ConfigError> {
    let Some(name) = raw else { return Ok(None) };
    if !is_valid_backlog_name(name.get_ref()) {
        return Err(text.error(
            name.span(),
            format!(
                "name = \"{}\": a backlog's name is ASCII letters, digits, `-` and `_`, starting with a letter or digit",
                name.get_ref()
            ),
        ));
    }
    Ok(Some(name.into_inner()))
}

pub(super) fn resolve(raw: RawPortfolio, text: Text) -> Result<Portfolio, ConfigError> {
    let mut portfolio = Portfolio::default();
    if raw.arts.len() > MAX_ARTS {
        let span = raw.arts.get(MAX_ARTS).map_or(0..0, Spanned::span);
        return Err(text.error(
            span,
            format!(
                "[portfolio] arts: {} ARTs, more than the limit of {MAX_ARTS}",
                raw.arts.len()
            ),
        ));
    }
    for art in raw.arts {
        let art = art.into_inner();
        let name = art.name.get_ref();
        if !is_valid_backlog_name(name) {
            return Err(text.error(
                art.name.span(),
                format!(
                    "[portfolio] arts: name \"{name}\" is not a backlog name: use ASCII letters, digits, `-` and `_`"
                ),
            ));
        }
        if portfolio.arts.iter().any(|a: &Art| a.name == *name) {
            return Err(text.error(
                art.name.span(),
                format!("[portfolio] arts: the ART `{name}` is listed twice"),
            ));
        }
        let url = art.url.get_ref();
        if url.trim().is_empty() || url.starts_with('-') || url.chars().any(char::is_control) {
            return Err(text.error(
                art.url.span(),
                format!("[portfolio] arts: `{name}` has no usable url (a path or a git URL)"),
            ));
        }
        let reference = match &art.reference {
            None => "main".to_string(),
            Some(r) if is_valid_ref(r.get_ref()) => r.get_ref().clone(),
            Some(r) => {
                return Err(text.error(
                    r.span(),
                    format!(
                        "[portfolio] arts: ref \"{}\" of `{name}` is not a valid git ref name",
                        r.get_ref()
                    ),
                ));
            }
        };
        portfolio.arts.push(Art {
            name: name.clone(),
            url: url.clone(),
            reference,
        });
    }
    if raw.value_streams.len() > MAX_ARTS {
        return Err(text.file_error(format!(
            "[portfolio.value_streams]: more than the limit of {MAX_ARTS} value streams"
        )));
    }
    for (name, stream) in raw.value_streams {
        let value = match *stream.budget.get_ref() {
            Number::Whole(n) => n as f64,
            Number::Decimal(f) => f,
        };
        if !(value.is_finite() && (0.0..=MAX_BUDGET).contains(&value)) {
            return Err(text.error(
                stream.budget.span(),
                format!(
                    "[portfolio.value_streams.{}] budget: expected a number from 0 to {MAX_BUDGET}",
                    name.get_ref()
                ),
            ));
        }
        portfolio.value_streams.insert(name.into_inner(), value);
    }
    Ok(portfolio)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_refs() {
        for good in ["rail", "Rail-2", "a_b", "7"] {
            assert!(is_valid_backlog_name(good), "{good}");
        }
        for bad in ["", "-a", "a b", "a:b", "a/b", "é"] {
            assert!(!is_valid_backlog_name(bad), "{bad}");
        }
        for good in ["main", "release/2027", "refs/heads/main", "v1.0"] {
            assert!(is_valid_ref(good), "{good}");
        }
        for bad in ["", "-x", "a..b", "a b", "a:b", "x/", "a.lock", "a*"] {
            assert!(!is_valid_ref(bad), "{bad}");
        }
    }
}
