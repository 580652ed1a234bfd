//! Certification cases (I-16, I-17): list, open, apply, read as of a date, append an event
//! (refused with the broken rules and their clauses), the decider's checklist, export and
//! import as JSON Lines, delete after the retention of clause 10, and the due list.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tianping_app::cases::{self, Appended, Imported};
use tianping_app::App;
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{
    bad_json, ApiPath, ApiQuery, ApiRes, Caller, Forbidden, Invalid, NotFound, Routes, Unauthorized,
};
use crate::error::{ApiError, Error};

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/cases", get(list_cases).post(open_case))
        .route("/cases/apply", post(apply))
        .route("/cases/import", post(import_case))
        .route("/cases/:id", get(get_case).delete(delete_case))
        .route("/cases/:id/events", post(append_event))
        .route("/cases/:id/events.jsonl", get(export_case))
        .route("/cases/:id/checklist", get(checklist))
        .route("/due", get(due_list))
        .route("/certificate-pattern", get(get_pattern).put(put_pattern))
}

#[derive(OpenApi)]
#[openapi(paths(
    list_cases,
    open_case,
    apply,
    import_case,
    get_case,
    delete_case,
    append_event,
    export_case,
    checklist,
    due_list,
    get_pattern,
    put_pattern
))]
pub(super) struct Doc;

/// A case in a list.
#[derive(Serialize, ToSchema)]
pub(super) struct CaseItem {
    id: i64,
    /// `certification`.
    kind: String,
    org_id: i64,
    org_name: String,
    enterprise_id: i64,
    enterprise_name: String,
    /// The state of the fold (`applied`, `in_audit`, `certified`, `suspended`, …).
    state: String,
    certificate_number: Option<String>,
    valid_until: Option<String>,
}

impl From<tianping_app::cases::DueRow> for DueItem {
    fn from(r: tianping_app::cases::DueRow) -> DueItem {
        DueItem {
            case_id: r.case.id,
            enterprise_name: r.case.enterprise_name,
            kind: r.due.kind.as_str().to_string(),
            due: r.due.due.to_string(),
            overdue: r.due.overdue,
            clause: r.due.clause.to_string(),
            subject: r.due.subject,
            message: r.due.message,
        }
    }
}

fn item(c: cases::Row) -> CaseItem {
    CaseItem {
        id: c.id,
        kind: c.kind,
        org_id: c.org_id,
        org_name: c.org_name,
        enterprise_id: c.enterprise_id,
        enterprise_name: c.enterprise_name,
        state: c.state,
        certificate_number: c.certificate_number,
        valid_until: c.valid_until,
    }
}

/// Cases the caller sees
///
/// A body's staff see their body's cases, an enterprise its own, the platform every case.
#[utoipa::path(get, path = "/cases", tag = "cases",
    responses((status = 200, body = Vec<CaseItem>), (status = 401, response = Unauthorized)))]
