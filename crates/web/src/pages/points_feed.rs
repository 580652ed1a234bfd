//! The SME service-quality figures from the service-cloud points on an assessment (seed 002
//! 附件2 服务成效, DESIGN I-15, 002-L3): a section of the assessment page with each mapped
//! indicator's points and coefficient from the enterprise's shop ledger and, for the body's
//! staff on a draft, the button “从服务云积分导入”; the trace page with the rules and events
//! behind each figure, and after an import what became of each answer.

use maud::{html, Markup};
use tianping_app::sme_feed::{self, Item, Preview};

use super::nav::item_label;
use super::*;
use crate::view::{csrf, page};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route(
        "/assessments/:id/points-feed",
        get(trace_page).post(import_post),
    )
}

/// The assessment page's section (empty when the scheme takes nothing from the ledger).
pub(super) async fn section(
    st: &App,
    l: Lang,
    token: &str,
    u: &User,
    a: &repo::Assessment,
) -> Result<Markup, Error> {
    let Some(p) = sme_feed::preview(st, u, a.id).await? else {
        return Ok(html! {});
    };
    let scheme = assessments::plan(st, a)?.scheme;
    Ok(html! {
        div.card.points-feed {
            h2 { (l.t("服务云积分（服务成效）", "Service-cloud points (服务成效)")) }
            (source_line(l, &p))
            div.tablewrap { table {
                tr {
                    th { (l.t("指标", "Item")) } th { (l.t("积分", "Points")) }
                    th { (l.t("满分基准", "Full at")) } th { (l.t("系数", "Coefficient")) }
                    th { (l.t("依据事件", "Events")) }
                    th { (l.t("当前答案", "Answer now")) }
                }
                @for (f, c) in p.figures.iter().zip(&p.current) {
                    tr data-indicator=(f.indicator) {
                        td { @match scheme.indicator(&f.indicator) { Some(i) => { a href=(item_url(a.id, &f.indicator)) { (item_label(i)) } } None => { (f.indicator) } } }
                        td.num { (f.points) } td.num { (f.full) } td.num { (f.coefficient) "%" }
                        td.num { (f.keys.len()) }
                        td {
                            @match c {
                                Some(c) if c.platform => { (c.value) "%" small.muted { (l.t("（平台）", " (platform)")) } }
                                Some(c) => { (c.value) "%" small.muted { (l.t("（非平台数据）", " (not platform data)")) } }
                                None => { span.muted { "—" } }
                            }
                        }
                    }
                }
            } }
            p {
                a href={ "/assessments/" (a.id) "/points-feed" } { (l.t("查看每个数据依据的规则和事件", "The rules and events behind each figure")) }
            }
            @if p.may_import && p.platform.is_some() {
                form method="post" action={ "/assessments/" (a.id) "/points-feed" } {
                    (csrf(token))
                    button { (l.t("从服务云积分导入", "Import from the service-cloud points")) }
                    small.muted { (l.t(" 以平台数据写入上述系数；评价机构给出或核验过的答案保留不变（002-L3、I-20）。",
                        " writes the coefficients above as platform data; answers the body gave or verified stay as they are (002-L3, I-20).")) }
                }
            }
        }
    })
}

fn source_line(l: Lang, p: &Preview) -> Markup {
    html! {
        p.muted {
            (l.t("店铺 ", "Shop ")) code { (p.shop) }
            @match &p.platform {
                Some((_, name)) => { " · " (name) }
                None => { " · " (l.t("服务云尚无这个店铺的积分事件", "no service-cloud events of this shop yet")) }
            }
            " · " (l.t("截至 ", "as of ")) (p.as_of.format("%Y-%m-%d %H:%M")) (l.t("（北京时间）", " (Beijing time)"))
            " · " (l.t("规则版本 ", "rules version ")) code { (p.rules_version) }
            " · " (l.t("换算见解释 002-L3", "conversion: interpretation 002-L3"))
        }
    }
}

async fn trace_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    trace_view(&st, &ctx, id, None).await
}

async fn trace_view(st: &App, ctx: &Ctx, id: i64, done: Option<&[Item]>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, _) = assessments::get(st, u, id).await?;
    let p = sme_feed::preview(st, u, id).await?.ok_or(Error::NotFound)?;
    let scheme = assessments::plan(st, &a)?.scheme;
    let body = html! {
        p { a href={ "/assessments/" (a.id) } { "← " (a.title) } }
        @if let Some(items) = done {
            div.card.report {
                h2 { (l.t("导入结果", "Result of the import")) }
                ul {
                    @for i in items {
                        li data-indicator=(i.fed.indicator) data-written=(i.written) {
                            b { (i.fed.indicator) } " " (i.fed.coefficient) "%："
                            @match &i.reason {
                                None => { (l.t("已写入（来源：平台）", "written (source: platform)")) }
                                Some(r) => { (r) }
                            }
                        }
                    }
                }
            }
        }
        (source_line(l, &p))
        @for f in &p.figures {
            div.card.fed data-indicator=(f.indicator) {
                h3 {
                    (f.indicator) " "
                    @if let Some(i) = scheme.indicator(&f.indicator) { (item_label(i)) }
                    " · " (f.coefficient) "%"
                }
                p { (f.points) (l.t(" 分 ÷ 满分基准 ", " points ÷ full at ")) (f.full) (l.t(" 分", " points")) }
                div.tablewrap { table {
                    tr { th { (l.t("规则", "Rule")) } th { (l.t("积分", "Points")) } }
                    @for r in &f.by_rule { tr { td { (r.name) " " small.muted { (r.rule) } } td.num { (r.points) } } }
                } }
                p {
                    (l.t("依据事件 ", "Events behind it: ")) (f.keys.len()) (l.t(" 个", ""))
                    @if !f.keys.is_empty() { "：" }
                    @for (k, key) in f.keys.iter().enumerate() {
                        @if k > 0 { "、" }
                        code { (key) }
                    }
                }
            }
        }
    };
    let title = format!(
        "{} · {}",
        l.t("服务云积分", "Service-cloud points"),
        a.title
    );
    Ok(page(&ctx.chrome(), &title, body))
}

async fn import_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Res {
    ctx.user()?;
    ctx.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    let u = ctx.user()?;
    let items = sme_feed::import(&st, u, id).await?;
    trace_view(&st, &ctx, id, Some(&items)).await
}
