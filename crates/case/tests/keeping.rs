//! Keeping a certificate (8.2–8.5, I-12, I-16 edges): surveillance, extensions, suspension,
//! restoration, withdrawal, scope changes and recertification, each rule allowed and refused
//! at its edge (working days from the built-in calendar), in the app and in a history.

mod common;

use common::*;
use serde_json::{json, Value};
use tianping_case::certification::{CertStatus, State};
use tianping_case::{Due, DueKind, Rule};

fn due_of(s: &Story, as_of: &str, kind: DueKind) -> Option<Due> {
    s.replay_as_of(as_of)
        .due
        .into_iter()
        .find(|x| x.kind == kind)
}

fn extension(until: &str) -> Value {
    json!({"type": "surveillance_extension_approved", "by": "adm", "until": until})
}

fn suspend(confirmed: &str) -> Value {
    json!({"type": "suspended", "cause": "持续不满足认证要求", "cause_confirmed": confirmed})
}

fn restore() -> Value {
    json!({"type": "restored", "by": "dec"})
}

#[test]
fn the_first_surveillance_is_within_12_months_of_issue() {
    let c = Story::new().certified("2026-01-28");
    let due = due_of(&c, "2026-06-01", DueKind::Surveillance).unwrap();
    assert_eq!(due.due, d("2027-01-28"));
    c.clone()
        .planned("2027-01-28", "SV1", "surveillance", 1.0)
        .allows("2027-01-28", done("SV1", "2027-01-28", json!([])));
    let v = c.planned("2027-01-29", "SV1", "surveillance", 1.0).refuses(
        "2027-01-29",
        done("SV1", "2027-01-29", json!([])),
        Rule::SurveillanceInTime,
    );
    assert!(v.message.contains("2027-01-28"), "{}", v.message);
}

#[test]
fn later_surveillance_is_within_12_months_of_the_previous_one() {
    let c = Story::new()
        .certified("2026-01-28")
        .surveillance("SV1", "2027-01-20");
    c.clone()
        .planned("2028-01-20", "SV2", "surveillance", 1.0)
        .allows("2028-01-20", done("SV2", "2028-01-20", json!([])));
    let v = c.planned("2028-01-21", "SV2", "surveillance", 1.0).refuses(
        "2028-01-21",
        done("SV2", "2028-01-21", json!([])),
        Rule::SurveillanceInTime,
    );
    assert!(v.message.contains("2028-01-20"), "{}", v.message);
}

#[test]
fn an_extension_reaches_at_most_15_months() {
    let c = Story::new()
        .certified("2026-01-28")
        .surveillance("SV1", "2027-01-20");
    let v = c.refuses("2027-12-01", extension("2028-04-21"), Rule::ExtensionLimit);
    assert!(v.message.contains("2028-04-20"), "{}", v.message);
    let extended = c.allows("2027-12-01", extension("2028-04-20"));
    assert_eq!(
        due_of(&extended, "2028-02-01", DueKind::Surveillance)
            .unwrap()
            .due,
        d("2028-04-20")
    );
    extended
        .clone()
        .planned("2028-04-20", "SV2", "surveillance", 1.0)
        .allows("2028-04-20", done("SV2", "2028-04-20", json!([])));
    extended
        .planned("2028-04-21", "SV2", "surveillance", 1.0)
        .refuses(
            "2028-04-21",
            done("SV2", "2028-04-21", json!([])),
            Rule::SurveillanceInTime,
        );
    // within 15 months but beyond the approved date: late
    c.then("2027-12-01", extension("2028-03-01"))
        .planned("2028-03-02", "SV2", "surveillance", 1.0)
        .refuses(
            "2028-03-02",
            done("SV2", "2028-03-02", json!([])),
            Rule::SurveillanceInTime,
        );
    // no certificate, nothing to extend
    Story::new().contracted_from("2026-03-02").refuses(
        "2026-03-10",
        extension("2026-06-01"),
        Rule::AuditNeedsCertificate,
    );
}

