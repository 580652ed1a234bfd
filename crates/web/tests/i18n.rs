//! Messages in the user's language (pages: the language switch; API: `Accept-Language`),
//! and path ids that are not numbers answering 404 like missing objects.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tianping_web::error::accept_language;
use tianping_web::html::Lang;

#[test]
fn accept_language_prefers_english_only_when_english_ranks_first() {
    for (h, want) in [
        (None, Lang::Zh),
        (Some(""), Lang::Zh),
        (Some("en"), Lang::En),
        (Some("en-US,en;q=0.9,zh-CN;q=0.8"), Lang::En),
        (Some("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh),
        (Some("zh;q=0.5, en-GB;q=0.7"), Lang::En),
        (Some("en;q=0, zh"), Lang::Zh),
        (Some("fr-FR,en;q=0.5"), Lang::Zh),
        (Some("*"), Lang::Zh),
    ] {
        assert_eq!(accept_language(h), want, "{h:?}");
    }
}

#[tokio::test]
async fn english_pages_show_english_messages() {
    for app in apps().await {
        let b = app.backend;
        let mut br = app.browser();
        let r = br.get("/lang/en?back=/signup").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        assert_eq!(br.cookies.get("tp_lang").map(String::as_str), Some("en"));
        br.get("/signup").await;
        let bad = uscc(7).replacen('9', "8", 1);
        let fields = [
            ("email", "not-an-email"),
            ("user_name", "Wang"),
            ("password", "short"),
            ("uscc", bad.as_str()),
            ("name", "New Co"),
            ("industry_code", "C3511"),
            ("headcount", "many"),
        ];
        let r = br.post("/signup", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        // each message in English, next to its field
        for (id, text) in [
            ("f-uscc", "Unified social credit code is invalid: "),
            ("f-password", "The password needs at least 10 characters"),
            ("f-email", "The email address is invalid"),
            ("f-headcount", "The headcount must be a whole number"),
        ] {
            let at = r.body.find(&format!(r#"id="{id}""#)).unwrap();
            let err = at + r.body[at..].find(r#"class="err""#).unwrap();
            assert!(err - at < 600, "{b}: the error is next to {id}");
            let msg = &r.body[err..err + r.body[err..].find("</p>").unwrap()];
            assert!(msg.contains(text), "{b}: {id}: {msg}");
        }
        assert!(
            !r.body.contains("密码至少 10 个字符") && !r.body.contains("人数应为"),
            "{b}: no Chinese message in English mode"
        );
        // the Chinese detail of the calculators stays, after the English sentence
        let zh = br.get("/lang/zh?back=/signup").await;
        assert_eq!(zh.status, StatusCode::SEE_OTHER);
        let r = br.post("/signup", &fields).await;
        assert!(
            r.body.contains("密码至少 10 个字符")
                && r.body.contains("人数应为 0 至 10000000 的整数")
                && !r.body.contains("Unified social credit code is invalid"),
            "{b}: Chinese mode unchanged"
        );

        // error pages: 403 (CSRF), 404, 429 in English
        br.get("/lang/en?back=/login").await;
        let r = br.post("/signup", &[("csrf", "nope")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        assert!(r.body.contains("The form has expired"), "{b}: {}", r.body);
        assert!(r.body.contains(r#"<html lang="en">"#), "{b}");
        let f = fixture(&app).await;
        let mut a = app.browser();
        a.get("/lang/en").await;
        a.login("a@a.test", PW).await;
        let r = a.get("/assessments/999999").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        assert!(
            r.body.contains("Not found (or not accessible)") && !r.body.contains("未找到"),
            "{b}: {}",
            r.body
        );
        // a 403 with its reason: a decider may read an assessment but not answer it
        let mut d = app.browser();
        d.get("/lang/en").await;
        d.login("decider@b1.test", PW).await;
        let item = enc(&f.item);
        d.get(&format!("/assessments/{}/items/{}", f.onsite_a, item))
            .await;
        let r = d
            .post(
                &format!("/assessments/{}/items/{}/answer", f.onsite_a, item),
                &[("value", "1")],
            )
            .await;
        assert!(
            r.body
                .contains("You may view this assessment but not answer it"),
            "{b}: {}",
            r.body
        );
        // too many failed sign-ins
        let mut t = app.browser();
        t.get("/lang/en").await;
        t.get("/login").await;
        let mut last = None;
        for _ in 0..7 {
            last = Some(
                t.post(
                    "/login",
                    &[("email", "b@b.test"), ("password", "wrong-password")],
                )
                .await,
            );
        }
        let r = last.unwrap();
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert!(
            r.body.contains("Too many failed sign-ins for this account"),
            "{b}: {}",
            r.body
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn api_problems_follow_accept_language() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let tok = token(&app, "a@a.test").await;
        let ind = enc(&f.item);
        let path = format!("/assessments/{}/answers/{}", f.self_a, ind);
        // English: title, detail and the field's message, in words that say what to enter
        let r = app
            .api(&tok)
            .lang("en-US,en;q=0.9,zh;q=0.5")
            .put(&path, json!({"value": "x"}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(r.content_type(), "application/problem+json");
        let p = r.json();
        assert_eq!(p["title"], "Invalid input", "{b}");
        assert_eq!(p["errors"][0]["field"], "value");
        let m = p["errors"][0]["message"].as_str().unwrap();
        assert!(m.starts_with("Enter a "), "{b}: {m}");
        assert!(
            !m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{b}: {m}"
        );
        assert!(
            p["detail"].as_str().unwrap().starts_with("value: Enter a "),
            "{b}: {p}"
        );
        // Chinese when Chinese is preferred, or nothing is said
        for lang in [Some("zh-CN,zh;q=0.9,en;q=0.8"), None] {
            let api = match lang {
                Some(l) => app.api(&tok).lang(l),
                None => app.api(&tok),
            };
            let p = api.put(&path, json!({"value": "x"})).await.json();
            assert_eq!(p["title"], "输入有误", "{b} {lang:?}");
            assert!(p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("请填写 "));
        }
        // a message of the web service itself
        let p = app
            .api(&tok)
            .lang("en")
            .put(&path, json!({"value": 1, "bogus": 1}))
            .await
            .json();
        assert_eq!(
            p["errors"][0]["message"], "Unknown field; known fields: value, note, source",
            "{b}"
        );
        // 404 and 401 in English
        let r = app.api(&tok).lang("en").get("/assessments/999999").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.json()["title"], "Not found (or not accessible)");
        let r = app.api("bad").lang("en").get("/me").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["title"], "Sign-in required");
        assert_eq!(r.headers.get("www-authenticate").unwrap(), "Bearer");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn ids_that_are_not_numbers_answer_404_like_missing_objects() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let item = enc(&f.item);
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let missing = a.get("/assessments/999999").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{b}");
        for p in [
            "/assessments/abc".to_string(),
            "/assessments/1.5/result".into(),
            "/assessments/abc/history".into(),
            format!("/assessments/abc/items/{item}"),
            "/enterprises/x".into(),
            "/evidence/abc".into(),
        ] {
            let r = a.get(&p).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} GET {p}");
            assert_eq!(
                r.body, missing.body,
                "{b} GET {p}: same page as a missing id"
            );
        }
        for p in [
            format!("/enterprises/{}/sites/abc/delete", f.ent_a),
            "/assessments/abc/submit".into(),
            format!("/assessments/abc/items/{item}/answer"),
        ] {
            let r = a.post(&p, &[]).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} POST {p}");
            assert_eq!(r.body, missing.body, "{b} POST {p}");
        }
        // signed out: sent to sign in, as for a missing id
        let mut anon = app.browser();
        let r = anon.get("/assessments/abc").await;
        let m = anon.get("/assessments/999999").await;
        assert_eq!(
            (r.status, r.location()),
            (m.status, m.location().replace("999999", "abc")),
            "{b}"
        );
        // API: the same problem as a missing id
        let api = app.api(&token(&app, "a@a.test").await);
        let missing = api.get("/assessments/999999").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        for p in [
            "/assessments/abc",
            "/assessments/abc/result",
            "/assessments/abc/answers",
            "/enterprises/x",
        ] {
            let r = api.get(p).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} API {p}");
            assert_eq!(r.body, missing.body, "{b} API {p}");
        }
        app.cleanup().await;
    }
}
