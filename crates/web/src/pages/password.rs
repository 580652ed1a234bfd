//! Forgotten passwords: ask for a link by e-mail (the same answer whether or not the address
//! has an account), and set a new password with it.

use tianping_app::reset;

use super::*;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/password/forgot", get(forgot_page).post(forgot_post))
        .route("/password/reset/:token", get(reset_page).post(reset_post))
}

fn title(l: Lang) -> &'static str {
    l.t("忘记密码", "Forgot password")
}

fn forgot_form(st: &App, ctx: &Ctx, email: &str, errs: &BTreeMap<String, String>) -> Response {
    let l = ctx.lang;
    let body = if !reset::available(st) {
        html! {
            div.card {
                p {
                    (l.t(
                        "本系统没有配置邮件发送，不能通过邮件重设密码。请联系你所在机构的管理员或系统管理员。",
                        "This installation sends no e-mail, so passwords cannot be reset by e-mail. Please ask your organisation's administrator or the system administrator.",
                    ))
                }
                p { a href="/login" { (l.t("返回登录", "Back to sign-in")) } }
            }
        }
    } else {
        html! {
            div.card {
                p.muted {
                    (l.t(
                        "输入账号的邮箱，我们会发送一个重设密码的链接，1 小时内有效。",
                        "Enter your account's e-mail address and we will send a link to set a new password, valid for 1 hour.",
                    ))
                }
                form method="post" action="/password/forgot" {
                    (view::csrf(&ctx.csrf))
                    (form_errors(errs, &["email"]))
                    (view::field(l.t("邮箱", "Email"), "email", "email", email,
                        errs.get("email").map(|s| s.as_str()),
                        &[("autocomplete", "username"), ("required", "")]))
                    p { button { (l.t("发送重设链接", "Send the link")) } }
                }
            }
        }
    };
    view::page(&ctx.chrome(), title(l), body)
}

pub(super) async fn forgot_page(State(st): State<App>, ctx: Ctx) -> Res {
    Ok(forgot_form(&st, &ctx, "", &BTreeMap::new()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ForgotForm {
    csrf: String,
    email: String,
}

pub(super) async fn forgot_post(State(st): State<App>, ctx: Ctx, Form(f): Form<ForgotForm>) -> Res {
    ctx.check_csrf(&f.csrf)?;
    let l = ctx.lang;
    match reset::request(&st, &f.email).await {
        Ok(()) if reset::available(&st) => {
            let body = html! {
                div.card {
                    p {
                        (l.t("如果 ", "If ")) b { (f.email.trim()) }
                        (l.t(
                            " 是已注册的账号，我们已向它发送一封重设密码的邮件。链接 1 小时内有效，只能使用一次；再次申请后，之前的链接失效。",
                            " has an account, we have sent it an e-mail to reset the password. The link works for 1 hour and only once; asking again makes earlier links stop working.",
                        ))
                    }
                    p.muted {
                        (l.t(
                            "几分钟内没有收到？请查看垃圾邮件，或稍后再申请。",
                            "Nothing after a few minutes? Look in the spam folder, or ask again later.",
                        ))
                    }
                    p { a href="/login" { (l.t("返回登录", "Back to sign-in")) } }
                }
            };
            Ok(view::page(&ctx.chrome(), title(l), body))
        }
        Ok(()) => Ok(forgot_form(&st, &ctx, &f.email, &BTreeMap::new())),
        Err(Error::Invalid(e)) => Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            forgot_form(&st, &ctx, &f.email, &errs_map(l, &e)),
        )),
        Err(e) => Err(e.into()),
    }
}

/// A link that does not work (used, replaced, expired or never issued): 404, with the way to
/// ask for a new one.
fn dead_link(ctx: &Ctx) -> Response {
    let l = ctx.lang;
    let body = html! {
        div.card {
            p {
                (l.t(
                    "这个重设密码的链接无效：可能已经用过、已过期（1 小时内有效），或已被更新的链接取代。",
                    "This reset link does not work: it was used already, has expired (it works for 1 hour), or a newer link replaced it.",
                ))
            }
            p { a.button href="/password/forgot" { (l.t("重新申请", "Ask for a new link")) } }
        }
    };
    view::page_with(
        StatusCode::NOT_FOUND,
        &ctx.chrome(),
        l.t("重设密码", "Reset password"),
        body,
    )
}

fn reset_form(ctx: &Ctx, token: &str, email: &str, errs: &BTreeMap<String, String>) -> Response {
    let l = ctx.lang;
    let body = html! {
        div.card {
            p { (l.t("账号", "Account")) " " b { (email) } }
            form method="post" action={ "/password/reset/" (token) } {
                (view::csrf(&ctx.csrf))
                (form_errors(errs, &["password"]))
                (view::field(
                    l.t("新密码（至少 10 个字符）", "New password (10 characters or more)"),
                    "password", "password", "", errs.get("password").map(|s| s.as_str()),
                    &[("autocomplete", "new-password"), ("required", "")]))
                p.muted {
                    (l.t(
                        "设置后，这个账号在所有设备上的登录都会退出。",
                        "Once it is set, this account is signed out on every device.",
                    ))
                }
                p { button { (l.t("设置新密码", "Set the new password")) } }
            }
        }
    };
    view::page(&ctx.chrome(), l.t("重设密码", "Reset password"), body)
}

pub(super) async fn reset_page(State(st): State<App>, ctx: Ctx, Path(token): Path<String>) -> Res {
    match reset::target(&st, &token).await? {
        Some(u) => Ok(reset_form(&ctx, &token, &u.email, &BTreeMap::new())),
        None => Ok(dead_link(&ctx)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ResetForm {
    csrf: String,
    password: String,
}

pub(super) async fn reset_post(
    State(st): State<App>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<ResetForm>,
) -> Res {
    ctx.check_csrf(&f.csrf)?;
    let l = ctx.lang;
    match reset::reset(&st, &token, &f.password).await {
        Ok(u) => {
            let body = html! {
                div.card {
                    p {
                        (l.t(
                            "密码已重设。这个账号原来的登录已全部退出，请用新密码登录。",
                            "The password is reset. Every earlier sign-in of this account has ended; sign in with the new password.",
                        ))
                    }
                    p { a.button href="/login" { (l.t("登录", "Sign in")) } }
                }
            };
            let mut r = view::page(&ctx.chrome(), l.t("重设密码", "Reset password"), body);
            if ctx.user.as_ref().is_some_and(|x| x.id == u.id) {
                // this browser's session was one of those ended
                r.headers_mut().append(
                    SET_COOKIE,
                    auth::set_cookie(SESSION_COOKIE, "", 0, st.config.secure_cookies, true),
                );
            }
            Ok(r)
        }
        Err(Error::Invalid(e)) => match reset::target(&st, &token).await? {
            Some(u) => Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                reset_form(&ctx, &token, &u.email, &errs_map(l, &e)),
            )),
            None => Ok(dead_link(&ctx)),
        },
        Err(Error::NotFound) => Ok(dead_link(&ctx)),
        Err(e) => Err(e.into()),
    }
}
