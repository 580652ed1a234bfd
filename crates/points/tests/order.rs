//! The fold never depends on arrival order, and a repeated key counts once: any permutation
//! of a stream, with any of its events repeated, gives the same shops (totals, points per
//! rule, levels and histories) and the same rejections.

mod common;

use chrono::Duration;
use common::*;
use proptest::prelude::*;
use tianping_points::Ledger;

fn rejected(l: &Ledger) -> Vec<(String, String)> {
    let mut r: Vec<_> = l
        .rejected
        .iter()
        .map(|r| (r.key.clone(), r.reason.clone()))
        .collect();
    r.sort();
    r
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_order_and_any_repetition_fold_alike(
        (events, shuffled) in stream().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        repeats in prop::collection::vec(any::<prop::sample::Index>(), 0..40),
        as_of_minutes in 0i64..60_000,
    ) {
        let as_of = t("2026-01-01 00:00") + Duration::minutes(as_of_minutes);
        let as_of = as_of.to_rfc3339();
        let mut noisy = shuffled.clone();
        if !events.is_empty() {
            for r in &repeats {
                let e = events[r.index(events.len())].clone();
                noisy.insert(r.index(noisy.len() + 1), e);
            }
        }
        let a = run(&events, &as_of);
        let b = run(&shuffled, &as_of);
        let c = run(&noisy, &as_of);
        prop_assert_eq!(&a.shops, &b.shops);
        prop_assert_eq!(&a.shops, &c.shops);
        prop_assert_eq!(rejected(&a), rejected(&b));
        prop_assert_eq!(rejected(&a), rejected(&c));
        prop_assert_eq!(c.duplicates.len(), noisy.len() - events.len());
        prop_assert_eq!(a.later, c.later);
        for s in a.shops.values() {
            prop_assert_eq!(s.points, s.by_rule.values().sum::<i64>());
            prop_assert_eq!(s.points, s.history.iter().map(|h| h.points).sum::<i64>());
            prop_assert!(s.by_rule.values().all(|p| *p >= 0));
        }
    }
}
