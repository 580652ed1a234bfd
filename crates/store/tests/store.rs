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
