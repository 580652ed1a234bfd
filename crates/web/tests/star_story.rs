//! One enterprise's star rating with one body (seed 000 §6, §8; I-19) through the API, on
//! SQLite and PostgreSQL, the events dated in the past of an injected clock: an online
//! application with a linked online result (the first award above one star refused, one star
//! awarded), an on-site application (an award within what the rules and results allow, the
//! single-dimension stars with it), the yearly supervision, a spot check supporting fewer stars
//! (lower or blacklist due), blacklisting with a reason, an award refused while blacklisted,
//! the lifting; what the case publishes after each; who may not (the per-stage report and
//! the demo recipe: `star_stages.rs`).

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use serde_json::{json, Value};
use tianping_app::FixedClock;
use tianping_core::Plan;

/// Set the clock to noon in Beijing on `day`.
fn on(clock: &FixedClock, day: &str) {
    let d: NaiveDate = day.parse().unwrap();
    clock.set(Utc.from_utc_datetime(&d.and_hms_opt(4, 0, 0).unwrap()));
}

fn plan() -> Plan<'static> {
    let s = catalog().get("t11-aii-001-2020").unwrap();
    Plan::new(s, Some("tech-service"), None).unwrap()
}

fn rules(errors: &Value) -> Vec<String> {
    errors["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule"].as_str().unwrap_or("").to_string())
        .collect()
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

/// The body verifies every table of the enterprise's self-declared answers (I-20).
async fn verify_all(app: &App, aid: i64) {
    let api = app.api(&token(app, "auditor@b1.test").await);
    let mut tables: Vec<String> = plan().leaves.iter().map(|l| l.ind.table.clone()).collect();
    tables.dedup();
    for t in tables {
        let r = api
            .post(&format!("/assessments/{aid}/verify"), json!({ "table": t }))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {t} {}", app.backend, r.body);
    }
}

async fn stored_stars(app: &App, aid: i64) -> u8 {
    let a = tianping_store::repo::get_assessment(&app.state.store, aid)
        .await
        .unwrap()
        .unwrap();
    let rv = tianping_app::assessments::result_view(&a).unwrap().unwrap();
    rv.evaluation.stars.unwrap_or(0)
}

async fn public_json(app: &App, case: i64) -> Option<Value> {
    let (j,): (Option<String>,) =
        tianping_store::sqlx::query_as("SELECT public_json FROM cases WHERE id = $1")
            .bind(case)
            .fetch_one(&app.state.store.pool)
            .await
            .unwrap();
    j.map(|s| serde_json::from_str(&s).unwrap())
}

struct Story<'a> {
    app: &'a App,
    clock: &'a FixedClock,
    case: i64,
}

impl Story<'_> {
    async fn post(&self, email: &str, day: &str, event: Value) -> Resp {
        on(self.clock, day);
        let t = token(self.app, email).await;
        let mut e = event;
        e["date"] = json!(day);
        self.app
            .api(&t)
            .post(&format!("/star-cases/{}/events", self.case), e)
            .await
    }

    async fn ok(&self, email: &str, day: &str, event: Value) -> Value {
        let r = self.post(email, day, event.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{} {event}: {}",
            self.app.backend,
            r.body
        );
        r.json()
    }

    async fn refused(&self, email: &str, day: &str, event: Value) -> Value {
        let r = self.post(email, day, event.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{} {event}: {}",
            self.app.backend,
            r.body
        );
        r.json()
    }

    async fn link(&self, day: &str, aid: i64) -> Resp {
        on(self.clock, day);
        let t = token(self.app, "admin@b1.test").await;
        self.app
            .api(&t)
            .post(
                &format!("/star-cases/{}/results", self.case),
                json!({"assessment_id": aid, "date": day}),
            )
            .await
    }

    async fn view(&self, email: &str) -> Value {
        let t = token(self.app, email).await;
        let r = self
            .app
            .api(&t)
            .get(&format!("/star-cases/{}", self.case))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()
    }
}

