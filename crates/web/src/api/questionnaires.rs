//! Questionnaires of an on-site capability assessment (004 7.2.1, I-13), for the body running
//! it: list, open (the links' tokens are returned this once), results, close, more links,
//! and writing the aggregate into the assessment. Respondents answer on the pages
//! (`/q/{token}`), without a token of the API.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use tianping_app::domain::questionnaire::{OpenInput, Withheld};
use tianping_app::questionnaire::{self as uc, Issued, View};
use tianping_app::App;
use utoipa::{OpenApi, ToSchema};

use super::{
    created, parse_body, ApiPath, ApiRes, Caller, Conflict, Created, Forbidden, Invalid, NotFound,
    Routes, Unauthorized,
};

pub(super) fn routes(r: Routes) -> Routes {
    r.route(
        "/assessments/:id/questionnaires",
        get(list_questionnaires).post(open_questionnaire),
    )
    .route("/questionnaires/:id", get(get_questionnaire))
    .route("/questionnaires/:id/close", post(close_questionnaire))
    .route("/questionnaires/:id/links", post(add_questionnaire_links))
    .route("/questionnaires/:id/apply", post(apply_questionnaire))
}

#[derive(OpenApi)]
#[openapi(paths(
    list_questionnaires,
    open_questionnaire,
    get_questionnaire,
    close_questionnaire,
    add_questionnaire_links,
    apply_questionnaire
))]
pub(super) struct Doc;

/// One item's aggregate.
#[derive(Serialize, ToSchema)]
pub(super) struct ItemScore {
    indicator: String,
    /// Responses that rate it.
    count: usize,
    /// The mean rating, 1 to 5.
    mean: f64,
    /// The I-13 score: `max × (mean − 1) / 4`.
    score: f64,
    /// The item's points.
    max: f64,
}

/// A questionnaire as the body sees it: never a single response.
#[derive(Serialize, ToSchema)]
pub(super) struct Questionnaire {
    id: i64,
    assessment: i64,
    /// `open` or `closed` (closed by the body); see `closed` for the closing day.
    status: String,
    /// Takes no more answers: closed by the body, or past `closes_on` (China time).
    closed: bool,
    opens_at: String,
    /// The last day answers are taken, China time (`YYYY-MM-DD`).
    closes_on: String,
    /// The indicator ids asked.
    items: Vec<String>,
    links_issued: i64,
    links_used: i64,
    /// How many responses.
    responses: usize,
    /// Per item, once closed with at least 3 responses; otherwise null and `withheld` says why.
    aggregate: Option<Vec<ItemScore>>,
    /// Why the aggregate is not shown: `open` (still taking answers) or `too_few` (fewer than
    /// 3 responses).
    withheld: Option<String>,
    /// When the aggregate was written into the assessment.
    applied_at: Option<String>,
}

impl Questionnaire {
    fn new(v: View) -> Questionnaire {
        let q = v.questionnaire;
        let (aggregate, withheld) = match v.results.aggregate {
            Ok(a) => (
                Some(
                    a.into_iter()
                        .map(|x| ItemScore {
                            indicator: x.id,
                            count: x.count,
                            mean: x.mean,
                            score: x.score,
                            max: x.max,
                        })
                        .collect(),
                ),
                None,
            ),
            Err(Withheld::Open) => (None, Some("open".to_string())),
            Err(Withheld::TooFew { .. }) => (None, Some("too_few".to_string())),
        };
        Questionnaire {
            id: q.id,
            assessment: q.assessment_id,
            status: q.status.as_str().to_string(),
            closed: v.closed,
            opens_at: q.opens_at,
            closes_on: q.closes_on.to_string(),
            items: q.items,
            links_issued: v.links_issued,
            links_used: v.links_used,
            responses: v.results.count,
            aggregate,
            withheld,
            applied_at: q.applied_at,
        }
    }
}

/// One single-use link: its token, shown this once.
#[derive(Serialize, ToSchema)]
pub(super) struct IssuedLink {
    token: String,
    /// The respondent's page, relative to the site (`/q/{token}`).
    path: String,
}

/// Links just issued, with their questionnaire.
#[derive(Serialize, ToSchema)]
pub(super) struct IssuedLinks {
    questionnaire: Questionnaire,
    links: Vec<IssuedLink>,
}

async fn issued(
    st: &App,
    u: &tianping_app::repo::User,
    i: Issued,
) -> Result<IssuedLinks, crate::error::Error> {
    let (_, v) = uc::results(st, u, i.questionnaire.id).await?;
    Ok(IssuedLinks {
        questionnaire: Questionnaire::new(v),
        links: i
            .tokens
            .into_iter()
            .map(|t| IssuedLink {
                path: format!("/q/{}", t),
                token: t,
            })
            .collect(),
    })
}

