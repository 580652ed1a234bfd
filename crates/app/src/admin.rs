//! Administration: organisations and invitations (staff management: [`crate::staff`]; the
//! audit log: [`crate::audit_log`]).

use serde::{Deserialize, Serialize};
use serde_json::json;
use tianping_domain::enterprise;
use tianping_domain::{FieldError, OrgKind, Role};
use tianping_store::audit;
use tianping_store::repo::{self, Invitation, Org, User};
use tianping_store::{random_token, sha256_hex};

use crate::accounts::has_account;
use crate::{actor, App, Error};

/// Every organisation (evaluation bodies and platforms), for choices on forms.
pub async fn orgs(app: &App, kind: Option<OrgKind>) -> Result<Vec<Org>, Error> {
    Ok(repo::list_orgs(&app.store, kind).await?)
}

/// One organisation by id.
pub async fn org(app: &App, id: i64) -> Result<Option<Org>, Error> {
    Ok(repo::get_org(&app.store, id).await?)
}

/// People's display names (beside answers, versions and assignments), in one query.
pub async fn user_names(
    app: &App,
    ids: &[i64],
) -> Result<std::collections::BTreeMap<i64, String>, Error> {
    Ok(repo::user_names(&app.store, ids).await?)
}

/// The staff of an organisation: administrators see their own organisation's, the system
/// administrator any; the experts of a body are also shown to its editors (to assign them).
pub async fn staff(app: &App, u: &User, org_id: i64) -> Result<Vec<User>, Error> {
    let p = u.principal();
    let own = p.org_id == Some(org_id);
    if !(p.role == Role::Sysadmin || own) {
        return Err(Error::NotFound);
    }
    Ok(repo::users_of_org(&app.store, org_id).await?)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct InviteInput {
    pub email: String,
    pub name: String,
    pub role: String,
    pub org_id: String,
}

/// Invite a member of staff; returns the invitation and the one-time token for the link.
pub async fn invite(app: &App, u: &User, i: &InviteInput) -> Result<(Invitation, String), Error> {
    let p = u.principal();
    p.invitable_roles()?;
    let mut errs: Vec<FieldError> = Vec::new();
    let email = enterprise::email(&i.email)
        .map_err(|m| errs.push(FieldError::msg("email", m)))
        .ok();
    let org = match i.org_id.trim().parse::<i64>().ok() {
        Some(o) => repo::get_org(&app.store, o).await?.map(|o| (o.id, o.kind)),
        None => None,
    };
    let target = match p.invite(&i.role, org) {
        Ok(t) => Some(t),
        Err(d) => match Error::from(d) {
            Error::Invalid(mut v) => {
                errs.append(&mut v);
                None
            }
            e => return Err(e),
        },
    };
    if let Some(e) = &email {
        if repo::user_by_email(&app.store, e).await?.is_some() {
            errs.push(has_account());
        }
    }
    let (Some(email), Some((role, org_id)), true) = (email, target, errs.is_empty()) else {
        return Err(Error::Invalid(errs));
    };
    let token = random_token();
    let mut tx = app.begin().await?;
    let inv = repo::create_invitation(
        &mut tx,
        &sha256_hex(token.as_bytes()),
        org_id,
        role,
        &email,
        i.name.trim(),
        u.id,
        &app.stamp_in(7 * 24 * 3600),
    )
    .await?;
    audit::append(
        &mut tx,
        &actor(u),
        "invite",
        "user",
        &email,
        None,
        Some(&json!(inv)),
    )
    .await?;
    crate::notify::invited(app, &mut tx, u, &inv, &token).await?;
    tx.commit().await?;
    Ok((inv, token))
}

pub async fn create_org(app: &App, u: &User, kind: &str, name: &str) -> Result<Org, Error> {
    u.principal().create_org()?;
    let mut errs = Vec::new();
    let kind = kind.parse::<OrgKind>().ok();
    if kind.is_none() {
        errs.push(FieldError::new(
            "kind",
            "类型应为 body（评价机构）或 platform（平台）",
            "The kind must be body (evaluation body) or platform",
        ));
    }
    if name.trim().is_empty() || name.chars().count() > 200 {
        errs.push(FieldError::new(
            "name",
            "名称必填，最多 200 字",
            "The name is required, at most 200 characters",
        ));
    }
    let (Some(kind), true) = (kind, errs.is_empty()) else {
        return Err(Error::Invalid(errs));
    };
    let mut tx = app.begin().await?;
    let o = repo::create_org(&mut tx, kind, name.trim()).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "create",
        "org",
        &o.id.to_string(),
        None,
        Some(&json!(o)),
    )
    .await?;
    tx.commit().await?;
    Ok(o)
}
