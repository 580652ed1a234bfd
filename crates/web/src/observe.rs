//! Observability (DESIGN I-24): every request gets an id (`X-Request-Id`, kept when a proxy
//! sent a sound one), a `tracing` span and one log line with its route, status and latency,
//! and is counted in a latency histogram per route; `/metrics` gives the histograms and the
//! database pool in the Prometheus text format, to the machine itself and private networks
//! only (no personal data: route templates, counts and durations).

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use tianping_app::App;
use tracing::Instrument;

use crate::auth::ClientIp;

/// The labels of a request: method, route template (never the raw path) and status class.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Labels {
    method: String,
    route: String,
    status: String,
}

type Latency = Family<Labels, Histogram, fn() -> Histogram>;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabel {
    job: String,
}

type Seconds = Gauge<f64, std::sync::atomic::AtomicU64>;

/// The process's metrics (one per router).
pub struct Metrics {
    registry: Registry,
    requests: Latency,
    pool_size: Gauge,
    pool_idle: Gauge,
    job_runs: Family<JobLabel, Gauge>,
    job_failures: Family<JobLabel, Gauge>,
    job_last_success: Family<JobLabel, Gauge>,
    job_last_seconds: Family<JobLabel, Seconds>,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms … about 4 s
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("tianping");
        let requests: Latency = Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by method, route template and status class",
            requests.clone(),
        );
        let pool_size = Gauge::default();
        registry.register(
            "db_pool_connections",
            "Open database connections",
            pool_size.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Idle database connections",
            pool_idle.clone(),
        );
        let job_runs = Family::<JobLabel, Gauge>::default();
        registry.register(
            "job_runs",
            "Runs of each background job since the server started",
            job_runs.clone(),
        );
        let job_failures = Family::<JobLabel, Gauge>::default();
        registry.register(
            "job_failures",
            "Runs of each background job that failed (a mail round: any e-mail not sent)",
            job_failures.clone(),
        );
        let job_last_success = Family::<JobLabel, Gauge>::default();
        registry.register(
            "job_last_success_timestamp_seconds",
            "When each background job last succeeded (Unix seconds; 0: not yet)",
            job_last_success.clone(),
        );
        let job_last_seconds = Family::<JobLabel, Seconds>::default();
        registry.register(
            "job_last_duration_seconds",
            "How long each background job's last run took",
            job_last_seconds.clone(),
        );
        Metrics {
            registry,
            requests,
            pool_size,
            pool_idle,
            job_runs,
            job_failures,
            job_last_success,
            job_last_seconds,
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// A request id: the one a proxy sent when it is 1–64 characters of letters, digits, `-`
/// and `_`, otherwise a new one (16 hex digits, unique in the process).
fn request_id(headers: &HeaderMap) -> String {
    if let Some(v) = headers.get("x-request-id").and_then(|v| v.to_str().ok()) {
        let ok = !v.is_empty()
            && v.len() <= 64
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            return v.to_string();
        }
    }
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let start = *START.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    });
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    // the process's start mixed in, so that two servers' ids do not collide
    format!(
        "{:016x}",
        start.rotate_left(17) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    )
}

fn status_class(s: StatusCode) -> &'static str {
    match s.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// The middleware: id, span, log line, histogram.
pub async fn track(State(m): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let id = request_id(req.headers());
    let span = tracing::info_span!("request", id = %id, method = %method, route = %route);
    let mut res = next.run(req).instrument(span.clone()).await;
    let secs = start.elapsed().as_secs_f64();
    let status = res.status();
    m.requests
        .get_or_create(&Labels {
            method,
            route,
            status: status_class(status).to_string(),
        })
        .observe(secs);
    span.in_scope(|| {
        tracing::info!(status = status.as_u16(), ms = secs * 1000.0, "answered");
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// Whether an address may read `/metrics`: the machine itself and private networks.
fn may_scrape(ip: Option<IpAddr>) -> bool {
    match ip {
        // a router called in-process (tests): no network at all
        None => true,
        Some(IpAddr::V4(v)) => v.is_loopback() || v.is_private(),
        Some(IpAddr::V6(v)) => {
            v.is_loopback()
                || (v.segments()[0] & 0xfe00) == 0xfc00
                || v.to_ipv4_mapped()
                    .is_some_and(|m| m.is_loopback() || m.is_private())
        }
    }
}

/// `GET /metrics` in the Prometheus text format (404 from a public address).
pub async fn metrics(
    State(st): State<App>,
    Extension(m): Extension<Arc<Metrics>>,
    ClientIp(ip): ClientIp,
) -> Response {
    if !may_scrape(ip) {
        return StatusCode::NOT_FOUND.into_response();
    }
    m.pool_size.set(i64::from(st.store.pool.size()));
    m.pool_idle.set(st.store.pool.num_idle() as i64);
    for (name, stats) in st.jobs.all() {
        let s = stats.snapshot();
        let l = JobLabel { job: name.into() };
        m.job_runs.get_or_create(&l).set(s.runs as i64);
        m.job_failures.get_or_create(&l).set(s.failures as i64);
        m.job_last_success.get_or_create(&l).set(s.last_success);
        m.job_last_seconds.get_or_create(&l).set(s.last_seconds);
    }
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, &m.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [
            (
                CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            ),
            (CACHE_CONTROL, "no-store"),
        ],
        out,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_kept_when_sound_and_made_otherwise() {
        let mut h = HeaderMap::new();
        h.insert("x-request-id", HeaderValue::from_static("lb-42_a"));
        assert_eq!(request_id(&h), "lb-42_a");
        h.insert("x-request-id", HeaderValue::from_static("bad id;drop"));
        let made = request_id(&h);
        assert_eq!(made.len(), 16);
        assert!(made.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(request_id(&HeaderMap::new()), request_id(&HeaderMap::new()));
    }

    #[test]
    fn only_private_addresses_scrape() {
        for ok in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.9",
            "172.16.4.4",
            "::1",
            "fd00::1",
        ] {
            assert!(may_scrape(Some(ok.parse().unwrap())), "{ok}");
        }
        for no in ["203.0.113.5", "8.8.8.8", "2001:db8::1"] {
            assert!(!may_scrape(Some(no.parse().unwrap())), "{no}");
        }
    }
}
