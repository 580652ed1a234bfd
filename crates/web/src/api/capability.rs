//! Capability evaluation cases (seed 004 §6, §9; I-18): apply, open, read as of a date,
//! append an event (refused with the broken rules and their clauses), link the on-site
//! assessment, the objections as the caller may see them, the expert pool's fields; and the
//! public `POST /public/publicity/{case_id}/objections`, without a token.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post, put};
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tianping_app::capability_cases::{self as uc, Appended};
use tianping_app::capability_objections::{self as objs, ObjectionInput};
use tianping_app::domain::people::ExpertField;
use tianping_app::App;
use tianping_case::capability::Event;
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{
    bad_json, created, parse_body, ApiPath, ApiQuery, ApiRes, Caller, Created, Forbidden, Invalid,
    NotFound, Routes, Throttled, Unauthorized,
};
use crate::error::Error;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/capability-cases", post(open_case))
        .route("/capability-cases/apply", post(apply))
        .route("/capability-cases/:id", get(get_case))
        .route("/capability-cases/:id/events", post(append_event))
        .route("/capability-cases/:id/evaluation", put(link_evaluation))
        .route("/capability-cases/:id/objections", get(list_objections))
        .route("/people/:id/expert-fields", put(set_fields))
        .route("/public/publicity/:id/objections", post(raise_objection))
}

#[derive(OpenApi)]
#[openapi(paths(
    open_case,
    apply,
    get_case,
    append_event,
    link_evaluation,
    list_objections,
    set_fields,
    raise_objection
))]
pub(super) struct Doc;

#[derive(Serialize, ToSchema)]
pub(super) struct CapCaseId {
    id: i64,
}

#[derive(Deserialize, ToSchema)]
pub(super) struct CapOpenBody {
    /// The client enterprise (body admin).
    enterprise_id: i64,
}

