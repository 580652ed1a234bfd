//! The permission rules that issue 7 moved into the domain crate, seen through pages and
//! API on every database: experts see no totals, platform operators touch only 线上 items,
//! the system administrator reads but does not edit enterprises, and the databases refuse
//! text outside the enums.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tianping_core::{Category, Plan};

/// A 线上 and a 线下 item of the fixture's T11/AII tech-service self-assessment.
fn online_and_offline() -> (String, String) {
    let scheme = catalog().get("t11-aii-001-2020").unwrap();
    let plan = Plan::new(scheme, Some("tech-service"), None).unwrap();
    let find = |c: Category| {
        plan.leaves
            .iter()
            .find(|l| l.ind.category == Some(c))
            .unwrap()
            .ind
            .id
            .clone()
    };
    (find(Category::Online), find(Category::Offline))
}

#[tokio::test]
async fn experts_see_no_totals_in_the_assessment_list() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        // the body's own view has the on-site assessment's total
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        let r = aud.get("/assessments").await;
        let mine = r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == json!(f.onsite_a))
            .cloned()
            .unwrap();
        assert!(mine["score"].is_number(), "{b}: {mine}");
        let ex = app.api(&token(&app, "expert1@b1.test").await);
        let r = ex.get("/assessments").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let items = r.json()["items"].as_array().unwrap().clone();
        assert!(!items.is_empty(), "{b}");
        for a in items {
            for k in ["score", "grade", "stars"] {
                assert!(a[k].is_null(), "{b}: expert sees {k}: {a}");
            }
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn platform_operators_answer_and_upload_only_online_items() {
    let (online, offline) = online_and_offline();
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let mut op = app.browser();
        op.login("operator@p.test", PW).await;
        let item = |id: &str| format!("/assessments/{}/items/{}", f.star_a, enc(id));
        // the 线下 item: no answer or upload form, and an upload is refused
        let page = op.get(&item(&offline)).await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(
            !page.body.contains("/answer\""),
            "{b}: answer form on 线下 item"
        );
        assert!(
            !page.body.contains("/evidence\""),
            "{b}: upload form on 线下 item"
        );
        let r = op
            .upload(&format!("{}/evidence", item(&offline)), "d.txt", b"data")
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        // the 线上 item: both forms, and the upload is kept
        let page = op.get(&item(&online)).await;
        assert!(page.body.contains("/answer\""), "{b}");
        assert!(page.body.contains("/evidence\""), "{b}");
        let r = op
            .upload(&format!("{}/evidence", item(&online)), "d.txt", b"data")
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_system_admin_reads_but_does_not_edit_enterprises() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let sys = app.api(&token(&app, "sys@t.test").await);
        let path = format!("/enterprises/{}", f.ent_a);
        let r = sys.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let e = r.json();
        let mut body = serde_json::Map::new();
        for k in ["uscc", "name", "industry_code", "headcount"] {
            body.insert(k.into(), json!(e[k].to_string().trim_matches('"')));
        }
        body.insert("name".into(), json!("Renamed by the system admin"));
        let r = sys.put(&path, json!(body)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        assert_eq!(
            sys.get(&path).await.json()["name"],
            json!("Enterprise A"),
            "{b}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_databases_refuse_text_outside_the_enums() {
    for app in apps().await {
        let b = app.backend;
        let _f = fixture(&app).await;
        let pool = &app.state.store.pool;
        for sql in [
            "UPDATE users SET role = 'superuser' WHERE email = 'sys@t.test'",
            "UPDATE assessments SET status = 'approved'",
            "UPDATE assessments SET mode = 'remote'",
            "UPDATE orgs SET kind = 'club'",
            "UPDATE answers SET source = 'rumour'",
            "INSERT INTO orgs (kind, name, created_at) VALUES ('club', 'x', 'now')",
        ] {
            let r = tianping_store::sqlx::query(sql).execute(pool).await;
            // an UPDATE of an empty table changes nothing and cannot fail
            if sql.contains("answers") && r.as_ref().is_ok_and(|d| d.rows_affected() == 0) {
                continue;
            }
            let e = r.expect_err(sql).to_string();
            assert!(e.to_lowercase().contains("check"), "{b}: {sql}: {e}");
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_refused_answer_is_shown_with_its_reason_and_the_status_of_the_refusal() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let answer = |aid: i64| format!("/assessments/{}/items/{}/answer", aid, enc(&f.item));
        // invalid input: 422, the form again with what was typed (escaped) and the message
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let r = a
            .post(&answer(f.self_a), &[("value", "abc"), ("note", "<typed>")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.body.contains(r#"value="abc""#)
                && r.body.contains("&lt;typed&gt;")
                && r.body.contains("不是数字"),
            "{b}: {}",
            r.body
        );
        // refused by a permission rule: 403, the item page with the reason and no form
        let mut d = app.browser();
        d.login("decider@b1.test", PW).await;
        let r = d.post(&answer(f.onsite_a), &[("value", "1")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        assert!(
            r.body.contains("不能作答")
                && r.body.contains(r#"class="path""#)
                && !r
                    .body
                    .contains(&format!(r#"action="{}""#, answer(f.onsite_a))),
            "{b}: {}",
            r.body
        );
        // a submitted assessment: 409, locked
        let r = a
            .post(
                &format!("/assessments/{}/submit", f.self_a),
                &[("acknowledge", "1000")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        let r = a.post(&answer(f.self_a), &[("value", "1")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        assert!(r.body.contains("锁定"), "{b}");
        app.cleanup().await;
    }
}
