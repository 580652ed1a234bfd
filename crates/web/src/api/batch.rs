//! `POST /assessments/{id}/answers/batch`: answers in bulk with a result per row (DESIGN I-6:
//! a platform operator's data for the 线上 items of T11/AII, or anyone who may answer).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use tianping_app::bulk::{self, RowIn};
use tianping_app::{App, Msg};
use utoipa::{OpenApi, ToSchema};

use super::answers::SentSource;
use super::{
    bad_json, body_fields, ApiPath, ApiRes, Caller, Conflict, Forbidden, Invalid, NotFound, Routes,
    Unauthorized,
};
use crate::error::{accept_language, Error};

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/assessments/:id/answers/batch", post(batch_answers))
}

#[derive(OpenApi)]
#[openapi(paths(batch_answers))]
pub(super) struct Doc;

/// A batch of answers.
#[derive(ToSchema)]
#[allow(dead_code)] // read by hand in `batch_answers`; the type is its schema
pub(super) struct BatchIn {
    /// The rows, at most 5000; each indicator at most once.
    answers: Vec<BatchRowIn>,
}

/// One row of a batch.
#[derive(ToSchema)]
#[allow(dead_code)] // read by hand in `batch_answers`; the type is its schema
pub(super) struct BatchRowIn {
    /// The indicator's id (`GET /assessments/{id}/template`).
    indicator: String,
    /// The answer, as for `PUT /assessments/{id}/answers/{indicator}`; null clears it.
    value: Value,
    /// The note; when left out, the item's stored note is kept.
    note: Option<String>,
    /// T11/AII 001-2020 only: where the figure comes from (decided by the caller's role, as for
    /// one answer: operators always give `platform`).
    #[schema(value_type = Option<SentSource>)]
    source: Option<String>,
}

/// What became of a row.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(super) enum RowStatus {
    /// Saved.
    Ok,
    /// Nothing new written (I-20): the enterprise's value kept as a disputed proposal beside a
    /// protected answer, or the same value already; `message` says which.
    Kept,
    /// Not saved; the row changed nothing.
    Error,
}

/// The result of one row.
#[derive(Serialize, ToSchema)]
pub(super) struct BatchRowOut {
    /// The row's place in `answers`, from 1.
    row: usize,
    /// The indicator as sent.
    indicator: String,
    status: RowStatus,
    /// The answer as stored (when saved).
    value: Option<Value>,
    /// Why the row was not saved, naming what is wrong and what is accepted (in the
    /// caller's language).
    message: Option<String>,
}

/// What a batch did: a result per row. The rows without errors were saved together (one
/// revision, one re-score); a row with an error changed nothing.
#[derive(Serialize, ToSchema)]
pub(super) struct BatchOut {
    assessment_id: i64,
    /// The assessment's new revision; null when no row was saved.
    revision: Option<i64>,
    /// How many rows were saved.
    saved: usize,
    /// How many rows were not saved.
    failed: usize,
    /// The new total, grade and stars (null when nothing was saved, or for experts).
    score: Option<f64>,
    grade: Option<String>,
    stars: Option<i64>,
    results: Vec<BatchRowOut>,
}

/// A row's shape refused: that row's error (the others are still saved).
fn shape(zh: &str, en: &str) -> Msg {
    Msg::new(zh, en)
}

/// One row read from its JSON: the row's input, or why it cannot be read.
fn read_row(n: usize, v: Value) -> Result<RowIn, (String, Msg)> {
    let Value::Object(m) = v else {
        return Err((
            String::new(),
            shape(
                "每一行应为 JSON 对象：{\"indicator\": …, \"value\": …}",
                "Each row must be a JSON object: {\"indicator\": …, \"value\": …}",
            ),
        ));
    };
    let indicator = match m.get("indicator") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => {
            return Err((
                String::new(),
                shape(
                    "缺少指标编号 indicator（字符串，如 \"A.1-1\"）",
                    "The indicator is missing (a string such as \"A.1-1\")",
                ),
            ))
        }
    };
    let mut row = RowIn {
        row: n,
        indicator: indicator.clone(),
        ..RowIn::default()
    };
    let known = body_fields::<BatchRowIn>();
    for (k, v) in m {
        match (k.as_str(), v) {
            ("indicator", _) => {}
            ("value", v) => row.value = v,
            ("note", Value::String(s)) => row.note = Some(s),
            ("source", Value::String(s)) => row.source = Some(s),
            ("note" | "source", Value::Null) => {}
            ("note" | "source", _) => {
                return Err((
                    indicator,
                    Msg::new(
                        format!("{} 应为字符串", k),
                        format!("{} must be a string", k),
                    ),
                ))
            }
            (other, _) => {
                return Err((
                    indicator,
                    Msg::new(
                        format!("未知字段 {}；可用字段：{}", other, known.join("、")),
                        format!(
                            "Unknown field {}; known fields: {}",
                            other,
                            known.join(", ")
                        ),
                    ),
                ))
            }
        }
    }
    Ok(row)
}

