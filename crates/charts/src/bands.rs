//! The grade bands: the total's scale shaded by each grade's or level's band (lowest first),
//! the total as a bar and marked with a line. T11/AII has no grades: its bands are the single
//! stars of 表1 on a dimension's 1000 points, with a bar per dimension.

use kuva::plot::legend::{LegendEntry, LegendShape};
use kuva::prelude::*;
use tianping_core::engine::Evaluation;
use tianping_core::{Grade, Scheme};
use tianping_domain::{words, Lang};

use crate::radar::list;
use crate::style::{band_colour, finish, layout, BELOW, EARNED, MARK};
use crate::{fig, finite, Chart, Kind, Row};

/// A band: its name with its range, where it starts and ends; `below` for the part of the
/// scale under every grade.
struct Band {
    name: String,
    min: f64,
    max: f64,
    below: bool,
}

/// Band `i`'s colour: grey below every grade, the grades pale to green.
fn colour(bands: &[Band], i: usize) -> &'static str {
    if bands[i].below {
        BELOW
    } else {
        band_colour(i - usize::from(bands[0].below))
    }
}

/// The bands chart of a result; `None` for a scheme with neither grades nor star rules.
pub(crate) fn chart(scheme: &Scheme, ev: &Evaluation, l: Lang) -> Option<Chart> {
    if !ev.dimensions.is_empty() {
        return stars(scheme, ev, l);
    }
    if scheme.grades.is_empty() {
        return None;
    }
    let scale = if ev.total.scale > 0.0 {
        ev.total.scale
    } else {
        100.0
    };
    let mut grades: Vec<&Grade> = scheme.grades.iter().collect();
    grades.sort_by(|a, b| a.min.total_cmp(&b.min));
    let mut bands = Vec::new();
    if let Some(low) = grades.first().filter(|g| g.min > 0.0) {
        let below = l.t("未达等级", "No grade");
        bands.push(Band {
            name: format!("{} [0, {})", below, fig(low.min)),
            min: 0.0,
            max: low.min,
            below: true,
        });
    }
    bands.extend(grades.iter().map(|g| Band {
        name: format!("{} {}", short(&g.label), g.band()),
        min: g.min,
        max: g.max,
        below: false,
    }));
    let total = finite(ev.total.score);
    let within = grades
        .iter()
        .find(|g| g.contains(total))
        .map(|g| short(&g.label));
    let levels = scheme.method == tianping_core::Method::WeightedLevels;
    let title = if levels {
        l.t("级别区间与总分", "Level bands and the total")
    } else {
        l.t("等级区间与总分", "Grade bands and the total")
    };
    // T/SDDITAI 5.3: a level also allows only so many indicators below it, so the band the
    // total is in may be above the level reached
    let note = levels.then(|| {
        l.t(
            "级别还要求低于本级的指标不超过允许项数",
            "A level also allows only so many indicators below it",
        )
    });
    let name = l.t("总分", "Total");
    // the total's figure beside its bar: a label on the line could leave the drawing
    let bars = vec![(format!("{} {}", name, fig(total)), total)];
    let mut rows: Vec<Row> = bands
        .iter()
        .map(|b| Row {
            label: b.name.clone(),
            value: format!("{}–{}", fig(b.min), fig(b.max)),
        })
        .collect();
    rows.push(Row {
        label: name.to_string(),
        value: fig(total),
    });
    let bands_text = bands
        .iter()
        .map(|b| b.name.as_str())
        .collect::<Vec<_>>()
        .join(l.t("，", ", "));
    let mut summary = match (l, within) {
        (Lang::Zh, Some(g)) => format!(
            "等级区间：{}；总分 {}，落在“{}”区间。",
            bands_text,
            fig(total),
            g
        ),
        (Lang::Zh, None) => format!(
            "等级区间：{}；总分 {}，不在任何等级区间。",
            bands_text,
            fig(total)
        ),
        (Lang::En, Some(g)) => format!(
            "Grade bands: {}; the total {} is in the band of {}.",
            bands_text,
            fig(total),
            g
        ),
        (Lang::En, None) => format!(
            "Grade bands: {}; the total {} is in no grade's band.",
            bands_text,
            fig(total)
        ),
    };
    if let Some(n) = note {
        summary.push_str(n);
        summary.push_str(l.t("。", "."));
    }
    let d = Drawing {
        title,
        note,
        bands: &bands,
        scale,
        bars,
        mark: Some(total),
    };
    Some(d.draw(rows, summary, l))
}

