//! Errors of the service, shared by pages and the API. Forbidden objects are reported as
//! not found, so that a refusal never reveals whether the object exists.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use serde_json::json;
use tianping_store::StoreError;

/// A problem with one input field: which field, and what to fix (in Chinese).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug)]
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
    Forbidden(String),
    Invalid(Vec<FieldError>),
    /// Submitted assessments are locked.
    Locked(String),
    Throttled(String),
    Internal(String),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => {
                Error::Invalid(vec![FieldError::new("", format!("与已有数据冲突：{}", m))])
            }
            other => Error::Internal(other.to_string()),
        }
    }
}

impl Error {
    pub fn invalid(field: &str, message: impl Into<String>) -> Error {
        Error::Invalid(vec![FieldError::new(field, message)])
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

    pub fn title(&self) -> &'static str {
        match self {
            Error::NotFound => "未找到（或无权访问）",
            Error::Unauthorized | Error::Login(_) => "需要登录",
            Error::Csrf => "表单已失效（CSRF 校验失败），请刷新页面后重试",
            Error::Forbidden(_) => "无权执行此操作",
            Error::Invalid(_) => "输入有误",
            Error::Locked(_) => "已提交锁定，不能修改",
            Error::Throttled(_) => "尝试次数过多",
            Error::Internal(_) => "服务器内部错误",
        }
    }

    pub fn detail(&self) -> String {
        match self {
            Error::Invalid(v) => v
                .iter()
                .map(|e| {
                    if e.field.is_empty() {
                        e.message.clone()
                    } else {
                        format!("{}：{}", e.field, e.message)
                    }
                })
                .collect::<Vec<_>>()
                .join("；"),
            Error::Forbidden(m) | Error::Locked(m) | Error::Throttled(m) => m.clone(),
            Error::Internal(_) => "请稍后再试；问题已记录".into(),
            _ => self.title().into(),
        }
    }

    /// The API form: application/problem+json naming the field at fault.
    pub fn problem(&self) -> Response {
        if let Error::Internal(m) = self {
            eprintln!("internal error: {}", m);
        }
        let errors: Vec<FieldError> = match self {
            Error::Invalid(v) => v.clone(),
            _ => Vec::new(),
        };
        let body = json!({
            "type": "about:blank",
            "title": self.title(),
            "status": self.status().as_u16(),
            "detail": self.detail(),
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
}

/// As a page response (handlers of the browser routes return this).
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match &self {
            Error::Login(next) => {
                Redirect::to(&format!("/login?next={}", crate::html::url_enc(next))).into_response()
            }
            Error::Internal(m) => {
                eprintln!("internal error: {}", m);
                simple_page(self.status(), self.title(), &self.detail())
            }
            _ => simple_page(self.status(), self.title(), &self.detail()),
        }
    }
}

fn simple_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{t}</title></head><body style="font-family:sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem"><h1>{t}</h1><p>{d}</p><p><a href="/">返回首页 / Home</a></p></body></html>"#,
        t = crate::html::esc(title),
        d = crate::html::esc(detail)
    );
    (status, axum::response::Html(body)).into_response()
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
        self.0.problem()
    }
}
