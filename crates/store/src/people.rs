//! A certification body's people (0010): competence records and declared conflicts of
//! interest. Days are stored as `YYYY-MM-DD` and read back as dates at the row mapping.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use tianping_domain::people::{Competence, CompetenceKind, ConflictDecl};

use crate::repo::Tx;
use crate::{Result, Store};

/// A competence record of a member of staff, as the body admin recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompetenceRecord {
    pub id: i64,
    pub org_id: i64,
    pub user_id: i64,
    pub kind: CompetenceKind,
    pub value: String,
    pub obtained_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub recorded_by: i64,
    pub recorded_at: String,
}

impl CompetenceRecord {
    /// The record as the rules take it.
    pub fn competence(&self) -> Competence {
        Competence {
            kind: self.kind,
            value: self.value.clone(),
            obtained_on: self.obtained_on,
            valid_until: self.valid_until,
        }
    }
}

/// A declared conflict of interest of a person with a client enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictRecord {
    pub id: i64,
    pub org_id: i64,
    pub user_id: i64,
    pub enterprise_id: i64,
    pub reason: String,
    /// The last day the conflict lasts; none: for good.
    pub until: Option<NaiveDate>,
    pub declared_on: NaiveDate,
    pub declared_by: i64,
    pub declared_at: String,
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<i64>,
}

fn decode(column: &str, e: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.into(),
        source: Box::new(e),
    }
}

fn day(r: &AnyRow, column: &str) -> sqlx::Result<Option<NaiveDate>> {
    let s: Option<String> = r.try_get(column)?;
    s.map(|t| t.parse::<NaiveDate>().map_err(|e| decode(column, e)))
        .transpose()
}

impl<'r> sqlx::FromRow<'r, AnyRow> for CompetenceRecord {
    fn from_row(r: &'r AnyRow) -> sqlx::Result<Self> {
        let kind: String = r.try_get("kind")?;
        Ok(CompetenceRecord {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            user_id: r.try_get("user_id")?,
            kind: kind.parse().map_err(|e| decode("kind", e))?,
            value: r.try_get("value")?,
            obtained_on: day(r, "obtained_on")?,
            valid_until: day(r, "valid_until")?,
            recorded_by: r.try_get("recorded_by")?,
            recorded_at: r.try_get("recorded_at")?,
        })
    }
}

impl<'r> sqlx::FromRow<'r, AnyRow> for ConflictRecord {
    fn from_row(r: &'r AnyRow) -> sqlx::Result<Self> {
        Ok(ConflictRecord {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            user_id: r.try_get("user_id")?,
            enterprise_id: r.try_get("enterprise_id")?,
            reason: r.try_get("reason")?,
            until: day(r, "until_on")?,
            declared_on: r
                .try_get::<String, _>("declared_on")?
                .parse()
                .map_err(|e| decode("declared_on", e))?,
            declared_by: r.try_get("declared_by")?,
            declared_at: r.try_get("declared_at")?,
            withdrawn_at: r.try_get("withdrawn_at")?,
            withdrawn_by: r.try_get("withdrawn_by")?,
        })
    }
}

