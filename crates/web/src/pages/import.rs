//! Answers in bulk from a file (DESIGN I-6: a platform operator's data for the 线上 items of
//! T11/AII, and anyone who may answer): the upload page with a template to fill in, and the
//! result of each row. Rows are checked one by one; the rows without errors are saved
//! together (one revision), a row with an error changes nothing and says why.

use maud::{html, Markup};
use tianping_app::bulk::{self, Report};

use super::nav::item_label;
use super::*;
use crate::view::{csrf, err, page_with};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route(
            "/assessments/:id/import",
            get(import_page).post(import_post),
        )
        .route("/assessments/:id/import/template.csv", get(template))
}

async fn import_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    import_view(&st, &ctx, id, None, None).await
}

/// The upload page; after an upload, the result of each row (`report`) or why the file
/// was refused (`error`, 422).
async fn import_view(
    st: &App,
    ctx: &Ctx,
    id: i64,
    report: Option<&Report>,
    error: Option<&str>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, _access) = bulk::may_import(st, u, id).await?;
    let draft = a.status == AssessmentStatus::Draft;
    let scheme = assessments::plan(st, &a)?.scheme;
    let body = html! {
        p { a href={ "/assessments/" (a.id) } { "← " (a.title) } }
        @if let Some(r) = report { (report_card(l, a.id, scheme, r)) }
        div.card {
            h2 { (l.t("上传文件", "Upload a file")) }
            p { (l.t("文件为 .csv（UTF-8 编码，可带 BOM）或 .xlsx（读取第一个工作表）。第一行是表头，须有以下两列，列的顺序不限：",
                "A .csv file (UTF-8, with or without BOM) or an .xlsx file (its first sheet). The first line is the header, with these columns in any order (the English headers indicator, value and note are read too):")) }
            ul {
                li { b { "指标编号" } (l.t("：指标编号（如 A.1-1），或表号加序号（如 A.1 序号1）", ": the indicator id (e.g. A.1-1), or table and serial (e.g. A.1 序号1)")) }
                li { b { "数值" } (l.t("：数字，如 88 或 88.5（评分系数可写 88%）；留空的行跳过", ": a number, e.g. 88 or 88.5 (a coefficient may be written 88%); rows left empty are skipped")) }
                li { b { "备注" } (l.t("（可选）：留空则保留原有备注", " (optional): left empty, the item's note is kept")) }
            }
            p.muted { (l.t("每行单独检查：没有错误的行一起保存，有错误的行不做任何修改，并在结果中说明原因。平台运营方只能为线上指标提供平台数据。",
                "Each row is checked on its own: the rows without errors are saved together; a row with an error changes nothing and the result says why. Platform operators may only give platform data for online (线上) items.")) }
            p { a href={ "/assessments/" (a.id) "/import/template.csv" } { (l.t("下载填写模板（CSV，含可填写的指标）", "Download a template (CSV, with the items you may fill in)")) } }
            p {
                a href={ "/assessments/" (a.id) "/import/template.xlsx" } { (l.t("下载 Excel 答题模板（每张表一个工作表，含已填答案）", "Download the Excel answer template (a sheet per table, with the answers so far)")) }
                " "
                span.muted { (l.t("上传填好的模板时逐格检查：任何一格有误都不保存，并指出单元格（如 A.1!G5）和可填写的内容。",
                    "A filled template is checked cell by cell: with any bad cell nothing is saved, and each is named (e.g. A.1!G5) with what it accepts.")) }
            }
            @if draft {
                form method="post" action={ "/assessments/" (a.id) "/import" } enctype="multipart/form-data" {
                    (csrf(&ctx.csrf))
                    label for="f-file" { (l.t("文件", "File")) }
                    input #f-file type="file" name="file" accept=".csv,.xlsx" required
                        aria-invalid=[error.map(|_| "true")];
                    (err(error))
                    p { button { (l.t("上传并导入", "Upload and import")) } }
                }
            } @else {
                p.flash { (l.t("评价已提交并锁定，不能再导入。", "The assessment is submitted and locked; nothing can be imported.")) }
            }
        }
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with(
        status,
        &ctx.chrome(),
        l.t("批量导入", "Import in bulk"),
        body,
    ))
}

