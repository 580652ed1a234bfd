//! The charts of the shipped schemes' results: what each shows, read back from the SVG.

use serde_json::json;
use tianping_core::engine::Evaluation;
use tianping_core::{AnswerKind, Method, Plan, Scheme};

use super::*;
use crate::style::{band_colour, MARK};

fn scheme(id: &str) -> &'static Scheme {
    static CATALOG: std::sync::OnceLock<tianping_catalog::Catalog> = std::sync::OnceLock::new();
    CATALOG
        .get_or_init(|| tianping_catalog::Catalog::load(None).unwrap())
        .get(id)
        .unwrap()
}

/// A result of a shipped scheme with every item answered at `x` of full marks.
fn result(id: &str, x: f64) -> (&'static Scheme, Evaluation) {
    let s = scheme(id);
    let plan = Plan::new(s, s.variants.first().map(|v| v.id.as_str()), None).unwrap();
    let dims = s.method == Method::Dimensions;
    let answers = plan
        .leaves
        .iter()
        .map(|l| {
            let v = match plan.kind {
                AnswerKind::Points => json!(((l.answer_max * x) * 2.0).round() / 2.0),
                AnswerKind::Level => json!((5.0 * x).round()),
                AnswerKind::Coefficient if dims => json!({"value": 100.0 * x, "source": "onsite"}),
                AnswerKind::Coefficient => json!(100.0 * x),
            };
            (l.ind.id.clone(), v)
        })
        .collect();
    (s, plan.evaluate(&answers, false).unwrap())
}

const SCHEMES: [&str; 5] = [
    "t11-aii-001-2020",
    "t-sdditai-5121-2023",
    "t-cic-capability",
    "eepc-certification",
    "sme-service-2020",
];

/// The text lines drawn, in order.
fn texts(svg: &str) -> Vec<&str> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, r)| r.split('<').next()))
        .collect()
}

/// The number in attribute `name` of the first tag that contains `marker`.
fn attr_of(svg: &str, marker: &str, name: &str) -> f64 {
    let at = svg
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {svg}"));
    let start = svg[..at].rfind('<').unwrap();
    let tag = &svg[start..start + svg[start..].find('>').unwrap()];
    let key = format!(" {name}=\"");
    let v = &tag[tag.find(&key).unwrap() + key.len()..];
    v[..v.find('"').unwrap()].parse().unwrap()
}

#[test]
fn the_radar_has_one_axis_per_dimension_named_with_its_score() {
    let (s, ev) = result("t11-aii-001-2020", 0.7);
    let c = chart(s, &ev, Lang::Zh, Kind::Radar).unwrap();
    assert_eq!(c.title, "各维度得分");
    assert_eq!(c.rows.len(), ev.dimensions.len());
    let t = texts(&c.svg);
    for d in &ev.dimensions {
        let at = t
            .iter()
            .position(|x| *x == d.name)
            .unwrap_or_else(|| panic!("{} in {t:?}", d.name));
        assert_eq!(t[at + 1], fig(d.score), "the score under the name");
    }
    assert!(c.summary.contains("5 条轴"), "{}", c.summary);
    // the rings are on the dimension's 1000 points
    assert!(t.contains(&"1000"), "{t:?}");
}

#[test]
fn the_radar_of_other_schemes_has_one_axis_per_category_in_percent() {
    let (s, ev) = result("t-cic-capability", 0.7);
    let c = chart(s, &ev, Lang::En, Kind::Radar).unwrap();
    let top: Vec<_> = ev.nodes.iter().filter(|n| n.path.len() == 1).collect();
    assert_eq!(c.rows.len(), top.len());
    let t = texts(&c.svg);
    for n in top {
        let at = t.iter().position(|x| *x == n.path[0]).unwrap();
        assert_eq!(t[at + 1], format!("{}%", fig(n.percent)));
    }
    // EEPC B.1 has one group at the top: its eight groups below are the axes
    let (s, ev) = result("eepc-certification", 0.7);
    let c = chart(s, &ev, Lang::Zh, Kind::Radar).unwrap();
    let second = ev.nodes.iter().filter(|n| n.path.len() == 2).count();
    assert_eq!((c.rows.len(), second), (8, 8));
    assert!(texts(&c.svg).contains(&"合同信用管理机制"));
}

