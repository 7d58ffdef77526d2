use super::list::listing_order;
use super::{Outcome, warn_if_broken, write_out};
use crate::model::{Backlog, Item, ItemType};
use crate::render::{ColorChoice, DIM, paint, safe};
use crate::workspace::{EnvError, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// Show only this item and what lies below it.
    id: Option<String>,
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = workspace.check()?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let color = color.stdout();
    let roots: Vec<usize> = match &args.id {
        Some(id) => match backlog.index_of(id) {
            Some(i) => vec![i],
            None => return Err(EnvError::Other(format!("no item has the id `{id}`"))),
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

/// Depth-first with an explicit stack: a long (mis-typed) parent chain cannot overflow it, and
/// `seen` stops at an item already printed.
fn render(
    backlog: &Backlog,
    workspace: &Workspace,
    root: usize,
    seen: &mut [bool],
    color: bool,
    out: &mut String,
) {
    // (item, prefix for its children, its own connector)
    let mut stack: Vec<(usize, String, String)> = vec![(root, String::new(), String::new())];
    while let Some((index, prefix, connector)) = stack.pop() {
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        let item = &backlog.items[index];
        out.push_str(&connector);
        out.push_str(&label(item, backlog, workspace, color));
        out.push('\n');
        let children: Vec<usize> = backlog
            .child_indexes(index)
            .iter()
            .copied()
            .filter(|c| !seen[*c])
            .collect();
        let n = children.len();
        // Pushed in reverse so that the first child is printed first.
        for (k, child) in children.into_iter().enumerate().rev() {
            let last = k + 1 == n;
            let own = format!("{prefix}{}", if last { "└── " } else { "├── " });
            let below = format!("{prefix}{}", if last { "    " } else { "│   " });
            stack.push((child, below, own));
        }
    }
}
