//! Errors the framework makes by itself (an unknown page, a body over the limit, a request
//! it cannot read, a wrong method) look like every other error: the normal layout in the
//! reader's language for pages, problem+json for the API, with their status kept.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;

fn req(method: &str, path: &str, lang: &str, ct: &str, body: Vec<u8>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header("cookie", format!("tp_lang={lang}"))
        .header("accept-language", lang)
        .header("content-type", ct)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn framework_errors_use_the_layout_and_the_language() {
    for app in apps().await {
        let b = app.backend;
        // an unknown page, in English
        let r = send(
            &app.router,
            req("GET", "/no-such-page", "en", "text/plain", vec![]),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        assert!(
            r.content_type().starts_with("text/html"),
            "{b}: {}",
            r.content_type()
        );
        assert!(
            r.body.contains("<header>") && r.body.contains("lang=\"en\""),
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains("Not found"), "{b}: {}", r.body);
        // the same in Chinese
        let r = send(
            &app.router,
            req("GET", "/no-such-page", "zh", "text/plain", vec![]),
        )
        .await;
        assert!(
            r.body.contains("未找到") && r.body.contains("<header>"),
            "{b}"
        );
        // a form the server cannot read (JSON sent to a form), status kept
        let r = send(
            &app.router,
            req("POST", "/login", "zh", "application/json", b"{}".to_vec()),
        )
        .await;
        assert!(r.status.is_client_error(), "{b}: {}", r.status);
        assert!(
            r.body.contains("无法读取") && r.body.contains("<header>"),
            "{b}: {}",
            r.body
        );
        // a body over the limit (the test configuration allows 64 KB of evidence)
        let big = vec![b'x'; 400 * 1024];
        let r = send(
            &app.router,
            req(
                "POST",
                "/login",
                "en",
                "application/x-www-form-urlencoded",
                big,
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
        assert!(
            r.body.contains("too large") && r.body.contains("64 KB"),
            "{b}: {}",
            r.body
        );
        // the API: a wrong method is problem+json in the caller's language
        let r = send(
            &app.router,
            req(
                "DELETE",
                "/api/v1/schemes",
                "en",
                "application/json",
                vec![],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{b}");
        assert_eq!(r.content_type(), "application/problem+json", "{b}");
        assert_eq!(r.json()["status"], 405, "{b}");
        assert!(
            r.json()["detail"]
                .as_str()
                .unwrap()
                .contains("does not accept"),
            "{b}"
        );
        app.cleanup().await;
    }
}
