//! The API as a whole: query-string and path problems, the OpenAPI document against the
//! router, and snapshots of the document and of representative responses on every database.

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn bad_or_repeated_query_parameters_are_problems_naming_the_parameter() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let tok = token(&app, "a@a.test").await;
        let api = app.api(&tok);
        // repeated: 422 problem naming it, in Chinese by default and English when preferred
        let r = api.get("/enterprises?per_page=null&per_page=null").await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert_eq!(r.content_type(), "application/problem+json");
        let p = r.json();
        assert_eq!(p["status"], 422);
        assert_eq!(p["errors"].as_array().unwrap().len(), 1, "{b}: {p}");
        assert_eq!(p["errors"][0]["field"], "per_page");
        assert_eq!(p["errors"][0]["message"], "查询参数 per_page 只能给一次");
        let p = app
            .api(&tok)
            .lang("en")
            .get("/enterprises?per_page=null&per_page=null")
            .await
            .json();
        assert_eq!(p["title"], "Invalid input");
        assert_eq!(
            p["errors"][0]["message"],
            "The query parameter per_page may be given only once"
        );
        let r = api
            .get(&format!(
                "/assessments?enterprise_id={0}&enterprise_id={0}&page=1",
                f.ent_a
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(r.json()["errors"][0]["field"], "enterprise_id");
        // a bad value names the parameter too
        for (q, field) in [
            ("/enterprises?page=abc", "page"),
            ("/enterprises?per_page=null", "per_page"),
            ("/assessments?per_page=0", "per_page"),
            ("/assessments?enterprise_id=x", "enterprise_id"),
        ] {
            let r = app.api(&tok).lang("en").get(q).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b} {q}");
            assert_eq!(r.content_type(), "application/problem+json", "{b} {q}");
            assert_eq!(r.json()["errors"][0]["field"], field, "{b} {q}");
        }
        // parameters a route does not take are ignored, even repeated; encoded names count
        let r = api.get("/enterprises?foo=1&foo=2&per_page=5").await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["per_page"], 5);
        let r = api.get("/enterprises?per%5Fpage=2&per_page=3").await;
        assert_eq!(r.json()["errors"][0]["field"], "per_page", "{b}");
        // the token is checked first
        let r = app.api("").get("/enterprises?page=abc&page=x").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        // a path segment that is not UTF-8 is not found, like a missing id
        let missing = api.get("/assessments/999999").await;
        for p in [
            "/assessments/%FF",
            "/assessments/%FF/result",
            "/enterprises/%C3",
        ] {
            let r = api.get(p).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {p}");
            assert_eq!(r.body, missing.body, "{b} {p}");
        }
        app.cleanup().await;
    }
}

