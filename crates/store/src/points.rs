//! Shop points (0015, seed 002, DESIGN I-14, I-22, I-24): the append-only events of each
//! platform, keyed by their idempotency key, and each shop's balance — a cache of the fold
//! of its events, rewritten in the intake transaction and checked against a new fold.

use serde::Serialize;

use crate::repo::Tx;
use crate::{Result, Store};

/// An event to store: its fields for the indexes and its JSON line.
pub struct NewEvent<'a> {
    pub key: &'a str,
    pub shop: &'a str,
    pub event: &'a str,
    pub at: &'a str,
    pub data_json: &'a str,
}

/// A shop's balance: the fold of its events as of `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Balance {
    pub platform_id: i64,
    pub shop: String,
    pub total: i64,
    /// Points per rule, a JSON object.
    pub by_rule: String,
    /// star | diamond | crown; `None` at 0 points.
    pub level_kind: Option<String>,
    pub level_n: Option<i64>,
    pub events: i64,
    pub as_of: String,
    pub updated_at: String,
}

/// Serialise the intakes of a platform until the transaction ends, so that each one folds
/// every event committed before it (PostgreSQL: a transaction-level advisory lock, class
/// 15 = this migration; SQLite: its one writer already does, and this transaction holds it).
pub async fn lock_platform(tx: &mut Tx, platform_id: i64) -> Result<()> {
    if tx.on_postgres() {
        sqlx::query("SELECT pg_advisory_xact_lock(15, CAST($1 AS INTEGER))::text")
            .bind(platform_id)
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// Insert a batch of events of a platform in the caller's transaction, skipping keys
/// already stored (`ON CONFLICT DO NOTHING`); returns, for each event in order, whether it
/// was new. A key repeated within the batch is new only the first time.
pub async fn insert_events(
    tx: &mut Tx,
    platform_id: i64,
    events: &[NewEvent<'_>],
) -> Result<Vec<bool>> {
    let now = tx.now().to_string();
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let r: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO points_events (platform_id, key, shop, event, at, data_json, \
             received_at) VALUES ($1,$2,$3,$4,$5,$6,$7) \
             ON CONFLICT (platform_id, key) DO NOTHING RETURNING id",
        )
        .bind(platform_id)
        .bind(e.key)
        .bind(e.shop)
        .bind(e.event)
        .bind(e.at)
        .bind(e.data_json)
        .bind(&now)
        .fetch_optional(tx.conn())
        .await?;
        out.push(r.is_some());
    }
    Ok(out)
}

/// The JSON line stored under a key of a platform, if any.
pub async fn event_json(tx: &mut Tx, platform_id: i64, key: &str) -> Result<Option<String>> {
    let r: Option<(String,)> =
        sqlx::query_as("SELECT data_json FROM points_events WHERE platform_id = $1 AND key = $2")
            .bind(platform_id)
            .bind(key)
            .fetch_optional(tx.conn())
            .await?;
    Ok(r.map(|x| x.0))
}

/// A shop's events as their JSON lines, in the order they were stored.
pub async fn shop_events(tx: &mut Tx, platform_id: i64, shop: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT data_json FROM points_events WHERE platform_id = $1 AND shop = $2 ORDER BY id",
    )
    .bind(platform_id)
    .bind(shop)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Write a shop's balance (insert or replace), stamped with the transaction's time.
pub async fn upsert_balance(tx: &mut Tx, b: &Balance) -> Result<()> {
    let now = tx.now().to_string();
    sqlx::query(
        "INSERT INTO points_balances (platform_id, shop, total, by_rule, level_kind, level_n, \
         events, as_of, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) \
         ON CONFLICT (platform_id, shop) DO UPDATE SET total = excluded.total, \
         by_rule = excluded.by_rule, level_kind = excluded.level_kind, \
         level_n = excluded.level_n, events = excluded.events, as_of = excluded.as_of, \
         updated_at = excluded.updated_at",
    )
    .bind(b.platform_id)
    .bind(&b.shop)
    .bind(b.total)
    .bind(&b.by_rule)
    .bind(&b.level_kind)
    .bind(b.level_n)
    .bind(b.events)
    .bind(&b.as_of)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

const BALANCE: &str = "SELECT platform_id, shop, total, by_rule, level_kind, level_n, events, \
                       as_of, updated_at FROM points_balances";

/// Every stored balance, by platform and shop.
pub async fn balances(s: &Store) -> Result<Vec<Balance>> {
    Ok(
        sqlx::query_as(&format!("{BALANCE} ORDER BY platform_id, shop"))
            .fetch_all(&s.pool)
            .await?,
    )
}

/// One shop's balance.
pub async fn balance(s: &Store, platform_id: i64, shop: &str) -> Result<Option<Balance>> {
    Ok(
        sqlx::query_as(&format!("{BALANCE} WHERE platform_id = $1 AND shop = $2"))
            .bind(platform_id)
            .bind(shop)
            .fetch_optional(&s.pool)
            .await?,
    )
}

/// Every (platform, shop) with events.
pub async fn shops(s: &Store) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT platform_id, shop FROM points_events ORDER BY platform_id, shop",
    )
    .fetch_all(&s.pool)
    .await?)
}

/// A shop's events as their JSON lines, outside a transaction (for the check).
pub async fn shop_events_read(s: &Store, platform_id: i64, shop: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT data_json FROM points_events WHERE platform_id = $1 AND shop = $2 ORDER BY id",
    )
    .bind(platform_id)
    .bind(shop)
    .fetch_all(&s.pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
