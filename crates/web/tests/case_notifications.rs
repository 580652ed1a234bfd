//! Certification cases tell the people they concern, on SQLite and PostgreSQL, with fixed
//! dates on an injected clock and e-mail through a real SMTP receiver on 127.0.0.1: the
//! client hears of its application's review (a refusal with its reason), the audit plan, the
//! findings with their due dates and the decision with the certificate's number; the body's
//! admins of an application, the audit team of a correction, the deciders of an audit
//! waiting for them; the due reminders 7 days before and on the day, once each however often
//! they run — and nobody of another body or enterprise hears anything.

mod common;
mod smtp;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use serde_json::{json, Value};
use smtp::{use_smtp, Receiver};
use tianping_app::{case_remind, mail, FixedClock};
use tianping_store::repo;

/// Set the clock to noon in Beijing on `day`.
fn on(clock: &FixedClock, day: &str) {
    let d: NaiveDate = day.parse().unwrap();
    clock.set(Utc.from_utc_datetime(&d.and_hms_opt(4, 0, 0).unwrap()));
}

/// Post an event to a case as `email` on `day`; the rules must accept it.
async fn post(app: &App, clock: &FixedClock, case: i64, email: &str, day: &str, event: Value) {
    on(clock, day);
    let t = token(app, email).await;
    let mut e = event;
    e["date"] = json!(day);
    let r = app
        .api(&t)
        .post(&format!("/cases/{case}/events"), e.clone())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{} {e}: {}", app.backend, r.body);
}

