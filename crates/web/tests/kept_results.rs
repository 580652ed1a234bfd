//! Stored results kept in memory (issue 14, `tianping_app::kept`), on SQLite and PostgreSQL:
//! a second read of an unchanged result comes from memory; a save, a rebuilt explanation or
//! a re-grade on another server (another process on the same database, with its own memory)
//! is seen by the next read here; the gap is worked out once per stored result.

mod common;

use std::sync::Arc;

use serde_json::{json, Value};
use tianping_app::answers::{self, AnswerInput};
use tianping_app::kept::KeptResults;
use tianping_app::{assessments, insight_gap};
use tianping_store::repo::{self, User};
use tianping_store::sqlx;

async fn enterprise_a(app: &common::App) -> User {
    repo::user_by_email(&app.state.store, "a@a.test")
        .await
        .unwrap()
        .unwrap()
}

/// The row's stored text, sequence number and stale flag.
async fn row(app: &common::App, id: i64) -> (Option<String>, i64, i64) {
    sqlx::query_as(
        "SELECT r.result_json, a.result_seq, a.explanation_stale FROM assessments a \
         LEFT JOIN assessment_results r ON r.assessment_id = a.id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(&app.state.store.pool)
    .await
    .unwrap()
}

/// Wait (at most 10 s) until a rebuilt explanation is stored by its own task.
async fn stored_soon(app: &common::App, id: i64) {
    for _ in 0..200 {
        if row(app, id).await.2 == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{}: the explanation of {id} was not stored", app.backend);
}

#[tokio::test]
async fn kept_results_follow_every_write_on_any_server() {
    for app in common::apps().await {
        let b = app.backend;
        let fx = common::fixture(&app).await;
        let u = enterprise_a(&app).await;
        let one = &app.state;
        // a second server on the same database: everything shared but its memory
        let two = tianping_app::App {
            kept: Arc::new(KeptResults::default()),
            plans: Arc::new(Default::default()),
            ..app.state.clone()
        };
        let id = fx.self_a;

        // read twice here: the second read is the same kept result
        let (_, _, k1) = assessments::get_kept(one, &u, id).await.unwrap();
        let k1 = k1.expect("a scored assessment has a result");
        let (text, seq, _) = row(&app, id).await;
        assert_eq!(Some(k1.text()), text.as_deref(), "{b}");
        assert_eq!(k1.seq, seq, "{b}");
        let (_, _, again) = assessments::get_kept(one, &u, id).await.unwrap();
        assert!(
            Arc::ptr_eq(&k1, again.as_ref().unwrap()),
            "{b}: read again from memory"
        );
        assert!(!one.kept.is_empty(), "{b}");
        // `get` gives the same text in `result_json`
        let (a, _) = assessments::get(one, &u, id).await.unwrap();
        assert_eq!(a.result_json.as_deref(), Some(k1.text()), "{b}");

        // the gap is worked out once per stored result, and is the gap of the answers
        let (a, _, k) = assessments::get_kept(one, &u, id).await.unwrap();
        let g1 = insight_gap::next_gap(one, &a, k.as_deref()).await.unwrap();
        let g2 = insight_gap::next_gap(one, &a, k.as_deref()).await.unwrap();
        assert!(Arc::ptr_eq(&g1, &g2), "{b}");
        let fresh = insight_gap::gap_of_assessment(one, &a, None).await.unwrap();
        assert_eq!(*g1, fresh, "{b}");

        // a save on the other server: the next read here rebuilds and shows the new result
        let plan = assessments::plan(one, &a).unwrap();
        let leaf = plan
            .leaves
            .iter()
            .find(|l| l.answer_max > 0.0)
            .expect("an item with marks");
        let before_score = a.score;
        let mut saved = None;
        for v in [0.0, leaf.answer_max] {
            let input = AnswerInput {
                value: json!(v),
                ..Default::default()
            };
            let s = answers::save(&two, &u, id, &leaf.ind.id, &input)
                .await
                .unwrap();
            if s.score != before_score {
                saved = s.score;
                break;
            }
        }
        let saved = saved.expect("one of the two values changes the total");
        let (a, _, k2) = assessments::get_kept(one, &u, id).await.unwrap();
        let k2 = k2.unwrap();
        assert!(!Arc::ptr_eq(&k1, &k2), "{b}: not the old result");
        assert_eq!(a.score, Some(saved), "{b}");
        let view = k2.view().unwrap();
        assert!(
            (view.evaluation.total.score - saved).abs() < 1e-9,
            "{b}: the explanation is the saved answers'"
        );
        assert_eq!(
            k2.seq,
            tianping_app::kept::UNSTORED,
            "{b}: rebuilt, not stored yet"
        );
        // once the rebuilt explanation is stored, it is kept under its new number, with the
        // view its first reader parsed
        stored_soon(&app, id).await;
        let (text, seq2, _) = row(&app, id).await;
        assert!(seq2 > seq, "{b}: the stored explanation bumps the sequence");
        for _ in 0..100 {
            if one.kept.get(id, seq2).is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let (_, _, k3) = assessments::get_kept(one, &u, id).await.unwrap();
        let k3 = k3.unwrap();
        assert_eq!((Some(k3.text()), k3.seq), (text.as_deref(), seq2), "{b}");
        assert!(
            Arc::ptr_eq(&k3.view().unwrap(), &view),
            "{b}: the store keeps what the first reader parsed"
        );
        // the other server had no part in it: it reads the stored text
        let (_, _, k3b) = assessments::get_kept(&two, &u, id).await.unwrap();
        assert_eq!(k3b.unwrap().text(), k3.text(), "{b}");
        let (_, _, k4) = assessments::get_kept(one, &u, id).await.unwrap();
        assert!(Arc::ptr_eq(&k3, k4.as_ref().unwrap()), "{b}");
        // and its gap is the new answers'
        let (a, _, k) = assessments::get_kept(one, &u, id).await.unwrap();
        let g3 = insight_gap::next_gap(one, &a, k.as_deref()).await.unwrap();
        assert_eq!(
            *g3,
            insight_gap::gap_of_assessment(one, &a, None).await.unwrap(),
            "{b}"
        );

        // a result replaced by a re-grade (same revision) is seen too
        let mut v: Value = serde_json::from_str(k3.text()).unwrap();
        v["evaluation"]["scheme_version"] = json!("older");
        let replaced = v.to_string();
        let mut tx = app.state.store.begin().await.unwrap();
        repo::replace_result(
            &mut tx,
            id,
            &repo::StoredResult {
                scheme_version: "older",
                engine_version: tianping_core::ENGINE_VERSION,
                result_json: &replaced,
                score: a.score,
                grade: a.grade.as_deref(),
                stars: a.stars,
                pack: None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(row(&app, id).await.1, seq2 + 1, "{b}");
        let (_, _, k5) = assessments::get_kept(one, &u, id).await.unwrap();
        assert_eq!(k5.unwrap().text(), replaced, "{b}");

        // the API serves what is stored, from either server
        let token = tianping_app::accounts::create_token(one, &u, "t")
            .await
            .unwrap();
        let r = app
            .api(&token)
            .get(&format!("/assessments/{id}/result"))
            .await;
        assert_eq!(r.status, 200, "{b}: {}", r.body);
        assert_eq!(
            r.json()["result"]["evaluation"]["scheme_version"],
            "older",
            "{b}"
        );
        let (_, _, k6) = assessments::get_kept(&two, &u, id).await.unwrap();
        assert_eq!(k6.unwrap().text(), replaced, "{b}");

        // another enterprise's user reads nothing, kept or not
        let other = repo::user_by_email(&app.state.store, "b@b.test")
            .await
            .unwrap()
            .unwrap();
        assert!(
            assessments::get_kept(one, &other, id).await.is_err(),
            "{b}: enterprise B sees A's result"
        );
        app.cleanup().await;
    }
}
