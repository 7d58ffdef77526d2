//! Predictability across PIs (`popm report`'s PI pages): per PI, the business value of its
//! objectives for the whole ART and per team, as SAFe's predictability measure reads it.

use super::plan::{self, BusinessValue};
use crate::model::{Backlog, Item, ItemType, natural_cmp};

#[derive(Debug)]
pub struct PiPredictability<'a> {
    pub pi: &'a Item,
    /// Over every objective of the PI.
    pub art: BusinessValue,
    /// Per team named by an objective, by team name; objectives without a team count for the
    /// ART only.
    pub teams: Vec<(String, BusinessValue)>,
}

/// Actual over planned business value; `None` when no committed objective has been scored.
pub fn ratio(value: &BusinessValue) -> Option<f64> {
    (value.planned > 0).then(|| value.actual as f64 / value.planned as f64)
}

/// Every PI with objectives, by first day (undated ones last), then by id.
pub fn across(backlog: &Backlog) -> Vec<PiPredictability<'_>> {
    let mut pis: Vec<(&Item, Option<jiff::civil::Date>)> = backlog
        .of_type(ItemType::Pi)
        .filter_map(|pi| {
            let fields = pi.pi_fields.as_deref()?;
            (!fields.objectives.is_empty()).then(|| (pi, fields.dates().map(|d| d.0)))
        })
        .collect();
    pis.sort_by(|a, b| {
        match (a.1, b.1) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| natural_cmp(a.0.id().unwrap_or(""), b.0.id().unwrap_or("")))
    });
    pis.into_iter()
        .map(|(pi, _)| {
            let objectives = pi
                .pi_fields
                .as_deref()
                .map_or(&[][..], |f| &f.objectives[..]);
            let mut names: Vec<&str> = objectives
                .iter()
                .filter_map(|o| o.team.as_deref())
                .collect();
            names.sort_by(|a, b| natural_cmp(a, b));
            names.dedup();
            let teams = names
                .into_iter()
                .map(|team| {
                    let mine = objectives
                        .iter()
                        .filter(|o| o.team.as_deref() == Some(team));
                    (team.to_string(), plan::business_value(mine))
                })
                .collect();
            PiPredictability {
                pi,
                art: plan::business_value(objectives),
                teams,
            }
        })
        .collect()
}
