//! Excel in and out (issue 11): answer templates of a scheme or an assessment, importing a
//! filled template (every bad cell named, nothing saved unless the whole file is valid), an
//! assessment's result with its trace, and the regulator's monthly report (003 6.3.7, 8.1.8).
//! The bytes come from `tianping_app::xlsx` and `tianping_app::cnca`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use tianping_app::{bulk, cnca, xlsx, App};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::cases::{as_of, AsOf};
use super::{
    ApiPath, ApiQuery, ApiRes, Caller, Conflict, Forbidden, Invalid, NotFound, Routes, Unauthorized,
};
use crate::error::{accept_language, ApiError};
use crate::pages::exports::xlsx_response;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/schemes/:id/template.xlsx", get(scheme_template))
        .route("/assessments/:id/template.xlsx", get(assessment_template))
        .route("/assessments/:id/answers.xlsx", post(import_xlsx))
        .route("/assessments/:id/export.xlsx", get(export_assessment))
        .route("/reports/cnca-monthly.xlsx", get(cnca_monthly))
        .route("/enterprises.xlsx", get(enterprises_list))
        .route("/assessments.xlsx", get(assessments_list))
        .route("/certificates.xlsx", get(certificates_list))
        .route("/due.xlsx", get(due_list))
}

#[derive(OpenApi)]
#[openapi(paths(
    scheme_template,
    assessment_template,
    import_xlsx,
    export_assessment,
    cnca_monthly,
    enterprises_list,
    assessments_list,
    certificates_list,
    due_list
))]
pub(super) struct Doc;

#[derive(Deserialize, IntoParams)]
pub(super) struct VariantQ {
    /// The variant (required for schemes with variants).
    variant: Option<String>,
}

/// A scheme's blank Excel answer template
///
/// One sheet per table with the indicator's text and guidance and validated answer cells.
#[utoipa::path(get, path = "/schemes/{id}/template.xlsx", tag = "schemes",
    params(("id" = String, Path, description = "The scheme's id"), VariantQ),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, response = Unauthorized), (status = 422, response = Invalid)))]
async fn scheme_template(
    State(st): State<App>,
    Caller(_): Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<VariantQ>,
) -> Result<Response, ApiError> {
    let bytes = xlsx::template::for_scheme(&st, &id, q.variant.as_deref())?;
    Ok(xlsx_response(&format!("{}-template.xlsx", id), bytes))
}

/// An assessment's Excel answer template
///
/// Its scheme, variant and profile, with the answers the caller sees filled in.
#[utoipa::path(get, path = "/assessments/{id}/template.xlsx", tag = "answers",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound)))]
async fn assessment_template(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let (name, bytes) = xlsx::template::for_assessment(&st, &u, id).await?;
    Ok(xlsx_response(&name, bytes))
}

/// The result of one cell or row of an imported file.
#[derive(Serialize, ToSchema)]
pub(super) struct ImportRowOut {
    /// The row's place in the results, from 1 (its line for a single-sheet file).
    row: usize,
    /// The answer's cell in a template, e.g. `A.1!G5`.
    cell: Option<String>,
    indicator: String,
    /// `ok`, `kept` (nothing new written, I-20) or `error`.
    status: &'static str,
    /// What is wrong and what is accepted, or why nothing new was written.
    message: Option<String>,
}

/// What an import did. A template is all or nothing: with any error, `revision` is null and
/// nothing was saved.
#[derive(Serialize, ToSchema)]
pub(super) struct ImportOut {
    assessment_id: i64,
    revision: Option<i64>,
    saved: usize,
    failed: usize,
    /// Answers of the template equal to the stored ones, left alone.
    unchanged: usize,
    score: Option<f64>,
    grade: Option<String>,
    stars: Option<i64>,
    results: Vec<ImportRowOut>,
}

/// Import answers from an .xlsx file
///
/// The body is the file: a filled answer template (every sheet read, every bad cell named as
/// `A.1!G5`, nothing saved unless the whole file is valid) or a single sheet with the columns
/// 指标编号 and 数值 (each row on its own).
#[utoipa::path(post, path = "/assessments/{id}/answers.xlsx", tag = "answers",
    params(("id" = i64, Path, description = "The assessment's id")),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportOut), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict), (status = 422, response = Invalid)))]