#[test]
fn a_radar_needs_three_axes() {
    let (s, mut ev) = result("t11-aii-001-2020", 0.7);
    ev.dimensions.truncate(2);
    assert_eq!(chart(s, &ev, Lang::Zh, Kind::Radar), None);
    let (s, mut ev) = result("t-cic-capability", 0.7);
    ev.nodes
        .retain(|n| n.path.len() == 1 && n.path[0] != "基础能力");
    ev.nodes.truncate(2);
    assert_eq!(chart(s, &ev, Lang::Zh, Kind::Radar), None);
    // bars of two are bars
    assert_eq!(chart(s, &ev, Lang::Zh, Kind::Bars).unwrap().rows.len(), 2);
}

#[test]
fn the_bars_show_earned_and_maximum_per_table_or_category() {
    let (s, ev) = result("t11-aii-001-2020", 0.7);
    let c = chart(s, &ev, Lang::Zh, Kind::Bars).unwrap();
    assert_eq!(c.title, "各表得分与满分");
    assert_eq!(c.rows[0].label, "A.1 企业信用");
    assert_eq!(
        c.rows[0].value,
        format!("{} / 1000", fig(ev.dimensions[0].score))
    );
    let t = texts(&c.svg);
    for r in &c.rows {
        assert!(t.contains(&r.label.as_str()), "{} in {t:?}", r.label);
    }
    let (s, ev) = result("t-cic-capability", 1.0);
    let c = chart(s, &ev, Lang::Zh, Kind::Bars).unwrap();
    assert_eq!(c.title, "各类得分与满分");
    assert_eq!(c.rows[0].label, "基础能力");
    assert_eq!(c.rows[0].value, "20 / 20");
}

#[test]
fn the_bands_mark_the_total_in_its_band() {
    // totals in each band and on the edges (bands are half-open: 70 is 二级)
    let cases = [
        (12.5, None),
        (60.0, Some("三级")),
        (69.99, Some("三级")),
        (70.0, Some("二级")),
        (84.5, Some("二级")),
        (100.0, Some("一级")),
    ];
    for (total, band) in cases {
        let (s, mut ev) = result("t-cic-capability", 0.7);
        ev.total.score = total;
        let c = chart(s, &ev, Lang::Zh, Kind::Bands).unwrap();
        let mark = attr_of(&c.svg, &format!("stroke=\"{MARK}\""), "x1");
        // the bands lowest first: 未达等级, 三级, 二级, 一级
        let k = match band {
            None => None,
            Some("三级") => Some(0),
            Some("二级") => Some(1),
            _ => Some(2),
        };
        let fill = match k {
            Some(k) => format!("fill=\"{}\" fill-opacity=\"1\"", band_colour(k)),
            None => format!("fill=\"{}\" fill-opacity=\"1\"", style::BELOW),
        };
        let left = attr_of(&c.svg, &fill, "x");
        let width = attr_of(&c.svg, &fill, "width");
        assert!(
            left <= mark && mark <= left + width,
            "{total}: mark at {mark}, band {band:?} from {left} to {}",
            left + width
        );
        assert!(
            texts(&c.svg).contains(&format!("总分 {}", fig(total)).as_str()),
            "the figure by its bar"
        );
        match band {
            Some(g) => assert!(
                c.summary.ends_with(&format!("落在“{g}”区间。")),
                "{}",
                c.summary
            ),
            None => assert!(c.summary.contains("未达等级 [0, 60)"), "{}", c.summary),
        }
    }
}

#[test]
fn star_bands_are_the_single_stars_of_table_1() {
    let (s, ev) = result("t11-aii-001-2020", 0.85);
    let c = chart(s, &ev, Lang::Zh, Kind::Bands).unwrap();
    let t = texts(&c.svg);
    for band in ["无星级 [0, 500)", "一星级 [500, 600)", "五星级 [900, 1000]"] {
        assert!(t.contains(&band), "{band} in {t:?}");
    }
    assert_eq!(c.rows.len(), 5);
    assert!(c.rows[0].value.ends_with("四星级"), "{:?}", c.rows[0]);
    // no grades, no stars: no bands
    let (s, ev) = result("sme-service-2020", 0.7);
    assert_eq!(chart(s, &ev, Lang::Zh, Kind::Bands), None);
    assert_eq!(
        for_result(s, &ev, Lang::Zh)
            .iter()
            .map(|c| c.kind)
            .collect::<Vec<_>>(),
        [Kind::Radar, Kind::Bars]
    );
}

