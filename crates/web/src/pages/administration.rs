//! Administration: people and invitations of a body, organisations, the audit log.

use super::*;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/admin", get(admin_page))
        .route("/admin/invite", post(admin_invite))
        .route("/admin/orgs", post(admin_org))
        .route("/audit", get(audit_page))
}

pub(super) async fn admin_view(
    st: &App,
    ctx: &Ctx,
    typed: Option<&InviteInput>,
    e: &BTreeMap<String, String>,
    link: Option<&str>,
) -> Res {
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
        Some(o) => Some((
            admin::staff(st, u, o).await?,
            admin::invitations(st, u, o).await?,
        )),
        None => None,
    };
    let body = html! {
        @if let Some(link) = link {
            div.flash {
                (l.t(
                    "邀请已创建，请把这个一次性链接发给对方（7 天内有效）：",
                    "Invitation created; send this one-time link (valid 7 days):",
                )) " "
                code { (link) }
            }
        }
        (invite_form(ctx, u, &orgs, typed.unwrap_or(&InviteInput::default()), e))
        @if let Some((staff, invitations)) = &own {
            (staff_list(l, staff, invitations))
        }
        @if u.role == Role::Sysadmin {
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

/// The people of the administrator's organisation and its invitations.
fn staff_list(l: Lang, staff: &[User], invitations: &[repo::Invitation]) -> Markup {
    html! {
        h2 { (l.t("本机构人员", "Staff")) }
        div.tablewrap {
            table {
                tr { th { (l.t("姓名", "Name")) } th { (l.t("邮箱", "Email")) } th { (l.t("角色", "Role")) } }
                @for s in staff {
                    tr { td { (s.name) } td { (s.email) } td { (role_label(l, s.role.as_str())) } }
                }
            }
        }
        @if !invitations.is_empty() {
            h2 { (l.t("邀请", "Invitations")) }
            ul {
                @for i in invitations {
                    li {
                        (i.email) " · " (role_label(l, i.role.as_str())) " · "
                        @if i.used_at.is_some() { (l.t("已接受", "accepted")) } @else { (l.t("待接受", "open")) }
                    }
                }
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
                li { (o.name) " " span.pill { (o.kind.label(l)) } }
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

pub(super) async fn admin_page(State(st): State<App>, ctx: Ctx) -> Res {
    admin_view(&st, &ctx, None, &BTreeMap::new(), None).await
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
    Form(f): Form<InviteForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    if !u.principal().administers() {
        return Err(Error::NotFound.into());
    }
    match admin::invite(&st, u, &f.input).await {
        Ok((_, token)) => {
            admin_view(
                &st,
                &ctx,
                None,
                &BTreeMap::new(),
                Some(&format!("/invite/{}", token)),
            )
            .await
        }
        Err(Error::Invalid(e)) => {
            admin_view(&st, &ctx, Some(&f.input), &errs_map(ctx.lang, &e), None).await
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
        Err(Error::Invalid(e)) => admin_view(&st, &ctx, None, &errs_map(ctx.lang, &e), None).await,
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn audit_page(State(st): State<App>, ctx: Ctx) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (report, rows) = admin::audit_log(&st, u, 100).await?;
    let body = html! {
        div.card {
            p {
                (report.entries) " " (l.t("条记录", "entries")) " · "
                @if report.ok() {
                    (l.t("哈希链完整", "hash chain intact"))
                } @else {
                    (report.problems.len()) " " (l.t("处问题", "problems"))
                }
            }
            @for p in &report.problems {
                p.err { "#" (p.seq) ": " (p.message) }
            }
        }
        div.tablewrap {
            table {
                tr {
                    th { "#" } th { (l.t("时间", "When")) } th { (l.t("操作人", "Who")) }
                    th { (l.t("操作", "Action")) } th { (l.t("对象", "Object")) }
                }
                @for r in &rows {
                    tr {
                        td { (r.seq) } td { (when(&r.at)) } td { (r.actor) } td { (r.action) }
                        td { (r.object_type) " " (r.object_id) }
                    }
                }
            }
        }
    };
    Ok(view::page(
        &ctx.chrome(),
        l.t("审计日志", "Audit log"),
        body,
    ))
}
