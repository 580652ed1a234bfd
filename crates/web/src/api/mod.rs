//! `/api/v1`: JSON for enterprises, assessments, answers and results, with the same
//! permissions as the pages (the same service functions). Authentication is a bearer token
//! (`POST /api/v1/tokens` with email and password, or the account page). Errors are
//! `application/problem+json` with an `errors` list naming the field at fault. Lists are
//! paginated with `page` and `per_page` (at most 100).
//!
//! One module per feature, each with its own routes, typed views and OpenAPI operations:
//! [`tokens`] (tokens and the caller), [`schemes`], [`enterprises`], [`assessments`],
//! [`answers`] (answers and results), [`batch`] (answers in bulk, a result per row), [`exports`] (Excel templates, imports and
//! exports, the regulator's monthly report),
//! [`submission`] (submit, withdraw), [`onsite`] (an on-site assessment from a
//! self-assessment, comparing two assessments), [`audit`] (the audit log), [`notifications`] (the
//! caller's inbox), [`review`] (verification and proposals), [`people`] (a body's people:
//! competence records, qualified auditors, conflicts of interest), [`questionnaires`]
//! (questionnaires of an on-site assessment: open, results, close, apply), [`cases`] (certification
//! cases), [`case_files`] (their documents), [`documents`] (the PDF reports and certificates),
//! [`insight`] (the gap to the next outcome, what-if, trend, peers, a body's clients; I-23)
//! and [`public`] (the public registers and notices,
//! no token). This module holds the router and
//! what they share: the [`Caller`] extractor, body parsing, paging, the list envelope and the
//! problem responses.
//! [`openapi`] assembles the OpenAPI document from the operations' annotations.

mod answers;
mod assessments;
mod audit;
mod batch;
mod capability;
mod case_files;
mod cases;
mod distance;
mod documents;
mod enterprises;
mod exports;
mod insight;
mod notifications;
mod onsite;
mod openapi;
mod people;
mod points;
mod public;
mod questionnaires;
mod review;
mod schemes;
mod stars;
mod submission;
mod tokens;

use std::borrow::Cow;

use axum::body::Bytes;
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tianping_app::{repo, App};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{Schema, Type};
use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoParams, ToResponse, ToSchema};

use crate::auth::ApiUser;
use crate::error::{ApiError, Error, FieldError};

pub use openapi::openapi_doc;

/// What a handler answers: its typed view as JSON, or a problem.
type ApiRes<T> = Result<Json<T>, ApiError>;
/// What a handler that creates something answers: 201 and its view, or a problem.
type Created<T> = Result<(axum::http::StatusCode, Json<T>), ApiError>;

fn created<T>(v: T) -> Created<T> {
    Ok((axum::http::StatusCode::CREATED, Json(v)))
}

/// The API's router while it is built: every route is registered through [`Routes::route`],
/// which also records its path (see [`route_paths`]).
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
    .route("/openapi.json", get(openapi::get_openapi));
    let r = tokens::routes(r);
    let r = schemes::routes(r);
    let r = enterprises::routes(r);
    let r = assessments::routes(r);
    let r = documents::routes(r);
    let r = insight::routes(r);
    let r = submission::routes(r);
    let r = cases::routes(r);
    let r = stars::routes(r);
    let r = case_files::routes(r);
    let r = capability::routes(r);
    let r = onsite::routes(r);
    let r = batch::routes(r);
    let r = exports::routes(r);
    let r = answers::routes(r);
    let r = notifications::routes(r);
    let r = review::routes(r);
    let r = people::routes(r);
    let r = points::routes(r);
    let r = questionnaires::routes(r);
    let r = public::routes(r);
    audit::routes(r)
}

pub fn routes() -> Router<App> {
    build()
        .router
        .fallback(|| async { ApiError(Error::NotFound) })
}

/// The path of every route of the API router, as registered (axum's syntax: `/:id`), relative
/// to `/api/v1`. Tests compare them with the OpenAPI document.
pub fn route_paths() -> Vec<&'static str> {
    build().paths
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

/// The query string of an API route, read into `T`: the parameters `T` documents
/// ([`IntoParams`]), each at most once; other parameters are ignored. A parameter given more
/// than once is a 422 problem naming it, in the caller's language, like any invalid input
/// (the values themselves are checked by the handler, e.g. [`paging`]).
pub struct ApiQuery<T>(pub T);

