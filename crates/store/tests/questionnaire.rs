//! The questionnaire tables (0013): a link takes one response (a second answer on it writes
//! nothing), and the database refuses what the rules never write — a status other than
//! open/closed, a token hash that is not 64 characters, a used flag other than 0/1, a closing
//! day that is not `YYYY-MM-DD`. On SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.

use chrono::NaiveDate;
use tianping_domain::questionnaire::QuestionnaireStatus;
use tianping_domain::{Mode, OrgKind, Role};
use tianping_store::repo::{self, EnterpriseFields, NewAssessment, NewUser};
use tianping_store::{questionnaire as q, sha256_hex, Store};

async fn stores() -> Vec<(Store, Option<tempfile::TempDir>, Option<(String, String)>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = Store::open(path.to_str().unwrap()).await.unwrap();
    let mut out = vec![(s, Some(dir), None)];
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("tp_quest_{}", &tianping_store::random_token()[..12]);
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

async fn refused(s: &Store, sql: &str) {
    let r = sqlx::query(sql).execute(&s.pool).await;
    assert!(r.is_err(), "{:?}: “{sql}” should be refused", s.backend);
}

#[tokio::test]
async fn a_link_takes_one_response_and_the_tables_refuse_other_values() {
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
        let a = repo::create_assessment(
            &mut tx,
            &NewAssessment {
                enterprise_id: e.id,
                org_id: Some(org.id),
                scheme: "t-cic-capability",
                variant: None,
                profile_name: None,
                profile_text: None,
                profile_hash: None,
                mode: Mode::Onsite,
                title: "T",
                current_stars: 0,
                first_application: false,
                created_by: u.id,
            },
        )
        .await
        .unwrap();
        let hashes: Vec<String> = ["t1", "t2"]
            .iter()
            .map(|t| sha256_hex(t.as_bytes()))
            .collect();
        let items = vec!["A1.2.13".to_string(), "A1.2.15".to_string()];
        let day: NaiveDate = "2026-12-10".parse().unwrap();
        let made = q::create(&mut tx, a.id, &items, day, u.id, &hashes)
            .await
            .unwrap();
        assert_eq!(made.status, QuestionnaireStatus::Open, "{b:?}");
        assert_eq!((made.items.clone(), made.closes_on), (items, day), "{b:?}");
        assert!(
            q::answer(&mut tx, made.id, &hashes[0], r#"{"A1.2.13":4,"A1.2.15":5}"#)
                .await
                .unwrap()
        );
        assert!(
            !q::answer(&mut tx, made.id, &hashes[0], r#"{"A1.2.13":1,"A1.2.15":1}"#)
                .await
                .unwrap(),
            "{b:?}: a used link takes no second response"
        );
        assert!(
            !q::answer(&mut tx, made.id + 1, &hashes[1], "{}")
                .await
                .unwrap(),
            "{b:?}: a link answers only its own questionnaire"
        );
        let (_, facts) = q::link(&mut tx, &hashes[0]).await.unwrap().unwrap();
        assert!(facts.used, "{b:?}");
        let (_, facts) = q::link(&mut tx, &hashes[1]).await.unwrap().unwrap();
        assert!(!facts.used, "{b:?}");
        assert!(q::link(&mut tx, &sha256_hex(b"t3"))
            .await
            .unwrap()
            .is_none());
        q::close(&mut tx, made.id, u.id).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(q::responses(&s, made.id).await.unwrap().len(), 1, "{b:?}");
        assert_eq!(q::link_counts(&s, made.id).await.unwrap(), (2, 1), "{b:?}");
        let got = q::get(&s, made.id).await.unwrap().unwrap();
        assert_eq!(got.status, QuestionnaireStatus::Closed, "{b:?}");
        assert_eq!(got.closed_by, Some(u.id), "{b:?}");

        let id = made.id;
        refused(
            &s,
            &format!("UPDATE questionnaires SET status = 'paused' WHERE id = {id}"),
        )
        .await;
        refused(
            &s,
            &format!("UPDATE questionnaires SET closes_on = '10/12/2026' WHERE id = {id}"),
        )
        .await;
        refused(
            &s,
            &format!("INSERT INTO questionnaire_links (questionnaire_id, token_hash) VALUES ({id}, 'short')"),
        )
        .await;
        refused(
            &s,
            &format!("UPDATE questionnaire_links SET used = 2 WHERE questionnaire_id = {id}"),
        )
        .await;
        refused(
            &s,
            &format!(
                "INSERT INTO questionnaire_links (questionnaire_id, token_hash) VALUES ({id}, '{}')",
                hashes[0]
            ),
        )
        .await;
        s.close().await;
        if let Some((url, schema)) = schema {
            let c = Store::connect(&url).await.unwrap();
            sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .execute(&c.pool)
                .await
                .unwrap();
            c.close().await;
        }
    }
}
