//! The documents of a certification case: the list with the application's checklist
//! (8.1.1 a)–i)), an upload (multipart: `kind`, `subject`, `file`) by the party the rules
//! allow, and a download with the file's type and its UTF-8 name. Same permissions as the
//! case page.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde::Serialize;
use tianping_app::case_files::{self, CaseDoc, Materials, Upload};
use tianping_app::App;
use utoipa::{OpenApi, ToSchema};

use super::{ApiPath, ApiRes, Caller, Forbidden, Invalid, NotFound, Routes, Unauthorized};
use crate::error::{ApiError, Error};

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/cases/:id/files", get(list_files).post(upload_file))
        .route("/cases/:id/files/:fid", get(download_file))
}

#[derive(OpenApi)]
#[openapi(paths(list_files, upload_file, download_file))]
pub(super) struct Doc;

/// A document of a case.
#[derive(Serialize, ToSchema)]
pub(super) struct FileItem {
    id: i64,
    /// `licence`, `site_legal`, `permit`, `application_form`, `profile`, `process`,
    /// `system_docs`, `certificates`, `credit_screenshot` (8.1.1 a)–i)), `contract`,
    /// `audit_plan`, `audit_report`, `correction_evidence`, `appeal`, `other`.
    kind: String,
    /// The kind in Chinese.
    label: String,
    /// The clause it answers to, e.g. `8.1.1 a)`; empty for `other`.
    clause: String,
    /// The finding (correction evidence), the audit (plan, report) or a note; may be empty.
    subject: String,
    file_name: String,
    content_type: String,
    size: i64,
    uploaded_by: i64,
    uploaded_by_name: String,
    uploaded_at: String,
    /// Where to download it.
    href: String,
}

/// One line of the application's checklist (8.1.1).
#[derive(Serialize, ToSchema)]
pub(super) struct ChecklistItem {
    /// `a` to `i`.
    letter: String,
    kind: String,
    /// `required`, `if_applicable`, or `not_needed` (b) for one site).
    need: String,
    /// How many files of this kind the case holds.
    files: usize,
    /// Required and not uploaded.
    missing: bool,
}

/// The documents of a case for the caller.
#[derive(Serialize, ToSchema)]
pub(super) struct FilesView {
    files: Vec<FileItem>,
    /// The kinds the caller may upload.
    uploadable: Vec<String>,
    /// The application's documents a)–i); null before the case has an application.
    checklist: Option<Vec<ChecklistItem>>,
    /// The required application documents not uploaded yet.
    missing: Vec<String>,
}

fn item(f: CaseDoc) -> FileItem {
    FileItem {
        href: format!("/api/v1/cases/{}/files/{}", f.case_id, f.id),
        id: f.id,
        kind: f.kind.as_str().to_string(),
        label: f.kind.label(tianping_app::Lang::Zh).to_string(),
        clause: f.kind.clause().to_string(),
        subject: f.subject,
        file_name: f.file_name,
        content_type: f.content_type,
        size: f.size,
        uploaded_by: f.uploaded_by,
        uploaded_by_name: f.uploaded_by_name,
        uploaded_at: f.uploaded_at,
    }
}

fn view(m: Materials) -> FilesView {
    FilesView {
        files: m.files.into_iter().map(item).collect(),
        uploadable: m.uploadable.iter().map(|k| k.as_str().into()).collect(),
        checklist: m.checklist.map(|rows| {
            rows.iter()
                .map(|r| ChecklistItem {
                    letter: r.letter.to_string(),
                    kind: r.kind.as_str().into(),
                    need: r.need.as_str().into(),
                    files: r.files,
                    missing: r.missing,
                })
                .collect()
        }),
        missing: m.missing.iter().map(|k| k.as_str().into()).collect(),
    }
}

/// The documents of a case
///
/// Every file with its kind, clause and uploader; the kinds the caller may upload; the
/// application's checklist of 8.1.1 a)–i) and the required documents still missing.
#[utoipa::path(get, path = "/cases/{id}/files", tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, body = FilesView), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound)))]
async fn list_files(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<FilesView> {
    Ok(Json(view(case_files::list(&st, &u, id).await?)))
}

/// A document to upload (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(super) struct UploadForm {
    /// The kind of document (see `FileItem.kind`); the client uploads a)–i),
    /// `correction_evidence` and `appeal`, the body admin `contract`, `audit_plan`,
    /// `audit_report` and `other`, the body's auditors `audit_plan` and `audit_report`.
    kind: String,
    /// The finding a `correction_evidence` is about (required); the audit of a plan or report
    /// (optional); otherwise an optional note.
    subject: Option<String>,
    /// The file: pdf, png, jpg, jpeg, txt, csv, docx or xlsx, its first bytes matching its
    /// extension, at most the server's upload limit.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Upload a document to a case
///
/// 403 names who uploads that kind and what the caller may upload; 422 names each field at
/// fault (an unknown kind with the accepted ones, a subject that is not a finding or audit of
/// the case, a file of a refused type or too large with the accepted types).
#[utoipa::path(post, path = "/cases/{id}/files", tag = "cases", params(("id" = i64, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 401, response = Unauthorized), (status = 201, body = FileItem),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 422, response = Invalid)))]
async fn upload_file(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut mp = mp.map_err(|e| {
        Error::invalid(
            "",
            format!("请求体应为 multipart/form-data，含 kind、subject（可选）和 file：{e}"),
            format!(
                "The body must be multipart/form-data with kind, subject (optional) and file: {e}"
            ),
        )
    })?;
    let (fields, name, data) = crate::pages::uploaded_form(&st, &mut mp).await?;
    let field = |k: &str| fields.get(k).map_or("", String::as_str);
    let up = Upload {
        kind: field("kind"),
        subject: field("subject"),
        file_name: &name,
        data: &data,
    };
    let f = case_files::upload(&st, &u, id, up).await?;
    Ok((axum::http::StatusCode::CREATED, Json(item(f))).into_response())
}

/// Download a document of a case
///
/// The bytes as uploaded, with the stored content type and a `Content-Disposition` carrying
/// the file's UTF-8 name (`filename*`).
#[utoipa::path(get, path = "/cases/{id}/files/{fid}", tag = "cases",
    params(("id" = i64, Path), ("fid" = i64, Path, description = "The file's id")),
    responses((status = 401, response = Unauthorized),
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 404, response = NotFound)))]
async fn download_file(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath((id, fid)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (f, data) = case_files::download(&st, &u, id, fid).await?;
    let ext = f.file_name.rsplit_once('.').map_or("", |(_, e)| e);
    let fallback = format!("case-{id}-file-{}.{ext}", f.id);
    Ok(crate::html::download(
        &fallback,
        &f.file_name,
        &f.content_type,
        data,
    ))
}
