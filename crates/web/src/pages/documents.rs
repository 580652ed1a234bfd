//! The PDF downloads of the pages (DESIGN I-21): each beside its HTML counterpart, with the
//! same permissions (404 for what the person may not see). `?lang=en` for English.

use tianping_app::documents;

use super::*;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/assessments/:id/report.pdf", get(assessment_report))
        .route("/assessments/:id/stages.pdf", get(stages_report))
        .route("/certificates/:file", get(certificate))
        .route("/cases/:id/report.pdf", get(capability_report))
        .route("/cases/:id/audits/:audit/report.pdf", get(audit_report))
}

async fn capability_report(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<LangQ>,
) -> Res {
    let u = ctx.user()?;
    Ok(crate::html::pdf_download(
        documents::capability::pdf(&st, u, id, q.lang()).await?,
    ))
}

async fn audit_report(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, audit)): Ids<(i64, String)>,
    Query(q): Query<LangQ>,
) -> Res {
    let u = ctx.user()?;
    Ok(crate::html::pdf_download(
        documents::audit::pdf(&st, u, id, &audit, q.lang()).await?,
    ))
}

async fn stages_report(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<LangQ>,
) -> Res {
    let u = ctx.user()?;
    Ok(crate::html::pdf_download(
        documents::stages::pdf(&st, u, id, q.lang()).await?,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LangQ {
    lang: Option<String>,
}

impl LangQ {
    fn lang(&self) -> tianping_app::Lang {
        crate::html::doc_lang(self.lang.as_deref())
    }
}

/// A "下载 PDF" link to `path`, in the page's language (`?lang=en` on English pages).
pub(super) fn pdf_link(l: Lang, path: &str) -> Markup {
    let href = match l {
        Lang::En => format!("{}?lang=en", path),
        Lang::Zh => path.to_string(),
    };
    html! {
        a.pdf href=(href) download { (l.t("下载 PDF", "Download PDF")) }
    }
}

async fn assessment_report(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<LangQ>,
) -> Res {
    let u = ctx.user()?;
    Ok(crate::html::pdf_download(
        documents::report::pdf(&st, u, id, q.lang()).await?,
    ))
}

async fn certificate(
    State(st): State<App>,
    ctx: Ctx,
    Path(file): Path<String>,
    Query(q): Query<LangQ>,
) -> Res {
    let u = ctx.user()?;
    let number = file
        .strip_suffix(".pdf")
        .filter(|n| !n.is_empty())
        .ok_or(Error::NotFound)?;
    Ok(crate::html::pdf_download(
        documents::certificate::pdf(&st, u, number, q.lang()).await?,
    ))
}

/// The certificate's downloads, Chinese and English.
pub(super) fn certificate_links(l: Lang, number: &str) -> Markup {
    let path = format!("/certificates/{}.pdf", crate::html::url_enc(number));
    html! {
        p.pdf-links {
            a href=(path) download { (l.t("下载 PDF（中文）", "Download PDF (Chinese)")) }
            " · "
            a href={ (path) "?lang=en" } download { (l.t("下载 PDF（English）", "Download PDF (English)")) }
        }
    }
}
