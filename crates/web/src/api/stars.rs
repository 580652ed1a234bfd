//! Star-rating cases (seed 000 §6, §8; I-19): the enterprise applies, the body links an
//! assessment as a result or records an event (refused with the broken rules and their
//! clauses), anyone who sees the case reads it as of a date; and the special-capability
//! per-stage report of an on-site assessment (§6.3).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tianping_app::star_cases::{self, Appended, StageReport};
use tianping_app::App;
use tianping_case::stars::{Event, EventKind, Mode};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{
    bad_json, ApiPath, ApiQuery, ApiRes, Caller, Forbidden, Invalid, NotFound, Routes, Unauthorized,
};
use crate::error::{ApiError, Error};

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/star-cases", get(list))
        .route("/star-cases/apply", post(apply))
        .route("/star-cases/:id", get(view))
        .route("/star-cases/:id/events", post(append))
        .route("/star-cases/:id/results", post(link))
        .route("/assessments/:id/stages", get(stages))
}

#[derive(OpenApi)]
#[openapi(paths(list, apply, view, append, link, stages))]
pub(super) struct Doc;

/// A star case in a list.
#[derive(Serialize, ToSchema)]
pub(super) struct StarItem {
    id: i64,
    org_id: i64,
    org_name: String,
    enterprise_id: i64,
    enterprise_name: String,
    /// `unrated`, `applied`, `evaluated`, `rated` or `blacklisted`.
    state: String,
}

/// Star cases the caller sees
#[utoipa::path(get, path = "/star-cases", tag = "stars",
    responses((status = 200, body = Vec<StarItem>), (status = 401, response = Unauthorized)))]
