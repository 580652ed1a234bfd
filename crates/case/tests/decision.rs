//! The decision and the certificate (8.1.7, 8.1.8, 8.3, I-11): each rule allowed and refused
//! at its edge, in the app and in a replayed history.

mod common;

use common::*;
use serde_json::{json, Value};
use tianping_case::certification::{CertStatus, State};
use tianping_case::Rule;

fn submit(finding: &str, kind: &str) -> Value {
    json!({"type": "correction_submitted", "finding": finding, "kind": kind})
}

fn accept(finding: &str, onsite: bool) -> Value {
    json!({"type": "correction_accepted", "finding": finding, "by": "lead", "onsite": onsite})
}

fn initial() -> Story {
    Story::new()
        .contracted_from("2025-09-01")
        .stage1("2025-10-09")
}

#[test]
fn a_decision_concerns_a_completed_stage_2() {
    let s = initial();
    let v = s.refuses("2025-10-10", grant("S1", "dec"), Rule::DecisionNeedsAudit);
    assert!(v.message.contains("第一阶段"), "{}", v.message);
    let planned = s.then(
        "2025-10-10",
        plan(
            "S2",
            "stage2",
            "2025-11-03",
            "2025-11-04",
            &["lead", "aud"],
            4.0,
        ),
    );
    let v = planned.refuses("2025-10-20", grant("S2", "dec"), Rule::DecisionNeedsAudit);
    assert!(v.message.contains("尚未完成"), "{}", v.message);
    planned
        .completed("2025-11-04", "S2", json!([]))
        .allows("2025-11-10", grant("S2", "dec"));
}

#[test]
fn a_grant_needs_every_major_verified_and_every_minor_plan_accepted() {
    let s = initial().stage2(
        "2025-11-03",
        json!([{"id": "NC1", "severity": "minor"}, {"id": "NC2", "severity": "major"}]),
    );
    let v = s.refuses("2025-11-10", grant("S2", "dec"), Rule::GrantConditions);
    assert!(
        v.message.contains("NC1") && v.message.contains("NC2"),
        "{}",
        v.message
    );
    let minor_done = s
        .clone()
        .then("2025-11-20", submit("NC1", "plan"))
        .then("2025-11-25", accept("NC1", false));
    let v = minor_done.refuses("2025-11-26", grant("S2", "dec"), Rule::GrantConditions);
    assert!(
        v.message.contains("NC2") && !v.message.contains("NC1"),
        "{}",
        v.message
    );
    let submitted = minor_done.then("2026-01-15", submit("NC2", "done"));
    submitted.refuses("2026-01-16", grant("S2", "dec"), Rule::GrantConditions);
    submitted
        .then("2026-01-20", accept("NC2", true))
        .allows("2026-01-26", grant("S2", "dec"));
    // a refusal needs no condition, only its reason in writing
    s.allows(
        "2025-11-10",
        json!({"type": "decision", "audit": "S2", "by": "dec", "result": "refuse",
               "reason": "严重不符合未关闭"}),
    );
}

#[test]
fn a_refusal_is_written_with_its_reason() {
    let s = initial().stage2("2025-11-03", json!([]));
    let refuse = json!({"type": "decision", "audit": "S2", "by": "dec", "result": "refuse"});
    s.refuses("2025-11-10", refuse.clone(), Rule::GrantConditions);
    let mut with_reason = refuse;
    with_reason["reason"] = json!("体系未有效运行");
    let s = s.allows("2025-11-10", with_reason);
    assert_eq!(s.replay_all().state, State::NotGranted);
}

#[test]
fn a_checklist_score_below_70_gives_no_certificate() {
    let scored = |score: f64| {
        initial()
            .then(
                "2025-11-03",
                plan(
                    "S2",
                    "stage2",
                    "2025-11-03",
                    "2025-11-04",
                    &["lead", "aud"],
                    4.0,
                ),
            )
            .then(
                "2025-11-04",
                json!({"type": "audit_completed", "audit": "S2", "last_day": "2025-11-04",
                       "findings": [], "score": score}),
            )
    };
    scored(70.0).allows("2025-11-10", grant("S2", "dec"));
    let v = scored(69.5).refuses("2025-11-10", grant("S2", "dec"), Rule::GrantConditions);
    assert!(v.message.contains("70"), "{}", v.message);
}

#[test]
fn the_decider_was_on_no_team_of_the_audits_covered() {
    // stage 1 by aud2, stage 2 by lead and aud: a grant on stage 2 covers both
    let s = Story::new()
        .contracted_from("2025-09-01")
        .then(
            "2025-10-09",
            plan("S1", "stage1", "2025-10-09", "2025-10-09", &["aud2"], 1.0),
        )
        .completed("2025-10-09", "S1", json!([]))
        .stage2("2025-11-03", json!([]));
    let v = s.refuses("2025-11-10", grant("S2", "lead"), Rule::DeciderNotAuditor);
    assert!(v.message.contains("S2"), "{}", v.message);
    let v = s.refuses("2025-11-10", grant("S2", "aud2"), Rule::DeciderNotAuditor);
    assert!(v.message.contains("S1"), "{}", v.message);
    // a surveillance decision covers the surveillance audit only
    let c = s.decided("2025-11-10", "S2").issued("2025-11-12", "TP-1");
    let sv = c.surveillance("SV1", "2026-10-20");
    sv.allows("2026-10-26", grant("SV1", "aud2"));
    sv.refuses("2026-10-26", grant("SV1", "lead"), Rule::DeciderNotAuditor);
}

