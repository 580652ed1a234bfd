//! Programme, plan and team (8.1.3–8.1.5, 5.2, Annex A with I-8, I-9): each rule allowed and
//! refused at its edge, in the app and in a replayed history.

mod common;

use common::*;
use serde_json::json;
use tianping_case::Rule;

fn contracted() -> Story {
    Story::new().contracted_from("2026-03-02")
}

#[test]
fn stage_2_follows_a_completed_stage_1() {
    let stage2 = plan(
        "S2",
        "stage2",
        "2026-03-20",
        "2026-03-21",
        &["lead", "aud"],
        4.0,
    );
    let s = contracted();
    s.refuses("2026-03-09", stage2.clone(), Rule::Stage2AfterStage1);
    let planned_only = s.clone().planned("2026-03-10", "S1", "stage1", 1.0);
    let v = planned_only.refuses("2026-03-10", stage2.clone(), Rule::Stage2AfterStage1);
    assert!(v.message.contains("第一阶段"), "{}", v.message);
    planned_only
        .completed("2026-03-10", "S1", json!([]))
        .allows("2026-03-10", stage2);
}

#[test]
fn a_plan_ends_on_or_after_its_start() {
    let s = contracted();
    s.allows(
        "2026-03-09",
        plan("S1", "stage1", "2026-03-10", "2026-03-10", &["lead"], 1.0),
    );
    let v = s.refuses(
        "2026-03-09",
        plan("S1", "stage1", "2026-03-10", "2026-03-09", &["lead"], 1.0),
        Rule::PlanDates,
    );
    assert!(v.message.contains("2026-03-09") && v.message.contains("2026-03-10"));
}

#[test]
fn a_team_has_exactly_one_leader() {
    let s = contracted();
    let team = |roles: &[(&str, &str)]| {
        let team: Vec<_> = roles
            .iter()
            .map(|(p, r)| json!({"person": p, "role": r}))
            .collect();
        json!({"type": "audit_planned", "audit": "S1", "kind": "stage1",
               "start": "2026-03-10", "end": "2026-03-10", "team": team})
    };
    s.allows(
        "2026-03-09",
        team(&[
            ("lead", "leader"),
            ("aud", "auditor"),
            ("exp", "technical_expert"),
        ]),
    );
    let v = s.refuses("2026-03-09", team(&[("aud", "auditor")]), Rule::TeamLeader);
    assert!(v.message.contains('0'), "{}", v.message);
    let v = s.refuses(
        "2026-03-09",
        team(&[("lead", "leader"), ("aud", "leader")]),
        Rule::TeamLeader,
    );
    assert!(v.message.contains('2'), "{}", v.message);
}

#[test]
fn auditors_have_ccaa_and_eepc_when_their_records_are_described() {
    let s = contracted();
    let with = |p: &str| {
        plan(
            "S1",
            "stage1",
            "2026-03-10",
            "2026-03-10",
            &["lead", p],
            2.0,
        )
    };
    s.allows("2026-03-09", with("aud"));
    // no record described: nothing to check
    s.allows("2026-03-09", with("aud2"));
    let v = s.refuses("2026-03-09", with("half"), Rule::AuditorCompetence);
    assert!(v.message.contains("EEPC"), "{}", v.message);
    // a technical expert is not an auditor
    s.allows(
        "2026-03-09",
        json!({"type": "audit_planned", "audit": "S1", "kind": "stage1",
               "start": "2026-03-10", "end": "2026-03-10",
               "team": [{"person": "lead", "role": "leader"},
                        {"person": "half", "role": "technical_expert"}]}),
    );
}

