//! A certification body's people (8.1.4.1, 5.2): `/orgs/{id}/people` (the body's people with
//! who is a qualified auditor on a day), `/people/{id}/competence` (records, kept by the body
//! admin) and `/people/{id}/conflicts` (conflicts of interest, declared by the person or the
//! admin, withdrawn by the admin). The same permissions as the pages: the person, their body's
//! admin and the system administrator see a person's records; anyone else gets 404.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tianping_app::domain::people::{parse_day, CompetenceInput, CompetenceKind, ConflictInput};
use tianping_app::domain::Role;
use tianping_app::people::{self, CompetenceRecord, ConflictRecord, PersonRecords};
use tianping_app::App;
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{
    created, parse_body, ApiPath, ApiQuery, ApiRes, Caller, CompetenceKindText, Conflict, Created,
    Forbidden, Invalid, NotFound, RoleText, Routes, Unauthorized,
};

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/orgs/:id/people", get(list_people))
        .route(
            "/people/:id/competence",
            get(get_competence).post(add_competence),
        )
        .route(
            "/people/:id/competence/:record",
            axum::routing::delete(remove_competence),
        )
        .route(
            "/people/:id/conflicts",
            get(get_conflicts).post(declare_conflict),
        )
        .route(
            "/people/:id/conflicts/:conflict",
            axum::routing::delete(withdraw_conflict),
        )
}

#[derive(OpenApi)]
#[openapi(paths(
    list_people,
    get_competence,
    add_competence,
    remove_competence,
    get_conflicts,
    declare_conflict,
    withdraw_conflict
))]
pub(super) struct Doc;

/// A competence record.
#[derive(Serialize, ToSchema)]
pub(super) struct Competence {
    id: i64,
    /// The person's account.
    user_id: i64,
    #[schema(value_type = CompetenceKindText)]
    kind: CompetenceKind,
    /// CCAA: the registration number; EEPC: the certificate or course (may be empty);
    /// business area: its code or name.
    value: String,
    /// The day obtained (EEPC: the day the training was passed), `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, format = Date)]
    obtained_on: Option<NaiveDate>,
    /// The last day it is valid, `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, format = Date)]
    valid_until: Option<NaiveDate>,
    /// Whether it holds on the day the answer is about (`today`, or the list's `on`).
    valid: bool,
    recorded_by: i64,
    recorded_at: String,
}

fn competence(r: CompetenceRecord, on: NaiveDate) -> Competence {
    Competence {
        valid: r.competence().valid_on(on),
        id: r.id,
        user_id: r.user_id,
        kind: r.kind,
        value: r.value,
        obtained_on: r.obtained_on,
        valid_until: r.valid_until,
        recorded_by: r.recorded_by,
        recorded_at: r.recorded_at,
    }
}

/// A competence record as sent. Fields are read as text; unknown fields are refused.
#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct CompetenceIn {
    /// `ccaa`, `eepc` or `business_area`.
    #[schema(required = true)]
    kind: String,
    /// CCAA: the registration number (required); EEPC: optional; business area: its code or
    /// name (required).
    value: String,
    /// `YYYY-MM-DD`; required for EEPC (the day the training was passed), not after today.
    obtained_on: String,
    /// `YYYY-MM-DD`; required for CCAA.
    valid_until: String,
}

/// A person's competence records and whether they are a qualified auditor today.
#[derive(Serialize, ToSchema)]
pub(super) struct PersonCompetence {
    user_id: i64,
    name: String,
    #[schema(value_type = RoleText)]
    role: Role,
    /// The body.
    org_id: i64,
    /// Today (China time), the day `valid`, `qualified` and `lacks` are about.
    #[schema(value_type = String, format = Date)]
    today: NaiveDate,
    /// A CCAA registration and the EEPC training both valid (8.1.4.1 1)).
    qualified: bool,
    /// What is missing to be qualified: `ccaa`, `eepc`.
    #[schema(value_type = Vec<CompetenceKindText>)]
    lacks: Vec<CompetenceKind>,
    records: Vec<Competence>,
}

