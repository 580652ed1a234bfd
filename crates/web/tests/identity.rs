//! An enterprise's credit code and name lock once an assessment is submitted or a body is
//! engaged; a change then is a request an admin of an engaged body approves or rejects, in the
//! audit log; profile saves are confirmed. On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tianping_app::domain::Role;
use tianping_store::identity as requests;
use tianping_store::repo::{self, NewUser};

/// The record form of enterprise `n`'s fixture values with `name` and `headcount`.
fn record(n: usize, name: &str, headcount: &str) -> Vec<(&'static str, String)> {
    vec![
        ("uscc", uscc(n)),
        ("name", name.to_string()),
        ("industry_code", "C3511".into()),
        ("headcount", headcount.into()),
        ("enterprise_type", "tech-service".into()),
    ]
}

async fn post_record(br: &mut Browser, ent: i64, fields: &[(&'static str, String)]) -> Resp {
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    br.post(&format!("/enterprises/{ent}"), &f).await
}

async fn name_of(app: &App, id: i64) -> String {
    repo::get_enterprise(&app.state.store, id)
        .await
        .unwrap()
        .unwrap()
        .name
}

async fn add_user(app: &App, email: &str, role: Role, org: i64) {
    let hash = tianping_app::accounts::hash_password(PW).unwrap();
    let mut tx = app.state.store.begin().await.unwrap();
    repo::create_user(
        &mut tx,
        &NewUser {
            email,
            name: email,
            password_hash: &hash,
            role,
            org_id: Some(org),
            enterprise_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn an_unlocked_record_saves_with_a_confirmation_and_a_locked_identity_becomes_a_request() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        // B has engaged nobody and submitted nothing: its name changes at once
        let mut eb = app.browser();
        eb.login("b@b.test", PW).await;
        let page = eb.get(&format!("/enterprises/{}", f.ent_b)).await;
        assert!(!page.body.contains("已锁定"), "{b}");
        let r = post_record(&mut eb, f.ent_b, &record(2, "Enterprise B Ltd", "100")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(
            r.location(),
            format!("/enterprises/{}?saved=1", f.ent_b),
            "{b}"
        );
        assert!(eb.get(&r.location()).await.body.contains("已保存"), "{b}");
        assert_eq!(name_of(&app, f.ent_b).await, "Enterprise B Ltd", "{b}");

        // A engaged Body One: locked; the rest of the record saves, the name becomes a request
        let mut ea = app.browser();
        ea.login("a@a.test", PW).await;
        let page = ea.get(&format!("/enterprises/{}", f.ent_a)).await;
        assert!(page.body.contains("已锁定：已委托机构"), "{b}");
        let r = post_record(&mut ea, f.ent_a, &record(1, "Enterprise A Renamed", "250")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(
            r.location(),
            format!("/enterprises/{}?saved=request", f.ent_a),
            "{b}"
        );
        let page = ea.get(&r.location()).await;
        assert!(
            page.body.contains("已保存") && page.body.contains("待受托评价机构的管理员批准"),
            "{b}"
        );
        assert!(page.body.contains("待处理的变更申请"), "{b}");
        assert!(
            page.body.contains("Enterprise A → Enterprise A Renamed"),
            "{b}"
        );
        let e = repo::get_enterprise(&app.state.store, f.ent_a)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((e.name.as_str(), e.headcount), ("Enterprise A", 250), "{b}");
        // the enterprise may withdraw but not decide
        assert!(
            page.body.contains("撤回申请") && !page.body.contains("批准变更"),
            "{b}"
        );
        // a second change while one is pending is refused by field, nothing changes
        let r = post_record(&mut ea, f.ent_a, &record(1, "Yet Another Name", "300")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("已有一项变更申请待处理"), "{b}");
        let e = repo::get_enterprise(&app.state.store, f.ent_a)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(e.headcount, 250, "{b}: bad input changes nothing");

        // the API takes the same path: a new credit code is filed, not applied
        let r = app
            .api(&token(&app, "a@a.test").await)
            .get(&format!("/enterprises/{}", f.ent_a))
            .await;
        let v = r.json();
        assert_eq!(v["identity"]["locked"], json!(true), "{b}");
        assert_eq!(v["identity"]["reasons"], json!(["engaged"]), "{b}");
        assert_eq!(
            v["identity"]["pending_request"]["new_name"],
            json!("Enterprise A Renamed"),
            "{b}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_identity_locks_after_a_submission_too() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let ub = repo::user_by_email(&app.state.store, "b@b.test")
            .await
            .unwrap()
            .unwrap();
        tianping_app::assessments::submit(&app.state, &ub, f.self_b)
            .await
            .unwrap();
        let api = app.api(&token(&app, "b@b.test").await);
        let r = api
            .put(
                &format!("/enterprises/{}", f.ent_b),
                json!({"uscc": uscc(77), "name": "Enterprise B", "industry_code": "C3511",
                       "headcount": 100, "enterprise_type": "tech-service"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let v = r.json();
        assert_eq!(v["uscc"], json!(uscc(2)), "{b}: not applied");
        assert_eq!(v["identity"]["reasons"], json!(["submitted"]), "{b}");
        assert_eq!(
            v["identity"]["pending_request"]["new_uscc"],
            json!(uscc(77)),
            "{b}"
        );
        let mut eb = app.browser();
        eb.login("b@b.test", PW).await;
        let page = eb.get(&format!("/enterprises/{}", f.ent_b)).await;
        assert!(page.body.contains("已锁定：评价已提交"), "{b}");
        assert!(page.body.contains("尚未委托评价机构"), "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn an_admin_of_an_engaged_body_approves_or_rejects_and_nobody_else_does() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        add_user(&app, "admin@b2.test", Role::BodyAdmin, f.body2_id).await;
        let mut ea = app.browser();
        ea.login("a@a.test", PW).await;
        post_record(&mut ea, f.ent_a, &record(1, "Enterprise A Group", "100")).await;
        let req = requests::pending_of(&app.state.store, f.ent_a)
            .await
            .unwrap()
            .unwrap();
        let approve = format!("/identity-requests/{}/approve", req.id);
        let reject = format!("/identity-requests/{}/reject", req.id);
        // the enterprise and the body's auditor see it but may not decide: 403
        for who in ["a@a.test", "auditor@b1.test"] {
            let mut x = app.browser();
            x.login(who, PW).await;
            let r = x.post(&approve, &[("note", "")]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{b} {who}");
        }
        // another body's admin and auditor do not see the enterprise: 404
        for who in ["admin@b2.test", "auditor@b2.test"] {
            let mut x = app.browser();
            x.login(who, PW).await;
            assert_eq!(
                x.post(&approve, &[]).await.status,
                StatusCode::NOT_FOUND,
                "{b} {who}"
            );
            assert_eq!(
                x.post(&format!("/identity-requests/{}/withdraw", req.id), &[])
                    .await
                    .status,
                StatusCode::NOT_FOUND,
                "{b} {who}"
            );
        }
        let mut missing = app.browser();
        missing.login("admin@b1.test", PW).await;
        assert_eq!(
            missing
                .post("/identity-requests/999999/approve", &[])
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert_eq!(name_of(&app, f.ent_a).await, "Enterprise A", "{b}");

        // the body admin sees the request on the administration page and approves it
        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        let page = adm.get("/admin").await;
        assert!(page.body.contains("待处理的企业信息变更申请"), "{b}");
        assert!(page.body.contains(&approve), "{b}");
        let r = adm.post(&approve, &[("note", "营业执照已核对")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(
            r.location(),
            format!("/enterprises/{}?saved=approved", f.ent_a),
            "{b}"
        );
        assert_eq!(name_of(&app, f.ent_a).await, "Enterprise A Group", "{b}");
        // decided once: a second decision is refused (409)
        assert_eq!(
            adm.post(&reject, &[("note", "x")]).await.status,
            StatusCode::CONFLICT,
            "{b}"
        );
        assert!(
            !adm.get("/admin")
                .await
                .body
                .contains("待处理的企业信息变更申请"),
            "{b}"
        );

        // a rejection needs its reason, keeps the name, and the enterprise reads the reason
        post_record(&mut ea, f.ent_a, &record(1, "Wrong Name", "100")).await;
        let req = requests::pending_of(&app.state.store, f.ent_a)
            .await
            .unwrap()
            .unwrap();
        let reject = format!("/identity-requests/{}/reject", req.id);
        assert_eq!(
            adm.post(&reject, &[("note", " ")]).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}"
        );
        let r = adm.post(&reject, &[("note", "与营业执照不符")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        assert_eq!(name_of(&app, f.ent_a).await, "Enterprise A Group", "{b}");
        let page = ea.get(&format!("/enterprises/{}", f.ent_a)).await;
        assert!(
            page.body.contains("已驳回") && page.body.contains("与营业执照不符"),
            "{b}"
        );

        // the enterprise withdraws its own request
        post_record(&mut ea, f.ent_a, &record(1, "Maybe Later", "100")).await;
        let req = requests::pending_of(&app.state.store, f.ent_a)
            .await
            .unwrap()
            .unwrap();
        let r = ea
            .post(&format!("/identity-requests/{}/withdraw", req.id), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        assert!(
            requests::pending_of(&app.state.store, f.ent_a)
                .await
                .unwrap()
                .is_none(),
            "{b}"
        );

        // a body admin's own request is decided by someone else
        post_record(&mut adm, f.ent_a, &record(1, "Admin's Name", "100")).await;
        let req = requests::pending_of(&app.state.store, f.ent_a)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(req.new_name, "Admin's Name", "{b}");
        let r = adm
            .post(&format!("/identity-requests/{}/approve", req.id), &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");

        // every step is in the enterprise's audit log, in words
        let mut sys = app.browser();
        sys.login("sys@t.test", PW).await;
        let log = sys
            .get(&format!(
                "/audit?object_type=enterprise&object_id={}",
                f.ent_a
            ))
            .await
            .body;
        for text in [
            "申请变更企业名称或信用代码",
            "批准企业名称或信用代码变更",
            "驳回企业名称或信用代码变更",
            "撤回企业名称或信用代码变更申请",
            "名称：Enterprise A → Enterprise A Group",
            "处理意见：与营业执照不符",
        ] {
            assert!(log.contains(text), "{b}: {text}");
        }
        app.cleanup().await;
    }
}
