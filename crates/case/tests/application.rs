//! Application, review and contract (8.1.1–8.1.2), and the rules of any case (I-16): each
//! rule allowed and refused at its edge, in the app (`check_next`) and in a replayed history.

mod common;

use common::*;
use serde_json::json;
use tianping_case::certification::{check_next, State};
use tianping_case::Rule;

#[test]
fn events_in_order_same_day_allowed_earlier_day_refused() {
    let s = Story::new().applied("2026-03-02");
    s.allows(
        "2026-03-02",
        json!({"type": "application_reviewed", "result": "accepted", "by": "rev"}),
    );
    let v = s.refuses(
        "2026-03-01",
        json!({"type": "application_reviewed", "result": "accepted", "by": "rev"}),
        Rule::EventsInOrder,
    );
    assert!(v.message.contains("2026-03-01") && v.message.contains("2026-03-02"));
}

#[test]
fn not_in_future_refused_by_the_app_only() {
    let s = Story::new().applied("2026-03-02");
    let next = ev(
        "2026-03-05",
        json!({"type": "application_reviewed", "result": "accepted", "by": "rev"}),
    );
    let ctx = s.ctx();
    // entered on the day of the act: allowed
    assert!(check_next(&s.header, &s.events, &next, d("2026-03-05"), ctx).is_ok());
    // entered the day before it happens: refused
    let err = check_next(&s.header, &s.events, &next, d("2026-03-04"), ctx).unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].rule, Rule::NotInFuture);
    assert_eq!(err[0].event, 1);
    assert!(err[0].message.contains("2026-03-04"), "{}", err[0].message);
    // a replayed history is not refused for it: `case check` warns instead (I-16 edges)
    let s = s.then(
        "2026-03-05",
        json!({"type": "application_reviewed", "result": "accepted", "by": "rev"}),
    );
    assert!(s.replay_as_of("2026-03-05").violations.is_empty());
}

#[test]
fn review_needs_an_application() {
    let body = json!({"type": "application_reviewed", "result": "accepted", "by": "rev"});
    Story::new().refuses("2026-03-02", body.clone(), Rule::ReviewNeedsApplication);
    Story::new()
        .applied("2026-03-02")
        .allows("2026-03-03", body);
}

#[test]
fn a_supplement_request_names_its_due_date_after_the_review() {
    let s = Story::new().applied("2026-03-02");
    let ask = |due: Option<&str>| {
        let mut b = json!({"type": "application_reviewed", "result": "supplement_requested"});
        if let Some(due) = due {
            b["due"] = json!(due);
        }
        b
    };
    s.refuses("2026-03-05", ask(None), Rule::SupplementDue);
    let v = s.refuses("2026-03-05", ask(Some("2026-03-05")), Rule::SupplementDue);
    assert!(v.message.contains("2026-03-05"), "{}", v.message);
    let s = s.allows("2026-03-05", ask(Some("2026-03-06")));
    assert_eq!(s.replay_all().state, State::SupplementRequested);
}

#[test]
fn a_supplement_arrives_by_its_due_date() {
    // asked on Monday 28 September 2026 for 5 working days: across National Day (1–7
    // October) and the adjusted working Saturday 10 October, the due date is 10 October
    let s = Story::new().applied("2026-09-25").then(
        "2026-09-28",
        json!({"type": "application_reviewed", "result": "supplement_requested", "due": "2026-10-10"}),
    );
    let supplement = json!({"type": "application_received", "headcount": 130,
                            "scope": "建筑工程施工合同履约管理"});
    let later = s.allows("2026-10-10", supplement.clone());
    assert_eq!(later.replay_all().state, State::Applied);
    let v = s.refuses("2026-10-11", supplement, Rule::SupplementDue);
    assert!(v.message.contains("2026-10-10"), "{}", v.message);
    // after refusing the late supplement, a new application starts again
    s.then(
        "2026-10-11",
        json!({"type": "application_reviewed", "result": "refused", "reason": "逾期未补充"}),
    )
    .allows(
        "2026-10-12",
        json!({"type": "application_received", "headcount": 130, "scope": "建筑工程"}),
    );
}

#[test]
fn a_refusal_gives_its_reason() {
    let s = Story::new().applied("2026-03-02");
    s.refuses(
        "2026-03-05",
        json!({"type": "application_reviewed", "result": "refused"}),
        Rule::RefusalReason,
    );
    s.refuses(
        "2026-03-05",
        json!({"type": "application_reviewed", "result": "refused", "reason": "  "}),
        Rule::RefusalReason,
    );
    let s = s.allows(
        "2026-03-05",
        json!({"type": "application_reviewed", "result": "refused", "reason": "列入严重违法失信名单"}),
    );
    assert_eq!(s.replay_all().state, State::ApplicationRefused);
}

#[test]
fn an_application_is_reviewed_once() {
    let s = Story::new().applied("2026-03-02").accepted("2026-03-03");
    let v = s.refuses(
        "2026-03-04",
        json!({"type": "application_reviewed", "result": "accepted", "by": "rev"}),
        Rule::NotTwice,
    );
    assert!(v.message.contains("2026-03-03"), "{}", v.message);
}

