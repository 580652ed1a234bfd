//! Awarding stars (000 §6, §8; I-6, I-19): each award rule allowed and refused, in the app
//! (`check_next`) and in a history (`replay`), and every step of I-6 from a table.

mod stars_common;

use serde_json::json;
use stars_common::*;
use tianping_case::stars::State;
use tianping_case::{DueKind, Rule};

/// The history before an award: the enterprise holds `current` stars (reached by the allowed
/// path), then applies on 2026-06-01 and gets the `results` (mode, stars) that month.
fn holding(current: u8, results: &[(&str, u8)]) -> Story {
    let mut s = Story::new();
    if current >= 1 {
        s = s.one_star("2025-01-06");
    }
    if current >= 2 {
        s = s
            .evaluated("2025-03-03", "online", current.min(3))
            .then("2025-03-10", award(current.min(3)));
    }
    if current >= 4 {
        s = s
            .then("2025-05-06", applied("onsite"))
            .then("2025-05-06", result("online", 3))
            .then("2025-05-20", result("onsite", current))
            .then("2025-05-26", award(current));
    }
    if current >= 1 {
        s = s.then("2026-01-05", supervision(current));
    }
    let mode = if results.iter().any(|(m, _)| *m == "onsite") {
        "onsite"
    } else {
        "online"
    };
    let mut s = s.then("2026-06-01", applied(mode));
    for (i, (m, n)) in results.iter().enumerate() {
        s = s.then(&plus("2026-06-01", i as i64 * 7), result(m, *n));
    }
    s
}

/// Stars held, the application's results (mode, stars), stars awarded, the rules refusing it.
type Step = (u8, &'static [(&'static str, u8)], u8, &'static [Rule]);

#[test]
fn every_step_of_i6_from_a_table() {
    // (stars held, results of the application, stars awarded, the rules that refuse it)
    #[rustfmt::skip]
    let table: &[Step] = &[
        // the first award: 1★ only, whatever the result supports
        (0, &[("online", 1)], 1, &[]),
        (0, &[("online", 3)], 1, &[]),
        (0, &[("onsite", 2)], 1, &[]),
        (0, &[("online", 3)], 2, &[Rule::StarFirstAward]),
        (0, &[("online", 3), ("onsite", 5)], 5, &[Rule::StarFirstAward]),
        (0, &[("online", 0)], 1, &[Rule::StarWithinResult]),
        // an award gives stars: none is no award
        (0, &[("online", 1)], 0, &[Rule::StarFirstAward]),
        (1, &[("online", 3)], 0, &[Rule::StarAwardNotLower]),
        // 1★: online to 2★ or 3★, never 4★ (needs 3★ first, and an on-site result)
        (1, &[("online", 2)], 2, &[]),
        (1, &[("online", 3)], 3, &[]),
        (1, &[("online", 3)], 1, &[]),
        (1, &[("online", 3)], 4, &[Rule::StarFourFive, Rule::StarWithinResult]),
        (1, &[("online", 3), ("onsite", 4)], 4, &[Rule::StarFourFive]),
        (1, &[("onsite", 3)], 3, &[Rule::StarOnlineStep]),
        (1, &[("online", 2)], 3, &[Rule::StarWithinResult]),
        // 2★: to 3★
        (2, &[("online", 3)], 3, &[]),
        (2, &[("online", 3)], 1, &[Rule::StarAwardNotLower]),
        (2, &[("online", 3), ("onsite", 5)], 5, &[Rule::StarFourFive]),
        // 3★: 4★ or 5★ with online and on-site results of the application
        (3, &[("online", 3), ("onsite", 5)], 5, &[]),
        (3, &[("online", 3), ("onsite", 4)], 4, &[]),
        (3, &[("online", 3), ("onsite", 4)], 5, &[Rule::StarWithinResult]),
        (3, &[("online", 3)], 4, &[Rule::StarFourFive, Rule::StarWithinResult]),
        (3, &[("onsite", 5)], 5, &[Rule::StarFourFive]),
        (3, &[("online", 3)], 3, &[]),
        // 4★: to 5★ likewise; never down by an award
        (4, &[("online", 3), ("onsite", 5)], 5, &[]),
        (4, &[("online", 3), ("onsite", 5)], 3, &[Rule::StarAwardNotLower]),
        (4, &[("onsite", 5)], 5, &[Rule::StarFourFive]),
    ];
    for (current, results, target, refused) in table {
        let s = holding(*current, results);
        let at = plus("2026-06-01", 30);
        let case = format!("{current}★ + {results:?} → {target}★");
        assert_eq!(s.replay_all().stars.current, *current, "{case}");
        if refused.is_empty() {
            let after = s.allows(&at, award(*target));
            assert_eq!(after.replay_all().stars.current, *target, "{case}");
        } else {
            let got: Vec<Rule> = s
                .refuses_all(&at, award(*target), refused[0])
                .iter()
                .map(|v| v.rule)
                .collect();
            assert_eq!(&got, refused, "{case}");
        }
    }
}

