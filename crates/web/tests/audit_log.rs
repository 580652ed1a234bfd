//! The audit log page and API: real pages, each filter narrowing in the database, entries in
//! words (actions, objects, before/after) with links to the objects, and only for those who
//! may read it. On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use tianping_app::domain::audit::{AuditAction, AuditObject};
use tianping_app::domain::enterprise::SiteInput;
use tianping_app::domain::Role;
use tianping_store::repo;

/// The `seq`s of the entries in a page of the log (its first column).
fn seqs(body: &str) -> Vec<i64> {
    body.split("<tr><td>")
        .skip(1)
        .filter_map(|r| r.split('<').next()?.parse().ok())
        .collect()
}

/// The visible text of a page (tags, and so attribute values, removed).
fn text(body: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every entry of a page of the API, checked by `each`; how many there were in all.
async fn api_all(api: &Api, query: &str, each: impl Fn(&Value) -> bool) -> i64 {
    let r = api.get(&format!("/audit-log?per_page=100&{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
    let v = r.json();
    for item in v["items"].as_array().unwrap() {
        assert!(each(item), "{query}: {item}");
    }
    v["total"].as_i64().unwrap()
}

#[tokio::test]
async fn pages_page_and_every_filter_narrows() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let st = &app.state;
        let ua = repo::user_by_email(&st.store, "a@a.test")
            .await
            .unwrap()
            .unwrap();
        for n in 0..60 {
            let site = SiteInput {
                name: format!("Site {n}"),
                address: String::new(),
                headcount: "1".into(),
            };
            tianping_app::enterprises::add_site(st, &ua, f.ent_a, &site)
                .await
                .unwrap();
        }
        let mut sys = app.browser();
        sys.login("sys@t.test", PW).await;
        let p1 = sys.get("/audit").await;
        let p2 = sys.get("/audit?page=2").await;
        assert_eq!(
            (p1.status, p2.status),
            (StatusCode::OK, StatusCode::OK),
            "{b}"
        );
        let (s1, s2) = (seqs(&p1.body), seqs(&p2.body));
        assert_eq!(s1.len(), 50, "{b}");
        assert!(
            !s2.is_empty() && s2.iter().all(|s| *s < s1[49]),
            "{b}: page 2 goes on"
        );
        assert!(s1.windows(2).all(|w| w[0] > w[1]), "{b}: newest first");
        assert!(p1.body.contains("/audit?page=2"), "{b}");
        // the pager keeps the filters
        let r = sys.get("/audit?action=create&object_type=site").await;
        assert!(
            r.body
                .contains("/audit?object_type=site&amp;action=create&amp;page=2"),
            "{b}"
        );

        let api = app.api(&token(&app, "sys@t.test").await);
        let all = api_all(&api, "", |_| true).await;
        let r = api.get("/audit-log?per_page=10&page=2").await.json();
        assert_eq!(
            (r["total"].as_i64(), r["pages"].as_i64()),
            (Some(all), Some((all + 9) / 10)),
            "{b}"
        );
        let first = api.get("/audit-log?per_page=10").await.json();
        assert_ne!(first["items"][0]["seq"], r["items"][0]["seq"], "{b}");
        assert_eq!(
            first["items"][9]["seq"].as_i64().unwrap() - 1,
            r["items"][0]["seq"].as_i64().unwrap(),
            "{b}"
        );

        // who: by e-mail or account number; the system's own changes
        let n = api_all(&api, "actor=a%40a.test", |e| e["actor_id"] == json!(ua.id)).await;
        assert!(n >= 62 && n < all, "{b}: {n} of {all}");
        assert_eq!(
            api_all(&api, &format!("actor={}", ua.id), |_| true).await,
            n,
            "{b}"
        );
        assert_eq!(
            api_all(&api, "actor=system", |e| e["actor_id"].is_null()).await,
            0,
            "{b}"
        );
        // object
        let n = api_all(
            &api,
            &format!("object_type=enterprise&object_id={}", f.ent_a),
            |e| e["object_type"] == "enterprise" && e["object_id"] == json!(f.ent_a.to_string()),
        )
        .await;
        assert!(n >= 3 && n < all, "{b}: {n}");
        assert_eq!(
            api_all(&api, "object_type=site", |e| e["object_type"] == "site").await,
            60,
            "{b}"
        );
        // action
        let n = api_all(&api, "action=engage", |e| e["action"] == "engage").await;
        assert_eq!(n, 2, "{b}");
        // date range, China days
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
            .date_naive();
        let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        let (yesterday, tomorrow) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
        assert_eq!(
            api_all(
                &api,
                &format!("from={}&to={}", day(today), day(today)),
                |_| true
            )
            .await,
            all,
            "{b}"
        );
        assert_eq!(
            api_all(&api, &format!("from={}", day(tomorrow)), |_| true).await,
            0,
            "{b}"
        );
        assert_eq!(
            api_all(&api, &format!("to={}", day(yesterday)), |_| true).await,
            0,
            "{b}"
        );
        // the page filters the same way
        let r = sys.get("/audit?action=engage").await;
        assert_eq!(seqs(&r.body).len(), 2, "{b}");
        let r = sys.get(&format!("/audit?from={}", day(tomorrow))).await;
        assert!(r.body.contains("没有符合条件的记录"), "{b}");

        // bad filters name their field and what they accept
        let r = sys.get("/audit?from=2026-02-30").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("不是日期"), "{b}");
        let r = sys.get("/audit?actor=nobody%40x.test").await;
        assert!(
            r.status == StatusCode::UNPROCESSABLE_ENTITY && r.body.contains("没有邮箱为"),
            "{b}"
        );
        let r = api.get("/audit-log?to=soon").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(r.json()["errors"][0]["field"], "to", "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn entries_read_in_words_with_links_to_their_objects() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let item = enc(&f.item);
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        for v in ["1", "2"] {
            let r = a
                .post(
                    &format!("/assessments/{}/items/{}/answer", f.self_a, item),
                    &[("value", v)],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        }
        let mut ea = app.browser();
        ea.login("b@b.test", PW).await;
        let r = ea
            .post(
                &format!("/enterprises/{}", f.ent_b),
                &[
                    ("uscc", uscc(2).as_str()),
                    ("name", "Enterprise B"),
                    ("industry_code", "C3511"),
                    ("headcount", "250"),
                    ("enterprise_type", "tech-service"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");

        let mut sys = app.browser();
        sys.login("sys@t.test", PW).await;
        let r = sys
            .get(&format!(
                "/audit?object_type=assessment&object_id={}&action=answer",
                f.self_a
            ))
            .await;
        assert!(r.body.contains("数值：1 → 2"), "{b}");
        assert!(
            r.body
                .contains(&format!("href=\"/assessments/{}\"", f.self_a)),
            "{b}"
        );
        let r = sys
            .get(&format!(
                "/audit?object_type=enterprise&object_id={}",
                f.ent_b
            ))
            .await;
        assert!(r.body.contains("从业人数：100 → 250"), "{b}");
        assert!(
            r.body
                .contains(&format!("href=\"/enterprises/{}\"", f.ent_b)),
            "{b}"
        );
        assert!(r.body.contains("企业注册"), "{b}");
        let r = sys.get("/audit?object_type=org").await;
        assert!(
            r.body
                .contains(&format!("href=\"/admin/orgs/{}\"", f.body_id)),
            "{b}"
        );
        assert!(r.body.contains("机构类型：评价机构"), "{b}");

        // no internal identifier on the Chinese page: actions, objects, roles, JSON
        let whole = text(&sys.get("/audit").await.body);
        let words: Vec<&str> = whole
            .split_whitespace()
            .filter(|w| !w.contains('@'))
            .flat_map(|w| w.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
            .collect();
        for code in AuditAction::TEXTS
            .iter()
            .chain(AuditObject::TEXTS)
            .chain(Role::TEXTS)
        {
            assert!(!words.contains(code), "{b}: “{code}” shown on the page");
        }
        assert!(
            !whole.contains('{') && !whole.contains("\":"),
            "{b}: no JSON"
        );

        // the API gives the same words, in English when asked
        let api = app.api(&token(&app, "sys@t.test").await).lang("en");
        let v = api
            .get(&format!(
                "/audit-log?object_type=assessment&object_id={}&action=answer",
                f.self_a
            ))
            .await
            .json();
        let e = &v["items"][0];
        assert_eq!(e["action_label"], "Answered", "{b}");
        assert_eq!(e["object_label"], "Assessment", "{b}");
        assert!(
            e["changes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["label"] == "Value" && c["before"] == "1" && c["after"] == "2"),
            "{b}: {e}"
        );
        assert_eq!(
            e["after"]["value"],
            json!(2.0),
            "{b}: what was recorded, as recorded"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn only_those_who_read_the_audit_log_see_it() {
    for app in apps().await {
        let b = app.backend;
        fixture(&app).await;
        for who in [
            "admin@b1.test",
            "auditor@b1.test",
            "a@a.test",
            "operator@p.test",
        ] {
            let mut x = app.browser();
            x.login(who, PW).await;
            for p in ["/audit", "/audit?page=2&action=create", "/audit/verify"] {
                assert_eq!(
                    x.get(p).await.status,
                    StatusCode::NOT_FOUND,
                    "{b} {who} {p}"
                );
            }
            let api = app.api(&token(&app, who).await);
            assert_eq!(
                api.get("/audit-log").await.status,
                StatusCode::NOT_FOUND,
                "{b} {who}"
            );
        }
        assert_eq!(
            app.api("").get("/audit-log").await.status,
            StatusCode::UNAUTHORIZED,
            "{b}"
        );
        let r = app.browser().get("/audit/verify").await;
        assert!(
            r.status == StatusCode::SEE_OTHER && r.location().starts_with("/login"),
            "{b}"
        );
        if app.backend == "sqlite" {
            // the filters use the indexes of migration 0007, not a scan of the log
            for (sql, index) in [
                ("SELECT * FROM audit_log WHERE actor_id = 1 ORDER BY seq DESC", "audit_log_actor"),
                ("SELECT * FROM audit_log WHERE object_type = 'x' AND object_id = '1' ORDER BY seq DESC", "audit_log_object"),
                ("SELECT * FROM audit_log WHERE action = 'x' ORDER BY seq DESC", "audit_log_action"),
            ] {
                let plan: Vec<(i64, i64, i64, String)> =
                    tianping_store::sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                        .fetch_all(&app.state.store.pool)
                        .await
                        .unwrap();
                assert!(plan.iter().any(|r| r.3.contains(index)), "{sql}: {plan:?}");
            }
        }
        app.cleanup().await;
    }
}
