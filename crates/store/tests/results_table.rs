//! Migration 0021 on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL: results stored in
//! the assessment's row before it move to `assessment_results`, unchanged, and the row keeps
//! no copy; reads and writes after it go through the new table.

use tianping_domain::{Mode, Role};
use tianping_store::repo::{self, EnterpriseFields, NewAssessment, NewUser, StoredResult};
use tianping_store::Store;

/// Migrations up to and including `last` only.
async fn migrate_to(s: &Store, last: i64) {
    let mut m = match s.backend {
        tianping_store::Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        tianping_store::Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    m.migrations = m
        .migrations
        .iter()
        .filter(|x| x.version <= last)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    m.run(&s.pool).await.unwrap();
}

/// A fresh SQLite file, and a fresh PostgreSQL schema when TEST_DATABASE_URL is set (with the
/// URL and schema to drop); no migration run.
async fn bare() -> Vec<(Store, Option<tempfile::TempDir>, Option<(String, String)>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut out = vec![(
        Store::connect(path.to_str().unwrap()).await.unwrap(),
        Some(dir),
        None,
    )];
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("tp_res_{}", &tianping_store::random_token()[..12]);
            let s = Store::connect_in_schema(&url, Some(&schema)).await.unwrap();
            out.push((s, None, Some((url, schema))));
        }
        _ => {
            if std::env::var("TIANPING_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("TIANPING_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set");
            }
        }
    }
    out
}

/// An assessment (with its enterprise and creator) as the schema before 0021 stores it.
async fn assessment(s: &Store) -> i64 {
    let mut tx = s.begin().await.unwrap();
    let e = repo::create_enterprise(
        &mut tx,
        &EnterpriseFields {
            uscc: "91350100M000100Y43".into(),
            name: "迁移企业".into(),
            headcount: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let u = repo::create_user(
        &mut tx,
        &NewUser {
            email: "m@m.test",
            name: "m",
            password_hash: "x",
            role: Role::Enterprise,
            org_id: None,
            enterprise_id: Some(e.id),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    new_assessment(s, e.id, u.id, "迁移前").await
}

/// A new assessment of enterprise `e` created by `u`, never scored.
async fn new_assessment(s: &Store, e: i64, u: i64, title: &str) -> i64 {
    let mut tx = s.begin().await.unwrap();
    let a = repo::create_assessment(
        &mut tx,
        &NewAssessment {
            enterprise_id: e,
            org_id: None,
            scheme: "t11-aii-001-2020",
            variant: None,
            profile_name: None,
            profile_text: None,
            profile_hash: None,
            mode: Mode::SelfEvaluation,
            title,
            current_stars: 0,
            first_application: true,
            created_by: u,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    a.id
}

#[tokio::test]
async fn results_move_to_their_own_table_unchanged() {
    for (s, _dir, schema) in bare().await {
        let b = format!("{:?}", s.backend);
        migrate_to(&s, 20).await;
        let with = assessment(&s).await;
        let without = assessment_without_result(&s).await;
        let text = r#"{"evaluation":{"total":{"score":61.5}},"中文":"保留"}"#;
        sqlx::query("UPDATE assessments SET result_json = $1, score = 61.5 WHERE id = $2")
            .bind(text)
            .bind(with)
            .execute(&s.pool)
            .await
            .unwrap();

        let applied = s.migrate().await.unwrap();
        assert!(applied.contains(&21), "{b}: {applied:?}");
        let a = repo::get_assessment(&s, with).await.unwrap().unwrap();
        assert_eq!(a.result_json.as_deref(), Some(text), "{b}");
        assert_eq!(a.score, Some(61.5), "{b}");
        let n = repo::get_assessment(&s, without).await.unwrap().unwrap();
        assert_eq!(n.result_json, None, "{b}");
        // the row keeps no copy: the column is gone
        assert!(
            sqlx::query("SELECT result_json FROM assessments")
                .fetch_all(&s.pool)
                .await
                .is_err(),
            "{b}"
        );

        // a new result is written to the table, in place of the last, and bumps the number
        for (k, t) in ["{\"k\":1}", "{\"k\":2}"].iter().enumerate() {
            let mut tx = s.begin().await.unwrap();
            repo::replace_result(
                &mut tx,
                without,
                &StoredResult {
                    scheme_version: "v",
                    engine_version: "e",
                    result_json: t,
                    score: Some(k as f64),
                    grade: None,
                    stars: None,
                    pack: None,
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            let n = repo::get_assessment(&s, without).await.unwrap().unwrap();
            assert_eq!(n.result_json.as_deref(), Some(*t), "{b}");
            assert_eq!(n.result_seq, k as i64 + 1, "{b}");
        }
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM assessment_results")
            .fetch_one(&s.pool)
            .await
            .unwrap();
        assert_eq!(rows, 2, "{b}: one row per assessment");

        if let Some((url, schema)) = schema {
            s.close().await;
            let admin = Store::connect(&url).await.unwrap();
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .execute(&admin.pool)
                .await;
            admin.close().await;
        }
    }
}

/// A second assessment of the same enterprise, never scored.
async fn assessment_without_result(s: &Store) -> i64 {
    let (e, u): (i64, i64) = sqlx::query_as("SELECT enterprise_id, created_by FROM assessments")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    new_assessment(s, e, u, "未评分").await
}
