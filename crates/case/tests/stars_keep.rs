//! Keeping stars (000 §8; I-6, I-19 and its edges): the yearly supervision and its due date at
//! a month's end, "lower or blacklist" after a supervision that supports fewer stars,
//! lowering, the blacklist and its lifting — each rule allowed and refused, in the app
//! (`check_next`) and in a history (`replay`).

mod stars_common;

use serde_json::json;
use stars_common::*;
use tianping_case::stars::{check_next, State};
use tianping_case::{Due, DueKind, Rule};

fn due_of(s: &Story, as_of: &str, kind: DueKind) -> Option<Due> {
    s.replay_as_of(as_of)
        .due
        .into_iter()
        .find(|x| x.kind == kind)
}

/// 1★ awarded on `award_on` (applied and evaluated 10 days before).
fn awarded_on(award_on: &str) -> Story {
    Story::new()
        .evaluated(&plus(award_on, -10), "online", 1)
        .then(award_on, award(1))
}

#[test]
fn supervision_is_due_12_months_after_the_award_or_the_last_supervision() {
    // (award day, its supervision's last day, the next one's after a supervision on that day)
    let table = [
        ("2025-01-16", "2026-01-16", "2027-01-16"),
        // a month's end clamps: no 29 February in 2025
        ("2024-02-29", "2025-02-28", "2026-02-28"),
        ("2025-08-31", "2026-08-31", "2027-08-31"),
        // from 28 February 2027 the next is 28 February 2028, not the month's last day
        ("2027-02-28", "2028-02-28", "2029-02-28"),
    ];
    for (on, due, next) in table {
        let s = awarded_on(on);
        let item = due_of(&s, on, DueKind::Supervision).expect("supervision due");
        assert_eq!((item.due, item.overdue), (d(due), false), "{on}");
        assert_eq!(item.clause, "8");
        assert!(item.message.contains(on), "{}", item.message);
        let v = s.refuses(&plus(due, 1), supervision(1), Rule::SupervisionInTime);
        assert!(v.message.contains(due), "{}", v.message);
        let kept = s.allows(due, supervision(1));
        let item = due_of(&kept, due, DueKind::Supervision).unwrap();
        assert_eq!(item.due, d(next), "{on}");
        assert!(item.message.contains("上次监督审查"), "{}", item.message);
        kept.refuses(&plus(next, 1), supervision(1), Rule::SupervisionInTime);
        kept.allows(next, supervision(1));
    }
}

#[test]
fn an_overdue_supervision_stays_on_the_due_list() {
    let s = awarded_on("2025-01-16");
    let on_time = due_of(&s, "2026-01-16", DueKind::Supervision).unwrap();
    assert!(!on_time.overdue);
    let out = s.replay_as_of("2026-01-17");
    assert!(
        out.violations.is_empty(),
        "a missing supervision is due, not a violation"
    );
    assert!(out
        .due
        .iter()
        .any(|x| x.kind == DueKind::Supervision && x.overdue));
}

#[test]
fn an_upgrade_restarts_the_supervision_year() {
    let s = awarded_on("2025-01-16")
        .evaluated("2025-09-01", "online", 3)
        .then("2025-09-10", award(3));
    assert_eq!(
        due_of(&s, "2025-09-10", DueKind::Supervision).unwrap().due,
        d("2026-09-10")
    );
    s.allows("2026-09-10", supervision(3));
}

#[test]
fn a_spot_check_is_not_the_yearly_supervision() {
    let s = awarded_on("2025-01-16").allows("2025-06-02", spot_check(1));
    assert_eq!(
        due_of(&s, "2025-06-02", DueKind::Supervision).unwrap().due,
        d("2026-01-16")
    );
    // and is not late itself
    s.allows("2026-03-02", spot_check(1));
    s.refuses("2026-01-19", supervision(1), Rule::SupervisionInTime);
}

