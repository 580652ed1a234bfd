//! Tianping storage: one repository layer over SQLite (the embedded default) or PostgreSQL,
//! through sqlx's `Any` driver. Both backends get the same schema from their own migration
//! folder (`migrations/sqlite`, `migrations/postgres`, append-only, same numbering) and run
//! the same SQL (`$1` placeholders work on both).
//!
//! Writes go through [`Store::begin`], which on SQLite also takes a process-wide write lock so
//! that a transaction that reads before it writes never fails with `SQLITE_BUSY`.
//! Every change a caller makes should be recorded in the same transaction with
//! [`audit::append`]; the log is hash-chained and [`audit::verify`] detects a changed or
//! deleted entry. [`audit::checkpoint`] signs the head with a key kept outside the database
//! ([`checkpoint`]), so that [`audit::verify_with`] also detects a log that was shortened,
//! emptied or rewritten as a whole.
//!
//! [`notify`] holds the inbox and who hears of an event; [`mail`] the e-mail outbox and the
//! password-reset links; [`people`] a body's competence records and declared conflicts of
//! interest; [`questionnaire`] the questionnaires of an on-site assessment, their single-use
//! links (hashes only) and their responses, stored with nothing that ties one to a link;
//! [`public`] what capability and star cases publish, read for the pages without sign-in.

