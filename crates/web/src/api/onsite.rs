//! On-site from self: `POST /assessments/{id}/onsite` starts the body's on-site assessment
//! from a submitted self-assessment (answers and evidence carried over as proposals to
//! confirm), and `GET /assessments/{id}/compare?with=` compares two assessments of the same
//! enterprise and scheme item by item.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tianping_app::{assessments, onsite, App};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::assessments::Assessment;
use super::{
    created, parse_body, ApiPath, ApiQuery, ApiRes, Caller, Created, Forbidden, Invalid, NotFound,
    Routes, Unauthorized,
};
use crate::error::Error;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/assessments/:id/onsite", post(start_onsite))
        .route("/assessments/:id/compare", get(compare_assessments))
}

#[derive(OpenApi)]
#[openapi(paths(start_onsite, compare_assessments))]
pub(super) struct Doc;

/// An on-site assessment started from a self-assessment (every field optional; the body may
/// be empty).
#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct OnsiteIn {
    /// By default “<enterprise> <scheme> 现场评价”.
    title: String,
}

/// Start an on-site assessment from a self-assessment
///
/// An auditor or admin of an evaluation body the enterprise has engaged starts the body's
/// on-site assessment from the enterprise's submitted self-assessment `{id}` (a draft is
/// refused, 422): same scheme, variant, profile and application facts. Every answer is
/// carried over as a proposal to confirm: same value, note prefixed “（自评带入）”, the
/// enterprise's source kept — a self-declared answer on T11/AII 001-2020 is carried
/// unverified and counts only once a reviewer verifies it; third-party and platform data
/// count as they did. Every evidence file is linked to the same item. One audit entry
/// (`create_from_self`). Enterprise members and other staff: 403; a self-assessment the caller
/// cannot see: 404.
#[utoipa::path(
    post,
    path = "/assessments/{id}/onsite",
    tag = "assessments",
    params(("id" = i64, Path, description = "The self-assessment's id")),
    request_body(content = Option<OnsiteIn>, description = "Optional; the body may be empty"),
    responses(
        (status = 201, description = "The new on-site assessment", body = Assessment),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
async fn start_onsite(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Created<Assessment> {
    let i: OnsiteIn = if body.iter().all(u8::is_ascii_whitespace) {
        OnsiteIn::default()
    } else {
        parse_body(&body)?
    };
    let a = onsite::create_from_self(&st, &u, id, &i.title).await?;
    let (a, access) = assessments::get(&st, &u, a.id).await?;
    created(Assessment::new(a, access))
}

/// The parameters of a comparison.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct CompareQ {
    /// The assessment to compare with (same enterprise and scheme); by default the
    /// self-assessment the on-site assessment started from.
    #[param(value_type = Option<i64>)]
    with: Option<String>,
}

/// One item compared.
#[derive(Serialize, ToSchema)]
pub(super) struct CompareRow {
    indicator: String,
    /// The answer in the assessment compared with (`base`), as stored; null: none.
    base: Option<Value>,
    /// The answer in this assessment, as stored; null: none.
    value: Option<Value>,
    /// Whether the figures differ (source and verification aside; an answer against none
    /// differs).
    differs: bool,
}

/// Two assessments compared item by item.
#[derive(Serialize, ToSchema)]
pub(super) struct Comparison {
    /// The assessment compared with.
    base: i64,
    assessment: i64,
    /// How many items differ.
    differences: usize,
    /// Every item both sides show, in the scheme's order.
    rows: Vec<CompareRow>,
}

/// Compare two assessments
///
/// Item by item, the answers of assessment `{id}` and of `with` (by default the
/// self-assessment the on-site assessment started from; 422 when there is none). Both must be
/// readable by the caller (404 otherwise) and of the same enterprise and scheme (422).
#[utoipa::path(
    get,
    path = "/assessments/{id}/compare",
    tag = "assessments",
    params(("id" = i64, Path, description = "The assessment's id"), CompareQ),
    responses(
        (status = 200, description = "The items compared", body = Comparison),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
async fn compare_assessments(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<CompareQ>,
) -> ApiRes<Comparison> {
    let with =
        match q.with.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(s.parse::<i64>().map_err(|_| {
                Error::invalid("with", "with 应为整数", "with must be a whole number")
            })?),
        };
    let c = onsite::compare(&st, &u, id, with).await?;
    Ok(Json(Comparison {
        base: c.base.id,
        assessment: c.assessment.id,
        differences: c.differences,
        rows: c
            .rows
            .into_iter()
            .map(|r| CompareRow {
                indicator: r.indicator,
                base: r.base,
                value: r.value,
                differs: r.differs,
            })
            .collect(),
    }))
}
