//! The inbox: the signed-in person's own notifications, newest first, marked read one by one
//! or all at once.

use tianping_app::notify::{self, Item};

use super::*;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/read-all", post(read_all))
        .route("/inbox/:id/read", post(read_one))
}

fn item(l: Lang, csrf: &str, n: &Item) -> Markup {
    let (title, detail) = match &n.notice {
        Some(x) => (x.title(l), x.detail(l)),
        None => (n.kind.label(l).to_string(), String::new()),
    };
    html! {
        div.notice.unread[n.read_at.is_none()] {
            div.what {
                @if n.read_at.is_none() {
                    span.pill.warn { (l.t("未读", "Unread")) } " "
                }
                b { (title) }
                @if !detail.is_empty() { br; span.muted { (detail) } }
                br;
                span.muted { (when(&n.created_at)) }
            }
            div.inline {
                a.button href=(n.link) { (l.t("查看", "Open")) }
                @if n.read_at.is_none() {
                    form.inline-form method="post" action={ "/inbox/" (n.id) "/read" } {
                        (view::csrf(csrf))
                        button.secondary { (l.t("标为已读", "Mark read")) }
                    }
                }
            }
        }
    }
}

pub(super) async fn inbox(State(st): State<App>, ctx: Ctx, Query(q): Query<PageQ>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let p = q.page.unwrap_or(1).max(1);
    let (items, n) = notify::inbox(&st, u, PER_PAGE, (p - 1) * PER_PAGE).await?;
    let body = html! {
        div.card {
            @if ctx.unread > 0 {
                form.inline method="post" action="/inbox/read-all" {
                    (view::csrf(&ctx.csrf))
                    span.muted { (ctx.unread) " " (l.t("条未读", "unread")) }
                    button.secondary { (l.t("全部标为已读", "Mark all read")) }
                }
            }
            @if items.is_empty() {
                p.muted { (l.t("还没有消息。", "No notifications yet.")) }
            }
            @for it in &items {
                (item(l, &ctx.csrf, it))
            }
        }
        (view::pager(l, "/inbox", p, PER_PAGE, n))
    };
    Ok(view::page(&ctx.chrome(), l.t("消息", "Inbox"), body))
}

pub(super) async fn read_one(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    notify::mark_read(&st, u, id).await?;
    Ok(redirect("/inbox"))
}

pub(super) async fn read_all(State(st): State<App>, ctx: Ctx, Form(f): Form<CsrfForm>) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    notify::mark_all_read(&st, u).await?;
    Ok(redirect("/inbox"))
}
