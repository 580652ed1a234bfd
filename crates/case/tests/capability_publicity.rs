//! Capability evaluation: publicity of 15 working days (6.4, I-11), objections in it and the
//! panel formed anew to rule them (6.5, I-13), and confirmation after the publicity with every
//! objection ruled. The publicity of every story starts on Monday 21 September 2026 and, across
//! National Day (1–7 October 2026, 26 September and 10 October worked), ends on 19 October.

mod capability_common;

use capability_common::*;
use serde_json::json;
use tianping_case::capability::State;
use tianping_case::{DueKind, Rule};

fn objection(id: &str) -> serde_json::Value {
    json!({"type": "objection_received", "id": id, "from": "匿名来信"})
}

#[test]
fn publicity_follows_an_evaluation() {
    let start = json!({"type": "publicity_started", "media": "协会网站"});
    let v = Story::ready().refuses(
        "2026-09-21",
        start.clone(),
        Rule::CapabilityPublicityNeedsEvaluation,
    );
    assert!(v.message.contains("evaluation_completed"), "{}", v.message);
    Story::new().refuses(
        "2026-09-21",
        start.clone(),
        Rule::CapabilityPublicityNeedsEvaluation,
    );
    let s = Story::ready().evaluated("2026-09-14", 88.5);
    let s = s.allows("2026-09-21", start.clone());
    assert_eq!(s.replay_all().state, State::InPublicity);
    let v = s.refuses("2026-09-22", start, Rule::NotTwice);
    assert!(v.message.contains("2026-10-19"), "{}", v.message);
}

#[test]
fn publicity_runs_fifteen_working_days_across_national_day() {
    let s = Story::in_publicity(88.5);
    let out = s.replay_as_of("2026-09-21");
    assert_eq!(
        out.case.application().unwrap().publicities[0].end,
        d("2026-10-19")
    );
    for (as_of, state) in [
        ("2026-09-21", State::InPublicity),
        ("2026-10-19", State::InPublicity),
        ("2026-10-20", State::PublicityEnded),
    ] {
        assert_eq!(s.replay_as_of(as_of).state, state, "{as_of}");
    }
    let due = &s.replay_as_of("2026-10-19").due;
    assert_eq!(due.len(), 1, "{due:#?}");
    assert_eq!(
        (due[0].kind, due[0].due),
        (DueKind::PublicityEnd, d("2026-10-19"))
    );
    assert!(
        due[0].message.contains("2026-10-20 起可确认"),
        "{}",
        due[0].message
    );
    let due = &s.replay_as_of("2026-10-20").due;
    assert_eq!(due.len(), 1, "{due:#?}");
    assert_eq!(
        (due[0].kind, due[0].due, due[0].overdue),
        (DueKind::Confirmation, d("2026-10-20"), false)
    );
    assert!(
        s.replay_as_of("2026-10-20").warnings.is_empty(),
        "2026 has a notice"
    );
}

#[test]
fn an_objection_on_the_last_day_is_in_time_the_next_day_late() {
    let s = Story::in_publicity(88.5);
    s.allows("2026-09-21", objection("O1"));
    let s2 = s.allows("2026-10-19", objection("O1"));
    assert_eq!(s2.replay_as_of("2026-10-25").state, State::ObjectionPending);
    let v = s.refuses(
        "2026-10-20",
        objection("O1"),
        Rule::CapabilityObjectionInTime,
    );
    assert!(
        v.message.contains("2026-09-21")
            && v.message.contains("2026-10-19")
            && v.message.contains("2026-10-20"),
        "{}",
        v.message
    );
    // before the publicity there is nothing to object to
    let v = Story::ready().evaluated("2026-09-14", 88.5).refuses(
        "2026-09-15",
        objection("O1"),
        Rule::CapabilityObjectionInTime,
    );
    assert!(v.message.contains("尚未公示"), "{}", v.message);
    // an id is used once; without ids they are numbered
    let s = s.objection("2026-09-30", "O1");
    s.refuses("2026-10-08", objection("O1"), Rule::NotTwice);
    let s = s.then("2026-10-08", json!({"type": "objection_received"}));
    let ids: Vec<String> = s.replay_all().case.application().unwrap().publicities[0]
        .objections
        .iter()
        .map(|o| o.id.clone())
        .collect();
    assert_eq!(ids, ["O1", "异议2"]);
}

