//! Capability evaluation: application, its answer and verification (004 6.1, 6.2), the
//! re-application interval (9.1) and the rules of any case (I-16), each allowed and refused at
//! its edge through `check_next` and `replay`.

mod capability_common;

use capability_common::*;
use serde_json::json;
use tianping_case::capability::{check_next, State};
use tianping_case::Rule;

#[test]
fn events_in_order_same_day_allowed_earlier_day_refused() {
    let s = Story::new().applied("2026-06-01");
    s.allows("2026-06-01", accept());
    let v = s.refuses("2026-05-31", accept(), Rule::EventsInOrder);
    assert!(v.message.contains("2026-05-31") && v.message.contains("2026-06-01"));
}

#[test]
fn not_in_future_is_the_apps_refusal_only() {
    let s = Story::new().applied("2026-06-01");
    let next = ev("2026-06-05", accept());
    assert!(check_next(&s.header, &s.events, &next, d("2026-06-05"), ctx()).is_ok());
    let err = check_next(&s.header, &s.events, &next, d("2026-06-04"), ctx()).unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!((err[0].rule, err[0].event), (Rule::NotInFuture, 1));
    let s = s.then("2026-06-05", accept());
    assert!(s.replay_as_of("2026-06-05").violations.is_empty());
}

#[test]
fn an_answer_follows_an_application_once() {
    Story::new().refuses(
        "2026-06-01",
        accept(),
        Rule::CapabilityReviewNeedsApplication,
    );
    let s = Story::new().applied("2026-06-01");
    assert_eq!(s.replay_all().state, State::Applied);
    let s = s.allows("2026-06-02", accept());
    assert_eq!(s.replay_all().state, State::Accepted);
    let v = s.refuses("2026-06-03", accept(), Rule::NotTwice);
    assert!(v.message.contains("2026-06-02"), "{}", v.message);
}

#[test]
fn a_refusal_says_why() {
    let s = Story::new().applied("2026-06-01");
    for reason in [None, Some(""), Some("  ")] {
        let mut body = json!({"type": "application_reviewed", "result": "refused"});
        if let Some(r) = reason {
            body["reason"] = json!(r);
        }
        let v = s.refuses("2026-06-03", body, Rule::CapabilityRefusalReason);
        assert!(v.message.contains("原因"), "{}", v.message);
    }
    let s = s.allows(
        "2026-06-03",
        json!({"type": "application_reviewed", "result": "refused",
               "reason": "未提供营业执照", "by": "rev"}),
    );
    assert_eq!(s.replay_all().state, State::Refused);
}

#[test]
fn verification_and_the_panel_follow_acceptance() {
    let verify = json!({"type": "verification_done"});
    let first = panel(1, &FIRST);
    for (s, needle) in [
        (Story::new(), "没有评价申请"),
        (Story::new().applied("2026-06-01"), "尚未答复"),
        (
            Story::new().applied("2026-06-01").then(
                "2026-06-02",
                json!({"type": "application_reviewed", "result": "refused", "reason": "资质不符"}),
            ),
            "不予受理",
        ),
    ] {
        let v = s.refuses(
            "2026-06-05",
            verify.clone(),
            Rule::CapabilityNeedsAcceptance,
        );
        assert!(v.message.contains(needle), "{}", v.message);
        s.refuses("2026-06-05", first.clone(), Rule::CapabilityNeedsAcceptance);
    }
    let s = Story::new().applied("2026-06-01").accepted("2026-06-05");
    // the panel may be formed before the verification is done, on the day of acceptance
    s.allows("2026-06-05", first);
    let s = s.allows("2026-06-05", verify.clone());
    assert_eq!(s.replay_all().state, State::InEvaluation);
    s.refuses("2026-06-08", verify, Rule::NotTwice);
}

#[test]
fn one_application_at_a_time() {
    let s = Story::new().applied("2026-06-01");
    let v = s.refuses(
        "2026-06-02",
        json!({"type": "application_received"}),
        Rule::NotTwice,
    );
    assert!(v.message.contains("2026-06-01"), "{}", v.message);
}

/// 9.1: two consecutive applications at least two years apart, counted from the previous
/// accepted application's date; the first possible day is that date + 2 years.
#[test]
fn a_new_application_waits_two_years_from_the_last_accepted_one() {
    let again = json!({"type": "application_received"});
    for (first, day_before, first_possible) in [
        ("2026-06-01", "2028-05-31", "2028-06-01"),
        // from 29 February: 2030 has none, months clamp to 28 February
        ("2028-02-29", "2030-02-27", "2030-02-28"),
        // 1 March 2026 + 2 years: 1 March 2028, the day after 29 February
        ("2026-03-01", "2028-02-29", "2028-03-01"),
    ] {
        let s = Story::new().applied(first).accepted(first);
        let v = s.refuses(
            day_before,
            again.clone(),
            Rule::CapabilityReapplicationInterval,
        );
        assert!(
            v.message.contains(first) && v.message.contains(&format!("最早可于 {first_possible}")),
            "{}",
            v.message
        );
        let s = s.allows(first_possible, again.clone());
        assert_eq!(s.replay_all().state, State::Applied);
    }
    // also when the first evaluation ended with a grade: counted from its application
    let s = Story::graded();
    s.refuses(
        "2028-05-31",
        again.clone(),
        Rule::CapabilityReapplicationInterval,
    );
    s.allows("2028-06-01", again.clone());
}

#[test]
fn a_refused_application_starts_no_interval() {
    // 6.1: a refused application is returned; it began no evaluation, so the enterprise may
    // apply again at once — the interval counts from the last accepted one
    let s = Story::new().applied("2026-06-01").then(
        "2026-06-03",
        json!({"type": "application_reviewed", "result": "refused", "reason": "材料不全"}),
    );
    let s = s.allows("2026-06-10", json!({"type": "application_received"}));
    let s = s.allows("2026-06-12", accept());
    s.refuses(
        "2028-06-09",
        json!({"type": "application_received"}),
        Rule::CapabilityReapplicationInterval,
    );
    s.allows("2028-06-10", json!({"type": "application_received"}));
}
