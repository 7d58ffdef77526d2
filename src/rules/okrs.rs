//! `okrs` of an epic: every OKR it names exists and is an OKR.

use super::at;
use crate::diagnostic::{Diagnostic, Rule};
use crate::model::{Backlog, ItemType};

pub fn check(backlog: &Backlog, out: &mut Vec<Diagnostic>) {
    for item in backlog.iter() {
        for okr in &item.okrs {
            if !super::is_local_reference(item, "okrs", okr, out) {
                continue;
            }
            let message = match backlog.get(&okr.value) {
                None => format!("OKR `{}` is not an item of this backlog", okr.value),
                Some(found) if found.kind() != Some(ItemType::Okr) => format!(
                    "`{}` is {}, not an OKR",
                    okr.value,
                    found
                        .kind()
                        .map_or("an item of no known type", ItemType::with_article)
                ),
                Some(_) => continue,
            };
            out.push(at(Rule::OkrUnknown, item, okr.pos, message).width(okr.value.chars().count()));
        }
    }
}
