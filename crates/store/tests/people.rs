//! The people tables (0010) refuse what the rules never write: an unknown kind of competence,
//! a day that is not `YYYY-MM-DD`, an empty or overlong reason. On SQLite and, when
//! TEST_DATABASE_URL is set, PostgreSQL.

use chrono::NaiveDate;
use tianping_domain::people::{Competence, CompetenceKind, ConflictDecl};
use tianping_domain::{OrgKind, Role};
use tianping_store::repo::{self, EnterpriseFields, NewUser};
use tianping_store::{people, Store};

async fn stores() -> Vec<(Store, Option<tempfile::TempDir>, Option<(String, String)>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = Store::open(path.to_str().unwrap()).await.unwrap();
    let mut out = vec![(s, Some(dir), None)];
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("tp_people_{}", &tianping_store::random_token()[..12]);
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

async fn refused(s: &Store, q: &str) {
    let r = sqlx::query(q).execute(&s.pool).await;
    assert!(r.is_err(), "{:?}: “{q}” should be refused", s.backend);
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn records_round_trip_and_the_database_refuses_other_text() {
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
                role: Role::Auditor,
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
        let c = people::add_competence(
            &mut tx,
            org.id,
            u.id,
            &Competence {
                kind: CompetenceKind::Ccaa,
                value: "2024-N1QMS-1".into(),
                obtained_on: None,
                valid_until: Some(d("2027-06-30")),
            },
            u.id,
        )
        .await
        .unwrap();
        assert_eq!(c.kind, CompetenceKind::Ccaa, "{b:?}");
        assert_eq!(c.valid_until, Some(d("2027-06-30")), "{b:?}");
        let k = people::declare_conflict(
            &mut tx,
            org.id,
            u.id,
            &ConflictDecl {
                enterprise_id: e.id,
                reason: "2年内为其提供咨询".into(),
                until: Some(d("2027-12-31")),
            },
            d("2026-03-01"),
            u.id,
        )
        .await
        .unwrap();
        assert_eq!(k.declared_on, d("2026-03-01"), "{b:?}");
        assert!(people::withdraw_conflict(&mut tx, u.id, k.id, u.id)
            .await
            .unwrap()
            .is_some());
        assert!(
            people::withdraw_conflict(&mut tx, u.id, k.id, u.id)
                .await
                .unwrap()
                .is_none(),
            "{b:?}: withdrawn twice"
        );
        tx.commit().await.unwrap();
        assert_eq!(people::competence_of(&s, u.id).await.unwrap(), vec![c]);
        assert!(people::open_conflicts_for(&s, org.id, e.id)
            .await
            .unwrap()
            .is_empty());

        let (o, uid, eid) = (org.id, u.id, e.id);
        refused(&s, &format!("INSERT INTO competence_records (org_id, user_id, kind, value, recorded_by, recorded_at) VALUES ({o}, {uid}, 'cnas', 'x', {uid}, 't')")).await;
        refused(&s, &format!("INSERT INTO competence_records (org_id, user_id, kind, value, valid_until, recorded_by, recorded_at) VALUES ({o}, {uid}, 'ccaa', 'x', '30.06.2027', {uid}, 't')")).await;
        refused(
            &s,
            &format!("UPDATE competence_records SET kind = 'other' WHERE user_id = {uid}"),
        )
        .await;
        refused(&s, &format!("INSERT INTO conflict_declarations (org_id, user_id, enterprise_id, reason, declared_on, declared_by, declared_at) VALUES ({o}, {uid}, {eid}, '', '2026-03-01', {uid}, 't')")).await;
        let long = "冲".repeat(501);
        refused(&s, &format!("INSERT INTO conflict_declarations (org_id, user_id, enterprise_id, reason, declared_on, declared_by, declared_at) VALUES ({o}, {uid}, {eid}, '{long}', '2026-03-01', {uid}, 't')")).await;
        let ok = "冲".repeat(500);
        sqlx::query(&format!("INSERT INTO conflict_declarations (org_id, user_id, enterprise_id, reason, declared_on, declared_by, declared_at) VALUES ({o}, {uid}, {eid}, '{ok}', '2026-03-01', {uid}, 't')"))
            .execute(&s.pool)
            .await
            .unwrap_or_else(|e| panic!("{b:?}: 500 characters are accepted: {e}"));
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
