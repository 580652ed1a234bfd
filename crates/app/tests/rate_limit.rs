//! The public pages' rate limits are counted in the database: two applications on one
//! database (two pools, as two servers would have) share one count, on SQLite and, when
//! TEST_DATABASE_URL is set, on a fresh PostgreSQL schema.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use tianping_app::domain::rate_limit::{Bucket, Quota};
use tianping_app::{load_catalog, rate_limit, App, Config, FixedClock};
use tianping_store::Store;

const READS: Quota = Quota {
    per_minute: 60,
    burst: 30,
};
const POSTS: Quota = Quota {
    per_minute: 10,
    burst: 10,
};

/// Two applications on the same database, with one clock; the PostgreSQL schema to drop.
async fn pairs(clock: Arc<FixedClock>) -> Vec<(App, App, Option<(String, String)>)> {
    let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    let path = dir.path().join("t.db").display().to_string();
    let mut urls = vec![(path, None)];
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let schema = format!("tp_rate_{}", &tianping_store::random_token()[..12]);
            urls.push((url, Some(schema)));
        }
        _ => {
            assert_ne!(
                std::env::var("TIANPING_REQUIRE_POSTGRES").as_deref(),
                Ok("1"),
                "TIANPING_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set"
            );
            eprintln!("PostgreSQL skipped: TEST_DATABASE_URL is not set (SQLite only)");
        }
    }
    let config = Config::default();
    let catalog = load_catalog(&config).unwrap();
    let mut out = Vec::new();
    for (url, schema) in urls {
        let mut apps = Vec::new();
        for _ in 0..2 {
            let s = Store::connect_in_schema(&url, schema.as_deref())
                .await
                .unwrap();
            s.migrate().await.unwrap();
            apps.push(App::new(s, catalog, config.clone(), clock.clone()));
        }
        let b = apps.pop().unwrap();
        let a = apps.pop().unwrap();
        out.push((a, b, schema.map(|s| (url, s))));
    }
    out
}

/// `n` requests at once, alternating between the two applications: the waits of the refused.
async fn burst(a: &App, b: &App, bucket: Bucket, q: Quota, ip: IpAddr, n: usize) -> Vec<u64> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let app = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            rate_limit::take(&app, bucket, q, Some(ip)).await.unwrap()
        }));
    }
    let mut refused = Vec::new();
    for t in tasks {
        if let Some(w) = t.await.unwrap() {
            refused.push(w);
        }
    }
    refused
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_share_one_count() {
    let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
    let clock = Arc::new(FixedClock::new(t0));
    for (a, b, schema) in pairs(clock.clone()).await {
        let k = a.store.backend.as_str();
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        // 40 reads at once through both: the burst of 30 passes, 10 wait a second
        let refused = burst(&a, &b, Bucket::Read, READS, ip, 40).await;
        assert_eq!(refused, vec![1; 10], "{k}");
        // POSTs are counted apart: 10, then a wait of 6 seconds
        let refused = burst(&a, &b, Bucket::Post, POSTS, ip, 12).await;
        assert_eq!(refused, vec![6; 2], "{k}");
        // another address is not affected
        let other: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(burst(&a, &b, Bucket::Read, READS, other, 5).await.len(), 0);
        // a second later, one more read gets through, through either server
        clock.set(t0 + Duration::seconds(1));
        assert_eq!(
            burst(&a, &b, Bucket::Read, READS, ip, 2).await,
            vec![1],
            "{k}"
        );
        // a minute later every allowance is full again: the rows are pruned, and the next
        // burst is whole
        clock.set(t0 + Duration::seconds(120));
        let now_ms = clock.now_ms();
        assert_eq!(rate_limit::prune(&b, now_ms).await.unwrap(), 3, "{k}");
        assert_eq!(
            burst(&a, &b, Bucket::Read, READS, ip, 31).await,
            vec![1],
            "{k}"
        );
        a.store.close().await;
        b.store.close().await;
        if let Some((url, schema)) = schema {
            let s = Store::connect(&url).await.unwrap();
            let drop = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
            tianping_store::sqlx::query(&drop)
                .execute(&s.pool)
                .await
                .unwrap();
            s.close().await;
        }
        clock.set(t0);
    }
}

trait Ms {
    fn now_ms(&self) -> i64;
}

impl Ms for FixedClock {
    fn now_ms(&self) -> i64 {
        use tianping_app::Clock;
        self.now().timestamp_millis()
    }
}
