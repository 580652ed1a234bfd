//! Cases as event logs (migration 0009, DESIGN I-16): the case rows with a cache of their
//! fold, the append-only events, the case's files, the checklist assessment of each audit
//! and the certificate numbers.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::repo::Tx;
use crate::{Result, Store};

/// A case with its enterprise's and body's names (for lists and pages).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseRow {
    pub id: i64,
    pub kind: String,
    pub org_id: i64,
    pub org_name: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub header_json: String,
    /// Cached fold (rebuilt after every append).
    pub state: String,
    pub certificate_number: Option<String>,
    pub valid_until: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: String,
}

impl<'r> sqlx::FromRow<'r, AnyRow> for CaseRow {
    fn from_row(r: &'r AnyRow) -> sqlx::Result<Self> {
        Ok(CaseRow {
            id: r.try_get("id")?,
            kind: r.try_get("kind")?,
            org_id: r.try_get("org_id")?,
            org_name: r.try_get("org_name")?,
            enterprise_id: r.try_get("enterprise_id")?,
            enterprise_name: r.try_get("enterprise_name")?,
            header_json: r.try_get("header_json")?,
            state: r.try_get("state")?,
            certificate_number: r.try_get("certificate_number")?,
            valid_until: r.try_get("valid_until")?,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
        })
    }
}

const SELECT: &str = "SELECT c.id, c.kind, c.org_id, o.name AS org_name, c.enterprise_id, \
    e.name AS enterprise_name, c.header_json, c.state, c.certificate_number, c.valid_until, \
    c.created_by, c.created_at FROM cases c JOIN orgs o ON o.id = c.org_id \
    JOIN enterprises e ON e.id = c.enterprise_id";

/// One stored event: its number in the case, its JSON line, who entered it and when.
#[derive(Debug, Clone, Serialize, PartialEq, sqlx::FromRow)]
pub struct EventRow {
    pub seq: i64,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub date: String,
    pub data_json: String,
    pub entered_by: Option<i64>,
    pub entered_at: String,
}

pub async fn create(
    tx: &mut Tx,
    kind: &str,
    org_id: i64,
    enterprise_id: i64,
    header_json: &str,
    by: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO cases (kind, org_id, enterprise_id, header_json, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
    )
    .bind(kind)
    .bind(org_id)
    .bind(enterprise_id)
    .bind(header_json)
    .bind(by)
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?;
    Ok(id)
}

pub async fn get(s: &Store, id: i64) -> Result<Option<CaseRow>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&s.pool)
        .await?)
}

/// The case, locked for the rest of the transaction so that appends are serialised (a row
/// lock on PostgreSQL; SQLite has one writer anyway).
pub async fn lock(tx: &mut Tx, id: i64) -> Result<Option<CaseRow>> {
    sqlx::query("UPDATE cases SET state = state WHERE id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(sqlx::query_as(&format!("{SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// Cases of a body (`org`), of an enterprise, or every case (`None`, `None`), newest first.
pub async fn list(s: &Store, org: Option<i64>, enterprise: Option<i64>) -> Result<Vec<CaseRow>> {
    let (cond, binds): (&str, Vec<i64>) = match (org, enterprise) {
        (Some(o), Some(e)) => ("WHERE c.org_id = $1 AND c.enterprise_id = $2", vec![o, e]),
        (Some(o), None) => ("WHERE c.org_id = $1", vec![o]),
        (None, Some(e)) => ("WHERE c.enterprise_id = $1", vec![e]),
        (None, None) => ("", Vec::new()),
    };
    let sql = format!("{SELECT} {cond} ORDER BY c.id DESC");
    let mut q = sqlx::query_as(&sql);
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_all(&s.pool).await?)
}

pub async fn events(s: &Store, case_id: i64) -> Result<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "SELECT seq, type, date, data_json, entered_by, entered_at FROM case_events \
         WHERE case_id = $1 ORDER BY seq",
    )
    .bind(case_id)
    .fetch_all(&s.pool)
    .await?)
}

pub async fn events_tx(tx: &mut Tx, case_id: i64) -> Result<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "SELECT seq, type, date, data_json, entered_by, entered_at FROM case_events \
         WHERE case_id = $1 ORDER BY seq",
    )
    .bind(case_id)
    .fetch_all(tx.conn())
    .await?)
}