/// How many rows were saved and why the others were not, row by row.
fn report_card(l: Lang, id: i64, scheme: &tianping_core::Scheme, r: &Report) -> Markup {
    html! {
        div.card.report {
            h2 { (l.t("导入结果", "Result of the import")) }
            p.flash.bad[r.failed() > 0] role="status" {
                (l.t("已保存 ", "Saved ")) (r.saved()) (l.t(" 行", " rows"))
                @if r.failed() > 0 {
                    (l.t("；", "; ")) (r.failed()) (l.t(" 行有错误，这些行没有保存任何内容", " rows have errors and changed nothing"))
                }
                @if r.unchanged > 0 {
                    (l.t("；", "; ")) (r.unchanged) (l.t(" 项与已保存的答案相同，未重复保存", " answers equal the stored ones and were left alone"))
                }
                @if r.skipped > 0 {
                    (l.t("；", "; ")) (r.skipped) (l.t(" 行数值为空，已跳过", " rows without a value were skipped"))
                }
                "。"
            }
            div.tablewrap {
                table.report {
                    thead { tr {
                        th scope="col" { (l.t("行", "Line")) }
                        th scope="col" { (l.t("指标", "Item")) }
                        th scope="col" { (l.t("结果", "Result")) }
                    } }
                    tbody {
                        @for row in &r.rows {
                            tr.bad[!row.ok()] {
                                td { @if let Some(c) = &row.cell { (c) } @else { (row.row) } }
                                td {
                                    @match scheme.indicator(&row.indicator) {
                                        Some(i) => { a href=(item_url(id, &i.id)) { (i.table) " " (item_label(i)) } }
                                        None => { (row.indicator) }
                                    }
                                }
                                td {
                                    @match (&row.error, &row.kept) {
                                        (Some(m), _) => { span.err { (m.text(l)) } }
                                        (None, Some(m)) => { (m.text(l)) }
                                        (None, None) => { (l.t("已保存：", "Saved: ")) (row.value.as_ref().map(shown_value).unwrap_or_default()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn import_post(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>, mut mp: Multipart) -> Res {
    let u = ctx.user()?;
    let (csrf, name, data) = uploaded_file(&st, &mut mp).await?;
    ctx.check_csrf(&csrf)?;
    match bulk::import(&st, u, id, &name, &data).await {
        Ok(report) => import_view(&st, &ctx, id, Some(&report), None).await,
        Err(Error::Invalid(e)) => {
            let text = errs_map(ctx.lang, &e)
                .into_values()
                .collect::<Vec<_>>()
                .join(" ");
            import_view(&st, &ctx, id, None, Some(&text)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// One CSV cell, quoted when it needs to be.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV template (UTF-8 with BOM, so that Excel reads it): the header and one line per item
/// the person may answer, with its stored value and note, and its name and content to read.
async fn template(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let (a, access) = bulk::may_import(&st, u, id).await?;
    let plan = assessments::plan(&st, &a)?;
    let rows = assessments::answers(&st, u, &a, &access).await?;
    let stored: BTreeMap<&str, &repo::AnswerRow> =
        rows.iter().map(|r| (r.indicator_id.as_str(), r)).collect();
    let mut out = String::from("\u{feff}指标编号,数值,备注,表,序号,指标名称,评价内容\r\n");
    for lf in &plan.leaves {
        let i = lf.ind;
        if !access.sees_item(&i.id) || access.answer(i.category).is_err() {
            continue;
        }
        let r = stored.get(i.id.as_str());
        let value = r
            .and_then(|r| r.value_json.as_deref())
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
            .map(|v| shown_value(&v))
            .unwrap_or_default();
        let cells = [
            i.id.as_str(),
            &value,
            r.map_or("", |r| r.note.as_str()),
            &i.table,
            i.serial.as_deref().unwrap_or(""),
            i.path.last().map_or("", String::as_str),
            i.content.as_deref().unwrap_or(""),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    let mut res = out.into_response();
    let h = res.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"assessment-{}.csv\"", a.id))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    Ok(res)
}
