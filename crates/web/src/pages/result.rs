//! Results and their explanation, the history of answers, evidence downloads. Results are
//! drawn from the typed stored result ([`ResultView`]), never from its JSON by key.

use maud::{html, Markup};
use tianping_app::assessments::ResultView;
use tianping_core::engine::{GradeStep, NodeResult};
use tianping_core::stars::{DimensionResult, StarOutcome};
use tianping_core::{Evaluation, Interpretation};

use super::*;
use crate::view::page;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/assessments/:id/result", get(result_page))
        .route("/assessments/:id/history", get(history_page))
        .route("/evidence/:id", get(evidence_get))
}

/// The live result card: total, grade or stars, how many items are answered, and why.
/// `full` shows every warning and the reasons of the stars granted.
pub(super) fn result_card(l: Lang, r: &ResultView, full: bool) -> Markup {
    let ev = &r.evaluation;
    let (answered, total) = r.answered();
    html! {
        div.card #result {
            div.grid {
                div {
                    div.muted { (l.t("总分", "Total")) }
                    div.big data-testid="score" { (fmt_num((ev.total.score * 100.0).round() / 100.0)) }
                    div.muted { "/ " (fmt_num(ev.total.scale)) }
                }
                @if let Some(g) = &ev.grade {
                    div {
                        div.muted { (l.t("等级", "Grade")) }
                        div.big data-testid="grade" { (g.label) }
                        div.muted { (g.reason) }
                    }
                } @else if r.granted.is_none() && !ev.grade_trace.is_empty() {
                    div {
                        div.muted { (l.t("等级", "Grade")) }
                        div.big data-testid="grade" { "—" }
                    }
                }
                @if let Some(g) = &r.granted {
                    div {
                        div.muted { (l.t("授予综合星级", "Stars granted")) }
                        div.big data-testid="stars" {
                            @if g.stars == 0 { (l.t("无", "none")) } @else { ("★".repeat(g.stars.into())) }
                        }
                        div.muted { (ev.stars_explained.as_ref().map(|s| s.reason.as_str()).unwrap_or("")) }
                    }
                }
                div {
                    div.muted { (l.t("已答", "Answered")) }
                    div.big { (answered) "/" (total) }
                }
            }
            @for w in ev.warnings.iter().take(if full { 50 } else { 3 }) {
                p.muted { "⚠ " (w) }
            }
            @if let (true, Some(g)) = (full, &r.granted) {
                ul {
                    @for x in &g.reasons {
                        li { (x) }
                    }
                }
            }
        }
    }
}

/// [`result_card`] of an assessment. A stored result that cannot be read is said, not left
/// out.
pub(super) fn result_panel(l: Lang, a: &repo::Assessment, full: bool) -> Markup {
    let m = match assessments::result_view(a) {
        Ok(Some(r)) => result_card(l, &r, full),
        Ok(None) => html! {},
        Err(e) => {
            eprintln!("internal error: {}", e);
            html! {
                div.flash.bad #result role="alert" {
                    (l.t("结果无法显示：", "The result cannot be shown: ")) (e.detail(l))
                }
            }
        }
    };
    m
}

/// The first 16 characters of a version or hash.
fn short(s: &str) -> &str {
    s.char_indices().nth(16).map_or(s, |(i, _)| &s[..i])
}

pub(super) async fn result_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access) = assessments::get(&st, u, id).await?;
    if !access.sees_result() {
        return Err(Error::NotFound.into());
    }
    let result = assessments::result_view(&a)?;
    let body = html! {
        p { a href={ "/assessments/" (a.id) } { "← " (a.title) } }
        @if let Some(r) = &result {
            (result_card(l, r, true))
        }
        p.muted {
            (l.t("方案版本", "Scheme version")) ": " (short(a.scheme_version.as_deref().unwrap_or("")))
            " · " (l.t("引擎", "Engine")) ": " (a.engine_version.as_deref().unwrap_or(""))
            " · " (l.t("配置", "Profile")) ": " (a.profile_hash.as_deref().map_or("—", short))
        }
        @if let Some(r) = &result {
            (explanation(l, &r.evaluation))
        }
    };
    Ok(page(
        &ctx.chrome(),
        l.t("结果与解释", "Result and explanation"),
        body,
    ))
}

/// Why the result is what it is: the grade determination, the dimensions and stars, the
/// scores by group, the interpretations that affected it.
fn explanation(l: Lang, ev: &Evaluation) -> Markup {
    html! {
        (grade_trace(l, &ev.grade_trace))
        (dimensions(l, &ev.dimensions, ev.stars_explained.as_ref()))
        (node_scores(l, &ev.nodes))
        (interpretations(l, &ev.interpretations))
    }
}

