//! The insight API (issue 13, DESIGN I-23) on SQLite and PostgreSQL, with data built through
//! the API: the gap of an assessment (a hand-computed plan, the same as the planner called
//! directly), what-if without saving, and an enterprise's trend over time with a scheme
//! version note; each with its permissions (404 for what the caller may not see, 401 without
//! a token, 422 naming the field). Peers and a body's clients: `insight_peers.rs`.

mod common;

#[path = "common/eepc.rs"]
mod eepc;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{Duration, TimeZone, Utc};
use common::*;
use eepc::*;
use serde_json::{json, Value};
use tianping_app::FixedClock;

#[tokio::test]
async fn gap_of_an_assessment_is_the_hand_computed_plan_and_the_planners() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let ent = app.api(&token(&app, "a@a.test").await);
        let id = scored(&ent, f.ent_a, &aaaa()).await;
        let r = ent.get(&format!("/assessments/{id}/gap")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let g = r.json();
        // AAAA now: 96 × 100 / 101.5; AAAAA needs raw ≥ 96.425, on the half-point grid
        // 96.5: one change of half a point to one of the two items at 0
        assert_eq!(g["current"]["grade"]["code"], "AAAA", "{b}");
        assert!(close(
            g["current"]["total"].as_f64().unwrap(),
            9600.0 / 101.5
        ));
        assert_eq!(g["target"]["kind"], "grade", "{b}: {g}");
        assert_eq!(g["target"]["code"], "AAAAA", "{b}");
        let changes = g["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{b}: {g}");
        let c = &changes[0];
        let ind = c["indicator"].as_str().unwrap();
        assert!(ind == "B.1-50" || ind == "B.1-3", "{b}: {ind}");
        assert_eq!(
            (c["from"].as_f64(), c["to"].as_f64()),
            (Some(0.0), Some(0.5))
        );
        assert_eq!(c["action"], "raise", "{b}");
        assert!(close(c["total"].as_f64().unwrap(), 50.0 / 101.5), "{b}");
        assert_eq!(g["exact"], true, "{b}");
        assert_eq!(g["result"]["grade"]["code"], "AAAAA", "{b}");
        assert!(close(
            g["result"]["total"].as_f64().unwrap(),
            9650.0 / 101.5
        ));
        assert!(g.get("dimension_plans").is_none(), "{b}: points scheme");
        // the same as the planner called on the same answers
        let p = plan();
        let parsed = p.parse_answers(&aaaa()).unwrap();
        let direct = tianping_insight::gap(&p, &parsed, None).unwrap();
        assert_eq!(g, serde_json::to_value(&direct).unwrap(), "{b}");
        // a target not above the current grade: none, no changes
        let r = ent.get(&format!("/assessments/{id}/gap?target=AAA")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(r.json()["target"].is_null(), "{b}");
        assert_eq!(r.json()["changes"], json!([]), "{b}");
        assert!(r.json()["result"].is_null(), "{b}");
        // a target by its label's head is the same as by its code
        let by_code = ent
            .get(&format!("/assessments/{id}/gap?target=AAAAA"))
            .await;
        assert_eq!(by_code.json()["changes"], g["changes"], "{b}");
        // an unknown target: 422 on `target`, listing the accepted forms
        let r = ent.get(&format!("/assessments/{id}/gap?target=Z9")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(field(&r), "target", "{b}");
        let msg = r.json()["errors"][0]["message"].to_string();
        assert!(msg.contains("Z9") && msg.contains("AAAAA"), "{b}: {msg}");
        // another enterprise: 404; no token: 401; a missing assessment: 404
        let other = app.api(&token(&app, "b@b.test").await);
        let r = other.get(&format!("/assessments/{id}/gap")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = app.api("").get(&format!("/assessments/{id}/gap")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        let r = ent.get("/assessments/999999/gap").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn what_if_recomputes_and_saves_nothing() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let ent = app.api(&token(&app, "a@a.test").await);
        let id = scored(&ent, f.ent_a, &aaaa()).await;
        let before = ent.get(&format!("/assessments/{id}")).await.json();
        let answers_before = ent.get(&format!("/assessments/{id}/answers")).await.body;
        let result_before = ent.get(&format!("/assessments/{id}/result")).await.body;
        // B.1-50 at its full 5 points: raw 101 → 99.51, AAAAA (the top: no further target);
        // B.1-3 as text "0" is the same as stored: not a change
        let r = ent
            .post(
                &format!("/assessments/{id}/what-if"),
                json!({"answers": {"B.1-50": 5, "B.1-3": "0"}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let w = r.json();
        assert_eq!(w["assessment_id"], id, "{b}");
        assert_eq!(w["changed"], json!(["B.1-50"]), "{b}");
        assert!(close(
            w["gap"]["current"]["total"].as_f64().unwrap(),
            10100.0 / 101.5
        ));
        assert_eq!(w["gap"]["current"]["grade"]["code"], "AAAAA", "{b}");
        assert!(w["gap"]["target"].is_null(), "{b}: at the top");
        // clearing answers: B.1-50 back to unanswered and B.1-1 cleared lowers the total
        let max1 = plan()
            .leaves
            .iter()
            .find(|l| l.ind.id == "B.1-1")
            .unwrap()
            .answer_max;
        let r = ent
            .post(
                &format!("/assessments/{id}/what-if"),
                json!({"answers": {"B.1-1": null}, "target": "AAAAA"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let w = r.json();
        assert_eq!(w["changed"], json!(["B.1-1"]), "{b}");
        let total = w["gap"]["current"]["total"].as_f64().unwrap();
        assert!(close(total, (96.0 - max1) * 100.0 / 101.5), "{b}: {total}");
        assert_eq!(w["gap"]["target"]["code"], "AAAAA", "{b}");
        let ids: Vec<&str> = w["gap"]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["indicator"].as_str().unwrap())
            .collect();
        assert!(!ids.is_empty(), "{b}");
        // nothing was saved: revision, score, answers and result as they were
        let after = ent.get(&format!("/assessments/{id}")).await.json();
        for k in ["revision", "score", "grade", "updated_at", "result_at"] {
            assert_eq!(after[k], before[k], "{b}: {k}");
        }
        assert_eq!(
            ent.get(&format!("/assessments/{id}/answers")).await.body,
            answers_before,
            "{b}"
        );
        assert_eq!(
            ent.get(&format!("/assessments/{id}/result")).await.body,
            result_before,
            "{b}"
        );
        // bad values: 422 naming the indicator
        for (body, want) in [
            (json!({"answers": {"B.1-50": "five"}}), "B.1-50"),
            (json!({"answers": {"B.1-50": 7}}), "B.1-50"),
            (json!({"answers": {"B.1-3": 0.25}}), "B.1-3"),
            (json!({"answers": {"Z.9-9": 1}}), "Z.9-9"),
            (json!({"answers": [1, 2]}), "answers"),
            (json!({"answers": {}, "target": "Z9"}), "target"),
            (json!({"answers": {}, "extra": 1}), "extra"),
        ] {
            let r = ent
                .post(&format!("/assessments/{id}/what-if"), body.clone())
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{b}: {body}: {}",
                r.body
            );
            assert_eq!(field(&r), want, "{b}: {body}: {}", r.body);
            let msg = r.json()["errors"][0]["message"].to_string();
            assert!(!msg.is_empty(), "{b}");
        }
        let r = ent
            .post(
                &format!("/assessments/{id}/what-if"),
                json!({"answers": {"B.1-50": "five"}}),
            )
            .await;
        let msg = r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(msg.contains("B.1-50") && msg.contains("five"), "{b}: {msg}");
        // still nothing saved
        let after = ent.get(&format!("/assessments/{id}")).await.json();
        assert_eq!(after["revision"], before["revision"], "{b}");
        // another enterprise: 404; no token: 401
        let other = app.api(&token(&app, "b@b.test").await);
        let r = other
            .post(
                &format!("/assessments/{id}/what-if"),
                json!({"answers": {}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = app
            .api("")
            .post(
                &format!("/assessments/{id}/what-if"),
                json!({"answers": {}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        app.cleanup().await;
    }
}

/// Overwrite a stored result's scheme version (column and evaluation), as if it had been
/// scored under an earlier version of the scheme: the trend must note the change. Done in SQL
/// because the catalog holds one version of each scheme.
async fn pretend_older_version(app: &App, id: i64, version: &str) {
    let s = &app.state.store;
    let a = tianping_store::repo::get_assessment(s, id)
        .await
        .unwrap()
        .unwrap();
    let mut v: Value = serde_json::from_str(a.result_json.as_deref().unwrap()).unwrap();
    v["evaluation"]["scheme_version"] = json!(version);
    tianping_store::sqlx::query(
        "UPDATE assessments SET scheme_version = $1, result_seq = result_seq + 1 WHERE id = $2",
    )
    .bind(version)
    .bind(id)
    .execute(&s.pool)
    .await
    .unwrap();
    tianping_store::sqlx::query(
        "UPDATE assessment_results SET result_json = $1 WHERE assessment_id = $2",
    )
    .bind(v.to_string())
    .bind(id)
    .execute(&s.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn trend_of_three_results_oldest_first_with_changes_and_a_version_note() {
    let t0 = Utc.with_ymd_and_hms(2025, 3, 3, 2, 0, 0).unwrap();
    let clock = Arc::new(FixedClock::new(t0));
    for app in apps_with(clock.clone(), |_| {}).await {
        let b = app.backend;
        clock.set(t0);
        let f = fixture(&app).await;
        let ent = app.api(&token(&app, "a@a.test").await);
        // three results a month apart: 94.58 (AAAA), 95.07 (AAAAA), 97.04 (AAAAA)
        let s1 = scored(&ent, f.ent_a, &aaaa()).await;
        clock.advance(Duration::days(30));
        let s2 = scored(&ent, f.ent_a, &full_but(&[("B.1-50", Some(0.0))])).await;
        clock.advance(Duration::days(30));
        let s3 = scored(
            &ent,
            f.ent_a,
            &full_but(&[("B.1-50", Some(2.5)), ("B.1-3", None)]),
        )
        .await;
        let r = ent
            .get(&format!("/enterprises/{}/trend?scheme={SCHEME}", f.ent_a))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let v = r.json();
        assert_eq!(v["enterprise_id"], f.ent_a, "{b}");
        assert_eq!(v["enterprise"], "Enterprise A", "{b}");
        assert_eq!(v["scheme"], SCHEME, "{b}");
        let stops: Vec<i64> = v["stops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["assessment_id"].as_i64().unwrap())
            .collect();
        assert_eq!(stops, vec![s1, s2, s3], "{b}: oldest first");
        let points = v["timeline"]["points"].as_array().unwrap();
        assert_eq!(points.len(), 3, "{b}");
        let labels: Vec<&str> = points
            .iter()
            .map(|p| p["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, ["2025-03-03", "2025-04-02", "2025-05-02"], "{b}");
        for (p, (want, grade)) in points.iter().zip([
            (9600.0 / 101.5, "AAAA"),
            (9650.0 / 101.5, "AAAAA"),
            (9850.0 / 101.5, "AAAAA"),
        ]) {
            assert!(close(p["total"].as_f64().unwrap(), want), "{b}: {p}");
            assert!(p["grade"].as_str().unwrap().starts_with(grade), "{b}: {p}");
            assert!(!p["parts"].as_array().unwrap().is_empty(), "{b}");
        }
        // the stored scores agree with the points
        for (id, p) in [s1, s2, s3].iter().zip(points) {
            let a = ent.get(&format!("/assessments/{id}")).await.json();
            assert!(close(
                a["score"].as_f64().unwrap(),
                p["total"].as_f64().unwrap()
            ));
        }
        assert_eq!(v["timeline"]["notes"], json!([]), "{b}: one version");
        // the last two compared: B.1-50 raised 0 → 2.5, B.1-3 withdrawn
        assert_eq!(v["compared"], json!([s2, s3]), "{b}");
        let changes = v["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 2, "{b}: {changes:?}");
        let by = |id: &str| {
            changes
                .iter()
                .find(|c| c["indicator"] == id)
                .unwrap()
                .clone()
        };
        let c = by("B.1-50");
        assert_eq!(
            (c["from"].as_f64(), c["to"].as_f64()),
            (Some(0.0), Some(2.5))
        );
        assert_eq!(c["reason"], "answer_changed", "{b}");
        assert_eq!(
            (c["earned_from"].as_f64(), c["earned_to"].as_f64()),
            (Some(0.0), Some(2.5))
        );
        let c = by("B.1-3");
        assert_eq!((c["from"].as_f64(), c["to"].as_f64()), (Some(0.5), None));
        assert_eq!(c["reason"], "unanswered", "{b}");
        // two results chosen: the first and the last
        let r = ent
            .get(&format!(
                "/enterprises/{}/trend?scheme={SCHEME}&compare={s3},{s1}",
                f.ent_a
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["compared"], json!([s1, s3]), "{b}: earlier first");
        let mut ids: Vec<String> = r.json()["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{} {}", c["indicator"].as_str().unwrap(), c["reason"]))
            .collect();
        ids.sort();
        assert_eq!(
            ids,
            ["B.1-3 \"unanswered\"", "B.1-50 \"answer_changed\""],
            "{b}"
        );
        // a scheme version change between the first two points is noted
        pretend_older_version(&app, s1, "0000older").await;
        let v = ent
            .get(&format!("/enterprises/{}/trend?scheme={SCHEME}", f.ent_a))
            .await
            .json();
        let version = catalog().get(SCHEME).unwrap().version.clone();
        assert_eq!(
            v["timeline"]["notes"],
            json!([{"at": 1, "scheme_changed": true, "profile_changed": false,
                    "from_version": "0000older", "to_version": version}]),
            "{b}"
        );
        assert_eq!(v["timeline"]["points"][0]["scheme_version"], "0000older");
        // bad input: 422 naming the parameter
        for (q, want) in [
            ("", "scheme"),
            ("?scheme=nope", "scheme"),
            (&format!("?scheme={SCHEME}&variant=X")[..], "variant"),
            (&format!("?scheme={SCHEME}&compare=1")[..], "compare"),
            (
                &format!("?scheme={SCHEME}&compare={s1},999999")[..],
                "compare",
            ),
            (
                &format!("?scheme={SCHEME}&compare={s1},{s1}")[..],
                "compare",
            ),
        ] {
            let r = ent.get(&format!("/enterprises/{}/trend{q}", f.ent_a)).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{b}: {q}: {}",
                r.body
            );
            assert_eq!(field(&r), want, "{b}: {q}");
        }
        // another enterprise: 404; no token: 401
        let other = app.api(&token(&app, "b@b.test").await);
        let r = other
            .get(&format!("/enterprises/{}/trend?scheme={SCHEME}", f.ent_a))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = app
            .api("")
            .get(&format!("/enterprises/{}/trend?scheme={SCHEME}", f.ent_a))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        // its own series is empty for a scheme it has no result of
        let r = ent
            .get(&format!(
                "/enterprises/{}/trend?scheme=t-cic-capability",
                f.ent_a
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["timeline"]["points"], json!([]), "{b}");
        assert!(r.json()["compared"].is_null(), "{b}");
        app.cleanup().await;
    }
}
