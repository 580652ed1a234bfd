//! The append-only, hash-chained audit log. Every entry stores the hash of the entry before
//! it; its own hash covers that and every field. A trigger refuses UPDATE and DELETE on the
//! table (and, from migration 0003, DELETE of the head row, moving it back, and TRUNCATE on
//! PostgreSQL); [`verify`] detects an entry changed or deleted behind the trigger's back (a
//! missing sequence number, a broken link, a hash that no longer matches, or a head record
//! that disagrees with the last entry).
//!
//! The chain alone is unkeyed: someone with write access to the database can delete the last
//! entries and move the head back, empty the log, or recompute every hash after an edit, and
//! the chain still checks out. [`checkpoint`] therefore signs the head with a key kept outside
//! the database ([`crate::checkpoint`]) and writes the checkpoint both to the table
//! `audit_checkpoint` and to an external append-only JSON Lines file; [`verify_with`] checks
//! every checkpoint's signature and that the log still holds what each one signed.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::checkpoint::{AuditKey, Checkpoint, PublicKey, SignatureError};
use crate::{sha256_hex, Result, Store, StoreError, WriteTx};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who made a change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<i64>,
    /// A readable label, e.g. "admin@body.example (body_admin)" or "system".
    pub label: String,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            id: None,
            label: "system".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Entry {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry: SHA-256 over its fields, each length-prefixed.
pub fn entry_hash(e: &Entry) -> String {
    let mut buf = String::new();
    let actor_id = e.actor_id.map(|x| x.to_string()).unwrap_or_default();
    for f in [
        e.prev_hash.as_str(),
        &e.seq.to_string(),
        e.at.as_str(),
        &actor_id,
        e.actor.as_str(),
        e.action.as_str(),
        e.object_type.as_str(),
        e.object_id.as_str(),
        e.before_json.as_deref().unwrap_or("\u{0}"),
        e.after_json.as_deref().unwrap_or("\u{0}"),
    ] {
        buf.push_str(&f.len().to_string());
        buf.push(':');
        buf.push_str(f);
        buf.push('\n');
    }
    sha256_hex(buf.as_bytes())
}

/// Append one entry inside the caller's transaction (so the change and its record commit
/// together). The head row is updated first, which serialises concurrent writers.
pub async fn append(
    tx: &mut WriteTx,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<i64> {
    let change = Change {
        object_id: object_id.into(),
        before_json: before.map(|v| v.to_string()),
        after_json: after.map(|v| v.to_string()),
    };
    append_many(tx, actor, action, object_type, &[change]).await
}

/// One change among several recorded at once by [`append_many`].
pub struct Change {
    pub object_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Append one entry per change (same actor, action and object type) inside the caller's
/// transaction: the head is taken once and moved once, the entries chained in order — the
/// same chain as one [`append`] per change, for bulk work (a re-grading batch). Returns the
/// last entry's sequence number (the head's, when there is no change).
pub async fn append_many(
    tx: &mut WriteTx,
    actor: &Actor,
    action: &str,
    object_type: &str,
    changes: &[Change],
) -> Result<i64> {
    if changes.is_empty() {
        // nothing to chain: the head is not locked
        let (seq,): (i64,) = sqlx::query_as("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_one(tx.conn())
            .await?;
        return Ok(seq);
    }
    let (last, mut prev): (i64, String) = sqlx::query_as(
        "UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, last_hash",
    )
    .bind(changes.len() as i64)
    .fetch_one(tx.conn())
    .await?;
    let first = last - changes.len() as i64 + 1;
    let at = tx.now().to_string();
    let mut entries = Vec::with_capacity(changes.len());
    for (k, c) in changes.iter().enumerate() {
        let mut e = Entry {
            seq: first + k as i64,
            at: at.clone(),
            actor_id: actor.id,
            actor: actor.label.clone(),
            action: action.into(),
            object_type: object_type.into(),
            object_id: c.object_id.clone(),
            before_json: c.before_json.clone(),
            after_json: c.after_json.clone(),
            prev_hash: prev,
            hash: String::new(),
        };
        e.hash = entry_hash(&e);
        prev = e.hash.clone();
        entries.push(e);
    }
    // several rows per statement (11 values each; larger statements cost more per row
    // through sqlx, see `bulk_insert::insert`)
    for chunk in entries.chunks(50) {
        let values = (0..chunk.len())
            .map(|k| {
                let b = k * 11;
                format!(
                    "({})",
                    (1..=11)
                        .map(|i| format!("${}", b + i))
                        .collect::<Vec<_>>()
                        .join(",")
                )
            })
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor_id, actor, action, object_type, object_id, \
             before_json, after_json, prev_hash, hash) VALUES {values}"
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(e.seq)
                .bind(&e.at)
                .bind(e.actor_id)
                .bind(&e.actor)
                .bind(&e.action)
                .bind(&e.object_type)
                .bind(&e.object_id)
                .bind(&e.before_json)
                .bind(&e.after_json)
                .bind(&e.prev_hash)
                .bind(&e.hash);
        }
        q.execute(tx.conn()).await?;
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(tx.conn())
        .await?;
    Ok(last)
}

/// One problem found by [`verify`].
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// The first entry concerned (0 when the problem is not about one entry, e.g. an
    /// unreadable checkpoint file).
    pub seq: i64,
    pub message: String,
    /// The checkpoint concerned, when there is one (e.g. “外部文件第 3 行”).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
}

impl Problem {
    fn entry(seq: i64, message: impl Into<String>) -> Problem {
        Problem {
            seq,
            message: message.into(),
            checkpoint: None,
        }
    }
}

/// The latest checkpoint that checked out.
#[derive(Debug, Clone, Serialize)]
pub struct CheckpointSummary {
    pub seq: i64,
    pub at: String,
    pub key_id: String,
    /// Where it was read: “外部文件第 N 行” or “数据库检查点 #N”.
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub entries: i64,
    pub head_seq: i64,
    /// Problems, the first entry concerned first.
    pub problems: Vec<Problem>,
    /// How many distinct checkpoints were read (external file and database).
    pub checkpoints: usize,
    /// Whether checkpoint signatures were checked (a key or public key was given).
    pub signatures_checked: bool,
    pub latest_checkpoint: Option<CheckpointSummary>,
    /// What this verification could not exclude.
    pub notes: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The first problem: the earliest entry concerned.
    pub fn first_problem(&self) -> Option<&Problem> {
        self.problems.first()
    }
}

/// What [`verify_with`] checks checkpoints against.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Keys whose checkpoints are trusted. Empty: signatures are not checked (checkpoints are
    /// still compared with the log, which can only find more problems).
    pub keys: Vec<PublicKey>,
    /// The external checkpoint file (authoritative when present).
    pub checkpoint_file: Option<PathBuf>,
}

fn short(h: &str) -> &str {
    &h[..h.len().min(12)]
}

/// Check `entries` as a chain that starts at `expected_seq` after the hash `prev`; returns the
/// hash of the last entry (or `prev`).
fn check_chain(
    entries: &[Entry],
    mut expected_seq: i64,
    mut prev: String,
    problems: &mut Vec<Problem>,
) -> String {
    for e in entries {
        if e.seq != expected_seq {
            problems.push(Problem::entry(
                e.seq,
                format!(
                    "缺少第 {} 至 {} 条记录（已被删除）",
                    expected_seq,
                    e.seq - 1
                ),
            ));
        }
        if e.prev_hash != prev {
            problems.push(Problem::entry(
                e.seq,
                "与前一条记录的链接（prev_hash）不符：前一条被修改或删除",
            ));
        }
        let h = entry_hash(e);
        if h != e.hash {
            problems.push(Problem::entry(
                e.seq,
                format!(
                    "内容与其哈希不符：这条记录被修改过（存储 {}…，重算 {}…）",
                    short(&e.hash),
                    short(&h)
                ),
            ));
        }
        prev = e.hash.clone();
        expected_seq = e.seq + 1;
    }
    prev
}

async fn read_head(store: &Store) -> Result<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT seq, last_hash FROM audit_head WHERE id = 1")
            .fetch_optional(&store.pool)
            .await?,
    )
}

