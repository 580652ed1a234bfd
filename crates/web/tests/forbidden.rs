//! Objects a caller may not see answer 404 exactly like missing ones, in pages and API,
//! on SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tianping_store::repo;

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
