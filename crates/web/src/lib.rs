//! Tianping's web service: server-rendered pages (Chinese first, English available, no
//! JavaScript needed) and a JSON API under `/api/v1`, over the store (SQLite or PostgreSQL).
//!
//! Pages ([`pages`]) and the API ([`api`]) call the use-case layer (crates/app) only; they
//! carry requests in and responses out and decide nothing themselves.
//! - [`auth`]: session cookies, CSRF, the request context and API bearer tokens.
//! - [`error`]: errors as pages and as problem+json, in the caller's language.
//! - [`ratelimit`]: requests per client address under `/public`, `/api/v1/public`, `/verify`
//!   and `/.well-known`.
//!
//! Every response carries the security headers of [`security_headers`]: a
//! Content-Security-Policy that allows only the application's own files (no inline script or
//! style; the stylesheet is served at `/static/app.css`, the table form's optional script at
//! `/static/table.js`) and no framing, `Referrer-Policy:
//! same-origin` and `X-Content-Type-Options: nosniff`.

pub mod api;
pub mod auth;
pub mod error;
mod health;
pub mod html;
pub mod observe;
pub mod pages;
pub mod ratelimit;
pub mod view;

use axum::extract::DefaultBodyLimit;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub use tianping_app::{App, Config};

/// The whole application, with the default limits of the public pages.
pub fn router(state: App) -> Router {
    router_with(state, ratelimit::Limits::default())
}

/// The whole application with these limits of the public pages ([`ratelimit`]).
pub fn router_with(state: App, limits: ratelimit::Limits) -> Router {
    let limit = state.config.max_upload_bytes + 64 * 1024;
    let metrics = std::sync::Arc::new(observe::Metrics::new());
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        // inside `localize`: a refusal is rendered in the caller's language
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), limits),
            ratelimit::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::localize,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_cookie,
        ))
        .layer(DefaultBodyLimit::max(limit))
        // after the layers above: the stylesheet sets no cookie and needs no language
        .route(html::STYLESHEET_PATH, get(html::stylesheet))
        .route(html::COPY_SCRIPT_PATH, get(html::copy_script))
        .route(html::TABLE_JS_PATH, get(html::table_js))
        .route(html::VERIFY_JS_PATH, get(html::verify_js))
        .route(html::WHATIF_JS_PATH, get(html::whatif_js))
        // after the layers above: no session, cookie or language for a probe
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(observe::metrics))
        .layer(axum::middleware::map_response(security_headers))
        // outermost: every request, matched or not, gets an id, a span and its latency counted
        .layer(axum::middleware::from_fn_with_state(
            metrics.clone(),
            observe::track,
        ))
        .layer(axum::Extension(metrics))
        .with_state(state)
}

/// The Content-Security-Policy of every response: the application's own files only (no
/// inline script or style, no plugins), forms post only to the application, no `<base>`, and
/// no page may frame it.
pub const CSP: &str = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/// Middleware: the security headers on every response (pages, API, errors, downloads).
pub async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

/// Serve until Ctrl-C.
pub async fn serve(state: App) -> Result<(), String> {
    let bind = state.config.bind;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("无法监听 {}：{}", bind, e))?;
    // the peer address of each connection, for sign-in throttling (auth::ClientIp)
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("服务出错：{}", e))
}