/// The questionnaires of an assessment
///
/// Newest first, each with its links used, its number of responses and, once closed with at
/// least 3 responses, the aggregate per item. For an admin or auditor of the body running the
/// on-site assessment (others who see it: 403; an assessment without questionnaire items or a
/// self-assessment: 422; one the caller cannot see: 404).
#[utoipa::path(
    get,
    path = "/assessments/{id}/questionnaires",
    tag = "questionnaires",
    params(("id" = i64, Path, description = "The on-site assessment's id")),
    responses(
        (status = 200, description = "The questionnaires", body = Vec<Questionnaire>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
async fn list_questionnaires(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Vec<Questionnaire>> {
    let (_, _, views) = uc::list(&st, &u, id).await?;
    Ok(Json(views.into_iter().map(Questionnaire::new).collect()))
}

/// A questionnaire to open.
#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct OpenIn {
    /// The last day answers are taken (China time), `YYYY-MM-DD`: after today, at most 90
    /// days ahead.
    closes_on: String,
    /// How many single-use links, 1 to 500.
    #[schema(value_type = i64)]
    links: String,
}

/// Open a questionnaire
///
/// Asks the assessment's questionnaire items (`likert`) until `closes_on`, with `links`
/// single-use links. The links' tokens are in this answer only (only their SHA-256 is
/// stored). One questionnaire takes answers at a time (409); a submitted assessment: 409.
#[utoipa::path(
    post,
    path = "/assessments/{id}/questionnaires",
    tag = "questionnaires",
    params(("id" = i64, Path, description = "The on-site assessment's id")),
    request_body = OpenIn,
    responses(
        (status = 201, description = "The questionnaire and its links", body = IssuedLinks),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
    )
)]
async fn open_questionnaire(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Created<IssuedLinks> {
    let i: OpenIn = parse_body(&body)?;
    let input = OpenInput {
        closes_on: i.closes_on,
        links: i.links,
    };
    let out = uc::open(&st, &u, id, &input).await?;
    created(issued(&st, &u, out).await?)
}

/// A questionnaire
///
/// Its links used, its number of responses and, once closed with at least 3 responses, the
/// aggregate per item (never a single response).
#[utoipa::path(
    get,
    path = "/questionnaires/{id}",
    tag = "questionnaires",
    params(("id" = i64, Path, description = "The questionnaire's id")),
    responses(
        (status = 200, description = "The questionnaire", body = Questionnaire),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn get_questionnaire(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Questionnaire> {
    let (_, v) = uc::results(&st, &u, id).await?;
    Ok(Json(Questionnaire::new(v)))
}

/// Close a questionnaire
///
/// It takes no more answers (409 when it is closed already or past its closing day).
#[utoipa::path(
    post,
    path = "/questionnaires/{id}/close",
    tag = "questionnaires",
    params(("id" = i64, Path, description = "The questionnaire's id")),
    responses(
        (status = 200, description = "The questionnaire, closed", body = Questionnaire),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn close_questionnaire(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Questionnaire> {
    uc::close(&st, &u, id).await?;
    let (_, v) = uc::results(&st, &u, id).await?;
    Ok(Json(Questionnaire::new(v)))
}

/// More links.
#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct LinksIn {
    /// How many single-use links, 1 to 500.
    #[schema(value_type = i64)]
    links: String,
}

/// Issue more links
///
/// On an open questionnaire; the earlier links keep working. The tokens are in this answer
/// only.
#[utoipa::path(
    post,
    path = "/questionnaires/{id}/links",
    tag = "questionnaires",
    params(("id" = i64, Path, description = "The questionnaire's id")),
    request_body = LinksIn,
    responses(
        (status = 201, description = "The questionnaire and the new links", body = IssuedLinks),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
    )
)]
async fn add_questionnaire_links(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Created<IssuedLinks> {
    let i: LinksIn = parse_body(&body)?;
    let out = uc::add_links(&st, &u, id, &i.links).await?;
    created(issued(&st, &u, out).await?)
}

/// What applying wrote.
#[derive(Serialize, ToSchema)]
pub(super) struct Applied {
    /// The items answered with `{"likert": [...]}` (each item's ratings, sorted).
    items: Vec<String>,
}

/// Write the aggregate into the assessment
///
/// Once the questionnaire is closed with at least 3 responses (409 otherwise, and on a
/// submitted assessment): each item gets the answer `{"likert": [...]}` with its ratings
/// sorted, saved under the answers' rules and scored by I-13 (`max × (mean − 1) / 4`).
#[utoipa::path(
    post,
    path = "/questionnaires/{id}/apply",
    tag = "questionnaires",
    params(("id" = i64, Path, description = "The questionnaire's id")),
    responses(
        (status = 200, description = "The items written", body = Applied),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn apply_questionnaire(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Applied> {
    let items = uc::apply(&st, &u, id).await?;
    Ok(Json(Applied { items }))
}
