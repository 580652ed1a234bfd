//! Password reset by e-mail on SQLite and PostgreSQL, end to end through a real SMTP
//! receiver: the link, the new password, sessions ended, single use, expiry by the injected
//! clock, a newer link replacing an older one, throttling, and the same answer for an
//! unknown address.

mod common;
mod smtp;

use std::sync::Arc;

use axum::http::StatusCode;
use common::*;
use smtp::{link_path, use_smtp, Receiver};
use tianping_app::{mail, FixedClock};

const NEW_PW: &str = "Quiet-river-stone-42";

/// Ask for a link for `email` through the pages: the page's text.
async fn ask(app: &App, email: &str) -> String {
    let mut b = app.browser();
    let r = b.get("/password/forgot").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = b.post("/password/forgot", &[("email", email)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    mail::deliver_due(&app.state).await.unwrap();
    r.body
}

/// The newest reset link sent to `email`, and how many mails it has had.
fn newest_link(rx: &Receiver, email: &str) -> (String, usize) {
    let got = rx.to(email);
    let m = got.last().expect("a reset mail");
    assert!(m.subject.contains("重设密码"), "{}", m.subject);
    (link_path(m), got.len())
}

#[tokio::test]
async fn a_password_is_reset_by_an_emailed_one_time_link() {
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    for mut app in apps_with(clock.clone(), |_| {}).await {
        let b = app.backend;
        let rx = Receiver::start().await;
        use_smtp(&mut app, Some(&rx.url()));
        let _f = fixture(&app).await;
        // signed in elsewhere, with the old password
        let mut elsewhere = app.browser();
        elsewhere.login("a@a.test", PW).await;
        let mut anon = app.browser();
        assert!(
            anon.get("/login")
                .await
                .body
                .contains(r#"href="/password/forgot""#),
            "{b}"
        );
        let page = ask(&app, "a@a.test").await;
        assert!(page.contains("1 小时内有效"), "{b}: {page}");
        let (link, n) = newest_link(&rx, "a@a.test");
        assert_eq!(n, 1, "{b}");
        assert!(link.starts_with("/password/reset/"), "{b}: {link}");
        let r = anon.get(&link).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("a@a.test"), "{b}");
        // the password rule holds
        let r = anon.post(&link, &[("password", "short")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("10"), "{b}: the rule is named");
        let r = anon.post(&link, &[("password", NEW_PW)]).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(r.body.contains("密码已重设"), "{b}");
        // every session ended; the old password fails, the new one works
        let r = elsewhere.get("/account").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: signed out");
        let mut again = app.browser();
        again.get("/login").await;
        let r = again
            .post(
                "/login",
                &[("email", "a@a.test"), ("password", PW), ("next", "/")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}: old password");
        again.login("a@a.test", NEW_PW).await;
        // the link works once
        let r = anon.get(&link).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        assert!(r.body.contains("重新申请"), "{b}");
        let r = anon
            .post(&link, &[("password", "Another-calm-lake-9")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        again.login("a@a.test", NEW_PW).await;
        // recorded
        let (n,): (i64,) = tianping_store::sqlx::query_as(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'reset_password'",
        )
        .fetch_one(&app.state.store.pool)
        .await
        .unwrap();
        assert_eq!(n, 1, "{b}");
        // a link expires after an hour (the injected clock)
        clock.advance(chrono::Duration::minutes(2));
        ask(&app, " A@a.test").await;
        let (expiring, n) = newest_link(&rx, "a@a.test");
        assert_eq!(n, 2, "{b}");
        clock.advance(chrono::Duration::minutes(61));
        assert_eq!(
            anon.get(&expiring).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        // a newer link replaces the one before
        ask(&app, "a@a.test").await;
        let (older, _) = newest_link(&rx, "a@a.test");
        clock.advance(chrono::Duration::seconds(61));
        ask(&app, "a@a.test").await;
        let (newer, n) = newest_link(&rx, "a@a.test");
        assert_eq!(n, 4, "{b}");
        assert_eq!(anon.get(&older).await.status, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(anon.get(&newer).await.status, StatusCode::OK, "{b}");
        // at most one a minute, three an hour: the page says the same, no mail goes out
        let same = ask(&app, "a@a.test").await;
        assert_eq!(same, page, "{b}");
        assert_eq!(rx.to("a@a.test").len(), 4, "{b}: too soon");
        clock.advance(chrono::Duration::seconds(61));
        ask(&app, "a@a.test").await;
        assert_eq!(rx.to("a@a.test").len(), 5, "{b}");
        clock.advance(chrono::Duration::seconds(61));
        ask(&app, "a@a.test").await;
        assert_eq!(rx.to("a@a.test").len(), 5, "{b}: three within the hour");
        rx.stop().await;
        app.cleanup().await;
    }
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_page_and_no_mail() {
    for mut app in apps().await {
        let b = app.backend;
        let rx = Receiver::start().await;
        use_smtp(&mut app, Some(&rx.url()));
        let _f = fixture(&app).await;
        mail::deliver_due(&app.state).await.unwrap();
        let before = rx.mails().len();
        let known = ask(&app, "b@b.test").await;
        let unknown = ask(&app, "nobody@b.test").await;
        assert_eq!(
            known.replace("b@b.test", "X"),
            unknown.replace("nobody@b.test", "X"),
            "{b}: the same answer"
        );
        assert_eq!(rx.mails().len(), before + 1, "{b}: only the known address");
        assert!(rx.to("nobody@b.test").is_empty(), "{b}");
        // a malformed address is named, and nothing is sent
        let mut br = app.browser();
        br.get("/password/forgot").await;
        let r = br
            .post("/password/forgot", &[("email", "not-an-address")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("邮箱地址无效"), "{b}");
        // a link never issued
        let r = br.get(&format!("/password/reset/{}", "0".repeat(64))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        rx.stop().await;
        app.cleanup().await;
    }
}

#[tokio::test]
async fn without_smtp_the_page_says_to_ask_the_administrator() {
    for app in apps().await {
        let b = app.backend;
        let _f = fixture(&app).await;
        let mut br = app.browser();
        let r = br.get("/password/forgot").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            r.body.contains("联系") && !r.body.contains(r#"name="email""#),
            "{b}"
        );
        // a form posted anyway (the page has none) makes no link
        let csrf = br.cookies.get("tp_csrf").cloned().unwrap_or_default();
        let r = br
            .post(
                "/password/forgot",
                &[("csrf", &csrf), ("email", "a@a.test")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(r.body.contains("联系"), "{b}");
        let (n,): (i64,) = tianping_store::sqlx::query_as("SELECT COUNT(*) FROM password_resets")
            .fetch_one(&app.state.store.pool)
            .await
            .unwrap();
        assert_eq!(n, 0, "{b}: no link made");
        app.cleanup().await;
    }
}