/// Walk the whole chain and report every inconsistency; also compare the checkpoints stored
/// in the database with the log, without checking their signatures (see [`verify_with`]).
pub async fn verify(store: &Store) -> Result<Report> {
    verify_with(store, &VerifyOptions::default()).await
}

/// Where a checkpoint was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The external file, 1-based line number.
    File(usize),
    /// The table `audit_checkpoint`, by id.
    Database(i64),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File(l) => write!(f, "外部文件第 {} 行", l),
            Origin::Database(id) => write!(f, "数据库检查点 #{}", id),
        }
    }
}

fn describe(c: &Checkpoint, o: &Origin) -> String {
    format!("检查点（{}：签署于 {}，截至第 {} 条）", o, c.at, c.seq)
}

/// The lines of the external checkpoint file, each parsed, with its line number; `None` when
/// the file does not exist. Blank lines are skipped.
pub type FileLines = Vec<(usize, std::result::Result<Checkpoint, String>)>;

pub fn read_checkpoint_file(path: &Path) -> Result<Option<FileLines>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StoreError::Config(format!(
                "无法读取检查点文件 {}：{}",
                path.display(),
                e
            )))
        }
    };
    Ok(Some(
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| (i + 1, Checkpoint::from_json_line(l.trim())))
            .collect(),
    ))
}

