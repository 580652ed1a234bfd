//! Shop points (0015, 0016; seed 002, DESIGN I-14, I-22, I-24): the append-only events of
//! each platform, keyed by their idempotency key, and each shop's balance — a cache of the
//! fold of its events with the fold's saved state, rewritten in the intake transaction and
//! checked against a new fold.
//!
//! An intake writes in a few statements whatever its size: events and balances go in as
//! multi-row statements of [`ROWS`] rows, and reads by key or shop as `IN` lists of that
//! size (SQLite allows 32,766 parameters, PostgreSQL 65,535).

use std::collections::{HashMap, HashSet};

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
    /// The fold saved after the shop's events (JSON of `tianping_points::Saved`; 0016).
    #[serde(skip)]
    pub state: Option<String>,
}

/// Rows per multi-row statement (and keys per `IN` list).
pub const ROWS: usize = 1000;

/// `(…),(…)` for `rows` rows of `per` parameters each: `$n` numbered on PostgreSQL, `?` on
/// SQLite (sqlx looks a numbered SQLite parameter up by name among all of them, which makes
/// a statement of thousands of parameters quadratic).
fn tuples(pg: bool, rows: usize, per: usize) -> String {
    let mut out = String::with_capacity(rows * per * 7);
    let mut n = 0;
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ",(" });
        for c in 0..per {
            if c > 0 {
                out.push(',');
            }
            n += 1;
            if pg {
                out.push_str(&format!("${n}"));
            } else {
                out.push('?');
            }
        }
        out.push(')');
    }
    out
}

/// The parameters of an `IN` list after `first - 1` others, numbered as [`tuples`] does.
fn list(pg: bool, n: usize, first: usize) -> String {
    (0..n)
        .map(|i| {
            if pg {
                format!("${}", first + i)
            } else {
                "?".to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
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
/// was new. The keys of a batch must be distinct (the intake sets repetitions aside).
pub async fn insert_events(
    tx: &mut Tx,
    platform_id: i64,
    events: &[NewEvent<'_>],
) -> Result<Vec<bool>> {
    let now = tx.now().to_string();
    let mut new: HashSet<String> = HashSet::with_capacity(events.len());
    for chunk in events.chunks(ROWS) {
        let sql = format!(
            "INSERT INTO points_events (platform_id, received_at, key, shop, event, at, \
             data_json) VALUES {} ON CONFLICT (platform_id, key) DO NOTHING RETURNING key",
            tuples(tx.on_postgres(), chunk.len(), 7)
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql);
        for e in chunk {
            q = q
                .bind(platform_id)
                .bind(&now)
                .bind(e.key)
                .bind(e.shop)
                .bind(e.event)
                .bind(e.at)
                .bind(e.data_json);
        }
        new.extend(q.fetch_all(tx.conn()).await?.into_iter().map(|r| r.0));
    }
    Ok(events.iter().map(|e| new.contains(e.key)).collect())
}

/// The JSON lines stored under keys of a platform (the keys found).
pub async fn events_json(
    tx: &mut Tx,
    platform_id: i64,
    keys: &[&str],
) -> Result<HashMap<String, String>> {
    let mut out = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(ROWS) {
        let pg = tx.on_postgres();
        let sql = format!(
            "SELECT key, data_json FROM points_events WHERE platform_id = {} AND key IN ({})",
            list(pg, 1, 1),
            list(pg, chunk.len(), 2)
        );
        let mut q = sqlx::query_as::<_, (String, String)>(&sql).bind(platform_id);
        for k in chunk {
            q = q.bind(*k);
        }
        out.extend(q.fetch_all(tx.conn()).await?);
    }
    Ok(out)
}

/// The stored balances of some shops of a platform (those that have one), in the caller's
/// transaction.
pub async fn balances_of(tx: &mut Tx, platform_id: i64, shops: &[&str]) -> Result<Vec<Balance>> {
    let mut out = Vec::with_capacity(shops.len());
    for chunk in shops.chunks(ROWS) {
        let pg = tx.on_postgres();
        let sql = format!(
            "{BALANCE} WHERE platform_id = {} AND shop IN ({})",
            list(pg, 1, 1),
            list(pg, chunk.len(), 2)
        );
        let mut q = sqlx::query_as::<_, Balance>(&sql).bind(platform_id);
        for s in chunk {
            q = q.bind(*s);
        }
        out.extend(q.fetch_all(tx.conn()).await?);
    }
    Ok(out)
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

/// Write balances (insert or replace), stamped with the transaction's time.
pub async fn upsert_balances(tx: &mut Tx, rows: &[Balance]) -> Result<()> {
    let now = tx.now().to_string();
    for chunk in rows.chunks(ROWS) {
        let sql = format!(
            "INSERT INTO points_balances (updated_at, platform_id, shop, total, by_rule, \
             level_kind, level_n, events, as_of, state) VALUES {} \
             ON CONFLICT (platform_id, shop) DO UPDATE SET total = excluded.total, \
             by_rule = excluded.by_rule, level_kind = excluded.level_kind, \
             level_n = excluded.level_n, events = excluded.events, as_of = excluded.as_of, \
             state = excluded.state, updated_at = excluded.updated_at",
            tuples(tx.on_postgres(), chunk.len(), 10)
        );
        let mut q = sqlx::query(&sql);
        for b in chunk {
            q = q
                .bind(&now)
                .bind(b.platform_id)
                .bind(&b.shop)
                .bind(b.total)
                .bind(&b.by_rule)
                .bind(&b.level_kind)
                .bind(b.level_n)
                .bind(b.events)
                .bind(&b.as_of)
                .bind(&b.state);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

const BALANCE: &str = "SELECT platform_id, shop, total, by_rule, level_kind, level_n, events, \
                       as_of, updated_at, state FROM points_balances";

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
