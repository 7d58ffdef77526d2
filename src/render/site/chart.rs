//! The site's charts as inline SVG, written by hand: a stacked area (the cumulative flow
//! diagram), a histogram (flow time distribution) and grouped bars (capacity against load).
//!
//! Hand-written because the charts are few and simple, and a page must be the same bytes for
//! the same backlog: no font library measures text (labels are placed by rule, the browser draws
//! them), every coordinate is written with one rounding rule ([`coord`]) and every label through
//! `render::number`. Colour is never the only signal: every series is named in a legend, every bar
//! and band carries its number as text, and the series of grouped bars differ in outline too.
//! Every text from the backlog is escaped here ([`escape`]), so the returned SVG may be put in a
//! page as it is.

use std::fmt::Write as _;

use crate::render::number;

/// Text for an SVG or HTML text node or a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A coordinate: rounded to a tenth of a pixel, without a trailing `.0`, never `-0`. One rule
/// for every coordinate, so the same chart is the same bytes.
pub fn coord(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        let sign = if tenths < 0 { "-" } else { "" };
        let t = tenths.abs();
        format!("{sign}{}.{}", t / 10, t % 10)
    }
}

/// Fills for series, told apart in the legend by name, not by colour alone.
const PALETTE: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f",
];

fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// Steps of the value axis: round numbers (1, 2 or 5 times a power of ten) from 0 to at least
/// `max`, about five of them; whole numbers only when `whole` (counts).
pub fn ticks(max: f64, whole: bool) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    if whole {
        step = step.max(1.0).round();
    }
    let count = (max / step).ceil() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// The plot area inside an SVG: where values go, and the room left for labels around it.
struct Frame {
    width: f64,
    height: f64,
    left: f64,
    top: f64,
    plot_width: f64,
    plot_height: f64,
    top_value: f64,
}

impl Frame {
    fn new(width: f64, height: f64, margins: [f64; 4], top_value: f64) -> Frame {
        let [top, right, bottom, left] = margins;
        Frame {
            width,
            height,
            left,
            top,
            plot_width: width - left - right,
            plot_height: height - top - bottom,
            top_value: if top_value > 0.0 { top_value } else { 1.0 },
        }
    }

    fn y(&self, value: f64) -> f64 {
        self.top + self.plot_height * (1.0 - value / self.top_value)
    }

    fn bottom(&self) -> f64 {
        self.top + self.plot_height
    }

    fn open(&self, out: &mut String, kind: &str, title: &str) {
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"{kind}\" \
             viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" \
             aria-label=\"{t}\" font-family=\"sans-serif\" font-size=\"11\">\
             <title>{t}</title>",
            w = coord(self.width),
            h = coord(self.height),
            t = escape(title),
        );
    }

    /// The value axis with its grid lines, and its name written along it.
    fn value_axis(&self, out: &mut String, ticks: &[f64], name: &str) {
        for t in ticks {
            let y = coord(self.y(*t));
            let _ = write!(
                out,
                "<line class=\"grid\" x1=\"{l}\" x2=\"{r}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#ddd\"/>\
                 <text x=\"{tx}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\">{v}</text>",
                l = coord(self.left),
                r = coord(self.left + self.plot_width),
                tx = coord(self.left - 4.0),
                v = number::points(*t),
            );
        }
        let _ = write!(
            out,
            "<line class=\"axis\" x1=\"{l}\" x2=\"{l}\" y1=\"{t}\" y2=\"{b}\" stroke=\"#333\"/>\
             <line class=\"axis\" x1=\"{l}\" x2=\"{r}\" y1=\"{b}\" y2=\"{b}\" stroke=\"#333\"/>\
             <text class=\"axis-name\" x=\"12\" y=\"{m}\" text-anchor=\"middle\" \
             transform=\"rotate(-90 12 {m})\">{n}</text>",
            l = coord(self.left),
            r = coord(self.left + self.plot_width),
            t = coord(self.top),
            b = coord(self.bottom()),
            m = coord(self.top + self.plot_height / 2.0),
            n = escape(name),
        );
    }

    /// The name of the category axis, centred under it.
    fn category_axis_name(&self, out: &mut String, name: &str) {
        let _ = write!(
            out,
            "<text class=\"axis-name\" x=\"{x}\" y=\"{y}\" text-anchor=\"middle\">{n}</text>",
            x = coord(self.left + self.plot_width / 2.0),
            y = coord(self.height - 4.0),
            n = escape(name),
        );
    }

    fn empty(&self, out: &mut String, message: &str) {
        let _ = write!(
            out,
            "<text class=\"empty\" x=\"{x}\" y=\"{y}\" text-anchor=\"middle\">{m}</text>",
            x = coord(self.left + self.plot_width / 2.0),
            y = coord(self.top + self.plot_height / 2.0),
            m = escape(message),
        );
    }
}

