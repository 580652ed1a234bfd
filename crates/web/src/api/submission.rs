//! Submitting and withdrawing: `POST /assessments/{id}/submit` (with the unanswered and
//! unverified items it leaves) and `POST /assessments/{id}/withdraw`.

use axum::extract::State;
use axum::routing::post;
use axum::Json;
use serde::Serialize;
use tianping_app::submission::{self, Ack};
use tianping_app::{assessments, App};
use tianping_core::Scheme;
use utoipa::{OpenApi, ToSchema};

use super::assessments::Assessment;
use super::{ApiPath, ApiRes, Caller, Conflict, Forbidden, NotFound, Routes, Unauthorized};

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/assessments/:id/submit", post(submit_assessment))
        .route("/assessments/:id/withdraw", post(withdraw_assessment))
}

#[derive(OpenApi)]
#[openapi(paths(submit_assessment, withdraw_assessment))]
pub(super) struct Doc;

/// An item, named as printed.
#[derive(Serialize, ToSchema)]
pub(super) struct ItemRef {
    indicator: String,
    table: String,
    /// The printed serial (T11/AII 001-2020).
    serial: Option<String>,
    /// The item's name (the last element of its path).
    name: String,
}

fn item_refs(scheme: &Scheme, ids: Vec<String>) -> Vec<ItemRef> {
    ids.into_iter()
        .map(|id| {
            let i = scheme.indicator(&id);
            ItemRef {
                table: i.map(|i| i.table.clone()).unwrap_or_default(),
                serial: i.and_then(|i| i.serial.clone()),
                name: i.and_then(|i| i.path.last().cloned()).unwrap_or_default(),
                indicator: id,
            }
        })
        .collect()
}

/// A submitted assessment, with what the submission left out.
#[derive(Serialize, ToSchema)]
pub(super) struct Submitted {
    #[serde(flatten)]
    assessment: Assessment,
    /// The items without an answer (they count as nothing), in table order.
    unanswered: Vec<ItemRef>,
    /// Self-declared answers (T11/AII 001-2020) not verified yet: kept, but they count only
    /// once the evaluation body has verified them.
    unverified: Vec<ItemRef>,
}

/// Submit and lock
///
/// The result is computed once more and stored; answers can no longer change (409). Who
/// submitted and when is recorded. Unanswered items do not stop a submission here (the
/// confirmation page asks for an acknowledgement); the response lists them, and the
/// self-declared answers not verified yet. The submitter can withdraw the submission until
/// the evaluation body acts on it (`POST /assessments/{id}/withdraw`).
#[utoipa::path(
    post,
    path = "/assessments/{id}/submit",
    tag = "assessments",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The submitted assessment, with the unanswered and unverified items", body = Submitted),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn submit_assessment(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Submitted> {
    let (a, review) = submission::submit(&st, &u, id, Ack::NotAsked).await?;
    let scheme = assessments::plan(&st, &a)?.scheme;
    let (a, access) = assessments::get(&st, &u, a.id).await?;
    Ok(Json(Submitted {
        assessment: Assessment::new(a, access),
        unanswered: item_refs(scheme, review.unanswered),
        unverified: item_refs(scheme, review.unverified),
    }))
}

/// Withdraw the submission
///
/// Back to draft, recorded (who, when, audit log). Only the party that may submit (the
/// enterprise for a self-assessment, the evaluation body for an on-site one), and only until
/// the body has acted on the submission: once staff have written an answer version since it
/// (verified or changed an answer), or when the assessment is not submitted, 409 says why.
#[utoipa::path(
    post,
    path = "/assessments/{id}/withdraw",
    tag = "assessments",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The assessment, a draft again", body = Assessment),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn withdraw_assessment(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Assessment> {
    let a = submission::withdraw(&st, &u, id).await?;
    let (a, access) = assessments::get(&st, &u, a.id).await?;
    Ok(Json(Assessment::new(a, access)))
}