async fn list_cases(State(st): State<App>, Caller(u): Caller) -> ApiRes<Vec<CaseItem>> {
    Ok(Json(
        cases::list(&st, &u).await?.into_iter().map(item).collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct OpenBody {
    enterprise_id: i64,
}

#[derive(Serialize, ToSchema)]
pub(super) struct CaseId {
    id: i64,
}

/// Open a certification case (body admin)
#[utoipa::path(post, path = "/cases", tag = "cases", request_body = OpenBody,
    responses((status = 401, response = Unauthorized), (status = 201, body = CaseId), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn open_case(
    State(st): State<App>,
    Caller(u): Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: OpenBody = serde_json::from_slice(&body).map_err(bad_json)?;
    let id = cases::open(&st, &u, b.enterprise_id).await?;
    Ok((axum::http::StatusCode::CREATED, Json(CaseId { id })).into_response())
}

/// An event as in the JSON Lines of I-16: `type`, `date` and the fields of its type (I-17).
#[derive(Serialize, Deserialize, ToSchema)]
pub(super) struct EventBody {
    /// One of the event types of I-17, e.g. `application_received`, `audit_planned`.
    #[serde(rename = "type")]
    kind: String,
    /// The day of the act, `YYYY-MM-DD`, not after today.
    date: String,
    /// The fields of the type.
    #[serde(flatten)]
    fields: Map<String, Value>,
}

/// An event from a request body. `by` may be left out: the person entering an act is the one
/// recorded as acting.
fn event(body: &[u8]) -> Result<cases::Event, Error> {
    let invalid = |e: String| {
        Error::invalid(
            "",
            format!(
                "事件无效：{e}；应为 {{\"type\": 事件类型, \"date\": \"YYYY-MM-DD\", …该类型的字段}}，类型之一：{}",
                cases::EVENT_TYPES.join("、")
            ),
            format!("Invalid event: {e}"),
        )
    };
    let mut v: Value = serde_json::from_slice(body).map_err(|e| invalid(e.to_string()))?;
    if let Value::Object(m) = &mut v {
        m.entry("by")
            .or_insert_with(|| Value::String(String::new()));
    }
    serde_json::from_value(v).map_err(|e| invalid(e.to_string()))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct ApplyBody {
    /// The certification body applied to.
    org_id: i64,
    /// The `application_received` event.
    #[schema(value_type = EventBody)]
    application: Value,
}

/// Apply for certification (enterprise)
///
/// Opens a case with the body whose first event is the application.
#[utoipa::path(post, path = "/cases/apply", tag = "cases", request_body = ApplyBody,
    responses((status = 401, response = Unauthorized), (status = 201, body = CaseId), (status = 403, response = Forbidden),
        (status = 422, response = Invalid)))]
async fn apply(
    State(st): State<App>,
    Caller(u): Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ApplyBody = serde_json::from_slice(&body).map_err(|e| {
        Error::invalid(
            "",
            format!("请求体应为 {{\"org_id\": 认证机构编号, \"application\": 申请事件}}：{e}"),
            format!("The body must be {{\"org_id\", \"application\"}}: {e}"),
        )
    })?;
    let e = event(b.application.to_string().as_bytes())?;
    let id = cases::apply(&st, &u, b.org_id, e).await?;
    Ok((axum::http::StatusCode::CREATED, Json(CaseId { id })).into_response())
}

#[derive(Deserialize, IntoParams)]
pub(super) struct AsOf {
    /// The date to fold the case on (default today).
    as_of: Option<String>,
}

pub(super) fn as_of(q: &AsOf) -> Result<Option<NaiveDate>, Error> {
    match q.as_of.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            Error::invalid(
                "as_of",
                "日期应为 YYYY-MM-DD",
                "The date must be YYYY-MM-DD",
            )
        }),
    }
}

/// A case as of a date
///
/// The state, the certificate, what is due, the violations of its history, the full fold and
/// the events with who entered them.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", params(("id" = i64, Path), AsOf),
    responses((status = 401, response = Unauthorized), (status = 200, description = "The case (see the I-16 fields)", body = Object),
        (status = 404, response = NotFound)))]
async fn get_case(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AsOf>,
) -> ApiRes<Value> {
    let v = cases::view(&st, &u, id, as_of(&q)?).await?;
    Ok(Json(
        serde_json::to_value(&v).map_err(|e| Error::Internal(e.to_string()))?,
    ))
}

/// Record an event
///
/// Refused (422, `errors` with `rule`, `clause` and `message`) when a rule of I-17 forbids
/// it; nothing is recorded then. A grant issues the certificate with the body's next number.
#[utoipa::path(post, path = "/cases/{id}/events", tag = "cases", params(("id" = i64, Path)),
    request_body = EventBody,
    responses((status = 401, response = Unauthorized), (status = 200, body = Object), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn append_event(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> ApiRes<Appended> {
    let e = event(&body)?;
    Ok(Json(cases::append(&st, &u, id, e).await?))
}

/// Export a case as JSON Lines (I-16)
#[utoipa::path(get, path = "/cases/{id}/events.jsonl", tag = "cases", params(("id" = i64, Path)),
    responses((status = 401, response = Unauthorized), (status = 200, description = "The header line, then one event per line", content_type = "application/jsonl"),
        (status = 404, response = NotFound)))]
async fn export_case(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let text = cases::export(&st, &u, id).await?;
    Ok(([(CONTENT_TYPE, "application/jsonl; charset=utf-8")], text).into_response())
}

#[derive(Deserialize, IntoParams)]
pub(super) struct ImportQ {
    /// The client enterprise.
    enterprise_id: i64,
}

/// Import a client's history (body admin)
///
/// The body is a JSON Lines file (I-16). Every event is kept; the violations are listed. A
/// malformed file changes nothing and names its line.
#[utoipa::path(post, path = "/cases/import", tag = "cases", params(ImportQ),
    request_body(content = String, content_type = "application/jsonl"),
    responses((status = 401, response = Unauthorized), (status = 201, body = Object), (status = 403, response = Forbidden),
        (status = 422, response = Invalid)))]
