//! The PDF reports on SQLite and PostgreSQL: an assessment's report from the API and from
//! the result page's link holds the enterprise, the total and the stars; the same result
//! gives the same bytes; English on request; another enterprise gets 404, no token 401.

mod common;

#[path = "common/pdf.rs"]
mod pdf;

use axum::http::StatusCode;
use common::*;
use pdf::pdf_text;
use serde_json::{json, Value};
use tianping_app::domain::words::fig;
use tianping_core::Plan;

/// Answer every item of an on-site T11/AII assessment with `value` (batch).
async fn answer_all(app: &App, email: &str, aid: i64, value: f64) {
    let s = catalog().get("t11-aii-001-2020").unwrap();
    let plan = Plan::new(s, Some("tech-service"), None).unwrap();
    let api = app.api(&token(app, email).await);
    let rows: Vec<Value> = plan
        .leaves
        .iter()
        .map(|l| json!({"indicator": l.ind.id, "value": value}))
        .collect();
    let r = api
        .post(
            &format!("/assessments/{aid}/answers/batch"),
            json!({ "answers": rows }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn assessment_report_from_the_api_and_the_result_page() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        let r = aud
            .post(
                "/assessments",
                json!({"enterprise_id": f.ent_a, "scheme": "t11-aii-001-2020", "variant": "tech-service"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        answer_all(&app, "auditor@b1.test", id, 70.0).await;
        let score = aud.get(&format!("/assessments/{id}")).await.json()["score"]
            .as_f64()
            .unwrap();
        let r = aud.get(&format!("/assessments/{id}/report.pdf")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.content_type(), "application/pdf", "{b}");
        let t = pdf_text(&r.bytes);
        for want in [
            "Enterprise A",
            "Body One",
            &format!("{} / 1000", fig(score)),
            "星级评价",
            "表 3 逐级检查",
            "引擎版本",
            &format!("#{id}"),
        ] {
            assert!(t.contains(want), "{b}: missing {want:?} in\n{t}");
        }
        let again = aud.get(&format!("/assessments/{id}/report.pdf")).await;
        assert_eq!(r.bytes, again.bytes, "{b}: same result, same bytes");
        let en = aud
            .get(&format!("/assessments/{id}/report.pdf?lang=en"))
            .await;
        assert_eq!(en.status, StatusCode::OK, "{b}");
        let t = pdf_text(&en.bytes);
        assert!(
            t.contains("Star rating") && t.contains("Enterprise A"),
            "{b}: {t}"
        );
        // the enterprise sees its own; another enterprise and no token do not
        let own = app.api(&token(&app, "a@a.test").await);
        let r = own.get(&format!("/assessments/{id}/report.pdf")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let other = app.api(&token(&app, "b@b.test").await);
        let r = other.get(&format!("/assessments/{id}/report.pdf")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = app
            .api("")
            .get(&format!("/assessments/{id}/report.pdf"))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        // the result page links it, and the link answers the same document
        let mut page = app.browser();
        page.login("auditor@b1.test", PW).await;
        let res = page.get(&format!("/assessments/{id}/result")).await.body;
        assert!(
            res.contains(&format!("/assessments/{id}/report.pdf")),
            "{b}"
        );
        assert!(res.contains("下载 PDF"), "{b}");
        let p = page.get(&format!("/assessments/{id}/report.pdf")).await;
        assert_eq!(p.status, StatusCode::OK, "{b}");
        assert_eq!(p.bytes, again.bytes, "{b}: page and API give one document");
        let mut page_b = app.browser();
        page_b.login("b@b.test", PW).await;
        let p = page_b.get(&format!("/assessments/{id}/report.pdf")).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn stage_report_pdf_lists_each_stage_with_its_band() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        let r = aud
            .post(
                "/assessments",
                json!({"enterprise_id": f.ent_a, "scheme": "t11-aii-001-2020", "variant": "tech-service"}),
            )
            .await;
        let id = r.json()["id"].as_i64().unwrap();
        answer_all(&app, "auditor@b1.test", id, 70.0).await;
        let v = aud.get(&format!("/assessments/{id}/stages")).await.json();
        let r = aud.get(&format!("/assessments/{id}/stages.pdf")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let t = pdf_text(&r.bytes);
        assert!(t.contains("专项能力评价分阶段报告"), "{b}: {t}");
        for s in v["stages"].as_array().unwrap() {
            for k in ["stage", "table"] {
                let want = s[k].as_str().unwrap();
                assert!(t.contains(want), "{b}: missing {want:?} in\n{t}");
            }
        }
        assert!(
            t.contains("60%～80%") && t.contains("000-stage-score"),
            "{b}: {t}"
        );
        // an online self-evaluation has none: refused with the reason, as the page
        let ent = app.api(&token(&app, "a@a.test").await);
        let r = ent
            .get(&format!("/assessments/{}/stages.pdf", f.star_a))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let other = app.api(&token(&app, "b@b.test").await);
        let r = other.get(&format!("/assessments/{id}/stages.pdf")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let mut page = app.browser();
        page.login("auditor@b1.test", PW).await;
        let html = page.get(&format!("/assessments/{id}/stages")).await.body;
        assert!(
            html.contains(&format!("/assessments/{id}/stages.pdf")),
            "{b}"
        );
        app.cleanup().await;
    }
}
