//! An indicator as an inline SVG line chart: its measurements over time
//! against a baseline line and a norm line.
//!
//! Inline SVG only, no scripts or fonts from elsewhere: municipal networks
//! block CDNs, and the report must open from a file. The chart does not rely
//! on colour: the norm is dashed and labelled, the baseline solid and
//! labelled, measurements are dots on a line, and the `<title>`/`<desc>`
//! pair states every number for screen readers.

use std::fmt::Write;

use chrono::Datelike;

use crate::projections::IndicatorView;

use super::{escape, format_date, format_number};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
/// Room for the y-axis labels on the left and the line labels on the right.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 120.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// The chart of one indicator. `key` makes the ids of its `<title>` and
/// `<desc>` unique within the page.
pub fn line_chart(indicator: &IndicatorView, key: usize) -> String {
    let values = indicator.measurements.iter().map(|m| m.value);
    let (low, high) = values
        .chain([indicator.baseline, indicator.norm])
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    // Some air above and below; a flat range still gets a visible band.
    let pad = if high > low {
        (high - low) * 0.1
    } else {
        low.abs().max(1.0) * 0.1
    };
    let (low, high) = (low - pad, high + pad);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: f64| TOP + (high - v) / (high - low) * plot_h;

    let days: Vec<i64> = indicator
        .measurements
        .iter()
        .map(|m| i64::from(m.measured_on.num_days_from_ce()))
        .collect();
    let (first, last) = match (days.first(), days.last()) {
        (Some(&f), Some(&l)) => (f, l),
        _ => (0, 0),
    };
    // One day or none: the points sit in the middle rather than on an axis.
    let x = |day: i64| {
        if last > first {
            LEFT + (day - first) as f64 / (last - first) as f64 * plot_w
        } else {
            LEFT + plot_w / 2.0
        }
    };

    let title_id = format!("grafiek-{key}-titel");
    let desc_id = format!("grafiek-{key}-beschrijving");
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" aria-labelledby="{title_id} {desc_id}">"#
    );
    let _ = write!(
        svg,
        r#"<title id="{title_id}">{}</title><desc id="{desc_id}">{}</desc>"#,
        escape(&format!("Grafiek: {}", indicator.name)),
        escape(&text_alternative(indicator)),
    );
    // Axes.
    let _ = write!(
        svg,
        r##"<g stroke="#333" stroke-width="1"><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{b}"/><line x1="{LEFT}" y1="{b}" x2="{r}" y2="{b}"/></g>"##,
        b = TOP + plot_h,
        r = LEFT + plot_w,
    );
    let _ = write!(
        svg,
        r##"<g font-size="12" fill="#222" font-family="sans-serif"><text x="{lx}" y="{ty}" text-anchor="end">{hi}</text><text x="{lx}" y="{by}" text-anchor="end">{lo}</text>"##,
        lx = LEFT - 6.0,
        ty = TOP + 4.0,
        by = TOP + plot_h,
        hi = escape(&format_number(high)),
        lo = escape(&format_number(low)),
    );
    if let (Some(f), Some(l)) = (
        indicator.measurements.first(),
        indicator.measurements.last(),
    ) {
        let axis_y = TOP + plot_h + 18.0;
        if days.len() > 1 && last > first {
            let _ = write!(
                svg,
                r#"<text x="{LEFT}" y="{axis_y}">{}</text><text x="{}" y="{axis_y}" text-anchor="end">{}</text>"#,
                format_date(f.measured_on),
                LEFT + plot_w,
                format_date(l.measured_on),
            );
        } else {
            let _ = write!(
                svg,
                r#"<text x="{}" y="{axis_y}" text-anchor="middle">{}</text>"#,
                LEFT + plot_w / 2.0,
                format_date(f.measured_on),
            );
        }
    } else {
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">Nog geen metingen</text>"#,
            LEFT + plot_w / 2.0,
            TOP + plot_h / 2.0,
        );
    }
    svg.push_str("</g>");
    // Baseline solid, norm dashed: told apart by pattern and label, not hue.
    reference_line(
        &mut svg,
        y(indicator.baseline),
        "",
        &format!("Nulmeting {}", format_number(indicator.baseline)),
        LEFT + plot_w,
    );
    reference_line(
        &mut svg,
        y(indicator.norm),
        r#" stroke-dasharray="8 5""#,
        &format!("Norm {}", format_number(indicator.norm)),
        LEFT + plot_w,
    );
    if !indicator.measurements.is_empty() {
        let points: Vec<String> = indicator
            .measurements
            .iter()
            .zip(&days)
            .map(|(m, &d)| format!("{:.1},{:.1}", x(d), y(m.value)))
            .collect();
        let _ = write!(
            svg,
            r##"<polyline fill="none" stroke="#1a4f8b" stroke-width="2.5" points="{}"/>"##,
            points.join(" ")
        );
        for (m, &d) in indicator.measurements.iter().zip(&days) {
            let _ = write!(
                svg,
                r##"<circle cx="{:.1}" cy="{:.1}" r="4.5" fill="#1a4f8b"><title>{}: {}</title></circle>"##,
                x(d),
                y(m.value),
                format_date(m.measured_on),
                escape(&format_number(m.value)),
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn reference_line(svg: &mut String, at: f64, dash: &str, label: &str, right: f64) {
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{at:.1}" x2="{right}" y2="{at:.1}" stroke="#555" stroke-width="1.5"{dash}/><text x="{}" y="{:.1}" font-size="12" font-family="sans-serif" fill="#222">{}</text>"##,
        right + 6.0,
        at + 4.0,
        escape(label),
    );
}

/// What the chart shows, in words: baseline, norm and every measurement.
pub fn text_alternative(indicator: &IndicatorView) -> String {
    let unit = if indicator.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", indicator.unit)
    };
    let mut text = format!(
        "Nulmeting {}{unit}, norm {}{unit}. ",
        format_number(indicator.baseline),
        format_number(indicator.norm),
    );
    if indicator.measurements.is_empty() {
        text.push_str("Nog geen metingen.");
    } else {
        let listed: Vec<String> = indicator
            .measurements
            .iter()
            .map(|m| {
                format!(
                    "{}: {}{unit}",
                    format_date(m.measured_on),
                    format_number(m.value)
                )
            })
            .collect();
        let _ = write!(text, "Metingen: {}.", listed.join("; "));
    }
    text
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use uuid::Uuid;

    use super::*;
    use crate::domain::Direction;
    use crate::projections::MeasurementView;

    fn indicator(values: &[(f64, u32)]) -> IndicatorView {
        IndicatorView {
            id: Uuid::new_v4(),
            name: "Doorlooptijd <dagen> & \"meer\"".into(),
            unit: "dagen".into(),
            baseline: 42.0,
            norm: 28.0,
            direction: Direction::Decrease,
            measurements: values
                .iter()
                .map(|&(value, day)| MeasurementView {
                    value,
                    measured_on: NaiveDate::from_ymd_opt(2025, 3, day).unwrap(),
                    note: None,
                })
                .collect(),
            goal: None,
            kind: crate::domain::IndicatorKind::Outcome,
            template: None,
            version: 0,
        }
    }

    #[test]
    fn a_chart_with_no_or_one_measurement_renders() {
        for values in [&[][..], &[(35.0, 1)][..]] {
            let svg = line_chart(&indicator(values), 0);
            assert_eq!(svg.matches("<svg").count(), 1);
            assert!(svg.ends_with("</svg>"));
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
    }

    #[test]
    fn the_chart_is_accessible_and_escaped() {
        let svg = line_chart(&indicator(&[(40.0, 1), (27.5, 20)]), 3);
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-labelledby="grafiek-3-titel grafiek-3-beschrijving""#));
        assert!(svg.contains("Doorlooptijd &lt;dagen&gt; &amp; &quot;meer&quot;"));
        assert!(!svg.contains("<dagen>"));
        assert!(svg.contains("stroke-dasharray"), "the norm is dashed");
        assert!(svg.contains("Norm 28") && svg.contains("Nulmeting 42"));
        assert_eq!(svg.matches("<circle").count(), 2);
    }

    #[test]
    fn the_text_alternative_states_baseline_norm_and_measurements() {
        let text = text_alternative(&indicator(&[(40.0, 1), (27.5, 20)]));
        assert_eq!(
            text,
            "Nulmeting 42 dagen, norm 28 dagen. Metingen: 01-03-2025: 40 dagen; 20-03-2025: 27,5 dagen."
        );
    }
}
