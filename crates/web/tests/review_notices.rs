//! Notifications of the body's review, on SQLite and PostgreSQL: verification finished tells
//! the enterprise's members (once until read, however many tables are verified), and a
//! request to change a locked identity tells the admins of the engaged body, no one else.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tianping_core::Plan;

#[tokio::test]
async fn verification_tells_the_enterprise_and_an_identity_request_tells_the_body_admins() {
    let s = catalog().get("t11-aii-001-2020").unwrap();
    let plan = Plan::new(s, Some("tech-service"), None).unwrap();
    let mut tables: Vec<&str> = Vec::new();
    for l in &plan.leaves {
        if !tables.contains(&l.ind.table.as_str()) {
            tables.push(&l.ind.table);
        }
    }
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let ent = app.api(&token(&app, "a@a.test").await);
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        let aid = f.star_a;
        // the enterprise answers one item in each of two tables
        for t in &tables[..2] {
            let ind = &plan
                .leaves
                .iter()
                .find(|l| l.ind.table == *t)
                .unwrap()
                .ind
                .id;
            let r = ent
                .put(
                    &format!("/assessments/{aid}/answers/{}", enc(ind)),
                    json!({"value": 80}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        }
        assert!(!kinds(&app, "a@a.test").await.contains(&"verified".into()));
        for t in &tables[..2] {
            let r = aud
                .post(&format!("/assessments/{aid}/verify"), json!({"table": t}))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        }
        let got = kinds(&app, "a@a.test").await;
        assert_eq!(
            got.iter().filter(|k| *k == "verified").count(),
            1,
            "{b}: told once until read: {got:?}"
        );
        assert!(
            !kinds(&app, "b@b.test").await.contains(&"verified".into()),
            "{b}: another enterprise hears nothing"
        );

        // Enterprise A engaged Body One: its name is locked, a change is a request
        let e = ent.get(&format!("/enterprises/{}", f.ent_a)).await.json();
        let mut record = serde_json::Map::new();
        for k in [
            "uscc",
            "registered_address",
            "operating_address",
            "legal_representative",
            "industry_code",
            "headcount",
            "enterprise_type",
            "category",
        ] {
            record.insert(k.into(), e[k].clone());
        }
        record.insert("name".into(), json!("Enterprise A Renamed"));
        let record = serde_json::Value::Object(record);
        let r = ent.put(&format!("/enterprises/{}", f.ent_a), record).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(
            kinds(&app, "admin@b1.test")
                .await
                .contains(&"change_requested".into()),
            "{b}: the engaged body's admin is told"
        );
        for other in ["auditor@b1.test", "auditor@b2.test", "a@a.test"] {
            assert!(
                !kinds(&app, other)
                    .await
                    .contains(&"change_requested".into()),
                "{b}: {other} is not told"
            );
        }
        app.cleanup().await;
    }
}
