//! `/api/v1`: JSON for enterprises, assessments, answers and results, with the same
//! permissions as the pages (the same service functions). Authentication is a bearer token
//! (`POST /api/v1/tokens` with email and password, or the account page). Errors are
//! `application/problem+json` with an `errors` list naming the field at fault. Lists are
//! paginated with `page` and `per_page` (at most 100).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tianping_app::answers::{self, AnswerInput};
use tianping_app::domain::Access;
use tianping_app::{accounts, assessments, enterprises, repo, App};

use crate::auth::ApiUser;
use crate::error::{ApiError, Error, FieldError};

type ApiRes = Result<Response, ApiError>;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/tokens", post(token))
        .route("/me", get(me))
        .route("/schemes", get(schemes))
        .route("/enterprises", get(enterprises).post(enterprise_create))
        .route("/enterprises/:id", get(enterprise_get).put(enterprise_put))
        .route("/assessments", get(assessments).post(assessment_create))
        .route("/assessments/:id", get(assessment_get))
        .route("/assessments/:id/template", get(template))
        .route("/assessments/:id/answers", get(answers))
        .route("/assessments/:id/answers/:indicator", put(answer_put))
        .route("/assessments/:id/result", get(result))
        .route("/assessments/:id/submit", post(submit))
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

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenIn {
    email: String,
    password: String,
    name: String,
}

async fn token(
    State(st): State<App>,
    crate::auth::ClientIp(ip): crate::auth::ClientIp,
    body: Bytes,
) -> ApiRes {
    let t: TokenIn = parse_body(&body, &["email", "password", "name"])?;
    let u = accounts::authenticate(&st, &t.email, &t.password, ip)
        .await
        .map_err(|e| match e {
            Error::Invalid(_) => Error::Unauthorized,
            e => e,
        })?;
    let tok = accounts::create_token(&st, &u, &t.name).await?;
    ok(StatusCode::CREATED, json!({"token": tok, "user": u}))
}

async fn me(Caller(u): Caller) -> ApiRes {
    ok(StatusCode::OK, json!(u))
}

async fn schemes(State(st): State<App>, Caller(_): Caller) -> ApiRes {
    let v: Vec<Value> = st
        .catalog
        .schemes
        .iter()
        .map(|s| {
            json!({"id": s.id, "name": s.name, "standard": s.standard, "method": s.method, "version": s.version,
                   "variants": s.variants.iter().map(|v| json!({"id": v.id, "name": v.name})).collect::<Vec<_>>()})
        })
        .collect();
    ok(StatusCode::OK, v)
}

const ENTERPRISE_FIELDS: &[&str] = &[
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

async fn enterprises(State(st): State<App>, Caller(u): Caller, Query(q): Query<PageQ>) -> ApiRes {
    let (page, per) = paging(&q)?;
    let (items, total) = enterprises::list(&st, &u, per, (page - 1) * per).await?;
    ok(StatusCode::OK, list(items, page, per, total))
}

async fn enterprise_json(st: &App, u: &repo::User, e: &repo::Enterprise) -> Result<Value, Error> {
    let sites = enterprises::sites(st, u, e.id).await?;
    let mut v = json!(e);
    v["sites"] = json!(sites);
    v["suggested_category"] =
        json!(enterprises::suggest_category(st, &e.industry_code).map(|c| c.0));
    Ok(v)
}

async fn enterprise_create(State(st): State<App>, Caller(u): Caller, body: Bytes) -> ApiRes {
    let i = parse_body(&body, ENTERPRISE_FIELDS)?;
    let e = enterprises::create(&st, &u, &i).await?;
    ok(StatusCode::CREATED, enterprise_json(&st, &u, &e).await?)
}

async fn enterprise_get(
    State(st): State<App>,
    Caller(u): Caller,
    Path(id): Path<String>,
) -> ApiRes {
    let id = parse_id(&id)?;
    let e = enterprises::get(&st, &u, id).await?;
    ok(StatusCode::OK, enterprise_json(&st, &u, &e).await?)
}

async fn enterprise_put(
    State(st): State<App>,
    Caller(u): Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiRes {
    let id = parse_id(&id)?;
    // visibility first, so that a refused object is not found whatever the body says
    enterprises::get(&st, &u, id).await?;
    let i = parse_body(&body, ENTERPRISE_FIELDS)?;
    let e = enterprises::update(&st, &u, id, &i).await?;
    ok(StatusCode::OK, enterprise_json(&st, &u, &e).await?)
}

async fn assessments(State(st): State<App>, Caller(u): Caller, Query(q): Query<PageQ>) -> ApiRes {
    let (page, per) = paging(&q)?;
    let ent = match q.enterprise_id.as_deref() {
        None | Some("") => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| {
            Error::invalid(
                "enterprise_id",
                "enterprise_id 应为整数",
                "enterprise_id must be a whole number",
            )
        })?),
    };
    let (items, total) = assessments::list(&st, &u, ent, per, (page - 1) * per).await?;
    ok(StatusCode::OK, list(items, page, per, total))
}

