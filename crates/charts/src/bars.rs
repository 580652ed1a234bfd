//! Bars per table (or per category when the result has one table): what each earned, and
//! what it did not earn up to its maximum, stacked, so a bar's length is the maximum.

use kuva::prelude::*;
use tianping_core::engine::Evaluation;
use tianping_core::Scheme;
use tianping_domain::Lang;

use crate::parts::{parts, By};
use crate::radar::list;
use crate::style::{finish, layout, EARNED, MISSING};
use crate::{fig, Chart, Kind, Row};

/// The bars of a result; `None` when it has no groups.
pub(crate) fn chart(scheme: &Scheme, ev: &Evaluation, l: Lang) -> Option<Chart> {
    let (parts, by) = parts(scheme, ev);
    if parts.is_empty() {
        return None;
    }
    let title = if by == By::Table {
        l.t("各表得分与满分", "Earned and maximum by table")
    } else {
        l.t("各类得分与满分", "Earned and maximum by category")
    };
    let mut plot = BarPlot::new().with_horizontal(true).with_stacked();
    // kuva stacks horizontal bars from the bottom up: the first part is added last, on top
    for p in parts.iter().rev() {
        let earned = p.earned.clamp(0.0, p.max.max(0.0));
        plot = plot.with_group(
            p.label.clone(),
            [(earned, EARNED), ((p.max - earned).max(0.0), MISSING)],
        );
    }
    let plot = plot.with_legend(vec![
        l.t("得分", "Earned"),
        l.t("未得分（至满分）", "Not earned (to the maximum)"),
    ]);
    let plots: Vec<Plot> = vec![plot.into()];
    let height = 110.0 + 30.0 * parts.len() as f64;
    let top = parts.iter().map(|p| p.max).fold(0.0, f64::max);
    let frame = layout(&plots, title, height)
        .with_x_label(l.t("分", "points"))
        .with_x_axis_min(0.0)
        .with_x_axis_max(top.max(1.0))
        .with_legend_position(LegendPosition::OutsideRightTop);
    let svg = render_to_svg(plots, frame);
    let rows: Vec<Row> = parts
        .iter()
        .map(|p| Row {
            label: p.label.clone(),
            value: format!("{} / {}", fig(p.earned), fig(p.max)),
        })
        .collect();
    let summary = match l {
        Lang::Zh => format!("条形图，得分 / 满分：{}。", list(&rows, "，")),
        Lang::En => format!("Bar chart, earned / maximum: {}.", list(&rows, ", ")),
    };
    Some(Chart {
        kind: Kind::Bars,
        title: title.to_string(),
        svg: finish(&svg, title, &summary),
        summary,
        rows,
    })
}