#[test]
fn the_panel_formed_anew_comes_after_an_objection() {
    let s = Story::in_publicity(88.5);
    let v = s.refuses(
        "2026-09-25",
        panel(2, &SECOND),
        Rule::CapabilitySecondPanelAfterObjection,
    );
    assert!(v.message.contains("没有收到异议"), "{}", v.message);
    Story::ready().evaluated("2026-09-14", 88.5).refuses(
        "2026-09-15",
        panel(2, &SECOND),
        Rule::CapabilitySecondPanelAfterObjection,
    );
    let s = s.objection("2026-09-30", "O1");
    // the same day as the objection, recorded after it
    s.allows("2026-09-30", panel(2, &SECOND));
}

#[test]
fn the_panel_formed_anew_has_no_member_of_round_one() {
    let s = Story::in_publicity(88.5).objection("2026-09-30", "O1");
    for members in [["e1", "e5", "e6"], ["e4", "e5", "e3"]] {
        let v = s.refuses(
            "2026-10-08",
            panel(2, &members),
            Rule::CapabilitySecondPanelIndependent,
        );
        assert!(v.message.contains("第一轮：e1、e2、e3"), "{}", v.message);
    }
    // every round-1 panel of the application counts: a replaced expert too
    let s = Story::ready()
        .panel("2026-07-10", 1, &["e1", "e2", "e7"])
        .evaluated("2026-09-14", 88.5)
        .published("2026-09-21")
        .objection("2026-09-30", "O1");
    let v = s.refuses(
        "2026-10-08",
        panel(2, &["e7", "e8", "e9"]),
        Rule::CapabilitySecondPanelIndependent,
    );
    assert!(v.message.starts_with("e7"), "{}", v.message);
    s.allows("2026-10-08", panel(2, &["e4", "e8", "e9"]));
}

#[test]
fn an_objection_is_ruled_after_the_panel_formed_anew() {
    let s = Story::in_publicity(88.5).objection("2026-09-30", "O1");
    let v = s.refuses(
        "2026-10-09",
        ruling("O1", "dismissed"),
        Rule::CapabilityRulingAfterSecondPanel,
    );
    assert!(
        v.message.contains("O1") && v.message.contains("round 2"),
        "{}",
        v.message
    );
    // a round-1 panel does not do
    s.clone()
        .panel("2026-10-08", 1, &["e7", "e8", "e9"])
        .refuses(
            "2026-10-09",
            ruling("O1", "dismissed"),
            Rule::CapabilityRulingAfterSecondPanel,
        );
    let s = s.panel("2026-10-08", 2, &SECOND);
    let s = s.allows("2026-10-09", ruling("O1", "dismissed"));
    s.refuses("2026-10-10", ruling("O1", "dismissed"), Rule::NotTwice);
    s.refuses(
        "2026-10-10",
        ruling("O9", "dismissed"),
        Rule::KnownReference,
    );
    // a later objection goes to the same panel: the oldest open one when none is named
    let s = s.objection("2026-10-12", "O2");
    let s = s.allows(
        "2026-10-13",
        json!({"type": "objection_ruled", "result": "dismissed"}),
    );
    let out = s.replay_all();
    let p = &out.case.application().unwrap().publicities[0];
    assert!(p.objections.iter().all(|o| o.ruling.is_some()));
    // nothing to rule
    Story::in_publicity(88.5).refuses(
        "2026-10-09",
        ruling("O1", "dismissed"),
        Rule::KnownReference,
    );
}