/// One legend entry per series, in a column right of the plot: a swatch drawn like the series
/// and its name (with a value, when given).
fn legend(out: &mut String, frame: &Frame, entries: &[(String, String, String)]) {
    let x = frame.left + frame.plot_width + 12.0;
    for (i, (name, swatch_style, value)) in entries.iter().enumerate() {
        let y = frame.top + 16.0 * i as f64;
        let _ = write!(
            out,
            "<g class=\"legend\" data-series=\"{n}\"><rect x=\"{x}\" y=\"{y}\" width=\"10\" height=\"10\" {swatch_style}/>\
             <text x=\"{tx}\" y=\"{ty}\" dominant-baseline=\"middle\">{n}{v}</text></g>",
            n = escape(name),
            x = coord(x),
            y = coord(y),
            tx = coord(x + 14.0),
            ty = coord(y + 5.0),
            v = if value.is_empty() {
                String::new()
            } else {
                format!(" ({})", escape(value))
            },
        );
    }
}

/// Category labels under the plot: at most `max_labels` of them, evenly spread, the first and the
/// last always shown (so a long run of days stays readable).
fn shown_labels(count: usize, max_labels: usize) -> Vec<usize> {
    if count <= max_labels || max_labels < 2 {
        return (0..count).collect();
    }
    let every = (count - 1).div_ceil(max_labels - 1);
    let mut shown: Vec<usize> = (0..count).step_by(every).collect();
    if shown.last() != Some(&(count - 1)) {
        // The last label replaces one that would sit too close to it.
        if shown.len() > 1 && count - 1 - shown[shown.len() - 1] < every / 2 {
            shown.pop();
        }
        shown.push(count - 1);
    }
    shown
}

/// A series of a stacked area: its name and one value per point of the category axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub name: String,
    pub values: Vec<f64>,
}

