//! A certification body's people (8.1.4.1, 5.2): the body admin records competence, the list
//! marks qualified auditors on a day, people declare conflicts of interest with the body's
//! clients, and what the certification rules read of them (`conflicts_for`,
//! `competence_strings`). Pages and API, on SQLite and PostgreSQL, with today fixed at
//! 2026-03-10.

mod common;

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use common::*;
use serde_json::json;
use tianping_app::people;
use tianping_case::certification::team::{competence_gaps, conflict_of};
use tianping_case::Person;
use tianping_store::repo;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The application with the clock at noon of 2026-03-10, China time.
async fn today_apps() -> Vec<App> {
    let noon = "2026-03-10T04:00:00Z".parse().unwrap();
    apps_with(Arc::new(tianping_app::FixedClock::new(noon)), |_| {}).await
}

async fn user(app: &App, email: &str) -> repo::User {
    repo::user_by_email(&app.state.store, email)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_body_admin_records_competence_and_the_list_marks_qualified_auditors() {
    for app in today_apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aud = user(&app, "auditor@b1.test").await;
        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        let admin_page = adm.get("/admin").await.body;
        let list = format!("/admin/orgs/{}/people", f.body_id);
        assert!(admin_page.contains(&format!("href=\"{list}\"")), "{b}");
        assert!(
            admin_page.contains(&format!("href=\"/people/{}\"", aud.id)),
            "{b}"
        );
        let page = adm.get(&format!("/people/{}", aud.id)).await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(
            page.body.contains("记录能力") && page.body.contains("缺："),
            "{b}"
        );

        let add = format!("/people/{}/competence", aud.id);
        let r = adm
            .post(
                &add,
                &[
                    ("kind", "ccaa"),
                    ("value", "2024-N1QMS-1234567"),
                    ("valid_until", "2026-06-30"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(r.location(), format!("/people/{}?done=competence", aud.id));
        // only CCAA: not yet qualified
        let l = adm.get(&list).await.body;
        assert!(
            l.contains("2024-N1QMS-1234567") && !l.contains("合格审核员</span>"),
            "{b}"
        );
        adm.post(&add, &[("kind", "eepc"), ("obtained_on", "2026-01-15")])
            .await;
        adm.post(
            &add,
            &[("kind", "business_area"), ("value", "28.02 软件开发")],
        )
        .await;
        let l = adm.get(&list).await.body;
        assert!(l.contains("合格审核员</span>"), "{b}: {l}");
        assert!(l.contains("28.02 软件开发"), "{b}");
        // after the registration's last day the mark goes
        let later = adm.get(&format!("{list}?on=2026-07-01")).await.body;
        assert!(!later.contains("合格审核员</span>"), "{b}");
        assert!(
            later.contains("缺：CCAA 注册审核员资格") && later.contains("当日无效"),
            "{b}"
        );
        let bad = adm.get(&format!("{list}?on=2026-02-30")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(bad.body.contains("不是有效日期"), "{b}");

        // the API gives the same
        let api = app.api(&token(&app, "admin@b1.test").await);
        let j = api
            .get(&format!("/orgs/{}/people?on=2026-06-30", f.body_id))
            .await
            .json();
        let me = j["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["user_id"] == aud.id)
            .unwrap()
            .clone();
        assert_eq!(me["qualified"], true, "{b}");
        assert_eq!(me["records"].as_array().unwrap().len(), 3, "{b}");
        let j = api
            .get(&format!("/orgs/{}/people?on=2026-07-01", f.body_id))
            .await
            .json();
        let me = j["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["user_id"] == aud.id)
            .unwrap()
            .clone();
        assert_eq!(me["qualified"], false, "{b}");
        assert_eq!(me["lacks"], json!(["ccaa"]), "{b}");

        // removing a record: gone from the page, kept in the audit log
        let rec = people::person(&app.state, &user(&app, "admin@b1.test").await, aud.id)
            .await
            .unwrap()
            .competence[2]
            .id;
        let r = adm
            .post(&format!("/people/{}/competence/{rec}/remove", aud.id), &[])
            .await;
        assert_eq!(r.location(), format!("/people/{}?done=removed", aud.id));
        let page = adm.get(&r.location()).await.body;
        assert!(!page.contains("28.02 软件开发"), "{b}");
        let mut sys = app.browser();
        sys.login("sys@t.test", PW).await;
        let log = sys
            .get(&format!("/audit?object_type=user&object_id={}", aud.id))
            .await
            .body;
        assert!(
            log.contains("记录人员能力") && log.contains("删除人员能力记录"),
            "{b}"
        );
        assert!(
            log.contains("能力记录类别：CCAA 注册审核员资格") && log.contains("28.02 软件开发"),
            "{b}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn records_are_seen_by_the_person_their_admin_and_the_system_admin_only() {
    for app in today_apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aud = user(&app, "auditor@b1.test").await;
        let aud2 = user(&app, "auditor@b2.test").await;
        let decider = user(&app, "decider@b1.test").await;
        let page = format!("/people/{}", aud.id);
        let list = format!("/admin/orgs/{}/people", f.body_id);
        let ccaa = [
            ("kind", "ccaa"),
            ("value", "N-1"),
            ("valid_until", "2027-01-01"),
        ];

        // the auditor sees their own records (linked from the account page) but keeps none
        let mut me = app.browser();
        me.login("auditor@b1.test", PW).await;
        assert!(me.get("/account").await.body.contains(&page), "{b}");
        let r = me.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(!r.body.contains("记录能力"), "{b}: no form for the person");
        assert!(r.body.contains("声明利益冲突"), "{b}");
        let r = me.post(&format!("{page}/competence"), &ccaa).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        assert!(r.body.contains("只有本机构的机构管理员"), "{b}");
        // a colleague's page and the body's list: not there
        for p in [format!("/people/{}", decider.id), list.clone()] {
            assert_eq!(me.get(&p).await.status, StatusCode::NOT_FOUND, "{b} {p}");
        }

        // another body's staff, an enterprise, an operator: as if nobody were there
        for who in ["auditor@b2.test", "a@a.test", "operator@p.test"] {
            let mut x = app.browser();
            x.login(who, PW).await;
            for p in [page.clone(), list.clone()] {
                assert_eq!(
                    x.get(&p).await.status,
                    StatusCode::NOT_FOUND,
                    "{b} {who} {p}"
                );
            }
            let r = x.post(&format!("{page}/competence"), &ccaa).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {who}");
            let api = app.api(&token(&app, who).await);
            for p in [
                format!("/people/{}/competence", aud.id),
                format!("/people/{}/conflicts", aud.id),
                format!("/orgs/{}/people", f.body_id),
            ] {
                let r = api.get(&p).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {who} {p}");
                assert_eq!(r.content_type(), "application/problem+json", "{b}");
            }
        }

        // the body admin: not another body's people
        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        for p in [
            format!("/people/{}", aud2.id),
            format!("/admin/orgs/{}/people", f.body2_id),
            format!("/admin/orgs/{}/people", f.platform_id),
        ] {
            assert_eq!(adm.get(&p).await.status, StatusCode::NOT_FOUND, "{b} {p}");
        }
        let api = app.api(&token(&app, "admin@b1.test").await);
        let r = api
            .post(
                &format!("/people/{}/competence", aud2.id),
                json!({"kind": "eepc", "obtained_on": "2026-01-01"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = api
            .post(
                &format!("/people/{}/competence", aud.id),
                json!({"kind": "ccaa", "value": "N-1", "valid_until": "2027-01-01"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        assert_eq!(r.json()["kind"], "ccaa");
        assert_eq!(r.json()["valid"], true);

        // the person reads their own through the API, and may not remove
        let mine = app.api(&token(&app, "auditor@b1.test").await);
        let j = mine
            .get(&format!("/people/{}/competence", aud.id))
            .await
            .json();
        assert_eq!(j["records"][0]["value"], "N-1", "{b}");
        assert_eq!(j["qualified"], false, "{b}");
        assert_eq!(j["lacks"], json!(["eepc"]), "{b}");
        let rid = j["records"][0]["id"].as_i64().unwrap();
        let path = format!("/people/{}/competence/{rid}", aud.id);
        let r = mine.call(Method::DELETE, &path, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        let r = api.call(Method::DELETE, &path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = api.call(Method::DELETE, &path, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: removed already");

        // the system administrator reads the body's people, and keeps no records
        let mut sys = app.browser();
        sys.login("sys@t.test", PW).await;
        assert_eq!(sys.get(&list).await.status, StatusCode::OK, "{b}");
        assert_eq!(sys.get(&page).await.status, StatusCode::OK, "{b}");
        let r = sys.post(&format!("{page}/competence"), &ccaa).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn wrong_input_is_refused_naming_the_field() {
    for app in today_apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aud = user(&app, "auditor@b1.test").await;
        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        let add = format!("/people/{}/competence", aud.id);
        // the form comes back with what was typed and the messages by the fields
        let r = adm
            .post(
                &add,
                &[
                    ("kind", "ccaa"),
                    ("value", ""),
                    ("obtained_on", "2026-3-1x"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("请填写 CCAA 注册证书编号"), "{b}");
        assert!(r.body.contains("请填写 CCAA 注册的有效期至"), "{b}");
        assert!(r.body.contains("“2026-3-1x” 不是有效日期"), "{b}");
        assert!(r.body.contains(r#"value="2026-3-1x""#), "{b}");
        let r = adm
            .post(&add, &[("kind", "eepc"), ("obtained_on", "2026-03-11")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("晚于今天（2026-03-10）"), "{b}");

        let api = app.api(&token(&app, "admin@b1.test").await);
        let r = api
            .post(
                &add,
                json!({"kind": "ccaa", "value": "N", "valid_until": "2026-02-30"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(r.json()["errors"][0]["field"], "valid_until", "{b}");
        let r = api.post(&add, json!({"kind": "cnas"})).await;
        assert_eq!(r.json()["errors"][0]["field"], "kind", "{b}");
        assert!(
            r.json()["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("business_area"),
            "{b}"
        );
        let r = api.post(&add, json!({"kind": "eepc", "grade": 1})).await;
        assert_eq!(r.json()["errors"][0]["field"], "grade", "{b}");

        let declare = format!("/people/{}/conflicts", aud.id);
        let long = "冲".repeat(501);
        let r = api
            .post(&declare, json!({"enterprise_id": f.ent_a, "reason": long}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(r.json()["errors"][0]["field"], "reason", "{b}");
        assert!(
            r.json()["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("500"),
            "{b}"
        );
        // enterprise B never engaged the body: not a client to declare for
        let r = api
            .post(
                &declare,
                json!({"enterprise_id": f.ent_b, "reason": "亲属任职", "until": "2027-13-01"}),
            )
            .await;
        let fields: Vec<String> = r.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(fields, ["enterprise_id", "until"], "{b}");
        let r = adm
            .post(&declare, &[("enterprise_id", ""), ("reason", " ")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.body.contains("请从本机构的客户企业中选择")
                && r.body.contains("请填写利益冲突的原因"),
            "{b}"
        );
        // nothing was written
        let adm_u = user(&app, "admin@b1.test").await;
        let rec = people::person(&app.state, &adm_u, aud.id).await.unwrap();
        assert!(rec.competence.is_empty() && rec.conflicts.is_empty(), "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn declared_conflicts_reach_the_certification_rules_for_their_client_only() {
    for app in today_apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let st = &app.state;
        let aud = user(&app, "auditor@b1.test").await;
        let decider = user(&app, "decider@b1.test").await;
        let ent_b_user = user(&app, "b@b.test").await;
        tianping_app::enterprises::engage(st, &ent_b_user, f.ent_b, f.body_id)
            .await
            .unwrap();

        // the auditor declares their own, choosing among the body's clients
        let mut me = app.browser();
        me.login("auditor@b1.test", PW).await;
        let page = me.get(&format!("/people/{}", aud.id)).await.body;
        assert!(
            page.contains(&format!(
                "<option value=\"{}\">Enterprise A</option>",
                f.ent_a
            )),
            "{b}"
        );
        let r = me
            .post(
                &format!("/people/{}/conflicts", aud.id),
                &[
                    ("enterprise_id", &f.ent_a.to_string()),
                    ("reason", "2年内为其提供咨询"),
                    ("until", "2027-12-31"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        // …but does not declare for a colleague
        let r = me
            .post(
                &format!("/people/{}/conflicts", decider.id),
                &[("enterprise_id", &f.ent_a.to_string()), ("reason", "x")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");

        // the admin declares for the decider: one for good with A, one with B, one to withdraw
        let api = app.api(&token(&app, "admin@b1.test").await);
        let path = format!("/people/{}/conflicts", decider.id);
        for (e, reason) in [
            (f.ent_a, "配偶在该企业任高管"),
            (f.ent_b, "2年内为其提供咨询"),
            (f.ent_a, "误报"),
        ] {
            let r = api
                .post(&path, json!({"enterprise_id": e, "reason": reason}))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
            assert_eq!(r.json()["declared_on"], "2026-03-10", "{b}");
            assert_eq!(
                r.json()["declared_by"],
                user(&app, "admin@b1.test").await.id
            );
        }
        let list = api.get(&path).await.json();
        assert_eq!(list["items"][0]["reason"], "误报", "{b}: newest first");
        assert_eq!(list["items"][0]["enterprise_name"], "Enterprise A", "{b}");
        let wrong = list["items"][0]["id"].as_i64().unwrap();
        // the decider may not lift it; the admin may, once
        let theirs = app.api(&token(&app, "decider@b1.test").await);
        let r = theirs
            .call(Method::DELETE, &format!("{path}/{wrong}"), None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        let r = api
            .call(Method::DELETE, &format!("{path}/{wrong}"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(r.json()["withdrawn_at"].is_string(), "{b}");
        let r = api
            .call(Method::DELETE, &format!("{path}/{wrong}"), None)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        // another person's declaration through this person's path: not there
        let mine = api
            .get(&format!("/people/{}/conflicts", aud.id))
            .await
            .json();
        let my_id = mine["items"][0]["id"].as_i64().unwrap();
        let r = api
            .call(Method::DELETE, &format!("{path}/{my_id}"), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");

        // what the certification rules read: A's declarations that stand, with their days
        let mut a = people::conflicts_for(st, f.body_id, f.ent_a).await.unwrap();
        a.sort_by(|x, y| x.person.cmp(&y.person));
        let mut want = vec![
            (
                aud.id.to_string(),
                "2年内为其提供咨询",
                Some(d("2027-12-31")),
            ),
            (decider.id.to_string(), "配偶在该企业任高管", None),
        ];
        want.sort();
        let got: Vec<_> = a
            .iter()
            .map(|c| (c.person.clone(), c.reason.as_str(), c.until))
            .collect();
        assert_eq!(got, want, "{b}");
        let bs = people::conflicts_for(st, f.body_id, f.ent_b).await.unwrap();
        assert_eq!(bs.len(), 1, "{b}");
        assert_eq!(bs[0].person, decider.id.to_string(), "{b}");
        assert!(people::conflicts_for(st, f.body2_id, f.ent_a)
            .await
            .unwrap()
            .is_empty());
        // the auditor's conflict keeps them off A's audits through its last day only
        let me_id = aud.id.to_string();
        assert!(conflict_of(&a, &me_id, d("2027-12-31")).is_some(), "{b}");
        assert!(conflict_of(&a, &me_id, d("2028-01-01")).is_none(), "{b}");
        assert!(conflict_of(&bs, &me_id, d("2026-06-01")).is_none(), "{b}");

        // the page shows the states; the audit log has each step in words
        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        let p = adm.get(&format!("/people/{}", decider.id)).await.body;
        assert!(p.contains("已撤回") && p.contains("长期"), "{b}");
        let mut sys = app.browser();
        sys.login("sys@t.test", PW).await;
        let log = sys
            .get(&format!("/audit?object_type=user&object_id={}", decider.id))
            .await
            .body;
        assert!(
            log.contains("声明利益冲突") && log.contains("撤回利益冲突声明"),
            "{b}"
        );
        assert!(log.contains("原因：误报"), "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn competence_strings_satisfy_the_certification_rules_for_a_qualified_auditor() {
    for app in today_apps().await {
        let b = app.backend;
        let _f = fixture(&app).await;
        let st = &app.state;
        let aud = user(&app, "auditor@b1.test").await;
        let admin = user(&app, "admin@b1.test").await;
        let person = |competence: Vec<String>| Person {
            id: aud.id.to_string(),
            competence,
            ..Person::default()
        };
        let strings = people::competence_strings(st, aud.id).await.unwrap();
        assert!(strings.is_empty(), "{b}");
        let add = |kind: &str, value: &str, obtained: &str, until: &str| {
            tianping_app::domain::people::CompetenceInput {
                kind: kind.into(),
                value: value.into(),
                obtained_on: obtained.into(),
                valid_until: until.into(),
            }
        };
        people::add_competence(
            st,
            &admin,
            aud.id,
            &add("ccaa", "2024-N1QMS-7", "", "2026-06-30"),
        )
        .await
        .unwrap();
        let strings = people::competence_strings(st, aud.id).await.unwrap();
        assert_eq!(strings, ["CCAA 2024-N1QMS-7"], "{b}");
        assert_eq!(
            competence_gaps(&person(strings)),
            ["EEPC认证知识培训"],
            "{b}"
        );
        people::add_competence(st, &admin, aud.id, &add("eepc", "", "2026-01-15", ""))
            .await
            .unwrap();
        people::add_competence(st, &admin, aud.id, &add("business_area", "28.02", "", ""))
            .await
            .unwrap();
        let strings = people::competence_strings(st, aud.id).await.unwrap();
        assert!(
            competence_gaps(&person(strings.clone())).is_empty(),
            "{b}: {strings:?}"
        );
        assert!(strings.contains(&"28.02".to_string()), "{b}");
        // on an audit's day after the registration ended, the rules see the gap
        let later = people::competence_strings_on(st, aud.id, d("2026-07-01"))
            .await
            .unwrap();
        assert_eq!(
            competence_gaps(&person(later)),
            ["CCAA注册管理体系审核员资格"],
            "{b}"
        );
        let p = people::case_person(st, aud.id, d("2026-03-10"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.id, aud.id.to_string());
        assert_eq!(p.roles, ["auditor"]);
        assert!(competence_gaps(&p).is_empty(), "{b}");
        assert!(people::case_person(st, 999_999, d("2026-03-10"))
            .await
            .unwrap()
            .is_none());
        app.cleanup().await;
    }
}
