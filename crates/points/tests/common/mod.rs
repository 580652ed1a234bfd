//! Builders for the points tests: events of one shop ("s1" unless said), times in Shanghai.
#![allow(dead_code)]

use chrono::{DateTime, Duration, FixedOffset};
use proptest::prelude::*;
use tianping_points::{fold, Event, Ledger, Party, Version};

/// "2026-03-01 10:00" in Shanghai, or a full RFC 3339 time.
pub fn t(s: &str) -> DateTime<FixedOffset> {
    if let Ok(x) = DateTime::parse_from_rfc3339(s) {
        return x;
    }
    DateTime::parse_from_rfc3339(&format!("{}:00+08:00", s.replace(' ', "T"))).unwrap()
}

/// An event of shop s1.
pub fn e(key: &str, event: &str, at: &str) -> Event {
    Event::new(key, "s1", event, t(at))
}

pub trait With {
    fn subject(self, s: &str) -> Event;
    fn person(self) -> Event;
    fn enterprise(self) -> Event;
    fn good(self, g: bool) -> Event;
    fn text(self, s: &str) -> Event;
    fn shop(self, s: &str) -> Event;
    fn registered(self, d: &str) -> Event;
    fn window(self, start: &str, end: &str) -> Event;
}

impl With for Event {
    fn subject(mut self, s: &str) -> Event {
        self.subject = Some(s.into());
        self
    }
    fn person(mut self) -> Event {
        self.party = Some(Party::Person);
        self
    }
    fn enterprise(mut self) -> Event {
        self.party = Some(Party::Enterprise);
        self
    }
    fn good(mut self, g: bool) -> Event {
        self.good = Some(g);
        self
    }
    fn text(mut self, s: &str) -> Event {
        self.text = Some(s.into());
        self
    }
    fn shop(mut self, s: &str) -> Event {
        self.shop = s.into();
        self
    }
    fn registered(mut self, d: &str) -> Event {
        self.registered_on = Some(d.parse().unwrap());
        self
    }
    fn window(mut self, start: &str, end: &str) -> Event {
        self.start = Some(t(start));
        self.end = Some(t(end));
        self
    }
}

/// Fold under the shipped rules.
pub fn run(events: &[Event], as_of: &str) -> Ledger {
    fold(&Version::builtin(), events, t(as_of))
}

/// Shop s1's total.
pub fn total(events: &[Event], as_of: &str) -> i64 {
    run(events, as_of).shops.get("s1").map_or(0, |s| s.points)
}

/// Shop s1's points under one rule.
pub fn rule(l: &Ledger, id: &str) -> i64 {
    l.shops.get("s1").map_or(0, |s| s.by_rule[id])
}

/// `n` consecutive daily logins from `first` (a date) at `hh:mm`.
pub fn logins(first: &str, n: usize, hhmm: &str) -> Vec<Event> {
    let d0: chrono::NaiveDate = first.parse().unwrap();
    (0..n)
        .map(|i| {
            let d = d0 + chrono::Days::new(i as u64);
            e(
                &format!("login-{d}-{hhmm}"),
                "seller_login",
                &format!("{d} {hhmm}"),
            )
        })
        .collect()
}

/// Generated streams for the property tests: three shops, six subjects, every kind of event.
pub const KINDS: &[&str] = &[
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
pub fn event(i: usize, g: (usize, u8, u8, u16, bool, bool, bool)) -> Event {
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

pub fn stream() -> impl Strategy<Value = Vec<Event>> {
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
