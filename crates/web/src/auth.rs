//! Accounts: argon2id password hashes, session cookies (HttpOnly, SameSite=Lax), CSRF tokens,
//! API bearer tokens, the client's address for sign-in throttling, and the request context
//! extractors.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tianping_app::accounts;
use tianping_app::repo::User;
use tianping_app::App;

use crate::error::{Error, PageError};
use crate::html::{Chrome, Lang};

pub const SESSION_COOKIE: &str = "tp_session";
pub const CSRF_COOKIE: &str = "tp_csrf";
pub const LANG_COOKIE: &str = "tp_lang";

pub fn cookies(parts_headers: &axum::http::HeaderMap) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for v in parts_headers.get_all(COOKIE) {
        if let Ok(s) = v.to_str() {
            for kv in s.split(';') {
                if let Some((k, v)) = kv.trim().split_once('=') {
                    out.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
        }
    }
    out
}

/// The page language chosen with the switch (cookie `tp_lang`): Chinese unless English.
pub fn cookie_lang(headers: &axum::http::HeaderMap) -> Lang {
    match cookie(&cookies(headers), LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

fn cookie<'a>(all: &'a [(String, String)], name: &str) -> Option<&'a str> {
    all.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

pub fn set_cookie(
    name: &str,
    value: &str,
    max_age: i64,
    secure: bool,
    http_only: bool,
) -> HeaderValue {
    let s = format!(
        "{}={}; Path=/; Max-Age={}; SameSite=Lax{}{}",
        name,
        value,
        max_age,
        if http_only { "; HttpOnly" } else { "" },
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("x=; Max-Age=0"))
}

/// The anonymous CSRF token (double-submit cookie) for forms shown before sign-in.
#[derive(Clone)]
pub struct AnonCsrf(pub String);

/// Middleware: every browser gets a `tp_csrf` cookie so that even the sign-in and sign-up
/// forms carry a token that a cross-site page cannot read.
pub async fn csrf_cookie(
    axum::extract::State(state): axum::extract::State<App>,
    mut req: Request,
    next: Next,
) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let all = cookies(req.headers());
    let existing = cookie(&all, CSRF_COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string);
    let (token, fresh) = match existing {
        Some(t) => (t, false),
        None => (tianping_app::random_token(), true),
    };
    req.extensions_mut().insert(AnonCsrf(token.clone()));
    let mut res = next.run(req).await;
    if fresh && !is_api {
        res.headers_mut().append(
            SET_COOKIE,
            set_cookie(
                CSRF_COOKIE,
                &token,
                60 * 60 * 24 * 30,
                state.config.secure_cookies,
                true,
            ),
        );
    }
    res
}

/// The request context of a page: who (if anyone), the CSRF token to put in forms, the
/// language, and the current path (for the language switch and sign-in redirects).
pub struct Ctx {
    pub user: Option<User>,
    pub session: Option<String>,
    pub csrf: String,
    pub lang: Lang,
    pub path: String,
    /// The signed-in user's unread notifications (0 when signed out).
    pub unread: i64,
}

impl Ctx {
    pub fn chrome(&self) -> Chrome<'_> {
        Chrome {
            lang: self.lang,
            user: self
                .user
                .as_ref()
                .map(|u| (u.name.as_str(), u.role.as_str())),
            csrf: &self.csrf,
            path: &self.path,
            unread: self.unread,
        }
    }

    /// The signed-in user, or a redirect to the sign-in page.
    pub fn user(&self) -> Result<&User, Error> {
        self.user
            .as_ref()
            .ok_or_else(|| Error::Login(self.path.clone()))
    }

    /// Check the CSRF token a form sent.
    pub fn check_csrf(&self, sent: &str) -> Result<(), Error> {
        if !sent.is_empty() && constant_eq(sent.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(Error::Csrf)
        }
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[axum::async_trait]
impl FromRequestParts<App> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &App) -> Result<Self, PageError> {
        let all = cookies(&parts.headers);
        let lang = cookie_lang(&parts.headers);
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let anon = parts
            .extensions
            .get::<AnonCsrf>()
            .map(|a| a.0.clone())
            .unwrap_or_default();
        if let Some(tok) = cookie(&all, SESSION_COOKIE) {
            if let Some((sess, user)) = accounts::session(state, tok).await? {
                let unread = tianping_app::notify::unread(state, &user).await?;
                return Ok(Ctx {
                    unread,
                    user: Some(user),
                    session: Some(sess.token_hash),
                    csrf: sess.csrf,
                    lang,
                    path,
                });
            }
        }
        Ok(Ctx {
            user: None,
            session: None,
            csrf: anon,
            lang,
            path,
            unread: 0,
        })
    }
}

/// The caller of an API route: `Authorization: Bearer <token>`.
pub struct ApiUser(pub User);

#[axum::async_trait]
impl FromRequestParts<App> for ApiUser {
    type Rejection = crate::error::ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &App) -> Result<Self, Self::Rejection> {
        let tok = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(Error::Unauthorized)?;
        let user = accounts::token_user(state, tok)
            .await?
            .ok_or(Error::Unauthorized)?;
        Ok(ApiUser(user))
    }
}

/// The client's network address, for sign-in throttling: the connection's peer address
/// (`ConnectInfo`, see [`crate::serve`]); with `trust_forwarded_for` configured, the last
/// address in `X-Forwarded-For` (the one the reverse proxy appended) when there is one.
/// `None` when neither is known (a router called directly, as in tests): the use case then
/// counts the request under one fixed source.
pub struct ClientIp(pub Option<IpAddr>);

#[axum::async_trait]
impl FromRequestParts<App> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &App) -> Result<Self, Infallible> {
        if state.config.trust_forwarded_for {
            if let Some(ip) = last_forwarded_for(&parts.headers) {
                return Ok(ClientIp(Some(ip)));
            }
        }
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// The last address of the `X-Forwarded-For` headers (all of them, in order), if it is an
/// IP address (with or without a port); a last entry that is not (or not text) gives `None`,
/// never an earlier entry, which the client may have written.
pub fn last_forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let last_header = headers.get_all("x-forwarded-for").iter().next_back()?;
    let last = last_header
        .to_str()
        .ok()?
        .split(',')
        .map(str::trim)
        .rfind(|v| !v.is_empty())?;
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_forwarded_address_counts() {
        let mut h = HeaderMap::new();
        assert_eq!(last_forwarded_for(&h), None);
        h.append(
            "x-forwarded-for",
            HeaderValue::from_static("1.1.1.1, 10.0.0.2"),
        );
        assert_eq!(last_forwarded_for(&h), "10.0.0.2".parse().ok());
        h.append(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9:5123"),
        );
        assert_eq!(last_forwarded_for(&h), "203.0.113.9".parse().ok());
        h.append(
            "x-forwarded-for",
            HeaderValue::from_static("[2001:db8::1]:443"),
        );
        assert_eq!(last_forwarded_for(&h), "2001:db8::1".parse().ok());
        h.append("x-forwarded-for", HeaderValue::from_static("unknown"));
        assert_eq!(last_forwarded_for(&h), None, "not an address: not trusted");
    }
}
