//! Tianping's web service: server-rendered pages (Chinese first, English available, no
//! JavaScript needed) and a JSON API under `/api/v1`, over the store (SQLite or PostgreSQL).
//!
//! - [`service`]: every operation with its validation and object-level permission check;
//!   pages ([`pages`]) and the API ([`api`]) both call it.
//! - [`auth`]: argon2id passwords, sessions, CSRF, throttling, API tokens.
//! - [`demo`]: the demo dataset; [`rescore`]: re-scoring stored assessments.

pub mod api;
pub mod auth;
pub mod config;
pub mod demo;
pub mod error;
pub mod html;
pub mod pages;
pub mod rescore;
pub mod service;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tianping_catalog::Catalog;
use tianping_store::Store;

pub use config::Config;

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub catalog: &'static Catalog,
    pub config: Arc<Config>,
}

/// Load the scheme catalog once for the life of the process.
pub fn load_catalog(config: &Config) -> Result<&'static Catalog, String> {
    let c = Catalog::load(config.schemes_dir.as_deref()).map_err(|errs| {
        format!(
            "方案加载失败：\n{}",
            errs.iter()
                .map(|e| format!("  {}", e))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    Ok(Box::leak(Box::new(c)))
}

impl AppState {
    /// Open the database named by the configuration (migrating it) and load the catalog.
    pub async fn open(config: Config) -> Result<AppState, String> {
        let catalog = load_catalog(&config)?;
        let store = Store::open(&config.database)
            .await
            .map_err(|e| e.to_string())?;
        Ok(AppState {
            store,
            catalog,
            config: Arc::new(config),
        })
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_upload_bytes + 64 * 1024;
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .layer(axum::middleware::from_fn(error::localize))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_cookie,
        ))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// Serve until Ctrl-C.
pub async fn serve(state: AppState) -> Result<(), String> {
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
