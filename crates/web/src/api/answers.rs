//! Answers and results of an assessment: `GET /assessments/{id}/answers`,
//! `PUT /assessments/{id}/answers/{indicator}` and `GET /assessments/{id}/result`.

use std::borrow::Cow;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, put};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use tianping_app::answers::{self, AnswerInput};
use tianping_app::domain::{Access, AssessmentStatus, Source};
use tianping_app::{assessments, repo, review, App};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{OpenApi, ToSchema};

use super::distance::DistanceView;
use super::{
    bad_json, body_fields, text_enum, unknown_field, ApiPath, ApiRes, Caller, Conflict, Forbidden,
    Invalid, NotFound, Routes, SourceText, StatusText, Unauthorized,
};
use crate::error::Error;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/assessments/:id/answers", get(list_answers))
        .route("/assessments/:id/answers/:indicator", put(put_answer))
        .route("/assessments/:id/result", get(get_result))
}

#[derive(OpenApi)]
#[openapi(paths(list_answers, put_answer, get_result))]
pub(super) struct Doc;

/// One answer as sent.
#[derive(ToSchema)]
#[allow(dead_code)] // read field by field in `put_answer`; the type is its schema
pub(super) struct AnswerIn {
    /// The answer: a number (level, points, coefficient), `{"experts": [..]}`,
    /// `{"likert": [..]}`, for T11/AII 001-2020 also `{"value": n, "source": …}`; null (or
    /// none) clears it.
    #[schema(required = false)]
    value: Value,
    note: Option<String>,
    /// T11/AII 001-2020 only: where the figure comes from. The server decides from the
    /// caller's role (I-6): an enterprise member's answer is `self` (counted once verified)
    /// or `third_party` (needs an evidence file); body staff answer `onsite` by default;
    /// operators always `platform`.
    #[schema(value_type = Option<SentSource>)]
    source: Option<String>,
}

/// The sources a caller may name (`expert` is the server's own, for experts' scores).
pub(super) struct SentSource;

impl utoipa::PartialSchema for SentSource {
    fn schema() -> RefOr<Schema> {
        text_enum(
            "The source an answer is sent with",
            Source::ALL
                .iter()
                .filter(|s| **s != Source::Expert)
                .map(|s| {
                    (
                        s.as_str(),
                        format!(
                            "{} ({})",
                            s.label(tianping_app::Lang::Zh),
                            s.label(tianping_app::Lang::En)
                        ),
                    )
                }),
        )
    }
}

impl ToSchema for SentSource {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("SentSource")
    }
}

/// One stored answer.
#[derive(Serialize, ToSchema)]
pub(super) struct Answer {
    indicator: String,
    /// The answer as stored (the core's form; for T11/AII 001-2020 with its source and
    /// whether it is verified).
    value: Option<Value>,
    note: String,
    #[schema(value_type = Option<SourceText>)]
    source: Option<Source>,
    /// The assessment's revision when it was saved.
    revision: i64,
    updated_at: String,
    /// Who verified this answer (a reviewer of the engaged body), if it was verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    verified_by: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verified_at: Option<String>,
}

/// An expert's own score of an item.
#[derive(Serialize, ToSchema)]
pub(super) struct ExpertScore {
    assessment_id: i64,
    indicator_id: String,
    expert_id: i64,
    value: f64,
    note: String,
    updated_at: String,
}

impl From<repo::ExpertScore> for ExpertScore {
    fn from(x: repo::ExpertScore) -> ExpertScore {
        ExpertScore {
            assessment_id: x.assessment_id,
            indicator_id: x.indicator_id,
            expert_id: x.expert_id,
            value: x.value,
            note: x.note,
            updated_at: x.updated_at,
        }
    }
}

/// The current answers of an assessment.
#[derive(Serialize, ToSchema)]
pub(super) struct Answers {
    assessment_id: i64,
    revision: i64,
    answers: Vec<Answer>,
    /// Experts only: their own scores.
    #[serde(skip_serializing_if = "Option::is_none")]
    my_scores: Option<Vec<ExpertScore>>,
}