fn text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// Record a competence of `user_id`, a member of body `org_id`.
pub async fn add_competence(
    tx: &mut Tx,
    org_id: i64,
    user_id: i64,
    c: &Competence,
    by: i64,
) -> Result<CompetenceRecord> {
    Ok(sqlx::query_as(
        "INSERT INTO competence_records (org_id, user_id, kind, value, obtained_on, valid_until, \
         recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(c.kind.as_str())
    .bind(&c.value)
    .bind(text(c.obtained_on))
    .bind(text(c.valid_until))
    .bind(by)
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?)
}

/// Delete a competence record of `user_id`; `None` when there is no such record (of them).
pub async fn remove_competence(
    tx: &mut Tx,
    user_id: i64,
    id: i64,
) -> Result<Option<CompetenceRecord>> {
    Ok(
        sqlx::query_as("DELETE FROM competence_records WHERE id = $1 AND user_id = $2 RETURNING *")
            .bind(id)
            .bind(user_id)
            .fetch_optional(tx.conn())
            .await?,
    )
}

/// A person's competence records, oldest first.
pub async fn competence_of(s: &Store, user_id: i64) -> Result<Vec<CompetenceRecord>> {
    Ok(
        sqlx::query_as("SELECT * FROM competence_records WHERE user_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(&s.pool)
            .await?,
    )
}

/// The competence records of a body's people, by person, oldest first.
pub async fn competence_of_org(s: &Store, org_id: i64) -> Result<Vec<CompetenceRecord>> {
    Ok(
        sqlx::query_as("SELECT * FROM competence_records WHERE org_id = $1 ORDER BY user_id, id")
            .bind(org_id)
            .fetch_all(&s.pool)
            .await?,
    )
}

/// Declare a conflict of `user_id`, a member of body `org_id`, on `declared_on`.
pub async fn declare_conflict(
    tx: &mut Tx,
    org_id: i64,
    user_id: i64,
    c: &ConflictDecl,
    declared_on: NaiveDate,
    by: i64,
) -> Result<ConflictRecord> {
    Ok(sqlx::query_as(
        "INSERT INTO conflict_declarations (org_id, user_id, enterprise_id, reason, until_on, \
         declared_on, declared_by, declared_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(c.enterprise_id)
    .bind(&c.reason)
    .bind(text(c.until))
    .bind(declared_on.to_string())
    .bind(by)
    .bind(tx.now().to_string())
    .fetch_one(tx.conn())
    .await?)
}

/// Mark a declaration of `user_id` withdrawn; `None` when there is no such declaration (of
/// them) or it was withdrawn already.
pub async fn withdraw_conflict(
    tx: &mut Tx,
    user_id: i64,
    id: i64,
    by: i64,
) -> Result<Option<ConflictRecord>> {
    Ok(sqlx::query_as(
        "UPDATE conflict_declarations SET withdrawn_at = $1, withdrawn_by = $2 \
         WHERE id = $3 AND user_id = $4 AND withdrawn_at IS NULL RETURNING *",
    )
    .bind(tx.now().to_string())
    .bind(by)
    .bind(id)
    .bind(user_id)
    .fetch_optional(tx.conn())
    .await?)
}

/// A declaration of `user_id` by its id, withdrawn or not.
pub async fn conflict_of(s: &Store, user_id: i64, id: i64) -> Result<Option<ConflictRecord>> {
    Ok(
        sqlx::query_as("SELECT * FROM conflict_declarations WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .fetch_optional(&s.pool)
            .await?,
    )
}

/// A person's declarations, withdrawn ones too, newest first.
pub async fn conflicts_of(s: &Store, user_id: i64) -> Result<Vec<ConflictRecord>> {
    Ok(
        sqlx::query_as("SELECT * FROM conflict_declarations WHERE user_id = $1 ORDER BY id DESC")
            .bind(user_id)
            .fetch_all(&s.pool)
            .await?,
    )
}

/// The declarations of body `org_id`'s people with client `enterprise_id` that are not
/// withdrawn, oldest first (whether each lasts on a given day is the rules' to say).
pub async fn open_conflicts_for(
    s: &Store,
    org_id: i64,
    enterprise_id: i64,
) -> Result<Vec<ConflictRecord>> {
    Ok(sqlx::query_as(
        "SELECT * FROM conflict_declarations \
         WHERE org_id = $1 AND enterprise_id = $2 AND withdrawn_at IS NULL ORDER BY id",
    )
    .bind(org_id)
    .bind(enterprise_id)
    .fetch_all(&s.pool)
    .await?)
}

/// The enterprises that engaged organisation `org_id` (its clients), by name: id and name.
pub async fn clients(s: &Store, org_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT e.id, e.name FROM enterprises e JOIN engagements g ON g.enterprise_id = e.id \
         WHERE g.org_id = $1 ORDER BY e.name, e.id",
    )
    .bind(org_id)
    .fetch_all(&s.pool)
    .await?)
}

/// The names of these enterprises, in one query.
pub async fn enterprise_names(
    s: &Store,
    ids: &[i64],
) -> Result<std::collections::BTreeMap<i64, String>> {
    let mut ids: Vec<i64> = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${}", i)).collect();
    let sql = format!(
        "SELECT id, name FROM enterprises WHERE id IN ({})",
        marks.join(", ")
    );
    let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
    for id in &ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&s.pool).await?.into_iter().collect())
}

/// The expert-pool fields (004 7.2.2) of body `org_id`'s people: (user id, field), by user.
pub async fn expert_fields_of_org(
    s: &Store,
    org_id: i64,
) -> Result<Vec<(i64, tianping_domain::people::ExpertField)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT user_id, field FROM expert_fields WHERE org_id = $1 ORDER BY user_id, field",
    )
    .bind(org_id)
    .fetch_all(&s.pool)
    .await?;
    rows.into_iter()
        .map(|(u, f)| Ok((u, f.parse().map_err(|e| decode("field", e))?)))
        .collect()
}

/// Replace the expert-pool fields of `user_id`, a member of body `org_id` (none: out of the
/// pool).
pub async fn set_expert_fields(
    tx: &mut Tx,
    org_id: i64,
    user_id: i64,
    fields: &[tianping_domain::people::ExpertField],
    by: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM expert_fields WHERE user_id = $1")
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    for f in fields {
        sqlx::query(
            "INSERT INTO expert_fields (org_id, user_id, field, recorded_by, recorded_at) \
             VALUES ($1,$2,$3,$4,$5)",
        )
        .bind(org_id)
        .bind(user_id)
        .bind(f.as_str())
        .bind(by)
        .bind(tx.now().to_string())
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}