fn assessment_json(a: &repo::Assessment, access: &Access) -> Value {
    let mut v = json!(a);
    if !access.sees_result() {
        for k in ["score", "grade", "stars"] {
            v[k] = Value::Null;
        }
    }
    v["access"] = json!(match access {
        Access::Read => "read",
        Access::Edit => "edit",
        Access::Expert(_) => "expert",
        Access::Platform => "platform",
    });
    if let Access::Expert(items) = access {
        v["assigned_items"] = json!(items);
    }
    v
}

async fn assessment_create(State(st): State<App>, Caller(u): Caller, body: Bytes) -> ApiRes {
    let i = parse_body(
        &body,
        &[
            "enterprise_id",
            "scheme",
            "variant",
            "title",
            "profile",
            "current_stars",
            "first_application",
        ],
    )?;
    let a = assessments::create(&st, &u, &i).await?;
    let (a, access) = assessments::get(&st, &u, a.id).await?;
    ok(StatusCode::CREATED, assessment_json(&a, &access))
}

fn parse_id(id: &str) -> Result<i64, Error> {
    id.parse().map_err(|_| Error::NotFound)
}

async fn assessment_get(
    State(st): State<App>,
    Caller(u): Caller,
    Path(id): Path<String>,
) -> ApiRes {
    let (a, access) = assessments::get(&st, &u, parse_id(&id)?).await?;
    ok(StatusCode::OK, assessment_json(&a, &access))
}

async fn template(State(st): State<App>, Caller(u): Caller, Path(id): Path<String>) -> ApiRes {
    let (a, access) = assessments::get(&st, &u, parse_id(&id)?).await?;
    let scheme = st.scheme(&a.scheme)?;
    let plan = assessments::plan(&st, &a)?;
    let mut t = tianping_core::template::template(&plan);
    if let Access::Expert(_) = &access {
        if let Some(list) = t["indicators"].as_array_mut() {
            list.retain(|i| i["id"].as_str().is_some_and(|id| access.sees_item(id)));
        }
        if let Some(m) = t["answers"].as_object_mut() {
            m.retain(|k, _| access.sees_item(k));
        }
    }
    if !scheme.guidance.is_empty() {
        t["guidance"] = json!(scheme.guidance);
    }
    ok(StatusCode::OK, t)
}

async fn answers(State(st): State<App>, Caller(u): Caller, Path(id): Path<String>) -> ApiRes {
    let (a, access) = assessments::get(&st, &u, parse_id(&id)?).await?;
    let rows: Vec<Value> = assessments::answers(&st, &a, &access)
        .await?
        .into_iter()
        .filter(|r| access.sees_item(&r.indicator_id))
        .map(|r| {
            json!({"indicator": r.indicator_id, "value": r.value_json.as_deref().and_then(|v| serde_json::from_str::<Value>(v).ok()),
                   "note": r.note, "source": r.source, "revision": r.revision, "updated_at": r.updated_at})
        })
        .collect();
    let mut out = json!({"assessment_id": a.id, "revision": a.revision, "answers": rows});
    if let Access::Expert(_) = access {
        let mine: Vec<repo::ExpertScore> = answers::expert_scores(&st, &u, &a, &access)
            .await?
            .into_iter()
            .filter(|x| x.expert_id == u.id)
            .collect();
        out["my_scores"] = json!(mine);
    }
    ok(StatusCode::OK, out)
}

