//! Packed answers (migration 0017): one row per scored assessment with the plan's leaf values
//! (`tianping_core::pack`), written in the transaction that stores the result, and the
//! layouts (indicator ids) they are read by.

use crate::{Result, Store, WriteTx};

/// An assessment's answers, packed, as written beside its result.
#[derive(Debug, Clone, Copy)]
pub struct Pack<'a> {
    /// SHA-256 of `layout_text`.
    pub layout: &'a str,
    /// The indicator ids of the pack's positions, one per line: written once per layout.
    pub layout_text: &'a str,
    /// Whether the layout may not yet be stored (first use in this process).
    pub layout_new: bool,
    pub bytes: &'a [u8],
}

/// Write (or replace) an assessment's pack, and its layout when it may be new.
pub async fn put(tx: &mut WriteTx, assessment_id: i64, p: &Pack<'_>) -> Result<()> {
    if p.layout_new {
        put_layout(tx, p.layout, p.layout_text).await?;
    }
    sqlx::query(
        "INSERT INTO answer_packs (assessment_id, layout, pack) VALUES ($1, $2, $3) \
         ON CONFLICT (assessment_id) DO UPDATE SET layout = excluded.layout, pack = excluded.pack",
    )
    .bind(assessment_id)
    .bind(p.layout)
    .bind(p.bytes)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Store a layout unless it is there already.
pub async fn put_layout(tx: &mut WriteTx, digest: &str, text: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO answer_layouts (digest, ids) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING",
    )
    .bind(digest)
    .bind(text)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Every stored layout: (digest, ids text).
pub async fn layouts(s: &Store) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as("SELECT digest, ids FROM answer_layouts")
        .fetch_all(&s.pool)
        .await?)
}

/// The pack of one assessment (its layout digest and bytes).
const PACK_OF: &str = "SELECT layout, pack FROM answer_packs WHERE assessment_id = $1";

/// The pack of one assessment: (layout digest, bytes).
pub async fn get(s: &Store, assessment_id: i64) -> Result<Option<(String, Vec<u8>)>> {
    Ok(sqlx::query_as(PACK_OF)
        .bind(assessment_id)
        .fetch_optional(&s.pool)
        .await?)
}

/// [`get`] in a transaction (a save sets its changed answers in the pack it reads).
pub async fn get_tx(tx: &mut WriteTx, assessment_id: i64) -> Result<Option<(String, Vec<u8>)>> {
    Ok(sqlx::query_as(PACK_OF)
        .bind(assessment_id)
        .fetch_optional(tx.conn())
        .await?)
}

/// Up to `limit` assessments with a stored result and no pack, by id after `after` (results
/// stored before packs existed; the application packs them once).
pub async fn unpacked(s: &Store, after: i64, limit: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT a.id FROM assessments a LEFT JOIN answer_packs p ON p.assessment_id = a.id \
         WHERE a.id > $1 AND p.assessment_id IS NULL AND EXISTS \
         (SELECT 1 FROM assessment_results r WHERE r.assessment_id = a.id) \
         ORDER BY a.id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&s.pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
