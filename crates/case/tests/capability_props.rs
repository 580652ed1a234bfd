//! Properties of the capability fold on arbitrary histories: `replay` never panics, every
//! violation points at an applied event, and the rule that refuses an event in the app is the
//! one that reports it in a replay (and only it).

mod capability_common;

use capability_common::*;
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::select;
use tianping_case::capability::events::*;
use tianping_case::capability::{check_next, replay, Event, Grade, Score};
use tianping_case::Rule;

fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..2600).prop_map(|n| d("2026-01-01") + Days::new(n))
}

fn name() -> impl Strategy<Value = Option<String>> {
    prop::option::of(select(vec!["", " ", "O1", "O2", "dir"]).prop_map(String::from))
}

fn grade() -> impl Strategy<Value = Grade> {
    select(vec![Grade::First, Grade::Second, Grade::Third])
}

fn kind() -> impl Strategy<Value = EventKind> {
    let expert = select(vec!["e1", "e2", "e3", "e4", "e5", "e6", " "]).prop_map(String::from);
    prop_oneof![
        Just(EventKind::ApplicationReceived {}),
        (any::<bool>(), name()).prop_map(|(ok, reason)| EventKind::ApplicationReviewed {
            result: if ok {
                ReviewResult::Accepted
            } else {
                ReviewResult::Refused
            },
            reason,
            by: None,
        }),
        Just(EventKind::VerificationDone {
            by: None,
            registration: None,
            licences: None,
        }),
        (prop::collection::vec(expert, 0..5), any::<bool>()).prop_map(|(members, first)| {
            EventKind::PanelFormed {
                members,
                round: if first { Round::First } else { Round::Second },
            }
        }),
        (0u32..=1000, prop::option::of(grade())).prop_map(|(tenths, grade)| {
            EventKind::EvaluationCompleted {
                score: Score::new(f64::from(tenths) / 10.0).expect("on the scale"),
                grade,
                suggestions: None,
            }
        }),
        Just(EventKind::PublicityStarted { media: None }),
        name().prop_map(|id| EventKind::ObjectionReceived { id, from: None }),
        (any::<bool>(), name()).prop_map(|(up, objection)| EventKind::ObjectionRuled {
            result: if up {
                RulingResult::Upheld
            } else {
                RulingResult::Dismissed
            },
            objection,
            by: None,
        }),
        Just(EventKind::Confirmed { by: None }),
        Just(EventKind::Announced { media: None }),
        Just(EventKind::ReportIssued { number: None }),
        any::<bool>().prop_map(|fraud| EventKind::Revoked {
            reason: if fraud {
                RevocationReason::Fraud
            } else {
                RevocationReason::Accident
            },
            note: None,
            by: None,
        }),
        grade().prop_map(|grade| EventKind::Downgraded {
            grade,
            note: None,
            by: None,
        }),
    ]
}

/// A history: maybe a clean graded evaluation first, then arbitrary events, their dates in
/// order or not.
fn history() -> impl Strategy<Value = Story> {
    (
        0u8..3,
        any::<bool>(),
        prop::collection::vec((date(), kind()), 0..30),
    )
        .prop_map(|(start, sorted, mut tail)| {
            if sorted {
                tail.sort_by_key(|(d, _)| *d);
            }
            let mut s = match start {
                0 => Story::new(),
                1 => Story::in_publicity(77.0),
                _ => Story::graded(),
            };
            s.events
                .extend(tail.into_iter().map(|(date, kind)| Event { date, kind }));
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn replay_never_panics_and_points_at_its_events(s in history(), as_of in date()) {
        for as_of in [as_of, d("2040-01-01")] {
            let out = replay(&s.header, &s.events, as_of, ctx());
            prop_assert!(out.applied <= s.events.len());
            for v in &out.violations {
                prop_assert!(v.event < s.events.len(), "{v:?}");
                prop_assert!(s.events[v.event].date <= as_of, "only applied events: {v:?}");
                prop_assert_eq!(v.clause, v.rule.clause());
                prop_assert!(!v.message.is_empty());
            }
            for x in &out.due {
                prop_assert!(!x.message.is_empty());
            }
            if let Some(g) = out.grade {
                prop_assert!(g.valid_until >= as_of);
            }
        }
    }

    #[test]
    fn the_same_rule_decides_twice(s in history()) {
        let out = replay(&s.header, &s.events, d("2040-01-01"), ctx());
        for (i, next) in s.events.iter().enumerate() {
            let reported: Vec<_> =
                out.violations.iter().filter(|v| v.event == i).cloned().collect();
            match check_next(&s.header, &s.events[..i], next, next.date, ctx()) {
                Ok(()) => prop_assert!(reported.is_empty(), "accepted {i} but {reported:?}"),
                Err(refused) => {
                    prop_assert!(refused.iter().all(|v| v.rule != Rule::NotInFuture));
                    prop_assert_eq!(refused, reported);
                }
            }
        }
    }
}