#[test]
fn a_supervision_supporting_fewer_stars_asks_to_lower_or_blacklist() {
    let s = Story::new().three_stars("2025-01-06");
    let fewer = s.allows("2025-12-01", supervision(2));
    let out = fewer.replay_as_of("2026-02-01");
    assert!(out.violations.is_empty(), "a fact, not a violation");
    let item = out
        .due
        .iter()
        .find(|x| x.kind == DueKind::LowerOrBlacklist)
        .expect("lower or blacklist due");
    assert_eq!((item.due, item.overdue), (d("2025-12-01"), false));
    assert!(
        item.message.contains("三星级") && item.message.contains("应降至二星级"),
        "{}",
        item.message
    );
    // a later supervision that supports the stars held clears it
    let again = fewer.allows("2026-01-05", supervision(3));
    assert!(due_of(&again, "2026-01-05", DueKind::LowerOrBlacklist).is_none());
    // as do the lowering and the blacklisting
    let lowered = fewer.allows("2025-12-15", lower(2));
    assert!(due_of(&lowered, "2025-12-15", DueKind::LowerOrBlacklist).is_none());
    let listed = fewer.allows("2025-12-15", blacklist());
    assert!(listed.replay_all().due.is_empty());
    // a supervision supporting as many or more stars puts nothing
    let more = s.allows("2025-12-01", supervision(4));
    assert!(due_of(&more, "2025-12-01", DueKind::LowerOrBlacklist).is_none());
}

#[test]
fn lowering_goes_to_what_the_supervision_supports() {
    let s = Story::new().three_stars("2025-01-06");
    // no supervision since the award: no basis
    let v = s.refuses("2025-06-02", lower(2), Rule::StarLowering);
    assert!(
        v.message.contains("没有监督审查或抽查验证结果"),
        "{}",
        v.message
    );
    // a supervision supporting the stars held: no basis either
    let v = s.clone().then("2025-12-01", supervision(3)).refuses(
        "2025-12-02",
        lower(2),
        Rule::StarLowering,
    );
    assert!(v.message.contains("不少于现有三星级"), "{}", v.message);
    // to exactly what it supports: not more, not fewer, not the same
    let fewer = s.then("2025-12-01", supervision(1));
    for to in [2, 0, 3] {
        let v = fewer.refuses("2025-12-02", lower(to), Rule::StarLowering);
        assert!(
            v.message.contains("应由三星级降为一星级"),
            "{to}: {}",
            v.message
        );
    }
    let lowered = fewer.allows("2025-12-02", lower(1));
    let out = lowered.replay_all();
    assert_eq!(
        (out.stars.current, out.stars.since),
        (1, Some(d("2025-12-02")))
    );
    assert_eq!(out.state, State::Rated);
    // the supervision year runs from the supervision, not the lowering
    assert_eq!(
        due_of(&lowered, "2025-12-02", DueKind::Supervision)
            .unwrap()
            .due,
        d("2026-12-01")
    );
    // one supervision founds one lowering
    let v = lowered.refuses("2025-12-03", lower(0), Rule::StarLowering);
    assert!(v.message.contains("自 2025-12-02"), "{}", v.message);
}

#[test]
fn a_spot_check_can_found_a_lowering_and_to_none_ends_the_supervision() {
    let s = Story::new()
        .one_star("2025-01-06")
        .then("2025-07-01", spot_check(0));
    let none = s.allows("2025-07-08", lower(0));
    let out = none.replay_all();
    assert_eq!((out.stars.current, out.state), (0, State::Unrated));
    assert!(
        out.due.is_empty(),
        "no stars, nothing to supervise: {:?}",
        out.due
    );
    none.refuses("2025-09-01", supervision(1), Rule::StarStatus);
    none.refuses("2025-09-01", lower(0), Rule::StarStatus);
}

