//! On-site from self: the button on a submitted self-assessment that starts the body's
//! on-site assessment from it (answers and evidence carried over as proposals to confirm, see
//! `tianping_domain::onsite`), and the page comparing two assessments of the same enterprise
//! and scheme item by item (`/assessments/{id}/compare`, `?with=` another one, `diff=1` only
//! the differences).

use tianping_app::domain::onsite::compared_value;
use tianping_app::domain::{words, Source};
use tianping_app::onsite;
use tianping_core::Indicator;

use super::nav::item_label;
use super::*;
use crate::view::{csrf, page};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/assessments/:id/onsite", post(start_post))
        .route("/assessments/:id/compare", get(compare_page))
}

/// The summary links of an assessment's page: the comparison with the self-assessment an
/// on-site assessment started from, and, on a submitted self-assessment for a reviewer of a
/// body, the button that starts an on-site assessment from it.
pub(super) async fn summary_links(
    st: &App,
    l: Lang,
    token: &str,
    u: &User,
    a: &repo::Assessment,
) -> Result<Markup, Error> {
    let from = match a.mode {
        Mode::Onsite => onsite::started_from(st, a).await?,
        Mode::SelfEvaluation => None,
    };
    let start = a.mode == Mode::SelfEvaluation
        && a.status == AssessmentStatus::Submitted
        && u.role.is_body_editor()
        && u.org_id.is_some();
    Ok(html! {
        @if let Some(f) = from {
            p.inline.actions {
                a href={ "/assessments/" (a.id) "/compare" } { (l.t("与企业自评对比", "Compare with the self-assessment")) }
                span.muted { (l.t("本现场评价据企业自评 #", "This on-site assessment started from self-assessment #")) (f) (l.t(" 开始。", ".")) }
            }
        }
        @if start {
            form.inline-form method="post" action={ "/assessments/" (a.id) "/onsite" } {
                (csrf(token))
                button { (l.t("据此开始现场评价", "Start an on-site assessment from this")) }
                span.muted { (l.t(
                    "新建本机构的现场评价：带入企业的全部答案（备注标“（自评带入）”，企业自报的答案须重新核验后才计分）和证据文件。",
                    "Creates your body's on-site assessment with all of the enterprise's answers (notes marked “（自评带入）”; self-declared answers count only once verified again) and evidence files.")) }
            }
        }
    })
}

async fn start_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let a = onsite::create_from_self(&st, u, id, "").await?;
    Ok(redirect(&format!("/assessments/{}", a.id)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CompareQ {
    /// Another assessment's id (default: the self-assessment it started from).
    with: String,
    /// `1`: only the items that differ.
    diff: String,
}

/// An answer in words: a level with its descriptor, a figure with two decimals at most, and
/// on the star scheme its source.
fn shown(l: Lang, kind: AnswerKind, i: &Indicator, v: Option<&Value>) -> String {
    let Some(v) = v else {
        return l.t("未填", "No answer").into();
    };
    let text = match (kind, compared_value(v).as_f64()) {
        (AnswerKind::Level, _) | (_, None) => shown_answer(l, kind, i, compared_value(v)),
        (_, Some(x)) => words::fig(x),
    };
    let source = v
        .get("source")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Source>().ok());
    let unverified = v.get("verified").and_then(Value::as_bool) == Some(false);
    match source {
        Some(s) if unverified => format!(
            "{}（{}{}）",
            text,
            s.label(l),
            l.t("，未核验", ", not verified")
        ),
        Some(s) => format!("{}（{}）", text, s.label(l)),
        None => text,
    }
}

async fn compare_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<CompareQ>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let with = match q.with.trim() {
        "" => None,
        w => Some(w.parse::<i64>().map_err(|_| Error::NotFound)?),
    };
    let c = onsite::compare(&st, u, id, with).await?;
    let plan = assessments::plan(&st, &c.assessment)?;
    let only_diff = q.diff == "1";
    let with_q = with.map(|w| format!("with={}&", w)).unwrap_or_default();
    let here = format!("/assessments/{}/compare?{}", id, with_q);
    let side = |a: &repo::Assessment| {
        html! {
            a href={ "/assessments/" (a.id) } { (a.title) }
            " (" (mode_text(l, a.mode)) " · " (status_pill(l, a.status)) ")"
        }
    };
    let body = html! {
        p { a href={ "/assessments/" (id) } { "← " (l.t("返回评价", "Back to the assessment")) } }
        p { (l.t("对比：", "Comparing: ")) (side(&c.base)) (l.t(" 与 ", " with ")) (side(&c.assessment)) }
        p.big {
            (c.differences) (l.t(" 项不同", " items differ")) " · "
            (c.rows.len()) (l.t(" 项对比", " items compared"))
        }
        p.inline.actions {
            @if only_diff {
                a href={ (here) "diff=0" } { (l.t("显示全部", "Show all")) }
            } @else {
                a href={ (here) "diff=1" } { (l.t("只看差异", "Differences only")) }
            }
        }
        table.compare {
            thead { tr {
                th { (l.t("指标", "Item")) }
                th { (mode_text(l, c.base.mode)) " #" (c.base.id) }
                th { (mode_text(l, c.assessment.mode)) " #" (c.assessment.id) }
                th { (l.t("是否不同", "Differs")) }
            } }
            tbody {
                @for r in c.rows.iter().filter(|r| !only_diff || r.differs) {
                    @if let Some(i) = plan.scheme.indicator(&r.indicator) {
                        tr.differs[r.differs] {
                            td { a href={ "/assessments/" (id) "/items/" (url_enc(&r.indicator)) } { (item_label(i)) } }
                            td { (shown(l, plan.kind, i, r.base.as_ref())) }
                            td { (shown(l, plan.kind, i, r.value.as_ref())) }
                            td { @if r.differs { b { (l.t("不同", "Differs")) } } @else { span.muted { (l.t("相同", "Same")) } } }
                        }
                    }
                }
            }
        }
    };
    Ok(page(
        &ctx.chrome(),
        l.t("答案对比", "Answers compared"),
        body,
    ))
}
