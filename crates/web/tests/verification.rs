//! Verification of the enterprise's self-declared T11/AII answers by the engaged body (I-6,
//! I-20), through the API and the pages, on SQLite and PostgreSQL: item by item (confirm or
//! correct with a note) and a whole table at once, on drafts and submitted assessments; the
//! total counts only then. Who may not verify: the enterprise, another body, experts,
//! operators, deciders, the system administrator.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use tianping_core::{Category, Plan};
use tianping_store::{audit, repo};

fn plan() -> Plan<'static> {
    let s = catalog().get("t11-aii-001-2020").unwrap();
    Plan::new(s, Some("tech-service"), None).unwrap()
}

/// The two smallest tables of the plan with at least three items, with their item ids.
fn two_tables(plan: &Plan) -> [(String, Vec<String>); 2] {
    let mut by: Vec<(String, Vec<String>)> = Vec::new();
    for l in &plan.leaves {
        match by.iter_mut().find(|(t, _)| *t == l.ind.table) {
            Some((_, v)) => v.push(l.ind.id.clone()),
            None => by.push((l.ind.table.clone(), vec![l.ind.id.clone()])),
        }
    }
    by.retain(|(_, v)| v.len() >= 3);
    by.sort_by_key(|(_, v)| v.len());
    [by[0].clone(), by[1].clone()]
}

/// An item of this category outside the given tables.
fn item_of(plan: &Plan, c: Category, not_in: &[&str]) -> String {
    plan.leaves
        .iter()
        .find(|l| l.ind.category == Some(c) && !not_in.contains(&l.ind.table.as_str()))
        .unwrap()
        .ind
        .id
        .clone()
}

async fn score(app: &App, id: i64) -> f64 {
    let a = repo::get_assessment(&app.state.store, id).await.unwrap();
    a.unwrap().score.unwrap_or(0.0)
}

