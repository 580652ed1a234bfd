//! An enterprise's identity (credit code and name): the lock, the change requests that a
//! locked identity's changes become, and their decision by an admin of an engaged body
//! (rules: `tianping_domain::identity`). Every step is in the audit log of the enterprise.

use serde_json::json;
use tianping_domain::identity::{self as rules, IdentityLock, RequestStatus};
use tianping_domain::Role;
use tianping_store::audit;
pub use tianping_store::identity::IdentityRequest;
use tianping_store::identity::{self as store, NewRequest};
use tianping_store::repo::{self, Enterprise, Tx, User};

use crate::accounts::uscc_taken;
use crate::error::on_conflict;
use crate::{actor, enterprises, App, Error};

/// Whether (and why) an enterprise's identity is locked.
pub async fn lock(app: &App, enterprise_id: i64) -> Result<IdentityLock, Error> {
    let (submitted, bodies) = store::lock_facts(&app.store, enterprise_id).await?;
    Ok(IdentityLock::of(submitted, bodies.len()))
}

/// What the record page shows of the identity to this person.
#[derive(Debug, Clone)]
pub struct IdentityState {
    pub lock: IdentityLock,
    pub pending: Option<IdentityRequest>,
    /// How the last closed request ended (shown while nothing is pending).
    pub last: Option<IdentityRequest>,
    /// The person may approve or reject the pending request.
    pub may_decide: bool,
    /// The person may withdraw the pending request.
    pub may_withdraw: bool,
}

/// The identity of a visible enterprise as this person sees it.
pub async fn state(app: &App, u: &User, e: &Enterprise) -> Result<IdentityState, Error> {
    let (submitted, bodies) = store::lock_facts(&app.store, e.id).await?;
    let pending = store::pending_of(&app.store, e.id).await?;
    let last = match pending {
        Some(_) => None,
        None => store::last_closed_of(&app.store, e.id).await?,
    };
    let p = u.principal();
    let (may_decide, may_withdraw) = match &pending {
        Some(r) => (
            rules::decide(&p, &bodies, r.requested_by, r.status).is_ok(),
            rules::withdraw(&p, e.id, r.requested_by, r.status).is_ok(),
        ),
        None => (false, false),
    };
    Ok(IdentityState {
        lock: IdentityLock::of(submitted, bodies.len()),
        pending,
        last,
        may_decide,
        may_withdraw,
    })
}

/// File a request to change a locked identity, in the transaction that saves the rest of the
/// record, with its audit entry.
pub(crate) async fn file(
    app: &App,
    tx: &mut Tx,
    u: &User,
    e: &Enterprise,
    new_uscc: &str,
    new_name: &str,
) -> Result<IdentityRequest, Error> {
    let r = store::create(
        tx,
        &NewRequest {
            enterprise_id: e.id,
            old_uscc: &e.uscc,
            old_name: &e.name,
            new_uscc,
            new_name,
            note: "",
            by: u.id,
        },
    )
    .await
    .map_err(|x| on_conflict(x, pending_already))?;
    audit::append(
        tx,
        &actor(u),
        "request_identity_change",
        "enterprise",
        &e.id.to_string(),
        Some(&json!({"uscc": e.uscc, "name": e.name})),
        Some(&json!({"uscc": r.new_uscc, "name": r.new_name, "request_id": r.id, "status": r.status})),
    )
    .await?;
    crate::notify::change_requested(app, tx, e).await?;
    Ok(r)
}

fn pending_already() -> tianping_domain::FieldError {
    match rules::save(&IdentityLock::of(true, 0), true, true) {
        Err(tianping_domain::Denied::Invalid(mut v)) if !v.is_empty() => v.remove(0),
        _ => tianping_domain::FieldError::new(
            "uscc",
            "已有待处理的变更申请",
            "A change request is pending",
        ),
    }
}

