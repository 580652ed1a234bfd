//! Submitting and withdrawing an assessment (migration 0006): the record of the submission in
//! force or withdrawn, and the answer versions written after it with their writers' roles.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use tianping_domain::submission::VersionBy;
use tianping_domain::{AssessmentStatus, Role};

use crate::repo::Tx;
use crate::{Result, Store};

/// Who submitted an assessment and when, and whether (and by whom) that submission was
/// withdrawn.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Submission {
    pub submitted_at: Option<String>,
    pub submitted_by: Option<i64>,
    /// The highest answer version id when it was submitted.
    pub last_version: Option<i64>,
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<i64>,
}

impl<'r> sqlx::FromRow<'r, AnyRow> for Submission {
    fn from_row(r: &'r AnyRow) -> sqlx::Result<Self> {
        Ok(Submission {
            submitted_at: r.try_get("submitted_at")?,
            submitted_by: r.try_get("submitted_by")?,
            last_version: r.try_get("submitted_last_version")?,
            withdrawn_at: r.try_get("withdrawn_at")?,
            withdrawn_by: r.try_get("withdrawn_by")?,
        })
    }
}

const COLUMNS: &str =
    "submitted_at, submitted_by, submitted_last_version, withdrawn_at, withdrawn_by";

/// The submission record of an assessment.
pub async fn get(s: &Store, assessment_id: i64) -> Result<Submission> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM assessments WHERE id = $1",
        COLUMNS
    ))
    .bind(assessment_id)
    .fetch_optional(&s.pool)
    .await?
    .unwrap_or_default())
}

/// The submission record, read inside a write transaction.
pub async fn get_tx(tx: &mut Tx, assessment_id: i64) -> Result<Submission> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM assessments WHERE id = $1",
        COLUMNS
    ))
    .bind(assessment_id)
    .fetch_optional(tx.conn())
    .await?
    .unwrap_or_default())
}

/// Lock an assessment: draft → submitted, by `by` now, remembering the highest answer
/// version so far and clearing an earlier withdrawal. False if it was not a draft.
pub async fn submit(tx: &mut Tx, id: i64, by: i64) -> Result<bool> {
    let t = tx.now().to_string();
    let r = sqlx::query(
        "UPDATE assessments SET status = $1, submitted_at = $2, submitted_by = $3, updated_at = $2, \
         submitted_last_version = (SELECT COALESCE(MAX(v.id), 0) FROM answer_versions v \
         WHERE v.assessment_id = $4), withdrawn_at = NULL, withdrawn_by = NULL \
         WHERE id = $4 AND status = $5",
    )
    .bind(AssessmentStatus::Submitted.as_str())
    .bind(&t)
    .bind(by)
    .bind(id)
    .bind(AssessmentStatus::Draft.as_str())
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Withdraw a submission: submitted → draft, by `by` now. False if it was not submitted.
pub async fn withdraw(tx: &mut Tx, id: i64, by: i64) -> Result<bool> {
    let t = tx.now().to_string();
    let r = sqlx::query(
        "UPDATE assessments SET status = $1, withdrawn_at = $2, withdrawn_by = $3, updated_at = $2 \
         WHERE id = $4 AND status = $5",
    )
    .bind(AssessmentStatus::Draft.as_str())
    .bind(&t)
    .bind(by)
    .bind(id)
    .bind(AssessmentStatus::Submitted.as_str())
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

const AFTER: &str =
    "SELECT v.id, u.role FROM answer_versions v JOIN users u ON u.id = v.changed_by \
     WHERE v.assessment_id = $1 AND v.id > $2 ORDER BY v.id";

fn roles(rows: Vec<(i64, String)>) -> Result<Vec<VersionBy>> {
    rows.into_iter()
        .map(|(id, role)| {
            let role: Role = role
                .parse()
                .map_err(|e| crate::StoreError::Db(format!("answer_versions: {}", e)))?;
            Ok(VersionBy { id, role })
        })
        .collect()
}

/// The answer versions of an assessment with an id above `after`, each with the role of the
/// person who wrote it.
pub async fn versions_after(s: &Store, assessment_id: i64, after: i64) -> Result<Vec<VersionBy>> {
    roles(
        sqlx::query_as(AFTER)
            .bind(assessment_id)
            .bind(after)
            .fetch_all(&s.pool)
            .await?,
    )
}

/// [`versions_after`] inside a write transaction.
pub async fn versions_after_tx(
    tx: &mut Tx,
    assessment_id: i64,
    after: i64,
) -> Result<Vec<VersionBy>> {
    roles(
        sqlx::query_as(AFTER)
            .bind(assessment_id)
            .bind(after)
            .fetch_all(tx.conn())
            .await?,
    )
}
