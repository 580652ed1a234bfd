//! Properties of the fold on arbitrary histories: `replay` never panics, every violation
//! points at an event of the history, and the rule that refuses an event in the app is the
//! one that reports it in a replay (and only it).

mod common;

use chrono::{Days, NaiveDate};
use common::*;
use proptest::prelude::*;
use proptest::sample::select;
use tianping_case::certification::events::*;
use tianping_case::certification::{check_next, replay, Event};
use tianping_case::Rule;

fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..2600).prop_map(|n| d("2025-01-01") + Days::new(n))
}

fn person() -> impl Strategy<Value = String> {
    select(vec![
        "rev", "lead", "aud", "half", "exp", "dec", "dec2", "nobody",
    ])
    .prop_map(String::from)
}

fn audit() -> impl Strategy<Value = String> {
    select(vec!["S1", "S2", "SV1", "SV2", "R1", "X1"]).prop_map(String::from)
}

fn finding() -> impl Strategy<Value = String> {
    select(vec!["NC1", "NC2", "NC3"]).prop_map(String::from)
}

fn site_name() -> impl Strategy<Value = String> {
    select(vec!["总部", "甲", "乙", "丙", "项目部"]).prop_map(String::from)
}

fn text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(select(vec!["", " ", "理由"]).prop_map(String::from))
}

fn site() -> impl Strategy<Value = Site> {
    (site_name(), 0u32..400, any::<bool>(), any::<bool>()).prop_map(
        |(name, headcount, central, temporary)| Site {
            name,
            headcount,
            central,
            temporary,
            activity: None,
        },
    )
}

fn member() -> impl Strategy<Value = Member> {
    let role = select(vec![
        TeamRole::Leader,
        TeamRole::Auditor,
        TeamRole::TechnicalExpert,
        TeamRole::Trainee,
    ]);
    (person(), role).prop_map(|(person, role)| Member {
        person,
        role,
        task: None,
    })
}

