//! Staff management: deactivating and reactivating accounts, changing roles, counting a
//! body's active admins, and revoking invitations.

use tianping_domain::Role;

use crate::repo::{Invitation, Tx, User};
use crate::{Result, Store};

/// Deactivate (or reactivate) an account; a deactivated account's sessions end at once (its
/// API tokens are refused while it is deactivated, see `repo::api_token_user`).
pub async fn set_disabled(tx: &mut Tx, user_id: i64, disabled: bool) -> Result<User> {
    let u: User = sqlx::query_as("UPDATE users SET disabled = $1 WHERE id = $2 RETURNING *")
        .bind(i64::from(disabled))
        .bind(user_id)
        .fetch_one(tx.conn())
        .await?;
    if disabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(tx.conn())
            .await?;
    }
    Ok(u)
}

pub async fn set_role(tx: &mut Tx, user_id: i64, role: Role) -> Result<User> {
    Ok(
        sqlx::query_as("UPDATE users SET role = $1 WHERE id = $2 RETURNING *")
            .bind(role.as_str())
            .bind(user_id)
            .fetch_one(tx.conn())
            .await?,
    )
}

/// The active body admins of an organisation other than `except`, read in the transaction
/// that changes one of them.
pub async fn other_active_admins(tx: &mut Tx, org_id: i64, except: i64) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = $2 AND disabled = 0 AND id <> $3",
    )
    .bind(org_id)
    .bind(Role::BodyAdmin.as_str())
    .bind(except)
    .fetch_one(tx.conn())
    .await?;
    Ok(n)
}

/// A user read in a transaction.
pub async fn user_tx(tx: &mut Tx, id: i64) -> Result<Option<User>> {
    Ok(sqlx::query_as("SELECT * FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn invitation(s: &Store, id: i64) -> Result<Option<Invitation>> {
    Ok(sqlx::query_as("SELECT * FROM invitations WHERE id = $1")
        .bind(id)
        .fetch_optional(&s.pool)
        .await?)
}

/// Revoke an open invitation; false when it was used or revoked meanwhile.
pub async fn revoke_invitation(tx: &mut Tx, id: i64, by: i64) -> Result<Option<Invitation>> {
    Ok(sqlx::query_as(
        "UPDATE invitations SET revoked_at = $1, revoked_by = $2 \
         WHERE id = $3 AND used_at IS NULL AND revoked_at IS NULL RETURNING *",
    )
    .bind(tx.now().to_string())
    .bind(by)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?)
}

/// The invitations the system administrator made without an organisation (other system
/// administrators), newest first.
pub async fn invitations_without_org(s: &Store) -> Result<Vec<Invitation>> {
    Ok(
        sqlx::query_as("SELECT * FROM invitations WHERE org_id IS NULL ORDER BY id DESC")
            .fetch_all(&s.pool)
            .await?,
    )
}
