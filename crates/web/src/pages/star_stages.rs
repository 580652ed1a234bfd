//! The special-capability per-stage report of an on-site T11/AII assessment (000 §6.3): each
//! stage (its X.2 table), the mean coefficient, the 表4 band with its guidance, and answered
//! over total indicators. An online self-evaluation has none: the page says why (422).

use tianping_app::star_cases::{self, StageReport};
use tianping_core::fmt_num;

use super::*;
use crate::view::page_with;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/assessments/:id/stages", get(stages_page))
}

async fn stages_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let title = l.t(
        "专项能力评价分阶段报告",
        "Special-capability report by stage",
    );
    let report = match star_cases::stages(&st, u, id).await {
        Ok(r) => r,
        Err(tianping_app::Error::Refused(r)) => {
            let body = html! {
                p { a href={ "/assessments/" (id) "/result" } { "← " (l.t("评价结果", "Result")) } }
                (super::cases::refusals_under(l, l.t("没有分阶段报告：", "No per-stage report:"), &r))
            };
            return Ok(page_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ctx.chrome(),
                title,
                body,
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let body = report_body(l, &report);
    Ok(page_with(StatusCode::OK, &ctx.chrome(), title, body))
}

fn report_body(l: Lang, r: &StageReport) -> Markup {
    html! {
        p { a href={ "/assessments/" (r.assessment_id) "/result" } { "← " (r.title) } }
        p { (super::documents::pdf_link(l, &format!("/assessments/{}/stages.pdf", r.assessment_id))) }
        p.muted {
            (r.variant) " · "
            (l.t("专项能力评价只采用现场实地审查（6.3）。阶段得分为该阶段评价指标评分系数的平均值（标准未规定计算方法，见解释 000-stage-score），按表4的评分系数区间给出要点。",
                 "Special capability is evaluated on site only (6.3). A stage's score is the mean of its indicators' coefficients (the standard gives no method: interpretation 000-stage-score), read against 表4's bands."))
        }
        div.tablewrap {
            table {
                tr {
                    th { (l.t("阶段", "Stage")) }
                    th { (l.t("评价表", "Table")) }
                    th { (l.t("平均评分系数", "Mean coefficient")) }
                    th { (l.t("表4区间", "表4 band")) }
                    th { (l.t("已答/指标数", "Answered / indicators")) }
                }
                @for s in &r.stages {
                    tr {
                        td { (s.stage) }
                        td { (s.table) }
                        td { (fmt_num(s.score)) "%" }
                        td { (s.band.as_deref().unwrap_or("—")) }
                        td { (s.answered) " / " (s.indicators) }
                    }
                }
            }
        }
        @for s in &r.stages {
            @if !s.guidance.is_empty() {
                h3 { (s.stage) " · " (s.band.as_deref().unwrap_or("")) }
                ul { @for p in &s.guidance { li { (p) } } }
            }
        }
    }
}