#[test]
fn experts_and_trainees_add_no_audit_days() {
    let s = contracted().stage1("2026-03-10");
    let stage2 = |second: &str, role: &str, days: f64| {
        json!({"type": "audit_planned", "audit": "S2", "kind": "stage2",
               "start": "2026-03-20", "end": "2026-03-21", "days": days,
               "team": [{"person": "lead", "role": "leader"}, {"person": second, "role": role}]})
    };
    // leader and auditor over two days give 4 person-days
    s.allows("2026-03-12", stage2("aud", "auditor", 4.0));
    for (who, role) in [("exp", "technical_expert"), ("trainee", "trainee")] {
        let v = s.refuses(
            "2026-03-12",
            stage2(who, role, 4.0),
            Rule::DaysCountAuditorsOnly,
        );
        assert!(v.message.contains("最多提供 2 人日"), "{}", v.message);
        // the leader alone, two days, two person-days (stage 1's 1 makes Annex A's 3)
        s.allows("2026-03-12", stage2(who, role, 2.0));
    }
}

#[test]
fn days_below_annex_a_need_a_reason() {
    // 120 people: Annex A gives 3 days for stage 1 and stage 2 together
    let s = contracted().stage1("2026-03-10");
    let stage2 = |days: f64, reason: Option<&str>| {
        let mut b = plan(
            "S2",
            "stage2",
            "2026-03-20",
            "2026-03-21",
            &["lead", "aud"],
            days,
        );
        if let Some(r) = reason {
            b["days_reason"] = json!(r);
        }
        b
    };
    s.allows("2026-03-12", stage2(2.0, None));
    let v = s.refuses("2026-03-12", stage2(1.5, None), Rule::DaysBelowAuditTime);
    assert!(
        v.message.contains("2.5") && v.message.contains('3'),
        "{}",
        v.message
    );
    s.refuses(
        "2026-03-12",
        stage2(1.5, Some(" ")),
        Rule::DaysBelowAuditTime,
    );
    s.allows(
        "2026-03-12",
        stage2(1.5, Some("体系简单、过程单一，经机构批准")),
    );

    // a surveillance audit of 120 people: 1 day
    let c = Story::new().certified("2026-01-28");
    c.allows(
        "2026-12-01",
        plan(
            "SV1",
            "surveillance",
            "2026-12-02",
            "2026-12-02",
            &["lead"],
            1.0,
        ),
    );
    c.refuses(
        "2026-12-01",
        plan(
            "SV1",
            "surveillance",
            "2026-12-02",
            "2026-12-02",
            &["lead"],
            0.5,
        ),
        Rule::DaysBelowAuditTime,
    );
}

fn multi_site(sites: serde_json::Value) -> Story {
    Story::new()
        .then(
            "2026-03-02",
            json!({"type": "application_received", "headcount": 200, "scope": "建筑工程",
                   "system_start": "2025-01-01", "sites": sites}),
        )
        .accepted("2026-03-03")
        .contracted("2026-03-04")
        .then(
            "2026-03-05",
            json!({"type": "audit_planned", "audit": "S1", "kind": "stage1",
                   "start": "2026-03-06", "end": "2026-03-06",
                   "team": [{"person": "lead", "role": "leader"}]}),
        )
        .completed("2026-03-06", "S1", json!([]))
}

/// A two-day plan from `start` by `lead` and `aud` covering `sites`.
fn covering(audit: &str, kind: &str, start: &str, sites: &[&str]) -> serde_json::Value {
    json!({"type": "audit_planned", "audit": audit, "kind": kind,
           "start": start, "end": plus(start, 1), "sites": sites,
           "team": [{"person": "lead", "role": "leader"}, {"person": "aud", "role": "auditor"}]})
}

#[test]
fn sites_on_the_certificate_are_sampled_by_the_square_root_with_the_central_office() {
    // nine sites on the certificate: initial ⌈√9⌉ = 3, plus the central office
    let mut sites = vec![json!({"name": "总部", "headcount": 20, "central": true})];
    for i in 1..=9 {
        sites.push(json!({"name": format!("分场所{i}"), "headcount": 20}));
    }
    let s = multi_site(json!(sites));
    s.allows(
        "2026-03-10",
        covering(
            "S2",
            "stage2",
            "2026-03-20",
            &["总部", "分场所1", "分场所2", "分场所3"],
        ),
    );
    let v = s.refuses(
        "2026-03-10",
        covering(
            "S2",
            "stage2",
            "2026-03-20",
            &["总部", "分场所1", "分场所2"],
        ),
        Rule::Sampling,
    );
    assert!(v.message.contains("应抽样 3 个"), "{}", v.message);
    let v = s.refuses(
        "2026-03-10",
        covering(
            "S2",
            "stage2",
            "2026-03-20",
            &["分场所1", "分场所2", "分场所3"],
        ),
        Rule::Sampling,
    );
    assert!(v.message.contains("总部"), "{}", v.message);
}