/// A stacked area chart (the cumulative flow diagram): `bands` from the bottom up, one value per
/// label of `x_labels`.
#[derive(Debug, Clone, PartialEq)]
pub struct StackedArea {
    pub title: String,
    pub x_name: String,
    pub y_name: String,
    pub x_labels: Vec<String>,
    pub bands: Vec<Band>,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0;
/// Top, right (the legend), bottom (labels and the axis name), left (tick values, axis name).
const MARGINS: [f64; 4] = [12.0, 170.0, 44.0, 52.0];

/// The stacked area as SVG. Each band is a polygon with `data-series`, its count on the last
/// point written inside it when there is room, and its name and last count in the legend (top
/// band first, as they are stacked).
pub fn stacked_area(chart: &StackedArea) -> String {
    let points = chart.x_labels.len();
    let totals: Vec<f64> = (0..points)
        .map(|i| chart.bands.iter().map(|b| value_at(b, i)).sum())
        .collect();
    let top = totals.iter().copied().fold(0.0, f64::max);
    let ticks = ticks(top, true);
    let frame = Frame::new(WIDTH, HEIGHT, MARGINS, *ticks.last().unwrap_or(&1.0));
    let mut out = String::new();
    frame.open(&mut out, "stacked-area", &chart.title);
    frame.value_axis(&mut out, &ticks, &chart.y_name);
    frame.category_axis_name(&mut out, &chart.x_name);
    if points == 0 || chart.bands.is_empty() {
        frame.empty(&mut out, "no data");
        out.push_str("</svg>");
        return out;
    }
    // One point spreads over the whole width; more are spaced evenly from edge to edge.
    let x = |i: usize| -> f64 {
        if points == 1 {
            frame.left + frame.plot_width * i as f64
        } else {
            frame.left + frame.plot_width * i as f64 / (points - 1) as f64
        }
    };
    let xs: Vec<usize> = if points == 1 {
        vec![0, 1]
    } else {
        (0..points).collect()
    };
    let mut below = vec![0.0; points];
    for (index, band) in chart.bands.iter().enumerate() {
        let above: Vec<f64> = (0..points).map(|i| below[i] + value_at(band, i)).collect();
        let at = |edge: &[f64], i: usize| edge[i.min(points - 1)];
        let mut path = String::new();
        for &i in &xs {
            let _ = write!(path, "{},{} ", coord(x(i)), coord(frame.y(at(&above, i))));
        }
        for &i in xs.iter().rev() {
            let _ = write!(path, "{},{} ", coord(x(i)), coord(frame.y(at(&below, i))));
        }
        let last = value_at(band, points - 1);
        let _ = write!(
            out,
            "<polygon class=\"band\" data-series=\"{n}\" points=\"{p}\" fill=\"{c}\" \
             stroke=\"#fff\" stroke-width=\"0.5\"><title>{n}: {v} on the last day</title></polygon>",
            n = escape(&band.name),
            p = path.trim_end(),
            c = colour(index),
            v = number::points(last),
        );
        let thickness = frame.y(below[points - 1]) - frame.y(above[points - 1]);
        if thickness >= 12.0 {
            let _ = write!(
                out,
                "<text class=\"band-label\" x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\" \
                 dominant-baseline=\"middle\">{n} {v}</text>",
                tx = coord(frame.left + frame.plot_width - 4.0),
                ty = coord(frame.y((above[points - 1] + below[points - 1]) / 2.0)),
                n = escape(&band.name),
                v = number::points(last),
            );
        }
        below = above;
    }
    for i in shown_labels(points, 8) {
        let _ = write!(
            out,
            "<text class=\"x-label\" x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\">{l}</text>",
            tx = coord(x(i)),
            ty = coord(frame.bottom() + 14.0),
            l = escape(&chart.x_labels[i]),
        );
    }
    let entries: Vec<(String, String, String)> = chart
        .bands
        .iter()
        .enumerate()
        .rev()
        .map(|(i, b)| {
            let last = number::points(value_at(b, points - 1));
            (b.name.clone(), format!("fill=\"{}\"", colour(i)), last)
        })
        .collect();
    legend(&mut out, &frame, &entries);
    out.push_str("</svg>");
    out
}

fn value_at(band: &Band, i: usize) -> f64 {
    band.values
        .get(i)
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0)
        .unwrap_or(0.0)
}

/// One bar of a histogram: the label of its bin and the count in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub title: String,
    pub x_name: String,
    pub y_name: String,
    pub bins: Vec<Bin>,
}

/// The histogram as SVG: one bar per bin with `data-bin`, its count written above it and its
/// label under it.
pub fn histogram(chart: &Histogram) -> String {
    let top = chart.bins.iter().map(|b| b.count).max().unwrap_or(0) as f64;
    let ticks = ticks(top, true);
    let frame = Frame::new(
        WIDTH,
        HEIGHT,
        [18.0, 20.0, 44.0, 52.0],
        *ticks.last().unwrap_or(&1.0),
    );
    let mut out = String::new();
    frame.open(&mut out, "histogram", &chart.title);
    frame.value_axis(&mut out, &ticks, &chart.y_name);
    frame.category_axis_name(&mut out, &chart.x_name);
    if chart.bins.is_empty() {
        frame.empty(&mut out, "no data");
        out.push_str("</svg>");
        return out;
    }
    let slot = frame.plot_width / chart.bins.len() as f64;
    let bar = (slot * 0.8).max(1.0);
    for (i, bin) in chart.bins.iter().enumerate() {
        let x = frame.left + slot * i as f64 + (slot - bar) / 2.0;
        let y = frame.y(bin.count as f64);
        let _ = write!(
            out,
            "<g class=\"bin\" data-bin=\"{l}\" data-count=\"{c}\">\
             <rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{f}\"><title>{l}: {c}</title></rect>\
             <text x=\"{cx}\" y=\"{ty}\" text-anchor=\"middle\">{c}</text>\
             <text class=\"x-label\" x=\"{cx}\" y=\"{ly}\" text-anchor=\"middle\">{l}</text></g>",
            l = escape(&bin.label),
            c = bin.count,
            x = coord(x),
            y = coord(y),
            w = coord(bar),
            h = coord(frame.bottom() - y),
            f = colour(0),
            cx = coord(x + bar / 2.0),
            ty = coord(y - 4.0),
            ly = coord(frame.bottom() + 14.0),
        );
    }
    out.push_str("</svg>");
    out
}

