//! `/assessments`: the assessments the caller may see, creating one, one assessment, its
//! answer template (submitting: `super::submission`).

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tianping_app::assessments::AssessmentInput;
use tianping_app::domain::{Access, AssessmentStatus, Mode};
use tianping_app::{assessments, repo, App};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::enterprises::whole_number;
use super::{
    created, paging, parse_body, ApiPath, ApiQuery, ApiRes, Caller, Created, Forbidden, Invalid,
    ModeText, NotFound, Page, Routes, StatusText, Unauthorized,
};
use crate::error::Error;

pub(super) fn routes(r: Routes) -> Routes {
    r.route(
        "/assessments",
        get(list_assessments).post(create_assessment),
    )
    .route("/assessments/:id", get(get_assessment))
    .route("/assessments/:id/template", get(get_template))
}

#[derive(OpenApi)]
#[openapi(paths(list_assessments, create_assessment, get_assessment, get_template))]
pub(super) struct Doc;

/// The parameters of the list of assessments.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct AssessmentsQ {
    /// The page, from 1.
    #[param(value_type = Option<i64>, minimum = 1, default = 1)]
    page: Option<String>,
    /// Items per page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, default = 20)]
    per_page: Option<String>,
    /// Only the assessments of this enterprise.
    #[param(value_type = Option<i64>)]
    enterprise_id: Option<String>,
}

/// A new assessment. Fields are read as text (numbers and booleans are accepted too, null is
/// empty); unknown fields are refused by name.
#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct AssessmentIn {
    #[schema(required = true, schema_with = whole_number)]
    enterprise_id: String,
    /// A scheme's id (`GET /schemes`).
    #[schema(required = true)]
    scheme: String,
    /// The scheme's variant (id, letter or name); T11/AII 001-2020 and T/SDDITAI 5121-2023
    /// need one.
    variant: String,
    /// By default the enterprise's and the scheme's names.
    title: String,
    /// A profile (TOML): exclusions, group and indicator weights.
    profile: String,
    /// T11/AII 001-2020 only: the comprehensive stars held now, 0 to 5.
    #[schema(schema_with = whole_number)]
    current_stars: String,
    /// T11/AII 001-2020 only: whether this is the first application (by default, when no
    /// stars are held). `true`/`false`, also `1`/`0`, `on`/`off`, `yes`/`no`.
    #[schema(value_type = bool)]
    first_application: String,
}

impl From<AssessmentIn> for AssessmentInput {
    fn from(i: AssessmentIn) -> AssessmentInput {
        AssessmentInput {
            enterprise_id: i.enterprise_id,
            scheme: i.scheme,
            variant: i.variant,
            title: i.title,
            profile: i.profile,
            current_stars: i.current_stars,
            first_application: i.first_application,
        }
    }
}

/// An assessment as listed. Experts see no figures (score, grade, stars are null, I-13).
#[derive(Serialize, ToSchema)]
pub(super) struct AssessmentSummary {
    id: i64,
    enterprise_id: i64,
    /// The evaluation body of an on-site assessment.
    org_id: Option<i64>,
    scheme: String,
    variant: Option<String>,
    profile_name: Option<String>,
    /// SHA-256 of the profile.
    profile_hash: Option<String>,
    #[schema(value_type = ModeText)]
    mode: Mode,
    title: String,
    current_stars: i64,
    /// 1 for a first application (T11/AII 001-2020).
    first_application: i64,
    #[schema(value_type = StatusText)]
    status: AssessmentStatus,
    /// Counts the saved answers.
    revision: i64,
    created_by: i64,
    created_at: String,
    updated_at: String,
    submitted_at: Option<String>,
    submitted_by: Option<i64>,
    /// The scheme version of the stored result.
    scheme_version: Option<String>,
    /// The engine version of the stored result.
    engine_version: Option<String>,
    score: Option<f64>,
    grade: Option<String>,
    stars: Option<i64>,
    result_at: Option<String>,
}

impl From<repo::Assessment> for AssessmentSummary {
    fn from(a: repo::Assessment) -> AssessmentSummary {
        AssessmentSummary {
            id: a.id,
            enterprise_id: a.enterprise_id,
            org_id: a.org_id,
            scheme: a.scheme,
            variant: a.variant,
            profile_name: a.profile_name,
            profile_hash: a.profile_hash,
            mode: a.mode,
            title: a.title,
            current_stars: a.current_stars,
            first_application: a.first_application,
            status: a.status,
            revision: a.revision,
            created_by: a.created_by,
            created_at: a.created_at,
            updated_at: a.updated_at,
            submitted_at: a.submitted_at,
            submitted_by: a.submitted_by,
            scheme_version: a.scheme_version,
            engine_version: a.engine_version,
            score: a.score,
            grade: a.grade,
            stars: a.stars,
            result_at: a.result_at,
        }
    }
}

/// What the caller may do with an assessment.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(super) enum AccessKind {
    /// Read everything.
    Read,
    /// Answer every item, upload evidence, submit.
    Edit,
    /// An expert: only the assigned items, no figures.
    Expert,
    /// A platform operator: platform data for 线上 items.
    Platform,
}

