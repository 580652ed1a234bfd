//! HTTP tests of the pages and the API, run against SQLite and (when TEST_DATABASE_URL is
//! set) PostgreSQL: the same behaviour on both.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tianping_store::repo;

#[tokio::test]
async fn enterprise_signs_up_self_assesses_and_sees_the_grade() {
    for app in apps().await {
        let b = app.backend;
        let mut br = app.browser();
        let r = br.get("/signup").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            br.cookies.contains_key("tp_csrf"),
            "{b}: anonymous CSRF cookie"
        );
        // a wrong code: the form comes back with what was typed and the message next to the field
        let bad = uscc(7).replacen('9', "8", 1);
        let r = br
            .post(
                "/signup",
                &[
                    ("email", "boss@new.test"),
                    ("user_name", "王总"),
                    ("password", PW),
                    ("uscc", &bad),
                    ("name", "新企业有限公司"),
                    ("industry_code", "C3511"),
                    ("headcount", "12"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.body.contains("新企业有限公司") && r.body.contains("boss@new.test"),
            "{b}: input kept"
        );
        assert!(
            r.body.contains(r#"id="f-uscc""#) && r.body.contains("class=\"err\""),
            "{b}: error shown"
        );
        let uscc_err = r.body.find(r#"id="f-uscc""#).unwrap();
        let err_at = r.body[uscc_err..].find("class=\"err\"").unwrap();
        assert!(err_at < 600, "{b}: the error is next to the USCC field");
        // CSRF is required
        let r = br
            .post("/signup", &[("csrf", "nope"), ("email", "x@x.test")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        // now a good sign-up, suggested category from the industry code
        let r = br
            .post(
                "/signup",
                &[
                    ("email", "boss@new.test"),
                    ("user_name", "王总"),
                    ("password", PW),
                    ("uscc", &uscc(7)),
                    ("name", "新企业有限公司"),
                    ("industry_code", "C3511"),
                    ("headcount", "12"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let ent_page = r.location();
        let r = br.get(&ent_page).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            r.body.contains("manufacturing"),
            "{b}: category suggested from C3511"
        );
        let eid: i64 = ent_page
            .trim_start_matches("/enterprises/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        // create a self-assessment in two steps without JavaScript
        let r = br
            .get(&format!(
                "/assessments/new?enterprise={eid}&scheme=t-cic-capability"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let r = br
            .post(
                "/assessments",
                &[
                    ("enterprise_id", &eid.to_string()),
                    ("scheme", "t-cic-capability"),
                    ("title", "自评"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let apath = r.location();
        let aid: i64 = apath.trim_start_matches("/assessments/").parse().unwrap();
        let r = br.get(&apath).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        // answer every item with full marks through the forms
        let scheme = app.state.catalog.get("t-cic-capability").unwrap();
        for i in &scheme.indicators {
            let max = i.points.unwrap();
            let (k, v) = if i.likert {
                ("likert", "5,5,5".to_string())
            } else if i.expert_panel {
                ("experts", format!("{max},{max},{max}"))
            } else {
                ("value", max.to_string())
            };
            let r = br
                .post(
                    &format!("/assessments/{aid}/items/{}/answer", enc(&i.id)),
                    &[(k, &v), ("note", "ok")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{b} {}: {}", i.id, r.body);
        }
        let r = br.get(&apath).await;
        assert!(
            r.body.contains(r#"data-testid="grade""#) && r.body.contains("一级"),
            "{b}: grade shown live"
        );
        // a bad answer comes back with the message next to the field and the typed value
        let first = &scheme
            .indicators
            .iter()
            .find(|i| !i.likert && !i.expert_panel)
            .unwrap()
            .id;
        let r = br
            .post(
                &format!("/assessments/{aid}/items/{}/answer", enc(first)),
                &[("value", "999"), ("note", "typed note")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.body.contains("999") && r.body.contains("typed note") && r.body.contains("超出范围"),
            "{b}"
        );
        // submit and lock; the result page explains the grade
        let r = br.post(&format!("/assessments/{aid}/submit"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        let r = br.get(&format!("/assessments/{aid}/result")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            r.body.contains("一级") && r.body.contains("tianping-engine"),
            "{b}"
        );
        let r = br
            .post(
                &format!("/assessments/{aid}/items/{}/answer", enc(first)),
                &[("value", "1")],
            )
            .await;
        assert!(r.body.contains("锁定"), "{b}: locked after submission");
        let a = repo::get_assessment(&app.state.store, aid)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(a.status, "submitted");
        assert_eq!(a.grade.as_deref(), Some("一级"));
        assert_eq!(
            a.engine_version.as_deref(),
            Some(tianping_core::ENGINE_VERSION)
        );
        assert_eq!(a.scheme_version.as_deref(), Some(scheme.version.as_str()));
        // history and versions: the bad answer was not saved; every save was
        let vs = repo::answer_versions(&app.state.store, aid, None)
            .await
            .unwrap();
        assert_eq!(vs.len(), scheme.indicators.len(), "{b}");
        assert_eq!(
            br.get(&format!("/assessments/{aid}/history")).await.status,
            StatusCode::OK
        );
        // the log verifies and the result re-scores identically
        assert!(
            tianping_store::audit::verify(&app.state.store)
                .await
                .unwrap()
                .ok(),
            "{b}"
        );
        let rep = tianping_app::rescore::rescore(&app.state, true)
            .await
            .unwrap();
        assert!(rep.differences.is_empty(), "{b}: {:?}", rep.differences);
        // sign out
        let r = br.post("/logout", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            br.get(&apath).await.status,
            StatusCode::SEE_OTHER,
            "{b}: signed out → login"
        );
        app.cleanup().await;
    }
}

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
        for p in ["/enterprises", "/assessments", "/account", "/admin"] {
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
            .take_while(|c| *c != '<')
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
        let r = sys.get("/audit").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("哈希链完整"), "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn forbidden_objects_are_not_found_in_pages_and_api() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let missing = 999_999;
        let item = enc(&f.item);
        // enterprise A looks at B's things
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let u2 = uscc(2);
        let not_found_body = a.get(&format!("/assessments/{missing}")).await.body;
        for p in [
            format!("/enterprises/{}", f.ent_b),
            format!("/assessments/{}", f.self_b),
            format!("/assessments/{}/result", f.self_b),
            format!("/assessments/{}/history", f.self_b),
            format!("/assessments/{}/items/{}", f.self_b, item),
            format!("/enterprises/{missing}"),
            "/admin".into(),
            "/audit".into(),
        ] {
            let r = a.get(&p).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} GET {p}");
        }
        assert_eq!(
            a.get(&format!("/assessments/{}", f.self_b)).await.body,
            not_found_body,
            "{b}: same answer as a missing id"
        );
        for (p, fields) in [
            (
                format!("/assessments/{}/items/{}/answer", f.self_b, item),
                vec![("value", "1")],
            ),
            (format!("/assessments/{}/submit", f.self_b), vec![]),
            (
                format!("/enterprises/{}", f.ent_b),
                vec![("uscc", u2.as_str()), ("name", "x")],
            ),
            (
                format!("/enterprises/{}/sites", f.ent_b),
                vec![("name", "x"), ("headcount", "1")],
            ),
            (
                format!("/enterprises/{}/engage", f.ent_b),
                vec![("org_id", "1")],
            ),
            (
                format!("/assessments/{}/items/{}/experts", f.onsite_a, item),
                vec![("expert_id", "1")],
            ),
        ] {
            let r = a.post(&p, &fields).await;
            assert!(
                r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
                "{b} POST {p}: {}",
                r.status
            );
            if p.contains(&format!("/{}", f.self_b))
                || p.contains(&format!("enterprises/{}", f.ent_b))
            {
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} POST {p}");
            }
        }
        let r = a
            .upload(
                &format!("/assessments/{}/items/{}/evidence", f.self_b, item),
                "r.pdf",
                b"%PDF-1",
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        // B's evidence is not served to A, nor to the body (B is not its client), nor to experts
        let mut bb = app.browser();
        bb.login("b@b.test", PW).await;
        let r = bb
            .upload(
                &format!("/assessments/{}/items/{}/evidence", f.self_b, item),
                "secret.pdf",
                b"%PDF-secret",
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        let ev = repo::evidence_of(&app.state.store, f.self_b).await.unwrap()[0].id;
        assert_eq!(
            bb.get(&format!("/evidence/{ev}")).await.status,
            StatusCode::OK
        );
        assert_eq!(
            a.get(&format!("/evidence/{ev}")).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let mut aud = app.browser();
        aud.login("auditor@b1.test", PW).await;
        assert_eq!(
            aud.get(&format!("/evidence/{ev}")).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        // the body sees its client A, not B; another body sees neither
        assert_eq!(
            aud.get(&format!("/enterprises/{}", f.ent_a)).await.status,
            StatusCode::OK,
            "{b}"
        );
        assert_eq!(
            aud.get(&format!("/enterprises/{}", f.ent_b)).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert_eq!(
            aud.get(&format!("/assessments/{}", f.self_a)).await.status,
            StatusCode::OK,
            "{b}: client's self-assessment"
        );
        assert_eq!(
            aud.get(&format!("/assessments/{}", f.self_b)).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        // …and can read but not answer the client's own self-assessment: a permission
        // refusal (403, with its reason on the item page), not invalid input (422)
        let r = aud
            .post(
                &format!("/assessments/{}/items/{}/answer", f.self_a, item),
                &[("value", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        assert!(r.body.contains("不能作答"), "{b}");
        let mut aud2 = app.browser();
        aud2.login("auditor@b2.test", PW).await;
        for p in [
            format!("/enterprises/{}", f.ent_a),
            format!("/assessments/{}", f.onsite_a),
            format!("/assessments/{}", f.self_a),
        ] {
            assert_eq!(
                aud2.get(&p).await.status,
                StatusCode::NOT_FOUND,
                "{b} body2 {p}"
            );
        }
        // the expert sees only the assigned item of the on-site assessment, nothing else
        let mut ex = app.browser();
        ex.login("expert1@b1.test", PW).await;
        for p in [
            format!("/assessments/{}/items/{}", f.onsite_a, enc(&f.other_item)),
            format!("/assessments/{}/result", f.onsite_a),
            format!("/assessments/{}/history", f.onsite_a),
            format!("/assessments/{}", f.self_a),
            format!("/enterprises/{}", f.ent_a),
        ] {
            assert_eq!(
                ex.get(&p).await.status,
                StatusCode::NOT_FOUND,
                "{b} expert {p}"
            );
        }
        let r = ex
            .post(
                &format!(
                    "/assessments/{}/items/{}/answer",
                    f.onsite_a,
                    enc(&f.other_item)
                ),
                &[("value", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let mut ex2 = app.browser();
        ex2.login("expert2@b1.test", PW).await;
        assert_eq!(
            ex2.get(&format!("/assessments/{}", f.onsite_a))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{b}: unassigned expert"
        );
        // the decider reads but does not answer or submit
        let mut dec = app.browser();
        dec.login("decider@b1.test", PW).await;
        assert_eq!(
            dec.get(&format!("/assessments/{}", f.onsite_a))
                .await
                .status,
            StatusCode::OK,
            "{b}"
        );
        let r = dec
            .post(&format!("/assessments/{}/submit", f.onsite_a), &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        // the enterprise can read the body's on-site assessment of it but not change it
        let r = a
            .post(&format!("/assessments/{}/submit", f.onsite_a), &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        // enterprise members cannot invite or administer
        assert_eq!(
            a.post(
                "/admin/invite",
                &[("email", "x@y.test"), ("role", "expert")]
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert_eq!(
            aud.post("/admin/orgs", &[("kind", "body"), ("name", "x")])
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{b}"
        );

        // the same through the API
        let ta = token(&app, "a@a.test").await;
        let api = app.api(&ta);
        let nf = api.get(&format!("/assessments/{missing}")).await;
        assert_eq!(nf.status, StatusCode::NOT_FOUND);
        assert_eq!(nf.content_type(), "application/problem+json");
        for p in [
            format!("/enterprises/{}", f.ent_b),
            format!("/assessments/{}", f.self_b),
            format!("/assessments/{}/answers", f.self_b),
            format!("/assessments/{}/result", f.self_b),
            format!("/assessments/{}/template", f.self_b),
        ] {
            let r = api.get(&p).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} API {p}");
            assert_eq!(
                r.body, nf.body,
                "{b} API {p}: indistinguishable from a missing id"
            );
        }
        let r = api
            .put(
                &format!("/assessments/{}/answers/{}", f.self_b, item),
                json!({"value": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = api
            .put(
                &format!("/enterprises/{}", f.ent_b),
                json!({"uscc": uscc(2), "name": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = api
            .post(&format!("/assessments/{}/submit", f.self_b), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = api
            .post(
                "/assessments",
                json!({"enterprise_id": f.ent_b, "scheme": "t-cic-capability"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(r.json()["errors"][0]["field"], "enterprise_id");
        let lst = api.get("/enterprises").await.json();
        assert_eq!(lst["total"], 1, "{b}: only its own enterprise");
        let te = token(&app, "expert1@b1.test").await;
        let eapi = app.api(&te);
        let r = eapi
            .get(&format!("/assessments/{}/answers", f.onsite_a))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let r = eapi
            .get(&format!("/assessments/{}/template", f.onsite_a))
            .await
            .json();
        assert_eq!(
            r["indicators"].as_array().unwrap().len(),
            1,
            "{b}: expert template has the assigned item only"
        );
        assert_eq!(
            eapi.get(&format!("/assessments/{}/result", f.onsite_a))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let r = eapi
            .put(
                &format!("/assessments/{}/answers/{}", f.onsite_a, enc(&f.other_item)),
                json!({"value": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let lst = eapi.get("/assessments").await.json();
        assert_eq!(lst["total"], 1, "{b}");
        // no token, bad token
        assert_eq!(
            app.api("").get("/enterprises").await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.api("tp_bad").get("/me").await.status,
            StatusCode::UNAUTHORIZED
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn api_flow_problems_pagination_experts_and_platform_data() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let api = app.api(&token(&app, "a@a.test").await);
        let me = api.get("/me").await.json();
        assert_eq!(me["role"], "enterprise");
        assert!(me.get("password_hash").is_none());
        assert_eq!(
            api.get("/schemes").await.json().as_array().unwrap().len(),
            5
        );
        // pagination
        let r = api.get("/assessments?per_page=1&page=2").await.json();
        assert_eq!(
            (
                r["per_page"].as_i64(),
                r["page"].as_i64(),
                r["total"].as_i64()
            ),
            (Some(1), Some(2), Some(3)),
            "{b}"
        );
        assert_eq!(r["items"].as_array().unwrap().len(), 1);
        let r = api.get("/assessments?per_page=1000").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["errors"][0]["field"], "per_page");
        // create through the API; bad variant names the field
        let r = api.post("/assessments", json!({"enterprise_id": f.ent_a, "scheme": "t-sdditai-5121-2023", "variant": "nope"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(r.content_type(), "application/problem+json");
        assert_eq!(r.json()["errors"][0]["field"], "variant");
        let r = api.post("/assessments", json!({"enterprise_id": f.ent_a, "scheme": "t-sdditai-5121-2023", "variant": "manufacturing", "bogus": 1})).await;
        assert_eq!(r.json()["errors"][0]["field"], "bogus");
        let r = api.post("/assessments", json!({"enterprise_id": f.ent_a, "scheme": "t-sdditai-5121-2023", "variant": "manufacturing"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let aid = r.json()["id"].as_i64().unwrap();
        let t = api
            .get(&format!("/assessments/{aid}/template"))
            .await
            .json();
        let ids: Vec<String> = t["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        assert!(t["indicators"][0]["levels"].as_array().unwrap().len() == 5);
        // answers: a bad level names the field, a good one returns the live total
        let r = api
            .put(
                &format!("/assessments/{aid}/answers/{}", enc(&ids[0])),
                json!({"value": 7}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["errors"][0]["field"], "value");
        assert!(r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("等级"));
        let r = api
            .put(
                &format!("/assessments/{aid}/answers/{}", enc(&ids[0])),
                json!({"value": 5, "extra": 1}),
            )
            .await;
        assert_eq!(r.json()["errors"][0]["field"], "extra");
        let r = api
            .put(
                &format!("/assessments/{aid}/answers/nope"),
                json!({"value": 5}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let mut last = json!(null);
        for id in &ids {
            let r = api
                .put(
                    &format!("/assessments/{aid}/answers/{}", enc(id)),
                    json!({"value": 5, "note": "api"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
            last = r.json();
        }
        assert_eq!(last["grade"], "5", "{b}: {last}");
        assert_eq!(last["revision"].as_i64(), Some(ids.len() as i64));
        let res = api.get(&format!("/assessments/{aid}/result")).await.json();
        assert_eq!(res["grade"], "5");
        assert_eq!(res["engine_version"], tianping_core::ENGINE_VERSION);
        assert_eq!(
            res["result"]["evaluation"]["total"]["score"].as_f64(),
            Some(100.0)
        );
        // clear an answer (null), then submit and lock
        let r = api
            .put(
                &format!("/assessments/{aid}/answers/{}", enc(&ids[0])),
                json!({"value": null}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = api
            .post(&format!("/assessments/{aid}/submit"), json!({}))
            .await;
        assert_eq!(r.json()["status"], "submitted");
        let r = api
            .put(
                &format!("/assessments/{aid}/answers/{}", enc(&ids[0])),
                json!({"value": 5}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        assert_eq!(
            api.post(&format!("/assessments/{aid}/submit"), json!({}))
                .await
                .status,
            StatusCode::CONFLICT
        );
        // enterprise update through the API: a bad USCC names the field
        let r = api
            .put(
                &format!("/enterprises/{}", f.ent_a),
                json!({"uscc": "123", "name": "A"}),
            )
            .await;
        assert_eq!(r.json()["errors"][0]["field"], "uscc");
        let r = api
            .put(
                &format!("/enterprises/{}", f.ent_a),
                json!({"uscc": uscc(1), "name": "A", "headcount": 42, "industry_code": "I6510"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["headcount"], 42);
        assert_eq!(r.json()["suggested_category"], "producer-services");
        // enterprises cannot register other enterprises through the API
        let r = api
            .post("/enterprises", json!({"uscc": uscc(30), "name": "X"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // the body registers a client through the API
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        let r = aud
            .post(
                "/enterprises",
                json!({"uscc": uscc(31), "name": "Client", "headcount": "12"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        // expert panel: three assigned experts score an expert-panel item; the answer is their mean
        let scheme = app.state.catalog.get("t-cic-capability").unwrap();
        let panel = scheme.indicators.iter().find(|i| i.expert_panel).unwrap();
        let auditor = repo::user_by_email(&app.state.store, "auditor@b1.test")
            .await
            .unwrap()
            .unwrap();
        let mut tx = app.state.store.begin().await.unwrap();
        let hash = tianping_app::accounts::hash_password(PW).unwrap();
        repo::create_user(
            &mut tx,
            &repo::NewUser {
                email: "expert3@b1.test",
                name: "E3",
                password_hash: &hash,
                role: tianping_app::domain::Role::Expert,
                org_id: Some(f.body_id),
                enterprise_id: None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut scores = Vec::new();
        for (k, e) in ["expert1@b1.test", "expert2@b1.test", "expert3@b1.test"]
            .iter()
            .enumerate()
        {
            let u = repo::user_by_email(&app.state.store, e)
                .await
                .unwrap()
                .unwrap();
            tianping_app::answers::assign_expert(
                &app.state, &auditor, f.onsite_a, &panel.id, u.id, false,
            )
            .await
            .unwrap();
            let ex = app.api(&token(&app, e).await);
            let v = panel.points.unwrap() - k as f64 * 0.5;
            scores.push(v);
            let r = ex
                .put(
                    &format!("/assessments/{}/answers/{}", f.onsite_a, enc(&panel.id)),
                    json!({"value": v}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
            assert_eq!(r.json()["experts_scored"], k + 1);
            assert!(
                r.json()["score"].is_null(),
                "{b}: experts do not see the total"
            );
        }
        let ans = aud
            .get(&format!("/assessments/{}/answers", f.onsite_a))
            .await
            .json();
        let row = ans["answers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"] == panel.id.as_str())
            .unwrap()
            .clone();
        assert_eq!(
            row["value"]["experts"].as_array().unwrap().len(),
            3,
            "{b}: {row}"
        );
        // platform operator: only 线上 items of 000 self-assessments of enterprises that authorised it
        let op = app.api(&token(&app, "operator@p.test").await);
        let star = app.state.catalog.get("t11-aii-001-2020").unwrap();
        let plan = tianping_core::Plan::new(star, Some("tech-service"), None).unwrap();
        let online = plan
            .leaves
            .iter()
            .find(|l| l.ind.category == Some(tianping_core::Category::Online))
            .unwrap()
            .ind
            .id
            .clone();
        let offline = plan
            .leaves
            .iter()
            .find(|l| l.ind.category == Some(tianping_core::Category::Offline))
            .unwrap()
            .ind
            .id
            .clone();
        let r = op
            .put(
                &format!("/assessments/{}/answers/{}", f.star_a, enc(&online)),
                json!({"value": 80}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["value"]["source"], "platform");
        assert_eq!(r.json()["value"]["verified"], true);
        let r = op
            .put(
                &format!("/assessments/{}/answers/{}", f.star_a, enc(&offline)),
                json!({"value": 80}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        assert_eq!(
            op.get(&format!("/assessments/{}", f.self_b)).await.status,
            StatusCode::NOT_FOUND
        );
        // the enterprise's own 000 answer: self-declared and unverified however it is sent
        let r = api
            .put(
                &format!("/assessments/{}/answers/{}", f.star_a, enc(&offline)),
                json!({"value": {"value": 70, "source": "self", "verified": true}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(
            r.json()["value"]["verified"],
            false,
            "{b}: an enterprise cannot verify its own answer"
        );
        let r = api
            .put(
                &format!("/assessments/{}/answers/{}", f.star_a, enc(&offline)),
                json!({"value": 70, "source": "onsite"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["errors"][0]["field"], "source");
        let res = api
            .get(&format!("/assessments/{}/result", f.star_a))
            .await
            .json();
        assert!(res["result"]["granted"]["stars"].is_number(), "{b}: {res}");
        // OpenAPI document
        let doc = app.api("").get("/openapi.json").await.json();
        assert_eq!(doc["openapi"], "3.1.0");
        for p in [
            "/enterprises",
            "/assessments/{id}/answers/{indicator}",
            "/assessments/{id}/result",
        ] {
            assert!(doc["paths"][p].is_object(), "{p}");
        }
        // throttled after repeated failures, even with the right password afterwards
        for _ in 0..5 {
            let r = app
                .api("")
                .post(
                    "/tokens",
                    json!({"email": "b@b.test", "password": "wrong-password"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let r = app
            .api("")
            .post("/tokens", json!({"email": "b@b.test", "password": PW}))
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        let mut br = app.browser();
        br.get("/login").await;
        let r = br
            .post("/login", &[("email", "b@b.test"), ("password", PW)])
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert!(
            r.body.contains("b@b.test"),
            "{b}: the form keeps the address"
        );
        // the whole history is in the audit log and verifies
        let rep = tianping_store::audit::verify(&app.state.store)
            .await
            .unwrap();
        assert!(rep.ok() && rep.entries > 20, "{b}: {:?}", rep);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn demo_seeds_every_scheme_and_rescoring_finds_no_difference() {
    for app in apps().await {
        let b = app.backend;
        assert!(tianping_app::demo::seed(&app.state).await.unwrap(), "{b}");
        assert!(
            !tianping_app::demo::seed(&app.state).await.unwrap(),
            "{b}: idempotent"
        );
        let (all, n) = repo::list_assessments(&app.state.store, repo::Scope::All, None, 100, 0)
            .await
            .unwrap();
        assert!(n >= 10, "{b}");
        for s in &app.state.catalog.schemes {
            assert!(
                all.iter().any(|a| a.scheme == s.id),
                "{b}: demo has {}",
                s.id
            );
        }
        assert!(
            all.iter().any(|a| a.status == "submitted") && all.iter().any(|a| a.status == "draft")
        );
        let mut br = app.browser();
        br.login("xinghe@ent.demo", tianping_app::demo::PASSWORD)
            .await;
        assert_eq!(br.get("/assessments").await.status, StatusCode::OK);
        let rep = tianping_app::rescore::rescore(&app.state, true)
            .await
            .unwrap();
        assert_eq!(rep.checked, all.len());
        assert!(rep.differences.is_empty(), "{b}: {:?}", rep.differences);
        // a tampered stored result is reported
        let id = all[0].id;
        tianping_store::sqlx::query("UPDATE assessments SET result_json = REPLACE(result_json, '\"score\":', '\"score\":1') WHERE id = $1")
            .bind(id)
            .execute(&app.state.store.pool)
            .await
            .unwrap();
        let rep = tianping_app::rescore::rescore(&app.state, true)
            .await
            .unwrap();
        assert!(rep.differences.iter().any(|d| d.assessment_id == id), "{b}");
        let rep = tianping_app::rescore::rescore(&app.state, false)
            .await
            .unwrap();
        assert_eq!(rep.updated, 1, "{b}");
        assert!(tianping_app::rescore::rescore(&app.state, true)
            .await
            .unwrap()
            .differences
            .is_empty());
        assert!(tianping_store::audit::verify(&app.state.store)
            .await
            .unwrap()
            .ok());
        app.cleanup().await;
    }
}
