//! The documents of a case (材料) on its page: the application's checklist of 8.1.1 a)–i)
//! with what is still missing, the files by kind (clause, file name linked to the download,
//! uploader, time) and the upload form limited to the kinds this person may upload. A refused
//! upload is shown on its own page with the section, the errors next to the fields and what
//! was chosen kept.

use tianping_app::case_files::{self, ChecklistRow, DocKind, Materials, Need, Upload};
use tianping_app::cases::{self, CaseView};
use tianping_app::domain::case_files::size_words;

use super::*;
use crate::view::{csrf, err, page_with};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/cases/:id/files", post(upload_post))
        .route("/cases/:id/files/:fid", get(download))
}

/// What the upload form shows again after a refusal: the kind and subject chosen, the errors
/// by field.
#[derive(Default)]
struct Again {
    kind: String,
    subject: String,
    errors: BTreeMap<String, String>,
}

/// The section on the case page, for the person viewing it.
pub(super) async fn section(st: &App, ctx: &Ctx, v: &CaseView) -> Result<Markup, Error> {
    let u = ctx.user()?;
    let m = case_files::materials(st, u, v).await?;
    Ok(render(st, ctx, v.case.id, &m, &Again::default()))
}

/// Above the application review's form: the required application documents still missing
/// (or that they are all in), with a link to the case's documents.
pub(super) async fn review_note(st: &App, ctx: &Ctx, v: &CaseView) -> Result<Markup, Error> {
    let l = ctx.lang;
    let m = case_files::materials(st, ctx.user()?, v).await?;
    let link = format!("/cases/{}#materials", v.case.id);
    Ok(html! {
        @if m.checklist.is_some() {
            @if m.missing.is_empty() {
                p { span.pill.ok { (l.t("必须提交的申请材料已齐全", "All required application documents are in")) }
                    " " a href=(link) { (l.t("查看材料", "See the documents")) } }
            } @else {
                div.flash.bad role="status" {
                    (l.t("尚缺必须提交的申请材料（8.1.1）：", "Required application documents missing (8.1.1): "))
                    @for (i, k) in m.missing.iter().enumerate() {
                        @if i > 0 { (l.t("、", ", ")) }
                        (k.letter().map(|c| format!("{c}) ")).unwrap_or_default()) (k.label(l))
                    }
                    (l.t("。材料不齐时可要求补充（8.1.2.2）。", ". When documents are missing, ask for supplements (8.1.2.2)."))
                    " " a href=(link) { (l.t("查看材料", "See the documents")) }
                }
            }
        }
    })
}

fn accepted_types() -> Vec<&'static str> {
    evidence_rules::TYPES.iter().map(|(e, _)| *e).collect()
}

fn render(st: &App, ctx: &Ctx, id: i64, m: &Materials, again: &Again) -> Markup {
    let l = ctx.lang;
    let mut files: Vec<_> = m.files.iter().collect();
    files.sort_by_key(|f| (f.kind, f.id));
    html! {
        h2 #materials { (l.t("材料", "Documents")) }
        @if let Some(rows) = &m.checklist { (checklist(l, rows, &m.missing)) }
        h3 { (l.t("已上传的文件", "Files uploaded")) }
        @if files.is_empty() {
            p.muted { (l.t("尚未上传材料。", "No documents uploaded yet.")) }
        } @else {
            div.tablewrap {
                table {
                    tr {
                        th { (l.t("材料", "Document")) } th { (l.t("条款", "Clause")) }
                        th { (l.t("文件", "File")) } th { (l.t("所涉事项", "About")) }
                        th.hide-sm { (l.t("上传", "Uploaded")) }
                    }
                    @for f in files {
                        tr.row id={ "file-" (f.id) } {
                            td { (f.kind.label(l)) }
                            td { (f.kind.clause()) }
                            td {
                                a href={ "/cases/" (id) "/files/" (f.id) } { (f.file_name) }
                                " " span.muted { (size_words(f.size.max(0) as usize)) }
                            }
                            td { (f.subject) }
                            td.hide-sm { span.muted { (f.uploaded_by_name) br; (when(&f.uploaded_at)) } }
                        }
                    }
                }
            }
        }
        @if !m.uploadable.is_empty() { (upload_form(st, ctx, id, m, again)) }
    }
}