#[axum::async_trait]
impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + IntoParams,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, ApiError> {
        Ok(ApiQuery(query(parts.uri.query().unwrap_or(""))?))
    }
}

fn query<T: DeserializeOwned + IntoParams>(q: &str) -> Result<T, Error> {
    let known: Vec<String> = T::into_params(|| Some(ParameterIn::Query))
        .into_iter()
        .map(|p| p.name)
        .collect();
    let mut seen: Vec<String> = Vec::new();
    let mut kept = form_urlencoded::Serializer::new(String::new());
    let mut errs: Vec<FieldError> = Vec::new();
    for (k, v) in form_urlencoded::parse(q.as_bytes()) {
        if !known.iter().any(|n| *n == k) {
            continue;
        }
        if seen.iter().any(|s| *s == k) {
            if !errs.iter().any(|e| e.field == k) {
                errs.push(FieldError::new(
                    &k,
                    format!("查询参数 {} 只能给一次", k),
                    format!("The query parameter {} may be given only once", k),
                ));
            }
            continue;
        }
        seen.push(k.to_string());
        kept.append_pair(&k, &v);
    }
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    // serde_urlencoded reads a number field from its text (a JSON value of strings would not)
    serde_urlencoded::from_str(&kept.finish()).map_err(|e| {
        Error::invalid(
            "",
            format!("查询参数无效：{e}"),
            format!("Invalid query parameters: {e}"),
        )
    })
}

/// The path parameters of an API route: one that does not fit (an id that is not a number, a
/// segment that is not UTF-8) is not found, like a missing object.
pub struct ApiPath<T>(pub T);

#[axum::async_trait]
impl<T, S> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(_) => Err(ApiError(Error::NotFound)),
        }
    }
}

/// The property names of a request body's schema: the fields the API accepts, in order.
fn body_fields<T: ToSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(o)) => o.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Parse a JSON object body into a form-like input (all fields as text): numbers and booleans
/// are accepted for text fields; unknown fields (those not in `T`'s schema) and nested values
/// are refused by name.
fn parse_body<T: DeserializeOwned + ToSchema>(body: &Bytes) -> Result<T, Error> {
    let allowed = body_fields::<T>();
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
        if !allowed.contains(&k) {
            errs.push(unknown_field(&k, &allowed));
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

fn unknown_field(k: &str, allowed: &[String]) -> FieldError {
    FieldError::new(
        k,
        format!("未知字段；可用字段：{}", allowed.join("、")),
        format!("Unknown field; known fields: {}", allowed.join(", ")),
    )
}

/// The paging parameters of a list.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct PageQ {
    /// The page, from 1.
    #[param(value_type = Option<i64>, minimum = 1, default = 1)]
    page: Option<String>,
    /// Items per page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, default = 20)]
    per_page: Option<String>,
}

/// The page and the number of items per page.
fn paging(page: Option<&str>, per_page: Option<&str>) -> Result<(i64, i64), Error> {
    let page = match page {
        None | Some("") => 1,
        Some(p) => p.parse::<i64>().ok().filter(|p| *p >= 1).ok_or_else(|| {
            Error::invalid(
                "page",
                "page 应为 ≥ 1 的整数",
                "page must be a whole number ≥ 1",
            )
        })?,
    };
    let per = match per_page {
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

/// One page of a list.
#[derive(Serialize, ToSchema)]
struct Page<T> {
    items: Vec<T>,
    /// This page, from 1.
    page: i64,
    per_page: i64,
    /// How many items there are in all.
    total: i64,
    /// How many pages there are (at least 1).
    pages: i64,
}

impl<T> Page<T> {
    fn new(items: Vec<T>, page: i64, per_page: i64, total: i64) -> Page<T> {
        Page {
            items,
            page,
            per_page,
            total,
            pages: ((total + per_page - 1) / per_page).max(1),
        }
    }
}

/// An error (RFC 9457 problem details, `application/problem+json`), in the caller's language
/// (`Accept-Language`: English when preferred, Chinese otherwise). Rendered by
/// `crate::error::problem`.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    pub detail: String,
    /// For invalid input (422): each field, or query parameter, at fault; empty otherwise.
    pub errors: Vec<ProblemField>,
}

/// One field at fault.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemField {
    /// The field of the body, or the query parameter; empty for the body as a whole.
    pub field: String,
    pub message: String,
}

fn problem_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/problem+json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    )
}

