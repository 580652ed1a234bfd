//! Repositories: typed rows and the queries the service needs, the same SQL on both
//! backends. Reads take the pool; writes take the caller's transaction so that a change and
//! its audit entry commit together.

pub use crate::WriteTx as Tx;
use crate::{Result, Store};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use tianping_domain::{AssessmentStatus, Mode, OrgKind, Role, Source};

/// Which rows a caller may see (object-level permissions, applied in SQL).
pub use tianping_domain::Scope;

// ---------------------------------------------------------------- orgs

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Org {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: OrgKind,
    pub name: String,
    pub created_at: String,
}

pub async fn create_org(tx: &mut Tx, kind: OrgKind, name: &str) -> Result<Org> {
    Ok(
        sqlx::query_as("INSERT INTO orgs (kind, name, created_at) VALUES ($1, $2, $3) RETURNING *")
            .bind(kind.as_str())
            .bind(name)
            .bind(tx.now().to_string())
            .fetch_one(tx.conn())
            .await?,
    )
}

pub async fn get_org(s: &Store, id: i64) -> Result<Option<Org>> {
    Ok(sqlx::query_as("SELECT * FROM orgs WHERE id = $1")
        .bind(id)
        .fetch_optional(&s.pool)
        .await?)
}

pub async fn list_orgs(s: &Store, kind: Option<OrgKind>) -> Result<Vec<Org>> {
    Ok(match kind {
        Some(k) => {
            sqlx::query_as("SELECT * FROM orgs WHERE kind = $1 ORDER BY id")
                .bind(k.as_str())
                .fetch_all(&s.pool)
                .await?
        }
        None => {
            sqlx::query_as("SELECT * FROM orgs ORDER BY id")
                .fetch_all(&s.pool)
                .await?
        }
    })
}

// ---------------------------------------------------------------- users

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    #[serde(skip)]
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub org_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub disabled: i64,
    pub created_at: String,
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub org_id: Option<i64>,
    pub enterprise_id: Option<i64>,
}

pub async fn create_user(tx: &mut Tx, u: &NewUser<'_>) -> Result<User> {
    Ok(sqlx::query_as(
        "INSERT INTO users (email, name, password_hash, role, org_id, enterprise_id, disabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7) RETURNING *",
    )
    .bind(u.email)
    .bind(u.name)
    .bind(u.password_hash)
    .bind(u.role.as_str())
    .bind(u.org_id)
    .bind(u.enterprise_id)
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?)
}

