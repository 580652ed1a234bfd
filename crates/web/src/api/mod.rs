//! `/api/v1`: JSON for enterprises, assessments, answers and results, with the same
//! permissions as the pages (the same service functions). Authentication is a bearer token
//! (`POST /api/v1/tokens` with email and password, or the account page). Errors are
//! `application/problem+json` with an `errors` list naming the field at fault. Lists are
//! paginated with `page` and `per_page` (at most 100).
//!
//! One module per feature, each with its own routes: [`tokens`] (tokens and the caller),
//! [`schemes`], [`enterprises`], [`assessments`], [`answers`] (answers and results). This
//! module holds the router and what they share: the [`Caller`] extractor, body parsing,
//! paging and the list envelope.

mod answers;
mod assessments;
mod enterprises;
mod openapi;
mod schemes;
mod tokens;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tianping_app::{repo, App};

use crate::auth::ApiUser;
use crate::error::{ApiError, Error, FieldError};

pub use openapi::openapi_doc;

type ApiRes = Result<Response, ApiError>;

/// The API's router while it is built: every route is registered through [`Routes::route`],
/// which also records its path.
struct Routes {
    router: Router<App>,
    paths: Vec<&'static str>,
}

impl Routes {
    fn route(mut self, path: &'static str, method_router: MethodRouter<App>) -> Routes {
        self.router = self.router.route(path, method_router);
        self.paths.push(path);
        self
    }
}

fn build() -> Routes {
    let r = Routes {
        router: Router::new(),
        paths: Vec::new(),
    }
    .route("/openapi.json", get(openapi::openapi));
    let r = tokens::routes(r);
    let r = schemes::routes(r);
    let r = enterprises::routes(r);
    let r = assessments::routes(r);
    answers::routes(r)
}

pub fn routes() -> Router<App> {
    build()
        .router
        .fallback(|| async { ApiError(Error::NotFound) })
}

/// API routes take a bearer token; a missing or bad one is a 401 problem.
pub struct Caller(pub repo::User);

#[axum::async_trait]
impl axum::extract::FromRequestParts<App> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &App,
    ) -> Result<Self, ApiError> {
        let ApiUser(u) = ApiUser::from_request_parts(parts, state).await?;
        Ok(Caller(u))
    }
}

fn ok<T: serde::Serialize>(status: StatusCode, v: T) -> ApiRes {
    Ok((status, Json(v)).into_response())
}

/// Parse a JSON object body into a form-like input (all fields as text): numbers and booleans
/// are accepted for text fields; unknown fields and nested values are refused by name.
fn parse_body<T: DeserializeOwned>(body: &Bytes, allowed: &[&str]) -> Result<T, Error> {
    let v: Value = serde_json::from_slice(body).map_err(bad_json)?;
    let Value::Object(m) = v else {
        return Err(Error::invalid(
            "",
            "请求体应为 JSON 对象",
            "The request body must be a JSON object",
        ));
    };
    let mut out = Map::new();
    let mut errs = Vec::new();
    for (k, v) in m {
        if !allowed.contains(&k.as_str()) {
            errs.push(unknown_field(&k, allowed));
            continue;
        }
        let s = match v {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            _ => {
                errs.push(FieldError::new(
                    &k,
                    "应为字符串或数字",
                    "Must be a string or a number",
                ));
                continue;
            }
        };
        out.insert(k, Value::String(s));
    }
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    serde_json::from_value(Value::Object(out))
        .map_err(|e| Error::invalid("", e.to_string(), e.to_string()))
}

fn bad_json(e: serde_json::Error) -> Error {
    Error::invalid(
        "",
        format!("请求体不是有效的 JSON：{}", e),
        format!("The request body is not valid JSON: {}", e),
    )
}

fn unknown_field(k: &str, allowed: &[&str]) -> FieldError {
    FieldError::new(
        k,
        format!("未知字段；可用字段：{}", allowed.join("、")),
        format!("Unknown field; known fields: {}", allowed.join(", ")),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQ {
    page: Option<String>,
    per_page: Option<String>,
    enterprise_id: Option<String>,
}

fn paging(q: &PageQ) -> Result<(i64, i64), Error> {
    let page = match q.page.as_deref() {
        None | Some("") => 1,
        Some(p) => p.parse::<i64>().ok().filter(|p| *p >= 1).ok_or_else(|| {
            Error::invalid(
                "page",
                "page 应为 ≥ 1 的整数",
                "page must be a whole number ≥ 1",
            )
        })?,
    };
    let per = match q.per_page.as_deref() {
        None | Some("") => 20,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=100).contains(p))
            .ok_or_else(|| {
                Error::invalid(
                    "per_page",
                    "per_page 应为 1 至 100 的整数",
                    "per_page must be a whole number from 1 to 100",
                )
            })?,
    };
    Ok((page, per))
}

fn list<T: serde::Serialize>(items: Vec<T>, page: i64, per: i64, total: i64) -> Value {
    json!({"items": items, "page": page, "per_page": per, "total": total,
           "pages": ((total + per - 1) / per).max(1)})
}

/// A path id: one that is not a number is not found, like a missing one.
fn parse_id(id: &str) -> Result<i64, Error> {
    id.parse().map_err(|_| Error::NotFound)
}
