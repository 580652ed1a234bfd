//! What `tianping regrade` reads and writes (issue 14): assessments with their packs in id
//! order, a batch of re-graded results at once, and the run's progress (migration 0017).

use sqlx::Row;

use crate::repo::AnswerRow;
use crate::{Result, Store, WriteTx};

/// One assessment as the re-grading reads it: what decides its plan, what is stored, and
/// its pack (none for an assessment never scored since packs exist).
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub scheme: String,
    pub variant: Option<String>,
    pub profile_text: Option<String>,
    pub profile_hash: Option<String>,
    pub mode: String,
    pub current_stars: i64,
    pub first_application: i64,
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub stars: Option<i64>,
    pub scheme_version: Option<String>,
    pub engine_version: Option<String>,
    /// Whether the full explained result is stored (it is then re-derived and compared too).
    pub explained: bool,
    pub layout: Option<String>,
    pub pack: Option<Vec<u8>>,
}

/// Up to `limit` assessments with a result after id `after` (of `scheme` only, when given),
/// in id order. The packs are bounded by `after` too: without it PostgreSQL merges with the
/// packs from the first one on every batch (a run over a million took 70 s, most of it there).
pub async fn batch(s: &Store, after: i64, scheme: Option<&str>, limit: i64) -> Result<Vec<Stored>> {
    let sql = format!(
        "SELECT a.id, a.scheme, a.variant, a.profile_text, a.profile_hash, a.mode, \
         a.current_stars, a.first_application, a.score, a.grade, a.stars, a.scheme_version, \
         a.engine_version, CAST(CASE WHEN r.assessment_id IS NULL OR a.explanation_stale = 1 THEN 0 ELSE 1 END AS BIGINT), \
         p.layout, p.pack \
         FROM assessments a \
         LEFT JOIN answer_packs p ON p.assessment_id = a.id AND p.assessment_id > $1 \
         LEFT JOIN assessment_results r ON r.assessment_id = a.id AND r.assessment_id > $1 \
         WHERE a.id > $1 AND (a.score IS NOT NULL OR r.assessment_id IS NOT NULL){} \
         ORDER BY a.id LIMIT $2",
        if scheme.is_some() {
            " AND a.scheme = $3"
        } else {
            ""
        }
    );
    let mut q = sqlx::query(&sql).bind(after).bind(limit);
    if let Some(sc) = scheme {
        q = q.bind(sc);
    }
    let rows = q.fetch_all(&s.pool).await?;
    rows.into_iter()
        .map(|r| {
            Ok(Stored {
                id: r.try_get(0)?,
                scheme: r.try_get(1)?,
                variant: r.try_get(2)?,
                profile_text: r.try_get(3)?,
                profile_hash: r.try_get(4)?,
                mode: r.try_get(5)?,
                current_stars: r.try_get(6)?,
                first_application: r.try_get(7)?,
                score: r.try_get(8)?,
                grade: r.try_get(9)?,
                stars: r.try_get(10)?,
                scheme_version: r.try_get(11)?,
                engine_version: r.try_get(12)?,
                explained: r.try_get::<i64, _>(13)? != 0,
                layout: r.try_get(14)?,
                pack: r.try_get(15)?,
            })
        })
        .collect()
}

/// How many assessments a run over `scheme` (or all) will look at.
pub async fn count(s: &Store, scheme: Option<&str>) -> Result<i64> {
    let (n,): (i64,) = match scheme {
        Some(sc) => sqlx::query_as(
            "SELECT COUNT(*) FROM assessments a WHERE a.scheme = $1 AND (a.score IS NOT NULL OR EXISTS \
             (SELECT 1 FROM assessment_results r WHERE r.assessment_id = a.id))",
        )
        .bind(sc)
        .fetch_one(&s.pool)
        .await?,
        None => sqlx::query_as(
            "SELECT COUNT(*) FROM assessments a WHERE a.score IS NOT NULL OR EXISTS \
             (SELECT 1 FROM assessment_results r WHERE r.assessment_id = a.id)",
        )
        .fetch_one(&s.pool)
        .await?,
    };
    Ok(n)
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Rows of `table` whose `column` is one of `ids`, in that column's order, then `then`.
async fn rows_of<T>(s: &Store, table: &str, column: &str, then: &str, ids: &[i64]) -> Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT * FROM {table} WHERE {column} IN ({}) ORDER BY {column}{then}",
        placeholders(1, ids.len())
    );
    let mut q = sqlx::query_as(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&s.pool).await?)
}

/// These assessments in full (the explained ones, re-derived by the full path).
pub async fn assessments_of(s: &Store, ids: &[i64]) -> Result<Vec<crate::repo::Assessment>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT a.*, r.result_json FROM assessments a \
         LEFT JOIN assessment_results r ON r.assessment_id = a.id \
         WHERE a.id IN ({}) ORDER BY a.id",
        placeholders(1, ids.len())
    );
    let mut q = sqlx::query_as(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&s.pool).await?)
}

