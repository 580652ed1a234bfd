//! T11/AII 001-2020: stars, online ratios, application rules (I-5, I-6) and profiles.

mod common;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tianping_core::stars::{apply_rules, Application, Mode};
use tianping_core::{Plan, Profile};

const SID: &str = "t11-aii-001-2020";

fn answers(plan: &Plan, f: impl Fn(&tianping_core::Indicator) -> Value) -> BTreeMap<String, Value> {
    plan.leaves
        .iter()
        .map(|l| (l.ind.id.clone(), f(l.ind)))
        .collect()
}

#[test]
fn single_stars_at_every_threshold() {
    let cat = common::catalog();
    let s = cat.get(SID).unwrap();
    let plan = Plan::new(s, Some("platform"), None).unwrap();
    for (c, stars) in [
        (49.99, 0),
        (50.0, 1),
        (59.99, 1),
        (60.0, 2),
        (70.0, 3),
        (80.0, 4),
        (89.99, 4),
        (90.0, 5),
    ] {
        let e = plan.evaluate(&answers(&plan, |_| json!(c)), false).unwrap();
        for d in &e.dimensions {
            assert_eq!(d.stars, stars, "coefficient {c}: {} {}", d.name, d.score);
        }
    }
}

#[test]
fn online_ratio_decides_one_to_three_stars_and_names_the_failing_dimension() {
    let cat = common::catalog();
    let s = cat.get(SID).unwrap();
    let plan = Plan::new(s, Some("platform"), None).unwrap();
    // Offline and combined indicators at 100 %, online ones at x: the online ratio is x.
    for (x, stars) in [
        (59.0, 0u8),
        (60.0, 1),
        (64.0, 1),
        (65.0, 2),
        (69.0, 2),
        (70.0, 3),
    ] {
        let a = answers(&plan, |i| {
            json!(if i.category == Some(tianping_core::Category::Online) {
                x
            } else {
                100.0
            })
        });
        let e = plan.evaluate(&a, false).unwrap();
        for d in &e.dimensions {
            assert!((d.online_ratio.unwrap() - x).abs() < 1e-9);
        }
        // Some dimension stays below 800 for these x, so 4★/5★ cannot be the reason.
        assert!(e.dimensions.iter().any(|d| d.score < 800.0), "x={x}");
        assert_eq!(e.stars, Some(stars), "x={x}");
        if stars < 3 {
            let why = &e.stars_explained.as_ref().unwrap().reason;
            assert!(why.contains("线上指标得分率低于"), "{why}");
            assert!(why.contains("企业信用"), "{why}");
        }
    }
}

#[test]
fn four_and_five_stars_need_every_dimension_too() {
    let cat = common::catalog();
    let s = cat.get(SID).unwrap();
    let plan = Plan::new(s, Some("odm-oem"), None).unwrap();
    // All 100 except the 云能力 table at 89.9 %: composite ≥ 900, one dimension below.
    let cloud = s
        .tables
        .iter()
        .find(|t| {
            t.variant.as_deref() == Some("odm-oem") && t.dimension.as_deref() == Some("云能力")
        })
        .unwrap();
    let a = answers(&plan, |i| {
        json!(if i.table == cloud.key { 89.9 } else { 100.0 })
    });
    let e = plan.evaluate(&a, false).unwrap();
    assert!(e.composite.unwrap() >= 900.0);
    assert_eq!(e.stars, Some(4));
    let why = &e.stars_explained.as_ref().unwrap().reason;
    assert!(
        why.contains("未达五星级") && why.contains("云能力"),
        "{why}"
    );
    // Composite exactly 800 with every dimension at 800 → 4★.
    let e = plan
        .evaluate(&answers(&plan, |_| json!(80.0)), false)
        .unwrap();
    assert_eq!(e.composite, Some(800.0));
    assert_eq!(e.stars, Some(4));
}

