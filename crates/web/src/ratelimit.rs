//! Rate limiting of everything under `/public`, `/api/v1/public`, `/verify` and `/.well-known`
//! (the pages and API that need no sign-in), per client address ([`ClientIp`]: the connection's peer, or with
//! `trust_forwarded_for` the address the reverse proxy appended), with `governor`'s keyed
//! GCRA limiters kept in memory (one process; a restart forgets them).
//!
//! Defaults ([`Limits::default`]): reads 60 a minute with a burst of 30 per address; POSTs
//! (the objection form) 10 a minute with a burst of 10, counted apart. An IPv6 client is
//! counted by its /64 network (one subscriber usually holds a whole /64); a request whose
//! address is unknown (a router called in process, never `serve`) counts under one shared
//! source. Over the limit: 429 with `Retry-After` (whole seconds) and a message saying when
//! to try again, as a page or as problem+json (in the caller's language through
//! `error::localize`). Addresses not seen for a while are forgotten once many are kept.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tianping_app::{App, Msg};

use crate::auth::ClientIp;
use crate::error::{ApiError, Error, PageError};

/// The limits per client address.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Requests other than POST a minute, sustained.
    pub per_minute: u32,
    /// How many of them may come at once.
    pub burst: u32,
    /// POSTs a minute, sustained.
    pub posts_per_minute: u32,
    pub posts_burst: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            per_minute: 60,
            burst: 30,
            posts_per_minute: 10,
            posts_burst: 10,
        }
    }
}

/// How many addresses are kept before those with a full allowance again are forgotten.
const KEEP: usize = 10_000;

/// The limiters of the public paths.
pub struct PublicLimiter {
    limits: Limits,
    reads: DefaultKeyedRateLimiter<IpAddr>,
    posts: DefaultKeyedRateLimiter<IpAddr>,
}

fn quota(per_minute: u32, burst: u32) -> Quota {
    let n = |x: u32| NonZeroU32::new(x.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n(per_minute)).allow_burst(n(burst))
}

impl PublicLimiter {
    pub fn new(limits: Limits) -> Arc<PublicLimiter> {
        Arc::new(PublicLimiter {
            limits,
            reads: RateLimiter::keyed(quota(limits.per_minute, limits.burst)),
            posts: RateLimiter::keyed(quota(limits.posts_per_minute, limits.posts_burst)),
        })
    }

    /// Count one request of `key`: `Err(seconds)` to wait when over the limit.
    fn check(&self, post: bool, key: IpAddr) -> Result<(), u64> {
        let l = if post { &self.posts } else { &self.reads };
        let r = l.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(l.clock().now());
            (wait.as_millis().div_ceil(1000) as u64).max(1)
        });
        if l.len() > KEEP {
            l.retain_recent();
            l.shrink_to_fit();
        }
        r
    }
}

/// Whether a path is limited: `/public`, `/api/v1/public`, `/verify` (certificate status,
/// I-21) and `/.well-known` (the public keys), and everything under them.
pub fn is_limited(path: &str) -> bool {
    ["/public", "/api/v1/public", "/verify", "/.well-known"]
        .iter()
        .any(|p| {
            path.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// The key an address is counted under: IPv4 as it is, IPv6 by its /64 network (an
/// IPv4-mapped IPv6 address as the IPv4 address), unknown as one shared source.
pub fn key(ip: Option<IpAddr>) -> IpAddr {
    match ip {
        None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        Some(IpAddr::V4(a)) => IpAddr::V4(a),
        Some(IpAddr::V6(a)) => match a.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = a.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The message of a refused request.
fn message(limits: &Limits, post: bool, wait: u64) -> Msg {
    let (n, zh_what, en_what) = if post {
        (limits.posts_per_minute, "提交", "submissions")
    } else {
        (limits.per_minute, "访问", "requests")
    };
    Msg::new(
        format!(
            "请求过于频繁：公示公告每个网络地址每分钟最多{zh_what} {n} 次。请 {wait} 秒后再试。"
        ),
        format!(
            "Too many requests: the public pages allow {n} {en_what} a minute per network address. Try again in {wait} seconds."
        ),
    )
}

/// Middleware: count the requests to the public paths and refuse those over the limit.
pub async fn limit(
    State((app, limiter)): State<(App, Arc<PublicLimiter>)>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if !is_limited(path) {
        return next.run(req).await;
    }
    let api = path.starts_with("/api/");
    let post = req.method() == Method::POST;
    let (mut parts, body) = req.into_parts();
    let ClientIp(ip) = match ClientIp::from_request_parts(&mut parts, &app).await {
        Ok(ip) => ip,
        Err(never) => match never {},
    };
    let req = Request::from_parts(parts, body);
    match limiter.check(post, key(ip)) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let e = Error::Throttled(message(&limiter.limits, post, wait));
            let mut r = if api {
                ApiError(e).into_response()
            } else {
                PageError(e).into_response()
            };
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                r.headers_mut().insert(RETRY_AFTER, v);
            }
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_paths_and_nothing_else_are_limited() {
        for p in [
            "/public",
            "/public/",
            "/public/stars",
            "/public/publicity/3/objections",
            "/api/v1/public",
            "/api/v1/public/grades",
            "/verify",
            "/verify/EEPC-2026-0001",
            "/.well-known/tianping-keys.json",
        ] {
            assert!(is_limited(p), "{p}");
        }
        for p in [
            "/",
            "/publicity",
            "/publication",
            "/api/v1/publicx",
            "/verifyx",
            "/cases/1",
        ] {
            assert!(!is_limited(p), "{p}");
        }
    }

    #[test]
    fn ipv6_counts_by_its_64_network_and_unknown_as_one() {
        let a = key(Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let b = key(Some("2001:db8:1:2:bbbb::9".parse().unwrap()));
        let c = key(Some("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            key(Some("::ffff:203.0.113.9".parse().unwrap())),
            key(Some("203.0.113.9".parse().unwrap()))
        );
        assert_eq!(key(None), key(None));
    }

    #[test]
    fn a_burst_is_allowed_then_refused_with_a_wait_and_other_addresses_go_on() {
        let l = PublicLimiter::new(Limits::default());
        let a = key(Some("203.0.113.1".parse().unwrap()));
        let b = key(Some("203.0.113.2".parse().unwrap()));
        for _ in 0..30 {
            assert_eq!(l.check(false, a), Ok(()));
        }
        let wait = l.check(false, a).unwrap_err();
        assert!((1..=2).contains(&wait), "{wait}");
        assert_eq!(l.check(false, b), Ok(()));
        // POSTs are counted apart, and more strictly
        for _ in 0..10 {
            assert_eq!(l.check(true, a), Ok(()));
        }
        let wait = l.check(true, a).unwrap_err();
        assert!((5..=6).contains(&wait), "{wait}");
    }
}