#[test]
fn the_reviewer_does_not_decide() {
    let s = initial().stage2("2025-11-03", json!([]));
    let v = s.refuses("2025-11-10", grant("S2", "rev"), Rule::SeparateFunctions);
    assert!(v.message.contains("申请评审员"), "{}", v.message);
}

#[test]
fn a_conflicted_decider_does_not_decide() {
    let s = initial().stage2("2025-11-03", json!([])).with_conflict(
        "dec2",
        "2023年11月前为其提供咨询",
        Some("2025-11-10"),
    );
    s.refuses("2025-11-10", grant("S2", "dec2"), Rule::ConflictOfInterest);
    s.allows("2025-11-11", grant("S2", "dec2"));
}

#[test]
fn a_certificate_follows_a_grant() {
    let s = initial().stage2("2025-11-03", json!([]));
    let issue = |n: &str| json!({"type": "certificate_issued", "number": n});
    s.refuses("2025-11-10", issue("TP-1"), Rule::CertificateNeedsGrant);
    let refused = s.clone().then(
        "2025-11-10",
        json!({"type": "decision", "audit": "S2", "by": "dec", "result": "refuse", "reason": "x"}),
    );
    refused.refuses("2025-11-12", issue("TP-1"), Rule::CertificateNeedsGrant);
    let issued = s
        .decided("2025-11-10", "S2")
        .allows("2025-11-12", issue("TP-1"));
    // one certificate per grant
    issued.refuses("2025-11-13", issue("TP-2"), Rule::CertificateNeedsGrant);
    // a maintained certificate is not reissued
    let sv = issued
        .surveillance("SV1", "2026-10-20")
        .decided("2026-10-26", "SV1");
    sv.refuses("2026-10-27", issue("TP-2"), Rule::CertificateNeedsGrant);
}

#[test]
fn a_certificate_is_valid_three_years_less_a_day() {
    let out = Story::new()
        .certified("2026-01-28")
        .replay_as_of("2026-01-28");
    let c = out.certificate.expect("a certificate");
    assert_eq!((c.number.as_str(), c.status), ("TP-1", CertStatus::Valid));
    assert_eq!(c.valid_from, d("2026-01-28"));
    assert_eq!(c.valid_until, d("2029-01-27"));
    let s = Story::new().certified("2026-01-28");
    assert_eq!(s.replay_as_of("2029-01-27").state, State::Certified);
    let expired = s.replay_as_of("2029-01-28");
    assert_eq!(expired.state, State::Expired);
    assert_eq!(expired.certificate.unwrap().status, CertStatus::Expired);
    // issued on 29 February: valid until 28 February three years later
    let leap = Story::new()
        .certified("2028-02-29")
        .replay_as_of("2028-02-29");
    assert_eq!(leap.certificate.unwrap().valid_until, d("2031-02-28"));
}

/// Certified on 28 January 2026 (valid until 27 January 2029), surveilled in 2027 and 2028,
/// recertification applied for and audited.
fn recertifying() -> Story {
    Story::new()
        .certified("2026-01-28")
        .surveillance("SV1", "2027-01-20")
        .surveillance("SV2", "2028-01-15")
        .then("2028-11-01", json!({"type": "recertification_applied"}))
        .then(
            "2028-11-20",
            plan(
                "R1",
                "recertification",
                "2028-12-10",
                "2028-12-10",
                &["lead", "aud"],
                2.0,
            ),
        )
        .completed("2028-12-10", "R1", json!([]))
}

#[test]
fn a_recertification_granted_by_expiry_continues_from_the_previous_expiry() {
    let s = recertifying();
    let on_last_day = s.allows("2029-01-27", grant("R1", "dec"));
    let renewed = on_last_day.allows(
        "2029-01-29",
        json!({"type": "certificate_issued", "number": "TP-2"}),
    );
    let out = renewed.replay_as_of("2029-01-29");
    let c = out.certificate.unwrap();
    assert_eq!(c.number, "TP-2");
    assert_eq!(c.valid_from, d("2029-01-28"));
    assert_eq!(c.valid_until, d("2032-01-27"));
    assert_eq!(out.state, State::Certified);
    // granted and issued early: the validity still starts after the previous expiry
    let early = s
        .decided("2028-12-20", "R1")
        .issued("2028-12-22", "TP-2")
        .replay_as_of("2028-12-22");
    let c = early.certificate.unwrap();
    assert_eq!(
        (c.valid_from, c.valid_until),
        (d("2029-01-28"), d("2032-01-27"))
    );
}

#[test]
fn a_recertification_granted_after_expiry_is_refused() {
    let v = recertifying().refuses(
        "2029-01-28",
        grant("R1", "dec"),
        Rule::RecertificationBeforeExpiry,
    );
    assert!(
        v.message.contains("2029-01-27") && v.message.contains("初次认证"),
        "{}",
        v.message
    );
    // refusing it is not a violation
    recertifying().allows(
        "2029-01-28",
        json!({"type": "decision", "audit": "R1", "by": "dec", "result": "refuse",
               "reason": "原证书已过期，须按初次认证重新申请"}),
    );
}
