//! Questionnaires of an on-site capability assessment (0013; 004 7.2.1, I-13): the
//! questionnaire, its single-use links (only the SHA-256 of each token is stored) and its
//! responses.
//!
//! Nothing stored ties a response to its link or to a person: a response row holds only its
//! questionnaire and ratings (no time, no address, no link), and a link row only its hash and
//! whether it was used (not when). [`answer`] inserts the response and marks the link used in
//! the caller's transaction, so a link takes one response or none. On PostgreSQL every row
//! carries the id of the transaction that last wrote it (`xmin`); so that the used link
//! cannot be matched to its response by that id, answering rewrites *every* link row of the
//! questionnaire in the same statement, and each link's `xmin` is then the latest answer's,
//! the same for all.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use tianping_domain::questionnaire::{LinkFacts, QuestionnaireStatus};

use crate::repo::Tx;
use crate::{Result, Store};

/// A questionnaire as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Questionnaire {
    pub id: i64,
    pub assessment_id: i64,
    /// The indicator ids asked, in the scheme's order.
    pub items: Vec<String>,
    pub created_by: i64,
    pub opens_at: String,
    pub closes_on: NaiveDate,
    pub status: QuestionnaireStatus,
    pub closed_at: Option<String>,
    pub closed_by: Option<i64>,
    pub applied_at: Option<String>,
}

fn decode(column: &str, e: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.into(),
        source: Box::new(e),
    }
}

impl<'r> sqlx::FromRow<'r, AnyRow> for Questionnaire {
    fn from_row(r: &'r AnyRow) -> sqlx::Result<Self> {
        let items: String = r.try_get("items")?;
        let status: String = r.try_get("status")?;
        let closes_on: String = r.try_get("closes_on")?;
        Ok(Questionnaire {
            id: r.try_get("id")?,
            assessment_id: r.try_get("assessment_id")?,
            items: serde_json::from_str(&items).map_err(|e| decode("items", e))?,
            created_by: r.try_get("created_by")?,
            opens_at: r.try_get("opens_at")?,
            closes_on: closes_on.parse().map_err(|e| decode("closes_on", e))?,
            status: status.parse().map_err(|e| decode("status", e))?,
            closed_at: r.try_get("closed_at")?,
            closed_by: r.try_get("closed_by")?,
            applied_at: r.try_get("applied_at")?,
        })
    }
}

/// Create a questionnaire of `assessment_id` asking `items`, open until `closes_on`, with
/// one link per hash in `token_hashes`.
pub async fn create(
    tx: &mut Tx,
    assessment_id: i64,
    items: &[String],
    closes_on: NaiveDate,
    by: i64,
    token_hashes: &[String],
) -> Result<Questionnaire> {
    let items = serde_json::to_string(items).map_err(|e| crate::StoreError::Db(e.to_string()))?;
    let q: Questionnaire = sqlx::query_as(
        "INSERT INTO questionnaires (assessment_id, items, created_by, opens_at, closes_on, status) \
         VALUES ($1, $2, $3, $4, $5, 'open') RETURNING *",
    )
    .bind(assessment_id)
    .bind(items)
    .bind(by)
    .bind(tx.now().to_string())
    .bind(closes_on.to_string())
    .fetch_one(tx.conn())
    .await?;
    add_links(tx, q.id, token_hashes).await?;
    Ok(q)
}