#[test]
fn surveillance_samples_six_tenths_and_recertification_eight_tenths() {
    // nine sites: surveillance ⌈0.6·3⌉ = 2, recertification ⌈0.8·3⌉ = 3
    let mut sites = vec![json!({"name": "总部", "headcount": 20, "central": true})];
    for i in 1..=9 {
        sites.push(json!({"name": format!("分场所{i}"), "headcount": 20}));
    }
    let s = multi_site(json!(sites))
        .then(
            "2026-03-10",
            covering(
                "S2",
                "stage2",
                "2026-03-20",
                &["总部", "分场所1", "分场所2", "分场所3"],
            ),
        )
        .completed("2026-03-21", "S2", json!([]))
        .decided("2026-03-25", "S2")
        .issued("2026-03-26", "TP-1");
    s.allows(
        "2026-12-01",
        covering(
            "SV1",
            "surveillance",
            "2026-12-02",
            &["总部", "分场所4", "分场所5"],
        ),
    );
    s.refuses(
        "2026-12-01",
        covering("SV1", "surveillance", "2026-12-02", &["总部", "分场所4"]),
        Rule::Sampling,
    );
    let r = s.then("2028-12-27", json!({"type": "recertification_applied"}));
    r.allows(
        "2029-01-04",
        covering(
            "R1",
            "recertification",
            "2029-01-05",
            &["总部", "分场所6", "分场所7", "分场所8"],
        ),
    );
    r.refuses(
        "2029-01-04",
        covering(
            "R1",
            "recertification",
            "2029-01-05",
            &["总部", "分场所6", "分场所7"],
        ),
        Rule::Sampling,
    );
}

#[test]
fn every_audit_covers_at_least_one_temporary_site() {
    let s = multi_site(json!([
        {"name": "项目部甲", "headcount": 30, "temporary": true, "activity": "房建"},
        {"name": "项目部乙", "headcount": 30, "temporary": true, "activity": "市政"}
    ]));
    s.allows(
        "2026-03-10",
        covering("S2", "stage2", "2026-03-20", &["项目部乙"]),
    );
    let v = s.refuses(
        "2026-03-10",
        covering("S2", "stage2", "2026-03-20", &["其他"]),
        Rule::Sampling,
    );
    assert!(v.message.contains("至少抽样 1 个"), "{}", v.message);
}

#[test]
fn the_reviewer_does_not_audit() {
    let s = contracted();
    let v = s.refuses(
        "2026-03-09",
        plan(
            "S1",
            "stage1",
            "2026-03-10",
            "2026-03-10",
            &["lead", "rev"],
            2.0,
        ),
        Rule::SeparateFunctions,
    );
    assert!(v.message.contains("申请评审员"), "{}", v.message);
}

#[test]
fn a_conflicted_person_is_not_assigned_until_the_conflict_ends() {
    let s = contracted().with_conflict("aud", "2024年7月前为其提供咨询", Some("2026-06-30"));
    let s1 = || {
        plan(
            "S1",
            "stage1",
            "2026-07-06",
            "2026-07-06",
            &["lead", "aud"],
            2.0,
        )
    };
    let v = s.refuses("2026-06-30", s1(), Rule::ConflictOfInterest);
    assert!(v.message.contains("咨询"), "{}", v.message);
    s.allows("2026-07-01", s1());
    // a conflict without an end lasts
    contracted()
        .with_conflict("aud", "其法定代表人的配偶", None)
        .refuses("2030-01-01", s1(), Rule::ConflictOfInterest);
}

