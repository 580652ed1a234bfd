//! Errors of the service, shared by pages and the API. Forbidden objects are reported as
//! not found, so that a refusal never reveals whether the object exists.
//!
//! Every message a user reads is a [`Msg`] in both languages. Error responses are rendered in
//! Chinese and marked; [`localize`] renders a marked response again in the caller's language
//! (pages: the language cookie; API: `Accept-Language`).

use std::sync::Arc;

use axum::extract::Request;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_LENGTH};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use tianping_store::StoreError;

use crate::html::Lang;

/// A message for people, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A detail that exists only in Chinese (from the core, the calculators, the catalog or
    /// the store): as is in Chinese; in English after a sentence saying what is at fault.
    pub fn wrap(en: &str, zh_detail: impl Into<String>) -> Msg {
        let zh = zh_detail.into();
        Msg {
            en: format!("{}: {}", en, zh),
            zh,
        }
    }

    pub fn text(&self, lang: Lang) -> &str {
        lang.t(&self.zh, &self.en)
    }
}

/// A problem with one input field: which field, and what to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: Msg,
}

impl FieldError {
    pub fn new(field: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
        FieldError::msg(field, Msg::new(zh, en))
    }

    pub fn msg(field: &str, message: Msg) -> FieldError {
        FieldError {
            field: field.into(),
            message,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Error {
    /// Not there, or not yours.
    NotFound,
    /// Not signed in (API: no or bad token).
    Unauthorized,
    /// A page that needs a session: sign in, then come back to this path.
    Login(String),
    /// The form's CSRF token is missing or wrong.
    Csrf,
    /// Allowed to see it but not to do this (only used where seeing is already allowed).
    Forbidden(Msg),
    Invalid(Vec<FieldError>),
    /// Submitted assessments are locked.
    Locked(Msg),
    Throttled(Msg),
    Internal(String),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => Error::Invalid(vec![FieldError::msg(
                "",
                Msg {
                    zh: format!("与已有数据冲突：{}", m),
                    en: format!("Conflicts with existing data: {}", m),
                },
            )]),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl Error {
    pub fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Invalid(vec![FieldError::new(field, zh, en)])
    }

    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Forbidden(Msg::new(zh, en))
    }

    pub fn locked(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Locked(Msg::new(zh, en))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Unauthorized | Error::Login(_) => StatusCode::UNAUTHORIZED,
            Error::Csrf | Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Locked(_) => StatusCode::CONFLICT,
            Error::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn title(&self, l: Lang) -> &'static str {
        match self {
            Error::NotFound => l.t("未找到（或无权访问）", "Not found (or not accessible)"),
            Error::Unauthorized | Error::Login(_) => l.t("需要登录", "Sign-in required"),
            Error::Csrf => l.t(
                "表单已失效（CSRF 校验失败），请刷新页面后重试",
                "The form has expired (CSRF check failed); reload the page and try again",
            ),
            Error::Forbidden(_) => l.t("无权执行此操作", "Not allowed"),
            Error::Invalid(_) => l.t("输入有误", "Invalid input"),
            Error::Locked(_) => l.t("已提交锁定，不能修改", "Submitted and locked; no changes"),
            Error::Throttled(_) => l.t("尝试次数过多", "Too many attempts"),
            Error::Internal(_) => l.t("服务器内部错误", "Internal server error"),
        }
    }

    pub fn detail(&self, l: Lang) -> String {
        match self {
            Error::Invalid(v) => v
                .iter()
                .map(|e| {
                    let m = e.message.text(l);
                    match (e.field.is_empty(), l) {
                        (true, _) => m.to_string(),
                        (false, Lang::Zh) => format!("{}：{}", e.field, m),
                        (false, Lang::En) => format!("{}: {}", e.field, m),
                    }
                })
                .collect::<Vec<_>>()
                .join(l.t("；", "; ")),
            Error::Forbidden(m) | Error::Locked(m) | Error::Throttled(m) => m.text(l).to_string(),
            Error::Internal(_) => l
                .t(
                    "请稍后再试；问题已记录",
                    "Please try again later; the problem has been logged",
                )
                .into(),
            _ => self.title(l).into(),
        }
    }

    /// The API form: application/problem+json naming the field at fault.
    pub fn problem(&self, l: Lang) -> Response {
        let errors: Vec<_> = match self {
            Error::Invalid(v) => v
                .iter()
                .map(|e| json!({"field": e.field, "message": e.message.text(l)}))
                .collect(),
            _ => Vec::new(),
        };
        let body = json!({
            "type": "about:blank",
            "title": self.title(l),
            "status": self.status().as_u16(),
            "detail": self.detail(l),
            "errors": errors,
        });
        let mut r = (self.status(), body.to_string()).into_response();
        r.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/problem+json"),
        );
        if matches!(self, Error::Unauthorized) {
            r.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        r
    }

    /// The page form: a plain page with the title and the detail.
    pub fn page(&self, l: Lang) -> Response {
        let body = format!(
            r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{t}</title></head><body style="font-family:sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem"><h1>{t}</h1><p>{d}</p><p><a href="/">{home}</a></p></body></html>"#,
            lang = l.code(),
            t = crate::html::esc(self.title(l)),
            d = crate::html::esc(&self.detail(l)),
            home = l.t("返回首页", "Home"),
        );
        (self.status(), axum::response::Html(body)).into_response()
    }

    /// Log an internal error once, and mark the response for [`localize`].
    fn respond(self, api: bool) -> Response {
        if let Error::Internal(m) = &self {
            eprintln!("internal error: {}", m);
        }
        let mut r = if api {
            self.problem(Lang::Zh)
        } else {
            self.page(Lang::Zh)
        };
        r.extensions_mut().insert(Rendered {
            error: Arc::new(self),
            api,
        });
        r
    }
}

/// An error response waiting for the caller's language.
#[derive(Clone)]
struct Rendered {
    error: Arc<Error>,
    api: bool,
}

/// The API language: English when the caller's `Accept-Language` prefers English (highest
/// q-value; the first of equals), Chinese otherwise.
pub fn accept_language(header: Option<&str>) -> Lang {
    let mut best: Option<(f32, bool)> = None;
    for part in header.unwrap_or("").split(',') {
        let mut it = part.split(';');
        let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
        if tag.is_empty() {
            continue;
        }
        let q = it
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let en = tag == "en" || tag.starts_with("en-");
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, en));
        }
    }
    match best {
        Some((_, true)) => Lang::En,
        _ => Lang::Zh,
    }
}

/// Middleware: render marked error responses in the caller's language.
pub async fn localize(req: Request, next: Next) -> Response {
    let page_lang = crate::auth::cookie_lang(req.headers());
    let api_lang = accept_language(
        req.headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let mut res = next.run(req).await;
    if let Some(r) = res.extensions_mut().remove::<Rendered>() {
        let lang = if r.api { api_lang } else { page_lang };
        if lang != Lang::Zh {
            let again = if r.api {
                r.error.problem(lang)
            } else {
                r.error.page(lang)
            };
            res.headers_mut().remove(CONTENT_LENGTH);
            *res.body_mut() = again.into_body();
        }
    }
    res
}

/// As a page response (handlers of the browser routes return this).
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match &self {
            Error::Login(next) => {
                Redirect::to(&format!("/login?next={}", crate::html::url_enc(next))).into_response()
            }
            _ => self.respond(false),
        }
    }
}

/// API handlers return this so that errors come out as problem+json.
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.respond(true)
    }
}
