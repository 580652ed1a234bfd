//! Shop points read for the pages (0015, seed 002): a platform's balances with the
//! enterprise each shop is (a shop id is the enterprise's credit code), counts per level,
//! the intake's figures and its last batches (from the audit log's `points_intake` entries),
//! and the balances of one shop on every platform. Read-only; the intake writes
//! (`points.rs`).

use serde::Serialize;

use crate::points::Balance;
use crate::public::like_escaped;
use crate::{Result, Store};

/// A balance with the shop's enterprise, when a registered enterprise has the shop's id as
/// its credit code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ShopRow {
    pub shop: String,
    pub total: i64,
    pub level_kind: Option<String>,
    pub level_n: Option<i64>,
    pub events: i64,
    pub as_of: String,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
}

/// How many shops of a platform hold a level (`None`: no level, 0 points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LevelCount {
    pub level_kind: Option<String>,
    pub level_n: Option<i64>,
    pub shops: i64,
}

/// One intake batch as its audit entry records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Batch {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// `{"accepted", "duplicates", "rejected", "shops", "rules_version"}`.
    pub after_json: Option<String>,
}

const ROWS: &str = "SELECT b.shop, b.total, b.level_kind, b.level_n, b.events, b.as_of, \
    e.id AS enterprise_id, e.name AS enterprise_name FROM points_balances b \
    LEFT JOIN enterprises e ON e.uscc = b.shop WHERE b.platform_id = $1";

/// A platform's shops, highest total first (then by id), at most `limit`. With a search
/// `q`: shops whose id or enterprise name contains it (Latin letters in either case).
pub async fn shops(
    s: &Store,
    platform_id: i64,
    q: Option<&str>,
    limit: i64,
) -> Result<Vec<ShopRow>> {
    let order = "ORDER BY b.total DESC, b.shop";
    Ok(match q.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => {
            let sql = format!(
                "{ROWS} AND (LOWER(b.shop) LIKE $2 ESCAPE '\\' OR LOWER(e.name) LIKE $2 \
                 ESCAPE '\\') {order} LIMIT $3"
            );
            sqlx::query_as(&sql)
                .bind(platform_id)
                .bind(format!("%{}%", like_escaped(&q.to_lowercase())))
                .bind(limit)
                .fetch_all(&s.pool)
                .await?
        }
        None => {
            sqlx::query_as(&format!("{ROWS} {order} LIMIT $2"))
                .bind(platform_id)
                .bind(limit)
                .fetch_all(&s.pool)
                .await?
        }
    })
}

/// The number of shops per level of a platform.
pub async fn level_counts(s: &Store, platform_id: i64) -> Result<Vec<LevelCount>> {
    Ok(sqlx::query_as(
        "SELECT level_kind, level_n, COUNT(*) AS shops FROM points_balances \
         WHERE platform_id = $1 GROUP BY level_kind, level_n",
    )
    .bind(platform_id)
    .fetch_all(&s.pool)
    .await?)
}

/// The events stored for a platform and the shops they concern.
pub async fn event_totals(s: &Store, platform_id: i64) -> Result<(i64, i64)> {
    let r: (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT shop) FROM points_events WHERE platform_id = $1",
    )
    .bind(platform_id)
    .fetch_one(&s.pool)
    .await?;
    Ok(r)
}

/// Every intake batch of a platform (its audit entries), newest first, at most `limit`.
pub async fn batches(s: &Store, platform_id: i64, limit: i64) -> Result<Vec<Batch>> {
    Ok(sqlx::query_as(
        "SELECT seq, at, actor, after_json FROM audit_log WHERE action = 'points_intake' \
         AND object_type = 'org' AND object_id = $1 ORDER BY seq DESC LIMIT $2",
    )
    .bind(platform_id.to_string())
    .bind(limit)
    .fetch_all(&s.pool)
    .await?)
}

/// The `after_json` of every intake batch of a platform (for the totals of its answers).
pub async fn batch_figures(s: &Store, platform_id: i64) -> Result<Vec<String>> {
    let rows: Vec<(Option<String>,)> = sqlx::query_as(
        "SELECT after_json FROM audit_log WHERE action = 'points_intake' \
         AND object_type = 'org' AND object_id = $1",
    )
    .bind(platform_id.to_string())
    .fetch_all(&s.pool)
    .await?;
    Ok(rows.into_iter().filter_map(|r| r.0).collect())
}

/// The balances of a shop id on every platform, by platform, with the platform's name.
pub async fn shop_balances(s: &Store, shop: &str) -> Result<Vec<(Balance, String)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        b: Balance,
        platform_name: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT b.platform_id, b.shop, b.total, b.by_rule, b.level_kind, b.level_n, b.events, \
         b.as_of, b.updated_at, b.state, o.name AS platform_name FROM points_balances b \
         JOIN orgs o ON o.id = b.platform_id WHERE b.shop = $1 ORDER BY b.platform_id",
    )
    .bind(shop)
    .fetch_all(&s.pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.b, r.platform_name)).collect())
}

/// A platform organisation's name.
pub async fn platform_name(s: &Store, platform_id: i64) -> Result<Option<String>> {
    let r: Option<(String,)> = sqlx::query_as("SELECT name FROM orgs WHERE id = $1")
        .bind(platform_id)
        .fetch_optional(&s.pool)
        .await?;
    Ok(r.map(|x| x.0))
}
