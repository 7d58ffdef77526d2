use serde::Serialize;

use super::list::{ItemRecord, type_label};
use super::{Outcome, warn_if_broken, write_out};
use crate::config::Config;
use crate::model::{Backlog, Item, did_you_mean, natural_cmp};
use crate::render::{BOLD, ColorChoice, DIM, paint};
use crate::report::ranking::Score;
use crate::workspace::{EnvError, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub source: super::SourceArgs,
    /// The item's id.
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

/// An item in a relation (parent chain, children, dependencies): enough to read the line.
#[derive(Serialize)]
struct Related<'a> {
    id: &'a str,
    title: &'a str,
    status: &'a str,
    /// False for a reference to an id that no item has.
    exists: bool,
}

#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    item: ItemRecord<'a>,
    wsjf: Option<WsjfShown>,
    parents: Vec<Related<'a>>,
    children: Vec<Related<'a>>,
    /// The items named in `depends_on`, resolved.
    dependencies: Vec<Related<'a>>,
    needed_by: Vec<Related<'a>>,
    acceptance_criteria: Option<Progress>,
}

#[derive(Serialize)]
struct WsjfShown {
    business_value: Option<i64>,
    time_criticality: Option<i64>,
    risk_reduction: Option<i64>,
    job_size: Option<i64>,
    score: Option<f64>,
}

#[derive(Serialize)]
struct Progress {
    checked: usize,
    total: usize,
}

fn related<'a>(item: &'a Item, backlog: &'a Backlog, config: &'a Config) -> Related<'a> {
    Related {
        id: item.id().unwrap_or(""),
        title: item.title(),
        status: backlog.status(item, config),
        exists: true,
    }
}

pub fn run(workspace: &Workspace, args: &Args, color: ColorChoice) -> Result<Outcome, EnvError> {
    let checked = workspace.check()?;
    warn_if_broken(&checked, color);
    let backlog = &checked.backlog;
    let config = &workspace.config;
    let Some(index) = backlog.index_of(&args.id) else {
        let ids: Vec<&str> = backlog.items.iter().filter_map(Item::id).collect();
        let hint = did_you_mean(&args.id, &ids)
            .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
        return Err(EnvError::Other(format!(
            "no item has the id `{}`{hint}",
            args.id
        )));
    };
    let item = &backlog.items[index];

    // Walk up at most as many steps as there are items, so a parent cycle cannot loop forever.
    // Stop at the first item seen twice: a parent cycle (reported by `popm check`) is shown once.
    let mut parents = Vec::new();
    let mut seen = std::collections::HashSet::from([item.path.as_str()]);
    let mut at = backlog.parent_of(item);
    while let Some(p) = at {
        if !seen.insert(p.path.as_str()) {
            break;
        }
        parents.push(related(p, backlog, config));
        at = backlog.parent_of(p);
    }
    parents.reverse();
    let children = backlog
        .children_of(index)
        .map(|c| related(c, backlog, config))
        .collect();
    let dependencies = item
        .depends_on
        .iter()
        .map(|d| match backlog.get(&d.value) {
            Some(dep) => related(dep, backlog, config),
            None => Related {
                id: &d.value,
                title: "",
                status: "",
                exists: false,
            },
        })
        .collect();
    let mut needed_by: Vec<&Item> = backlog
        .items
        .iter()
        .filter(|other| other.depends_on.iter().any(|d| d.value == args.id))
        .collect();
    needed_by.sort_by(|a, b| natural_cmp(a.id().unwrap_or(""), b.id().unwrap_or("")));
    let shown = Shown {
        item: ItemRecord::new(item, backlog, config),
        wsjf: item.wsjf.as_ref().map(|w| WsjfShown {
            business_value: w.business_value.as_ref().map(|v| v.value),
            time_criticality: w.time_criticality.as_ref().map(|v| v.value),
            risk_reduction: w.risk_reduction.as_ref().map(|v| v.value),
            job_size: w.job_size.as_ref().map(|v| v.value),
            score: Score::of(item).map(|s| s.wsjf()),
        }),
        parents,
        children,
        dependencies,
        needed_by: needed_by
            .into_iter()
            .map(|i| related(i, backlog, config))
            .collect(),
        acceptance_criteria: item.acceptance_criteria.as_ref().map(|ac| {
            let (checked, total) = ac.progress();
            Progress { checked, total }
        }),
    };
    let text = match args.format {
        Format::Json => crate::render::json(&shown),
        Format::Human => human(&shown, item, color.stdout()),
    };
    let color = color.stdout() && matches!(args.format, Format::Human);
    write_out(&mut std::io::stdout().lock(), &text, color)?;
    Ok(Outcome::Clean)
}

fn human(s: &Shown, item: &Item, color: bool) -> String {
    let mut out = format!(
        "{}  {}\n",
        paint(s.item.id.unwrap_or("?"), BOLD, color),
        paint(s.item.title, BOLD, color)
    );
    let mut field = |name: &str, value: String| {
        if !value.is_empty() {
            let value = crate::render::safe(&value);
            out.push_str(&format!("  {:<12}{value}\n", paint(name, DIM, color)));
        }
    };
    let opt = |v: Option<&str>| v.unwrap_or("").to_string();
    field("type", type_label(item));
    field("status", s.item.status.to_string());
    field("path", s.item.path.to_string());
    field("owner", opt(s.item.owner));
    field("art", opt(s.item.art));
    field("team", s.item.team.join(", "));
    field("pi", opt(s.item.pi));
    field(
        "iteration",
        s.item.iteration.map_or(String::new(), |i| i.to_string()),
    );
    field(
        "points",
        s.item
            .points
            .map_or(String::new(), crate::render::format_number),
    );
    field(
        "estimate",
        s.item
            .estimate
            .map_or(String::new(), crate::render::format_number),
    );
    field("labels", s.item.labels.join(", "));
    if let Some(w) = &s.wsjf {
        let v = |x: Option<i64>| x.map_or("-".to_string(), |x| x.to_string());
        let score = Score::of(item).map_or("incomplete".to_string(), |s| {
            crate::render::number::wsjf(&s)
        });
        field(
            "wsjf",
            format!(
                "{score} = (BV {} + TC {} + RR|OE {}) / job size {}",
                v(w.business_value),
                v(w.time_criticality),
                v(w.risk_reduction),
                v(w.job_size)
            ),
        );
    }
    if let Some(p) = &s.acceptance_criteria {
        field(
            "acceptance",
            format!("{}/{} criteria checked", p.checked, p.total),
        );
    }
    let line = |r: &Related| {
        let safe = crate::render::safe;
        if r.exists {
            format!("{}  {} [{}]", safe(r.id), safe(r.title), safe(r.status))
        } else {
            format!("{}  (no such item)", safe(r.id))
        }
    };
    let chain: Vec<String> = s
        .parents
        .iter()
        .map(|p| crate::render::safe(p.id).into_owned())
        .collect();
    if !chain.is_empty() {
        out.push_str(&format!(
            "  {:<12}{}\n",
            paint("parents", DIM, color),
            chain.join(" > ")
        ));
    }
    for (name, list) in [
        ("children", &s.children),
        ("depends on", &s.dependencies),
        ("needed by", &s.needed_by),
    ] {
        for (i, r) in list.iter().enumerate() {
            let label = if i == 0 { name } else { "" };
            out.push_str(&format!("  {:<12}{}\n", paint(label, DIM, color), line(r)));
        }
    }
    out
}