#[test]
fn an_award_needs_an_application_and_its_result() {
    let v = Story::new().refuses("2026-03-02", award(1), Rule::StarAwardNeedsResult);
    assert!(v.message.contains("没有星级申请"), "{}", v.message);
    let open = Story::new().then("2026-03-02", applied("online"));
    let v = open.refuses("2026-03-05", award(1), Rule::StarAwardNeedsResult);
    assert!(v.message.contains("尚无评价结果"), "{}", v.message);
    let one = open
        .then("2026-03-09", result("online", 1))
        .allows("2026-03-10", award(1));
    // one decision per application: the next award needs a new application and result
    let v = one.refuses("2026-03-11", award(1), Rule::StarAwardNeedsResult);
    assert!(
        v.message.contains("2026-03-10 作出授予决定"),
        "{}",
        v.message
    );
    let v = one.clone().then("2026-05-04", applied("online")).refuses(
        "2026-05-05",
        award(3),
        Rule::StarAwardNeedsResult,
    );
    assert!(v.message.contains("2026-05-04 的申请"), "{}", v.message);
    one.then("2026-05-04", applied("online"))
        .then("2026-05-08", result("online", 3))
        .allows("2026-05-08", award(3));
}

#[test]
fn a_result_without_an_open_application_is_no_basis() {
    // a result is a fact: recorded with a warning, never refused
    let s = Story::new()
        .one_star("2026-01-05")
        .allows("2026-02-02", result("online", 3));
    assert!(
        s.replay_all().warnings[0].contains("不属于任何未决定的星级申请"),
        "{:?}",
        s.replay_all().warnings
    );
    s.refuses("2026-02-03", award(3), Rule::StarAwardNeedsResult);
}

#[test]
fn a_new_application_replaces_an_undecided_one() {
    // the online result of the first application does not count for the second
    let s = Story::new()
        .three_stars("2025-01-06")
        .then("2026-01-05", applied("online"))
        .then("2026-01-06", result("online", 3))
        .then("2026-02-02", applied("onsite"))
        .then("2026-02-20", result("onsite", 5));
    let v = s.refuses("2026-02-23", award(5), Rule::StarFourFive);
    assert!(v.message.contains("没有线上自评结果"), "{}", v.message);
    Story::new()
        .three_stars("2025-01-06")
        .then("2026-01-05", applied("online"))
        .then("2026-02-02", applied("onsite"))
        .then("2026-02-03", result("online", 3))
        .then("2026-02-20", result("onsite", 5))
        .allows("2026-02-23", award(5));
}

#[test]
fn never_more_than_the_latest_result_of_the_application() {
    // a later result supporting fewer stars is the one that counts
    let s = Story::new()
        .one_star("2025-01-06")
        .evaluated("2025-06-02", "online", 3)
        .then("2025-06-20", result("online", 2));
    let v = s.refuses("2025-06-23", award(3), Rule::StarWithinResult);
    assert!(
        v.message.contains("2025-06-20 线上自评结果（二星级）")
            && v.message.contains("最高可授予二星级"),
        "{}",
        v.message
    );
    s.allows("2025-06-23", award(2));
}

