//! Managing staff: the people and invitations of an organisation for those who manage it,
//! deactivating and reactivating accounts, changing roles, revoking invitations (rules:
//! `tianping_domain::staff`). A deactivated account cannot sign in, and its sessions and API
//! tokens stop working at once.

use serde_json::json;
use tianping_domain::staff::{self as rules, Member, StaffChange};
use tianping_domain::Role;
use tianping_store::audit;
use tianping_store::repo::{self, Invitation, Org, User};
use tianping_store::staff as store;

use crate::{actor, App, Error};

/// An organisation with its people and invitations, for those who manage it.
#[derive(Debug, Clone)]
pub struct OrgStaff {
    pub org: Org,
    pub staff: Vec<User>,
    pub invitations: Vec<Invitation>,
}

/// The staff and invitations of an organisation the person manages (else not found).
pub async fn of_org(app: &App, u: &User, org_id: i64) -> Result<OrgStaff, Error> {
    if !rules::manages_org(&u.principal(), org_id) {
        return Err(Error::NotFound);
    }
    let org = repo::get_org(&app.store, org_id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(OrgStaff {
        staff: repo::users_of_org(&app.store, org_id).await?,
        invitations: repo::invitations_of_org(&app.store, org_id).await?,
        org,
    })
}

/// The system administrators' own invitations (of other system administrators).
pub async fn sysadmin_invitations(app: &App, u: &User) -> Result<Vec<Invitation>, Error> {
    if u.role != Role::Sysadmin {
        return Err(Error::NotFound);
    }
    Ok(store::invitations_without_org(&app.store).await?)
}

/// A change as typed on a form or sent to the API: `deactivate`, `reactivate`, or a role.
pub fn parse_change(action: &str, role: &str) -> Result<StaffChange, Error> {
    match action {
        "deactivate" => Ok(StaffChange::Deactivate),
        "reactivate" => Ok(StaffChange::Reactivate),
        _ => role
            .trim()
            .parse::<Role>()
            .map(StaffChange::Role)
            .map_err(|_| Error::invalid("role", "请选择一个角色", "Choose a role")),
    }
}

/// Deactivate, reactivate or change the role of a member of staff; returns the account as it
/// is now. A change that changes nothing writes nothing.
pub async fn change(app: &App, u: &User, user_id: i64, change: StaffChange) -> Result<User, Error> {
    let mut tx = app.begin().await?;
    let target = store::user_tx(&mut tx, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    let org_kind = match target.org_id {
        Some(o) => repo::get_org(&app.store, o).await?.map(|o| o.kind),
        None => None,
    };
    let others = match target.org_id {
        Some(o) => store::other_active_admins(&mut tx, o, target.id).await?,
        None => 0,
    };
    let member = Member {
        user_id: target.id,
        role: target.role,
        org_id: target.org_id,
        org_kind,
        disabled: target.disabled != 0,
    };
    let p = u.principal();
    if !rules::manage(&p, &member, change, usize::try_from(others).unwrap_or(0))? {
        return Ok(target);
    }
    let after = match change {
        StaffChange::Deactivate => store::set_disabled(&mut tx, target.id, true).await?,
        StaffChange::Reactivate => store::set_disabled(&mut tx, target.id, false).await?,
        StaffChange::Role(r) => store::set_role(&mut tx, target.id, r).await?,
    };
    let (before_v, after_v) = match change {
        StaffChange::Role(_) => (json!({"role": target.role}), json!({"role": after.role})),
        _ => (
            json!({"disabled": target.disabled}),
            json!({"disabled": after.disabled}),
        ),
    };
    audit::append(
        &mut tx,
        &actor(u),
        match change {
            StaffChange::Deactivate => "deactivate",
            StaffChange::Reactivate => "reactivate",
            StaffChange::Role(_) => "change_role",
        },
        "user",
        &target.id.to_string(),
        Some(&before_v),
        Some(&after_v),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Revoke an unused invitation: its link is refused from then on.
pub async fn revoke_invitation(app: &App, u: &User, id: i64) -> Result<Invitation, Error> {
    let inv = store::invitation(&app.store, id)
        .await?
        .ok_or(Error::NotFound)?;
    rules::revoke_invitation(
        &u.principal(),
        inv.org_id,
        inv.used_at.is_some(),
        inv.revoked_at.is_some(),
    )?;
    let mut tx = app.begin().await?;
    let done = store::revoke_invitation(&mut tx, inv.id, u.id)
        .await?
        .ok_or_else(|| {
            Error::locked(
                "这份邀请刚刚已被接受或撤销",
                "This invitation was just accepted or revoked",
            )
        })?;
    audit::append(
        &mut tx,
        &actor(u),
        "revoke_invite",
        "user",
        &inv.email,
        Some(&json!({"invitation_id": inv.id, "email": inv.email, "role": inv.role})),
        Some(&json!({"invitation_id": done.id, "revoked_at": done.revoked_at})),
    )
    .await?;
    tx.commit().await?;
    Ok(done)
}