/// A request the person may see (that of an enterprise they see), and that enterprise.
async fn visible(app: &App, u: &User, id: i64) -> Result<(IdentityRequest, Enterprise), Error> {
    let r = store::get(&app.store, id).await?.ok_or(Error::NotFound)?;
    let e = enterprises::get(app, u, r.enterprise_id).await?;
    Ok((r, e))
}

/// An admin of an engaged body approves (the change is applied) or rejects (with a note) a
/// pending request.
pub async fn decide(
    app: &App,
    u: &User,
    id: i64,
    approve: bool,
    note: &str,
) -> Result<IdentityRequest, Error> {
    let (r, e) = visible(app, u, id).await?;
    let (_, bodies) = store::lock_facts(&app.store, e.id).await?;
    rules::decide(&u.principal(), &bodies, r.requested_by, r.status)?;
    let note = rules::decision_note(approve, note).map_err(|f| Error::Invalid(vec![f]))?;
    if approve && r.new_uscc != e.uscc {
        if let Some(other) = repo::enterprise_by_uscc(&app.store, &r.new_uscc).await? {
            if other.id != e.id {
                return Err(taken());
            }
        }
    }
    let status = if approve {
        RequestStatus::Approved
    } else {
        RequestStatus::Rejected
    };
    let mut tx = app.begin().await?;
    let closed = store::close(&mut tx, r.id, status, u.id, &note)
        .await?
        .ok_or_else(closed_meanwhile)?;
    let (before, after) = if approve {
        let after = store::set_identity(&mut tx, e.id, &r.new_uscc, &r.new_name)
            .await
            .map_err(|x| on_conflict(x, uscc_taken))?;
        (
            json!({"uscc": e.uscc, "name": e.name, "status": r.status}),
            json!({"uscc": after.uscc, "name": after.name, "status": closed.status,
                   "request_id": r.id, "decision_note": note}),
        )
    } else {
        (
            json!({"status": r.status}),
            json!({"status": closed.status, "request_id": r.id, "decision_note": note}),
        )
    };
    audit::append(
        &mut tx,
        &actor(u),
        if approve {
            "approve_identity_change"
        } else {
            "reject_identity_change"
        },
        "enterprise",
        &e.id.to_string(),
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    // notify: the identity change request was decided → the person who filed it
    Ok(closed)
}

/// Another request closed it between the check and the write.
fn closed_meanwhile() -> Error {
    Error::locked(
        "这项申请刚刚已被处理，请刷新页面查看",
        "This request was closed a moment ago; reload the page",
    )
}

fn taken() -> Error {
    let f = uscc_taken();
    Error::Invalid(vec![tianping_domain::FieldError::msg("", f.message)])
}

/// The person who filed a pending request, or someone who may edit the record, withdraws it.
pub async fn withdraw(app: &App, u: &User, id: i64) -> Result<IdentityRequest, Error> {
    let (r, e) = visible(app, u, id).await?;
    rules::withdraw(&u.principal(), e.id, r.requested_by, r.status)?;
    let mut tx = app.begin().await?;
    let closed = store::close(&mut tx, r.id, RequestStatus::Withdrawn, u.id, "")
        .await?
        .ok_or_else(closed_meanwhile)?;
    audit::append(
        &mut tx,
        &actor(u),
        "withdraw_identity_change",
        "enterprise",
        &e.id.to_string(),
        Some(&json!({"status": r.status})),
        Some(&json!({"status": closed.status, "request_id": r.id})),
    )
    .await?;
    tx.commit().await?;
    Ok(closed)
}

/// The pending requests a body admin may decide: those of the body's clients, with each
/// enterprise's record.
pub async fn pending_for(app: &App, u: &User) -> Result<Vec<(IdentityRequest, Enterprise)>, Error> {
    let (Role::BodyAdmin, Some(org)) = (u.role, u.org_id) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for r in store::pending_for_org(&app.store, org).await? {
        if let Some(e) = repo::get_enterprise(&app.store, r.enterprise_id).await? {
            out.push((r, e));
        }
    }
    Ok(out)
}