/// Append one checkpoint as a line to the external file (created if missing) and flush it to
/// disk. A last line left without its newline (a crash mid-write) gets one first.
pub fn append_checkpoint_file(path: &Path, c: &Checkpoint) -> Result<()> {
    let err = |e: std::io::Error| {
        StoreError::Config(format!("无法写入检查点文件 {}：{}", path.display(), e))
    };
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(err)?;
    let mut line = String::new();
    if f.metadata().map_err(err)?.len() > 0 {
        let mut last = [0u8; 1];
        f.seek(SeekFrom::End(-1)).map_err(err)?;
        f.read_exact(&mut last).map_err(err)?;
        if last[0] != b'\n' {
            line.push('\n');
        }
    }
    line.push_str(&c.to_json_line());
    line.push('\n');
    f.write_all(line.as_bytes()).map_err(err)?;
    f.sync_all().map_err(err)?;
    Ok(())
}

/// The checkpoints stored in the database, oldest first, with their ids.
pub async fn db_checkpoints(store: &Store) -> Result<Vec<(i64, Checkpoint)>> {
    let rows: Vec<(i64, i64, String, i64, String, String, String)> = sqlx::query_as(
        "SELECT id, seq, head_hash, entries, at, key_id, signature FROM audit_checkpoint \
         ORDER BY id",
    )
    .fetch_all(&store.pool)
    .await
    .map_err(|e| {
        StoreError::Db(format!(
            "无法读取检查点表 audit_checkpoint（数据库是否已迁移？可运行 tianping migrate）：{}",
            e
        ))
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, seq, head_hash, entries, at, key_id, signature)| {
            (
                id,
                Checkpoint {
                    seq,
                    head_hash,
                    entries,
                    at,
                    key_id,
                    signature,
                },
            )
        })
        .collect())
}

