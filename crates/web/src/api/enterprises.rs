//! `/enterprises`: the enterprises the caller may see, registering a client (body staff),
//! one enterprise with its sites, and updating its record.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use serde::{Deserialize, Serialize};
use tianping_app::domain::enterprise::EnterpriseInput;
use tianping_app::domain::identity::LockReason;
use tianping_app::{enterprises, repo, App};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{OpenApi, ToSchema};

use super::{
    created, paging, parse_body, ApiPath, ApiQuery, ApiRes, Caller, Created, Forbidden, Invalid,
    NotFound, Page, PageQ, Routes, Unauthorized,
};
use crate::error::Error;

pub(super) fn routes(r: Routes) -> Routes {
    r.route(
        "/enterprises",
        get(list_enterprises).post(create_enterprise),
    )
    .route(
        "/enterprises/:id",
        get(get_enterprise).put(update_enterprise),
    )
}

#[derive(OpenApi)]
#[openapi(paths(list_enterprises, create_enterprise, get_enterprise, update_enterprise))]
pub(super) struct Doc;

/// An enterprise's record as sent. Every field is read as text (numbers are accepted too, null
/// is empty); unknown fields are refused by name.
#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct EnterpriseIn {
    /// 统一社会信用代码 (GB 32100)
    #[schema(required = true)]
    uscc: String,
    #[schema(required = true)]
    name: String,
    registered_address: String,
    operating_address: String,
    legal_representative: String,
    /// GB/T 4754, e.g. C3511
    industry_code: String,
    /// Number of employees
    #[schema(schema_with = whole_number)]
    headcount: String,
    /// T11/AII 001-2020 enterprise type (variant id, letter or name)
    enterprise_type: String,
    /// T/SDDITAI 5121-2023 category (id, letter or name); suggested from industry_code when empty
    category: String,
}

/// A whole number, sent as a number or as text.
pub(super) fn whole_number() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            Type::Integer,
            Type::String,
        ]))
        .into()
}

impl From<EnterpriseIn> for EnterpriseInput {
    fn from(i: EnterpriseIn) -> EnterpriseInput {
        EnterpriseInput {
            uscc: i.uscc,
            name: i.name,
            registered_address: i.registered_address,
            operating_address: i.operating_address,
            legal_representative: i.legal_representative,
            industry_code: i.industry_code,
            headcount: i.headcount,
            enterprise_type: i.enterprise_type,
            category: i.category,
        }
    }
}

/// An enterprise's record.
#[derive(Serialize, ToSchema)]
pub(super) struct EnterpriseSummary {
    id: i64,
    /// 统一社会信用代码 (GB 32100)
    uscc: String,
    name: String,
    registered_address: String,
    operating_address: String,
    legal_representative: String,
    /// GB/T 4754
    industry_code: String,
    headcount: i64,
    /// T11/AII 001-2020 enterprise type (variant id)
    enterprise_type: Option<String>,
    /// T/SDDITAI 5121-2023 category (variant id)
    category: Option<String>,
    created_at: String,
    updated_at: String,
}

