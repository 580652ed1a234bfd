//! The append-only, hash-chained audit log. Every entry stores the hash of the entry before
//! it; its own hash covers that and every field. A trigger refuses UPDATE and DELETE on the
//! table; [`verify`] detects an entry changed or deleted behind the trigger's back (a
//! missing sequence number, a broken link, a hash that no longer matches, or a head record
//! that disagrees with the last entry).

use crate::{sha256_hex, Result, Store, WriteTx};
use serde::Serialize;
use serde_json::Value;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who made a change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<i64>,
    /// A readable label, e.g. "admin@body.example (body_admin)" or "system".
    pub label: String,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            id: None,
            label: "system".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Entry {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry: SHA-256 over its fields, each length-prefixed.
pub fn entry_hash(e: &Entry) -> String {
    let mut buf = String::new();
    let actor_id = e.actor_id.map(|x| x.to_string()).unwrap_or_default();
    for f in [
        e.prev_hash.as_str(),
        &e.seq.to_string(),
        e.at.as_str(),
        &actor_id,
        e.actor.as_str(),
        e.action.as_str(),
        e.object_type.as_str(),
        e.object_id.as_str(),
        e.before_json.as_deref().unwrap_or("\u{0}"),
        e.after_json.as_deref().unwrap_or("\u{0}"),
    ] {
        buf.push_str(&f.len().to_string());
        buf.push(':');
        buf.push_str(f);
        buf.push('\n');
    }
    sha256_hex(buf.as_bytes())
}

/// Append one entry inside the caller's transaction (so the change and its record commit
/// together). The head row is updated first, which serialises concurrent writers.
pub async fn append(
    tx: &mut WriteTx,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<i64> {
    let (seq, prev): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash")
            .fetch_one(tx.conn())
            .await?;
    let mut e = Entry {
        seq,
        at: tx.now().to_string(),
        actor_id: actor.id,
        actor: actor.label.clone(),
        action: action.into(),
        object_type: object_type.into(),
        object_id: object_id.into(),
        before_json: before.map(|v| v.to_string()),
        after_json: after.map(|v| v.to_string()),
        prev_hash: prev,
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, object_type, object_id, \
         before_json, after_json, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
    )
    .bind(e.seq)
    .bind(&e.at)
    .bind(e.actor_id)
    .bind(&e.actor)
    .bind(&e.action)
    .bind(&e.object_type)
    .bind(&e.object_id)
    .bind(&e.before_json)
    .bind(&e.after_json)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .execute(tx.conn())
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&e.hash)
        .execute(tx.conn())
        .await?;
    Ok(seq)
}

/// One problem found by [`verify`].
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub seq: i64,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub entries: i64,
    pub head_seq: i64,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Walk the whole chain and report every inconsistency.
pub async fn verify(store: &Store) -> Result<Report> {
    let entries: Vec<Entry> = sqlx::query_as("SELECT * FROM audit_log ORDER BY seq")
        .fetch_all(&store.pool)
        .await?;
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT seq, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(&store.pool)
            .await?;
    let mut problems = Vec::new();
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_string();
    for e in &entries {
        if e.seq != expected_seq {
            problems.push(Problem {
                seq: e.seq,
                message: format!(
                    "缺少第 {} 至 {} 条记录（已被删除）",
                    expected_seq,
                    e.seq - 1
                ),
            });
        }
        if e.prev_hash != prev {
            problems.push(Problem {
                seq: e.seq,
                message: "与前一条记录的链接（prev_hash）不符：前一条被修改或删除".into(),
            });
        }
        let h = entry_hash(e);
        if h != e.hash {
            problems.push(Problem {
                seq: e.seq,
                message: format!(
                    "内容与其哈希不符：这条记录被修改过（存储 {}…，重算 {}…）",
                    &e.hash[..e.hash.len().min(12)],
                    &h[..12]
                ),
            });
        }
        prev = e.hash.clone();
        expected_seq = e.seq + 1;
    }
    let last = entries.last().map(|e| e.seq).unwrap_or(0);
    if head_seq != last {
        problems.push(Problem {
            seq: head_seq,
            message: format!(
                "日志头记录共 {} 条，实际最后一条为第 {} 条：末尾的记录被删除",
                head_seq, last
            ),
        });
    } else if head_hash != prev {
        problems.push(Problem {
            seq: last,
            message: "日志头记录的哈希与最后一条记录不符".into(),
        });
    }
    Ok(Report {
        entries: entries.len() as i64,
        head_seq,
        problems,
    })
}

/// Entries about one object, newest first.
pub async fn for_object(store: &Store, object_type: &str, object_id: &str) -> Result<Vec<Entry>> {
    Ok(sqlx::query_as(
        "SELECT * FROM audit_log WHERE object_type = $1 AND object_id = $2 ORDER BY seq DESC",
    )
    .bind(object_type)
    .bind(object_id)
    .fetch_all(&store.pool)
    .await?)
}

/// The newest `limit` entries, newest first.
pub async fn recent(store: &Store, limit: i64) -> Result<Vec<Entry>> {
    Ok(
        sqlx::query_as("SELECT * FROM audit_log ORDER BY seq DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&store.pool)
            .await?,
    )
}
