//! Sustained points intake (issue 12's benchmark; not a timed test): generated I-22 events
//! of 2,000 shops, sent in batches of 1,000 and of 10,000 through `points::intake_for` — the
//! use case behind the API and `tianping points import` — with 5 % of the events sent again
//! in a later batch (duplicates) and 1 % held back three batches (late events, which make
//! their shop fold from the start). Prints events/s and the p50/p99 batch latency per
//! database and batch size, then proves exactly once: the accepted count equals the distinct
//! events and `points::check` finds every balance equal to the fold.
//!
//! `cargo bench -p tianping-app --bench points_intake` (SQLite in a temporary folder; with
//! `TEST_DATABASE_URL` set, PostgreSQL too, in a schema of its own). `POINTS_BENCH_EVENTS`
//! sets the events per run (default 200,000).

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use tianping_app::points::{intake_for, Status};
use tianping_app::{App, Config, SystemClock};
use tianping_catalog::Catalog;
use tianping_domain::OrgKind;
use tianping_store::audit::Actor;
use tianping_store::{repo, Store};

const SHOPS: u64 = 2_000;

fn catalog() -> &'static Catalog {
    static C: OnceLock<&'static Catalog> = OnceLock::new();
    C.get_or_init(|| Box::leak(Box::new(Catalog::load(None).expect("shipped schemes load"))))
}

/// A small deterministic generator (xorshift), so every run sends the same stream.
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

/// The i-th event: one second after the previous, of a random shop; mostly logins, then
/// follows, reviews, purchases and their reversals, each about its own subject.
fn event(i: u64, r: &mut Rng) -> String {
    let shop = r.below(SHOPS);
    let at = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00+08:00").unwrap()
        + chrono::Duration::seconds(i as i64 * 20);
    let at = at.to_rfc3339();
    let subject = r.below(50);
    let (name, extra) = match r.below(20) {
        0..=7 => ("seller_login", String::new()),
        8..=10 => (
            "followed",
            format!(r#","party":"person","subject":"f{subject}""#),
        ),
        11 => ("unfollowed", format!(r#","subject":"f{subject}""#)),
        12..=14 => (
            "review",
            format!(
                r#","party":"person","subject":"r{i}","good":{},"text":"好""#,
                r.below(4) > 0
            ),
        ),
        15..=17 => (
            "purchase",
            format!(r#","party":"enterprise","subject":"o{i}""#),
        ),
        18 => ("product_listed", format!(r#","subject":"p{subject}""#)),
        _ => ("profile_completed", String::new()),
    };
    format!(r#"{{"key":"e{i}","shop":"s{shop}","event":"{name}","at":"{at}"{extra}}}"#)
}

/// The batches to send: every event once in order, except 1 % sent three batches late,
/// plus 5 % sent again in the next batch.
fn batches(events: u64, size: usize) -> (Vec<Vec<String>>, u64) {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut held: Vec<(usize, String)> = Vec::new();
    let mut again: Vec<String> = Vec::new();
    let mut cur: Vec<String> = Vec::with_capacity(size);
    for i in 0..events {
        let e = event(i, &mut r);
        let roll = r.below(100);
        if roll == 0 {
            held.push((out.len() + 3, e));
            continue;
        }
        if roll < 6 {
            again.push(e.clone());
        }
        cur.push(e);
        if cur.len() >= size {
            let n = out.len();
            let due: Vec<String> = held
                .iter()
                .filter(|(b, _)| *b == n)
                .map(|(_, e)| e.clone())
                .collect();
            held.retain(|(b, _)| *b != n);
            let mut b = std::mem::take(&mut cur);
            b.extend(due);
            b.append(&mut again);
            out.push(b);
        }
    }
    cur.extend(held.into_iter().map(|(_, e)| e));
    cur.append(&mut again);
    if !cur.is_empty() {
        out.push(cur);
    }
    // a batch may hold at most 10,000 events
    let out = out
        .into_iter()
        .flat_map(|b| {
            b.chunks(10_000)
                .map(|c| c.to_vec())
                .collect::<Vec<Vec<String>>>()
        })
        .collect();
    (out, events)
}

async fn open(url: Option<&str>, dir: &std::path::Path, tag: &str) -> App {
    let store = match url {
        None => Store::open(&dir.join(format!("{tag}.db")).display().to_string())
            .await
            .unwrap(),
        Some(u) => {
            let schema = format!("bench_points_{tag}_{}", std::process::id());
            let s = Store::connect_in_schema(u, Some(&schema)).await.unwrap();
            s.migrate().await.unwrap();
            s
        }
    };
    let config = Config {
        database: url.unwrap_or("sqlite").to_string(),
        ..Config::default()
    };
    App::new(store, catalog(), config, Arc::new(SystemClock))
}

async fn run(backend: &str, url: Option<&str>, size: usize, events: u64) {
    let dir = tempfile::tempdir().unwrap();
    let app = open(url, dir.path(), &format!("b{size}")).await;
    let mut tx = app.store.begin().await.unwrap();
    let platform = repo::create_org(&mut tx, OrgKind::Platform, "Bench platform")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let who = Actor {
        id: None,
        label: "bench".into(),
    };
    let (batches, distinct) = batches(events, size);
    let sent: usize = batches.iter().map(Vec::len).sum();
    let (mut accepted, mut duplicates, mut rejected) = (0u64, 0u64, 0u64);
    let mut lat = Vec::with_capacity(batches.len());
    let start = Instant::now();
    for b in &batches {
        let t = Instant::now();
        let out = intake_for(&app, &who, platform.id, b).await.unwrap();
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        for o in out {
            match o.status {
                Status::Accepted => accepted += 1,
                Status::Duplicate => duplicates += 1,
                Status::Rejected => rejected += 1,
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    println!(
        "{backend:8} batch {size:>6}: {sent} events ({duplicates} duplicates) in {secs:.2} s = {:.0} events/s; batch p50 {:.1} ms, p99 {:.1} ms",
        sent as f64 / secs,
        pct(0.50),
        pct(0.99)
    );
    assert_eq!(
        accepted, distinct,
        "every distinct event accepted exactly once"
    );
    assert_eq!(accepted + duplicates, sent as u64);
    assert_eq!(rejected, 0);
    let t = Instant::now();
    let d = tianping_app::points::check(&app).await.unwrap();
    assert!(d.is_empty(), "{} balances differ from the fold", d.len());
    println!(
        "{backend:8} check of {SHOPS} shops: every balance equals the fold ({:.2} s)",
        t.elapsed().as_secs_f64()
    );
    if let Some(u) = url {
        let schema = format!("bench_points_b{size}_{}", std::process::id());
        app.store.close().await;
        let s = Store::connect(u).await.unwrap();
        let _ = tianping_store::sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&s.pool)
            .await;
        s.close().await;
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter or `--list` from the test runner is ignored
    let events: u64 = std::env::var("POINTS_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let pg = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty());
        for size in [1_000, 10_000] {
            run("sqlite", None, size, events).await;
            if let Some(u) = &pg {
                run("postgres", Some(u), size, events).await;
            }
        }
    });
}
