//! Security hardening (issue 7): response headers and the stylesheet.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::*;
use tianping_store::repo;

/// The security headers every response must carry.
fn assert_security_headers(r: &Resp, what: &str) {
    let h = |name: &str| {
        r.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what} ({}): no {name} header", r.status))
            .to_string()
    };
    let csp = h("content-security-policy");
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for d in [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        assert!(directives.contains(&d), "{what}: CSP {csp:?} lacks {d}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{what}: {csp}"
    );
    assert_eq!(h("referrer-policy"), "same-origin", "{what}");
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("x-frame-options"), "DENY", "{what}");
}

/// No inline style or script in an HTML page (the CSP would block them); a script may only be
/// one of our own static files.
fn assert_no_inline(r: &Resp, what: &str) {
    for bad in ["<style", "style=", " onclick=", " onload=", "javascript:"] {
        assert!(!r.body.contains(bad), "{what}: page contains {bad}");
    }
    for (at, _) in r.body.match_indices("<script") {
        let tag = &r.body[at..at + r.body[at..].find("</script>").unwrap_or(0)];
        assert!(
            tag.starts_with(r#"<script src="/static/"#) && tag.ends_with('>'),
            "{what}: inline script {tag}"
        );
    }
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        // anonymous pages, the sign-in form, a missing route, the stylesheet
        let mut anon = app.browser();
        for p in ["/login", "/signup"] {
            let r = anon.get(p).await;
            assert_eq!(r.status, StatusCode::OK, "{b} {p}");
            assert_security_headers(&r, p);
            assert_no_inline(&r, p);
        }
        let r = anon.get("/").await;
        assert_security_headers(&r, "/ (anonymous)");
        let r = anon.get("/no-such-page").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        assert_security_headers(&r, "unknown route");
        // a CSRF refusal is an error page
        let r = anon
            .post(
                "/login",
                &[("email", "a@a.test"), ("password", PW), ("csrf", "bad")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        assert_security_headers(&r, "CSRF error page");
        assert_no_inline(&r, "CSRF error page");
        assert!(r.body.contains("/static/app.css?v="), "{b}: {}", r.body);
        // signed-in pages and an error page for a missing assessment
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        for p in [
            "/".to_string(),
            "/assessments".into(),
            format!("/assessments/{}", f.self_a),
            format!("/assessments/{}/items/{}", f.self_a, f.item),
            "/account".into(),
        ] {
            let r = a.get(&p).await;
            assert_eq!(r.status, StatusCode::OK, "{b} {p}");
            assert_security_headers(&r, &p);
            assert_no_inline(&r, &p);
        }
        let r = a.get(&format!("/assessments/{}", f.self_b)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        assert_security_headers(&r, "404 page");
        assert_no_inline(&r, "404 page");
        // an expert's remove button (was an inline style) is styled by the stylesheet
        let mut aud = app.browser();
        aud.login("auditor@b1.test", PW).await;
        let r = aud
            .get(&format!("/assessments/{}/items/{}", f.onsite_a, f.item))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains(r#"class="inline-form""#), "{b}");
        assert_no_inline(&r, "item page with experts");
        // evidence download
        let ev_path = format!("/assessments/{}/items/{}/evidence", f.self_a, f.item);
        let r = a.upload(&ev_path, "report.pdf", b"%PDF-1.4 evidence").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let ev = repo::evidence_of(&app.state.store, f.self_a).await.unwrap();
        let r = a.get(&format!("/evidence/{}", ev[0].id)).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert_eq!(r.bytes, b"%PDF-1.4 evidence");
        assert_security_headers(&r, "evidence download");
        // API: success, problem+json errors, unknown API route
        let tok = token(&app, "a@a.test").await;
        let r = app.api(&tok).get("/me").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert_security_headers(&r, "GET /api/v1/me");
        let r = app.api("").get("/me").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        assert_security_headers(&r, "401 problem");
        let r = app
            .api(&tok)
            .get(&format!("/assessments/{}", f.self_b))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(r.content_type(), "application/problem+json");
        assert_security_headers(&r, "404 problem");
        let r = app.api(&tok).get("/no-such-route").await;
        assert_security_headers(&r, "unknown API route");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_stylesheet_is_a_cached_static_file_linked_with_its_hash() {
    for app in apps().await {
        let b = app.backend;
        let mut anon = app.browser();
        let page = anon.get("/login").await;
        let start = page
            .body
            .find(r#"<link rel="stylesheet" href=""#)
            .unwrap_or_else(|| panic!("{b}: no stylesheet link"))
            + r#"<link rel="stylesheet" href=""#.len();
        let href = &page.body[start..start + page.body[start..].find('"').unwrap()];
        assert!(href.starts_with("/static/app.css?v="), "{b}: {href}");
        assert_eq!(href, tianping_web::html::stylesheet_href());
        let mut fresh = app.browser();
        let r = fresh.get(href).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert_eq!(r.content_type(), "text/css; charset=utf-8");
        assert_eq!(
            r.headers.get("cache-control").unwrap(),
            "public, max-age=31536000, immutable"
        );
        assert!(r.body.contains(".inline-form{display:inline}"), "{b}");
        assert!(r.body.contains("header{background:#12355b"), "{b}");
        assert!(
            r.headers.get("set-cookie").is_none(),
            "{b}: a cacheable file sets no cookie"
        );
        assert_security_headers(&r, "stylesheet");
        app.cleanup().await;
    }
}

/// The message next to a form field (the `<p class="err">` after `id="f-…"`).
fn field_error(body: &str, id: &str) -> String {
    let at = body
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no field {id}"));
    let err = at
        + body[at..]
            .find(r#"class="err""#)
            .unwrap_or_else(|| panic!("no error after {id}"));
    assert!(err - at < 600, "the error is next to {id}");
    body[err..err + body[err..].find("</p>").unwrap()].to_string()
}

#[tokio::test]
async fn weak_passwords_are_refused_at_sign_up_and_invitation_with_the_reason() {
    for app in apps().await {
        let b = app.backend;
        let mut br = app.browser();
        br.get("/signup").await;
        let signup = |pw: &'static str| {
            [
                ("email", "boss@new.test"),
                ("user_name", "Wang Dawei"),
                ("password", pw),
                ("uscc", "x"),
                ("name", "Xinghe Cloud Ltd"),
                ("industry_code", "C3511"),
                ("headcount", "12"),
            ]
        };
        let guessable = "密码太容易被猜到";
        let personal = "密码不能只由您的邮箱、姓名或企业名称加上数字和符号组成";
        for (pw, why) in [
            ("          ", [guessable, "重复同一个字符"]),
            ("aaaaaaaaaa", [guessable, "重复同一个字符"]),
            ("1234567890", [guessable, "最常用的"]),
            ("xinghelove", [guessable, "不要用您的邮箱或姓名"]),
            ("boss@new.test1", [personal, ""]),
            ("xinghecloud-wangdawei", [personal, ""]),
        ] {
            let r = br.post("/signup", &signup(pw)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b} {pw:?}");
            let e = field_error(&r.body, "f-password");
            for w in why {
                assert!(e.contains(w), "{b} {pw:?}: {e}");
            }
            assert!(e.contains("至少 10 个字符"), "{b} {pw:?}: {e}");
        }
        // the same in English
        br.get("/lang/en?back=/signup").await;
        br.get("/signup").await;
        let r = br.post("/signup", &signup("aaaaaaaaaa")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let e = field_error(&r.body, "f-password");
        assert!(
            e.contains("This password is too easy to guess")
                && e.contains("Repeats like &quot;aaa&quot; are easy to guess.")
                && e.contains("at least 10 characters"),
            "{b}: {e}"
        );
        // an invitation: a password made of the invited address is refused, a strong one works
        let _ = fixture(&app).await;
        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        let r = adm
            .post(
                "/admin/invite",
                &[
                    ("email", "liu.fang@b1.test"),
                    ("name", "Liu Fang"),
                    ("role", "expert"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let link_at = r.body.find("/invite/").unwrap();
        let link: String = r.body[link_at..]
            .chars()
            .take_while(|c| *c != '<' && *c != '"')
            .collect();
        let mut newbie = app.browser();
        assert_eq!(newbie.get(&link).await.status, StatusCode::OK, "{b}");
        let r = newbie
            .post(
                &link,
                &[("name", "Liu Fang"), ("password", "liu.fang@b1.test")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let e = field_error(&r.body, "f-password");
        assert!(e.contains("不能只由您的邮箱、姓名"), "{b}: {e}");
        let r = newbie
            .post(&link, &[("name", "Liu Fang"), ("password", PW)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        app.cleanup().await;
    }
}

/// The `detail` of a problem+json response.
fn detail(r: &Resp) -> String {
    r.json()["detail"].as_str().unwrap_or("").to_string()
}

async fn token_from(app: &App, ip: &str, email: &str, pw: &str) -> Resp {
    app.api("")
        .from(ip)
        .post(
            "/tokens",
            serde_json::json!({"email": email, "password": pw}),
        )
        .await
}

const ATTACKER: &str = "198.51.100.7";
const OWNER: &str = "203.0.113.5";

#[tokio::test]
async fn failures_from_elsewhere_do_not_lock_out_the_right_password() {
    for app in apps().await {
        let b = app.backend;
        let _ = fixture(&app).await;
        for _ in 0..5 {
            let r = token_from(&app, ATTACKER, "b@b.test", "wrong-password").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        }
        // the attacker's source is delayed, even with the right password, and told for how long
        let r = token_from(&app, ATTACKER, "b@b.test", PW).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}: {}", r.body);
        assert!(detail(&r).contains("请 1 分钟后再试"), "{b}: {}", r.body);
        let r = app
            .api("")
            .from(ATTACKER)
            .lang("en")
            .post(
                "/tokens",
                serde_json::json!({"email": "b@b.test", "password": PW}),
            )
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert!(
            detail(&r).starts_with("Too many failed sign-ins for this account")
                && detail(&r).contains("try again in 1 minute"),
            "{b}: {}",
            r.body
        );
        // the owner, elsewhere, signs in at once, in the browser and the API
        let mut owner = app.browser().from(OWNER);
        owner.login("b@b.test", PW).await;
        let r = token_from(&app, OWNER, "b@b.test", PW).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        // the owner's success does not lift the attacker's delay
        let r = token_from(&app, ATTACKER, "b@b.test", PW).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        // the attacker's other accounts are not delayed by this one
        let r = token_from(&app, ATTACKER, "a@a.test", PW).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        // the sign-in page shows the delay next to the password and keeps the address
        let mut att = app.browser().from(ATTACKER);
        att.get("/login").await;
        let r = att
            .post("/login", &[("email", "b@b.test"), ("password", PW)])
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        let e = field_error(&r.body, "f-password");
        assert!(e.contains("分钟后再试"), "{b}: {e}");
        assert!(r.body.contains("b@b.test"), "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn one_source_trying_many_accounts_is_throttled() {
    for app in apps().await {
        let b = app.backend;
        let _ = fixture(&app).await;
        // one wrong password each for 10 addresses, existing or not
        let accounts = [
            "a@a.test",
            "b@b.test",
            "admin@b1.test",
            "auditor@b1.test",
            "expert1@b1.test",
            "expert2@b1.test",
            "decider@b1.test",
            "nobody1@x.test",
            "nobody2@x.test",
        ];
        for a in accounts {
            let r = token_from(&app, ATTACKER, a, "Summer-2024-guess").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b} {a}");
        }
        // nine: still allowed
        let r = token_from(&app, ATTACKER, "operator@p.test", PW).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let r = token_from(&app, ATTACKER, "nobody3@x.test", "Summer-2024-guess").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        // ten: the source is stopped for every account, also one it never tried
        for a in ["operator@p.test", "auditor@b2.test"] {
            let r = token_from(&app, ATTACKER, a, PW).await;
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b} {a}");
            let d = detail(&r);
            assert!(
                d.contains("多个账号") && d.contains("分钟后再试"),
                "{b}: {d}"
            );
        }
        // another source is not
        let r = token_from(&app, OWNER, "auditor@b2.test", PW).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn delays_grow_end_and_a_success_forgets_the_failures() {
    use chrono::TimeZone;
    let clock = Arc::new(tianping_app::FixedClock::new(
        chrono::Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap(),
    ));
    for app in apps_with(clock.clone(), |_| {}).await {
        let b = app.backend;
        let _ = fixture(&app).await;
        let minute = chrono::Duration::seconds(60);
        for _ in 0..5 {
            let r = token_from(&app, ATTACKER, "a@a.test", "wrong-password").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        }
        let r = token_from(&app, ATTACKER, "a@a.test", "wrong-password").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert!(detail(&r).contains("请 1 分钟后再试"), "{b}: {}", r.body);
        // after the minute: one more try, which fails; now two minutes
        clock.advance(minute);
        let r = token_from(&app, ATTACKER, "a@a.test", "wrong-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        let r = token_from(&app, ATTACKER, "a@a.test", PW).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert!(detail(&r).contains("请 2 分钟后再试"), "{b}: {}", r.body);
        clock.advance(minute);
        let r = token_from(&app, ATTACKER, "a@a.test", PW).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert!(detail(&r).contains("请 1 分钟后再试"), "{b}: {}", r.body);
        // then four, eight, and at most fifteen minutes
        clock.advance(minute);
        for want in [4, 8, 15, 15] {
            let r = token_from(&app, ATTACKER, "a@a.test", "wrong-password").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
            let r = token_from(&app, ATTACKER, "a@a.test", PW).await;
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
            assert!(
                detail(&r).contains(&format!("请 {want} 分钟后再试")),
                "{b}: {}",
                r.body
            );
            clock.advance(minute * want);
        }
        // the right password once the delay is over: the failures are forgotten
        let r = token_from(&app, ATTACKER, "a@a.test", PW).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        for _ in 0..5 {
            let r = token_from(&app, ATTACKER, "a@a.test", "wrong-password").await;
            assert_eq!(
                r.status,
                StatusCode::UNAUTHORIZED,
                "{b}: five free tries again"
            );
        }
        let r = token_from(&app, ATTACKER, "a@a.test", PW).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        // failures are forgotten after a day
        clock.advance(chrono::Duration::hours(24));
        let r = token_from(&app, ATTACKER, "a@a.test", "wrong-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn forwarded_for_counts_only_when_trusted() {
    // default: the proxy's address is the source, whatever the header says
    for app in apps().await {
        let b = app.backend;
        let _ = fixture(&app).await;
        let via = |client: &str| {
            app.api("")
                .from("127.0.0.1")
                .header("x-forwarded-for", client)
        };
        for _ in 0..5 {
            let r = via(ATTACKER)
                .post(
                    "/tokens",
                    serde_json::json!({"email": "b@b.test", "password": "wrong-password"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        }
        let r = via(OWNER)
            .post(
                "/tokens",
                serde_json::json!({"email": "b@b.test", "password": PW}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{b}: X-Forwarded-For is not trusted by default"
        );
        app.cleanup().await;
    }
    // trusted: the last forwarded address is the source
    for app in apps_with(Arc::new(tianping_app::SystemClock), |c| {
        c.trust_forwarded_for = true
    })
    .await
    {
        let b = app.backend;
        let _ = fixture(&app).await;
        let via = |chain: &str| {
            app.api("")
                .from("127.0.0.1")
                .header("x-forwarded-for", chain)
        };
        for _ in 0..5 {
            // a client cannot choose its source by sending its own header: the proxy appends
            let r = via(&format!("{OWNER}, {ATTACKER}"))
                .post(
                    "/tokens",
                    serde_json::json!({"email": "b@b.test", "password": "wrong-password"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        }
        let r = via(ATTACKER)
            .post(
                "/tokens",
                serde_json::json!({"email": "b@b.test", "password": PW}),
            )
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        let r = via(OWNER)
            .post(
                "/tokens",
                serde_json::json!({"email": "b@b.test", "password": PW}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let mut br = app
            .browser()
            .from("127.0.0.1")
            .header("x-forwarded-for", OWNER);
        br.login("b@b.test", PW).await;
        app.cleanup().await;
    }
}