async fn list(State(st): State<App>, Caller(u): Caller) -> ApiRes<Vec<StarItem>> {
    Ok(Json(
        star_cases::list(&st, &u)
            .await?
            .into_iter()
            .map(|c| StarItem {
                id: c.id,
                org_id: c.org_id,
                org_name: c.org_name,
                enterprise_id: c.enterprise_id,
                enterprise_name: c.enterprise_name,
                state: c.state,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct ApplyBody {
    /// The evaluation body applied to.
    org_id: i64,
    /// `online` (self-evaluation) or `onsite` (with the body's on-site audit).
    mode: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct CaseId {
    id: i64,
}

fn mode(s: &str) -> Result<Mode, Error> {
    match s {
        "online" => Ok(Mode::Online),
        "onsite" => Ok(Mode::Onsite),
        _ => Err(Error::invalid(
            "mode",
            format!(
                "评价方式“{s}”无效：应为 online（线上自评）或 onsite（线上自评并现场实地审查）"
            ),
            "mode must be online or onsite",
        )),
    }
}

/// Apply for a star rating (enterprise)
///
/// The enterprise's case with the body (opened by its first application) gets a
/// `star_applied` event dated today.
#[utoipa::path(post, path = "/star-cases/apply", tag = "stars", request_body = ApplyBody,
    responses((status = 401, response = Unauthorized), (status = 201, body = CaseId), (status = 403, response = Forbidden),
        (status = 422, response = Invalid)))]
async fn apply(
    State(st): State<App>,
    Caller(u): Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ApplyBody = serde_json::from_slice(&body).map_err(bad_json)?;
    let id = star_cases::apply(&st, &u, b.org_id, mode(&b.mode)?).await?;
    Ok((axum::http::StatusCode::CREATED, Json(CaseId { id })).into_response())
}

#[derive(Deserialize, IntoParams)]
pub(super) struct AsOf {
    /// The date to fold the case on (default today).
    as_of: Option<String>,
}

fn day(field: &str, s: &str) -> Result<NaiveDate, Error> {
    s.parse().map_err(|_| {
        Error::invalid(
            field,
            format!("日期“{s}”无效：应为 YYYY-MM-DD"),
            "The date must be YYYY-MM-DD",
        )
    })
}

/// A star case as of a date
///
/// The state, the stars held, what is due, the violations, the full fold (`outcome.case`:
/// applications with their results, awards, supervisions, lowerings, blacklist), what it
/// publishes, the events, the event types the caller may enter and, for a decider, the award
/// proposal (`proposal`: the most stars allowed today and why more are not).
#[utoipa::path(get, path = "/star-cases/{id}", tag = "stars", params(("id" = i64, Path), AsOf),
    responses((status = 401, response = Unauthorized), (status = 200, description = "The case", body = Object),
        (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn view(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AsOf>,
) -> ApiRes<Value> {
    let as_of = match q.as_of.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(day("as_of", s)?),
        None => None,
    };
    let v = star_cases::view(&st, &u, id, as_of).await?;
    Ok(Json(
        serde_json::to_value(&v).map_err(|e| Error::Internal(e.to_string()))?,
    ))
}

/// A star event as written in JSON Lines (I-19): `type`, `date` and the fields of its type.
#[derive(Serialize, Deserialize, ToSchema)]
pub(super) struct StarEventBody {
    /// `star_applied`, `star_result`, `star_awarded`, `supervision_completed`,
    /// `star_lowered`, `blacklisted` or `blacklist_lifted`.
    #[serde(rename = "type")]
    kind: String,
    /// The day of the act, `YYYY-MM-DD`, not after today.
    date: String,
    /// The fields of the type (`mode`, `stars`, `dimension_stars`, `reason`, `spot_check`);
    /// `by` is the caller.
    #[serde(flatten)]
    fields: serde_json::Map<String, Value>,
}

/// Record an event
///
/// Refused (422, `errors` with `rule`, `clause` and `message`) when a rule of I-19 forbids it;
/// 403 when the caller's role does not enter this type. A blacklisting needs a `reason`.
#[utoipa::path(post, path = "/star-cases/{id}/events", tag = "stars", params(("id" = i64, Path)),
    request_body = StarEventBody,
    responses((status = 401, response = Unauthorized), (status = 200, body = Object), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn append(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> ApiRes<Appended> {
    let invalid = |e: String| {
        Error::invalid(
            "",
            format!(
                "事件无效：{e}；应为 {{\"type\": 事件类型, \"date\": \"YYYY-MM-DD\", …该类型的字段}}，类型之一：{}",
                EventKind::TYPES.join("、")
            ),
            format!("Invalid event: {e}"),
        )
    };
    let mut v: Value = serde_json::from_slice(&body).map_err(|e| invalid(e.to_string()))?;
    if let Value::Object(m) = &mut v {
        let t = m
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if [
            "star_awarded",
            "star_lowered",
            "blacklisted",
            "blacklist_lifted",
        ]
        .contains(&t.as_str())
        {
            m.entry("by")
                .or_insert_with(|| Value::String(String::new()));
        }
        let reason = m.get("reason").and_then(Value::as_str).map(str::trim);
        if tianping_domain::star_case::NEEDS_REASON.contains(&t.as_str())
            && reason.is_none_or(str::is_empty)
        {
            return Err(Error::invalid(
                "reason",
                "请填写原因（reason）：列入黑名单、降低星级和移出黑名单须说明原因",
                "A reason is required",
            )
            .into());
        }
    }
    let e: Event = serde_json::from_value(v).map_err(|e| invalid(e.to_string()))?;
    Ok(Json(star_cases::append(&st, &u, id, e).await?))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct LinkBody {
    /// A submitted T11/AII 001-2020 assessment of the case's enterprise.
    assessment_id: i64,
    /// The day of the result, `YYYY-MM-DD`, not after today (default today).
    date: Option<String>,
}

/// Record a result from an assessment (body admin)
///
/// The assessment's mode gives the result's mode; its stars are the engine's comprehensive
/// stars, with the single-dimension stars for an on-site one.
#[utoipa::path(post, path = "/star-cases/{id}/results", tag = "stars", params(("id" = i64, Path)),
    request_body = LinkBody,
    responses((status = 401, response = Unauthorized), (status = 200, body = Object), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn link(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> ApiRes<Appended> {
    let b: LinkBody = serde_json::from_slice(&body).map_err(bad_json)?;
    let date = match b.date.as_deref() {
        Some(s) => day("date", s)?,
        None => st.today(),
    };
    Ok(Json(
        star_cases::link_result(&st, &u, id, b.assessment_id, date).await?,
    ))
}

/// The special-capability report by stage (000 §6.3)
///
/// For an on-site T11/AII assessment of a category with X.2 tables: each stage's mean
/// coefficient, its 表4 band with the guidance, answered and total indicators. An online
/// self-evaluation is refused (422): special capability is evaluated on site only.
#[utoipa::path(get, path = "/assessments/{id}/stages", tag = "stars", params(("id" = i64, Path)),
    responses((status = 401, response = Unauthorized), (status = 200, description = "The stages", body = Object),
        (status = 404, response = NotFound), (status = 422, response = Invalid)))]
async fn stages(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<StageReport> {
    Ok(Json(star_cases::stages(&st, &u, id).await?))
}
