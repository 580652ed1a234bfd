//! The certificate as PDF on SQLite and PostgreSQL (003 Annex C, I-21): Chinese and English,
//! the holder, scope, dates and issuer in its text; its QR code, read from the rendered page,
//! verifies with the body's published key and a tampered payload does not; the same
//! certificate gives the same bytes; the case page links both languages; another enterprise
//! gets 404. A reissued certificate (scope reduced) says what changed, a renewed one
//! (recertification) its original date and cycle, in both languages.

mod common;

#[path = "common/pdf.rs"]
mod pdf;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use common::*;
use pdf::{pdf_text, qr_codes};
use tianping_app::domain::cert_sign::{self, Verdict};
use tianping_app::FixedClock;

const HISTORY: &str = r#"{"case": "certification", "people": [{"id": "rev", "name": "申请评审员甲"}, {"id": "lead", "name": "审核组长乙", "competence": ["CCAA-QMS-2020", "EEPC-2025"]}, {"id": "aud", "name": "审核员丙", "competence": ["CCAA-EMS-2021", "EEPC-2025"]}, {"id": "dec", "name": "决定人员丁"}]}
{"type": "application_received", "date": "2025-09-01", "headcount": 120, "scope": "建筑工程施工合同履约管理", "system_start": "2025-03-01"}
{"type": "application_reviewed", "date": "2025-09-05", "result": "accepted", "by": "rev"}
{"type": "contract_signed", "date": "2025-09-10"}
{"type": "audit_planned", "date": "2025-09-15", "audit": "S1", "kind": "stage1", "start": "2025-10-09", "end": "2025-10-09", "team": [{"person": "lead", "role": "leader"}], "days": 1}
{"type": "plan_confirmed", "date": "2025-09-15", "audit": "S1"}
{"type": "audit_completed", "date": "2025-10-09", "audit": "S1", "last_day": "2025-10-09"}
{"type": "audit_planned", "date": "2025-10-10", "audit": "S2", "kind": "stage2", "start": "2025-11-03", "end": "2025-11-04", "team": [{"person": "lead", "role": "leader"}, {"person": "aud", "role": "auditor"}], "days": 4}
{"type": "plan_confirmed", "date": "2025-10-10", "audit": "S2"}
{"type": "audit_completed", "date": "2025-11-04", "audit": "S2", "last_day": "2025-11-04", "score": 91.5}
{"type": "decision", "date": "2026-01-26", "audit": "S2", "by": "dec", "result": "grant"}
{"type": "certificate_issued", "date": "2026-01-28", "number": "TP-EEPC-2026-0001"}
"#;

