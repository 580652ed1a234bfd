//! Health and readiness on SQLite and PostgreSQL: `/healthz` and `/readyz` answer without a
//! session and set no cookie; `/readyz` answers 503 once the database is gone.

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn health_and_readiness() {
    for app in apps().await {
        let b = app.backend;
        let mut br = app.browser();
        let h = br.get("/healthz").await;
        assert_eq!((h.status, h.body.as_str()), (StatusCode::OK, "ok\n"), "{b}");
        let r = br.get("/readyz").await;
        assert_eq!(
            (r.status, r.body.as_str()),
            (StatusCode::OK, "ready\n"),
            "{b}"
        );
        for resp in [&h, &r] {
            assert!(resp.headers.get("set-cookie").is_none(), "{b}: no cookie");
            assert_eq!(resp.headers["cache-control"], "no-store", "{b}");
        }
        // the database goes away: not ready, still healthy
        app.state.store.pool.close().await;
        let r = br.get("/readyz").await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{b}");
        assert!(r.body.contains("数据库无响应"), "{b}");
        assert_eq!(br.get("/healthz").await.status, StatusCode::OK, "{b}");
        app.cleanup().await;
    }
}
