//! The e-mail outbox and password-reset links: the same SQL on both backends. Mails are
//! queued in the transaction of the event that causes them; the delivery task claims a due
//! mail before sending it, so that two servers never send it at the same time.

use serde::Serialize;
use tianping_domain::notify::MailStatus;

use crate::repo::Tx;
use crate::{Result, Store};

/// One e-mail of the outbox.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct OutboxMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    #[serde(skip)]
    pub body: String,
    pub secret: i64,
    #[sqlx(try_from = "String")]
    pub status: MailStatus,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// Queue an e-mail, due now. `secret`: it carries a one-time link (its body is emptied once
/// it is sent or given up).
pub async fn queue(
    tx: &mut Tx,
    recipient: &str,
    subject: &str,
    body: &str,
    secret: bool,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO mail_outbox (recipient, subject, body, secret, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) RETURNING id",
    )
    .bind(recipient)
    .bind(subject)
    .bind(body)
    .bind(i64::from(secret))
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?;
    Ok(id)
}

/// Pending mails due at `now` (stored time), the longest waiting first.
pub async fn due(s: &Store, now: &str, limit: i64) -> Result<Vec<OutboxMail>> {
    Ok(sqlx::query_as(
        "SELECT * FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= $1 \
         ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&s.pool)
    .await?)
}

/// Take a due mail for one attempt: counts the attempt and holds it until `until`. False when
/// another worker took it first (its time moved) or it is no longer pending.
pub async fn claim(tx: &mut Tx, m: &OutboxMail, until: &str) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $1 \
         WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3",
    )
    .bind(until)
    .bind(m.id)
    .bind(&m.next_attempt_at)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The mail was accepted by the SMTP server.
pub async fn sent(tx: &mut Tx, id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE mail_outbox SET status = 'sent', sent_at = $1, last_error = NULL, \
         body = CASE WHEN secret = 1 THEN '' ELSE body END WHERE id = $2",
    )
    .bind(tx.now().to_string())
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// An attempt failed with `error`: try again at `retry_at`, or (none) give up.
pub async fn failed(tx: &mut Tx, id: i64, error: &str, retry_at: Option<&str>) -> Result<()> {
    match retry_at {
        Some(at) => {
            sqlx::query(
                "UPDATE mail_outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3",
            )
            .bind(at)
            .bind(error)
            .bind(id)
            .execute(tx.conn())
            .await?
        }
        None => {
            sqlx::query(
                "UPDATE mail_outbox SET status = 'failed', last_error = $1, \
                 body = CASE WHEN secret = 1 THEN '' ELSE body END WHERE id = $2",
            )
            .bind(error)
            .bind(id)
            .execute(tx.conn())
            .await?
        }
    };
    Ok(())
}

/// The newest mails of the outbox (for the operator and tests).
pub async fn recent(s: &Store, limit: i64) -> Result<Vec<OutboxMail>> {
    Ok(
        sqlx::query_as("SELECT * FROM mail_outbox ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&s.pool)
            .await?,
    )
}

// ---------------------------------------------------------------- password resets

#[derive(Debug, Clone, sqlx::FromRow, PartialEq)]
pub struct PasswordReset {
    pub id: i64,
    pub user_id: i64,
    pub token_hash: String,
    pub created_at: String,
    pub expires_at: String,
    pub used_at: Option<String>,
}

/// When reset links were sent to a person after `since` (stored times).
pub async fn reset_times(tx: &mut Tx, user_id: i64, since: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT created_at FROM password_resets WHERE user_id = $1 AND created_at > $2",
    )
    .bind(user_id)
    .bind(since)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A new reset link for a person; the links sent before stop working. Resets older than
/// `purge_before` (of anyone) are removed.
pub async fn create_reset(
    tx: &mut Tx,
    user_id: i64,
    token_hash: &str,
    expires_at: &str,
    purge_before: &str,
) -> Result<()> {
    sqlx::query("DELETE FROM password_resets WHERE created_at <= $1")
        .bind(purge_before)
        .execute(tx.conn())
        .await?;
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(tx.now().to_string())
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(token_hash)
    .bind(tx.now().to_string())
    .bind(expires_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A reset link that still works at `now` (unused, not replaced, not expired).
pub async fn open_reset(s: &Store, token_hash: &str, now: &str) -> Result<Option<PasswordReset>> {
    Ok(sqlx::query_as(
        "SELECT * FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&s.pool)
    .await?)
}

/// Use a reset link: false when it was used (or replaced) meanwhile.
pub async fn use_reset(tx: &mut Tx, id: i64) -> Result<bool> {
    let r =
        sqlx::query("UPDATE password_resets SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(tx.now().to_string())
            .bind(id)
            .execute(tx.conn())
            .await?;
    Ok(r.rows_affected() == 1)
}

/// Set a person's password hash, end all their sessions and forget their failed sign-ins:
/// how many sessions were ended.
pub async fn set_password(tx: &mut Tx, user_id: i64, email: &str, hash: &str) -> Result<u64> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    sqlx::query("DELETE FROM login_failures WHERE email = $1")
        .bind(email)
        .execute(tx.conn())
        .await?;
    Ok(r.rows_affected())
}