#[test]
fn confirmation_comes_the_day_after_the_publicity_ends() {
    let s = Story::in_publicity(88.5);
    let v = s.refuses(
        "2026-10-19",
        confirm(),
        Rule::CapabilityConfirmationAfterPublicity,
    );
    assert!(
        v.message.contains("2026-10-19") && v.message.contains("最早可于 2026-10-20"),
        "{}",
        v.message
    );
    s.refuses(
        "2026-09-30",
        confirm(),
        Rule::CapabilityConfirmationAfterPublicity,
    );
    let s = s.allows("2026-10-20", confirm());
    assert_eq!(s.replay_all().state, State::Confirmed);
    s.refuses("2026-10-21", confirm(), Rule::NotTwice);
    // without a publicity, or without a result
    let v = Story::ready().evaluated("2026-09-14", 88.5).refuses(
        "2026-10-20",
        confirm(),
        Rule::CapabilityConfirmationAfterPublicity,
    );
    assert!(v.message.contains("尚未公示"), "{}", v.message);
    Story::ready().refuses(
        "2026-10-20",
        confirm(),
        Rule::CapabilityConfirmationAfterPublicity,
    );
    Story::new().refuses(
        "2026-10-20",
        confirm(),
        Rule::CapabilityConfirmationAfterPublicity,
    );
}

#[test]
fn confirmation_needs_every_objection_ruled() {
    let s = Story::in_publicity(88.5)
        .objection("2026-09-30", "O1")
        .panel("2026-10-08", 2, &SECOND);
    let v = s.refuses("2026-10-20", confirm(), Rule::CapabilityObjectionsRuled);
    assert!(v.message.contains("O1"), "{}", v.message);
    // an open objection is on the due list, with the panel that handles it
    let due = s.replay_as_of("2026-10-20").due;
    assert_eq!(due.len(), 1, "{due:#?}");
    assert_eq!(
        (due[0].kind, due[0].subject.as_deref()),
        (DueKind::ObjectionRuling, Some("O1"))
    );
    // both the publicity and the objection: the rules say both
    let all = s.refuses_all("2026-10-19", confirm(), Rule::CapabilityObjectionsRuled);
    let rules: Vec<Rule> = all.iter().map(|v| v.rule).collect();
    assert_eq!(
        rules,
        [
            Rule::CapabilityConfirmationAfterPublicity,
            Rule::CapabilityObjectionsRuled
        ]
    );
    // dismissed: the result stands and is confirmed
    let s = s.ruled("2026-10-16", "O1", "dismissed");
    assert_eq!(
        s.replay_as_of("2026-10-20").due[0].kind,
        DueKind::Confirmation
    );
    s.allows("2026-10-20", confirm());
}

#[test]
fn an_upheld_objection_sends_the_result_back_to_evaluation() {
    let s = Story::in_publicity(88.5)
        .objection("2026-09-30", "O1")
        .panel("2026-10-08", 2, &SECOND)
        .ruled("2026-10-16", "O1", "upheld");
    assert_eq!(s.replay_as_of("2026-10-20").state, State::Reevaluation);
    let due = s.replay_as_of("2026-10-20").due;
    assert_eq!(due.len(), 1, "{due:#?}");
    assert_eq!(
        (due[0].kind, due[0].due),
        (DueKind::Reevaluation, d("2026-10-16"))
    );
    let v = s.refuses("2026-10-20", confirm(), Rule::CapabilityObjectionsRuled);
    assert!(
        v.message.contains("成立") && v.message.contains("重新公示"),
        "{}",
        v.message
    );
    s.refuses(
        "2026-10-20",
        json!({"type": "publicity_started"}),
        Rule::CapabilityPublicityNeedsEvaluation,
    );
    // the new panel evaluates again (78: 二级), the new result is published for 15 working
    // days from Monday 26 October (to 16 November) and then confirmed
    let s = s
        .allows("2026-10-23", evaluation(78.0, Some("二级")))
        .allows("2026-10-26", json!({"type": "publicity_started"}));
    assert_eq!(s.replay_as_of("2026-10-26").state, State::InPublicity);
    s.refuses(
        "2026-11-16",
        confirm(),
        Rule::CapabilityConfirmationAfterPublicity,
    );
    let s = s.allows("2026-11-17", confirm());
    let out = s.replay_all();
    assert_eq!(
        out.grade.map(|g| (g.code.code(), g.valid_until)),
        Some(("二级", d("2031-11-16")))
    );
}
