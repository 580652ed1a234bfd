//! Results and their explanation, the history of answers, evidence downloads. Results are
//! drawn from the typed stored result ([`ResultView`]), never from its JSON by key.

use maud::{html, Markup};
use tianping_app::assessments::ResultView;
use tianping_app::domain::words;
use tianping_app::kept::Kept;
use tianping_core::{Given, Scheme};

use super::*;
use crate::view::page;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/assessments/:id/result", get(result_page))
        .route("/assessments/:id/history", get(history_page))
        .route("/evidence/:id", get(evidence_get))
}

/// The live result card: total, grade or stars in words, how far the next grade or star
/// is, how many items are answered, and what keeps answers from counting. `full` adds the
/// reasons of the stars granted.
pub(super) fn result_card(l: Lang, r: &ResultView, scheme: &Scheme, full: bool) -> Markup {
    let ev = &r.evaluation;
    let (answered, total) = r.answered();
    let distances = r.distances(scheme);
    let stars = r.granted.is_some();
    let next = words::next(l, &distances, stars, 3);
    html! {
        div.card #result {
            div.grid {
                div {
                    div.muted { (l.t("总分", "Total")) }
                    div.big data-testid="score" { (words::fig(ev.total.score)) }
                    div.muted { "/ " (words::fig(ev.total.scale)) }
                }
                @if let Some(g) = &ev.grade {
                    div {
                        div.muted { (l.t("等级", "Grade")) }
                        div.big data-testid="grade" { (g.label) }
                        @if let Some(n) = &next { div.muted data-testid="next" { (n) } }
                    }
                } @else if r.granted.is_none() && !scheme.grades.is_empty() {
                    div {
                        div.muted { (l.t("等级", "Grade")) }
                        div.big data-testid="grade" { "—" }
                        div.muted { (no_grade(l, scheme)) }
                        @if let Some(n) = &next { div.muted data-testid="next" { (n) } }
                    }
                }
                @if let Some(g) = &r.granted {
                    div {
                        div.muted { (l.t("授予综合星级", "Stars granted")) }
                        div.big data-testid="stars" {
                            @if g.stars == 0 { (words::stars(l, 0)) } @else {
                                span.marks aria-hidden="true" { (words::star_marks(g.stars)) } " "
                                span.words { (words::stars(l, g.stars)) }
                            }
                        }
                        @if let Some(n) = &next { div.muted data-testid="next" { (n) } }
                    }
                }
                div {
                    div.muted { (l.t("已答", "Answered")) }
                    div.big { (answered) "/" (total) }
                }
            }
            (notices(l, r, scheme))
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

/// What a result below every grade or level is called: 未达基础级 for T/SDDITAI 5121 (5.3,
/// I-7), no grade for the others.
pub(super) fn no_grade(l: Lang, scheme: &Scheme) -> &'static str {
    if scheme.method == Method::WeightedLevels {
        l.t("未达基础级", "Below the basic level")
    } else {
        l.t(
            "未达最低等级，不评定等级",
            "Below the lowest grade: no grade",
        )
    }
}

/// What keeps answers from counting, said from the result's figures (the engine's warnings
/// list item codes and exact numbers; the explanation below shows those in words).
fn notices(l: Lang, r: &ResultView, scheme: &Scheme) -> Markup {
    let ev = &r.evaluation;
    let unverified = ev.not_counted.len();
    let single_valued = ev
        .indicators
        .iter()
        .filter(|i| {
            i.counted
                && matches!(i.answer.as_ref().map(|a| &a.given), Some(Given::Number(_)))
                && scheme.indicator(&i.id).is_some_and(|x| x.expert_panel)
        })
        .count();
    html! {
        @if unverified > 0 {
            p.notice data-testid="unverified" {
                "⚠ "
                @match l {
                    Lang::Zh => { (unverified) " 个企业自报的答案尚未核验：核验后才计分。" }
                    Lang::En => { (unverified) " self-declared answers are not verified yet: they count once verified." }
                }
            }
        }
        @if single_valued > 0 {
            p.notice {
                "⚠ "
                @match l {
                    Lang::Zh => { (single_valued) " 个专家评审项只有一个分值，没有各位专家的评分（至少 3 位专家取平均）。" }
                    Lang::En => { (single_valued) " expert-panel items have a single score instead of each expert's (the mean of at least 3 experts)." }
                }
            }
        }
    }
}

/// [`result_card`] of an assessment's kept result ([`assessments::get_kept`]). A stored
/// result that cannot be read is said, not left out.
pub(super) fn result_panel(l: Lang, kept: Option<&Kept>, scheme: &Scheme, full: bool) -> Markup {
    let m = match kept.map(Kept::view).transpose() {
        Ok(Some(r)) => result_card(l, &r, scheme, full),
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

/// Score, grade (by its label) and stars (in words) in a line of plain text, `—` before any
/// score: for lists and the saved message.
pub(super) fn result_brief(
    l: Lang,
    scheme: Option<&Scheme>,
    score: Option<f64>,
    grade: Option<&str>,
    stars: Option<i64>,
) -> String {
    let mut o = score.map_or_else(|| "—".into(), words::fig);
    if let Some(g) = grade {
        let label = scheme
            .and_then(|s| s.grades.iter().find(|x| x.code == g))
            .map_or(g, |x| x.label.as_str());
        o.push_str(" · ");
        o.push_str(label);
    }
    if let Some(n) = stars {
        let n = n.clamp(0, 5) as u8;
        o.push_str(" · ");
        if n > 0 {
            o.push_str(&words::star_marks(n));
            o.push(' ');
        }
        o.push_str(&words::stars(l, n));
    }
    o
}

/// The first 16 characters of a version or hash.
fn short(s: &str) -> &str {
    s.char_indices().nth(16).map_or(s, |(i, _)| &s[..i])
}

pub(super) async fn result_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access, kept) = assessments::get_kept(&st, u, id).await?;
    if !access.sees_result() {
        return Err(Error::NotFound.into());
    }
    let plan = assessments::plan(&st, &a)?;
    let scheme = plan.scheme;
    let result = kept.as_deref().map(Kept::view).transpose()?;
    // the gap is advice beside the result: a plan that cannot be made leaves it out
    let gap = match &result {
        Some(_) => tianping_app::insight_gap::next_gap(&st, &a, kept.as_deref())
            .await
            .ok(),
        None => None,
    };
    let body = html! {
        p { a href={ "/assessments/" (a.id) } { "← " (a.title) } }
        @if let Some(r) = &result {
            p { (super::documents::pdf_link(l, &format!("/assessments/{}/report.pdf", a.id))) }
            (result_card(l, r, scheme, true))
            @if !r.evaluation.stages.is_empty() {
                @if a.mode == Mode::Onsite {
                    p { a href={ "/assessments/" (a.id) "/stages" } { (l.t("专项能力评价分阶段报告（6.3）", "Special-capability report by stage (6.3)")) } }
                } @else {
                    p.muted { (l.t("专项能力评价只采用现场实地审查（6.3）：线上自评没有分阶段报告。", "Special capability is evaluated on site only (6.3): an online self-evaluation has no per-stage report.")) }
                }
            }
            @if let Some(g) = &gap { (super::insight::gap_section(l, g, a.id)) }
            p {
                a href={ "/assessments/" (a.id) "/peers" } { (l.t("与同类企业比较", "Compare with peers")) }
                " · "
                a href={ "/enterprises/" (a.enterprise_id) "/trend?scheme=" (crate::html::url_enc(&a.scheme)) "&variant=" (crate::html::url_enc(a.variant.as_deref().unwrap_or(""))) } { (l.t("历次结果趋势", "Results over time")) }
            }
            (charts::figures(l, scheme, &r.evaluation))
            (explain::explanation(l, r, scheme))
        }
        details.muted.versions {
            summary { (l.t("复核信息", "For re-checking")) }
            (l.t("方案版本", "Scheme version")) ": " (short(a.scheme_version.as_deref().unwrap_or("")))
            " · " (l.t("引擎", "Engine")) ": " (a.engine_version.as_deref().unwrap_or(""))
            " · " (l.t("配置", "Profile")) ": " (a.profile_hash.as_deref().map_or("—", short))
        }
    };
    Ok(page(
        &ctx.chrome(),
        l.t("结果与解释", "Result and explanation"),
        body,
    ))
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
    let h = [
        l.t("指标", "Indicator"),
        l.t("版本", "Revision"),
        l.t("答案", "Answer"),
        l.t("时间", "When"),
        l.t("修改人", "By"),
    ];
    let body = html! {
        p { a href={ "/assessments/" (a.id) } { "← " (a.title) } }
        table.cards {
            thead { tr { @for x in h { th { (x) } } } }
            tbody {
                @for (v, by) in &rows {
                    tr {
                        td.name data-label=(h[0]) { (v.indicator_id) }
                        td data-label=(h[1]) { (v.revision) }
                        td data-label=(h[2]) { (shown_stored(v.value_json.as_deref())) }
                        td data-label=(h[3]) { (when(&v.changed_at)) }
                        td data-label=(h[4]) { (by) }
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

    fn scheme(id: &str) -> &'static Scheme {
        static CATALOG: std::sync::OnceLock<tianping_catalog::Catalog> = std::sync::OnceLock::new();
        CATALOG
            .get_or_init(|| tianping_catalog::Catalog::load(None).unwrap())
            .get(id)
            .unwrap()
    }

    /// A shipped scheme's result with every item answered at `x` of full marks (the star
    /// scheme: coefficient `x` × 100 %, verified on site), and the stars granted.
    fn view(id: &str, variant: Option<&str>, x: f64) -> ResultView {
        let s = scheme(id);
        let plan = Plan::new(s, variant, None).unwrap();
        let dims = s.method == Method::Dimensions;
        let answers = plan
            .leaves
            .iter()
            .map(|l| {
                let v = match plan.kind {
                    AnswerKind::Points => json!(((l.answer_max * x) * 2.0).round() / 2.0),
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
        let s = scheme("t-cic-capability");
        let r = view("t-cic-capability", None, 1.0);
        let n = r.evaluation.indicators.len();
        let html = result_card(Lang::Zh, &r, s, false).into_string();
        assert!(
            html.contains(r#"<div class="big" data-testid="score">100</div>"#),
            "{html}"
        );
        assert!(html.contains(r#"data-testid="grade">一级</div>"#), "{html}");
        assert!(
            html.contains(&format!(r#"<div class="big">{n}/{n}</div>"#)),
            "{html}"
        );
        assert!(!html.contains("data-testid=\"stars\""), "{html}");
        assert!(
            !html.contains("data-testid=\"next\""),
            "nothing above 一级: {html}"
        );
        // nothing answered: no grade reached, said with a dash and how far the lowest is
        let r = view("t-cic-capability", None, 0.0);
        let html = result_card(Lang::Zh, &r, s, false).into_string();
        assert!(html.contains(r#"data-testid="grade">—</div>"#), "{html}");
        assert!(html.contains("距三级，总分差 60 分"), "{html}");
    }

    #[test]
    fn figures_have_two_decimals_and_the_next_grade_is_measured() {
        let s = scheme("t-cic-capability");
        // about two thirds of full marks, in half points: a total with many decimals
        let r = view("t-cic-capability", None, 0.7);
        let total = r.evaluation.total.score;
        assert!(
            total.fract() != 0.0 && (60.0..70.0).contains(&total),
            "{total}"
        );
        let html = result_card(Lang::Zh, &r, s, true).into_string();
        assert!(
            html.contains(&format!(
                r#"data-testid="score">{}</div>"#,
                words::fig(total)
            )),
            "{html}"
        );
        assert!(html.contains("距二级，总分差 "), "{html}");
        let page = super::super::explain::explanation(Lang::Zh, &r, s).into_string();
        assert!(
            page.contains("二级</b>：<span data-testid=\"distance\">总分需达到 70，现为"),
            "{page}"
        );
        for text in [&html, &page] {
            let long = text
                .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                .find(|w| w.split_once('.').is_some_and(|(_, d)| d.len() > 2));
            assert_eq!(long, None, "no figure with more than two decimals");
        }
    }

    #[test]
    fn the_star_scheme_shows_the_stars_in_words_and_the_distance_to_the_next() {
        let s = scheme("t11-aii-001-2020");
        let r = view("t11-aii-001-2020", Some("tech-service"), 0.85);
        let g = r.granted.as_ref().unwrap();
        assert_eq!(g.stars, 4);
        let short = result_card(Lang::Zh, &r, s, false).into_string();
        assert!(
            short.contains("★★★★</span> <span class=\"words\">四星级</span>"),
            "{short}"
        );
        assert!(short.contains("距五星级，综合得分差 50 分；"), "{short}");
        assert!(!short.contains("<ul>"), "{short}");
        let full = result_card(Lang::En, &r, s, true).into_string();
        assert!(
            full.contains(&format!("<li>{}</li>", g.reasons[0])),
            "{full}"
        );
        let page = super::super::explain::explanation(Lang::Zh, &r, s).into_string();
        assert!(
            page.contains("单项能力") && page.contains("综合星级判定"),
            "{page}"
        );
        let d = &r.evaluation.dimensions[0];
        assert!(
            page.contains(&format!(
                r#"<td class="name" data-label="维度">{}</td>"#,
                d.name
            )),
            "{page}"
        );
        assert!(
            page.contains("五星级：差 50 分"),
            "the next single star: {page}"
        );
        assert!(
            page.contains("综合得分需达到 900，现为 850，差 50 分"),
            "{page}"
        );
    }

    #[test]
    fn text_from_the_result_is_escaped() {
        let s = scheme("t-cic-capability");
        let mut r = view("t-cic-capability", None, 1.0);
        if let Some(g) = r.evaluation.grade.as_mut() {
            g.label = "<b>A</b>".into();
        }
        r.evaluation.interpretations[0].text = "甲 < 乙 & 丙".into();
        let html = result_card(Lang::Zh, &r, s, true).into_string();
        assert!(!html.contains("<b>A"), "{html}");
        assert!(html.contains("&lt;b&gt;A&lt;/b&gt;"), "{html}");
        let e = super::super::explain::explanation(Lang::Zh, &r, s).into_string();
        assert!(e.contains("甲 &lt; 乙 &amp; 丙"), "{e}");
    }

    #[test]
    fn the_brief_result_names_the_grade_and_the_stars_in_words() {
        let s = scheme("t-sdditai-5121-2023");
        assert_eq!(
            result_brief(Lang::Zh, Some(s), Some(92.892), Some("3"), None),
            "92.89 · 第三级：提升级"
        );
        assert_eq!(
            result_brief(Lang::Zh, None, Some(871.009255), None, Some(4)),
            "871.01 · ★★★★ 四星级"
        );
        assert_eq!(
            result_brief(Lang::En, None, Some(0.0), None, Some(0)),
            "0 · no stars"
        );
        assert_eq!(result_brief(Lang::Zh, None, None, None, None), "—");
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
