//! Enterprises: the list, registration by a body, the record with its sites and engagements.

use maud::{html, Markup, Render};
use tianping_core::Scheme;

use super::*;
use crate::view::{csrf, field, page, page_with, pager, select};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/enterprises", get(enterprises))
        .route(
            "/enterprises/new",
            get(enterprise_new).post(enterprise_create),
        )
        .route(
            "/enterprises/:id",
            get(enterprise_page).post(enterprise_update),
        )
        .route("/enterprises/:id/sites", post(site_add))
        .route("/enterprises/:id/sites/:sid/delete", post(site_delete))
        .route("/enterprises/:id/engage", post(engage))
}

/// A variant as people read it: its name in the scheme (`tech-service` → 技术服务类企业);
/// the stored id when the scheme does not know it.
pub(super) fn variant_name<'a>(scheme: Option<&'a Scheme>, id: &'a str) -> &'a str {
    scheme
        .and_then(|s| s.variant(id))
        .map_or(id, |v| v.name.as_str())
}

/// A scheme's variants as select options: the id is sent, the name is shown.
fn variant_options(scheme: Option<&Scheme>, none: &str) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), none.to_string())];
    if let Some(s) = scheme {
        v.extend(s.variants.iter().map(|x| (x.id.clone(), x.name.clone())));
    }
    v
}

pub(super) fn type_options(st: &App, l: Lang) -> Vec<(String, String)> {
    variant_options(st.star_scheme(), l.t("（未定）", "(not set)"))
}

pub(super) fn category_options(st: &App, l: Lang) -> Vec<(String, String)> {
    variant_options(
        st.level_scheme(),
        l.t("（按行业代码建议）", "(suggest from industry code)"),
    )
}