#[test]
fn a_dimension_without_online_indicators_meets_the_online_condition_vacuously() {
    let cat = common::catalog();
    let s = cat.get(SID).unwrap();
    let plan = Plan::new(s, Some("project"), None).unwrap();
    let e = plan
        .evaluate(&answers(&plan, |_| json!(62.0)), false)
        .unwrap();
    let q = e
        .dimensions
        .iter()
        .find(|d| d.name == "质量保证能力")
        .unwrap();
    assert!(q.online_vacuous);
    assert_eq!(q.online_ratio, None);
    assert_eq!(e.stars, Some(1));
    let one = e
        .stars_explained
        .unwrap()
        .checks
        .into_iter()
        .find(|c| c.stars == 1)
        .unwrap();
    assert!(
        one.met && one.reason.contains("没有线上指标"),
        "{}",
        one.reason
    );
}

#[test]
fn unverified_self_declared_answers_do_not_count() {
    let cat = common::catalog();
    let s = cat.get(SID).unwrap();
    let plan = Plan::new(s, Some("platform"), None).unwrap();
    let first = plan.leaves[0].ind.id.clone();
    let mut a = answers(&plan, |_| json!(100.0));
    a.insert(
        first.clone(),
        json!({"value": 100, "source": "self", "verified": false}),
    );
    let e = plan.evaluate(&a, false).unwrap();
    assert_eq!(e.not_counted, vec![first.clone()]);
    assert!(e.composite.unwrap() < 1000.0);
    assert!(e.warnings.iter().any(|w| w.contains("未经核验")));
    // Verified by the platform, it counts.
    a.insert(first.clone(), json!({"value": 100, "source": "platform"}));
    let e = plan.evaluate(&a, false).unwrap();
    assert!(e.not_counted.is_empty());
    assert_eq!(e.composite, Some(1000.0));
    // Self-declared and verified on site counts as well.
    a.insert(
        first,
        json!({"value": 100, "source": "self", "verified": true}),
    );
    assert_eq!(plan.evaluate(&a, false).unwrap().composite, Some(1000.0));
}

#[test]
fn application_rules() {
    let app = |current, first, mode| Application {
        current_stars: current,
        first_application: first,
        mode,
    };
    // A first application is capped at 1★.
    let g = apply_rules(app(0, true, Mode::Onsite), 5, &[]);
    assert_eq!(g.stars, 1);
    assert!(g.reasons[0].contains("首次申请"));
    // No stars held counts as a first application.
    assert_eq!(
        apply_rules(app(0, false, Mode::SelfEvaluation), 3, &[]).stars,
        1
    );
    // 1★ → 2★ or 3★ by online self-evaluation.
    assert_eq!(
        apply_rules(app(1, false, Mode::SelfEvaluation), 2, &[]).stars,
        2
    );
    assert_eq!(
        apply_rules(app(1, false, Mode::SelfEvaluation), 5, &[]).stars,
        3
    );
    // 2★ cannot go to 4★, even with an on-site audit.
    assert_eq!(apply_rules(app(2, false, Mode::Onsite), 4, &[]).stars, 3);
    // Self-evaluation cannot exceed 3★.
    let g = apply_rules(app(3, false, Mode::SelfEvaluation), 5, &[]);
    assert_eq!(g.stars, 3);
    assert!(g.dimension_stars.is_none() && !g.stages_issued);
    // 3★ with self-evaluation and on-site audit → 4★/5★ as the result supports.
    let g = apply_rules(app(3, false, Mode::Onsite), 5, &[]);
    assert_eq!(g.stars, 5);
    assert!(g.dimension_stars.is_some() && g.stages_issued);
    // A weaker result at surveillance lowers the star.
    let g = apply_rules(app(4, false, Mode::Onsite), 2, &[]);
    assert_eq!(g.stars, 2);
    assert!(g.reasons.iter().any(|r| r.contains("降为")));
}

fn odm_profile(extra: &str) -> Result<(), String> {
    let cat = common::catalog();
    let s = cat.get(SID).unwrap();
    let p = Profile::parse(
        "odm.toml",
        &format!("name = \"测试配置\"\nscheme = \"{SID}\"\nvariant = \"odm-oem\"\n{extra}"),
    )?;
    Plan::new(s, Some("odm-oem"), Some(&p))
        .map(|_| ())
        .map_err(|e| e.0)
}