fn met(yes: bool) -> &'static str {
    if yes {
        "✔"
    } else {
        "✘"
    }
}

/// Every grade tried, best first, and why it was or was not met.
fn grade_trace(l: Lang, steps: &[GradeStep]) -> Markup {
    html! {
        @if !steps.is_empty() {
            h2 { (l.t("等级判定", "Grade determination")) }
            ul {
                @for s in steps {
                    li { (met(s.met)) " " (s.code) ": " (s.reason) }
                }
            }
        }
    }
}

/// The star scheme's dimensions (表1 single stars) and the comprehensive star levels checked
/// (表3).
fn dimensions(l: Lang, dims: &[DimensionResult], stars: Option<&StarOutcome>) -> Markup {
    html! {
        @if !dims.is_empty() {
            h2 { (l.t("单项能力", "Dimensions")) }
            div.tablewrap {
                table {
                    tr {
                        th { (l.t("维度", "Dimension")) }
                        th { (l.t("权重", "Weight")) }
                        th { (l.t("得分", "Score")) }
                        th { (l.t("线上得分率", "Online ratio")) }
                        th { (l.t("单项星级", "Single stars")) }
                    }
                    @for d in dims {
                        tr {
                            td { (d.name) }
                            td { (fmt_num(d.weight)) "%" }
                            td { (fmt_num(d.score)) }
                            td {
                                @match d.online_ratio {
                                    Some(x) => { (fmt_num(x)) "%" }
                                    None => { (l.t("无线上指标", "no online items")) }
                                }
                            }
                            td { (d.stars) div.muted { (d.stars_reason) } }
                        }
                    }
                }
            }
            @if let Some(s) = stars {
                h2 { (l.t("综合星级判定（表3）", "Comprehensive stars (表3)")) }
                ul {
                    @for c in &s.checks {
                        li { (met(c.met)) " " (c.stars) "★: " (c.reason) }
                    }
                }
            }
        }
    }
}

