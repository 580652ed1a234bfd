//! Observability on SQLite and PostgreSQL: every answer carries an `X-Request-Id` (a sound
//! one from a proxy kept); `/metrics` counts requests per route template (never the raw path)
//! and shows the database pool and the background jobs' runs, to private addresses only.

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn request_ids_and_metrics() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let mut br = app.browser();
        let r = br.get("/login").await;
        let id = r.headers["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(id.len(), 16, "{b}");
        let again = br.get("/login").await;
        assert_ne!(
            again.headers["x-request-id"],
            id.as_str(),
            "{b}: one id per request"
        );
        let mut proxied = app.browser().header("x-request-id", "lb-7f3a");
        let r = proxied.get("/healthz").await;
        assert_eq!(r.headers["x-request-id"], "lb-7f3a", "{b}");
        // two assessments' pages count under one route template
        let mut auditor = app.browser();
        auditor.login("auditor@b1.test", PW).await;
        auditor.get(&format!("/assessments/{}", f.onsite_a)).await;
        auditor.get(&format!("/assessments/{}", f.self_a)).await;
        let mut local = app.browser().from("127.0.0.1");
        let m = local.get("/metrics").await;
        assert_eq!(m.status, StatusCode::OK, "{b}");
        assert!(
            m.content_type().starts_with("application/openmetrics-text"),
            "{b}"
        );
        let t = &m.body;
        assert!(
            t.contains(r#"tianping_http_request_duration_seconds_count{method="GET",route="/healthz",status="2xx"} 1"#),
            "{b}: {t}"
        );
        assert!(
            t.contains(r#"route="/assessments/:id",status="2xx"} 2"#),
            "{b}: {t}"
        );
        assert!(
            !t.contains(&format!("/assessments/{}", f.onsite_a)),
            "{b}: raw paths"
        );
        assert!(t.contains("tianping_db_pool_connections"), "{b}");
        assert!(t.ends_with("# EOF\n"), "{b}");
        let mut public = app.browser().from("203.0.113.5");
        assert_eq!(
            public.get("/metrics").await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        // the background jobs: none has run yet; the reminders' task runs once at start
        assert!(
            t.contains(r#"tianping_job_runs{job="reminders"} 0"#),
            "{b}: {t}"
        );
        let task = tianping_app::case_remind::start(
            &app.state,
            std::time::Duration::from_secs(3600),
            |_| {},
        );
        for _ in 0..100 {
            if app.state.jobs.reminders.snapshot().runs > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        task.stop().await;
        let t = local.get("/metrics").await.body;
        assert!(
            t.contains(r#"tianping_job_runs{job="reminders"} 1"#),
            "{b}: {t}"
        );
        assert!(
            t.contains(r#"tianping_job_failures{job="reminders"} 0"#),
            "{b}: {t}"
        );
        let last = t
            .lines()
            .find_map(|l| {
                l.strip_prefix(r#"tianping_job_last_success_timestamp_seconds{job="reminders"} "#)
            })
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        assert!(last > 1_700_000_000, "{b}: {t}");
        app.cleanup().await;
    }
}
