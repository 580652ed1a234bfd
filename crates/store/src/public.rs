//! What capability and star cases publish (`cases.public_json`, 0014), read for the pages
//! that need no sign-in: each case with its enterprise's name and credit code and its body's
//! name, nothing about any person. The JSON is `tianping_case::public::PublicView`, written
//! by the app after every append; this module only reads it.

use serde::Serialize;

use crate::{Result, Store};

/// A case that publishes something, with whom it is about.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct PublicRow {
    pub case_id: i64,
    /// `capability` or `stars` (a certification case publishes nothing).
    pub kind: String,
    pub enterprise_name: String,
    pub uscc: String,
    /// The certification body's name.
    pub body_name: String,
    pub public_json: String,
}

const SELECT: &str = "SELECT c.id AS case_id, c.kind, e.name AS enterprise_name, e.uscc, \
    o.name AS body_name, c.public_json FROM cases c \
    JOIN enterprises e ON e.id = c.enterprise_id JOIN orgs o ON o.id = c.org_id \
    WHERE c.public_json IS NOT NULL";

/// `s` with the `LIKE` wildcards and the escape character taken literally.
pub(crate) fn like_escaped(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            o.push('\\');
        }
        o.push(ch);
    }
    o
}

/// The cases of `kind` that publish something, newest case first, at most `limit`. With a
/// search `q`: those whose enterprise name contains it (Latin letters in either case) or
/// whose credit code starts with it (either case; the whole code is a prefix of itself).
pub async fn list(s: &Store, kind: &str, q: Option<&str>, limit: i64) -> Result<Vec<PublicRow>> {
    let rows = match q {
        Some(q) => {
            let sql = format!(
                "{SELECT} AND c.kind = $1 AND (LOWER(e.name) LIKE $2 ESCAPE '\\' \
                 OR UPPER(e.uscc) LIKE $3 ESCAPE '\\') ORDER BY c.id DESC LIMIT $4"
            );
            sqlx::query_as(&sql)
                .bind(kind)
                .bind(format!("%{}%", like_escaped(&q.to_ascii_lowercase())))
                .bind(format!("{}%", like_escaped(&q.to_ascii_uppercase())))
                .bind(limit)
                .fetch_all(&s.pool)
                .await?
        }
        None => {
            let sql = format!("{SELECT} AND c.kind = $1 ORDER BY c.id DESC LIMIT $2");
            sqlx::query_as(&sql)
                .bind(kind)
                .bind(limit)
                .fetch_all(&s.pool)
                .await?
        }
    };
    Ok(rows)
}

/// One case that publishes something, by id (`None`: no such case, or nothing published).
pub async fn get(s: &Store, case_id: i64) -> Result<Option<PublicRow>> {
    Ok(sqlx::query_as(&format!("{SELECT} AND c.id = $1"))
        .bind(case_id)
        .fetch_optional(&s.pool)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_taken_literally() {
        assert_eq!(like_escaped("50%_a\\b"), "50\\%\\_a\\\\b");
        assert_eq!(like_escaped("天平"), "天平");
    }
}
