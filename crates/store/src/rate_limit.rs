//! The public pages' rate-limit state (0018): one time per bucket and client source, shared by
//! every server on the database. The decision is `tianping_domain::rate_limit::decide`'s; here
//! the row is read and locked ([`lock`]), then written ([`set`]) in the same transaction, so
//! that two servers counting the same source wait for each other instead of both reading the
//! old time (PostgreSQL: the upsert's row lock, held to the end of the transaction; SQLite:
//! one writer at a time).

use crate::{Result, WriteTx};

/// The stored time of a bucket and source, locked for the rest of the transaction; 0 when
/// there was none (a row is made, so that the lock holds for a new source too).
pub async fn lock(tx: &mut WriteTx, bucket: &str, source: &str) -> Result<i64> {
    let (tat,): (i64,) = sqlx::query_as(
        "INSERT INTO rate_limits (bucket, source, tat_ms) VALUES ($1, $2, 0) \
         ON CONFLICT (bucket, source) DO UPDATE SET tat_ms = rate_limits.tat_ms \
         RETURNING tat_ms",
    )
    .bind(bucket)
    .bind(source)
    .fetch_one(tx.conn())
    .await?;
    Ok(tat)
}

/// Store the time of a bucket and source.
pub async fn set(tx: &mut WriteTx, bucket: &str, source: &str, tat_ms: i64) -> Result<()> {
    sqlx::query("UPDATE rate_limits SET tat_ms = $1 WHERE bucket = $2 AND source = $3")
        .bind(tat_ms)
        .bind(bucket)
        .bind(source)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Delete the rows whose time has passed (`before_ms`): they mean a full allowance, the
/// same as no row. Returns how many went.
pub async fn prune(tx: &mut WriteTx, before_ms: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM rate_limits WHERE tat_ms < $1")
        .bind(before_ms)
        .execute(tx.conn())
        .await?;
    Ok(r.rows_affected())
}