pub async fn user_by_email(s: &Store, email: &str) -> Result<Option<User>> {
    Ok(sqlx::query_as("SELECT * FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&s.pool)
        .await?)
}

pub async fn get_user(s: &Store, id: i64) -> Result<Option<User>> {
    Ok(sqlx::query_as("SELECT * FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&s.pool)
        .await?)
}

pub async fn users_of_org(s: &Store, org_id: i64) -> Result<Vec<User>> {
    Ok(
        sqlx::query_as("SELECT * FROM users WHERE org_id = $1 ORDER BY id")
            .bind(org_id)
            .fetch_all(&s.pool)
            .await?,
    )
}

pub async fn users_of_enterprise(s: &Store, enterprise_id: i64) -> Result<Vec<User>> {
    Ok(
        sqlx::query_as("SELECT * FROM users WHERE enterprise_id = $1 ORDER BY id")
            .bind(enterprise_id)
            .fetch_all(&s.pool)
            .await?,
    )
}

pub async fn set_user_enterprise(tx: &mut Tx, user_id: i64, enterprise_id: i64) -> Result<()> {
    sqlx::query("UPDATE users SET enterprise_id = $1 WHERE id = $2")
        .bind(enterprise_id)
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- sessions, tokens, throttling

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf: String,
    pub created_at: String,
    pub expires_at: String,
}

pub async fn create_session(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    expires_at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(tx.now().to_string())
    .bind(expires_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A live session and its user.
pub async fn session_user(
    s: &Store,
    token_hash: &str,
    now: &str,
) -> Result<Option<(Session, User)>> {
    let sess: Option<Session> =
        sqlx::query_as("SELECT * FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&s.pool)
            .await?;
    let Some(sess) = sess else { return Ok(None) };
    let user = get_user(s, sess.user_id).await?;
    Ok(user.filter(|u| u.disabled == 0).map(|u| (sess, u)))
}

/// Remove expired sessions and login failures older than `failures_before`.
pub async fn purge_expired(tx: &mut Tx, failures_before: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(tx.now().to_string())
        .execute(tx.conn())
        .await?;
    sqlx::query("DELETE FROM login_failures WHERE at <= $1")
        .bind(failures_before)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn delete_session(tx: &mut Tx, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn create_api_token(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    name: &str,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1,$2,$3,$4) RETURNING id",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(name)
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?;
    Ok(id)
}

pub async fn api_token_user(s: &Store, token_hash: &str) -> Result<Option<User>> {
    Ok(sqlx::query_as(
        "SELECT u.* FROM users u JOIN api_tokens t ON t.user_id = u.id \
         WHERE t.token_hash = $1 AND u.disabled = 0",
    )
    .bind(token_hash)
    .fetch_optional(&s.pool)
    .await?)
}

/// Record a failed sign-in for `email` (as typed, normalised) from `source` (the client's
/// network address as throttling keys it).
pub async fn record_login_failure(tx: &mut Tx, email: &str, source: &str) -> Result<()> {
    sqlx::query("INSERT INTO login_failures (email, source, at) VALUES ($1, $2, $3)")
        .bind(email)
        .bind(source)
        .bind(tx.now().to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// A failed sign-in as stored: the address tried and when.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LoginFailure {
    pub email: String,
    pub at: String,
}

/// Failed sign-ins from `source` after `since` (a stored timestamp), of any address, oldest
/// first.
pub async fn login_failures_from(
    s: &Store,
    source: &str,
    since: &str,
) -> Result<Vec<LoginFailure>> {
    Ok(sqlx::query_as(
        "SELECT email, at FROM login_failures WHERE source = $1 AND at > $2 ORDER BY at, id",
    )
    .bind(source)
    .bind(since)
    .fetch_all(&s.pool)
    .await?)
}

/// Forget the failed sign-ins of `email` from `source` (after a successful sign-in there).
pub async fn clear_login_failures(tx: &mut Tx, email: &str, source: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1 AND source = $2")
        .bind(email)
        .bind(source)
        .execute(tx.conn())
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- invitations

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Invitation {
    pub id: i64,
    #[serde(skip)]
    pub token_hash: String,
    pub org_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub email: String,
    pub name: String,
    pub invited_by: i64,
    pub created_at: String,
    pub expires_at: String,
    pub used_at: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
pub async fn create_invitation(
    tx: &mut Tx,
    token_hash: &str,
    org_id: Option<i64>,
    role: Role,
    email: &str,
    name: &str,
    invited_by: i64,
    expires_at: &str,
) -> Result<Invitation> {
    Ok(sqlx::query_as(
        "INSERT INTO invitations (token_hash, org_id, role, email, name, invited_by, created_at, expires_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *",
    )
    .bind(token_hash)
    .bind(org_id)
    .bind(role.as_str())
    .bind(email)
    .bind(name)
    .bind(invited_by)
    .bind(tx.now().to_string())
    .bind(expires_at)
    .fetch_one(tx.conn())
    .await?)
}

pub async fn open_invitation(s: &Store, token_hash: &str, now: &str) -> Result<Option<Invitation>> {
    Ok(sqlx::query_as(
        "SELECT * FROM invitations WHERE token_hash = $1 AND used_at IS NULL \
         AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&s.pool)
    .await?)
}

pub async fn invitations_of_org(s: &Store, org_id: i64) -> Result<Vec<Invitation>> {
    Ok(
        sqlx::query_as("SELECT * FROM invitations WHERE org_id = $1 ORDER BY id DESC")
            .bind(org_id)
            .fetch_all(&s.pool)
            .await?,
    )
}

pub async fn use_invitation(tx: &mut Tx, id: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(tx.now().to_string())
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(r.rows_affected() == 1)
}

// ---------------------------------------------------------------- enterprises

#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct Enterprise {
    pub id: i64,
    pub uscc: String,
    pub name: String,
    pub registered_address: String,
    pub operating_address: String,
    pub legal_representative: String,
    pub industry_code: String,
    pub headcount: i64,
    pub enterprise_type: Option<String>,
    pub category: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// The editable fields of an enterprise (checked by the domain).
pub use tianping_domain::enterprise::EnterpriseFields;

pub async fn create_enterprise(tx: &mut Tx, f: &EnterpriseFields) -> Result<Enterprise> {
    let t = tx.now().to_string();
    Ok(sqlx::query_as(
        "INSERT INTO enterprises (uscc, name, registered_address, operating_address, legal_representative, \
         industry_code, headcount, enterprise_type, category, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING *",
    )
    .bind(&f.uscc)
    .bind(&f.name)
    .bind(&f.registered_address)
    .bind(&f.operating_address)
    .bind(&f.legal_representative)
    .bind(&f.industry_code)
    .bind(f.headcount)
    .bind(&f.enterprise_type)
    .bind(&f.category)
    .bind(&t)
    .bind(&t)
    .fetch_one(tx.conn())
    .await?)
}

pub async fn update_enterprise(tx: &mut Tx, id: i64, f: &EnterpriseFields) -> Result<Enterprise> {
    Ok(sqlx::query_as(
        "UPDATE enterprises SET uscc=$1, name=$2, registered_address=$3, operating_address=$4, \
         legal_representative=$5, industry_code=$6, headcount=$7, enterprise_type=$8, category=$9, \
         updated_at=$10 WHERE id=$11 RETURNING *",
    )
    .bind(&f.uscc)
    .bind(&f.name)
    .bind(&f.registered_address)
    .bind(&f.operating_address)
    .bind(&f.legal_representative)
    .bind(&f.industry_code)
    .bind(f.headcount)
    .bind(&f.enterprise_type)
    .bind(&f.category)
    .bind(tx.now().to_string())
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

pub async fn get_enterprise(s: &Store, id: i64) -> Result<Option<Enterprise>> {
    Ok(sqlx::query_as("SELECT * FROM enterprises WHERE id = $1")
        .bind(id)
        .fetch_optional(&s.pool)
        .await?)
}

pub async fn enterprise_by_uscc(s: &Store, uscc: &str) -> Result<Option<Enterprise>> {
    Ok(sqlx::query_as("SELECT * FROM enterprises WHERE uscc = $1")
        .bind(uscc)
        .fetch_optional(&s.pool)
        .await?)
}

const ENTERPRISE_SCOPE: &str = "(($1 = 'all') OR ($1 = 'enterprise' AND e.id = $2) \
     OR ($1 = 'org' AND EXISTS (SELECT 1 FROM engagements g WHERE g.enterprise_id = e.id AND g.org_id = $2)))";

pub(crate) fn scope_args(scope: Scope) -> (&'static str, i64) {
    match scope {
        Scope::All => ("all", 0),
        Scope::Enterprise(id) => ("enterprise", id),
        Scope::Org(id) => ("org", id),
        Scope::Expert(id) => ("expert", id),
        Scope::None => ("none", 0),
    }
}

/// Enterprises visible in `scope`, by id, with the total count.
pub async fn list_enterprises(
    s: &Store,
    scope: Scope,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Enterprise>, i64)> {
    let (k, id) = scope_args(scope);
    let rows = sqlx::query_as(&format!(
        "SELECT e.* FROM enterprises e WHERE {} ORDER BY e.id LIMIT $3 OFFSET $4",
        ENTERPRISE_SCOPE
    ))
    .bind(k)
    .bind(id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&s.pool)
    .await?;
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM enterprises e WHERE {}",
        ENTERPRISE_SCOPE
    ))
    .bind(k)
    .bind(id)
    .fetch_one(&s.pool)
    .await?;
    Ok((rows, n))
}

pub async fn enterprise_visible(s: &Store, scope: Scope, id: i64) -> Result<Option<Enterprise>> {
    let (k, sid) = scope_args(scope);
    Ok(sqlx::query_as(&format!(
        "SELECT e.* FROM enterprises e WHERE e.id = $3 AND {}",
        ENTERPRISE_SCOPE
    ))
    .bind(k)
    .bind(sid)
    .bind(id)
    .fetch_optional(&s.pool)
    .await?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct Site {
    pub id: i64,
    pub enterprise_id: i64,
    pub name: String,
    pub address: String,
    pub headcount: i64,
}

pub async fn sites(s: &Store, enterprise_id: i64) -> Result<Vec<Site>> {
    Ok(
        sqlx::query_as("SELECT * FROM sites WHERE enterprise_id = $1 ORDER BY id")
            .bind(enterprise_id)
            .fetch_all(&s.pool)
            .await?,
    )
}

pub async fn add_site(
    tx: &mut Tx,
    enterprise_id: i64,
    name: &str,
    address: &str,
    headcount: i64,
) -> Result<Site> {
    Ok(sqlx::query_as(
        "INSERT INTO sites (enterprise_id, name, address, headcount) VALUES ($1,$2,$3,$4) RETURNING *",
    )
    .bind(enterprise_id)
    .bind(name)
    .bind(address)
    .bind(headcount)
    .fetch_one(tx.conn())
    .await?)
}

pub async fn delete_site(tx: &mut Tx, enterprise_id: i64, site_id: i64) -> Result<Option<Site>> {
    Ok(
        sqlx::query_as("DELETE FROM sites WHERE id = $1 AND enterprise_id = $2 RETURNING *")
            .bind(site_id)
            .bind(enterprise_id)
            .fetch_optional(tx.conn())
            .await?,
    )
}

pub async fn engage(tx: &mut Tx, org_id: i64, enterprise_id: i64) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO engagements (org_id, enterprise_id, created_at) VALUES ($1,$2,$3) \
         ON CONFLICT (org_id, enterprise_id) DO NOTHING",
    )
    .bind(org_id)
    .bind(enterprise_id)
    .bind(tx.now().to_string())
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn engaged_orgs(s: &Store, enterprise_id: i64) -> Result<Vec<Org>> {
    Ok(sqlx::query_as(
        "SELECT o.* FROM orgs o JOIN engagements g ON g.org_id = o.id WHERE g.enterprise_id = $1 ORDER BY o.id",
    )
    .bind(enterprise_id)
    .fetch_all(&s.pool)
    .await?)
}

pub async fn is_engaged(s: &Store, org_id: i64, enterprise_id: i64) -> Result<bool> {
    let r: Option<(i64,)> =
        sqlx::query_as("SELECT org_id FROM engagements WHERE org_id = $1 AND enterprise_id = $2")
            .bind(org_id)
            .bind(enterprise_id)
            .fetch_optional(&s.pool)
            .await?;
    Ok(r.is_some())
}

// ---------------------------------------------------------------- assessments

#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct Assessment {
    pub id: i64,
    pub enterprise_id: i64,
    pub org_id: Option<i64>,
    pub scheme: String,
    pub variant: Option<String>,
    pub profile_name: Option<String>,
    #[serde(skip)]
    pub profile_text: Option<String>,
    pub profile_hash: Option<String>,
    #[sqlx(try_from = "String")]
    pub mode: Mode,
    pub title: String,
    pub current_stars: i64,
    pub first_application: i64,
    #[sqlx(try_from = "String")]
    pub status: AssessmentStatus,
    pub revision: i64,
    pub created_by: i64,
    pub created_at: String,
    pub updated_at: String,
    pub submitted_at: Option<String>,
    pub submitted_by: Option<i64>,
    pub scheme_version: Option<String>,
    pub engine_version: Option<String>,
    /// The stored result's text (table `assessment_results`, migration 0021; read only by
    /// the queries that join it).
    #[serde(skip)]
    #[sqlx(default)]
    pub result_json: Option<String>,
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub stars: Option<i64>,
    pub result_at: Option<String>,
    /// 1 when `result_json` is from an earlier revision: a save stored the figures and left
    /// the explanation to be rebuilt when next read (migration 0019). Never shown as it is.
    #[serde(skip)]
    #[sqlx(default)]
    pub explanation_stale: i64,
    /// Bumped by every write of `result_json` (migration 0020): `(id, result_seq)` names one
    /// stored text, so a copy kept in memory is checked against the row.
    #[serde(skip)]
    #[sqlx(default)]
    pub result_seq: i64,
}

pub struct NewAssessment<'a> {
    pub enterprise_id: i64,
    pub org_id: Option<i64>,
    pub scheme: &'a str,
    pub variant: Option<&'a str>,
    pub profile_name: Option<&'a str>,
    pub profile_text: Option<&'a str>,
    pub profile_hash: Option<&'a str>,
    pub mode: Mode,
    pub title: &'a str,
    pub current_stars: i64,
    pub first_application: bool,
    pub created_by: i64,
}

pub async fn create_assessment(tx: &mut Tx, a: &NewAssessment<'_>) -> Result<Assessment> {
    let t = tx.now().to_string();
    Ok(sqlx::query_as(
        "INSERT INTO assessments (enterprise_id, org_id, scheme, variant, profile_name, profile_text, \
         profile_hash, mode, title, current_stars, first_application, status, revision, created_by, \
         created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$15,0,$12,$13,$14) RETURNING *",
    )
    .bind(a.enterprise_id)
    .bind(a.org_id)
    .bind(a.scheme)
    .bind(a.variant)
    .bind(a.profile_name)
    .bind(a.profile_text)
    .bind(a.profile_hash)
    .bind(a.mode.as_str())
    .bind(a.title)
    .bind(a.current_stars)
    .bind(a.first_application as i64)
    .bind(a.created_by)
    .bind(&t)
    .bind(&t)
    .bind(AssessmentStatus::Draft.as_str())
    .fetch_one(tx.conn())
    .await?)
}

/// An assessment with its stored result.
pub async fn get_assessment(s: &Store, id: i64) -> Result<Option<Assessment>> {
    Ok(sqlx::query_as(&format!(
        "SELECT a.*, r.result_json FROM assessments a {WITH_RESULT} WHERE a.id = $1"
    ))
    .bind(id)
    .fetch_optional(&s.pool)
    .await?)
}

/// Re-read an assessment inside a write transaction (to check its status under the lock).
pub async fn get_assessment_tx(tx: &mut Tx, id: i64) -> Result<Option<Assessment>> {
    Ok(sqlx::query_as(&format!(
        "SELECT a.*, r.result_json FROM assessments a {WITH_RESULT} WHERE a.id = $1"
    ))
    .bind(id)
    .fetch_optional(tx.conn())
    .await?)
}

/// The join that brings an assessment `a` its stored result's text as `r.result_json`.
const WITH_RESULT: &str = "LEFT JOIN assessment_results r ON r.assessment_id = a.id";

/// Store the text of assessment `id`'s result (a new one, or in place of the last).
pub(crate) async fn put_result_text(tx: &mut Tx, id: i64, text: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO assessment_results (assessment_id, result_json) VALUES ($1, $2) \
         ON CONFLICT (assessment_id) DO UPDATE SET result_json = excluded.result_json",
    )
    .bind(id)
    .bind(text)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Every column of an assessment (its stored result is `None`): what a save and a check of
/// access need, without the stored text that grows with the scheme (2 MB at 5,900 items).
const ASSESSMENT_HEAD: &str = "a.id, a.enterprise_id, a.org_id, a.scheme, a.variant, \
     a.profile_name, a.profile_text, a.profile_hash, a.mode, a.title, a.current_stars, \
     a.first_application, a.status, a.revision, a.created_by, a.created_at, a.updated_at, \
     a.submitted_at, a.submitted_by, a.scheme_version, a.engine_version, \
     CAST(NULL AS TEXT) AS result_json, a.score, a.grade, a.stars, a.result_at, \
     a.explanation_stale, a.result_seq";

/// [`get_assessment_tx`] without the stored result (`result_json` is `None`).
pub async fn get_assessment_head_tx(tx: &mut Tx, id: i64) -> Result<Option<Assessment>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ASSESSMENT_HEAD} FROM assessments a WHERE a.id = $1"
    ))
    .bind(id)
    .fetch_optional(tx.conn())
    .await?)
}

/// [`assessment_visible`] without the stored result (`result_json` is `None`).
pub async fn assessment_head_visible(
    s: &Store,
    scope: Scope,
    id: i64,
) -> Result<Option<Assessment>> {
    let (k, sid) = scope_args(scope);
    Ok(sqlx::query_as(&format!(
        "SELECT {ASSESSMENT_HEAD} FROM assessments a WHERE a.id = $3 AND {ASSESSMENT_SCOPE}"
    ))
    .bind(k)
    .bind(sid)
    .bind(id)
    .fetch_optional(&s.pool)
    .await?)
}

pub(crate) const ASSESSMENT_SCOPE: &str = "(($1 = 'all') OR ($1 = 'enterprise' AND a.enterprise_id = $2) \
     OR ($1 = 'org' AND (a.org_id = $2 OR (a.org_id IS NULL AND EXISTS \
        (SELECT 1 FROM engagements g WHERE g.enterprise_id = a.enterprise_id AND g.org_id = $2)))) \
     OR ($1 = 'expert' AND EXISTS (SELECT 1 FROM assignments s WHERE s.assessment_id = a.id AND s.expert_id = $2)))";

/// Assessments visible in `scope`, newest first, optionally of one enterprise.
pub async fn list_assessments(
    s: &Store,
    scope: Scope,
    enterprise_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Assessment>, i64)> {
    let (k, id) = scope_args(scope);
    let filter = "($3 = 0 OR a.enterprise_id = $3)";
    let rows = sqlx::query_as(&format!(
        "SELECT a.*, r.result_json FROM assessments a {} WHERE {} AND {} \
         ORDER BY a.id DESC LIMIT $4 OFFSET $5",
        WITH_RESULT, ASSESSMENT_SCOPE, filter
    ))
    .bind(k)
    .bind(id)
    .bind(enterprise_id.unwrap_or(0))
    .bind(limit)
    .bind(offset)
    .fetch_all(&s.pool)
    .await?;
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM assessments a WHERE {} AND {}",
        ASSESSMENT_SCOPE, filter
    ))
    .bind(k)
    .bind(id)
    .bind(enterprise_id.unwrap_or(0))
    .fetch_one(&s.pool)
    .await?;
    Ok((rows, n))
}

pub async fn assessment_visible(s: &Store, scope: Scope, id: i64) -> Result<Option<Assessment>> {
    let (k, sid) = scope_args(scope);
    Ok(sqlx::query_as(&format!(
        "SELECT a.*, r.result_json FROM assessments a {} WHERE a.id = $3 AND {}",
        WITH_RESULT, ASSESSMENT_SCOPE
    ))
    .bind(k)
    .bind(sid)
    .bind(id)
    .fetch_optional(&s.pool)
    .await?)
}

/// Every assessment id (for rescoring).
pub async fn all_assessment_ids(s: &Store) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT id FROM assessments ORDER BY id")
        .fetch_all(&s.pool)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The stored result of an assessment.
pub struct StoredResult<'a> {
    pub scheme_version: &'a str,
    pub engine_version: &'a str,
    pub result_json: &'a str,
    pub score: Option<f64>,
    pub grade: Option<&'a str>,
    pub stars: Option<i64>,
    /// The answers the result was scored from, packed (written beside the result).
    pub pack: Option<crate::packs::Pack<'a>>,
}

/// Bump the revision and store the result; returns the new revision.
pub async fn store_result(tx: &mut Tx, id: i64, r: &StoredResult<'_>, bump: bool) -> Result<i64> {
    let t = tx.now().to_string();
    let (rev,): (i64,) = sqlx::query_as(
        "UPDATE assessments SET revision = revision + $1, updated_at = $2, scheme_version = $3, \
         engine_version = $4, score = $5, grade = $6, stars = $7, result_at = $8, \
         explanation_stale = 0, result_seq = result_seq + 1 WHERE id = $9 RETURNING revision",
    )
    .bind(bump as i64)
    .bind(&t)
    .bind(r.scheme_version)
    .bind(r.engine_version)
    .bind(r.score)
    .bind(r.grade)
    .bind(r.stars)
    .bind(&t)
    .bind(id)
    .fetch_one(tx.conn())
    .await?;
    put_result_text(tx, id, r.result_json).await?;
    if let Some(p) = &r.pack {
        crate::packs::put(tx, id, p).await?;
    }
    Ok(rev)
}

/// The figures of a save scored by the fast path, with its pack: the stored explanation is
/// marked stale, to be rebuilt by [`store_explanation`] when next read.
pub async fn store_figures(tx: &mut Tx, id: i64, r: &StoredFigures<'_>) -> Result<()> {
    let t = tx.now().to_string();
    sqlx::query(
        "UPDATE assessments SET scheme_version = $1, engine_version = $2, score = $3, \
         grade = $4, stars = $5, result_at = $6, explanation_stale = 1 WHERE id = $7",
    )
    .bind(r.scheme_version)
    .bind(r.engine_version)
    .bind(r.score)
    .bind(r.grade)
    .bind(r.stars)
    .bind(&t)
    .bind(id)
    .execute(tx.conn())
    .await?;
    crate::packs::put(tx, id, &r.pack).await?;
    Ok(())
}

/// What [`store_figures`] writes: a result without its explanation.
pub struct StoredFigures<'a> {
    pub scheme_version: &'a str,
    pub engine_version: &'a str,
    pub score: Option<f64>,
    pub grade: Option<&'a str>,
    pub stars: Option<i64>,
    pub pack: crate::packs::Pack<'a>,
}

