//! The radar: one axis per T11/AII dimension (its score S_i on the dimension's 1000 points),
//! or per category of any other scheme (earned in percent of its maximum; see
//! [`crate::parts`]). Each axis is named with its figure, so the picture reads without the
//! rings.

use kuva::prelude::*;
use tianping_core::engine::Evaluation;
use tianping_core::Scheme;
use tianping_domain::Lang;

use crate::parts::parts;
use crate::style::{finish, layout, EARNED};
use crate::{fig, finite, Chart, Kind, Row};

/// One axis: its name, the value drawn, the figure shown.
struct Axis {
    name: String,
    value: f64,
    shown: String,
}

/// The radar of a result; `None` with fewer than three axes (two make a line, not a shape).
pub(crate) fn chart(scheme: &Scheme, ev: &Evaluation, l: Lang) -> Option<Chart> {
    let (axes, max, title, what) = if ev.dimensions.is_empty() {
        let axes: Vec<Axis> = parts(scheme, ev)
            .0
            .into_iter()
            .map(|p| Axis {
                shown: format!("{}%", fig(p.percent())),
                value: p.percent(),
                name: p.label,
            })
            .collect();
        let title = l.t("各类得分率", "Score by category");
        let what = l.t("得分占满分的百分比", "earned in percent of the maximum");
        (axes, 100.0, title, what)
    } else {
        let max = scheme.stars.as_ref().map_or(1000.0, |s| s.dimension_points);
        let axes: Vec<Axis> = ev
            .dimensions
            .iter()
            .map(|d| Axis {
                name: d.name.clone(),
                value: finite(d.score),
                shown: fig(d.score),
            })
            .collect();
        let title = l.t("各维度得分", "Score by dimension");
        let what = match l {
            Lang::Zh => format!("各维度得分（满分 {}）", fig(max)),
            Lang::En => format!("each dimension's score (of {})", fig(max)),
        };
        return draw(axes, max, title, &what, l);
    };
    draw(axes, max, title, what, l)
}

fn draw(axes: Vec<Axis>, max: f64, title: &str, what: &str, l: Lang) -> Option<Chart> {
    if axes.len() < 3 {
        return None;
    }
    let names: Vec<String> = axes
        .iter()
        .map(|a| format!("{} {}", a.name, a.shown))
        .collect();
    let plot = RadarPlot::new(names)
        .with_series_color(
            axes.iter().map(|a| a.value.clamp(0.0, max)),
            l.t("得分", "Score"),
            EARNED,
        )
        .with_range(0.0, max)
        .with_filled(true)
        .with_opacity(0.25)
        .with_dot_size(3.0);
    let plots: Vec<Plot> = vec![plot.into()];
    let frame = layout(&plots, title, 420.0);
    let svg = render_to_svg(plots, frame);
    let rows: Vec<Row> = axes
        .iter()
        .map(|a| Row {
            label: a.name.clone(),
            value: a.shown.clone(),
        })
        .collect();
    let summary = match l {
        Lang::Zh => format!(
            "雷达图，{} 条轴，{}：{}。",
            axes.len(),
            what,
            list(&rows, "，")
        ),
        Lang::En => format!(
            "Radar chart with {} axes, {}: {}.",
            axes.len(),
            what,
            list(&rows, ", ")
        ),
    };
    Some(Chart {
        kind: Kind::Radar,
        title: title.to_string(),
        svg: finish(&svg, title, &summary),
        summary,
        rows,
    })
}

/// Rows as `label value` joined.
pub(crate) fn list(rows: &[Row], sep: &str) -> String {
    rows.iter()
        .map(|r| format!("{} {}", r.label, r.value))
        .collect::<Vec<_>>()
        .join(sep)
}
