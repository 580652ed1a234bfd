//! Accounts: argon2id password hashes, session cookies (HttpOnly, SameSite=Lax), CSRF tokens,
//! API bearer tokens, login throttling, and the request context extractors.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::{FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tianping_store::repo::{self, User};
use tianping_store::{now_plus, random_token, sha256_hex};

use crate::error::{Error, Msg};
use crate::html::{Chrome, Lang};
use crate::AppState;

pub const SESSION_COOKIE: &str = "tp_session";
pub const CSRF_COOKIE: &str = "tp_csrf";
pub const LANG_COOKIE: &str = "tp_lang";
/// Failed logins allowed per address within [`THROTTLE_WINDOW_SECS`].
pub const THROTTLE_MAX: i64 = 5;
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;

static CHEAP_HASHING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tests only: hash new passwords with minimal argon2id parameters so that a test suite that
/// creates many accounts stays fast in debug builds. Verification reads the parameters from
/// each hash, so nothing else changes.
pub fn use_cheap_hashing_for_tests() {
    CHEAP_HASHING.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn hasher() -> Argon2<'static> {
    if CHEAP_HASHING.load(std::sync::atomic::Ordering::Relaxed) {
        let p = argon2::Params::new(64, 1, 1, None).unwrap_or_default();
        Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p)
    } else {
        Argon2::default()
    }
}

pub fn hash_password(pw: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("密码哈希失败：{}", e)))
}

pub fn verify_password(pw: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Hash off the async threads (argon2id is deliberately slow).
pub async fn hash_password_async(pw: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || hash_password(&pw))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
}

pub async fn verify_password_async(pw: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
        .await
        .unwrap_or(false)
}

/// A password acceptable for a new account, or the reason why not.
pub fn check_new_password(pw: &str) -> Result<(), Msg> {
    if pw.chars().count() < 10 {
        return Err(Msg::new(
            "密码至少 10 个字符",
            "The password needs at least 10 characters",
        ));
    }
    if pw.chars().count() > 200 {
        return Err(Msg::new(
            "密码最多 200 个字符",
            "The password may have at most 200 characters",
        ));
    }
    Ok(())
}

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
    axum::extract::State(state): axum::extract::State<AppState>,
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
        None => (random_token(), true),
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
impl FromRequestParts<AppState> for Ctx {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
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
            let h = sha256_hex(tok.as_bytes());
            if let Some((sess, user)) = repo::session_user(&state.store, &h).await? {
                return Ok(Ctx {
                    user: Some(user),
                    session: Some(h),
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
        })
    }
}

/// The caller of an API route: `Authorization: Bearer <token>`.
pub struct ApiUser(pub User);

#[axum::async_trait]
impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let tok = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(Error::Unauthorized)?;
        let user = repo::api_token_user(&state.store, &sha256_hex(tok.as_bytes()))
            .await?
            .ok_or(Error::Unauthorized)?;
        Ok(ApiUser(user))
    }
}

/// Start a session for `user`: returns the cookie value (the raw token).
pub async fn start_session(state: &AppState, user_id: i64) -> Result<String, Error> {
    let token = random_token();
    let csrf = random_token();
    let mut tx = state.store.begin().await?;
    repo::purge_expired(&mut tx, &now_plus(-THROTTLE_WINDOW_SECS)).await?;
    repo::create_session(
        &mut tx,
        &sha256_hex(token.as_bytes()),
        user_id,
        &csrf,
        &now_plus(state.config.session_hours * 3600),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Check a password with throttling: after [`THROTTLE_MAX`] failures for an address within
/// the window, refuse without checking. Failures for unknown addresses count too, and take
/// as long as real ones, so the answer does not reveal whether an account exists.
pub async fn authenticate(state: &AppState, email: &str, password: &str) -> Result<User, Error> {
    let email = email.trim().to_lowercase();
    let since = now_plus(-THROTTLE_WINDOW_SECS);
    if repo::login_failures_since(&state.store, &email, &since).await? >= THROTTLE_MAX {
        let minutes = THROTTLE_WINDOW_SECS / 60;
        return Err(Error::Throttled(Msg::new(
            format!("该账号登录失败次数过多，请 {} 分钟后再试", minutes),
            format!(
                "Too many failed sign-ins for this account; try again in {} minutes",
                minutes
            ),
        )));
    }
    let user = repo::user_by_email(&state.store, &email).await?;
    let ok = match &user {
        Some(u) if u.disabled == 0 => {
            verify_password_async(password.to_string(), u.password_hash.clone()).await
        }
        _ => {
            // same work as a real check
            let _ = verify_password_async(password.to_string(), dummy_hash().to_string()).await;
            false
        }
    };
    let mut tx = state.store.begin().await?;
    if ok {
        repo::clear_login_failures(&mut tx, &email).await?;
        tx.commit().await?;
        user.ok_or(Error::Unauthorized)
    } else {
        repo::record_login_failure(&mut tx, &email).await?;
        tx.commit().await?;
        Err(Error::invalid(
            "password",
            "邮箱或密码不正确",
            "Wrong email or password",
        ))
    }
}

fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("tianping-dummy-password").unwrap_or_default())
}
