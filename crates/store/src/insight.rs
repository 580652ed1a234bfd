//! What the insight views read (DESIGN I-23): an enterprise's scored results of one scheme
//! over time, and the scored results of one scheme and mode across enterprises (the peer
//! groups and a body's clients are chosen from them by the app).
//!
//! A result is a stored result with at least one answer: an assessment is scored (empty)
//! when it is created, and that empty result is no point of a trend, no enterprise's latest
//! result among peers and no client's outcome.

use sqlx::FromRow;

use crate::repo::{scope_args, Assessment, Scope, ASSESSMENT_SCOPE};
use crate::{Result, Store};

/// The condition on an assessment `a` that it has at least one answer.
const ANSWERED: &str = "EXISTS (SELECT 1 FROM answers x WHERE x.assessment_id = a.id \
     AND x.value_json IS NOT NULL)";

/// An enterprise's scored assessments of a scheme visible in `scope`, oldest result first.
pub async fn history(
    s: &Store,
    scope: Scope,
    enterprise_id: i64,
    scheme: &str,
) -> Result<Vec<Assessment>> {
    let (k, id) = scope_args(scope);
    Ok(sqlx::query_as(&format!(
        "SELECT a.*, r.result_json FROM assessments a \
         JOIN assessment_results r ON r.assessment_id = a.id \
         WHERE {} AND a.enterprise_id = $3 AND a.scheme = $4 AND a.result_at IS NOT NULL AND {} \
         ORDER BY a.result_at, a.id",
        ASSESSMENT_SCOPE, ANSWERED
    ))
    .bind(k)
    .bind(id)
    .bind(enterprise_id)
    .bind(scheme)
    .fetch_all(&s.pool)
    .await?)
}

/// One scored result as the comparisons read it.
#[derive(Debug, Clone, FromRow)]
pub struct ScoredRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub org_id: Option<i64>,
    pub variant: Option<String>,
    pub industry_code: String,
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub stars: Option<i64>,
    pub result_at: String,
    pub result_json: String,
    /// `result_json` is from an earlier revision (migration 0019): rebuild before reading.
    pub explanation_stale: i64,
}

/// Every scored result of a scheme in a mode, with its enterprise's industry code, newest
/// first within each enterprise (the app keeps each enterprise's latest).
pub async fn scored(s: &Store, scheme: &str, mode: &str) -> Result<Vec<ScoredRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT a.id, a.enterprise_id, a.org_id, a.variant, e.industry_code, a.score, a.grade, \
         a.stars, a.result_at, r.result_json, a.explanation_stale FROM assessments a \
         JOIN enterprises e ON e.id = a.enterprise_id \
         JOIN assessment_results r ON r.assessment_id = a.id \
         WHERE a.scheme = $1 AND a.mode = $2 AND a.result_at IS NOT NULL AND {ANSWERED} \
         ORDER BY a.enterprise_id, a.result_at DESC, a.id DESC"
    ))
    .bind(scheme)
    .bind(mode)
    .fetch_all(&s.pool)
    .await?)
}

/// A body's scored assessments of a scheme, newest first within each enterprise (the app
/// keeps each client's latest).
pub async fn of_org(s: &Store, org_id: i64, scheme: &str) -> Result<Vec<Assessment>> {
    Ok(sqlx::query_as(&format!(
        "SELECT a.*, r.result_json FROM assessments a \
         JOIN assessment_results r ON r.assessment_id = a.id \
         WHERE a.org_id = $1 AND a.scheme = $2 AND a.result_at IS NOT NULL AND {ANSWERED} \
         ORDER BY a.enterprise_id, a.result_at DESC, a.id DESC"
    ))
    .bind(org_id)
    .bind(scheme)
    .fetch_all(&s.pool)
    .await?)
}
