//! Administration: inviting staff (with the full link to copy), the body's people and
//! invitations (crate::pages::staff), the change requests a body admin decides, and for the
//! system administrator the organisations.

use axum::http::header::HOST;
use axum::http::HeaderMap;
use tianping_app::staff;

use super::identity::request_card;
use super::staff::{done_flash, invitation_list, org_section, DoneQ};
use super::*;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/admin", get(admin_page))
        .route("/admin/invite", post(admin_invite))
        .route("/admin/orgs", post(admin_org))
}

/// What the administration page shows besides its sections: the link of a new invitation,
/// the outcome of a change, a refused form again.
#[derive(Default)]
pub(super) struct AdminShown<'a> {
    typed: Option<&'a InviteInput>,
    errors: BTreeMap<String, String>,
    link: Option<String>,
    done: Option<&'a str>,
}

pub(super) async fn admin_view(st: &App, ctx: &Ctx, shown: AdminShown<'_>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    if !u.principal().administers() {
        return Err(Error::NotFound.into());
    }
    let orgs = match u.role {
        Role::Sysadmin => admin::orgs(st, None).await?,
        _ => Vec::new(),
    };
    let own = match u.org_id {
        Some(o) => Some(staff::of_org(st, u, o).await?),
        None => None,
    };
    let sys_invitations = match u.role {
        Role::Sysadmin => staff::sysadmin_invitations(st, u).await?,
        _ => Vec::new(),
    };
    let requests = tianping_app::identity::pending_for(st, u).await?;
    let requester: Vec<i64> = requests.iter().map(|(r, _)| r.requested_by).collect();
    let names = admin::user_names(st, &requester).await?;
    let e = &shown.errors;
    let body = html! {
        @if let Some(link) = &shown.link { (invitation_link(l, link)) }
        @if let Some(d) = shown.done { (done_flash(l, d)) }
        @if !requests.is_empty() {
            h2 { (l.t("待处理的企业信息变更申请", "Change requests to decide")) }
            @for (r, ent) in &requests {
                div.card {
                    p { a href={ "/enterprises/" (ent.id) } { (ent.name) } }
                    (request_card(l, &ctx.csrf, r, &names, r.requested_by != u.id, false))
                }
            }
        }
        (invite_form(ctx, u, &orgs, shown.typed.unwrap_or(&InviteInput::default()), e))
        @if let Some(o) = &own {
            (org_section(st, ctx, u, o, "/admin"))
        }
        @if u.role == Role::Sysadmin {
            (invitation_list(l, &ctx.csrf, &sys_invitations, &st.stamp_in(0), "/admin"))
            (orgs_section(ctx, &orgs, e))
        }
    };
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(view::page_with(
        status,
        &ctx.chrome(),
        l.t("机构管理", "Administration"),
        body,
    ))
}

/// The new invitation's full link in a read-only field, with a copy button (shown by the
/// copy script; without it the field is selected by hand).
fn invitation_link(l: Lang, link: &str) -> Markup {
    html! {
        div.flash role="status" {
            p {
                (l.t(
                    "邀请已创建。请把这个一次性链接发给对方（7 天内有效）：",
                    "Invitation created. Send this one-time link (valid 7 days):",
                ))
            }
            div.copy {
                label.hide-sm for="invite-link" { (l.t("邀请链接", "Invitation link")) }
                input id="invite-link" type="text" readonly value=(link) data-select-on-focus="";
                button.secondary type="button" data-copy="invite-link" data-done=(l.t("已复制", "Copied")) hidden { (l.t("复制链接", "Copy link")) }
            }
            p.muted { (l.t("链接只显示这一次；如遗失，请撤销后重新邀请。", "The link is shown only now; if it is lost, revoke the invitation and invite again.")) }
        }
        script src=(crate::html::copy_script_href()) {}
    }
}

/// The address people reach the service at: `base_url` when configured, else the scheme and
/// the request's `Host` (https when cookies are marked secure); empty when neither is known.
pub(super) fn base_url(st: &App, headers: &HeaderMap) -> String {
    if let Some(b) = &st.config.base_url {
        return b.clone();
    }
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        });
    match host {
        Some(h) => format!(
            "{}://{}",
            if st.config.secure_cookies {
                "https"
            } else {
                "http"
            },
            h
        ),
        None => String::new(),
    }
}

