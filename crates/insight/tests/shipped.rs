//! Known cases on the shipped schemes, the figures computed by hand from the tables.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tianping_catalog::Catalog;
use tianping_core::distance::{Condition, Target};
use tianping_core::{Answer, Plan};
use tianping_insight::{gap, parse_target, Action, GuidanceKind, Through};

fn catalog() -> Catalog {
    Catalog::load(None).expect("shipped schemes load")
}

/// Answers from a function of the indicator id and its maximum (None = unanswered).
fn answers(plan: &Plan, f: impl Fn(&str, f64) -> Option<Value>) -> Vec<Option<Answer>> {
    let map: BTreeMap<String, Value> = plan
        .leaves
        .iter()
        .filter_map(|l| f(&l.ind.id, l.answer_max).map(|v| (l.ind.id.clone(), v)))
        .collect();
    plan.parse_answers(&map).expect("valid answers")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn eepc_one_half_point_reaches_aaaaa() {
    // B.1 items add to 101.5 (I-2). B.1-50 (5 points) and B.1-3 (0.5) at 0, the rest full:
    // raw 96 → 96 × 100 / 101.5 = 94.58 (AAAA). AAAAA needs raw ≥ 95 × 1.015 = 96.425, on
    // the half-point grid 96.5: one change of half a point.
    let cat = catalog();
    let s = cat.get("eepc-certification").unwrap();
    let plan = Plan::new(s, None, None).unwrap();
    let a = answers(&plan, |id, max| {
        Some(json!(if id == "B.1-50" || id == "B.1-3" {
            0.0
        } else {
            max
        }))
    });
    let g = gap(&plan, &a, None).unwrap();
    assert_eq!(g.current.grade.as_ref().unwrap().code, "AAAA");
    assert!(close(g.current.total, 94.581281));
    assert_eq!(
        g.plan.target,
        Some(Target::Grade {
            code: "AAAAA".into(),
            label: s.grades[0].label.clone()
        })
    );
    assert_eq!(g.plan.changes.len(), 1);
    let c = &g.plan.changes[0];
    assert!(c.indicator == "B.1-50" || c.indicator == "B.1-3");
    assert_eq!((c.from, c.to, c.action), (Some(0.0), 0.5, Action::Raise));
    assert!(close(c.added, 0.5) && close(g.plan.added, 0.5));
    assert!(close(c.total, 0.5 * 100.0 / 101.5));
    assert!(g.plan.exact);
    let r = g.plan.result.as_ref().unwrap();
    assert_eq!(r.grade.as_ref().unwrap().code, "AAAAA");
    assert!(close(r.total, 96.5 * 100.0 / 101.5));
    assert_eq!(g.plan.conditions[0].condition, Condition::Total);
    assert_eq!(g.plan.conditions[0].required, 95.0);
    // at the top: no target, no changes
    let full = answers(&plan, |_, max| Some(json!(max)));
    let top = gap(&plan, &full, None).unwrap();
    assert_eq!(top.plan.target, None);
    assert!(top.plan.changes.is_empty() && top.plan.result.is_none());
    // a target not above the current grade: none
    let aaa = parse_target(&plan, "AAA").unwrap();
    let g = gap(&plan, &a, Some(&aaa)).unwrap();
    assert_eq!(g.plan.target, None);
    assert!(g.plan.changes.is_empty());
}

#[test]
fn capability_panel_has_to_give_the_full_points() {
    // 表A.1 items add to 99.5 (I-2). A1.4.1–A1.4.4 (3 each) and A1.3.1 (2.5) unanswered,
    // A1.1.1 by experts 2, 2.5, 2.5 (mean 2⅓), A1.1.2 by experts 2, 2, 2.5 (mean 2⅙), the
    // rest full: raw 99.5 − 14.5 − ⅙ − ⅓ = 84.5 → 84.92 (二级). 一级 needs raw ≥ 84.575:
    // the cheapest change is the panel of A1.1.1 giving 2.5 (+⅙), not half a point elsewhere.
    let cat = catalog();
    let s = cat.get("t-cic-capability").unwrap();
    let plan = Plan::new(s, None, None).unwrap();
    let a = answers(&plan, |id, max| match id {
        "A1.4.1" | "A1.4.2" | "A1.4.3" | "A1.4.4" | "A1.3.1" => None,
        "A1.1.1" => Some(json!({"experts": [2.0, 2.5, 2.5]})),
        "A1.1.2" => Some(json!({"experts": [2.0, 2.0, 2.5]})),
        _ => Some(json!(max)),
    });
    let g = gap(&plan, &a, None).unwrap();
    assert_eq!(g.current.grade.as_ref().unwrap().code, "二级");
    assert!(close(g.current.total, 84.5 * 100.0 / 99.5));
    assert_eq!(g.plan.changes.len(), 1);
    let c = &g.plan.changes[0];
    assert_eq!(c.indicator, "A1.1.1");
    assert!(close(c.from.unwrap(), 7.0 / 3.0));
    assert_eq!(c.to, 2.5);
    assert_eq!(
        c.through,
        Some(Through::ExpertPanel {
            mean: 2.5,
            min_experts: 3
        })
    );
    assert!(close(c.added, 1.0 / 6.0));
    assert!(c
        .guidance
        .iter()
        .any(|x| x.kind == GuidanceKind::Requirement));
    assert!(g.plan.exact);
    let r = g.plan.result.as_ref().unwrap();
    assert_eq!(r.grade.as_ref().unwrap().code, "一级");
    assert!(close(r.total, (84.5 + 1.0 / 6.0) * 100.0 / 99.5));
    // questionnaire items (I-13: max × (mean − 1) / 4): A1.2.13 and A1.2.15 with responses
    // 1, 1, 2 (⅟₁₂ of a point each), A1.4.1–A1.4.3, A1.4.8, A1.1.4 unanswered (13.5), the
    // rest full: raw 99.5 − 13.5 − 2 × 11/12 = 84.1667 (二级); 一级 needs 0.4083 more, which
    // one questionnaire reaching a mean of 3 gives (+5/12), cheaper than any half point.
    let a = answers(&plan, |id, max| match id {
        "A1.4.1" | "A1.4.2" | "A1.4.3" | "A1.4.8" | "A1.1.4" => None,
        "A1.2.13" | "A1.2.15" => Some(json!({"likert": [1, 1, 2]})),
        _ => Some(json!(max)),
    });
    let t = parse_target(&plan, "一级").unwrap();
    let g = gap(&plan, &a, Some(&t)).unwrap();
    assert_eq!(g.current.grade.as_ref().unwrap().code, "二级");
    assert_eq!(g.plan.changes.len(), 1);
    let c = &g.plan.changes[0];
    assert!(c.indicator == "A1.2.13" || c.indicator == "A1.2.15");
    assert_eq!(c.to, 0.5);
    assert_eq!(c.through, Some(Through::Questionnaire { mean: 3.0 }));
    assert!(close(c.added, 5.0 / 12.0) && g.plan.exact);
    let r = g.plan.result.as_ref().unwrap();
    assert_eq!(r.grade.as_ref().unwrap().code, "一级");
}

#[test]
fn sdditai_level_four_needs_twenty_three_leaves_raised() {
    // 表1 (manufacturing), every leaf at level 3: total 85 % — in (70, 85], level 3. Level 4
    // needs the total above 85 and at most 3 leaves below level 4, so 23 of the 26 leaves
    // reach level 4; the cheapest leaves the 3 heaviest (T1.1.3.1 7.5 %, T1.3.2.1 7 %,
    // T1.2.1.1 6.3 %) and adds 10 % of the others' weight: 0.1 × 79.2 = 7.92.
    let cat = catalog();
    let s = cat.get("t-sdditai-5121-2023").unwrap();
    let plan = Plan::new(s, Some("manufacturing"), None).unwrap();
    let a = answers(&plan, |_, _| Some(json!(3)));
    let g = gap(&plan, &a, None).unwrap();
    assert_eq!(g.current.grade.as_ref().unwrap().code, "3");
    assert!(close(g.current.total, 85.0));
    assert_eq!(g.plan.changes.len(), 23);
    for heavy in ["T1.1.3.1", "T1.3.2.1", "T1.2.1.1"] {
        assert!(g.plan.changes.iter().all(|c| c.indicator != heavy));
    }
    assert!(g
        .plan
        .changes
        .iter()
        .all(|c| c.from == Some(3.0) && c.to == 4.0));
    assert!(close(g.plan.added, 7.92));
    assert!(g.plan.exact);
    let c = &g.plan.changes[0];
    assert!(c
        .effects
        .iter()
        .any(|e| e.condition == Condition::BelowLevel && e.delta == -1.0));
    let level = c
        .guidance
        .iter()
        .find(|x| x.kind == GuidanceKind::Level)
        .unwrap();
    assert_eq!(level.title, "第4级");
    let r = g.plan.result.as_ref().unwrap();
    assert_eq!(r.grade.as_ref().unwrap().code, "4");
    assert!(close(r.total, 92.92));
}

#[test]
fn sdditai_step_down_needs_one_leaf() {
    // Every leaf at 5 but four at 0 (T1.2.2.2, T1.2.5.1, T1.2.5.3 at 1.89 % and T1.1.1.1 at
    // 2 %): total 92.33 % is in level 4's band, but 4 leaves are below level 4 (3 allowed),
    // so the result steps down to level 3 (I-7). Level 4 needs one of them at level 4: a
    // 1.89 % leaf, adding 0.95 × 1.89 = 1.7955.
    let cat = catalog();
    let s = cat.get("t-sdditai-5121-2023").unwrap();
    let plan = Plan::new(s, Some("manufacturing"), None).unwrap();
    let zeros = ["T1.2.2.2", "T1.2.5.1", "T1.2.5.3", "T1.1.1.1"];
    let a = answers(&plan, |id, _| {
        Some(json!(if zeros.contains(&id) { 0 } else { 5 }))
    });
    let g = gap(&plan, &a, None).unwrap();
    assert_eq!(g.current.grade.as_ref().unwrap().code, "3");
    assert!(close(g.current.total, 92.33));
    assert_eq!(g.plan.changes.len(), 1);
    let c = &g.plan.changes[0];
    assert!(zeros[..3].contains(&c.indicator.as_str()));
    assert_eq!((c.from, c.to), (Some(0.0), 4.0));
    assert!(close(g.plan.added, 1.7955));
    assert!(g.plan.exact && g.plan.via.is_none());
    let r = g.plan.result.as_ref().unwrap();
    assert_eq!(r.grade.as_ref().unwrap().code, "4");
}

#[test]
fn t11_four_stars_from_seventy_percent_everywhere() {
    // platform (A.1–A.5: 61, 23, 23, 11, 92 indicators), every answer 70 %: each dimension
    // 700, online ratios 70 % → 3★. 4★ needs every dimension at 800: 100 more points, i.e.
    // 10 × n coefficient points, at most 30 per indicator: ⌈n / 3⌉ changes per dimension,
    // 21 + 8 + 8 + 4 + 31 = 72 in all, adding 5 × 100 dimension points.
    let cat = catalog();
    let s = cat.get("t11-aii-001-2020").unwrap();
    let plan = Plan::new(s, Some("platform"), None).unwrap();
    let a = answers(&plan, |_, _| Some(json!(70)));
    let g = gap(&plan, &a, None).unwrap();
    assert_eq!(g.current.stars, Some(3));
    assert_eq!(g.plan.target, Some(Target::Stars { stars: 4 }));
    assert_eq!(g.plan.changes.len(), 72);
    assert!(close(g.plan.added, 500.0));
    assert!(g.plan.exact);
    // the composite (20 % per dimension) gains 100; each change's effect is rounded
    let composite: f64 = g.plan.changes.iter().map(|c| c.total).sum();
    assert!((composite - 100.0).abs() < 1e-4, "{composite}");
    let r = g.plan.result.as_ref().unwrap();
    assert_eq!(r.stars, Some(4));
    assert!(r.dimensions.iter().all(|d| close(d.score, 800.0)));
    let band = g.plan.changes[0]
        .guidance
        .iter()
        .find(|x| x.kind == GuidanceKind::Band)
        .unwrap();
    assert!(band.title.contains('%'));
    // each dimension's next single star: 4★ at 800, the same changes per dimension
    assert_eq!(g.dimension_plans.len(), 5);
    for (p, k) in g.dimension_plans.iter().zip([21, 8, 8, 4, 31]) {
        assert_eq!(p.changes.len(), k);
        assert!(close(p.added, 100.0) && p.exact);
        assert!(matches!(
            p.target,
            Some(Target::DimensionStars { stars: 4, .. })
        ));
    }
}

#[test]
fn t11_self_answers_count_once_verified() {
    // platform, every answer 100 % but A.4's 7 线上 indicators, self-declared at 100 % and not
    // verified: A.4 scores 4 / 11 × 1000 = 363.64 with an online ratio of 0 → no star. 1★
    // needs A.4's online ratio at 60 %: ⌈0.6 × 7⌉ = 5 answers verified, each 1000 / 11
    // dimension points.
    let cat = catalog();
    let s = cat.get("t11-aii-001-2020").unwrap();
    let plan = Plan::new(s, Some("platform"), None).unwrap();
    let online = |id: &str| {
        plan.leaves.iter().any(|l| {
            l.ind.id == id
                && l.ind.table == "A.4"
                && l.ind.category == Some(tianping_core::Category::Online)
        })
    };
    let a = answers(&plan, |id, _| {
        Some(if online(id) {
            json!({"value": 100, "source": "self"})
        } else {
            json!(100)
        })
    });
    let g = gap(&plan, &a, None).unwrap();
    assert_eq!(g.current.stars, Some(0));
    assert_eq!(g.plan.target, Some(Target::Stars { stars: 1 }));
    assert_eq!(g.plan.changes.len(), 5);
    for c in &g.plan.changes {
        assert_eq!(c.action, Action::Verify);
        assert!(!c.from_counted && c.from == Some(100.0) && c.to == 100.0);
        assert!(close(c.added, 1000.0 / 11.0));
    }
    assert!(g.plan.exact);
    // every dimension's online ratio is a condition; only 市场实力's is short
    assert_eq!(g.plan.conditions.len(), 5);
    let cond = g
        .plan
        .conditions
        .iter()
        .find(|c| c.current < c.required)
        .unwrap();
    assert_eq!(
        cond.condition,
        Condition::OnlineRatio {
            dimension: "市场实力".into()
        }
    );
    assert!(close(cond.current, 0.0) && close(cond.after, 500.0 / 7.0));
    // A.4's single star: 500 points, two verifications (545.45)
    let p = g
        .dimension_plans
        .iter()
        .find(|p| {
            matches!(&p.target, Some(Target::DimensionStars { dimension, stars: 1 })
                if dimension == "市场实力")
        })
        .unwrap();
    assert_eq!(p.changes.len(), 2);
    assert!(close(p.added, 2000.0 / 11.0));
    // the other dimensions are at 5★: no plan for them
    assert_eq!(g.dimension_plans.len(), 1);
}

#[test]
fn targets_are_read_as_people_write_them() {
    let cat = catalog();
    let t11 = cat.get("t11-aii-001-2020").unwrap();
    let plan = Plan::new(t11, Some("platform"), None).unwrap();
    for (text, stars) in [("4", 4), ("4星", 4), ("四星级", 4), ("★★", 2), ("5★", 5)] {
        assert_eq!(
            parse_target(&plan, text).unwrap(),
            Target::Stars { stars },
            "{text}"
        );
    }
    assert_eq!(
        parse_target(&plan, "企业信用：3").unwrap(),
        Target::DimensionStars {
            dimension: "企业信用".into(),
            stars: 3
        }
    );
    let e = parse_target(&plan, "6").unwrap_err();
    assert!(e.0.contains("1 至 5"), "{e}");
    let e = parse_target(&plan, "信用:3").unwrap_err();
    assert!(e.0.contains("企业信用"), "{e}");
    let s = cat.get("t-sdditai-5121-2023").unwrap();
    let plan = Plan::new(s, Some("manufacturing"), None).unwrap();
    for text in ["4", "第四级", "第四级：集成级"] {
        assert!(
            matches!(parse_target(&plan, text).unwrap(),
            Target::Grade { code, .. } if code == "4"),
            "{text}"
        );
    }
    let e = parse_target(&plan, "AAA").unwrap_err();
    assert!(e.0.contains("第五级"), "{e}");
    let sme = cat.get("sme-service-2020").unwrap();
    let plan = Plan::new(sme, None, None).unwrap();
    assert!(parse_target(&plan, "一级")
        .unwrap_err()
        .0
        .contains("不评等级"));
}