#[test]
fn the_same_result_gives_the_same_bytes() {
    for id in SCHEMES {
        let (s, ev) = result(id, 0.63);
        let first = for_result(s, &ev, Lang::Zh);
        // other charts drawn in between move kuva's counters
        let _ = for_result(s, &result(id, 0.2).1, Lang::En);
        assert_eq!(first, for_result(s, &ev, Lang::Zh), "{id}");
        assert!(!first.is_empty());
    }
}

#[test]
fn charts_carry_no_style_or_script_and_scale() {
    for id in SCHEMES {
        for (l, x) in [
            (Lang::Zh, 0.55),
            (Lang::En, 0.55),
            (Lang::Zh, 0.0),
            (Lang::En, 1.0),
        ] {
            let (s, ev) = result(id, x);
            for c in for_result(s, &ev, l) {
                let svg = &c.svg;
                for bad in [
                    "style",
                    "<script",
                    "javascript:",
                    "kuva-clip",
                    "NaN",
                    "inf\"",
                ] {
                    assert!(!svg.contains(bad), "{id} {:?}: {bad} in {svg}", c.kind);
                }
                assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "{svg}");
                assert!(svg.contains(" viewBox=\"0 0 640 ") && svg.contains(" role=\"img\""));
                assert!(svg.contains(&format!("<title>{}</title>", c.title)));
                // every figure written has at most two decimals
                for t in texts(svg) {
                    let long = t
                        .split(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
                        .find(|w| w.split_once('.').is_some_and(|(_, d)| d.len() > 2));
                    assert_eq!(long, None, "{id}: {t}");
                }
            }
        }
    }
}

#[test]
fn names_from_the_result_are_escaped() {
    let (s, mut ev) = result("t11-aii-001-2020", 0.7);
    ev.dimensions[0].name = "<b>甲&乙</b>".into();
    for c in for_result(s, &ev, Lang::Zh) {
        assert!(!c.svg.contains("<b>"), "{:?}", c.kind);
        if c.kind != Kind::Bars {
            assert!(
                c.svg.contains("&lt;b&gt;甲&amp;乙&lt;/b&gt;"),
                "{:?}: {}",
                c.kind,
                c.svg
            );
        }
    }
}

#[test]
fn kinds_are_named_by_their_ids() {
    assert_eq!(
        chart(
            scheme("t-cic-capability"),
            &result("t-cic-capability", 0.5).1,
            Lang::Zh,
            Kind::Trend
        ),
        None
    );
    for k in Kind::ALL {
        assert_eq!(Kind::parse(k.id()), Some(k));
    }
    assert_eq!(Kind::parse("pie"), None);
}

#[test]
fn stage_tables_are_no_part_of_the_bars() {
    // a category with special-capability stages (X.2 tables, 6.3): the bars are its dimensions
    let s = scheme("t11-aii-001-2020");
    let v = s
        .variants
        .iter()
        .find(|v| {
            s.tables
                .iter()
                .any(|t| t.stage.is_some() && t.variant.as_deref() == Some(v.id.as_str()))
        })
        .unwrap();
    let plan = Plan::new(s, Some(&v.id), None).unwrap();
    let answers = plan
        .leaves
        .iter()
        .map(|l| (l.ind.id.clone(), json!({"value": 70.0, "source": "onsite"})))
        .collect();
    let ev = plan.evaluate(&answers, false).unwrap();
    assert!(!ev.stages.is_empty());
    let c = chart(s, &ev, Lang::Zh, Kind::Bars).unwrap();
    assert_eq!(c.rows.len(), ev.dimensions.len(), "{:?}", c.rows);
    for (r, d) in c.rows.iter().zip(&ev.dimensions) {
        assert!(r.label.ends_with(&d.name), "{r:?}");
        assert_eq!(r.value, format!("{} / 1000", fig(d.score)));
    }
}

