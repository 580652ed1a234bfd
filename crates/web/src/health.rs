//! Health and readiness for a load balancer or an orchestrator (DESIGN I-24): `/healthz`
//! answers while the process serves requests; `/readyz` also asks the database and answers 503
//! when it does not answer, so that traffic goes to another server. Neither needs a session,
//! sets a cookie or is cached.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tianping_app::App;

fn plain(status: StatusCode, body: &'static str) -> Response {
    (
        status,
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// `GET /healthz`: the process is up.
pub async fn healthz() -> Response {
    plain(StatusCode::OK, "ok\n")
}

/// `GET /readyz`: the process is up and its database answers.
pub async fn readyz(State(st): State<App>) -> Response {
    match st.store.ping().await {
        Ok(()) => plain(StatusCode::OK, "ready\n"),
        Err(_) => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "数据库无响应 / the database does not answer\n",
        ),
    }
}
