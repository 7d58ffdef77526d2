use std::collections::HashMap;

use rayon::prelude::*;

use crate::config::Config;
use crate::model::{Item, ItemType, natural_cmp};

/// Every item of the backlog, indexed by id. Items are kept in path order, so every listing and every
/// diagnostic comes out the same on every run and machine.
#[derive(Debug, Default)]
pub struct Backlog {
    /// Boxed: an item is about 850 bytes, and the parse hands each over in its own allocation,
    /// which the backlog keeps rather than copying 100 000 of them into one vector on one thread
    /// (a tenth of a cold check of 100 000 items, docs/performance.md).
    pub items: Vec<Box<Item>>,
    by_id: HashMap<String, usize, Hasher>,
    /// Children of each item (indexes), in natural id order.
    children: HashMap<usize, Vec<usize>, Hasher>,
}

/// foldhash instead of SipHash for the lookups by id, which every rule and report makes: hashing
/// was a tenth of a cold index of 100 000 items. Seeded per process, so an adversary who writes
/// the ids cannot aim collisions at a known seed.
type Hasher = foldhash::fast::RandomState;

impl Backlog {
    /// Indexes the items and resolves each status against its type's workflow.
    ///
    /// A reference qualified with this backlog's own name (`portfolio:E-3` in the portfolio) is
    /// the plain id from here on: every lookup finds it as it finds `E-3`.
    pub fn new<I: Into<Box<Item>>>(items: Vec<I>, config: &Config) -> Self {
        // Boxed items are taken as they are (a collect in place).
        let mut items: Vec<Box<Item>> = items.into_iter().map(Into::into).collect();
        let own = config.backlog_name();
        items.par_iter_mut().for_each(|item| {
            item.state = item.resolve_state(config);
            own_references_to_local(item, &own);
        });
        let mut by_id = HashMap::with_capacity_and_hasher(items.len(), Hasher::default());
        for (i, item) in items.iter().enumerate() {
            if let Some(id) = item.id() {
                // The first file (in path order) owns a duplicated id; `id-duplicate` reports the rest.
                by_id.entry(id.to_string()).or_insert(i);
            }
        }
        let mut children: HashMap<usize, Vec<usize>, Hasher> = HashMap::default();
        for (i, item) in items.iter().enumerate() {
            if let Some(p) = item.parent.as_ref().and_then(|p| by_id.get(&p.value))
                && *p != i
            {
                children.entry(*p).or_default().push(i);
            }
        }
        children.par_iter_mut().for_each(|(_, list)| {
            list.sort_by(|a, b| {
                natural_cmp(items[*a].id().unwrap_or(""), items[*b].id().unwrap_or(""))
            });
        });
        Backlog {
            items,
            by_id,
            children,
        }
    }

    /// Every item, in path order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Item> + ExactSizeIterator + Clone {
        self.items.iter().map(|item| &**item)
    }

    pub fn get(&self, id: &str) -> Option<&Item> {
        self.index_of(id).map(|i| &*self.items[i])
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The item's parent, if it names one that exists.
    pub fn parent_of(&self, item: &Item) -> Option<&Item> {
        item.parent.as_ref().and_then(|p| self.get(&p.value))
    }

    pub fn children_of(&self, index: usize) -> impl Iterator<Item = &Item> {
        self.children
            .get(&index)
            .into_iter()
            .flatten()
            .map(|i| &*self.items[*i])
    }

    pub fn child_indexes(&self, index: usize) -> &[usize] {
        self.children.get(&index).map_or(&[], Vec::as_slice)
    }

    /// Items of the given type, in file order.
    pub fn of_type(&self, t: ItemType) -> impl Iterator<Item = &Item> {
        self.iter().filter(move |i| i.kind() == Some(t))
    }

    /// The resolved status name of an item (its workflow state), or the status as written when it
    /// is not a state of the workflow.
    pub fn status<'a>(&self, item: &'a Item, config: &'a Config) -> &'a str {
        item.status_name(config)
    }

    /// The PI an item is planned for: its own `pi`, or for a story without one, its feature's.
    pub fn planned_pi<'a>(&'a self, item: &'a Item) -> Option<&'a str> {
        let own = item.pi.as_ref();
        let inherited = || {
            (item.kind() == Some(ItemType::Story))
                .then(|| self.parent_of(item).and_then(|f| f.pi.as_ref()))
                .flatten()
        };
        own.or_else(inherited).map(|p| p.value.as_str())
    }

    /// The team a story's points count for: its own, else its feature's when that has exactly one.
    pub fn team_of_story<'a>(&'a self, story: &'a Item) -> Option<&'a str> {
        story.story_team(self.parent_of(story))
    }

    /// Whether the item is in a done state of its workflow.
    pub fn is_done(&self, item: &Item, config: &Config) -> bool {
        item.is_done(config)
    }
}

/// `own:ID` -> `ID` in `parent`, `depends_on` and `okrs`, where `own` is this backlog's name.
fn own_references_to_local(item: &mut Item, own: &str) {
    let local = |text: &mut String| {
        if let crate::model::Reference::Qualified { backlog, id } =
            crate::model::Reference::parse(text)
            && backlog == own
        {
            *text = id.to_string();
        }
    };
    if let Some(parent) = &mut item.parent {
        local(&mut parent.value);
    }
    for dep in item.depends_on.iter_mut().chain(&mut item.okrs) {
        local(&mut dep.value);
    }
}