#[test]
fn a_level_band_says_the_level_also_counts_the_indicators_below() {
    let (s, ev) = result("t-sdditai-5121-2023", 0.9);
    let c = chart(s, &ev, Lang::Zh, Kind::Bands).unwrap();
    assert_eq!(c.title, "级别区间与总分");
    let note = "级别还要求低于本级的指标不超过允许项数";
    assert!(texts(&c.svg).contains(&note), "{}", c.svg);
    assert!(c.summary.ends_with(&format!("{note}。")), "{}", c.summary);
    // a grade of points has no such rule
    let (s, ev) = result("t-cic-capability", 0.9);
    let c = chart(s, &ev, Lang::Zh, Kind::Bands).unwrap();
    assert!(!c.svg.contains(note) && !c.summary.contains(note));
}

#[test]
fn a_result_without_groups_has_no_radar_or_bars() {
    let (s, mut ev) = result("t-cic-capability", 0.7);
    ev.nodes.clear();
    ev.total.score = f64::NAN;
    let kinds: Vec<Kind> = for_result(s, &ev, Lang::Zh)
        .iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(kinds, [Kind::Bands]);
    let c = chart(s, &ev, Lang::Zh, Kind::Bands).unwrap();
    assert!(!c.svg.contains("NaN"), "{}", c.svg);
    assert!(c.summary.contains("总分 0，"), "{}", c.summary);
}

#[test]
fn the_trend_draws_the_total_and_each_part_over_the_results() {
    let p = |label: &str, total: f64, a: f64, b: f64| Point {
        label: label.into(),
        total,
        parts: vec![("企业信用".into(), a), ("云能力".into(), b)],
    };
    let series = [
        p("2024-03-01", 512.345, 600.0, 420.5),
        p("2025-03-01", 688.0, 710.0, 650.0),
        p("2026-03-01", 801.5, 820.0, 790.125),
    ];
    let c = trend(&series, 1000.0, Lang::Zh).unwrap();
    assert_eq!((c.kind, c.title.as_str()), (Kind::Trend, "得分趋势"));
    let t = texts(&c.svg);
    for x in [
        "2024-03-01",
        "2025-03-01",
        "2026-03-01",
        "总分",
        "企业信用",
        "云能力",
    ] {
        assert!(t.contains(&x), "{x} in {t:?}");
    }
    assert_eq!(c.rows[0].value, "总分 512.35，企业信用 600，云能力 420.50");
    // one line per series: the total and two parts
    assert_eq!(
        c.svg.matches("<path ").count() + c.svg.matches("<polyline ").count(),
        3,
        "{}",
        c.svg
    );
    assert!(!c.svg.contains("style") && !c.svg.contains("kuva-clip"));
    assert_eq!(
        trend(&series, 1000.0, Lang::Zh),
        trend(&series, 1000.0, Lang::Zh)
    );
    assert_eq!(
        trend(&series[..1], 1000.0, Lang::Zh),
        None,
        "one result is no trend"
    );
}

#[test]
fn the_distribution_counts_each_band_and_marks_the_own_one() {
    let bands: Vec<Band> = [("0–50", 2), ("50–80", 5), ("80–100", 3)]
        .into_iter()
        .map(|(l, n)| Band {
            label: l.into(),
            count: n,
        })
        .collect();
    let c = distribution(&bands, Some(2), Lang::Zh).unwrap();
    assert_eq!(
        (c.kind, c.title.as_str()),
        (Kind::Distribution, "同类企业分布")
    );
    let t = texts(&c.svg);
    for x in ["0–50", "50–80", "80–100", "企业数", "本企业所在区间"] {
        assert!(t.contains(&x), "{x} in {t:?}");
    }
    assert_eq!(c.rows[2].value, "3（含本企业）");
    assert_eq!(c.rows[1].value, "5");
    assert!(c.summary.contains("50–80 5"), "{}", c.summary);
    assert_eq!(
        distribution(&bands, Some(2), Lang::Zh),
        Some(c),
        "same input, same bytes"
    );
    assert!(distribution(&[], Some(0), Lang::En).is_none());
    let en = distribution(&bands, Some(0), Lang::En).unwrap();
    assert!(en
        .summary
        .starts_with("Bar chart, enterprises per score band"));
    // a body's clients by grade: no band apart
    let g = distribution(&bands, None, Lang::Zh).unwrap();
    assert_eq!(g.title, "等级分布");
    assert!(!texts(&g.svg).iter().any(|t| t.contains("本企业")));
    assert!(g.rows.iter().all(|r| !r.value.contains("本企业")));
}
