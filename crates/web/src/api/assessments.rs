//! `/assessments`: the assessments the caller may see, creating one, one assessment, its
//! answer template, and submitting it.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{json, Value};
use tianping_app::domain::Access;
use tianping_app::{assessments, repo, App};

use super::{list, ok, paging, parse_body, parse_id, ApiRes, Caller, PageQ, Routes};
use crate::error::Error;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/assessments", get(assessments).post(assessment_create))
        .route("/assessments/:id", get(assessment_get))
        .route("/assessments/:id/template", get(template))
        .route("/assessments/:id/submit", post(submit))
}

async fn assessments(State(st): State<App>, Caller(u): Caller, Query(q): Query<PageQ>) -> ApiRes {
    let (page, per) = paging(&q)?;
    let ent = match q.enterprise_id.as_deref() {
        None | Some("") => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| {
            Error::invalid(
                "enterprise_id",
                "enterprise_id 应为整数",
                "enterprise_id must be a whole number",
            )
        })?),
    };
    let (items, total) = assessments::list(&st, &u, ent, per, (page - 1) * per).await?;
    ok(StatusCode::OK, list(items, page, per, total))
}

pub(super) fn assessment_json(a: &repo::Assessment, access: &Access) -> Value {
    let mut v = json!(a);
    if !access.sees_result() {
        for k in ["score", "grade", "stars"] {
            v[k] = Value::Null;
        }
    }
    v["access"] = json!(match access {
        Access::Read => "read",
        Access::Edit => "edit",
        Access::Expert(_) => "expert",
        Access::Platform => "platform",
    });
    if let Access::Expert(items) = access {
        v["assigned_items"] = json!(items);
    }
    v
}

async fn assessment_create(State(st): State<App>, Caller(u): Caller, body: Bytes) -> ApiRes {
    let i = parse_body(
        &body,
        &[
            "enterprise_id",
            "scheme",
            "variant",
            "title",
            "profile",
            "current_stars",
            "first_application",
        ],
    )?;
    let a = assessments::create(&st, &u, &i).await?;
    let (a, access) = assessments::get(&st, &u, a.id).await?;
    ok(StatusCode::CREATED, assessment_json(&a, &access))
}

async fn assessment_get(
    State(st): State<App>,
    Caller(u): Caller,
    Path(id): Path<String>,
) -> ApiRes {
    let (a, access) = assessments::get(&st, &u, parse_id(&id)?).await?;
    ok(StatusCode::OK, assessment_json(&a, &access))
}

async fn template(State(st): State<App>, Caller(u): Caller, Path(id): Path<String>) -> ApiRes {
    let (a, access) = assessments::get(&st, &u, parse_id(&id)?).await?;
    let scheme = st.scheme(&a.scheme)?;
    let plan = assessments::plan(&st, &a)?;
    let mut t = tianping_core::template::template(&plan);
    if let Access::Expert(_) = &access {
        if let Some(list) = t["indicators"].as_array_mut() {
            list.retain(|i| i["id"].as_str().is_some_and(|id| access.sees_item(id)));
        }
        if let Some(m) = t["answers"].as_object_mut() {
            m.retain(|k, _| access.sees_item(k));
        }
    }
    if !scheme.guidance.is_empty() {
        t["guidance"] = json!(scheme.guidance);
    }
    ok(StatusCode::OK, t)
}

async fn submit(State(st): State<App>, Caller(u): Caller, Path(id): Path<String>) -> ApiRes {
    let a = assessments::submit(&st, &u, parse_id(&id)?).await?;
    let (a, access) = assessments::get(&st, &u, a.id).await?;
    ok(StatusCode::OK, assessment_json(&a, &access))
}