/// Add one link per hash to questionnaire `id`.
pub async fn add_links(tx: &mut Tx, id: i64, token_hashes: &[String]) -> Result<()> {
    for h in token_hashes {
        sqlx::query(
            "INSERT INTO questionnaire_links (questionnaire_id, token_hash) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(h)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

pub async fn get(s: &Store, id: i64) -> Result<Option<Questionnaire>> {
    Ok(sqlx::query_as("SELECT * FROM questionnaires WHERE id = $1")
        .bind(id)
        .fetch_optional(&s.pool)
        .await?)
}

pub async fn get_tx(tx: &mut Tx, id: i64) -> Result<Option<Questionnaire>> {
    Ok(sqlx::query_as("SELECT * FROM questionnaires WHERE id = $1")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// The questionnaires of an assessment, newest first.
pub async fn of_assessment(s: &Store, assessment_id: i64) -> Result<Vec<Questionnaire>> {
    Ok(
        sqlx::query_as("SELECT * FROM questionnaires WHERE assessment_id = $1 ORDER BY id DESC")
            .bind(assessment_id)
            .fetch_all(&s.pool)
            .await?,
    )
}

/// [`of_assessment`] in a transaction.
pub async fn of_assessment_tx(tx: &mut Tx, assessment_id: i64) -> Result<Vec<Questionnaire>> {
    Ok(
        sqlx::query_as("SELECT * FROM questionnaires WHERE assessment_id = $1 ORDER BY id DESC")
            .bind(assessment_id)
            .fetch_all(tx.conn())
            .await?,
    )
}

/// Links issued and links used of a questionnaire.
pub async fn link_counts(s: &Store, id: i64) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), COUNT(CASE WHEN used = 1 THEN 1 END) FROM questionnaire_links \
         WHERE questionnaire_id = $1",
    )
    .bind(id)
    .fetch_one(&s.pool)
    .await?)
}

/// Mark a questionnaire closed by `by`.
pub async fn close(tx: &mut Tx, id: i64, by: i64) -> Result<()> {
    sqlx::query(
        "UPDATE questionnaires SET status = 'closed', closed_at = $2, closed_by = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(tx.now().to_string())
    .bind(by)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Record that a questionnaire's results were written into its assessment.
pub async fn mark_applied(tx: &mut Tx, id: i64) -> Result<()> {
    sqlx::query("UPDATE questionnaires SET applied_at = $2 WHERE id = $1")
        .bind(id)
        .bind(tx.now().to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The link with this token hash, with what the rules need of it and its questionnaire.
pub async fn link(tx: &mut Tx, token_hash: &str) -> Result<Option<(Questionnaire, LinkFacts)>> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT questionnaire_id, used FROM questionnaire_links WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(tx.conn())
    .await?;
    let Some((qid, used)) = row else {
        return Ok(None);
    };
    let Some(q) = get_tx(tx, qid).await? else {
        return Ok(None);
    };
    let facts = LinkFacts {
        used: used != 0,
        status: q.status,
        closes_on: q.closes_on,
    };
    Ok(Some((q, facts)))
}

/// [`link`] outside a transaction (the form a respondent opens).
pub async fn link_read(s: &Store, token_hash: &str) -> Result<Option<(Questionnaire, LinkFacts)>> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT questionnaire_id, used FROM questionnaire_links WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&s.pool)
    .await?;
    let Some((qid, used)) = row else {
        return Ok(None);
    };
    Ok(get(s, qid).await?.map(|q| {
        let facts = LinkFacts {
            used: used != 0,
            status: q.status,
            closes_on: q.closes_on,
        };
        (q, facts)
    }))
}

/// Take one response on the unused link `token_hash` of questionnaire `id`: the link is
/// marked used, every link row of the questionnaire is rewritten (see the module), and the
/// ratings (`answers`, JSON) are inserted with nothing else. `false`, and nothing written,
/// when the link is not an unused link of `id` (another request used it meanwhile: the
/// conditional update sees the committed row).
pub async fn answer(tx: &mut Tx, id: i64, token_hash: &str, answers: &str) -> Result<bool> {
    let taken = sqlx::query(
        "UPDATE questionnaire_links SET used = 1 \
         WHERE token_hash = $1 AND questionnaire_id = $2 AND used = 0",
    )
    .bind(token_hash)
    .bind(id)
    .execute(tx.conn())
    .await?;
    if taken.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("UPDATE questionnaire_links SET used = used WHERE questionnaire_id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    sqlx::query("INSERT INTO questionnaire_responses (questionnaire_id, answers) VALUES ($1, $2)")
        .bind(id)
        .bind(answers)
        .execute(tx.conn())
        .await?;
    Ok(true)
}

/// The stored responses (JSON ratings by item) of a questionnaire.
pub async fn responses(s: &Store, id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT answers FROM questionnaire_responses WHERE questionnaire_id = $1")
            .bind(id)
            .fetch_all(&s.pool)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// [`responses`] in a transaction.
pub async fn responses_tx(tx: &mut Tx, id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT answers FROM questionnaire_responses WHERE questionnaire_id = $1")
            .bind(id)
            .fetch_all(tx.conn())
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