/// The enterprise user `email` applies to body one on `day`; the case's id.
async fn apply(app: &App, clock: &FixedClock, body: i64, email: &str, day: &str) -> i64 {
    on(clock, day);
    let t = token(app, email).await;
    let r = app
        .api(&t)
        .post(
            "/cases/apply",
            json!({"org_id": body, "application": {
                "type": "application_received", "date": day, "headcount": 120,
                "scope": "建筑工程施工合同履约管理", "system_start": "2025-03-01"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}: {}", app.backend, r.body);
    r.json()["id"].as_i64().unwrap()
}

/// A person's notices of certification cases, newest first: (kind, title in Chinese, link).
async fn case_notes(app: &App, email: &str) -> Vec<(String, String, String)> {
    let t = token(app, email).await;
    let r = app.api(&t).get("/notifications?per_page=100").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"].as_str().unwrap().starts_with("case_"))
        .map(|n| {
            let s = |k: &str| n[k].as_str().unwrap().to_string();
            (s("kind"), s("title"), s("link"))
        })
        .collect()
}

async fn titles(app: &App, email: &str) -> Vec<String> {
    case_notes(app, email)
        .await
        .into_iter()
        .map(|n| n.1)
        .collect()
}

/// People of the fixture who are neither of body one's staff nor of enterprise A or B.
const OUTSIDERS: [&str; 3] = ["auditor@b2.test", "operator@p.test", "expert2@b1.test"];

#[tokio::test]
async fn the_client_hears_of_its_applications_review_and_a_refusal_with_its_reason() {
    let clock = Arc::new(FixedClock::new(Utc::now()));
    for mut app in apps_with(clock.clone(), |_| {}).await {
        let b = app.backend;
        let f = fixture(&app).await;
        let rx = Receiver::start().await;
        use_smtp(&mut app, Some(&rx.url()));
        let ca = apply(&app, &clock, f.body_id, "a@a.test", "2025-09-01").await;
        // the body's admins hear of the application; its auditors and deciders do not
        let n = case_notes(&app, "admin@b1.test").await;
        assert_eq!(n.len(), 1, "{b}: {n:?}");
        assert_eq!(n[0].1, "收到“Enterprise A”的认证申请", "{b}");
        assert_eq!(n[0].2, format!("/cases/{ca}"), "{b}");
        for nobody in ["auditor@b1.test", "decider@b1.test", "a@a.test"] {
            assert!(case_notes(&app, nobody).await.is_empty(), "{b}: {nobody}");
        }
        // the review asks for supplements by a date: the client is told, with the date
        post(
            &app,
            &clock,
            ca,
            "admin@b1.test",
            "2025-09-03",
            json!({"type": "application_reviewed",
            "result": "supplement_requested", "due": "2025-09-15", "reason": "组织机构图"}),
        )
        .await;
        assert_eq!(
            titles(&app, "a@a.test").await,
            ["Body One要求补充申请材料，期限 2025-09-15"],
            "{b}"
        );
        // enterprise B applies too and is refused, with the reason
        let cb = apply(&app, &clock, f.body_id, "b@b.test", "2025-09-02").await;
        post(
            &app,
            &clock,
            cb,
            "admin@b1.test",
            "2025-09-04",
            json!({"type": "application_reviewed",
            "result": "refused", "reason": "申请范围不在本机构批准的认证业务范围内"}),
        )
        .await;
        assert_eq!(
            titles(&app, "b@b.test").await,
            ["Body One不受理贵组织的认证申请"],
            "{b}"
        );
        assert_eq!(titles(&app, "a@a.test").await.len(), 1, "{b}: not B's");
        // then A's supplements come in and the application is accepted
        upload_application_documents(&app, ca, "a@a.test").await;
        post(
            &app,
            &clock,
            ca,
            "admin@b1.test",
            "2025-09-12",
            json!({"type": "application_reviewed",
            "result": "accepted"}),
        )
        .await;
        assert_eq!(
            titles(&app, "a@a.test").await[0],
            "Body One已受理贵组织的认证申请",
            "{b}"
        );
        // in English for a reader who asks for it
        let ta = token(&app, "a@a.test").await;
        let r = app.api(&ta).lang("en").get("/notifications").await;
        assert_eq!(
            r.json()["items"][0]["title"],
            "Body One accepted your certification application",
            "{b}"
        );
        for nobody in OUTSIDERS {
            assert!(case_notes(&app, nobody).await.is_empty(), "{b}: {nobody}");
        }

        // the same in the e-mails, Chinese first, with the case's full link
        let d = mail::deliver_due(&app.state).await.unwrap();
        assert!(d.errors.is_empty(), "{b}: {d:?}");
        let mut to: Vec<String> = rx.mails().into_iter().flat_map(|m| m.to).collect();
        to.sort();
        assert_eq!(
            to,
            [
                "a@a.test",
                "a@a.test",
                "admin@b1.test",
                "admin@b1.test",
                "b@b.test"
            ],
            "{b}"
        );
        let a = rx.to("a@a.test");
        let sup = a
            .iter()
            .find(|m| m.subject.contains("要求补充申请材料"))
            .unwrap();
        assert!(
            sup.subject.contains("期限 2025-09-15")
                && sup.body.contains("需要补充：组织机构图")
                && sup
                    .body
                    .contains(&format!("https://tianping.test/cases/{ca}"))
                && sup.body.find("请在 2025-09-15 前").unwrap()
                    < sup.body.find("by 2025-09-15").unwrap(),
            "{b}: {}",
            sup.body
        );
        let refusal = &rx.to("b@b.test")[0];
        assert!(
            refusal.subject.contains("不受理")
                && refusal
                    .body
                    .contains("不予受理的理由：申请范围不在本机构批准的认证业务范围内")
                && refusal.body.contains("Reason for the refusal:")
                && refusal
                    .body
                    .contains(&format!("https://tianping.test/cases/{cb}")),
            "{b}: {}",
            refusal.body
        );
        // the link opens for its reader, and for nobody of another enterprise
        let mut ea = app.browser();
        ea.login("a@a.test", PW).await;
        assert_eq!(ea.get(&format!("/cases/{ca}")).await.status, StatusCode::OK);
        assert_eq!(
            ea.get(&format!("/cases/{cb}")).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        rx.stop().await;
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_team_the_deciders_and_the_client_hear_of_an_audit_and_reminders_come_once() {
    let clock = Arc::new(FixedClock::new(Utc::now()));
    for mut app in apps_with(clock.clone(), |_| {}).await {
        let b = app.backend;
        let f = fixture(&app).await;
        qualify(&app, "auditor@b1.test").await;
        let auditor = repo::user_by_email(&app.state.store, "auditor@b1.test")
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        let rx = Receiver::start().await;
        use_smtp(&mut app, Some(&rx.url()));
        let case = apply(&app, &clock, f.body_id, "a@a.test", "2025-09-01").await;
        let post = |email: &'static str, day: &'static str, e: Value| {
            let (app, clock) = (&app, &clock);
            async move { post(app, clock, case, email, day, e).await }
        };
        upload_application_documents(&app, case, "a@a.test").await;
        post(
            "admin@b1.test",
            "2025-09-05",
            json!({"type": "application_reviewed", "result": "accepted"}),
        )
        .await;
        post(
            "admin@b1.test",
            "2025-09-10",
            json!({"type": "contract_signed"}),
        )
        .await;
        // the audit plan goes to the client and the team
        post(
            "admin@b1.test",
            "2025-09-15",
            json!({"type": "audit_planned", "audit": "S1", "kind": "stage1",
            "start": "2025-10-09", "end": "2025-10-09", "days": 1,
            "team": [{"person": auditor, "role": "leader"}]}),
        )
        .await;
        let plan = "审核计划：第一阶段审核（S1），2025-10-09，Enterprise A";
        assert_eq!(titles(&app, "a@a.test").await[0], plan, "{b}");
        assert_eq!(titles(&app, "auditor@b1.test").await, [plan], "{b}");
        // the client confirms it (8.1.4.2): nobody else needs to hear
        post(
            "a@a.test",
            "2025-09-16",
            json!({"type": "plan_confirmed", "audit": "S1"}),
        )
        .await;
        // stage 1 without findings waits for no decision: nobody hears
        post(
            "auditor@b1.test",
            "2025-10-09",
            json!({"type": "audit_completed", "audit": "S1", "last_day": "2025-10-09"}),
        )
        .await;
        assert!(titles(&app, "decider@b1.test").await.is_empty(), "{b}");
        assert_eq!(
            titles(&app, "a@a.test").await.len(),
            2,
            "{b}: accepted, planned"
        );
        post(
            "admin@b1.test",
            "2025-10-10",
            json!({"type": "audit_planned", "audit": "S2", "kind": "stage2",
            "start": "2025-11-03", "end": "2025-11-04", "days": 2,
            "team": [{"person": auditor, "role": "leader"}]}),
        )
        .await;
        post(
            "a@a.test",
            "2025-10-11",
            json!({"type": "plan_confirmed", "audit": "S2"}),
        )
        .await;
        // stage 2 with findings: the client reads each with its due date, the decider is asked
        post(
            "auditor@b1.test",
            "2025-11-04",
            json!({"type": "audit_completed", "audit": "S2",
            "last_day": "2025-11-04", "score": 91.5,
            "findings": [{"id": "NC1", "severity": "minor", "text": "合同评审记录不全"},
                         {"id": "NC2", "severity": "major"}]}),
        )
        .await;
        assert_eq!(
            titles(&app, "a@a.test").await[0],
            "第二阶段审核（S2）完成，发现 2 项不符合",
            "{b}"
        );
        assert_eq!(
            titles(&app, "decider@b1.test").await,
            ["待认证决定：Enterprise A 的第二阶段审核（S2）已完成"],
            "{b}"
        );
        // a correction submitted: the admins and the audit team, not the decider
        post(
            "a@a.test",
            "2025-11-20",
            json!({"type": "correction_submitted", "finding": "NC1", "kind": "plan"}),
        )
        .await;
        let corr = "“Enterprise A”提交了不符合项 NC1 的纠正措施计划";
        assert_eq!(titles(&app, "auditor@b1.test").await[0], corr, "{b}");
        assert_eq!(titles(&app, "admin@b1.test").await[0], corr, "{b}");
        assert_eq!(titles(&app, "decider@b1.test").await.len(), 1, "{b}");

        // NC1 is due on 2025-12-04: reminded on 2025-11-27 and on the day, once each
        let remind = |day: &'static str| {
            let (app, clock) = (&app, &clock);
            async move {
                on(clock, day);
                case_remind::remind(&app.state, day.parse().unwrap())
                    .await
                    .unwrap()
            }
        };
        let r = remind("2025-11-26").await;
        assert_eq!(r.reminders, 0, "{b}: {r:?}");
        let week = "待办提醒：不符合项纠正 NC1，2025-12-04 到期（Enterprise A）";
        let r = remind("2025-11-27").await;
        assert_eq!((r.reminders, r.notified), (1, 2), "{b}: {r:?}");
        assert_eq!(remind("2025-11-27").await.reminders, 0, "{b}: not twice");
        for who in ["a@a.test", "admin@b1.test"] {
            assert_eq!(titles(&app, who).await[0], week, "{b}: {who}");
        }
        for nobody in ["auditor@b1.test", "decider@b1.test", "b@b.test"] {
            assert!(
                !titles(&app, nobody).await.contains(&week.to_string()),
                "{b}: {nobody}"
            );
        }
        assert_eq!(remind("2025-11-28").await.reminders, 0, "{b}");
        let r = remind("2025-12-04").await;
        assert_eq!((r.reminders, r.notified), (1, 2), "{b}: {r:?}");
        assert_eq!(remind("2025-12-04").await.reminders, 0, "{b}: not twice");
        let day = "今日到期：不符合项纠正 NC1（Enterprise A）";
        for who in ["a@a.test", "admin@b1.test"] {
            let n = case_notes(&app, who).await;
            let reminders: Vec<_> = n
                .iter()
                .filter(|n| n.0 == "case_due")
                .map(|n| &n.1)
                .collect();
            assert_eq!(reminders, [day, week], "{b}: {who}");
        }
        post(
            "auditor@b1.test",
            "2025-12-04",
            json!({"type": "correction_accepted", "finding": "NC1", "onsite": false}),
        )
        .await;
        post(
            "a@a.test",
            "2026-01-15",
            json!({"type": "correction_submitted", "finding": "NC2", "kind": "done"}),
        )
        .await;
        post(
            "auditor@b1.test",
            "2026-01-20",
            json!({"type": "correction_accepted", "finding": "NC2", "onsite": true}),
        )
        .await;

        // the grant names the certificate's number
        post(
            "decider@b1.test",
            "2026-01-26",
            json!({"type": "decision", "audit": "S2", "result": "grant"}),
        )
        .await;
        let grant = "认证决定：授予认证，证书编号 EEPC-2026-00001";
        assert_eq!(titles(&app, "a@a.test").await[0], grant, "{b}");
        for nobody in OUTSIDERS.iter().chain(&["b@b.test"]) {
            assert!(case_notes(&app, nobody).await.is_empty(), "{b}: {nobody}");
        }

        // the e-mails: the same people, the findings' due dates, the number
        let d = mail::deliver_due(&app.state).await.unwrap();
        assert!(d.errors.is_empty(), "{b}: {d:?}");
        for who in OUTSIDERS.iter().chain(&["b@b.test", "expert1@b1.test"]) {
            assert!(rx.to(who).is_empty(), "{b}: {who}");
        }
        let a = rx.to("a@a.test");
        let findings = a
            .iter()
            .find(|m| m.subject.contains("发现 2 项不符合"))
            .unwrap();
        assert!(
            findings
                .body
                .contains("NC1（一般不符合，期限 2025-12-04）：合同评审记录不全")
                && findings.body.contains("NC2（严重不符合，期限 2026-02-04）"),
            "{b}: {}",
            findings.body
        );
        let granted = a.iter().find(|m| m.subject.contains(grant)).unwrap();
        assert!(
            granted.body.contains("证书编号 EEPC-2026-00001")
                && granted.body.contains("certificate number EEPC-2026-00001"),
            "{b}: {}",
            granted.body
        );
        assert_eq!(
            a.iter().filter(|m| m.subject.contains("NC1")).count(),
            2,
            "{b}: the two reminders, once each"
        );
        assert_eq!(rx.to("decider@b1.test").len(), 1, "{b}");
        assert_eq!(
            rx.to("auditor@b1.test")
                .iter()
                .filter(|m| m.subject.contains("纠正措施计划"))
                .count(),
            1,
            "{b}"
        );
        // the reminders are in the audit log, written by the system
        let ts = token(&app, "sys@t.test").await;
        let r = app.api(&ts).get("/audit-log?action=case_remind").await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(
            r.json()["items"].as_array().unwrap().len(),
            2,
            "{b}: {}",
            r.body
        );
        rx.stop().await;
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_servers_reminder_task_reminds_by_itself_once_and_stops() {
    let clock = Arc::new(FixedClock::new(Utc::now()));
    for app in apps_with(clock.clone(), |_| {}).await {
        let b = app.backend;
        let f = fixture(&app).await;
        let case = apply(&app, &clock, f.body_id, "a@a.test", "2025-09-01").await;
        post(
            &app,
            &clock,
            case,
            "admin@b1.test",
            "2025-09-03",
            json!({"type": "application_reviewed",
            "result": "supplement_requested", "due": "2025-09-10", "reason": "组织机构图"}),
        )
        .await;
        // 2025-09-03 is 7 days before the supplements are due
        let task = case_remind::start(&app.state, std::time::Duration::from_millis(20), |e| {
            eprintln!("{e}")
        });
        let due = |n: &(String, String, String)| n.0 == "case_due";
        let mut waited = 0;
        while !case_notes(&app, "a@a.test").await.iter().any(due) && waited < 250 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            waited += 1;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        task.stop().await;
        for who in ["a@a.test", "admin@b1.test"] {
            let n: Vec<_> = case_notes(&app, who)
                .await
                .into_iter()
                .filter(due)
                .collect();
            assert_eq!(n.len(), 1, "{b}: {who}: once, however many runs: {n:?}");
            assert_eq!(
                n[0].1, "待办提醒：补充申请材料，2025-09-10 到期（Enterprise A）",
                "{b}"
            );
        }
        // stopped: the day of the deadline comes and nothing more is sent
        on(&clock, "2025-09-10");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let n = case_notes(&app, "a@a.test").await;
        assert_eq!(n.iter().filter(|n| due(n)).count(), 1, "{b}: {n:?}");
        app.cleanup().await;
    }
}
