//! WSJF in one place: the four inputs as written, the score they make (cost of delay over job
//! size, kept as an exact fraction), and the check of the inputs against the configured scale.

use std::cmp::Ordering;

use super::{Item, Spanned};
use crate::parse::yaml::Pos;

/// The four WSJF inputs; each may be absent (and then `wsjf-incomplete` says so).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Wsjf {
    pub pos: Pos,
    pub business_value: Option<Spanned<i64>>,
    pub time_criticality: Option<Spanned<i64>>,
    pub risk_reduction: Option<Spanned<i64>>,
    pub job_size: Option<Spanned<i64>>,
}

impl Wsjf {
    pub const KEYS: [&'static str; 4] = [
        "business_value",
        "time_criticality",
        "risk_reduction",
        "job_size",
    ];

    pub fn inputs(&self) -> [(&'static str, Option<&Spanned<i64>>); 4] {
        [
            (Self::KEYS[0], self.business_value.as_ref()),
            (Self::KEYS[1], self.time_criticality.as_ref()),
            (Self::KEYS[2], self.risk_reduction.as_ref()),
            (Self::KEYS[3], self.job_size.as_ref()),
        ]
    }

    /// The four inputs in the order of [`Wsjf::KEYS`], each as far as it is given.
    pub fn values(&self) -> [Option<i64>; 4] {
        self.inputs().map(|(_, v)| v.map(|v| v.value))
    }

    /// (business value, time criticality, risk reduction, job size) when all four are present.
    pub fn complete(&self) -> Option<[i64; 4]> {
        Some([
            self.business_value.as_ref()?.value,
            self.time_criticality.as_ref()?.value,
            self.risk_reduction.as_ref()?.value,
            self.job_size.as_ref()?.value,
        ])
    }
}

impl Wsjf {
    /// The inputs that are given but not on `scale`, in input order.
    pub fn off_scale<'a>(
        &'a self,
        scale: &'a [i64],
    ) -> impl Iterator<Item = (&'static str, &'a Spanned<i64>)> + 'a {
        self.inputs()
            .into_iter()
            .filter_map(|(key, value)| Some((key, value?)))
            .filter(|(_, v)| !scale.contains(&v.value))
    }
}

/// A scale as messages show it: `1 2 3 5 8 13 20`.
pub fn scale_text(scale: &[i64]) -> String {
    scale
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A complete WSJF score, kept as the exact fraction cost of delay / job size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    pub business_value: i64,
    pub time_criticality: i64,
    pub risk_reduction: i64,
    pub job_size: i64,
}

impl Score {
    pub fn of(item: &Item) -> Option<Score> {
        let [bv, tc, rr, js] = item.wsjf.as_ref()?.complete()?;
        (js > 0).then_some(Score {
            business_value: bv,
            time_criticality: tc,
            risk_reduction: rr,
            job_size: js,
        })
    }

    /// The inputs in the order of [`Wsjf::KEYS`].
    pub fn inputs(&self) -> [i64; 4] {
        [
            self.business_value,
            self.time_criticality,
            self.risk_reduction,
            self.job_size,
        ]
    }

    pub fn cost_of_delay(&self) -> i64 {
        self.business_value + self.time_criticality + self.risk_reduction
    }

    /// For display and JSON only; ordering uses [`Score::cmp_wsjf`].
    pub fn wsjf(&self) -> f64 {
        self.cost_of_delay() as f64 / self.job_size as f64
    }

    /// Compares a/b with c/d as a*d against c*b, exactly (no rounding, no floating point).
    pub fn cmp_wsjf(&self, other: &Score) -> Ordering {
        let left = i128::from(self.cost_of_delay()) * i128::from(other.job_size);
        let right = i128::from(other.cost_of_delay()) * i128::from(self.job_size);
        left.cmp(&right)
    }
}
