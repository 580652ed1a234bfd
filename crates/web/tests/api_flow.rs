//! The API end to end on SQLite and PostgreSQL: problems, pagination, experts and
//! platform data.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tianping_store::repo;

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
        let raw = api.get(&format!("/assessments/{aid}/result")).await;
        assert_eq!(raw.content_type(), "application/json", "{b}");
        let res = raw.json();
        assert_eq!(res["grade"], "5");
        // the stored result is served as it is stored, byte for byte, with the distances
        // (the saves left the explanation stale: the GET rebuilt it, a task of its own
        // stores it)
        let mut stored = None;
        for _ in 0..200 {
            let a = repo::get_assessment(&app.state.store, aid)
                .await
                .unwrap()
                .unwrap();
            if a.explanation_stale == 0 {
                stored = a.result_json;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let stored = stored.expect("the rebuilt explanation is stored");
        assert!(
            raw.body
                .contains(&format!("\"result\":{stored},\"distances\":[")),
            "{b}"
        );
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