async fn import_xlsx(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiRes<ImportOut> {
    let l = accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let r = bulk::import(&st, &u, id, "upload.xlsx", &body).await?;
    Ok(Json(ImportOut {
        assessment_id: id,
        revision: r.revision,
        saved: r.saved(),
        failed: r.failed(),
        unchanged: r.unchanged,
        score: r.score,
        grade: r.grade.clone(),
        stars: r.stars,
        results: r
            .rows
            .iter()
            .map(|x| ImportRowOut {
                row: x.row,
                cell: x.cell.clone(),
                indicator: x.indicator.clone(),
                status: match (&x.error, &x.kept) {
                    (Some(_), _) => "error",
                    (None, Some(_)) => "kept",
                    (None, None) => "ok",
                },
                message: x
                    .error
                    .as_ref()
                    .or(x.kept.as_ref())
                    .map(|m| m.text(l).to_string()),
            })
            .collect(),
    }))
}

/// An assessment's result as .xlsx
///
/// A summary sheet (enterprise, scheme, version, total, grade or stars, interpretations) and
/// one sheet per table with answers, points, whether each counted, and the trace.
#[utoipa::path(get, path = "/assessments/{id}/export.xlsx", tag = "assessments",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
async fn export_assessment(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let (name, bytes) = xlsx::export::assessment(&st, &u, id).await?;
    Ok(xlsx_response(&name, bytes))
}

#[derive(Deserialize, IntoParams)]
pub(super) struct MonthQ {
    /// The month, YYYY-MM.
    month: String,
}

/// The regulator's monthly report (body admin)
///
/// 审核计划信息表, 证书信息表 and 审核结果信息表 of the body's certification cases for the
/// month, in the layout of `schemes/cnca/monthly.toml`.
#[utoipa::path(get, path = "/reports/cnca-monthly.xlsx", tag = "cases", params(MonthQ),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn cnca_monthly(
    State(st): State<App>,
    Caller(u): Caller,
    ApiQuery(q): ApiQuery<MonthQ>,
) -> Result<Response, ApiError> {
    let (name, bytes) = cnca::export(&st, &u, &q.month).await?;
    Ok(xlsx_response(&name, bytes))
}

/// The enterprises the caller sees, as .xlsx
#[utoipa::path(get, path = "/enterprises.xlsx", tag = "enterprises",
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, response = Unauthorized)))]
async fn enterprises_list(State(st): State<App>, Caller(u): Caller) -> Result<Response, ApiError> {
    Ok(xlsx_response(
        "enterprises.xlsx",
        xlsx::lists::enterprises(&st, &u).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub(super) struct EnterpriseQ {
    /// Only this enterprise's assessments.
    enterprise_id: Option<i64>,
}

/// The assessments the caller sees, as .xlsx
///
/// Totals, grades and stars only for those who see them.
#[utoipa::path(get, path = "/assessments.xlsx", tag = "assessments", params(EnterpriseQ),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, response = Unauthorized)))]
async fn assessments_list(
    State(st): State<App>,
    Caller(u): Caller,
    ApiQuery(q): ApiQuery<EnterpriseQ>,
) -> Result<Response, ApiError> {
    let bytes = xlsx::lists::assessments(&st, &u, q.enterprise_id).await?;
    Ok(xlsx_response("assessments.xlsx", bytes))
}

/// The certificates of the cases the caller sees, as .xlsx
#[utoipa::path(get, path = "/certificates.xlsx", tag = "cases",
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, response = Unauthorized)))]
async fn certificates_list(State(st): State<App>, Caller(u): Caller) -> Result<Response, ApiError> {
    Ok(xlsx_response(
        "certificates.xlsx",
        xlsx::lists::certificates(&st, &u).await?,
    ))
}

/// The due items of the cases the caller sees, as .xlsx
#[utoipa::path(get, path = "/due.xlsx", tag = "cases", params(AsOf),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, response = Unauthorized), (status = 422, response = Invalid)))]
async fn due_list(
    State(st): State<App>,
    Caller(u): Caller,
    ApiQuery(q): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let as_of = as_of(&q)?.unwrap_or_else(|| tianping_app::cases::today(&st));
    let bytes = xlsx::lists::due(&st, &u, as_of).await?;
    Ok(xlsx_response(&format!("due-{}.xlsx", as_of), bytes))
}
