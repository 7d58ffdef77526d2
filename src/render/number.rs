//! Every way popm writes a number for people or for JSON, in one place: points, WSJF scores, days,
//! percentages. Each function names the rounding it does, so two outputs that show the same value
//! show it the same way.

use crate::model::Score;

/// A number as it was written: `5`, `2.5`, `0.1` (whole numbers without a fraction, others with every
/// digit they have).
pub fn exact(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// [`exact`] with a `+` in front of a positive value: a change, `+5`, `-3`, `0`.
pub fn signed(v: f64) -> String {
    let n = exact(v);
    if v > 0.0 { format!("+{n}") } else { n }
}

/// Points for people, exact so that rows add up to their totals: whole numbers without a fraction
/// (`21`), a value with up to three decimals with all of them (an estimate of 33 split over four
/// iterations is `8.25`, not `8.2`), another fraction with a denominator up to 100 as one (`10/3`),
/// anything else to two decimals.
pub fn points(v: f64) -> String {
    const CLOSE: f64 = 1e-9;
    if (v - v.round()).abs() < CLOSE {
        return format!("{}", v.round() as i64);
    }
    for decimals in 1..=3usize {
        let scaled = v * 10f64.powi(decimals as i32);
        if (scaled - scaled.round()).abs() < CLOSE * scaled.abs().max(1.0) {
            return format!("{v:.decimals$}");
        }
    }
    for denominator in 2..=100i64 {
        let scaled = v * denominator as f64;
        if (scaled - scaled.round()).abs() < CLOSE * scaled.abs().max(1.0) {
            return format!("{}/{denominator}", scaled.round() as i64);
        }
    }
    format!("{v:.2}")
}

/// One decimal, halves rounded away from zero (3.25 shows as 3.3, where `{:.1}` alone would round
/// the binary value down to 3.2).
pub fn one_decimal(v: f64) -> String {
    format!("{:.1}", (v * 10.0).round() / 10.0)
}

/// A ratio as a whole percentage, no space: `0.916` shows as `92%` (flow metrics).
pub fn percent(ratio: f64) -> String {
    format!("{:.0}%", ratio * 100.0)
}

/// A value already in percent, whole, with a space before the sign: `92 %` (PI readiness).
pub fn percent_spaced(percent: f64) -> String {
    format!("{percent:.0} %")
}

/// A WSJF score to two decimals, rounded half up exactly on the fraction (21/8 = 2.625 shows as
/// 2.63; a float formatter would round the binary value and give 2.62).
pub fn wsjf(score: &Score) -> String {
    let (n, d) = (
        i128::from(score.cost_of_delay()),
        i128::from(score.job_size),
    );
    let hundredths = (n * 200 + d) / (2 * d);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// [`wsjf`], or `-` without a complete score.
pub fn wsjf_or_dash(score: Option<Score>) -> String {
    score.map_or("-".into(), |s| wsjf(&s))
}

/// JSON: a whole number without a fraction (`5`, not `5.0`), as people wrote it; `null` when absent.
pub fn json_optional<S: serde::Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => s.serialize_i64(*v as i64),
        Some(v) => s.serialize_f64(*v),
        None => s.serialize_none(),
    }
}

/// [`json_optional`] for a value that is always there.
pub fn json<S: serde::Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
    json_optional(&Some(*value), s)
}

/// [`json`] for every value of a list.
pub fn json_list<S: serde::Serializer>(values: &[f64], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(values.len()))?;
    for v in values {
        match v {
            v if v.fract() == 0.0 && v.abs() < 1e15 => seq.serialize_element(&(*v as i64))?,
            v => seq.serialize_element(v)?,
        }
    }
    seq.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rounding_as_documented() {
        assert_eq!(exact(5.0), "5");
        assert_eq!(exact(2.5), "2.5");
        assert_eq!(exact(1e15), "1000000000000000");
        assert_eq!(signed(5.0), "+5");
        assert_eq!(signed(-3.0), "-3");
        assert_eq!(signed(0.0), "0");
        assert_eq!(points(21.0), "21");
        assert_eq!(points(4.000_000_000_01), "4");
        // Issue 14: split estimates beside a total of 45 show what adds up to it.
        assert_eq!(points(8.25), "8.25");
        assert_eq!(points(19.25), "19.25");
        assert_eq!(points(45.0), "45");
        assert_eq!(points(2.5), "2.5");
        assert_eq!(points(0.125), "0.125");
        assert_eq!(points(10.0 / 3.0), "10/3");
        assert_eq!(points(-7.0 / 6.0), "-7/6");
        assert_eq!(points(std::f64::consts::PI), "3.14");
        assert_eq!(one_decimal(3.25), "3.3");
        assert_eq!(one_decimal(-3.25), "-3.3");
        assert_eq!(percent(0.916), "92%");
        assert_eq!(percent_spaced(91.6), "92 %");
        let score = |bv, tc, rr, js| Score {
            business_value: bv,
            time_criticality: tc,
            risk_reduction: rr,
            job_size: js,
        };
        // 21/8 = 2.625 exactly: half up gives 2.63.
        assert_eq!(wsjf(&score(8, 8, 5, 8)), "2.63");
        assert_eq!(wsjf(&score(13, 8, 5, 8)), "3.25");
        assert_eq!(wsjf_or_dash(None), "-");
    }
}
