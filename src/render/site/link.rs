//! How the pages name an item and its progress: the same words and links on every page.

use crate::config::Config;
use crate::model::{Item, is_valid_id};
use crate::render::number;
use crate::report::progress::Progress;

/// An item as a page names it. `linked`: the item has a page (`items/<ID>.html`), so its id is a
/// link there; an id that could not be a file name is shown as text only.
#[derive(Debug, Clone)]
pub struct ItemRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub kind: &'static str,
    pub status: &'a str,
    pub enabler: bool,
    pub done: bool,
    pub linked: bool,
}

impl<'a> ItemRef<'a> {
    pub fn of(item: &'a Item, config: &'a Config) -> ItemRef<'a> {
        let id = item.id().unwrap_or("");
        ItemRef {
            id,
            title: item.title(),
            kind: item.kind().map_or("item", |k| k.as_str()),
            status: item.status_name(config),
            enabler: item.is_enabler(),
            done: item.is_done(config),
            linked: has_page(id),
        }
    }
}

/// Whether an item with this id gets a page: ids that match popm's id pattern are safe file
/// names (no separator, no `..`, nothing a file system reads differently).
pub fn has_page(id: &str) -> bool {
    is_valid_id(id)
}

/// The path of an item's page, relative to the site's root.
pub fn item_path(id: &str) -> String {
    format!("items/{id}.html")
}

/// Progress in words: `3 of 8 points done (38%), 1 of 3 children`; stories without points are
/// counted apart, so a figure that says less than it seems says so.
pub fn progress_text(p: &Progress) -> String {
    let mut text = match p.ratio() {
        Some(r) => format!(
            "{} of {} points done ({})",
            number::points(p.done_points),
            number::points(p.points),
            number::percent(r)
        ),
        None => "no points below".to_string(),
    };
    if p.children > 0 {
        text.push_str(&format!(
            ", {} of {} children done",
            p.done_children, p.children
        ));
    }
    if p.unestimated > 0 {
        let noun = if p.unestimated == 1 {
            "story"
        } else {
            "stories"
        };
        text.push_str(&format!(", {} {noun} without points", p.unestimated));
    }
    text
}

/// The share done as a whole percentage for a progress bar's width (0 to 100).
pub fn progress_percent(p: &Progress) -> u32 {
    p.ratio()
        .map_or(0, |r| (r * 100.0).round().clamp(0.0, 100.0) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_says_points_children_and_unestimated_stories() {
        let p = Progress {
            points: 8.0,
            done_points: 3.0,
            stories: 3,
            done_stories: 1,
            unestimated: 1,
            children: 3,
            done_children: 1,
        };
        assert_eq!(
            progress_text(&p),
            "3 of 8 points done (38%), 1 of 3 children done, 1 story without points"
        );
        assert_eq!(progress_percent(&p), 38);
        assert_eq!(progress_text(&Progress::default()), "no points below");
        assert_eq!(progress_percent(&Progress::default()), 0);
    }

    #[test]
    fn only_ids_of_the_id_pattern_get_a_page() {
        assert!(has_page("PI-2027.1"));
        assert!(!has_page("../x"));
        assert!(!has_page("a/b"));
        assert!(!has_page(""));
        assert_eq!(item_path("F-1"), "items/F-1.html");
    }
}