/// Store a rebuilt explanation of revision `revision` with the figures of the same
/// evaluation, unless a later save came first (then nothing is written and the next reader
/// rebuilds it). The pack stays: it was written with the answers. The stored text's
/// `result_seq`, or `None` when nothing was written.
pub async fn store_explanation(
    tx: &mut Tx,
    id: i64,
    revision: i64,
    r: &StoredResult<'_>,
) -> Result<Option<i64>> {
    let done: Option<(i64,)> = sqlx::query_as(
        "UPDATE assessments SET score = $1, grade = $2, stars = $3, \
         explanation_stale = 0, result_seq = result_seq + 1 \
         WHERE id = $4 AND revision = $5 AND explanation_stale = 1 RETURNING result_seq",
    )
    .bind(r.score)
    .bind(r.grade)
    .bind(r.stars)
    .bind(id)
    .bind(revision)
    .fetch_optional(tx.conn())
    .await?;
    if done.is_some() {
        put_result_text(tx, id, r.result_json).await?;
    }
    Ok(done.map(|(s,)| s))
}

/// Replace a result re-derived from unchanged answers (a rescore under a new scheme or engine
/// version): the figures change, but not when the answers were scored (`result_at`) nor when
/// the assessment was last edited, so results over time keep their dates.
pub async fn replace_result(tx: &mut Tx, id: i64, r: &StoredResult<'_>) -> Result<()> {
    sqlx::query(
        "UPDATE assessments SET scheme_version = $1, engine_version = $2, \
         score = $3, grade = $4, stars = $5, result_seq = result_seq + 1 WHERE id = $6",
    )
    .bind(r.scheme_version)
    .bind(r.engine_version)
    .bind(r.score)
    .bind(r.grade)
    .bind(r.stars)
    .bind(id)
    .execute(tx.conn())
    .await?;
    put_result_text(tx, id, r.result_json).await?;
    if let Some(p) = &r.pack {
        crate::packs::put(tx, id, p).await?;
    }
    Ok(())
}

