//! The PDF documents (DESIGN I-21): an assessment's report. The same permissions as the
//! pages: an object the caller may not see answers 404.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use tianping_app::documents;
use tianping_app::{App, Lang};
use utoipa::{IntoParams, OpenApi};

use super::{ApiPath, ApiQuery, Caller, Invalid, NotFound, Routes, Unauthorized};
use crate::error::ApiError;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/assessments/:id/report.pdf", get(assessment_report))
        .route("/assessments/:id/stages.pdf", get(stages_report))
        .route("/certificates/:file", get(certificate))
        .route("/cases/:id/report.pdf", get(capability_report))
        .route("/cases/:id/audits/:audit/report.pdf", get(audit_report))
}

/// The number of `{number}.pdf` (404 for any other file name).
pub(super) fn pdf_name(file: &str) -> Result<&str, ApiError> {
    file.strip_suffix(".pdf")
        .filter(|n| !n.is_empty())
        .ok_or(ApiError(tianping_app::Error::NotFound))
}

#[derive(OpenApi)]
#[openapi(paths(
    assessment_report,
    stages_report,
    certificate,
    capability_report,
    audit_report
))]
pub(super) struct Doc;

/// The document's language.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(super) struct LangQ {
    /// `en` for English; Chinese otherwise.
    lang: Option<String>,
}

impl LangQ {
    pub(super) fn lang(&self) -> Lang {
        crate::html::doc_lang(self.lang.as_deref())
    }
}

/// An assessment's report as PDF/A-2b
///
/// The result with every figure's reason, the interpretations that affected it, the scheme
/// version, profile hash and engine version; for T11/AII 001-2020 the dimensions, online
/// ratios, single and comprehensive stars with the 表3 trace and the stars granted; for
/// T/SDDITAI 5121-2023 the category, level and step-down check. Created at the scoring time:
/// the same result gives the same bytes. 404 before the assessment was scored.
#[utoipa::path(get, path = "/assessments/{id}/report.pdf", tag = "assessments",
    params(("id" = i64, Path, description = "The assessment's id"), LangQ),
    responses(
        (status = 200, description = "The report (PDF/A-2b)", content_type = "application/pdf"),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, description = "No CJK font installed (fonts-noto-cjk)"),
    ))]
async fn assessment_report(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<LangQ>,
) -> Result<Response, ApiError> {
    let p = documents::report::pdf(&st, &u, id, q.lang()).await?;
    Ok(crate::html::pdf_download(p))
}

/// A certificate as PDF/A-2b, in Chinese or English
///
/// 003 Annex C: holder, registered and operating address (both when they differ), the sites
/// on the certificate, scope, standard with edition, grade, number, dates (the original date
/// and the cycle on a renewed certificate), issuer, what changed on a reissue, and the QR code
/// of the signed link (I-21). For whoever may see the certification case (404 otherwise).
#[utoipa::path(get, path = "/certificates/{file}", tag = "cases",
    params(("file" = String, Path, description = "The certificate number and `.pdf`: `/certificates/TP-EEPC-2026-0001.pdf`"), LangQ),
    responses(
        (status = 200, description = "The certificate (PDF/A-2b)", content_type = "application/pdf"),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, description = "No CJK font installed (fonts-noto-cjk)"),
    ))]
async fn certificate(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(file): ApiPath<String>,
    ApiQuery(q): ApiQuery<LangQ>,
) -> Result<Response, ApiError> {
    let number = pdf_name(&file)?;
    let p = documents::certificate::pdf(&st, &u, number, q.lang()).await?;
    Ok(crate::html::pdf_download(p))
}

/// The special-capability per-stage report (000 §6.3) as PDF/A-2b
///
/// Each stage's mean coefficient, its 表4 band with the guidance, answered over total
/// indicators; on-site T11/AII assessments of a category with X.2 tables only (422 with the
/// reason otherwise, as `GET /assessments/{id}/stages`).
#[utoipa::path(get, path = "/assessments/{id}/stages.pdf", tag = "stars",
    params(("id" = i64, Path, description = "The assessment's id"), LangQ),
    responses(
        (status = 200, description = "The report (PDF/A-2b)", content_type = "application/pdf"),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 503, description = "No CJK font installed (fonts-noto-cjk)"),
    ))]
async fn stages_report(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<LangQ>,
) -> Result<Response, ApiError> {
    let p = documents::stages::pdf(&st, &u, id, q.lang()).await?;
    Ok(crate::html::pdf_download(p))
}

/// A capability case's evaluation report as PDF/A-2b (seed 004 Annex B)
///
/// 综述 (the enterprise, the dates, the panels, the score, the grade suggested or
/// confirmed), 特点（优势）, 改进和提升的建议, the scores by category and item of the linked
/// on-site assessment, and the grade, with the interpretations and versions. For whoever may
/// see the case (404 otherwise, and for a certification case).
#[utoipa::path(get, path = "/cases/{id}/report.pdf", tag = "cases",
    params(("id" = i64, Path, description = "The capability case's id"), LangQ),
    responses(
        (status = 200, description = "The report (PDF/A-2b)", content_type = "application/pdf"),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, description = "No CJK font installed (fonts-noto-cjk)"),
    ))]
async fn capability_report(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<LangQ>,
) -> Result<Response, ApiError> {
    let p = documents::capability::pdf(&st, &u, id, q.lang()).await?;
    Ok(crate::html::pdf_download(p))
}

/// An audit's report as PDF/A-2b (003 8.1.6.4, Annex B.1)
///
/// The client, scope and sites, audit type, criteria and objectives, team, dates and places,
/// how the audit went and its deviations from the plan, the evidence in the case, findings
/// and nonconformities, the conclusion and the team's recommendation, and the scores of the
/// Annex B.1 checklist assessment linked to the audit. For whoever may see the certification
/// case (404 otherwise, and for an audit the case does not have).
#[utoipa::path(get, path = "/cases/{id}/audits/{audit}/report.pdf", tag = "cases",
    params(
        ("id" = i64, Path, description = "The certification case's id"),
        ("audit" = String, Path, description = "The audit's id in the case, e.g. `S2`"),
        LangQ,
    ),
    responses(
        (status = 200, description = "The report (PDF/A-2b)", content_type = "application/pdf"),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, description = "No CJK font installed (fonts-noto-cjk)"),
    ))]
async fn audit_report(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath((id, audit)): ApiPath<(i64, String)>,
    ApiQuery(q): ApiQuery<LangQ>,
) -> Result<Response, ApiError> {
    let p = documents::audit::pdf(&st, &u, id, &audit, q.lang()).await?;
    Ok(crate::html::pdf_download(p))
}
