//! `popm tree`: the hierarchy drawn with box lines, each item with its status.

use crate::config::Config;
use crate::model::{Backlog, Item};
use crate::render::number;
use crate::render::{DIM, paint, safe};
use crate::report::progress::Progress;
use crate::report::tree::{MAX_INDENT, Node};

/// `progress`: the rollups by backlog index ([`crate::report::progress::every`]).
pub fn tree(
    nodes: &[Node],
    backlog: &Backlog,
    config: &Config,
    progress: &[Option<Progress>],
    color: bool,
) -> String {
    let mut out = String::new();
    for node in nodes {
        if node.in_cycle {
            out.push_str(&paint("(in a parent cycle) ", DIM, color));
        }
        for last in &node.levels {
            out.push_str(if *last { "    " } else { "│   " });
        }
        if node.depth > 0 {
            out.push_str(if node.last {
                "└── "
            } else {
                "├── "
            });
        }
        if node.depth > MAX_INDENT {
            out.push_str(&paint(&format!("[depth {}]", node.depth), DIM, color));
            out.push(' ');
        }
        out.push_str(&label(&backlog.items[node.index], backlog, config, color));
        if let Some(p) = progress.get(node.index).copied().flatten()
            && p.children > 0
        {
            out.push(' ');
            out.push_str(&paint(&rollup(&p), DIM, color));
        }
        out.push('\n');
    }
    out
}

fn label(item: &Item, backlog: &Backlog, config: &Config, color: bool) -> String {
    let enabler = item.enabler.as_ref().map_or(String::new(), |e| {
        format!(" (enabler: {})", safe(e.value.as_str()))
    });
    let status = backlog.status(item, config);
    format!(
        "{}  {}{} {}",
        safe(item.id().unwrap_or("?")),
        safe(item.title()),
        enabler,
        paint(&format!("[{status}]"), DIM, color)
    )
}

/// The short form of a rollup: `3/8 pts, 1/3 done` (points only when the stories carry some).
fn rollup(p: &Progress) -> String {
    let children = format!("{}/{} done", p.done_children, p.children);
    if p.points > 0.0 {
        format!(
            "{}/{} pts, {children}",
            number::points(p.done_points),
            number::points(p.points)
        )
    } else {
        children
    }
}
