//! The hierarchy as a tree (`popm tree`): epics > capabilities > features > stories, depth first,
//! each item once. Items in a parent cycle have no top above them: they are listed after the
//! trees, each cycle from its first member.

use super::listing::listing_order;
use crate::model::{Backlog, Item, ItemType};

/// Levels of indentation drawn; deeper items stay at this indentation and say their depth.
/// SAFe's hierarchy is four levels deep, so only a mis-typed chain reaches it; indenting every
/// level would make the output grow with the square of a chain's length.
pub const MAX_INDENT: usize = 16;

/// One line of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The item's index in the backlog.
    pub index: usize,
    pub depth: usize,
    /// For each level of indentation drawn before the connector: whether the ancestor there was
    /// a last child (blank) or has siblings below (a vertical line).
    pub levels: Vec<bool>,
    /// The last of its siblings.
    pub last: bool,
    /// The first line of a tree whose top is in a parent cycle.
    pub in_cycle: bool,
}

/// Which part of the tree is drawn.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// By backlog index, the items drawn: those a filter lets through and their ancestors (so
    /// each stays in its place); `None` draws every item.
    pub shown: Option<Vec<bool>>,
    /// Levels drawn below the top (0: the top alone); `None` draws every level.
    pub depth: Option<usize>,
}

/// The items `keep` lets through and every ancestor of theirs, by backlog index.
pub fn with_ancestors(backlog: &Backlog, keep: impl Fn(&Item) -> bool) -> Vec<bool> {
    let items = &backlog.items;
    let mut shown = vec![false; items.len()];
    for (i, item) in items.iter().enumerate() {
        if !keep(item) {
            continue;
        }
        // Climb until an item already shown: each item is marked once, so a long chain or a
        // parent cycle costs no more than its length once.
        let mut at = Some(i);
        while let Some(k) = at {
            if std::mem::replace(&mut shown[k], true) {
                break;
            }
            at = backlog
                .parent_of(&items[k])
                .and_then(|p| p.id())
                .and_then(|id| backlog.index_of(id));
        }
    }
    shown
}

/// The tree below the item at `top`, or (`None`) every tree of the backlog and then the items
/// in parent cycles, within `scope`. PIs are not part of the hierarchy.
pub fn nodes(backlog: &Backlog, top: Option<usize>, scope: &Scope) -> Vec<Node> {
    let items = &backlog.items;
    let in_scope = |i: usize| scope.shown.as_ref().is_none_or(|s| s[i]);
    let in_hierarchy = |i: &usize| items[*i].kind() != Some(ItemType::Pi) && in_scope(*i);
    let tops: Vec<usize> = match top {
        Some(i) => vec![i],
        None => {
            // Tops of the hierarchy: items without a parent that exists.
            let mut tops: Vec<usize> = (0..items.len())
                .filter(in_hierarchy)
                .filter(|i| backlog.parent_of(&items[*i]).is_none())
                .collect();
            tops.sort_by(|a, b| listing_order(&items[*a], &items[*b]));
            tops
        }
    };
    let mut out = Vec::new();
    let mut seen = vec![false; items.len()];
    for top in tops {
        walk(backlog, top, false, scope, &mut seen, &mut out);
    }
    // Items in a parent cycle have no top above them: show them too, rather than lose them.
    if top.is_none() {
        let mut rest: Vec<usize> = (0..items.len())
            .filter(|i| !seen[*i])
            .filter(in_hierarchy)
            .collect();
        rest.sort_by(|a, b| listing_order(&items[*a], &items[*b]));
        for top in rest {
            if !seen[top] {
                walk(backlog, top, true, scope, &mut seen, &mut out);
            }
        }
    }
    out
}

/// Depth-first with an explicit stack: a long (mis-typed) parent chain cannot overflow it, and
/// `seen` stops at an item already listed. Indentation stops growing at [`MAX_INDENT`] levels,
/// so each node, and each entry of the stack, is bounded: output and memory are linear.
fn walk(
    backlog: &Backlog,
    top: usize,
    in_cycle: bool,
    scope: &Scope,
    seen: &mut [bool],
    out: &mut Vec<Node>,
) {
    let mut stack = vec![Node {
        index: top,
        depth: 0,
        levels: Vec::new(),
        last: true,
        in_cycle,
    }];
    while let Some(node) = stack.pop() {
        if std::mem::replace(&mut seen[node.index], true) {
            continue;
        }
        let children: Vec<usize> = backlog
            .child_indexes(node.index)
            .iter()
            .copied()
            .filter(|c| !seen[*c])
            .filter(|c| scope.shown.as_ref().is_none_or(|s| s[*c]))
            .collect();
        let mut levels = node.levels.clone();
        // Past the deepest indentation, children are drawn where their parent is.
        if node.depth > 0 && levels.len() + 1 < MAX_INDENT {
            levels.push(node.last);
        }
        let n = children.len();
        // Pushed in reverse so that the first child comes first.
        for (k, child) in children.into_iter().enumerate().rev() {
            stack.push(Node {
                index: child,
                depth: node.depth + 1,
                levels: levels.clone(),
                last: k + 1 == n,
                in_cycle: false,
            });
        }
        // Items below the depth drawn are still walked, so that they count as seen and are not
        // taken for members of a parent cycle.
        if scope.depth.is_none_or(|d| node.depth <= d) {
            out.push(node);
        }
    }
}