/// Walk the whole chain, then check every checkpoint (external file and database): its
/// signature against `opts.keys`, that the entry at its `seq` still has the hash it signed,
/// that the log is not shorter than it, and that the file and the database hold the same
/// checkpoints. Every problem names the first entry concerned and, where one is, the
/// checkpoint; `notes` say what could not be excluded.
pub async fn verify_with(store: &Store, opts: &VerifyOptions) -> Result<Report> {
    let entries: Vec<Entry> = sqlx::query_as("SELECT * FROM audit_log ORDER BY seq")
        .fetch_all(&store.pool)
        .await?;
    let head = read_head(store).await?;
    let mut problems = Vec::new();
    let prev = check_chain(&entries, 1, GENESIS.to_string(), &mut problems);
    let last = entries.last().map(|e| e.seq).unwrap_or(0);
    match &head {
        None => problems.push(Problem::entry(
            last,
            "日志头记录（audit_head）被删除：无法确认末尾是否有记录被删除",
        )),
        Some((head_seq, _)) if *head_seq != last => problems.push(Problem::entry(
            last.min(*head_seq) + 1,
            format!(
                "日志头记录共 {} 条，实际最后一条为第 {} 条：末尾的记录被删除",
                head_seq, last
            ),
        )),
        Some((_, head_hash)) if *head_hash != prev => {
            problems.push(Problem::entry(last, "日志头记录的哈希与最后一条记录不符"))
        }
        Some(_) => {}
    }

    // Every checkpoint once: those of the file, then those only in the database.
    let db = db_checkpoints(store).await?;
    let mut notes = Vec::new();
    let mut all: Vec<(Checkpoint, Origin)> = Vec::new();
    let file = match &opts.checkpoint_file {
        Some(p) => Some((p, read_checkpoint_file(p)?)),
        None => None,
    };
    match &file {
        Some((p, None)) if !db.is_empty() => problems.push(Problem::entry(
            0,
            format!(
                "外部检查点文件 {} 不存在，而数据库中有 {} 个检查点：外部文件被删除或移走，或配置的路径不对",
                p.display(),
                db.len()
            ),
        )),
        Some((p, None)) => notes.push(format!(
            "外部检查点文件 {} 还不存在（尚未写过检查点）",
            p.display()
        )),
        Some((p, Some(lines))) => {
            for (line, r) in lines {
                match r {
                    Ok(c) => all.push((c.clone(), Origin::File(*line))),
                    Err(e) => problems.push(Problem {
                        seq: 0,
                        message: format!(
                            "外部检查点文件 {} 第 {} 行无法解读：{}",
                            p.display(),
                            line,
                            e
                        ),
                        checkpoint: Some(Origin::File(*line).to_string()),
                    }),
                }
            }
        }
        None => {}
    }
    let in_file: HashSet<String> = all.iter().map(|(c, _)| c.signature.clone()).collect();
    let in_db: HashSet<String> = db.iter().map(|(_, c)| c.signature.clone()).collect();
    for (id, c) in db {
        if !in_file.contains(&c.signature) {
            all.push((c, Origin::Database(id)));
        }
    }
    let count = all.len();

    // Signatures: only checkpoints that check out are compared with the log.
    let signed = !opts.keys.is_empty();
    let mut trusted: Vec<(Checkpoint, Origin)> = Vec::new();
    for (c, o) in all {
        let problem = |message: String| Problem {
            seq: c.seq,
            message,
            checkpoint: Some(o.to_string()),
        };
        if !signed {
            trusted.push((c, o));
            continue;
        }
        match c.check_signature(&opts.keys) {
            Ok(_) => trusted.push((c, o)),
            Err(SignatureError::UnknownKey) => problems.push(problem(format!(
                "{}由未知的密钥 {} 签署，不是所给的密钥（{}）：无法核验",
                describe(&c, &o),
                c.key_id,
                opts.keys
                    .iter()
                    .map(|k| k.key_id())
                    .collect::<Vec<_>>()
                    .join("、")
            ))),
            Err(SignatureError::Invalid) => problems.push(problem(format!(
                "{}的签名无效：检查点被伪造或改动过",
                describe(&c, &o)
            ))),
        }
    }

    // The file and the database should hold the same checkpoints.
    if let Some((p, Some(_))) = &file {
        for (c, o) in &trusted {
            let message = match o {
                Origin::File(_) if !in_db.contains(&c.signature) => format!(
                    "{}不在数据库的检查点表 audit_checkpoint 中：数据库里的检查点被删除",
                    describe(c, o)
                ),
                Origin::Database(_) => format!(
                    "{}不在外部检查点文件 {} 中：外部文件被截断或替换，或这个检查点写到了另一个文件",
                    describe(c, o),
                    p.display()
                ),
                _ => continue,
            };
            problems.push(Problem {
                seq: c.seq,
                message,
                checkpoint: Some(o.to_string()),
            });
        }
    }

    // Each checkpoint against the log, in order of seq.
    trusted.sort_by_key(|(c, _)| c.seq);
    let mut last_good = 0;
    for (c, o) in &trusted {
        let d = describe(c, o);
        let mut problem = |seq: i64, message: String| {
            problems.push(Problem {
                seq,
                message,
                checkpoint: Some(o.to_string()),
            })
        };
        if c.seq > last {
            problem(
                last + 1,
                format!(
                    "日志比{}短：签署时最后一条是第 {} 条，现在最后一条是第 {} 条——第 {} 至 {} 条被删除（末尾被删、日志被清空或截断）",
                    d,
                    c.seq,
                    last,
                    last + 1,
                    c.seq
                ),
            );
            continue;
        }
        let here = if c.seq == 0 {
            Some(GENESIS)
        } else {
            entries
                .binary_search_by_key(&c.seq, |e| e.seq)
                .ok()
                .map(|i| entries[i].hash.as_str())
        };
        match here {
            None => problem(
                c.seq,
                format!("{}签署的第 {} 条记录已不存在（被删除）", d, c.seq),
            ),
            Some(h) if h != c.head_hash => problem(
                last_good + 1,
                format!(
                    "{}签署的哈希 {}… 与第 {} 条记录现在的哈希 {}… 不符：第 {} 至 {} 条之间有记录被改写（哈希链被重新计算）",
                    d,
                    short(&c.head_hash),
                    c.seq,
                    short(h),
                    last_good + 1,
                    c.seq
                ),
            ),
            Some(_) => {
                let n = entries.partition_point(|e| e.seq <= c.seq) as i64;
                if n != c.entries {
                    problem(
                        c.seq,
                        format!(
                            "{}签署时共有 {} 条记录，现在第 {} 条及之前有 {} 条",
                            d, c.entries, c.seq, n
                        ),
                    );
                } else {
                    last_good = last_good.max(c.seq);
                }
            }
        }
    }

    let latest = trusted.last().map(|(c, o)| CheckpointSummary {
        seq: c.seq,
        at: c.at.clone(),
        key_id: c.key_id.clone(),
        source: o.to_string(),
    });
    if !signed {
        if count == 0 {
            notes.push(
                "没有配置审计密钥（audit_key_file / TIANPING_AUDIT_KEY）或公钥（--public-key），也没有检查点：只核对了哈希链。没有签名检查点，无法排除整条日志被改写（哈希链被重新计算）、末尾记录被删除或日志被清空。"
                    .into(),
            );
        } else {
            notes.push(
                "没有配置审计密钥（audit_key_file / TIANPING_AUDIT_KEY）或公钥（--public-key）：检查点的签名未核验，只比对了它们与日志是否一致；伪造的检查点无法识别，不能排除日志被改写。"
                    .into(),
            );
        }
    } else if trusted.is_empty() {
        notes.push(
            "还没有有效的签名检查点：只核对了哈希链，无法排除整条日志被改写、末尾记录被删除或日志被清空。检查点由 tianping audit checkpoint 或运行中的服务写入。"
                .into(),
        );
    }
    if signed && opts.checkpoint_file.is_none() {
        notes.push(
            "没有指定外部检查点文件：只核对了数据库中的检查点，它们可能连同日志一起被删除。".into(),
        );
    }
    if let Some(l) = &latest {
        if last > l.seq {
            notes.push(format!(
                "最近的检查点截至第 {} 条（{}）；其后的第 {} 至 {} 条还没有检查点覆盖，删除或改写它们目前发现不了。",
                l.seq,
                l.at,
                l.seq + 1,
                last
            ));
        }
    }
    problems.sort_by_key(|p| p.seq);
    Ok(Report {
        entries: entries.len() as i64,
        head_seq: head.map(|h| h.0).unwrap_or(last),
        problems,
        checkpoints: count,
        signatures_checked: signed,
        latest_checkpoint: latest,
        notes,
    })
}

