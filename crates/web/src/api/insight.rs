//! Insight (issue 13, DESIGN I-23): the gap of an assessment to its next grade, level or star
//! and what-if (nothing saved), an enterprise's results over time, a result among its peers
//! and a body's clients together. The views are the use cases' (`tianping_app::insight`,
//! `tianping_app::insight_gap`), given as they serialise; the same permissions as the pages:
//! what the caller may not see answers 404.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use tianping_app::insight::{self, HistoryView, PeersView};
use tianping_app::insight_gap::{self, ClientsView, WhatIf};
use tianping_app::{App, Lang};
use tianping_insight::Gap;
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{
    bad_json, body_fields, unknown_field, ApiPath, ApiQuery, ApiRes, Caller, Invalid, NotFound,
    Routes, Unauthorized,
};
use crate::error::{accept_language, Error};

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/assessments/:id/gap", get(get_gap))
        .route("/assessments/:id/what-if", post(what_if))
        .route("/assessments/:id/peers", get(get_peers))
        .route("/enterprises/:id/trend", get(get_trend))
        .route("/orgs/:id/clients", get(get_clients))
}

#[derive(OpenApi)]
#[openapi(paths(get_gap, what_if, get_trend, get_peers, get_clients))]
pub(super) struct Doc;

fn lang(headers: &HeaderMap) -> Lang {
    accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

/// The target of a gap plan.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct GapQ {
    /// The outcome to plan for: a grade's code or label (`AAAAA`, `一级`, `4` for T/SDDITAI
    /// 5121's level 4), for T11/AII 001-2020 a star level (`4`, `四星级`) or
    /// `dimension:stars`. By default the next better outcome (and for T11/AII each
    /// dimension's next single star). An unknown target is a 422 listing the accepted forms.
    target: Option<String>,
}

/// The gap to the next grade, level or star
///
/// The fewest indicator changes that reach the next better outcome of the assessment's
/// result (or `target`), then the fewest added raw points (I-23), respecting every condition
/// of the scheme: half points and expert-panel items (003, 004), the step-down count
/// (T/SDDITAI 5121), the online ratio and dimension thresholds and that self answers count
/// only once verified (T11/AII 001-2020). The JSON (`tianping_insight::Gap`): `scheme`,
/// `variant`, `method`; `current` (`total`, `grade` {`code`, `label`}, `stars`,
/// `dimensions`); `target` (`{"kind": "grade", "code", "label"}`, `{"kind": "stars",
/// "stars"}` or `{"kind": "dimension_stars", "dimension", "stars"}`; null when there is no
/// higher outcome or `target` is not above the current one: then `changes` is empty),
/// `via`, `reachable`; `changes`, each with `indicator`, `table`, `serial`, `path`, `kind`,
/// `from` (null when unanswered), `from_counted`, `to`, `action` (`answer`, `raise`,
/// `verify`, `raise_and_verify`), `through` (what an expert panel or questionnaire would have
/// to give), `added`, `total` (its effect on the total), `effects` and `guidance` (the
/// standard's level descriptor, 表4 band, 评价要求 …); `added`, `exact` (proved minimal),
/// `lower_bound_changes`, `lower_bound_added`; `conditions` (each with `current`,
/// `required`, `strict`, `after`); `result` (the standing after the changes); for T11/AII
/// without a target, `dimension_plans` (one such plan per dimension below 5★). Experts: 404.
#[utoipa::path(get, path = "/assessments/{id}/gap", tag = "insight",
    params(("id" = i64, Path, description = "The assessment's id"), GapQ),
    responses(
        (status = 200, description = "The gap plan", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ))]
async fn get_gap(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<GapQ>,
) -> ApiRes<Gap> {
    Ok(Json(
        insight_gap::gap(&st, &u, id, q.target.as_deref()).await?,
    ))
}

