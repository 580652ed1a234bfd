//! Properties of the star-rating fold on arbitrary histories: `replay` never panics, every
//! violation points at an applied event, the stars stay within 0–5, and the rule that refuses
//! an event in the app is the one that reports it in a replay (and only it).

mod stars_common;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::select;
use stars_common::*;
use tianping_case::stars::events::{DimensionStars, Mode};
use tianping_case::stars::{check_next, replay, Event, EventKind, StarCount};
use tianping_case::Rule;

fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..1500).prop_map(|n| d("2024-01-01") + Days::new(n))
}

fn stars() -> impl Strategy<Value = StarCount> {
    (0u8..=5).prop_map(|n| StarCount::new(n).expect("0 to 5"))
}

fn mode() -> impl Strategy<Value = Mode> {
    select(vec![Mode::Online, Mode::Onsite])
}

fn person() -> impl Strategy<Value = String> {
    select(vec!["dec", "", " ", "adm"]).prop_map(String::from)
}

fn dims() -> impl Strategy<Value = Option<DimensionStars>> {
    prop::option::of(prop::collection::btree_map(
        select(vec!["企业信用", "技术能力", "服务能力"]).prop_map(String::from),
        stars(),
        0..3,
    ))
}

fn kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        mode().prop_map(|mode| EventKind::StarApplied { mode }),
        (mode(), stars(), dims()).prop_map(|(mode, stars, dimension_stars)| {
            EventKind::StarResult {
                mode,
                stars,
                dimension_stars,
            }
        }),
        (stars(), person(), dims()).prop_map(|(stars, by, dimension_stars)| {
            EventKind::StarAwarded {
                stars,
                by,
                dimension_stars,
            }
        }),
        (stars(), any::<bool>()).prop_map(|(stars, spot_check)| {
            EventKind::SupervisionCompleted {
                stars,
                spot_check,
                by: None,
            }
        }),
        (stars(), person()).prop_map(|(stars, by)| EventKind::StarLowered {
            stars,
            by,
            reason: None,
        }),
        (select(vec!["", "虚假材料"]), person()).prop_map(|(reason, by)| {
            EventKind::Blacklisted {
                reason: reason.into(),
                by,
            }
        }),
        person().prop_map(|by| EventKind::BlacklistLifted { by, reason: None }),
    ]
}

/// A history: maybe a clean 3★ rating first, then arbitrary events, in date order or not.
fn history() -> impl Strategy<Value = Story> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec((date(), kind()), 0..30),
    )
        .prop_map(|(rated, sorted, mut tail)| {
            if sorted {
                tail.sort_by_key(|(d, _)| *d);
            }
            let mut s = if rated {
                Story::new().three_stars("2024-01-08")
            } else {
                Story::new()
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
            let out = replay(&s.header, &s.events, as_of);
            prop_assert!(out.applied <= s.events.len());
            prop_assert!(out.stars.current <= 5);
            for v in &out.violations {
                prop_assert!(v.event < s.events.len(), "{v:?}");
                prop_assert!(s.events[v.event].date <= as_of, "only applied events: {v:?}");
                prop_assert_eq!(v.clause, v.rule.clause());
                prop_assert!(!v.message.is_empty());
                prop_assert!(
                    !matches!(s.events[v.event].kind, EventKind::StarResult { .. })
                        || v.rule == Rule::EventsInOrder,
                    "a result is a fact: {v:?}"
                );
            }
            prop_assert!(out.due.windows(2).all(|w| w[0].due <= w[1].due));
        }
    }

    #[test]
    fn the_same_rule_decides_twice(s in history()) {
        let out = replay(&s.header, &s.events, d("2040-01-01"));
        for (i, next) in s.events.iter().enumerate() {
            let reported: Vec<_> =
                out.violations.iter().filter(|v| v.event == i).cloned().collect();
            match check_next(&s.header, &s.events[..i], next, next.date) {
                Ok(()) => prop_assert!(reported.is_empty(), "accepted {i} but {reported:?}"),
                Err(refused) => {
                    prop_assert!(refused.iter().all(|v| v.rule != Rule::NotInFuture));
                    prop_assert_eq!(refused, reported);
                }
            }
        }
    }

    #[test]
    fn an_award_the_due_list_offers_is_allowed(s in history()) {
        // the "star_award" item names the most stars the rules allow: awarding them the same
        // day is accepted (by a named decider), one more is refused
        let out = s.replay_all();
        if let Some(item) = out.due.iter().find(|x| x.kind == tianping_case::DueKind::StarAward) {
            let limit = (1..=5u8)
                .find(|n| item.message.contains(&format!("最高可授予{}", word(*n))))
                .expect("the item names the stars");
            let on = s.last_date().to_string();
            let ok = ev(&on, award(limit));
            prop_assert!(check_next(&s.header, &s.events, &ok, ok.date).is_ok());
            if limit < 5 {
                let over = ev(&on, award(limit + 1));
                prop_assert!(check_next(&s.header, &s.events, &over, over.date).is_err());
            }
        }
    }
}

fn word(n: u8) -> &'static str {
    tianping_case::stars::events::star_word(n)
}
