//! Submitting with care, on SQLite and PostgreSQL: the confirmation page lists what is
//! unanswered and unverified and the result that would be submitted, unanswered items must be
//! acknowledged, the submission is recorded, and the submitter can withdraw it until the body
//! has acted on it.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use tianping_core::Plan;
use tianping_store::audit;
use tianping_store::repo::{self, AnswerWrite};

fn star_items() -> Vec<String> {
    let s = catalog().get("t11-aii-001-2020").unwrap();
    let plan = Plan::new(s, Some("tech-service"), None).unwrap();
    plan.leaves.iter().map(|l| l.ind.id.clone()).collect()
}

/// The newest audit entry of an assessment with this action.
async fn audited(app: &App, id: i64, action: &str) -> Option<Value> {
    audit::for_object(&app.state.store, "assessment", &id.to_string())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == action)
        .map(|e| serde_json::from_str(e.after_json.as_deref().unwrap_or("null")).unwrap())
}

/// An answer version written now by `email` (as a reviewer's verification would write one),
/// through the store.
async fn version_by(app: &App, email: &str, id: i64, indicator: &str) {
    let u = repo::user_by_email(&app.state.store, email)
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.state.store.begin().await.unwrap();
    let v = json!({"value": 80, "source": "self", "verified": true}).to_string();
    repo::put_answer(
        &mut tx,
        &AnswerWrite {
            assessment_id: id,
            indicator_id: indicator,
            value_json: Some(&v),
            note: "",
            source: Some(tianping_app::domain::Source::SelfDeclared),
            revision: 1,
            by: u.id,
            expert_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_confirmation_page_lists_what_is_missing_and_needs_an_acknowledgement() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let items = star_items();
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let tok = token(&app, "a@a.test").await;
        // one self-declared answer (kept, not counted until verified)
        let r = a
            .post(
                &format!("/assessments/{}/items/{}/answer", f.star_a, enc(&items[0])),
                &[("value", "80"), ("source", "self")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        let n = items.len() - 1;
        // the assessment page links the confirmation page; no one-click submit
        let r = a.get(&format!("/assessments/{}", f.star_a)).await;
        let confirm = format!("/assessments/{}/submit", f.star_a);
        assert!(r.body.contains(&format!(r#"href="{confirm}""#)), "{b}");
        assert!(!r.body.contains(&format!(r#"action="{confirm}""#)), "{b}");
        let r = a.get(&confirm).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains(&format!("未填的指标（{n} 项）")), "{b}");
        assert!(r.body.contains("企业自报、尚未核验的答案（1 项）"), "{b}");
        let unverified = r.body.find("企业自报、尚未核验的答案").unwrap();
        assert!(
            r.body[unverified..].contains(&format!("/items/{}\"", items[0])),
            "{b}: the unverified item is linked"
        );
        assert!(
            r.body.contains("将提交的结果") && r.body.contains("提交后会怎样"),
            "{b}"
        );
        assert!(
            r.body.contains("核验") && r.body.contains("撤回"),
            "{b}: what happens next"
        );
        assert!(
            r.body
                .contains(&format!(r#"name="acknowledge" value="{n}" required"#)),
            "{b}"
        );
        // without the acknowledgement (or with a smaller number): refused, nothing changes
        for ack in [vec![], vec![("acknowledge", "3")]] {
            let r = a.post(&confirm, &ack).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
            assert!(r.body.contains(&format!("仍有 {n} 项未填")), "{b}");
            let j = app
                .api(&tok)
                .get(&format!("/assessments/{}", f.star_a))
                .await
                .json();
            assert_eq!(j["status"], "draft", "{b}");
        }
        let count = n.to_string();
        let r = a.post(&confirm, &[("acknowledge", count.as_str())]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(r.location(), format!("/assessments/{}/result", f.star_a));
        // recorded: who and when, with an audit entry
        let j = app
            .api(&tok)
            .get(&format!("/assessments/{}", f.star_a))
            .await
            .json();
        let me = app.api(&tok).get("/me").await.json();
        assert_eq!(j["status"], "submitted", "{b}");
        assert_eq!(j["submitted_by"], me["id"], "{b}");
        assert!(j["submitted_at"].is_string(), "{b}");
        let after = audited(&app, f.star_a, "submit").await.expect("audited");
        assert_eq!(after["unanswered"], n, "{b}");
        assert_eq!(after["unverified"], 1, "{b}");
        // the page now shows the record and the way back
        let r = a.get(&confirm).await;
        assert!(
            r.body.contains("提交：") && r.body.contains("撤回提交"),
            "{b}"
        );
        let r = a.get(&format!("/assessments/{}", f.star_a)).await;
        assert!(
            r.body
                .contains(&format!(r#"action="/assessments/{}/withdraw""#, f.star_a)),
            "{b}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_submitter_withdraws_until_the_body_has_acted() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let items = star_items();
        let tok = token(&app, "a@a.test").await;
        let api = app.api(&tok);
        let submit = format!("/assessments/{}/submit", f.star_a);
        let withdraw = format!("/assessments/{}/withdraw", f.star_a);
        // the API submits without an acknowledgement and lists what is missing
        api.put(
            &format!("/assessments/{}/answers/{}", f.star_a, items[0]),
            json!({"value": 70, "source": "self"}),
        )
        .await;
        let r = api.post(&submit, json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let j = r.json();
        assert_eq!(j["status"], "submitted", "{b}");
        assert_eq!(
            j["unanswered"].as_array().unwrap().len(),
            items.len() - 1,
            "{b}"
        );
        assert_eq!(j["unverified"][0]["indicator"], items[0].as_str(), "{b}");
        assert_eq!(j["unverified"][0]["table"], "F1.1", "{b}");
        assert!(
            j["unverified"][0]["name"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{b}"
        );
        // withdrawn on the page: back to draft, recorded
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        a.get(&format!("/assessments/{}", f.star_a)).await;
        let r = a.post(&withdraw, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert!(
            a.get(&r.location()).await.body.contains("已撤回提交"),
            "{b}"
        );
        let j = api.get(&format!("/assessments/{}", f.star_a)).await.json();
        assert_eq!(j["status"], "draft", "{b}");
        let after = audited(&app, f.star_a, "withdraw").await.expect("audited");
        assert_eq!(after["status"], "draft", "{b}");
        assert!(a.get(&submit).await.body.contains("上次提交已撤回"), "{b}");
        // withdrawing a draft: 409
        let r = api.post(&withdraw, json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        assert!(
            r.json()["detail"].as_str().unwrap().contains("尚未提交"),
            "{b}"
        );
        // submitted again; the enterprise's own later versions do not stop a withdrawal ...
        assert_eq!(
            api.post(&submit, json!({})).await.status,
            StatusCode::OK,
            "{b}"
        );
        version_by(&app, "a@a.test", f.star_a, &items[1]).await;
        let r = api.post(&withdraw, json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["status"], "draft", "{b}");
        // ... a reviewer's do: once the body has acted, the withdrawal is refused with the reason
        assert_eq!(
            api.post(&submit, json!({})).await.status,
            StatusCode::OK,
            "{b}"
        );
        version_by(&app, "auditor@b1.test", f.star_a, &items[0]).await;
        let r = api.post(&withdraw, json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        assert!(
            r.json()["detail"]
                .as_str()
                .unwrap()
                .contains("评价机构已在提交后处理了答案"),
            "{b}"
        );
        let r = a.post(&withdraw, &[]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        assert!(r.body.contains("不能再撤回"), "{b}");
        let r = a.get(&format!("/assessments/{}", f.star_a)).await;
        assert!(
            r.body.contains("不能再撤回") && !r.body.contains(&format!(r#"action="{withdraw}""#)),
            "{b}: the reason instead of the button"
        );
        let j = api.get(&format!("/assessments/{}", f.star_a)).await.json();
        assert_eq!(j["status"], "submitted", "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_body_submits_and_withdraws_its_own_on_site_assessment() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let mut aud = app.browser();
        aud.login("auditor@b1.test", PW).await;
        let confirm = format!("/assessments/{}/submit", f.onsite_a);
        let r = aud.get(&confirm).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            r.body.contains("现场评价结果"),
            "{b}: what happens next, on site"
        );
        let ack = r
            .body
            .split(r#"name="acknowledge" value=""#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let r = aud.post(&confirm, &[("acknowledge", ack.as_str())]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let r = aud
            .post(&format!("/assessments/{}/withdraw", f.onsite_a), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn submitting_and_withdrawing_are_forbidden_to_others() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let confirm = |id: i64| format!("/assessments/{id}/submit");
        let withdraw = |id: i64| format!("/assessments/{id}/withdraw");
        // another enterprise: not found, in pages and API
        let mut other = app.browser();
        other.login("b@b.test", PW).await;
        assert_eq!(
            other.get(&confirm(f.star_a)).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert_eq!(
            other.post(&confirm(f.star_a), &[]).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert_eq!(
            other.post(&withdraw(f.star_a), &[]).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let api_b = app.api(&token(&app, "b@b.test").await);
        let r = api_b.post(&withdraw(f.star_a), json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        // those who see it but may not submit: 403 with the reason
        let mut dec = app.browser();
        dec.login("decider@b1.test", PW).await;
        let r = dec.get(&confirm(f.onsite_a)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        assert!(r.body.contains("只有评价的负责方"), "{b}");
        assert_eq!(
            dec.post(&withdraw(f.onsite_a), &[]).await.status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
        let mut ex = app.browser();
        ex.login("expert1@b1.test", PW).await;
        assert_eq!(
            ex.get(&confirm(f.onsite_a)).await.status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
        // the platform operator feeds data but does not submit or withdraw the enterprise's
        let tok = token(&app, "a@a.test").await;
        let r = app.api(&tok).post(&confirm(f.star_a), json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let op = app.api(&token(&app, "operator@p.test").await);
        let r = op.post(&withdraw(f.star_a), json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        let mut opb = app.browser();
        opb.login("operator@p.test", PW).await;
        assert_eq!(
            opb.get(&confirm(f.star_a)).await.status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
        app.cleanup().await;
    }
}
