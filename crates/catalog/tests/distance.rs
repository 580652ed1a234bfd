//! How far a result is from the grades, levels and stars it did not reach
//! (`tianping_core::distance`), on the shipped schemes.

mod common;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tianping_core::distance::{distances, measure, Condition, Distance, Figures, Target};
use tianping_core::{Category, Plan};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

fn grade_codes(d: &[Distance]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for x in d {
        if let Target::Grade { code, .. } = &x.target {
            if !out.contains(&code.as_str()) {
                out.push(code);
            }
        }
    }
    out
}

/// Full marks on the first items until `share` of the maximum, nothing on the rest.
fn share(plan: &Plan, share: f64) -> BTreeMap<String, Value> {
    let mut sum = 0.0;
    plan.leaves
        .iter()
        .map(|l| {
            let full = sum + l.weight <= share * plan.raw_max;
            if full {
                sum += l.weight;
            }
            (
                l.ind.id.clone(),
                json!(if full { l.answer_max } else { 0.0 }),
            )
        })
        .collect()
}

#[test]
fn points_grades_are_measured_from_the_total_nearest_first() {
    let cat = common::catalog();
    let s = cat.get("t-cic-capability").unwrap();
    let plan = Plan::new(s, None, None).unwrap();
    // about 65 of 100: 三级 [60, 70); 二级 from 70 and 一级 from 85
    let e = plan.evaluate(&share(&plan, 0.65), false).unwrap();
    let score = e.total.score;
    assert!((60.0..70.0).contains(&score), "{score}");
    assert_eq!(e.grade.as_ref().unwrap().label, "三级");
    let d = distances(s, &e);
    assert_eq!(grade_codes(&d), ["二级", "一级"]);
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].condition, Condition::Total);
    assert_eq!(d[0].current, score);
    assert!(
        close(d[0].required, 70.0) && close(d[0].gap, 70.0 - score),
        "{d:?}"
    );
    assert!(!d[0].strict);
    assert!(
        close(d[1].required, 85.0) && close(d[1].gap, 85.0 - score),
        "{d:?}"
    );
    // no grade reached: every grade is measured, the lowest first
    let e = plan.evaluate(&share(&plan, 0.5), false).unwrap();
    assert!(e.grade.is_none());
    let d = distances(s, &e);
    assert_eq!(grade_codes(&d), ["三级", "二级", "一级"]);
    assert!(close(d[0].required, 60.0) && close(d[0].gap, 60.0 - e.total.score));
    // full marks: nothing left to reach
    let e = plan.evaluate(&common::fill(&plan, 1.0), false).unwrap();
    assert_eq!(distances(s, &e), []);
}

#[test]
fn digital_levels_count_the_indicators_below_a_level_and_the_open_band_edge() {
    let cat = common::catalog();
    let s = cat.get("t-sdditai-5121-2023").unwrap();
    let plan = Plan::new(s, Some("manufacturing"), None).unwrap();
    // every indicator at level 4 but five at level 3: the total lands in 第四级's band
    // (85, 95], but five indicators are below 第四级 where 3 are allowed: 第三级
    let a: BTreeMap<String, Value> = plan
        .leaves
        .iter()
        .enumerate()
        .map(|(n, l)| (l.ind.id.clone(), json!(if n < 5 { 3 } else { 4 })))
        .collect();
    let e = plan.evaluate(&a, false).unwrap();
    assert_eq!(e.grade.as_ref().unwrap().code, "3", "{:?}", e.grade_trace);
    let d = distances(s, &e);
    assert_eq!(grade_codes(&d), ["4", "5"]);
    let four: Vec<&Distance> = d
        .iter()
        .filter(|x| matches!(&x.target, Target::Grade { code, .. } if code == "4"))
        .collect();
    assert_eq!(four.len(), 1, "the total is in 第四级's band: {four:?}");
    assert_eq!(four[0].condition, Condition::BelowLevel);
    assert_eq!(
        (four[0].current, four[0].required, four[0].gap),
        (5.0, 3.0, 2.0)
    );
    let Target::Grade { label, .. } = &four[0].target else {
        panic!()
    };
    assert_eq!(
        label, "第四级：集成级",
        "the level as the standard prints it"
    );
    // 第五级: more than 95 (an open edge), and every indicator below level 5
    let five: Vec<&Distance> = d[1..].iter().collect();
    assert_eq!(five[0].condition, Condition::Total);
    assert!(five[0].strict && close(five[0].required, 95.0));
    assert!(close(five[0].gap, 95.0 - e.total.score) && five[0].gap > 0.0);
    let n = plan.leaves.len() as f64;
    assert_eq!(five[1].condition, Condition::BelowLevel);
    assert_eq!(
        (five[1].current, five[1].required, five[1].gap),
        (n, 3.0, n - 3.0)
    );
    // every indicator at level 0: 未达基础级, every level measured (第一级 needs all ≥ 1)
    let zero: BTreeMap<String, Value> = plan
        .leaves
        .iter()
        .map(|l| (l.ind.id.clone(), json!(0)))
        .collect();
    let e = plan.evaluate(&zero, false).unwrap();
    assert!(e.grade.is_none());
    let d = distances(s, &e);
    assert_eq!(grade_codes(&d), ["1", "2", "3", "4", "5"]);
    assert!(d
        .iter()
        .any(|x| x.condition == Condition::BelowLevel && x.current == n && x.required == 0.0));
}