/// Save answers in bulk, a result per row
///
/// Each row is checked by the same rules as one saved answer (who may answer the item, its
/// source, its value). **Per row, not all or nothing:** the rows without errors are saved
/// together in one transaction (one revision, one re-score, an audit entry per answer); a
/// row with an error changes nothing, and its result says why, naming the indicator. The
/// answer is 200 whenever the body is a batch; 403 when the caller may not answer this
/// assessment at all, 409 when it is submitted, 422 when the body is not `{"answers": [...]}`
/// or holds more than 5000 rows.
#[utoipa::path(
    post,
    path = "/assessments/{id}/answers/batch",
    tag = "answers",
    params(("id" = i64, Path, description = "The assessment's id")),
    request_body = BatchIn,
    responses(
        (status = 200, description = "A result per row; the rows without errors are saved", body = BatchOut),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
    )
)]
async fn batch_answers(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiRes<BatchOut> {
    let l = accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    // visibility first
    bulk::may_import(&st, &u, id).await?;
    let v: Value = serde_json::from_slice(&body).map_err(bad_json)?;
    let rows = match v {
        Value::Object(mut m) if m.len() == 1 && m.contains_key("answers") => {
            match m.remove("answers") {
                Some(Value::Array(rows)) => rows,
                _ => {
                    return Err(Error::invalid(
                        "answers",
                        "answers 应为数组：[{\"indicator\": …, \"value\": …}, …]",
                        "answers must be an array: [{\"indicator\": …, \"value\": …}, …]",
                    )
                    .into())
                }
            }
        }
        _ => {
            return Err(Error::invalid(
                "",
                "请求体应为 {\"answers\": [{\"indicator\": …, \"value\": …, \"note\": …, \"source\": …}, …]}",
                "The request body must be {\"answers\": [{\"indicator\": …, \"value\": …, \"note\": …, \"source\": …}, …]}",
            )
            .into())
        }
    };
    let mut batch = Vec::with_capacity(rows.len());
    let mut refused = Vec::new();
    for (n, v) in rows.into_iter().enumerate() {
        match read_row(n + 1, v) {
            Ok(r) => batch.push(r),
            Err((indicator, m)) => refused.push(BatchRowOut {
                row: n + 1,
                indicator,
                status: RowStatus::Error,
                value: None,
                message: Some(m.text(l).to_string()),
            }),
        }
    }
    let report = bulk::save_rows(&st, &u, id, batch).await?;
    let mut results: Vec<BatchRowOut> = report
        .rows
        .iter()
        .map(|r| BatchRowOut {
            row: r.row,
            indicator: r.indicator.clone(),
            status: match (&r.error, &r.kept) {
                (Some(_), _) => RowStatus::Error,
                (None, Some(_)) => RowStatus::Kept,
                (None, None) => RowStatus::Ok,
            },
            value: r.value.clone(),
            message: r
                .error
                .as_ref()
                .or(r.kept.as_ref())
                .map(|m| m.text(l).to_string()),
        })
        .chain(refused)
        .collect();
    results.sort_by_key(|r| r.row);
    let saved = results
        .iter()
        .filter(|r| matches!(r.status, RowStatus::Ok))
        .count();
    Ok(Json(BatchOut {
        assessment_id: id,
        revision: report.revision,
        saved,
        failed: results.len() - saved,
        score: report.score,
        grade: report.grade,
        stars: report.stars,
        results,
    }))
}
