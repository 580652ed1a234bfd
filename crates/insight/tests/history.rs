//! The results over time: the trend's points, the notes where the scheme or profile changed,
//! and the item changes between two results with their reasons, on a shipped scheme.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tianping_catalog::Catalog;
use tianping_core::engine::Evaluation;
use tianping_core::Plan;
use tianping_insight::history::{changes, parts, timeline, Entry, Reason};

fn evaluate(plan: &Plan, f: impl Fn(&str, f64) -> Option<Value>) -> Evaluation {
    let map: BTreeMap<String, Value> = plan
        .leaves
        .iter()
        .filter_map(|l| f(&l.ind.id, l.answer_max).map(|v| (l.ind.id.clone(), v)))
        .collect();
    plan.evaluate(&map, false).expect("valid answers")
}

#[test]
fn changes_between_two_results_name_each_item_and_why() {
    let cat = Catalog::load(None).unwrap();
    let s = cat.get("eepc-certification").unwrap();
    let plan = Plan::new(s, None, None).unwrap();
    let old = evaluate(&plan, |id, max| match id {
        "B.1-1" => Some(json!(0.0)),
        "B.1-2" => Some(json!(max)),
        "B.1-3" => None,
        _ => Some(json!(max)),
    });
    let new = evaluate(&plan, |id, max| match id {
        "B.1-1" => Some(json!(max)),
        "B.1-2" => None,
        "B.1-3" => Some(json!(0.5)),
        _ => Some(json!(max)),
    });
    let c = changes(&old, &new);
    let by = |id: &str| c.iter().find(|x| x.indicator == id).unwrap();
    assert_eq!(by("B.1-1").reason, Reason::AnswerChanged);
    assert_eq!(by("B.1-1").from, Some(0.0));
    assert_eq!(by("B.1-2").reason, Reason::Unanswered);
    assert_eq!(by("B.1-2").to, None);
    assert_eq!(by("B.1-3").reason, Reason::Answered);
    assert_eq!((by("B.1-3").earned_from, by("B.1-3").earned_to), (0.0, 0.5));
    assert_eq!(c.len(), 3, "{c:?}");
    // the same result: nothing changed
    assert!(changes(&new, &new).is_empty());
    // an indicator only in the later version, and one only in the earlier
    let mut older = old.clone();
    let gone = older.indicators.remove(0);
    let mut newer = new.clone();
    newer.indicators.retain(|i| i.id != "B.1-5");
    let c = changes(&older, &newer);
    assert!(c
        .iter()
        .any(|x| x.indicator == gone.id && x.reason == Reason::Added));
    assert!(c
        .iter()
        .any(|x| x.indicator == "B.1-5" && x.reason == Reason::Removed));
}

#[test]
fn the_timeline_notes_a_scheme_or_profile_change_between_points() {
    let cat = Catalog::load(None).unwrap();
    let s = cat.get("eepc-certification").unwrap();
    let plan = Plan::new(s, None, None).unwrap();
    let a = evaluate(&plan, |_, max| Some(json!((max / 2.0 * 2.0).floor() / 2.0)));
    let b = evaluate(&plan, |_, max| Some(json!(max)));
    let mut c = b.clone();
    c.scheme_version = "0123456789ab".into();
    let t = timeline(&[
        Entry {
            label: "2024-05-01",
            evaluation: &a,
        },
        Entry {
            label: "2025-05-01",
            evaluation: &b,
        },
        Entry {
            label: "2026-05-01",
            evaluation: &c,
        },
    ]);
    assert_eq!(t.points.len(), 3);
    assert!(t.points[0].total < t.points[1].total);
    assert_eq!(t.points[2].label, "2026-05-01");
    assert_eq!(
        t.points[1].grade.as_deref(),
        b.grade.as_ref().map(|g| g.label.as_str())
    );
    assert_eq!(t.notes.len(), 1, "{:?}", t.notes);
    let n = &t.notes[0];
    assert_eq!(
        (n.at, n.scheme_changed, n.profile_changed),
        (2, true, false)
    );
    assert_eq!(n.to_version, "0123456789ab");
    // the parts are the top categories in percent, named alike at every point
    assert_eq!(parts(&a).len(), parts(&b).len());
    assert!(parts(&b).iter().all(|(_, p)| (*p - 100.0).abs() < 1e-9));
}

#[test]
fn star_results_trend_by_dimension() {
    let cat = Catalog::load(None).unwrap();
    let s = cat.get("t11-aii-001-2020").unwrap();
    let plan = Plan::new(s, Some("tech-service"), None).unwrap();
    let e = evaluate(&plan, |_, _| Some(json!(70.0)));
    let p = parts(&e);
    assert_eq!(p.len(), e.dimensions.len());
    assert!(p
        .iter()
        .zip(&e.dimensions)
        .all(|((n, v), d)| *n == d.name && *v == d.score));
}
