//! Rate limiting of everything under `/public`, `/api/v1/public`, `/verify` and `/.well-known`
//! (the pages and API that need no sign-in), per client address ([`ClientIp`]: the connection's peer, or with
//! `trust_forwarded_for` the address the reverse proxy appended). The count is kept in the
//! database (`tianping_app::rate_limit`, deciding by `tianping_domain::rate_limit`'s GCRA), so
//! every server on one database counts together and a restart forgets nothing.
//!
//! Defaults ([`Limits::default`]): reads 60 a minute with a burst of 30 per address; POSTs
//! (the objection form) 10 a minute with a burst of 10, counted apart. An IPv6 client is
//! counted by its /64 network (one subscriber usually holds a whole /64); a request whose
//! address is unknown (a router called in process, never `serve`) counts under one shared
//! source. Over the limit: 429 with `Retry-After` (whole seconds) and a message saying when
//! to try again, as a page or as problem+json (in the caller's language through
//! `error::localize`).

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tianping_app::{rate_limit, App, Msg};
use tianping_domain::rate_limit::{Bucket, Quota};

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

impl Limits {
    /// The bucket and quota of a request.
    fn of(&self, post: bool) -> (Bucket, Quota) {
        if post {
            (
                Bucket::Post,
                Quota {
                    per_minute: self.posts_per_minute,
                    burst: self.posts_burst,
                },
            )
        } else {
            (
                Bucket::Read,
                Quota {
                    per_minute: self.per_minute,
                    burst: self.burst,
                },
            )
        }
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
    State((app, limits)): State<(App, Limits)>,
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
    let (bucket, quota) = limits.of(post);
    let wait = match rate_limit::take(&app, bucket, quota, ip).await {
        Ok(w) => w,
        Err(e) if api => return ApiError(e).into_response(),
        Err(e) => return PageError(e).into_response(),
    };
    match wait {
        None => next.run(req).await,
        Some(wait) => {
            let e = Error::Throttled(message(&limits, post, wait));
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
}