/// How a series of grouped bars is drawn: the shapes differ, not only their colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarStyle {
    /// A light box with a dashed outline (a limit, such as capacity).
    Outline,
    /// A filled bar (an amount, such as load).
    Solid,
}

impl BarStyle {
    fn attributes(self, index: usize) -> String {
        match self {
            BarStyle::Outline => format!(
                "fill=\"#f4f4f4\" stroke=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"4 2\"",
                colour(index)
            ),
            BarStyle::Solid => format!("fill=\"{}\"", colour(index)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub style: BarStyle,
}

/// One group of bars: its label, one value per series (`None`: no bar, written as `-`), and a
/// note under the label (such as `over by 3`) that says in words what the bars show.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub label: String,
    pub values: Vec<Option<f64>>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupedBars {
    pub title: String,
    pub x_name: String,
    pub y_name: String,
    pub series: Vec<Series>,
    pub groups: Vec<Group>,
}

/// Grouped bars as SVG: per group one bar per series side by side, each with `data-series` and
/// `data-value` and its value written above it; the group's label and note under it.
pub fn grouped_bars(chart: &GroupedBars) -> String {
    let top = chart
        .groups
        .iter()
        .flat_map(|g| g.values.iter().flatten())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let ticks = ticks(top, false);
    let frame = Frame::new(
        WIDTH,
        HEIGHT,
        [18.0, 130.0, 58.0, 52.0],
        *ticks.last().unwrap_or(&1.0),
    );
    let mut out = String::new();
    frame.open(&mut out, "grouped-bars", &chart.title);
    frame.value_axis(&mut out, &ticks, &chart.y_name);
    frame.category_axis_name(&mut out, &chart.x_name);
    if chart.groups.is_empty() || chart.series.is_empty() {
        frame.empty(&mut out, "no data");
        out.push_str("</svg>");
        return out;
    }
    let slot = frame.plot_width / chart.groups.len() as f64;
    let bar = (slot * 0.8 / chart.series.len() as f64).max(1.0);
    for (g, group) in chart.groups.iter().enumerate() {
        let start = frame.left + slot * g as f64 + slot * 0.1;
        let _ = write!(
            out,
            "<g class=\"group\" data-group=\"{}\">",
            escape(&group.label)
        );
        for (s, series) in chart.series.iter().enumerate() {
            let x = start + bar * s as f64;
            let value = group
                .values
                .get(s)
                .copied()
                .flatten()
                .filter(|v| v.is_finite());
            let shown = value.map_or("-".to_string(), number::points);
            let height_value = value.unwrap_or(0.0).max(0.0);
            let y = frame.y(height_value);
            let _ = write!(
                out,
                "<g class=\"bar\" data-series=\"{n}\" data-value=\"{v}\">\
                 <rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" {a}><title>{l}, {n}: {v}</title></rect>\
                 <text x=\"{cx}\" y=\"{ty}\" text-anchor=\"middle\">{v}</text></g>",
                n = escape(&series.name),
                v = shown,
                x = coord(x),
                y = coord(y),
                w = coord(bar),
                h = coord(frame.bottom() - y),
                a = series.style.attributes(s),
                l = escape(&group.label),
                cx = coord(x + bar / 2.0),
                ty = coord(y - 4.0),
            );
        }
        let centre = coord(frame.left + slot * (g as f64 + 0.5));
        let _ = write!(
            out,
            "<text class=\"x-label\" x=\"{centre}\" y=\"{y}\" text-anchor=\"middle\">{l}</text>",
            y = coord(frame.bottom() + 14.0),
            l = escape(&group.label),
        );
        if let Some(note) = &group.note {
            let _ = write!(
                out,
                "<text class=\"note\" x=\"{centre}\" y=\"{y}\" text-anchor=\"middle\" \
                 font-weight=\"bold\">{n}</text>",
                y = coord(frame.bottom() + 28.0),
                n = escape(note),
            );
        }
        out.push_str("</g>");
    }
    let entries: Vec<(String, String, String)> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), s.style.attributes(i), String::new()))
        .collect();
    legend(&mut out, &frame, &entries);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_have_one_rounding_rule() {
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(12.25), "12.3");
        assert_eq!(coord(-0.04), "0");
        assert_eq!(coord(-1.25), "-1.3");
        assert_eq!(coord(0.05), "0.1");
        assert_eq!(coord(199.99), "200");
    }

    #[test]
    fn ticks_are_round_steps_from_zero_past_the_maximum() {
        assert_eq!(ticks(12.0, true), vec![0.0, 5.0, 10.0, 15.0]);
        assert_eq!(ticks(3.0, true), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(ticks(40.0, false), vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        assert_eq!(ticks(2.0, false), vec![0.0, 0.5, 1.0, 1.5, 2.0]);
        assert_eq!(ticks(0.0, true), vec![0.0, 1.0]);
        assert_eq!(ticks(f64::NAN, true), vec![0.0, 1.0]);
    }

    #[test]
    fn at_most_so_many_category_labels_first_and_last_always() {
        assert_eq!(shown_labels(5, 8), vec![0, 1, 2, 3, 4]);
        assert_eq!(shown_labels(15, 8), vec![0, 2, 4, 6, 8, 10, 12, 14]);
        assert_eq!(shown_labels(30, 8), vec![0, 5, 10, 15, 20, 25, 29]);
        assert_eq!(shown_labels(0, 8), Vec::<usize>::new());
    }

    #[test]
    fn text_from_the_backlog_is_escaped_everywhere_it_appears() {
        let hostile = "<script>alert('x')</script>&\"";
        let safe = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;";
        let area = stacked_area(&StackedArea {
            title: hostile.into(),
            x_name: hostile.into(),
            y_name: hostile.into(),
            x_labels: vec![hostile.into()],
            bands: vec![Band {
                name: hostile.into(),
                values: vec![20.0],
            }],
        });
        let bars = grouped_bars(&GroupedBars {
            title: hostile.into(),
            x_name: hostile.into(),
            y_name: hostile.into(),
            series: vec![Series {
                name: hostile.into(),
                style: BarStyle::Solid,
            }],
            groups: vec![Group {
                label: hostile.into(),
                values: vec![Some(1.0)],
                note: Some(hostile.into()),
            }],
        });
        let hist = histogram(&Histogram {
            title: hostile.into(),
            x_name: hostile.into(),
            y_name: hostile.into(),
            bins: vec![Bin {
                label: hostile.into(),
                count: 1,
            }],
        });
        for svg in [area, bars, hist] {
            assert!(!svg.contains("<script"), "{svg}");
            assert!(!svg.contains("'x'"), "{svg}");
            assert!(svg.contains(safe), "{svg}");
        }
    }

    fn cfd() -> StackedArea {
        StackedArea {
            title: "Cumulative flow".into(),
            x_name: "day".into(),
            y_name: "features".into(),
            x_labels: vec![
                "2026-01-01".into(),
                "2026-01-02".into(),
                "2026-01-03".into(),
            ],
            bands: vec![
                Band {
                    name: "done".into(),
                    values: vec![0.0, 1.0, 2.0],
                },
                Band {
                    name: "implementing".into(),
                    values: vec![1.0, 2.0, 1.0],
                },
                Band {
                    name: "funnel".into(),
                    values: vec![3.0, 1.0, 2.0],
                },
            ],
        }
    }

    #[test]
    fn stacked_bands_sit_on_each_other_at_hand_computed_heights() {
        // Totals 4, 4, 5: the axis runs 0..5 in steps of 1. The plot is 720 - 170 - 52 = 498 wide
        // and 300 - 12 - 44 = 244 high, from x 52 and y 12, so a count is 48.8 px and the bottom
        // is at y 256. "implementing" lies on "done": at day 1 from 0 to 1 (y 256 to 207.2), at
        // day 2 from 1 to 3 (207.2 to 109.6), at day 3 from 2 to 3 (158.4 to 109.6); days at
        // x 52, 301, 550.
        let svg = stacked_area(&cfd());
        assert!(
            svg.contains(
                "<polygon class=\"band\" data-series=\"implementing\" \
                 points=\"52,207.2 301,109.6 550,109.6 550,158.4 301,207.2 52,256\""
            ),
            "{svg}"
        );
        // The top band reaches the totals 4, 4, 5.
        assert!(
            svg.contains("points=\"52,60.8 301,60.8 550,12 550,109.6 301,109.6 52,207.2\""),
            "{svg}"
        );
        // Counts on the last day inside bands thick enough (48.8 px each), and in the legend, top
        // band first.
        assert!(svg.contains(">funnel 2</text>"), "{svg}");
        assert!(svg.contains(">implementing 1</text>"), "{svg}");
        let at = |name: &str| {
            svg.find(&format!("<g class=\"legend\" data-series=\"{name}\""))
                .unwrap()
        };
        assert!(
            at("funnel") < at("implementing") && at("implementing") < at("done"),
            "{svg}"
        );
        assert!(svg.contains(">funnel (2)</text>"), "{svg}");
        assert!(svg.contains(">done (2)</text>"), "{svg}");
    }

    #[test]
    fn one_day_spreads_over_the_width_and_no_day_says_so() {
        let mut one = cfd();
        one.x_labels.truncate(1);
        let svg = stacked_area(&one);
        // Total 4 on the only day: the axis runs 0..4 (61 px a count); "funnel" lies from 1 to 4
        // (y 195 to 12) across the whole plot.
        assert!(
            svg.contains("data-series=\"funnel\" points=\"52,12 550,12 550,195 52,195\""),
            "{svg}"
        );
        let mut none = cfd();
        none.x_labels.clear();
        assert!(stacked_area(&none).contains(">no data</text>"));
    }

    #[test]
    fn a_histogram_writes_each_count_and_bin_label() {
        let svg = histogram(&Histogram {
            title: "Flow time".into(),
            x_name: "days".into(),
            y_name: "features".into(),
            bins: vec![
                Bin {
                    label: "0-5".into(),
                    count: 3,
                },
                Bin {
                    label: "5-10".into(),
                    count: 0,
                },
                Bin {
                    label: "10-15".into(),
                    count: 1,
                },
            ],
        });
        // Axis 0..3; plot 720 - 20 - 52 = 648 wide, 300 - 18 - 44 = 238 high: slots of 216 px,
        // bars 172.8 wide starting 21.6 into their slot; 3 reaches the top (y 18), 1 is at
        // 256 - 238/3 = 176.7.
        assert!(svg.contains(
            "<g class=\"bin\" data-bin=\"0-5\" data-count=\"3\"><rect x=\"73.6\" y=\"18\" width=\"172.8\" height=\"238\""
        ), "{svg}");
        assert!(svg.contains(
            "<g class=\"bin\" data-bin=\"10-15\" data-count=\"1\"><rect x=\"505.6\" y=\"176.7\" width=\"172.8\" height=\"79.3\""
        ), "{svg}");
        assert!(svg.contains(">5-10</text>"), "{svg}");
    }

    #[test]
    fn grouped_bars_show_values_a_missing_one_as_a_dash_and_the_note() {
        let svg = grouped_bars(&GroupedBars {
            title: "Capacity and load".into(),
            x_name: "iteration".into(),
            y_name: "points".into(),
            series: vec![
                Series {
                    name: "capacity".into(),
                    style: BarStyle::Outline,
                },
                Series {
                    name: "load".into(),
                    style: BarStyle::Solid,
                },
            ],
            groups: vec![
                Group {
                    label: "1".into(),
                    values: vec![Some(40.0), Some(43.5)],
                    note: Some("over by 3.5".into()),
                },
                Group {
                    label: "2".into(),
                    values: vec![None, Some(10.0)],
                    note: None,
                },
            ],
        });
        // Axis 0..50 (step 10); plot 720 - 130 - 52 = 538 wide, 300 - 18 - 58 = 224 high, bottom
        // at 242. Slots of 269 px, bars 107.6 wide from 26.9 into the slot; 40 is at y 62.8.
        assert!(svg.contains(
            "<g class=\"bar\" data-series=\"capacity\" data-value=\"40\"><rect x=\"78.9\" y=\"62.8\" width=\"107.6\" height=\"179.2\" fill=\"#f4f4f4\""
        ), "{svg}");
        assert!(
            svg.contains("data-series=\"load\" data-value=\"43.5\""),
            "{svg}"
        );
        assert!(
            svg.contains("data-series=\"capacity\" data-value=\"-\""),
            "{svg}"
        );
        assert!(svg.contains(">over by 3.5</text>"), "{svg}");
        assert!(svg.contains("stroke-dasharray=\"4 2\""), "{svg}");
    }
}