pub mod answer_reads;
pub mod audit;
pub mod audit_search;
pub mod bulk_insert;
pub mod cases;
pub mod checkpoint;
pub mod identity;
pub mod insight;
pub mod mail;
pub mod notify;
pub mod objections;
pub mod onsite;
pub mod packs;
pub mod people;
pub mod points;
pub mod points_read;
pub mod public;
pub mod questionnaire;
pub mod rate_limit;
pub mod regrade;
pub mod repo;
pub mod review;
pub mod staff;
pub mod submission;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, ConnectOptions, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use sqlx;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A storage error. `Conflict` is a unique-key violation (the caller names the field);
/// `Db` carries the driver's message.
#[derive(Debug)]
pub enum StoreError {
    Conflict(String),
    Db(String),
    Config(String),
    /// The audit log does not check out (a checkpoint is refused rather than signed).
    Integrity(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Conflict(m) => write!(f, "数据冲突（已存在）：{}", m),
            StoreError::Db(m) => write!(f, "数据库错误：{}", m),
            StoreError::Config(m) => write!(f, "数据库配置错误：{}", m),
            StoreError::Integrity(m) => write!(f, "审计日志校验未通过：{}", m),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e {
            if d.is_unique_violation() {
                return StoreError::Conflict(d.message().to_string());
            }
        }
        StoreError::Db(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Db(format!("迁移失败：{}", e))
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A write transaction (and, on SQLite, the write lock held until it ends), with the time
/// its changes are stamped with (the caller's clock, not the database's).
pub struct WriteTx {
    pub tx: sqlx::Transaction<'static, Any>,
    at: DateTime<Utc>,
    now: String,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// Whether this is a PostgreSQL transaction (a SQLite one holds the process's write lock).
    pub(crate) fn on_postgres(&self) -> bool {
        self._guard.is_none()
    }

    /// The time of this transaction's changes, as stored.
    pub fn now(&self) -> &str {
        &self.now
    }

    /// The time of this transaction's changes.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The connection, for queries.
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Roll back now (dropping a transaction rolls it back only when its connection is next
    /// used), then release the write lock: for a caller that writes again right after.
    pub async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::Transaction<'static, Any>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

#[derive(Clone)]
pub struct Store {
    pub pool: AnyPool,
    pub backend: Backend,
    write_lock: Arc<Mutex<()>>,
}

/// Turn what a user gave as `--database` into a sqlx URL and its backend.
/// Accepted: `postgres://…` / `postgresql://…`, `sqlite://PATH`, `sqlite:PATH`, or a plain
/// file path (a SQLite file).
pub fn normalize_url(input: &str) -> Result<(String, Backend)> {
    let s = input.trim();
    if s.is_empty() {
        return Err(StoreError::Config(
            "数据库地址为空；可接受 postgres://… 、sqlite://文件路径 或一个文件路径".into(),
        ));
    }
    if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        return Ok((s.to_string(), Backend::Postgres));
    }
    if s.contains("://") && !s.starts_with("sqlite://") {
        return Err(StoreError::Config(format!(
            "不支持的数据库地址 “{}”；可接受 postgres://… 、sqlite://文件路径 或一个文件路径",
            s
        )));
    }
    let path = s
        .strip_prefix("sqlite://")
        .or_else(|| s.strip_prefix("sqlite:"))
        .unwrap_or(s);
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    if path.is_empty() {
        return Err(StoreError::Config("SQLite 数据库文件路径为空".into()));
    }
    if path != ":memory:" {
        if let Some(parent) = Path::new(path).parent() {
            if !parent.as_os_str().is_empty() && !parent.exists() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    StoreError::Config(format!("无法创建数据库目录 {}：{}", parent.display(), e))
                })?;
            }
        }
    }
    let query = query.unwrap_or("mode=rwc");
    Ok((format!("sqlite://{}?{}", path, query), Backend::Sqlite))
}

impl Store {
    /// Write a consistent copy of a SQLite database to `to` while others read and write it
    /// (`VACUUM INTO`: one read transaction, the copy compacted). SQLite only.
    pub async fn backup_sqlite(&self, to: &std::path::Path) -> Result<()> {
        sqlx::query("VACUUM INTO $1")
            .bind(to.display().to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether the database answers a query now (for a readiness check).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Connect (creating a SQLite file on first run) without migrating.
    pub async fn connect(input: &str) -> Result<Store> {
        Store::connect_in_schema(input, None).await
    }

    /// Connect; on PostgreSQL, use `schema` (created if missing) as the search path. Tests use
    /// this to give each run its own schema.
    pub async fn connect_in_schema(input: &str, schema: Option<&str>) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (url, backend) = normalize_url(input)?;
        let opts = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Config(format!("数据库地址 “{}” 无效：{}", input, e)))?
            .disable_statement_logging();
        if let Some(s) = schema {
            if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(StoreError::Config(format!(
                    "schema 名 “{}” 只能含字母、数字、下划线",
                    s
                )));
            }
        }
        let schema = schema.map(str::to_string);
        if let (Some(s), Backend::Postgres) = (&schema, backend) {
            let pool = AnyPoolOptions::new()
                .max_connections(1)
                .connect_with(opts.clone())
                .await?;
            pool.execute(format!("CREATE SCHEMA IF NOT EXISTS {}", s).as_str())
                .await?;
            pool.close().await;
        }
        let max = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            // an idle server keeps no connection it does not use: each SQLite connection
            // holds its page cache and prepared statements (the demo's seeding left tens of
            // MB in them); under load connections stay busy and are kept
            .min_connections(0)
            .idle_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                let schema = schema.clone();
                Box::pin(async move {
                    match backend {
                        Backend::Sqlite => {
                            conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
                                .await?;
                        }
                        Backend::Postgres => {
                            if let Some(s) = schema {
                                conn.execute(format!("SET search_path TO {}", s).as_str())
                                    .await?;
                            }
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Config(format!("无法连接数据库 {}：{}", redact(input), e)))?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        Ok(Store {
            pool,
            backend,
            write_lock: Arc::new(Mutex::new(())),
        })
    }

    /// Connect and run pending migrations.
    pub async fn open(input: &str) -> Result<Store> {
        let s = Store::connect(input).await?;
        s.migrate().await?;
        Ok(s)
    }

    /// Run pending migrations; returns the versions applied now.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        let before = self.applied_migrations().await.unwrap_or_default();
        migrator.run(&self.pool).await?;
        let after = self.applied_migrations().await?;
        Ok(after.into_iter().filter(|v| !before.contains(v)).collect())
    }

    async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT version FROM _sqlx_migrations WHERE success = TRUE ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Begin a write transaction whose changes are stamped `at` (the application's clock).
    pub async fn begin_at(&self, at: DateTime<Utc>) -> Result<WriteTx> {
        let guard = match self.backend {
            Backend::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx {
            tx,
            at,
            now: stamp(at),
            _guard: guard,
        })
    }

    /// Begin a write transaction stamped with the system clock (tools and tests; the
    /// application passes its own clock to [`Store::begin_at`]).
    pub async fn begin(&self) -> Result<WriteTx> {
        self.begin_at(Utc::now()).await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Hide a password in a database URL for messages.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((cred, host)) = rest.split_once('@') {
            if let Some((user, _)) = cred.split_once(':') {
                return format!("{}://{}:***@{}", scheme, user, host);
            }
        }
    }
    url.to_string()
}

/// A time as stored: RFC 3339 UTC with milliseconds (sorts as text).
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{:02x}", b));
    }
    s
}

/// A fresh random token (32 bytes, hex).
pub fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{:02x}", x)).collect()
}