impl From<repo::Enterprise> for EnterpriseSummary {
    fn from(e: repo::Enterprise) -> EnterpriseSummary {
        EnterpriseSummary {
            id: e.id,
            uscc: e.uscc,
            name: e.name,
            registered_address: e.registered_address,
            operating_address: e.operating_address,
            legal_representative: e.legal_representative,
            industry_code: e.industry_code,
            headcount: e.headcount,
            enterprise_type: e.enterprise_type,
            category: e.category,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// One enterprise: its record, its sites, and the T/SDDITAI 5121-2023 category its industry
/// code suggests.
#[derive(Serialize, ToSchema)]
pub(super) struct Enterprise {
    #[serde(flatten)]
    record: EnterpriseSummary,
    sites: Vec<Site>,
    suggested_category: Option<String>,
    identity: Identity,
}

/// Whether the credit code and name are locked, and the pending request to change them.
/// Once locked (an assessment submitted or an evaluation body engaged), a new credit code or
/// name sent with `PUT /enterprises/{id}` is not applied but filed as `pending_request`, for
/// an admin of an engaged body to approve.
#[derive(Serialize, ToSchema)]
pub(super) struct Identity {
    locked: bool,
    /// Why: `submitted` (an assessment is submitted), `engaged` (an evaluation body is engaged).
    reasons: Vec<String>,
    pending_request: Option<IdentityRequest>,
}

/// A pending request to change the credit code and name.
#[derive(Serialize, ToSchema)]
pub(super) struct IdentityRequest {
    id: i64,
    old_uscc: String,
    old_name: String,
    new_uscc: String,
    new_name: String,
    /// The requesting account.
    requested_by: i64,
    requested_at: String,
}

/// A site of an enterprise.
#[derive(Serialize, ToSchema)]
pub(super) struct Site {
    id: i64,
    enterprise_id: i64,
    name: String,
    address: String,
    headcount: i64,
}

impl From<repo::Site> for Site {
    fn from(s: repo::Site) -> Site {
        Site {
            id: s.id,
            enterprise_id: s.enterprise_id,
            name: s.name,
            address: s.address,
            headcount: s.headcount,
        }
    }
}

async fn enterprise(st: &App, u: &repo::User, e: repo::Enterprise) -> Result<Enterprise, Error> {
    let sites = enterprises::sites(st, u, e.id).await?;
    let suggested_category = enterprises::suggest_category(st, &e.industry_code).map(|c| c.0);
    let s = tianping_app::identity::state(st, u, &e).await?;
    let identity = Identity {
        locked: s.lock.locked(),
        reasons: s
            .lock
            .reasons
            .iter()
            .map(|r| match r {
                LockReason::Submitted => "submitted".to_string(),
                LockReason::Engaged => "engaged".to_string(),
            })
            .collect(),
        pending_request: s.pending.map(|r| IdentityRequest {
            id: r.id,
            old_uscc: r.old_uscc,
            old_name: r.old_name,
            new_uscc: r.new_uscc,
            new_name: r.new_name,
            requested_by: r.requested_by,
            requested_at: r.requested_at,
        }),
    };
    Ok(Enterprise {
        record: e.into(),
        sites: sites.into_iter().map(Site::from).collect(),
        suggested_category,
        identity,
    })
}

/// Enterprises visible to the caller
#[utoipa::path(
    get,
    path = "/enterprises",
    tag = "enterprises",
    params(PageQ),
    responses(
        (status = 200, description = "A page of enterprises", body = Page<EnterpriseSummary>),
        (status = 401, response = Unauthorized),
        (status = 422, response = Invalid),
    )
)]
async fn list_enterprises(
    State(st): State<App>,
    Caller(u): Caller,
    ApiQuery(q): ApiQuery<PageQ>,
) -> ApiRes<Page<EnterpriseSummary>> {
    let (page, per) = paging(q.page.as_deref(), q.per_page.as_deref())?;
    let (items, total) = enterprises::list(&st, &u, per, (page - 1) * per).await?;
    let items = items.into_iter().map(EnterpriseSummary::from).collect();
    Ok(Json(Page::new(items, page, per, total)))
}

/// Register a client enterprise (body staff)
///
/// The caller's evaluation body is engaged with the new enterprise.
#[utoipa::path(
    post,
    path = "/enterprises",
    tag = "enterprises",
    request_body = EnterpriseIn,
    responses(
        (status = 201, description = "The new enterprise", body = Enterprise),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
    )
)]
async fn create_enterprise(
    State(st): State<App>,
    Caller(u): Caller,
    body: Bytes,
) -> Created<Enterprise> {
    let i: EnterpriseIn = parse_body(&body)?;
    let e = enterprises::create(&st, &u, &i.into()).await?;
    created(enterprise(&st, &u, e).await?)
}

/// One enterprise with its sites
#[utoipa::path(
    get,
    path = "/enterprises/{id}",
    tag = "enterprises",
    params(("id" = i64, Path, description = "The enterprise's id")),
    responses(
        (status = 200, description = "The enterprise", body = Enterprise),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
async fn get_enterprise(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Enterprise> {
    let e = enterprises::get(&st, &u, id).await?;
    Ok(Json(enterprise(&st, &u, e).await?))
}

/// Update an enterprise's record
///
/// The whole record is sent; a field left out is empty. Once the credit code and name are
/// locked (`identity.locked`), new ones are filed as `identity.pending_request` instead of
/// applied (422 while another request is pending); the rest of the record is saved.
#[utoipa::path(
    put,
    path = "/enterprises/{id}",
    tag = "enterprises",
    params(("id" = i64, Path, description = "The enterprise's id")),
    request_body = EnterpriseIn,
    responses(
        (status = 200, description = "The enterprise as updated", body = Enterprise),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
async fn update_enterprise(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> ApiRes<Enterprise> {
    // visibility first, so that a refused object is not found whatever the body says
    enterprises::get(&st, &u, id).await?;
    let i: EnterpriseIn = parse_body(&body)?;
    let e = enterprises::update(&st, &u, id, &i.into()).await?;
    Ok(Json(enterprise(&st, &u, e).await?))
}
