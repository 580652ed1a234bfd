//! Data-driven golden cases (tests/golden/cases.toml): answers → expected total and grade
//! or stars, covering every grade boundary of the shipped schemes.

mod common;

use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use tianping_core::Plan;

#[derive(Deserialize)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    scheme: String,
    variant: Option<String>,
    all: Option<f64>,
    #[serde(default)]
    set: BTreeMap<String, f64>,
    #[serde(default)]
    set_tables: BTreeMap<String, f64>,
    expect_score: f64,
    expect_grade: Option<String>,
    expect_stars: Option<u8>,
}

#[test]
fn golden_cases() {
    let cat = common::catalog();
    let file: File = toml::from_str(include_str!("golden/cases.toml")).unwrap();
    assert!(file.case.len() > 100, "golden file lost its cases");
    let mut failures = Vec::new();
    for c in &file.case {
        let s = cat.get(&c.scheme).unwrap();
        let plan = Plan::new(s, c.variant.as_deref(), None).unwrap();
        let mut answers = match c.all {
            Some(x) => common::fill(&plan, x),
            None => BTreeMap::new(),
        };
        for l in &plan.leaves {
            if let Some(x) = c.set_tables.get(&l.ind.table) {
                answers.insert(l.ind.id.clone(), json!(x));
            }
        }
        for (k, v) in &c.set {
            answers.insert(k.clone(), json!(v));
        }
        let e = plan
            .evaluate(&answers, false)
            .unwrap_or_else(|e| panic!("{}: {:?}", c.name, e));
        if (e.total.score - c.expect_score).abs() > 1e-4 {
            failures.push(format!(
                "{}: score {} ≠ {}",
                c.name, e.total.score, c.expect_score
            ));
        }
        if let Some(g) = &c.expect_grade {
            let got = e.grade.as_ref().map(|g| g.code.as_str()).unwrap_or("");
            if got != g {
                failures.push(format!("{}: grade “{}” ≠ “{}”", c.name, got, g));
            }
        }
        if let Some(st) = c.expect_stars {
            if e.stars != Some(st) {
                failures.push(format!("{}: stars {:?} ≠ {}", c.name, e.stars, st));
            }
        }
        // The fast path agrees with the full evaluation.
        let values: Vec<f64> = plan
            .leaves
            .iter()
            .map(|l| {
                answers
                    .get(&l.ind.id)
                    .and_then(|v| v.as_f64())
                    .unwrap_or(-1.0)
            })
            .collect();
        let q = plan.quick(&values);
        if (q.total - e.total.score).abs() > 1e-6 {
            failures.push(format!(
                "{}: quick total {} ≠ {}",
                c.name, q.total, e.total.score
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