const STARS: &str = "t11-aii-001-2020";

fn star_answers(
    plan: &Plan,
    f: impl Fn(&tianping_core::Indicator) -> f64,
) -> BTreeMap<String, Value> {
    plan.leaves
        .iter()
        .map(|l| (l.ind.id.clone(), json!(f(l.ind))))
        .collect()
}

#[test]
fn five_stars_need_the_composite_and_every_dimension_at_900() {
    let cat = common::catalog();
    let s = cat.get(STARS).unwrap();
    let plan = Plan::new(s, Some("tech-service"), None).unwrap();
    let e = plan
        .evaluate(&star_answers(&plan, |_| 85.0), false)
        .unwrap();
    assert_eq!(e.stars, Some(4));
    let d = distances(s, &e);
    let five: Vec<&Distance> = d
        .iter()
        .filter(|x| x.target == Target::Stars { stars: 5 })
        .collect();
    assert_eq!(five.len(), 1 + e.dimensions.len(), "{five:?}");
    assert_eq!(five[0].condition, Condition::Total);
    assert!(close(five[0].current, 850.0) && close(five[0].gap, 50.0));
    for (x, dim) in five[1..].iter().zip(&e.dimensions) {
        assert_eq!(
            x.condition,
            Condition::DimensionScore {
                dimension: dim.name.clone()
            }
        );
        assert!(close(x.required, 900.0) && close(x.gap, 50.0), "{x:?}");
    }
    // each dimension's next single star: 五星级 at 900
    let single: Vec<&Distance> = d
        .iter()
        .filter(|x| matches!(x.target, Target::DimensionStars { stars: 5, .. }))
        .collect();
    assert_eq!(single.len(), e.dimensions.len());
    assert!(single.iter().all(|x| close(x.gap, 50.0)));
    assert!(!d
        .iter()
        .any(|x| matches!(x.target, Target::Stars { stars: s } if s <= 4)));
}

#[test]
fn one_to_three_stars_are_measured_in_percentage_points_of_the_online_ratio() {
    let cat = common::catalog();
    let s = cat.get(STARS).unwrap();
    // project: 质量保证能力 has no online indicator and meets the online condition vacuously
    let plan = Plan::new(s, Some("project"), None).unwrap();
    let a = star_answers(&plan, |i| {
        if i.category == Some(Category::Online) {
            61.8
        } else {
            100.0
        }
    });
    let e = plan.evaluate(&a, false).unwrap();
    assert_eq!(e.stars, Some(1));
    let d = distances(s, &e);
    for (stars, required) in [(2u8, 65.0), (3, 70.0)] {
        let at: Vec<&Distance> = d
            .iter()
            .filter(|x| x.target == Target::Stars { stars })
            .collect();
        let with_online = e.dimensions.iter().filter(|x| !x.online_vacuous).count();
        assert_eq!(at.len(), with_online, "{stars}★: {at:?}");
        for x in at {
            let Condition::OnlineRatio { dimension } = &x.condition else {
                panic!("{x:?}")
            };
            assert_ne!(dimension, "质量保证能力", "vacuous: never measured");
            assert!(close(x.current, 61.8), "{x:?}");
            assert!(close(x.required, required) && close(x.gap, required - 61.8));
        }
    }
}