/// Append an event as number `seq` (the number of events before it).
pub async fn append(
    tx: &mut Tx,
    case_id: i64,
    seq: i64,
    kind: &str,
    date: &str,
    data_json: &str,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_events (case_id, seq, type, date, data_json, entered_by, entered_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7)",
    )
    .bind(case_id)
    .bind(seq)
    .bind(kind)
    .bind(date)
    .bind(data_json)
    .bind(by)
    .bind(tx.now().to_string())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Rewrite the cached fold of a case.
pub async fn set_cache(
    tx: &mut Tx,
    case_id: i64,
    state: &str,
    certificate_number: Option<&str>,
    valid_until: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "UPDATE cases SET state = $1, certificate_number = $2, valid_until = $3 WHERE id = $4",
    )
    .bind(state)
    .bind(certificate_number)
    .bind(valid_until)
    .bind(case_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Rewrite what the case publishes (`tianping_case::public::PublicView` as JSON; `None`:
/// nothing), with the cached fold after every append.
pub async fn set_public(tx: &mut Tx, case_id: i64, public_json: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE cases SET public_json = $1 WHERE id = $2")
        .bind(public_json)
        .bind(case_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Delete a case with its events, files, links and certificate numbers (the retention of
/// clause 10 is checked by the caller).
pub async fn delete(tx: &mut Tx, case_id: i64) -> Result<()> {
    for table in [
        "case_events",
        "case_files",
        "case_audits",
        "certificates",
        "case_reminders",
        "objections",
        "cases",
    ] {
        let col = if table == "cases" { "id" } else { "case_id" };
        sqlx::query(&format!("DELETE FROM {table} WHERE {col} = $1"))
            .bind(case_id)
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// A file of a case.
#[derive(Debug, Clone, Serialize, PartialEq, sqlx::FromRow)]
pub struct CaseFile {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub subject: String,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: i64,
    pub uploaded_at: String,
}

/// A file to attach to a case.
pub struct NewFile<'a> {
    pub kind: &'a str,
    pub subject: &'a str,
    pub sha256: &'a str,
    pub data: &'a [u8],
    pub file_name: &'a str,
    pub content_type: &'a str,
}

pub async fn add_file(tx: &mut Tx, case_id: i64, f: &NewFile<'_>, by: i64) -> Result<CaseFile> {
    sqlx::query(
        "INSERT INTO blobs (sha256, size, data) VALUES ($1,$2,$3) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(f.sha256)
    .bind(f.data.len() as i64)
    .bind(f.data.to_vec())
    .execute(tx.conn())
    .await?;
    Ok(sqlx::query_as(
        "INSERT INTO case_files (case_id, kind, subject, sha256, file_name, content_type, size, \
         uploaded_by, uploaded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *",
    )
    .bind(case_id)
    .bind(f.kind)
    .bind(f.subject)
    .bind(f.sha256)
    .bind(f.file_name)
    .bind(f.content_type)
    .bind(f.data.len() as i64)
    .bind(by)
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?)
}

pub async fn files(s: &Store, case_id: i64) -> Result<Vec<CaseFile>> {
    Ok(
        sqlx::query_as("SELECT * FROM case_files WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(&s.pool)
            .await?,
    )
}

pub async fn file(s: &Store, case_id: i64, id: i64) -> Result<Option<CaseFile>> {
    Ok(
        sqlx::query_as("SELECT * FROM case_files WHERE case_id = $1 AND id = $2")
            .bind(case_id)
            .bind(id)
            .fetch_optional(&s.pool)
            .await?,
    )
}

/// Link an audit of a case to the checklist assessment that scores it.
pub async fn link_audit(tx: &mut Tx, case_id: i64, audit: &str, assessment_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_audits (case_id, audit, assessment_id) VALUES ($1,$2,$3) \
         ON CONFLICT (case_id, audit) DO UPDATE SET assessment_id = $3",
    )
    .bind(case_id)
    .bind(audit)
    .bind(assessment_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The checklist assessments of a case's audits: (audit, assessment id).
pub async fn audit_links(s: &Store, case_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT audit, assessment_id FROM case_audits WHERE case_id = $1 ORDER BY audit",
    )
    .bind(case_id)
    .fetch_all(&s.pool)
    .await?)
}

pub async fn audit_link_tx(tx: &mut Tx, case_id: i64, audit: &str) -> Result<Option<i64>> {
    let r: Option<(i64,)> =
        sqlx::query_as("SELECT assessment_id FROM case_audits WHERE case_id = $1 AND audit = $2")
            .bind(case_id)
            .bind(audit)
            .fetch_optional(tx.conn())
            .await?;
    Ok(r.map(|x| x.0))
}

/// A body's certificate-number pattern (none set: the caller's default).
pub async fn pattern(s: &Store, org_id: i64) -> Result<Option<String>> {
    let r: Option<(String,)> =
        sqlx::query_as("SELECT pattern FROM certificate_series WHERE org_id = $1")
            .bind(org_id)
            .fetch_optional(&s.pool)
            .await?;
    Ok(r.map(|x| x.0))
}

pub async fn set_pattern(tx: &mut Tx, org_id: i64, pattern: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO certificate_series (org_id, pattern) VALUES ($1,$2) \
         ON CONFLICT (org_id) DO UPDATE SET pattern = $2",
    )
    .bind(org_id)
    .bind(pattern)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Take the next number of a body's series inside the transaction: (pattern, sequence).
/// The row update serialises concurrent issuers.
pub async fn take_seq(tx: &mut Tx, org_id: i64, default_pattern: &str) -> Result<(String, i64)> {
    sqlx::query(
        "INSERT INTO certificate_series (org_id, pattern) VALUES ($1,$2) \
         ON CONFLICT (org_id) DO NOTHING",
    )
    .bind(org_id)
    .bind(default_pattern)
    .execute(tx.conn())
    .await?;
    Ok(sqlx::query_as(
        "UPDATE certificate_series SET next_seq = next_seq + 1 WHERE org_id = $1 \
         RETURNING pattern, next_seq - 1",
    )
    .bind(org_id)
    .fetch_one(tx.conn())
    .await?)
}

/// Record an issued number; false if it was ever issued before.
pub async fn record_certificate(
    tx: &mut Tx,
    number: &str,
    org_id: i64,
    case_id: i64,
    issued_on: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO certificates (number, org_id, case_id, issued_on) VALUES ($1,$2,$3,$4) \
         ON CONFLICT (number) DO NOTHING",
    )
    .bind(number)
    .bind(org_id)
    .bind(case_id)
    .bind(issued_on)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The case holding a certificate number.
pub async fn case_of_certificate(s: &Store, number: &str) -> Result<Option<i64>> {
    let r: Option<(i64,)> = sqlx::query_as("SELECT case_id FROM certificates WHERE number = $1")
        .bind(number)
        .fetch_optional(&s.pool)
        .await?;
    Ok(r.map(|x| x.0))
}

/// An issued certificate number with whom it names (the public look-up, I-21).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct CertificateHit {
    pub number: String,
    pub case_id: i64,
    pub org_id: i64,
    pub body_name: String,
    pub enterprise_name: String,
    pub uscc: String,
    pub issued_on: String,
}

/// Certificate numbers whose number is `q` (either case), whose holder's credit code starts
/// with it, or whose holder's name contains it (Latin letters in either case); newest
/// first, at most `limit`.
pub async fn find_certificates(s: &Store, q: &str, limit: i64) -> Result<Vec<CertificateHit>> {
    let like = crate::public::like_escaped;
    Ok(sqlx::query_as(
        "SELECT t.number, t.case_id, t.org_id, o.name AS body_name, e.name AS enterprise_name, \
         e.uscc, t.issued_on FROM certificates t JOIN cases c ON c.id = t.case_id \
         JOIN orgs o ON o.id = t.org_id JOIN enterprises e ON e.id = c.enterprise_id \
         WHERE UPPER(t.number) = $1 OR UPPER(e.uscc) LIKE $2 ESCAPE '\\' \
         OR LOWER(e.name) LIKE $3 ESCAPE '\\' ORDER BY t.issued_on DESC, t.number DESC LIMIT $4",
    )
    .bind(q.to_uppercase())
    .bind(format!("{}%", like(&q.to_ascii_uppercase())))
    .bind(format!("%{}%", like(&q.to_ascii_lowercase())))
    .bind(limit)
    .fetch_all(&s.pool)
    .await?)
}
