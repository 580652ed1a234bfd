//! The browser routes: server-rendered pages that work without JavaScript. Every form
//! carries a CSRF token; forms that fail validation are shown again with what was typed and
//! the message next to the field.

use std::collections::BTreeMap;
use std::fmt::Write;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use tianping_app::accounts::{self, SignupInput};
use tianping_app::admin::{self, InviteInput};
use tianping_app::answers::{self, AnswerInput};
use tianping_app::assessments::{self, AssessmentInput};
use tianping_app::domain::enterprise::{EnterpriseInput, SiteInput};
use tianping_app::domain::{
    evidence as evidence_rules, Access, AssessmentStatus, Mode, OrgKind, Role,
};
use tianping_app::repo::{self, User};
use tianping_app::{enterprises, evidence, App};
use tianping_core::{fmt_num, AnswerKind, Method};

use crate::auth::{self, Ctx, LANG_COOKIE, SESSION_COOKIE};
use crate::error::{Error, FieldError, Msg, PageError};
use crate::html::{
    csrf_input, err_html, esc, field, page, pager, role_label, select, url_enc, when, Lang,
};

type Res = Result<Response, PageError>;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login_post))
        .route("/logout", post(logout))
        .route("/signup", get(signup_page).post(signup_post))
        .route("/lang/:lang", get(set_lang))
        .route("/invite/:token", get(invite_page).post(invite_post))
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
        .route("/assessments", get(assessments).post(assessment_create))
        .route("/assessments/new", get(assessment_new))
        .route("/assessments/:id", get(assessment_page))
        .route("/assessments/:id/result", get(result_page))
        .route("/assessments/:id/history", get(history_page))
        .route("/assessments/:id/submit", post(submit))
        .route("/assessments/:id/items/:ind", get(item_page))
        .route("/assessments/:id/items/:ind/answer", post(answer_post))
        .route("/assessments/:id/items/:ind/evidence", post(evidence_post))
        .route("/assessments/:id/items/:ind/experts", post(experts_post))
        .route("/evidence/:id", get(evidence_get))
        .route("/admin", get(admin_page))
        .route("/admin/invite", post(admin_invite))
        .route("/admin/orgs", post(admin_org))
        .route("/account", get(account_page))
        .route("/account/tokens", post(account_token))
        .route("/audit", get(audit_page))
}

fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Start a session for `user` and redirect to `to` with the session cookie set.
async fn signed_in(st: &App, user: i64, to: &str) -> Res {
    let token = accounts::start_session(st, user).await?;
    let mut r = redirect(to);
    r.headers_mut().append(
        SET_COOKIE,
        auth::set_cookie(
            SESSION_COOKIE,
            &token,
            st.config.session_hours * 3600,
            st.config.secure_cookies,
            true,
        ),
    );
    Ok(r)
}

/// Only local paths are followed after sign-in or a language switch.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

/// A path's ids (`/assessments/{id}`, …). An id that is not a number names nothing: it is
/// refused exactly as a missing object is (sign-in first, then 404), never with a 400.
struct Ids<T>(T);

#[axum::async_trait]
impl<T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<App> for Ids<T> {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &App,
    ) -> Result<Self, PageError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(t)) => Ok(Ids(t)),
            Err(_) => {
                Ctx::from_request_parts(parts, state).await?.user()?;
                Err(Error::NotFound.into())
            }
        }
    }
}

/// Field errors by field, in the page's language (several on one field joined).
fn errs_map(l: Lang, e: &[FieldError]) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = BTreeMap::new();
    for x in e {
        let text = x.message.text(l);
        m.entry(x.field.clone())
            .and_modify(|s| {
                s.push_str(l.t("；", "; "));
                s.push_str(text)
            })
            .or_insert_with(|| text.to_string());
    }
    m
}

fn general_errors(m: &BTreeMap<String, String>, known: &[&str]) -> String {
    let other: Vec<&String> = m
        .iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(_, v)| v)
        .collect();
    if other.is_empty() {
        String::new()
    } else {
        format!(
            r#"<div class="flash bad" role="alert">{}</div>"#,
            other
                .iter()
                .map(|s| esc(s))
                .collect::<Vec<_>>()
                .join("<br>")
        )
    }
}

fn with_status(status: StatusCode, mut r: Response) -> Response {
    *r.status_mut() = status;
    r
}

// ---------------------------------------------------------------- home, sign-in

