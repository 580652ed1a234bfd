//! Staff management: body admins (their body) and the system administrator (every
//! organisation) deactivate, reactivate and change the role of staff; a deactivated account
//! cannot sign in and its sessions and API tokens stop at once; the last admin stays an admin;
//! invitations show their full link and can be revoked. On SQLite and PostgreSQL.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::*;
use tianping_app::domain::Role;
use tianping_store::repo;

async fn user(app: &App, email: &str) -> repo::User {
    repo::user_by_email(&app.state.store, email)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_deactivated_account_cannot_sign_in_and_its_sessions_and_tokens_stop() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aud = user(&app, "auditor@b1.test").await;
        let mut session = app.browser();
        session.login("auditor@b1.test", PW).await;
        let api = app.api(&token(&app, "auditor@b1.test").await);
        assert_eq!(api.get("/me").await.status, StatusCode::OK, "{b}");

        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        let page = adm.get("/admin").await;
        assert!(
            page.body
                .contains(&format!("action=\"/admin/staff/{}\"", aud.id)),
            "{b}"
        );
        let r = adm
            .post(
                &format!("/admin/staff/{}", aud.id),
                &[("action", "deactivate"), ("back", "/admin")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(r.location(), "/admin?done=deactivated", "{b}");
        let page = adm.get(&r.location()).await;
        assert!(
            page.body.contains("已停用该账号") && page.body.contains("已停用"),
            "{b}"
        );

        // the open session and the token stop at once; signing in says why
        let r = session.get(&format!("/enterprises/{}", f.ent_a)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        assert!(r.location().starts_with("/login"), "{b}");
        assert_eq!(api.get("/me").await.status, StatusCode::UNAUTHORIZED, "{b}");
        let mut again = app.browser();
        again.get("/login").await;
        let r = again
            .post(
                "/login",
                &[
                    ("email", "auditor@b1.test"),
                    ("password", PW),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        assert!(r.body.contains("已被停用"), "{b}");
        let r = app
            .api("")
            .post(
                "/tokens",
                serde_json::json!({"email": "auditor@b1.test", "password": PW}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        // a wrong password does not reveal the state
        let r = again
            .post(
                "/login",
                &[
                    ("email", "auditor@b1.test"),
                    ("password", "wrong-password-x"),
                    ("next", "/"),
                ],
            )
            .await;
        assert!(!r.body.contains("已被停用"), "{b}");

        // reactivated: signs in again; the kept token works again
        let r = adm
            .post(
                &format!("/admin/staff/{}", aud.id),
                &[("action", "reactivate"), ("back", "/admin")],
            )
            .await;
        assert_eq!(r.location(), "/admin?done=reactivated", "{b}");
        app.browser().login("auditor@b1.test", PW).await;
        assert_eq!(api.get("/me").await.status, StatusCode::OK, "{b}");

        // both changes are in the audit log, in words
        let mut sys = app.browser();
        sys.login("sys@t.test", PW).await;
        let log = sys
            .get(&format!("/audit?object_type=user&object_id={}", aud.id))
            .await
            .body;
        assert!(log.contains("停用账号") && log.contains("恢复账号"), "{b}");
        assert!(log.contains("已停用：否 → 是"), "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn roles_change_within_the_body_and_the_last_admin_stays_an_admin() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let me = user(&app, "admin@b1.test").await;
        let expert = user(&app, "expert2@b1.test").await;
        let decider = user(&app, "decider@b1.test").await;
        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        let role = |id: i64, r: &'static str| (format!("/admin/staff/{id}"), r);
        let (p, r) = role(expert.id, "auditor");
        let resp = adm
            .post(&p, &[("action", "role"), ("role", r), ("back", "/admin")])
            .await;
        assert_eq!(resp.location(), "/admin?done=role", "{b}");
        assert_eq!(
            user(&app, "expert2@b1.test").await.role,
            Role::Auditor,
            "{b}"
        );
        // only the body's roles
        let resp = adm
            .post(&p, &[("action", "role"), ("role", "operator")])
            .await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(resp.body.contains("可选的角色"), "{b}");
        assert_eq!(
            user(&app, "expert2@b1.test").await.role,
            Role::Auditor,
            "{b}"
        );
        // the only admin neither steps down nor deactivates themselves
        let (p, _) = role(me.id, "auditor");
        let resp = adm
            .post(&p, &[("action", "role"), ("role", "auditor")])
            .await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{b}");
        assert!(resp.body.contains("唯一在用的机构管理员"), "{b}");
        let resp = adm.post(&p, &[("action", "deactivate")]).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{b}");
        assert_eq!(
            user(&app, "admin@b1.test").await.role,
            Role::BodyAdmin,
            "{b}"
        );
        // with a second admin, they may
        adm.post(
            &format!("/admin/staff/{}", decider.id),
            &[("action", "role"), ("role", "body_admin")],
        )
        .await;
        let resp = adm
            .post(&p, &[("action", "role"), ("role", "auditor")])
            .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{b}");
        assert_eq!(user(&app, "admin@b1.test").await.role, Role::Auditor, "{b}");
        let mut sys = app.browser();
        sys.login("sys@t.test", PW).await;
        let log = sys.get("/audit?action=change_role").await.body;
        assert!(log.contains("角色：评价专家 → 审核员"), "{b}");
        assert!(log.contains("角色：机构管理员 → 审核员"), "{b}");
        let _ = f;
        app.cleanup().await;
    }
}

#[tokio::test]
async fn only_those_who_manage_an_organisation_change_its_staff() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aud = user(&app, "auditor@b1.test").await;
        let aud2 = user(&app, "auditor@b2.test").await;
        let op = user(&app, "operator@p.test").await;
        let deactivate = [("action", "deactivate")];
        // staff without the admin role, enterprises, operators: as if nobody were there
        for who in [
            "auditor@b1.test",
            "decider@b1.test",
            "a@a.test",
            "operator@p.test",
        ] {
            let mut x = app.browser();
            x.login(who, PW).await;
            let other = if who == "auditor@b1.test" {
                user(&app, "expert1@b1.test").await.id
            } else {
                aud.id
            };
            let r = x.post(&format!("/admin/staff/{other}"), &deactivate).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {who}");
            assert_eq!(
                x.get(&format!("/admin/orgs/{}", f.body_id)).await.status,
                StatusCode::NOT_FOUND,
                "{b} {who}"
            );
        }
        // a body admin: not another body's staff, nor a platform's, nor a missing account
        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        for id in [aud2.id, op.id, 999_999] {
            let r = adm.post(&format!("/admin/staff/{id}"), &deactivate).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {id}");
        }
        assert_eq!(
            adm.get(&format!("/admin/orgs/{}", f.body2_id)).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert_eq!(
            adm.get(&format!("/admin/orgs/{}", f.body_id)).await.status,
            StatusCode::OK,
            "{b}"
        );
        assert_eq!(user(&app, "auditor@b2.test").await.disabled, 0, "{b}");
        // the system administrator manages every organisation's staff, from its page
        let mut sys = app.browser();
        sys.login("sys@t.test", PW).await;
        let page = sys.get("/admin").await;
        assert!(
            page.body
                .contains(&format!("href=\"/admin/orgs/{}\"", f.platform_id)),
            "{b}"
        );
        let page = sys.get(&format!("/admin/orgs/{}", f.platform_id)).await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(page.body.contains("operator@p.test"), "{b}");
        let back = format!("/admin/orgs/{}", f.platform_id);
        let r = sys
            .post(
                &format!("/admin/staff/{}", op.id),
                &[("action", "deactivate"), ("back", back.as_str())],
            )
            .await;
        assert_eq!(r.location(), format!("{back}?done=deactivated"), "{b}");
        assert_eq!(user(&app, "operator@p.test").await.disabled, 1, "{b}");
        // an operator stays an operator; a sysadmin is no organisation's staff
        let r = sys
            .post(
                &format!("/admin/staff/{}", op.id),
                &[("action", "role"), ("role", "auditor")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let me = user(&app, "sys@t.test").await;
        let r = sys
            .post(&format!("/admin/staff/{}", me.id), &deactivate)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        // an open redirect is not followed
        let r = sys
            .post(
                &format!("/admin/staff/{}", op.id),
                &[("action", "reactivate"), ("back", "//evil.example")],
            )
            .await;
        assert_eq!(r.location(), "/?done=reactivated", "{b}");
        app.cleanup().await;
    }
}

/// The invitation link on the page after inviting.
fn link_in(body: &str) -> String {
    let at = body.find("id=\"invite-link\"").expect("the link field");
    let v = body[at..].find("value=\"").unwrap() + at + 7;
    body[v..].chars().take_while(|c| *c != '"').collect()
}

#[tokio::test]
async fn invitations_show_their_full_link_and_can_be_revoked() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let mut adm = app.browser().header("host", "pingjia.test:8080");
        adm.login("admin@b1.test", PW).await;
        let r = adm
            .post(
                "/admin/invite",
                &[
                    ("email", "new@b1.test"),
                    ("name", "New"),
                    ("role", "auditor"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let link = link_in(&r.body);
        assert!(
            link.starts_with("http://pingjia.test:8080/invite/"),
            "{b}: {link}"
        );
        assert!(
            r.body.contains("readonly") && r.body.contains("data-copy=\"invite-link\""),
            "{b}"
        );
        assert!(r.body.contains("<script src=\"/static/copy.js?v="), "{b}");
        let path = link
            .trim_start_matches("http://pingjia.test:8080")
            .to_string();
        let mut newbie = app.browser();
        assert_eq!(newbie.get(&path).await.status, StatusCode::OK, "{b}");

        let inv = repo::invitations_of_org(&app.state.store, f.body_id)
            .await
            .unwrap()[0]
            .clone();
        let revoke = format!("/admin/invitations/{}/revoke", inv.id);
        // not for staff without the admin role, nor another organisation's admin
        let mut aud = app.browser();
        aud.login("auditor@b1.test", PW).await;
        assert_eq!(
            aud.post(&revoke, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let mut ent = app.browser();
        ent.login("a@a.test", PW).await;
        assert_eq!(
            ent.post(&revoke, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let r = adm.post(&revoke, &[("back", "/admin")]).await;
        assert_eq!(r.location(), "/admin?done=revoked", "{b}");
        assert!(
            adm.get("/admin?done=revoked").await.body.contains("已撤销"),
            "{b}"
        );
        assert_eq!(
            newbie.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{b}: revoked link refused"
        );
        let r = newbie
            .post(&path, &[("name", "New"), ("password", PW)])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        assert!(
            repo::user_by_email(&app.state.store, "new@b1.test")
                .await
                .unwrap()
                .is_none(),
            "{b}"
        );
        assert_eq!(
            adm.post(&revoke, &[]).await.status,
            StatusCode::CONFLICT,
            "{b}"
        );
        // an accepted invitation is not revoked: the account is deactivated instead
        let r = adm
            .post(
                "/admin/invite",
                &[
                    ("email", "kept@b1.test"),
                    ("name", "Kept"),
                    ("role", "expert"),
                ],
            )
            .await;
        let path = link_in(&r.body)
            .trim_start_matches("http://pingjia.test:8080")
            .to_string();
        let mut kept = app.browser();
        kept.get(&path).await;
        let r = kept
            .post(&path, &[("name", "Kept"), ("password", PW)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        let inv = repo::invitations_of_org(&app.state.store, f.body_id)
            .await
            .unwrap()[0]
            .clone();
        assert_eq!(inv.email, "kept@b1.test");
        let r = adm
            .post(&format!("/admin/invitations/{}/revoke", inv.id), &[])
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_configured_base_url_makes_the_invitation_link() {
    let apps = apps_with(Arc::new(tianping_app::SystemClock), |c| {
        c.base_url = Some("https://pingjia.example.cn".into());
    })
    .await;
    for app in apps {
        let b = app.backend;
        fixture(&app).await;
        let mut adm = app.browser().header("host", "internal:8080");
        adm.login("admin@b1.test", PW).await;
        let r = adm
            .post(
                "/admin/invite",
                &[("email", "x@b1.test"), ("role", "expert")],
            )
            .await;
        let link = link_in(&r.body);
        assert!(
            link.starts_with("https://pingjia.example.cn/invite/"),
            "{b}: {link}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_deactivated_expert_is_neither_offered_nor_assigned() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let ex = user(&app, "expert2@b1.test").await;
        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        let r = adm
            .post(
                &format!("/admin/staff/{}", ex.id),
                &[("action", "deactivate"), ("back", "/admin")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let mut au = app.browser();
        au.login("auditor@b1.test", PW).await;
        let item = format!("/assessments/{}/items/{}", f.onsite_a, enc(&f.other_item));
        let page = au.get(&item).await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(
            !page.body.contains(&format!("value=\"{}\"", ex.id)),
            "{b}: not offered"
        );
        let r = au
            .post(
                &format!("{item}/experts"),
                &[("expert_id", &ex.id.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: refused");
        app.cleanup().await;
    }
}