fn kind() -> impl Strategy<Value = EventKind> {
    let audit_kind = select(vec![
        AuditKind::Stage1,
        AuditKind::Stage2,
        AuditKind::Surveillance,
        AuditKind::Recertification,
        AuditKind::Special,
    ]);
    let review = select(vec![
        ReviewResult::Accepted,
        ReviewResult::SupplementRequested,
        ReviewResult::Refused,
    ]);
    prop_oneof![
        (
            0u32..2000,
            prop::collection::vec(site(), 0..5),
            prop::option::of(date())
        )
            .prop_map(|(headcount, sites, system_start)| {
                EventKind::ApplicationReceived {
                    headcount,
                    scope: "范围".into(),
                    sites,
                    system_start,
                }
            }),
        (
            review,
            prop::option::of(date()),
            text(),
            prop::option::of(person())
        )
            .prop_map(|(result, due, reason, by)| EventKind::ApplicationReviewed {
                result,
                due,
                reason,
                by
            }),
        Just(EventKind::ContractSigned { file: None }),
        (
            audit(),
            audit_kind,
            date(),
            date(),
            prop::collection::vec(member(), 0..4),
            prop::option::of((0u32..16).prop_map(|h| f64::from(h) / 2.0)),
            text(),
            prop::collection::vec(site_name(), 0..4)
        )
            .prop_map(
                |(audit, kind, start, end, team, days, days_reason, sites)| {
                    EventKind::AuditPlanned {
                        audit,
                        kind,
                        start,
                        end,
                        team,
                        days,
                        days_reason,
                        sites,
                        offsite_reason: None,
                        objectives: None,
                        criteria: None,
                        scope: None,
                    }
                }
            ),
        audit().prop_map(|audit| EventKind::PlanConfirmed { audit }),
        (
            audit(),
            date(),
            prop::collection::vec(
                (finding(), any::<bool>()).prop_map(|(id, major)| Finding {
                    id,
                    severity: if major {
                        Severity::Major
                    } else {
                        Severity::Minor
                    },
                    text: None,
                }),
                0..3
            ),
            prop::option::of(0u32..=100)
        )
            .prop_map(|(audit, last_day, findings, score)| {
                EventKind::AuditCompleted {
                    audit,
                    last_day,
                    findings,
                    score: score.map(f64::from),
                    report: None,
                }
            }),
        (finding(), any::<bool>()).prop_map(|(finding, done)| EventKind::CorrectionSubmitted {
            finding,
            kind: if done {
                CorrectionKind::Done
            } else {
                CorrectionKind::Plan
            },
        }),
        (finding(), person(), any::<bool>()).prop_map(|(finding, by, onsite)| {
            EventKind::CorrectionAccepted {
                finding,
                by,
                onsite,
            }
        }),
        (audit(), person(), any::<bool>(), text()).prop_map(|(audit, by, grant, reason)| {
            EventKind::Decision {
                audit,
                by,
                result: if grant {
                    DecisionResult::Grant
                } else {
                    DecisionResult::Refuse
                },
                reason,
            }
        }),
        select(vec!["TP-1", "TP-2"])
            .prop_map(|n| EventKind::CertificateIssued { number: n.into() }),
        (person(), date())
            .prop_map(|(by, until)| EventKind::SurveillanceExtensionApproved { by, until }),
        (date(), any::<bool>()).prop_map(|(cause_confirmed, licence)| EventKind::Suspended {
            cause: "原因".into(),
            cause_confirmed,
            licence,
        }),
        person().prop_map(|by| EventKind::Restored { by }),
        Just(EventKind::Withdrawn {
            reason: "撤销".into()
        }),
        Just(EventKind::Cancelled {
            reason: "注销".into()
        }),
        any::<bool>().prop_map(|extend| EventKind::ScopeChanged {
            change: if extend {
                ScopeChange::Extend
            } else {
                ScopeChange::Reduce
            },
            scope: "新范围".into(),
        }),
        Just(EventKind::RecertificationApplied {}),
        prop::option::of(select(vec!["A1", "A2"]).prop_map(String::from))
            .prop_map(|id| EventKind::AppealReceived { id }),
        (
            person(),
            any::<bool>(),
            prop::option::of(select(vec!["A1", "A2"]).prop_map(String::from))
        )
            .prop_map(|(by, upheld, id)| EventKind::AppealDecided {
                by,
                result: if upheld {
                    AppealResult::Upheld
                } else {
                    AppealResult::Rejected
                },
                id,
            }),
        prop::option::of(select(vec!["C1"]).prop_map(String::from))
            .prop_map(|id| EventKind::ComplaintReceived { id }),
        (
            person(),
            prop::option::of(select(vec!["C1"]).prop_map(String::from))
        )
            .prop_map(|(by, id)| EventKind::ComplaintClosed { by, id }),
    ]
}

/// A history: maybe a clean initial certification first, then arbitrary events, their dates
/// in order or not.
fn history() -> impl Strategy<Value = Story> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec((date(), kind()), 0..30),
    )
        .prop_map(|(certified, sorted, mut tail)| {
            if sorted {
                tail.sort_by_key(|(d, _)| *d);
            }
            let mut s = if certified {
                Story::new().certified("2025-06-30")
            } else {
                Story::new()
            }
            .with_conflict("aud", "咨询", Some("2026-06-30"));
            s.events
                .extend(tail.into_iter().map(|(date, kind)| Event { date, kind }));
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn replay_never_panics_and_points_at_its_events(s in history(), as_of in date()) {
        for as_of in [as_of, d("2040-01-01")] {
            let out = replay(&s.header, &s.events, as_of, s.ctx());
            prop_assert!(out.applied <= s.events.len());
            for v in &out.violations {
                prop_assert!(v.event < s.events.len(), "{v:?}");
                prop_assert!(s.events[v.event].date <= as_of, "only applied events: {v:?}");
                prop_assert_eq!(v.clause, v.rule.clause());
                prop_assert!(!v.message.is_empty());
            }
        }
    }

    #[test]
    fn the_same_rule_decides_twice(s in history()) {
        let out = replay(&s.header, &s.events, d("2040-01-01"), s.ctx());
        for (i, next) in s.events.iter().enumerate() {
            let reported: Vec<_> =
                out.violations.iter().filter(|v| v.event == i).cloned().collect();
            match check_next(&s.header, &s.events[..i], next, next.date, s.ctx()) {
                Ok(()) => prop_assert!(reported.is_empty(), "accepted {i} but {reported:?}"),
                Err(refused) => {
                    prop_assert!(refused.iter().all(|v| v.rule != Rule::NotInFuture));
                    prop_assert_eq!(refused, reported);
                }
            }
        }
    }
}
