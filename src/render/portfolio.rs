//! `popm portfolio backlog` for people: each epic in WSJF order with its status, score and done
//! share, then its features and capabilities in the ARTs.

use crate::report::portfolio::PortfolioEpic;

pub fn backlog(epics: &[PortfolioEpic]) -> String {
    let mut out = String::new();
    if epics.is_empty() {
        out.push_str("no epics in the portfolio\n");
        return out;
    }
    for (rank, e) in epics.iter().enumerate() {
        let progress = if e.work.is_empty() {
            "no features in the ARTs".to_string()
        } else {
            format!(
                "{}/{} done ({})",
                e.done,
                e.work.len(),
                crate::render::number::percent(e.done as f64 / e.work.len() as f64)
            )
        };
        out.push_str(&format!(
            "{:>3}. {}  {}  [{}]  WSJF {}  {progress}\n",
            rank + 1,
            e.epic.id().unwrap_or("?"),
            e.epic.title(),
            e.status,
            crate::render::number::wsjf_or_dash(e.score),
        ));
        for w in &e.work {
            let pi = w
                .item
                .pi
                .as_ref()
                .map_or(String::new(), |p| format!("  {}", p.value));
            out.push_str(&format!(
                "       {}:{}  {}  [{}]{pi}\n",
                w.art,
                w.item.id().unwrap_or("?"),
                w.item.title(),
                w.status
            ));
        }
    }
    out
}

/// `popm portfolio roadmap` for people: per epic, a line per PI with the ARTs' work in it.
pub fn roadmap(epics: &[crate::report::portfolio::RoadmapEpic]) -> String {
    let mut out = String::new();
    for e in epics {
        out.push_str(&format!(
            "{}  {}\n",
            e.epic.id().unwrap_or("?"),
            e.epic.title()
        ));
        if e.rows.is_empty() {
            out.push_str("  no features in the ARTs\n");
        }
        for row in &e.rows {
            let when = match (row.pi, row.start) {
                (Some(pi), Some(start)) => format!("{pi} (from {start})"),
                (Some(pi), None) => format!("{pi} (no dates)"),
                (None, _) => "no PI".to_string(),
            };
            let work: Vec<String> = row
                .work
                .iter()
                .map(|w| format!("{}:{} [{}]", w.art, w.item.id().unwrap_or("?"), w.status))
                .collect();
            out.push_str(&format!("  {when:<24}  {}\n", work.join(", ")));
        }
    }
    out
}