/// Open a capability case for a client with its application dated today (body admin)
///
/// A re-application goes into the pair's existing case; inside 2 years of the previous
/// accepted one it is refused naming the first possible day (9.1).
#[utoipa::path(post, path = "/capability-cases", tag = "capability", request_body = CapOpenBody,
    responses((status = 401, response = Unauthorized), (status = 201, body = CapCaseId), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn open_case(State(st): State<App>, Caller(u): Caller, body: Bytes) -> Created<CapCaseId> {
    let b: CapOpenBody = serde_json::from_slice(&body).map_err(bad_json)?;
    created(CapCaseId {
        id: uc::open(&st, &u, b.enterprise_id).await?,
    })
}

#[derive(Deserialize, ToSchema)]
pub(super) struct CapApplyBody {
    /// The evaluation body applied to.
    org_id: i64,
}

/// Apply for a capability evaluation (enterprise), dated today
#[utoipa::path(post, path = "/capability-cases/apply", tag = "capability", request_body = CapApplyBody,
    responses((status = 401, response = Unauthorized), (status = 201, body = CapCaseId), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn apply(State(st): State<App>, Caller(u): Caller, body: Bytes) -> Created<CapCaseId> {
    let b: CapApplyBody = serde_json::from_slice(&body).map_err(bad_json)?;
    created(CapCaseId {
        id: uc::apply(&st, &u, b.org_id).await?,
    })
}

#[derive(Deserialize, IntoParams)]
pub(super) struct CapAsOf {
    /// The date to fold the case on (default today).
    as_of: Option<String>,
}

/// A capability case as of a date
///
/// The state, the grade in force, what is due, the violations, the full fold (applications,
/// panels, evaluations, publicities with objections, the conclusion) and the events.
#[utoipa::path(get, path = "/capability-cases/{id}", tag = "capability", params(("id" = i64, Path), CapAsOf),
    responses((status = 401, response = Unauthorized), (status = 200, description = "The case", body = Object),
        (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn get_case(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<CapAsOf>,
) -> ApiRes<Value> {
    let as_of = match q.as_of.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<NaiveDate>().map_err(|_| {
            Error::invalid(
                "as_of",
                "日期应为 YYYY-MM-DD",
                "The date must be YYYY-MM-DD",
            )
        })?),
    };
    let v = uc::view(&st, &u, id, as_of).await?;
    Ok(Json(
        serde_json::to_value(&v).map_err(|e| Error::Internal(e.to_string()))?,
    ))
}

/// Record an event of a capability case
///
/// The body is an I-18 event: `{"type": "panel_formed", "date": "2026-08-03", "members":
/// ["12", "13", "14"], "round": 1}`. Refused (422, `errors` with `rule`, `clause` and
/// `message`) when a rule forbids it; panel members must be the body's pool experts without
/// a conflict; `evaluation_completed` reads the linked assessment's score.
#[utoipa::path(post, path = "/capability-cases/{id}/events", tag = "capability", params(("id" = i64, Path)),
    request_body = Object,
    responses((status = 401, response = Unauthorized), (status = 200, body = Object), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn append_event(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> ApiRes<Appended> {
    let e: Event = serde_json::from_slice(&body).map_err(|e| {
        Error::invalid(
            "",
            format!(
                "事件无效：{e}；应为 {{\"type\": 事件类型, \"date\": \"YYYY-MM-DD\", …}}，类型之一：{}",
                tianping_case::capability::EventKind::TYPES.join("、")
            ),
            format!("Invalid event: {e}"),
        )
    })?;
    Ok(Json(uc::append(&st, &u, id, e).await?))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct EvaluationBody {
    /// The body's `t-cic-capability` assessment of the enterprise.
    assessment_id: i64,
}

/// Link the on-site assessment whose score the preliminary result reads (body admin)
#[utoipa::path(put, path = "/capability-cases/{id}/evaluation", tag = "capability", params(("id" = i64, Path)),
    request_body = EvaluationBody,
    responses((status = 401, response = Unauthorized), (status = 200, body = Object), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn link_evaluation(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> ApiRes<Value> {
    let b: EvaluationBody = serde_json::from_slice(&body).map_err(bad_json)?;
    uc::link_evaluation(&st, &u, id, b.assessment_id).await?;
    Ok(Json(serde_json::json!({"assessment_id": b.assessment_id})))
}

/// An objection as the caller may see it: name and contact for the body's staff only.
#[derive(Serialize, ToSchema)]
pub(super) struct ObjectionItem {
    id: String,
    received_on: String,
    name: Option<String>,
    contact: Option<String>,
    text: String,
}

/// Objections raised on a case's publicity page
#[utoipa::path(get, path = "/capability-cases/{id}/objections", tag = "capability", params(("id" = i64, Path)),
    responses((status = 401, response = Unauthorized), (status = 200, body = Vec<ObjectionItem>), (status = 404, response = NotFound)))]
async fn list_objections(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Vec<ObjectionItem>> {
    Ok(Json(
        objs::objections(&st, &u, id)
            .await?
            .into_iter()
            .map(|o| ObjectionItem {
                id: o.id,
                received_on: o.received_on,
                name: o.name,
                contact: o.contact,
                text: o.text,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct FieldsBody {
    /// `culture`, `industry`, `certification`, `standardization` (empty: out of the pool).
    fields: Vec<String>,
}

/// Set a person's expert-pool fields (body admin, 004 7.2.2)
#[utoipa::path(put, path = "/people/{id}/expert-fields", tag = "capability", params(("id" = i64, Path)),
    request_body = FieldsBody,
    responses((status = 401, response = Unauthorized), (status = 200, body = Object), (status = 404, response = NotFound),
        (status = 422, response = Invalid)))]
async fn set_fields(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> ApiRes<Value> {
    let b: FieldsBody = parse_body(&body)?;
    let mut fields = Vec::new();
    for f in &b.fields {
        fields.push(
            f.parse::<ExpertField>().map_err(|e| {
                Error::invalid("fields", e.to_string(), format!("Unknown field {f}"))
            })?,
        );
    }
    objs::set_expert_fields(&st, &u, id, &fields).await?;
    Ok(Json(serde_json::json!({"fields": b.fields})))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct ObjectionBody {
    /// Name or organisation (1–100 characters).
    name: String,
    /// Phone or e-mail (1–200 characters).
    contact: String,
    /// The objection and its reasons (1–5000 characters).
    text: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct ObjectionReceipt {
    /// `O-<n>`.
    id: String,
}

/// Raise an objection to a capability result under publicity (no token)
///
/// Accepted until the publicity's last day (China time); at most 3 per address per case and
/// 10 per address in all each day. The name and contact go to the body only.
#[utoipa::path(post, path = "/public/publicity/{id}/objections", tag = "capability", security(()),
    params(("id" = i64, Path)), request_body = ObjectionBody,
    responses((status = 201, body = ObjectionReceipt), (status = 404, response = NotFound),
        (status = 422, response = Invalid), (status = 429, response = Throttled)))]
async fn raise_objection(
    State(st): State<App>,
    crate::auth::ClientIp(ip): crate::auth::ClientIp,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Created<ObjectionReceipt> {
    let b: ObjectionBody = parse_body(&body)?;
    let source = ip.unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let n = objs::raise_objection(
        &st,
        id,
        ObjectionInput {
            name: b.name,
            contact: b.contact,
            text: b.text,
        },
        source,
    )
    .await?;
    created(ObjectionReceipt { id: n })
}
