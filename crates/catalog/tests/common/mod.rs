//! Helpers shared by the scheme tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tianping_catalog::Catalog;
use tianping_core::{AnswerKind, Plan};

pub fn catalog() -> Catalog {
    Catalog::load(None).expect("shipped schemes load")
}

/// Answer every leaf of a plan: points → `x` × max, levels → `x`, coefficients → `x` %.
pub fn fill(plan: &Plan, x: f64) -> BTreeMap<String, Value> {
    plan.leaves
        .iter()
        .map(|l| {
            let v = match plan.kind {
                AnswerKind::Points => l.answer_max * x,
                AnswerKind::Level | AnswerKind::Coefficient => x,
            };
            (l.ind.id.clone(), json!(v))
        })
        .collect()
}

/// Every (scheme, variant) pair of the catalog.
pub fn all_plans(cat: &Catalog) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for s in &cat.schemes {
        if s.variants.is_empty() {
            out.push((s.id.clone(), None));
        } else {
            for v in &s.variants {
                out.push((s.id.clone(), Some(v.id.clone())));
            }
        }
    }
    out
}

/// A small deterministic generator (xorshift) so property tests are repeatable.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// A random valid answer value for a leaf.
pub fn random_value(plan: &Plan, i: usize, rng: &mut Rng) -> f64 {
    let l = &plan.leaves[i];
    match plan.kind {
        AnswerKind::Points => (rng.below((l.answer_max * 2.0) as u64 + 1)) as f64 / 2.0,
        AnswerKind::Level => rng.below(6) as f64,
        AnswerKind::Coefficient => rng.below(101) as f64,
    }
}
