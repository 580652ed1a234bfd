//! The gap to the next outcome (on the result page, DESIGN I-23) and what-if: change answers
//! without saving and see the total, grade or stars and the gap recomputed — on submit
//! without JavaScript, as you type with `static/whatif.js`.

use std::collections::BTreeMap;

use maud::{html, Markup};
use serde_json::Value;
use tianping_app::domain::words::fig;
use tianping_app::insight_gap::{self, WhatIf};
use tianping_app::insight_words as w;
use tianping_insight::{Gap, GapPlan, Standing};

use super::*;
use crate::html::whatif_js_href;
use crate::view::{csrf, page};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route(
        "/assessments/:id/what-if",
        get(what_if_page).post(what_if_post),
    )
}

fn standing_line(l: Lang, s: &Standing) -> Markup {
    html! {
        span data-testid="whatif-total" { (l.t("总分 ", "Total ")) b { (fig(s.total)) } }
        @if let Some(g) = &s.grade { " · " (l.t("等级 ", "Grade ")) b data-testid="whatif-grade" { (g.label) } }
        @if let Some(n) = s.stars { " · " (l.t("结果支持的综合星级 ", "Stars supported ")) b { (tianping_app::domain::words::stars(l, n)) } }
    }
}

/// One plan: its sentence, its conditions and its changes (at most `rows`, all with 0).
pub(super) fn plan_table(l: Lang, p: &GapPlan, rows: usize) -> Markup {
    let shown = if rows == 0 {
        p.changes.len()
    } else {
        rows.min(p.changes.len())
    };
    html! {
        p data-testid="gap-summary" { (w::summary(l, p)) }
        @if p.target.is_some() && !p.conditions.is_empty() {
            div.tablewrap { table {
                tr { th { (l.t("条件", "Condition")) } th { (l.t("现状", "Now")) } th { (l.t("要求", "Required")) } th { (l.t("改动后", "After")) } }
                @for c in &p.conditions {
                    tr {
                        td { (w::condition(l, &c.condition)) }
                        td { (fig(c.current)) }
                        td { @if c.strict { "> " } @else if matches!(c.condition, tianping_core::distance::Condition::BelowLevel) { "≤ " } @else { "≥ " } (fig(c.required)) }
                        td { (fig(c.after)) }
                    }
                }
            } }
        }
        @if !p.changes.is_empty() {
            div.tablewrap { table data-testid="gap-changes" {
                tr {
                    th { (l.t("指标", "Indicator")) } th { (l.t("现答案", "Now")) } th { (l.t("目标答案", "Target")) }
                    th { (l.t("做法", "What to do")) } th { (l.t("总分及条件的变化", "Effect on the total and conditions")) } th { (l.t("依据", "Guidance")) }
                }
                @for c in &p.changes[..shown] {
                    tr {
                        td { (w::indicator(c)) }
                        td { @match c.from { Some(f) => { (fig(f)) @if !c.from_counted { " " span.muted { (l.t("（未核实）", "(unverified)")) } } } None => { span.muted { (l.t("未答", "unanswered")) } } } }
                        td { b { (w::answer(l, c.kind, c.to)) } }
                        td {
                            (w::action(l, c.action))
                            @if let Some(t) = &c.through { br; span.muted { (w::through(l, t)) } }
                        }
                        td {
                            "+" (fig(c.total))
                            @for e in c.effects.iter().filter(|e| !matches!(e.condition, tianping_core::distance::Condition::Total)) {
                                br; span.muted { (w::condition(l, &e.condition)) " " @if e.delta >= 0.0 { "+" } (fig(e.delta)) }
                            }
                        }
                        td {
                            @for g in c.guidance.iter().take(1) {
                                span.muted { (g.title) "：" } (g.text.join(" "))
                            }
                        }
                    }
                }
            } }
            @if shown < p.changes.len() {
                p.muted { (l.t("另有 ", "And ")) (p.changes.len() - shown) (l.t(" 项改动未列出。", " more changes not listed.")) }
            }
        }
    }
}

