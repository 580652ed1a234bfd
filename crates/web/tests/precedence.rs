//! Precedence of answers (I-20) on SQLite and PostgreSQL, through the API and the pages: a
//! verified, platform or on-site answer is never overwritten by a lower source. The
//! enterprise's save over one is kept beside it as a disputed proposal that the body
//! resolves; the platform operator's is refused (409) naming who gave the current answer;
//! every outcome is audited.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use tianping_core::{Category, Plan};
use tianping_store::{audit, repo};

/// Online (线上) items of the fixture's T11/AII tech-service self-assessment.
fn online_items() -> Vec<String> {
    let s = catalog().get("t11-aii-001-2020").unwrap();
    let plan = Plan::new(s, Some("tech-service"), None).unwrap();
    plan.leaves
        .iter()
        .filter(|l| l.ind.category == Some(Category::Online))
        .map(|l| l.ind.id.clone())
        .collect()
}

async fn actions(app: &App, id: i64) -> Vec<String> {
    audit::for_object(&app.state.store, "assessment", &id.to_string())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn stored(app: &App, id: i64, ind: &str) -> Value {
    let rows = repo::answers(&app.state.store, id).await.unwrap();
    let row = rows.iter().find(|r| r.indicator_id == ind).unwrap();
    serde_json::from_str(row.value_json.as_deref().unwrap()).unwrap()
}

async fn score(app: &App, id: i64) -> f64 {
    let a = repo::get_assessment(&app.state.store, id).await.unwrap();
    a.unwrap().score.unwrap_or(0.0)
}

#[tokio::test]
async fn the_enterprises_value_does_not_replace_platform_data_it_becomes_a_proposal() {
    let x = online_items()[0].clone();
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aid = f.star_a;
        let path = format!("/assessments/{aid}/answers/{}", enc(&x));
        let op = app.api(&token(&app, "operator@p.test").await);
        let ent = app.api(&token(&app, "a@a.test").await);
        let r = op.put(&path, json!({"value": 88})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let total = score(&app, aid).await;
        assert!(total > 0.0, "{b}: platform data counts");
        // the issue's example: the enterprise's 100 does not replace the operator's 88
        let r = ent.put(&path, json!({"value": 100})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let saved = r.json();
        assert!(saved["kept"]["proposal"].is_i64(), "{b}: {saved}");
        let m = saved["kept"]["message"].as_str().unwrap();
        assert!(
            m.contains("88")
                && m.contains("平台数据")
                && m.contains("operator@p.test")
                && m.contains("提议"),
            "{b}: {m}"
        );
        assert_eq!(saved["value"]["value"].as_f64(), Some(88.0), "{b}: {saved}");
        assert_eq!(stored(&app, aid, &x).await["source"], "platform", "{b}");
        assert_eq!(score(&app, aid).await, total, "{b}: the total did not drop");
        // in English on request
        let r = app
            .api(&ent.token)
            .lang("en")
            .put(&path, json!({"value": 99}))
            .await;
        assert!(
            r.json()["kept"]["message"]
                .as_str()
                .unwrap()
                .contains("disputed proposal"),
            "{b}: {}",
            r.body
        );
        // the same value changes nothing; clearing is refused
        let r = ent.put(&path, json!({"value": 88})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.json()["kept"]["proposal"].is_null(), "{b}: {}", r.body);
        let r = ent.put(&path, json!({"value": null})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        assert!(r.body.contains("清除"), "{b}: {}", r.body);
        assert_eq!(
            stored(&app, aid, &x).await["value"].as_f64(),
            Some(88.0),
            "{b}"
        );
        // the proposals: the newest open, the older superseded
        let list = ent
            .get(&format!("/assessments/{aid}/proposals"))
            .await
            .json();
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{b}: {list}");
        assert_eq!(items[0]["status"], "open", "{b}");
        assert_eq!(items[0]["value"]["value"].as_f64(), Some(99.0), "{b}");
        assert_eq!(items[0]["held_value"]["value"].as_f64(), Some(88.0), "{b}");
        assert_eq!(items[1]["status"], "superseded", "{b}");
        // on the page: the enterprise's save is kept and said so; both sides see it
        let mut e = app.browser();
        e.login("a@a.test", PW).await;
        let item = format!("/assessments/{aid}/items/{}", enc(&x));
        let r = e
            .post(
                &format!("{item}/answer"),
                &[("value", "97"), ("source", "self")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(
            r.body.contains("待裁决的提议") && r.body.contains("operator@p.test"),
            "{b}: {}",
            r.body
        );
        let mut o = app.browser();
        o.login("operator@p.test", PW).await;
        let page = o.get(&item).await;
        assert!(
            page.body.contains("企业提议") && page.body.contains("<b>97</b>"),
            "{b}: the operator sees the proposal"
        );
        let acts = actions(&app, aid).await;
        assert_eq!(
            acts.iter().filter(|a| *a == "propose_answer").count(),
            3,
            "{b}"
        );
        assert!(acts.iter().any(|a| a == "answer_refused"), "{b}: {acts:?}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_operator_cannot_overwrite_an_answer_the_body_verified() {
    let online = online_items();
    let (y, z) = (online[1].clone(), online[2].clone());
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aid = f.star_a;
        let path = |i: &str| format!("/assessments/{aid}/answers/{}", enc(i));
        let op = app.api(&token(&app, "operator@p.test").await);
        let ent = app.api(&token(&app, "a@a.test").await);
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        for i in [&y, &z] {
            let r = ent.put(&path(i), json!({"value": 90})).await;
            assert_eq!(r.status, StatusCode::OK, "{b}");
        }
        let r = aud
            .post(&format!("{}/verify", path(&y)), json!({"note": "核对"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let total = score(&app, aid).await;
        // refused with who gave the current value and from which source
        let r = op.put(&path(&y), json!({"value": 70})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        assert!(r.content_type().contains("problem+json"), "{b}");
        let d = r.json()["detail"].as_str().unwrap().to_string();
        assert!(
            d.contains("90")
                && d.contains("auditor@b1.test")
                && d.contains("企业自报")
                && d.contains("评价机构"),
            "{b}: {d}"
        );
        let y_now = stored(&app, aid, &y).await;
        assert_eq!(y_now["value"].as_f64(), Some(90.0), "{b}");
        assert_eq!(y_now["verified"], true, "{b}");
        assert_eq!(score(&app, aid).await, total, "{b}");
        // the page says so beside the answer, with the same status
        let mut o = app.browser();
        o.login("operator@p.test", PW).await;
        let item = format!("/assessments/{aid}/items/{}", enc(&y));
        let r = o.post(&format!("{item}/answer"), &[("value", "70")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        assert!(
            r.body.contains("auditor@b1.test") && r.body.contains("不能被覆盖"),
            "{b}: {}",
            r.body
        );
        // platform data does replace the enterprise's unverified figure
        let r = op.put(&path(&z), json!({"value": 70})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(r.json().get("kept").is_none(), "{b}");
        assert_eq!(stored(&app, aid, &z).await["source"], "platform", "{b}");
        // nor clear an offline (线下) item's answer
        let s = catalog().get("t11-aii-001-2020").unwrap();
        let plan = Plan::new(s, Some("tech-service"), None).unwrap();
        let offline = plan
            .leaves
            .iter()
            .find(|l| l.ind.category == Some(Category::Offline))
            .unwrap()
            .ind
            .id
            .clone();
        let r = ent.put(&path(&offline), json!({"value": 40})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let r = op.put(&path(&offline), json!({"value": null})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        assert_eq!(
            stored(&app, aid, &offline).await["value"].as_f64(),
            Some(40.0),
            "{b}"
        );
        // which the enterprise cannot replace in turn (a proposal)
        let r = ent.put(&path(&z), json!({"value": 95})).await;
        assert!(r.json()["kept"]["proposal"].is_i64(), "{b}: {}", r.body);
        let acts = actions(&app, aid).await;
        assert_eq!(
            acts.iter().filter(|a| *a == "answer_refused").count(),
            2,
            "{b}: {acts:?}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_body_resolves_proposals() {
    let x = online_items()[0].clone();
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aid = f.star_a;
        let path = format!("/assessments/{aid}/answers/{}", enc(&x));
        let op = app.api(&token(&app, "operator@p.test").await);
        let ent = app.api(&token(&app, "a@a.test").await);
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        op.put(&path, json!({"value": 88})).await;
        let r = ent
            .put(&path, json!({"value": 100, "note": "以审计报告为准"}))
            .await;
        let pid = r.json()["kept"]["proposal"].as_i64().unwrap();
        let resolve = format!("/assessments/{aid}/proposals/{pid}");
        // the enterprise cannot resolve its own proposal; a rejection needs a reason
        let r = ent.post(&resolve, json!({"decision": "accept"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        let r = aud.post(&resolve, json!({"decision": "reject"})).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        let r = aud.post(&resolve, json!({"decision": "maybe"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let before = score(&app, aid).await;
        // accepted: the proposed figure becomes the answer, verified, and counts
        let r = aud
            .post(
                &resolve,
                json!({"decision": "accept", "note": "审计报告属实"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let v = r.json();
        assert_eq!(v["proposal"]["status"], "accepted", "{b}: {v}");
        assert_eq!(
            v["verified"]["items"][0]["value"]["value"].as_f64(),
            Some(100.0),
            "{b}"
        );
        assert!(
            v["verified"]["result"]["score"].as_f64().unwrap() > before,
            "{b}: {v}"
        );
        let now = stored(&app, aid, &x).await;
        assert_eq!(now["value"].as_f64(), Some(100.0), "{b}");
        assert_eq!(
            (&now["source"], &now["verified"]),
            (&json!("self"), &json!(true)),
            "{b}"
        );
        let r = aud.post(&resolve, json!({"decision": "accept"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: already dealt with");
        // now the body's answer: the operator is refused, the enterprise proposes again
        let r = op.put(&path, json!({"value": 50})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        let r = ent.put(&path, json!({"value": 60})).await;
        let pid = r.json()["kept"]["proposal"].as_i64().unwrap();
        // rejected on the page, with its reason; the answer stays
        let mut a = app.browser();
        a.login("auditor@b1.test", PW).await;
        let item = format!("/assessments/{aid}/items/{}", enc(&x));
        let page = a.get(&item).await;
        assert!(
            page.body
                .contains(&format!(r#"action="{item}/proposals/{pid}""#)),
            "{b}: the reviewer's decision form"
        );
        let mut e = app.browser();
        e.login("a@a.test", PW).await;
        assert!(
            !e.get(&item).await.body.contains("/proposals/"),
            "{b}: no decision form for the enterprise"
        );
        let r = a
            .post(
                &format!("{item}/proposals/{pid}"),
                &[("decision", "reject"), ("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("驳回提议时请在备注中写明理由"), "{b}");
        let r = a
            .post(
                &format!("{item}/proposals/{pid}"),
                &[("decision", "reject"), ("note", "无证据")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let list = ent
            .get(&format!("/assessments/{aid}/proposals"))
            .await
            .json();
        let p = &list["items"][0];
        assert_eq!(p["status"], "rejected", "{b}: {list}");
        assert_eq!(p["resolution_note"], "无证据", "{b}");
        assert_eq!(
            stored(&app, aid, &x).await["value"].as_f64(),
            Some(100.0),
            "{b}"
        );
        let page = e.get(&item).await;
        assert!(
            page.body.contains("已驳回") && page.body.contains("无证据"),
            "{b}: the enterprise sees the decision"
        );
        let acts = actions(&app, aid).await;
        for act in [
            "accept_proposal",
            "reject_proposal",
            "propose_answer",
            "answer_refused",
        ] {
            assert!(acts.iter().any(|a| a == act), "{b}: {act} in {acts:?}");
        }
        // the databases refuse text outside the enums in the new tables too
        for sql in [
            "UPDATE answer_proposals SET status = 'maybe'",
            "UPDATE answer_proposals SET source = 'rumour'",
            "UPDATE answer_verifications SET corrected = 2",
        ] {
            let r = tianping_store::sqlx::query(sql)
                .execute(&app.state.store.pool)
                .await;
            let e = r.expect_err(sql).to_string();
            assert!(e.to_lowercase().contains("check"), "{b}: {sql}: {e}");
        }
        app.cleanup().await;
    }
}
