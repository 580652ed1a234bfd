//! The body's review of answers (I-6, I-20): verification records, the enterprise's disputed
//! proposals beside protected answers, and an expert withdrawing their own score (I-13).
//! Reads take the pool; writes take the caller's transaction.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use tianping_domain::{ProposalStatus, Role, Source};

use crate::repo::Tx;
use crate::{Result, Store};

// ---------------------------------------------------------------- verifications

/// One verification: who verified an answer, when, the value before and after.
#[derive(Debug, Clone, Serialize, PartialEq, sqlx::FromRow)]
pub struct Verification {
    pub id: i64,
    pub assessment_id: i64,
    pub indicator_id: String,
    /// The answer's revision that the verification wrote.
    pub revision: i64,
    pub value_before: Option<String>,
    pub value_after: String,
    /// 1 when the reviewer corrected the value, 0 when they confirmed it.
    pub corrected: i64,
    pub note: String,
    /// Set when the verification accepted an enterprise's proposal.
    pub proposal_id: Option<i64>,
    pub verified_by: i64,
    pub verified_at: String,
}

pub struct NewVerification<'a> {
    pub assessment_id: i64,
    pub indicator_id: &'a str,
    pub revision: i64,
    pub value_before: Option<&'a str>,
    pub value_after: &'a str,
    pub corrected: bool,
    pub note: &'a str,
    pub proposal_id: Option<i64>,
    pub by: i64,
}

pub async fn add_verification(tx: &mut Tx, v: &NewVerification<'_>) -> Result<Verification> {
    Ok(sqlx::query_as(
        "INSERT INTO answer_verifications (assessment_id, indicator_id, revision, value_before, \
         value_after, corrected, note, proposal_id, verified_by, verified_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING *",
    )
    .bind(v.assessment_id)
    .bind(v.indicator_id)
    .bind(v.revision)
    .bind(v.value_before)
    .bind(v.value_after)
    .bind(v.corrected as i64)
    .bind(v.note)
    .bind(v.proposal_id)
    .bind(v.by)
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?)
}

/// The verifications of an assessment (of one item, or all), newest first.
pub async fn verifications(
    s: &Store,
    assessment_id: i64,
    indicator: Option<&str>,
) -> Result<Vec<Verification>> {
    Ok(sqlx::query_as(
        "SELECT * FROM answer_verifications WHERE assessment_id = $1 \
         AND ($2 = '' OR indicator_id = $2) ORDER BY id DESC",
    )
    .bind(assessment_id)
    .bind(indicator.unwrap_or(""))
    .fetch_all(&s.pool)
    .await?)
}

/// The verification of an item's answer at this revision, inside a transaction.
pub async fn verification_at_tx(
    tx: &mut Tx,
    assessment_id: i64,
    indicator: &str,
    revision: i64,
) -> Result<Option<Verification>> {
    Ok(sqlx::query_as(
        "SELECT * FROM answer_verifications WHERE assessment_id = $1 AND indicator_id = $2 \
         AND revision = $3 ORDER BY id DESC LIMIT 1",
    )
    .bind(assessment_id)
    .bind(indicator)
    .bind(revision)
    .fetch_optional(tx.conn())
    .await?)
}

// ---------------------------------------------------------------- proposals

/// An enterprise's value kept beside a protected answer, and what the body decided.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Proposal {
    pub id: i64,
    pub assessment_id: i64,
    pub indicator_id: String,
    pub value_json: String,
    pub source: Source,
    pub note: String,
    /// The protected answer it disputes, as it was when proposed.
    pub held_json: Option<String>,
    pub held_source: Option<Source>,
    pub held_by: Option<i64>,
    pub status: ProposalStatus,
    pub proposed_by: i64,
    pub proposed_at: String,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<String>,
    pub resolution_note: String,
}

pub struct NewProposal<'a> {
    pub assessment_id: i64,
    pub indicator_id: &'a str,
    pub value_json: &'a str,
    pub source: Source,
    pub note: &'a str,
    pub held_json: Option<&'a str>,
    pub held_source: Option<Source>,
    pub held_by: Option<i64>,
    pub by: i64,
}

/// Keep a proposal; an open proposal of the same item is superseded by it (returned second).
pub async fn add_proposal(tx: &mut Tx, p: &NewProposal<'_>) -> Result<(Proposal, Vec<i64>)> {
    let t = tx.now().to_string();
    let superseded: Vec<(i64,)> = sqlx::query_as(
        "UPDATE answer_proposals SET status = $1, resolved_at = $2 \
         WHERE assessment_id = $3 AND indicator_id = $4 AND status = $5 RETURNING id",
    )
    .bind(ProposalStatus::Superseded.as_str())
    .bind(&t)
    .bind(p.assessment_id)
    .bind(p.indicator_id)
    .bind(ProposalStatus::Open.as_str())
    .fetch_all(tx.conn())
    .await?;
    let row = sqlx::query_as(
        "INSERT INTO answer_proposals (assessment_id, indicator_id, value_json, source, note, \
         held_json, held_source, held_by, status, proposed_by, proposed_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING *",
    )
    .bind(p.assessment_id)
    .bind(p.indicator_id)
    .bind(p.value_json)
    .bind(p.source.as_str())
    .bind(p.note)
    .bind(p.held_json)
    .bind(p.held_source.map(|s| s.as_str()))
    .bind(p.held_by)
    .bind(ProposalStatus::Open.as_str())
    .bind(p.by)
    .bind(&t)
    .fetch_one(tx.conn())
    .await?;
    Ok((row, superseded.into_iter().map(|r| r.0).collect()))
}

