//! Packed answers (issue 14): the fast path over a pack agrees with the full evaluation on
//! every shipped plan, with unanswered and not-counted (self-declared, unverified) answers,
//! and a pack written under one layout reads back under another by indicator id.

mod common;

use common::{all_plans, catalog, random_value, Rng};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use tianping_core::pack::{self, Layout, Remap};
use tianping_core::Plan;

#[test]
fn the_fast_path_over_a_pack_agrees_with_the_full_evaluation() {
    let cat = catalog();
    let mut rng = Rng(0xA5A5_1234_5678_9ABC);
    let mut checked = 0;
    for (sid, v) in all_plans(&cat) {
        let s = cat.get(&sid).unwrap();
        let plan = Plan::new(s, v.as_deref(), None).unwrap();
        for round in 0..40 {
            // round 0: nothing answered; then a mix of counted, unverified and missing
            let answers: BTreeMap<String, Value> = (0..plan.leaves.len())
                .filter_map(|i| {
                    let x = random_value(&plan, i, &mut rng);
                    let id = plan.leaves[i].ind.id.clone();
                    match (round, rng.below(6)) {
                        (0, _) | (_, 0) => None,
                        (_, 1) => Some((id, json!({"value": x, "source": "self"}))),
                        (_, 2) => Some((id, json!({"value": x, "source": "onsite"}))),
                        _ => Some((id, json!(x))),
                    }
                })
                .collect();
            let parsed = plan.parse_answers(&answers).unwrap();
            let full = plan.evaluate_parsed(&parsed);
            let mut values = Vec::new();
            pack::decode_into(&pack::encode(&pack::values_of(&parsed)), &mut values).unwrap();
            let q = plan.quick(&values);
            assert!(
                (q.total - full.total.score).abs() < 1e-6,
                "{sid} {v:?}: quick {} full {}",
                q.total,
                full.total.score
            );
            assert_eq!(
                q.stars as i64,
                full.stars.map(|x| x as i64).unwrap_or(0),
                "{sid} {v:?}"
            );
            assert_eq!(
                q.grade.map(|g| plan.scheme.grades[g].code.clone()),
                full.grade.as_ref().map(|g| g.code.clone()),
                "{sid} {v:?} round {round}: quick grade differs"
            );
            checked += 1;
        }
    }
    assert!(checked >= 200, "{checked}");
}

#[test]
fn a_pack_follows_its_indicators_into_another_layout() {
    let cat = catalog();
    let s = cat.get("t-cic-capability").unwrap();
    let plan = Plan::new(s, None, None).unwrap();
    let own = Layout::of(&plan);
    assert_eq!(own.map_to(&plan), Remap::Same);
    // the same answers stored in reverse order read back in the plan's order
    let rev = Layout {
        ids: own.ids.iter().rev().cloned().collect(),
    };
    let values: Vec<f64> = (0..own.ids.len()).map(|i| (i % 5) as f64).collect();
    let stored: Vec<f64> = values.iter().rev().copied().collect();
    let mut out = Vec::new();
    rev.map_to(&plan).apply(&stored, &mut out).unwrap();
    assert_eq!(out, values);
    // an answer to an indicator the plan no longer has is refused, naming its position
    let mut extra = rev.clone();
    extra.ids.push("no-such-indicator".into());
    let mut stored2 = stored.clone();
    stored2.push(3.0);
    assert_eq!(
        extra.map_to(&plan).apply(&stored2, &mut out),
        Err(own.ids.len())
    );
    stored2.pop();
    stored2.push(pack::NONE);
    assert!(extra.map_to(&plan).apply(&stored2, &mut out).is_ok());
}

/// Random answers: a mix of counted, unverified and missing, as in the first test.
fn mixed(plan: &Plan, rng: &mut Rng) -> BTreeMap<String, Value> {
    (0..plan.leaves.len())
        .filter_map(|i| {
            let x = random_value(plan, i, rng);
            let id = plan.leaves[i].ind.id.clone();
            match rng.below(6) {
                0 => None,
                1 => Some((id, json!({"value": x, "source": "self"}))),
                2 => Some((id, json!({"value": x, "source": "onsite"}))),
                _ => Some((id, json!(x))),
            }
        })
        .collect()
}

#[test]
fn a_save_sets_its_leaves_in_the_pack_as_a_full_re_score_would() {
    let cat = catalog();
    let mut rng = Rng(0x005E_ED0F_5A7E);
    let mut saves = 0;
    for (sid, v) in all_plans(&cat) {
        let s = cat.get(&sid).unwrap();
        let plan = Plan::new(s, v.as_deref(), None).unwrap();
        let mut answers = mixed(&plan, &mut rng);
        let mut values = pack::values_of(&plan.parse_answers(&answers).unwrap());
        for _ in 0..30 {
            // one save: a new value, a cleared answer, or an unverified one
            let i = rng.below(plan.leaves.len() as u64) as usize;
            let id = plan.leaves[i].ind.id.clone();
            let x = random_value(&plan, i, &mut rng);
            let value = match rng.below(4) {
                0 => Value::Null,
                1 => json!({"value": x, "source": "self"}),
                _ => json!(x),
            };
            let (at, parsed) = plan.parse_one(&id, &value).expect("a leaf of the plan");
            assert_eq!(at, i, "{sid}: the leaf's own position");
            values[i] = pack::value_of(&parsed.unwrap());
            if value.is_null() {
                answers.remove(&id);
            } else {
                answers.insert(id, value);
            }
            // the pack after the save is the pack of the whole new answer set, and so are
            // its figures
            let whole = plan.parse_answers(&answers).unwrap();
            assert_eq!(values, pack::values_of(&whole), "{sid} {v:?}");
            let full = plan.evaluate_parsed(&whole);
            let q = plan.quick(&values);
            assert!((q.total - full.total.score).abs() < 1e-6, "{sid} {v:?}");
            saves += 1;
        }
        // an indicator the plan does not score is no leaf of it; a wrong value is refused
        assert!(plan.parse_one("no-such-indicator", &json!(1)).is_none());
        let first = &plan.leaves[0].ind.id;
        assert!(matches!(
            plan.parse_one(first, &json!("x")),
            Some((0, Err(_)))
        ));
    }
    assert!(saves >= 150, "{saves}");
}

#[test]
fn an_indicator_is_found_by_id_as_the_scan_finds_it() {
    let cat = catalog();
    for s in &cat.schemes {
        for i in &s.indicators {
            assert_eq!(s.indicator(&i.id).map(|x| &x.id), Some(&i.id), "{}", s.id);
        }
        assert!(s.indicator("no-such-indicator").is_none(), "{}", s.id);
        // indicators changed after the index was built: still found where they are now
        let mut changed = s.clone();
        changed.indicators.reverse();
        let last = changed.indicators.last().unwrap().id.clone();
        assert_eq!(changed.indicator(&last).unwrap().id, last, "{}", s.id);
        changed.indicators.pop();
        assert!(changed.indicator(&last).is_none(), "{}", s.id);
    }
}
