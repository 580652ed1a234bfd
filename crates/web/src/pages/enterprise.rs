//! Enterprises: the list, registration by a body, the record with its sites and engagements.

use super::*;

pub(super) fn type_options(st: &App, l: Lang) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), l.t("（未定）", "(not set)").to_string())];
    if let Some(s) = st.star_scheme() {
        v.extend(
            s.variants
                .iter()
                .map(|x| (x.id.clone(), format!("{}（{}）", x.name, x.id))),
        );
    }
    v
}

pub(super) fn category_options(st: &App, l: Lang) -> Vec<(String, String)> {
    let mut v = vec![(
        String::new(),
        l.t("（按行业代码建议）", "(suggest from industry code)")
            .to_string(),
    )];
    if let Some(s) = st.level_scheme() {
        v.extend(
            s.variants
                .iter()
                .map(|x| (x.id.clone(), format!("{}（{}）", x.name, x.id))),
        );
    }
    v
}

pub(super) fn enterprise_fields(
    st: &App,
    l: Lang,
    i: &EnterpriseInput,
    e: &BTreeMap<String, String>,
) -> String {
    let g = |k: &str| e.get(k).map(|s| s.as_str());
    let mut o = String::new();
    o.push_str(&field(
        l.t("统一社会信用代码", "Unified social credit code"),
        "uscc",
        "text",
        &i.uscc,
        g("uscc"),
        r#"maxlength="40" required"#,
    ));
    o.push_str(&field(
        l.t("企业名称", "Name"),
        "name",
        "text",
        &i.name,
        g("name"),
        "required",
    ));
    o.push_str(&field(
        l.t("注册地址", "Registered address"),
        "registered_address",
        "text",
        &i.registered_address,
        g("registered_address"),
        "",
    ));
    o.push_str(&field(
        l.t("经营地址", "Operating address"),
        "operating_address",
        "text",
        &i.operating_address,
        g("operating_address"),
        "",
    ));
    o.push_str(&field(
        l.t("法定代表人", "Legal representative"),
        "legal_representative",
        "text",
        &i.legal_representative,
        g("legal_representative"),
        "",
    ));
    o.push_str(&field(
        l.t(
            "行业代码（GB/T 4754，如 C3511）",
            "Industry code (GB/T 4754, e.g. C3511)",
        ),
        "industry_code",
        "text",
        &i.industry_code,
        g("industry_code"),
        "",
    ));
    o.push_str(&field(
        l.t("从业人数", "Headcount"),
        "headcount",
        "number",
        &i.headcount,
        g("headcount"),
        r#"min="0""#,
    ));
    o.push_str(&select(
        l.t("企业类型（履约能力评价）", "Enterprise type (T11/AII 001)"),
        "enterprise_type",
        &type_options(st, l),
        &i.enterprise_type,
        g("enterprise_type"),
    ));
    o.push_str(&select(
        l.t("企业类别（数字化评价）", "Category (T/SDDITAI 5121)"),
        "category",
        &category_options(st, l),
        &i.category,
        g("category"),
    ));
    o
}

pub(super) const ENTERPRISE_KEYS: &[&str] = &[
    "uscc",
    "name",
    "registered_address",
    "operating_address",
    "legal_representative",
    "industry_code",
    "headcount",
    "enterprise_type",
    "category",
];

pub(super) fn enterprise_table(l: Lang, ents: &[repo::Enterprise]) -> String {
    let mut o = format!(
        r#"<div class="tablewrap"><table><tr><th>{}</th><th>{}</th><th class="hide-sm">{}</th><th class="hide-sm">{}</th></tr>"#,
        l.t("企业", "Enterprise"),
        l.t("统一社会信用代码", "USCC"),
        l.t("行业", "Industry"),
        l.t("人数", "Headcount")
    );
    for e in ents {
        let _ = write!(
            o,
            r#"<tr><td><a href="/enterprises/{}">{}</a></td><td>{}</td><td class="hide-sm">{}</td><td class="hide-sm">{}</td></tr>"#,
            e.id,
            esc(&e.name),
            esc(&e.uscc),
            esc(&e.industry_code),
            e.headcount
        );
    }
    o.push_str("</table></div>");
    o
}