/// The fields of an enterprise's record (registration, sign-up, the record page), each with
/// what was typed and its error.
pub(super) fn enterprise_inputs(
    st: &App,
    l: Lang,
    i: &EnterpriseInput,
    e: &BTreeMap<String, String>,
) -> Markup {
    let g = |k: &str| e.get(k).map(String::as_str);
    let text = |label: &str, name: &str, value: &str, extra: &[(&str, &str)]| {
        field(label, name, "text", value, g(name), extra)
    };
    html! {
        (text(l.t("统一社会信用代码", "Unified social credit code"), "uscc", &i.uscc,
            &[("maxlength", "40"), ("required", "")]))
        (text(l.t("企业名称", "Name"), "name", &i.name, &[("required", "")]))
        (text(l.t("注册地址", "Registered address"), "registered_address",
            &i.registered_address, &[]))
        (text(l.t("经营地址", "Operating address"), "operating_address",
            &i.operating_address, &[]))
        (text(l.t("法定代表人", "Legal representative"), "legal_representative",
            &i.legal_representative, &[]))
        (text(l.t("行业代码（GB/T 4754，如 C3511）", "Industry code (GB/T 4754, e.g. C3511)"),
            "industry_code", &i.industry_code, &[]))
        (field(l.t("从业人数", "Headcount"), "headcount", "number", &i.headcount,
            g("headcount"), &[("min", "0")]))
        (select(l.t("企业类型（履约能力评价）", "Enterprise type (T11/AII 001)"),
            "enterprise_type", &type_options(st, l), &i.enterprise_type, g("enterprise_type")))
        (select(l.t("企业类别（数字化评价）", "Category (T/SDDITAI 5121)"), "category",
            &category_options(st, l), &i.category, g("category")))
    }
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

/// A table of enterprises, each linked to its record.
pub(super) fn enterprise_list(l: Lang, ents: &[repo::Enterprise]) -> Markup {
    html! {
        div.tablewrap {
            table {
                tr {
                    th { (l.t("企业", "Enterprise")) }
                    th { (l.t("统一社会信用代码", "USCC")) }
                    th.hide-sm { (l.t("行业", "Industry")) }
                    th.hide-sm { (l.t("人数", "Headcount")) }
                }
                @for e in ents {
                    tr {
                        td { a href={ "/enterprises/" (e.id) } { (e.name) } }
                        td { (e.uscc) }
                        td.hide-sm { (e.industry_code) }
                        td.hide-sm { (e.headcount) }
                    }
                }
            }
        }
    }
}

pub(super) async fn enterprises(State(st): State<App>, ctx: Ctx, Query(q): Query<PageQ>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let p = q.page.unwrap_or(1).max(1);
    let (ents, n) = enterprises::list(&st, u, PER_PAGE, (p - 1) * PER_PAGE).await?;
    let body = html! {
        @if u.role.is_body_editor() {
            p { a.button href="/enterprises/new" { (l.t("登记客户企业", "Register a client enterprise")) } }
        }
        @if ents.is_empty() {
            p.muted { (l.t("没有可见的企业。", "No enterprises visible to you.")) }
        } @else {
            (enterprise_list(l, &ents))
            (pager(l, "/enterprises", p, PER_PAGE, n))
            p { a href="/enterprises.xlsx" { (l.t("导出全部（Excel）", "Export all (Excel)")) } }
        }
    };
    Ok(page(&ctx.chrome(), l.t("企业", "Enterprises"), body))
}

/// A body's registration form for a client enterprise (`status`: 200, or 422 shown again).
fn enterprise_new_form(
    st: &App,
    ctx: &Ctx,
    i: &EnterpriseInput,
    e: &BTreeMap<String, String>,
    status: StatusCode,
) -> Response {
    let l = ctx.lang;
    let body = html! {
        div.card {
            form method="post" action="/enterprises/new" {
                (csrf(&ctx.csrf))
                (form_errors(e, ENTERPRISE_KEYS))
                (enterprise_inputs(st, l, i, e))
                p { button { (l.t("登记", "Register")) } }
            }
        }
    };
    let title = l.t("登记客户企业", "Register a client enterprise");
    page_with(status, &ctx.chrome(), title, body)
}

/// Only an evaluation body's auditors and admins register client enterprises: everyone else
/// is refused (403) before any form.
pub(super) async fn enterprise_new(State(st): State<App>, ctx: Ctx) -> Res {
    let u = ctx.user()?;
    u.principal().register_enterprise().map_err(Error::from)?;
    Ok(enterprise_new_form(
        &st,
        &ctx,
        &EnterpriseInput::default(),
        &BTreeMap::new(),
        StatusCode::OK,
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
        Err(Error::Invalid(e)) => Ok(enterprise_new_form(
            &st,
            &ctx,
            &f.input,
            &errs_map(ctx.lang, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}

/// What the record page shows besides the stored record: the welcome after sign-up, or a
/// refused form again with what was typed (the record or a site) and the errors by field.
#[derive(Default)]
struct Shown<'a> {
    welcome: bool,
    /// The outcome of a save or of a decision on a change request (`?saved=`).
    saved: Option<&'a str>,
    record: Option<&'a EnterpriseInput>,
    site: Option<&'a SiteInput>,
    errors: BTreeMap<String, String>,
}

impl Shown<'_> {
    fn refused(errors: BTreeMap<String, String>) -> Self {
        Shown {
            errors,
            ..Default::default()
        }
    }
}

/// The record page: the record, its assessments, sites and engagements, and the forms the
/// person may use. 200, or 422 when a form is shown again with its errors.
async fn enterprise_view(st: &App, ctx: &Ctx, id: i64, shown: Shown<'_>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let ent = enterprises::get(st, u, id).await?;
    let editable = u.principal().can_edit_enterprise(ent.id);
    let (asses, _) = assessments::list(st, u, Some(ent.id), 50, 0).await?;
    let sites = enterprises::sites(st, u, ent.id).await?;
    let orgs = enterprises::engaged_orgs(st, u, ent.id).await?;
    let may_engage = u.principal().engage(ent.id).is_ok();
    let ident = tianping_app::identity::state(st, u, &ent).await?;
    let requester: Vec<i64> = ident.pending.iter().map(|r| r.requested_by).collect();
    let names = admin::user_names(st, &requester).await?;
    let engageable = if may_engage {
        admin::orgs(st, None)
            .await?
            .into_iter()
            .filter(|o| !orgs.iter().any(|x| x.id == o.id))
            .map(|o| (o.id.to_string(), o.name))
            .collect()
    } else {
        Vec::new()
    };
    let stored;
    let record = match shown.record {
        Some(i) => i,
        None => {
            stored = enterprises::input_of(&ent);
            &stored
        }
    };
    let e = &shown.errors;
    let token = ctx.csrf.as_str();
    let body = html! {
        @if shown.welcome { (welcome_flash(l)) }
        @if let Some(s) = shown.saved { (super::identity::saved_flash(l, s)) }
        (record_card(st, l, &ent))
        (super::identity::identity_section(l, token, &ident, &names))
        (new_assessment_link(l, u.role, ent.id))
        h2 { (l.t("评价", "Assessments")) }
        (assessment_list(l, st, &asses))
        (trend_links(l, st, ent.id, &asses))
        (sites_table(l, token, ent.id, &sites, editable))
        @if editable { (site_form(l, token, ent.id, shown.site, e)) }
        (engagements(l, &orgs))
        @if !engageable.is_empty() { (engage_form(l, token, ent.id, &engageable, e)) }
        @if editable { (record_form(st, l, token, ent.id, record, e)) }
    };
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page_with(status, &ctx.chrome(), &ent.name, body))
}

fn welcome_flash(l: Lang) -> Markup {
    html! {
        div.flash {
            (l.t("注册成功。可以开始自评了。", "Signed up. You can start a self-assessment now."))
        }
    }
}

/// One labelled figure of the record card.
fn fact(label: &str, value: impl Render) -> Markup {
    html! { div { div.muted { (label) } (value) } }
}

/// The record at a glance; the type and category by their names in the schemes.
fn record_card(st: &App, l: Lang, ent: &repo::Enterprise) -> Markup {
    let not_set = l.t("（未定）", "(not set)");
    let kind = ent
        .enterprise_type
        .as_deref()
        .map_or(not_set, |t| variant_name(st.star_scheme(), t));
    let category = ent
        .category
        .as_deref()
        .map_or(not_set, |c| variant_name(st.level_scheme(), c));
    let suggestion = enterprises::suggest_category(st, &ent.industry_code).map(|(_, name)| name);
    html! {
        div.card {
            div.grid {
                (fact(l.t("统一社会信用代码", "USCC"), &ent.uscc))
                (fact(l.t("行业代码", "Industry code"), &ent.industry_code))
                (fact(l.t("从业人数", "Headcount"), ent.headcount))
                (fact(l.t("法定代表人", "Legal representative"), &ent.legal_representative))
                (fact(l.t("企业类型（履约能力评价）", "Enterprise type (T11/AII 001)"), kind))
                (fact(l.t("企业类别（数字化评价）", "Category (T/SDDITAI 5121)"), category))
            }
            p.muted {
                (l.t("按行业代码建议的数字化评价类别", "Category suggested from the industry code"))
                "："
                @match &suggestion {
                    Some(name) => { (name) }
                    None => { (l.t("（无：请填写行业代码）", "(none: enter an industry code)")) }
                }
            }
        }
    }
}

/// Links to the results over time of each scheme the enterprise has a scored result in.
fn trend_links(l: Lang, st: &App, ent: i64, asses: &[repo::Assessment]) -> Markup {
    let mut schemes: Vec<&str> = asses
        .iter()
        .filter(|a| a.result_at.is_some() && a.score.is_some())
        .map(|a| a.scheme.as_str())
        .collect();
    schemes.sort_unstable();
    schemes.dedup();
    html! {
        @if !schemes.is_empty() {
            p {
                (l.t("历次结果趋势：", "Results over time: "))
                @for s in schemes {
                    a href={ "/enterprises/" (ent) "/trend?scheme=" (url_enc(s)) } {
                        (st.scheme(s).map_or(s, |x| x.name.as_str()))
                    } " "
                }
            }
        }
    }
}

/// The enterprise starts a self-assessment; a body's staff an on-site one.
fn new_assessment_link(l: Lang, role: Role, enterprise: i64) -> Markup {
    let text = match role {
        Role::Enterprise => l.t("新建自评", "New self-assessment"),
        r if r.is_body_editor() => l.t("新建现场评价", "New on-site assessment"),
        _ => return html! {},
    };
    html! {
        p { a.button href={ "/assessments/new?enterprise=" (enterprise) } { (text) } }
    }
}

fn sites_table(
    l: Lang,
    token: &str,
    enterprise: i64,
    sites: &[repo::Site],
    editable: bool,
) -> Markup {
    html! {
        h2 { (l.t("场所", "Sites")) }
        div.tablewrap {
            table {
                tr {
                    th { (l.t("名称", "Name")) }
                    th { (l.t("地址", "Address")) }
                    th { (l.t("人数", "Headcount")) }
                    th {}
                }
                @for s in sites {
                    tr {
                        td { (s.name) }
                        td { (s.address) }
                        td { (s.headcount) }
                        td {
                            @if editable {
                                form method="post" action={ "/enterprises/" (enterprise) "/sites/" (s.id) "/delete" } {
                                    (csrf(token))
                                    button.danger { (l.t("删除", "Delete")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Adding a site, folded away unless it comes back with errors (`site`: what was typed).
fn site_form(
    l: Lang,
    token: &str,
    enterprise: i64,
    site: Option<&SiteInput>,
    e: &BTreeMap<String, String>,
) -> Markup {
    let g = |k: &str| e.get(k).map(String::as_str);
    let name = site.map_or("", |s| s.name.as_str());
    let address = site.map_or("", |s| s.address.as_str());
    let headcount = site.map_or("0", |s| s.headcount.as_str());
    html! {
        details open[site.is_some()] {
            summary { (l.t("添加场所", "Add a site")) }
            form method="post" action={ "/enterprises/" (enterprise) "/sites" } {
                (csrf(token))
                (field(l.t("名称", "Name"), "name", "text", name,
                    g("site_name"), &[("required", "")]))
                (field(l.t("地址", "Address"), "address", "text", address,
                    g("site_address"), &[]))
                (field(l.t("人数", "Headcount"), "headcount", "number",
                    headcount, g("site_headcount"), &[("min", "0")]))
                p { button { (l.t("添加", "Add")) } }
            }
        }
    }
}

fn engagements(l: Lang, orgs: &[repo::Org]) -> Markup {
    html! {
        h2 { (l.t("委托的评价机构与授权的平台", "Engaged bodies and platforms")) }
        ul {
            @for o in orgs {
                li {
                    (o.name) " "
                    span.pill {
                        @if o.kind == OrgKind::Body { (l.t("评价机构", "body")) }
                        @else { (l.t("平台", "platform")) }
                    }
                }
            }
        }
    }
}

/// The enterprise engages another body or platform (`choices`: those not engaged yet).
fn engage_form(
    l: Lang,
    token: &str,
    enterprise: i64,
    choices: &[(String, String)],
    e: &BTreeMap<String, String>,
) -> Markup {
    html! {
        form.inline method="post" action={ "/enterprises/" (enterprise) "/engage" } {
            (csrf(token))
            (select(l.t("委托/授权", "Engage"), "org_id", choices, "",
                e.get("org_id").map(String::as_str)))
            button { (l.t("确认", "Confirm")) }
        }
    }
}

/// The record's form, with what was typed and the errors that belong to no field above it.
fn record_form(
    st: &App,
    l: Lang,
    token: &str,
    enterprise: i64,
    i: &EnterpriseInput,
    e: &BTreeMap<String, String>,
) -> Markup {
    let other_forms = ["org_id", "site_name", "site_address", "site_headcount"];
    let known = [ENTERPRISE_KEYS, &other_forms].concat();
    html! {
        h2 { (l.t("登记信息", "Registration details")) }
        div.card {
            form method="post" action={ "/enterprises/" (enterprise) } {
                (csrf(token))
                (form_errors(e, &known))
                (enterprise_inputs(st, l, i, e))
                p { button { (l.t("保存", "Save")) } }
            }
        }
    }
}

pub(super) async fn enterprise_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<PageQ>,
) -> Res {
    let shown = Shown {
        welcome: q.welcome.is_some(),
        saved: q.saved.as_deref(),
        ..Default::default()
    };
    enterprise_view(&st, &ctx, id, shown).await
}

pub(super) async fn enterprise_update(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<EnterpriseForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    match enterprises::save(&st, u, id, &f.input).await {
        Ok(s) => {
            let saved = if s.request.is_some() { "request" } else { "1" };
            Ok(redirect(&format!(
                "/enterprises/{}?saved={}",
                s.enterprise.id, saved
            )))
        }
        Err(Error::Invalid(e)) => {
            let shown = Shown {
                record: Some(&f.input),
                ..Shown::refused(errs_map(ctx.lang, &e))
            };
            enterprise_view(&st, &ctx, id, shown).await
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
            let shown = Shown {
                site: Some(&f.input),
                ..Shown::refused(errs_map(ctx.lang, &e))
            };
            enterprise_view(&st, &ctx, id, shown).await
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

/// The enterprise engages a body or authorises a platform. Who may is decided before what
/// was chosen is read: anyone else is refused (403), not shown the form again (422).
pub(super) async fn engage(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<EngageForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let ent = enterprises::get(&st, u, id).await?;
    u.principal().engage(ent.id).map_err(Error::from)?;
    let refused = |e: &[FieldError]| Shown::refused(errs_map(ctx.lang, e));
    let Ok(org) = f.org_id.parse::<i64>() else {
        let e = FieldError::new(
            "org_id",
            "请选择评价机构或平台",
            "Choose an evaluation body or a platform",
        );
        return enterprise_view(&st, &ctx, id, refused(&[e])).await;
    };
    match enterprises::engage(&st, u, id, org).await {
        Ok(()) => Ok(redirect(&format!("/enterprises/{}", id))),
        Err(Error::Invalid(e)) => enterprise_view(&st, &ctx, id, refused(&e)).await,
        Err(e) => Err(e.into()),
    }
}