async fn answer_put(
    State(st): State<App>,
    Caller(u): Caller,
    Path((id, ind)): Path<(String, String)>,
    body: Bytes,
) -> ApiRes {
    let id = parse_id(&id)?;
    // visibility first
    let (_, access) = assessments::get(&st, &u, id).await?;
    if !access.sees_item(&ind) {
        return Err(Error::NotFound.into());
    }
    let v: Value = serde_json::from_slice(&body).map_err(bad_json)?;
    let Value::Object(m) = v else {
        return Err(Error::invalid(
            "",
            "请求体应为 JSON 对象：{\"value\": …, \"note\": …, \"source\": …}",
            "The request body must be a JSON object: {\"value\": …, \"note\": …, \"source\": …}",
        )
        .into());
    };
    let mut input = AnswerInput::default();
    for (k, v) in m {
        match (k.as_str(), v) {
            ("value", v) => input.value = v,
            ("note", Value::String(s)) => input.note = s,
            ("note", Value::Null) => {}
            ("source", Value::String(s)) => input.source = Some(s),
            ("source", Value::Null) => {}
            ("note" | "source", _) => {
                return Err(Error::invalid(&k, "应为字符串", "Must be a string").into())
            }
            (other, _) => {
                let e = unknown_field(other, &["value", "note", "source"]);
                return Err(Error::Invalid(vec![e]).into());
            }
        }
    }
    let saved = answers::save(&st, &u, id, &ind, &input).await?;
    ok(StatusCode::OK, saved)
}

async fn result(State(st): State<App>, Caller(u): Caller, Path(id): Path<String>) -> ApiRes {
    let (a, access) = assessments::get(&st, &u, parse_id(&id)?).await?;
    if !access.sees_result() {
        return Err(Error::NotFound.into());
    }
    let r: Value = a
        .result_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    ok(
        StatusCode::OK,
        json!({"assessment_id": a.id, "status": a.status, "revision": a.revision, "scheme": a.scheme,
               "scheme_version": a.scheme_version, "engine_version": a.engine_version, "profile_hash": a.profile_hash,
               "score": a.score, "grade": a.grade, "stars": a.stars, "result": r}),
    )
}

async fn submit(State(st): State<App>, Caller(u): Caller, Path(id): Path<String>) -> ApiRes {
    let a = assessments::submit(&st, &u, parse_id(&id)?).await?;
    let (a, access) = assessments::get(&st, &u, a.id).await?;
    ok(StatusCode::OK, assessment_json(&a, &access))
}

