//! The evaluation report of a capability case, `/cases/{id}/report`, in the structure of
//! seed 004 Annex B and 8.1: 综述 (the enterprise, the dates, the panel, the score, the
//! grade suggested or confirmed), 特点（优势） (the highest-scoring categories of the linked
//! on-site assessment), 改进和提升的建议 (the panel's suggestions and the lowest-scoring
//! items), the scores by category and item, and the grade.

use tianping_app::capability_report::{report, Report};
use tianping_app::domain::words::fig;
use tianping_case::capability::grade_for;
use tianping_core::Scheme;

use super::*;
use crate::view::page;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/cases/:id/report", get(report_page))
}

async fn report_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let r = report(&st, u, id).await?;
    let l = ctx.lang;
    let scheme = r
        .result
        .as_ref()
        .and_then(|res| st.scheme(&res.evaluation.scheme).ok());
    let title = format!(
        "{} · {}",
        r.case.case.enterprise_name,
        l.t("企业能力评价报告", "capability evaluation report")
    );
    Ok(page(&ctx.chrome(), &title, body(l, &r, scheme)))
}

fn pct(earned: f64, max: f64) -> String {
    if max > 0.0 {
        format!("{}%", fig(earned / max * 100.0))
    } else {
        "—".into()
    }
}

fn body(l: Lang, r: &Report, scheme: Option<&Scheme>) -> Markup {
    let v = &r.case;
    let app = v.outcome.case.application();
    let eval = app.and_then(|a| a.evaluation());
    let conclusion = v.outcome.case.conclusion.as_ref();
    let name = |id: &str| {
        v.staff_names
            .iter()
            .find(|(i, _)| i == id)
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    };
    html! {
        p {
            a href={ "/cases/" (v.case.id) } { "← " (l.t("案卷", "Case")) }
            " · " (super::documents::pdf_link(l, &format!("/cases/{}/report.pdf", v.case.id)))
        }
        h2 { (l.t("一、综述", "1. Overview")) }
        div.card {
            p { (l.t("受评企业：", "Enterprise: ")) b { (v.case.enterprise_name) } }
            p { (l.t("评价机构：", "Body: ")) (v.case.org_name) }
            @if let Some(a) = app {
                p { (l.t("申请日期：", "Applied: ")) (a.received) }
                @if let Some(d) = a.verified { p { (l.t("核查完成：", "Verified: ")) (d) } }
                @for p in &a.panels {
                    p { (p.round.name_zh()) "（" (p.date) "）：" (p.members.iter().map(|m| name(m)).collect::<Vec<_>>().join("、")) }
                }
                @if let Some(p) = a.publicity() {
                    p { (l.t("公示期：", "Publicity: ")) (p.start) (l.t(" 至 ", " to ")) (p.end) }
                }
                @if let Some(d) = a.confirmed { p { (l.t("确认日期：", "Confirmed: ")) (d) } }
            }
            @if let Some(e) = eval {
                p { (l.t("评价得分：", "Score: ")) b { (fig(e.score.value())) } (l.t(" 分（满分100）", " of 100")) }
            }
            @match (conclusion, eval) {
                (Some(c), _) => {
                    p { (l.t("评价等级：", "Grade: ")) b { (c.grade.map_or(l.t("不予评级", "none"), |g| g.code())) }
                        @if let Some(u) = c.valid_until { (l.t("，有效期至 ", ", valid until ")) (u) } }
                }
                (None, Some(e)) => {
                    p { (l.t("建议等级（初评）：", "Grade suggested: ")) b { (grade_for(e.score).map_or(l.t("不予评级", "none"), |g| g.code())) } }
                }
                _ => {}
            }
        }
        h2 { (l.t("二、特点（优势）", "2. Strengths")) }
        @if r.strengths.is_empty() {
            p.muted { (l.t("尚未关联已评分的现场评价。", "No scored on-site assessment is linked yet.")) }
        } @else {
            ul { @for n in &r.strengths {
                li { (n.path.join(" › ")) " · " (fig(n.earned)) " / " (fig(n.max)) "（" (pct(n.earned, n.max)) "）" }
            } }
        }
        h2 { (l.t("三、改进和提升的建议", "3. Improvements")) }
        @if let Some(s) = eval.and_then(|e| e.suggestions.as_deref()) {
            p { (s) }
        }
        @if !r.weakest.is_empty() {
            p.muted { (l.t("得分率最低的指标：", "The items with the lowest share of their points:")) }
            ul { @for i in &r.weakest {
                li { (i.path.join(" › ")) " · " (fig(i.earned)) " / " (fig(i.max)) }
            } }
        }
        @if let Some(res) = &r.result {
            h2 { (l.t("四、各类别及指标得分", "4. Scores by category and item")) }
            @if let Some(s) = scheme { (super::charts::figures(l, s, &res.evaluation)) }
            div.tablewrap { table {
                tr { th { (l.t("类别", "Category")) } th { (l.t("得分", "Points")) } th { (l.t("满分", "Max")) } th { (l.t("得分率", "Share")) } }
                @for n in &res.evaluation.nodes {
                    tr { td { (n.path.join(" › ")) } td { (fig(n.earned)) } td { (fig(n.max)) } td { (pct(n.earned, n.max)) } }
                }
            } }
            details {
                summary { (l.t("全部指标", "Every item")) }
                div.tablewrap { table {
                    tr { th { (l.t("指标", "Item")) } th { (l.t("得分", "Points")) } th { (l.t("满分", "Max")) } }
                    @for i in &res.evaluation.indicators {
                        tr { td { (i.path.join(" › ")) } td { (fig(i.earned)) } td { (fig(i.max)) } }
                    }
                } }
            }
        }
        h2 { (l.t("五、评价等级", "5. Grade")) }
        p {
            @match (conclusion, eval) {
                (Some(c), _) => { (c.grade.map_or(l.t("不予评级（低于60分）", "No grade (below 60)"), |g| g.code())) (l.t("（已确认）", " (confirmed)")) }
                (None, Some(e)) => { (grade_for(e.score).map_or(l.t("不予评级（低于60分）", "No grade (below 60)"), |g| g.code())) (l.t("（初评建议，待公示和确认）", " (suggested, pending publicity and confirmation)")) }
                _ => { (l.t("尚未评价", "Not evaluated yet")) }
            }
        }
    }
}
