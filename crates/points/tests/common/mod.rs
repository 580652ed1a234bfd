//! Builders for the points tests: events of one shop ("s1" unless said), times in Shanghai.
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset};
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