/// Bump the revision without touching the result; returns the new revision.
pub async fn bump_revision(tx: &mut Tx, id: i64) -> Result<i64> {
    let (rev,): (i64,) = sqlx::query_as(
        "UPDATE assessments SET revision = revision + 1, updated_at = $1 WHERE id = $2 RETURNING revision",
    )
    .bind(tx.now().to_string())
    .bind(id)
    .fetch_one(tx.conn())
    .await?;
    Ok(rev)
}

// ---------------------------------------------------------------- answers

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnswerRow {
    pub assessment_id: i64,
    pub indicator_id: String,
    pub value_json: Option<String>,
    pub note: String,
    pub source: Option<Source>,
    pub revision: i64,
    pub updated_by: i64,
    pub updated_at: String,
}

pub async fn answers(s: &Store, assessment_id: i64) -> Result<Vec<AnswerRow>> {
    Ok(
        sqlx::query_as("SELECT * FROM answers WHERE assessment_id = $1 ORDER BY indicator_id")
            .bind(assessment_id)
            .fetch_all(&s.pool)
            .await?,
    )
}

pub async fn answers_tx(tx: &mut Tx, assessment_id: i64) -> Result<Vec<AnswerRow>> {
    Ok(
        sqlx::query_as("SELECT * FROM answers WHERE assessment_id = $1 ORDER BY indicator_id")
            .bind(assessment_id)
            .fetch_all(tx.conn())
            .await?,
    )
}