pub(super) async fn enterprises(State(st): State<App>, ctx: Ctx, Query(q): Query<PageQ>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let p = q.page.unwrap_or(1).max(1);
    let (ents, n) = enterprises::list(&st, u, PER_PAGE, (p - 1) * PER_PAGE).await?;
    let mut body = String::new();
    if u.role.is_body_editor() {
        let _ = write!(
            body,
            r#"<p><a class="button" href="/enterprises/new">{}</a></p>"#,
            l.t("登记客户企业", "Register a client enterprise")
        );
    }
    if ents.is_empty() {
        let _ = write!(
            body,
            "<p class=muted>{}</p>",
            l.t("没有可见的企业。", "No enterprises visible to you.")
        );
    } else {
        body.push_str(&enterprise_table(l, &ents));
        body.push_str(&pager(l, "/enterprises", p, PER_PAGE, n));
    }
    Ok(page(&ctx.chrome(), l.t("企业", "Enterprises"), &body))
}

pub(super) fn enterprise_new_form(
    st: &App,
    ctx: &Ctx,
    i: &EnterpriseInput,
    e: &BTreeMap<String, String>,
) -> Response {
    let l = ctx.lang;
    let body = format!(
        r#"<div class="card"><form method="post" action="/enterprises/new">{}{}{}<p><button>{}</button></p></form></div>"#,
        csrf_input(&ctx.csrf),
        general_errors(e, ENTERPRISE_KEYS),
        enterprise_fields(st, l, i, e),
        l.t("登记", "Register")
    );
    page(
        &ctx.chrome(),
        l.t("登记客户企业", "Register a client enterprise"),
        &body,
    )
}

