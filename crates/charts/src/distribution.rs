//! A peer group's distribution (DESIGN I-23): how many results fall in each band of the
//! scale, the enterprise's own band drawn apart. The group is never named: the bars carry
//! counts only.

use kuva::prelude::*;
use tianping_domain::Lang;

use crate::style::{finish, layout, EARNED, MISSING};
use crate::{Chart, Kind, Row};

/// One band of the distribution: its label (`60–70`) and how many results are in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub label: String,
    pub count: usize,
}

/// The distribution's bars; `own` is the index of the enterprise's band (none: a body's
/// clients by grade, no band apart). `None` without bands.
pub fn distribution(bands: &[Band], own: Option<usize>, l: Lang) -> Option<Chart> {
    if bands.is_empty() {
        return None;
    }
    let title = match own {
        Some(_) => l.t("同类企业分布", "Distribution among peers"),
        None => l.t("等级分布", "Distribution by grade"),
    };
    let mut plot = BarPlot::new().with_stacked();
    for (i, b) in bands.iter().enumerate() {
        let n = b.count as f64;
        plot = match own {
            Some(o) => {
                let (mine, others) = if i == o { (n, 0.0) } else { (0.0, n) };
                plot.with_group(b.label.clone(), [(others, MISSING), (mine, EARNED)])
            }
            None => plot.with_group(b.label.clone(), [(n, EARNED)]),
        };
    }
    let plot = match own {
        Some(_) => plot.with_legend(vec![
            l.t("同类企业", "Peers"),
            l.t("本企业所在区间", "This enterprise's band"),
        ]),
        None => plot.with_legend(vec![l.t("企业数", "Enterprises")]),
    };
    let plots: Vec<Plot> = vec![plot.into()];
    let top = bands.iter().map(|b| b.count).max().unwrap_or(0) as f64;
    let frame = layout(&plots, title, 320.0)
        .with_y_label(l.t("企业数", "enterprises"))
        .with_y_axis_min(0.0)
        .with_y_axis_max(top.max(1.0))
        .with_legend_position(LegendPosition::OutsideRightTop);
    let svg = render_to_svg(plots, frame);
    let rows: Vec<Row> = bands
        .iter()
        .enumerate()
        .map(|(i, b)| Row {
            label: b.label.clone(),
            value: if Some(i) == own {
                format!(
                    "{}{}",
                    b.count,
                    l.t("（含本企业）", " (this enterprise's band)")
                )
            } else {
                b.count.to_string()
            },
        })
        .collect();
    let list = rows
        .iter()
        .map(|r| format!("{} {}", r.label, r.value))
        .collect::<Vec<_>>()
        .join(l.t("，", ", "));
    let summary = match l {
        Lang::Zh => format!("柱状图，各分数区间的企业数：{}。", list),
        Lang::En => format!("Bar chart, enterprises per score band: {}.", list),
    };
    Some(Chart {
        kind: Kind::Distribution,
        title: title.to_string(),
        svg: finish(&svg, title, &summary),
        summary,
        rows,
    })
}
