//! Excel downloads (issue 11): answer templates (a scheme's blank one from the new-assessment
//! page, an assessment's filled one from its page and the import page), an assessment's
//! result with its trace, lists (enterprises, assessments, certificates, due items, each with
//! the page's filter), and the regulator's monthly report for a body's admin (a month picker
//! and the download).

use chrono::Datelike;
use tianping_app::{cnca, xlsx};

use super::cases::parse_date;
use super::*;
use crate::view::page;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/schemes/:id/template.xlsx", get(scheme_template))
        .route(
            "/assessments/:id/import/template.xlsx",
            get(assessment_template),
        )
        .route("/assessments/:id/export.xlsx", get(export_assessment))
        .route("/enterprises.xlsx", get(enterprises_list))
        .route("/assessments.xlsx", get(assessments_list))
        .route("/certificates.xlsx", get(certificates_list))
        .route("/due.xlsx", get(due_list))
        .route("/reports/cnca", get(cnca_page))
        .route("/reports/cnca.xlsx", get(cnca_download))
}

/// An .xlsx download (through [`crate::html::download`]: UTF-8 name, never cached).
pub(crate) fn xlsx_response(name: &str, bytes: Vec<u8>) -> Response {
    crate::html::download(name, name, xlsx::CONTENT_TYPE, bytes)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VariantQ {
    variant: Option<String>,
}

async fn scheme_template(
    State(st): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<VariantQ>,
) -> Res {
    ctx.user()?;
    let variant = q.variant.filter(|v| !v.is_empty());
    let bytes = xlsx::template::for_scheme(&st, &id, variant.as_deref())?;
    let name = match &variant {
        Some(v) => format!("{}-{}-template.xlsx", id, v),
        None => format!("{}-template.xlsx", id),
    };
    Ok(xlsx_response(&name, bytes))
}

async fn assessment_template(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let (name, bytes) = xlsx::template::for_assessment(&st, ctx.user()?, id).await?;
    Ok(xlsx_response(&name, bytes))
}

async fn export_assessment(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let (name, bytes) = xlsx::export::assessment(&st, ctx.user()?, id).await?;
    Ok(xlsx_response(&name, bytes))
}

async fn enterprises_list(State(st): State<App>, ctx: Ctx) -> Res {
    let bytes = xlsx::lists::enterprises(&st, ctx.user()?).await?;
    Ok(xlsx_response("enterprises.xlsx", bytes))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EnterpriseQ {
    enterprise: Option<i64>,
}

async fn assessments_list(State(st): State<App>, ctx: Ctx, Query(q): Query<EnterpriseQ>) -> Res {
    let bytes = xlsx::lists::assessments(&st, ctx.user()?, q.enterprise).await?;
    Ok(xlsx_response("assessments.xlsx", bytes))
}

async fn certificates_list(State(st): State<App>, ctx: Ctx) -> Res {
    let bytes = xlsx::lists::certificates(&st, ctx.user()?).await?;
    Ok(xlsx_response("certificates.xlsx", bytes))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DueQ {
    as_of: Option<String>,
}

async fn due_list(State(st): State<App>, ctx: Ctx, Query(q): Query<DueQ>) -> Res {
    let u = ctx.user()?;
    let as_of = q
        .as_of
        .as_deref()
        .and_then(parse_date)
        .unwrap_or_else(|| tianping_app::cases::today(&st));
    let bytes = xlsx::lists::due(&st, u, as_of).await?;
    Ok(xlsx_response(&format!("due-{}.xlsx", as_of), bytes))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MonthQ {
    month: String,
}

/// The body admin's page: a month (default the last one) and the download.
async fn cnca_page(State(st): State<App>, ctx: Ctx) -> Res {
    let u = ctx.user()?;
    if u.role != Role::BodyAdmin {
        return Err(Error::NotFound.into());
    }
    let l = ctx.lang;
    let today = tianping_app::cases::today(&st);
    let last = today
        .with_day(1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(today)
        .format("%Y-%m")
        .to_string();
    let body = html! {
        div.card {
            h2 { (l.t("CNCA 月度报送数据", "Monthly report to CNCA")) }
            p { (l.t("按月导出认证认可信息报送平台所需的三张表：审核计划信息表、证书信息表、审核结果信息表（日期为 yyyyMMdd，代码大写无空格，审核方式 FS01 现场、FS02 远程）。列名与列序按 schemes/cnca/monthly.toml，其中记录了推定的列及其来源。",
                "Exports for a month the three sheets the CNCA reporting platform takes: audit plans, certificates and audit results (dates yyyyMMdd, codes in capitals, audit methods FS01 on site, FS02 remote). Columns follow schemes/cnca/monthly.toml, which records which columns were derived and from where.")) }
            form.inline method="get" action="/reports/cnca.xlsx" {
                label for="f-month" { (l.t("月份", "Month")) }
                input #f-month type="month" name="month" value=(last) required;
                button { (l.t("下载 Excel", "Download Excel")) }
            }
        }
    };
    Ok(page(
        &ctx.chrome(),
        l.t("CNCA 月度报送", "Monthly report to CNCA"),
        body,
    ))
}

async fn cnca_download(State(st): State<App>, ctx: Ctx, Query(q): Query<MonthQ>) -> Res {
    let (name, bytes) = cnca::export(&st, ctx.user()?, &q.month).await?;
    Ok(xlsx_response(&name, bytes))
}