fn person_competence(r: PersonRecords) -> PersonCompetence {
    let today = r.today;
    PersonCompetence {
        user_id: r.person.id,
        name: r.person.name,
        role: r.person.role,
        org_id: r.org.id,
        today,
        qualified: r.gaps.is_empty(),
        lacks: r.gaps,
        records: r
            .competence
            .into_iter()
            .map(|c| competence(c, today))
            .collect(),
    }
}

/// A declared conflict of interest with a client.
#[derive(Serialize, ToSchema)]
pub(super) struct ConflictOfInterest {
    id: i64,
    user_id: i64,
    enterprise_id: i64,
    enterprise_name: String,
    reason: String,
    /// The last day the conflict lasts, `YYYY-MM-DD`; null: for good.
    #[schema(value_type = Option<String>, format = Date)]
    until: Option<NaiveDate>,
    #[schema(value_type = String, format = Date)]
    declared_on: NaiveDate,
    declared_by: i64,
    declared_at: String,
    /// When the body admin withdrew it; null while it stands.
    withdrawn_at: Option<String>,
    withdrawn_by: Option<i64>,
}

fn conflict(c: ConflictRecord, name: &str) -> ConflictOfInterest {
    ConflictOfInterest {
        id: c.id,
        user_id: c.user_id,
        enterprise_id: c.enterprise_id,
        enterprise_name: name.to_string(),
        reason: c.reason,
        until: c.until,
        declared_on: c.declared_on,
        declared_by: c.declared_by,
        declared_at: c.declared_at,
        withdrawn_at: c.withdrawn_at,
        withdrawn_by: c.withdrawn_by,
    }
}

/// A person's declarations, newest first, withdrawn ones too.
#[derive(Serialize, ToSchema)]
pub(super) struct PersonConflicts {
    user_id: i64,
    items: Vec<ConflictOfInterest>,
}

/// A conflict of interest as sent. Fields are read as text; unknown fields are refused.
#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct ConflictIn {
    /// One of the body's client enterprises (it engaged the body).
    #[schema(required = true, schema_with = super::enterprises::whole_number)]
    enterprise_id: String,
    /// Why, e.g. “2年内为其提供咨询”; at most 500 characters.
    #[schema(required = true)]
    reason: String,
    /// The last day the conflict lasts, `YYYY-MM-DD`; empty or absent: for good.
    until: String,
}

/// One person of the body with their competence.
#[derive(Serialize, ToSchema)]
pub(super) struct PersonSummary {
    user_id: i64,
    name: String,
    #[schema(value_type = RoleText)]
    role: Role,
    /// 1 when the account is deactivated.
    disabled: i64,
    /// A CCAA registration and the EEPC training both valid on `on`.
    qualified: bool,
    #[schema(value_type = Vec<CompetenceKindText>)]
    lacks: Vec<CompetenceKind>,
    records: Vec<Competence>,
}

/// A body's people on a day.
#[derive(Serialize, ToSchema)]
pub(super) struct BodyPeople {
    org_id: i64,
    org_name: String,
    #[schema(value_type = String, format = Date)]
    on: NaiveDate,
    people: Vec<PersonSummary>,
}

/// The day a list is about.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(super) struct OnQ {
    /// `YYYY-MM-DD`; default today (China time).
    #[param(value_type = Option<String>, format = Date)]
    on: Option<String>,
}

