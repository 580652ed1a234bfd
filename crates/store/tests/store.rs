//! Store behaviour on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL.

use serde_json::json;
use tianping_store::audit::{self, Actor};
use tianping_store::repo::{self, EnterpriseFields, Scope};
use tianping_store::Store;

/// The databases to test: a fresh SQLite file always, and a fresh PostgreSQL schema when
/// TEST_DATABASE_URL is set (required when TIANPING_REQUIRE_POSTGRES=1).
async fn stores() -> Vec<(Store, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = Store::open(path.to_str().unwrap()).await.unwrap();
    let mut out = vec![(s, Some(dir))];
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("tp_store_{}", &tianping_store::random_token()[..12]);
            let s = Store::connect_in_schema(&url, Some(&schema)).await.unwrap();
            s.migrate().await.unwrap();
            out.push((s, None));
            SCHEMAS
                .lock()
                .unwrap()
                .push((std::thread::current().id(), url.clone(), schema));
        }
        _ => {
            if std::env::var("TIANPING_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("TIANPING_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set");
            }
            eprintln!("PostgreSQL skipped: TEST_DATABASE_URL is not set (SQLite only)");
        }
    }
    out
}

/// The PostgreSQL schemas created, by the test thread that created them (each `#[tokio::test]`
/// runs on its own thread, and tests run in parallel).
type Schemas = Vec<(std::thread::ThreadId, String, String)>;
static SCHEMAS: std::sync::Mutex<Schemas> = std::sync::Mutex::new(Vec::new());

/// Drop the PostgreSQL schemas this test created (not those of tests still running).
async fn cleanup() {
    let me = std::thread::current().id();
    let mine: Schemas = {
        let mut all = SCHEMAS.lock().unwrap();
        let (mine, others) = all.drain(..).partition(|(t, _, _)| *t == me);
        *all = others;
        mine
    };
    for (_, url, schema) in mine {
        if let Ok(s) = Store::connect(&url).await {
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {} CASCADE", schema))
                .execute(&s.pool)
                .await;
            s.close().await;
        }
    }
}

