//! Errors of the service, shared by pages and the API. Forbidden objects are reported as
//! not found, so that a refusal never reveals whether the object exists.
//!
//! Every message a user reads is a [`Msg`] in both languages. Error responses are rendered in
//! Chinese and marked; [`localize`] renders a marked response again in the caller's language
//! (pages: the language cookie; API: `Accept-Language`).

use std::sync::Arc;

use axum::extract::Request;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

pub use tianping_app::Error;
pub use tianping_domain::{FieldError, Msg};

use crate::html::Lang;

/// The HTTP status of an error.
pub fn status(e: &Error) -> StatusCode {
    match e {
        Error::NotFound => StatusCode::NOT_FOUND,
        Error::Unauthorized | Error::Login(_) => StatusCode::UNAUTHORIZED,
        Error::Csrf | Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::Invalid(_) | Error::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Locked(_) | Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
        Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The API form: application/problem+json naming the field at fault.
pub fn problem(e: &Error, l: Lang) -> Response {
    problem_at(e, l, status(e))
}

/// [`problem`] with another status (a framework error keeps its own).
fn problem_at(e: &Error, l: Lang, status: StatusCode) -> Response {
    let errors: Vec<_> = match e {
        Error::Invalid(v) => v
            .iter()
            .map(|e| json!({"field": e.field, "message": e.message.text(l)}))
            .collect(),
        Error::Refused(v) => v
            .iter()
            .map(|r| json!({"rule": r.rule, "clause": r.clause, "message": r.message.text(l)}))
            .collect(),
        _ => Vec::new(),
    };
    let body = json!({
        "type": "about:blank",
        "title": e.title(l),
        "status": status.as_u16(),
        "detail": e.detail(l),
        "errors": errors,
    });
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/problem+json"),
    );
    if matches!(e, Error::Unauthorized) {
        r.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer"),
        );
    }
    r
}

/// The page form: the title and the detail in the normal layout (signed-in or not, the
/// error page shows no personal navigation), with a link home.
pub fn page(e: &Error, l: Lang) -> Response {
    page_at(e, l, status(e))
}

/// [`page`] with another status (a framework error keeps its own).
fn page_at(e: &Error, l: Lang, status: StatusCode) -> Response {
    let chrome = crate::html::Chrome {
        lang: l,
        user: None,
        csrf: "",
        path: "/",
        unread: 0,
    };
    let body = maud::html! {
        div.card {
            p { (e.detail(l)) }
            p { a href="/" { (l.t("返回首页", "Home")) } }
        }
    };
    crate::view::page_with(status, &chrome, e.title(l), body)
}

/// What a response that the framework made by itself (an unknown route, a body over the
/// size limit, a form or query it could not read, a wrong method) means, as our error, so
/// that it is shown like every other error: in the layout or as problem+json, in the
/// caller's language. Its status is kept.
fn framework_error(status: StatusCode, limit_bytes: usize) -> Error {
    match status {
        StatusCode::NOT_FOUND => Error::NotFound,
        StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = if limit_bytes >= 1024 * 1024 {
                format!("{} MB", limit_bytes / 1024 / 1024)
            } else {
                format!("{} KB", limit_bytes / 1024)
            };
            Error::invalid(
                "file",
                format!("上传的内容过大，上限 {}", limit),
                format!("The upload is too large; the limit is {}", limit),
            )
        }
        StatusCode::METHOD_NOT_ALLOWED => Error::forbidden(
            "这个地址不支持这种请求方式",
            "This address does not accept this kind of request",
        ),
        s if s.is_client_error() => Error::invalid(
            "",
            "提交的内容无法读取（表单字段或网址参数格式不对），请返回上一页重试",
            "The request could not be read (a form field or an address parameter is malformed); go back and try again",
        ),
        _ => Error::Internal(format!("HTTP {}", status)),
    }
}

/// Log an internal error once, and mark the response for [`localize`].
fn respond(e: Error, api: bool) -> Response {
    if let Error::Internal(m) = &e {
        eprintln!("internal error: {}", m);
    }
    let mut r = if api {
        problem(&e, Lang::Zh)
    } else {
        page(&e, Lang::Zh)
    };
    r.extensions_mut().insert(Rendered {
        error: Arc::new(e),
        api,
    });
    r
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

/// Middleware: render marked error responses in the caller's language, and the framework's
/// own plain-text errors like ours.
pub async fn localize(
    axum::extract::State(app): axum::extract::State<tianping_app::App>,
    req: Request,
    next: Next,
) -> Response {
    let page_lang = crate::auth::cookie_lang(req.headers());
    let api_lang = accept_language(
        req.headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let (error, api) = match res.extensions_mut().remove::<Rendered>() {
        Some(r) if (if r.api { api_lang } else { page_lang }) == Lang::Zh => return res,
        Some(r) => (r.error, r.api),
        None if is_framework_error(&res) => {
            let e = framework_error(res.status(), app.config.max_upload_bytes);
            (Arc::new(e), api)
        }
        None => return res,
    };
    let lang = if api { api_lang } else { page_lang };
    let keep = res.status();
    let mut again = if api {
        problem_at(&error, lang, keep)
    } else {
        page_at(&error, lang, keep)
    };
    let own: Vec<_> = again.headers().keys().cloned().collect();
    for (k, v) in res.headers() {
        if !own.contains(k) && k != CONTENT_LENGTH {
            again.headers_mut().append(k.clone(), v.clone());
        }
    }
    again
}

/// An error status whose body is not ours (plain text or empty).
fn is_framework_error(res: &Response) -> bool {
    let s = res.status();
    (s.is_client_error() || s.is_server_error())
        && res
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|ct| ct.starts_with("text/plain"))
}

/// Page handlers return this: errors come out as pages (sign-in needed: a redirect).
#[derive(Debug)]
pub struct PageError(pub Error);

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match &self.0 {
            Error::Login(next) => {
                Redirect::to(&format!("/login?next={}", crate::html::url_enc(next))).into_response()
            }
            _ => respond(self.0, false),
        }
    }
}

/// API handlers return this so that errors come out as problem+json.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        respond(self.0, true)
    }
}
