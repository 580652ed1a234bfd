//! A fold resumed from a saved state gives what the fold of every event gives: streams
//! arrive in random batches at non-decreasing as-of times; each shop's saved fold is
//! advanced with its new events, or folded again from the start when `advance` declines
//! (a late event); the totals always equal `fold` of all events so far.

mod common;

use std::collections::BTreeMap;

use chrono::Duration;
use common::*;
use proptest::prelude::*;
use tianping_points::{advance, fold, Event, Saved, Version};

/// Advance every shop of a batch; returns how many shops had to be folded again.
fn take(
    v: &Version,
    saved: &mut BTreeMap<String, Saved>,
    all: &mut Vec<Event>,
    batch: &[Event],
    as_of: chrono::DateTime<chrono::FixedOffset>,
) -> usize {
    let mut by_shop: BTreeMap<&str, Vec<Event>> = BTreeMap::new();
    for e in batch {
        by_shop.entry(e.shop.as_str()).or_default().push(e.clone());
    }
    all.extend(batch.iter().cloned());
    let mut refolds = 0;
    for (shop, new) in by_shop {
        let adv = match advance(v, saved.remove(shop), new, as_of) {
            Some(a) => a,
            None => {
                refolds += 1;
                let mine: Vec<Event> = all.iter().filter(|e| e.shop == shop).cloned().collect();
                advance(v, None, mine, as_of).expect("from nothing always advances")
            }
        };
        // the saved state survives its JSON column
        let back = Saved::from_json(&adv.saved.to_json()).expect("saved fold reads back");
        assert!(back.same(&adv.saved));
        saved.insert(shop.to_string(), back);
    }
    refolds
}

fn check(
    v: &Version,
    saved: &BTreeMap<String, Saved>,
    all: &[Event],
    as_of: chrono::DateTime<chrono::FixedOffset>,
) -> Result<(), TestCaseError> {
    let l = fold(v, all, as_of);
    for (shop, s) in saved {
        let adv = advance(v, Some(s.clone()), Vec::new(), as_of).expect("same time goes on");
        match l.shops.get(shop) {
            Some(f) => {
                prop_assert_eq!(adv.totals.points, f.points, "shop {}", shop);
                prop_assert_eq!(&adv.totals.by_rule, &f.by_rule);
                prop_assert_eq!(adv.totals.level, f.level);
            }
            None => prop_assert_eq!(adv.totals.points, 0),
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn resumed_folds_equal_the_fold_whatever_the_batches(
        shuffled in stream().prop_shuffle(),
        cuts in prop::collection::vec(0usize..130, 0..6),
        steps in prop::collection::vec(0i64..20_000, 7),
    ) {
        let v = Version::builtin();
        let mut cuts = cuts;
        cuts.push(0);
        cuts.push(shuffled.len());
        cuts.sort();
        let mut saved = BTreeMap::new();
        let mut all = Vec::new();
        let mut as_of = t("2026-01-01 00:00");
        for (i, w) in cuts.windows(2).enumerate() {
            let (a, b) = (w[0].min(shuffled.len()), w[1].min(shuffled.len()));
            as_of += Duration::minutes(steps[i % steps.len()]);
            take(&v, &mut saved, &mut all, &shuffled[a..b], as_of);
            check(&v, &saved, &all, as_of)?;
        }
        // later, with nothing new: pending events come in as the time passes them
        as_of += Duration::days(400);
        check(&v, &saved, &all, as_of)?;
    }

    #[test]
    fn a_stream_in_canonical_order_never_needs_a_refold(
        events in stream(),
        cuts in prop::collection::vec(0usize..130, 0..6),
    ) {
        let v = Version::builtin();
        let mut events = events;
        events.sort_by(|a, b| (a.at, &a.key).cmp(&(b.at, &b.key)));
        let mut cuts = cuts;
        cuts.push(0);
        cuts.push(events.len());
        cuts.sort();
        let as_of = t("2027-06-01 00:00");
        let (mut saved, mut all) = (BTreeMap::new(), Vec::new());
        for w in cuts.windows(2) {
            let (a, b) = (w[0].min(events.len()), w[1].min(events.len()));
            prop_assert_eq!(take(&v, &mut saved, &mut all, &events[a..b], as_of), 0);
        }
        check(&v, &saved, &all, as_of)?;
    }
}

#[test]
fn a_late_event_an_earlier_time_or_another_version_is_declined() {
    let v = Version::builtin();
    let first = vec![e("a", "seller_login", "2026-03-02 10:00")];
    let s = advance(&v, None, first, t("2026-03-05 00:00"))
        .unwrap()
        .saved;
    let late = vec![e("b", "seller_login", "2026-03-01 10:00")];
    assert!(advance(&v, Some(s.clone()), late, t("2026-03-05 00:00")).is_none());
    assert!(advance(&v, Some(s.clone()), Vec::new(), t("2026-03-04 00:00")).is_none());
    let mut other = s.clone();
    other.version = "another".into();
    assert!(advance(&v, Some(other), Vec::new(), t("2026-03-05 00:00")).is_none());
    let next = vec![e("c", "seller_login", "2026-03-03 10:00")];
    let a = advance(&v, Some(s), next, t("2026-03-05 00:00")).unwrap();
    assert_eq!(a.totals.points, 2);
}

#[test]
fn an_event_after_the_as_of_time_waits_and_then_counts() {
    let v = Version::builtin();
    let future = vec![e("a", "seller_login", "2026-03-09 10:00")];
    let a = advance(&v, None, future, t("2026-03-05 00:00")).unwrap();
    assert_eq!(a.totals.points, 0);
    assert_eq!(a.saved.pending.len(), 1);
    let b = advance(&v, Some(a.saved), Vec::new(), t("2026-03-10 00:00")).unwrap();
    assert_eq!(b.totals.points, 1);
    assert!(b.saved.pending.is_empty());
}
