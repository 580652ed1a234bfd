//! On-site from self, on SQLite and PostgreSQL: the body's auditor starts an on-site
//! assessment from the enterprise's submitted T11/AII self-assessment; its answers (marked,
//! sources kept, self-declared ones unverified) and evidence are carried; carried self answers
//! count only once verified; the comparison page and API show the differences once the
//! auditor changes an answer. Who may not: the enterprise (403), another body's auditor and
//! another enterprise (404).

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use tianping_core::Plan;
use tianping_store::{audit, repo};

fn plan() -> Plan<'static> {
    let s = catalog().get("t11-aii-001-2020").unwrap();
    Plan::new(s, Some("tech-service"), None).unwrap()
}

async fn score(app: &App, id: i64) -> f64 {
    let a = repo::get_assessment(&app.state.store, id).await.unwrap();
    a.unwrap().score.unwrap_or(0.0)
}

#[tokio::test]
async fn an_onsite_assessment_starts_from_the_submitted_self_assessment() {
    let plan = plan();
    let items: Vec<String> = plan
        .leaves
        .iter()
        .take(3)
        .map(|l| l.ind.id.clone())
        .collect();
    let (own, third, fresh) = (&items[0], &items[1], &items[2]);
    for app in apps().await {
        let b = app.backend;
        let st = &app.state;
        let f = fixture(&app).await;
        let ent = app.api(&token(&app, "a@a.test").await);
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        let sid = f.star_a;
        let ua = repo::user_by_email(&st.store, "a@a.test")
            .await
            .unwrap()
            .unwrap();
        let pdf = b"%PDF-1.4\n% evidence\n";
        tianping_app::evidence::add(st, &ua, sid, third, "proof.pdf", pdf)
            .await
            .unwrap();
        let ans = |id: i64, ind: &str| format!("/assessments/{id}/answers/{}", enc(ind));
        let r = ent
            .put(&ans(sid, own), json!({"value": 80, "note": "见年报"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = ent
            .put(
                &ans(sid, third),
                json!({"value": 70, "source": "third_party"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        // a draft self-assessment cannot be the source
        let start = format!("/assessments/{sid}/onsite");
        let r = aud.post(&start, json!({})).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        let r = ent
            .post(&format!("/assessments/{sid}/submit"), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        // the enterprise may not; another body and another enterprise do not see it
        let r = ent.post(&start, json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        let aud2 = app.api(&token(&app, "auditor@b2.test").await);
        let other = app.api(&token(&app, "b@b.test").await);
        assert_eq!(
            aud2.post(&start, json!({})).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert_eq!(
            other.post(&start, json!({})).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );

        let r = aud.post(&start, json!({})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let v = r.json();
        let oid = v["id"].as_i64().unwrap();
        assert_eq!(v["mode"], "onsite", "{b}: {v}");
        assert_eq!(v["scheme"], "t11-aii-001-2020", "{b}: {v}");
        assert_eq!(v["variant"], "tech-service", "{b}: {v}");
        // answers carried: value, marked note, source kept, self-declared unverified
        let rows = repo::answers(&st.store, oid).await.unwrap();
        assert_eq!(rows.len(), 2, "{b}: {rows:?}");
        let row = |ind: &str| rows.iter().find(|r| r.indicator_id == ind).unwrap();
        let val = |ind: &str| {
            serde_json::from_str::<Value>(row(ind).value_json.as_deref().unwrap()).unwrap()
        };
        assert_eq!(
            val(own),
            json!({"value": 80, "source": "self", "verified": false}),
            "{b}"
        );
        assert_eq!(row(own).note, "（自评带入）见年报", "{b}");
        assert_eq!(row(own).source.map(|s| s.as_str()), Some("self"), "{b}");
        assert_eq!(val(third)["source"], "third_party", "{b}");
        assert!(row(third).note.starts_with("（自评带入）"), "{b}");
        // evidence linked to the same bytes
        let from = repo::evidence_of(&st.store, sid).await.unwrap();
        let to = repo::evidence_of(&st.store, oid).await.unwrap();
        assert_eq!(to.len(), 1, "{b}");
        assert_eq!(
            (to[0].indicator_id.as_str(), &to[0].sha256),
            (third.as_str(), &from[0].sha256),
            "{b}"
        );
        // one audit entry for the whole creation
        let actions: Vec<String> = audit::for_object(&st.store, "assessment", &oid.to_string())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, vec!["create_from_self".to_string()], "{b}");

        // nothing differs yet
        let cmp = format!("/assessments/{oid}/compare");
        let r = aud.get(&cmp).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["differences"], 0, "{b}: {}", r.body);
        assert_eq!(r.json()["base"], sid, "{b}");

        // the carried self answer counts only once verified (here: corrected to 60)
        let before = score(&app, oid).await;
        let r = aud
            .post(
                &format!("{}/verify", ans(oid, own)),
                json!({"value": 60, "note": "现场核对为 60"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(
            score(&app, oid).await > before,
            "{b}: the verified answer counts"
        );
        let r = aud.put(&ans(oid, fresh), json!({"value": 90})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);

        let r = aud.get(&cmp).await;
        let v = r.json();
        assert_eq!(v["differences"], 2, "{b}: {v}");
        let differing: Vec<&str> = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["differs"] == true)
            .map(|r| r["indicator"].as_str().unwrap())
            .collect();
        assert_eq!(differing, vec![own.as_str(), fresh.as_str()], "{b}: {v}");
        // the same with an explicit `with`, and the enterprise reads its own comparison
        let r = ent.get(&format!("{cmp}?with={sid}")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["differences"], 2, "{b}");
        // another body's auditor and another enterprise: 404
        assert_eq!(aud2.get(&cmp).await.status, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(other.get(&cmp).await.status, StatusCode::NOT_FOUND, "{b}");
        // not the same enterprise and scheme
        let r = aud.get(&format!("{cmp}?with={}", f.onsite_a)).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );

        // the pages
        let mut page = app.browser();
        page.login("auditor@b1.test", PW).await;
        let r = page.get(&format!("/assessments/{sid}")).await;
        assert!(r.body.contains("据此开始现场评价"), "{b}");
        let r = page.get(&format!("/assessments/{oid}")).await;
        assert!(r.body.contains("与企业自评对比"), "{b}");
        let r = page.get(&format!("{cmp}?diff=1")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(r.body.contains("2 项不同"), "{b}: {}", r.body);
        assert!(r.body.contains("80（企业自报，未核验）"), "{b}: {}", r.body);
        assert!(r.body.contains("60（"), "{b}: {}", r.body);
        assert!(!r.body.contains("相同"), "{b}: only differences shown");
        let r = page.get(&cmp).await;
        assert!(r.body.contains("相同"), "{b}");
        let mut page2 = app.browser();
        page2.login("auditor@b2.test", PW).await;
        assert_eq!(page2.get(&cmp).await.status, StatusCode::NOT_FOUND, "{b}");
        // the button on the page starts one too
        let r = page.post(&format!("/assessments/{sid}/onsite"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let mut ent_page = app.browser();
        ent_page.login("a@a.test", PW).await;
        let r = ent_page
            .post(&format!("/assessments/{sid}/onsite"), &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        app.cleanup().await;
    }
}
