//! Certificates' public status pages and signed QR links (I-21), on SQLite and PostgreSQL:
//! a granted, a suspended-then-restored-then-withdrawn certificate, “valid on date”, the
//! look-up by number, credit code and name, no staff names, the published keys, and the
//! case page's signed link checked by the status page (and a tampered one refused).

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use common::*;
use tianping_app::domain::cert_sign;
use tianping_app::FixedClock;

fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap()
}

const PEOPLE: &str = r#"{"case": "certification", "people": [{"id": "rev", "name": "申请评审员甲"}, {"id": "lead", "name": "审核组长乙", "competence": ["CCAA-QMS-2020", "EEPC-2025"]}, {"id": "aud", "name": "审核员丙", "competence": ["CCAA-EMS-2021", "EEPC-2025"]}, {"id": "dec", "name": "决定人员丁"}]}"#;

fn history(number: &str, after: &str) -> String {
    let body = r#"{"type": "application_received", "date": "2025-09-01", "headcount": 120, "scope": "建筑工程施工合同履约管理", "system_start": "2025-03-01"}
{"type": "application_reviewed", "date": "2025-09-05", "result": "accepted", "by": "rev"}
{"type": "contract_signed", "date": "2025-09-10"}
{"type": "audit_planned", "date": "2025-09-15", "audit": "S1", "kind": "stage1", "start": "2025-10-09", "end": "2025-10-09", "team": [{"person": "lead", "role": "leader"}], "days": 1}
{"type": "plan_confirmed", "date": "2025-09-15", "audit": "S1"}
{"type": "audit_completed", "date": "2025-10-09", "audit": "S1", "last_day": "2025-10-09"}
{"type": "audit_planned", "date": "2025-10-10", "audit": "S2", "kind": "stage2", "start": "2025-11-03", "end": "2025-11-04", "team": [{"person": "lead", "role": "leader"}, {"person": "aud", "role": "auditor"}], "days": 4}
{"type": "plan_confirmed", "date": "2025-10-10", "audit": "S2"}
{"type": "audit_completed", "date": "2025-11-04", "audit": "S2", "last_day": "2025-11-04", "score": 91.5}
{"type": "decision", "date": "2026-01-26", "audit": "S2", "by": "dec", "result": "grant"}
"#;
    format!(
        "{PEOPLE}\n{body}{{\"type\": \"certificate_issued\", \"date\": \"2026-01-28\", \"number\": \"{number}\"}}\n{after}"
    )
}

const REISSUED: &str = r#"{"type": "scope_changed", "date": "2026-03-01", "change": "reduce", "scope": "建筑工程施工合同管理"}
{"type": "certificate_issued", "date": "2026-03-02", "number": "TP-EEPC-2026-0003"}
"#;

const KEPT: &str = r#"{"type": "suspended", "date": "2026-03-10", "cause": "监督审核逾期", "cause_confirmed": "2026-03-09"}
{"type": "restored", "date": "2026-04-01", "by": "dec"}
{"type": "withdrawn", "date": "2026-05-04", "reason": "未按期整改"}
"#;

