//! An assessment's answers read whole in one row, built by the database: at 5,900 items
//! reading the answer rows one by one through sqlx cost most of a page's time. The per-row
//! reads and the writes are in `repo.rs`.

use crate::repo::AnswerRow;
use crate::{Backend, Result, Store};

/// The answers as the core reads them: one JSON object of indicator id → stored value.
pub async fn answer_values(s: &Store, assessment_id: i64) -> Result<String> {
    let sql = match s.backend {
        Backend::Sqlite => {
            "SELECT COALESCE(json_group_object(indicator_id, json(value_json)), '{}') \
             FROM answers WHERE assessment_id = $1 AND value_json IS NOT NULL"
        }
        Backend::Postgres => {
            "SELECT COALESCE(json_object_agg(indicator_id, CAST(value_json AS json)), '{}')::text \
             FROM answers WHERE assessment_id = $1 AND value_json IS NOT NULL"
        }
    };
    let (text,): (String,) = sqlx::query_as(sql)
        .bind(assessment_id)
        .fetch_one(&s.pool)
        .await?;
    Ok(text)
}

/// The ids of the answered items (a value other than null).
pub async fn answered_ids(s: &Store, assessment_id: i64) -> Result<Vec<String>> {
    ids_where(
        s,
        assessment_id,
        "value_json IS NOT NULL AND value_json <> 'null'",
    )
    .await
}

/// The ids of the answers declared by the enterprise itself (source `self`): the only
/// answers that can await verification.
pub async fn self_declared_ids(s: &Store, assessment_id: i64) -> Result<Vec<String>> {
    ids_where(s, assessment_id, "source = 'self'").await
}

/// The ids of an assessment's answers meeting `condition` (fixed SQL, never user input),
/// joined by the database into one value.
async fn ids_where(s: &Store, assessment_id: i64, condition: &str) -> Result<Vec<String>> {
    let joined = match s.backend {
        Backend::Sqlite => "group_concat(indicator_id, char(10))",
        Backend::Postgres => "string_agg(indicator_id, chr(10))",
    };
    let sql = format!(
        "SELECT COALESCE({joined}, '') FROM answers WHERE assessment_id = $1 AND {condition}"
    );
    let (text,): (String,) = sqlx::query_as(&sql)
        .bind(assessment_id)
        .fetch_one(&s.pool)
        .await?;
    Ok(text.lines().map(str::to_string).collect())
}

/// The answer rows of some items (ids the assessment has no answer for are left out), in id
/// order.
pub async fn answers_in(s: &Store, assessment_id: i64, ids: &[&str]) -> Result<Vec<AnswerRow>> {
    let mut out: Vec<AnswerRow> = Vec::new();
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT * FROM answers WHERE assessment_id = $1 AND indicator_id IN ({})",
            marks.join(", ")
        );
        // planned for its values each time: after five runs PostgreSQL would keep a generic
        // plan that filters every answer of the assessment by the list (14–22 ms at 5,881
        // items instead of an index look-up per id)
        let mut q = sqlx::query_as(&sql).bind(assessment_id).persistent(false);
        for id in chunk {
            q = q.bind(*id);
        }
        out.extend(q.fetch_all(&s.pool).await?);
    }
    out.sort_by(|a, b| a.indicator_id.cmp(&b.indicator_id));
    Ok(out)
}
