//! Answers and results of an assessment: `GET /assessments/{id}/answers`,
//! `PUT /assessments/{id}/answers/{indicator}` and `GET /assessments/{id}/result`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use serde_json::{json, Value};
use tianping_app::answers::{self, AnswerInput};
use tianping_app::domain::Access;
use tianping_app::{assessments, repo, App};

use super::{bad_json, ok, parse_id, unknown_field, ApiRes, Caller, Routes};
use crate::error::Error;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/assessments/:id/answers", get(answers))
        .route("/assessments/:id/answers/:indicator", put(answer_put))
        .route("/assessments/:id/result", get(result))
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
