//! Questionnaires (004 7.2.1, I-13) end to end on SQLite and PostgreSQL: the body opens one on
//! its on-site capability assessment and gets single-use links with QR codes; respondents
//! answer on a phone without signing in, once per link; the body sees the count, the
//! aggregate only once closed with 3 responses, never a single response; nothing stored ties
//! a response to its link; another body gets 404; closing stops answers; applying writes
//! Likert answers that the result scores by I-13.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::*;
use serde_json::Value;
use tianping_store::sqlx;

/// The tokens of the links on a page (each `/q/<64 hex>`), in order, without repeats.
fn tokens(body: &str) -> Vec<String> {
    let re = regex::Regex::new(r"/q/([0-9a-f]{64})").unwrap();
    let mut seen = BTreeSet::new();
    re.captures_iter(body)
        .map(|c| c[1].to_string())
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

/// The questionnaire items of the scheme (`likert = true`), in order.
fn likert_items(app: &App) -> Vec<(String, String, f64)> {
    app.state
        .catalog
        .get("t-cic-capability")
        .unwrap()
        .indicators
        .iter()
        .filter(|i| i.likert)
        .map(|i| {
            (
                i.id.clone(),
                i.requirement.clone().unwrap_or_default(),
                i.points.unwrap(),
            )
        })
        .collect()
}

/// The column names of a table.
async fn columns(app: &App, table: &str) -> BTreeSet<String> {
    let pool = &app.state.store.pool;
    let rows: Vec<(String,)> = if app.backend == "sqlite" {
        sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .fetch_all(pool)
            .await
            .unwrap()
    } else {
        sqlx::query_as(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1",
        )
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap()
    };
    rows.into_iter().map(|r| r.0).collect()
}

async fn count(app: &App, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(&app.state.store.pool)
        .await
        .unwrap();
    n
}

/// Answer on a link with a rating per item (as a respondent's phone would).
async fn answer(b: &mut Browser, token: &str, items: &[(String, String, f64)], r: &[&str]) -> Resp {
    let page = b.get(&format!("/q/{token}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let fields: Vec<(&str, &str)> = items
        .iter()
        .zip(r)
        .map(|((id, _, _), x)| (id.as_str(), *x))
        .collect();
    b.post(&format!("/q/{token}"), &fields).await
}

#[tokio::test]
async fn a_questionnaire_from_links_to_the_assessments_score() {
    for app in apps().await {
        let bk = app.backend;
        let f = fixture(&app).await;
        let items = likert_items(&app);
        assert_eq!(items.len(), 2, "{bk}: the scheme's questionnaire items");
        let mut aud = app.browser();
        aud.login("auditor@b1.test", PW).await;
        let page = aud.get(&format!("/assessments/{}", f.onsite_a)).await;
        let list = format!("/assessments/{}/questionnaires", f.onsite_a);
        assert!(
            page.body.contains(&list),
            "{bk}: the assessment links to it"
        );
        let r = aud.get(&list).await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        assert!(r.body.contains(&items[1].0) && r.body.contains("生成问卷链接"));
        // a closing day too far ahead is refused, naming the limit
        let today = app.state.today();
        let far = (today + chrono::Days::new(91)).to_string();
        let r = aud
            .post(&list, &[("closes_on", &far), ("links", "4")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk}");
        assert!(r.body.contains("90 天"), "{bk}: {}", r.body);
        // open: four links with a QR code each, shown once
        let on = (today + chrono::Days::new(14)).to_string();
        let r = aud.post(&list, &[("closes_on", &on), ("links", "4")]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{bk}: {}", r.body);
        let links = tokens(&r.body);
        assert_eq!(links.len(), 4, "{bk}");
        assert_eq!(
            r.body.matches("<svg").count(),
            4,
            "{bk}: a QR code per link"
        );
        assert!(!r.body.contains("<?xml"), "{bk}");
        assert!(r.body.contains("只显示这一次"), "{bk}");
        // one questionnaire takes answers at a time
        let r = aud.post(&list, &[("closes_on", &on), ("links", "2")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{bk}");
        let qid = count(&app, "SELECT MAX(id) FROM questionnaires").await;
        let audit_before = count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE object_type <> 'api_token'",
        )
        .await;

        // a respondent on a phone, no sign-in
        let mut phone = app.browser().from("203.0.113.7");
        let form = phone.get(&format!("/q/{}", links[0])).await;
        assert_eq!(form.status, StatusCode::OK, "{bk}");
        assert_eq!(form.body.matches(r#"type="radio""#).count(), 10, "{bk}");
        assert!(form.body.contains(&items[0].1) && form.body.contains("Enterprise A"));
        assert!(form.body.contains("非常同意") && form.body.contains("提交问卷"));
        let r = answer(&mut phone, &links[0], &items, &["5", "2"]).await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        assert!(r.body.contains("感谢您的参与"), "{bk}");
        // the same link again: refused, on the form and on the page
        let again = items
            .iter()
            .map(|(id, _, _)| (id.as_str(), "1"))
            .collect::<Vec<_>>();
        let r = phone.post(&format!("/q/{}", links[0]), &again).await;
        assert_eq!(r.status, StatusCode::GONE, "{bk}");
        assert!(r.body.contains("此链接已使用"), "{bk}");
        let r = phone.get(&format!("/q/{}", links[0])).await;
        assert_eq!(r.status, StatusCode::GONE, "{bk}");
        assert!(r.body.contains("此链接已使用"), "{bk}");
        // an unknown link
        let r = phone.get(&format!("/q/{}", "0".repeat(64))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");
        assert!(r.body.contains("链接无效"), "{bk}");
        // a response missing an item is refused, naming it, and the link stays unused
        let mut other = app.browser().from("198.51.100.20");
        other.get(&format!("/q/{}", links[1])).await;
        let r = other
            .post(&format!("/q/{}", links[1]), &[(items[0].0.as_str(), "4")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk}");
        assert!(
            r.body.contains("第 2 题") && r.body.contains("未作答"),
            "{bk}"
        );
        assert!(
            r.body.contains(r#"value="4" required checked"#),
            "{bk}: kept"
        );
        let r = answer(&mut other, &links[1], &items, &["4", "3"]).await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);

        // the body: the count, no aggregate below 3
        let t = token(&app, "auditor@b1.test").await;
        let api = app.api(&t);
        let v = api.get(&format!("/questionnaires/{qid}")).await.json();
        assert_eq!(v["responses"], 2, "{bk}: {v}");
        assert_eq!(v["links_used"], 2, "{bk}");
        assert_eq!(v["aggregate"], Value::Null, "{bk}");
        assert_eq!(v["withheld"], "too_few", "{bk}");
        let r = aud.get(&list).await;
        assert!(r.body.contains(r#"data-responses="2""#), "{bk}");
        assert!(r.body.contains("至少 3 份回答才显示"), "{bk}");
        // a third response: still open, so still no aggregate (it would give the third away)
        let mut third = app.browser().from("198.51.100.21");
        let r = answer(&mut third, &links[2], &items, &["3", "4"]).await;
        assert_eq!(r.status, StatusCode::OK, "{bk}");
        let v = api.get(&format!("/questionnaires/{qid}")).await.json();
        assert_eq!(
            (v["responses"].as_i64(), v["withheld"].as_str()),
            (Some(3), Some("open")),
            "{bk}"
        );
        // applying needs a closed questionnaire
        let r = api
            .post(&format!("/questionnaires/{qid}/apply"), Value::Null)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{bk}: {}", r.body);

        // nothing ties a response to its link or to anyone: the columns, the values, the log
        assert_eq!(
            columns(&app, "questionnaire_responses").await,
            BTreeSet::from(["id", "questionnaire_id", "answers"].map(String::from)),
            "{bk}"
        );
        assert_eq!(
            columns(&app, "questionnaire_links").await,
            BTreeSet::from(["id", "questionnaire_id", "token_hash", "used"].map(String::from)),
            "{bk}"
        );
        let stored: Vec<(String,)> = sqlx::query_as("SELECT answers FROM questionnaire_responses")
            .fetch_all(&app.state.store.pool)
            .await
            .unwrap();
        let hashes: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM questionnaire_links")
            .fetch_all(&app.state.store.pool)
            .await
            .unwrap();
        let log: Vec<(Option<String>,)> = sqlx::query_as("SELECT after_json FROM audit_log")
            .fetch_all(&app.state.store.pool)
            .await
            .unwrap();
        for tok in &links {
            let hash = tianping_store::sha256_hex(tok.as_bytes());
            assert!(
                hashes.iter().all(|h| &h.0 != tok),
                "{bk}: tokens are not stored"
            );
            assert!(hashes.iter().any(|h| h.0 == hash), "{bk}: their hashes are");
            for (a,) in &stored {
                assert!(!a.contains(tok) && !a.contains(&hash), "{bk}: {a}");
            }
            for (e,) in &log {
                let e = e.as_deref().unwrap_or("");
                assert!(!e.contains(tok) && !e.contains(&hash), "{bk}: {e}");
            }
        }
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE object_type <> 'api_token'"
            )
            .await,
            audit_before,
            "{bk}: answering writes no audit entry"
        );
        if bk == "postgres" {
            // every link row was last written by the latest answer: the transaction id of a
            // response matches every link of its questionnaire, or none
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(DISTINCT xmin::text) FROM questionnaire_links WHERE questionnaire_id = $1",
            )
            .bind(qid)
            .fetch_one(&app.state.store.pool)
            .await
            .unwrap();
            assert_eq!(n, 1, "postgres: the links share one xmin");
        }

        // another body's auditor: 404 everywhere; an expert of the body: 403
        let mut b2 = app.browser();
        b2.login("auditor@b2.test", PW).await;
        assert_eq!(b2.get(&list).await.status, StatusCode::NOT_FOUND, "{bk}");
        let t2 = token(&app, "auditor@b2.test").await;
        let api2 = app.api(&t2);
        for r in [
            api2.get(&format!("/questionnaires/{qid}")).await,
            api2.post(&format!("/questionnaires/{qid}/close"), Value::Null)
                .await,
            api2.get(&format!("/assessments/{}/questionnaires", f.onsite_a))
                .await,
        ] {
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}: {}", r.body);
        }
        let te = token(&app, "expert1@b1.test").await;
        let r = app.api(&te).get(&format!("/questionnaires/{qid}")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{bk}: {}", r.body);

        // closing stops answers; then the aggregate shows
        let r = aud.post(&format!("/questionnaires/{qid}/close"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bk}: {}", r.body);
        let mut late = app.browser().from("198.51.100.22");
        let r = late.get(&format!("/q/{}", links[3])).await;
        assert_eq!(r.status, StatusCode::GONE, "{bk}");
        assert!(r.body.contains("问卷已结束"), "{bk}");
        let r = third.post(&format!("/q/{}", links[3]), &again).await;
        assert_eq!(r.status, StatusCode::GONE, "{bk}");
        let v = api.get(&format!("/questionnaires/{qid}")).await.json();
        assert_eq!(v["closed"], true, "{bk}");
        let agg = v["aggregate"].as_array().expect("aggregate once closed");
        // ratings: item 1: 5, 4, 3; item 2: 2, 3, 4
        assert_eq!(agg[0]["indicator"], items[0].0.as_str());
        assert_eq!(agg[0]["count"], 3);
        assert_eq!(agg[0]["mean"].as_f64(), Some(4.0), "{bk}");
        assert_eq!(agg[0]["score"].as_f64(), Some(items[0].2 * 0.75), "{bk}");
        assert_eq!(agg[1]["mean"].as_f64(), Some(3.0), "{bk}");
        let r = aud.get(&list).await;
        assert!(
            r.body.contains(r#"<td class="mean">4</td>"#),
            "{bk}: {}",
            r.body
        );

        // apply: Likert answers that the result scores by I-13
        let r = aud.post(&format!("/questionnaires/{qid}/apply"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bk}: {}", r.body);
        let res = api
            .get(&format!("/assessments/{}/result", f.onsite_a))
            .await
            .json();
        let inds = res["result"]["evaluation"]["indicators"]
            .as_array()
            .unwrap();
        for ((id, _, max), want, xs) in [
            (&items[0], 0.75, [3.0, 4.0, 5.0]),
            (&items[1], 0.5, [2.0, 3.0, 4.0]),
        ] {
            let ind = inds.iter().find(|i| i["id"] == id.as_str()).unwrap();
            assert_eq!(
                ind["answer"]["given"]["likert"],
                serde_json::json!(xs),
                "{bk}: sorted"
            );
            assert!(
                (ind["earned"].as_f64().unwrap() - max * want).abs() < 1e-9,
                "{bk}: {ind}"
            );
        }
        let actions: Vec<(String,)> = sqlx::query_as(
            "SELECT action FROM audit_log WHERE action LIKE 'questionnaire%' ORDER BY seq",
        )
        .fetch_all(&app.state.store.pool)
        .await
        .unwrap();
        let actions: Vec<&str> = actions.iter().map(|a| a.0.as_str()).collect();
        assert_eq!(
            actions,
            [
                "questionnaire_open",
                "questionnaire_close",
                "questionnaire_apply"
            ],
            "{bk}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_api_opens_a_questionnaire_and_refuses_what_the_rules_refuse() {
    for app in apps().await {
        let bk = app.backend;
        let f = fixture(&app).await;
        let t = token(&app, "admin@b1.test").await;
        let api = app.api(&t);
        let path = format!("/assessments/{}/questionnaires", f.onsite_a);
        let today = app.state.today();
        let r = api
            .post(
                &path,
                serde_json::json!({"closes_on": today.to_string(), "links": 0}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk}");
        let fields: Vec<String> = r.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(fields, ["closes_on", "links"], "{bk}");
        let on = (today + chrono::Days::new(1)).to_string();
        let r = api
            .post(&path, serde_json::json!({"closes_on": on, "links": 3}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{bk}: {}", r.body);
        let v = r.json();
        let links = v["links"].as_array().unwrap();
        assert_eq!(links.len(), 3);
        assert!(links[0]["path"].as_str().unwrap().starts_with("/q/"));
        let qid = v["questionnaire"]["id"].as_i64().unwrap();
        assert_eq!(v["questionnaire"]["links_issued"], 3);
        // more links on the open questionnaire
        let r = api
            .post(
                &format!("/questionnaires/{qid}/links"),
                serde_json::json!({"links": 2}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{bk}: {}", r.body);
        assert_eq!(r.json()["questionnaire"]["links_issued"], 5);
        let list = api.get(&path).await.json();
        assert_eq!(list.as_array().unwrap().len(), 1, "{bk}");
        // a self-assessment has no questionnaire; the enterprise's own 404s the body's
        let r = app
            .api(&token(&app, "a@a.test").await)
            .get(&format!("/questionnaires/{qid}"))
            .await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{bk}: {}",
            r.status
        );
        let r = api
            .post(&format!("/questionnaires/{qid}/close"), Value::Null)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        assert_eq!(r.json()["withheld"], "too_few");
        let r = api
            .post(&format!("/questionnaires/{qid}/close"), Value::Null)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{bk}");
        let r = api
            .post(&format!("/questionnaires/{qid}/apply"), Value::Null)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{bk}: {}", r.body);
        assert!(r.body.contains("只有 0 份"), "{bk}: {}", r.body);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn unknown_links_from_one_address_are_throttled() {
    for app in apps().await {
        let bk = app.backend;
        let mut b = app.browser().from("192.0.2.50");
        let mut last = StatusCode::OK;
        for k in 0..8 {
            last = b.get(&format!("/q/{:064x}", k)).await.status;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{bk}");
        let r = b.get(&format!("/q/{:064x}", 99)).await;
        assert!(r.body.contains("分钟后再试"), "{bk}: {}", r.body);
        // another address is not affected
        let r = app
            .browser()
            .from("192.0.2.51")
            .get(&format!("/q/{:064x}", 1))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");
        app.cleanup().await;
    }
}