pub async fn answer_tx(
    tx: &mut Tx,
    assessment_id: i64,
    indicator: &str,
) -> Result<Option<AnswerRow>> {
    Ok(
        sqlx::query_as("SELECT * FROM answers WHERE assessment_id = $1 AND indicator_id = $2")
            .bind(assessment_id)
            .bind(indicator)
            .fetch_optional(tx.conn())
            .await?,
    )
}

pub struct AnswerWrite<'a> {
    pub assessment_id: i64,
    pub indicator_id: &'a str,
    pub value_json: Option<&'a str>,
    pub note: &'a str,
    pub source: Option<Source>,
    pub revision: i64,
    pub by: i64,
    /// Set when the change is one expert's own score.
    pub expert_id: Option<i64>,
}

/// Upsert the current answer and keep the change as a version.
pub async fn put_answer(tx: &mut Tx, w: &AnswerWrite<'_>) -> Result<()> {
    let t = tx.now().to_string();
    sqlx::query(
        "INSERT INTO answers (assessment_id, indicator_id, value_json, note, source, revision, updated_by, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (assessment_id, indicator_id) DO UPDATE SET \
         value_json = excluded.value_json, note = excluded.note, source = excluded.source, \
         revision = excluded.revision, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(w.assessment_id)
    .bind(w.indicator_id)
    .bind(w.value_json)
    .bind(w.note)
    .bind(w.source.map(|s| s.as_str()))
    .bind(w.revision)
    .bind(w.by)
    .bind(&t)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO answer_versions (assessment_id, indicator_id, revision, value_json, note, source, \
         expert_id, changed_by, changed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
    )
    .bind(w.assessment_id)
    .bind(w.indicator_id)
    .bind(w.revision)
    .bind(w.value_json)
    .bind(w.note)
    .bind(w.source.map(|s| s.as_str()))
    .bind(w.expert_id)
    .bind(w.by)
    .bind(&t)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnswerVersion {
    pub id: i64,
    pub assessment_id: i64,
    pub indicator_id: String,
    pub revision: i64,
    pub value_json: Option<String>,
    pub note: String,
    pub source: Option<Source>,
    pub expert_id: Option<i64>,
    pub changed_by: i64,
    pub changed_at: String,
}

pub async fn answer_versions(
    s: &Store,
    assessment_id: i64,
    indicator: Option<&str>,
) -> Result<Vec<AnswerVersion>> {
    Ok(sqlx::query_as(
        "SELECT * FROM answer_versions WHERE assessment_id = $1 AND ($2 = '' OR indicator_id = $2) ORDER BY id DESC",
    )
    .bind(assessment_id)
    .bind(indicator.unwrap_or(""))
    .fetch_all(&s.pool)
    .await?)
}

// ---------------------------------------------------------------- experts

#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct Assignment {
    pub assessment_id: i64,
    pub indicator_id: String,
    pub expert_id: i64,
    pub assigned_by: i64,
    pub assigned_at: String,
}

pub async fn assign(
    tx: &mut Tx,
    assessment_id: i64,
    indicator: &str,
    expert_id: i64,
    by: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO assignments (assessment_id, indicator_id, expert_id, assigned_by, assigned_at) \
         VALUES ($1,$2,$3,$4,$5) ON CONFLICT (assessment_id, indicator_id, expert_id) DO NOTHING",
    )
    .bind(assessment_id)
    .bind(indicator)
    .bind(expert_id)
    .bind(by)
    .bind(tx.now().to_string())
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn unassign(
    tx: &mut Tx,
    assessment_id: i64,
    indicator: &str,
    expert_id: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "DELETE FROM assignments WHERE assessment_id = $1 AND indicator_id = $2 AND expert_id = $3",
    )
    .bind(assessment_id)
    .bind(indicator)
    .bind(expert_id)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn assignments(s: &Store, assessment_id: i64) -> Result<Vec<Assignment>> {
    Ok(sqlx::query_as(
        "SELECT * FROM assignments WHERE assessment_id = $1 ORDER BY indicator_id, expert_id",
    )
    .bind(assessment_id)
    .fetch_all(&s.pool)
    .await?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct ExpertScore {
    pub assessment_id: i64,
    pub indicator_id: String,
    pub expert_id: i64,
    pub value: f64,
    pub note: String,
    pub updated_at: String,
}

pub async fn put_expert_score(
    tx: &mut Tx,
    assessment_id: i64,
    indicator: &str,
    expert_id: i64,
    value: f64,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO expert_scores (assessment_id, indicator_id, expert_id, value, note, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (assessment_id, indicator_id, expert_id) DO UPDATE SET \
         value = excluded.value, note = excluded.note, updated_at = excluded.updated_at",
    )
    .bind(assessment_id)
    .bind(indicator)
    .bind(expert_id)
    .bind(value)
    .bind(note)
    .bind(tx.now().to_string())
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn expert_scores_tx(
    tx: &mut Tx,
    assessment_id: i64,
    indicator: &str,
) -> Result<Vec<ExpertScore>> {
    Ok(sqlx::query_as(
        "SELECT * FROM expert_scores WHERE assessment_id = $1 AND indicator_id = $2 ORDER BY expert_id",
    )
    .bind(assessment_id)
    .bind(indicator)
    .fetch_all(tx.conn())
    .await?)
}

pub async fn expert_scores(s: &Store, assessment_id: i64) -> Result<Vec<ExpertScore>> {
    Ok(sqlx::query_as(
        "SELECT * FROM expert_scores WHERE assessment_id = $1 ORDER BY indicator_id, expert_id",
    )
    .bind(assessment_id)
    .fetch_all(&s.pool)
    .await?)
}

// ---------------------------------------------------------------- evidence

#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct Evidence {
    pub id: i64,
    pub assessment_id: i64,
    pub indicator_id: String,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: i64,
    pub uploaded_at: String,
}

/// Store the bytes once per content hash and attach them to an item.
#[allow(clippy::too_many_arguments)]
pub async fn add_evidence(
    tx: &mut Tx,
    assessment_id: i64,
    indicator: &str,
    sha256: &str,
    data: &[u8],
    file_name: &str,
    content_type: &str,
    by: i64,
) -> Result<Evidence> {
    sqlx::query(
        "INSERT INTO blobs (sha256, size, data) VALUES ($1,$2,$3) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(data.len() as i64)
    .bind(data.to_vec())
    .execute(tx.conn())
    .await?;
    Ok(sqlx::query_as(
        "INSERT INTO evidence (assessment_id, indicator_id, sha256, file_name, content_type, size, uploaded_by, uploaded_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *",
    )
    .bind(assessment_id)
    .bind(indicator)
    .bind(sha256)
    .bind(file_name)
    .bind(content_type)
    .bind(data.len() as i64)
    .bind(by)
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?)
}

pub async fn evidence_of(s: &Store, assessment_id: i64) -> Result<Vec<Evidence>> {
    Ok(
        sqlx::query_as("SELECT * FROM evidence WHERE assessment_id = $1 ORDER BY id")
            .bind(assessment_id)
            .fetch_all(&s.pool)
            .await?,
    )
}

pub async fn get_evidence(s: &Store, id: i64) -> Result<Option<Evidence>> {
    Ok(sqlx::query_as("SELECT * FROM evidence WHERE id = $1")
        .bind(id)
        .fetch_optional(&s.pool)
        .await?)
}

pub async fn blob(s: &Store, sha256: &str) -> Result<Option<Vec<u8>>> {
    let r: Option<(Vec<u8>,)> = sqlx::query_as("SELECT data FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&s.pool)
        .await?;
    Ok(r.map(|x| x.0))
}

// ---------------------------------------------------------------- row mapping of answers

fn source_col(r: &AnyRow) -> sqlx::Result<Option<Source>> {
    let s: Option<String> = r.try_get("source")?;
    s.map(|t| {
        t.parse::<Source>().map_err(|e| sqlx::Error::ColumnDecode {
            index: "source".into(),
            source: Box::new(e),
        })
    })
    .transpose()
}

impl<'r> sqlx::FromRow<'r, AnyRow> for AnswerRow {
    fn from_row(r: &'r AnyRow) -> sqlx::Result<Self> {
        Ok(AnswerRow {
            assessment_id: r.try_get("assessment_id")?,
            indicator_id: r.try_get("indicator_id")?,
            value_json: r.try_get("value_json")?,
            note: r.try_get("note")?,
            source: source_col(r)?,
            revision: r.try_get("revision")?,
            updated_by: r.try_get("updated_by")?,
            updated_at: r.try_get("updated_at")?,
        })
    }
}

impl<'r> sqlx::FromRow<'r, AnyRow> for AnswerVersion {
    fn from_row(r: &'r AnyRow) -> sqlx::Result<Self> {
        Ok(AnswerVersion {
            id: r.try_get("id")?,
            assessment_id: r.try_get("assessment_id")?,
            indicator_id: r.try_get("indicator_id")?,
            revision: r.try_get("revision")?,
            value_json: r.try_get("value_json")?,
            note: r.try_get("note")?,
            source: source_col(r)?,
            expert_id: r.try_get("expert_id")?,
            changed_by: r.try_get("changed_by")?,
            changed_at: r.try_get("changed_at")?,
        })
    }
}

impl User {
    /// The person acting, as the domain's permission rules take them.
    pub fn principal(&self) -> tianping_domain::Principal {
        tianping_domain::Principal {
            user_id: self.id,
            role: self.role,
            org_id: self.org_id,
            enterprise_id: self.enterprise_id,
        }
    }
}

/// How many accounts exist.
pub async fn count_users(s: &Store) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&s.pool)
        .await?;
    Ok(n)
}

/// The display names of these accounts, in one query (ids that do not exist are left out).
pub async fn user_names(s: &Store, ids: &[i64]) -> Result<std::collections::BTreeMap<i64, String>> {
    let mut ids: Vec<i64> = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${}", i)).collect();
    let sql = format!(
        "SELECT id, name FROM users WHERE id IN ({})",
        marks.join(", ")
    );
    let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
    for id in &ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&s.pool).await?.into_iter().collect())
}