#[test]
fn single_dimension_stars_only_after_an_on_site_result() {
    let dims = json!({"企业信用": 3, "技术能力": 4});
    // online only: no single-dimension stars, even with the comprehensive award allowed
    let online = Story::new().evaluated("2026-03-02", "online", 1);
    let v = online.refuses(
        "2026-03-09",
        award_dims(1, dims.clone()),
        Rule::DimensionStarsOnsite,
    );
    assert!(v.message.contains("没有现场实地审查结果"), "{}", v.message);
    online.allows("2026-03-09", award(1));
    // with an on-site result: up to what it gives each dimension
    let onsite = Story::new()
        .then("2026-03-02", applied("onsite"))
        .then("2026-03-02", result("online", 1))
        .then(
            "2026-03-20",
            onsite_result(2, json!({"企业信用": 3, "技术能力": 4})),
        );
    let s = onsite.allows("2026-03-23", award_dims(1, dims));
    let stars = s.replay_all().stars;
    assert_eq!(stars.current, 1);
    assert_eq!(stars.dimension_stars.unwrap()["技术能力"], 4);
    let v = onsite.refuses(
        "2026-03-23",
        award_dims(1, json!({"企业信用": 4})),
        Rule::StarWithinResult,
    );
    assert!(
        v.message.contains("企业信用 授予四星级，结果为三星级")
            && !v.message.contains("最高可授予"),
        "{}",
        v.message
    );
    let v = onsite.refuses(
        "2026-03-23",
        award_dims(1, json!({"服务能力": 1})),
        Rule::StarWithinResult,
    );
    assert!(
        v.message.contains("服务能力 在结果中没有单项星级"),
        "{}",
        v.message
    );
}

#[test]
fn a_blacklisted_enterprise_is_not_awarded_until_lifted() {
    let listed = Story::new()
        .three_stars("2025-01-06")
        .then("2025-09-01", blacklist())
        .evaluated("2025-10-08", "online", 3);
    let v = listed.refuses("2025-10-15", award(1), Rule::StarBlacklisted);
    assert!(
        v.message.contains("2025-09-01") && v.message.contains("提供虚假材料"),
        "{}",
        v.message
    );
    assert_eq!(listed.replay_all().state, State::Blacklisted);
    assert!(
        listed.replay_all().due.is_empty(),
        "nothing to award or supervise"
    );
    // lifted: the enterprise starts again from no stars
    let lifted = listed.allows("2025-11-03", lift());
    assert_eq!(lifted.replay_all().state, State::Evaluated);
    lifted.refuses("2025-11-04", award(3), Rule::StarFirstAward);
    let s = lifted.allows("2025-11-04", award(1));
    assert_eq!(s.replay_all().stars.current, 1);
}

#[test]
fn a_blacklisting_ends_the_open_application() {
    let s = Story::new()
        .then("2025-09-01", applied("online"))
        .then("2025-09-05", result("online", 1))
        .then("2025-09-08", blacklist())
        .then("2025-10-08", lift());
    let v = s.refuses("2025-10-09", award(1), Rule::StarAwardNeedsResult);
    assert!(v.message.contains("列入黑名单而终止"), "{}", v.message);
}

#[test]
fn an_award_names_who_decided() {
    let s = Story::new().evaluated("2026-03-02", "online", 1);
    for by in ["", "  "] {
        let v = s.refuses(
            "2026-03-09",
            json!({"type": "star_awarded", "stars": 1, "by": by}),
            Rule::StarDecisionRecorded,
        );
        assert!(v.message.contains("by"), "{}", v.message);
    }
}

#[test]
fn a_result_waiting_for_a_decision_is_due() {
    let s = Story::new().then("2026-03-02", applied("online"));
    assert_eq!(s.replay_all().state, State::Applied);
    assert!(s.replay_all().due.is_empty());
    let s = s.then("2026-03-16", result("online", 3));
    let out = s.replay_as_of("2026-04-01");
    assert_eq!(out.state, State::Evaluated);
    let due = &out.due[0];
    assert_eq!(
        (due.kind, due.due, due.overdue),
        (DueKind::StarAward, d("2026-03-16"), false)
    );
    assert!(due.message.contains("最高可授予一星级"), "{}", due.message);
    let rated = s.then("2026-04-01", award(1)).replay_all();
    assert_eq!(rated.state, State::Rated);
    assert!(rated.due.iter().all(|x| x.kind != DueKind::StarAward));
    // a result that allows nothing above the stars held asks for no award
    let same = Story::new()
        .one_star("2025-01-06")
        .evaluated("2025-06-02", "online", 1)
        .replay_all();
    assert!(
        same.due.iter().all(|x| x.kind != DueKind::StarAward),
        "{:?}",
        same.due
    );
}
