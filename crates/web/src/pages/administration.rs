//! Administration: people and invitations of a body, organisations, the audit log.

use super::*;

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
    let mut body = String::new();
    if let Some(link) = link {
        let _ = write!(
            body,
            r#"<div class="flash">{} <code>{}</code></div>"#,
            l.t(
                "邀请已创建，请把这个一次性链接发给对方（7 天内有效）：",
                "Invitation created; send this one-time link (valid 7 days):"
            ),
            esc(link)
        );
    }
    let default = InviteInput::default();
    let t = typed.unwrap_or(&default);
    let g = |k: &str| e.get(k).map(|s| s.as_str());
    let roles: Vec<(String, String)> = if u.role == Role::Sysadmin {
        [
            "body_admin",
            "auditor",
            "expert",
            "decider",
            "operator",
            "sysadmin",
        ]
        .iter()
        .map(|r| (r.to_string(), role_label(l, r).to_string()))
        .collect()
    } else {
        Role::BODY
            .iter()
            .map(|r| (r.as_str().to_string(), r.label(l).to_string()))
            .collect()
    };
    let mut org_field = String::new();
    if u.role == Role::Sysadmin {
        let orgs = admin::orgs(st, None).await?;
        let opts: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
            .chain(
                orgs.iter()
                    .map(|o| (o.id.to_string(), format!("{} ({})", o.name, o.kind))),
            )
            .collect();
        org_field = select(
            l.t("机构", "Organisation"),
            "org_id",
            &opts,
            &t.org_id,
            g("org_id"),
        );
    }
    let _ = write!(
        body,
        r#"<div class="card"><h2>{}</h2><form method="post" action="/admin/invite">{}{}{}{}{}{}<p><button>{}</button></p></form></div>"#,
        l.t("邀请人员", "Invite staff"),
        csrf_input(&ctx.csrf),
        field(
            l.t("邮箱", "Email"),
            "email",
            "email",
            &t.email,
            g("email"),
            "required"
        ),
        field(l.t("姓名", "Name"), "name", "text", &t.name, g("name"), ""),
        select(l.t("角色", "Role"), "role", &roles, &t.role, g("role")),
        org_field,
        general_errors(e, &["email", "name", "role", "org_id", "kind"]),
        l.t("邀请", "Invite")
    );
    if let Some(o) = u.org_id {
        let staff = admin::staff(st, u, o).await?;
        let _ = write!(
            body,
            "<h2>{}</h2><div class=tablewrap><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
            l.t("本机构人员", "Staff"),
            l.t("姓名", "Name"),
            l.t("邮箱", "Email"),
            l.t("角色", "Role")
        );
        for s in staff {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&s.name),
                esc(&s.email),
                role_label(l, s.role.as_str())
            );
        }
        body.push_str("</table></div>");
        let invs = admin::invitations(st, u, o).await?;
        if !invs.is_empty() {
            let _ = write!(body, "<h2>{}</h2><ul>", l.t("邀请", "Invitations"));
            for i in invs {
                let _ = write!(
                    body,
                    "<li>{} · {} · {}</li>",
                    esc(&i.email),
                    role_label(l, i.role.as_str()),
                    if i.used_at.is_some() {
                        l.t("已接受", "accepted")
                    } else {
                        l.t("待接受", "open")
                    }
                );
            }
            body.push_str("</ul>");
        }
    }
    if u.role == Role::Sysadmin {
        let orgs = admin::orgs(st, None).await?;
        let _ = write!(
            body,
            "<h2>{}</h2><ul>",
            l.t("评价机构与平台", "Bodies and platforms")
        );
        for o in &orgs {
            let _ = write!(
                body,
                "<li>{} <span class=pill>{}</span></li>",
                esc(&o.name),
                esc(o.kind.as_str())
            );
        }
        body.push_str("</ul>");
        let kinds = vec![
            (
                "body".to_string(),
                l.t("评价机构", "evaluation body").to_string(),
            ),
            ("platform".to_string(), l.t("平台", "platform").to_string()),
        ];
        let _ = write!(
            body,
            r#"<div class="card"><form method="post" action="/admin/orgs">{}{}{}<p><button>{}</button></p></form></div>"#,
            csrf_input(&ctx.csrf),
            select(l.t("类型", "Kind"), "kind", &kinds, "body", g("kind")),
            field(l.t("名称", "Name"), "name", "text", "", None, "required"),
            l.t("创建", "Create")
        );
    }
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(with_status(
        status,
        page(&ctx.chrome(), l.t("机构管理", "Administration"), &body),
    ))
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
    if u.role != Role::Sysadmin {
        return Err(Error::NotFound.into());
    }
    let (report, rows) = admin::audit_log(&st, u, 100).await?;
    let mut body = format!(
        r#"<div class="card"><p>{} {} · {}</p>"#,
        report.entries,
        l.t("条记录", "entries"),
        if report.ok() {
            l.t("哈希链完整", "hash chain intact").to_string()
        } else {
            format!("{} {}", report.problems.len(), l.t("处问题", "problems"))
        }
    );
    for p in &report.problems {
        let _ = write!(body, "<p class=err>#{}: {}</p>", p.seq, esc(&p.message));
    }
    body.push_str("</div>");
    let _ = write!(body, "<div class=tablewrap><table><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", l.t("时间", "When"), l.t("操作人", "Who"), l.t("操作", "Action"), l.t("对象", "Object"));
    for r in rows {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td></tr>",
            r.seq,
            when(&r.at),
            esc(&r.actor),
            esc(&r.action),
            esc(&r.object_type),
            esc(&r.object_id)
        );
    }
    body.push_str("</table></div>");
    Ok(page(&ctx.chrome(), l.t("审计日志", "Audit log"), &body))
}
