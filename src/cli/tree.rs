use super::{warn_if_broken, write_out};
use crate::diagnostic::Outcome;
use crate::error::EnvError;
use crate::model::{Backlog, Item, ItemType};
use crate::render::{ColorChoice, DIM, paint, safe};
use crate::report::listing::listing_order;
use crate::source::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// Show only this item and what lies below it.
    id: Option<String>,
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = crate::engine::check(workspace, &crate::engine::Request::whole())?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let color = color.stdout();
    let roots: Vec<usize> = match &args.id {
        Some(id) => match backlog.index_of(id) {
            Some(i) => vec![i],
            None => {
                return Err(EnvError::UnknownId {
                    id: id.clone(),
                    suggestion: None,
                });
            }
        },
        None => {
            // Tops of the hierarchy: items without a parent that exists (PIs are not part of it).
            let mut roots: Vec<usize> = (0..backlog.items.len())
                .filter(|i| {
                    let item = &backlog.items[*i];
                    item.kind() != Some(ItemType::Pi) && backlog.parent_of(item).is_none()
                })
                .collect();
            roots.sort_by(|a, b| listing_order(&backlog.items[*a], &backlog.items[*b]));
            roots
        }
    };
    let mut out = String::new();
    let mut seen = vec![false; backlog.items.len()];
    for root in roots {
        render(backlog, workspace, root, &mut seen, color, &mut out);
    }
    // Items in a parent cycle have no root above them: show them too, rather than lose them.
    if args.id.is_none() {
        let mut rest: Vec<usize> = (0..backlog.items.len())
            .filter(|i| !seen[*i] && backlog.items[*i].kind() != Some(ItemType::Pi))
            .collect();
        rest.sort_by(|a, b| listing_order(&backlog.items[*a], &backlog.items[*b]));
        for root in rest {
            if !seen[root] {
                out.push_str(&paint("(in a parent cycle) ", DIM, color));
                render(backlog, workspace, root, &mut seen, color, &mut out);
            }
        }
    }
    write_out(&mut std::io::stdout().lock(), &out, color)?;
    Ok(Outcome::Clean)
}

fn label(item: &Item, backlog: &Backlog, workspace: &Workspace, color: bool) -> String {
    let enabler = item.enabler.as_ref().map_or(String::new(), |e| {
        format!(" (enabler: {})", safe(e.value.as_str()))
    });
    let status = backlog.status(item, &workspace.config);
    format!(
        "{}  {}{} {}",
        safe(item.id().unwrap_or("?")),
        safe(item.title()),
        enabler,
        paint(&format!("[{status}]"), DIM, color)
    )
}

/// Levels of indentation shown; deeper items stay at this indentation and say their depth. SAFe's
/// hierarchy is four levels deep, so only a mis-typed chain reaches it; indenting every level
/// would make the output grow with the square of a chain's length.
const MAX_INDENT: usize = 16;

/// Depth-first with an explicit stack: a long (mis-typed) parent chain cannot overflow it, and
/// `seen` stops at an item already printed. Indentation stops growing at [`MAX_INDENT`] levels,
/// so each line, and each entry of the stack, is bounded: output and memory are linear.
fn render(
    backlog: &Backlog,
    workspace: &Workspace,
    root: usize,
    seen: &mut [bool],
    color: bool,
    out: &mut String,
) {
    struct Entry {
        index: usize,
        depth: usize,
        /// For each level of indentation drawn before the connector: whether the ancestor there
        /// was a last child (blank) or has siblings below (a vertical line).
        levels: Vec<bool>,
        last: bool,
    }
    let mut stack = vec![Entry {
        index: root,
        depth: 0,
        levels: Vec::new(),
        last: true,
    }];
    while let Some(entry) = stack.pop() {
        if std::mem::replace(&mut seen[entry.index], true) {
            continue;
        }
        let item = &backlog.items[entry.index];
        for last in &entry.levels {
            out.push_str(if *last { "    " } else { "│   " });
        }
        if entry.depth > 0 {
            out.push_str(if entry.last {
                "└── "
            } else {
                "├── "
            });
        }
        if entry.depth > MAX_INDENT {
            out.push_str(&paint(&format!("[depth {}]", entry.depth), DIM, color));
            out.push(' ');
        }
        out.push_str(&label(item, backlog, workspace, color));
        out.push('\n');
        let children: Vec<usize> = backlog
            .child_indexes(entry.index)
            .iter()
            .copied()
            .filter(|c| !seen[*c])
            .collect();
        let mut levels = entry.levels;
        // Past the deepest indentation, children are drawn where their parent is.
        if entry.depth > 0 && levels.len() + 1 < MAX_INDENT {
            levels.push(entry.last);
        }
        let n = children.len();
        // Pushed in reverse so that the first child is printed first.
        for (k, child) in children.into_iter().enumerate().rev() {
            stack.push(Entry {
                index: child,
                depth: entry.depth + 1,
                levels: levels.clone(),
                last: k + 1 == n,
            });
        }
    }
}