/// On random answers for every scheme and variant, the distances agree with the engine: every
/// grade above the one reached and every star level above the one supported has at least one
/// unmet condition, the reached ones have none, no gap is negative, and the distances
/// measured from the evaluation's stored text ([`Figures`]) are the same.
#[test]
fn distances_agree_with_the_engine_on_random_answers() {
    let cat = common::catalog();
    let mut rng = common::Rng(0x5eed_d157);
    // (a grade or star reached, one missed): both must occur for the test to say something
    let (mut reached_some, mut missed_some) = (false, false);
    for (sid, variant) in common::all_plans(&cat) {
        let s = cat.get(&sid).unwrap();
        let plan = Plan::new(s, variant.as_deref(), None).unwrap();
        for round in 0..40 {
            // mostly high answers, so that the better grades are near
            let a: BTreeMap<String, Value> = (0..plan.leaves.len())
                .map(|i| {
                    let v = common::random_value(&plan, i, &mut rng);
                    let hi = match plan.kind {
                        tianping_core::AnswerKind::Level => 5.0,
                        tianping_core::AnswerKind::Points => plan.leaves[i].answer_max,
                        tianping_core::AnswerKind::Coefficient => 100.0,
                    };
                    let v = if round % 2 == 0 {
                        hi - (hi - v) / 4.0
                    } else {
                        v
                    };
                    let v = match plan.kind {
                        tianping_core::AnswerKind::Level => v.round(),
                        tianping_core::AnswerKind::Points => (v * 2.0).round() / 2.0,
                        tianping_core::AnswerKind::Coefficient => v,
                    };
                    (plan.leaves[i].ind.id.clone(), json!(v))
                })
                .collect();
            let e = plan.evaluate(&a, false).unwrap();
            let d = distances(s, &e);
            let name = format!("{sid} {variant:?} round {round}");
            assert!(d.iter().all(|x| x.gap >= 0.0), "{name}: {d:?}");
            // measured from the stored text's figures alone (how a stored result is served),
            // the same distances
            let text = serde_json::to_string(&e).unwrap();
            let figures: Figures = serde_json::from_str(&text).unwrap();
            assert_eq!(measure(s, &figures), d, "{name}: from the stored text");
            let reached = e
                .grade
                .as_ref()
                .and_then(|g| s.grades.iter().position(|x| x.code == g.code))
                .unwrap_or(s.grades.len());
            reached_some |= reached < s.grades.len() || e.stars.is_some_and(|x| x > 0);
            missed_some |= reached > 0 || e.stars.is_some_and(|x| x < 5);
            for (k, g) in s.grades.iter().enumerate() {
                let has = d
                    .iter()
                    .any(|x| matches!(&x.target, Target::Grade { code, .. } if *code == g.code));
                assert_eq!(
                    has,
                    k < reached,
                    "{name}: grade {} (reached {:?})",
                    g.code,
                    e.grade
                );
            }
            if let Some(stars) = e.stars {
                for level in 1..=5u8 {
                    let has = d.iter().any(|x| x.target == Target::Stars { stars: level });
                    assert_eq!(has, level > stars, "{name}: {level}★ (supported {stars})");
                }
                for dim in &e.dimensions {
                    let next = d.iter().any(|x| {
                        x.target
                            == Target::DimensionStars {
                                dimension: dim.name.clone(),
                                stars: dim.stars + 1,
                            }
                    });
                    assert_eq!(next, dim.stars < 5, "{name}: {}", dim.name);
                }
            }
        }
    }
    assert!(reached_some && missed_some);
}
