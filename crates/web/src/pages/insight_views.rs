//! Comparison (004 4.2, DESIGN I-23): an enterprise's results over time (the trend chart, the
//! grade or stars at each point, a note where the scheme or profile version changed, the
//! changes between two results item by item), a result among its peers (percentiles and the
//! group's distribution, shown with at least 5 other enterprises, never naming them), and a
//! body's clients together (their grades and the most common gaps).

use maud::{html, Markup, PreEscaped};
use tianping_app::domain::words::{fig, stars};
use tianping_app::insight::{self, HistoryView, PeersView};
use tianping_app::insight_gap::{self, ClientsView};
use tianping_charts::Chart;
use tianping_insight::peers::{Hidden, MIN_OTHERS};

use super::*;
use crate::view::page;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/enterprises/:id/trend", get(trend_page))
        .route("/assessments/:id/peers", get(peers_page))
        .route("/orgs/:id/clients", get(clients_page))
}

fn figure(c: &Chart) -> Markup {
    html! {
        figure.chart data-chart=(c.kind.id()) {
            (PreEscaped(&c.svg))
            figcaption.muted { (c.summary) }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TrendQ {
    scheme: String,
    variant: Option<String>,
    a: Option<i64>,
    b: Option<i64>,
}

async fn trend_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<TrendQ>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let pair = q.a.zip(q.b);
    let v = insight::history(&st, u, id, &q.scheme, q.variant.as_deref(), pair, l).await?;
    let title = format!(
        "{} · {}",
        v.enterprise,
        l.t("历次结果趋势", "results over time")
    );
    Ok(page(&ctx.chrome(), &title, trend_body(l, &v)))
}

fn trend_body(l: Lang, v: &HistoryView) -> Markup {
    let q = |a: i64, b: i64| {
        format!(
            "/enterprises/{}/trend?scheme={}&variant={}&a={}&b={}",
            v.enterprise_id,
            crate::html::url_enc(&v.scheme),
            crate::html::url_enc(v.variant.as_deref().unwrap_or("")),
            a,
            b
        )
    };
    html! {
        p { a href={ "/enterprises/" (v.enterprise_id) } { "← " (v.enterprise) } }
        p.muted { (v.scheme_name) @if let Some(x) = &v.variant { " · " (x) } }
        @if v.variants.len() > 1 {
            p { (l.t("其他类别：", "Other categories: "))
                @for x in v.variants.iter().flatten().filter(|x| Some(*x) != v.variant.as_ref()) {
                    a href={ "/enterprises/" (v.enterprise_id) "/trend?scheme=" (crate::html::url_enc(&v.scheme)) "&variant=" (crate::html::url_enc(x)) } { (x) } " "
                }
            }
        }
        @if v.stops.is_empty() {
            p.muted data-testid="trend-empty" { (l.t("尚无已评分的结果。", "No scored result yet.")) }
        }
        @if let Some(c) = &v.chart { (figure(c)) }
        @if !v.stops.is_empty() {
            div.tablewrap { table data-testid="trend" {
                tr { th { (l.t("日期", "Date")) } th { (l.t("评价", "Assessment")) } th { (l.t("方式", "Mode")) } th { (l.t("总分", "Total")) } th { (l.t("等级或星级", "Grade or stars")) } }
                @for (i, (s, p)) in v.stops.iter().zip(&v.timeline.points).enumerate() {
                    @if let Some(n) = v.timeline.notes.iter().find(|n| n.at == i) {
                        tr.note { td colspan="5" {
                            span.pill.warn { (l.t("版本变化", "Version change")) } " "
                            @if n.scheme_changed { (l.t("方案版本由 ", "Scheme version ")) code { (short(&n.from_version)) } (l.t(" 变为 ", " → ")) code { (short(&n.to_version)) } (l.t("；", "; ")) }
                            @if n.profile_changed { (l.t("配置（权重或剔除项）变化；", "profile (weights or exclusions) changed; ")) }
                            (l.t("前后得分的口径不同。", "the figures either side are not measured alike."))
                        } }
                    }
                    tr {
                        td { (s.date) }
                        td { a href={ "/assessments/" (s.assessment_id) "/result" } { "#" (s.assessment_id) " " (s.title) } }
                        td { (s.mode) }
                        td { (fig(p.total)) " / " (fig(p.scale)) }
                        td { (p.grade.as_deref().unwrap_or("—")) @if let Some(n) = p.stars { " " (stars(l, n)) } }
                    }
                }
            } }
        }
        @if let Some((a, b)) = v.compared {
            h2 { (l.t("两次结果的逐项变化", "Item changes between two results")) }
            p.muted { "#" (a) " → #" (b) }
            @if v.stops.len() > 2 {
                p { (l.t("比较其他两次：", "Compare others: "))
                    @for w in v.stops.windows(2) {
                        a href=(q(w[0].assessment_id, w[1].assessment_id)) { (w[0].date) "→" (w[1].date) } " "
                    }
                }
            }
            @if v.changes.is_empty() {
                p.muted { (l.t("两次结果的各项得分相同。", "Every item earned the same in both.")) }
            } @else {
                div.tablewrap { table data-testid="changes" {
                    tr { th { (l.t("指标", "Indicator")) } th { (l.t("答案", "Answer")) } th { (l.t("得分", "Earned")) } th { (l.t("原因", "Why")) } }
                    @for c in &v.changes {
                        tr {
                            td { (c.indicator) " " (c.name) }
                            td { (c.from.map_or("—".into(), fig)) " → " (c.to.map_or("—".into(), fig)) }
                            td { (fig(c.earned_from)) " → " (fig(c.earned_to)) }
                            td { (c.reason.words(l)) }
                        }
                    }
                } }
            }
        }
    }
}

fn short(s: &str) -> &str {
    s.char_indices().nth(12).map_or(s, |(i, _)| &s[..i])
}

async fn peers_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let v = insight::peers(&st, u, id, l).await?;
    Ok(page(
        &ctx.chrome(),
        l.t("与同类企业比较", "Compared with peers"),
        peers_body(l, &v),
    ))
}

fn peers_body(l: Lang, v: &PeersView) -> Markup {
    html! {
        p { a href={ "/assessments/" (v.assessment_id) "/result" } { "← " (l.t("结果与解释", "Result and explanation")) } }
        p.muted {
            (l.t("同类企业：同一方案、类别和评价方式，国民经济行业门类 ", "Peers: the same scheme, category and mode, GB/T 4754 section "))
            (v.section.map_or("—".to_string(), |c| c.to_string()))
            (l.t("，每家企业取最近一次结果；不显示任何企业的名称。", "; each enterprise's latest result; no enterprise is named."))
        }
        @match v.hidden {
            Some(Hidden::TooFewPeers { others }) => {
                p.card data-testid="peers-hidden" {
                    @match l {
                        Lang::Zh => { "同类企业只有 " (others) " 家（至少需要 " (MIN_OTHERS) " 家其他企业），为保护各企业的信息，暂不显示比较。" }
                        Lang::En => { "Only " (others) " other enterprises are in the group (at least " (MIN_OTHERS) " are needed): to protect them, no comparison is shown." }
                    }
                    @if v.section.is_none() { " " (l.t("本企业未填写有效的行业代码。", "This enterprise has no valid industry code.")) }
                }
            }
            None => {
                @if let Some(t) = &v.total {
                    div.card data-testid="peers" {
                        p { (l.t("总分 ", "Total ")) b { (fig(v.own_total)) } }
                        p.big data-testid="percentile" {
                            @match l {
                                Lang::Zh => { "高于或等于同类企业中的 " (t.percentile) "%" }
                                Lang::En => { "At or above " (t.percentile) "% of the group" }
                            }
                        }
                        p.muted { (l.t("组内企业 ", "Enterprises in the group: ")) (t.group) (l.t(" 家（含本企业）；中位数 ", " (this one included); median ")) (fig(t.median)) }
                    }
                }
                @if !v.parts.is_empty() {
                    div.tablewrap { table {
                        tr { th { (l.t("维度或类别", "Dimension or category")) } th { (l.t("本企业", "This enterprise")) } th { (l.t("百分位", "Percentile")) } th { (l.t("组中位数", "Median")) } }
                        @for p in &v.parts {
                            tr {
                                td { (p.name) }
                                td { (fig(p.value)) }
                                td { @if let Some(s) = &p.standing { (s.percentile) "%" } @else { "—" } }
                                td { @if let Some(s) = &p.standing { (fig(s.median)) } @else { "—" } }
                            }
                        }
                    } }
                }
                @if let Some(c) = &v.chart { (figure(c)) }
                @if !v.outcomes.is_empty() {
                    p { (l.t("组内等级或星级分布：", "Grades or stars in the group: "))
                        @for (o, n) in &v.outcomes { (o) " × " (n) "　" }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ClientsQ {
    scheme: String,
}

async fn clients_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<ClientsQ>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    if !u.principal().sees_clients_of(id) {
        return Err(Error::NotFound.into());
    }
    let v = if q.scheme.is_empty() {
        None
    } else {
        Some(insight_gap::clients(&st, u, id, &q.scheme, l).await?)
    };
    let schemes: Vec<(String, String)> = st
        .catalog
        .schemes
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    Ok(page(
        &ctx.chrome(),
        l.t("客户结果分布与常见差距", "Clients' results and common gaps"),
        clients_body(l, id, &schemes, v.as_ref()),
    ))
}

fn clients_body(
    l: Lang,
    org: i64,
    schemes: &[(String, String)],
    v: Option<&ClientsView>,
) -> Markup {
    html! {
        form method="get" action={ "/orgs/" (org) "/clients" } {
            label { (l.t("评价方案 ", "Scheme ")) select name="scheme" {
                @for (id, name) in schemes {
                    option value=(id) selected[v.is_some_and(|v| v.scheme == *id)] { (name) }
                }
            } }
            " " button { (l.t("查看", "Show")) }
        }
        @if let Some(v) = v {
            p { (l.t("有已评分结果的客户：", "Clients with a scored result: ")) b data-testid="clients" { (v.clients) } }
            @if let Some(c) = &v.chart { (figure(c)) }
            @if !v.outcomes.is_empty() {
                div.tablewrap { table data-testid="outcomes" {
                    tr { th { (l.t("等级或星级", "Grade or stars")) } th { (l.t("客户数", "Clients")) } }
                    @for (o, n) in &v.outcomes { tr { td { (o) } td { (n) } } }
                } }
            }
            h2 { (l.t("最常见的差距", "Most common gaps")) }
            p.muted { (l.t("各客户距下一等级的最少改动中最常出现的指标。", "The indicators found most often in the clients' plans to their next level.")) }
            @if v.common_gaps.is_empty() {
                p.muted { (l.t("暂无。", "None yet.")) }
            } @else {
                div.tablewrap { table data-testid="common-gaps" {
                    tr { th { (l.t("指标", "Indicator")) } th { (l.t("涉及客户数", "Clients")) } }
                    @for g in &v.common_gaps { tr { td { (g.indicator) " " (g.name) } td { (g.clients) } } }
                } }
            }
        }
    }
}
