//! Sign-in, sign-out, the language switch, sign-up, invitations and the account page.

use super::*;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/login", get(login_page).post(login_post))
        .route("/logout", post(logout))
        .route("/signup", get(signup_page).post(signup_post))
        .route("/lang/:lang", get(set_lang))
        .route("/invite/:token", get(invite_page).post(invite_post))
        .route("/account", get(account_page))
        .route("/account/tokens", post(account_token))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct NextQ {
    pub(super) next: Option<String>,
    pub(super) back: Option<String>,
}

pub(super) fn login_form(
    ctx: &Ctx,
    email: &str,
    next: &str,
    errs: &BTreeMap<String, String>,
) -> Response {
    let l = ctx.lang;
    let e = |k: &str| errs.get(k).map(|s| s.as_str());
    let body = html! {
        div.card {
            form method="post" action="/login" {
                (view::csrf(&ctx.csrf))
                input type="hidden" name="next" value=(next);
                (form_errors(errs, &["email", "password"]))
                (view::field(l.t("邮箱", "Email"), "email", "email", email, e("email"),
                    &[("autocomplete", "username"), ("required", "")]))
                (view::field(l.t("密码", "Password"), "password", "password", "", e("password"),
                    &[("autocomplete", "current-password"), ("required", "")]))
                p { button { (l.t("登录", "Sign in")) } }
            }
            p.muted { a href="/password/forgot" { (l.t("忘记密码？", "Forgot your password?")) } }
            p.muted {
                (l.t("企业还没有账号？", "No account for your enterprise yet?")) " "
                a href="/signup" { (l.t("注册", "Sign up")) }
            }
        }
    };
    view::page(&ctx.chrome(), l.t("登录", "Sign in"), body)
}

pub(super) async fn login_page(ctx: Ctx, Query(q): Query<NextQ>) -> Res {
    Ok(login_form(
        &ctx,
        "",
        &safe_next(q.next.as_deref()),
        &BTreeMap::new(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LoginForm {
    pub(super) csrf: String,
    pub(super) email: String,
    pub(super) password: String,
    pub(super) next: String,
}

pub(super) async fn login_post(
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
pub(super) struct CsrfForm {
    pub(super) csrf: String,
}

pub(super) async fn logout(State(st): State<App>, ctx: Ctx, Form(f): Form<CsrfForm>) -> Res {
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

pub(super) async fn set_lang(
    State(st): State<App>,
    Path(lang): Path<String>,
    Query(q): Query<NextQ>,
) -> Res {
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

pub(super) fn signup_form(
    st: &App,
    ctx: &Ctx,
    i: &SignupInput,
    e: &BTreeMap<String, String>,
) -> Response {
    let l = ctx.lang;
    let g = |k: &str| e.get(k).map(|s| s.as_str());
    let mut known: Vec<&str> = ENTERPRISE_KEYS.to_vec();
    known.extend(["email", "user_name", "password"]);
    let body = html! {
        div.card {
            form method="post" action="/signup" {
                (view::csrf(&ctx.csrf))
                (form_errors(e, &known))
                h2 { (l.t("账号", "Account")) }
                (view::field(l.t("邮箱", "Email"), "email", "email", &i.email, g("email"),
                    &[("autocomplete", "username"), ("required", "")]))
                (view::field(l.t("姓名", "Your name"), "user_name", "text", &i.user_name,
                    g("user_name"), &[("required", "")]))
                (view::field(
                    l.t("密码（至少 10 个字符）", "Password (10 characters or more)"),
                    "password", "password", "", g("password"),
                    &[("autocomplete", "new-password"), ("required", "")]))
                h2 { (l.t("企业", "Enterprise")) }
                (enterprise_inputs(st, l, &i.enterprise, e))
                p { button { (l.t("注册", "Sign up")) } }
            }
        }
    };
    view::page(&ctx.chrome(), l.t("企业注册", "Enterprise sign-up"), body)
}

pub(super) async fn signup_page(State(st): State<App>, ctx: Ctx) -> Res {
    Ok(signup_form(
        &st,
        &ctx,
        &SignupInput::default(),
        &BTreeMap::new(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SignupForm {
    pub(super) csrf: String,
    #[serde(flatten)]
    pub(super) input: SignupInput,
}

pub(super) async fn signup_post(State(st): State<App>, ctx: Ctx, Form(f): Form<SignupForm>) -> Res {
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

pub(super) fn invite_form(
    ctx: &Ctx,
    inv: &repo::Invitation,
    token: &str,
    name: &str,
    e: &BTreeMap<String, String>,
) -> Response {
    let l = ctx.lang;
    let g = |k: &str| e.get(k).map(|s| s.as_str());
    let body = html! {
        div.card {
            p {
                (l.t("邀请邮箱", "Invited address")) " " b { (inv.email) } " · "
                (role_label(l, inv.role.as_str()))
            }
            form method="post" action={ "/invite/" (token) } {
                (view::csrf(&ctx.csrf))
                (form_errors(e, &["name", "password"]))
                (view::field(l.t("姓名", "Your name"), "name", "text", name, g("name"),
                    &[("required", "")]))
                (view::field(
                    l.t("密码（至少 10 个字符）", "Password (10 characters or more)"),
                    "password", "password", "", g("password"),
                    &[("autocomplete", "new-password"), ("required", "")]))
                p { button { (l.t("接受邀请", "Accept invitation")) } }
            }
        }
    };
    view::page(&ctx.chrome(), l.t("接受邀请", "Accept invitation"), body)
}

pub(super) async fn invite_page(State(st): State<App>, ctx: Ctx, Path(token): Path<String>) -> Res {
    let inv = accounts::invitation(&st, &token)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(invite_form(&ctx, &inv, &token, &inv.name, &BTreeMap::new()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct InviteAcceptForm {
    pub(super) csrf: String,
    pub(super) name: String,
    pub(super) password: String,
}

pub(super) async fn invite_post(
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

pub(super) async fn account_page(ctx: Ctx, Query(q): Query<PageQ>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let body = html! {
        div.card {
            p { (u.name) " · " (u.email) " · " (role_label(l, u.role.as_str())) }
            @if u.role.org_kind() == Some(OrgKind::Body) {
                p { a href={ "/people/" (u.id) } { (l.t("我的能力记录与利益冲突声明", "My competence records and conflicts of interest")) } }
            }
        }
        @if let Some(t) = &q.token {
            div.flash {
                (l.t("新的 API 令牌（只显示这一次）：", "New API token (shown only once):")) " "
                code { (t) }
            }
        }
        div.card {
            h2 { (l.t("API 令牌", "API tokens")) }
            p.muted {
                (l.t(
                    "用于 /api/v1：请求头 Authorization: Bearer <令牌>。令牌与本账号权限相同。",
                    "For /api/v1: header Authorization: Bearer <token>. A token has this account's permissions.",
                ))
            }
            form.inline method="post" action="/account/tokens" {
                (view::csrf(&ctx.csrf))
                input type="text" name="name" placeholder=(l.t("名称", "name")) aria-label=(l.t("名称", "name"));
                button { (l.t("创建令牌", "Create token")) }
            }
        }
    };
    Ok(view::page(&ctx.chrome(), l.t("账号", "Account"), body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TokenForm {
    pub(super) csrf: String,
    pub(super) name: String,
}

pub(super) async fn account_token(
    State(st): State<App>,
    ctx: Ctx,
    Form(f): Form<TokenForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let t = accounts::create_token(&st, u, &f.name).await?;
    // Shown once on the next page; the token is only in this redirect, never stored raw.
    Ok(redirect(&format!("/account?token={}", url_enc(&t))))
}
