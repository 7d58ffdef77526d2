//! WSJF ranking (portfolio and ART levels) and the Product Owner's order (team level).

use std::cmp::Ordering;

use crate::model::{Item, natural_cmp};

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

#[derive(Debug, Clone)]
pub struct Ranked<'a> {
    /// 1-based position.
    pub rank: usize,
    pub item: &'a Item,
    /// `None`: no complete WSJF (ranked after every scored item), or a team-level ranking.
    pub score: Option<Score>,
}

fn by_id(a: &Item, b: &Item) -> Ordering {
    natural_cmp(a.id().unwrap_or(""), b.id().unwrap_or("")).then_with(|| a.path.cmp(&b.path))
}

/// Highest WSJF first; equal scores by id in natural order (any order of equals gives the same total
/// cost of delay, so a stable one is right); unscored items last, by id.
pub fn by_wsjf<'a>(items: impl IntoIterator<Item = &'a Item>) -> Vec<Ranked<'a>> {
    let mut scored: Vec<(&Item, Option<Score>)> =
        items.into_iter().map(|i| (i, Score::of(i))).collect();
    scored.sort_by(|(a, sa), (b, sb)| match (sa, sb) {
        (Some(x), Some(y)) => y.cmp_wsjf(x).then_with(|| by_id(a, b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => by_id(a, b),
    });
    number(scored)
}

/// The Product Owner's order: the `rank` field (lower first), then id; items without a rank after.
pub fn by_rank<'a>(items: impl IntoIterator<Item = &'a Item>) -> Vec<Ranked<'a>> {
    let mut items: Vec<&Item> = items.into_iter().collect();
    items.sort_by(|a, b| {
        let (ra, rb) = (
            a.rank.as_ref().map(|r| r.value),
            b.rank.as_ref().map(|r| r.value),
        );
        match (ra, rb) {
            (Some(x), Some(y)) => x.cmp(&y).then_with(|| by_id(a, b)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => by_id(a, b),
        }
    });
    number(items.into_iter().map(|i| (i, None)).collect())
}

fn number(items: Vec<(&Item, Option<Score>)>) -> Vec<Ranked<'_>> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, (item, score))| Ranked {
            rank: i + 1,
            item,
            score,
        })
        .collect()
}
