//! A result's charts on its page (tianping-charts), on SQLite and PostgreSQL: an on-site
//! T11/AII assessment answered and submitted shows the radar of its dimensions, the bars per
//! table and the single-star bands as inline SVG with a title, no `style` attribute (the CSP
//! would block it) and the dimensions named; another enterprise's person gets 404 as before.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use tianping_core::Plan;

#[tokio::test]
async fn the_result_page_carries_the_charts() {
    let s = catalog().get("t11-aii-001-2020").unwrap();
    let plan = Plan::new(s, Some("tech-service"), None).unwrap();
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
        let rows: Vec<Value> = plan
            .leaves
            .iter()
            .map(|l| json!({"indicator": l.ind.id, "value": 85.0}))
            .collect();
        let r = aud
            .post(
                &format!("/assessments/{id}/answers/batch"),
                json!({ "answers": rows }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let mut page = app.browser();
        page.login("auditor@b1.test", PW).await;
        let r = page.get(&format!("/assessments/{id}/result")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let html = &r.body;
        let charts = &html[html.find(r#"data-testid="charts""#).expect("charts")..];
        for kind in ["radar", "bars", "bands"] {
            let at = charts
                .find(&format!(
                    r#"<figure class="chart" data-chart="{kind}"><svg "#
                ))
                .unwrap_or_else(|| panic!("{b}: {kind} in {charts}"));
            let svg = &charts[at..];
            let svg = &svg[..svg.find("</svg>").unwrap()];
            assert!(
                svg.contains(r#" role="img""#) && svg.contains("<title>"),
                "{b}: {svg}"
            );
            assert!(svg.contains(" viewBox=\"0 0 640 "), "{b}: {svg}");
        }
        for d in s.stars.as_ref().unwrap().dimensions.iter().take(3) {
            assert!(charts.contains(&format!(">{d}</text>")), "{b}: {d}");
        }
        assert!(charts.contains("五星级 [900, 1000]"), "{b}");
        assert!(
            !html.contains(" style="),
            "{b}: no inline style on the page"
        );
        // another enterprise does not see the assessment
        let other = app.api(&token(&app, "b@b.test").await);
        let r = other.get(&format!("/assessments/{id}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        app.cleanup().await;
    }
}
