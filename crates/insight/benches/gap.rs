//! Gap plans for 10,000 generated assessments of each shipped scheme (issue 13): plans per
//! second, the 95th percentile per plan, and the share proved minimal. Goal: under 10 ms per
//! plan at the 95th percentile for every shipped scheme.
//!
//! Run: `cargo bench -p tianping-insight --bench gap`. The first part prints the figures
//! over the 10,000 assessments of each scheme (their variants in turn); criterion then
//! times batches of 100 for comparison between runs.
//!
//! The times are per call of `gap` for one assessment, which plans the next grade, level or
//! star and, for T11/AII, every dimension's next single star too (up to 6 plans a call); the
//! share proved minimal counts every plan with a target.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tianping_catalog::Catalog;
use tianping_core::{Answer, AnswerKind, Given, Plan, Source};
use tianping_insight::gap;

const N: usize = 10_000;
const BATCH: usize = 100;
const SCHEMES: [&str; 5] = [
    "t-cic-capability",
    "eepc-certification",
    "t-sdditai-5121-2023",
    "t11-aii-001-2020",
    "sme-service-2020",
];

/// A seeded xorshift: the same assessments on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One assessment: about a tenth unanswered; points in halves, an expert-panel item often by
/// three experts; levels 0–5; coefficients in whole percents, T11/AII with self answers of
/// which half are not yet verified. Each assessment has its own general level, so results
/// spread over every grade.
fn assessment(plan: &Plan, rng: &mut Rng) -> Vec<Option<Answer>> {
    let level = 0.3 + rng.below(70) as f64 / 100.0;
    plan.leaves
        .iter()
        .map(|l| {
            if rng.below(10) == 0 {
                return None;
            }
            match plan.kind {
                AnswerKind::Points => {
                    let step = if l.ind.half_points { 0.5 } else { 1.0 };
                    if l.ind.expert_panel && rng.below(2) == 0 {
                        let xs: Vec<f64> = (0..3)
                            .map(|_| draw(rng, level, l.answer_max, step))
                            .collect();
                        let value = xs.iter().sum::<f64>() / 3.0;
                        Some(Answer {
                            given: Given::Experts(xs),
                            value,
                            source: None,
                            verified: true,
                        })
                    } else {
                        let x = draw(rng, level, l.answer_max, step);
                        Some(number(x, None, true))
                    }
                }
                AnswerKind::Level => Some(number(draw(rng, level, 5.0, 1.0), None, true)),
                AnswerKind::Coefficient => {
                    let x = draw(rng, level, 100.0, 1.0);
                    if l.ind.category.is_some() && rng.below(3) == 0 {
                        Some(number(x, Some(Source::SelfDeclared), rng.below(2) == 0))
                    } else {
                        Some(number(x, None, true))
                    }
                }
            }
        })
        .collect()
}

/// A value on the grid around the assessment's level.
fn draw(rng: &mut Rng, level: f64, max: f64, step: f64) -> f64 {
    let steps = (max / step).round() as u64;
    let centre = (steps as f64 * level).round() as i64;
    let spread = (steps as i64 / 3).max(1);
    let x = centre + rng.below(2 * spread as u64 + 1) as i64 - spread;
    x.clamp(0, steps as i64) as f64 * step
}

fn number(x: f64, source: Option<Source>, verified: bool) -> Answer {
    Answer {
        given: Given::Number(x),
        value: x,
        source,
        verified,
    }
}

/// Every variant's plan of a scheme (the scheme's own when it has none).
fn plans<'c>(cat: &'c Catalog, id: &str) -> Vec<Plan<'c>> {
    let s = cat.get(id).expect("a shipped scheme");
    if s.variants.is_empty() {
        vec![Plan::new(s, None, None).expect("plan")]
    } else {
        s.variants
            .iter()
            .map(|v| Plan::new(s, Some(&v.id), None).expect("plan"))
            .collect()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// The figures over N assessments of one scheme.
fn figures(id: &str, ps: &[Plan]) {
    let mut rng = Rng(0x6A9_5EED ^ id.len() as u64);
    let cases: Vec<(usize, Vec<Option<Answer>>)> = (0..N)
        .map(|x| {
            let v = x % ps.len();
            (v, assessment(&ps[v], &mut rng))
        })
        .collect();
    let mut times = Vec::with_capacity(N);
    let (mut plans, mut exact, mut changes) = (0usize, 0usize, 0usize);
    let start = Instant::now();
    for (v, answers) in &cases {
        let t = Instant::now();
        let g = gap(&ps[*v], answers, None).expect("a gap");
        times.push(t.elapsed());
        for p in std::iter::once(&g.plan).chain(&g.dimension_plans) {
            if p.target.is_some() {
                plans += 1;
                exact += usize::from(p.exact);
                changes += p.changes.len();
            }
        }
        black_box(g);
    }
    let total = start.elapsed();
    times.sort();
    println!(
        "{id:<22} {N} assessments in {:>8.1} ms: {:>9.0} gap calls/s, per call p50 {:>7.3} ms, \
         p95 {:>7.3} ms, max {:>7.3} ms; {} plans with a target, proved minimal {:.2} %, \
         mean changes {:.1}",
        total.as_secs_f64() * 1e3,
        N as f64 / total.as_secs_f64(),
        percentile(&times, 50.0).as_secs_f64() * 1e3,
        percentile(&times, 95.0).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        plans,
        if plans == 0 {
            100.0
        } else {
            exact as f64 * 100.0 / plans as f64
        },
        if plans == 0 {
            0.0
        } else {
            changes as f64 / plans as f64
        },
    );
}

fn bench(c: &mut Criterion) {
    let cat = Catalog::load(None).expect("schemes load");
    for id in SCHEMES {
        figures(id, &plans(&cat, id));
    }
    for id in SCHEMES {
        let ps = plans(&cat, id);
        let mut rng = Rng(0xBA7C4 ^ id.len() as u64);
        let batch: Vec<(usize, Vec<Option<Answer>>)> = (0..BATCH)
            .map(|x| {
                let v = x % ps.len();
                (v, assessment(&ps[v], &mut rng))
            })
            .collect();
        let mut g = c.benchmark_group(id);
        g.sample_size(10);
        g.throughput(Throughput::Elements(BATCH as u64));
        g.bench_function("gap_100", |b| {
            b.iter(|| {
                for (v, a) in &batch {
                    black_box(gap(&ps[*v], black_box(a), None).expect("a gap"));
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
