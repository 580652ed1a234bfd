//! How fast a stream folds: 1 million generated events over 1,000 shops (every event kind,
//! reversals and duplicates mixed in), folded under the shipped rules. Criterion reports the
//! time per fold; events/s is 1,000,000 divided by it (printed once before the run).

use std::time::Instant;

use chrono::{DateTime, Duration, FixedOffset};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tianping_points::{fold, Event, Party, Version};

/// A deterministic stream of `n` events (a linear congruential generator, no randomness).
pub fn generate(n: usize, shops: usize) -> Vec<Event> {
    let t0: DateTime<FixedOffset> = "2026-01-01T09:00:00+08:00".parse().unwrap();
    let mut x: u64 = 42;
    let mut next = move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) as usize
    };
    let mut out: Vec<Event> = Vec::with_capacity(n);
    for i in 0..n {
        let shop = format!("shop-{}", next() % shops);
        let at = t0 + Duration::minutes((i / shops) as i64 * 7 + (next() % 60) as i64);
        let r = next() % 100;
        let (name, subject) = match r {
            0..=29 => ("seller_login", None),
            30..=44 => ("review", Some(format!("rv-{}", next() % 5000))),
            45..=49 => ("review_removed", Some(format!("rv-{}", next() % 5000))),
            50..=59 => ("followed", Some(format!("u-{}", next() % 2000))),
            60..=62 => ("unfollowed", Some(format!("u-{}", next() % 2000))),
            63..=72 => ("purchase", Some(format!("o-{i}"))),
            73..=75 => (
                "refund",
                Some(format!("o-{}", i.saturating_sub(next() % 50))),
            ),
            76..=80 => ("certificate_added", Some(format!("c-{}", next() % 30))),
            81..=82 => ("certificate_withdrawn", Some(format!("c-{}", next() % 30))),
            83..=87 => ("review_reply", Some(format!("rp-{i}"))),
            88..=90 => ("product_listed", Some(format!("p-{}", next() % 200))),
            91..=92 => ("profile_completed", None),
            93 => ("campaign_closed", Some(format!("camp-{}", next() % 20))),
            94 => ("shop_registered", None),
            _ => ("seller_login", None),
        };
        let mut e = Event::new(&format!("k-{i}"), &shop, name, at);
        e.subject = subject;
        e.party = Some(if next() % 3 == 0 {
            Party::Enterprise
        } else {
            Party::Person
        });
        if name == "review" {
            e.good = Some(next() % 10 < 8);
            e.text = (next() % 2 == 0).then(|| "好".to_string());
        }
        if name == "shop_registered" {
            e.registered_on = "2019-05-01".parse().ok();
        }
        if name == "campaign_closed" {
            e.start = Some(at - Duration::days(30));
            e.end = Some(at);
        }
        if i % 50 == 49 {
            // a duplicate of an earlier event
            let j = next() % i;
            out.push(out[j].clone());
            continue;
        }
        out.push(e);
    }
    out
}

/// One fold of `n` events, timed once (`POINTS_BENCH_EVENTS=10000000` for the 10
/// million: generation, one fold, events/s).
fn once(n: usize) {
    let v = Version::builtin();
    let t = Instant::now();
    let events = generate(n, 10_000);
    let g = t.elapsed().as_secs_f64();
    let as_of: DateTime<FixedOffset> = "2031-01-01T00:00:00+08:00".parse().unwrap();
    let t = Instant::now();
    let l = fold(&v, &events, as_of);
    let s = t.elapsed().as_secs_f64();
    let entries: usize = l.shops.values().map(|s| s.history.len()).sum();
    eprintln!(
        "{n} events of {} shops generated in {g:.1} s; one fold in {s:.2} s = {:.0} events/s ({entries} history entries, {} duplicates, {} rejected)",
        l.shops.len(),
        n as f64 / s,
        l.duplicates.len(),
        l.rejected.len()
    );
}

fn bench(c: &mut Criterion) {
    if let Some(n) = std::env::var("POINTS_BENCH_EVENTS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        once(n);
        return;
    }
    let v = Version::builtin();
    let events = generate(1_000_000, 1_000);
    let as_of: DateTime<FixedOffset> = "2030-01-01T00:00:00+08:00".parse().unwrap();
    let text: String = events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect();
    let t = Instant::now();
    let parsed = tianping_points::parse_jsonl(&text).unwrap();
    let p = t.elapsed().as_secs_f64();
    eprintln!(
        "reading 1,000,000 JSON Lines ({} MB): {p:.2} s = {:.0} lines/s",
        text.len() / 1_000_000,
        parsed.len() as f64 / p
    );
    let t = Instant::now();
    let l = fold(&v, &events, as_of);
    let s = t.elapsed().as_secs_f64();
    eprintln!(
        "1,000,000 events, {} shops: one fold in {s:.3} s = {:.0} events/s ({} duplicates, {} rejected)",
        l.shops.len(),
        1e6 / s,
        l.duplicates.len(),
        l.rejected.len()
    );
    let mut g = c.benchmark_group("fold");
    g.sample_size(10);
    g.bench_function("fold 1,000,000 events of 1,000 shops", |b| {
        b.iter(|| fold(&v, black_box(&events), as_of).shops.len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
