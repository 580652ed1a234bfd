//! Bulk re-grading and generated data (issue 14), on SQLite and PostgreSQL: bench-data fills
//! an empty database only; regrade finds every generated result standing, names tampered
//! figures and explanations, replaces them with their audit entries, goes on after an
//! interruption where it stopped, and re-packs a result whose pack is gone.

mod common;

use tianping_app::regrade::{self, Options};
use tianping_store::sqlx;

async fn exec(app: &common::App, sql: &str) {
    sqlx::query(sql)
        .execute(&app.state.store.pool)
        .await
        .unwrap();
}

async fn one_i64(app: &common::App, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(&app.state.store.pool)
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn generated_results_regrade_verify_update_and_resume() {
    for app in common::apps().await {
        let b = app.backend;
        let s = tianping_app::bench_data::generate(&app.state, 300, 10.0, 7, &|_, _| {})
            .await
            .unwrap();
        assert_eq!(s.enterprises, 300, "{b}");
        assert_eq!(
            s.assessments, 375,
            "{b}: a quarter have an earlier assessment"
        );
        assert!(
            s.sites >= 300 && s.explained > 20 && s.explained < 60,
            "{b}: {s:?}"
        );
        let again = tianping_app::bench_data::generate(&app.state, 5, 0.0, 7, &|_, _| {}).await;
        assert!(again.unwrap_err().contains("已有数据"), "{b}");
        // every scheme is drawn
        let schemes = one_i64(
            &app,
            "SELECT CAST(COUNT(DISTINCT scheme) AS BIGINT) FROM assessments",
        )
        .await;
        assert_eq!(schemes as usize, app.state.catalog.schemes.len(), "{b}");

        let quiet = |_: regrade::Progress| {};
        let r = regrade::regrade(&app.state, &Options::verify(), &quiet)
            .await
            .unwrap();
        assert_eq!(
            (r.checked, r.identical, r.changed, r.failed),
            (375, 375, 0, 0),
            "{b}: {:?}",
            r.differences
        );
        assert_eq!(r.full as u64, s.explained, "{b}");
        assert_eq!(r.fast + r.full, 375, "{b}");

        // tampered figures (fast path) and a tampered explanation (full path) are named
        let fast_id = one_i64(
            &app,
            "SELECT MIN(id) FROM assessments WHERE id NOT IN (SELECT assessment_id FROM assessment_results) AND grade IS NOT NULL",
        )
        .await;
        let full_id = one_i64(&app, "SELECT MIN(assessment_id) FROM assessment_results").await;
        exec(
            &app,
            &format!("UPDATE assessments SET score = score + 1 WHERE id = {fast_id}"),
        )
        .await;
        exec(&app, &format!("UPDATE assessment_results SET result_json = REPLACE(result_json, '\"score\":', '\"score\":1') WHERE assessment_id = {full_id}")).await;
        let r = regrade::regrade(&app.state, &Options::verify(), &quiet)
            .await
            .unwrap();
        assert_eq!(r.changed, 2, "{b}: {:?}", r.differences);
        assert!(
            r.differences
                .iter()
                .any(|d| d.assessment_id == fast_id && d.message.starts_with("得分不同")),
            "{b}: {:?}",
            r.differences
        );
        assert!(
            r.differences
                .iter()
                .any(|d| d.assessment_id == full_id && d.message.starts_with("结果不同")),
            "{b}: {:?}",
            r.differences
        );
        assert_eq!(r.updated, 0, "{b}: verify writes nothing");

        // an interrupted run goes on after the last id it committed: a tampered result
        // before that point is left for the next full run
        let early = one_i64(
            &app,
            "SELECT MIN(id) FROM assessments WHERE id NOT IN (SELECT assessment_id FROM assessment_results) AND id > 10",
        )
        .await;
        let late = one_i64(
            &app,
            "SELECT MAX(id) FROM assessments WHERE id NOT IN (SELECT assessment_id FROM assessment_results)",
        )
        .await;
        exec(
            &app,
            &format!("UPDATE assessments SET score = score + 2 WHERE id IN ({early}, {late})"),
        )
        .await;
        let cut = one_i64(&app, "SELECT CAST(200 AS BIGINT)").await;
        assert!(
            early < cut && late > cut && fast_id < cut,
            "{b}: {early} {late} {fast_id}"
        );
        exec(&app, &format!("INSERT INTO regrade_runs (scheme, verify, started_at, last_id, checked) VALUES ('', 0, '2026-11-26T00:00:00.000Z', {cut}, {cut})")).await;
        let seq_before = one_i64(&app, "SELECT seq FROM audit_head WHERE id = 1").await;
        let r = regrade::regrade(
            &app.state,
            &Options {
                batch: 40,
                ..Options::update()
            },
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(r.resumed_after, Some(cut), "{b}");
        let after_cut = one_i64(
            &app,
            &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM assessments WHERE id > {cut}"),
        )
        .await;
        assert_eq!(r.checked as i64, after_cut, "{b}");
        assert_eq!(
            r.updated, 1,
            "{b}: only {late} is after the cut: {:?}",
            r.differences
        );
        let seq_after = one_i64(&app, "SELECT seq FROM audit_head WHERE id = 1").await;
        assert_eq!(
            seq_after,
            seq_before + 1,
            "{b}: one audit entry per replaced result"
        );
        // a finished run is not resumed: the next one starts from the first assessment
        let r = regrade::regrade(&app.state, &Options::update(), &quiet)
            .await
            .unwrap();
        assert_eq!(r.resumed_after, None, "{b}");
        assert_eq!((r.checked, r.updated), (375, 3), "{b}: {:?}", r.differences);
        let r = regrade::regrade(&app.state, &Options::verify(), &quiet)
            .await
            .unwrap();
        assert_eq!(r.changed, 0, "{b}: {:?}", r.differences);
        assert!(
            tianping_store::audit::verify(&app.state.store)
                .await
                .unwrap()
                .ok(),
            "{b}"
        );
        let rescored = one_i64(&app, &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'rescore' AND object_id IN ('{fast_id}', '{full_id}', '{early}', '{late}')")).await;
        assert_eq!(rescored, 4, "{b}");

        // one scheme only
        let only = Options {
            scheme: Some("t-cic-capability".into()),
            ..Options::verify()
        };
        let r = regrade::regrade(&app.state, &only, &quiet).await.unwrap();
        let n = one_i64(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM assessments WHERE scheme = 't-cic-capability'",
        )
        .await;
        assert_eq!(r.checked as i64, n, "{b}");
        let bad = Options {
            scheme: Some("no-such".into()),
            ..Options::verify()
        };
        assert!(
            regrade::regrade(&app.state, &bad, &quiet).await.is_err(),
            "{b}"
        );

        // a result without a pack is packed again from its answers
        exec(
            &app,
            &format!("DELETE FROM answer_packs WHERE assessment_id = {full_id}"),
        )
        .await;
        assert_eq!(
            tianping_app::packs::pack_existing(&app.state)
                .await
                .unwrap(),
            1,
            "{b}"
        );
        assert!(
            tianping_store::packs::get(&app.state.store, full_id)
                .await
                .unwrap()
                .is_some(),
            "{b}"
        );
        exec(
            &app,
            &format!("DELETE FROM answer_packs WHERE assessment_id = {full_id}"),
        )
        .await;
        let r = regrade::regrade(&app.state, &Options::update(), &quiet)
            .await
            .unwrap();
        assert_eq!(r.changed, 0, "{b}");
        assert!(
            tianping_store::packs::get(&app.state.store, full_id)
                .await
                .unwrap()
                .is_some(),
            "{b}: re-packed"
        );
        app.cleanup().await;
    }
}
