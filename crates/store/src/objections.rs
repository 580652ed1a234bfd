//! Objections raised on a capability result's public publicity page (0014, seed 004 6.4,
//! 6.5): the person's name, contact and text are kept here only, with the SHA-256 of their
//! network address to throttle; the case's event log names the objection `O-<id>`. And what
//! a case publishes (`cases.public_json`).

use serde::Serialize;

use crate::repo::Tx;
use crate::{Result, Store};

/// One objection as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Objection {
    pub id: i64,
    pub case_id: i64,
    pub received_on: String,
    pub name: String,
    pub contact: String,
    pub text: String,
    pub created_at: String,
}

/// An objection to store.
pub struct NewObjection<'a> {
    pub case_id: i64,
    pub received_on: &'a str,
    pub name: &'a str,
    pub contact: &'a str,
    pub text: &'a str,
    pub source_hash: &'a str,
}

pub async fn insert(tx: &mut Tx, o: &NewObjection<'_>) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO objections (case_id, received_on, name, contact, text, source_hash, \
         created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
    )
    .bind(o.case_id)
    .bind(o.received_on)
    .bind(o.name)
    .bind(o.contact)
    .bind(o.text)
    .bind(o.source_hash)
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?;
    Ok(id)
}

/// How many objections an address sent on a day: to this case, and to all cases.
pub async fn sent_on(
    tx: &mut Tx,
    source_hash: &str,
    day: &str,
    case_id: i64,
) -> Result<(i64, i64)> {
    let (to_case, all): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN case_id = $3 THEN 1 ELSE 0 END), 0), COUNT(*) \
         FROM objections WHERE source_hash = $1 AND received_on = $2",
    )
    .bind(source_hash)
    .bind(day)
    .bind(case_id)
    .fetch_one(tx.conn())
    .await?;
    Ok((to_case, all))
}

/// A case's objections, oldest first.
pub async fn of_case(s: &Store, case_id: i64) -> Result<Vec<Objection>> {
    Ok(sqlx::query_as(
        "SELECT id, case_id, received_on, name, contact, text, created_at FROM objections \
         WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&s.pool)
    .await?)
}

/// What a case publishes (`None`: nothing).
pub async fn public_json(s: &Store, case_id: i64) -> Result<Option<String>> {
    let r: Option<(Option<String>,)> =
        sqlx::query_as("SELECT public_json FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(&s.pool)
            .await?;
    Ok(r.and_then(|x| x.0))
}
