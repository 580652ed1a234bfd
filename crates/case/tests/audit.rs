//! The audit, its findings and their corrections (8.1.6): each rule allowed and refused at
//! its edge, in the app and in a replayed history.

mod common;

use common::*;
use serde_json::{json, Value};
use tianping_case::{DueKind, Rule};

fn submit(finding: &str, kind: &str) -> Value {
    json!({"type": "correction_submitted", "finding": finding, "kind": kind})
}

fn accept(finding: &str, onsite: bool) -> Value {
    json!({"type": "correction_accepted", "finding": finding, "by": "lead", "onsite": onsite})
}

/// Stage 2 on 3–4 November 2025 with a minor and a major finding.
fn audited() -> Story {
    Story::new()
        .contracted_from("2025-09-01")
        .stage1("2025-10-09")
        .stage2(
            "2025-11-03",
            json!([{"id": "NC1", "severity": "minor"}, {"id": "NC2", "severity": "major"}]),
        )
}

#[test]
fn an_audit_is_completed_on_or_after_its_start() {
    let s = Story::new()
        .contracted_from("2026-03-02")
        .planned("2026-03-09", "S1", "stage1", 1.0);
    s.allows("2026-03-09", done("S1", "2026-03-09", json!([])));
    let v = s.refuses(
        "2026-03-09",
        done("S1", "2026-03-08", json!([])),
        Rule::CompletionAfterPlan,
    );
    assert!(v.message.contains("2026-03-08") && v.message.contains("2026-03-09"));
}

#[test]
fn a_minor_correction_is_due_one_month_after_the_last_day() {
    let s = audited();
    s.allows("2025-12-04", submit("NC1", "plan"));
    let v = s.refuses("2025-12-05", submit("NC1", "plan"), Rule::CorrectionInTime);
    assert!(v.message.contains("2025-12-04"), "{}", v.message);
}

#[test]
fn a_major_correction_is_due_three_months_after_the_last_day() {
    let s = audited();
    s.allows("2026-02-04", submit("NC2", "done"));
    let v = s.refuses("2026-02-05", submit("NC2", "done"), Rule::CorrectionInTime);
    assert!(v.message.contains("2026-02-04"), "{}", v.message);
    // a plan in time does not make a late implementation of a major one timely
    s.allows("2026-01-10", submit("NC2", "plan")).refuses(
        "2026-02-05",
        submit("NC2", "done"),
        Rule::CorrectionInTime,
    );
}

#[test]
fn months_end_at_the_end_of_a_shorter_month() {
    // last day 31 January 2026: a minor one is due 28 February, a major one 30 April
    let s = Story::new()
        .contracted_from("2025-12-01")
        .stage1("2026-01-20")
        .then(
            "2026-01-30",
            plan(
                "S2",
                "stage2",
                "2026-01-30",
                "2026-01-31",
                &["lead", "aud"],
                2.0,
            ),
        )
        .completed(
            "2026-01-31",
            "S2",
            json!([{"id": "NC1", "severity": "minor"}, {"id": "NC2", "severity": "major"}]),
        );
    let due: Vec<_> = s
        .replay_as_of("2026-01-31")
        .due
        .into_iter()
        .filter(|x| x.kind == DueKind::Correction)
        .map(|x| (x.subject.unwrap(), x.due.to_string()))
        .collect();
    assert_eq!(
        due,
        [
            ("NC1".to_string(), "2026-02-28".to_string()),
            ("NC2".to_string(), "2026-04-30".to_string())
        ]
    );
    s.allows("2026-02-28", submit("NC1", "plan"));
    s.refuses("2026-03-01", submit("NC1", "plan"), Rule::CorrectionInTime);
    s.allows("2026-04-30", submit("NC2", "done"));
    s.refuses("2026-05-01", submit("NC2", "done"), Rule::CorrectionInTime);
}

