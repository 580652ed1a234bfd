//! Capability evaluation after confirmation: announcement and final report (6.5, 8.1), the
//! grade valid until confirmation + 5 years − 1 day (9.1, I-18 edges), its revocation and
//! downgrading (9.2), and the due list around them.

mod capability_common;

use capability_common::*;
use serde_json::json;
use tianping_case::capability::{Grade, State};
use tianping_case::{DueKind, Rule};

fn kinds(s: &Story, as_of: &str) -> Vec<DueKind> {
    s.replay_as_of(as_of).due.iter().map(|x| x.kind).collect()
}

#[test]
fn announcement_and_final_report_follow_the_confirmation() {
    let announce = json!({"type": "announced", "media": "省内主流报纸"});
    let report = json!({"type": "report_issued", "number": "CIC-2026-001"});
    let s = Story::in_publicity(88.5);
    for body in [&announce, &report] {
        let v = s.refuses(
            "2026-10-20",
            body.clone(),
            Rule::CapabilityNeedsConfirmation,
        );
        assert!(v.message.contains("尚未确认"), "{}", v.message);
        Story::new().refuses(
            "2026-10-20",
            body.clone(),
            Rule::CapabilityNeedsConfirmation,
        );
    }
    let s = s.confirmed("2026-10-20");
    assert_eq!(
        kinds(&s, "2026-10-20"),
        [DueKind::Announcement, DueKind::FinalReport]
    );
    // on the day of the confirmation
    let s = s.allows("2026-10-20", announce.clone());
    assert_eq!(s.replay_all().state, State::Announced);
    assert_eq!(kinds(&s, "2026-10-20"), [DueKind::FinalReport]);
    s.refuses("2026-10-21", announce, Rule::NotTwice);
    let s = s.allows("2026-10-21", report.clone());
    assert!(kinds(&s, "2026-10-21").is_empty());
    s.refuses("2026-10-22", report, Rule::NotTwice);
}

#[test]
fn the_grade_is_valid_five_years_less_a_day_from_confirmation() {
    let s = Story::graded();
    let out = s.replay_as_of("2026-10-20");
    let g = out.grade.expect("a grade on the day of confirmation");
    assert_eq!((g.code, g.valid_until), (Grade::First, d("2031-10-19")));
    assert_eq!(
        s.replay_as_of("2026-10-19").grade,
        None,
        "not before confirmation"
    );
    assert!(s.replay_as_of("2031-10-19").grade.is_some());
    assert_eq!(s.replay_as_of("2031-10-19").state, State::Announced);
    let out = s.replay_as_of("2031-10-20");
    assert_eq!((out.grade, out.state), (None, State::Expired));
    assert!(out.due.is_empty(), "expired: nothing is due");
    // its expiry is on the due list from three months before
    assert!(kinds(&s, "2031-07-18").is_empty());
    let due = s.replay_as_of("2031-07-19").due;
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].kind, due[0].due),
        (DueKind::GradeExpiry, d("2031-10-19"))
    );
    assert!(
        due[0].message.contains("最早 2028-06-01"),
        "{}",
        due[0].message
    );
}

/// Confirmed on 29 February 2028 (2028 has no holiday notice loaded: Monday–Friday, with a
/// warning): 2033 has no 29 February, the grade is valid through 28 February. Confirmed on
/// 1 March 2027: through 29 February 2032.
#[test]
fn validity_across_29_february() {
    for (evaluated, published, confirmed, until) in [
        ("2028-01-20", "2028-02-01", "2028-02-29", "2033-02-28"),
        ("2027-01-20", "2027-02-01", "2027-03-01", "2032-02-29"),
    ] {
        let s = Story::ready()
            .evaluated(evaluated, 86.0)
            .published(published)
            .allows(confirmed, confirm());
        let out = s.replay_all();
        assert_eq!(
            out.grade.map(|g| g.valid_until),
            Some(d(until)),
            "{confirmed}"
        );
        let year = &published[..4];
        assert!(
            out.warnings
                .iter()
                .any(|w| w.contains(&format!("{year}年"))),
            "{:?}",
            out.warnings
        );
        assert!(s.replay_as_of(until).grade.is_some());
        assert_eq!(s.replay_as_of(&plus(until, 1)).state, State::Expired);
    }
}

