//! The OpenAPI document of the API, served at `/api/v1/openapi.json`.

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

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

pub(super) async fn openapi() -> Response {
    Json(openapi_doc()).into_response()
}
