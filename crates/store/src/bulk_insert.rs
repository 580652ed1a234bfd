//! Many rows at once (`tianping bench-data`): several rows per INSERT statement, the values
//! bound, never spliced into the text.

use crate::{Result, Store, WriteTx};

/// One value of a row.
#[derive(Debug, Clone)]
pub enum V {
    I(i64),
    OI(Option<i64>),
    F(Option<f64>),
    T(String),
    OT(Option<String>),
    B(Vec<u8>),
}

/// Insert `rows` (each with one value per column) into `table`.
pub async fn insert(tx: &mut WriteTx, table: &str, cols: &[&str], rows: &[Vec<V>]) -> Result<()> {
    // a few hundred values per statement: far below the limits (PostgreSQL 65,535, SQLite
    // 32,766), and larger statements cost more per row through sqlx (measured: 1,000 rows of
    // 21 values took 10× as long per row as 25)
    let per = (600 / cols.len().max(1)).clamp(1, 50);
    for chunk in rows.chunks(per) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
        let mut n = 0;
        for (k, _) in chunk.iter().enumerate() {
            if k > 0 {
                sql.push(',');
            }
            sql.push('(');
            for c in 0..cols.len() {
                if c > 0 {
                    sql.push(',');
                }
                n += 1;
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    V::I(x) => q.bind(*x),
                    V::OI(x) => q.bind(*x),
                    V::F(x) => q.bind(*x),
                    V::T(x) => q.bind(x.as_str()),
                    V::OT(x) => q.bind(x.as_deref()),
                    V::B(x) => q.bind(x.as_slice()),
                };
            }
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

/// PostgreSQL: move each table's id sequence past the ids inserted explicitly (SQLite keeps
/// its AUTOINCREMENT counter itself).
pub async fn advance_sequences(tx: &mut WriteTx, tables: &[&str]) -> Result<()> {
    if !tx.on_postgres() {
        return Ok(());
    }
    for t in tables {
        sqlx::query(&format!(
            "SELECT CAST(setval(pg_get_serial_sequence('{t}', 'id'), GREATEST((SELECT MAX(id) FROM {t}), 1)) AS BIGINT)"
        ))
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// The highest id of a table (0 when empty).
pub async fn max_id(s: &Store, table: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}"
    ))
    .fetch_one(&s.pool)
    .await?;
    Ok(n)
}

/// How many rows a table holds.
pub async fn count(s: &Store, table: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"))
        .fetch_one(&s.pool)
        .await?;
    Ok(n)
}