#[test]
fn a_minor_one_with_an_accepted_plan_may_be_implemented_later() {
    // 8.1.6.5 3): a correction that takes longer follows a plan the body approved; its
    // implementation is checked at the next audit (I-16 edges)
    let s = audited()
        .then("2025-11-20", submit("NC1", "plan"))
        .then("2025-11-25", accept("NC1", false));
    s.allows("2026-01-15", submit("NC1", "done"));
    let due = s.replay_as_of("2026-01-15").due;
    assert!(
        !due.iter().any(|x| x.subject.as_deref() == Some("NC1")),
        "a minor finding leaves the due list once its plan is accepted: {due:#?}"
    );
}

#[test]
fn a_major_one_is_verified_on_site() {
    let s = audited().then("2026-01-15", submit("NC2", "done"));
    s.allows("2026-01-20", accept("NC2", true));
    let v = s.refuses(
        "2026-01-20",
        accept("NC2", false),
        Rule::MajorVerifiedOnSite,
    );
    assert!(v.message.contains("onsite"), "{}", v.message);
    // a minor one may be accepted on paper
    audited()
        .then("2025-11-20", submit("NC1", "plan"))
        .allows("2025-11-25", accept("NC1", false));
}

#[test]
fn a_correction_is_accepted_after_it_was_submitted() {
    let s = audited();
    let v = s.refuses(
        "2025-11-25",
        accept("NC1", false),
        Rule::AcceptanceNeedsSubmission,
    );
    assert!(v.message.contains("NC1"), "{}", v.message);
    s.then("2025-11-25", submit("NC1", "plan"))
        .allows("2025-11-25", accept("NC1", false));
}

#[test]
fn an_open_correction_is_overdue_on_the_due_list_the_day_after() {
    let s = audited();
    let nc1 = |as_of: &str| {
        s.replay_as_of(as_of)
            .due
            .into_iter()
            .find(|x| x.subject.as_deref() == Some("NC1"))
            .expect("NC1 is due")
    };
    assert!(!nc1("2025-12-04").overdue);
    assert!(nc1("2025-12-05").overdue);
    assert_eq!(nc1("2025-12-05").clause, "8.1.6.5");
}

#[test]
fn the_client_confirms_the_plan_before_the_audit_starts() {
    let base = Story::new().contracted_from("2026-02-26");
    // planned on 2 March for 9 March, not confirmed yet: the client is due to confirm it
    let s = base.then_unconfirmed(
        "2026-03-02",
        plan("S1", "stage1", "2026-03-09", "2026-03-09", &["lead"], 1.0),
    );
    let due = s.replay_as_of("2026-03-05").due;
    let c = due
        .iter()
        .find(|x| x.kind == DueKind::PlanConfirmation)
        .expect("a confirmation is due");
    assert_eq!(
        (c.due, c.overdue, c.clause),
        (d("2026-03-09"), false, "8.1.4.2")
    );
    // on the start day it is still in time; a day later it is late
    s.allows(
        "2026-03-09",
        json!({"type": "plan_confirmed", "audit": "S1"}),
    );
    let v = s.refuses(
        "2026-03-10",
        json!({"type": "plan_confirmed", "audit": "S1"}),
        Rule::PlanConfirmed,
    );
    assert!(v.message.contains("2026-03-09"), "{}", v.message);
    // an audit completed without the client's confirmation
    let v = s.refuses(
        "2026-03-09",
        done("S1", "2026-03-09", json!([])),
        Rule::PlanConfirmed,
    );
    assert!(v.message.contains("plan_confirmed"), "{}", v.message);
    // confirmed once
    let confirmed = s.allows(
        "2026-03-04",
        json!({"type": "plan_confirmed", "audit": "S1"}),
    );
    confirmed.refuses(
        "2026-03-05",
        json!({"type": "plan_confirmed", "audit": "S1"}),
        Rule::NotTwice,
    );
    assert!(confirmed
        .replay_as_of("2026-03-05")
        .due
        .iter()
        .all(|x| x.kind != DueKind::PlanConfirmation));
}
