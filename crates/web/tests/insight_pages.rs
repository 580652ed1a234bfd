//! The insight pages on SQLite and PostgreSQL (DESIGN I-23): the result page's 提升建议 with
//! the fewest changes to the next grade; what-if without JavaScript (the form recomputes on
//! submit and saves nothing); the trend of one enterprise's results with the item changes;
//! the peers page hidden below 5 other enterprises and shown from 5 without naming them; a
//! body's clients; the report PDF's 提升建议.

mod common;

#[path = "common/pdf.rs"]
mod pdf;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{Duration, TimeZone, Utc};
use common::*;
use serde_json::{json, Value};
use tianping_app::accounts::{self, SignupInput};
use tianping_app::domain::enterprise::EnterpriseInput;
use tianping_app::enterprises;
use tianping_app::{Clock, FixedClock};
use tianping_core::Plan;

const SCHEME: &str = "eepc-certification";

/// Create an eepc-certification assessment of `ent` by the body's auditor and answer every
/// item with its full points except those in `zero`; its id.
async fn scored(app: &App, ent: i64, zero: &[&str]) -> i64 {
    let api = app.api(&token(app, "auditor@b1.test").await);
    let r = api
        .post(
            "/assessments",
            json!({"enterprise_id": ent, "scheme": SCHEME}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let s = catalog().get(SCHEME).unwrap();
    let plan = Plan::new(s, None, None).unwrap();
    let rows: Vec<Value> = plan
        .leaves
        .iter()
        .map(|l| {
            let v = if zero.contains(&l.ind.id.as_str()) {
                0.0
            } else {
                l.ind.points.unwrap_or(0.0)
            };
            json!({"indicator": l.ind.id, "value": v})
        })
        .collect();
    let r = api
        .post(
            &format!("/assessments/{id}/answers/batch"),
            json!({ "answers": rows }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    id
}

/// A client of body 1 in GB/T 4754 section `code`'s letter.
async fn client(app: &App, n: usize, code: &str) -> i64 {
    let u = accounts::signup(
        &app.state,
        &SignupInput {
            email: format!("peer{n}@p.test"),
            user_name: format!("Peer {n}"),
            password: PW.into(),
            enterprise: EnterpriseInput {
                uscc: uscc(100 + n),
                name: format!("同行企业{n}"),
                industry_code: code.into(),
                headcount: "50".into(),
                enterprise_type: "tech-service".into(),
                ..Default::default()
            },
        },
    )
    .await
    .unwrap();
    let e = u.enterprise_id.unwrap();
    let body = fixture_body(app).await;
    enterprises::engage(&app.state, &u, e, body).await.unwrap();
    e
}

async fn fixture_body(app: &App) -> i64 {
    let u = tianping_store::repo::user_by_email(&app.state.store, "auditor@b1.test")
        .await
        .unwrap()
        .unwrap();
    u.org_id.unwrap()
}

#[tokio::test]
async fn gap_what_if_trend_peers_and_clients() {
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap(),
    ));
    for app in apps_with(clock.clone(), |_| {}).await {
        let bk = app.backend;
        clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap());
        let f = fixture(&app).await;
        // an earlier result, then the current one a year later: AAAA, half a point from AAAAA
        let first = scored(&app, f.ent_a, &["B.1-50", "B.1-3", "B.1-1"]).await;
        clock.set(clock.now() + Duration::days(365));
        let id = scored(&app, f.ent_a, &["B.1-50", "B.1-3"]).await;
        let mut b = app.browser();
        b.login("auditor@b1.test", PW).await;
        let page = b.get(&format!("/assessments/{id}/result")).await;
        assert_eq!(page.status, StatusCode::OK, "{bk}");
        assert!(page.body.contains("提升建议"), "{bk}");
        assert!(
            page.body.contains("达到AAAAA") && page.body.contains("改动 1 项指标"),
            "{bk}: {}",
            page.body
        );
        assert!(page.body.contains("已证明改动最少"), "{bk}");
        // what-if without JavaScript: the form recomputes on submit, nothing is saved
        let before = app
            .api(&token(&app, "auditor@b1.test").await)
            .get(&format!("/assessments/{id}"))
            .await
            .json();
        let form = b.get(&format!("/assessments/{id}/what-if")).await;
        assert_eq!(form.status, StatusCode::OK, "{bk}");
        assert!(form.body.contains(r#"name="v:B.1-50""#), "{bk}");
        assert!(form.body.contains("whatif.js"), "{bk}");
        let r = b
            .post(
                &format!("/assessments/{id}/what-if"),
                &[
                    ("o:B.1-50", "0.0"),
                    ("v:B.1-50", "5"),
                    ("o:B.1-3", "0.0"),
                    ("v:B.1-3", "0.0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        assert!(
            r.body.contains("已试算改动的指标：B.1-50"),
            "{bk}: {}",
            r.body
        );
        assert!(
            r.body.contains(r#"data-testid="whatif-grade">AAAAA"#),
            "{bk}: {}",
            r.body
        );
        let after = app
            .api(&token(&app, "auditor@b1.test").await)
            .get(&format!("/assessments/{id}"))
            .await
            .json();
        assert_eq!(before["revision"], after["revision"], "{bk}: nothing saved");
        assert_eq!(before["score"], after["score"], "{bk}: nothing saved");
        let bad = b
            .post(
                &format!("/assessments/{id}/what-if"),
                &[("o:B.1-50", "0.0"), ("v:B.1-50", "abc")],
            )
            .await;
        assert!(bad.body.contains("B.1-50"), "{bk}: {}", bad.body);
        // the trend: two results oldest first, the item changed between them
        let t = b
            .get(&format!("/enterprises/{}/trend?scheme={SCHEME}", f.ent_a))
            .await;
        assert_eq!(t.status, StatusCode::OK, "{bk}: {}", t.body);
        let p1 = t
            .body
            .find(&format!("#{first} "))
            .expect("first in the trend");
        let p2 = t
            .body
            .find(&format!("#{id} "))
            .expect("second in the trend");
        assert!(p1 < p2, "{bk}: oldest first");
        assert!(
            t.body.contains("2026-03-02") && t.body.contains("2027-03-02"),
            "{bk}"
        );
        assert!(t.body.contains(r#"data-chart="trend""#), "{bk}");
        assert!(
            t.body.contains("B.1-1") && t.body.contains("答案变化"),
            "{bk}"
        );
        let other = {
            let mut o = app.browser();
            o.login("b@b.test", PW).await;
            o
        };
        let mut other = other;
        let r = other
            .get(&format!("/enterprises/{}/trend?scheme={SCHEME}", f.ent_a))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");
        // peers: 4 others in section C → hidden; a fifth → shown, no other name
        let mut peers = Vec::new();
        for n in 1..=4 {
            let e = client(&app, n, "C3512").await;
            peers.push(scored(&app, e, &["B.1-50"]).await);
        }
        let elsewhere = client(&app, 9, "F5212").await;
        scored(&app, elsewhere, &[]).await;
        let r = b.get(&format!("/assessments/{id}/peers")).await;
        assert_eq!(r.status, StatusCode::OK, "{bk}");
        assert!(
            r.body.contains(r#"data-testid="peers-hidden""#) && r.body.contains("只有 4 家"),
            "{bk}: {}",
            r.body
        );
        let e5 = client(&app, 5, "C35").await;
        scored(&app, e5, &[]).await;
        let r = b.get(&format!("/assessments/{id}/peers")).await;
        assert!(
            r.body.contains(r#"data-testid="percentile""#),
            "{bk}: {}",
            r.body
        );
        // 6 in the group; A (94.58) is the lowest: the others miss only B.1-50 (95.07) or
        // nothing (100): ⌊100 × 1 / 6⌋ = 16
        assert!(
            r.body.contains("高于或等于同类企业中的 16%"),
            "{bk}: {}",
            r.body
        );
        assert!(r.body.contains("组内企业 6 家"), "{bk}");
        assert!(r.body.contains(r#"data-chart="distribution""#), "{bk}");
        for n in 1..=9 {
            assert!(
                !r.body.contains(&format!("同行企业{n}")),
                "{bk}: a peer named"
            );
        }
        // the enterprise sees its own; another does not
        let mut own = app.browser();
        own.login("a@a.test", PW).await;
        assert_eq!(
            own.get(&format!("/assessments/{id}/peers")).await.status,
            StatusCode::OK
        );
        assert_eq!(
            other.get(&format!("/assessments/{id}/peers")).await.status,
            StatusCode::NOT_FOUND
        );
        // the body's clients: outcomes and the common gap
        let body = fixture_body(&app).await;
        let r = b
            .get(&format!("/orgs/{body}/clients?scheme={SCHEME}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        assert!(
            r.body.contains(r#"data-testid="common-gaps""#),
            "{bk}: {}",
            r.body
        );
        assert!(r.body.contains("B.1-50"), "{bk}");
        assert!(
            r.body.contains(r#"data-chart="distribution""#) && r.body.contains("等级分布"),
            "{bk}"
        );
        assert_eq!(
            own.get(&format!("/orgs/{body}/clients?scheme={SCHEME}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // the report's 提升建议
        let pdf = b.get(&format!("/assessments/{id}/report.pdf")).await;
        let text = pdf::pdf_text(&pdf.bytes);
        assert!(
            text.contains("提升建议") && text.contains("AAAAA"),
            "{bk}: {text}"
        );
        app.cleanup().await;
    }
}