#[test]
fn every_calendar_year_between_issue_and_expiry_has_a_surveillance() {
    // issued 5 January 2026 (valid until 4 January 2029); the first surveillance in December
    // of the issue year; an extension to mid-January 2028 keeps the interval within 15
    // months, but 2027 would have none
    let c = Story::new()
        .certified("2026-01-05")
        .surveillance("SV1", "2026-12-20")
        .then("2027-11-01", extension("2028-01-15"));
    assert_eq!(
        due_of(&c, "2027-11-01", DueKind::Surveillance).unwrap().due,
        d("2027-12-31")
    );
    c.clone()
        .planned("2027-12-31", "SV2", "surveillance", 1.0)
        .allows("2027-12-31", done("SV2", "2027-12-31", json!([])));
    let v = c
        .clone()
        .planned("2028-01-10", "SV2", "surveillance", 1.0)
        .refuses(
            "2028-01-10",
            done("SV2", "2028-01-10", json!([])),
            Rule::SurveillanceEveryYear,
        );
    assert!(v.message.contains("2027"), "{}", v.message);
    // a recertification audit in 2028 does not make up for 2027 either
    c.then("2028-10-04", json!({"type": "recertification_applied"}))
        .then(
            "2028-10-05",
            plan(
                "R1",
                "recertification",
                "2028-10-20",
                "2028-10-20",
                &["lead", "aud"],
                2.0,
            ),
        )
        .refuses(
            "2028-10-20",
            done("R1", "2028-10-20", json!([])),
            Rule::SurveillanceEveryYear,
        );
}

#[test]
fn neither_the_issue_year_nor_the_expiry_year_needs_one() {
    // issued 5 January 2026: surveillance on 5 January 2027 and 2028; none due in 2029, the
    // expiry year, where recertification takes its place
    let c = Story::new()
        .certified("2026-01-05")
        .surveillance("SV1", "2027-01-05")
        .surveillance("SV2", "2028-01-05");
    assert!(due_of(&c, "2028-06-01", DueKind::Surveillance).is_none());
    c.then("2028-10-04", json!({"type": "recertification_applied"}))
        .then(
            "2028-10-05",
            plan(
                "R1",
                "recertification",
                "2028-12-01",
                "2028-12-01",
                &["lead", "aud"],
                2.0,
            ),
        )
        .allows("2028-12-01", done("R1", "2028-12-01", json!([])));
}

#[test]
fn a_recertification_audit_takes_the_place_of_the_last_surveillance() {
    // issued 5 January 2026, surveilled early: the next on-site audit is due 20 November
    // 2028, before the expiry year; the recertification audit on 15 November is that audit
    let c = Story::new()
        .certified("2026-01-05")
        .surveillance("SV1", "2026-12-01")
        .surveillance("SV2", "2027-11-20");
    let sv = due_of(&c, "2028-10-04", DueKind::Surveillance).unwrap();
    assert_eq!(sv.due, d("2028-11-20"));
    assert!(sv.message.contains("2027-11-20"), "{}", sv.message);
    let r = c
        .then("2028-10-04", json!({"type": "recertification_applied"}))
        .then(
            "2028-10-05",
            plan(
                "R1",
                "recertification",
                "2028-11-15",
                "2028-11-15",
                &["lead", "aud"],
                2.0,
            ),
        )
        .allows("2028-11-15", done("R1", "2028-11-15", json!([])));
    let out = r.replay_as_of("2028-11-25");
    assert!(
        !out.due
            .iter()
            .any(|x| matches!(x.kind, DueKind::Surveillance | DueKind::Suspend)),
        "{:#?}",
        out.due
    );
}

