//! `GET /schemes`: the shipped schemes and their variants.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{json, Value};
use tianping_app::App;

use super::{ok, ApiRes, Caller, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/schemes", get(schemes))
}

async fn schemes(State(st): State<App>, Caller(_): Caller) -> ApiRes {
    let v: Vec<Value> = st
        .catalog
        .schemes
        .iter()
        .map(|s| {
            json!({"id": s.id, "name": s.name, "standard": s.standard, "method": s.method, "version": s.version,
                   "variants": s.variants.iter().map(|v| json!({"id": v.id, "name": v.name})).collect::<Vec<_>>()})
        })
        .collect();
    ok(StatusCode::OK, v)
}
