//! `POST /tokens` (an API token for email and password) and `GET /me` (the caller).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use tianping_app::{accounts, App};

use super::{ok, parse_body, ApiRes, Caller, Routes};
use crate::error::Error;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/tokens", post(token)).route("/me", get(me))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenIn {
    email: String,
    password: String,
    name: String,
}

async fn token(State(st): State<App>, body: Bytes) -> ApiRes {
    let t: TokenIn = parse_body(&body, &["email", "password", "name"])?;
    let u = accounts::authenticate(&st, &t.email, &t.password)
        .await
        .map_err(|e| match e {
            Error::Invalid(_) => Error::Unauthorized,
            e => e,
        })?;
    let tok = accounts::create_token(&st, &u, &t.name).await?;
    ok(StatusCode::CREATED, json!({"token": tok, "user": u}))
}

async fn me(Caller(u): Caller) -> ApiRes {
    ok(StatusCode::OK, json!(u))
}