/// What every group of indicators earned (the first 400).
fn node_scores(l: Lang, nodes: &[NodeResult]) -> Markup {
    html! {
        @if !nodes.is_empty() {
            details {
                summary { (l.t("各级指标得分", "Scores by group")) }
                div.tablewrap {
                    table {
                        tr {
                            th { (l.t("指标", "Group")) }
                            th { (l.t("得分", "Earned")) }
                            th { (l.t("满分", "Max")) }
                        }
                        @for n in nodes.iter().take(400) {
                            tr {
                                td { (n.table) " " (n.path.join(" › ")) }
                                td { (fmt_num(n.earned)) }
                                td { (fmt_num(n.max)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The standard's interpretations that affected the result.
fn interpretations(l: Lang, list: &[Interpretation]) -> Markup {
    html! {
        @if !list.is_empty() {
            details {
                summary {
                    (l.t("影响本结果的标准解释", "Interpretations that affected this result"))
                    " (" (list.len()) ")"
                }
                ul {
                    @for x in list {
                        li { b { (x.id) } " " (x.clause) "：" (x.text) " → " (x.action) }
                    }
                }
            }
        }
    }
}

pub(super) async fn history_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access) = assessments::get(&st, u, id).await?;
    if matches!(access, Access::Expert(_)) {
        return Err(Error::NotFound.into());
    }
    let versions = answers::versions(&st, &a, &access, None).await?;
    let shown = &versions[..versions.len().min(500)];
    let ids: Vec<i64> = shown.iter().map(|v| v.changed_by).collect();
    let names = admin::user_names(&st, &ids).await?;
    let rows: Vec<_> = shown
        .iter()
        .map(|v| (v, names.get(&v.changed_by).cloned().unwrap_or_default()))
        .collect();
    let body = html! {
        p { a href={ "/assessments/" (a.id) } { "← " (a.title) } }
        div.tablewrap {
            table {
                tr {
                    th { (l.t("版本", "Revision")) }
                    th { (l.t("指标", "Indicator")) }
                    th { (l.t("答案", "Answer")) }
                    th { (l.t("时间", "When")) }
                    th { (l.t("修改人", "By")) }
                }
                @for (v, by) in &rows {
                    tr {
                        td { (v.revision) }
                        td { (v.indicator_id) }
                        td { (shown_stored(v.value_json.as_deref())) }
                        td { (when(&v.changed_at)) }
                        td { (by) }
                    }
                }
            }
        }
    };
    Ok(page(&ctx.chrome(), l.t("修改记录", "History"), body))
}

pub(super) async fn evidence_get(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let (ev, data) = evidence::file(&st, u, id).await?;
    let mut r = data.into_response();
    let h = r.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&ev.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let disp = format!(
        "attachment; filename=\"evidence-{}\"; filename*=UTF-8''{}",
        ev.id,
        url_enc(&ev.file_name)
    );
    h.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&disp).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "cache-control",
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tianping_core::stars::{apply_rules, Application};
    use tianping_core::Plan;

    /// A shipped scheme's result with every item answered at `x` of full marks (the star
    /// scheme: coefficient `x` × 100 %, verified on site), and the stars granted.
    fn view(scheme: &str, variant: Option<&str>, x: f64) -> ResultView {
        let catalog = tianping_catalog::Catalog::load(None).unwrap();
        let s = catalog.get(scheme).unwrap();
        let plan = Plan::new(s, variant, None).unwrap();
        let dims = s.method == Method::Dimensions;
        let answers = plan
            .leaves
            .iter()
            .map(|l| {
                let v = match plan.kind {
                    AnswerKind::Points => json!(l.answer_max * x),
                    AnswerKind::Level => json!((5.0 * x).round()),
                    AnswerKind::Coefficient if dims => {
                        json!({"value": 100.0 * x, "source": "onsite"})
                    }
                    AnswerKind::Coefficient => json!(100.0 * x),
                };
                (l.ind.id.clone(), v)
            })
            .collect();
        let evaluation = plan.evaluate(&answers, false).unwrap();
        let granted = dims.then(|| {
            apply_rules(
                Application {
                    current_stars: 3,
                    first_application: false,
                    mode: Mode::Onsite.core(),
                },
                evaluation.stars.unwrap_or(0),
                &evaluation.dimensions,
            )
        });
        ResultView {
            evaluation,
            granted,
            mode: Mode::Onsite,
        }
    }

    #[test]
    fn the_card_shows_total_grade_and_answered_items() {
        let r = view("t-cic-capability", None, 1.0);
        let n = r.evaluation.indicators.len();
        let s = result_card(Lang::Zh, &r, false).into_string();
        assert!(
            s.contains(r#"<div class="big" data-testid="score">100</div>"#),
            "{s}"
        );
        assert!(s.contains(r#"data-testid="grade">一级</div>"#), "{s}");
        assert!(
            s.contains(&format!(r#"<div class="big">{n}/{n}</div>"#)),
            "{s}"
        );
        assert!(!s.contains("data-testid=\"stars\""), "{s}");
        // nothing answered: no grade reached, said with a dash
        let r = view("t-cic-capability", None, 0.0);
        let s = result_card(Lang::Zh, &r, false).into_string();
        assert!(s.contains(r#"data-testid="grade">—</div>"#), "{s}");
    }

    #[test]
    fn the_star_scheme_shows_the_stars_granted_and_why_on_the_full_card() {
        let r = view("t11-aii-001-2020", Some("tech-service"), 1.0);
        let g = r.granted.as_ref().unwrap();
        let short = result_card(Lang::En, &r, false).into_string();
        let stars = "★".repeat(g.stars.into());
        assert!(
            short.contains(&format!(r#"data-testid="stars">{stars}</div>"#)),
            "{short}"
        );
        assert!(!short.contains("<ul>"), "{short}");
        let full = result_card(Lang::En, &r, true).into_string();
        assert!(
            full.contains(&format!("<li>{}</li>", g.reasons[0])),
            "{full}"
        );
        let page = explanation(Lang::En, &r.evaluation).into_string();
        assert!(page.contains("Dimensions") && page.contains("Comprehensive stars"));
        let d = &r.evaluation.dimensions[0];
        assert!(page.contains(&format!("<td>{}</td>", d.name)), "{page}");
    }

    #[test]
    fn text_from_the_result_is_escaped() {
        let mut r = view("t-cic-capability", None, 1.0);
        r.evaluation
            .warnings
            .push("<script>alert(1)</script>".into());
        if let Some(g) = r.evaluation.grade.as_mut() {
            g.label = "<b>A</b>".into();
        }
        r.evaluation.grade_trace[0].reason = "x < y & z".into();
        let s = result_card(Lang::Zh, &r, true).into_string();
        assert!(!s.contains("<script>") && !s.contains("<b>A"), "{s}");
        assert!(s.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{s}");
        assert!(s.contains("&lt;b&gt;A&lt;/b&gt;"), "{s}");
        let e = explanation(Lang::Zh, &r.evaluation).into_string();
        assert!(e.contains("x &lt; y &amp; z"), "{e}");
    }

    #[test]
    fn versions_and_hashes_are_shortened_on_character_boundaries() {
        assert_eq!(short("0123456789abcdef0123"), "0123456789abcdef");
        assert_eq!(short("abc"), "abc");
        assert_eq!(
            short("版本版本版本版本版本版本版本版本版本"),
            "版本版本版本版本版本版本版本版本"
        );
    }
}
