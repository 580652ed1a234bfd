//! The fold never depends on arrival order, and a repeated key counts once: any permutation
//! of a stream, with any of its events repeated, gives the same shops (totals, points per
//! rule, levels and histories) and the same rejections.

mod common;

use chrono::Duration;
use common::*;
use proptest::prelude::*;
use tianping_points::{Event, Ledger};

const KINDS: &[&str] = &[
    "seller_login",
    "followed",
    "unfollowed",
    "certificate_added",
    "certificate_withdrawn",
    "purchase",
    "refund",
    "review",
    "review_removed",
    "review_reply",
    "profile_completed",
    "profile_removed",
    "campaign_closed",
    "shop_registered",
    "product_listed",
];

/// One generated event: kind, shop, subject, minutes after the start (many ties), party, good,
/// text.
fn event(i: usize, g: (usize, u8, u8, u16, bool, bool, bool)) -> Event {
    let (k, shop, subject, minutes, enterprise, good, text) = g;
    let at = t("2026-01-01 00:00") + Duration::minutes(i64::from(minutes) * 97);
    let name = KINDS[k % KINDS.len()];
    let mut e = Event::new(&format!("k{i}"), &format!("s{}", shop % 3), name, at);
    e.subject = Some(format!("x{}", subject % 6));
    e.party = Some(if enterprise {
        tianping_points::Party::Enterprise
    } else {
        tianping_points::Party::Person
    });
    if name == "review" {
        e.good = Some(good);
        e.text = text.then(|| "好".into());
    }
    if name == "shop_registered" {
        e.registered_on = Some("2020-02-29".parse().unwrap());
    }
    if name == "campaign_closed" {
        e.start = Some(at - Duration::days(10));
        e.end = Some(at);
    }
    e
}

fn stream() -> impl Strategy<Value = Vec<Event>> {
    let one = (
        0usize..100,
        any::<u8>(),
        any::<u8>(),
        0u16..600,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    prop::collection::vec(one, 0..120).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, g)| event(i, g))
            .collect()
    })
}

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