/// What saving an answer did: the answer as stored and the new total.
#[derive(Serialize, ToSchema)]
pub(super) struct Saved {
    indicator: String,
    /// The assessment's new revision.
    revision: i64,
    /// The answer as stored.
    value: Option<Value>,
    /// The new total (null for experts, who see no figures).
    score: Option<f64>,
    grade: Option<String>,
    stars: Option<i64>,
    /// Experts scoring a points item: how many experts have scored it.
    #[serde(skip_serializing_if = "Option::is_none")]
    experts_scored: Option<usize>,
    /// T11/AII 001-2020: the save did not replace the current answer, which a higher source
    /// protects (I-20); `value` is that answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    kept: Option<KeptOut>,
}

/// Why a save was kept beside a protected answer instead of replacing it.
#[derive(Serialize, ToSchema)]
pub(super) struct KeptOut {
    /// The enterprise's disputed proposal (`GET /assessments/{id}/proposals`) that the body
    /// resolves; null when the value was the answer's already (nothing changed).
    proposal: Option<i64>,
    /// Who gave the current answer, from which source, and what happened to the save.
    message: String,
}

impl Saved {
    fn new(s: answers::Saved, l: crate::html::Lang) -> Saved {
        Saved {
            indicator: s.indicator,
            revision: s.revision,
            value: s.value,
            score: s.score,
            grade: s.grade,
            stars: s.stars,
            experts_scored: s.experts_scored,
            kept: s.kept.map(|k| KeptOut {
                proposal: k.proposal_id,
                message: k.message.text(l).to_string(),
            }),
        }
    }
}

/// The stored result of an assessment, with what it was computed with.
#[derive(Serialize, ToSchema)]
pub(super) struct AssessmentResult {
    assessment_id: i64,
    #[schema(value_type = StatusText)]
    status: AssessmentStatus,
    revision: i64,
    scheme: String,
    /// SHA-256 over the scheme's files.
    scheme_version: Option<String>,
    engine_version: Option<String>,
    /// SHA-256 of the profile.
    profile_hash: Option<String>,
    score: Option<f64>,
    grade: Option<String>,
    stars: Option<i64>,
    /// The engine's full result (totals with their trace, grade, stars, interpretations
    /// used); null before the first answer.
    result: Value,
    /// How far the result is from each grade or level above the one reached, each star level
    /// above the one the result supports and each dimension's next single star: every
    /// condition not met with the result's figure, the figure required and the gap, at full
    /// precision, nearest target first; empty before the first answer.
    distances: Vec<DistanceView>,
}

/// Current answers (experts: their items only)
#[utoipa::path(
    get,
    path = "/assessments/{id}/answers",
    tag = "answers",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The answers", body = Answers),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