/// A number in the query string is read as a number (a case history imported through the
/// API for a client given by id), and text where a number belongs is a problem.
#[tokio::test]
async fn a_numeric_query_parameter_is_read_from_its_text() {
    use axum::body::Body;
    use axum::http::Request;
    use chrono::TimeZone;
    let history = std::fs::read("../cli/tests/cases/full-history.jsonl").unwrap();
    let clock = std::sync::Arc::new(tianping_app::FixedClock::new(
        chrono::Utc.with_ymd_and_hms(2029, 6, 1, 2, 0, 0).unwrap(),
    ));
    for app in apps_with(clock, |_| {}).await {
        let b = app.backend;
        let f = fixture(&app).await;
        let tok = token(&app, "admin@b1.test").await;
        for (q, want) in [
            (f.ent_a.to_string(), StatusCode::CREATED),
            ("abc".to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ] {
            let req = Request::post(format!("/api/v1/cases/import?enterprise_id={q}"))
                .header("authorization", format!("Bearer {tok}"))
                .header("content-type", "application/jsonl")
                .body(Body::from(history.clone()))
                .unwrap();
            let r = send(&app.router, req).await;
            assert_eq!(r.status, want, "{b} {q}: {}", r.body);
        }
        app.cleanup().await;
    }
}

/// The route's path in the document's syntax (`/:id` → `/{id}`).
fn doc_path(route: &str) -> String {
    route
        .split('/')
        .map(|s| match s.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => s.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_route_is_in_the_openapi_document_and_documents_401_when_it_needs_a_token() {
    use axum::http::Method;
    let apps = apps().await;
    let app = &apps[0];
    let doc = app.api("").get("/openapi.json").await.json();
    let global = doc["security"].clone();
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ];
    let mut routed = Vec::new();
    for (n, route) in tianping_web::api::route_paths().into_iter().enumerate() {
        let path = doc_path(route);
        // each route probed from its own address, so the public lists' rate limit never answers
        let ip = format!("10.77.{}.{}", n / 200, n % 200 + 1);
        // a request to the route without a token: 405 where the method is not routed
        let probe = route
            .split('/')
            .map(|s| match s {
                ":id" => "1",
                s if s.starts_with(':') => "x",
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/");
        for m in &methods {
            let r = app.api("").from(&ip).call(m.clone(), &probe, None).await;
            let op = &doc["paths"][&path][m.as_str().to_lowercase()];
            if r.status == StatusCode::METHOD_NOT_ALLOWED {
                assert!(op.is_null(), "{m} {path} is documented but not routed");
                continue;
            }
            assert!(op.is_object(), "{m} {route} is routed but not documented");
            routed.push((path.clone(), m.as_str().to_lowercase()));
            let security = op.get("security").unwrap_or(&global);
            let open = security.as_array().unwrap().is_empty();
            if r.status == StatusCode::UNAUTHORIZED {
                assert!(!open, "{m} {path} needs a token: its security must say so");
                assert!(
                    op["responses"]["401"].is_object(),
                    "{m} {path} needs a token but does not document 401"
                );
                // a wrong token too
                let r = app.api("tp_wrong").call(m.clone(), &probe, None).await;
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{m} {path}");
            } else {
                assert!(open, "{m} {path} answers {} without a token", r.status);
            }
            // whatever it answered is documented
            assert!(
                op["responses"][r.status.as_str()].is_object(),
                "{m} {path} answered {} without a token, undocumented",
                r.status
            );
        }
    }
    // and every documented operation is routed
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if methods.iter().any(|m| m.as_str().to_lowercase() == *method) {
                assert!(
                    routed.contains(&(path.clone(), method.clone())),
                    "{method} {path} is documented but not routed"
                );
                // every operation that needs a token documents 401, and every problem
                // response is application/problem+json
                let open = op
                    .get("security")
                    .unwrap_or(&global)
                    .as_array()
                    .unwrap()
                    .is_empty();
                assert!(
                    open || op["responses"]["401"].is_object(),
                    "{method} {path}"
                );
            }
        }
    }
    assert!(routed.len() >= 16, "{routed:?}");
    for (name, r) in doc["components"]["responses"].as_object().unwrap() {
        assert!(
            r["content"]["application/problem+json"]["schema"]["$ref"]
                == "#/components/schemas/Problem",
            "{name}"
        );
    }
    for app in apps {
        app.cleanup().await;
    }
}

/// The OpenAPI document as served, as pretty JSON: any change shows as a diff.
#[tokio::test]
async fn the_openapi_document_is_as_reviewed() {
    let apps = apps().await;
    let r = apps[0].api("").get("/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), "application/json");
    insta::assert_snapshot!("openapi", serde_json::to_string_pretty(&r.json()).unwrap());
    for app in apps {
        app.cleanup().await;
    }
}

/// A response as a snapshot: status, content type and body, with the volatile fields (times,
/// hashes, tokens) redacted; a null stays null.
fn snapshot(name: &str, r: &Resp) {
    let v = serde_json::json!({
        "status": r.status.as_u16(),
        "content_type": r.content_type(),
        "body": r.json(),
    });
    let mut s = insta::Settings::clone_current();
    let keep_null = |label: &'static str| {
        move |c: insta::internals::Content, _: insta::internals::ContentPath<'_>| {
            if c.is_nil() {
                c
            } else {
                label.into()
            }
        }
    };
    for k in [
        "created_at",
        "updated_at",
        "submitted_at",
        "result_at",
        "assigned_at",
        "changed_at",
    ] {
        s.add_dynamic_redaction(&format!(".**.{k}"), keep_null("[time]"));
    }
    for k in ["scheme_version", "profile_hash"] {
        s.add_dynamic_redaction(&format!(".**.{k}"), keep_null("[hash]"));
    }
    s.add_redaction(".body.token", "[token]");
    // the engine's long lists in a result: their length only
    for k in ["nodes", "indicators", "unanswered", "interpretations"] {
        s.add_dynamic_redaction(
            &format!(".body.result.evaluation.{k}"),
            |c: insta::internals::Content, _: insta::internals::ContentPath<'_>| {
                insta::internals::Content::from(format!(
                    "[{} items]",
                    c.as_slice().map_or(0, |l| l.len())
                ))
            },
        );
    }
    s.bind(|| insta::assert_json_snapshot!(name, v));
}

/// Representative responses, the same on every database (the same snapshots).
#[tokio::test]
async fn representative_responses_are_as_reviewed_on_every_database() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let r = app
            .api("")
            .post(
                "/tokens",
                serde_json::json!({"email": "a@a.test", "password": PW, "name": "snap"}),
            )
            .await;
        snapshot("token", &r);
        let api = app.api(r.json()["token"].as_str().unwrap());
        snapshot("list_page", &api.get("/assessments?per_page=2").await);
        snapshot(
            "enterprise",
            &api.get(&format!("/enterprises/{}", f.ent_a)).await,
        );
        let r = api
            .put(
                &format!("/assessments/{}/answers/{}", f.self_a, enc(&f.item)),
                serde_json::json!({"value": 2, "note": "snapshot"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        snapshot("saved", &r);
        snapshot(
            "assessment",
            &api.get(&format!("/assessments/{}", f.self_a)).await,
        );
        let ex = app.api(&token(&app, "expert1@b1.test").await);
        snapshot(
            "assessment_expert",
            &ex.get(&format!("/assessments/{}", f.onsite_a)).await,
        );
        snapshot(
            "result",
            &api.get(&format!("/assessments/{}/result", f.self_a)).await,
        );
        snapshot("problem_401", &app.api("").get("/me").await);
        snapshot("problem_404", &api.get("/assessments/999999").await);
        snapshot(
            "problem_422_body",
            &api.put(
                &format!("/enterprises/{}", f.ent_a),
                serde_json::json!({"uscc": "123", "name": "A", "bogus": 1}),
            )
            .await,
        );
        snapshot(
            "problem_422_query_en",
            &app.api(&api.token)
                .lang("en")
                .get("/enterprises?per_page=null&per_page=null")
                .await,
        );
        app.cleanup().await;
    }
}