#[test]
fn the_contract_follows_acceptance() {
    let contract = json!({"type": "contract_signed"});
    Story::new().refuses(
        "2026-03-02",
        contract.clone(),
        Rule::ContractNeedsAcceptance,
    );
    let s = Story::new().applied("2026-03-02");
    s.refuses(
        "2026-03-04",
        contract.clone(),
        Rule::ContractNeedsAcceptance,
    );
    s.clone()
        .then(
            "2026-03-03",
            json!({"type": "application_reviewed", "result": "supplement_requested", "due": "2026-03-20"}),
        )
        .refuses("2026-03-04", contract.clone(), Rule::ContractNeedsAcceptance);
    let s = s.accepted("2026-03-03").allows("2026-03-04", contract);
    assert_eq!(s.replay_all().state, State::Contracted);
}

#[test]
fn an_audit_needs_acceptance_and_a_contract() {
    let s1 = plan("S1", "stage1", "2026-03-10", "2026-03-10", &["lead"], 1.0);
    let v = Story::new().applied("2026-03-02").refuses(
        "2026-03-05",
        s1.clone(),
        Rule::AuditNeedsContract,
    );
    assert!(v.message.contains("尚未受理"), "{}", v.message);
    let accepted = Story::new().applied("2026-03-02").accepted("2026-03-03");
    let v = accepted.refuses("2026-03-05", s1.clone(), Rule::AuditNeedsContract);
    assert!(v.message.contains("尚未签订认证合同"), "{}", v.message);
    let s = accepted.contracted("2026-03-04").allows("2026-03-05", s1);
    assert_eq!(s.replay_all().state, State::InAudit);
}

#[test]
fn the_system_operates_three_months_before_stage_2() {
    // system_start 2025-03-31: three months later is 30 June (31 June does not exist)
    let s = Story::new()
        .then(
            "2025-05-06",
            json!({"type": "application_received", "headcount": 120, "scope": "建筑工程",
                   "system_start": "2025-03-31"}),
        )
        .accepted("2025-05-07")
        .contracted("2025-05-08")
        .stage1("2025-05-12");
    let stage2 = |start: &str| plan("S2", "stage2", start, start, &["lead", "aud"], 2.0);
    s.allows("2025-05-20", stage2("2025-06-30"));
    let v = s.refuses("2025-05-20", stage2("2025-06-29"), Rule::SystemOperating);
    assert!(v.message.contains("2025-06-30"), "{}", v.message);
}

#[test]
fn references_name_what_the_case_has() {
    let s = Story::new()
        .contracted_from("2026-03-02")
        .stage1("2026-03-10");
    s.refuses(
        "2026-03-11",
        done("S9", "2026-03-11", json!([])),
        Rule::KnownReference,
    );
    s.refuses("2026-03-11", grant("S9", "dec"), Rule::KnownReference);
    s.refuses(
        "2026-03-11",
        json!({"type": "correction_submitted", "finding": "NC9", "kind": "plan"}),
        Rule::KnownReference,
    );
    s.refuses(
        "2026-03-11",
        json!({"type": "correction_accepted", "finding": "NC9", "by": "lead", "onsite": false}),
        Rule::KnownReference,
    );
    // an appeal needs a decision to appeal against
    s.refuses(
        "2026-03-11",
        json!({"type": "appeal_received"}),
        Rule::KnownReference,
    );
}

#[test]
fn what_happens_once_is_not_recorded_twice() {
    let s = Story::new()
        .contracted_from("2026-03-02")
        .stage1("2026-03-10");
    // the same audit id planned again
    s.refuses(
        "2026-03-11",
        plan("S1", "stage1", "2026-03-12", "2026-03-12", &["lead"], 1.0),
        Rule::NotTwice,
    );
    // the same audit completed again
    s.refuses(
        "2026-03-11",
        done("S1", "2026-03-10", json!([])),
        Rule::NotTwice,
    );
    // a finding id used by an earlier audit
    let s = s.stage2("2026-03-20", json!([{"id": "NC1", "severity": "minor"}]));
    s.clone()
        .planned("2026-03-22", "X1", "stage1", 1.0)
        .refuses(
            "2026-03-22",
            done(
                "X1",
                "2026-03-22",
                json!([{"id": "NC1", "severity": "minor"}]),
            ),
            Rule::NotTwice,
        );
    // one decision per audit
    let s = s
        .then(
            "2026-03-23",
            json!({"type": "correction_submitted", "finding": "NC1", "kind": "plan"}),
        )
        .then(
            "2026-03-24",
            json!({"type": "correction_accepted", "finding": "NC1", "by": "lead", "onsite": false}),
        )
        .decided("2026-03-25", "S2");
    s.refuses("2026-03-26", grant("S2", "dec2"), Rule::NotTwice);
}