/// A body's people and who is a qualified auditor
///
/// For the body's admin and the system administrator; another body's people are not found.
#[utoipa::path(
    get,
    path = "/orgs/{id}/people",
    tag = "people",
    params(("id" = i64, Path, description = "The body's id"), OnQ),
    responses(
        (status = 200, description = "The body's people with their competence", body = BodyPeople),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
async fn list_people(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<OnQ>,
) -> ApiRes<BodyPeople> {
    let on = parse_day("on", q.on.as_deref().unwrap_or(""))
        .map_err(|e| tianping_app::Error::Invalid(vec![e]))?;
    let b = people::of_body(&st, &u, id, on).await?;
    let on = b.on;
    Ok(Json(BodyPeople {
        org_id: b.org.id,
        org_name: b.org.name,
        on,
        people: b
            .people
            .into_iter()
            .map(|p| PersonSummary {
                qualified: p.qualified(),
                user_id: p.user.id,
                name: p.user.name,
                role: p.user.role,
                disabled: p.user.disabled,
                lacks: p.gaps,
                records: p
                    .competence
                    .into_iter()
                    .map(|c| competence(c, on))
                    .collect(),
            })
            .collect(),
    }))
}

/// A person's competence records
#[utoipa::path(
    get,
    path = "/people/{id}/competence",
    tag = "people",
    params(("id" = i64, Path, description = "The person's account id")),
    responses(
        (status = 200, description = "The records and whether the person is a qualified auditor today", body = PersonCompetence),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
async fn get_competence(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<PersonCompetence> {
    Ok(Json(person_competence(people::person(&st, &u, id).await?)))
}

/// Record a competence
///
/// The body admin, for a member of the body.
#[utoipa::path(
    post,
    path = "/people/{id}/competence",
    tag = "people",
    params(("id" = i64, Path, description = "The person's account id")),
    request_body = CompetenceIn,
    responses(
        (status = 201, description = "The record", body = Competence),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
async fn add_competence(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Created<Competence> {
    let i: CompetenceIn = parse_body(&body)?;
    let input = CompetenceInput {
        kind: i.kind,
        value: i.value,
        obtained_on: i.obtained_on,
        valid_until: i.valid_until,
    };
    let r = people::add_competence(&st, &u, id, &input).await?;
    created(competence(r, people::today(&st)))
}

/// Remove a competence record
///
/// The body admin; the audit log keeps the removed record.
#[utoipa::path(
    delete,
    path = "/people/{id}/competence/{record}",
    tag = "people",
    params(
        ("id" = i64, Path, description = "The person's account id"),
        ("record" = i64, Path, description = "The record's id"),
    ),
    responses(
        (status = 200, description = "The removed record", body = Competence),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn remove_competence(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath((id, record)): ApiPath<(i64, i64)>,
) -> ApiRes<Competence> {
    let r = people::remove_competence(&st, &u, id, record).await?;
    Ok(Json(competence(r, people::today(&st))))
}

/// A person's conflicts of interest
#[utoipa::path(
    get,
    path = "/people/{id}/conflicts",
    tag = "people",
    params(("id" = i64, Path, description = "The person's account id")),
    responses(
        (status = 200, description = "The declarations, newest first", body = PersonConflicts),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
async fn get_conflicts(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<PersonConflicts> {
    let r = people::person(&st, &u, id).await?;
    let names = r.enterprise_names;
    Ok(Json(PersonConflicts {
        user_id: r.person.id,
        items: r
            .conflicts
            .into_iter()
            .map(|c| {
                let n = names.get(&c.enterprise_id).cloned().unwrap_or_default();
                conflict(c, &n)
            })
            .collect(),
    }))
}

/// Declare a conflict of interest
///
/// The person themself or the body admin, with one of the body's clients; dated today.
#[utoipa::path(
    post,
    path = "/people/{id}/conflicts",
    tag = "people",
    params(("id" = i64, Path, description = "The person's account id")),
    request_body = ConflictIn,
    responses(
        (status = 201, description = "The declaration", body = ConflictOfInterest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
async fn declare_conflict(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Created<ConflictOfInterest> {
    let i: ConflictIn = parse_body(&body)?;
    let input = ConflictInput {
        enterprise_id: i.enterprise_id,
        reason: i.reason,
        until: i.until,
    };
    let c = people::declare_conflict(&st, &u, id, &input).await?;
    let name = people::enterprise_name(&st, c.enterprise_id).await?;
    created(conflict(c, &name))
}

/// Withdraw a conflict of interest
///
/// The body admin only (5.2: a person does not lift their own conflict); the declaration
/// stays, marked withdrawn.
#[utoipa::path(
    delete,
    path = "/people/{id}/conflicts/{conflict}",
    tag = "people",
    params(
        ("id" = i64, Path, description = "The person's account id"),
        ("conflict" = i64, Path, description = "The declaration's id"),
    ),
    responses(
        (status = 200, description = "The declaration, withdrawn", body = ConflictOfInterest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn withdraw_conflict(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath((id, c)): ApiPath<(i64, i64)>,
) -> ApiRes<ConflictOfInterest> {
    let c = people::withdraw_conflict(&st, &u, id, c).await?;
    let name = people::enterprise_name(&st, c.enterprise_id).await?;
    Ok(Json(conflict(c, &name)))
}
