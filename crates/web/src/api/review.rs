//! The body's review through the API (I-6, I-20): verifying a self-declared answer
//! (`POST /assessments/{id}/answers/{indicator}/verify`) or every one of a table
//! (`POST /assessments/{id}/verify`), and the enterprise's disputed proposals
//! (`GET /assessments/{id}/proposals`, `POST /assessments/{id}/proposals/{proposal}`).

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Json;
use serde::Serialize;
use serde_json::{Map, Value};
use tianping_app::domain::{ProposalStatus, Source};
use tianping_app::review::{self, Outcome, Proposal, VerifyInput};
use tianping_app::{assessments, App};
use utoipa::{OpenApi, ToSchema};

use super::{
    bad_json, body_fields, unknown_field, ApiPath, ApiRes, Caller, Conflict, Forbidden, Invalid,
    NotFound, ProposalStatusText, Routes, SourceText, Unauthorized,
};
use crate::error::Error;

pub(super) fn routes(r: Routes) -> Routes {
    r.route(
        "/assessments/:id/answers/:indicator/verify",
        post(verify_item),
    )
    .route("/assessments/:id/verify", post(verify_table))
    .route("/assessments/:id/proposals", get(list_proposals))
    .route(
        "/assessments/:id/proposals/:proposal",
        post(resolve_proposal),
    )
}

#[derive(OpenApi)]
#[openapi(paths(verify_item, verify_table, list_proposals, resolve_proposal))]
pub(super) struct Doc;

/// A verification of one answer.
#[derive(ToSchema)]
#[allow(dead_code)] // read field by field; the type is its schema
pub(super) struct VerifyIn {
    /// The corrected figure (0–100); none, null or the same figure confirms the answer.
    value: Option<f64>,
    /// Why: required when correcting.
    note: Option<String>,
}

/// A verification of every self-declared answer of a table.
#[derive(ToSchema)]
#[allow(dead_code)] // read field by field; the type is its schema
pub(super) struct VerifyTableIn {
    /// The table's id (e.g. `表A.1`), as in the template's `table`.
    table: String,
    note: Option<String>,
}

/// A reviewer's decision on a proposal.
#[derive(ToSchema)]
#[allow(dead_code)] // read field by field; the type is its schema
pub(super) struct DecisionIn {
    /// `accept` (the proposed figure becomes the answer, verified) or `reject`.
    decision: String,
    /// Why: required when rejecting.
    note: Option<String>,
}

/// One answer a verification wrote.
#[derive(Serialize, ToSchema)]
pub(super) struct VerifiedItem {
    indicator: String,
    /// The answer as now stored (`verified: true`).
    value: Value,
    /// Whether the reviewer corrected the figure (otherwise confirmed it).
    corrected: bool,
}

/// The assessment's result after the change.
#[derive(Serialize, ToSchema)]
pub(super) struct ResultSummary {
    score: f64,
    grade: Option<String>,
    stars: Option<i64>,
}

/// What a verification did: how many answers it verified, each as stored, and the new
/// result.
#[derive(Serialize, ToSchema)]
pub(super) struct Verified {
    /// The table (whole-table verification only).
    #[serde(skip_serializing_if = "Option::is_none")]
    table: Option<String>,
    /// How many answers were verified (0: none of the table awaited verification).
    verified: usize,
    items: Vec<VerifiedItem>,
    /// The assessment's revision.
    revision: i64,
    result: ResultSummary,
}

impl Verified {
    fn new(table: Option<String>, o: Outcome) -> Verified {
        Verified {
            table,
            verified: o.verified.len(),
            items: o
                .verified
                .into_iter()
                .map(|v| VerifiedItem {
                    indicator: v.indicator,
                    value: v.value,
                    corrected: v.corrected,
                })
                .collect(),
            revision: o.revision,
            result: ResultSummary {
                score: o.score,
                grade: o.grade,
                stars: o.stars,
            },
        }
    }
}

/// An enterprise's value kept beside a protected answer, and what the body decided.
#[derive(Serialize, ToSchema)]
pub(super) struct ProposalOut {
    id: i64,
    indicator: String,
    /// The proposed answer (`{"value": n, "source": …, "verified": false}`).
    value: Value,
    #[schema(value_type = SourceText)]
    source: Source,
    note: String,
    /// The protected answer it disputes, as it was then.
    held_value: Option<Value>,
    #[schema(value_type = Option<SourceText>)]
    held_source: Option<Source>,
    held_by: Option<i64>,
    #[schema(value_type = ProposalStatusText)]
    status: ProposalStatus,
    proposed_by: i64,
    proposed_at: String,
    resolved_by: Option<i64>,
    resolved_at: Option<String>,
    resolution_note: String,
}

impl From<Proposal> for ProposalOut {
    fn from(p: Proposal) -> ProposalOut {
        let json = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
        ProposalOut {
            id: p.id,
            value: json(&p.value_json),
            indicator: p.indicator_id,
            source: p.source,
            note: p.note,
            held_value: p.held_json.as_deref().map(json),
            held_source: p.held_source,
            held_by: p.held_by,
            status: p.status,
            proposed_by: p.proposed_by,
            proposed_at: p.proposed_at,
            resolved_by: p.resolved_by,
            resolved_at: p.resolved_at,
            resolution_note: p.resolution_note,
        }
    }
}

/// The proposals of an assessment, newest first.
#[derive(Serialize, ToSchema)]
pub(super) struct Proposals {
    assessment_id: i64,
    items: Vec<ProposalOut>,
}

