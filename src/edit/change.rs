//! `popm set` arguments: `KEY=VALUE`, `KEY=`, `KEY+=VALUE` and `KEY-=VALUE` as frontmatter edits.

use super::frontmatter::Edit;
use super::scalar;
use crate::model::key::{Key, Kind};

/// Turns `KEY=VALUE` words into edits, formatting each value as YAML that reads back as written.
pub fn parse(change: &str) -> Result<Edit, String> {
    // Split at the first `=`; a `+` or `-` right before it makes it a list edit. Values may hold
    // anything, `=` and `+=` included.
    let Some((left, value)) = change.split_once('=') else {
        return Err(format!(
            "`{change}` is not KEY=VALUE (KEY= removes, KEY+=V and KEY-=V edit lists)"
        ));
    };
    let (key, op) = match left.strip_suffix('+') {
        Some(k) => (k, "+="),
        None => match left.strip_suffix('-') {
            Some(k) => (k, "-="),
            None => (left, "="),
        },
    };
    let key = key.trim();
    let valid_part = |p: &str| {
        p.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if !key.split('.').all(valid_part) {
        return Err(format!(
            "`{key}` is not a key (letters, digits, `_` and `-`; `wsjf.job_size` for WSJF)"
        ));
    }
    let path: Vec<String> = key.split('.').map(str::to_string).collect();
    if path.len() > 2 || path.iter().any(String::is_empty) {
        return Err(format!(
            "`{key}`: keys nest at most one level (e.g. wsjf.job_size)"
        ));
    }
    let kind = Key::named(key).map(|k| k.kind);
    let is_list = path.len() == 1 && kind == Some(Kind::List);
    // The WSJF inputs nest under `wsjf`; each is a number.
    let is_number = path[0] == "wsjf" || kind == Some(Kind::Number);
    let format = |v: &str| -> Result<String, String> {
        if is_number {
            let n: f64 = v
                .trim()
                .parse()
                .map_err(|_| format!("`{key}` takes a number, not `{v}`"))?;
            if !n.is_finite() {
                return Err(format!("`{key}` takes a finite number"));
            }
            Ok(crate::render::number::exact(n))
        } else {
            Ok(scalar::string(v))
        }
    };
    Ok(match op {
        "+=" | "-=" if !is_list => return Err(format!("`{key}` is not a list: use {key}=VALUE")),
        "+=" => Edit::Append {
            key: key.into(),
            yaml: format(value)?,
        },
        "-=" => Edit::RemoveElement {
            key: key.into(),
            value: value.into(),
        },
        _ if value.is_empty() => Edit::Remove { path },
        // Lists are written as lists; a single team stays a plain name.
        _ if is_list && (key != "team" || value.contains(',')) => {
            let items: Result<Vec<String>, String> =
                value.split(',').map(|v| format(v.trim())).collect();
            Edit::Set {
                path,
                yaml: format!("[{}]", items?.join(", ")),
            }
        }
        _ => Edit::Set {
            path,
            yaml: format(value)?,
        },
    })
}
