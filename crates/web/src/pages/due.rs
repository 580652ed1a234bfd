//! The due list across the cases a person sees (a body's staff: their body's), as of today
//! or `?as_of=`: overdue first, then by date; each with the case, its rule's clause and what
//! is to be done.

use tianping_app::cases;

use super::case_page::due_cells;
use super::cases::parse_date;
use super::*;
use crate::view::page;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/due", get(due_page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DueQ {
    as_of: Option<String>,
}

async fn due_page(State(st): State<App>, ctx: Ctx, Query(q): Query<DueQ>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let today = cases::today(&st);
    let typed = q.as_of.as_deref().filter(|s| !s.trim().is_empty());
    let as_of = typed.and_then(parse_date).unwrap_or(today);
    let rows = cases::due(&st, u, as_of).await?;
    let (overdue, pending): (Vec<_>, Vec<_>) = rows.iter().partition(|r| r.due.overdue);
    let group = |title: &str, list: &[&cases::DueRow]| {
        html! {
            @if !list.is_empty() {
                h2 { (title) " (" (list.len()) ")" }
                div.tablewrap {
                    table {
                        tr {
                            th { (l.t("企业", "Enterprise")) } th { (l.t("事项", "What")) }
                            th { (l.t("期限", "Due")) } th { (l.t("条款", "Clause")) }
                            th { (l.t("说明", "Details")) }
                        }
                        @for r in list {
                            tr.bad[r.due.overdue] {
                                td { a href={ "/cases/" (r.case.id) } { (r.case.enterprise_name) } }
                                (due_cells(l, &r.due))
                            }
                        }
                    }
                }
            }
        }
    };
    let body = html! {
        @if typed.is_some() && typed.and_then(parse_date).is_none() {
            div.flash.bad role="alert" { (l.t("日期格式应为 YYYY-MM-DD；显示的是今天的待办。", "Dates are written YYYY-MM-DD; showing today.")) }
        }
        form.inline method="get" action="/due" {
            label for="f-as_of" { (l.t("查看日期", "As of")) }
            input #f-as_of type="date" name="as_of" value=(as_of);
            button.secondary { (l.t("查看", "Show")) }
            @if as_of != today { a href="/due" { (l.t("回到今天", "Back to today")) } }
            " "
            a href={ "/due.xlsx?as_of=" (as_of) } { (l.t("导出 Excel", "Export to Excel")) }
        }
        @if rows.is_empty() {
            p.muted { (l.t("没有到期或逾期的事项。", "Nothing due or overdue.")) }
        }
        (group(l.t("已逾期", "Overdue"), &overdue))
        (group(l.t("待办", "Due"), &pending))
    };
    let title = format!("{} · {}", l.t("待办", "Due"), as_of);
    Ok(page(&ctx.chrome(), &title, body))
}