#[tokio::test]
async fn certificate_pdf_in_both_languages_with_a_qr_code_that_verifies() {
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0).unwrap(),
    ));
    let case_re = regex::Regex::new(r#"href="/cases/(\d+)""#).unwrap();
    for app in apps_with(clock.clone(), |_| {}).await {
        let bk = app.backend;
        let f = fixture(&app).await;
        let ent = tianping_store::repo::get_enterprise(&app.state.store, f.ent_a)
            .await
            .unwrap()
            .unwrap();
        let mut admin = app.browser();
        admin.login("admin@b1.test", PW).await;
        let ent_id = f.ent_a.to_string();
        let r = admin
            .upload_with(
                "/cases/import",
                &[("enterprise", &ent_id)],
                "h.jsonl",
                HISTORY.as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        let api = app.api(&token(&app, "admin@b1.test").await);
        let r = api.get("/certificates/TP-EEPC-2026-0001.pdf").await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        assert_eq!(r.content_type(), "application/pdf");
        let t = pdf_text(&r.bytes);
        for want in [
            "认证证书",
            "TP-EEPC-2026-0001",
            ent.name.as_str(),
            ent.uscc.as_str(),
            "建筑工程施工合同履约管理",
            "2026-01-28",
            "2029-01-27",
            "Body One",
            "履约能力评价体系认证实施细则",
        ] {
            assert!(t.contains(want), "{bk}: missing {want:?} in\n{t}");
        }
        let again = api.get("/certificates/TP-EEPC-2026-0001.pdf").await;
        assert_eq!(r.bytes, again.bytes, "{bk}: same certificate, same bytes");
        // the QR code on the page is the signed link, verified by the body's published key
        let codes = qr_codes(&r.bytes);
        assert_eq!(codes.len(), 1, "{bk}: one QR code");
        let link = &codes[0];
        assert!(link.contains("/verify/TP-EEPC-2026-0001#"), "{bk}: {link}");
        let signed = link.split_once('#').unwrap().1;
        let keys = tianping_app::certificates::keys(&app.state).await.unwrap();
        match cert_sign::verify("TP-EEPC-2026-0001", signed, &keys) {
            Verdict::Valid { payload, .. } => {
                assert_eq!(payload.holder, ent.name, "{bk}");
                assert_eq!(payload.uscc, ent.uscc, "{bk}");
            }
            v => panic!("{bk}: {v:?}"),
        }
        // a payload changed by one character no longer verifies
        let (p64, s64) = signed.split_once('.').unwrap();
        let mut bytes = p64.as_bytes().to_vec();
        bytes[10] = if bytes[10] == b'A' { b'B' } else { b'A' };
        let tampered = format!("{}.{}", String::from_utf8(bytes).unwrap(), s64);
        assert!(
            matches!(
                cert_sign::verify("TP-EEPC-2026-0001", &tampered, &keys),
                Verdict::Invalid { .. }
            ),
            "{bk}"
        );
        // English
        let en = api.get("/certificates/TP-EEPC-2026-0001.pdf?lang=en").await;
        assert_eq!(en.status, StatusCode::OK, "{bk}");
        let t = pdf_text(&en.bytes);
        assert!(t.contains("This is to certify that"), "{bk}: {t}");
        assert!(
            t.contains("Issued by") && t.contains("2029-01-27"),
            "{bk}: {t}"
        );
        // the case page links both; the holder downloads it, another enterprise does not
        let cases = admin.get("/cases").await.body;
        let id = &case_re.captures(&cases).unwrap()[1];
        let page = admin.get(&format!("/cases/{id}")).await.body;
        assert!(
            page.contains(r#"href="/certificates/TP-EEPC-2026-0001.pdf""#),
            "{bk}"
        );
        assert!(
            page.contains(r#"href="/certificates/TP-EEPC-2026-0001.pdf?lang=en""#),
            "{bk}"
        );
        let mut holder = app.browser();
        holder.login("a@a.test", PW).await;
        let p = holder.get("/certificates/TP-EEPC-2026-0001.pdf").await;
        assert_eq!(p.status, StatusCode::OK, "{bk}");
        assert_eq!(p.bytes, r.bytes, "{bk}: page and API give one document");
        let other = app.api(&token(&app, "b@b.test").await);
        let r = other.get("/certificates/TP-EEPC-2026-0001.pdf").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");
        let r = api.get("/certificates/TP-EEPC-2026-0099.pdf").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");
        let r = api.get("/certificates/TP-EEPC-2026-0001.txt").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");
        app.cleanup().await;
    }
}

/// The first certificate, reissued after a scope reduction, then renewed by recertification.
const RENEWED: &str = r#"{"type": "scope_changed", "date": "2026-03-01", "change": "reduce", "scope": "建筑工程施工合同管理"}
{"type": "certificate_issued", "date": "2026-03-02", "number": "TP-EEPC-2026-0002"}
{"type": "audit_planned", "date": "2027-01-04", "audit": "SV1", "kind": "surveillance", "start": "2027-01-18", "end": "2027-01-18", "team": [{"person": "lead", "role": "leader"}], "days": 1}
{"type": "plan_confirmed", "date": "2027-01-04", "audit": "SV1"}
{"type": "audit_completed", "date": "2027-01-18", "audit": "SV1", "last_day": "2027-01-18"}
{"type": "decision", "date": "2027-01-22", "audit": "SV1", "by": "dec", "result": "grant"}
{"type": "audit_planned", "date": "2027-12-20", "audit": "SV2", "kind": "surveillance", "start": "2028-01-14", "end": "2028-01-14", "team": [{"person": "aud", "role": "leader"}], "days": 1}
{"type": "plan_confirmed", "date": "2027-12-20", "audit": "SV2"}
{"type": "audit_completed", "date": "2028-01-14", "audit": "SV2", "last_day": "2028-01-14"}
{"type": "decision", "date": "2028-01-19", "audit": "SV2", "by": "dec", "result": "grant"}
{"type": "recertification_applied", "date": "2028-10-27"}
{"type": "audit_planned", "date": "2028-11-10", "audit": "R1", "kind": "recertification", "start": "2028-12-04", "end": "2028-12-04", "team": [{"person": "lead", "role": "leader"}, {"person": "aud", "role": "auditor"}], "days": 2}
{"type": "plan_confirmed", "date": "2028-11-10", "audit": "R1"}
{"type": "audit_completed", "date": "2028-12-04", "audit": "R1", "last_day": "2028-12-04", "score": 96}
{"type": "decision", "date": "2028-12-11", "audit": "R1", "by": "dec", "result": "grant"}
{"type": "certificate_issued", "date": "2028-12-13", "number": "TP-EEPC-2028-0003"}
"#;

/// Whether some line of `t` holds every one of `parts` (a label beside its value).
fn on_one_line(t: &str, parts: &[&str]) -> bool {
    t.lines().any(|l| parts.iter().all(|p| l.contains(p)))
}

/// Whether some line of `t` is exactly `words` (apart from spacing).
fn line_is(t: &str, words: &str) -> bool {
    t.lines()
        .any(|l| l.split_whitespace().eq(words.split_whitespace()))
}

#[tokio::test]
async fn reissued_and_renewed_certificates_say_what_changed_and_since_when() {
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2029, 2, 1, 2, 0, 0).unwrap(),
    ));
    for app in apps_with(clock.clone(), |_| {}).await {
        let bk = app.backend;
        let f = fixture(&app).await;
        let mut admin = app.browser();
        admin.login("admin@b1.test", PW).await;
        let ent_id = f.ent_a.to_string();
        let history = format!("{HISTORY}{RENEWED}");
        let r = admin
            .upload_with(
                "/cases/import",
                &[("enterprise", &ent_id)],
                "h.jsonl",
                history.as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        let api = app.api(&token(&app, "admin@b1.test").await);
        let get = |number: &'static str, en: bool| {
            let api = &api;
            async move {
                let q = if en { "?lang=en" } else { "" };
                let r = api.get(&format!("/certificates/{number}.pdf{q}")).await;
                assert_eq!(r.status, StatusCode::OK, "{bk} {number}: {}", r.body);
                pdf_text(&r.bytes)
            }
        };

        // reissued after the scope was reduced: same dates, the change in words
        let t = get("TP-EEPC-2026-0002", false).await;
        for want in [
            "TP-EEPC-2026-0002",
            "换发说明",
            "认证范围缩小",
            "建筑工程施工合同履约管理",
        ] {
            assert!(t.contains(want), "{bk}: missing {want:?} in\n{t}");
        }
        assert!(
            on_one_line(&t, &["认证范围", "建筑工程施工合同管理"]),
            "{bk}: {t}"
        );
        assert!(on_one_line(&t, &["颁证日期", "2026-03-02"]), "{bk}: {t}");
        assert!(
            on_one_line(&t, &["初次颁证日期", "2026-01-28"]),
            "{bk}: {t}"
        );
        assert!(
            on_one_line(&t, &["有效期", "2026-01-28 至 2029-01-27"]),
            "{bk}: {t}"
        );
        assert!(line_is(&t, "认证周期 1"), "{bk}: {t}");
        let t = get("TP-EEPC-2026-0002", true).await;
        for want in [
            "What changed",
            "Scope changed from",
            "建筑工程施工合同履约管理",
        ] {
            assert!(t.contains(want), "{bk}: missing {want:?} in\n{t}");
        }
        assert!(!t.contains("认证范围缩小"), "{bk}: English words: {t}");
        assert!(
            on_one_line(&t, &["Originally certified", "2026-01-28"]),
            "{bk}: {t}"
        );

        // renewed by recertification (score 96: a higher grade): the original date, the
        // second cycle, the new validity
        let t = get("TP-EEPC-2028-0003", false).await;
        assert!(
            on_one_line(&t, &["初次颁证日期", "2026-01-28"]),
            "{bk}: {t}"
        );
        assert!(line_is(&t, "认证周期 2"), "{bk}: {t}");
        assert!(t.contains("等级由 AAAA 变为"), "{bk}: {t}");
        assert!(on_one_line(&t, &["颁证日期", "2028-12-13"]), "{bk}: {t}");
        assert!(
            on_one_line(&t, &["有效期", "2029-01-28 至 2032-01-27"]),
            "{bk}: {t}"
        );
        assert!(on_one_line(&t, &["换发说明", "再认证换发"]), "{bk}: {t}");
        assert!(
            on_one_line(&t, &["认证范围", "建筑工程施工合同管理"]),
            "{bk}: {t}"
        );
        let t = get("TP-EEPC-2028-0003", true).await;
        assert!(
            on_one_line(&t, &["Originally certified", "2026-01-28"]),
            "{bk}: {t}"
        );
        assert!(line_is(&t, "Certification cycle 2"), "{bk}: {t}");
        assert!(t.contains("changed from AAAA to AAAAA"), "{bk}: {t}");
        assert!(
            on_one_line(&t, &["Valid", "2029-01-28 to 2032-01-27"]),
            "{bk}: {t}"
        );
        assert!(
            on_one_line(
                &t,
                &[
                    "What changed",
                    "Recertified: validity continues from 2029-01-28"
                ]
            ),
            "{bk}: {t}"
        );
        // the first certificate, never reissued, shows neither
        let t = get("TP-EEPC-2026-0001", false).await;
        assert!(
            !t.contains("初次颁证日期") && !t.contains("换发说明"),
            "{bk}: {t}"
        );
        app.cleanup().await;
    }
}
