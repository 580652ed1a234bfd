//! Requests to change an enterprise's credit code and name once they are locked, and the
//! facts the lock is decided from.

use serde::Serialize;
use tianping_domain::identity::RequestStatus;

use crate::repo::{Enterprise, Tx};
use crate::{Result, Store};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct IdentityRequest {
    pub id: i64,
    pub enterprise_id: i64,
    pub old_uscc: String,
    pub old_name: String,
    pub new_uscc: String,
    pub new_name: String,
    pub note: String,
    #[sqlx(try_from = "String")]
    pub status: RequestStatus,
    pub requested_by: i64,
    pub requested_at: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<String>,
    pub decision_note: String,
}

/// A new pending request (the database keeps one pending request per enterprise).
pub struct NewRequest<'a> {
    pub enterprise_id: i64,
    pub old_uscc: &'a str,
    pub old_name: &'a str,
    pub new_uscc: &'a str,
    pub new_name: &'a str,
    pub note: &'a str,
    pub by: i64,
}

pub async fn create(tx: &mut Tx, r: &NewRequest<'_>) -> Result<IdentityRequest> {
    Ok(sqlx::query_as(
        "INSERT INTO identity_requests (enterprise_id, old_uscc, old_name, new_uscc, new_name, \
         note, status, requested_by, requested_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *",
    )
    .bind(r.enterprise_id)
    .bind(r.old_uscc)
    .bind(r.old_name)
    .bind(r.new_uscc)
    .bind(r.new_name)
    .bind(r.note)
    .bind(RequestStatus::Pending.as_str())
    .bind(r.by)
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?)
}

pub async fn get(s: &Store, id: i64) -> Result<Option<IdentityRequest>> {
    Ok(
        sqlx::query_as("SELECT * FROM identity_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(&s.pool)
            .await?,
    )
}

/// The pending request of an enterprise, if any.
pub async fn pending_of(s: &Store, enterprise_id: i64) -> Result<Option<IdentityRequest>> {
    Ok(
        sqlx::query_as("SELECT * FROM identity_requests WHERE enterprise_id = $1 AND status = $2")
            .bind(enterprise_id)
            .bind(RequestStatus::Pending.as_str())
            .fetch_optional(&s.pool)
            .await?,
    )
}

/// The latest closed request of an enterprise (to show how the last one ended).
pub async fn last_closed_of(s: &Store, enterprise_id: i64) -> Result<Option<IdentityRequest>> {
    Ok(sqlx::query_as(
        "SELECT * FROM identity_requests WHERE enterprise_id = $1 AND status <> $2 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(enterprise_id)
    .bind(RequestStatus::Pending.as_str())
    .fetch_optional(&s.pool)
    .await?)
}

/// The pending requests of the enterprises that have engaged organisation `org_id`, oldest
/// first.
pub async fn pending_for_org(s: &Store, org_id: i64) -> Result<Vec<IdentityRequest>> {
    Ok(sqlx::query_as(
        "SELECT r.* FROM identity_requests r \
         JOIN engagements g ON g.enterprise_id = r.enterprise_id AND g.org_id = $1 \
         WHERE r.status = $2 ORDER BY r.id",
    )
    .bind(org_id)
    .bind(RequestStatus::Pending.as_str())
    .fetch_all(&s.pool)
    .await?)
}

/// Close a pending request; `None` when it was closed meanwhile.
pub async fn close(
    tx: &mut Tx,
    id: i64,
    status: RequestStatus,
    by: i64,
    note: &str,
) -> Result<Option<IdentityRequest>> {
    Ok(sqlx::query_as(
        "UPDATE identity_requests SET status = $1, decided_by = $2, decided_at = $3, \
         decision_note = $4 WHERE id = $5 AND status = $6 RETURNING *",
    )
    .bind(status.as_str())
    .bind(by)
    .bind(tx.now().to_string())
    .bind(note)
    .bind(id)
    .bind(RequestStatus::Pending.as_str())
    .fetch_optional(tx.conn())
    .await?)
}

/// Apply an approved change of credit code and name.
pub async fn set_identity(
    tx: &mut Tx,
    enterprise_id: i64,
    uscc: &str,
    name: &str,
) -> Result<Enterprise> {
    Ok(sqlx::query_as(
        "UPDATE enterprises SET uscc = $1, name = $2, updated_at = $3 WHERE id = $4 RETURNING *",
    )
    .bind(uscc)
    .bind(name)
    .bind(tx.now().to_string())
    .bind(enterprise_id)
    .fetch_one(tx.conn())
    .await?)
}

/// Whether any assessment of the enterprise has left the draft state, and the evaluation
/// bodies (not platforms) it has engaged.
pub async fn lock_facts(s: &Store, enterprise_id: i64) -> Result<(bool, Vec<i64>)> {
    let (submitted,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM assessments WHERE enterprise_id = $1 AND status <> 'draft'",
    )
    .bind(enterprise_id)
    .fetch_one(&s.pool)
    .await?;
    let bodies: Vec<(i64,)> = sqlx::query_as(
        "SELECT o.id FROM engagements g JOIN orgs o ON o.id = g.org_id \
         WHERE g.enterprise_id = $1 AND o.kind = 'body' ORDER BY o.id",
    )
    .bind(enterprise_id)
    .fetch_all(&s.pool)
    .await?;
    Ok((submitted > 0, bodies.into_iter().map(|b| b.0).collect()))
}
