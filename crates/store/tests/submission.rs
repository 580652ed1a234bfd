//! Submitting and withdrawing (migration 0006) on SQLite and (when TEST_DATABASE_URL is set)
//! PostgreSQL: the record, the versions written after a submission with their writers'
//! roles, and the database's own checks.

use tianping_domain::{Mode, Role};
use tianping_store::repo::{self, AnswerWrite, EnterpriseFields, NewAssessment, NewUser};
use tianping_store::{submission, Store};

/// A fresh SQLite file, and a fresh PostgreSQL schema when TEST_DATABASE_URL is set (with the
/// URL and schema to drop).
async fn stores() -> Vec<(Store, Option<tempfile::TempDir>, Option<(String, String)>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut out = vec![(
        Store::open(path.to_str().unwrap()).await.unwrap(),
        Some(dir),
        None,
    )];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        if !url.is_empty() {
            let schema = format!("tp_sub_{}", &tianping_store::random_token()[..12]);
            let s = Store::connect_in_schema(&url, Some(&schema)).await.unwrap();
            s.migrate().await.unwrap();
            out.push((s, None, Some((url, schema))));
        }
    }
    out
}

async fn user(s: &Store, email: &str, role: Role, ent: Option<i64>) -> i64 {
    let mut tx = s.begin().await.unwrap();
    let u = repo::create_user(
        &mut tx,
        &NewUser {
            email,
            name: email,
            password_hash: "x",
            role,
            org_id: None,
            enterprise_id: ent,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    u.id
}

async fn version(s: &Store, id: i64, by: i64) {
    let mut tx = s.begin().await.unwrap();
    repo::put_answer(
        &mut tx,
        &AnswerWrite {
            assessment_id: id,
            indicator_id: "A.1-1",
            value_json: Some("5"),
            note: "",
            source: None,
            revision: 1,
            by,
            expert_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn submissions_are_recorded_and_withdrawals_checked_by_the_database() {
    for (s, _dir, schema) in stores().await {
        let b = s.backend;
        let mut tx = s.begin().await.unwrap();
        let e = repo::create_enterprise(
            &mut tx,
            &EnterpriseFields {
                uscc: "91350100M000100Y43".into(),
                name: "E".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let member = user(&s, "m@e.test", Role::Enterprise, Some(e.id)).await;
        let staff = user(&s, "s@b.test", Role::Auditor, None).await;
        let mut tx = s.begin().await.unwrap();
        let a = repo::create_assessment(
            &mut tx,
            &NewAssessment {
                enterprise_id: e.id,
                org_id: None,
                scheme: "t11-aii-001-2020",
                variant: None,
                profile_name: None,
                profile_text: None,
                profile_hash: None,
                mode: Mode::SelfEvaluation,
                title: "t",
                current_stars: 0,
                first_application: true,
                created_by: member,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        version(&s, a.id, member).await;
        // submitted: who, when, and the last version so far
        let mut tx = s.begin().await.unwrap();
        assert!(
            submission::submit(&mut tx, a.id, member).await.unwrap(),
            "{b:?}"
        );
        assert!(
            !submission::submit(&mut tx, a.id, member).await.unwrap(),
            "{b:?}: once"
        );
        tx.commit().await.unwrap();
        let r = submission::get(&s, a.id).await.unwrap();
        assert_eq!(r.submitted_by, Some(member), "{b:?}");
        assert!(
            r.submitted_at.is_some() && r.last_version.unwrap_or(0) > 0,
            "{b:?}"
        );
        let mark = r.last_version.unwrap();
        assert!(submission::versions_after(&s, a.id, mark)
            .await
            .unwrap()
            .is_empty());
        version(&s, a.id, staff).await;
        let after = submission::versions_after(&s, a.id, mark).await.unwrap();
        assert_eq!(after.len(), 1, "{b:?}");
        assert_eq!(after[0].role, Role::Auditor, "{b:?}");
        // withdrawn: back to draft, recorded; cleared by the next submission
        let mut tx = s.begin().await.unwrap();
        assert!(
            submission::withdraw(&mut tx, a.id, member).await.unwrap(),
            "{b:?}"
        );
        assert!(
            !submission::withdraw(&mut tx, a.id, member).await.unwrap(),
            "{b:?}"
        );
        tx.commit().await.unwrap();
        let r = submission::get(&s, a.id).await.unwrap();
        assert_eq!(r.withdrawn_by, Some(member), "{b:?}");
        // the database refuses a withdrawal without its author, or on a submitted assessment
        for bad in [
            "UPDATE assessments SET withdrawn_by = NULL WHERE id = $1",
            "UPDATE assessments SET status = 'submitted' WHERE id = $1",
        ] {
            let e = sqlx::query(bad).bind(a.id).execute(&s.pool).await;
            assert!(e.is_err(), "{b:?}: {bad} was accepted");
        }
        let mut tx = s.begin().await.unwrap();
        assert!(
            submission::submit(&mut tx, a.id, member).await.unwrap(),
            "{b:?}"
        );
        tx.commit().await.unwrap();
        let r = submission::get(&s, a.id).await.unwrap();
        assert_eq!((r.withdrawn_at, r.withdrawn_by), (None, None), "{b:?}");
        assert!(r.last_version.unwrap() > mark, "{b:?}");
        s.close().await;
        if let Some((url, schema)) = schema {
            let admin = Store::connect(&url).await.unwrap();
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .execute(&admin.pool)
                .await;
            admin.close().await;
        }
    }
}
