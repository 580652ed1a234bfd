//! A service-cloud shop's points page (seed 002, DESIGN I-14): on each platform that holds
//! its events, the total and level badge, the next level and how far, the caps reached, the
//! points per rule and the history with each event's rule and clause in words. Seen by the
//! shop's enterprise (the shop id is its credit code) and the platform's operators; anyone
//! else gets 404. `/shops` is the operator's overview (`points_ops`) or, for an enterprise
//! member, their own shop.

use maud::{html, Markup};
use tianping_app::points_view::{self, badge, LevelRef, OnPlatform};

use super::*;
use crate::view::page;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/shops", get(shops_home))
        .route("/shops/:shop", get(shop_page))
}

/// The history lines a page shows (newest first); the rest are counted.
const HISTORY: usize = 300;

async fn shops_home(
    State(st): State<App>,
    ctx: Ctx,
    Query(q): Query<super::points_ops::OpsQ>,
) -> Res {
    let u = ctx.user()?;
    match u.role {
        Role::Operator => super::points_ops::overview_page(&st, &ctx, &q, None, None).await,
        Role::Enterprise => match points_view::own_shop(&st, u).await? {
            Some(shop) => Ok(redirect(&format!("/shops/{}", url_enc(&shop)))),
            None => Err(Error::NotFound.into()),
        },
        _ => Err(Error::NotFound.into()),
    }
}

/// "★★★ 3星", or "暂无等级" for none.
pub(super) fn level_badge(l: Lang, level: Option<LevelRef>) -> Markup {
    html! {
        @match level {
            Some(x) => {
                @let (marks, words) = badge(x);
                b.level title=(words) { span aria-hidden="true" { (marks) } " " (words) }
            }
            None => { span.muted { (l.t("暂无等级", "No level")) } }
        }
    }
}

async fn shop_page(State(st): State<App>, ctx: Ctx, Ids(shop): Ids<String>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let v = points_view::shop(&st, u, &shop).await?;
    let body = html! {
        p.muted {
            (l.t("店铺编号（统一社会信用代码）：", "Shop id (credit code): ")) code { (v.shop) }
            @if let Some((id, name)) = &v.enterprise {
                " · " a href={ "/enterprises/" (id) } { (name) }
            }
        }
        @if v.platforms.is_empty() {
            p { (l.t("服务云平台尚未报送这个店铺的积分事件。", "No service-cloud platform has sent points events of this shop yet.")) }
        }
        @for p in &v.platforms { (platform_card(l, p)) }
    };
    let title = format!(
        "{} · {}",
        l.t("店铺积分", "Shop points"),
        v.enterprise
            .as_ref()
            .map_or(v.shop.as_str(), |e| e.1.as_str())
    );
    Ok(page(&ctx.chrome(), &title, body))
}

fn platform_card(l: Lang, p: &OnPlatform) -> Markup {
    let g = &p.progress;
    html! {
        div.card.shop {
            h2 { (p.platform_name) }
            p.total {
                span.points data-points=(g.points) { (g.points) } (l.t(" 分 ", " points "))
                (level_badge(l, g.level))
            }
            p.next {
                @match &g.next {
                    Some(n) => {
                        @let (_, words) = badge(n.level);
                        (l.t("下一等级：", "Next level: ")) b { (words) } "（" (n.printed) (l.t(" 分", " points")) "），"
                        (l.t("还差 ", "missing ")) b.missing { (n.missing) } (l.t(" 分", " points"))
                    }
                    None => { (l.t("已是最高等级。", "Top level reached.")) }
                }
            }
            @for c in &g.caps {
                p.cap[c.reached] {
                    (c.name) "：" (c.points) " / " (c.cap) (l.t(" 分", " points"))
                    @if c.reached { " · " b { (l.t("已达上限", "cap reached")) } }
                }
            }
            p.muted {
                (l.t("截至 ", "As of ")) (p.as_of.format("%Y-%m-%d %H:%M")) (l.t("（北京时间）", " (Beijing time)"))
                " · " (p.events) (l.t(" 个事件", " events")) " · "
                (l.t("规则版本 ", "rules version ")) code { (p.rules_version) }
            }
            @if !p.by_rule.is_empty() {
                h3 { (l.t("各规则积分", "Points per rule")) }
                div.tablewrap { table {
                    tr { th { (l.t("规则", "Rule")) } th { (l.t("积分", "Points")) } }
                    @for (name, pts) in &p.by_rule { tr { td { (name) } td.num { (pts) } } }
                } }
            }
            h3 { (l.t("积分明细", "History")) }
            @if p.history.len() > HISTORY {
                p.muted { (l.t("显示最近 ", "Showing the latest ")) (HISTORY) (l.t(" 条，共 ", " of ")) (p.history.len()) (l.t(" 条。", " lines.")) }
            }
            div.tablewrap { table.history {
                tr {
                    th { (l.t("时间", "Time")) } th { (l.t("事件", "Event")) }
                    th { (l.t("规则", "Rule")) } th { (l.t("积分", "Points")) } th { (l.t("说明", "Note")) }
                }
                @for h in p.history.iter().take(HISTORY) {
                    tr {
                        td { (h.at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8")).format("%Y-%m-%d %H:%M")) }
                        td { (h.event) br; small.muted { (h.key) } }
                        td {
                            @match &h.rule { Some(r) => { (r) } None => { span.muted { "—" } } }
                            @if let Some(c) = &h.clause { br; small.muted { (c) } }
                        }
                        td.num { @if h.points > 0 { "+" } (h.points) }
                        td { (h.note) }
                    }
                }
            } }
            @if !p.rejected.is_empty() {
                h3 { (l.t("未计分的事件", "Events not applied")) }
                ul { @for r in &p.rejected { li { code { (r.key) } " " (r.event) "：" (r.reason) } } }
            }
        }
    }
}
