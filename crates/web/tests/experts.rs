//! The expert panel (I-13) on SQLite and PostgreSQL: an expert-panel item's answer derives
//! only from the experts' own scores, no one's save erases another's value, and experts
//! score independently — only their items, no totals, the others' scores of an item only
//! once they have saved their own.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tianping_app::domain::Role;
use tianping_store::repo::{self, NewUser};

/// The fixture with a third expert of body 1, and all three assigned to the first
/// expert-panel item of the on-site 004 assessment; that item's id.
async fn panel(app: &App, f: &Fixture) -> String {
    let st = &app.state;
    let hash = tianping_app::accounts::hash_password(PW).unwrap();
    let mut tx = st.store.begin().await.unwrap();
    repo::create_user(
        &mut tx,
        &NewUser {
            email: "expert3@b1.test",
            name: "expert3@b1.test",
            password_hash: &hash,
            role: Role::Expert,
            org_id: Some(f.body_id),
            enterprise_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let ind = st
        .catalog
        .get("t-cic-capability")
        .unwrap()
        .indicators
        .iter()
        .find(|i| i.expert_panel)
        .unwrap()
        .id
        .clone();
    let auditor = repo::user_by_email(&st.store, "auditor@b1.test")
        .await
        .unwrap()
        .unwrap();
    for e in ["expert1@b1.test", "expert2@b1.test", "expert3@b1.test"] {
        let ex = repo::user_by_email(&st.store, e).await.unwrap().unwrap();
        tianping_app::answers::assign_expert(st, &auditor, f.onsite_a, &ind, ex.id, false)
            .await
            .unwrap();
    }
    ind
}

#[tokio::test]
async fn panel_items_derive_only_from_the_experts_own_scores() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let ind = panel(&app, &f).await;
        let aid = f.onsite_a;
        let path = format!("/assessments/{aid}/answers/{}", enc(&ind));
        // nobody enters the panel's answer directly
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        let r = aud
            .put(&path, json!({"value": {"experts": [2, 2, 2]}}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        assert!(r.body.contains("专家小组评分项"), "{b}: {}", r.body);
        let mut ab = app.browser();
        ab.login("auditor@b1.test", PW).await;
        let item = format!("/assessments/{aid}/items/{}", enc(&ind));
        let r = ab
            .post(&format!("{item}/answer"), &[("experts", "2,2,2")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        assert!(r.body.contains("专家小组评分项"), "{b}");
        // three experts, each their own score; the answer from the third on
        let mut apis = Vec::new();
        for (k, (e, x)) in [
            ("expert1@b1.test", 2.5),
            ("expert2@b1.test", 2.0),
            ("expert3@b1.test", 1.5),
        ]
        .into_iter()
        .enumerate()
        {
            let api = app.api(&token(&app, e).await);
            let r = api.put(&path, json!({"value": x})).await;
            assert_eq!(r.status, StatusCode::OK, "{b} {e}: {}", r.body);
            assert_eq!(r.json()["experts_scored"], k + 1, "{b}");
            assert_eq!(r.json()["value"].is_null(), k < 2, "{b} {e}: {}", r.body);
            apis.push(api);
        }
        let answer = |rows: &[repo::AnswerRow]| {
            rows.iter()
                .find(|r| r.indicator_id == ind)
                .and_then(|r| r.value_json.clone())
        };
        let rows = repo::answers(&app.state.store, aid).await.unwrap();
        assert_eq!(
            answer(&rows).as_deref(),
            Some(r#"{"experts":[2.5,2.0,1.5]}"#),
            "{b}"
        );
        // an expert withdraws their own score: fewer than three, no answer, the others stay
        let r = apis[0].put(&path, json!({"value": null})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["experts_scored"], 2, "{b}");
        assert!(r.json()["value"].is_null(), "{b}");
        let rows = repo::answers(&app.state.store, aid).await.unwrap();
        assert_eq!(
            answer(&rows),
            None,
            "{b}: no panel answer below three scores"
        );
        let scores: Vec<f64> = repo::expert_scores(&app.state.store, aid)
            .await
            .unwrap()
            .into_iter()
            .filter(|s| s.indicator_id == ind)
            .map(|s| s.value)
            .collect();
        assert_eq!(scores, vec![2.0, 1.5], "{b}: the others' scores are kept");
        // one expert's new score changes only theirs
        let r = apis[1].put(&path, json!({"value": 1.0})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let r = apis[0].put(&path, json!({"value": 2.0})).await;
        assert_eq!(r.json()["experts_scored"], 3, "{b}");
        let rows = repo::answers(&app.state.store, aid).await.unwrap();
        let v: serde_json::Value = serde_json::from_str(&answer(&rows).unwrap()).unwrap();
        let mut got: Vec<f64> = v["experts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        got.sort_by(f64::total_cmp);
        assert_eq!(got, vec![1.0, 1.5, 2.0], "{b}");
        // an item with an assigned expert takes no direct answer either
        let r = aud
            .put(
                &format!("/assessments/{aid}/answers/{}", enc(&f.item)),
                json!({"value": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        assert!(r.body.contains("已指派专家评分"), "{b}: {}", r.body);
        // the enterprise's own self-assessment has no panel: its estimate is its own
        let ent = app.api(&token(&app, "a@a.test").await);
        let r = ent
            .put(
                &format!("/assessments/{}/answers/{}", f.self_a, enc(&ind)),
                json!({"value": {"experts": [2, 2, 2]}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn experts_see_their_items_no_totals_and_others_scores_only_after_their_own() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let ind = panel(&app, &f).await;
        let aid = f.onsite_a;
        let path = format!("/assessments/{aid}/answers/{}", enc(&ind));
        for (e, x) in [("expert1@b1.test", 2.5), ("expert3@b1.test", 0.5)] {
            let r = app
                .api(&token(&app, e).await)
                .put(&path, json!({"value": x}))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{b}");
        }
        let ex2 = app.api(&token(&app, "expert2@b1.test").await);
        let mut br = app.browser();
        br.login("expert2@b1.test", PW).await;
        let item = format!("/assessments/{aid}/items/{}", enc(&ind));
        // before scoring: nothing of the others'
        let list = ex2.get(&format!("/assessments/{aid}/answers")).await.json();
        assert!(
            !list["answers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["indicator"] == ind.as_str()),
            "{b}: {list}"
        );
        assert_eq!(list["my_scores"], json!([]), "{b}");
        let page = br.get(&item).await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(
            !page.body.contains("expert1@b1.test"),
            "{b}: others' scores shown"
        );
        let page = br.get(&format!("/assessments/{aid}")).await;
        assert!(
            !page.body.contains("2.5, 0.5"),
            "{b}: others' scores in the list"
        );
        // no totals, no result or history links, and those pages answer 404
        assert!(
            !page.body.contains(&format!("/assessments/{aid}/result"))
                && !page.body.contains(&format!("/assessments/{aid}/history"))
                && !page.body.contains(r#"data-testid="score""#),
            "{b}"
        );
        for p in ["result", "history"] {
            let r = br.get(&format!("/assessments/{aid}/{p}")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b} {p}");
        }
        let r = ex2.get(&format!("/assessments/{aid}/result")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = ex2.get(&format!("/assessments/{aid}")).await.json();
        assert!(r["score"].is_null() && r["stars"].is_null(), "{b}: {r}");
        let r = ex2.get("/assessments").await.json();
        assert!(
            r["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["score"].is_null()),
            "{b}"
        );
        // only the assigned items
        let other = format!("/assessments/{aid}/items/{}", enc(&f.other_item));
        assert_eq!(br.get(&other).await.status, StatusCode::NOT_FOUND, "{b}");
        // after their own score: the others' too
        let r = ex2.put(&path, json!({"value": 1.5})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(
            r.json()["value"]["experts"].as_array().unwrap().len(),
            3,
            "{b}"
        );
        let list = ex2.get(&format!("/assessments/{aid}/answers")).await.json();
        let row = list["answers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"] == ind.as_str())
            .cloned()
            .unwrap();
        assert_eq!(
            row["value"]["experts"].as_array().unwrap().len(),
            3,
            "{b}: {row}"
        );
        let page = br.get(&item).await;
        assert!(
            page.body.contains("expert1@b1.test") && page.body.contains("expert3@b1.test"),
            "{b}: the others' scores once one's own is saved"
        );
        assert!(
            !page.body.contains(r#"data-testid="score""#),
            "{b}: still no total"
        );
        app.cleanup().await;
    }
}
