//! `popm context` printed: a short markdown brief for a coding agent. Every title and message is
//! cut to a line's length and the body to a few lines, so that the whole stays near 2 000 tokens
//! whatever the backlog holds.

use super::{plural, type_label};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{Backlog, Item};
use crate::report::context::{Capped, Context, ItemContext, PiContext};
use crate::report::detail::Related;

/// The longest title or message shown, in characters.
const MAX_LINE_CHARS: usize = 100;
/// The longest part of the body shown, in characters.
const MAX_BODY_CHARS: usize = 1200;

pub fn text(context: &Context, backlog: &Backlog, config: &Config, body: Option<&str>) -> String {
    match context {
        Context::Item(c) => item(c, backlog, config, body),
        Context::Pi(c) => pi(c, backlog, config),
    }
}

fn item(c: &ItemContext, backlog: &Backlog, config: &Config, body: Option<&str>) -> String {
    let mut out = String::new();
    let i = c.item;
    out.push_str(&format!("# {}\n\n", line(i, backlog, config)));
    let mut facts = vec![format!("path: {}", i.path)];
    let teams: Vec<&str> = i.teams().collect();
    if !teams.is_empty() {
        facts.push(format!("team: {}", cut(&teams.join(", "))));
    }
    if let Some(pi) = &i.pi {
        facts.push(format!("pi: {}", cut(&pi.value)));
    }
    if let Some(p) = &i.points {
        facts.push(format!("points: {}", super::number::points(p.value)));
    }
    if let Some(e) = &i.estimate {
        facts.push(format!("estimate: {}", super::number::points(e.value)));
    }
    out.push_str(&facts.join("; "));
    out.push('\n');
    if let Some(body) = body.map(str::trim).filter(|b| !b.is_empty()) {
        out.push('\n');
        out.push_str(&clip(body));
        out.push('\n');
    }
    if !c.parents.is_empty() {
        out.push_str("\n## Parents\n");
        for p in &c.parents {
            out.push_str(&format!("- {}\n", line(p, backlog, config)));
        }
    }
    list(&mut out, "Siblings", &c.siblings, |s| {
        line(s, backlog, config)
    });
    list(&mut out, "Children", &c.children, |s| {
        line(s, backlog, config)
    });
    list(
        &mut out,
        "Open dependencies",
        &c.open_dependencies,
        |r| match r {
            Related::Item(d) => line(d, backlog, config),
            Related::Missing(id) => format!("{} (no such item)", cut(id)),
        },
    );
    list(&mut out, "Rules it fails (popm check)", &c.findings, |d| {
        finding(d)
    });
    out
}

fn pi(c: &PiContext, backlog: &Backlog, config: &Config) -> String {
    let r = &c.readiness;
    let mut out = format!("# {}\n\n", line(r.pi, backlog, config));
    if let (Some(start), Some(end)) = (r.start, r.end) {
        out.push_str(&format!("dates: {start} to {end}\n"));
    }
    out.push_str(&if r.ready() {
        format!(
            "ready for planning ({})\n",
            plural(r.warnings(), "warning", "warnings")
        )
    } else {
        format!(
            "not ready for planning: {}, {} (`popm pi ready`)\n",
            plural(r.errors(), "error", "errors"),
            plural(r.warnings(), "warning", "warnings")
        )
    });
    list(&mut out, "Features, by WSJF", &c.features, |&n| {
        let f = c.feature(n);
        let failing: Vec<&str> = f.failures.iter().map(|r| r.name()).collect();
        let mut text = line(f.item, backlog, config);
        if !failing.is_empty() {
            text.push_str(&format!("; fails {}", failing.join(", ")));
        }
        text
    });
    list(&mut out, "Readiness findings", &c.findings, |&n| {
        finding(&r.diagnostics[n])
    });
    out
}

/// `F-1 Title (feature, ready)`.
fn line(i: &Item, backlog: &Backlog, config: &Config) -> String {
    let status = backlog.status(i, config);
    let about = if status.is_empty() {
        type_label(i)
    } else {
        format!("{}, {}", type_label(i), cut(status))
    };
    format!(
        "{} {} ({about})",
        cut(i.id().unwrap_or("?")),
        cut(i.title())
    )
}

fn finding(d: &Diagnostic) -> String {
    format!(
        "{}[{}] {}:{}: {}",
        d.severity.as_str(),
        d.rule.name(),
        d.path,
        d.line,
        cut(&d.message)
    )
}

fn list<T>(out: &mut String, heading: &str, items: &Capped<T>, show: impl Fn(&T) -> String) {
    if items.shown.is_empty() {
        return;
    }
    out.push_str(&format!("\n## {heading}\n"));
    for x in &items.shown {
        out.push_str(&format!("- {}\n", show(x)));
    }
    if items.more > 0 {
        out.push_str(&format!("- ... and {} more\n", items.more));
    }
}

/// One line of at most [`MAX_LINE_CHARS`] characters (line breaks become spaces).
fn cut(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    match flat.char_indices().nth(MAX_LINE_CHARS) {
        Some((at, _)) => format!("{}...", &flat[..at]),
        None => flat,
    }
}

/// The body up to [`MAX_BODY_CHARS`] characters, cut at a line end when there is one.
fn clip(body: &str) -> String {
    let Some((at, _)) = body.char_indices().nth(MAX_BODY_CHARS) else {
        return body.to_string();
    };
    let head = &body[..at];
    let head = head.rfind('\n').map_or(head, |n| &head[..n]);
    format!("{head}\n[... the rest: `popm show`]")
}
