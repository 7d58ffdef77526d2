//! `popm backlog --explain` and the calibration warnings: how a rank came about, in words.

use crate::model::scale_text;
use crate::report::ranking::{Calibration, Explanation, Ranked};

/// How the item's score and rank were computed, in the order a reader checks them.
pub fn explanation(e: &Explanation, id: &str, team_level: bool) -> String {
    let r = e.ranked;
    let mut out = format!("{}  {}\n", id, r.item.title());
    let name = |r: &Ranked| {
        let id = r.item.id().unwrap_or("?");
        match r.score {
            Some(s) => format!("{id} ({})", crate::render::number::wsjf(&s)),
            None => format!("{id} (unscored)"),
        }
    };
    match r.score {
        _ if team_level => out.push_str(&match &r.item.rank {
            Some(rank) => format!(
                "  team backlogs keep the Product Owner's order: `rank: {}`, then id\n",
                rank.value
            ),
            None => "  no `rank`: after every ranked story, by id\n".to_string(),
        }),
        Some(s) => {
            out.push_str(&format!(
                "  cost of delay = business value {} + time criticality {} + risk reduction|opportunity enablement {} = {}\n",
                s.business_value,
                s.time_criticality,
                s.risk_reduction,
                s.cost_of_delay()
            ));
            out.push_str(&format!(
                "  WSJF = cost of delay {} / job size {} = {}\n",
                s.cost_of_delay(),
                s.job_size,
                crate::render::number::wsjf(&s)
            ));
            if !e.ties.is_empty() {
                let ties: Vec<&str> = e.ties.iter().map(|i| i.id().unwrap_or("?")).collect();
                out.push_str(&format!(
                    "  ties with {}: equal scores are ordered by id\n",
                    ties.join(", ")
                ));
            }
        }
        None => {
            let missing = match &e.missing {
                None => vec!["all four inputs"],
                Some(keys) => keys.clone(),
            };
            out.push_str(&format!(
                "  unscored: WSJF lacks {}; unscored items rank after every scored one, by id\n",
                missing.join(", ")
            ));
        }
    }
    let mut place = format!("  rank {} of {}", r.rank, e.of);
    if let Some(previous) = e.previous {
        place.push_str(&format!(": after {}", name(previous)));
    }
    if let Some(next) = e.next {
        place.push_str(if e.previous.is_some() {
            ", before "
        } else {
            ": before "
        });
        place.push_str(&name(next));
    }
    out.push_str(&place);
    out.push('\n');
    out
}

/// A calibration hint as a warning line.
pub fn calibration(hint: &Calibration, scale: &[i64]) -> String {
    match hint {
        Calibration::NoOne {
            input,
            scored,
            lowest,
        } => {
            let name = match *input {
                "business_value" => "business value",
                "time_criticality" => "time criticality",
                "risk_reduction" => "risk reduction | opportunity enablement",
                _ => "job size",
            };
            format!(
                "calibration: no item scores 1 for {name} among the {scored} scored (lowest: {lowest}); give the smallest item 1"
            )
        }
        Calibration::OffScale { item, input, value } => format!(
            "{}: wsjf.{input} {value} is off the scale {}",
            item.id().unwrap_or("?"),
            scale_text(scale)
        ),
    }
}
