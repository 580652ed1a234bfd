//! Properties every shipped scheme must have.

mod common;

use common::{all_plans, catalog, fill, random_value, Rng};
use serde_json::json;
use std::collections::BTreeMap;
use tianping_core::{AnswerKind, Plan};

/// Rank of a result: grade position (lower index = better) or stars; higher rank = better.
fn rank(plan: &Plan, e: &tianping_core::Evaluation) -> i64 {
    if let Some(st) = e.stars {
        return st as i64;
    }
    match &e.grade {
        Some(g) => {
            let n = plan.scheme.grades.len() as i64;
            n - plan
                .scheme
                .grades
                .iter()
                .position(|x| x.code == g.code)
                .unwrap() as i64
        }
        None => 0,
    }
}

#[test]
fn raising_one_answer_never_lowers_total_or_grade() {
    let cat = catalog();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut checked = 0;
    for (sid, v) in all_plans(&cat) {
        let s = cat.get(&sid).unwrap();
        let plan = Plan::new(s, v.as_deref(), None).unwrap();
        for _round in 0..3 {
            let base: Vec<f64> = (0..plan.leaves.len())
                .map(|i| random_value(&plan, i, &mut rng))
                .collect();
            let to_map = |vals: &[f64]| -> BTreeMap<String, serde_json::Value> {
                plan.leaves
                    .iter()
                    .zip(vals)
                    .map(|(l, v)| (l.ind.id.clone(), json!(v)))
                    .collect()
            };
            let e0 = plan.evaluate(&to_map(&base), false).unwrap();
            // Every leaf for small plans; a deterministic sample of 120 for the large 000 plans.
            let n = plan.leaves.len();
            let picks: Vec<usize> = if n <= 120 {
                (0..n).collect()
            } else {
                (0..120).map(|_| rng.below(n as u64) as usize).collect()
            };
            for i in picks {
                let max = match plan.kind {
                    AnswerKind::Points => plan.leaves[i].answer_max,
                    AnswerKind::Level => 5.0,
                    AnswerKind::Coefficient => 100.0,
                };
                if base[i] >= max {
                    continue;
                }
                let mut up = base.clone();
                up[i] = max;
                let e1 = plan.evaluate(&to_map(&up), false).unwrap();
                assert!(
                    e1.total.score + 1e-9 >= e0.total.score,
                    "{sid} {v:?}: raising {} lowered the total {} → {}",
                    plan.leaves[i].ind.id,
                    e0.total.score,
                    e1.total.score
                );
                assert!(
                    rank(&plan, &e1) >= rank(&plan, &e0),
                    "{sid} {v:?}: raising {} lowered the grade",
                    plan.leaves[i].ind.id
                );
                // Also: the fast path agrees with the full path on random answers.
                let q = plan.quick(&up);
                assert!((q.total - e1.total.score).abs() < 1e-6);
                assert_eq!(q.stars as i64, e1.stars.map(|x| x as i64).unwrap_or(0));
                if e1.stars.is_none() {
                    assert_eq!(
                        q.grade.map(|g| plan.scheme.grades[g].code.clone()),
                        e1.grade.as_ref().map(|g| g.code.clone()),
                        "{sid}: quick grade differs"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} raises checked");
}

#[test]
fn all_maximum_answers_reach_the_top_grade() {
    let cat = catalog();
    for (sid, v) in all_plans(&cat) {
        let s = cat.get(&sid).unwrap();
        let plan = Plan::new(s, v.as_deref(), None).unwrap();
        let x = match plan.kind {
            AnswerKind::Points => 1.0,
            AnswerKind::Level => 5.0,
            AnswerKind::Coefficient => 100.0,
        };
        let e = plan.evaluate(&fill(&plan, x), true).unwrap();
        assert!(
            (e.total.score - e.total.scale).abs() < 1e-6,
            "{sid} {v:?}: all-max total {} ≠ scale {}",
            e.total.score,
            e.total.scale
        );
        if let Some(top) = s.grades.first() {
            assert_eq!(
                e.grade.as_ref().map(|g| &g.code),
                Some(&top.code),
                "{sid} {v:?}"
            );
        }
        if s.stars.is_some() {
            assert_eq!(e.stars, Some(5), "{sid} {v:?}");
            assert!(e.dimensions.iter().all(|d| d.stars == 5));
        }
        assert!(e.unanswered.is_empty());
    }
}

#[test]
fn unanswered_score_zero_and_are_listed_and_strict_refuses_them() {
    let cat = catalog();
    let s = cat.get("t-cic-capability").unwrap();
    let plan = Plan::new(s, None, None).unwrap();
    let mut answers = fill(&plan, 1.0);
    let gone = plan.leaves[0].ind.id.clone();
    answers.remove(&gone);
    let e = plan.evaluate(&answers, false).unwrap();
    assert_eq!(e.unanswered, vec![gone.clone()]);
    assert!(e.total.raw < e.total.max);
    let err = plan.evaluate(&answers, true).unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].indicator, gone);
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let cat = catalog();
    let s = cat.get("t11-aii-001-2020").unwrap();
    let plan = Plan::new(s, Some("odm-oem"), None).unwrap();
    let answers = fill(&plan, 73.0);
    let a = serde_json::to_string(&plan.evaluate(&answers, false).unwrap()).unwrap();
    let b = serde_json::to_string(&plan.evaluate(&answers, false).unwrap()).unwrap();
    assert_eq!(a, b);
}
