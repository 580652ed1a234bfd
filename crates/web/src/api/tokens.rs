//! `POST /tokens` (an API token for email and password) and `GET /me` (the caller).

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Json;
use serde::{Deserialize, Serialize};
use tianping_app::domain::Role;
use tianping_app::{accounts, repo, App};
use utoipa::{OpenApi, ToSchema};

use super::{
    created, parse_body, ApiRes, Caller, Created, Invalid, RoleText, Routes, Throttled,
    Unauthorized,
};
use crate::error::Error;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/tokens", post(create_token))
        .route("/me", get(get_me))
}

#[derive(OpenApi)]
#[openapi(paths(create_token, get_me))]
pub(super) struct Doc;

/// Sign-in for an API token. Fields are read as text; unknown fields are refused.
#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct TokenIn {
    #[schema(required = true)]
    email: String,
    #[schema(required = true, format = Password)]
    password: String,
    /// A name for the token, shown on the account page.
    name: String,
}

/// A user account (never its password hash).
#[derive(Serialize, ToSchema)]
pub(super) struct User {
    id: i64,
    email: String,
    name: String,
    #[schema(value_type = RoleText)]
    role: Role,
    /// The evaluation body or platform of staff.
    org_id: Option<i64>,
    /// The enterprise of an enterprise member.
    enterprise_id: Option<i64>,
    /// 1 when the account is disabled.
    disabled: i64,
    created_at: String,
}

impl From<repo::User> for User {
    fn from(u: repo::User) -> User {
        User {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            org_id: u.org_id,
            enterprise_id: u.enterprise_id,
            disabled: u.disabled,
            created_at: u.created_at,
        }
    }
}

/// A new API token (shown once: only its SHA-256 is stored) and its user.
#[derive(Serialize, ToSchema)]
pub(super) struct TokenCreated {
    /// Send it as `Authorization: Bearer TOKEN`.
    token: String,
    user: User,
}

/// Create an API token with email and password
///
/// After 5 failed sign-ins for an address within 15 minutes the address is refused (429)
/// until the window passes, even with the right password.
#[utoipa::path(
    post,
    path = "/tokens",
    tag = "tokens",
    security(()),
    request_body = TokenIn,
    responses(
        (status = 201, description = "The token", body = TokenCreated),
        (status = 401, response = Unauthorized),
        (status = 422, response = Invalid),
        (status = 429, response = Throttled),
    )
)]
async fn create_token(
    State(st): State<App>,
    crate::auth::ClientIp(ip): crate::auth::ClientIp,
    body: Bytes,
) -> Created<TokenCreated> {
    let t: TokenIn = parse_body(&body)?;
    let u = accounts::authenticate(&st, &t.email, &t.password, ip)
        .await
        .map_err(|e| match e {
            Error::Invalid(_) => Error::Unauthorized,
            e => e,
        })?;
    let token = accounts::create_token(&st, &u, &t.name).await?;
    created(TokenCreated {
        token,
        user: u.into(),
    })
}

/// The caller
#[utoipa::path(
    get,
    path = "/me",
    tag = "tokens",
    responses(
        (status = 200, description = "The caller's account", body = User),
        (status = 401, response = Unauthorized),
    )
)]
async fn get_me(Caller(u): Caller) -> ApiRes<User> {
    Ok(Json(u.into()))
}