#[test]
fn profile_validation_names_the_dimension() {
    let w = "[group_weights]\n\"企业信用\" = 30\n\"质量保证能力\" = 20\n\"需求匹配能力\" = 20\n\"市场实力\" = 20\n\"云能力\" = 20\n";
    let e = odm_profile(w).unwrap_err();
    assert!(e.contains("110%"), "{e}");
    let e = odm_profile("[group_weights]\n\"企业信用\" = 100\n").unwrap_err();
    assert!(e.contains("缺少维度"), "{e}");
    let e = odm_profile("[indicator_weights.\"市场实力\"]\n\"D1.4-1\" = 1000\n").unwrap_err();
    assert!(e.contains("市场实力") && e.contains("缺少指标"), "{e}");
    let e = odm_profile("[indicator_weights.\"销售\"]\n\"D2.5-1\" = 1000\n").unwrap_err();
    assert!(e.contains("不是本方案的维度"), "{e}");
    let e = odm_profile("exclude = [\"A.1-1\"]\n").unwrap_err();
    assert!(e.contains("A.1-1"), "{e}");
}

#[test]
fn profile_weights_change_the_result_and_are_traced() {
    let cat = common::catalog();
    let s = cat.get(SID).unwrap();
    let base = Plan::new(s, Some("odm-oem"), None).unwrap();
    let market: Vec<String> = base
        .leaves
        .iter()
        .filter(|l| l.ind.table == "D1.4")
        .map(|l| l.ind.id.clone())
        .collect();
    // All weight of 市场实力 on its first indicator; X1 (企业信用) at 60 %.
    let mut text = format!(
        "name = \"重点配置\"\nscheme = \"{SID}\"\nvariant = \"odm-oem\"\nexclude = [\"D1.1-53\"]\n"
    );
    text.push_str("[group_weights]\n\"企业信用\" = 60\n\"质量保证能力\" = 10\n\"需求匹配能力\" = 10\n\"市场实力\" = 10\n\"云能力\" = 10\n");
    text.push_str("[indicator_weights.\"市场实力\"]\n");
    for (i, id) in market.iter().enumerate() {
        text.push_str(&format!("\"{id}\" = {}\n", if i == 0 { 1000 } else { 0 }));
    }
    let p = Profile::parse("focus.toml", &text).unwrap();
    let plan = Plan::new(s, Some("odm-oem"), Some(&p)).unwrap();
    let a = answers(&plan, |i| {
        json!(if i.table == "D1.4" && i.id != market[0] {
            0.0
        } else {
            100.0
        })
    });
    let e = plan.evaluate(&a, false).unwrap();
    let m = e.dimensions.iter().find(|d| d.name == "市场实力").unwrap();
    assert_eq!(m.score, 1000.0);
    assert_eq!(
        e.dimensions
            .iter()
            .find(|d| d.name == "企业信用")
            .unwrap()
            .weight,
        60.0
    );
    assert_eq!(e.profile.as_ref().unwrap().hash, p.hash);
    assert_eq!(e.excluded, vec!["D1.1-53"]);
    assert!(!plan.leaves.iter().any(|l| l.ind.id == "D1.1-53"));
}

#[test]
fn stages_report_a_score_and_a_band() {
    let cat = common::catalog();
    let s = cat.get(SID).unwrap();
    let plan = Plan::new(s, Some("odm-oem"), None).unwrap();
    let e = plan
        .evaluate(&answers(&plan, |_| json!(40.0)), false)
        .unwrap();
    assert_eq!(e.stages.len(), 7);
    let logistics = e.stages.iter().find(|s| s.stage == "物流").unwrap();
    assert_eq!(logistics.table, "D2.6");
    assert_eq!(logistics.score, 40.0);
    assert_eq!(logistics.band.as_deref(), Some("40%～60%"));
    // Stage answers do not move the capability composite.
    assert_eq!(e.composite, Some(400.0));
}
