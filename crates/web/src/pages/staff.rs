//! Staff management pages: an organisation's people with their controls (deactivate,
//! reactivate, change role) and its invitations (revoke), for body admins (their body) and the
//! system administrator (every organisation, `/admin/orgs/{id}`).

use tianping_app::domain::staff::roles_for;
use tianping_app::staff::{self, OrgStaff};

use super::*;
use crate::view::page;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/admin/orgs/:id", get(org_page))
        .route("/admin/staff/:id", post(staff_post))
        .route("/admin/invitations/:id/revoke", post(revoke_post))
}

/// The flash after a change (`?done=` on the administration pages).
pub(super) fn done_flash(l: Lang, done: &str) -> Markup {
    let text = match done {
        "deactivated" => l.t(
            "已停用该账号：它不能再登录，已登录的会话和 API 令牌立即失效。",
            "Account deactivated: it cannot sign in, and its sessions and API tokens stop working at once.",
        ),
        "reactivated" => l.t("已恢复该账号。", "Account reactivated."),
        "role" => l.t("已变更角色。", "Role changed."),
        "revoked" => l.t("已撤销邀请，链接不再可用。", "Invitation revoked; its link no longer works."),
        _ => return html! {},
    };
    html! { div.flash role="status" { (text) } }
}

/// An organisation's people and invitations with the controls of the person managing them;
/// `back` is the page the forms return to.
pub(super) fn org_section(st: &App, ctx: &Ctx, me: &User, o: &OrgStaff, back: &str) -> Markup {
    let l = ctx.lang;
    let token = ctx.csrf.as_str();
    let roles: Vec<(String, String)> = roles_for(o.org.kind)
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                role_label(l, r.as_str()).to_string(),
            )
        })
        .collect();
    let now = st.stamp_in(0);
    let body = o.org.kind == OrgKind::Body;
    html! {
        h2 { (l.t("人员", "Staff")) " · " (o.org.name) }
        @if body {
            p {
                a href={ "/admin/orgs/" (o.org.id) "/people" } {
                    (l.t("人员能力与审核员资格、利益冲突声明", "Competence, qualified auditors and conflicts of interest"))
                }
            }
        }
        div.tablewrap {
            table {
                tr {
                    th { (l.t("姓名", "Name")) } th { (l.t("邮箱", "Email")) }
                    th { (l.t("角色", "Role")) } th { (l.t("状态", "Status")) } th { (l.t("操作", "Actions")) }
                }
                @for s in &o.staff {
                    tr {
                        td {
                            @if body { a href={ "/people/" (s.id) } { (s.name) } } @else { (s.name) }
                            @if s.id == me.id { " " span.muted { (l.t("（你）", "(you)")) } }
                        }
                        td { (s.email) }
                        td { (role_label(l, s.role.as_str())) }
                        td {
                            @if s.disabled != 0 { span.pill.warn { (l.t("已停用", "Deactivated")) } }
                            @else { span.pill.ok { (l.t("在用", "Active")) } }
                        }
                        td {
                            form.inline method="post" action={ "/admin/staff/" (s.id) } {
                                (view::csrf(token))
                                input type="hidden" name="back" value=(back);
                                input type="hidden" name="action" value="role";
                                label.hide-sm for={ "role-" (s.id) } { (l.t("角色", "Role")) }
                                select id={ "role-" (s.id) } name="role" {
                                    @for (v, t) in &roles {
                                        option value=(v) selected[*v == s.role.as_str()] { (t) }
                                    }
                                }
                                button.secondary { (l.t("变更角色", "Change role")) }
                            }
                            @if s.id != me.id {
                                form.inline method="post" action={ "/admin/staff/" (s.id) } {
                                    (view::csrf(token))
                                    input type="hidden" name="back" value=(back);
                                    @if s.disabled != 0 {
                                        input type="hidden" name="action" value="reactivate";
                                        button { (l.t("恢复", "Reactivate")) }
                                    } @else {
                                        input type="hidden" name="action" value="deactivate";
                                        button.danger { (l.t("停用", "Deactivate")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (invitation_list(l, token, &o.invitations, &now, back))
    }
}

/// Invitations with their state; open ones can be revoked.
pub(super) fn invitation_list(
    l: Lang,
    token: &str,
    invitations: &[repo::Invitation],
    now: &str,
    back: &str,
) -> Markup {
    html! {
        @if !invitations.is_empty() {
            h2 { (l.t("邀请", "Invitations")) }
            ul {
                @for i in invitations {
                    li {
                        (i.email) " · " (role_label(l, i.role.as_str())) " · "
                        @if i.used_at.is_some() { (l.t("已接受", "accepted")) }
                        @else if i.revoked_at.is_some() { (l.t("已撤销", "revoked")) }
                        @else if i.expires_at.as_str() <= now { (l.t("已过期", "expired")) }
                        @else {
                            (l.t("待接受，有效期至 ", "open, valid until ")) (when(&i.expires_at)) " "
                            form.inline-form method="post" action={ "/admin/invitations/" (i.id) "/revoke" } {
                                (view::csrf(token))
                                input type="hidden" name="back" value=(back);
                                button.secondary { (l.t("撤销", "Revoke")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DoneQ {
    pub(super) done: Option<String>,
}

/// One organisation's staff and invitations (the system administrator; a body admin for
/// their own body).
pub(super) async fn org_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<DoneQ>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let o = staff::of_org(&st, u, id).await?;
    let back = format!("/admin/orgs/{}", o.org.id);
    let body = html! {
        @if let Some(d) = &q.done { (done_flash(l, d)) }
        p { span.pill { (o.org.kind.label(l)) } " " a href="/admin" { (l.t("返回机构管理", "Back to administration")) } }
        (org_section(&st, &ctx, u, &o, &back))
    };
    Ok(page(&ctx.chrome(), &o.org.name, body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct StaffForm {
    csrf: String,
    action: String,
    role: String,
    back: String,
}

/// The page a form returns to with the outcome.
fn back_to(back: &str, done: &str) -> Response {
    let to = safe_next(Some(back));
    let sep = if to.contains('?') { '&' } else { '?' };
    redirect(&format!("{to}{sep}done={done}"))
}

pub(super) async fn staff_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<StaffForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    if !u.principal().administers() {
        return Err(Error::NotFound.into());
    }
    let change = staff::parse_change(&f.action, &f.role)?;
    staff::change(&st, u, id, change).await?;
    let done = match f.action.as_str() {
        "deactivate" => "deactivated",
        "reactivate" => "reactivated",
        _ => "role",
    };
    Ok(back_to(&f.back, done))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RevokeForm {
    csrf: String,
    back: String,
}

pub(super) async fn revoke_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<RevokeForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    staff::revoke_invitation(&st, u, id).await?;
    Ok(back_to(&f.back, "revoked"))
}
