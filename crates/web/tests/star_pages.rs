//! Star-rating cases on the pages, on SQLite and PostgreSQL: the enterprise applies at
//! `/stars/apply` (errors next to the fields), the body types a result while none is linked,
//! a wrong assessment number is refused next to its field, the decider sees the award proposal
//! and a refusal with its clause, a blacklisting without a reason is refused next to the field;
//! the page works for each role with the forms that role may use.

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn star_cases_on_the_pages() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let today = app.state.today().to_string();
        let body = f.body_id.to_string();

        // the enterprise applies: a missing mode is named next to its field
        let mut ent = app.browser();
        ent.login("a@a.test", PW).await;
        assert!(ent.get("/cases").await.body.contains("/stars/apply"), "{b}");
        let r = ent.get("/stars/apply").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("线上自评并现场实地审查"), "{b}");
        let r = ent
            .post("/stars/apply", &[("org_id", &body), ("mode", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("请选择评价方式"), "{b}: {}", r.body);
        let r = ent
            .post("/stars/apply", &[("org_id", &body), ("mode", "online")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let case = r.location();
        let page = ent.get(&case).await.body;
        assert!(
            page.contains("已申请，待评价") && page.contains("☆☆☆☆☆"),
            "{b}"
        );
        assert!(
            !page.contains("form-star_awarded"),
            "{b}: no award form for the enterprise"
        );
        let events = format!("{case}/stars/events");

        // the body's admin: the link form and, nothing linked yet, the typed result
        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        let page = adm.get(&case).await.body;
        assert!(
            page.contains("form-link") && page.contains("form-star_result"),
            "{b}"
        );
        let r = adm
            .post(
                &format!("{case}/stars/results"),
                &[("assessment", "999999"), ("date", &today)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.body.contains("不存在或不是本企业的评价"),
            "{b}: {}",
            r.body
        );
        let r = adm
            .post(
                &events,
                &[
                    ("type", "star_result"),
                    ("date", &today),
                    ("mode", "online"),
                    ("stars", "3"),
                    ("dims", "企业信用=x"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("无法识别"), "{b}: {}", r.body);
        let r = adm
            .post(
                &events,
                &[
                    ("type", "star_result"),
                    ("date", &today),
                    ("mode", "online"),
                    ("stars", "3"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);

        // the decider: the proposal, a refusal with its clause, and the award
        let mut dec = app.browser();
        dec.login("decider@b1.test", PW).await;
        let page = dec.get(&case).await.body;
        assert!(page.contains("按规则今天最高可授予"), "{b}");
        assert!(page.contains("为什么不能更高"), "{b}");
        let r = dec
            .post(
                &events,
                &[("type", "star_awarded"), ("date", &today), ("stars", "2")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.body.contains("不符合星级评价规则") && r.body.contains("star_first_award"),
            "{b}: {}",
            r.body
        );
        let r = dec
            .post(
                &events,
                &[("type", "star_awarded"), ("date", &today), ("stars", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let page = dec.get(&r.location()).await.body;
        assert!(page.contains("已记录") && page.contains("★☆☆☆☆"), "{b}");
        // a blacklisting needs a reason, said next to the field
        let r = dec
            .post(
                &events,
                &[("type", "blacklisted"), ("date", &today), ("reason", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("请填写原因"), "{b}: {}", r.body);
        // the decider cannot record a supervision (403)
        let r = dec
            .post(
                &events,
                &[
                    ("type", "supervision_completed"),
                    ("date", &today),
                    ("stars", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        // in English
        dec.get("/lang/en?back=/").await;
        let page = dec.get(&case).await.body;
        assert!(
            page.contains("awarded 1 star") && page.contains("Comprehensive stars"),
            "{b}"
        );
        // another enterprise does not see the case
        let mut other = app.browser();
        other.login("b@b.test", PW).await;
        assert_eq!(other.get(&case).await.status, StatusCode::NOT_FOUND, "{b}");
        app.cleanup().await;
    }
}

/// The demo's star cases (imported histories) open on the stars page for the body's admin and
/// the decider gets the award proposal where one is due.
#[tokio::test]
async fn the_demos_star_cases_render() {
    for app in apps().await {
        let b = app.backend;
        assert!(tianping_app::demo::seed(&app.state).await.unwrap(), "{b}");
        let admin = tianping_store::repo::user_by_email(&app.state.store, "admin@body.demo")
            .await
            .unwrap()
            .unwrap();
        let cases = tianping_app::star_cases::list(&app.state, &admin)
            .await
            .unwrap();
        assert_eq!(cases.len(), 2, "{b}");
        let mut br = app.browser();
        br.login("admin@body.demo", tianping_app::demo::PASSWORD)
            .await;
        for c in &cases {
            let r = br.get(&format!("/cases/{}", c.id)).await;
            assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
            assert!(r.body.contains("综合星级") && r.body.contains("☆"), "{b}");
            if c.state == "blacklisted" {
                assert!(r.body.contains("列入黑名单（"), "{b}");
            } else {
                assert!(r.body.contains("年度监督审查"), "{b}");
            }
        }
        app.cleanup().await;
    }
}