/// The result page's 提升建议: the next outcome's plan and, for T11/AII, each dimension's
/// next single star in one line each.
pub(super) fn gap_section(l: Lang, g: &Gap, id: i64) -> Markup {
    html! {
        section.card #gap data-testid="gap" {
            h2 { (l.t("提升建议：距下一等级", "Next level: what it takes")) }
            (plan_table(l, &g.plan, 12))
            @if !g.dimension_plans.is_empty() {
                h3 { (l.t("各维度的下一单项星级", "Each dimension's next single star")) }
                ul { @for p in &g.dimension_plans { li { (w::summary(l, p)) } } }
            }
            p { a href={ "/assessments/" (id) "/what-if" } { (l.t("试算：改动答案看结果（不保存）", "What if: try other answers (nothing is saved)")) } }
        }
    }
}

async fn what_if_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let r = insight_gap::what_if(&st, u, id, &BTreeMap::new(), None).await?;
    render(&ctx, id, &r, &BTreeMap::new())
}

async fn what_if_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Res {
    let u = ctx.user()?;
    let token = f
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    ctx.check_csrf(&token)?;
    // only the fields that differ from the answer shown (`o:` beside `v:`) are changes
    let typed: BTreeMap<String, String> = f
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("v:").map(|i| (i.to_string(), v.clone())))
        .collect();
    let shown: BTreeMap<String, String> = f
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("o:").map(|i| (i.to_string(), v.clone())))
        .collect();
    let changes: BTreeMap<String, Value> = typed
        .iter()
        .filter(|(k, v)| shown.get(*k).map(|o| o.trim()) != Some(v.trim()))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let target = f
        .iter()
        .find(|(k, _)| k == "target")
        .map(|(_, v)| v.as_str());
    let r = insight_gap::what_if(&st, u, id, &changes, target).await?;
    render(&ctx, id, &r, &typed)
}

fn render(ctx: &Ctx, id: i64, r: &WhatIf, typed: &BTreeMap<String, String>) -> Res {
    let l = ctx.lang;
    let plan = &r.plan;
    let stored = &r.stored;
    let body = html! {
        p { a href={ "/assessments/" (id) "/result" } { "← " (l.t("结果与解释", "Result and explanation")) } }
        p.muted { (l.t("在此改动答案只用于试算，不会保存，也不改变评价的结果。", "Answers changed here are only tried: nothing is saved and the assessment's result does not change.")) }
        div #whatif-out aria-live="polite" {
            div.card {
                p { (standing_line(l, &r.gap.current)) }
                @if !r.changed.is_empty() {
                    p.muted { (l.t("已试算改动的指标：", "Answers tried: ")) (r.changed.join(l.t("、", ", "))) }
                }
            }
            (gap_section(l, &r.gap, id))
        }
        form.whatif method="post" action={ "/assessments/" (id) "/what-if" } {
            (csrf(&ctx.csrf))
            div.tablewrap { table {
                tr { th { (l.t("指标", "Indicator")) } th { (l.t("答案", "Answer")) } th { (l.t("满分", "Max")) } }
                @for leaf in &plan.leaves {
                    @let ind = &leaf.ind;
                    @let now = stored.get(&ind.id);
                    @let number = insight_gap::shown_number(now);
                    @let name = ind.path.last().map_or(ind.id.as_str(), String::as_str);
                    tr {
                        td { (ind.serial.as_deref().unwrap_or(&ind.id)) " " (name) }
                        td {
                            @if let Some(original) = number {
                                input type="hidden" name={ "o:" (ind.id) } value=(original);
                                input type="text" inputmode="decimal" size="6" name={ "v:" (ind.id) }
                                    aria-label=(name)
                                    value=(typed.get(&ind.id).cloned().unwrap_or(original));
                            } @else {
                                span.muted { (l.t("专家组或问卷评分，此处不能试算", "panel or questionnaire: not tried here")) }
                            }
                        }
                        td { (fig(leaf.answer_max)) }
                    }
                }
            } }
            button { (l.t("试算", "Try")) }
        }
        script src=(whatif_js_href()) defer {}
    };
    Ok(page(
        &ctx.chrome(),
        l.t("试算（不保存）", "What if (nothing saved)"),
        body,
    ))
}
