//! Notifications (a person's inbox) and the people who hear of an event: the same SQL on both
//! backends. Writes take the caller's transaction, so that a notification commits with the
//! event that causes it.

use serde::Serialize;
use tianping_domain::case_remind::{DueItem, Stage};
use tianping_domain::notify::NoticeKind;

use crate::repo::{Tx, User};
use crate::{Result, Store};

/// One notification as stored: the typed notice is `payload_json` (read by the use cases).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: NoticeKind,
    pub payload_json: String,
    pub link: String,
    pub created_at: String,
    pub read_at: Option<String>,
}

pub async fn add(
    tx: &mut Tx,
    user_id: i64,
    kind: NoticeKind,
    payload_json: &str,
    link: &str,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO notifications (user_id, kind, payload_json, link, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(kind.as_str())
    .bind(payload_json)
    .bind(link)
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?;
    Ok(id)
}

/// Whether the person has an unread notification of this kind about this page.
pub async fn unread_exists(
    tx: &mut Tx,
    user_id: i64,
    kind: NoticeKind,
    link: &str,
) -> Result<bool> {
    let r: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM notifications WHERE user_id = $1 AND kind = $2 AND link = $3 \
         AND read_at IS NULL LIMIT 1",
    )
    .bind(user_id)
    .bind(kind.as_str())
    .bind(link)
    .fetch_optional(tx.conn())
    .await?;
    Ok(r.is_some())
}

/// A page of a person's notifications, newest first, and how many there are.
pub async fn of_user(
    s: &Store,
    user_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Notification>, i64)> {
    let rows = sqlx::query_as(
        "SELECT * FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
    )
    .bind(user_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&s.pool)
    .await?;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&s.pool)
        .await?;
    Ok((rows, n))
}

pub async fn unread_count(s: &Store, user_id: i64) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .fetch_one(&s.pool)
            .await?;
    Ok(n)
}

/// Mark one of the person's notifications read (kept as it was if read already): the
/// notification, or none when it is not theirs.
pub async fn mark_read(tx: &mut Tx, user_id: i64, id: i64) -> Result<Option<Notification>> {
    sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL",
    )
    .bind(tx.now().to_string())
    .bind(id)
    .bind(user_id)
    .execute(tx.conn())
    .await?;
    Ok(
        sqlx::query_as("SELECT * FROM notifications WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .fetch_optional(tx.conn())
            .await?,
    )
}

/// Mark all of the person's notifications read: how many were unread.
pub async fn mark_all_read(tx: &mut Tx, user_id: i64) -> Result<u64> {
    let r =
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(tx.now().to_string())
            .bind(user_id)
            .execute(tx.conn())
            .await?;
    Ok(r.rows_affected())
}

// ---------------------------------------------------------------- who hears of an event

/// The active accounts of an organisation.
pub async fn staff(tx: &mut Tx, org_id: i64) -> Result<Vec<User>> {
    Ok(
        sqlx::query_as("SELECT * FROM users WHERE org_id = $1 AND disabled = 0 ORDER BY id")
            .bind(org_id)
            .fetch_all(tx.conn())
            .await?,
    )
}

/// The active staff of every organisation an enterprise has engaged.
pub async fn engaged_staff(tx: &mut Tx, enterprise_id: i64) -> Result<Vec<User>> {
    Ok(sqlx::query_as(
        "SELECT u.* FROM users u JOIN engagements g ON g.org_id = u.org_id \
         WHERE g.enterprise_id = $1 AND u.disabled = 0 ORDER BY u.id",
    )
    .bind(enterprise_id)
    .fetch_all(tx.conn())
    .await?)
}

/// The active accounts of an enterprise.
pub async fn members(tx: &mut Tx, enterprise_id: i64) -> Result<Vec<User>> {
    Ok(sqlx::query_as(
        "SELECT * FROM users WHERE enterprise_id = $1 AND role = 'enterprise' AND disabled = 0 \
         ORDER BY id",
    )
    .bind(enterprise_id)
    .fetch_all(tx.conn())
    .await?)
}

/// An organisation's name, in the transaction.
pub async fn org_name(tx: &mut Tx, id: i64) -> Result<Option<String>> {
    let r: Option<(String,)> = sqlx::query_as("SELECT name FROM orgs WHERE id = $1")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
    Ok(r.map(|x| x.0))
}

/// An enterprise's name, in the transaction.
pub async fn enterprise_name(tx: &mut Tx, id: i64) -> Result<Option<String>> {
    let r: Option<(String,)> = sqlx::query_as("SELECT name FROM enterprises WHERE id = $1")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
    Ok(r.map(|x| x.0))
}

// ---------------------------------------------------------------- case reminders (0011)

/// Remember that a reminder of a case's due item was sent: true when it is new (send it),
/// false when it was sent before (by this run, an earlier one or another server).
pub async fn remember_reminder(
    tx: &mut Tx,
    case_id: i64,
    kind: DueItem,
    subject: &str,
    due_on: &str,
    stage: Stage,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO case_reminders (case_id, kind, subject, due_on, stage, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (case_id, kind, subject, due_on, stage) DO NOTHING",
    )
    .bind(case_id)
    .bind(kind.as_str())
    .bind(subject)
    .bind(due_on)
    .bind(stage.as_str())
    .bind(tx.now().to_string())
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}