/// Sign a checkpoint of the current head with `key`, append it to the external `file` (when
/// given) and store it in the table `audit_checkpoint`.
///
/// Nothing is signed unless the log checks out from the latest checkpoint this key signed
/// (read from the file and the database; from the first entry when there is none): the entry
/// at that checkpoint's `seq` must still have its hash, the chain after it must be intact and
/// end at the head, and the log must not be shorter. A tampered log is refused with
/// [`StoreError::Integrity`], so a checkpoint never vouches for a rewrite. With `only_if_new`,
/// returns `None` without signing when the head has not moved since that checkpoint.
///
/// Several servers signing at once are serialised (PostgreSQL: a transaction-level advisory
/// lock, class 16, taken before anything is read and held until the checkpoint is stored;
/// SQLite has one server), so the second one reads the first one's checkpoint and, with
/// `only_if_new`, signs nothing when the head has not moved since.
pub async fn checkpoint(
    store: &Store,
    key: &AuditKey,
    file: Option<&Path>,
    only_if_new: bool,
) -> Result<Option<Checkpoint>> {
    let mut locked = None;
    if store.backend == crate::Backend::Postgres {
        let mut tx = store.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(16, 0)::text")
            .execute(tx.conn())
            .await?;
        locked = Some(tx);
    }
    // the lock ends with its transaction: rolled back now (not when its connection is next
    // used) when nothing is signed
    let c = match sign_checked(store, key, file, only_if_new).await {
        Ok(Some(c)) => c,
        other => {
            if let Some(tx) = locked {
                tx.rollback().await?;
            }
            return other;
        }
    };
    let mut tx = match locked {
        Some(tx) => tx,
        None => store.begin().await?,
    };
    if let Some(p) = file {
        if let Err(e) = append_checkpoint_file(p, &c) {
            tx.rollback().await?;
            return Err(e);
        }
    }
    sqlx::query(
        "INSERT INTO audit_checkpoint (seq, head_hash, entries, at, key_id, signature) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(c.seq)
    .bind(&c.head_hash)
    .bind(c.entries)
    .bind(&c.at)
    .bind(&c.key_id)
    .bind(&c.signature)
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(Some(c))
}

/// [`checkpoint`]'s checks and signature: the checkpoint to store, `None` when `only_if_new`
/// and the head has not moved.
async fn sign_checked(
    store: &Store,
    key: &AuditKey,
    file: Option<&Path>,
    only_if_new: bool,
) -> Result<Option<Checkpoint>> {
    let me = [key.public()];
    let mut base: Option<Checkpoint> = None;
    let mut consider = |c: Checkpoint| {
        if c.check_signature(&me).is_ok() && base.as_ref().is_none_or(|b| c.seq >= b.seq) {
            base = Some(c);
        }
    };
    if let Some(p) = file {
        for (_, c) in read_checkpoint_file(p)?.unwrap_or_default() {
            if let Ok(c) = c {
                consider(c);
            }
        }
    }
    for (_, c) in db_checkpoints(store).await? {
        consider(c);
    }
    let refuse = |why: String| {
        Err(StoreError::Integrity(format!(
            "{}。拒绝签署检查点；请运行 tianping audit verify 查看",
            why
        )))
    };
    let Some((head_seq, head_hash)) = read_head(store).await? else {
        return refuse("日志头记录（audit_head）被删除".into());
    };
    let (from_seq, from_hash, from_at) = match &base {
        Some(b) => (b.seq, b.head_hash.clone(), b.at.clone()),
        None => (0, GENESIS.to_string(), String::new()),
    };
    if from_seq > head_seq {
        return refuse(format!(
            "日志比最近的检查点（签署于 {}）短：检查点截至第 {} 条，日志头现在在第 {} 条——末尾的记录被删除，或检查点文件属于另一个数据库",
            from_at, from_seq, head_seq
        ));
    }
    if only_if_new && from_seq == head_seq && from_hash == head_hash {
        return Ok(None);
    }
    let entries: Vec<Entry> =
        sqlx::query_as("SELECT * FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq")
            .bind(from_seq.max(1))
            .bind(head_seq)
            .fetch_all(&store.pool)
            .await?;
    let rest = if from_seq > 0 {
        match entries.first() {
            Some(e) if e.seq == from_seq && e.hash == from_hash => &entries[1..],
            _ => {
                return refuse(format!(
                    "第 {} 条记录与最近的检查点（签署于 {}）不符：它被删除或改写，或检查点文件属于另一个数据库",
                    from_seq, from_at
                ))
            }
        }
    } else {
        &entries[..]
    };
    let mut problems = Vec::new();
    let last_hash = check_chain(rest, from_seq + 1, from_hash, &mut problems);
    let last_seq = rest.last().map(|e| e.seq).unwrap_or(from_seq);
    if last_seq != head_seq || last_hash != head_hash {
        problems.push(Problem::entry(
            last_seq + 1,
            format!(
                "日志头记录（第 {} 条）与最后一条记录（第 {} 条）不符",
                head_seq, last_seq
            ),
        ));
    }
    if let Some(p) = problems.iter().min_by_key(|p| p.seq) {
        return refuse(format!("第 {} 条：{}", p.seq, p.message));
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE seq <= $1")
        .bind(head_seq)
        .fetch_one(&store.pool)
        .await?;
    if count != head_seq {
        return refuse(format!(
            "截至第 {} 条应有 {} 条记录，实际有 {} 条",
            head_seq, head_seq, count
        ));
    }
    Ok(Some(key.sign(
        head_seq,
        &head_hash,
        count,
        &crate::stamp(chrono::Utc::now()),
    )))
}

/// Entries about one object, newest first.
pub async fn for_object(store: &Store, object_type: &str, object_id: &str) -> Result<Vec<Entry>> {
    Ok(sqlx::query_as(
        "SELECT * FROM audit_log WHERE object_type = $1 AND object_id = $2 ORDER BY seq DESC",
    )
    .bind(object_type)
    .bind(object_id)
    .fetch_all(&store.pool)
    .await?)
}

/// The newest `limit` entries, newest first.
pub async fn recent(store: &Store, limit: i64) -> Result<Vec<Entry>> {
    Ok(
        sqlx::query_as("SELECT * FROM audit_log ORDER BY seq DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&store.pool)
            .await?,
    )
}