#[test]
fn an_overdue_surveillance_puts_suspend_on_the_due_list() {
    // issued 25 September 2025: surveillance due 25 September 2026; overdue from the 26th,
    // suspension within 5 working days of that: 28, 29, 30 September, 8 and 9 October
    let c = Story::new().certified("2025-09-25");
    let on_time = c.replay_as_of("2026-09-25");
    assert!(!on_time.due.iter().any(|x| x.overdue));
    assert!(!on_time.due.iter().any(|x| x.kind == DueKind::Suspend));
    let late = c.replay_as_of("2026-09-26");
    let sv = late
        .due
        .iter()
        .find(|x| x.kind == DueKind::Surveillance)
        .unwrap();
    assert!(sv.overdue);
    let to_suspend = late
        .due
        .iter()
        .find(|x| x.kind == DueKind::Suspend)
        .unwrap();
    assert_eq!(
        (to_suspend.due, to_suspend.overdue),
        (d("2026-10-09"), false)
    );
    assert_eq!(to_suspend.clause, "8.5.1");
    assert!(due_of(&c, "2026-10-10", DueKind::Suspend).unwrap().overdue);
    // once suspended, the suspension is no longer due
    let s = c.then("2026-10-09", suspend("2026-09-26"));
    assert!(due_of(&s, "2026-10-12", DueKind::Suspend).is_none());
}

#[test]
fn a_suspension_comes_within_5_working_days_across_national_day() {
    // confirmed Monday 28 September 2026: 29, 30 September, (1–7 October off), 8, 9 and the
    // adjusted working Saturday 10 October
    let c = Story::new().certified("2026-01-28");
    let s = c.allows("2026-10-10", suspend("2026-09-28"));
    assert_eq!(s.replay_all().state, State::Suspended);
    let v = c.refuses("2026-10-11", suspend("2026-09-28"), Rule::SuspensionInTime);
    assert!(v.message.contains("2026-10-10"), "{}", v.message);
}

#[test]
fn an_adjusted_working_sunday_counts() {
    // confirmed Friday 18 September 2026: Sunday 20 September is a working day, so the fifth
    // working day is Thursday 24 September (25 September is Mid-Autumn)
    let c = Story::new().certified("2026-01-28");
    c.allows("2026-09-24", suspend("2026-09-18"));
    c.refuses("2026-09-25", suspend("2026-09-18"), Rule::SuspensionInTime);
}

#[test]
fn status_changes_follow_the_certificate_status() {
    let none = Story::new().contracted_from("2026-03-02");
    let v = none.refuses("2026-03-10", suspend("2026-03-10"), Rule::StatusTransition);
    assert!(v.message.contains("尚未颁发证书"), "{}", v.message);
    let c = Story::new().certified("2026-01-28");
    c.refuses("2026-03-10", restore(), Rule::StatusTransition);
    let suspended = c.clone().then("2026-03-10", suspend("2026-03-09"));
    let v = suspended.refuses("2026-03-11", suspend("2026-03-11"), Rule::StatusTransition);
    assert!(v.message.contains("暂停"), "{}", v.message);
    let withdrawn = suspended.allows("2026-03-20", json!({"type": "withdrawn", "reason": "停业"}));
    assert_eq!(withdrawn.replay_all().state, State::Withdrawn);
    withdrawn.refuses(
        "2026-03-21",
        json!({"type": "withdrawn", "reason": "再次"}),
        Rule::StatusTransition,
    );
    withdrawn.refuses(
        "2026-03-21",
        json!({"type": "cancelled", "reason": "申请注销"}),
        Rule::StatusTransition,
    );
    withdrawn.refuses("2026-03-21", restore(), Rule::StatusTransition);
    let cancelled = c.allows(
        "2026-03-10",
        json!({"type": "cancelled", "reason": "获证组织申请注销"}),
    );
    assert_eq!(
        cancelled.replay_all().certificate.unwrap().status,
        CertStatus::Cancelled
    );
    cancelled.refuses("2026-03-11", suspend("2026-03-11"), Rule::StatusTransition);
}

#[test]
fn a_suspension_may_last_six_months_through_the_last_day() {
    let s = Story::new()
        .certified("2026-01-28")
        .then("2026-10-10", suspend("2026-09-28"));
    let w = due_of(&s, "2027-04-10", DueKind::Withdraw).unwrap();
    assert_eq!((w.due, w.overdue), (d("2027-04-10"), false));
    assert!(due_of(&s, "2027-04-11", DueKind::Withdraw).unwrap().overdue);
    let restored = s.allows("2027-04-10", restore());
    assert_eq!(restored.replay_all().state, State::Certified);
    let v = s.refuses("2027-04-11", restore(), Rule::SuspensionLimit);
    assert!(v.message.contains("2027-04-10"), "{}", v.message);
    // withdrawing after the limit is what is due
    s.allows(
        "2027-04-11",
        json!({"type": "withdrawn", "reason": "暂停期满原因未消除"}),
    );
}