async fn list_answers(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Answers> {
    let (a, access) = assessments::get(&st, &u, id).await?;
    let rows = assessments::answers(&st, &u, &a, &access).await?;
    let verified = review::current_verifications(&st, &a, &rows).await?;
    let rows = rows
        .into_iter()
        .filter(|r| access.sees_item(&r.indicator_id))
        .map(|r| Answer {
            verified_by: verified.get(&r.indicator_id).map(|v| v.verified_by),
            verified_at: verified.get(&r.indicator_id).map(|v| v.verified_at.clone()),
            value: r
                .value_json
                .as_deref()
                .and_then(|v| serde_json::from_str::<Value>(v).ok()),
            indicator: r.indicator_id,
            note: r.note,
            source: r.source,
            revision: r.revision,
            updated_at: r.updated_at,
        })
        .collect();
    let my_scores = match access {
        Access::Expert(_) => Some(
            answers::expert_scores(&st, &u, &a, &access)
                .await?
                .into_iter()
                .filter(|x| x.expert_id == u.id)
                .map(ExpertScore::from)
                .collect(),
        ),
        _ => None,
    };
    Ok(Json(Answers {
        assessment_id: a.id,
        revision: a.revision,
        answers: rows,
        my_scores,
    }))
}

/// Save one answer; returns the new total
///
/// The answer is checked against the indicator, kept as a version, and the assessment is
/// scored again. Experts score their assigned items (points schemes: their own score, null
/// withdraws it; the item's answer is the experts' mean); on a body's assessment an item
/// scored by experts takes no direct answer (403). T11/AII 001-2020 (I-20): a verified,
/// platform or on-site answer is never overwritten by a lower source — the enterprise's
/// save is kept beside it as a disputed proposal (`kept` in the response), the platform
/// operator's is refused (409, naming who gave the current answer).
#[utoipa::path(
    put,
    path = "/assessments/{id}/answers/{indicator}",
    tag = "answers",
    params(
        ("id" = i64, Path, description = "The assessment's id"),
        ("indicator" = String, Path, description = "The indicator's id (`GET /assessments/{id}/template`)"),
    ),
    request_body = AnswerIn,
    responses(
        (status = 200, description = "The answer as saved and the new total", body = Saved),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
    )
)]
async fn put_answer(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath((id, ind)): ApiPath<(i64, String)>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> ApiRes<Saved> {
    // visibility first (the stored result is not read: the save writes a new one)
    let (_, access) = assessments::get_head(&st, &u, id).await?;
    if !access.sees_item(&ind) {
        return Err(Error::NotFound.into());
    }
    let v: Value = serde_json::from_slice(&body).map_err(bad_json)?;
    let Value::Object(m) = v else {
        return Err(Error::invalid(
            "",
            "请求体应为 JSON 对象：{\"value\": …, \"note\": …, \"source\": …}",
            "The request body must be a JSON object: {\"value\": …, \"note\": …, \"source\": …}",
        )
        .into());
    };
    let mut input = AnswerInput::default();
    for (k, v) in m {
        match (k.as_str(), v) {
            ("value", v) => input.value = v,
            ("note", Value::String(s)) => input.note = s,
            ("note", Value::Null) => {}
            ("source", Value::String(s)) => input.source = Some(s),
            ("source", Value::Null) => {}
            ("note" | "source", _) => {
                return Err(Error::invalid(&k, "应为字符串", "Must be a string").into())
            }
            (other, _) => {
                let e = unknown_field(other, &body_fields::<AnswerIn>());
                return Err(Error::Invalid(vec![e]).into());
            }
        }
    }
    let saved = answers::save(&st, &u, id, &ind, &input).await?;
    let l = crate::error::accept_language(
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    Ok(Json(Saved::new(saved, l)))
}

/// The stored result with scheme version, profile hash and engine version
#[utoipa::path(
    get,
    path = "/assessments/{id}/result",
    tag = "answers",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The result (not for experts: 404)", body = AssessmentResult),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
async fn get_result(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::response::Response, crate::error::ApiError> {
    let (a, access, kept) = assessments::get_kept(&st, &u, id).await?;
    if !access.sees_result() {
        return Err(Error::NotFound.into());
    }
    // measured from the stored figures (once per stored text); a stored result that no
    // longer reads is an error, not a silent null
    let distances = match &kept {
        Some(k) => {
            let scheme = st
                .catalog
                .get(&a.scheme)
                .ok_or_else(|| Error::Internal(format!("scheme {} not in catalog", a.scheme)))?;
            k.distances(scheme)?
                .iter()
                .cloned()
                .map(Into::into)
                .collect()
        }
        None => Vec::new(),
    };
    let view = AssessmentResult {
        assessment_id: a.id,
        status: a.status,
        revision: a.revision,
        scheme: a.scheme,
        scheme_version: a.scheme_version,
        engine_version: a.engine_version,
        profile_hash: a.profile_hash,
        score: a.score,
        grade: a.grade,
        stars: a.stars,
        result: Value::Null,
        distances,
    };
    let body = splice_result(&view, kept.as_deref().map(|k| k.text()))?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// The response body of [`get_result`]: the view with the stored result's text as it is in
/// place of `result` (it is the compact JSON the result was stored as, read through once for
/// its distances when first kept), so a result is never parsed and written again per request.
fn splice_result(view: &AssessmentResult, stored: Option<&str>) -> Result<Vec<u8>, Error> {
    let head = serde_json::to_string(view).map_err(|e| Error::Internal(e.to_string()))?;
    let Some(text) = stored else {
        return Ok(head.into_bytes());
    };
    // every string value is escaped, so the key with its null appears once, as the key
    const MARK: &str = "\"result\":null,\"distances\":";
    let at = head
        .find(MARK)
        .ok_or_else(|| Error::Internal("result view without its result key".into()))?;
    let value_at = at + "\"result\":".len();
    let mut body = Vec::with_capacity(head.len() + text.len());
    body.extend_from_slice(&head.as_bytes()[..value_at]);
    body.extend_from_slice(text.as_bytes());
    body.extend_from_slice(&head.as_bytes()[value_at + "null".len()..]);
    Ok(body)
}
