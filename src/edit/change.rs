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
    // A PI's capacity per team is a list of points per development iteration.
    let is_capacity = path.len() == 2 && path[0] == "capacity";
    let is_list = (path.len() == 1 && kind == Some(Kind::List)) || is_capacity;
    // The WSJF inputs nest under `wsjf`, a PI's allocation percents under `allocation`; each is a
    // number, and so is each iteration's capacity.
    let is_number = matches!(path[0].as_str(), "wsjf" | "allocation" | "capacity")
        || kind == Some(Kind::Number);
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
        _ if is_list && (key != "team" || value.contains(',') || is_capacity) => {
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

/// The key an edit writes, as its path.
fn path_of(edit: &Edit) -> Vec<&str> {
    match edit {
        Edit::Set { path, .. } | Edit::Remove { path } => path.iter().map(String::as_str).collect(),
        Edit::Append { key, .. }
        | Edit::RemoveElement { key, .. }
        | Edit::ReplaceElement { key, .. } => vec![key.as_str()],
    }
}

/// Refuses an edit of a key that an item of this kind (a PI or not) does not carry, with the
/// nearest known name: `popm set` writes only keys popm reads, so a typo never lands in a file.
pub fn check_key(edit: &Edit, is_pi: bool) -> Result<(), String> {
    let path = path_of(edit);
    let Some(first) = path.first() else {
        return Ok(());
    };
    let names: Vec<&str> = if is_pi {
        crate::model::key::KEYS.iter().map(|k| k.name).collect()
    } else {
        Key::item_names().collect()
    };
    let what = if is_pi { "a PI" } else { "an item" };
    if !names.contains(first) {
        let hint = match crate::model::did_you_mean(first, &names) {
            Some(s) => format!(" (did you mean `{s}`?)"),
            None => " (docs/format.md lists the keys)".to_string(),
        };
        let pi_only = !is_pi && Key::named(first).is_some_and(|k| k.pi_only);
        return Err(if pi_only {
            format!("`{first}` is a key of PI items only")
        } else {
            format!("`{first}` is not a key of {what}{hint}")
        });
    }
    let Some(sub) = path.get(1) else {
        return Ok(());
    };
    match *first {
        "wsjf" if !crate::model::Wsjf::KEYS.contains(sub) => {
            let hint = crate::model::did_you_mean(sub, &crate::model::Wsjf::KEYS)
                .map_or(String::new(), |s| format!(" (did you mean `wsjf.{s}`?)"));
            Err(format!(
                "`wsjf.{sub}` is not a WSJF input: business_value, time_criticality, risk_reduction or job_size{hint}"
            ))
        }
        "wsjf" | "allocation" | "capacity" | "extra" => Ok(()),
        _ => Err(format!(
            "`{first}` holds no keys: `{first}.{sub}` cannot be set (nested keys: wsjf.<input>, allocation.<work type>, capacity.<team>, extra.<name>)"
        )),
    }
}