/// One assessment, with what the caller may do with it.
#[derive(Serialize, ToSchema)]
pub(super) struct Assessment {
    #[serde(flatten)]
    row: AssessmentSummary,
    access: AccessKind,
    /// Experts only: the indicators assigned to the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    assigned_items: Option<Vec<String>>,
}

impl Assessment {
    pub(super) fn new(a: repo::Assessment, access: Access) -> Assessment {
        let mut row = AssessmentSummary::from(a);
        if !access.sees_result() {
            (row.score, row.grade, row.stars) = (None, None, None);
        }
        let (access, assigned_items) = match access {
            Access::Read => (AccessKind::Read, None),
            Access::Edit => (AccessKind::Edit, None),
            Access::Expert(items) => (AccessKind::Expert, Some(items)),
            Access::Platform => (AccessKind::Platform, None),
        };
        Assessment {
            row,
            access,
            assigned_items,
        }
    }
}

/// The answer template of an assessment: every indicator the caller may answer, with the
/// standard's guidance.
#[derive(Serialize, Deserialize, ToSchema)]
pub(super) struct Template {
    scheme: String,
    variant: Option<String>,
    scheme_version: String,
    /// The scheme's guidance bands.
    #[schema(value_type = Vec<Object>)]
    guidance: Vec<Value>,
    /// Each indicator: `id`, `path`, `table`, `kind`, `serial`, and where they apply
    /// `category`, `max`, `half_points`, `expert_panel`, `likert`, `content`, `requirement`,
    /// `method`, `evidence`, `levels`, `weights`.
    #[schema(value_type = Vec<Object>)]
    indicators: Vec<Value>,
    /// An answer for each indicator, keyed by indicator id (null: to fill in).
    #[schema(value_type = Object)]
    answers: Map<String, Value>,
}

impl Template {
    /// The core's template, read into the API's view.
    fn of(t: Value) -> Result<Template, Error> {
        serde_json::from_value(t).map_err(|e| Error::Internal(format!("template: {e}")))
    }

    /// Only the items an expert sees.
    fn retain(&mut self, access: &Access) {
        self.indicators
            .retain(|i| i["id"].as_str().is_some_and(|id| access.sees_item(id)));
        self.answers.retain(|k, _| access.sees_item(k));
    }
}

/// Assessments visible to the caller
#[utoipa::path(
    get,
    path = "/assessments",
    tag = "assessments",
    params(AssessmentsQ),
    responses(
        (status = 200, description = "A page of assessments", body = Page<AssessmentSummary>),
        (status = 401, response = Unauthorized),
        (status = 422, response = Invalid),
    )
)]
async fn list_assessments(
    State(st): State<App>,
    Caller(u): Caller,
    ApiQuery(q): ApiQuery<AssessmentsQ>,
) -> ApiRes<Page<AssessmentSummary>> {
    let (page, per) = paging(q.page.as_deref(), q.per_page.as_deref())?;
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
    let items = items.into_iter().map(AssessmentSummary::from).collect();
    Ok(Json(Page::new(items, page, per, total)))
}

/// Create an assessment
///
/// An enterprise member creates a self-assessment of its enterprise; body staff an on-site
/// assessment of a client.
#[utoipa::path(
    post,
    path = "/assessments",
    tag = "assessments",
    request_body = AssessmentIn,
    responses(
        (status = 201, description = "The new assessment", body = Assessment),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
    )
)]
async fn create_assessment(
    State(st): State<App>,
    Caller(u): Caller,
    body: Bytes,
) -> Created<Assessment> {
    let i: AssessmentIn = parse_body(&body)?;
    let a = assessments::create(&st, &u, &i.into()).await?;
    let (a, access) = assessments::get(&st, &u, a.id).await?;
    created(Assessment::new(a, access))
}

/// One assessment
#[utoipa::path(
    get,
    path = "/assessments/{id}",
    tag = "assessments",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The assessment", body = Assessment),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
async fn get_assessment(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Assessment> {
    let (a, access) = assessments::get(&st, &u, id).await?;
    Ok(Json(Assessment::new(a, access)))
}

/// Every indicator the caller may answer, with guidance
#[utoipa::path(
    get,
    path = "/assessments/{id}/template",
    tag = "assessments",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The answer template (experts: their items only)", body = Template),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
async fn get_template(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Template> {
    let (a, access) = assessments::get(&st, &u, id).await?;
    let plan = assessments::plan(&st, &a)?;
    let mut t = Template::of(tianping_core::template::template(&plan))?;
    if let Access::Expert(_) = &access {
        t.retain(&access);
    }
    Ok(Json(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The API's view of a template carries every key of the core's, in the same order.
    #[test]
    fn the_template_view_keeps_the_cores_template_as_it_is() {
        let catalog = tianping_catalog::Catalog::load(None).unwrap();
        for s in &catalog.schemes {
            let variants: Vec<Option<&str>> = if s.variants.is_empty() {
                vec![None]
            } else {
                s.variants.iter().map(|v| Some(v.id.as_str())).collect()
            };
            for v in variants {
                let plan = tianping_core::Plan::new(s, v, None).unwrap();
                let core = tianping_core::template::template(&plan);
                let view = Template::of(core.clone()).unwrap();
                assert_eq!(
                    serde_json::to_string(&view).unwrap(),
                    core.to_string(),
                    "{} {:?}",
                    s.id,
                    v
                );
            }
        }
    }
}