#[test]
fn revocation_needs_a_grade_in_force() {
    let revoke = json!({"type": "revoked", "reason": "fraud", "note": "申报材料造假", "by": "dir"});
    let v = Story::in_publicity(88.5).refuses(
        "2026-10-20",
        revoke.clone(),
        Rule::CapabilitySanctionNeedsGrade,
    );
    assert!(v.message.contains("尚无确认的评价等级"), "{}", v.message);
    // a result below 60 has no grade to revoke
    let low = Story::ready()
        .evaluated("2026-09-14", 55.0)
        .published("2026-09-21")
        .confirmed("2026-10-20");
    let v = low.refuses(
        "2026-11-02",
        revoke.clone(),
        Rule::CapabilitySanctionNeedsGrade,
    );
    assert!(v.message.contains("不予评级"), "{}", v.message);
    // on its last valid day, not after
    let s = Story::graded();
    let v = s.refuses(
        "2031-10-20",
        revoke.clone(),
        Rule::CapabilitySanctionNeedsGrade,
    );
    assert!(v.message.contains("2031-10-19"), "{}", v.message);
    s.allows("2031-10-19", revoke.clone());
    let s = s.allows("2027-03-01", revoke.clone());
    let out = s.replay_as_of("2027-03-01");
    assert_eq!((out.state, out.grade), (State::Revoked, None));
    assert_eq!(s.replay_as_of("2027-02-28").state, State::Announced);
    let v = s.refuses(
        "2027-03-02",
        json!({"type": "revoked", "reason": "accident"}),
        Rule::CapabilitySanctionNeedsGrade,
    );
    assert!(v.message.contains("2027-03-01 撤销"), "{}", v.message);
    s.refuses(
        "2027-03-02",
        json!({"type": "downgraded", "grade": "三级"}),
        Rule::CapabilitySanctionNeedsGrade,
    );
}

#[test]
fn a_downgrade_lowers_the_grade_in_force() {
    let down = |g: &str| json!({"type": "downgraded", "grade": g, "by": "dir"});
    Story::in_publicity(88.5).refuses(
        "2026-10-20",
        down("二级"),
        Rule::CapabilitySanctionNeedsGrade,
    );
    let s = Story::graded();
    let v = s.refuses(
        "2027-05-10",
        down("一级"),
        Rule::CapabilitySanctionNeedsGrade,
    );
    assert!(v.message.contains("现有等级为一级"), "{}", v.message);
    let s = s.allows("2027-05-10", down("二级"));
    s.refuses(
        "2027-05-11",
        down("二级"),
        Rule::CapabilitySanctionNeedsGrade,
    );
    s.refuses(
        "2027-05-11",
        down("一级"),
        Rule::CapabilitySanctionNeedsGrade,
    );
    let s = s.allows("2027-06-10", down("三级"));
    let before = s.replay_as_of("2027-05-09").grade.unwrap();
    let after = s.replay_as_of("2027-06-10").grade.unwrap();
    assert_eq!((before.code, after.code), (Grade::First, Grade::Third));
    assert_eq!(
        after.valid_until,
        d("2031-10-19"),
        "a downgrade keeps the period"
    );
    assert_eq!(s.replay_as_of("2027-06-10").state, State::Announced);
    s.refuses(
        "2031-10-20",
        down("三级"),
        Rule::CapabilitySanctionNeedsGrade,
    );
}

#[test]
fn a_re_evaluation_replaces_the_grade_once_confirmed() {
    // five years on, a new application: the old grade holds until the new result is
    // confirmed; 9.1's re-evaluation adjusts the grade (here down to 二级)
    let s = Story::graded()
        .applied("2031-06-02")
        .accepted("2031-06-03")
        .verified("2031-06-10")
        .panel("2031-06-11", 1, &["e7", "e8", "e9"])
        .evaluated("2031-07-01", 75.0)
        .published("2031-07-07");
    let out = s.replay_as_of("2031-07-10");
    assert_eq!(out.state, State::InPublicity);
    assert_eq!(out.grade.map(|g| g.code), Some(Grade::First));
    let s = s.allows("2031-08-20", confirm());
    let g = s.replay_all().grade.unwrap();
    assert_eq!((g.code, g.valid_until), (Grade::Second, d("2036-08-19")));
}