/// The current answers of these assessments, by assessment and indicator.
pub async fn answers_of(s: &Store, ids: &[i64]) -> Result<Vec<AnswerRow>> {
    rows_of(s, "answers", "assessment_id", ", indicator_id", ids).await
}

/// A re-graded result to write.
#[derive(Debug, Clone)]
pub struct Regraded {
    pub id: i64,
    pub score: f64,
    pub grade: Option<String>,
    pub stars: Option<i64>,
    pub scheme_version: String,
    pub engine_version: String,
    /// The new explained result, where one is stored and it differs.
    pub result_json: Option<String>,
}

/// Write re-graded results (not re-dated: `result_at` and `updated_at` stay, like
/// `repo::replace_result`). PostgreSQL: several rows per statement.
pub async fn write(tx: &mut WriteTx, rows: &[Regraded]) -> Result<()> {
    // several rows per statement, joined by id to a VALUES list (PostgreSQL needs the types
    // of its parameters there; SQLite names the list's columns column1…)
    let pg = tx.on_postgres();
    for chunk in rows.chunks(50) {
        let values = (0..chunk.len())
            .map(|k| {
                let b = k * 6;
                if pg {
                    format!(
                        "(${}::bigint, ${}::float8, ${}::text, ${}::bigint, ${}::text, ${}::text)",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6
                    )
                } else {
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6
                    )
                }
            })
            .collect::<Vec<_>>()
            .join(",");
        let sql = if pg {
            format!(
                "UPDATE assessments AS a SET score = v.score, grade = v.grade, stars = v.stars, \
                 scheme_version = v.sv, engine_version = v.ev \
                 FROM (VALUES {values}) AS v(id, score, grade, stars, sv, ev) WHERE a.id = v.id"
            )
        } else {
            format!(
                "UPDATE assessments SET score = v.column2, grade = v.column3, stars = v.column4, \
                 scheme_version = v.column5, engine_version = v.column6 \
                 FROM (VALUES {values}) AS v WHERE assessments.id = v.column1"
            )
        };
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(r.id)
                .bind(r.score)
                .bind(r.grade.as_deref())
                .bind(r.stars)
                .bind(r.scheme_version.as_str())
                .bind(r.engine_version.as_str());
        }
        q.execute(tx.conn()).await?;
    }
    for r in rows {
        if let Some(j) = &r.result_json {
            sqlx::query(
                "UPDATE assessments SET explanation_stale = 0, result_seq = result_seq + 1 \
                 WHERE id = $1",
            )
            .bind(r.id)
            .execute(tx.conn())
            .await?;
            crate::repo::put_result_text(tx, r.id, j).await?;
        }
    }
    Ok(())
}

/// A run of `tianping regrade` and how far it got.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Run {
    pub id: i64,
    pub scheme: String,
    pub verify: i64,
    pub started_at: String,
    pub last_id: i64,
    pub checked: i64,
    pub changed: i64,
    pub failed: i64,
    pub updated: i64,
    pub finished_at: Option<String>,
}

/// The unfinished run over `scheme` ("" = all) in this mode, if one was interrupted.
pub async fn unfinished(s: &Store, scheme: &str, verify: bool) -> Result<Option<Run>> {
    Ok(sqlx::query_as(
        "SELECT id, scheme, verify, started_at, last_id, checked, changed, failed, updated, \
         finished_at FROM regrade_runs WHERE scheme = $1 AND verify = $2 AND finished_at IS NULL \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(scheme)
    .bind(verify as i64)
    .fetch_optional(&s.pool)
    .await?)
}

/// Start a run.
pub async fn start(tx: &mut WriteTx, scheme: &str, verify: bool) -> Result<i64> {
    // an earlier unfinished run of the same kind is closed: only one goes on
    let now = tx.now().to_string();
    sqlx::query(
        "UPDATE regrade_runs SET finished_at = $1 WHERE scheme = $2 AND verify = $3 AND finished_at IS NULL",
    )
    .bind(&now)
    .bind(scheme)
    .bind(verify as i64)
    .execute(tx.conn())
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO regrade_runs (scheme, verify, started_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(scheme)
    .bind(verify as i64)
    .bind(&now)
    .fetch_one(tx.conn())
    .await?;
    Ok(id)
}

/// Record a batch done: the last id and the running counts.
pub async fn advance(tx: &mut WriteTx, run: &Run) -> Result<()> {
    sqlx::query(
        "UPDATE regrade_runs SET last_id = $1, checked = $2, changed = $3, failed = $4, \
         updated = $5 WHERE id = $6",
    )
    .bind(run.last_id)
    .bind(run.checked)
    .bind(run.changed)
    .bind(run.failed)
    .bind(run.updated)
    .bind(run.id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Close a run.
pub async fn finish(tx: &mut WriteTx, run_id: i64) -> Result<()> {
    let now = tx.now().to_string();
    sqlx::query("UPDATE regrade_runs SET finished_at = $1 WHERE id = $2")
        .bind(now)
        .bind(run_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}