fn fields(uscc: &str) -> EnterpriseFields {
    EnterpriseFields {
        uscc: uscc.into(),
        name: "测试企业".into(),
        headcount: 10,
        ..Default::default()
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_audit_chain_verifies() {
    for (s, _d) in stores().await {
        assert!(s.migrate().await.unwrap().is_empty(), "{:?}", s.backend);
        let mut tx = s.begin().await.unwrap();
        let e = repo::create_enterprise(&mut tx, &fields("91350100M000100Y43"))
            .await
            .unwrap();
        audit::append(
            &mut tx,
            &Actor::system(),
            "create",
            "enterprise",
            &e.id.to_string(),
            None,
            Some(&json!(e)),
        )
        .await
        .unwrap();
        let e2 = repo::create_enterprise(&mut tx, &fields("911100001000000000"))
            .await
            .unwrap();
        audit::append(
            &mut tx,
            &Actor::system(),
            "create",
            "enterprise",
            &e2.id.to_string(),
            None,
            Some(&json!(e2)),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let r = audit::verify(&s).await.unwrap();
        assert!(r.ok(), "{:?}", r.problems);
        assert_eq!(r.entries, 2);

        // unique USCC is a conflict
        let mut tx = s.begin().await.unwrap();
        let err = repo::create_enterprise(&mut tx, &fields("91350100M000100Y43"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, tianping_store::StoreError::Conflict(_)),
            "{:?}",
            s.backend
        );
        drop(tx);

        // scopes
        let (all, n) = repo::list_enterprises(&s, Scope::All, 10, 0).await.unwrap();
        assert_eq!((all.len(), n), (2, 2));
        let (own, n) = repo::list_enterprises(&s, Scope::Enterprise(e.id), 10, 0)
            .await
            .unwrap();
        assert_eq!((own.len(), n), (1, 1));
        let (none, _) = repo::list_enterprises(&s, Scope::Org(99), 10, 0)
            .await
            .unwrap();
        assert!(none.is_empty());

        // the log refuses updates and deletes
        assert!(sqlx::query("UPDATE audit_log SET actor = 'x'")
            .execute(&s.pool)
            .await
            .is_err());
        assert!(sqlx::query("DELETE FROM audit_log")
            .execute(&s.pool)
            .await
            .is_err());
        s.close().await;
    }
    cleanup().await;
}

#[tokio::test]
async fn audit_verify_detects_changed_and_deleted_entries() {
    for (s, _d) in stores().await {
        let mut tx = s.begin().await.unwrap();
        for i in 0..4 {
            audit::append(
                &mut tx,
                &Actor::system(),
                "test",
                "thing",
                &i.to_string(),
                None,
                Some(&json!({"i": i})),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        assert!(audit::verify(&s).await.unwrap().ok());
        // an attacker with database access drops the guard and edits an entry
        let drop_guard = match s.backend {
            tianping_store::Backend::Sqlite => vec![
                "DROP TRIGGER audit_log_no_update",
                "DROP TRIGGER audit_log_no_delete",
            ],
            tianping_store::Backend::Postgres => {
                vec!["DROP TRIGGER audit_log_no_update ON audit_log"]
            }
        };
        for q in drop_guard {
            sqlx::query(q).execute(&s.pool).await.unwrap();
        }
        sqlx::query("UPDATE audit_log SET after_json = '{\"i\":9}' WHERE seq = 2")
            .execute(&s.pool)
            .await
            .unwrap();
        let r = audit::verify(&s).await.unwrap();
        assert!(
            r.problems
                .iter()
                .any(|p| p.seq == 2 && p.message.contains("修改")),
            "{:?}",
            r.problems
        );
        sqlx::query("DELETE FROM audit_log WHERE seq = 3")
            .execute(&s.pool)
            .await
            .unwrap();
        let r = audit::verify(&s).await.unwrap();
        assert!(
            r.problems
                .iter()
                .any(|p| p.seq == 4 && p.message.contains("删除")),
            "{:?}",
            r.problems
        );
        sqlx::query("DELETE FROM audit_log WHERE seq = 4")
            .execute(&s.pool)
            .await
            .unwrap();
        let r = audit::verify(&s).await.unwrap();
        assert!(
            r.problems.iter().any(|p| p.message.contains("末尾")),
            "{:?}",
            r.problems
        );
        s.close().await;
    }
    cleanup().await;
}

#[test]
fn urls() {
    use tianping_store::{normalize_url, Backend};
    assert_eq!(
        normalize_url("postgres://u@h/db").unwrap().1,
        Backend::Postgres
    );
    assert_eq!(
        normalize_url("data.db").unwrap(),
        ("sqlite://data.db?mode=rwc".into(), Backend::Sqlite)
    );
    assert!(normalize_url("mysql://x").is_err());
    assert!(normalize_url("").is_err());
}

// ---- signed checkpoints and the attacks they detect ----

use std::path::{Path, PathBuf};
use tianping_store::audit::{Report, VerifyOptions};
use tianping_store::checkpoint::AuditKey;
use tianping_store::Backend;

fn key() -> AuditKey {
    AuditKey::from_seed([42u8; 32])
}

async fn append_n(s: &Store, from: usize, n: usize) {
    let mut tx = s.begin().await.unwrap();
    for i in from..from + n {
        audit::append(
            &mut tx,
            &Actor::system(),
            "test",
            "thing",
            &i.to_string(),
            None,
            Some(&json!({"i": i})),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn exec(s: &Store, q: &str) {
    sqlx::query(q)
        .execute(&s.pool)
        .await
        .unwrap_or_else(|e| panic!("{:?}: {q}: {e}", s.backend));
}

async fn refused(s: &Store, q: &str) {
    assert!(
        sqlx::query(q).execute(&s.pool).await.is_err(),
        "{:?}: “{q}” should be refused",
        s.backend
    );
}

/// What an attacker with database access does first: drop every guard trigger.
async fn drop_guards(s: &Store) {
    let drops: &[&str] = match s.backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
            "DROP TRIGGER audit_head_no_delete",
            "DROP TRIGGER audit_head_forward_only",
            "DROP TRIGGER audit_checkpoint_no_update",
            "DROP TRIGGER audit_checkpoint_no_delete",
        ],
        Backend::Postgres => &[
            "DROP TRIGGER audit_log_no_update ON audit_log",
            "DROP TRIGGER audit_log_no_truncate ON audit_log",
            "DROP TRIGGER audit_head_no_delete ON audit_head",
            "DROP TRIGGER audit_head_forward_only ON audit_head",
            "DROP TRIGGER audit_head_no_truncate ON audit_head",
            "DROP TRIGGER audit_checkpoint_no_change ON audit_checkpoint",
            "DROP TRIGGER audit_checkpoint_no_truncate ON audit_checkpoint",
        ],
    };
    for q in drops {
        exec(s, q).await;
    }
}

async fn hash_of(s: &Store, seq: i64) -> String {
    sqlx::query_as::<_, (String,)>("SELECT hash FROM audit_log WHERE seq = $1")
        .bind(seq)
        .fetch_one(&s.pool)
        .await
        .unwrap()
        .0
}

fn checkpoint_file(dir: &Path, s: &Store) -> PathBuf {
    dir.join(format!("{}.checkpoints.jsonl", s.backend.as_str()))
}

async fn checkpoint(s: &Store, file: &Path) -> tianping_store::checkpoint::Checkpoint {
    audit::checkpoint(s, &key(), Some(file), false)
        .await
        .unwrap()
        .unwrap()
}

async fn verify_signed(s: &Store, file: Option<&Path>) -> Report {
    audit::verify_with(
        s,
        &VerifyOptions {
            keys: vec![key().public()],
            checkpoint_file: file.map(Path::to_path_buf),
        },
    )
    .await
    .unwrap()
}

/// The first problem concerns entry `seq`, names a checkpoint and says `what`.
fn first_fails_at(r: &Report, b: Backend, seq: i64, checkpoint: &str, what: &str) {
    let p = r
        .first_problem()
        .unwrap_or_else(|| panic!("{b:?}: no problem found"));
    assert_eq!(p.seq, seq, "{b:?}: {:#?}", r.problems);
    assert_eq!(
        p.checkpoint.as_deref(),
        Some(checkpoint),
        "{b:?}: {:#?}",
        r.problems
    );
    assert!(p.message.contains(what), "{b:?}: {:#?}", r.problems);
}

#[tokio::test]
async fn head_row_and_checkpoints_are_protected() {
    let dir = tempfile::tempdir().unwrap();
    for (s, _d) in stores().await {
        append_n(&s, 0, 3).await;
        let file = checkpoint_file(dir.path(), &s);
        checkpoint(&s, &file).await;
        refused(&s, "DELETE FROM audit_head").await;
        refused(&s, "UPDATE audit_head SET seq = seq - 1").await;
        refused(&s, "UPDATE audit_head SET seq = 0, last_hash = 'x'").await;
        refused(&s, "UPDATE audit_head SET id = 2").await;
        refused(&s, "UPDATE audit_checkpoint SET seq = 1").await;
        refused(&s, "DELETE FROM audit_checkpoint").await;
        if s.backend == Backend::Postgres {
            refused(&s, "TRUNCATE audit_log").await;
            refused(&s, "TRUNCATE audit_head").await;
            refused(&s, "TRUNCATE audit_checkpoint").await;
            refused(&s, "TRUNCATE audit_log, audit_head, audit_checkpoint").await;
        }
        // the guards leave normal work alone: the head moves forward, the log verifies
        append_n(&s, 3, 2).await;
        let r = verify_signed(&s, Some(&file)).await;
        assert!(r.ok(), "{:?}: {:#?}", s.backend, r.problems);
        assert_eq!((r.entries, r.head_seq, r.checkpoints), (5, 5, 1));
        s.close().await;
    }
    cleanup().await;
}

#[tokio::test]
async fn a_clean_log_with_checkpoints_verifies() {
    let dir = tempfile::tempdir().unwrap();
    for (s, _d) in stores().await {
        let b = s.backend;
        let file = checkpoint_file(dir.path(), &s);
        // an empty log can be checkpointed too
        let c0 = checkpoint(&s, &file).await;
        assert_eq!(
            (c0.seq, c0.entries, c0.head_hash.as_str()),
            (0, 0, audit::GENESIS)
        );
        append_n(&s, 0, 3).await;
        let c = checkpoint(&s, &file).await;
        assert_eq!((c.seq, c.entries), (3, 3), "{b:?}");
        assert_eq!(c.head_hash, hash_of(&s, 3).await);
        append_n(&s, 3, 2).await;
        // the server's periodic call signs only when there is something new
        assert!(audit::checkpoint(&s, &key(), Some(&file), true)
            .await
            .unwrap()
            .is_some());
        assert!(audit::checkpoint(&s, &key(), Some(&file), true)
            .await
            .unwrap()
            .is_none());
        assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 3);
        assert_eq!(audit::db_checkpoints(&s).await.unwrap().len(), 3);

        let r = verify_signed(&s, Some(&file)).await;
        assert!(r.ok(), "{b:?}: {:#?}", r.problems);
        assert!(r.notes.is_empty(), "{b:?}: {:?}", r.notes);
        assert_eq!(r.checkpoints, 3);
        let latest = r.latest_checkpoint.as_ref().unwrap();
        assert_eq!((latest.seq, latest.source.as_str()), (5, "外部文件第 3 行"));

        // entries after the latest checkpoint are said to be uncovered
        append_n(&s, 5, 1).await;
        let r = verify_signed(&s, Some(&file)).await;
        assert!(r.ok(), "{b:?}: {:#?}", r.problems);
        assert!(
            r.notes.iter().any(|n| n.contains("第 6 至 6 条")),
            "{:?}",
            r.notes
        );

        // without a key the chain is still checked, and the report says what that leaves open
        let r = audit::verify(&s).await.unwrap();
        assert!(r.ok() && !r.signatures_checked);
        assert!(
            r.notes.iter().any(|n| n.contains("签名未核验")),
            "{:?}",
            r.notes
        );
        // a verifier holding another key cannot vouch for these checkpoints
        let r = audit::verify_with(
            &s,
            &VerifyOptions {
                keys: vec![AuditKey::from_seed([1u8; 32]).public()],
                checkpoint_file: Some(file.clone()),
            },
        )
        .await
        .unwrap();
        assert!(r.problems.iter().all(|p| p.message.contains("未知的密钥")));
        assert_eq!(r.problems.len(), 3, "{b:?}: {:#?}", r.problems);
        s.close().await;
    }
    cleanup().await;
}

#[tokio::test]
async fn no_checkpoints_no_key_says_a_rewrite_cannot_be_excluded() {
    for (s, _d) in stores().await {
        append_n(&s, 0, 2).await;
        let r = audit::verify(&s).await.unwrap();
        assert!(r.ok());
        assert!(
            r.notes.iter().any(|n| n.contains("无法排除整条日志被改写")),
            "{:?}",
            r.notes
        );
        let r = verify_signed(&s, None).await;
        assert!(r.ok());
        assert!(r.notes.iter().any(|n| n.contains("还没有有效的签名检查点")));
        assert!(r.notes.iter().any(|n| n.contains("没有指定外部检查点文件")));
        s.close().await;
    }
    cleanup().await;
}

#[tokio::test]
async fn deleting_the_last_entries_and_moving_the_head_back_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    for (s, _d) in stores().await {
        let b = s.backend;
        let file = checkpoint_file(dir.path(), &s);
        append_n(&s, 0, 5).await;
        checkpoint(&s, &file).await;
        drop_guards(&s).await;
        exec(&s, "DELETE FROM audit_log WHERE seq > 3").await;
        let h3 = hash_of(&s, 3).await;
        sqlx::query("UPDATE audit_head SET seq = 3, last_hash = $1 WHERE id = 1")
            .bind(&h3)
            .execute(&s.pool)
            .await
            .unwrap();
        // the chain alone no longer notices: every problem comes from a checkpoint ...
        let r = audit::verify(&s).await.unwrap();
        assert!(!r.ok() && r.problems.iter().all(|p| p.checkpoint.is_some()));
        // ... and the signed checkpoint in the external file names what is missing
        let r = verify_signed(&s, Some(&file)).await;
        first_fails_at(&r, b, 4, "外部文件第 1 行", "第 4 至 5 条被删除");
        // and no new checkpoint vouches for the shortened log
        let e = audit::checkpoint(&s, &key(), Some(&file), true)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("短") && e.contains("拒绝签署"), "{b:?}: {e}");
        // deleting the checkpoints in the database too does not help: the file has them
        exec(&s, "DELETE FROM audit_checkpoint").await;
        let r = verify_signed(&s, Some(&file)).await;
        first_fails_at(&r, b, 4, "外部文件第 1 行", "第 4 至 5 条被删除");
        assert!(
            r.problems
                .iter()
                .any(|p| p.message.contains("数据库里的检查点被删除")),
            "{b:?}: {:#?}",
            r.problems
        );
        s.close().await;
    }
    cleanup().await;
}

#[tokio::test]
async fn emptying_the_log_and_resetting_the_head_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    for (s, _d) in stores().await {
        let b = s.backend;
        let file = checkpoint_file(dir.path(), &s);
        append_n(&s, 0, 3).await;
        checkpoint(&s, &file).await;
        drop_guards(&s).await;
        exec(&s, "DELETE FROM audit_log").await;
        exec(&s, "DELETE FROM audit_checkpoint").await;
        sqlx::query("UPDATE audit_head SET seq = 0, last_hash = $1 WHERE id = 1")
            .bind(audit::GENESIS)
            .execute(&s.pool)
            .await
            .unwrap();
        // nothing left in the database betrays it ...
        let r = audit::verify(&s).await.unwrap();
        assert!(r.ok() && r.entries == 0, "{b:?}: {:#?}", r.problems);
        // ... the external file does
        let r = verify_signed(&s, Some(&file)).await;
        first_fails_at(&r, b, 1, "外部文件第 1 行", "第 1 至 3 条被删除");
        assert!(!r.ok());
        // the file deleted as well: the database's checkpoints are gone too, and the report
        // says that no rewrite can be excluded (the documented limit)
        std::fs::remove_file(&file).unwrap();
        let r = verify_signed(&s, Some(&file)).await;
        assert!(r.ok());
        assert!(
            r.notes.iter().any(|n| n.contains("无法排除")),
            "{:?}",
            r.notes
        );
        s.close().await;
    }
    cleanup().await;
}

#[tokio::test]
async fn recomputing_the_whole_chain_after_an_edit_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    for (s, _d) in stores().await {
        let b = s.backend;
        let file = checkpoint_file(dir.path(), &s);
        for _ in 0..3 {
            let n = audit::verify(&s).await.unwrap().entries as usize;
            append_n(&s, n, 2).await;
            checkpoint(&s, &file).await;
        }
        // entries 1..6, checkpoints at 2, 4 and 6
        drop_guards(&s).await;
        let mut entries: Vec<audit::Entry> = sqlx::query_as("SELECT * FROM audit_log ORDER BY seq")
            .fetch_all(&s.pool)
            .await
            .unwrap();
        entries[2].after_json = Some("{\"i\":99}".into());
        let mut prev = entries[1].hash.clone();
        for e in entries.iter_mut().skip(2) {
            e.prev_hash = prev;
            e.hash = audit::entry_hash(e);
            prev = e.hash.clone();
            sqlx::query(
                "UPDATE audit_log SET after_json = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
            )
            .bind(&e.after_json)
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .bind(e.seq)
            .execute(&s.pool)
            .await
            .unwrap();
        }
        sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
            .bind(&prev)
            .execute(&s.pool)
            .await
            .unwrap();
        // the unkeyed chain checks out again
        let r = audit::verify(&s).await.unwrap();
        assert!(r.problems.iter().all(|p| p.checkpoint.is_some()), "{b:?}");
        // the first checkpoint after the edit fails, and the range is narrowed to 3..4
        let r = verify_signed(&s, Some(&file)).await;
        first_fails_at(&r, b, 3, "外部文件第 2 行", "第 3 至 4 条之间有记录被改写");
        assert_eq!(r.problems.len(), 2, "{b:?}: {:#?}", r.problems);
        // the database's signed copies find it as well, without the file
        let r = verify_signed(&s, None).await;
        first_fails_at(&r, b, 3, "数据库检查点 #2", "被改写");
        // re-signing is refused; the attacker's own key is not trusted; an edited checkpoint
        // no longer verifies
        assert!(audit::checkpoint(&s, &key(), Some(&file), false)
            .await
            .is_err());
        let theirs = AuditKey::from_seed([9u8; 32]).sign(6, &prev, 6, "2030-01-01T00:00:00.000Z");
        sqlx::query(
            "INSERT INTO audit_checkpoint (seq, head_hash, entries, at, key_id, signature) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(theirs.seq)
        .bind(&theirs.head_hash)
        .bind(theirs.entries)
        .bind(&theirs.at)
        .bind(&theirs.key_id)
        .bind(&theirs.signature)
        .execute(&s.pool)
        .await
        .unwrap();
        sqlx::query("UPDATE audit_checkpoint SET head_hash = $1 WHERE seq = 4")
            .bind(hash_of(&s, 4).await)
            .execute(&s.pool)
            .await
            .unwrap();
        let r = verify_signed(&s, None).await;
        assert!(
            r.problems.iter().any(|p| p.message.contains("未知的密钥")),
            "{b:?}: {:#?}",
            r.problems
        );
        assert!(
            r.problems
                .iter()
                .any(|p| p.seq == 4 && p.message.contains("签名无效")),
            "{b:?}: {:#?}",
            r.problems
        );
        s.close().await;
    }
    cleanup().await;
}

#[tokio::test]
async fn truncate_on_postgres_is_refused_and_detected_when_forced() {
    let dir = tempfile::tempdir().unwrap();
    for (s, _d) in stores().await {
        if s.backend != Backend::Postgres {
            s.close().await;
            continue;
        }
        let b = s.backend;
        let file = checkpoint_file(dir.path(), &s);
        append_n(&s, 0, 4).await;
        checkpoint(&s, &file).await;
        refused(&s, "TRUNCATE audit_log").await;
        refused(&s, "TRUNCATE audit_checkpoint").await;
        refused(&s, "TRUNCATE audit_head").await;
        assert!(verify_signed(&s, Some(&file)).await.ok());
        // an attacker who drops the statement triggers can truncate; the head (kept by its
        // own guards) and the checkpoints then disagree with the empty log
        exec(&s, "DROP TRIGGER audit_log_no_truncate ON audit_log").await;
        exec(&s, "TRUNCATE audit_log").await;
        let r = verify_signed(&s, Some(&file)).await;
        assert_eq!(
            r.first_problem().unwrap().seq,
            1,
            "{b:?}: {:#?}",
            r.problems
        );
        assert!(
            r.problems
                .iter()
                .any(|p| p.seq == 1 && p.message.contains("第 1 至 4 条被删除")),
            "{b:?}: {:#?}",
            r.problems
        );
        s.close().await;
    }
    cleanup().await;
}

/// Migration 0004 on a database with failed sign-ins from before it: the old rows stay, with
/// the empty source, and count for no real source; an insert without a source (as the code
/// before 0004 wrote) still works; failures are kept and cleared per address and source.
#[tokio::test]
async fn login_failures_gain_a_source_and_old_rows_keep_working() {
    use std::borrow::Cow;
    let mut dbs: Vec<(Store, Option<tempfile::TempDir>)> = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    dbs.push((
        Store::connect(path.to_str().unwrap()).await.unwrap(),
        Some(dir),
    ));
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        if !url.is_empty() {
            let schema = format!("tp_store_{}", &tianping_store::random_token()[..12]);
            dbs.push((
                Store::connect_in_schema(&url, Some(&schema)).await.unwrap(),
                None,
            ));
            SCHEMAS
                .lock()
                .unwrap()
                .push((std::thread::current().id(), url.clone(), schema));
        }
    }
    for (s, _dir) in dbs {
        let b = s.backend;
        // the schema as it was before 0004
        let mut m = match b {
            tianping_store::Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            tianping_store::Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        // 0004 and every later migration run on the old database
        let later: Vec<i64> = m
            .migrations
            .iter()
            .map(|x| x.version)
            .filter(|v| *v >= 4)
            .collect();
        m.migrations = Cow::Owned(
            m.migrations
                .iter()
                .filter(|x| x.version < 4)
                .cloned()
                .collect(),
        );
        m.run(&s.pool).await.unwrap();
        sqlx::query("INSERT INTO login_failures (email, at) VALUES ($1, $2)")
            .bind("old@x.test")
            .bind("2024-03-01T09:00:00.000Z")
            .execute(&s.pool)
            .await
            .unwrap();
        assert_eq!(s.migrate().await.unwrap(), later, "{b:?}");
        let since = "2024-01-01T00:00:00.000Z";
        let old = repo::login_failures_from(&s, "", since).await.unwrap();
        assert_eq!(old.len(), 1, "{b:?}: the old row is kept");
        assert_eq!(old[0].email, "old@x.test");
        assert!(repo::login_failures_from(&s, "203.0.113.5", since)
            .await
            .unwrap()
            .is_empty());
        // code from before 0004 can still record a failure
        sqlx::query("INSERT INTO login_failures (email, at) VALUES ($1, $2)")
            .bind("old@x.test")
            .bind("2024-03-01T09:01:00.000Z")
            .execute(&s.pool)
            .await
            .unwrap();
        // per source: recorded, listed oldest first, cleared only for that address and source
        let at = chrono::DateTime::parse_from_rfc3339("2024-03-01T10:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut tx = s.begin_at(at).await.unwrap();
        repo::record_login_failure(&mut tx, "a@a.test", "203.0.113.5")
            .await
            .unwrap();
        repo::record_login_failure(&mut tx, "b@b.test", "203.0.113.5")
            .await
            .unwrap();
        repo::record_login_failure(&mut tx, "a@a.test", "198.51.100.7")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let from = repo::login_failures_from(&s, "203.0.113.5", since)
            .await
            .unwrap();
        let emails: Vec<&str> = from.iter().map(|f| f.email.as_str()).collect();
        assert_eq!(emails, ["a@a.test", "b@b.test"], "{b:?}");
        assert_eq!(from[0].at, "2024-03-01T10:00:00.000Z");
        assert!(
            repo::login_failures_from(&s, "203.0.113.5", "2024-03-01T10:00:00.000Z")
                .await
                .unwrap()
                .is_empty()
        );
        let mut tx = s.begin_at(at).await.unwrap();
        repo::clear_login_failures(&mut tx, "a@a.test", "203.0.113.5")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let left: Vec<String> = repo::login_failures_from(&s, "203.0.113.5", since)
            .await
            .unwrap()
            .into_iter()
            .map(|f| f.email)
            .collect();
        assert_eq!(left, ["b@b.test"], "{b:?}");
        assert_eq!(
            repo::login_failures_from(&s, "198.51.100.7", since)
                .await
                .unwrap()
                .len(),
            1,
            "{b:?}: another source keeps its failure"
        );
        assert_eq!(
            repo::login_failures_from(&s, "", since)
                .await
                .unwrap()
                .len(),
            2,
            "{b:?}"
        );
        s.close().await;
    }
    cleanup().await;
}
