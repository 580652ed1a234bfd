//! Security hardening (issue 7): response headers and the stylesheet.

mod common;

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

/// No inline style or script in an HTML page (the CSP would block them).
fn assert_no_inline(r: &Resp, what: &str) {
    for bad in [
        "<style",
        "style=",
        "<script",
        " onclick=",
        " onload=",
        "javascript:",
    ] {
        assert!(!r.body.contains(bad), "{what}: page contains {bad}");
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
