//! Scoring throughput: 100,000 generated assessments per scheme through the fast path
//! (`Plan::quick`: total, grade, stars), against a plain sum over the same answer values,
//! plus the full explained evaluation (`Plan::evaluate`) on a smaller batch.
//!
//! Run: `cargo bench -p tianping-catalog --bench evaluate`. Criterion prints the time per
//! batch; assessments per second = batch size / time.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;
use tianping_catalog::Catalog;
use tianping_core::{AnswerKind, Plan};

const N: usize = 100_000;
const FULL_N: usize = 1_000;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// N assessments, flattened: assessment k's answers are values[k*n .. (k+1)*n].
fn generate(plan: &Plan, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(n * plan.leaves.len());
    for _ in 0..n {
        for l in &plan.leaves {
            let r = rng.next();
            out.push(match plan.kind {
                AnswerKind::Points => (r % ((l.answer_max * 2.0) as u64 + 1)) as f64 / 2.0,
                AnswerKind::Level => (r % 6) as f64,
                AnswerKind::Coefficient => (r % 101) as f64,
            });
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let cat = Catalog::load(None).expect("schemes load");
    let cases = [
        ("t-sdditai-5121-2023", Some("manufacturing")),
        ("t-cic-capability", None),
        ("eepc-certification", None),
        ("sme-service-2020", None),
        ("t11-aii-001-2020", Some("odm-oem")),
    ];
    for (sid, variant) in cases {
        let s = cat.get(sid).unwrap();
        let plan = Plan::new(s, variant, None).unwrap();
        let n = plan.leaves.len();
        let values = generate(&plan, N, 0x5EED ^ n as u64);
        let mut g = c.benchmark_group(format!(
            "{}{}",
            sid,
            variant.map(|v| format!("/{v}")).unwrap_or_default()
        ));
        g.sample_size(10);
        g.throughput(Throughput::Elements(N as u64));
        g.bench_function("quick_100k", |b| {
            b.iter(|| {
                let mut acc = 0.0;
                for a in values.chunks_exact(n) {
                    let q = plan.quick(black_box(a));
                    acc += q.total + q.stars as f64 + q.grade.map(|x| x as f64).unwrap_or(0.0);
                }
                black_box(acc)
            })
        });
        g.bench_function("plain_sum_100k", |b| {
            b.iter(|| {
                let mut acc = 0.0;
                for a in values.chunks_exact(n) {
                    acc += black_box(a).iter().sum::<f64>();
                }
                black_box(acc)
            })
        });
        let full: Vec<BTreeMap<String, serde_json::Value>> = values
            .chunks_exact(n)
            .take(FULL_N)
            .map(|a| {
                plan.leaves
                    .iter()
                    .zip(a)
                    .map(|(l, v)| (l.ind.id.clone(), json!(v)))
                    .collect()
            })
            .collect();
        g.throughput(Throughput::Elements(FULL_N as u64));
        g.bench_function("parse_answers_1k", |b| {
            b.iter(|| {
                let mut acc = 0usize;
                for a in &full {
                    acc += plan.parse_answers(black_box(a)).unwrap().len();
                }
                black_box(acc)
            })
        });
        g.bench_function("full_explained_1k", |b| {
            b.iter(|| {
                let mut acc = 0.0;
                for a in &full {
                    acc += plan.evaluate(black_box(a), false).unwrap().total.score;
                }
                black_box(acc)
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
