//! Capability evaluation: the panel (7.2.2, I-13), the evaluation after verification and a
//! round-1 panel (6.2, 6.3), and the suggested grade that follows the score (8.2, I-3). A
//! result is a fact: its score is never a violation.

mod capability_common;

use capability_common::*;
use serde_json::json;
use tianping_case::capability::{Event, Grade, State};
use tianping_case::jsonl;
use tianping_case::{CaseKind, Rule};

#[test]
fn a_panel_has_at_least_three_experts() {
    let s = Story::new().applied("2026-06-01").accepted("2026-06-05");
    for (members, counted) in [
        (vec![], 0),
        (vec!["e1", "e2"], 2),
        // the same person twice counts once; a blank id is nobody
        (vec!["e1", "e2", "e2"], 2),
        (vec!["e1", "e2", " "], 2),
    ] {
        let v = s.refuses("2026-07-01", panel(1, &members), Rule::CapabilityPanelSize);
        assert!(
            v.message.contains(&format!("只有 {counted} 位")) && v.message.contains("不少于3位"),
            "{}",
            v.message
        );
    }
    s.allows("2026-07-01", panel(1, &["e1", "e2", "e3"]));
    s.allows("2026-07-01", panel(1, &["e1", "e2", "e3", "e4", "e5"]));
    // the panel formed anew for an objection too
    let s = Story::in_publicity(88.5).objection("2026-09-30", "O1");
    s.refuses(
        "2026-10-08",
        panel(2, &["e4", "e5"]),
        Rule::CapabilityPanelSize,
    );
    s.allows("2026-10-08", panel(2, &SECOND));
}

#[test]
fn the_round_is_one_or_two() {
    let text = "{\"case\": \"capability\"}\n{\"type\": \"panel_formed\", \"date\": \"2026-07-01\", \"members\": [\"a\", \"b\", \"c\"], \"round\": 3}\n";
    let e = jsonl::parse::<Event>(text, CaseKind::Capability).unwrap_err();
    assert_eq!(e.line, 2);
    assert!(
        e.message.contains("应为 1") && e.message.contains('3'),
        "{}",
        e.message
    );
}

#[test]
fn evaluation_follows_verification_and_a_round_one_panel() {
    let body = evaluation(88.5, Some("一级"));
    let accepted = Story::new().applied("2026-06-01").accepted("2026-06-05");
    for (s, missing, present) in [
        (Story::new(), "没有评价申请", ""),
        (accepted.clone(), "核查申请材料", "成立第一轮"),
        (
            accepted.clone().verified("2026-06-19"),
            "第一轮评价专家组",
            "",
        ),
        (
            accepted.clone().panel("2026-07-01", 1, &FIRST),
            "核查申请材料",
            "",
        ),
    ] {
        let v = s.refuses(
            "2026-09-14",
            body.clone(),
            Rule::CapabilityEvaluationNeedsPanel,
        );
        assert!(
            v.message.contains(missing) && v.message.contains(present),
            "{}",
            v.message
        );
    }
    let s = Story::ready().allows("2026-07-01", body);
    assert_eq!(s.replay_all().state, State::Evaluated);
}

/// I-3 on 8.2: 一级 [85, 100], 二级 [70, 85), 三级 [60, 70), below 60 no grade.
#[test]
fn a_suggested_grade_follows_the_score() {
    let s = Story::ready();
    let table: &[(f64, Option<&str>, Option<&str>)] = &[
        // (score, the grade it gives, a grade that contradicts it)
        (100.0, Some("一级"), Some("二级")),
        (85.0, Some("一级"), Some("二级")),
        (84.99, Some("二级"), Some("一级")),
        (70.0, Some("二级"), Some("三级")),
        (69.5, Some("三级"), Some("二级")),
        (60.0, Some("三级"), Some("一级")),
        (59.99, None, Some("三级")),
        (0.0, None, Some("三级")),
    ];
    for (score, right, wrong) in table {
        // without a suggestion, and with the right one: allowed
        s.allows("2026-09-14", evaluation(*score, None));
        if let Some(g) = right {
            s.allows("2026-09-14", evaluation(*score, Some(g)));
        }
        let wrong = wrong.expect("each row has a wrong grade");
        let v = s.refuses(
            "2026-09-14",
            evaluation(*score, Some(wrong)),
            Rule::CapabilityGradeFollowsScore,
        );
        let should = match right {
            Some(g) => format!("应为{g}"),
            None => "不予评级".into(),
        };
        assert!(
            v.message.contains(&should) && v.message.contains(wrong),
            "{score}: {}",
            v.message
        );
    }
}

#[test]
fn the_grade_taken_follows_the_score_whatever_was_suggested() {
    // a contradicting suggestion is reported, and the score decides the grade confirmed
    let s = Story::ready()
        .then("2026-09-14", evaluation(72.0, Some("一级")))
        .published("2026-09-21")
        .confirmed("2026-10-20");
    let out = s.replay_as_of("2026-10-20");
    assert_eq!(out.violations.len(), 1);
    assert_eq!(out.violations[0].rule, Rule::CapabilityGradeFollowsScore);
    assert_eq!(out.grade.map(|g| g.code), Some(Grade::Second));
}

#[test]
fn a_low_score_is_a_fact_not_a_violation() {
    // 42 points: no grade, and nothing to report — through confirmation and announcement
    let s = Story::ready()
        .allows("2026-09-14", evaluation(42.0, None))
        .allows("2026-09-21", json!({"type": "publicity_started"}))
        .allows("2026-10-20", confirm())
        .allows("2026-10-21", json!({"type": "announced"}));
    let out = s.replay_all();
    assert_eq!(out.state, State::Announced);
    assert_eq!(out.grade, None);
}

#[test]
fn a_score_off_the_scale_cannot_be_read() {
    for (score, needle) in [
        ("100.5", "0 到 100"),
        ("-1", "0 到 100"),
        ("\"高\"", "数字"),
    ] {
        let text = format!(
            "{{\"case\": \"capability\"}}\n\n{{\"type\": \"evaluation_completed\", \"date\": \"2026-09-14\", \"score\": {score}}}\n"
        );
        let e = jsonl::parse::<Event>(&text, CaseKind::Capability).unwrap_err();
        assert_eq!(e.line, 3, "{score}");
        assert!(e.message.contains(needle), "{score}: {}", e.message);
    }
    let text = "{\"case\": \"capability\"}\n{\"type\": \"evaluation_completed\", \"date\": \"2026-09-14\", \"score\": 90, \"grade\": \"特级\"}\n";
    let e = jsonl::parse::<Event>(text, CaseKind::Capability).unwrap_err();
    assert!(
        e.message.contains("“特级” 不可用") && e.message.contains("一级"),
        "{}",
        e.message
    );
}

#[test]
fn a_new_evaluation_needs_a_new_application_once_confirmed() {
    let v = Story::graded().refuses("2026-11-02", evaluation(90.0, None), Rule::NotTwice);
    assert!(
        v.message.contains("2026-10-20") && v.message.contains("重新申请"),
        "{}",
        v.message
    );
}