async fn home(State(st): State<App>, ctx: Ctx) -> Res {
    let l = ctx.lang;
    let Some(u) = &ctx.user else {
        let body = format!(
            r#"<div class="card"><p>{}</p><p><a class="button" href="/login">{}</a> <a href="/signup">{}</a></p></div>"#,
            l.t(
                "天平是按中国团体标准开展企业评价与认证的平台：企业在线自评、上传证据，评价机构现场评价、指派专家，结果附有每个数字的来由。",
                "Tianping runs enterprise evaluations under Chinese group standards: online self-evaluation with evidence, on-site evaluation by bodies and experts, and results that explain every figure."
            ),
            l.t("登录", "Sign in"),
            l.t("企业注册", "Register an enterprise")
        );
        return Ok(page(
            &ctx.chrome(),
            l.t("天平 · 企业评价", "Tianping · enterprise evaluation"),
            &body,
        ));
    };
    let (ents, ne) = enterprises::list(&st, u, 5, 0).await?;
    let (asses, na) = assessments::list(&st, u, None, 8, 0).await?;
    let mut body = String::new();
    let org = match u.org_id {
        Some(o) => admin::org(&st, o)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let _ = write!(
        body,
        r#"<div class="grid"><div class="card"><div class="muted">{}</div><div>{} · {}</div><div class="muted">{}</div></div><div class="card"><div class="muted">{}</div><div class="big">{}</div></div><div class="card"><div class="muted">{}</div><div class="big">{}</div></div></div>"#,
        l.t("当前账号", "Signed in as"),
        esc(&u.name),
        role_label(l, u.role.as_str()),
        esc(&org),
        l.t("可见企业", "Enterprises"),
        ne,
        l.t("可见评价", "Assessments"),
        na
    );
    if u.role == Role::Enterprise {
        if let Some(e) = u.enterprise_id {
            let _ = write!(
                body,
                r#"<p><a class="button" href="/assessments/new?enterprise={}">{}</a> <a href="/enterprises/{}">{}</a></p>"#,
                e,
                l.t("新建自评", "New self-assessment"),
                e,
                l.t("企业信息", "Enterprise record")
            );
        }
    }
    body.push_str(&format!(
        "<h2>{}</h2>",
        l.t("最近的评价", "Recent assessments")
    ));
    body.push_str(&assessment_table(l, &st, &asses).await?);
    if !ents.is_empty() && u.role != Role::Enterprise {
        body.push_str(&format!("<h2>{}</h2>", l.t("企业", "Enterprises")));
        body.push_str(&enterprise_table(l, &ents));
    }
    Ok(page(&ctx.chrome(), l.t("工作台", "Dashboard"), &body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NextQ {
    next: Option<String>,
    back: Option<String>,
}

fn login_form(ctx: &Ctx, email: &str, next: &str, errs: &BTreeMap<String, String>) -> Response {
    let l = ctx.lang;
    let body = format!(
        r#"<div class="card"><form method="post" action="/login">{csrf}<input type="hidden" name="next" value="{next}">{gen}{email}{pw}<p><button>{btn}</button></p></form><p class="muted">{hint} <a href="/signup">{su}</a></p></div>"#,
        csrf = csrf_input(&ctx.csrf),
        next = esc(next),
        gen = general_errors(errs, &["email", "password"]),
        email = field(
            l.t("邮箱", "Email"),
            "email",
            "email",
            email,
            errs.get("email").map(|s| s.as_str()),
            r#"autocomplete="username" required"#
        ),
        pw = field(
            l.t("密码", "Password"),
            "password",
            "password",
            "",
            errs.get("password").map(|s| s.as_str()),
            r#"autocomplete="current-password" required"#
        ),
        btn = l.t("登录", "Sign in"),
        hint = l.t("企业还没有账号？", "No account for your enterprise yet?"),
        su = l.t("注册", "Sign up"),
    );
    page(&ctx.chrome(), l.t("登录", "Sign in"), &body)
}

async fn login_page(ctx: Ctx, Query(q): Query<NextQ>) -> Res {
    Ok(login_form(
        &ctx,
        "",
        &safe_next(q.next.as_deref()),
        &BTreeMap::new(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    csrf: String,
    email: String,
    password: String,
    next: String,
}

async fn login_post(
    State(st): State<App>,
    ctx: Ctx,
    auth::ClientIp(ip): auth::ClientIp,
    Form(f): Form<LoginForm>,
) -> Res {
    ctx.check_csrf(&f.csrf)?;
    let next = safe_next(Some(&f.next));
    match accounts::authenticate(&st, &f.email, &f.password, ip).await {
        Ok(u) => signed_in(&st, u.id, &next).await,
        Err(Error::Invalid(e)) => Ok(with_status(
            StatusCode::UNAUTHORIZED,
            login_form(&ctx, &f.email, &next, &errs_map(ctx.lang, &e)),
        )),
        Err(Error::Throttled(m)) => {
            let mut e = BTreeMap::new();
            e.insert("password".to_string(), m.text(ctx.lang).to_string());
            Ok(with_status(
                StatusCode::TOO_MANY_REQUESTS,
                login_form(&ctx, &f.email, &next, &e),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CsrfForm {
    csrf: String,
}

async fn logout(State(st): State<App>, ctx: Ctx, Form(f): Form<CsrfForm>) -> Res {
    ctx.check_csrf(&f.csrf)?;
    if let Some(h) = &ctx.session {
        accounts::end_session(&st, h).await?;
    }
    let mut r = redirect("/");
    r.headers_mut().append(
        SET_COOKIE,
        auth::set_cookie(SESSION_COOKIE, "", 0, st.config.secure_cookies, true),
    );
    Ok(r)
}

async fn set_lang(State(st): State<App>, Path(lang): Path<String>, Query(q): Query<NextQ>) -> Res {
    let v = if lang == "en" { "en" } else { "zh" };
    let mut r = redirect(&safe_next(q.back.as_deref()));
    r.headers_mut().append(
        SET_COOKIE,
        auth::set_cookie(
            LANG_COOKIE,
            v,
            60 * 60 * 24 * 365,
            st.config.secure_cookies,
            false,
        ),
    );
    Ok(r)
}

fn type_options(st: &App, l: Lang) -> Vec<(String, String)> {
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

fn category_options(st: &App, l: Lang) -> Vec<(String, String)> {
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

fn enterprise_fields(
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

const ENTERPRISE_KEYS: &[&str] = &[
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

fn signup_form(st: &App, ctx: &Ctx, i: &SignupInput, e: &BTreeMap<String, String>) -> Response {
    let l = ctx.lang;
    let g = |k: &str| e.get(k).map(|s| s.as_str());
    let mut known: Vec<&str> = ENTERPRISE_KEYS.to_vec();
    known.extend(["email", "user_name", "password"]);
    let body = format!(
        r#"<div class="card"><form method="post" action="/signup">{csrf}{gen}<h2>{acc}</h2>{email}{name}{pw}<h2>{ent}</h2>{fields}<p><button>{btn}</button></p></form></div>"#,
        csrf = csrf_input(&ctx.csrf),
        gen = general_errors(e, &known),
        acc = l.t("账号", "Account"),
        email = field(
            l.t("邮箱", "Email"),
            "email",
            "email",
            &i.email,
            g("email"),
            r#"autocomplete="username" required"#
        ),
        name = field(
            l.t("姓名", "Your name"),
            "user_name",
            "text",
            &i.user_name,
            g("user_name"),
            "required"
        ),
        pw = field(
            l.t("密码（至少 10 个字符）", "Password (10 characters or more)"),
            "password",
            "password",
            "",
            g("password"),
            r#"autocomplete="new-password" required"#
        ),
        ent = l.t("企业", "Enterprise"),
        fields = enterprise_fields(st, l, &i.enterprise, e),
        btn = l.t("注册", "Sign up"),
    );
    page(&ctx.chrome(), l.t("企业注册", "Enterprise sign-up"), &body)
}

async fn signup_page(State(st): State<App>, ctx: Ctx) -> Res {
    Ok(signup_form(
        &st,
        &ctx,
        &SignupInput::default(),
        &BTreeMap::new(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SignupForm {
    csrf: String,
    #[serde(flatten)]
    input: SignupInput,
}

async fn signup_post(State(st): State<App>, ctx: Ctx, Form(f): Form<SignupForm>) -> Res {
    ctx.check_csrf(&f.csrf)?;
    match accounts::signup(&st, &f.input).await {
        Ok(u) => {
            let to = format!("/enterprises/{}?welcome=1", u.enterprise_id.unwrap_or(0));
            signed_in(&st, u.id, &to).await
        }
        Err(Error::Invalid(e)) => Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            signup_form(&st, &ctx, &f.input, &errs_map(ctx.lang, &e)),
        )),
        Err(e) => Err(e.into()),
    }
}

fn invite_form(
    ctx: &Ctx,
    inv: &repo::Invitation,
    token: &str,
    name: &str,
    e: &BTreeMap<String, String>,
) -> Response {
    let l = ctx.lang;
    let body = format!(
        r#"<div class="card"><p>{} <b>{}</b> · {}</p><form method="post" action="/invite/{}">{}{}{}{}<p><button>{}</button></p></form></div>"#,
        l.t("邀请邮箱", "Invited address"),
        esc(&inv.email),
        role_label(l, inv.role.as_str()),
        esc(token),
        csrf_input(&ctx.csrf),
        general_errors(e, &["name", "password"]),
        field(
            l.t("姓名", "Your name"),
            "name",
            "text",
            name,
            e.get("name").map(|s| s.as_str()),
            "required"
        ),
        field(
            l.t("密码（至少 10 个字符）", "Password (10 characters or more)"),
            "password",
            "password",
            "",
            e.get("password").map(|s| s.as_str()),
            r#"autocomplete="new-password" required"#
        ),
        l.t("接受邀请", "Accept invitation"),
    );
    page(&ctx.chrome(), l.t("接受邀请", "Accept invitation"), &body)
}

async fn invite_page(State(st): State<App>, ctx: Ctx, Path(token): Path<String>) -> Res {
    let inv = accounts::invitation(&st, &token)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(invite_form(&ctx, &inv, &token, &inv.name, &BTreeMap::new()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InviteAcceptForm {
    csrf: String,
    name: String,
    password: String,
}

async fn invite_post(
    State(st): State<App>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<InviteAcceptForm>,
) -> Res {
    ctx.check_csrf(&f.csrf)?;
    match accounts::accept_invite(&st, &token, &f.name, &f.password).await {
        Ok(u) => signed_in(&st, u.id, "/").await,
        Err(Error::Invalid(e)) => {
            let inv = accounts::invitation(&st, &token)
                .await?
                .ok_or(Error::NotFound)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                invite_form(&ctx, &inv, &token, &f.name, &errs_map(ctx.lang, &e)),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- enterprises

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQ {
    page: Option<i64>,
    welcome: Option<String>,
    saved: Option<String>,
    table: Option<String>,
    enterprise: Option<String>,
    scheme: Option<String>,
    token: Option<String>,
}

const PER_PAGE: i64 = 20;

fn enterprise_table(l: Lang, ents: &[repo::Enterprise]) -> String {
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

async fn enterprises(State(st): State<App>, ctx: Ctx, Query(q): Query<PageQ>) -> Res {
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

fn enterprise_new_form(
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

async fn enterprise_new(State(st): State<App>, ctx: Ctx) -> Res {
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
struct EnterpriseForm {
    csrf: String,
    #[serde(flatten)]
    input: EnterpriseInput,
}

async fn enterprise_create(State(st): State<App>, ctx: Ctx, Form(f): Form<EnterpriseForm>) -> Res {
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

async fn enterprise_view(
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

async fn enterprise_page(
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

async fn enterprise_update(
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
struct SiteForm {
    csrf: String,
    #[serde(flatten)]
    input: SiteInput,
}

async fn site_add(
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

async fn site_delete(
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
struct EngageForm {
    csrf: String,
    org_id: String,
}

async fn engage(
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

// ---------------------------------------------------------------- assessments

fn status_pill(l: Lang, s: AssessmentStatus) -> String {
    match s {
        AssessmentStatus::Draft => format!(
            r#"<span class="pill warn">{}</span>"#,
            l.t("进行中", "in progress")
        ),
        _ => format!(
            r#"<span class="pill ok">{}</span>"#,
            l.t("已提交", "submitted")
        ),
    }
}

fn result_brief(l: Lang, a: &repo::Assessment) -> String {
    let mut o = match a.score {
        Some(s) => fmt_num((s * 100.0).round() / 100.0),
        None => "—".into(),
    };
    if let Some(g) = &a.grade {
        let _ = write!(o, " · {}", esc(g));
    }
    if let Some(s) = a.stars {
        let _ = write!(
            o,
            " · {}",
            if s == 0 {
                l.t("无星级", "no stars").to_string()
            } else {
                "★".repeat(s as usize)
            }
        );
    }
    o
}

async fn assessment_table(l: Lang, st: &App, asses: &[repo::Assessment]) -> Result<String, Error> {
    if asses.is_empty() {
        return Ok(format!(
            "<p class=muted>{}</p>",
            l.t("暂无评价。", "No assessments yet.")
        ));
    }
    let mut o = format!(
        r#"<div class="tablewrap"><table><tr><th>{}</th><th class="hide-sm">{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t("评价", "Assessment"),
        l.t("方案", "Scheme"),
        l.t("状态", "Status"),
        l.t("结果", "Result")
    );
    for a in asses {
        let scheme = st
            .catalog
            .get(&a.scheme)
            .map(|s| s.standard.as_str())
            .unwrap_or(&a.scheme);
        let _ = write!(
            o,
            r#"<tr><td><a href="/assessments/{}">{}</a><div class="muted">{}</div></td><td class="hide-sm">{}{}</td><td>{}</td><td>{}</td></tr>"#,
            a.id,
            esc(&a.title),
            if a.mode == Mode::SelfEvaluation {
                l.t("企业自评", "self-assessment")
            } else {
                l.t("现场评价", "on-site")
            },
            esc(scheme),
            a.variant
                .as_deref()
                .map(|v| format!(" · {}", esc(v)))
                .unwrap_or_default(),
            status_pill(l, a.status),
            result_brief(l, a)
        );
    }
    o.push_str("</table></div>");
    Ok(o)
}

async fn assessments(State(st): State<App>, ctx: Ctx, Query(q): Query<PageQ>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let p = q.page.unwrap_or(1).max(1);
    let (asses, n) = assessments::list(&st, u, None, PER_PAGE, (p - 1) * PER_PAGE).await?;
    let mut body = String::new();
    if let (Some(e), Role::Enterprise) = (u.enterprise_id, u.role) {
        let _ = write!(
            body,
            r#"<p><a class="button" href="/assessments/new?enterprise={}">{}</a></p>"#,
            e,
            l.t("新建自评", "New self-assessment")
        );
    }
    body.push_str(&assessment_table(l, &st, &asses).await?);
    body.push_str(&pager(l, "/assessments", p, PER_PAGE, n));
    Ok(page(&ctx.chrome(), l.t("评价", "Assessments"), &body))
}

async fn new_form(st: &App, ctx: &Ctx, i: &AssessmentInput, e: &BTreeMap<String, String>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (ents, _) = enterprises::list(st, u, 500, 0).await?;
    let ent_opts: Vec<(String, String)> = ents
        .iter()
        .map(|x| (x.id.to_string(), x.name.clone()))
        .collect();
    let scheme_opts: Vec<(String, String)> = st
        .catalog
        .schemes
        .iter()
        .map(|s| (s.id.clone(), format!("{} {}", s.standard, s.name)))
        .collect();
    let g = |k: &str| e.get(k).map(|s| s.as_str());
    let mut body = String::new();
    body.push_str(&general_errors(
        e,
        &[
            "enterprise_id",
            "scheme",
            "variant",
            "title",
            "profile",
            "current_stars",
            "first_application",
        ],
    ));
    // Step 1 (GET, no JavaScript): choose the enterprise and the scheme.
    let _ = write!(
        body,
        r#"<div class="card"><form method="get" action="/assessments/new">{}{}<p><button class="secondary">{}</button></p></form></div>"#,
        select(
            l.t("企业", "Enterprise"),
            "enterprise",
            &ent_opts,
            &i.enterprise_id,
            g("enterprise_id")
        ),
        select(
            l.t("评价方案", "Scheme"),
            "scheme",
            &scheme_opts,
            &i.scheme,
            g("scheme")
        ),
        l.t("选择", "Choose")
    );
    if let Some(s) = st.catalog.get(&i.scheme) {
        let ent = ents.iter().find(|x| x.id.to_string() == i.enterprise_id);
        let mut variant = i.variant.clone();
        if variant.is_empty() {
            if let Some(ent) = ent {
                let pre = match s.method {
                    Method::Dimensions => ent.enterprise_type.clone(),
                    Method::WeightedLevels => ent.category.clone(),
                    _ => None,
                };
                variant = pre.unwrap_or_default();
            }
        }
        let mut fields = String::new();
        if !s.variants.is_empty() {
            let opts: Vec<(String, String)> = s
                .variants
                .iter()
                .map(|v| (v.id.clone(), format!("{}（{}）", v.name, v.id)))
                .collect();
            fields.push_str(&select(
                l.t("类别", "Variant"),
                "variant",
                &opts,
                &variant,
                g("variant"),
            ));
        }
        fields.push_str(&field(
            l.t("标题（可空）", "Title (optional)"),
            "title",
            "text",
            &i.title,
            g("title"),
            "",
        ));
        if s.method == Method::Dimensions {
            let stars: Vec<(String, String)> = (0..=5)
                .map(|n| {
                    (
                        n.to_string(),
                        if n == 0 {
                            l.t("无", "none").to_string()
                        } else {
                            "★".repeat(n)
                        },
                    )
                })
                .collect();
            fields.push_str(&select(
                l.t("现有综合星级", "Comprehensive stars held now"),
                "current_stars",
                &stars,
                if i.current_stars.is_empty() {
                    "0"
                } else {
                    &i.current_stars
                },
                g("current_stars"),
            ));
            let fa = vec![
                ("true".to_string(), l.t("是", "yes").to_string()),
                ("false".to_string(), l.t("否", "no").to_string()),
            ];
            fields.push_str(&select(
                l.t("首次申请", "First application"),
                "first_application",
                &fa,
                if i.first_application.is_empty() {
                    "true"
                } else {
                    &i.first_application
                },
                g("first_application"),
            ));
        }
        let _ = write!(
            fields,
            r#"<label for="f-profile">{}</label><textarea id="f-profile" name="profile"{}>{}</textarea>{}"#,
            l.t(
                "评价方案配置 profile（TOML，可空：选用与权重）",
                "Profile (TOML, optional: selection and weights)"
            ),
            if g("profile").is_some() {
                r#" class="invalid""#
            } else {
                ""
            },
            esc(&i.profile),
            err_html(g("profile"))
        );
        let _ = write!(
            body,
            r#"<div class="card"><h2>{} {}</h2><form method="post" action="/assessments">{}<input type="hidden" name="enterprise_id" value="{}"><input type="hidden" name="scheme" value="{}">{}<p><button>{}</button></p></form></div>"#,
            esc(&s.standard),
            esc(&s.name),
            csrf_input(&ctx.csrf),
            esc(&i.enterprise_id),
            esc(&s.id),
            fields,
            l.t("创建评价", "Create assessment")
        );
    }
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(with_status(
        status,
        page(&ctx.chrome(), l.t("新建评价", "New assessment"), &body),
    ))
}

async fn assessment_new(State(st): State<App>, ctx: Ctx, Query(q): Query<PageQ>) -> Res {
    let u = ctx.user()?;
    let i = AssessmentInput {
        enterprise_id: q
            .enterprise
            .clone()
            .or_else(|| u.enterprise_id.map(|e| e.to_string()))
            .unwrap_or_default(),
        scheme: q.scheme.clone().unwrap_or_default(),
        ..Default::default()
    };
    new_form(&st, &ctx, &i, &BTreeMap::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AssessmentForm {
    csrf: String,
    #[serde(flatten)]
    input: AssessmentInput,
}

async fn assessment_create(State(st): State<App>, ctx: Ctx, Form(f): Form<AssessmentForm>) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    match assessments::create(&st, u, &f.input).await {
        Ok(a) => Ok(redirect(&format!("/assessments/{}", a.id))),
        Err(Error::Invalid(e)) => new_form(&st, &ctx, &f.input, &errs_map(ctx.lang, &e)).await,
        Err(e) => Err(e.into()),
    }
}

fn result_value(a: &repo::Assessment) -> Value {
    a.result_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null)
}

/// The live result panel: total, grade or stars, and why.
fn result_panel(l: Lang, a: &repo::Assessment, full: bool) -> String {
    let r = result_value(a);
    let ev = &r["evaluation"];
    if ev.is_null() {
        return String::new();
    }
    let mut o = String::from(r#"<div class="card" id="result"><div class="grid">"#);
    let scale = ev["total"]["scale"].as_f64().unwrap_or(100.0);
    let _ = write!(
        o,
        r#"<div><div class="muted">{}</div><div class="big" data-testid="score">{}</div><div class="muted">/ {}</div></div>"#,
        l.t("总分", "Total"),
        fmt_num(((ev["total"]["score"].as_f64().unwrap_or(0.0)) * 100.0).round() / 100.0),
        fmt_num(scale)
    );
    if let Some(g) = ev["grade"].as_object() {
        let _ = write!(
            o,
            r#"<div><div class="muted">{}</div><div class="big" data-testid="grade">{}</div><div class="muted">{}</div></div>"#,
            l.t("等级", "Grade"),
            esc(g.get("label").and_then(|x| x.as_str()).unwrap_or("")),
            esc(g.get("reason").and_then(|x| x.as_str()).unwrap_or(""))
        );
    } else if r["granted"].is_null()
        && !ev["grade_trace"]
            .as_array()
            .map(|v| v.is_empty())
            .unwrap_or(true)
    {
        let _ = write!(
            o,
            r#"<div><div class="muted">{}</div><div class="big" data-testid="grade">—</div></div>"#,
            l.t("等级", "Grade")
        );
    }
    if let Some(g) = r["granted"].as_object() {
        let n = g.get("stars").and_then(|x| x.as_u64()).unwrap_or(0);
        let _ = write!(
            o,
            r#"<div><div class="muted">{}</div><div class="big" data-testid="stars">{}</div><div class="muted">{}</div></div>"#,
            l.t("授予综合星级", "Stars granted"),
            if n == 0 {
                l.t("无", "none").to_string()
            } else {
                "★".repeat(n as usize)
            },
            esc(ev["stars_explained"]["reason"].as_str().unwrap_or(""))
        );
    }
    let unanswered = ev["unanswered"].as_array().map(|v| v.len()).unwrap_or(0);
    let total = ev["indicators"].as_array().map(|v| v.len()).unwrap_or(0);
    let _ = write!(
        o,
        r#"<div><div class="muted">{}</div><div class="big">{}/{}</div></div></div>"#,
        l.t("已答", "Answered"),
        total - unanswered.min(total),
        total
    );
    if let Some(w) = ev["warnings"].as_array() {
        for x in w.iter().take(if full { 50 } else { 3 }) {
            let _ = write!(o, "<p class=muted>⚠ {}</p>", esc(x.as_str().unwrap_or("")));
        }
    }
    if let Some(g) = r["granted"]["reasons"].as_array() {
        if full {
            o.push_str("<ul>");
            for x in g {
                let _ = write!(o, "<li>{}</li>", esc(x.as_str().unwrap_or("")));
            }
            o.push_str("</ul>");
        }
    }
    o.push_str("</div>");
    o
}

fn kind_hint(l: Lang, kind: AnswerKind, max: f64) -> String {
    match kind {
        AnswerKind::Points => format!("{} 0–{}", l.t("分值", "points"), fmt_num(max)),
        AnswerKind::Level => l.t("等级 0–5", "level 0–5").to_string(),
        AnswerKind::Coefficient => l.t("评分系数 0–100 %", "coefficient 0–100 %").to_string(),
    }
}

/// The shown value of a stored answer.
fn shown_value(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::Object(m) => {
            if let Some(x) = m.get("value") {
                return x.to_string();
            }
            if let Some(x) = m.get("experts").or_else(|| m.get("likert")) {
                return x
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
            }
            v.to_string()
        }
        _ => String::new(),
    }
}

async fn assessment_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<PageQ>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access) = assessments::get(&st, u, id).await?;
    let plan = assessments::plan(&st, &a)?;
    let scheme = plan.scheme;
    let ent = assessments::enterprise_of(&st, &a).await?;
    let rows = assessments::answers(&st, &a, &access).await?;
    let answers: BTreeMap<&str, &repo::AnswerRow> =
        rows.iter().map(|r| (r.indicator_id.as_str(), r)).collect();
    let mut body = String::new();
    if let Some(s) = &q.saved {
        let _ = write!(
            body,
            r#"<div class="flash">{} {}</div>"#,
            l.t("已保存：", "Saved:"),
            esc(s)
        );
    }
    let _ = write!(
        body,
        r#"<p class="muted">{} · {} {} {} · {} · {} <a href="/assessments/{}/result">{}</a> · <a href="/assessments/{}/history">{}</a></p>"#,
        esc(ent.as_ref().map(|e| e.name.as_str()).unwrap_or("")),
        esc(&scheme.standard),
        esc(&scheme.name),
        esc(a.variant.as_deref().unwrap_or("")),
        if a.mode == Mode::SelfEvaluation {
            l.t("企业自评", "self-assessment")
        } else {
            l.t("现场评价", "on-site")
        },
        status_pill(l, a.status),
        a.id,
        l.t("结果与解释", "Result and explanation"),
        a.id,
        l.t("修改记录", "History")
    );
    if access.sees_result() {
        body.push_str(&result_panel(l, &a, false));
    } else {
        let _ = write!(
            body,
            r#"<p class="flash">{}</p>"#,
            l.t(
                "你是本评价的评价专家：只显示指派给你的指标。",
                "You are an expert on this assessment: only the items assigned to you are shown."
            )
        );
    }
    if access == Access::Edit && a.status == AssessmentStatus::Draft {
        let _ = write!(
            body,
            r#"<form method="post" action="/assessments/{}/submit">{}<button class="secondary">{}</button> <span class="muted">{}</span></form>"#,
            a.id,
            csrf_input(&ctx.csrf),
            l.t("提交并锁定", "Submit and lock"),
            l.t(
                "提交后不能再修改答案。",
                "Answers cannot be changed after submission."
            )
        );
    }
    // tables of the plan
    let tables: Vec<&str> = {
        let mut t: Vec<&str> = Vec::new();
        for lf in &plan.leaves {
            if access.sees_item(&lf.ind.id) && !t.contains(&lf.ind.table.as_str()) {
                t.push(&lf.ind.table);
            }
        }
        t
    };
    let current = q
        .table
        .clone()
        .filter(|t| tables.contains(&t.as_str()))
        .or_else(|| tables.first().map(|s| s.to_string()))
        .unwrap_or_default();
    if tables.len() > 1 {
        body.push_str(r#"<p class="inline">"#);
        for t in &tables {
            let title = scheme
                .table(t)
                .map(|x| {
                    x.dimension
                        .clone()
                        .or(x.stage.clone())
                        .unwrap_or_else(|| x.title.clone())
                })
                .unwrap_or_default();
            if *t == current {
                let _ = write!(body, r#"<b class="pill ok">{} {}</b>"#, esc(t), esc(&title));
            } else {
                let _ = write!(
                    body,
                    r#"<a class="pill" href="/assessments/{}?table={}">{} {}</a>"#,
                    a.id,
                    url_enc(t),
                    esc(t),
                    esc(&title)
                );
            }
        }
        body.push_str("</p>");
    }
    if let Some(t) = scheme.table(&current) {
        let _ = write!(body, "<h2>{} {}</h2>", esc(&t.key), esc(&t.title));
    }
    let can_answer = a.status == AssessmentStatus::Draft && !matches!(access, Access::Read);
    let mut last_path: Vec<String> = Vec::new();
    for lf in plan
        .leaves
        .iter()
        .filter(|lf| lf.ind.table == current && access.sees_item(&lf.ind.id))
    {
        let i = lf.ind;
        let group = &i.path[..i.path.len().saturating_sub(1)];
        if group != last_path.as_slice() {
            let _ = write!(body, "<h3 class=path>{}</h3>", esc(&group.join(" › ")));
            last_path = group.to_vec();
        }
        let ans = answers.get(i.id.as_str());
        let cur = ans
            .and_then(|r| r.value_json.as_deref())
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
            .map(|v| shown_value(&v))
            .unwrap_or_default();
        let _ = write!(
            body,
            r#"<div class="ind" id="ind-{id}"><div><a href="/assessments/{aid}/items/{idu}"><b>{serial}{name}</b></a> <span class="muted">{cat} {hint}</span></div>"#,
            id = esc(&i.id),
            aid = a.id,
            idu = url_enc(&i.id),
            serial = i
                .serial
                .as_deref()
                .map(|s| format!("{}. ", esc(s)))
                .unwrap_or_default(),
            name = esc(i.path.last().map(|s| s.as_str()).unwrap_or("")),
            cat = i.category.map(|c| c.as_str()).unwrap_or(""),
            hint = kind_hint(l, plan.kind, lf.answer_max),
        );
        let can_answer = can_answer && access.answer(i.category).is_ok();
        if can_answer
            && !i.likert
            && !i.expert_panel
            && !matches!(access, Access::Expert(_))
            && plan.kind != AnswerKind::Level
        {
            let src = if scheme.method == Method::Dimensions {
                source_select(
                    l,
                    u,
                    &access,
                    ans.and_then(|r| r.source).map(|s| s.as_str()).unwrap_or(""),
                )
            } else {
                String::new()
            };
            let _ = write!(
                body,
                r#"<form method="post" action="/assessments/{aid}/items/{idu}/answer" class="inline">{csrf}<input type="hidden" name="back" value="list"><input type="number" step="any" name="value" value="{cur}" aria-label="{hint}">{src}<button>{save}</button></form>"#,
                aid = a.id,
                idu = url_enc(&i.id),
                csrf = csrf_input(&ctx.csrf),
                cur = esc(&cur),
                hint = kind_hint(l, plan.kind, lf.answer_max),
                src = src,
                save = l.t("保存", "Save")
            );
        } else if can_answer
            && plan.kind == AnswerKind::Level
            && !matches!(access, Access::Expert(_))
        {
            let opts: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
                .chain((0..=5).map(|n| (n.to_string(), n.to_string())))
                .collect();
            let _ = write!(
                body,
                r#"<form method="post" action="/assessments/{aid}/items/{idu}/answer" class="inline">{csrf}<input type="hidden" name="back" value="list">{sel}<button>{save}</button></form>"#,
                aid = a.id,
                idu = url_enc(&i.id),
                csrf = csrf_input(&ctx.csrf),
                sel = select(l.t("等级", "Level"), "value", &opts, &cur, None),
                save = l.t("保存", "Save")
            );
        } else {
            let _ = write!(
                body,
                r#"<div>{}: <b>{}</b></div>"#,
                l.t("答案", "Answer"),
                if cur.is_empty() {
                    "—".into()
                } else {
                    esc(&cur)
                }
            );
        }
        body.push_str("</div>");
    }
    Ok(page(&ctx.chrome(), &a.title, &body))
}

fn source_select(l: Lang, u: &User, access: &Access, current: &str) -> String {
    let opts: Vec<(&str, &str)> = match (access, u.role) {
        (Access::Platform, _) => vec![("platform", l.t("平台数据", "platform data"))],
        (Access::Edit, Role::Enterprise) => vec![
            (
                "self",
                l.t(
                    "企业自报（核验后计分）",
                    "self-declared (counts once verified)",
                ),
            ),
            (
                "third_party",
                l.t(
                    "第三方数据（须附证据）",
                    "third-party data (evidence required)",
                ),
            ),
        ],
        _ => vec![
            ("onsite", l.t("现场核验", "verified on site")),
            ("platform", l.t("平台数据", "platform data")),
            ("third_party", l.t("第三方数据", "third-party data")),
            (
                "self",
                l.t("企业自报（未核验）", "self-declared (unverified)"),
            ),
        ],
    };
    let mut o = format!(
        r#"<select name="source" aria-label="{}">"#,
        l.t("来源", "Source")
    );
    for (v, t) in opts {
        let _ = write!(
            o,
            r#"<option value="{}"{}>{}</option>"#,
            v,
            if v == current { " selected" } else { "" },
            esc(t)
        );
    }
    o.push_str("</select>");
    o
}

/// What was typed into an answer form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AnswerForm {
    csrf: String,
    value: String,
    likert: String,
    experts: String,
    note: String,
    source: String,
    back: String,
}

fn num_list(s: &str) -> Result<Vec<f64>, ()> {
    s.split([',', '，', ' ', ';', '；'])
        .filter(|x| !x.trim().is_empty())
        .map(|x| x.trim().parse::<f64>().map_err(|_| ()))
        .collect()
}

/// Turn the typed form into the core's answer value.
fn answer_from_form(f: &AnswerForm) -> Result<AnswerInput, Error> {
    let value = if !f.likert.trim().is_empty() {
        let xs = num_list(&f.likert).map_err(|_| {
            Error::invalid(
                "likert",
                "问卷回答应为以逗号分隔的 1 至 5 的整数，例如 4, 5, 3",
                "Questionnaire answers are whole numbers from 1 to 5 separated by commas, e.g. 4, 5, 3",
            )
        })?;
        json!({"likert": xs})
    } else if !f.experts.trim().is_empty() {
        let xs = num_list(&f.experts).map_err(|_| {
            Error::invalid(
                "experts",
                "专家评分应为以逗号分隔的数字，例如 4, 4.5, 5",
                "Expert scores are numbers separated by commas, e.g. 4, 4.5, 5",
            )
        })?;
        json!({"experts": xs})
    } else if f.value.trim().is_empty() {
        Value::Null
    } else {
        let v = f.value.trim();
        let x: f64 = v.parse().map_err(|_| {
            Error::invalid(
                "value",
                format!("“{}” 不是数字", v),
                format!("“{}” is not a number", v),
            )
        })?;
        json!(x)
    };
    Ok(AnswerInput {
        value,
        note: f.note.clone(),
        source: Some(f.source.clone()).filter(|s| !s.is_empty()),
    })
}

async fn answer_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    Form(f): Form<AnswerForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let res = match answer_from_form(&f) {
        Ok(input) => answers::save(&st, u, id, &ind, &input).await,
        Err(e) => Err(e),
    };
    match res {
        Ok(saved) => {
            let what = match (saved.score, &saved.grade, saved.stars) {
                (Some(s), g, st) => format!(
                    "{} · {} {}{}{}",
                    ind,
                    ctx.lang.t("总分", "total"),
                    fmt_num((s * 100.0).round() / 100.0),
                    g.as_deref()
                        .map(|g| format!(" · {}", g))
                        .unwrap_or_default(),
                    st.map(|n| format!(" · {}★", n)).unwrap_or_default()
                ),
                _ => ind.clone(),
            };
            if f.back == "list" {
                let (a, _) = assessments::get(&st, u, id).await?;
                let table = st
                    .catalog
                    .get(&a.scheme)
                    .and_then(|s| s.indicator(&ind))
                    .map(|i| i.table.clone())
                    .unwrap_or_default();
                Ok(redirect(&format!(
                    "/assessments/{}?table={}&saved={}#ind-{}",
                    id,
                    url_enc(&table),
                    url_enc(&what),
                    url_enc(&ind)
                )))
            } else {
                Ok(redirect(&format!(
                    "/assessments/{}/items/{}?saved={}",
                    id,
                    url_enc(&ind),
                    url_enc(&what)
                )))
            }
        }
        Err(Error::Invalid(e)) => {
            item_view(&st, &ctx, id, &ind, Some(&f), &errs_map(ctx.lang, &e), None).await
        }
        Err(Error::Forbidden(m)) | Err(Error::Locked(m)) => {
            let mut e = BTreeMap::new();
            e.insert("value".to_string(), m.text(ctx.lang).to_string());
            item_view(&st, &ctx, id, &ind, Some(&f), &e, None).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn item_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    Query(q): Query<PageQ>,
) -> Res {
    item_view(
        &st,
        &ctx,
        id,
        &ind,
        None,
        &BTreeMap::new(),
        q.saved.as_deref(),
    )
    .await
}

async fn item_view(
    st: &App,
    ctx: &Ctx,
    id: i64,
    ind: &str,
    typed: Option<&AnswerForm>,
    e: &BTreeMap<String, String>,
    saved: Option<&str>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access) = assessments::get(st, u, id).await?;
    if !access.sees_item(ind) {
        return Err(Error::NotFound.into());
    }
    let plan = assessments::plan(st, &a)?;
    let scheme = plan.scheme;
    let lf = plan
        .leaves
        .iter()
        .find(|x| x.ind.id == ind)
        .ok_or(Error::NotFound)?;
    let i = lf.ind;
    let rows = assessments::answers(st, &a, &access).await?;
    let ans = rows.iter().find(|r| r.indicator_id == ind);
    let mut body = String::new();
    if let Some(s) = saved {
        let _ = write!(
            body,
            r#"<div class="flash">{} {}</div>"#,
            l.t("已保存：", "Saved:"),
            esc(s)
        );
    }
    let _ = write!(
        body,
        r#"<p><a href="/assessments/{}?table={}#ind-{}">← {}</a></p><p class="path">{} · {}</p>"#,
        a.id,
        url_enc(&i.table),
        esc(&i.id),
        esc(&a.title),
        esc(&i.source()),
        esc(&i.path.join(" › "))
    );
    if access.sees_result() {
        body.push_str(&result_panel(l, &a, false));
    }
    // guidance
    let mut g = String::new();
    for (label, v) in [
        (l.t("评价内容", "Content"), &i.content),
        (l.t("评价要求", "Requirement"), &i.requirement),
        (l.t("评价方法", "Method"), &i.method),
        (l.t("评审依据及来源", "Evidence basis"), &i.evidence),
        (l.t("说明", "Note"), &i.note),
    ] {
        if let Some(v) = v {
            let _ = write!(g, "<p><b>{}</b>：{}</p>", label, esc(v));
        }
    }
    if let Some(c) = i.category {
        let _ = write!(
            g,
            "<p><b>{}</b>：{}</p>",
            l.t("指标类别", "Category"),
            c.as_str()
        );
    }
    if let Some(p) = i.points {
        let _ = write!(
            g,
            "<p><b>{}</b>：{}{}</p>",
            l.t("分值", "Points"),
            fmt_num(p),
            if i.half_points {
                l.t("（可给 0.5 分）", " (half points allowed)")
            } else {
                ""
            }
        );
    }
    if !i.levels.is_empty() {
        g.push_str(&format!(
            "<p><b>{}</b></p><ol>",
            l.t(
                "等级描述（0 = 未达第一级）",
                "Level descriptors (0 = below level 1)"
            )
        ));
        for lv in &i.levels {
            let _ = write!(g, "<li>{}</li>", esc(lv));
        }
        g.push_str("</ol>");
    }
    if scheme.method == Method::Dimensions && !scheme.guidance.is_empty() {
        let _ = write!(
            g,
            "<details><summary>{}</summary><table><tr><th>{}</th><th>{}</th></tr>",
            l.t("表4 评分系数参考", "表4 coefficient bands"),
            l.t("系数", "Coefficient"),
            l.t("参考要点", "Guidance")
        );
        for b in &scheme.guidance {
            let _ = write!(
                g,
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(&b.label),
                b.points
                    .iter()
                    .map(|p| esc(p))
                    .collect::<Vec<_>>()
                    .join("<br>")
            );
        }
        g.push_str("</table></details>");
    }
    for iid in &i.interpretations {
        if let Some(x) = scheme.interpretation(iid) {
            let _ = write!(
                g,
                "<p class=muted>{} {}：{} → {}</p>",
                esc(&x.id),
                esc(&x.clause),
                esc(&x.text),
                esc(&x.action)
            );
        }
    }
    let _ = write!(body, r#"<div class="card">{}</div>"#, g);
    // answer
    let cur_value: Option<Value> = ans
        .and_then(|r| r.value_json.as_deref())
        .and_then(|v| serde_json::from_str(v).ok());
    let draft = a.status == AssessmentStatus::Draft;
    let can_answer = draft && access.answer(i.category).is_ok();
    let can_upload = draft && access.upload_evidence(i.category).is_ok();
    let expert_points = matches!(access, Access::Expert(_)) && scheme.method == Method::Points;
    let mine: Option<repo::ExpertScore> = if expert_points {
        answers::expert_scores(st, u, &a, &access)
            .await?
            .into_iter()
            .find(|x| x.indicator_id == ind && x.expert_id == u.id)
    } else {
        None
    };
    let ge = |k: &str| e.get(k).map(|s| s.as_str());
    let mut f = String::new();
    let _ = write!(
        f,
        "<h2>{}</h2>",
        if expert_points {
            l.t("我的评分", "My score")
        } else {
            l.t("答案", "Answer")
        }
    );
    if !expert_points {
        let _ = write!(
            f,
            "<p>{}: <b>{}</b></p>",
            l.t("当前答案", "Current answer"),
            cur_value
                .as_ref()
                .map(|v| esc(&shown_value(v)))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "—".into())
        );
        if let Some(r) = ans {
            if let Some(s) = &r.source {
                let _ = write!(
                    f,
                    "<p class=muted>{}: {}</p>",
                    l.t("来源", "Source"),
                    esc(s.as_str())
                );
            }
            if !r.note.is_empty() {
                let _ = write!(
                    f,
                    "<p class=muted>{}: {}</p>",
                    l.t("备注", "Note"),
                    esc(&r.note)
                );
            }
        }
    }
    if can_answer {
        let value_typed =
            typed
                .map(|t| t.value.clone())
                .unwrap_or_else(|| match (&mine, &cur_value) {
                    (Some(m), _) => fmt_num(m.value),
                    (None, Some(Value::Number(n))) => n.to_string(),
                    (None, Some(Value::Object(m))) if m.contains_key("value") => {
                        m["value"].to_string()
                    }
                    _ => String::new(),
                });
        let note_typed = typed.map(|t| t.note.clone()).unwrap_or_else(|| {
            mine.as_ref()
                .map(|m| m.note.clone())
                .or(ans.map(|r| r.note.clone()))
                .unwrap_or_default()
        });
        let _ = write!(
            f,
            r#"<form method="post" action="/assessments/{}/items/{}/answer">{}"#,
            a.id,
            url_enc(ind),
            csrf_input(&ctx.csrf)
        );
        if plan.kind == AnswerKind::Level && !expert_points {
            let mut opts = vec![(String::new(), l.t("（未答）", "(unanswered)").to_string())];
            opts.push((
                "0".into(),
                l.t("0 · 未达第一级", "0 · below level 1").to_string(),
            ));
            for (n, d) in i.levels.iter().enumerate() {
                let short: String = d.chars().take(40).collect();
                opts.push(((n + 1).to_string(), format!("{} · {}", n + 1, short)));
            }
            f.push_str(&select(
                l.t("等级", "Level"),
                "value",
                &opts,
                &value_typed,
                ge("value"),
            ));
        } else if i.likert && !expert_points {
            let cur_l = match (&typed, &cur_value) {
                (Some(t), _) => t.likert.clone(),
                (None, Some(v)) if v.get("likert").is_some() => shown_value(v),
                _ => String::new(),
            };
            f.push_str(&field(
                l.t(
                    "问卷回答（1–5，逗号分隔）",
                    "Questionnaire responses (1–5, comma separated)",
                ),
                "likert",
                "text",
                &cur_l,
                ge("likert").or(ge("value")),
                "",
            ));
        } else if i.expert_panel && !expert_points {
            let cur_x = match (&typed, &cur_value) {
                (Some(t), _) => t.experts.clone(),
                (None, Some(v)) if v.get("experts").is_some() => shown_value(v),
                _ => String::new(),
            };
            f.push_str(&field(
                l.t(
                    "专家评分（至少 3 位，逗号分隔；或由指派的专家各自评分）",
                    "Expert scores (3 or more, comma separated; or each assigned expert scores)",
                ),
                "experts",
                "text",
                &cur_x,
                ge("experts").or(ge("value")),
                "",
            ));
        } else {
            f.push_str(&field(
                &kind_hint(l, plan.kind, lf.answer_max),
                "value",
                "number",
                &value_typed,
                ge("value"),
                r#"step="any""#,
            ));
        }
        if scheme.method == Method::Dimensions && !expert_points {
            let cur_s = typed
                .map(|t| t.source.clone())
                .or(ans.and_then(|r| r.source.map(|s| s.as_str().to_string())))
                .unwrap_or_default();
            let _ = write!(
                f,
                "<label>{}</label>{}{}",
                l.t("来源", "Source"),
                source_select(l, u, &access, &cur_s),
                err_html(ge("source"))
            );
        }
        let _ = write!(
            f,
            r#"<label for="f-note">{}</label><textarea id="f-note" name="note">{}</textarea>{}{}<p><button>{}</button></p></form>"#,
            l.t("备注", "Note"),
            esc(&note_typed),
            err_html(ge("note")),
            general_errors(
                e,
                &[
                    "value",
                    "likert",
                    "experts",
                    "source",
                    "note",
                    "file",
                    "expert_id"
                ]
            ),
            l.t("保存", "Save")
        );
    } else {
        if a.status != AssessmentStatus::Draft {
            let _ = write!(
                f,
                "<p class=muted>{}</p>",
                l.t(
                    "评价已提交并锁定。",
                    "The assessment is submitted and locked."
                )
            );
        }
        f.push_str(&err_html(ge("value")));
    }
    let _ = write!(body, r#"<div class="card">{}</div>"#, f);
    // expert scores and assignment
    let assigned: Vec<repo::Assignment> = answers::assignments(st, &a)
        .await?
        .into_iter()
        .filter(|x| x.indicator_id == ind)
        .collect();
    if !matches!(access, Access::Expert(_)) && (a.org_id.is_some() || !assigned.is_empty()) {
        let scores: Vec<repo::ExpertScore> = answers::expert_scores(st, u, &a, &access)
            .await?
            .into_iter()
            .filter(|x| x.indicator_id == ind)
            .collect();
        let mut x = format!("<h2>{}</h2><ul>", l.t("指派的专家", "Assigned experts"));
        for asg in &assigned {
            let ex = admin::user_name(st, asg.expert_id).await?;
            let sc = scores
                .iter()
                .find(|s| s.expert_id == asg.expert_id)
                .map(|s| fmt_num(s.value))
                .unwrap_or_else(|| "—".into());
            let _ = write!(
                x,
                "<li>{} · {} {}",
                esc(ex.as_deref().unwrap_or("?")),
                l.t("评分", "score"),
                sc
            );
            if access == Access::Edit && a.status == AssessmentStatus::Draft {
                let _ = write!(
                    x,
                    r#" <form method="post" action="/assessments/{}/items/{}/experts" class="inline-form">{}<input type="hidden" name="expert_id" value="{}"><input type="hidden" name="remove" value="1"><button class="danger">{}</button></form>"#,
                    a.id,
                    url_enc(ind),
                    csrf_input(&ctx.csrf),
                    asg.expert_id,
                    l.t("移除", "Remove")
                );
            }
            x.push_str("</li>");
        }
        x.push_str("</ul>");
        if access == Access::Edit && a.status == AssessmentStatus::Draft && a.org_id.is_some() {
            let experts: Vec<(String, String)> = admin::staff(st, u, a.org_id.unwrap_or(0))
                .await?
                .into_iter()
                .filter(|x| x.role == Role::Expert && !assigned.iter().any(|a| a.expert_id == x.id))
                .map(|x| (x.id.to_string(), x.name))
                .collect();
            if !experts.is_empty() {
                let _ = write!(
                    x,
                    r#"<form method="post" action="/assessments/{}/items/{}/experts" class="inline">{}{}<button>{}</button></form>"#,
                    a.id,
                    url_enc(ind),
                    csrf_input(&ctx.csrf),
                    select(
                        l.t("指派专家", "Assign expert"),
                        "expert_id",
                        &experts,
                        "",
                        ge("expert_id")
                    ),
                    l.t("指派", "Assign")
                );
            }
        }
        let _ = write!(body, r#"<div class="card">{}</div>"#, x);
    }
    // evidence
    let ev: Vec<repo::Evidence> = evidence::of(st, &a, &access)
        .await?
        .into_iter()
        .filter(|x| x.indicator_id == ind)
        .collect();
    let mut x = format!("<h2>{}</h2><ul>", l.t("证据文件", "Evidence"));
    for v in &ev {
        let _ = write!(
            x,
            r#"<li><a href="/evidence/{}">{}</a> <span class=muted>{} KB · {}</span></li>"#,
            v.id,
            esc(&v.file_name),
            (v.size + 1023) / 1024,
            when(&v.uploaded_at)
        );
    }
    x.push_str("</ul>");
    if can_upload {
        let _ = write!(
            x,
            r#"<form method="post" action="/assessments/{}/items/{}/evidence" enctype="multipart/form-data">{}<input type="file" name="file">{}<p class=muted>{} {} MB · {}</p><button>{}</button></form>"#,
            a.id,
            url_enc(ind),
            csrf_input(&ctx.csrf),
            err_html(ge("file")),
            l.t("上限", "Limit"),
            st.config.max_upload_bytes / 1024 / 1024,
            evidence_rules::TYPES
                .iter()
                .map(|(e, _)| *e)
                .collect::<Vec<_>>()
                .join(", "),
            l.t("上传", "Upload")
        );
    }
    let _ = write!(body, r#"<div class="card">{}</div>"#, x);
    // versions
    if !matches!(access, Access::Expert(_)) {
        let vs = answers::versions(st, &a, &access, Some(ind)).await?;
        if !vs.is_empty() {
            let mut x = format!("<h2>{}</h2><div class=tablewrap><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", l.t("修改记录", "Versions"), l.t("版本", "Revision"), l.t("答案", "Answer"), l.t("时间", "When"), l.t("备注", "Note"));
            for v in vs.iter().take(50) {
                let val = v
                    .value_json
                    .as_deref()
                    .and_then(|s| serde_json::from_str::<Value>(s).ok())
                    .map(|v| shown_value(&v))
                    .unwrap_or_else(|| "—".into());
                let _ = write!(
                    x,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    v.revision,
                    esc(&val),
                    when(&v.changed_at),
                    esc(&v.note)
                );
            }
            x.push_str("</table></div>");
            let _ = write!(body, r#"<div class="card">{}</div>"#, x);
        }
    }
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = format!(
        "{}{}",
        i.serial
            .as_deref()
            .map(|s| format!("{}. ", s))
            .unwrap_or_default(),
        i.path.last().cloned().unwrap_or_default()
    );
    Ok(with_status(status, page(&ctx.chrome(), &title, &body)))
}

async fn evidence_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    mut mp: Multipart,
) -> Res {
    let u = ctx.user()?;
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let next = mp.next_field().await.map_err(|e| {
            Error::Invalid(vec![FieldError::msg(
                "file",
                Msg {
                    zh: format!("上传数据无法读取：{}", e),
                    en: format!("The upload could not be read: {}", e),
                },
            )])
        })?;
        let Some(fl) = next else { break };
        match fl.name() {
            Some("csrf") => csrf = fl.text().await.unwrap_or_default(),
            Some("file") => {
                let name = fl.file_name().unwrap_or("").to_string();
                let data = fl.bytes().await.map_err(|_| {
                    let max = st.config.max_upload_bytes / 1024 / 1024;
                    Error::invalid(
                        "file",
                        format!("文件过大或上传中断；上限 {} MB", max),
                        format!(
                            "The file is too large or the upload broke off; the limit is {} MB",
                            max
                        ),
                    )
                })?;
                file = Some((name, data.to_vec()));
            }
            _ => {}
        }
    }
    ctx.check_csrf(&csrf)?;
    let (name, data) = file.unwrap_or_default();
    match evidence::add(&st, u, id, &ind, &name, &data).await {
        Ok(ev) => Ok(redirect(&format!(
            "/assessments/{}/items/{}?saved={}",
            id,
            url_enc(&ind),
            url_enc(&ev.file_name)
        ))),
        Err(Error::Invalid(e)) => {
            item_view(&st, &ctx, id, &ind, None, &errs_map(ctx.lang, &e), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ExpertForm {
    csrf: String,
    expert_id: String,
    remove: String,
}

async fn experts_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    Form(f): Form<ExpertForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let eid: i64 = f.expert_id.parse().unwrap_or(0);
    match answers::assign_expert(&st, u, id, &ind, eid, f.remove == "1").await {
        Ok(()) => Ok(redirect(&format!(
            "/assessments/{}/items/{}",
            id,
            url_enc(&ind)
        ))),
        Err(Error::Invalid(e)) => {
            item_view(&st, &ctx, id, &ind, None, &errs_map(ctx.lang, &e), None).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn submit(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    assessments::submit(&st, u, id).await?;
    Ok(redirect(&format!("/assessments/{}/result", id)))
}

async fn result_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access) = assessments::get(&st, u, id).await?;
    if !access.sees_result() {
        return Err(Error::NotFound.into());
    }
    let r = result_value(&a);
    let ev = &r["evaluation"];
    let mut body = format!(
        r#"<p><a href="/assessments/{}">← {}</a></p>"#,
        a.id,
        esc(&a.title)
    );
    body.push_str(&result_panel(l, &a, true));
    let _ = write!(
        body,
        r#"<p class="muted">{}: {} · {}: {} · {}: {}</p>"#,
        l.t("方案版本", "Scheme version"),
        esc(&a.scheme_version.clone().unwrap_or_default()[..a
            .scheme_version
            .as_deref()
            .map(|s| s.len().min(16))
            .unwrap_or(0)]),
        l.t("引擎", "Engine"),
        esc(a.engine_version.as_deref().unwrap_or("")),
        l.t("配置", "Profile"),
        esc(a
            .profile_hash
            .as_deref()
            .map(|h| &h[..h.len().min(16)])
            .unwrap_or("—"))
    );
    if let Some(gt) = ev["grade_trace"].as_array().filter(|v| !v.is_empty()) {
        let _ = write!(
            body,
            "<h2>{}</h2><ul>",
            l.t("等级判定", "Grade determination")
        );
        for s in gt {
            let _ = write!(
                body,
                "<li>{} {}: {}</li>",
                if s["met"].as_bool() == Some(true) {
                    "✔"
                } else {
                    "✘"
                },
                esc(s["code"].as_str().unwrap_or("")),
                esc(s["reason"].as_str().unwrap_or(""))
            );
        }
        body.push_str("</ul>");
    }
    if let Some(ds) = ev["dimensions"].as_array().filter(|v| !v.is_empty()) {
        let _ = write!(body, "<h2>{}</h2><div class=tablewrap><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", l.t("单项能力", "Dimensions"), l.t("维度", "Dimension"), l.t("权重", "Weight"), l.t("得分", "Score"), l.t("线上得分率", "Online ratio"), l.t("单项星级", "Single stars"));
        for d in ds {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}%</td><td>{}</td><td>{}</td><td>{}<div class=muted>{}</div></td></tr>",
                esc(d["name"].as_str().unwrap_or("")),
                d["weight"],
                d["score"],
                d["online_ratio"].as_f64().map(|x| format!("{}%", fmt_num(x))).unwrap_or_else(|| l.t("无线上指标", "no online items").into()),
                d["stars"],
                esc(d["stars_reason"].as_str().unwrap_or(""))
            );
        }
        body.push_str("</table></div>");
        if let Some(checks) = ev["stars_explained"]["checks"].as_array() {
            let _ = write!(
                body,
                "<h2>{}</h2><ul>",
                l.t("综合星级判定（表3）", "Comprehensive stars (表3)")
            );
            for c in checks {
                let _ = write!(
                    body,
                    "<li>{} {}★: {}</li>",
                    if c["met"].as_bool() == Some(true) {
                        "✔"
                    } else {
                        "✘"
                    },
                    c["stars"],
                    esc(c["reason"].as_str().unwrap_or(""))
                );
            }
            body.push_str("</ul>");
        }
    }
    if let Some(nodes) = ev["nodes"].as_array().filter(|v| !v.is_empty()) {
        let _ = write!(body, "<details><summary>{}</summary><div class=tablewrap><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>", l.t("各级指标得分", "Scores by group"), l.t("指标", "Group"), l.t("得分", "Earned"), l.t("满分", "Max"));
        for n in nodes.iter().take(400) {
            let path: Vec<&str> = n["path"]
                .as_array()
                .map(|p| p.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            let _ = write!(
                body,
                "<tr><td>{} {}</td><td>{}</td><td>{}</td></tr>",
                esc(n["table"].as_str().unwrap_or("")),
                esc(&path.join(" › ")),
                n["earned"],
                n["max"]
            );
        }
        body.push_str("</table></div></details>");
    }
    if let Some(ints) = ev["interpretations"].as_array().filter(|v| !v.is_empty()) {
        let _ = write!(
            body,
            "<details><summary>{} ({})</summary><ul>",
            l.t(
                "影响本结果的标准解释",
                "Interpretations that affected this result"
            ),
            ints.len()
        );
        for x in ints {
            let _ = write!(
                body,
                "<li><b>{}</b> {}：{} → {}</li>",
                esc(x["id"].as_str().unwrap_or("")),
                esc(x["clause"].as_str().unwrap_or("")),
                esc(x["text"].as_str().unwrap_or("")),
                esc(x["action"].as_str().unwrap_or(""))
            );
        }
        body.push_str("</ul></details>");
    }
    Ok(page(
        &ctx.chrome(),
        l.t("结果与解释", "Result and explanation"),
        &body,
    ))
}

async fn history_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access) = assessments::get(&st, u, id).await?;
    if matches!(access, Access::Expert(_)) {
        return Err(Error::NotFound.into());
    }
    let vs = answers::versions(&st, &a, &access, None).await?;
    let mut body = format!(
        r#"<p><a href="/assessments/{}">← {}</a></p><div class=tablewrap><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        a.id,
        esc(&a.title),
        l.t("版本", "Revision"),
        l.t("指标", "Indicator"),
        l.t("答案", "Answer"),
        l.t("时间", "When"),
        l.t("修改人", "By")
    );
    for v in vs.iter().take(500) {
        let by = admin::user_name(&st, v.changed_by)
            .await?
            .unwrap_or_default();
        let val = v
            .value_json
            .as_deref()
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .map(|v| shown_value(&v))
            .unwrap_or_else(|| "—".into());
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            v.revision,
            esc(&v.indicator_id),
            esc(&val),
            when(&v.changed_at),
            esc(&by)
        );
    }
    body.push_str("</table></div>");
    Ok(page(&ctx.chrome(), l.t("修改记录", "History"), &body))
}

async fn evidence_get(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let (ev, data) = evidence::file(&st, u, id).await?;
    let mut r = data.into_response();
    let h = r.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&ev.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let disp = format!(
        "attachment; filename=\"evidence-{}\"; filename*=UTF-8''{}",
        ev.id,
        url_enc(&ev.file_name)
    );
    h.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&disp).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "cache-control",
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}

// ---------------------------------------------------------------- administration

async fn admin_view(
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

async fn admin_page(State(st): State<App>, ctx: Ctx) -> Res {
    admin_view(&st, &ctx, None, &BTreeMap::new(), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InviteForm {
    csrf: String,
    #[serde(flatten)]
    input: InviteInput,
}

async fn admin_invite(State(st): State<App>, ctx: Ctx, Form(f): Form<InviteForm>) -> Res {
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
struct OrgForm {
    csrf: String,
    kind: String,
    name: String,
}

async fn admin_org(State(st): State<App>, ctx: Ctx, Form(f): Form<OrgForm>) -> Res {
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

async fn account_page(ctx: Ctx, Query(q): Query<PageQ>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let mut body = format!(
        r#"<div class="card"><p>{} · {} · {}</p></div>"#,
        esc(&u.name),
        esc(&u.email),
        role_label(l, u.role.as_str())
    );
    if let Some(t) = &q.token {
        let _ = write!(
            body,
            r#"<div class="flash">{} <code>{}</code></div>"#,
            l.t(
                "新的 API 令牌（只显示这一次）：",
                "New API token (shown only once):"
            ),
            esc(t)
        );
    }
    let _ = write!(
        body,
        r#"<div class="card"><h2>{}</h2><p class="muted">{}</p><form method="post" action="/account/tokens" class="inline">{}<input type="text" name="name" placeholder="{}" aria-label="{}"><button>{}</button></form></div>"#,
        l.t("API 令牌", "API tokens"),
        l.t("用于 /api/v1：请求头 Authorization: Bearer <令牌>。令牌与本账号权限相同。", "For /api/v1: header Authorization: Bearer <token>. A token has this account's permissions."),
        csrf_input(&ctx.csrf),
        l.t("名称", "name"),
        l.t("名称", "name"),
        l.t("创建令牌", "Create token")
    );
    Ok(page(&ctx.chrome(), l.t("账号", "Account"), &body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    csrf: String,
    name: String,
}

async fn account_token(State(st): State<App>, ctx: Ctx, Form(f): Form<TokenForm>) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let t = accounts::create_token(&st, u, &f.name).await?;
    // Shown once on the next page; the token is only in this redirect, never stored raw.
    Ok(redirect(&format!("/account?token={}", url_enc(&t))))
}

async fn audit_page(State(st): State<App>, ctx: Ctx) -> Res {
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
