//! Appeals and complaints (11.1) and the records' retention (10): each rule allowed and
//! refused at its edge, in the app and in a replayed history.

mod common;

use common::*;
use serde_json::json;
use tianping_case::certification::deletion_allowed;
use tianping_case::{DueKind, Rule};

/// Granted on Thursday 24 September 2026, the day before Mid-Autumn.
fn decided() -> Story {
    Story::new()
        .contracted_from("2026-06-01")
        .stage1("2026-07-01")
        .stage2("2026-08-03", json!([]))
        .decided("2026-09-24", "S2")
}

#[test]
fn an_appeal_comes_within_10_working_days_across_the_autumn_holidays() {
    // 28, 29, 30 September; 8, 9, Saturday 10 (adjusted), 12, 13, 14, 15 October
    let s = decided();
    let appealed = s.allows("2026-10-15", json!({"type": "appeal_received", "id": "A1"}));
    let due = appealed
        .replay_as_of("2026-10-15")
        .due
        .into_iter()
        .find(|x| x.kind == DueKind::Appeal)
        .unwrap();
    assert_eq!(due.subject.as_deref(), Some("A1"));
    let v = s.refuses(
        "2026-10-16",
        json!({"type": "appeal_received", "id": "A1"}),
        Rule::AppealInTime,
    );
    assert!(
        v.message.contains("2026-10-15") && v.message.contains("2026-09-24"),
        "{}",
        v.message
    );
}

#[test]
fn an_appeal_is_decided_by_someone_outside_the_decision() {
    let s = decided().then("2026-09-30", json!({"type": "appeal_received"}));
    let v = s.refuses(
        "2026-10-20",
        json!({"type": "appeal_decided", "by": "dec", "result": "rejected"}),
        Rule::AppealImpartial,
    );
    // named as the header describes them
    assert!(v.message.contains("决定人员"), "{}", v.message);
    // nor by a member of the team whose audit the decision covered
    let v = s.refuses(
        "2026-10-20",
        json!({"type": "appeal_decided", "by": "lead", "result": "rejected"}),
        Rule::AppealImpartial,
    );
    assert!(v.message.contains("审核组成员"), "{}", v.message);
    let closed = s.allows(
        "2026-10-20",
        json!({"type": "appeal_decided", "by": "dec2", "result": "upheld"}),
    );
    assert!(!closed
        .replay_as_of("2026-10-20")
        .due
        .iter()
        .any(|x| x.kind == DueKind::Appeal));
}

#[test]
fn appeals_and_complaints_are_closed_once_after_they_were_received() {
    let s = decided();
    s.refuses(
        "2026-09-30",
        json!({"type": "appeal_decided", "by": "dec2", "result": "rejected"}),
        Rule::AppealOpen,
    );
    s.refuses(
        "2026-09-30",
        json!({"type": "complaint_closed", "by": "dec2"}),
        Rule::AppealOpen,
    );
    let a = s
        .clone()
        .then("2026-09-28", json!({"type": "appeal_received", "id": "A1"}))
        .then(
            "2026-09-30",
            json!({"type": "appeal_decided", "by": "dec2", "result": "rejected", "id": "A1"}),
        );
    a.refuses(
        "2026-10-08",
        json!({"type": "appeal_decided", "by": "dec2", "result": "upheld", "id": "A1"}),
        Rule::AppealOpen,
    );
    a.refuses(
        "2026-10-08",
        json!({"type": "appeal_received", "id": "A1"}),
        Rule::NotTwice,
    );
    let c = s.allows(
        "2026-10-08",
        json!({"type": "complaint_received", "id": "C1"}),
    );
    let due = c.replay_as_of("2026-10-08").due;
    assert!(due.iter().any(|x| x.kind == DueKind::Complaint));
    c.refuses(
        "2026-10-09",
        json!({"type": "complaint_received", "id": "C1"}),
        Rule::NotTwice,
    );
    c.allows(
        "2026-10-09",
        json!({"type": "complaint_closed", "by": "dec2", "id": "C1"}),
    )
    .refuses(
        "2026-10-10",
        json!({"type": "complaint_closed", "by": "dec2", "id": "C1"}),
        Rule::AppealOpen,
    );
}

#[test]
fn records_are_kept_for_the_current_cycle_and_one_more() {
    // certificate valid until 27 January 2029; the next full cycle ends 27 January 2032
    let case = Story::new().certified("2026-01-28").replay_all().case;
    let v = deletion_allowed(&case, d("2032-01-27")).unwrap_err();
    assert_eq!(v.rule, Rule::RecordsRetention);
    assert_eq!(v.clause, "10");
    assert!(v.message.contains("2032-01-28"), "{}", v.message);
    assert!(deletion_allowed(&case, d("2032-01-28")).is_ok());
    // a renewal moves the current cycle on
    let renewed = Story::new()
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
        .decided("2028-12-20", "R1")
        .issued("2028-12-22", "TP-2")
        .replay_all()
        .case;
    assert!(deletion_allowed(&renewed, d("2032-01-28")).is_err());
    assert!(deletion_allowed(&renewed, d("2035-01-28")).is_ok());
    // never certified: three years from the last event
    let refused = Story::new()
        .applied("2026-03-02")
        .then(
            "2026-03-05",
            json!({"type": "application_reviewed", "result": "refused", "reason": "不符合条件"}),
        )
        .replay_all()
        .case;
    assert!(deletion_allowed(&refused, d("2029-03-05")).is_err());
    assert!(deletion_allowed(&refused, d("2029-03-06")).is_ok());
}