/// The application's documents of 8.1.1 a)–i): what is needed, how many files each has, and
/// the required ones still missing.
fn checklist(l: Lang, rows: &[ChecklistRow], missing: &[DocKind]) -> Markup {
    html! {
        h3 { (l.t("申请材料清单（8.1.1）", "Application documents (8.1.1)")) }
        @if missing.is_empty() {
            p { span.pill.ok { (l.t("必须提交的申请材料已齐全", "All required application documents are in")) } }
        } @else {
            p.notice role="status" {
                (l.t("尚缺必须提交的申请材料：", "Required application documents missing: "))
                @for (i, k) in missing.iter().enumerate() {
                    @if i > 0 { (l.t("、", ", ")) }
                    (k.letter().map(|c| format!("{c}) ")).unwrap_or_default()) (k.label(l))
                }
            }
        }
        div.tablewrap {
            table {
                tr {
                    th { (l.t("条款", "Clause")) } th { (l.t("材料", "Document")) }
                    th { (l.t("要求", "Needed")) } th { (l.t("已上传", "Uploaded")) }
                }
                @for r in rows {
                    tr.bad[r.missing] {
                        td { (r.letter) ")" }
                        td { (r.kind.label(l)) }
                        td { (r.need.label(l)) }
                        td {
                            @if r.missing {
                                span.pill.warn { (l.t("缺", "missing")) }
                            } @else if r.files > 0 {
                                (r.files) (l.t(" 个文件", " file(s)"))
                            } @else if r.need != Need::Required {
                                span.muted { "—" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn upload_form(st: &App, ctx: &Ctx, id: i64, m: &Materials, again: &Again) -> Markup {
    let l = ctx.lang;
    let g = |k: &str| again.errors.get(k).map(String::as_str);
    // the first required document still missing that this person uploads, else the first kind
    let chosen = if again.kind.is_empty() {
        m.missing
            .iter()
            .find(|k| m.uploadable.contains(k))
            .or(m.uploadable.first())
            .map_or("", |k| k.as_str())
    } else {
        again.kind.as_str()
    };
    let types = accepted_types();
    let accept: Vec<String> = types.iter().map(|t| format!(".{t}")).collect();
    let subjects: Vec<&String> = m.findings.iter().chain(&m.audits).collect();
    html! {
        h3 { (l.t("上传材料", "Upload a document")) }
        (form_errors(&again.errors, &["kind", "subject", "file"]))
        form method="post" action={ "/cases/" (id) "/files" } enctype="multipart/form-data" {
            (csrf(&ctx.csrf))
            label for="f-kind" { (l.t("材料类别", "Kind of document")) }
            select #f-kind name="kind" class=[g("kind").map(|_| "invalid")] {
                @for k in &m.uploadable {
                    option value=(k.as_str()) selected[k.as_str() == chosen] { (k.title(l)) }
                }
            }
            (err(g("kind")))
            label for="f-subject" {
                (l.t("所涉事项（纠正证据须填不符合项编号；审核计划、报告可填审核编号；其他可不填）",
                    "About (the finding for correction evidence; the audit for a plan or report; otherwise optional)"))
            }
            input #f-subject type="text" name="subject" value=(again.subject) maxlength="200" list="f-subjects"
                class=[g("subject").map(|_| "invalid")] aria-invalid=[g("subject").map(|_| "true")];
            @if !subjects.is_empty() {
                datalist #f-subjects { @for s in subjects { option value=(s) {} } }
            }
            (err(g("subject")))
            label for="f-file" { (l.t("文件", "File")) }
            input #f-file type="file" name="file" accept=(accept.join(","))
                class=[g("file").map(|_| "invalid")] aria-invalid=[g("file").map(|_| "true")];
            (err(g("file")))
            p.muted {
                (l.t("可上传 ", "Accepted: ")) (types.join(l.t("、", ", ")))
                (l.t("，每个文件不超过 ", "; at most ")) (size_words(st.config.max_upload_bytes))
            }
            p { button { (l.t("上传", "Upload")) } }
        }
    }
}

async fn upload_post(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>, mut mp: Multipart) -> Res {
    let u = ctx.user()?;
    let (fields, name, data) = uploaded_form(&st, &mut mp).await?;
    ctx.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let field = |k: &str| fields.get(k).map_or("", String::as_str);
    let up = Upload {
        kind: field("kind"),
        subject: field("subject"),
        file_name: &name,
        data: &data,
    };
    match case_files::upload(&st, u, id, up).await {
        Ok(f) => Ok(redirect(&format!("/cases/{id}#file-{}", f.id))),
        Err(Error::Invalid(e)) => {
            let again = Again {
                kind: field("kind").to_string(),
                subject: field("subject").to_string(),
                errors: errs_map(ctx.lang, &e),
            };
            refused(&st, &ctx, id, &again).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A refused upload: the case's documents with the form, the errors and the choices kept (422).
async fn refused(st: &App, ctx: &Ctx, id: i64, again: &Again) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let v = cases::view(st, u, id, None).await?;
    let m = case_files::materials(st, u, &v).await?;
    let body = html! {
        p { a href={ "/cases/" (id) "#materials" } { "← " (v.case.enterprise_name) " · " (l.t("认证案卷", "certification case")) } }
        div.flash.bad role="alert" { (l.t("未上传，请按提示修改后重试。", "Not uploaded; correct what is marked and try again.")) }
        (render(st, ctx, id, &m, again))
    };
    let title = format!("{} · {}", v.case.enterprise_name, l.t("材料", "documents"));
    Ok(page_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ctx.chrome(),
        &title,
        body,
    ))
}

async fn download(State(st): State<App>, ctx: Ctx, Ids((id, fid)): Ids<(i64, i64)>) -> Res {
    let u = ctx.user()?;
    let (f, data) = case_files::download(&st, u, id, fid).await?;
    let ext = f.file_name.rsplit_once('.').map_or("", |(_, e)| e);
    let fallback = format!("case-{id}-file-{}.{ext}", f.id);
    Ok(crate::html::download(
        &fallback,
        &f.file_name,
        &f.content_type,
        data,
    ))
}
