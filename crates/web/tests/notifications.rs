//! Notifications on SQLite and PostgreSQL: the inbox of each person concerned by an event
//! (and of nobody else), e-mail through a real SMTP receiver on 127.0.0.1 with the outbox's
//! retries, and nothing sent without `smtp_url`.

mod common;
mod smtp;

use std::sync::Arc;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use smtp::{link_path, use_smtp, Receiver};
use tianping_app::domain::notify::MailStatus;
use tianping_app::{mail, FixedClock};
use tianping_store::mail as outbox;

async fn deliver(app: &App) -> mail::Delivery {
    mail::deliver_due(&app.state).await.unwrap()
}

#[tokio::test]
async fn an_invitation_mail_arrives_with_the_full_link_and_the_link_works() {
    for mut app in apps().await {
        let b = app.backend;
        let rx = Receiver::start().await;
        use_smtp(&mut app, Some(&rx.url()));
        let _f = fixture(&app).await;
        let mut admin = app.browser();
        admin.login("admin@b1.test", PW).await;
        let r = admin
            .post(
                "/admin/invite",
                &[
                    ("email", "new.auditor@b1.test"),
                    ("role", "auditor"),
                    ("name", "新人"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let d = deliver(&app).await;
        assert!(d.sent >= 1 && d.errors.is_empty(), "{b}: {d:?}");
        let got = rx.to("new.auditor@b1.test");
        assert_eq!(got.len(), 1, "{b}: {:?}", rx.mails());
        let m = &got[0];
        assert_eq!(m.from, "noreply@tianping.test", "{b}");
        assert!(m.subject.contains("Body One"), "{b}: {}", m.subject);
        assert!(
            m.body
                .contains("admin@b1.test邀请你以“审核员”的身份加入Body One")
                && m.body.contains("https://tianping.test/invite/")
                && m.body.find("请在").unwrap() < m.body.find("Open the link").unwrap(),
            "{b}: {}",
            m.body
        );
        // the link, as a person would follow it
        let path = link_path(m);
        let mut new = app.browser();
        let r = new.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {path}");
        assert!(r.body.contains("new.auditor@b1.test"), "{b}");
        let r = new
            .post(
                &path,
                &[("name", "新人"), ("password", "another-Good-pass-77")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        // the link's body is not kept once sent
        let sent = outbox::recent(&app.state.store, 50).await.unwrap();
        let inv = sent
            .iter()
            .find(|m| m.recipient == "new.auditor@b1.test")
            .unwrap();
        assert_eq!(
            (inv.status, inv.secret, inv.body.as_str()),
            (MailStatus::Sent, 1, ""),
            "{b}"
        );
        rx.stop().await;
        app.cleanup().await;
    }
}

#[tokio::test]
async fn each_event_reaches_the_people_concerned_and_nobody_else() {
    for mut app in apps().await {
        let b = app.backend;
        let rx = Receiver::start().await;
        use_smtp(&mut app, Some(&rx.url()));
        // the fixture engages body one and the platform (enterprise A), and assigns expert 1
        let f = fixture(&app).await;
        assert_eq!(kinds(&app, "admin@b1.test").await, ["engaged"], "{b}");
        assert_eq!(kinds(&app, "auditor@b1.test").await, ["engaged"], "{b}");
        assert_eq!(kinds(&app, "operator@p.test").await, ["engaged"], "{b}");
        assert_eq!(
            kinds(&app, "expert1@b1.test").await,
            ["expert_assigned"],
            "{b}"
        );
        for nobody in [
            "expert2@b1.test",
            "decider@b1.test",
            "auditor@b2.test",
            "a@a.test",
        ] {
            assert!(kinds(&app, nobody).await.is_empty(), "{b}: {nobody}");
        }
        // enterprise B engages body two through its page
        let mut eb = app.browser();
        eb.login("b@b.test", PW).await;
        let r = eb
            .post(
                &format!("/enterprises/{}/engage", f.ent_b),
                &[("org_id", &f.body2_id.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(kinds(&app, "auditor@b2.test").await, ["engaged"], "{b}");
        assert_eq!(kinds(&app, "auditor@b1.test").await.len(), 1, "{b}");
        // a self-assessment submitted: the reviewers of the bodies A engaged
        let ta = token(&app, "a@a.test").await;
        let r = app
            .api(&ta)
            .post(&format!("/assessments/{}/submit", f.self_a), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        for reviewer in ["admin@b1.test", "auditor@b1.test"] {
            assert_eq!(
                kinds(&app, reviewer).await[0],
                "submitted",
                "{b}: {reviewer}"
            );
        }
        for nobody in [
            "operator@p.test",
            "auditor@b2.test",
            "expert1@b1.test",
            "a@a.test",
        ] {
            assert!(
                !kinds(&app, nobody).await.contains(&"submitted".into()),
                "{b}: {nobody}"
            );
        }
        // an on-site assessment submitted: the enterprise
        let tau = token(&app, "auditor@b1.test").await;
        let r = app
            .api(&tau)
            .post(&format!("/assessments/{}/submit", f.onsite_a), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(kinds(&app, "a@a.test").await, ["submitted"], "{b}");
        assert!(kinds(&app, "b@b.test").await.is_empty(), "{b}");
        // the words, in the reader's language, and the link to the object
        let r = app.api(&ta).lang("en").get("/notifications").await;
        let n = &r.json()["items"][0];
        assert_eq!(
            n["link"],
            json!(format!("/assessments/{}", f.onsite_a)),
            "{b}"
        );
        assert!(
            n["title"]
                .as_str()
                .unwrap()
                .starts_with("On-site assessment submitted"),
            "{b}: {n}"
        );
        assert_eq!(n["data"]["mode"], json!("onsite"), "{b}");
        assert_eq!(n["read_at"], Value::Null, "{b}");
        let mut ea = app.browser();
        ea.login("a@a.test", PW).await;
        let r = ea.get(n["link"].as_str().unwrap()).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{b}: the link opens for its reader"
        );
        // the same people get the e-mails, and only they
        let d = deliver(&app).await;
        assert!(d.errors.is_empty(), "{b}: {d:?}");
        let mut to: Vec<String> = rx.mails().into_iter().flat_map(|m| m.to).collect();
        to.sort();
        assert_eq!(
            to,
            [
                "a@a.test",
                "admin@b1.test",
                "admin@b1.test",
                "auditor@b1.test",
                "auditor@b1.test",
                "auditor@b2.test",
                "expert1@b1.test",
                "operator@p.test",
            ],
            "{b}"
        );
        let m = &rx.to("a@a.test")[0];
        assert!(
            m.subject.contains("现场评价已提交")
                && m.body
                    .contains(&format!("https://tianping.test/assessments/{}", f.onsite_a)),
            "{b}: {m:?}"
        );
        rx.stop().await;
        app.cleanup().await;
    }
}

#[tokio::test]
async fn an_expert_hears_once_of_many_items_until_reading_it() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let mut au = app.browser();
        au.login("auditor@b1.test", PW).await;
        let expert1 = tianping_store::repo::user_by_email(&app.state.store, "expert1@b1.test")
            .await
            .unwrap()
            .unwrap();
        let assign =
            |item: &str| format!("/assessments/{}/items/{}/experts", f.onsite_a, enc(item));
        let r = au
            .post(
                &assign(&f.other_item),
                &[("expert_id", &expert1.id.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(
            kinds(&app, "expert1@b1.test").await.len(),
            1,
            "{b}: unread, not again"
        );
        let mut ex = app.browser();
        ex.login("expert1@b1.test", PW).await;
        let r = ex.get("/inbox").await;
        assert!(
            r.body.contains(r#"class="badge""#),
            "{b}: unread count in the header"
        );
        assert!(r.body.contains("你被指派为评价专家"), "{b}");
        let r = ex.post("/inbox/read-all", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        let r = ex.get("/inbox").await;
        assert!(!r.body.contains(r#"class="badge""#), "{b}: all read");
        // read: a new assignment is told again
        let third = app
            .state
            .catalog
            .get("t-cic-capability")
            .unwrap()
            .indicators
            .iter()
            .filter(|i| !i.expert_panel && !i.likert)
            .nth(2)
            .unwrap()
            .id
            .clone();
        au.post(&assign(&third), &[("expert_id", &expert1.id.to_string())])
            .await;
        assert_eq!(kinds(&app, "expert1@b1.test").await.len(), 2, "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn nobody_reads_or_marks_another_persons_notification() {
    for app in apps().await {
        let b = app.backend;
        let _f = fixture(&app).await;
        let tau = token(&app, "auditor@b1.test").await;
        let mine = app.api(&tau).get("/notifications").await.json();
        assert_eq!(mine["total"], json!(1), "{b}");
        let id = mine["items"][0]["id"].as_i64().unwrap();
        // another person: not found in the API and the pages, and nothing changes
        let top = token(&app, "operator@p.test").await;
        let theirs = app.api(&top).get("/notifications").await.json();
        assert!(
            theirs["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|n| n["id"] != json!(id)),
            "{b}"
        );
        let r = app
            .api(&top)
            .post(&format!("/notifications/{id}/read"), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(r.content_type(), "application/problem+json", "{b}");
        for who in ["operator@p.test", "a@a.test", "expert1@b1.test"] {
            let mut other = app.browser();
            other.login(who, PW).await;
            let r = other.post(&format!("/inbox/{id}/read"), &[]).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {who}");
            let r = other.get("/inbox").await;
            assert!(!r.body.contains(&format!("/inbox/{id}/read")), "{b}: {who}");
        }
        for p in ["/notifications/999999/read", "/notifications/x/read"] {
            let r = app.api(&tau).post(p, json!({})).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {p}");
        }
        let after = app.api(&tau).get("/notifications").await.json();
        assert_eq!(
            after["items"][0]["read_at"],
            Value::Null,
            "{b}: still unread"
        );
        // signed out: sign in first
        let r = app.api("").get("/notifications").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        let r = app
            .api("")
            .post(&format!("/notifications/{id}/read"), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        let mut anon = app.browser();
        let r = anon.get("/inbox").await;
        assert!(r.location().starts_with("/login?next="), "{b}");
        // the owner marks it read (a second time changes nothing)
        let r = app
            .api(&tau)
            .post(&format!("/notifications/{id}/read"), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let at = r.json()["read_at"].clone();
        assert!(at.is_string(), "{b}");
        let again = app
            .api(&tau)
            .post(&format!("/notifications/{id}/read"), json!({}))
            .await;
        assert_eq!(again.json()["read_at"], at, "{b}");
        app.cleanup().await;
    }
}

/// Short retries: 10 s, then 20 s; three attempts.
fn short_retries(c: &mut tianping_web::Config) {
    c.mail_retry = tianping_app::domain::notify::RetryPolicy {
        first_delay_secs: 10,
        max_delay_secs: 60,
        max_attempts: 3,
    };
}

#[tokio::test]
async fn a_mail_waits_for_the_receiver_and_is_given_up_after_the_last_attempt() {
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    for mut app in apps_with(clock.clone(), short_retries).await {
        let b = app.backend;
        let port = smtp::free_port().await;
        use_smtp(&mut app, Some(&format!("smtp://127.0.0.1:{port}")));
        let f = fixture(&app).await;
        let ta = token(&app, "a@a.test").await;
        let submit = app
            .api(&ta)
            .post(&format!("/assessments/{}/submit", f.self_a), json!({}))
            .await;
        assert_eq!(submit.status, StatusCode::OK, "{b}");
        // the receiver is down: every mail fails once and waits 10 s
        let d = deliver(&app).await;
        assert!(
            d.sent == 0 && d.retrying > 0 && d.given_up == 0,
            "{b}: {d:?}"
        );
        let waiting = outbox::recent(&app.state.store, 100).await.unwrap();
        assert!(
            waiting.iter().all(|m| m.status == MailStatus::Pending
                && m.attempts == 1
                && m.last_error.as_deref().is_some_and(|e| !e.is_empty())),
            "{b}: {waiting:?}"
        );
        assert_eq!(
            deliver(&app).await,
            mail::Delivery::default(),
            "{b}: not due yet"
        );
        // up, and time has come: all delivered
        let rx = Receiver::start_on(port).await;
        clock.advance(chrono::Duration::seconds(11));
        let d = deliver(&app).await;
        assert_eq!((d.sent, d.retrying), (waiting.len(), 0), "{b}: {d:?}");
        assert_eq!(rx.mails().len(), waiting.len(), "{b}");
        assert!(
            rx.to("auditor@b1.test")
                .iter()
                .any(|m| m.subject.contains("提交了自评")),
            "{b}"
        );
        let sent = outbox::recent(&app.state.store, 100).await.unwrap();
        assert!(
            sent.iter()
                .all(|m| m.status == MailStatus::Sent && m.last_error.is_none()),
            "{b}"
        );
        rx.stop().await;
        // down for good: three attempts, then given up with the error kept
        let t = token(&app, "auditor@b1.test").await;
        let r = app
            .api(&t)
            .post(&format!("/assessments/{}/submit", f.onsite_a), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert_eq!(deliver(&app).await.retrying, 1, "{b}");
        clock.advance(chrono::Duration::seconds(11));
        assert_eq!(deliver(&app).await.retrying, 1, "{b}");
        clock.advance(chrono::Duration::seconds(11));
        assert_eq!(
            deliver(&app).await,
            mail::Delivery::default(),
            "{b}: 20 s the second time"
        );
        clock.advance(chrono::Duration::seconds(10));
        let d = deliver(&app).await;
        assert_eq!(d.given_up, 1, "{b}: {d:?}");
        assert!(d.errors[0].contains("已放弃"), "{b}: {d:?}");
        let m = &outbox::recent(&app.state.store, 1).await.unwrap()[0];
        assert_eq!(
            (m.status, m.attempts, m.recipient.as_str()),
            (MailStatus::Failed, 3, "a@a.test"),
            "{b}"
        );
        assert!(
            m.last_error.as_deref().is_some_and(|e| !e.is_empty()),
            "{b}: {m:?}"
        );
        clock.advance(chrono::Duration::hours(1));
        assert_eq!(
            deliver(&app).await,
            mail::Delivery::default(),
            "{b}: never again"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn without_smtp_nothing_is_queued_and_the_inbox_still_works() {
    for app in apps().await {
        let b = app.backend;
        assert!(app.state.config.smtp_url.is_none());
        let f = fixture(&app).await;
        let mut admin = app.browser();
        admin.login("admin@b1.test", PW).await;
        let r = admin
            .post(
                "/admin/invite",
                &[("email", "x@b1.test"), ("role", "expert")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let ta = token(&app, "a@a.test").await;
        app.api(&ta)
            .post(&format!("/assessments/{}/submit", f.self_a), json!({}))
            .await;
        assert!(
            outbox::recent(&app.state.store, 10)
                .await
                .unwrap()
                .is_empty(),
            "{b}"
        );
        assert_eq!(deliver(&app).await, mail::Delivery::default(), "{b}");
        assert!(mail::start(&app.state, std::time::Duration::from_millis(10), |_| {}).is_none());
        assert_eq!(
            kinds(&app, "auditor@b1.test").await,
            ["submitted", "engaged"],
            "{b}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_delivery_task_sends_by_itself_and_stops() {
    for mut app in apps().await {
        let b = app.backend;
        let rx = Receiver::start().await;
        use_smtp(&mut app, Some(&rx.url()));
        let worker = mail::start(&app.state, std::time::Duration::from_millis(20), |e| {
            eprintln!("{e}")
        })
        .expect("configured");
        let _f = fixture(&app).await;
        let mut waited = 0;
        while rx.mails().len() < 4 && waited < 250 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            waited += 1;
        }
        assert_eq!(rx.mails().len(), 4, "{b}: engaged ×3, assigned ×1");
        worker.stop().await;
        let mut admin = app.browser();
        admin.login("admin@b1.test", PW).await;
        admin
            .post(
                "/admin/invite",
                &[("email", "y@b1.test"), ("role", "expert")],
            )
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(rx.mails().len(), 4, "{b}: stopped, nothing more sent");
        rx.stop().await;
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_databases_refuse_unknown_kinds_and_states() {
    for app in apps().await {
        let b = app.backend;
        let _f = fixture(&app).await;
        let pool = &app.state.store.pool;
        for sql in [
            "UPDATE notifications SET kind = 'gossip'",
            "INSERT INTO mail_outbox (recipient, subject, body, status, next_attempt_at, created_at) \
             VALUES ('a@a.test', 's', 'b', 'lost', 'now', 'now')",
            "INSERT INTO mail_outbox (recipient, subject, body, secret, next_attempt_at, created_at) \
             VALUES ('a@a.test', 's', 'b', 2, 'now', 'now')",
        ] {
            let e = tianping_store::sqlx::query(sql)
                .execute(pool)
                .await
                .expect_err(sql)
                .to_string();
            assert!(e.to_lowercase().contains("check"), "{b}: {sql}: {e}");
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_inbox_speaks_the_readers_language() {
    for app in apps().await {
        let b = app.backend;
        let _f = fixture(&app).await;
        let mut ex = app.browser();
        ex.get("/lang/en?back=/").await;
        ex.login("expert1@b1.test", PW).await;
        let r = ex.get("/inbox").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        for en in [
            "You are assigned as an expert",
            "Mark read",
            "Mark all read",
            ">Inbox",
        ] {
            assert!(r.body.contains(en), "{b}: {en}");
        }
        for zh in ["你被指派", "标为已读", "未读"] {
            assert!(!r.body.contains(zh), "{b}: {zh}");
        }
        let mut anon = app.browser();
        anon.get("/lang/en?back=/").await;
        let r = anon.get("/password/forgot").await;
        assert!(r.body.contains("This installation sends no e-mail"), "{b}");
        app.cleanup().await;
    }
}