async fn actions(app: &App, id: i64) -> Vec<String> {
    audit::for_object(&app.state.store, "assessment", &id.to_string())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn user_id(app: &App, email: &str) -> i64 {
    repo::user_by_email(&app.state.store, email)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn a_reviewer_verifies_items_and_tables_and_the_self_assessment_counts() {
    let plan = plan();
    let [(t1, items1), (t2, items2)] = two_tables(&plan);
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let ent = app.api(&token(&app, "a@a.test").await);
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        let aid = f.star_a;
        let ans = |ind: &str| format!("/assessments/{aid}/answers/{}", enc(ind));
        let verify = |ind: &str| format!("/assessments/{aid}/answers/{}/verify", enc(ind));
        for ind in items1.iter().chain(&items2) {
            let r = ent.put(&ans(ind), json!({"value": 80})).await;
            assert_eq!(r.status, StatusCode::OK, "{b} {ind}: {}", r.body);
        }
        assert_eq!(
            score(&app, aid).await,
            0.0,
            "{b}: self answers do not count yet"
        );
        // a correction needs a note; then the item counts
        let r = aud.post(&verify(&items1[0]), json!({"value": 60})).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert_eq!(r.json()["errors"][0]["field"], "note", "{b}: {}", r.body);
        let r = aud
            .post(
                &verify(&items1[0]),
                json!({"value": 60, "note": "核对了合同，按 60 计"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let v = r.json();
        assert_eq!(v["verified"], 1, "{b}: {v}");
        assert_eq!(v["items"][0]["corrected"], true, "{b}: {v}");
        assert_eq!(
            v["items"][0]["value"],
            json!({"value": 60.0, "source": "self", "verified": true}),
            "{b}"
        );
        let after_one = v["result"]["score"].as_f64().unwrap();
        assert!(after_one > 0.0, "{b}: the verified item counts: {v}");
        assert_eq!(score(&app, aid).await, after_one, "{b}");
        // a second verification is refused, naming who verified it
        let r = aud.post(&verify(&items1[0]), json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        let d = r.json()["detail"].as_str().unwrap().to_string();
        assert!(
            d.contains("已经核验过") && d.contains("auditor@b1.test"),
            "{b}: {d}"
        );
        // the rest of the table at once
        let r = aud
            .post(&format!("/assessments/{aid}/verify"), json!({"table": t1}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let v = r.json();
        assert_eq!(v["verified"], items1.len() - 1, "{b}: {v}");
        assert_eq!(v["table"], t1.as_str(), "{b}");
        let after_table = v["result"]["score"].as_f64().unwrap();
        assert!(after_table > after_one, "{b}: {after_table} > {after_one}");
        // nothing left in that table; an unknown table names the known ones
        let r = aud
            .post(&format!("/assessments/{aid}/verify"), json!({"table": t1}))
            .await;
        assert_eq!(r.json()["verified"], 0, "{b}: {}", r.body);
        let r = aud
            .post(
                &format!("/assessments/{aid}/verify"),
                json!({"table": "Z.9"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains(&t1), "{b}: {}", r.body);
        // who verified and when, in the answers; the verification is a version
        let list = ent.get(&format!("/assessments/{aid}/answers")).await.json();
        let row = list["answers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["indicator"] == items1[0].as_str())
            .unwrap()
            .clone();
        let auditor = user_id(&app, "auditor@b1.test").await;
        assert_eq!(row["verified_by"], auditor, "{b}: {row}");
        assert!(row["verified_at"].is_string(), "{b}: {row}");
        let versions = repo::answer_versions(&app.state.store, aid, Some(&items1[0]))
            .await
            .unwrap();
        assert_eq!(versions.len(), 2, "{b}");
        assert_eq!(versions[0].changed_by, auditor, "{b}");
        let acts = actions(&app, aid).await;
        let n = acts.iter().filter(|a| *a == "verify_answer").count();
        assert_eq!(n, items1.len(), "{b}: {acts:?}");
        // answers that are not self-declared, or not there, are not verified
        let op = app.api(&token(&app, "operator@p.test").await);
        let online = item_of(&plan, Category::Online, &[&t1, &t2]);
        let r = op.put(&ans(&online), json!({"value": 70})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = aud.post(&verify(&online), json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        assert!(
            r.body.contains("平台数据") && r.body.contains("无需核验"),
            "{b}: {}",
            r.body
        );
        let offline = item_of(&plan, Category::Offline, &[&t1, &t2]);
        let r = aud.post(&verify(&offline), json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        assert!(r.body.contains("尚未作答"), "{b}: {}", r.body);
        // after submission the body still reviews; the enterprise sees the new total
        let r = ent
            .post(&format!("/assessments/{aid}/submit"), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = aud
            .post(&format!("/assessments/{aid}/verify"), json!({"table": t2}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["verified"], items2.len(), "{b}");
        let seen = ent.get(&format!("/assessments/{aid}")).await.json();
        assert!(
            seen["score"].as_f64().unwrap() > after_table,
            "{b}: the enterprise sees the verified total: {seen}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn reviewers_verify_on_the_pages() {
    let plan = plan();
    let [(t1, items1), _] = two_tables(&plan);
    let verified =
        regex::Regex::new(r"由 <b>auditor@b1\.test</b> 于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 核验")
            .unwrap();
    let total = regex::Regex::new(r#"data-testid="score">([0-9.]+)<"#).unwrap();
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aid = f.star_a;
        let item = |ind: &str| format!("/assessments/{aid}/items/{}", enc(ind));
        let mut ent = app.browser();
        ent.login("a@a.test", PW).await;
        for ind in &items1 {
            let r = ent
                .post(
                    &format!("{}/answer", item(ind)),
                    &[("value", "75"), ("source", "self")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        }
        let page = ent.get(&item(&items1[0])).await;
        assert!(page.body.contains("尚未核验"), "{b}");
        assert!(
            !page.body.contains("/verify\""),
            "{b}: no verify form for the enterprise"
        );
        let table_page = format!("/assessments/{aid}?table={}", enc(&t1));
        assert!(
            !ent.get(&table_page)
                .await
                .body
                .contains("核验本表全部自报答案"),
            "{b}"
        );
        // the reviewer's forms
        let mut aud = app.browser();
        aud.login("auditor@b1.test", PW).await;
        let page = aud.get(&item(&items1[0])).await;
        assert!(
            page.body
                .contains(&format!(r#"action="{}/verify""#, item(&items1[0]))),
            "{b}"
        );
        let page = aud.get(&table_page).await;
        assert!(page.body.contains("核验本表全部自报答案"), "{b}");
        assert!(
            page.body.contains(&format!("<b>{}</b>", items1.len())),
            "{b}: how many await"
        );
        // correcting without a note: the message beside the note, nothing verified
        let r = aud
            .post(
                &format!("{}/verify", item(&items1[0])),
                &[("action", "correct"), ("value", "50"), ("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("更正数值时请在备注中写明依据"), "{b}");
        assert_eq!(score(&app, aid).await, 0.0, "{b}");
        // confirming: who and when, on both sides
        let r = aud
            .post(
                &format!("{}/verify", item(&items1[0])),
                &[("action", "confirm"), ("value", "50"), ("note", "现场核对")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        for br in [&mut aud, &mut ent] {
            let page = br.get(&item(&items1[0])).await;
            assert!(verified.is_match(&page.body), "{b}: {}", page.body);
            assert!(page.body.contains("现场核对"), "{b}");
        }
        let a = repo::answers(&app.state.store, aid).await.unwrap();
        let row = a.iter().find(|r| r.indicator_id == items1[0]).unwrap();
        assert!(
            row.value_json.as_deref().unwrap().contains(r#""value":75"#),
            "{b}: confirmed as it was: {:?}",
            row.value_json
        );
        // the rest of the table at once
        let r = aud
            .post(
                &format!("/assessments/{aid}/verify"),
                &[("table", t1.as_str()), ("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert!(r.location().contains("verified="), "{b}: {}", r.location());
        assert!(score(&app, aid).await > 0.0, "{b}");
        let page = aud.get(&r.location()).await;
        assert!(
            page.body.contains("已核验本表"),
            "{b}: the flash counts them"
        );
        let page = aud.get(&table_page).await;
        assert!(page.body.contains("本表没有待核验的自报答案"), "{b}");
        // each verified row of the table says so, for the enterprise too
        let page = ent.get(&table_page).await;
        assert_eq!(
            page.body.matches(r#"data-testid="verified""#).count(),
            items1.len(),
            "{b}"
        );
        let page = ent.get(&format!("/assessments/{aid}")).await;
        let shown: f64 = total.captures(&page.body).unwrap()[1].parse().unwrap();
        assert!(shown > 0.0, "{b}: the enterprise sees a total above zero");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn only_the_engaged_bodys_reviewers_verify() {
    let plan = plan();
    let ind = plan.leaves[0].ind.id.clone();
    let table = plan.leaves[0].ind.table.clone();
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let st = &app.state;
        let aid = f.star_a;
        let ent = app.api(&token(&app, "a@a.test").await);
        let r = ent
            .put(
                &format!("/assessments/{aid}/answers/{}", enc(&ind)),
                json!({"value": 80}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        // enterprise B's star self-assessment (B engaged nobody)
        let ub = repo::user_by_email(&st.store, "b@b.test")
            .await
            .unwrap()
            .unwrap();
        let input = tianping_app::assessments::AssessmentInput {
            enterprise_id: f.ent_b.to_string(),
            scheme: "t11-aii-001-2020".into(),
            variant: "tech-service".into(),
            ..Default::default()
        };
        let star_b = tianping_app::assessments::create(st, &ub, &input)
            .await
            .unwrap()
            .id;
        // an on-site star assessment of A by body 1 with expert 1 on the item
        let auditor = repo::user_by_email(&st.store, "auditor@b1.test")
            .await
            .unwrap()
            .unwrap();
        let input = tianping_app::assessments::AssessmentInput {
            enterprise_id: f.ent_a.to_string(),
            ..input
        };
        let onsite = tianping_app::assessments::create(st, &auditor, &input)
            .await
            .unwrap()
            .id;
        let expert1 = user_id(&app, "expert1@b1.test").await;
        tianping_app::answers::assign_expert(st, &auditor, onsite, &ind, expert1, false)
            .await
            .unwrap();
        let item_verify = |a: i64| format!("/assessments/{a}/answers/{}/verify", enc(&ind));
        let table_verify = |a: i64| format!("/assessments/{a}/verify");
        let body = json!({"table": table});
        // seen, but not a reviewer: 403 with the reason
        for (email, a, why) in [
            ("a@a.test", aid, "企业不能核验"),
            ("operator@p.test", aid, "审核员或机构管理员"),
            ("decider@b1.test", aid, "审核员或机构管理员"),
            ("sys@t.test", aid, "审核员或机构管理员"),
            ("expert1@b1.test", onsite, "审核员或机构管理员"),
        ] {
            let api = app.api(&token(&app, email).await);
            let r = api.post(&item_verify(a), json!({})).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{b} {email}: {}", r.body);
            assert!(r.body.contains(why), "{b} {email}: {}", r.body);
            let r = api.post(&table_verify(a), body.clone()).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{b} {email}: {}", r.body);
            let r = api
                .post(
                    &format!("/assessments/{a}/proposals/1"),
                    json!({"decision": "accept"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{b} {email}: {}", r.body);
        }
        // not seen at all: 404, exactly like a missing assessment
        for (email, a) in [
            ("auditor@b2.test", aid),
            ("a@a.test", star_b),
            ("auditor@b1.test", star_b),
            ("auditor@b1.test", 999_999),
        ] {
            let api = app.api(&token(&app, email).await);
            let r = api.post(&item_verify(a), json!({})).await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{b} {email} {a}: {}",
                r.body
            );
            let r = api.post(&table_verify(a), body.clone()).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {email} {a}");
            let r = api.get(&format!("/assessments/{a}/proposals")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {email} {a}");
            let r = api
                .post(
                    &format!("/assessments/{a}/proposals/1"),
                    json!({"decision": "accept"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {email} {a}");
        }
        // the pages answer the same
        let mut e = app.browser();
        e.login("a@a.test", PW).await;
        let page = format!("/assessments/{aid}/items/{}/verify", enc(&ind));
        let r = e.post(&page, &[("action", "confirm")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        let r = e
            .post(&format!("/assessments/{aid}/verify"), &[("table", &table)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        let mut other = app.browser();
        other.login("auditor@b2.test", PW).await;
        let r = other.post(&page, &[("action", "confirm")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = other
            .post(&format!("/assessments/{aid}/verify"), &[("table", &table)])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = other
            .post(
                &format!("/assessments/{aid}/items/{}/proposals/1", enc(&ind)),
                &[("decision", "accept")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        // none of it verified anything
        let v = repo::answer_versions(&st.store, aid, Some(&ind))
            .await
            .unwrap();
        assert_eq!(v.len(), 1, "{b}");
        assert!(
            !actions(&app, aid)
                .await
                .iter()
                .any(|a| a == "verify_answer"),
            "{b}"
        );
        // the body admin of the engaged body may
        let adm = app.api(&token(&app, "admin@b1.test").await);
        let r = adm.post(&item_verify(aid), json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let _: Value = r.json();
        app.cleanup().await;
    }
}
