//! A line chart as inline SVG, drawn here: values over a row of labelled points (the score of
//! each pass), y from zero, a grid of five lines, each point with a tooltip.

use std::fmt::Write;

use super::markup::escape;

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 40.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 10.0;

/// What to draw: a label per point, and lines named by their CSS class.
pub struct LineChart<'a> {
    pub labels: Vec<String>,
    pub series: Vec<(&'a str, Vec<f64>)>,
    /// What a value counts, for the tooltips (`per 1,000 lines`).
    pub unit: &'a str,
    pub caption: &'a str,
}

/// Where a point goes.
struct Scale {
    points: usize,
    top: f64,
}

impl Scale {
    fn x(&self, i: usize) -> f64 {
        LEFT + (W - LEFT - RIGHT) * i as f64 / (self.points.saturating_sub(1)).max(1) as f64
    }

    fn y(&self, value: f64) -> f64 {
        (H - BOTTOM) - (H - BOTTOM - TOP) * value / self.top
    }
}

pub fn write(out: &mut String, chart: &LineChart) {
    let highest = (chart.series.iter())
        .flat_map(|(_, values)| values.iter().copied())
        .fold(0.0, f64::max);
    let scale = Scale {
        points: chart.labels.len(),
        top: highest.max(1.0) * 1.1,
    };
    let _ = write!(
        out,
        "<figure class=\"chart\"><svg class=\"score-chart\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" \
         height=\"{H}\" role=\"img\" aria-label=\"{}\">",
        escape(chart.caption)
    );
    write_axes(out, chart, &scale);
    for (name, values) in &chart.series {
        write_series(out, chart, &scale, name, values);
    }
    out.push_str("</svg><figcaption>");
    for (name, _) in &chart.series {
        let _ = write!(out, "<span class=\"key {name}\">{name}</span> ");
    }
    let _ = write!(out, "{}</figcaption></figure>", escape(chart.caption));
}

/// The x axis with a label under each point, and five grid lines with their values.
fn write_axes(out: &mut String, chart: &LineChart, scale: &Scale) {
    let _ = write!(
        out,
        "<g class=\"axis\"><line x1=\"{LEFT}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\"/>",
        H - BOTTOM,
        W - 8.0
    );
    for tick in 0..=4 {
        let value = scale.top * f64::from(tick) / 4.0;
        let y = scale.y(value);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\"/><text \
             x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{value:.1}</text>",
            W - 8.0,
            LEFT - 6.0,
            y + 4.0
        );
    }
    for (i, label) in chart.labels.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            scale.x(i),
            H - 8.0,
            escape(label)
        );
    }
    out.push_str("</g>");
}

fn write_series(out: &mut String, chart: &LineChart, scale: &Scale, name: &str, values: &[f64]) {
    let line: Vec<String> = (values.iter().enumerate())
        .map(|(i, &v)| format!("{:.1},{:.1}", scale.x(i), scale.y(v)))
        .collect();
    let _ = write!(
        out,
        "<polyline class=\"series {name}\" points=\"{}\"/>",
        line.join(" ")
    );
    for (i, (&value, label)) in values.iter().zip(&chart.labels).enumerate() {
        let _ = write!(
            out,
            "<circle class=\"series {name}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\"><title>{} {name}: \
             {value:.2} {}</title></circle>",
            scale.x(i),
            scale.y(value),
            escape(label),
            escape(chart.unit)
        );
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn points_span_the_width_and_zero_sits_on_the_axis() {
        let mut out = String::new();
        write(
            &mut out,
            &LineChart {
                labels: vec!["start".into(), "pass 1".into()],
                series: vec![("total", vec![10.0, 0.0])],
                unit: "per 1,000 lines",
                caption: "score",
            },
        );
        assert!(out.contains("points=\"48.0,26.5 600.0,192.0\""), "{out}");
        assert!(out.contains("<title>pass 1 total: 0.00 per 1,000 lines</title>"));
    }
}