#[test]
fn surveillance_and_special_audits_need_a_live_certificate() {
    let sv = |id: &str, kind: &str| plan(id, kind, "2026-06-10", "2026-06-10", &["lead"], 1.0);
    let s = contracted().stage1("2026-03-10");
    let v = s.refuses(
        "2026-06-01",
        sv("SV1", "surveillance"),
        Rule::AuditNeedsCertificate,
    );
    assert!(v.message.contains("尚未颁发证书"), "{}", v.message);
    s.refuses(
        "2026-06-01",
        sv("X1", "special"),
        Rule::AuditNeedsCertificate,
    );

    let c = Story::new().certified("2026-01-28");
    c.allows("2026-06-01", sv("SV1", "surveillance"));
    // a short-notice audit of a suspended client (8.4.3)
    let suspended = c.clone().then(
        "2026-05-06",
        json!({"type": "suspended", "cause": "主动请求暂停", "cause_confirmed": "2026-05-06"}),
    );
    suspended.allows("2026-06-01", sv("X1", "special"));
    let withdrawn = suspended.then("2026-05-20", json!({"type": "withdrawn", "reason": "停业"}));
    let v = withdrawn.refuses(
        "2026-06-01",
        sv("X1", "special"),
        Rule::AuditNeedsCertificate,
    );
    assert!(v.message.contains("撤销"), "{}", v.message);
}

#[test]
fn a_recertification_audit_needs_the_application() {
    let c = Story::new().certified("2026-01-28");
    let r1 = plan(
        "R1",
        "recertification",
        "2028-12-01",
        "2028-12-01",
        &["lead", "aud"],
        2.0,
    );
    let v = c.refuses(
        "2028-11-20",
        r1.clone(),
        Rule::RecertificationNeedsApplication,
    );
    assert!(v.message.contains("再认证申请"), "{}", v.message);
    c.then("2028-11-01", json!({"type": "recertification_applied"}))
        .allows("2028-11-20", r1);
}

#[test]
fn over_a_cycle_the_sampled_temporary_sites_cover_the_scope() {
    // two temporary sites doing different work; the cycle's audits sample only 项目部甲
    let s = multi_site(json!([
        {"name": "项目部甲", "headcount": 30, "temporary": true, "activity": "房建"},
        {"name": "项目部乙", "headcount": 30, "temporary": true, "activity": "市政"}
    ]))
    .then(
        "2026-03-10",
        covering("S2", "stage2", "2026-03-20", &["项目部甲"]),
    )
    .completed("2026-03-21", "S2", json!([]))
    .decided("2026-03-25", "S2")
    .issued("2026-03-25", "TP-1")
    .then(
        "2027-02-01",
        covering("SV1", "surveillance", "2027-02-10", &["项目部甲"]),
    )
    .completed("2027-02-11", "SV1", json!([]));
    let uncovered = s
        .clone()
        .then(
            "2028-01-10",
            covering("SV2", "surveillance", "2028-01-20", &["项目部甲"]),
        )
        .completed("2028-01-21", "SV2", json!([]))
        .then("2028-12-26", json!({"type": "recertification_applied"}));
    let v = uncovered.refuses(
        "2029-01-05",
        covering("RC", "recertification", "2029-01-15", &["项目部乙"]),
        Rule::Sampling,
    );
    assert!(
        v.message.contains("市政") && !v.message.contains("房建"),
        "{}",
        v.message
    );
    // the second surveillance samples 项目部乙: the cycle covered both activities
    s.then(
        "2028-01-10",
        covering("SV2", "surveillance", "2028-01-20", &["项目部乙"]),
    )
    .completed("2028-01-21", "SV2", json!([]))
    .then("2028-12-26", json!({"type": "recertification_applied"}))
    .allows(
        "2029-01-05",
        covering("RC", "recertification", "2029-01-15", &["项目部甲"]),
    );
}
