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
