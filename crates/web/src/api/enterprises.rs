//! `/enterprises`: the enterprises the caller may see, registering a client (body staff),
//! one enterprise with its sites, and updating its record.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{json, Value};
use tianping_app::{enterprises, repo, App};

use super::{list, ok, paging, parse_body, parse_id, ApiRes, Caller, PageQ, Routes};
use crate::error::Error;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/enterprises", get(enterprises).post(enterprise_create))
        .route("/enterprises/:id", get(enterprise_get).put(enterprise_put))
}

const ENTERPRISE_FIELDS: &[&str] = &[
    "uscc",
    "name",
    "registered_address",
    "operating_address",
    "legal_representative",
    "industry_code",
    "headcount",
    "enterprise_type",
    "category",
];

async fn enterprises(State(st): State<App>, Caller(u): Caller, Query(q): Query<PageQ>) -> ApiRes {
    let (page, per) = paging(&q)?;
    let (items, total) = enterprises::list(&st, &u, per, (page - 1) * per).await?;
    ok(StatusCode::OK, list(items, page, per, total))
}

async fn enterprise_json(st: &App, u: &repo::User, e: &repo::Enterprise) -> Result<Value, Error> {
    let sites = enterprises::sites(st, u, e.id).await?;
    let mut v = json!(e);
    v["sites"] = json!(sites);
    v["suggested_category"] =
        json!(enterprises::suggest_category(st, &e.industry_code).map(|c| c.0));
    Ok(v)
}

async fn enterprise_create(State(st): State<App>, Caller(u): Caller, body: Bytes) -> ApiRes {
    let i = parse_body(&body, ENTERPRISE_FIELDS)?;
    let e = enterprises::create(&st, &u, &i).await?;
    ok(StatusCode::CREATED, enterprise_json(&st, &u, &e).await?)
}

async fn enterprise_get(
    State(st): State<App>,
    Caller(u): Caller,
    Path(id): Path<String>,
) -> ApiRes {
    let id = parse_id(&id)?;
    let e = enterprises::get(&st, &u, id).await?;
    ok(StatusCode::OK, enterprise_json(&st, &u, &e).await?)
}

async fn enterprise_put(
    State(st): State<App>,
    Caller(u): Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiRes {
    let id = parse_id(&id)?;
    // visibility first, so that a refused object is not found whatever the body says
    enterprises::get(&st, &u, id).await?;
    let i = parse_body(&body, ENTERPRISE_FIELDS)?;
    let e = enterprises::update(&st, &u, id, &i).await?;
    ok(StatusCode::OK, enterprise_json(&st, &u, &e).await?)
}