async fn import_case(
    State(st): State<App>,
    Caller(u): Caller,
    ApiQuery(q): ApiQuery<ImportQ>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let text = std::str::from_utf8(&body).map_err(|_| {
        Error::invalid(
            "",
            "文件应为 UTF-8 编码的 JSON Lines",
            "The file must be UTF-8 JSON Lines",
        )
    })?;
    let r: Imported = cases::import(&st, &u, q.enterprise_id, text).await?;
    Ok((axum::http::StatusCode::CREATED, Json(r)).into_response())
}

/// Delete a case (body admin, after the retention of clause 10)
#[utoipa::path(delete, path = "/cases/{id}", tag = "cases", params(("id" = i64, Path)),
    responses((status = 401, response = Unauthorized), (status = 204), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 422, response = Invalid)))]
async fn delete_case(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    cases::delete(&st, &u, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, IntoParams)]
pub(super) struct AuditQ {
    /// The audit the decision is about.
    audit: String,
}

/// The decider's checklist (8.1.7) for an audit
#[utoipa::path(get, path = "/cases/{id}/checklist", tag = "cases", params(("id" = i64, Path), AuditQ),
    responses((status = 401, response = Unauthorized), (status = 200, body = Object), (status = 404, response = NotFound)))]
async fn checklist(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AuditQ>,
) -> ApiRes<Value> {
    let c = cases::checklist(&st, &u, id, &q.audit).await?;
    Ok(Json(
        serde_json::to_value(c).map_err(|e| Error::Internal(e.to_string()))?,
    ))
}

/// One thing due.
#[derive(Serialize, ToSchema)]
pub(super) struct DueItem {
    case_id: i64,
    enterprise_name: String,
    /// `supplement`, `contract`, `decision`, `certificate`, `correction`, `surveillance`,
    /// `suspend`, `withdraw`, `recertification`, `appeal`, `complaint`.
    kind: String,
    due: String,
    overdue: bool,
    clause: String,
    subject: Option<String>,
    message: String,
}

/// Everything due or overdue across the caller's cases
#[utoipa::path(get, path = "/due", tag = "cases", params(AsOf),
    responses((status = 200, body = Vec<DueItem>), (status = 401, response = Unauthorized)))]
async fn due_list(
    State(st): State<App>,
    Caller(u): Caller,
    ApiQuery(q): ApiQuery<AsOf>,
) -> ApiRes<Vec<DueItem>> {
    let day = as_of(&q)?.unwrap_or_else(|| cases::today(&st));
    Ok(Json(
        cases::due(&st, &u, day)
            .await?
            .into_iter()
            .map(DueItem::from)
            .collect(),
    ))
}

/// A body's certificate-number pattern (I-21).
#[derive(Serialize, Deserialize, ToSchema)]
pub(super) struct PatternBody {
    /// `{year}` the issue year, `{seq}` or `{seq:N}` (zero-padded) the sequence, once.
    pattern: String,
    /// This year's number with the next value of the sequence (read only).
    #[serde(default, skip_deserializing)]
    example: String,
}

/// The body's certificate-number pattern
#[utoipa::path(get, path = "/certificate-pattern", tag = "cases",
    responses((status = 200, body = PatternBody), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound)))]
async fn get_pattern(State(st): State<App>, Caller(u): Caller) -> ApiRes<PatternBody> {
    let p = cases::pattern(&st, &u).await?;
    Ok(Json(PatternBody {
        pattern: p.pattern,
        example: p.example,
    }))
}

/// Set the body's certificate-number pattern (body admin)
///
/// Numbers already issued stay; the sequence goes on.
#[utoipa::path(put, path = "/certificate-pattern", tag = "cases", request_body = PatternBody,
    responses((status = 200, body = PatternBody), (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden), (status = 422, response = Invalid)))]
async fn put_pattern(State(st): State<App>, Caller(u): Caller, body: Bytes) -> ApiRes<PatternBody> {
    let b: PatternBody = serde_json::from_slice(&body).map_err(bad_json)?;
    let p = cases::set_pattern(&st, &u, &b.pattern).await?;
    Ok(Json(PatternBody {
        pattern: p.pattern,
        example: p.example,
    }))
}