/// The invitation form: the roles this person may invite and, for the system administrator,
/// the organisation.
fn invite_form(
    ctx: &Ctx,
    u: &User,
    orgs: &[repo::Org],
    t: &InviteInput,
    e: &BTreeMap<String, String>,
) -> Markup {
    let l = ctx.lang;
    let g = |k: &str| e.get(k).map(|s| s.as_str());
    let roles: Vec<(String, String)> = u
        .principal()
        .invitable_roles()
        .unwrap_or(&[])
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                role_label(l, r.as_str()).to_string(),
            )
        })
        .collect();
    let org_options: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(orgs.iter().map(|o| {
            (
                o.id.to_string(),
                format!("{} ({})", o.name, o.kind.label(l)),
            )
        }))
        .collect();
    html! {
        div.card {
            h2 { (l.t("邀请人员", "Invite staff")) }
            form method="post" action="/admin/invite" {
                (view::csrf(&ctx.csrf))
                (view::field(l.t("邮箱", "Email"), "email", "email", &t.email, g("email"), &[("required", "")]))
                (view::field(l.t("姓名", "Name"), "name", "text", &t.name, g("name"), &[]))
                (view::select(l.t("角色", "Role"), "role", &roles, &t.role, g("role")))
                @if u.role == Role::Sysadmin {
                    (view::select(l.t("机构", "Organisation"), "org_id", &org_options, &t.org_id, g("org_id")))
                }
                (form_errors(e, &["email", "name", "role", "org_id", "kind"]))
                p { button { (l.t("邀请", "Invite")) } }
            }
        }
    }
}

/// The bodies and platforms, and the form that creates one (system administrator).
fn orgs_section(ctx: &Ctx, orgs: &[repo::Org], e: &BTreeMap<String, String>) -> Markup {
    let l = ctx.lang;
    let kinds: Vec<(String, String)> = OrgKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label(l).to_string()))
        .collect();
    html! {
        h2 { (l.t("评价机构与平台", "Bodies and platforms")) }
        ul {
            @for o in orgs {
                li { a href={ "/admin/orgs/" (o.id) } { (o.name) } " " span.pill { (o.kind.label(l)) } }
            }
        }
        div.card {
            form method="post" action="/admin/orgs" {
                (view::csrf(&ctx.csrf))
                (view::select(l.t("类型", "Kind"), "kind", &kinds, "body", e.get("kind").map(|s| s.as_str())))
                (view::field(l.t("名称", "Name"), "name", "text", "", None, &[("required", "")]))
                p { button { (l.t("创建", "Create")) } }
            }
        }
    }
}

pub(super) async fn admin_page(State(st): State<App>, ctx: Ctx, Query(q): Query<DoneQ>) -> Res {
    let shown = AdminShown {
        done: q.done.as_deref(),
        ..Default::default()
    };
    admin_view(&st, &ctx, shown).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct InviteForm {
    pub(super) csrf: String,
    #[serde(flatten)]
    pub(super) input: InviteInput,
}

pub(super) async fn admin_invite(
    State(st): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<InviteForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    if !u.principal().administers() {
        return Err(Error::NotFound.into());
    }
    match admin::invite(&st, u, &f.input).await {
        Ok((_, token)) => {
            let link = format!("{}/invite/{}", base_url(&st, &headers), token);
            let shown = AdminShown {
                link: Some(link),
                ..Default::default()
            };
            admin_view(&st, &ctx, shown).await
        }
        Err(Error::Invalid(e)) => {
            let shown = AdminShown {
                typed: Some(&f.input),
                errors: errs_map(ctx.lang, &e),
                ..Default::default()
            };
            admin_view(&st, &ctx, shown).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct OrgForm {
    pub(super) csrf: String,
    pub(super) kind: String,
    pub(super) name: String,
}

pub(super) async fn admin_org(State(st): State<App>, ctx: Ctx, Form(f): Form<OrgForm>) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    if u.role != Role::Sysadmin {
        return Err(Error::NotFound.into());
    }
    match admin::create_org(&st, u, &f.kind, &f.name).await {
        Ok(_) => Ok(redirect("/admin")),
        Err(Error::Invalid(e)) => {
            let shown = AdminShown {
                errors: errs_map(ctx.lang, &e),
                ..Default::default()
            };
            admin_view(&st, &ctx, shown).await
        }
        Err(e) => Err(e.into()),
    }
}
