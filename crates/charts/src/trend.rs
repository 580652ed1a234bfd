//! A trend: the total and each dimension (or category) over a series of results, one line
//! each, the results in the order given (oldest first) and named by their label (a date).
//! Its input is a series the caller builds from stored results (issue 13); nothing here reads
//! them.

use std::sync::Arc;

use kuva::prelude::*;
use kuva::render::layout::TickFormat;
use tianping_domain::Lang;

use crate::radar::list;
use crate::style::{finish, layout, EARNED};
use crate::{fig, finite, Chart, Kind, Row};

/// One result of the series: its label (a date) and its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub total: f64,
    /// Each dimension or category with its figure, named the same in every point.
    pub parts: Vec<(String, f64)>,
}

/// The lines of the parts after the total's, in turn.
const LINES: [&str; 6] = [
    "#e67e22", "#27ae60", "#8e44ad", "#16a085", "#c0392b", "#7f8c8d",
];

/// The trend of a series of results; `None` with fewer than two (one point is no trend).
/// `scale` is the total's full scale, the axis's top.
pub fn trend(points: &[Point], scale: f64, l: Lang) -> Option<Chart> {
    if points.len() < 2 {
        return None;
    }
    let total = l.t("总分", "Total");
    let at = |i: usize| i as f64;
    let mut plots: Vec<Plot> = vec![LinePlot::new()
        .with_data(
            points
                .iter()
                .enumerate()
                .map(|(i, p)| (at(i), finite(p.total))),
        )
        .with_color(EARNED)
        .with_stroke_width(2.5)
        .with_legend(total)
        .into()];
    let mut names: Vec<&str> = Vec::new();
    for p in points {
        for (n, _) in &p.parts {
            if !names.contains(&n.as_str()) {
                names.push(n);
            }
        }
    }
    for (k, name) in names.iter().enumerate() {
        let line: Vec<(f64, f64)> = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.parts
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| (at(i), finite(*v)))
            })
            .collect();
        plots.push(
            LinePlot::new()
                .with_data(line)
                .with_color(LINES[k % LINES.len()])
                .with_legend(*name)
                .into(),
        );
    }
    let title = l.t("得分趋势", "Scores over time");
    let labels: Vec<String> = points.iter().map(|p| p.label.clone()).collect();
    let tick = move |x: f64| {
        let i = x.round();
        if (x - i).abs() < 1e-9 && i >= 0.0 {
            labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let frame = layout(&plots, title, 400.0)
        .with_x_axis_min(0.0)
        .with_x_axis_max(at(points.len() - 1))
        .with_x_tick_step(1.0)
        .with_x_tick_format(TickFormat::Custom(Arc::new(tick)))
        .with_y_axis_min(0.0)
        .with_y_axis_max(scale.max(1.0))
        .with_legend_position(LegendPosition::OutsideRightTop);
    let svg = render_to_svg(plots, frame);
    let rows: Vec<Row> = points
        .iter()
        .map(|p| Row {
            label: p.label.clone(),
            value: std::iter::once(format!("{} {}", total, fig(p.total)))
                .chain(p.parts.iter().map(|(n, v)| format!("{n} {}", fig(*v))))
                .collect::<Vec<_>>()
                .join(l.t("，", ", ")),
        })
        .collect();
    let summary = match l {
        Lang::Zh => format!("折线图，{} 次结果：{}。", points.len(), list(&rows, "；")),
        Lang::En => format!(
            "Line chart of {} results: {}.",
            points.len(),
            list(&rows, "; ")
        ),
    };
    Some(Chart {
        kind: Kind::Trend,
        title: title.to_string(),
        svg: finish(&svg, title, &summary),
        summary,
        rows,
    })
}
