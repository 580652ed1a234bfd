//! A case's documents (0009, kinds checked since 0012): stored and read back, and the
//! database refuses a kind that `tianping_domain::case_files::DocKind` does not spell — the
//! migrations list exactly its spellings. On SQLite and, when TEST_DATABASE_URL is set,
//! PostgreSQL.

use tianping_domain::case_files::DocKind;
use tianping_domain::{OrgKind, Role};
use tianping_store::cases::{self, NewFile};
use tianping_store::repo::{self, EnterpriseFields, NewUser};
use tianping_store::Store;

async fn stores() -> Vec<(Store, Option<tempfile::TempDir>, Option<(String, String)>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = Store::open(path.to_str().unwrap()).await.unwrap();
    let mut out = vec![(s, Some(dir), None)];
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("tp_files_{}", &tianping_store::random_token()[..12]);
            let s = Store::connect_in_schema(&url, Some(&schema)).await.unwrap();
            s.migrate().await.unwrap();
            out.push((s, None, Some((url, schema))));
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

/// The quoted spellings of a migration's `kind IN (…)`.
fn listed(sql: &str) -> Vec<String> {
    let start = sql.find("kind IN (").expect("a kind list") + "kind IN (".len();
    let end = start + sql[start..].find(')').unwrap();
    sql[start..end]
        .split(',')
        .map(|x| x.trim().trim_matches('\'').to_string())
        .collect()
}

#[test]
fn the_migrations_list_every_kind_of_document() {
    for sql in [
        include_str!("../migrations/sqlite/0012_case_file_kinds.sql"),
        include_str!("../migrations/postgres/0012_case_file_kinds.sql"),
    ] {
        assert_eq!(listed(sql), DocKind::TEXTS);
    }
}

#[tokio::test]
async fn files_round_trip_and_unknown_kinds_are_refused() {
    for (s, _dir, schema) in stores().await {
        let b = s.backend;
        let mut tx = s.begin().await.unwrap();
        let org = repo::create_org(&mut tx, OrgKind::Body, "B").await.unwrap();
        let u = repo::create_user(
            &mut tx,
            &NewUser {
                email: "a@b.test",
                name: "A",
                password_hash: "x",
                role: Role::BodyAdmin,
                org_id: Some(org.id),
                enterprise_id: None,
            },
        )
        .await
        .unwrap();
        let e = repo::create_enterprise(
            &mut tx,
            &EnterpriseFields {
                uscc: "91110108MA01ABCD1X".into(),
                name: "E".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let case = cases::create(&mut tx, "certification", org.id, e.id, "{}", u.id)
            .await
            .unwrap();
        let data = b"%PDF-1.4 contract";
        let hash = tianping_store::sha256_hex(data);
        let new = |kind| NewFile {
            kind,
            subject: "",
            sha256: &hash,
            data,
            file_name: "合同.pdf",
            content_type: "application/pdf",
        };
        let f = cases::add_file(&mut tx, case, &new("contract"), u.id)
            .await
            .unwrap();
        // the same bytes again: one blob, two records
        let g = cases::add_file(&mut tx, case, &new("other"), u.id)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!((f.kind.as_str(), f.size), ("contract", data.len() as i64));
        assert_eq!(f.file_name, "合同.pdf");
        assert_eq!(f.sha256, g.sha256);
        assert_eq!(
            cases::files(&s, case).await.unwrap(),
            vec![f.clone(), g.clone()]
        );
        assert_eq!(cases::file(&s, case, f.id).await.unwrap(), Some(f.clone()));
        assert_eq!(cases::file(&s, case + 1, f.id).await.unwrap(), None);

        let check = |r: Result<String, String>| {
            let msg = r.expect_err("an unknown kind is refused");
            assert!(
                msg.to_lowercase().contains("check") && msg.contains("case_files"),
                "{b:?}: {msg}"
            );
        };
        let mut tx = s.begin().await.unwrap();
        check(
            cases::add_file(&mut tx, case, &new("passport"), u.id)
                .await
                .map(|_| String::new())
                .map_err(|e| e.to_string()),
        );
        tx.rollback().await.unwrap();
        check(
            sqlx::query("UPDATE case_files SET kind = 'passport' WHERE id = $1")
                .bind(g.id)
                .execute(&s.pool)
                .await
                .map(|_| String::new())
                .map_err(|e| e.to_string()),
        );
        assert_eq!(cases::files(&s, case).await.unwrap().len(), 2, "{b:?}");

        s.close().await;
        if let Some((url, schema)) = schema {
            let c = Store::connect(&url).await.unwrap();
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .execute(&c.pool)
                .await;
            c.close().await;
        }
    }
}