/// The proposals of an assessment (of one item, or all), newest first.
pub async fn proposals(
    s: &Store,
    assessment_id: i64,
    indicator: Option<&str>,
) -> Result<Vec<Proposal>> {
    Ok(sqlx::query_as(
        "SELECT * FROM answer_proposals WHERE assessment_id = $1 \
         AND ($2 = '' OR indicator_id = $2) ORDER BY id DESC",
    )
    .bind(assessment_id)
    .bind(indicator.unwrap_or(""))
    .fetch_all(&s.pool)
    .await?)
}

/// One proposal of an assessment, inside a transaction.
pub async fn proposal_tx(tx: &mut Tx, assessment_id: i64, id: i64) -> Result<Option<Proposal>> {
    Ok(
        sqlx::query_as("SELECT * FROM answer_proposals WHERE id = $1 AND assessment_id = $2")
            .bind(id)
            .bind(assessment_id)
            .fetch_optional(tx.conn())
            .await?,
    )
}

/// Resolve an open proposal (accepted or rejected). False if it was no longer open.
pub async fn resolve_proposal(
    tx: &mut Tx,
    id: i64,
    status: ProposalStatus,
    by: i64,
    note: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE answer_proposals SET status = $1, resolved_by = $2, resolved_at = $3, \
         resolution_note = $4 WHERE id = $5 AND status = $6",
    )
    .bind(status.as_str())
    .bind(by)
    .bind(tx.now().to_string())
    .bind(note)
    .bind(id)
    .bind(ProposalStatus::Open.as_str())
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

// ---------------------------------------------------------------- people and experts

/// The role and name of an account, inside a transaction (who gave an answer).
pub async fn user_role_tx(tx: &mut Tx, id: i64) -> Result<Option<(Role, String)>> {
    let r: Option<(String, String)> = sqlx::query_as("SELECT role, name FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
    r.map(|(role, name)| {
        role.parse::<Role>()
            .map(|r| (r, name))
            .map_err(|e| crate::StoreError::Db(e.to_string()))
    })
    .transpose()
}

/// An expert withdraws their own score of an item. False if they had none.
pub async fn delete_expert_score(
    tx: &mut Tx,
    assessment_id: i64,
    indicator: &str,
    expert_id: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "DELETE FROM expert_scores WHERE assessment_id = $1 AND indicator_id = $2 AND expert_id = $3",
    )
    .bind(assessment_id)
    .bind(indicator)
    .bind(expert_id)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

// ---------------------------------------------------------------- row mapping

fn text_col<T: std::str::FromStr<Err = tianping_domain::UnknownText>>(
    r: &AnyRow,
    col: &'static str,
) -> sqlx::Result<Option<T>> {
    let s: Option<String> = r.try_get(col)?;
    s.map(|t| {
        t.parse::<T>().map_err(|e| sqlx::Error::ColumnDecode {
            index: col.into(),
            source: Box::new(e),
        })
    })
    .transpose()
}

fn required<T>(v: Option<T>, col: &'static str) -> sqlx::Result<T> {
    v.ok_or_else(|| sqlx::Error::ColumnDecode {
        index: col.into(),
        source: "NULL in a NOT NULL column".into(),
    })
}

impl<'r> sqlx::FromRow<'r, AnyRow> for Proposal {
    fn from_row(r: &'r AnyRow) -> sqlx::Result<Self> {
        Ok(Proposal {
            id: r.try_get("id")?,
            assessment_id: r.try_get("assessment_id")?,
            indicator_id: r.try_get("indicator_id")?,
            value_json: r.try_get("value_json")?,
            source: required(text_col(r, "source")?, "source")?,
            note: r.try_get("note")?,
            held_json: r.try_get("held_json")?,
            held_source: text_col(r, "held_source")?,
            held_by: r.try_get("held_by")?,
            status: required(text_col(r, "status")?, "status")?,
            proposed_by: r.try_get("proposed_by")?,
            proposed_at: r.try_get("proposed_at")?,
            resolved_by: r.try_get("resolved_by")?,
            resolved_at: r.try_get("resolved_at")?,
            resolution_note: r.try_get("resolution_note")?,
        })
    }
}
