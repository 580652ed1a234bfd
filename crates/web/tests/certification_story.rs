//! One client's full three-year certification cycle through the API, with fixed dates on an
//! injected clock, on every database: application, initial certification with a minor and a
//! major nonconformity, two surveillances, a suspension and its restoration, recertification
//! and an appeal — and the rules refusing what they forbid along the way.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use serde_json::{json, Value};
use tianping_app::FixedClock;
use tianping_store::repo;

/// Set the clock to noon in Beijing on `day`.
fn on(clock: &FixedClock, day: &str) {
    let d: NaiveDate = day.parse().unwrap();
    clock.set(Utc.from_utc_datetime(&d.and_hms_opt(4, 0, 0).unwrap()));
}

struct Story<'a> {
    app: &'a App,
    clock: &'a FixedClock,
    case: i64,
}

impl Story<'_> {
    /// Post an event as `email` on `day` and return the response.
    async fn post(&self, email: &str, day: &str, event: Value) -> Resp {
        on(self.clock, day);
        let t = token(self.app, email).await;
        let mut e = event;
        e["date"] = json!(day);
        self.app
            .api(&t)
            .post(&format!("/cases/{}/events", self.case), e)
            .await
    }

    /// Post an event that the rules accept.
    async fn ok(&self, email: &str, day: &str, event: Value) -> Value {
        let r = self.post(email, day, event.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{} {}: {}",
            self.app.backend,
            event,
            r.body
        );
        r.json()
    }

    /// Post an event that a rule refuses; returns the refusal's rules.
    async fn refused(&self, email: &str, day: &str, event: Value) -> Vec<Value> {
        let r = self.post(email, day, event.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{} {}: {}",
            self.app.backend,
            event,
            r.body
        );
        r.json()["errors"].as_array().unwrap().clone()
    }

    async fn view(&self, as_of: &str) -> Value {
        let t = token(self.app, "admin@b1.test").await;
        let r = self
            .app
            .api(&t)
            .get(&format!("/cases/{}?as_of={as_of}", self.case))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()
    }
}

fn rules(errors: &[Value]) -> Vec<String> {
    errors
        .iter()
        .map(|e| e["rule"].as_str().unwrap_or("").to_string())
        .collect()
}

