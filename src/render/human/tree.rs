//! `popm tree`: the hierarchy drawn with box lines, each item with its status.

use crate::config::Config;
use crate::model::{Backlog, Item};
use crate::render::{DIM, paint, safe};
use crate::report::tree::{MAX_INDENT, Node};

pub fn tree(nodes: &[Node], backlog: &Backlog, config: &Config, color: bool) -> String {
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
