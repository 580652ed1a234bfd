//! What every case does whatever its kind, for capability evaluations (004) and star ratings
//! (000) beside certifications, on SQLite and PostgreSQL: the due list and its reminders — a
//! publicity's end is reminded of 7 days before and on its last day to the body's admins, a
//! star supervision likewise, once each; lowering or blacklisting goes to the deciders and
//! admins; the enterprise hears none of the body's work, nobody of another body anything —,
//! the export as JSON Lines, and the import of a history with what it publishes.

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::*;
use serde_json::{json, Value};
use tianping_app::case_remind;
use tianping_case::DueKind;
use tianping_store::cases as store;

/// A case of `kind` for enterprise A with body one, its events written as given.
async fn case_with(app: &App, f: &Fixture, kind: &str, events: &[Value]) -> i64 {
    let mut tx = app.state.store.begin().await.unwrap();
    let id = store::create(&mut tx, kind, f.body_id, f.ent_a, "{}", 1)
        .await
        .unwrap();
    for (i, e) in events.iter().enumerate() {
        let t = e["type"].as_str().unwrap();
        let d = e["date"].as_str().unwrap();
        store::append(&mut tx, id, i as i64, t, d, &e.to_string(), None)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    id
}

async fn titles(app: &App, email: &str) -> Vec<String> {
    let t = token(app, email).await;
    let r = app.api(&t).get("/notifications?per_page=100").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "case_due")
        .map(|n| n["title"].as_str().unwrap().to_string())
        .collect()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn capability_and_star_items_are_on_the_due_list_and_reminded_once() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        // publicity from Monday 2026-09-21 ends on 2026-10-19 (I-11, across National Day)
        let cap = case_with(
            &app,
            &f,
            "capability",
            &[
                json!({"type": "application_received", "date": "2026-06-01"}),
                json!({"type": "application_reviewed", "date": "2026-06-03", "result": "accepted"}),
                json!({"type": "verification_done", "date": "2026-06-05"}),
                json!({"type": "panel_formed", "date": "2026-06-08", "members": ["a", "b", "c"], "round": 1}),
                json!({"type": "evaluation_completed", "date": "2026-06-20", "score": 78}),
                json!({"type": "publicity_started", "date": "2026-09-21"}),
            ],
        )
        .await;
        let stars = case_with(
            &app,
            &f,
            "stars",
            &[
                json!({"type": "star_applied", "date": "2025-10-01", "mode": "online"}),
                json!({"type": "star_result", "date": "2025-10-10", "mode": "online", "stars": 1}),
                json!({"type": "star_awarded", "date": "2025-10-19", "stars": 1, "by": "d"}),
            ],
        )
        .await;
        let due = tianping_app::cases::due_all(&app.state, day("2026-10-12"))
            .await
            .unwrap();
        let of = |id: i64| {
            due.iter()
                .filter(|r| r.case.id == id)
                .map(|r| (r.due.kind, r.due.due))
                .collect::<Vec<_>>()
        };
        assert_eq!(of(cap), [(DueKind::PublicityEnd, day("2026-10-19"))], "{b}");
        assert_eq!(
            of(stars),
            [(DueKind::Supervision, day("2026-10-19"))],
            "{b}: 12 months after the award"
        );

        let remind = |d: &'static str| {
            let app = &app;
            async move {
                case_remind::remind(&app.state, day(d))
                    .await
                    .unwrap()
                    .reminders
            }
        };
        assert_eq!(remind("2026-10-11").await, 0, "{b}");
        assert_eq!(remind("2026-10-12").await, 2, "{b}: 7 days before both");
        assert_eq!(remind("2026-10-12").await, 0, "{b}: not twice");
        let admin = titles(&app, "admin@b1.test").await;
        assert!(
            admin.contains(&"待办提醒：公示期满，2026-10-19 到期（Enterprise A）".to_string()),
            "{b}: {admin:?}"
        );
        assert!(
            admin.contains(&"待办提醒：星级监督审查，2026-10-19 到期（Enterprise A）".to_string()),
            "{b}: {admin:?}"
        );
        assert!(
            titles(&app, "a@a.test").await.is_empty(),
            "{b}: the body's work"
        );
        assert_eq!(remind("2026-10-19").await, 2, "{b}: on the day");
        for outsider in ["auditor@b2.test", "operator@p.test", "b@b.test"] {
            assert!(titles(&app, outsider).await.is_empty(), "{b}: {outsider}");
        }

        // a supervision supporting fewer stars: lowering or blacklisting is the deciders' and
        // the admins', reminded once when still open 7 days later
        let mut tx = app.state.store.begin().await.unwrap();
        let e = json!({"type": "supervision_completed", "date": "2026-10-19", "stars": 0});
        store::append(
            &mut tx,
            stars,
            3,
            "supervision_completed",
            "2026-10-19",
            &e.to_string(),
            None,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(remind("2026-10-26").await, 1, "{b}");
        let lower = "待办已满7天：降低星级或纳入黑名单（Enterprise A）".to_string();
        assert!(
            titles(&app, "decider@b1.test").await.contains(&lower),
            "{b}"
        );
        assert!(titles(&app, "admin@b1.test").await.contains(&lower), "{b}");

        // the history can be taken away as JSON Lines that `tianping case check` reads
        let t = token(&app, "admin@b1.test").await;
        let r = app
            .api(&t)
            .get(&format!("/cases/{stars}/events.jsonl"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let lines: Vec<&str> = r.body.lines().collect();
        assert_eq!(lines[0], r#"{"case":"stars"}"#, "{b}");
        assert_eq!(lines.len(), 5, "{b}: header and 4 events");
        assert!(lines[4].contains("supervision_completed"), "{b}");
        let other = token(&app, "b@b.test").await;
        let r = app
            .api(&other)
            .get(&format!("/cases/{cap}/events.jsonl"))
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{b}: another enterprise's case"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_capability_history_is_imported_with_its_violations_and_what_it_publishes() {
    use tianping_store::repo;
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let admin = repo::user_by_email(&app.state.store, "admin@b1.test")
            .await
            .unwrap()
            .unwrap();
        let import = |text: String| {
            let (app, admin) = (&app, &admin);
            async move { tianping_app::cases::import(&app.state, admin, f.ent_a, &text).await }
        };
        // a malformed line changes nothing and is named
        let bad = "{\"case\": \"capability\"}\n{\"type\": \"confirmed\"}\n";
        let e = import(bad.to_string()).await.unwrap_err();
        assert!(
            e.detail(tianping_app::Lang::Zh).contains("第 2 行"),
            "{b}: {e:?}"
        );
        assert!(
            tianping_app::cases::list(&app.state, &admin)
                .await
                .unwrap()
                .is_empty(),
            "{b}"
        );

        let events = [
            json!({"type": "application_received", "date": "2025-06-02"}),
            json!({"type": "application_reviewed", "date": "2025-06-04", "result": "accepted"}),
            json!({"type": "verification_done", "date": "2025-06-06"}),
            // a panel of two breaks 7.2.2 (kept and reported)
            json!({"type": "panel_formed", "date": "2025-06-09", "members": ["a", "b"], "round": 1}),
            json!({"type": "evaluation_completed", "date": "2025-06-20", "score": 72.5}),
            json!({"type": "publicity_started", "date": "2025-07-01"}),
            json!({"type": "confirmed", "date": "2025-07-23"}),
            json!({"type": "announced", "date": "2025-07-25"}),
        ];
        let mut text = r#"{"case": "capability"}"#.to_string();
        for e in &events {
            text.push('\n');
            text.push_str(&e.to_string());
        }
        let r = import(text).await.unwrap();
        assert_eq!(r.events, 8, "{b}");
        let rules: Vec<&str> = r.violations.iter().map(|v| v.rule.id()).collect();
        assert_eq!(rules, ["capability_panel_size"], "{b}");
        let row = store::get(&app.state.store, r.case_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.kind.as_str(), row.state.as_str()),
            ("capability", "announced"),
            "{b}"
        );
        assert_eq!(row.valid_until.as_deref(), Some("2030-07-22"), "{b}");
        let public: Option<String> =
            tianping_store::sqlx::query_scalar("SELECT public_json FROM cases WHERE id = $1")
                .bind(r.case_id)
                .fetch_one(&app.state.store.pool)
                .await
                .unwrap();
        let v: tianping_case::public::PublicView = serde_json::from_str(&public.unwrap()).unwrap();
        assert_eq!(
            v.grade.as_ref().unwrap().grade.map(|g| g.code()),
            Some("二级"),
            "{b}"
        );
        app.cleanup().await;
    }
}