fn due_kinds(v: &Value) -> Vec<String> {
    v["outcome"]["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_enterprise_is_rated_supervised_blacklisted_and_lifted() {
    let clock = Arc::new(FixedClock::new(Utc::now()));
    for app in apps_with(clock.clone(), |_| {}).await {
        let b = app.backend;
        let f = fixture(&app).await;
        // the online self-evaluation, every item answered in full and verified by the body
        on(&clock, "2025-01-05");
        answer_all(&app, "a@a.test", f.star_a, 100.0).await;
        verify_all(&app, f.star_a).await;
        let online_stars = stored_stars(&app, f.star_a).await;
        assert!(online_stars >= 3, "{b}: {online_stars}");

        // 6.1: the enterprise applies online
        on(&clock, "2025-01-10");
        let ent = app.api(&token(&app, "a@a.test").await);
        let r = ent
            .post(
                "/star-cases/apply",
                json!({"org_id": f.body_id, "mode": "online"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let s = Story {
            app: &app,
            clock: &clock,
            case: r.json()["id"].as_i64().unwrap(),
        };
        // who may not see it, who may not award
        for other in ["b@b.test", "auditor@b2.test"] {
            let t = token(&app, other).await;
            let r = app.api(&t).get(&format!("/star-cases/{}", s.case)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {other}");
        }
        let r = s
            .post(
                "a@a.test",
                "2025-01-12",
                json!({"type": "star_awarded", "stars": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        // the certification routes do not read it
        let t = token(&app, "admin@b1.test").await;
        let r = app.api(&t).get(&format!("/cases/{}", s.case)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {}", r.body);
        // the case is listed as a star rating
        let mut page = app.browser();
        page.login("a@a.test", PW).await;
        assert!(page.get("/cases").await.body.contains("星级评价"), "{b}");

        // the online result from the linked assessment
        let r = s.link("2025-01-20", f.star_a).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let v = s.view("decider@b1.test").await;
        let res = &v["outcome"]["case"]["applications"][0]["results"][0];
        assert_eq!(res["mode"], "online", "{b}: {v}");
        assert_eq!(res["stars"].as_u64(), Some(online_stars as u64), "{b}");
        assert!(
            due_kinds(&v).contains(&"star_award".to_string()),
            "{b}: {v}"
        );
        // the proposal: one star, more refused by the first-award rule
        assert_eq!(v["proposal"]["stars"], 1, "{b}: {v}");
        // a hand-typed result is refused once a result comes from an assessment
        let e = s
            .refused(
                "admin@b1.test",
                "2025-01-21",
                json!({"type": "star_result", "mode": "online", "stars": 5}),
            )
            .await;
        assert_eq!(rules(&e), ["star_result_linked"], "{b}: {e}");

        // the first award above one star is refused, with the reason
        let e = s
            .refused(
                "decider@b1.test",
                "2025-01-25",
                json!({"type": "star_awarded", "stars": 3}),
            )
            .await;
        assert_eq!(rules(&e), ["star_first_award"], "{b}: {e}");
        assert!(
            e["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("一星级"),
            "{b}: {e}"
        );
        s.ok(
            "decider@b1.test",
            "2025-01-25",
            json!({"type": "star_awarded", "stars": 1}),
        )
        .await;
        let p = public_json(&app, s.case).await.unwrap();
        assert_eq!(p["stars"]["stars"], 1, "{b}: {p}");
        // the enterprise heard of the award, the body's admin of the application, the decider
        // of the result that waits for a decision; the auditor of none
        for who in ["a@a.test", "admin@b1.test", "decider@b1.test"] {
            let k = kinds(&app, who).await;
            assert!(k.contains(&"case_event".to_string()), "{b} {who}");
        }
        let k = kinds(&app, "auditor@b1.test").await;
        assert!(!k.contains(&"case_event".to_string()), "{b}");

        // an on-site application: the online result and the body's on-site assessment
        on(&clock, "2025-03-01");
        let r = ent
            .post(
                "/star-cases/apply",
                json!({"org_id": f.body_id, "mode": "onsite"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        assert_eq!(
            r.json()["id"].as_i64(),
            Some(s.case),
            "{b}: one case per body"
        );
        let r = s.link("2025-03-05", f.star_a).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        let r = aud
            .post(
                "/assessments",
                json!({"enterprise_id": f.ent_a, "scheme": "t11-aii-001-2020", "variant": "tech-service"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let onsite = r.json()["id"].as_i64().unwrap();
        answer_all(&app, "auditor@b1.test", onsite, 100.0).await;
        let r = s.link("2025-03-10", onsite).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let v = s.view("decider@b1.test").await;
        let res = &v["outcome"]["case"]["applications"][1]["results"][1];
        assert_eq!(res["mode"], "onsite", "{b}: {v}");
        assert!(res["dimension_stars"].is_object(), "{b}: {v}");
        // from one star, the online step allows three at most; four needs three already
        assert_eq!(v["proposal"]["stars"], 3, "{b}: {v}");
        let e = s
            .refused(
                "decider@b1.test",
                "2025-03-15",
                json!({"type": "star_awarded", "stars": 4}),
            )
            .await;
        assert_eq!(rules(&e), ["star_four_five"], "{b}: {e}");
        let dims = v["proposal"]["dimension_stars"].clone();
        s.ok(
            "decider@b1.test",
            "2025-03-15",
            json!({"type": "star_awarded", "stars": 3, "dimension_stars": dims}),
        )
        .await;
        let v = s.view("a@a.test").await;
        assert_eq!(v["outcome"]["stars"]["current"], 3, "{b}: {v}");
        assert!(
            v["outcome"]["stars"]["dimension_stars"].is_object(),
            "{b}: {v}"
        );
        assert!(
            v["proposal"].is_null(),
            "{b}: the enterprise gets no proposal"
        );

        // §8: the yearly supervision keeps three stars
        s.ok(
            "admin@b1.test",
            "2026-03-10",
            json!({"type": "supervision_completed", "stars": 3}),
        )
        .await;
        let v = s.view("admin@b1.test").await;
        assert_eq!(
            v["outcome"]["case"]["supervisions"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert!(
            due_kinds(&v).contains(&"supervision".to_string()),
            "{b}: {v}"
        );
        assert!(
            !due_kinds(&v).contains(&"lower_or_blacklist".to_string()),
            "{b}: {v}"
        );
        // a spot check supports one star: lower or blacklist is due
        s.ok(
            "admin@b1.test",
            "2026-06-01",
            json!({"type": "supervision_completed", "stars": 1, "spot_check": true}),
        )
        .await;
        let v = s.view("admin@b1.test").await;
        assert!(
            due_kinds(&v).contains(&"lower_or_blacklist".to_string()),
            "{b}: {v}"
        );

        // a lowering needs a reason and goes to exactly what the spot check supports
        let r = s
            .post(
                "decider@b1.test",
                "2026-06-05",
                json!({"type": "star_lowered", "stars": 1}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert_eq!(r.json()["errors"][0]["field"], "reason", "{b}: {}", r.body);
        let e = s
            .refused(
                "decider@b1.test",
                "2026-06-05",
                json!({"type": "star_lowered", "stars": 2, "reason": "抽查结果"}),
            )
            .await;
        assert_eq!(rules(&e), ["star_lowering"], "{b}: {e}");

        // blacklisting needs a reason; then the stars are gone
        let r = s
            .post(
                "decider@b1.test",
                "2026-06-10",
                json!({"type": "blacklisted", "reason": " "}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert_eq!(r.json()["errors"][0]["field"], "reason", "{b}: {}", r.body);
        s.ok(
            "decider@b1.test",
            "2026-06-10",
            json!({"type": "blacklisted", "reason": "抽查发现严重失信行为"}),
        )
        .await;
        let p = public_json(&app, s.case).await.unwrap();
        assert_eq!(p["blacklist"]["reason"], "抽查发现严重失信行为", "{b}: {p}");
        assert!(p["stars"].is_null() || p["stars"]["stars"] == 0, "{b}: {p}");
        let v = s.view("admin@b1.test").await;
        assert_eq!(v["outcome"]["state"], "blacklisted", "{b}: {v}");
        assert!(
            !due_kinds(&v).contains(&"lower_or_blacklist".to_string()),
            "{b}: {v}"
        );

        // an award while blacklisted is refused, even with a new application and result
        on(&clock, "2026-06-15");
        let r = ent
            .post(
                "/star-cases/apply",
                json!({"org_id": f.body_id, "mode": "online"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let r = s.link("2026-06-16", f.star_a).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let e = s
            .refused(
                "decider@b1.test",
                "2026-06-20",
                json!({"type": "star_awarded", "stars": 1}),
            )
            .await;
        assert!(
            rules(&e).contains(&"star_blacklisted".to_string()),
            "{b}: {e}"
        );
        let v = s.view("decider@b1.test").await;
        assert_eq!(v["proposal"]["stars"], 0, "{b}: {v}");

        // the lift is recorded, with its reason and who decided
        let r = s
            .post(
                "decider@b1.test",
                "2026-07-01",
                json!({"type": "blacklist_lifted"}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        s.ok(
            "decider@b1.test",
            "2026-07-01",
            json!({"type": "blacklist_lifted", "reason": "整改完成，复查合格"}),
        )
        .await;
        let v = s.view("admin@b1.test").await;
        let bl = &v["outcome"]["case"]["blacklist"][0];
        assert_eq!(bl["lifted"][0], "2026-07-01", "{b}: {v}");
        let p = public_json(&app, s.case).await;
        assert!(
            p.as_ref().is_none_or(|p| p["blacklist"].is_null()),
            "{b}: {p:?}"
        );

        // the case page shows the stars and the history; the forms carry the CSRF token
        let mut dec = app.browser();
        dec.login("decider@b1.test", PW).await;
        let html = dec.get(&format!("/cases/{}", s.case)).await.body;
        for want in [
            "★★★☆☆",
            "列入黑名单",
            "抽查发现严重失信行为",
            "移出黑名单",
            "name=\"csrf\"",
        ] {
            assert!(html.contains(want), "{b}: {want}");
        }
        app.cleanup().await;
    }
}
