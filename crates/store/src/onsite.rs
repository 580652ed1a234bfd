//! An on-site assessment started from a self-assessment: linking the self-assessment's
//! evidence to the new one, and finding which self-assessment an on-site one started from
//! (recorded by its `create_from_self` audit entry, the one durable record of it).

use serde_json::Value;

use crate::repo::Tx;
use crate::{Result, Store};

/// Link every evidence file of assessment `from` to the same item of assessment `to`: new
/// evidence rows pointing to the same stored bytes, with the original uploader and time.
/// Returns how many were linked.
pub async fn link_evidence(tx: &mut Tx, from: i64, to: i64) -> Result<u64> {
    let r = sqlx::query(
        "INSERT INTO evidence (assessment_id, indicator_id, sha256, file_name, content_type, size, uploaded_by, uploaded_at) \
         SELECT $2, indicator_id, sha256, file_name, content_type, size, uploaded_by, uploaded_at \
         FROM evidence WHERE assessment_id = $1 ORDER BY id",
    )
    .bind(from)
    .bind(to)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected())
}

/// The self-assessment an on-site assessment was started from (none if it was created
/// empty), as its `create_from_self` audit entry records it under `from_self`.
pub async fn started_from(s: &Store, assessment_id: i64) -> Result<Option<i64>> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT after_json FROM audit_log WHERE action = 'create_from_self' \
         AND object_type = 'assessment' AND object_id = $1 ORDER BY seq LIMIT 1",
    )
    .bind(assessment_id.to_string())
    .fetch_optional(&s.pool)
    .await?;
    Ok(row
        .and_then(|(j,)| j)
        .and_then(|j| serde_json::from_str::<Value>(&j).ok())
        .and_then(|v| v.get("from_self").and_then(Value::as_i64)))
}