async fn import(admin: &mut Browser, ent: i64, text: &str) {
    let ent = ent.to_string();
    let r = admin
        .upload_with(
            "/cases/import",
            &[("enterprise", &ent)],
            "h.jsonl",
            text.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn status_pages_history_lookup_keys_and_signed_links() {
    let clock = Arc::new(FixedClock::new(day(2026, 6, 1)));
    let script_re = regex::Regex::new(r#"src="(/static/verify\.js\?v=[0-9a-f]+)""#).unwrap();
    let case_re = regex::Regex::new(r#"href="/cases/(\d+)""#).unwrap();
    let link_re = regex::Regex::new(
        r#"href="(http://127\.0\.0\.1:8080/verify/TP-EEPC-2026-0003#[A-Za-z0-9_\-.]+)""#,
    )
    .unwrap();
    for app in apps_with(clock.clone(), |_| {}).await {
        let bk = app.backend;
        let f = fixture(&app).await;
        let ent = tianping_store::repo::get_enterprise(&app.state.store, f.ent_a)
            .await
            .unwrap()
            .unwrap();
        let mut admin = app.browser();
        admin.login("admin@b1.test", PW).await;
        import(&mut admin, f.ent_a, &history("TP-EEPC-2026-0001", KEPT)).await;
        import(&mut admin, f.ent_a, &history("TP-EEPC-2026-0002", REISSUED)).await;

        let mut anon = app.browser();
        // a granted certificate
        let r = anon.get("/verify/TP-EEPC-2026-0003").await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        for s in [
            "证书状态",
            r#"class="pill ok">有效"#,
            "TP-EEPC-2026-0003",
            ent.name.as_str(),
            ent.uscc.as_str(),
            "建筑工程施工合同履约管理",
            "2026-01-28",
            "2029-01-27",
            "颁发证书",
        ] {
            assert!(r.body.contains(s), "{bk}: {s}");
        }
        assert!(!r.body.contains("撤销"), "{bk}");
        // the optional script that moves the QR fragment into ?sig= is served
        let src = script_re
            .captures(&r.body)
            .map(|c| c[1].to_string())
            .expect("the script");
        let js = anon.get(&src).await;
        assert_eq!(js.status, StatusCode::OK, "{bk}");
        assert!(js.body.contains("sig="), "{bk}");
        // reissued after a scope change: the old number is superseded, the new one valid
        let r = anon.get("/verify/TP-EEPC-2026-0003").await;
        assert!(
            r.body.contains(r#"class="pill ok">有效"#),
            "{bk}: {}",
            r.body
        );
        assert!(r.body.contains("建筑工程施工合同管理"), "{bk}");
        assert!(r.body.contains("2026-03-02 换发证书"), "{bk}");
        assert!(r.body.contains("2029-01-27"), "{bk}: validity kept");
        assert!(
            !r.body.contains("有效期届满"),
            "{bk}: no expiry in the future"
        );
        let r = anon.get("/verify/TP-EEPC-2026-0002?on=2026-02-15").await;
        assert!(r.body.contains(r#"class="pill warn">已换发"#), "{bk}");
        assert!(
            r.body.contains(r#"href="/verify/TP-EEPC-2026-0003""#),
            "{bk}"
        );
        let at = r.body.find(r#"id="on-date""#).unwrap();
        assert!(
            !r.body[at..at + r.body[at..].find("</p>").unwrap()].contains("无效"),
            "{bk}: valid before the reissue"
        );
        // a withdrawn one, with its history
        let r = anon.get("/verify/TP-EEPC-2026-0001").await;
        assert_eq!(r.status, StatusCode::OK, "{bk}");
        assert!(
            r.body.contains(r#"class="pill warn">撤销"#),
            "{bk}: {}",
            r.body
        );
        let hist = &r.body[r.body.find("证书历史").unwrap()..];
        let order: Vec<usize> = [
            "2026-01-28 颁发证书",
            "2026-03-10 暂停",
            "2026-04-01 恢复",
            "2026-05-04 撤销",
        ]
        .iter()
        .map(|s| hist.find(s).unwrap_or_else(|| panic!("{bk}: {s}")))
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{bk}: {order:?}");
        // no person, no cause written by staff
        for name in [
            "申请评审员甲",
            "审核组长乙",
            "审核员丙",
            "决定人员丁",
            "监督审核逾期",
            "未按期整改",
            "admin@b1.test",
        ] {
            assert!(!r.body.contains(name), "{bk}: {name}");
        }
        // valid on a date: before issue, valid, suspended, restored, withdrawn
        for (on, valid, words) in [
            ("2026-01-27", false, "尚未颁发"),
            ("2026-02-01", true, "有效"),
            ("2026-03-15", false, "暂停"),
            ("2026-04-10", true, "有效"),
            ("2026-05-10", false, "撤销"),
        ] {
            let r = anon
                .get(&format!("/verify/TP-EEPC-2026-0001?on={on}"))
                .await;
            let at = r.body.find(r#"id="on-date""#).expect("the answer");
            let answer = &r.body[at..at + r.body[at..].find("</p>").unwrap()];
            assert!(answer.contains(on), "{bk}: {on}");
            assert_eq!(answer.contains("无效"), !valid, "{bk}: {on}: {answer}");
            assert!(answer.contains(words), "{bk}: {on}: {answer}");
        }
        // the API says the same
        let api = app.api("");
        let r = api
            .get("/public/certificates/TP-EEPC-2026-0001?on=2026-03-15")
            .await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        let j = r.json();
        assert_eq!(j["status"], "withdrawn", "{bk}");
        assert_eq!(j["on"]["status"], "suspended", "{bk}");
        assert_eq!(j["on"]["valid"], false, "{bk}");
        assert_eq!(j["history"].as_array().unwrap().len(), 4, "{bk}: {j}");
        assert!(!j.to_string().contains("决定人员丁"), "{bk}");
        let r = api.get("/public/certificates/NOPE-1").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");
        // an unknown number
        let r = anon.get("/verify/NOPE-1").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");

        // look-up by number, credit code and name
        for q in [
            "tp-eepc-2026-0001".to_string(),
            ent.uscc[..8].to_string(),
            ent.name.chars().skip(1).take(3).collect::<String>(),
        ] {
            let r = anon.get(&format!("/verify?q={}", enc(&q))).await;
            assert_eq!(r.status, StatusCode::OK, "{bk}");
            assert!(r.body.contains("/verify/TP-EEPC-2026-0001"), "{bk}: {q}");
        }
        let r = anon.get("/verify?q=TP-EEPC-2026-0002").await;
        assert!(!r.body.contains("/verify/TP-EEPC-2026-0001\""), "{bk}");
        let r = anon.get("/verify?q=nothing-like-this").await;
        assert!(r.body.contains("没有找到匹配的证书"), "{bk}");

        // the case page shows the signed link and its QR code; the key is made then
        let cases = admin.get("/cases").await;
        let ids: Vec<i64> = case_re
            .captures_iter(&cases.body)
            .map(|c| c[1].parse().unwrap())
            .collect();
        let mut link = None;
        for id in ids {
            let r = admin.get(&format!("/cases/{id}")).await;
            if r.body.contains("TP-EEPC-2026-0003") {
                assert!(r.body.contains("<svg"), "{bk}: the QR code");

                link = link_re.captures(&r.body).map(|c| c[1].to_string());
            }
        }
        let link = link.unwrap_or_else(|| panic!("{bk}: no signed link on the case page"));
        let signed = link.split_once('#').unwrap().1.to_string();

        // the published keys name the body's key
        let r = anon.get("/.well-known/tianping-keys.json").await;
        assert_eq!(r.status, StatusCode::OK, "{bk}");
        let keys = r.json();
        let keys = keys["keys"].as_array().unwrap().clone();
        assert_eq!(keys.len(), 1, "{bk}: {keys:?}");
        assert_eq!(keys[0]["org_id"], f.body_id, "{bk}");
        assert_eq!(keys[0]["active"], true, "{bk}");
        assert_eq!(keys[0]["public_key"].as_str().unwrap().len(), 44, "{bk}");
        let kid = keys[0]["kid"].as_str().unwrap().to_string();
        // the link the app made verifies offline against the published keys (what
        // `tianping certificate verify` does with a saved keys file)
        let set: cert_sign::KeySet = serde_json::from_str(&r.body).unwrap();
        let parts = cert_sign::parse_link(&link).unwrap();
        assert!(
            cert_sign::verify(&parts.number, &parts.signed, &set.keys).is_valid(),
            "{bk}"
        );

        // the status page checks the link's signature
        let r = anon
            .get(&format!("/verify/TP-EEPC-2026-0003?sig={}", enc(&signed)))
            .await;
        assert!(r.body.contains("签名有效"), "{bk}: {}", r.body);
        assert!(r.body.contains(&kid), "{bk}");
        // the whole link pasted works too
        let r = anon
            .get(&format!("/verify/TP-EEPC-2026-0003?sig={}", enc(&link)))
            .await;
        assert!(r.body.contains("签名有效"), "{bk}");
        // a changed character, or another certificate's page: invalid
        let mut bad = signed.clone();
        let c = if bad.as_bytes()[10] == b'A' { "B" } else { "A" };
        bad.replace_range(10..11, c);
        let r = anon
            .get(&format!("/verify/TP-EEPC-2026-0003?sig={}", enc(&bad)))
            .await;
        assert!(r.body.contains("签名无效"), "{bk}");
        let r = anon
            .get(&format!("/verify/TP-EEPC-2026-0001?sig={}", enc(&signed)))
            .await;
        assert!(r.body.contains("签名无效"), "{bk}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_verify_paths_are_rate_limited() {
    for app in apps().await {
        let mut anon = app.browser().from("203.0.113.77");
        let mut last = StatusCode::OK;
        for _ in 0..40 {
            last = anon.get("/.well-known/tianping-keys.json").await.status;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{}", app.backend);
        app.cleanup().await;
    }
}