#[test]
fn lowering_keeps_single_dimension_stars_unless_none_are_left() {
    let dims = json!({"企业信用": 3});
    let s = Story::new()
        .then("2025-01-06", applied("onsite"))
        .then("2025-01-06", result("online", 1))
        .then("2025-01-20", onsite_result(1, dims.clone()))
        .then("2025-01-27", award_dims(1, dims))
        .then("2025-06-02", supervision(0));
    let out = s.replay_all();
    assert_eq!(out.stars.dimension_stars.unwrap()["企业信用"], 3);
    let out = s.allows("2025-06-09", lower(0)).replay_all();
    assert_eq!(out.stars.dimension_stars, None);
}

#[test]
fn supervision_and_lowering_need_stars() {
    let v = Story::new().refuses("2026-03-02", supervision(1), Rule::StarStatus);
    assert!(v.message.contains("尚未获得星级"), "{}", v.message);
    Story::new().refuses("2026-03-02", lower(0), Rule::StarStatus);
    let listed = Story::new()
        .one_star("2025-01-06")
        .then("2025-02-03", supervision(0))
        .then("2025-02-10", blacklist());
    let v = listed.refuses("2025-02-11", lower(0), Rule::StarStatus);
    assert!(v.message.contains("2025-02-10 列入黑名单"), "{}", v.message);
    listed.refuses("2025-02-11", supervision(1), Rule::StarStatus);
}

#[test]
fn the_blacklist_takes_the_stars_and_is_entered_and_lifted_once() {
    let s = Story::new().three_stars("2025-01-06");
    let listed = s.allows("2025-09-01", blacklist());
    let out = listed.replay_all();
    assert_eq!((out.state, out.stars.current), (State::Blacklisted, 0));
    let v = listed.refuses("2025-09-02", blacklist(), Rule::StarStatus);
    assert!(
        v.message.contains("已于 2025-09-01 列入黑名单"),
        "{}",
        v.message
    );
    let v = s.refuses("2025-09-01", lift(), Rule::StarStatus);
    assert!(v.message.contains("未列入黑名单"), "{}", v.message);
    let lifted = listed.allows("2025-10-08", lift());
    assert_eq!(lifted.replay_all().state, State::Unrated);
    lifted.refuses("2025-10-09", lift(), Rule::StarStatus);
    // an enterprise without stars can be blacklisted too
    Story::new()
        .then("2025-09-01", applied("online"))
        .allows("2025-09-05", blacklist());
}

#[test]
fn lowering_and_the_blacklist_are_recorded_decisions() {
    let s = Story::new().three_stars("2025-01-06");
    let cases = [
        (
            json!({"type": "blacklisted", "reason": " ", "by": "dec"}),
            "理由（reason）",
        ),
        (
            json!({"type": "blacklisted", "reason": "虚假材料", "by": ""}),
            "作出决定的人员（by）",
        ),
    ];
    for (body, needle) in cases {
        let v = s.refuses("2025-09-01", body, Rule::StarDecisionRecorded);
        assert!(v.message.contains(needle), "{}", v.message);
    }
    let listed = s.clone().then("2025-09-01", blacklist());
    listed.refuses(
        "2025-09-02",
        json!({"type": "blacklist_lifted", "by": ""}),
        Rule::StarDecisionRecorded,
    );
    s.then("2025-12-01", supervision(2)).refuses(
        "2025-12-02",
        json!({"type": "star_lowered", "stars": 2, "by": ""}),
        Rule::StarDecisionRecorded,
    );
}

#[test]
fn events_are_in_date_order_and_not_in_the_future() {
    let s = Story::new().one_star("2025-01-06");
    let v = s.refuses("2025-01-10", supervision(1), Rule::EventsInOrder);
    assert!(v.message.contains("2025-01-16"), "{}", v.message);
    let next = ev("2025-03-02", supervision(1));
    let refused = check_next(&s.header, &s.events, &next, d("2025-03-01")).unwrap_err();
    assert_eq!(refused[0].rule, Rule::NotInFuture);
}