#[test]
fn a_suspension_waiting_for_a_licence_has_no_six_month_limit() {
    let s = Story::new().certified("2026-01-28").then(
        "2026-10-10",
        json!({"type": "suspended", "cause": "资质证书过期，换证申请已受理",
               "cause_confirmed": "2026-09-28", "licence": true}),
    );
    assert!(due_of(&s, "2027-06-01", DueKind::Withdraw).is_none());
    s.allows("2027-06-01", restore());
}

#[test]
fn scope_changes_concern_a_valid_certificate_and_reissue_it() {
    let extend =
        json!({"type": "scope_changed", "change": "extend", "scope": "建筑工程及市政工程施工"});
    Story::new().contracted_from("2026-03-02").refuses(
        "2026-03-10",
        extend.clone(),
        Rule::ScopeNeedsCertificate,
    );
    let c = Story::new().certified("2026-01-28");
    c.clone().then("2026-03-10", suspend("2026-03-10")).refuses(
        "2026-03-11",
        extend.clone(),
        Rule::ScopeNeedsCertificate,
    );
    // an extension needs its audit and a decision to maintain first (8.4.1.2, 8.4.1.3)
    let v = c.refuses("2026-03-10", extend.clone(), Rule::ScopeExtensionAudited);
    assert!(v.message.contains("扩大认证审核"), "{}", v.message);
    // a reduction that does not affect the system is reissued directly (8.4.2.2)
    c.allows(
        "2026-03-10",
        json!({"type": "scope_changed", "change": "reduce", "scope": "房屋建筑工程施工"}),
    );
    let c = c
        .then(
            "2026-03-02",
            json!({"type": "audit_planned", "audit": "EXT", "kind": "special",
                   "start": "2026-03-05", "end": "2026-03-05", "days": 1,
                   "team": [{"person": "lead", "role": "leader"}]}),
        )
        .completed("2026-03-05", "EXT", json!([]))
        .decided("2026-03-09", "EXT");
    let changed = c.allows("2026-03-10", extend);
    let due = due_of(&changed, "2026-03-10", DueKind::Certificate).unwrap();
    assert!(due.message.contains("市政"), "{}", due.message);
    let reissued = changed.allows(
        "2026-03-12",
        json!({"type": "certificate_issued", "number": "TP-1-A"}),
    );
    let out = reissued.replay_as_of("2026-03-12");
    let cert = out.certificate.unwrap();
    assert_eq!(cert.number, "TP-1-A");
    assert_eq!(
        (cert.valid_from, cert.valid_until),
        (d("2026-01-28"), d("2029-01-27"))
    );
    assert!(!out.due.iter().any(|x| x.kind == DueKind::Certificate));
}

#[test]
fn recertification_is_applied_for_from_three_months_before_expiry() {
    // valid until 27 January 2029: from 27 October 2028, that day included
    let c = Story::new()
        .certified("2026-01-28")
        .surveillance("SV1", "2027-01-20")
        .surveillance("SV2", "2028-01-15");
    let applied = json!({"type": "recertification_applied"});
    assert!(due_of(&c, "2028-10-26", DueKind::Recertification).is_none());
    let r = due_of(&c, "2028-10-27", DueKind::Recertification).unwrap();
    assert_eq!((r.due, r.overdue), (d("2029-01-27"), false));
    c.allows("2028-10-27", applied.clone());
    let v = c.refuses("2028-10-26", applied.clone(), Rule::RecertificationWindow);
    assert!(v.message.contains("2028-10-27"), "{}", v.message);
    // expired: start again as initial
    let v = c.refuses("2029-01-28", applied, Rule::RecertificationWindow);
    assert!(v.message.contains("初次认证"), "{}", v.message);
}