/// Answers to try, without saving them.
#[derive(ToSchema)]
#[allow(dead_code)] // read field by field in `what_if`; the type is its schema
pub(super) struct WhatIfIn {
    /// By indicator id: the answer to try, as `PUT /assessments/{id}/answers/{indicator}`
    /// takes it (a number, a number as text, or an answer object), or null to try it
    /// unanswered. The other answers stay as stored; none changed when left out.
    #[schema(value_type = Object, required = false)]
    answers: BTreeMap<String, Value>,
    /// As `target` of `GET /assessments/{id}/gap`.
    target: Option<String>,
}

/// What-if: the result and gap with some answers changed, nothing saved
///
/// The stored answers with `answers` applied: the JSON is `assessment_id`, `changed` (the
/// indicators whose answer differs from the stored one) and `gap`, the gap plan of `GET
/// /assessments/{id}/gap` in which `current` is the result with the changes. Nothing is
/// written: the assessment's revision, answers and result stay as they are, and no audit
/// entry is made. An indicator not in the assessment, or an answer it does not accept, is a
/// 422 naming the indicator. Experts: 404.
#[utoipa::path(post, path = "/assessments/{id}/what-if", tag = "insight",
    params(("id" = i64, Path, description = "The assessment's id")),
    request_body = WhatIfIn,
    responses(
        (status = 200, description = "The result and gap with the changes", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ))]
async fn what_if(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> ApiRes<WhatIf> {
    let v: Value = serde_json::from_slice(&body).map_err(bad_json)?;
    let Value::Object(m) = v else {
        return Err(Error::invalid(
            "",
            "请求体应为 JSON 对象：{\"answers\": {指标: 答案|null, …}, \"target\": …}",
            "The request body must be a JSON object: {\"answers\": {indicator: answer|null, …}, \"target\": …}",
        )
        .into());
    };
    let mut answers = BTreeMap::new();
    let mut target = None;
    for (k, v) in m {
        match (k.as_str(), v) {
            ("answers", Value::Object(a)) => answers.extend(a),
            ("answers", Value::Null) => {}
            ("answers", _) => {
                return Err(Error::invalid(
                    "answers",
                    "answers 应为对象：{指标编号: 答案或 null}",
                    "answers must be an object: {indicator id: answer or null}",
                )
                .into())
            }
            ("target", Value::String(s)) => target = Some(s),
            ("target", Value::Null) => {}
            ("target", _) => {
                return Err(Error::invalid("target", "应为字符串", "Must be a string").into())
            }
            (other, _) => {
                let e = unknown_field(other, &body_fields::<WhatIfIn>());
                return Err(Error::Invalid(vec![e]).into());
            }
        }
    }
    Ok(Json(
        insight_gap::what_if(&st, &u, id, &answers, target.as_deref()).await?,
    ))
}

/// Which series, and which two results to compare.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct TrendQ {
    /// The scheme's id (required).
    #[param(required = true, value_type = String)]
    scheme: Option<String>,
    /// The variant (id, letter or name); by default the variant of the latest result.
    variant: Option<String>,
    /// Two assessment ids of the series, `A,B`, to compare item by item; by default the last
    /// two.
    compare: Option<String>,
}

fn compare_pair(s: &str) -> Result<(i64, i64), Error> {
    let bad = || {
        Error::invalid(
            "compare",
            format!("compare “{s}” 无效：应为两个评价编号，以逗号分隔，如 12,15"),
            format!(
                "compare “{s}” is invalid: two assessment ids separated by a comma, e.g. 12,15"
            ),
        )
    };
    let (a, b) = s.split_once(',').ok_or_else(bad)?;
    let a = a.trim().parse::<i64>().map_err(|_| bad())?;
    let b = b.trim().parse::<i64>().map_err(|_| bad())?;
    Ok((a, b))
}

fn required_scheme(s: Option<&str>) -> Result<&str, Error> {
    s.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| {
        Error::invalid(
            "scheme",
            "请给出方案编号（scheme），如 eepc-certification",
            "scheme is required, e.g. eepc-certification",
        )
    })
}

