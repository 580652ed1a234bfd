//! Saving answers by the fast path (issue 14), on SQLite and PostgreSQL: a save sets the
//! changed answers in the stored pack and stores the figures the full evaluation would
//! store, leaving the explanation stale; the first read rebuilds it, byte for byte what a
//! full re-score gives, and stores it; a stale explanation is never shown; and regrade finds
//! every result standing.

mod common;

use serde_json::{json, Value};
use tianping_app::answers::{self, AnswerInput};
use tianping_app::assessments;
use tianping_app::regrade::{self, Options};
use tianping_core::AnswerKind;
use tianping_store::repo::{self, User};
use tianping_store::sqlx;

/// A small deterministic generator (no randomness in tests that could not be replayed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Wait (at most 10 s) until the explanation rebuilt by a read is stored by its own task.
async fn stored_soon(app: &common::App, id: i64) -> bool {
    for _ in 0..200 {
        if stale_of(app, id).await == 0 {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

async fn stale_of(app: &common::App, id: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT explanation_stale FROM assessments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.store.pool)
        .await
        .unwrap();
    n
}

/// An assessment as stored (its explanation possibly stale).
async fn stored(app: &common::App, id: i64) -> repo::Assessment {
    repo::get_assessment(&app.state.store, id)
        .await
        .unwrap()
        .unwrap()
}

/// The fixture's enterprise A user.
async fn enterprise_a(app: &common::App) -> User {
    repo::user_by_email(&app.state.store, "a@a.test")
        .await
        .unwrap()
        .unwrap()
}

/// What a full re-score of the stored answers gives now.
async fn full(app: &common::App, id: i64) -> assessments::Scored {
    let a = stored(app, id).await;
    let rows = repo::answers(&app.state.store, id).await.unwrap();
    assessments::score(&app.state, &a, &rows).unwrap()
}

/// Save `n` answers (some cleared) at random items of assessment `id`; after each, the
/// stored figures are the full path's and the explanation is stale. Returns how many saves
/// were accepted.
async fn saves(app: &common::App, u: &User, id: i64, n: usize, rng: &mut Lcg) -> usize {
    let b = app.backend;
    let a = stored(app, id).await;
    let plan = assessments::plan(&app.state, &a).unwrap();
    let mut accepted = 0;
    for _ in 0..n {
        let leaf = &plan.leaves[rng.below(plan.leaves.len() as u64) as usize];
        let value: Value = if rng.below(8) == 0 {
            Value::Null
        } else {
            match plan.kind {
                AnswerKind::Points => {
                    json!((rng.below((leaf.answer_max * 2.0) as u64 + 1) as f64) / 2.0)
                }
                AnswerKind::Level => json!(rng.below(6)),
                AnswerKind::Coefficient => json!(rng.below(101)),
            }
        };
        let input = AnswerInput {
            value,
            ..Default::default()
        };
        // items this person may not answer, or values the item refuses, change nothing
        let Ok(saved) = answers::save(&app.state, u, id, &leaf.ind.id, &input).await else {
            continue;
        };
        accepted += 1;
        let now = stored(app, id).await;
        let f = full(app, id).await;
        assert_eq!(stale_of(app, id).await, 1, "{b}: a save leaves it stale");
        let close = |x: Option<f64>| x.is_some_and(|x| (x - f.score).abs() < 1e-6);
        assert!(
            close(now.score),
            "{b} {}: stored {:?}, full {}",
            leaf.ind.id,
            now.score,
            f.score
        );
        assert_eq!(now.grade, f.grade, "{b} {}", leaf.ind.id);
        assert_eq!(now.stars, f.stars, "{b} {}", leaf.ind.id);
        if let Some(s) = saved.score {
            assert!(
                close(Some(s)),
                "{b}: the save answers {s}, full {}",
                f.score
            );
        }
    }
    accepted
}

#[tokio::test]
async fn fast_saves_store_the_full_figures_and_the_first_read_rebuilds_the_explanation() {
    for app in common::apps().await {
        let b = app.backend;
        let fx = common::fixture(&app).await;
        let u = enterprise_a(&app).await;
        let mut rng = Lcg(2026);
        for id in [fx.self_a, fx.star_a] {
            let n = saves(&app, &u, id, 40, &mut rng).await;
            assert!(n >= 20, "{b} {id}: only {n} of 40 saves accepted");

            // the answers read in one row are the answer rows' (pages and the gap read those)
            let rows = repo::answers(&app.state.store, id).await.unwrap();
            let raw = stored(&app, id).await;
            assert_eq!(
                assessments::stored_answers(&app.state, &raw).await.unwrap(),
                assessments::answer_map(&rows).unwrap(),
                "{b}"
            );
            let mut answered = tianping_store::answer_reads::answered_ids(&app.state.store, id)
                .await
                .unwrap();
            answered.sort();
            let want: Vec<String> = rows
                .iter()
                .filter(|r| r.value_json.as_deref().is_some_and(|v| v != "null"))
                .map(|r| r.indicator_id.clone())
                .collect();
            assert!(!want.is_empty() && want.len() < rows.len() + 1, "{b}");
            assert_eq!(answered, want, "{b}");
            let some: Vec<&str> = rows
                .iter()
                .step_by(3)
                .map(|r| r.indicator_id.as_str())
                .collect();
            let got = tianping_store::answer_reads::answers_in(&app.state.store, id, &some)
                .await
                .unwrap();
            assert_eq!(
                got.iter()
                    .map(|r| r.indicator_id.as_str())
                    .collect::<Vec<_>>(),
                some,
                "{b}"
            );

            // a use case that forgot to rebuild it would show an old result: refused
            let raw = stored(&app, id).await;
            assert_eq!(raw.explanation_stale, 1, "{b}");
            let err = assessments::result_view(&raw).unwrap_err();
            assert!(format!("{err:?}").contains("stale"), "{b}: {err:?}");

            // the first read rebuilds it, exactly as a full re-score, and stores it
            let f = full(&app, id).await;
            let (a, _) = assessments::get(&app.state, &u, id).await.unwrap();
            assert_eq!(
                a.result_json.as_deref(),
                Some(f.result_json.as_str()),
                "{b}"
            );
            assert!(stored_soon(&app, id).await, "{b}: stored");
            let row = stored(&app, id).await;
            assert_eq!(row.result_json, a.result_json, "{b}");
            assert_eq!((row.score, &row.grade), (Some(f.score), &f.grade), "{b}");
            assert!(assessments::result_view(&row).unwrap().is_some(), "{b}");
        }

        // stale again, then regrade: every result stands, the stale ones by the fast path
        saves(&app, &u, fx.self_a, 5, &mut rng).await;
        let r = regrade::regrade(&app.state, &Options::verify(), &|_| {})
            .await
            .unwrap();
        assert_eq!(r.changed + r.failed, 0, "{b}: {:?}", r.differences);
        assert_eq!(r.identical, r.checked, "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_batch_save_is_one_fast_rescore_and_the_api_shows_the_rebuilt_result() {
    for app in common::apps().await {
        let b = app.backend;
        let fx = common::fixture(&app).await;
        let u = enterprise_a(&app).await;
        let a = stored(&app, fx.self_a).await;
        let plan = assessments::plan(&app.state, &a).unwrap();
        let items: Vec<(String, AnswerInput)> = plan
            .leaves
            .iter()
            .take(6)
            .map(|l| {
                (
                    l.ind.id.clone(),
                    AnswerInput {
                        value: json!(l.answer_max),
                        ..Default::default()
                    },
                )
            })
            .collect();
        answers::save_many(&app.state, &u, fx.self_a, &items)
            .await
            .unwrap();
        assert_eq!(stale_of(&app, fx.self_a).await, 1, "{b}");
        let f = full(&app, fx.self_a).await;
        let row = stored(&app, fx.self_a).await;
        assert!(
            (row.score.unwrap() - f.score).abs() < 1e-6 && f.score > 0.0,
            "{b}: {:?} vs {}",
            row.score,
            f.score
        );
        // the API's result is the rebuilt explanation
        let token = tianping_app::accounts::create_token(&app.state, &u, "t")
            .await
            .unwrap();
        let r = app
            .api(&token)
            .get(&format!("/assessments/{}/result", fx.self_a))
            .await;
        assert_eq!(r.status, 200, "{b}: {}", r.body);
        let want: Value = serde_json::from_str(&f.result_json).unwrap();
        assert_eq!(r.json()["result"], want, "{b}");
        assert!(stored_soon(&app, fx.self_a).await, "{b}");
        app.cleanup().await;
    }
}
