//! Every page route answers for a user allowed to use it, on SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use tianping_store::repo;

#[tokio::test]
async fn every_page_route_answers_for_an_allowed_user() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let mut anon = app.browser();
        for p in ["/", "/login", "/signup", "/api/v1/openapi.json"] {
            assert_eq!(anon.get(p).await.status, StatusCode::OK, "{b} {p}");
        }
        assert_eq!(
            anon.get("/lang/en?back=/login").await.status,
            StatusCode::SEE_OTHER
        );
        assert!(
            anon.get("/login").await.body.contains("Sign in"),
            "{b}: English switch"
        );
        anon.get("/lang/zh?back=/").await;
        for p in [
            "/enterprises",
            "/assessments",
            "/account",
            "/admin",
            "/cases",
            "/due",
        ] {
            let r = anon.get(p).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{b} {p}");
            assert!(r.location().starts_with("/login?next="), "{b} {p}");
        }
        // enterprise member
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let item = enc(&f.item);
        for p in [
            "/".to_string(),
            "/enterprises".into(),
            format!("/enterprises/{}", f.ent_a),
            "/assessments".into(),
            format!(
                "/assessments/new?enterprise={}&scheme=t11-aii-001-2020",
                f.ent_a
            ),
            format!("/assessments/{}", f.self_a),
            format!("/assessments/{}?table=%E8%A1%A8A.1", f.self_a),
            format!("/assessments/{}/items/{}", f.self_a, item),
            format!("/assessments/{}/result", f.self_a),
            format!("/assessments/{}/history", f.self_a),
            format!("/assessments/{}", f.star_a),
            "/account".into(),
            "/cases".into(),
            "/cases/apply".into(),
        ] {
            let r = a.get(&p).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{b} {p}: {}",
                &r.body[..r.body.len().min(300)]
            );
        }
        // the star scheme's item page shows the 表4 bands and the answer source
        let star_scheme = app.state.catalog.get("t11-aii-001-2020").unwrap();
        let plan = tianping_core::Plan::new(star_scheme, Some("tech-service"), None).unwrap();
        let star_item = plan.leaves[0].ind.id.clone();
        let r = a
            .get(&format!(
                "/assessments/{}/items/{}",
                f.star_a,
                enc(&star_item)
            ))
            .await;
        assert!(
            r.body.contains("表4") && r.body.contains(r#"name="source""#),
            "{b}"
        );
        // a self-declared 000 answer is kept but does not count until verified (I-6)
        let r = a
            .post(
                &format!("/assessments/{}/items/{}/answer", f.star_a, enc(&star_item)),
                &[("value", "90"), ("source", "self")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let res = a.get(&format!("/assessments/{}/result", f.star_a)).await;
        assert!(res.body.contains("未经核验"), "{b}");
        // third-party data needs evidence first
        let r = a
            .post(
                &format!("/assessments/{}/items/{}/answer", f.star_a, enc(&star_item)),
                &[("value", "90"), ("source", "third_party")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("证据"), "{b}");
        // sites
        let r = a
            .post(
                &format!("/enterprises/{}/sites", f.ent_a),
                &[("name", "二厂"), ("address", "x"), ("headcount", "30")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        let r = a
            .post(
                &format!("/enterprises/{}/sites", f.ent_a),
                &[("name", ""), ("headcount", "-1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.body.contains("<details open>") && r.body.contains("场所人数"),
            "{b}: site error shown in the site form"
        );
        let site = repo::sites(&app.state.store, f.ent_a).await.unwrap()[0].id;
        let r = a
            .post(
                &format!("/enterprises/{}/sites/{}/delete", f.ent_a, site),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        // edit the record: an invalid industry code keeps the input and names the field
        let r = a
            .post(
                &format!("/enterprises/{}", f.ent_a),
                &[
                    ("uscc", &uscc(1)),
                    ("name", "Enterprise A2"),
                    ("industry_code", "ZZ9"),
                    ("headcount", "5"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.body.contains("Enterprise A2") && r.body.contains("GB/T 4754"),
            "{b}"
        );
        let r = a
            .post(
                &format!("/enterprises/{}", f.ent_a),
                &[
                    ("uscc", &uscc(1)),
                    ("name", "Enterprise A2"),
                    ("industry_code", "I6510"),
                    ("headcount", "5"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let r = a
            .post(
                &format!("/enterprises/{}/engage", f.ent_a),
                &[("org_id", &f.body2_id.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        // evidence: type and size limits, then a good upload and its download
        let ev_path = format!("/assessments/{}/items/{}/evidence", f.self_a, item);
        let r = a.upload(&ev_path, "x.exe", b"MZ....").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("不接受"), "{b}");
        let r = a.upload(&ev_path, "fake.pdf", b"not a pdf").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let big = vec![b'a'; 70 * 1024];
        let r = a.upload(&ev_path, "big.txt", &big).await;
        assert!(
            r.status == StatusCode::UNPROCESSABLE_ENTITY
                || r.status == StatusCode::PAYLOAD_TOO_LARGE,
            "{b}: {}",
            r.status
        );
        let r = a.upload(&ev_path, "report.pdf", b"%PDF-1.4 evidence").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let ev = repo::evidence_of(&app.state.store, f.self_a).await.unwrap();
        assert_eq!(ev.len(), 1);
        assert_eq!(
            ev[0].sha256,
            tianping_store::sha256_hex(b"%PDF-1.4 evidence"),
            "stored by content hash"
        );
        let r = a.get(&format!("/evidence/{}", ev[0].id)).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert_eq!(r.bytes, b"%PDF-1.4 evidence");
        assert_eq!(r.content_type(), "application/pdf");
        // API token from the account page
        let r = a.post("/account/tokens", &[("name", "mine")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        assert!(r.location().contains("token=tp_"), "{b}");
        // body admin: administration and invitations
        let mut adm = app.browser();
        adm.login("admin@b1.test", PW).await;
        assert_eq!(adm.get("/admin").await.status, StatusCode::OK, "{b}");
        for p in ["/cases", "/cases/import", "/due", "/due?as_of=2030-01-01"] {
            assert_eq!(adm.get(p).await.status, StatusCode::OK, "{b} {p}");
        }
        let r = adm
            .post(
                "/admin/invite",
                &[("email", "not-an-email"), ("role", "expert")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("not-an-email"), "{b}");
        let r = adm
            .post(
                "/admin/invite",
                &[
                    ("email", "new.expert@b1.test"),
                    ("name", "New Expert"),
                    ("role", "expert"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let link_at = r.body.find("/invite/").unwrap();
        let link: String = r.body[link_at..]
            .chars()
            .take_while(|c| *c != '<' && *c != '"')
            .collect();
        let mut newbie = app.browser();
        assert_eq!(newbie.get(&link).await.status, StatusCode::OK, "{b}");
        let r = newbie
            .post(&link, &[("name", "New Expert"), ("password", "short")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let r = newbie
            .post(&link, &[("name", "New Expert"), ("password", PW)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert_eq!(
            newbie.get(&link).await.status,
            StatusCode::NOT_FOUND,
            "{b}: one-time link"
        );
        let u = repo::user_by_email(&app.state.store, "new.expert@b1.test")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((u.role.as_str(), u.org_id), ("expert", Some(f.body_id)));
        // auditor: on-site assessment, expert assignment and removal, registering a client
        let mut aud = app.browser();
        aud.login("auditor@b1.test", PW).await;
        for p in [
            format!("/assessments/{}", f.onsite_a),
            format!("/assessments/{}/items/{}", f.onsite_a, item),
            format!("/assessments/{}/questionnaires", f.onsite_a),
            "/enterprises/new".to_string(),
        ] {
            assert_eq!(aud.get(&p).await.status, StatusCode::OK, "{b} {p}");
        }
        let r = aud
            .post(
                &format!(
                    "/assessments/{}/items/{}/experts",
                    f.onsite_a,
                    enc(&f.other_item)
                ),
                &[("expert_id", &u.id.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let r = aud
            .post(
                &format!(
                    "/assessments/{}/items/{}/experts",
                    f.onsite_a,
                    enc(&f.other_item)
                ),
                &[("expert_id", &u.id.to_string()), ("remove", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        let r = aud
            .post(
                "/enterprises/new",
                &[
                    ("uscc", &uscc(9)),
                    ("name", "Client C"),
                    ("industry_code", "F5211"),
                    ("headcount", "8"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let r = aud
            .post(
                "/enterprises/new",
                &[("uscc", &uscc(9)), ("name", "Client C again")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: duplicate USCC"
        );
        assert!(r.body.contains("已登记"), "{b}");
        // expert: the assigned item only
        let mut ex = app.browser();
        ex.login("expert1@b1.test", PW).await;
        let r = ex.get(&format!("/assessments/{}", f.onsite_a)).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            r.body.contains(&format!("ind-{}", f.item))
                && !r.body.contains(&format!("ind-{}\"", f.other_item)),
            "{b}"
        );
        let r = ex
            .post(
                &format!("/assessments/{}/items/{}/answer", f.onsite_a, item),
                &[("value", "1"), ("note", "expert view")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let ans = repo::answers(&app.state.store, f.onsite_a).await.unwrap();
        assert!(
            ans.iter().any(|x| x.indicator_id == f.item
                && x.value_json.as_deref() == Some(r#"{"experts":[1.0]}"#)),
            "{b}: {:?}",
            ans
        );
        // sysadmin: administration, organisations, audit log
        let mut sys = app.browser();
        sys.login("sys@t.test", PW).await;
        assert_eq!(sys.get("/admin").await.status, StatusCode::OK, "{b}");
        let r = sys
            .post(
                "/admin/orgs",
                &[("kind", "platform"), ("name", "Second platform")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        assert_eq!(sys.get("/audit").await.status, StatusCode::OK, "{b}");
        let r = sys.get("/audit/verify").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("哈希链完整"), "{b}");
        app.cleanup().await;
    }
}
