//! 003 I-10: special indicators added by a profile, and the composite with the basic score.

mod common;

use serde_json::json;
use tianping_core::{Plan, Profile};

const PROFILE: &str = r#"
name = "含专项指标的认证方案"
scheme = "eepc-certification"

[[special]]
id = "S1"
name = "售后服务体系完善程度"
points = 60
clause = "GB/T 27922"

[[special]]
id = "S2"
name = "商品售后服务评价"
points = 40
"#;

#[test]
fn special_indicators_make_a_composite() {
    let cat = common::catalog();
    let s = cat.get("eepc-certification").unwrap();
    let p = Profile::parse("special.toml", PROFILE).unwrap();
    let plan = Plan::new(s, None, Some(&p)).unwrap();
    let mut a = common::fill(&plan, 1.0);
    a.insert("S1".into(), json!(30));
    a.insert("S2".into(), json!(20));
    let e = plan.evaluate(&a, false).unwrap();
    let parts = e.parts.as_ref().expect("parts shown");
    assert_eq!(parts.basic, 100.0);
    assert_eq!(parts.special, 50.0);
    assert_eq!(e.total.score, 75.0);
    assert_eq!(e.composite, Some(75.0));
    assert_eq!(e.grade.as_ref().unwrap().code, "AA");
    assert!(parts.reason.contains("0.5 × 基本指标 100"));
    // The fast path agrees.
    let values: Vec<f64> = plan
        .leaves
        .iter()
        .map(|l| a[&l.ind.id].as_f64().unwrap())
        .collect();
    assert_eq!(plan.quick(&values).total, 75.0);
    // Without special indicators the composite is the basic score.
    let plain = Plan::new(s, None, None).unwrap();
    let e = plain.evaluate(&common::fill(&plain, 1.0), false).unwrap();
    assert!(e.parts.is_none());
    assert_eq!(e.total.score, 100.0);
}

#[test]
fn composite_weights_are_checked() {
    let bad = format!("{PROFILE}\n[composite_weights]\nbasic = 0.7\nspecial = 0.4\n");
    let e = Profile::parse("w.toml", &bad).unwrap_err();
    assert!(e.contains("合计 1"), "{e}");
    let ok = format!("{PROFILE}\n[composite_weights]\nbasic = 0.7\nspecial = 0.3\n");
    let p = Profile::parse("w.toml", &ok).unwrap();
    assert_eq!(p.basic_weight, 0.7);
    // Special indicators are for points schemes only.
    let cat = common::catalog();
    let other = PROFILE.replace("eepc-certification", "t-sdditai-5121-2023");
    let p = Profile::parse("x.toml", &other).unwrap();
    let err = Plan::new(
        cat.get("t-sdditai-5121-2023").unwrap(),
        Some("manufacturing"),
        Some(&p),
    )
    .unwrap_err();
    assert!(err.0.contains("I-10"), "{}", err.0);
    // An id clashing with a checklist item is refused.
    let clash = PROFILE.replace("id = \"S1\"", "id = \"B.1-1\"");
    let p = Profile::parse("c.toml", &clash).unwrap();
    let err = Plan::new(cat.get("eepc-certification").unwrap(), None, Some(&p)).unwrap_err();
    assert!(err.0.contains("B.1-1"), "{}", err.0);
}
