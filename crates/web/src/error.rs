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

pub use tianping_app::Error;
pub use tianping_domain::{FieldError, Msg};

use crate::html::Lang;

/// The HTTP status of an error.
pub fn status(e: &Error) -> StatusCode {
    match e {
        Error::NotFound => StatusCode::NOT_FOUND,
        Error::Unauthorized | Error::Login(_) => StatusCode::UNAUTHORIZED,
        Error::Csrf | Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Locked(_) => StatusCode::CONFLICT,
        Error::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The API form: application/problem+json naming the field at fault.
pub fn problem(e: &Error, l: Lang) -> Response {
    let errors: Vec<_> = match e {
        Error::Invalid(v) => v
            .iter()
            .map(|e| json!({"field": e.field, "message": e.message.text(l)}))
            .collect(),
        _ => Vec::new(),
    };
    let body = json!({
        "type": "about:blank",
        "title": e.title(l),
        "status": status(e).as_u16(),
        "detail": e.detail(l),
        "errors": errors,
    });
    let mut r = (status(e), body.to_string()).into_response();
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

/// The page form: a plain page with the title and the detail.
pub fn page(e: &Error, l: Lang) -> Response {
    let body = format!(
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{t}</title><link rel="stylesheet" href="{css}"></head><body><main class="narrow"><h1>{t}</h1><p>{d}</p><p><a href="/">{home}</a></p></main></body></html>"#,
        lang = l.code(),
        t = crate::html::esc(e.title(l)),
        d = crate::html::esc(&e.detail(l)),
        home = l.t("返回首页", "Home"),
        css = crate::html::stylesheet_href(),
    );
    (status(e), axum::response::Html(body)).into_response()
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
                problem(&r.error, lang)
            } else {
                page(&r.error, lang)
            };
            res.headers_mut().remove(CONTENT_LENGTH);
            *res.body_mut() = again.into_body();
        }
    }
    res
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