/// T11/AII: 表1's single-star bands on a dimension's points, each dimension's score a bar.
fn stars(scheme: &Scheme, ev: &Evaluation, l: Lang) -> Option<Chart> {
    let rules = scheme.stars.as_ref()?;
    let top = rules.dimension_points;
    let mut bands = Vec::new();
    if let Some(&first) = rules.single.first().filter(|&&x| x > 0.0) {
        bands.push(Band {
            name: format!("{} [0, {})", words::stars(l, 0), fig(first)),
            min: 0.0,
            max: first,
            below: true,
        });
    }
    for (i, &min) in rules.single.iter().enumerate() {
        let max = rules.single.get(i + 1).copied().unwrap_or(top);
        let n = u8::try_from(i + 1).unwrap_or(u8::MAX);
        let close = if i + 1 == rules.single.len() {
            ']'
        } else {
            ')'
        };
        bands.push(Band {
            name: format!(
                "{} [{}, {}{}",
                words::stars(l, n),
                fig(min),
                fig(max),
                close
            ),
            min,
            max,
            below: false,
        });
    }
    let bars: Vec<(String, f64)> = ev
        .dimensions
        .iter()
        .map(|d| (d.name.clone(), finite(d.score)))
        .collect();
    let title = l.t(
        "单项星级区间（表1）与各维度得分",
        "Single-star bands (表1) and each dimension",
    );
    let rows: Vec<Row> = ev
        .dimensions
        .iter()
        .map(|d| Row {
            label: d.name.clone(),
            value: format!("{} · {}", fig(d.score), words::stars(l, d.stars)),
        })
        .collect();
    let summary = match l {
        Lang::Zh => format!(
            "单项星级区间（表1）：{}；各维度得分与单项星级：{}。",
            bands
                .iter()
                .map(|b| b.name.as_str())
                .collect::<Vec<_>>()
                .join("，"),
            list(&rows, "，")
        ),
        Lang::En => format!(
            "Single-star bands (表1): {}; each dimension's score and single stars: {}.",
            bands
                .iter()
                .map(|b| b.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            list(&rows, ", ")
        ),
    };
    let d = Drawing {
        title,
        note: None,
        bands: &bands,
        scale: top,
        bars,
        mark: None,
    };
    Some(d.draw(rows, summary, l))
}

/// Bands shaded behind horizontal bars, named in the legend, and a line marking one value.
struct Drawing<'a> {
    title: &'a str,
    /// A line under the title.
    note: Option<&'a str>,
    bands: &'a [Band],
    scale: f64,
    bars: Vec<(String, f64)>,
    mark: Option<f64>,
}

impl Drawing<'_> {
    fn draw(self, rows: Vec<Row>, summary: String, l: Lang) -> Chart {
        let Drawing {
            title,
            note,
            bands,
            scale,
            bars,
            mark,
        } = self;
        let count = bars.len();
        let mut plot = BarPlot::new().with_horizontal(true).with_width(0.4);
        for (name, value) in bars.into_iter().rev() {
            plot = plot.with_group(name, [(value.clamp(0.0, scale), EARNED)]);
        }
        let plots: Vec<Plot> = vec![plot.into()];
        let height = 190.0 + 30.0 * count as f64 + 22.0 * bands.len() as f64;
        let mut frame = layout(&plots, title, height)
            .with_x_axis_min(0.0)
            .with_x_axis_max(scale)
            .with_x_label(l.t("分", "points"))
            .with_legend_position(LegendPosition::OutsideBottomCenter)
            .with_legend_entries(
                bands
                    .iter()
                    .enumerate()
                    .map(|(i, b)| LegendEntry {
                        label: b.name.clone(),
                        color: colour(bands, i).to_string(),
                        shape: LegendShape::Rect,
                        dasharray: None,
                    })
                    .collect(),
            );
        for (i, b) in bands.iter().enumerate() {
            frame = frame.with_shaded_region(
                ShadedRegion::vertical(b.min, b.max)
                    .with_color(colour(bands, i))
                    .with_opacity(1.0),
            );
        }
        if let Some(n) = note {
            frame = frame.with_subtitle(n);
        }
        if let Some(x) = mark {
            frame = frame.with_reference_line(
                ReferenceLine::vertical(x.clamp(0.0, scale))
                    .with_color(MARK)
                    .with_stroke_width(2.0),
            );
        }
        let svg = render_to_svg(plots, frame);
        Chart {
            kind: Kind::Bands,
            title: title.to_string(),
            svg: finish(&svg, title, &summary),
            summary,
            rows,
        }
    }
}

/// A grade's label without the explanation in brackets (EEPC: `AAAAA（100分≥AAAAA≥95分）` →
/// `AAAAA`); the band is shown beside it.
fn short(label: &str) -> &str {
    label.split('（').next().unwrap_or(label).trim()
}
