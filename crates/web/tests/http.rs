//! HTTP tests of whole journeys, run against SQLite and (when TEST_DATABASE_URL is set)
//! PostgreSQL: sign-up to grade, and the demo with re-scoring.

mod common;

use axum::http::StatusCode;
use common::*;
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
        let rep = tianping_app::regrade::regrade(
            &app.state,
            &tianping_app::regrade::Options::verify(),
            &|_| {},
        )
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
        // four certification clients at different stages, one with its surveillance overdue
        let admin = repo::user_by_email(&app.state.store, "admin@body.demo")
            .await
            .unwrap()
            .unwrap();
        let cases = tianping_app::cases::list(&app.state, &admin).await.unwrap();
        let states = |kind: &str| {
            let mut s: Vec<&str> = cases
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.state.as_str())
                .collect();
            s.sort();
            s
        };
        assert_eq!(
            states("certification"),
            ["applied", "certified", "certified", "in_audit"],
            "{b}"
        );
        // comparisons: 星河's latest EEPC result has more than 5 peers in section C, a trend of
        // three results and a gap; the body sees its seven EEPC clients
        let xinghe = repo::user_by_email(&app.state.store, "xinghe@ent.demo")
            .await
            .unwrap()
            .unwrap();
        let ent = xinghe.enterprise_id.unwrap();
        let h = tianping_app::insight::history(
            &app.state,
            &admin,
            ent,
            "eepc-certification",
            None,
            None,
            tianping_app::Lang::Zh,
        )
        .await
        .unwrap();
        assert_eq!(h.stops.len(), 3, "{b}: {:?}", h.stops);
        assert!(h.stops[0].date < h.stops[2].date, "{b}");
        assert!(h.chart.is_some() && !h.changes.is_empty(), "{b}");
        let latest = h.stops[2].assessment_id;
        let p = tianping_app::insight::peers(&app.state, &admin, latest, tianping_app::Lang::Zh)
            .await
            .unwrap();
        assert!(p.hidden.is_none() && p.others >= 5, "{b}: {p:?}");
        let g = tianping_app::insight_gap::gap(&app.state, &admin, latest, None)
            .await
            .unwrap();
        assert!(g.plan.target.is_some() && !g.plan.changes.is_empty(), "{b}");
        let c = tianping_app::insight_gap::clients(
            &app.state,
            &admin,
            admin.org_id.unwrap(),
            "eepc-certification",
            tianping_app::Lang::Zh,
        )
        .await
        .unwrap();
        assert_eq!(c.clients, 7, "{b}");
        assert!(!c.common_gaps.is_empty(), "{b}");
        // a capability result under publicity and one announced; stars held and a blacklisting
        assert_eq!(states("capability"), ["announced", "in_publicity"], "{b}");
        assert_eq!(states("stars"), ["blacklisted", "rated"], "{b}");
        let today = tianping_app::cases::today(&app.state);
        let due = tianping_app::cases::due(&app.state, &admin, today)
            .await
            .unwrap();
        let overdue: Vec<&str> = due
            .iter()
            .filter(|d| d.due.overdue)
            .map(|d| d.due.kind.as_str())
            .collect();
        assert!(
            overdue.contains(&"surveillance") && overdue.contains(&"suspend"),
            "{b}: {overdue:?}"
        );
        assert!(
            due.iter()
                .any(|d| d.due.kind.as_str() == "correction" && !d.due.overdue),
            "{b}"
        );
        assert!(due.iter().any(|d| d.due.kind.as_str() == "decision"), "{b}");
        for kind in ["publicity_end", "supervision"] {
            assert!(
                due.iter()
                    .any(|d| d.due.kind.as_str() == kind && !d.due.overdue),
                "{b}: {kind} due"
            );
        }
        let rep = tianping_app::regrade::regrade(
            &app.state,
            &tianping_app::regrade::Options::verify(),
            &|_| {},
        )
        .await
        .unwrap();
        assert_eq!(rep.checked, all.len());
        assert!(rep.differences.is_empty(), "{b}: {:?}", rep.differences);
        // a tampered stored result is reported
        let id = all[0].id;
        tianping_store::sqlx::query("UPDATE assessment_results SET result_json = REPLACE(result_json, '\"score\":', '\"score\":1') WHERE assessment_id = $1")
            .bind(id)
            .execute(&app.state.store.pool)
            .await
            .unwrap();
        let rep = tianping_app::regrade::regrade(
            &app.state,
            &tianping_app::regrade::Options::verify(),
            &|_| {},
        )
        .await
        .unwrap();
        assert!(rep.differences.iter().any(|d| d.assessment_id == id), "{b}");
        let dated = |a: &repo::Assessment| (a.result_at.clone(), a.updated_at.clone(), a.revision);
        let before = repo::get_assessment(&app.state.store, id)
            .await
            .unwrap()
            .unwrap();
        let rep = tianping_app::regrade::regrade(
            &app.state,
            &tianping_app::regrade::Options::update(),
            &|_| {},
        )
        .await
        .unwrap();
        assert_eq!(rep.updated, 1, "{b}");
        // the result is replaced, not re-dated: results over time keep their dates
        let after = repo::get_assessment(&app.state.store, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(dated(&after), dated(&before), "{b}");
        assert_ne!(after.result_json, before.result_json, "{b}");
        assert!(tianping_app::regrade::regrade(
            &app.state,
            &tianping_app::regrade::Options::verify(),
            &|_| {}
        )
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