/// An enterprise's results over time
///
/// Its scored results of one scheme and variant the caller may see, oldest first (004 4.2,
/// I-23). The JSON (`tianping_app::insight::HistoryView`): `enterprise_id`, `enterprise`,
/// `scheme`, `scheme_name`, `variant`, `variants` (those the enterprise has results of);
/// `stops` (each result's `assessment_id`, `title`, `mode`, `date`); `timeline` with
/// `points` (each `label` (the date), `total`, `scale`, `grade`, `stars`, `parts` — `[name,
/// figure]` per T11/AII dimension or top category —, `scheme_version`, `profile_hash`) and
/// `notes` (wherever the scheme or profile version changed between two points: `at`, the
/// later point's index, `scheme_changed`, `profile_changed`, `from_version`, `to_version`);
/// `compared` (the two assessment ids compared, earlier first) and `changes` (each item that
/// differs: `indicator`, `name`, `from`, `to`, `earned_from`, `earned_to`, `reason` —
/// `answered`, `unanswered`, `answer_changed`, `now_counted`, `no_longer_counted`,
/// `rule_changed`, `added`, `removed`). Labels in the caller's language. An enterprise the
/// caller may not see, and experts: 404.
#[utoipa::path(get, path = "/enterprises/{id}/trend", tag = "insight",
    params(("id" = i64, Path, description = "The enterprise's id"), TrendQ),
    responses(
        (status = 200, description = "The results over time", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ))]
async fn get_trend(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<TrendQ>,
    headers: HeaderMap,
) -> ApiRes<HistoryView> {
    let scheme = required_scheme(q.scheme.as_deref())?;
    let pair = match q.compare.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(compare_pair(s)?),
    };
    Ok(Json(
        insight::history(
            &st,
            &u,
            id,
            scheme,
            q.variant.as_deref(),
            pair,
            lang(&headers),
        )
        .await?,
    ))
}

/// A result among its peers
///
/// The peer group (I-23): the latest result of the same mode of each other enterprise with
/// the same scheme, variant and GB/T 4754 section, across the platform; never named. The
/// JSON (`tianping_app::insight::PeersView`): `assessment_id`, `scheme`, `variant`, `mode`,
/// `section` (the 门类 letter), `others` (other enterprises in the group), `hidden` (with
/// fewer than 5 others: `{"reason": "too_few_peers", "others": n}`, and nothing else is
/// given), `own_total`, `total` and each of `parts` (`name`, `value`, `standing`): the
/// nearest-rank `percentile`, `group` (the enterprise included), `at_or_below`, `median`;
/// `histogram` (`edges`, `counts`, `own_bin`) and `outcomes` (`[grade or stars, count]`,
/// best first). An assessment the caller may not see, or not scored yet, and experts: 404.
#[utoipa::path(get, path = "/assessments/{id}/peers", tag = "insight",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The standing among peers", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ))]
async fn get_peers(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
) -> ApiRes<PeersView> {
    Ok(Json(insight::peers(&st, &u, id, lang(&headers)).await?))
}

/// The scheme of a body's clients.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct ClientsQ {
    /// The scheme's id (required).
    #[param(required = true, value_type = String)]
    scheme: Option<String>,
}

/// A body's clients together
///
/// The latest scored result of each client in the body's assessments of one scheme: the
/// JSON (`tianping_app::insight_gap::ClientsView`) is `org_id`, `scheme`, `scheme_name`,
/// `clients` (how many), `outcomes` (`[grade or stars, count]`, best first; `—` for none)
/// and `common_gaps` (the indicators most often in the clients' plans to their next outcome,
/// most first, at most 10: `indicator`, `name`, `clients`). The body's staff other than
/// experts, and system administrators; anyone else: 404.
#[utoipa::path(get, path = "/orgs/{id}/clients", tag = "insight",
    params(("id" = i64, Path, description = "The body's id"), ClientsQ),
    responses(
        (status = 200, description = "The clients' outcomes and common gaps", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ))]
async fn get_clients(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ClientsQ>,
) -> ApiRes<ClientsView> {
    if !u.principal().sees_clients_of(id) {
        return Err(Error::NotFound.into());
    }
    let scheme = required_scheme(q.scheme.as_deref())?;
    Ok(Json(
        insight_gap::clients(&st, &u, id, scheme, tianping_app::Lang::Zh).await?,
    ))
}