fn due_kinds(v: &Value) -> Vec<(String, bool)> {
    v["outcome"]["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["overdue"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_client_runs_a_full_certification_cycle() {
    let clock = Arc::new(FixedClock::new(Utc::now()));
    for app in apps_with(clock.clone(), |_| {}).await {
        let f = fixture(&app).await;
        let id = |email: &'static str| {
            let st = app.state.clone();
            async move {
                repo::user_by_email(&st.store, email)
                    .await
                    .unwrap()
                    .unwrap()
                    .id
                    .to_string()
            }
        };
        qualify(&app, "auditor@b1.test").await;
        let auditor = id("auditor@b1.test").await;
        let decider = id("decider@b1.test").await;

        // 8.1.1: the enterprise applies
        on(&clock, "2025-09-01");
        let t = token(&app, "a@a.test").await;
        let r = app
            .api(&t)
            .post(
                "/cases/apply",
                json!({"org_id": f.body_id, "application": {
                    "type": "application_received", "date": "2025-09-01", "headcount": 120,
                    "scope": "建筑工程施工合同履约管理", "system_start": "2025-03-01"}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let s = Story {
            app: &app,
            clock: &clock,
            case: r.json()["id"].as_i64().unwrap(),
        };

        // another body's staff and another enterprise do not see it
        let t2 = token(&app, "auditor@b2.test").await;
        assert_eq!(
            app.api(&t2).get(&format!("/cases/{}", s.case)).await.status,
            StatusCode::NOT_FOUND
        );
        let tb = token(&app, "b@b.test").await;
        assert_eq!(
            app.api(&tb).get(&format!("/cases/{}", s.case)).await.status,
            StatusCode::NOT_FOUND
        );

        // an audit before the contract is refused, naming 8.1.2
        let stage1 = json!({"type": "audit_planned", "audit": "S1", "kind": "stage1",
            "start": "2025-10-09", "end": "2025-10-09", "days": 1,
            "team": [{"person": auditor, "role": "leader"}]});
        let e = s
            .refused("admin@b1.test", "2025-09-03", stage1.clone())
            .await;
        assert_eq!(rules(&e), ["audit_needs_contract"], "{e:?}");
        assert_eq!(e[0]["clause"], "8.1.2");
        // the enterprise cannot review its own application
        let r = s
            .post(
                "a@a.test",
                "2025-09-05",
                json!({"type": "application_reviewed", "result": "accepted"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        // the documents of 8.1.1 are not all there: not accepted yet (8.1.2.2)
        let e = s
            .refused(
                "admin@b1.test",
                "2025-09-05",
                json!({"type": "application_reviewed", "result": "accepted"}),
            )
            .await;
        assert_eq!(rules(&e), ["application_complete"], "{e:?}");
        assert!(
            e[0]["message"].as_str().unwrap().contains("a) 营业执照"),
            "{e:?}"
        );
        upload_application_documents(&app, s.case, "a@a.test").await;

        s.ok(
            "admin@b1.test",
            "2025-09-05",
            json!({"type": "application_reviewed", "result": "accepted"}),
        )
        .await;
        s.ok(
            "admin@b1.test",
            "2025-09-10",
            json!({"type": "contract_signed"}),
        )
        .await;
        // the admin reviewed the application and has no CCAA/EEPC record: not on the team
        let admin = id("admin@b1.test").await;
        let by_admin = json!({"type": "audit_planned", "audit": "S1", "kind": "stage1",
            "start": "2025-10-09", "end": "2025-10-09", "days": 1,
            "team": [{"person": admin, "role": "leader"}]});
        let mut e = rules(&s.refused("admin@b1.test", "2025-09-15", by_admin).await);
        e.sort();
        assert_eq!(e, ["auditor_competence", "separate_functions"]);
        s.ok("admin@b1.test", "2025-09-15", stage1).await;
        // the audit must not complete before the client confirms the plan (8.1.4.2)
        let e = s
            .refused(
                "auditor@b1.test",
                "2025-10-09",
                json!({"type": "audit_completed", "audit": "S1", "last_day": "2025-10-09"}),
            )
            .await;
        assert_eq!(rules(&e), ["plan_confirmed"], "{e:?}");
        s.ok(
            "a@a.test",
            "2025-09-16",
            json!({"type": "plan_confirmed", "audit": "S1"}),
        )
        .await;
        s.ok(
            "auditor@b1.test",
            "2025-10-09",
            json!({"type": "audit_completed", "audit": "S1", "last_day": "2025-10-09"}),
        )
        .await;
        // planned days below Annex A's 3 days (stage 1 + 2) need a reason
        let stage2 = json!({"type": "audit_planned", "audit": "S2", "kind": "stage2",
            "start": "2025-11-03", "end": "2025-11-04", "days": 1,
            "team": [{"person": auditor, "role": "leader"}]});
        let e = s
            .refused("admin@b1.test", "2025-10-10", stage2.clone())
            .await;
        assert_eq!(rules(&e), ["days_below_audit_time"], "{e:?}");
        let mut stage2 = stage2;
        stage2["days"] = json!(2);
        s.ok("admin@b1.test", "2025-10-10", stage2).await;
        s.ok(
            "a@a.test",
            "2025-10-11",
            json!({"type": "plan_confirmed", "audit": "S2"}),
        )
        .await;
        s.ok(
            "auditor@b1.test",
            "2025-11-04",
            json!({"type": "audit_completed", "audit": "S2",
            "last_day": "2025-11-04", "score": 91.5,
            "findings": [{"id": "NC1", "severity": "minor"}, {"id": "NC2", "severity": "major"}],
            "report": {"recommendation": "after_corrections", "conclusion": "体系基本有效",
                       "deviations": "按计划实施，无偏离"}}),
        )
        .await;

        // the corrections are due 1 and 3 months after the audit; the report is kept
        let v = s.view("2025-11-05").await;
        let s2 = &v["outcome"]["case"]["audits"][1];
        assert_eq!(s2["report"]["recommendation"], "after_corrections", "{s2}");
        assert_eq!(s2["confirmed"], "2025-10-11");
        let due: Vec<_> = v["outcome"]["due"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == "correction")
            .map(|d| d["due"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(due, ["2025-12-04", "2026-02-04"], "{v}");

        s.ok(
            "a@a.test",
            "2025-11-20",
            json!({"type": "correction_submitted", "finding": "NC1", "kind": "plan"}),
        )
        .await;
        s.ok(
            "auditor@b1.test",
            "2025-11-25",
            json!({"type": "correction_accepted", "finding": "NC1", "onsite": false}),
        )
        .await;
        // a grant with the major finding open is refused (8.1.7)
        let e = s
            .refused(
                "decider@b1.test",
                "2025-12-01",
                json!({"type": "decision", "audit": "S2", "result": "grant"}),
            )
            .await;
        assert_eq!(rules(&e), ["grant_conditions"], "{e:?}");
        // the auditor cannot decide (5.2)
        let r = s
            .post(
                "auditor@b1.test",
                "2025-12-01",
                json!({"type": "decision", "audit": "S2", "result": "grant"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        s.ok(
            "a@a.test",
            "2026-01-15",
            json!({"type": "correction_submitted", "finding": "NC2", "kind": "done"}),
        )
        .await;
        // a major finding is verified on site
        let e = s
            .refused(
                "auditor@b1.test",
                "2026-01-20",
                json!({"type": "correction_accepted", "finding": "NC2", "onsite": false}),
            )
            .await;
        assert_eq!(rules(&e), ["major_verified_on_site"], "{e:?}");
        s.ok(
            "auditor@b1.test",
            "2026-01-20",
            json!({"type": "correction_accepted", "finding": "NC2", "onsite": true}),
        )
        .await;

        // the decider's checklist is all satisfied now
        on(&clock, "2026-01-26");
        let td = token(&app, "decider@b1.test").await;
        let r = app
            .api(&td)
            .get(&format!("/cases/{}/checklist?audit=S2", s.case))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.json()
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["satisfied"] == true),
            "{}",
            r.body
        );
        let granted = s
            .ok(
                "decider@b1.test",
                "2026-01-26",
                json!({"type": "decision", "audit": "S2", "result": "grant"}),
            )
            .await;
        let number = granted["certificate"].as_str().unwrap().to_string();
        assert_eq!(number, "EEPC-2026-00001");
        let v = s.view("2026-01-27").await;
        assert_eq!(v["outcome"]["state"], "certified");
        assert_eq!(v["outcome"]["certificate"]["valid_until"], "2029-01-25");
        assert_eq!(v["outcome"]["case"]["certificates"][0]["grade"], "AAAA");
        assert_eq!(due_kinds(&v), [("surveillance".to_string(), false)]);
        // the decider of 2026-01-26 may not have been on the team
        assert_eq!(v["outcome"]["case"]["decisions"][0]["by"], json!(decider));

        // surveillance 1 within 12 months of issue
        s.ok("admin@b1.test", "2026-12-01", json!({"type": "audit_planned", "audit": "SV1", "kind": "surveillance",
            "start": "2027-01-11", "end": "2027-01-11", "days": 1, "team": [{"person": auditor, "role": "leader"}]})).await;
        s.ok(
            "a@a.test",
            "2026-12-02",
            json!({"type": "plan_confirmed", "audit": "SV1"}),
        )
        .await;
        s.ok("auditor@b1.test", "2027-01-11", json!({"type": "audit_completed", "audit": "SV1", "last_day": "2027-01-11", "score": 90})).await;
        s.ok(
            "decider@b1.test",
            "2027-01-18",
            json!({"type": "decision", "audit": "SV1", "result": "grant"}),
        )
        .await;

        // suspension within 5 working days of the cause (the client asked), then restored
        let e = s.refused("admin@b1.test", "2027-03-08", json!({"type": "suspended", "cause": "获证组织主动请求暂停", "cause_confirmed": "2027-02-26"})).await;
        assert_eq!(rules(&e), ["suspension_in_time"], "{e:?}");
        assert!(
            e[0]["message"].as_str().unwrap().contains("2027-03-05"),
            "{e:?}"
        );
        s.ok("admin@b1.test", "2027-03-01", json!({"type": "suspended", "cause": "获证组织主动请求暂停", "cause_confirmed": "2027-02-26"})).await;
        let v = s.view("2027-03-02").await;
        assert_eq!(v["outcome"]["state"], "suspended");
        assert_eq!(v["outcome"]["certificate"]["status"], "suspended");
        assert!(
            due_kinds(&v).contains(&("withdraw".to_string(), false)),
            "{v}"
        );
        s.ok("admin@b1.test", "2027-04-01", json!({"type": "restored"}))
            .await;

        // surveillance 2 within 12 months of the first
        s.ok("admin@b1.test", "2027-11-15", json!({"type": "audit_planned", "audit": "SV2", "kind": "surveillance",
            "start": "2028-01-05", "end": "2028-01-05", "days": 1, "team": [{"person": auditor, "role": "leader"}]})).await;
        s.ok(
            "a@a.test",
            "2027-11-16",
            json!({"type": "plan_confirmed", "audit": "SV2"}),
        )
        .await;
        s.ok(
            "auditor@b1.test",
            "2028-01-05",
            json!({"type": "audit_completed", "audit": "SV2", "last_day": "2028-01-05"}),
        )
        .await;
        s.ok(
            "decider@b1.test",
            "2028-01-12",
            json!({"type": "decision", "audit": "SV2", "result": "grant"}),
        )
        .await;

        // recertification: not before 3 months before expiry
        let e = s
            .refused(
                "a@a.test",
                "2028-10-24",
                json!({"type": "recertification_applied"}),
            )
            .await;
        assert_eq!(rules(&e), ["recertification_window"], "{e:?}");
        s.ok(
            "a@a.test",
            "2028-10-25",
            json!({"type": "recertification_applied"}),
        )
        .await;
        s.ok("admin@b1.test", "2028-11-01", json!({"type": "audit_planned", "audit": "RC", "kind": "recertification",
            "start": "2028-12-04", "end": "2028-12-05", "days": 2, "team": [{"person": auditor, "role": "leader"}]})).await;
        s.ok(
            "a@a.test",
            "2028-11-02",
            json!({"type": "plan_confirmed", "audit": "RC"}),
        )
        .await;
        s.ok("auditor@b1.test", "2028-12-05", json!({"type": "audit_completed", "audit": "RC", "last_day": "2028-12-05", "score": 96})).await;
        let renewed = s
            .ok(
                "decider@b1.test",
                "2028-12-15",
                json!({"type": "decision", "audit": "RC", "result": "grant"}),
            )
            .await;
        assert_eq!(renewed["certificate"], "EEPC-2028-00002");
        let v = s.view("2029-02-01").await;
        assert_eq!(v["outcome"]["state"], "certified");
        assert_eq!(v["outcome"]["certificate"]["valid_from"], "2029-01-26");
        assert_eq!(v["outcome"]["certificate"]["valid_until"], "2032-01-25");

        // an appeal within 10 working days, decided by someone who took no part
        let e = s
            .refused("a@a.test", "2029-01-10", json!({"type": "appeal_received"}))
            .await;
        assert_eq!(rules(&e), ["appeal_in_time"], "{e:?}");
        s.ok(
            "a@a.test",
            "2028-12-20",
            json!({"type": "appeal_received", "id": "AP1"}),
        )
        .await;
        let e = s
            .refused(
                "decider@b1.test",
                "2029-01-05",
                json!({"type": "appeal_decided", "result": "rejected", "id": "AP1"}),
            )
            .await;
        assert_eq!(rules(&e), ["appeal_impartial"], "{e:?}");
        s.ok(
            "admin@b1.test",
            "2029-01-05",
            json!({"type": "appeal_decided", "result": "rejected", "id": "AP1"}),
        )
        .await;

        let v = s.view("2029-02-01").await;
        assert!(
            v["outcome"]["violations"].as_array().unwrap().is_empty(),
            "{v}"
        );
        assert!(
            due_kinds(&v).iter().all(|(k, _)| k == "surveillance"),
            "{v}"
        );

        // the history exports as JSON Lines and imports into a new case with no violation
        let t = token(&app, "admin@b1.test").await;
        let r = app
            .api(&t)
            .get(&format!("/cases/{}/events.jsonl", s.case))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.content_type().starts_with("application/jsonl"));
        let lines = r.body.lines().count();
        assert_eq!(lines, 1 + v["events"].as_array().unwrap().len());
        assert!(r
            .body
            .lines()
            .next()
            .unwrap()
            .contains("\"case\":\"certification\""));

        // deleting the case before the end of the retention period is refused (10)
        let r = app
            .api(&t)
            .call(
                axum::http::Method::DELETE,
                &format!("/cases/{}", s.case),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["errors"][0]["rule"], "records_retention");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_body_sets_its_certificate_numbers_and_they_never_repeat() {
    let clock = Arc::new(FixedClock::new(Utc::now()));
    on(&clock, "2026-05-01");
    for app in apps_with(clock.clone(), |_| {}).await {
        let b = app.backend;
        let f = fixture(&app).await;
        let admin = token(&app, "admin@b1.test").await;
        let r = app.api(&admin).get("/certificate-pattern").await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["example"], "EEPC-2026-00001", "{b}");
        // a pattern without the sequence could repeat: refused, naming the field
        let r = app
            .api(&admin)
            .call(
                axum::http::Method::PUT,
                "/certificate-pattern",
                Some(json!({"pattern": "ZH-{year}"})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert_eq!(r.json()["errors"][0]["field"], "pattern", "{b}");
        let r = app
            .api(&admin)
            .call(
                axum::http::Method::PUT,
                "/certificate-pattern",
                Some(json!({"pattern": "ZH/EEPC/{year}/{seq:4}"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["example"], "ZH/EEPC/2026/0001", "{b}");
        // only the body's admin sets it; an enterprise does not see it
        let auditor = token(&app, "auditor@b1.test").await;
        let r = app
            .api(&auditor)
            .call(
                axum::http::Method::PUT,
                "/certificate-pattern",
                Some(json!({"pattern": "X-{seq}"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        let ent = token(&app, "a@a.test").await;
        assert_eq!(
            app.api(&ent).get("/certificate-pattern").await.status,
            StatusCode::NOT_FOUND
        );

        // many issuers at once (several server processes share the database): every number
        // of the sequence is handed out once
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let st = app.state.clone();
            let org = f.body_id;
            tasks.push(tokio::spawn(async move {
                let mut tx = st.begin().await.unwrap();
                let (_, seq) = tianping_store::cases::take_seq(&mut tx, org, "X-{seq}")
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                seq
            }));
        }
        let mut seqs = Vec::new();
        for t in tasks {
            seqs.push(t.await.unwrap());
        }
        seqs.sort();
        assert_eq!(seqs, (1..=8).collect::<Vec<i64>>(), "{b}");
        app.cleanup().await;
    }
}
