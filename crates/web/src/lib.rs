//! Tianping's web service: server-rendered pages (Chinese first, English available, no
//! JavaScript needed) and a JSON API under `/api/v1`, over the store (SQLite or PostgreSQL).
//!
//! Pages ([`pages`]) and the API ([`api`]) call the use-case layer (crates/app) only; they
//! carry requests in and responses out and decide nothing themselves.
//! - [`auth`]: session cookies, CSRF, the request context and API bearer tokens.
//! - [`error`]: errors as pages and as problem+json, in the caller's language.

pub mod api;
pub mod auth;
pub mod error;
pub mod html;
pub mod pages;
pub mod view;

use axum::extract::DefaultBodyLimit;
use axum::Router;

pub use tianping_app::{App, Config};

/// The whole application.
pub fn router(state: App) -> Router {
    let limit = state.config.max_upload_bytes + 64 * 1024;
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::localize,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_cookie,
        ))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// Serve until Ctrl-C.
pub async fn serve(state: App) -> Result<(), String> {
    let bind = state.config.bind;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("无法监听 {}：{}", bind, e))?;
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("服务出错：{}", e))
}
