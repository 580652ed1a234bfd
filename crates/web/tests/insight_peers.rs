//! Insight among enterprises (issue 13, DESIGN I-23) through the API on SQLite and
//! PostgreSQL: a result among its peers (shown only with at least 5 other enterprises of the
//! same GB/T 4754 section, never naming them) and a body's clients together (outcomes and
//! common gaps); each with its permissions.

mod common;

#[path = "common/eepc.rs"]
mod eepc;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{Duration, TimeZone, Utc};
use common::*;
use eepc::*;
use serde_json::{json, Value};
use tianping_app::FixedClock;

/// Every key ending in `id` in `v` holds `own` (no other enterprise's or assessment's id),
/// and no text holds any of `names`.
fn names_no_one(v: &Value, own: i64, names: &[String], path: &str) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k.ends_with("id") {
                    assert_eq!(x.as_i64(), Some(own), "{path}.{k}");
                }
                names_no_one(x, own, names, &format!("{path}.{k}"));
            }
        }
        Value::Array(xs) => {
            for (i, x) in xs.iter().enumerate() {
                names_no_one(x, own, names, &format!("{path}[{i}]"));
            }
        }
        Value::String(s) => {
            for n in names {
                assert!(!s.contains(n.as_str()), "{path}: {s} names {n}");
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn peers_need_five_others_of_the_section_and_name_none() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        // the enterprise's own on-site result: 94.58 (AAAA), section C (C3511)
        let own = scored(&aud, f.ent_a, &aaaa()).await;
        // others of section C: two at full marks, one level with it, one far below; and one
        // of section I at full marks, which does not count
        let mut names = Vec::new();
        let mut others = Vec::new();
        let mut firms = Vec::new();
        let groups = [
            ("同行甲", "C3511", full_but(&[])),
            ("同行乙", "C3511", full_but(&[])),
            ("同行丙", "C3511", aaaa()),
            (
                "同行丁",
                "C3511",
                answers_by(|id, max| Some(if id == "B.1-50" { max } else { 0.0 })),
            ),
            ("别业戊", "I6510", full_but(&[])),
        ];
        for (n, (name, industry, answers)) in groups.iter().enumerate() {
            let e = client(&aud, 100 + n, name, industry).await;
            firms.push(e);
            others.push(scored(&aud, e, answers).await);
            names.push(name.to_string());
            names.push(uscc(100 + n));
        }
        let ent = app.api(&token(&app, "a@a.test").await);
        let r = ent.get(&format!("/assessments/{own}/peers")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let v = r.json();
        assert_eq!(v["others"], 4, "{b}: {v}");
        assert_eq!(v["section"], "C", "{b}");
        assert_eq!(
            v["hidden"],
            json!({"reason": "too_few_peers", "others": 4}),
            "{b}"
        );
        for k in ["total", "histogram"] {
            assert!(v[k].is_null(), "{b}: {k} shown with 4 others");
        }
        assert_eq!(v["parts"], json!([]), "{b}");
        assert_eq!(v["outcomes"], json!([]), "{b}");
        names_no_one(&v, own, &names, "");
        // a fifth of section C, every item at 0: now shown
        let e = client(&aud, 110, "同行己", "C2611").await;
        others.push(scored(&aud, e, &answers_by(|_, _| Some(0.0))).await);
        names.push("同行己".into());
        names.push(uscc(110));
        let r = ent.get(&format!("/assessments/{own}/peers")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let v = r.json();
        assert_eq!(v["others"], 5, "{b}: {v}");
        assert!(v["hidden"].is_null(), "{b}");
        // sorted: 0, 4.93, 94.58, 94.58 (own), 100, 100: 4 of 6 at or below → ⌊400/6⌋ = 66;
        // the nearest-rank median is the 3rd: 94.58
        let t = &v["total"];
        assert_eq!(t["group"], 6, "{b}: {t}");
        assert_eq!(t["at_or_below"], 4, "{b}");
        assert_eq!(t["percentile"], 66, "{b}");
        assert!(
            close(t["median"].as_f64().unwrap(), 9600.0 / 101.5),
            "{b}: {t}"
        );
        assert!(close(v["own_total"].as_f64().unwrap(), 9600.0 / 101.5));
        let h = &v["histogram"];
        let counts: Vec<u64> = h["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        assert_eq!(counts.iter().sum::<u64>(), 6, "{b}: {h}");
        assert_eq!(counts[0], 2, "{b}: 0 and 4.93");
        assert_eq!(counts[9], 4, "{b}: 94.58 twice, 100 twice");
        assert_eq!(h["own_bin"], 9, "{b}");
        // grades of the group, best first (no grade below 70 is not listed)
        assert_eq!(v["outcomes"], json!([["AAAAA", 2], ["AAAA", 2]]), "{b}");
        assert!(!v["parts"].as_array().unwrap().is_empty(), "{b}");
        for p in v["parts"].as_array().unwrap() {
            assert_eq!(p["standing"]["group"], 6, "{b}: {p}");
        }
        names_no_one(&v, own, &names, "");
        for id in &others {
            assert!(!r.body.contains(&format!("\"id\":{id}")), "{b}");
        }
        // a new, unanswered assessment of a peer is no result: its latest stays the one scored
        let r = aud
            .post(
                "/assessments",
                json!({"enterprise_id": firms[0], "scheme": SCHEME}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let again = ent.get(&format!("/assessments/{own}/peers")).await.json();
        assert_eq!(again["total"], v["total"], "{b}");
        assert_eq!(again["outcomes"], v["outcomes"], "{b}");
        // the body sees it too; another enterprise does not, nor a caller without a token
        let r = aud.get(&format!("/assessments/{own}/peers")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert_eq!(r.json()["total"], v["total"], "{b}");
        let other = app.api(&token(&app, "b@b.test").await);
        let r = other.get(&format!("/assessments/{own}/peers")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = app.api("").get(&format!("/assessments/{own}/peers")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        // an assessment not scored yet has no place among peers
        let r = aud
            .post(
                "/assessments",
                json!({"enterprise_id": f.ent_a, "scheme": SCHEME}),
            )
            .await;
        let fresh = r.json()["id"].as_i64().unwrap();
        let r = aud.get(&format!("/assessments/{fresh}/peers")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_body_sees_its_clients_outcomes_and_common_gaps() {
    let t0 = Utc.with_ymd_and_hms(2025, 6, 2, 2, 0, 0).unwrap();
    let clock = Arc::new(FixedClock::new(t0));
    for app in apps_with(clock.clone(), |_| {}).await {
        let b = app.backend;
        clock.set(t0);
        let f = fixture(&app).await;
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        // client 1: a low result, then a later one at full marks (only the latest counts)
        let c1 = client(&aud, 200, "客户一", "C3511").await;
        scored(&aud, c1, &answers_by(|_, _| Some(0.0))).await;
        clock.advance(Duration::days(1));
        scored(&aud, c1, &full_but(&[])).await;
        // clients 2 and 3: AAAA, half a point from AAAAA
        let c2 = client(&aud, 201, "客户二", "C3511").await;
        let a2 = scored(&aud, c2, &aaaa()).await;
        let c3 = client(&aud, 202, "客户三", "I6510").await;
        let a3 = scored(&aud, c3, &aaaa()).await;
        // a later assessment of client 1 not answered yet is no outcome
        clock.advance(Duration::days(1));
        let r = aud
            .post(
                "/assessments",
                json!({"enterprise_id": c1, "scheme": SCHEME}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let r = aud
            .get(&format!("/orgs/{}/clients?scheme={SCHEME}", f.body_id))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let v = r.json();
        assert_eq!(v["org_id"], f.body_id, "{b}");
        assert_eq!(v["clients"], 3, "{b}: {v}");
        assert_eq!(v["outcomes"], json!([["AAAAA", 1], ["AAAA", 2]]), "{b}");
        // the common gaps are the indicators of clients 2 and 3's plans, counted
        let mut want: BTreeMap<String, u64> = BTreeMap::new();
        for a in [a2, a3] {
            let g = aud.get(&format!("/assessments/{a}/gap")).await.json();
            for c in g["changes"].as_array().unwrap() {
                *want
                    .entry(c["indicator"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
        let got: BTreeMap<String, u64> = v["common_gaps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["indicator"].as_str().unwrap().to_string(),
                    c["clients"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, want, "{b}: {v}");
        assert_eq!(got.values().sum::<u64>(), 2, "{b}: one change each");
        assert!(
            got.keys().all(|k| k == "B.1-50" || k == "B.1-3"),
            "{b}: {got:?}"
        );
        // the body admin too; an enterprise and another body's staff: 404
        let admin = app.api(&token(&app, "admin@b1.test").await);
        let r = admin
            .get(&format!("/orgs/{}/clients?scheme={SCHEME}", f.body_id))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        for who in ["a@a.test", "auditor@b2.test", "expert1@b1.test"] {
            let api = app.api(&token(&app, who).await);
            let r = api
                .get(&format!("/orgs/{}/clients?scheme={SCHEME}", f.body_id))
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {who}");
        }
        // another body's own view: no clients of the scheme
        let b2 = app.api(&token(&app, "auditor@b2.test").await);
        let r = b2
            .get(&format!("/orgs/{}/clients?scheme={SCHEME}", f.body2_id))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.json()["clients"], 0, "{b}");
        // the scheme is required and must exist
        for q in ["", "?scheme=nope"] {
            let r = aud.get(&format!("/orgs/{}/clients{q}", f.body_id)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {q}");
            assert_eq!(field(&r), "scheme", "{b}: {q}");
        }
        let r = app
            .api("")
            .get(&format!("/orgs/{}/clients?scheme={SCHEME}", f.body_id))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        app.cleanup().await;
    }
}