pub(super) async fn enterprise_new(State(st): State<App>, ctx: Ctx) -> Res {
    ctx.user()?;
    Ok(enterprise_new_form(
        &st,
        &ctx,
        &EnterpriseInput::default(),
        &BTreeMap::new(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EnterpriseForm {
    pub(super) csrf: String,
    #[serde(flatten)]
    pub(super) input: EnterpriseInput,
}

pub(super) async fn enterprise_create(
    State(st): State<App>,
    ctx: Ctx,
    Form(f): Form<EnterpriseForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    match enterprises::create(&st, u, &f.input).await {
        Ok(e) => Ok(redirect(&format!("/enterprises/{}", e.id))),
        Err(Error::Invalid(e)) => Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            enterprise_new_form(&st, &ctx, &f.input, &errs_map(ctx.lang, &e)),
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn enterprise_view(
    st: &App,
    ctx: &Ctx,
    id: i64,
    input: Option<&EnterpriseInput>,
    e: &BTreeMap<String, String>,
    welcome: bool,
    site: Option<&SiteInput>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let ent = enterprises::get(st, u, id).await?;
    let mut body = String::new();
    if welcome {
        let _ = write!(
            body,
            r#"<div class="flash">{}</div>"#,
            l.t(
                "注册成功。可以开始自评了。",
                "Signed up. You can start a self-assessment now."
            )
        );
    }
    let editable = u.principal().can_edit_enterprise(ent.id);
    let typed;
    let i = match input {
        Some(i) => i,
        None => {
            typed = enterprises::input_of(&ent);
            &typed
        }
    };
    let suggestion = enterprises::suggest_category(st, &ent.industry_code)
        .map(|(id, name)| format!("{}（{}）", name, id))
        .unwrap_or_else(|| {
            l.t("（无：请填写行业代码）", "(none: enter an industry code)")
                .to_string()
        });
    let _ = write!(
        body,
        r#"<div class="card"><div class="grid"><div><div class="muted">{}</div>{}</div><div><div class="muted">{}</div>{}</div><div><div class="muted">{}</div>{}</div><div><div class="muted">{}</div>{}</div></div><p class="muted">{}：{}</p></div>"#,
        l.t("统一社会信用代码", "USCC"),
        esc(&ent.uscc),
        l.t("行业代码", "Industry code"),
        esc(&ent.industry_code),
        l.t("从业人数", "Headcount"),
        ent.headcount,
        l.t("法定代表人", "Legal representative"),
        esc(&ent.legal_representative),
        l.t(
            "按行业代码建议的数字化评价类别（I-7）",
            "Category suggested from the industry code (I-7)"
        ),
        esc(&suggestion)
    );
    if u.role == Role::Enterprise || u.role.is_body_editor() {
        let _ = write!(
            body,
            r#"<p><a class="button" href="/assessments/new?enterprise={}">{}</a></p>"#,
            ent.id,
            if u.role == Role::Enterprise {
                l.t("新建自评", "New self-assessment")
            } else {
                l.t("新建现场评价", "New on-site assessment")
            }
        );
    }
    let (asses, _) = assessments::list(st, u, Some(ent.id), 50, 0).await?;
    let _ = write!(body, "<h2>{}</h2>", l.t("评价", "Assessments"));
    body.push_str(&assessment_table(l, st, &asses).await?);
    // sites
    let sites = enterprises::sites(st, u, ent.id).await?;
    let _ = write!(body, "<h2>{}</h2><div class=tablewrap><table><tr><th>{}</th><th>{}</th><th>{}</th><th></th></tr>", l.t("场所", "Sites"), l.t("名称", "Name"), l.t("地址", "Address"), l.t("人数", "Headcount"));
    for s in &sites {
        let del = if editable {
            format!(
                r#"<form method="post" action="/enterprises/{}/sites/{}/delete">{}<button class="danger">{}</button></form>"#,
                ent.id,
                s.id,
                csrf_input(&ctx.csrf),
                l.t("删除", "Delete")
            )
        } else {
            String::new()
        };
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.name),
            esc(&s.address),
            s.headcount,
            del
        );
    }
    body.push_str("</table></div>");
    if editable {
        let _ = write!(
            body,
            r#"<details{}><summary>{}</summary><form method="post" action="/enterprises/{}/sites">{}{}{}{}<p><button>{}</button></p></form></details>"#,
            if site.is_some() { " open" } else { "" },
            l.t("添加场所", "Add a site"),
            ent.id,
            csrf_input(&ctx.csrf),
            field(
                l.t("名称", "Name"),
                "name",
                "text",
                site.map(|s| s.name.as_str()).unwrap_or(""),
                e.get("site_name").map(|s| s.as_str()),
                "required"
            ),
            field(
                l.t("地址", "Address"),
                "address",
                "text",
                site.map(|s| s.address.as_str()).unwrap_or(""),
                e.get("site_address").map(|s| s.as_str()),
                ""
            ),
            field(
                l.t("人数", "Headcount"),
                "headcount",
                "number",
                site.map(|s| s.headcount.as_str()).unwrap_or("0"),
                e.get("site_headcount").map(|s| s.as_str()),
                r#"min="0""#
            ),
            l.t("添加", "Add")
        );
    }
    // engagements
    let orgs = enterprises::engaged_orgs(st, u, ent.id).await?;
    let _ = write!(
        body,
        "<h2>{}</h2><ul>",
        l.t("委托的评价机构与授权的平台", "Engaged bodies and platforms")
    );
    for o in &orgs {
        let _ = write!(
            body,
            "<li>{} <span class=pill>{}</span></li>",
            esc(&o.name),
            if o.kind == OrgKind::Body {
                l.t("评价机构", "body")
            } else {
                l.t("平台", "platform")
            }
        );
    }
    body.push_str("</ul>");
    if u.role == Role::Enterprise && u.enterprise_id == Some(ent.id) {
        let all = admin::orgs(st, None).await?;
        let opts: Vec<(String, String)> = all
            .iter()
            .filter(|o| !orgs.iter().any(|x| x.id == o.id))
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect();
        if !opts.is_empty() {
            let _ = write!(
                body,
                r#"<form method="post" action="/enterprises/{}/engage" class="inline">{}{}<button>{}</button></form>"#,
                ent.id,
                csrf_input(&ctx.csrf),
                select(
                    l.t("委托/授权", "Engage"),
                    "org_id",
                    &opts,
                    "",
                    e.get("org_id").map(|s| s.as_str())
                ),
                l.t("确认", "Confirm")
            );
        }
    }
    if editable {
        let _ = write!(
            body,
            r#"<h2>{}</h2><div class="card"><form method="post" action="/enterprises/{}">{}{}{}<p><button>{}</button></p></form></div>"#,
            l.t("登记信息", "Registration details"),
            ent.id,
            csrf_input(&ctx.csrf),
            general_errors(
                e,
                &[
                    ENTERPRISE_KEYS,
                    &["org_id", "site_name", "site_address", "site_headcount"]
                ]
                .concat()
            ),
            enterprise_fields(st, l, i, e),
            l.t("保存", "Save")
        );
    }
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(with_status(status, page(&ctx.chrome(), &ent.name, &body)))
}

pub(super) async fn enterprise_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<PageQ>,
) -> Res {
    enterprise_view(
        &st,
        &ctx,
        id,
        None,
        &BTreeMap::new(),
        q.welcome.is_some(),
        None,
    )
    .await
}

pub(super) async fn enterprise_update(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<EnterpriseForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    match enterprises::update(&st, u, id, &f.input).await {
        Ok(e) => Ok(redirect(&format!("/enterprises/{}", e.id))),
        Err(Error::Invalid(e)) => {
            enterprise_view(
                &st,
                &ctx,
                id,
                Some(&f.input),
                &errs_map(ctx.lang, &e),
                false,
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SiteForm {
    pub(super) csrf: String,
    #[serde(flatten)]
    pub(super) input: SiteInput,
}

pub(super) async fn site_add(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<SiteForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    match enterprises::add_site(&st, u, id, &f.input).await {
        Ok(_) => Ok(redirect(&format!("/enterprises/{}", id))),
        Err(Error::Invalid(e)) => {
            let e: Vec<FieldError> = e
                .into_iter()
                .map(|x| FieldError::msg(&format!("site_{}", x.field), x.message))
                .collect();
            enterprise_view(
                &st,
                &ctx,
                id,
                None,
                &errs_map(ctx.lang, &e),
                false,
                Some(&f.input),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn site_delete(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, sid)): Ids<(i64, i64)>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    enterprises::delete_site(&st, u, id, sid).await?;
    Ok(redirect(&format!("/enterprises/{}", id)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EngageForm {
    pub(super) csrf: String,
    pub(super) org_id: String,
}

pub(super) async fn engage(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<EngageForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let org: i64 = match f.org_id.parse() {
        Ok(o) => o,
        Err(_) => {
            let mut e = BTreeMap::new();
            e.insert(
                "org_id".into(),
                ctx.lang
                    .t(
                        "请选择评价机构或平台",
                        "Choose an evaluation body or a platform",
                    )
                    .into(),
            );
            return enterprise_view(&st, &ctx, id, None, &e, false, None).await;
        }
    };
    match enterprises::engage(&st, u, id, org).await {
        Ok(()) => Ok(redirect(&format!("/enterprises/{}", id))),
        Err(Error::Invalid(e)) => {
            enterprise_view(&st, &ctx, id, None, &errs_map(ctx.lang, &e), false, None).await
        }
        Err(e) => Err(e.into()),
    }
}
