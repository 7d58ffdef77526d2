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
