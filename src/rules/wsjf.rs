//! WSJF inputs and story points on their scales.

use super::at;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::{Backlog, ItemType, scale_text};

pub fn check(backlog: &Backlog, config: &Config, out: &mut Vec<Diagnostic>) {
    for item in backlog.iter() {
        if let Some(w) = &item.wsjf {
            for (key, v) in w.off_scale(&config.wsjf_scale) {
                out.push(
                    at(
                        Rule::WsjfScale,
                        item,
                        v.pos,
                        format!(
                            "wsjf.{key} is {}, off the scale {}",
                            v.value,
                            scale_text(&config.wsjf_scale)
                        ),
                    )
                    .width(v.value.to_string().len())
                    .help(format!(
                        "use the nearest value of the scale{}",
                        nearest(&config.wsjf_scale, v.value as f64)
                            .map_or(String::new(), |n| format!(" ({n})"))
                    )),
                );
            }
            let missing: Vec<&str> = w
                .inputs()
                .into_iter()
                .filter(|(_, v)| v.is_none())
                .map(|(key, _)| key)
                .collect();
            // Where the state requires a score, `wsjf-missing` says what it lacks.
            let required = match (item.kind().and_then(|k| config.workflow(k)), item.state) {
                (Some(w), Some(state)) => w.requires(crate::config::Content::Wsjf, state),
                _ => false,
            };
            if !missing.is_empty() && !required {
                out.push(
                    at(
                        Rule::WsjfIncomplete,
                        item,
                        w.pos,
                        format!("WSJF lacks {}", missing.join(", ")),
                    )
                    .help("score all four inputs: business_value, time_criticality, risk_reduction, job_size"),
                );
            }
        }
        if item.kind() == Some(ItemType::Story)
            && let Some(points) = &item.points
        {
            let on_scale =
                points.value.fract() == 0.0 && config.points_scale.contains(&(points.value as i64));
            // Zero points is a common, deliberate "no effort" marker.
            if !on_scale && points.value != 0.0 {
                out.push(
                    at(
                        Rule::PointsScale,
                        item,
                        points.pos,
                        format!(
                            "{} story points is off the scale {}",
                            points.value,
                            scale_text(&config.points_scale)
                        ),
                    )
                    .width(points.value.to_string().len()),
                );
            }
        }
    }
}

fn nearest(scale: &[i64], value: f64) -> Option<i64> {
    scale.iter().copied().min_by(|a, b| {
        (*a as f64 - value)
            .abs()
            .total_cmp(&(*b as f64 - value).abs())
    })
}
