//! The audit log read page by page, filtered in the database (indexes of migration 0007 on
//! actor, object, action and time), newest first.

use crate::audit::Entry;
use crate::{Result, Store};

/// The filters of a search; `None` is no filter.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The actor's account (`Some(None)`: changes made by the system itself).
    pub actor_id: Option<Option<i64>>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub action: Option<String>,
    /// Entries at or after this stored time.
    pub from: Option<String>,
    /// Entries before this stored time.
    pub until: Option<String>,
}

enum Bind {
    Int(i64),
    Text(String),
}

impl Query {
    /// The WHERE clause (with `$n` placeholders) and its values.
    fn clause(&self) -> (String, Vec<Bind>) {
        let mut parts: Vec<String> = Vec::new();
        let mut binds: Vec<Bind> = Vec::new();
        let mut add = |sql: &str, b: Bind| {
            binds.push(b);
            parts.push(sql.replace('?', &format!("${}", binds.len())));
        };
        match self.actor_id {
            Some(Some(id)) => add("actor_id = ?", Bind::Int(id)),
            Some(None) => add(
                "actor_id IS NULL AND actor = ?",
                Bind::Text("system".into()),
            ),
            None => {}
        }
        if let Some(t) = &self.object_type {
            add("object_type = ?", Bind::Text(t.clone()));
        }
        if let Some(o) = &self.object_id {
            add("object_id = ?", Bind::Text(o.clone()));
        }
        if let Some(a) = &self.action {
            add("action = ?", Bind::Text(a.clone()));
        }
        if let Some(f) = &self.from {
            add("at >= ?", Bind::Text(f.clone()));
        }
        if let Some(u) = &self.until {
            add("at < ?", Bind::Text(u.clone()));
        }
        let sql = if parts.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", parts.join(" AND "))
        };
        (sql, binds)
    }
}

/// One page of the entries that match, newest first, and how many match in all.
pub async fn search(s: &Store, q: &Query, limit: i64, offset: i64) -> Result<(Vec<Entry>, i64)> {
    let (clause, binds) = q.clause();
    let count_sql = format!("SELECT COUNT(*) FROM audit_log{}", clause);
    let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
    for b in &binds {
        count = match b {
            Bind::Int(i) => count.bind(*i),
            Bind::Text(t) => count.bind(t.clone()),
        };
    }
    let (total,) = count.fetch_one(&s.pool).await?;
    let n = binds.len();
    let rows_sql = format!(
        "SELECT * FROM audit_log{} ORDER BY seq DESC LIMIT ${} OFFSET ${}",
        clause,
        n + 1,
        n + 2
    );
    let mut rows = sqlx::query_as::<_, Entry>(&rows_sql);
    for b in &binds {
        rows = match b {
            Bind::Int(i) => rows.bind(*i),
            Bind::Text(t) => rows.bind(t.clone()),
        };
    }
    let entries = rows.bind(limit).bind(offset).fetch_all(&s.pool).await?;
    Ok((entries, total))
}

/// How many entries the log holds.
pub async fn count(s: &Store) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&s.pool)
        .await?;
    Ok(n)
}