/// The problem responses, each a reusable response in the document.
macro_rules! problem_responses {
    ($($name:ident: $description:literal;)+) => {
        $(
            #[doc = $description]
            struct $name;

            impl<'r> ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<utoipa::openapi::Response>) {
                    (stringify!($name), problem_response($description).build().into())
                }
            }
        )+
    };
}

problem_responses! {
    Forbidden: "The caller may see the object but their role may not do this; `detail` says why.";
    NotFound: "Not found, or not visible to the caller (the same answer); so is a path id that is not a number.";
    Conflict: "Conflicts with the current state: the assessment is submitted and therefore locked (or, to withdraw, not submitted or already acted on by the body), or (I-20) the answer is protected by a higher source, already verified, not self-declared, or the proposal was already dealt with; `detail` says which, naming who gave the current answer.";
    Invalid: "Invalid input: `errors` names each field of the body, or query parameter (a bad value, or one given more than once), at fault.";
    Throttled: "Too many failed sign-ins for this address within 15 minutes; try again later.";
    RateLimited: "Too many requests from this address to the public pages and API (60 a minute with a burst of 30; POSTs 10 a minute): `Retry-After` gives the seconds to wait, `detail` says so in words.";
}

/// Sign-in required: no bearer token, or an unknown or expired one.
struct Unauthorized;

impl<'r> ToResponse<'r> for Unauthorized {
    fn response() -> (&'r str, RefOr<utoipa::openapi::Response>) {
        let r = problem_response(
            "Sign-in required: no bearer token, or an unknown or expired one \
             (`WWW-Authenticate: Bearer`).",
        )
        .header(
            "WWW-Authenticate",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::String))
                .description(Some("`Bearer`"))
                .build(),
        );
        ("Unauthorized", r.build().into())
    }
}

/// A schema of a closed set of texts (a domain enum): each value with its labels.
fn text_enum(
    what: &str,
    values: impl IntoIterator<Item = (&'static str, String)>,
) -> RefOr<Schema> {
    let mut description = format!("{what}. One of:");
    let mut texts = Vec::new();
    for (text, label) in values {
        description.push_str(&format!("\n- `{text}`: {label}"));
        texts.push(text);
    }
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(texts))
        .description(Some(description))
        .into()
}

/// Schemas for the domain's enums (crates/domain stays free of web crates): a marker type
/// per enum, used as `#[schema(value_type = …)]` beside the enum's own `Serialize`.
macro_rules! text_schema {
    ($($marker:ident = $ty:ty, $name:literal, $what:literal;)+) => {
        $(
            #[doc = concat!("The schema of `", stringify!($ty), "`.")]
            struct $marker;

            impl utoipa::PartialSchema for $marker {
                fn schema() -> RefOr<Schema> {
                    use tianping_app::Lang;
                    text_enum(
                        $what,
                        <$ty>::ALL
                            .iter()
                            .map(|v| (v.as_str(), format!("{} ({})", v.label(Lang::Zh), v.label(Lang::En)))),
                    )
                }
            }

            impl ToSchema for $marker {
                fn name() -> Cow<'static, str> {
                    Cow::Borrowed($name)
                }
            }
        )+
    };
}

text_schema! {
    RoleText = tianping_app::domain::Role, "Role", "What a user is (one role per account)";
    ModeText = tianping_app::domain::Mode, "Mode", "How an assessment is done";
    StatusText = tianping_app::domain::AssessmentStatus, "AssessmentStatus", "Where an assessment stands";
    SourceText = tianping_app::domain::Source, "Source", "Where an answer comes from (I-6)";
    NoticeKindText = tianping_app::domain::notify::NoticeKind, "NoticeKind", "What a notification is about";
    ProposalStatusText = tianping_app::domain::ProposalStatus, "ProposalStatus", "Where a disputed proposal stands (I-20)";
    CompetenceKindText = tianping_app::domain::people::CompetenceKind, "CompetenceKind", "What a competence record of a body's member is (8.1.4.1)";
}
