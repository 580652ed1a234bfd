//! The special-capability per-stage report (000 §6.3) on SQLite and PostgreSQL: an on-site
//! T11/AII assessment of a category with X.2 tables shows each stage's mean coefficient, its
//! 表4 band with the guidance and answered over total indicators, on the page linked from the
//! result page and in the API; an online self-evaluation is refused with the reason. And the
//! demo's recipe of star cases, backdated before the real today.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use tianping_core::Plan;

fn plan() -> Plan<'static> {
    let s = catalog().get("t11-aii-001-2020").unwrap();
    Plan::new(s, Some("tech-service"), None).unwrap()
}

/// Answer every item of an assessment with `value` as `email` (batch), and submit it.
async fn answer_all(app: &App, email: &str, aid: i64, value: f64) {
    let b = app.backend;
    let api = app.api(&token(app, email).await);
    let rows: Vec<Value> = plan()
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
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
    let r = api
        .post(&format!("/assessments/{aid}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
}

#[tokio::test]
async fn the_special_capability_report_is_per_stage_and_on_site_only() {
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
        let onsite = r.json()["id"].as_i64().unwrap();
        answer_all(&app, "auditor@b1.test", onsite, 70.0).await;
        let r = aud.get(&format!("/assessments/{onsite}/stages")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let v = r.json();
        let stages = v["stages"].as_array().unwrap();
        assert!(!stages.is_empty(), "{b}: {v}");
        for s in stages {
            assert!(s["table"].as_str().unwrap().starts_with("F2."), "{b}: {s}");
            assert_eq!(s["band"], "60%～80%", "{b}: {s}");
            assert_eq!(s["answered"], s["indicators"], "{b}: {s}");
            assert!(!s["guidance"].as_array().unwrap().is_empty(), "{b}: {s}");
        }
        // the page, linked from the result page
        let mut page = app.browser();
        page.login("auditor@b1.test", PW).await;
        let res = page
            .get(&format!("/assessments/{onsite}/result"))
            .await
            .body;
        assert!(
            res.contains(&format!("/assessments/{onsite}/stages")),
            "{b}"
        );
        let html = page.get(&format!("/assessments/{onsite}/stages")).await;
        assert_eq!(html.status, StatusCode::OK, "{b}");
        assert!(
            html.body.contains("60%～80%") && html.body.contains("平均评分系数"),
            "{b}"
        );
        // an online self-evaluation has no per-stage report
        let ent = app.api(&token(&app, "a@a.test").await);
        let r = ent.get(&format!("/assessments/{}/stages", f.star_a)).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains("现场实地审查"), "{b}: {}", r.body);
        // another enterprise does not see it
        let other = app.api(&token(&app, "b@b.test").await);
        let r = other.get(&format!("/assessments/{onsite}/stages")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        app.cleanup().await;
    }
}

/// The demo's recipe, through the app's functions with the real clock: every event dated
/// before today. A three-star enterprise whose yearly supervision is due in 15 days, and the
/// same history ending on the blacklist.
#[tokio::test]
async fn a_backdated_history_for_the_demo() {
    use tianping_app::star_cases::{self, Event, EventKind, Mode, StarCount};
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let st = &app.state;
        let user = |e: &'static str| async move {
            tianping_store::repo::user_by_email(&st.store, e)
                .await
                .unwrap()
                .unwrap()
        };
        let (ent, adm, dec) = (
            user("a@a.test").await,
            user("admin@b1.test").await,
            user("decider@b1.test").await,
        );
        let today = st.today();
        let day = |n: i64| today - chrono::Duration::days(n);
        let n = |s: u8| StarCount::new(s).unwrap();
        let ev = |d, kind| Event { date: d, kind };
        // 12 months after the 3★ award minus 15 days
        let award =
            tianping_calc::calendar::add_months(today + chrono::Duration::days(15), -12).unwrap();
        let id = star_cases::apply_on(
            st,
            &ent,
            f.body_id,
            Mode::Online,
            award - chrono::Duration::days(40),
        )
        .await
        .unwrap();
        let result = |d| {
            ev(
                d,
                EventKind::StarResult {
                    mode: Mode::Online,
                    stars: n(3),
                    dimension_stars: None,
                },
            )
        };
        let awarded = |d, s| {
            ev(
                d,
                EventKind::StarAwarded {
                    stars: n(s),
                    by: String::new(),
                    dimension_stars: None,
                },
            )
        };
        star_cases::append(st, &adm, id, result(award - chrono::Duration::days(35)))
            .await
            .unwrap();
        star_cases::append(st, &dec, id, awarded(award - chrono::Duration::days(30), 1))
            .await
            .unwrap();
        star_cases::apply_on(
            st,
            &ent,
            f.body_id,
            Mode::Online,
            award - chrono::Duration::days(10),
        )
        .await
        .unwrap();
        star_cases::append(st, &adm, id, result(award - chrono::Duration::days(5)))
            .await
            .unwrap();
        star_cases::append(st, &dec, id, awarded(award, 3))
            .await
            .unwrap();
        let v = star_cases::view(st, &adm, id, None).await.unwrap();
        assert_eq!(v.outcome.stars.current, 3, "{b}");
        let sup = v
            .outcome
            .due
            .iter()
            .find(|d| d.kind.as_str() == "supervision")
            .unwrap();
        assert_eq!(sup.due, today + chrono::Duration::days(15), "{b}");
        assert!(!sup.overdue, "{b}");
        // the blacklisted variant: a spot check supporting none, then the blacklist
        star_cases::append(
            st,
            &adm,
            id,
            ev(
                day(3),
                EventKind::SupervisionCompleted {
                    stars: n(0),
                    spot_check: true,
                    by: None,
                },
            ),
        )
        .await
        .unwrap();
        star_cases::append(
            st,
            &dec,
            id,
            ev(
                day(2),
                EventKind::Blacklisted {
                    reason: "抽查发现虚假材料".into(),
                    by: String::new(),
                },
            ),
        )
        .await
        .unwrap();
        let v = star_cases::view(st, &adm, id, None).await.unwrap();
        assert_eq!(v.outcome.state.as_str(), "blacklisted", "{b}");
        assert!(v.public.blacklist.is_some(), "{b}");
        app.cleanup().await;
    }
}