/// The OpenAPI 3.1 description of this API.
pub fn openapi_doc() -> Value {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    let id_param =
        |n: &str| json!({"name": n, "in": "path", "required": true, "schema": {"type": "integer"}});
    let paging = json!([
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}}
    ]);
    let enterprise_in = json!({"type": "object", "additionalProperties": false, "properties": {
        "uscc": {"type": "string", "description": "统一社会信用代码 (GB 32100)"},
        "name": {"type": "string"}, "registered_address": {"type": "string"}, "operating_address": {"type": "string"},
        "legal_representative": {"type": "string"}, "industry_code": {"type": "string", "description": "GB/T 4754, e.g. C3511"},
        "headcount": {"type": ["integer", "string"]},
        "enterprise_type": {"type": "string", "description": "T11/AII 001-2020 enterprise type (variant id)"},
        "category": {"type": "string", "description": "T/SDDITAI 5121-2023 category; suggested from industry_code when empty"}},
        "required": ["uscc", "name"]});
    let std_resp = |desc: &str, schema: Value| json!({"description": desc, "content": {"application/json": {"schema": schema}}});
    let obj = json!({"type": "object"});
    let page_of = |r: &str| json!({"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": r}}, "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"}, "pages": {"type": "integer"}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tianping API", "version": "1", "description": "天平：企业、评价、答案与结果。权限与网页相同；出错时返回 application/problem+json，errors 列出出错的字段。"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/tokens": {"post": {"summary": "Create an API token with email and password", "security": [],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"email": {"type": "string"}, "password": {"type": "string"}, "name": {"type": "string"}}, "required": ["email", "password"]}}}},
                "responses": {"201": std_resp("token", obj.clone()), "401": problem, "429": problem}}},
            "/me": {"get": {"summary": "The caller", "responses": {"200": std_resp("user", obj.clone()), "401": problem}}},
            "/schemes": {"get": {"summary": "Schemes and their variants", "responses": {"200": std_resp("schemes", json!({"type": "array"}))}}},
            "/enterprises": {
                "get": {"summary": "Enterprises visible to the caller", "parameters": paging, "responses": {"200": std_resp("page", page_of("#/components/schemas/Enterprise")), "422": problem}},
                "post": {"summary": "Register a client enterprise (body staff)", "requestBody": {"content": {"application/json": {"schema": enterprise_in}}}, "responses": {"201": std_resp("enterprise", json!({"$ref": "#/components/schemas/Enterprise"})), "403": problem, "422": problem}}},
            "/enterprises/{id}": {"parameters": [id_param("id")],
                "get": {"summary": "One enterprise with its sites", "responses": {"200": std_resp("enterprise", json!({"$ref": "#/components/schemas/Enterprise"})), "404": problem}},
                "put": {"summary": "Update an enterprise's record", "requestBody": {"content": {"application/json": {"schema": enterprise_in}}}, "responses": {"200": std_resp("enterprise", json!({"$ref": "#/components/schemas/Enterprise"})), "403": problem, "404": problem, "422": problem}}},
            "/assessments": {
                "get": {"summary": "Assessments visible to the caller", "parameters": [paging[0], paging[1], {"name": "enterprise_id", "in": "query", "schema": {"type": "integer"}}], "responses": {"200": std_resp("page", page_of("#/components/schemas/Assessment"))}},
                "post": {"summary": "Create an assessment (enterprise: self-assessment; body staff: on-site)",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"enterprise_id": {"type": "integer"}, "scheme": {"type": "string"}, "variant": {"type": "string"}, "title": {"type": "string"}, "profile": {"type": "string", "description": "profile TOML"}, "current_stars": {"type": "integer"}, "first_application": {"type": "boolean"}}, "required": ["enterprise_id", "scheme"]}}}},
                    "responses": {"201": std_resp("assessment", json!({"$ref": "#/components/schemas/Assessment"})), "403": problem, "422": problem}}},
            "/assessments/{id}": {"parameters": [id_param("id")], "get": {"summary": "One assessment", "responses": {"200": std_resp("assessment", json!({"$ref": "#/components/schemas/Assessment"})), "404": problem}}},
            "/assessments/{id}/template": {"parameters": [id_param("id")], "get": {"summary": "Every indicator the caller may answer, with guidance", "responses": {"200": std_resp("template", obj.clone()), "404": problem}}},
            "/assessments/{id}/answers": {"parameters": [id_param("id")], "get": {"summary": "Current answers (experts: their items only)", "responses": {"200": std_resp("answers", obj.clone()), "404": problem}}},
            "/assessments/{id}/answers/{indicator}": {"parameters": [id_param("id"), {"name": "indicator", "in": "path", "required": true, "schema": {"type": "string"}}],
                "put": {"summary": "Save one answer; returns the new total", "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                    "value": {"description": "number, {\"experts\":[..]}, {\"likert\":[..]}, or null to clear"}, "note": {"type": "string"}, "source": {"type": "string", "enum": ["self", "platform", "third_party", "onsite"]}}}}}},
                    "responses": {"200": std_resp("saved", obj.clone()), "403": problem, "404": problem, "409": problem, "422": problem}}},
            "/assessments/{id}/result": {"parameters": [id_param("id")], "get": {"summary": "The stored result with scheme version, profile hash and engine version", "responses": {"200": std_resp("result", obj.clone()), "404": problem}}},
            "/assessments/{id}/submit": {"parameters": [id_param("id")], "post": {"summary": "Submit and lock", "responses": {"200": std_resp("assessment", json!({"$ref": "#/components/schemas/Assessment"})), "403": problem, "404": problem, "409": problem}}}
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Problem": {"description": "RFC 9457 problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}},
            "schemas": {
                "Problem": {"type": "object", "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
                "Enterprise": {"type": "object", "properties": {"id": {"type": "integer"}, "uscc": {"type": "string"}, "name": {"type": "string"}, "registered_address": {"type": "string"}, "operating_address": {"type": "string"}, "legal_representative": {"type": "string"}, "industry_code": {"type": "string"}, "headcount": {"type": "integer"}, "enterprise_type": {"type": ["string", "null"]}, "category": {"type": ["string", "null"]}}},
                "Assessment": {"type": "object", "properties": {"id": {"type": "integer"}, "enterprise_id": {"type": "integer"}, "scheme": {"type": "string"}, "variant": {"type": ["string", "null"]}, "mode": {"type": "string", "enum": ["self", "onsite"]}, "status": {"type": "string", "enum": ["draft", "submitted"]}, "revision": {"type": "integer"}, "score": {"type": ["number", "null"]}, "grade": {"type": ["string", "null"]}, "stars": {"type": ["integer", "null"]}, "access": {"type": "string", "enum": ["read", "edit", "expert", "platform"]}}}
            }
        }
    })
}

async fn openapi() -> Response {
    Json(openapi_doc()).into_response()
}