/// A resolved proposal and, when accepted, the verified answer and the new result.
#[derive(Serialize, ToSchema)]
pub(super) struct Resolved {
    proposal: ProposalOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    verified: Option<Verified>,
}

/// A JSON object body, its fields checked against `T`'s schema.
fn object<T: ToSchema>(body: &Bytes) -> Result<Map<String, Value>, Error> {
    let v: Value = serde_json::from_slice(body).map_err(bad_json)?;
    let Value::Object(m) = v else {
        return Err(Error::invalid(
            "",
            "请求体应为 JSON 对象",
            "The request body must be a JSON object",
        ));
    };
    let allowed = body_fields::<T>();
    let errs: Vec<_> = m
        .keys()
        .filter(|k| !allowed.contains(k))
        .map(|k| unknown_field(k, &allowed))
        .collect();
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    Ok(m)
}

/// A text field of a body (absent or null: empty).
fn text(m: &Map<String, Value>, k: &str) -> Result<String, Error> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Error::invalid(k, "应为字符串", "Must be a string")),
    }
}

/// Verify one self-declared answer
///
/// A reviewer of the engaged evaluation body (an auditor or admin of the body running the
/// assessment, or that the enterprise engaged) confirms the figure, or corrects it with a
/// note. The answer is written again as verified (a new version; it now counts) and the
/// assessment is scored again. Allowed on drafts and on submitted assessments. An answer
/// that is not self-declared, or already verified, is refused (409).
#[utoipa::path(
    post,
    path = "/assessments/{id}/answers/{indicator}/verify",
    tag = "review",
    params(
        ("id" = i64, Path, description = "The assessment's id"),
        ("indicator" = String, Path, description = "The indicator's id"),
    ),
    request_body = VerifyIn,
    responses(
        (status = 200, description = "The verified answer and the new result", body = Verified),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
    )
)]
async fn verify_item(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath((id, ind)): ApiPath<(i64, String)>,
    body: Bytes,
) -> ApiRes<Verified> {
    assessments::get(&st, &u, id).await?;
    let m = object::<VerifyIn>(&body)?;
    let value = match m.get("value") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_f64().ok_or_else(|| {
            Error::invalid(
                "value",
                "应为 0 至 100 的数字",
                "Must be a number from 0 to 100",
            )
        })?),
    };
    let input = VerifyInput {
        value,
        note: text(&m, "note")?,
    };
    let o = review::verify_item(&st, &u, id, &ind, &input).await?;
    Ok(Json(Verified::new(None, o)))
}

/// Verify every self-declared answer of a table
///
/// Every answered, self-declared, unverified item of the table is confirmed as it is, with
/// one note, in one revision; the assessment is scored again. Returns how many were
/// verified (0 when none awaited) and the new result.
#[utoipa::path(
    post,
    path = "/assessments/{id}/verify",
    tag = "review",
    params(("id" = i64, Path, description = "The assessment's id")),
    request_body = VerifyTableIn,
    responses(
        (status = 200, description = "The verified answers and the new result", body = Verified),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
async fn verify_table(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> ApiRes<Verified> {
    assessments::get(&st, &u, id).await?;
    let m = object::<VerifyTableIn>(&body)?;
    let table = text(&m, "table")?;
    if table.trim().is_empty() {
        return Err(Error::invalid("table", "请指明要核验的表", "Name the table to verify").into());
    }
    let o = review::verify_table(&st, &u, id, table.trim(), &text(&m, "note")?).await?;
    Ok(Json(Verified::new(Some(table.trim().to_string()), o)))
}

/// The enterprise's disputed proposals beside protected answers
#[utoipa::path(
    get,
    path = "/assessments/{id}/proposals",
    tag = "review",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The proposals, newest first (experts: none)", body = Proposals),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
async fn list_proposals(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Proposals> {
    let (a, access) = assessments::get(&st, &u, id).await?;
    let items = review::proposals(&st, &a, &access)
        .await?
        .into_iter()
        .map(ProposalOut::from)
        .collect();
    Ok(Json(Proposals {
        assessment_id: a.id,
        items,
    }))
}

/// Accept or reject a proposal
///
/// A reviewer of the engaged body accepts an open proposal (its figure becomes the answer,
/// verified; the assessment is scored again) or rejects it with a note. A proposal already
/// dealt with is refused (409).
#[utoipa::path(
    post,
    path = "/assessments/{id}/proposals/{proposal}",
    tag = "review",
    params(
        ("id" = i64, Path, description = "The assessment's id"),
        ("proposal" = i64, Path, description = "The proposal's id"),
    ),
    request_body = DecisionIn,
    responses(
        (status = 200, description = "The resolved proposal (and, accepted, the new result)", body = Resolved),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
    )
)]
async fn resolve_proposal(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath((id, pid)): ApiPath<(i64, i64)>,
    body: Bytes,
) -> ApiRes<Resolved> {
    assessments::get(&st, &u, id).await?;
    let m = object::<DecisionIn>(&body)?;
    let accept = match text(&m, "decision")?.as_str() {
        "accept" => true,
        "reject" => false,
        _ => {
            return Err(Error::invalid(
                "decision",
                "应为 accept（采纳）或 reject（驳回）",
                "Must be accept or reject",
            )
            .into())
        }
    };
    let (p, o) = review::resolve(&st, &u, id, pid, accept, &text(&m, "note")?).await?;
    Ok(Json(Resolved {
        proposal: p.into(),
        verified: o.map(|o| Verified::new(None, o)),
    }))
}
