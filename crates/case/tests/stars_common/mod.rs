//! A small builder for star-rating stories (000 §6, §8, I-19): a history of dated events as a
//! body writes them (JSON, as in a case file), then the next event, which the rules either
//! allow or refuse — checked both ways every time: `check_next` (the app refuses, naming the
//! rule) and `replay` (a history keeps the event and lists the violation at its index).
#![allow(dead_code)]

use chrono::{Days, NaiveDate};
use serde_json::{json, Value};
use tianping_case::stars::{check_next, replay, Event, Outcome};
use tianping_case::{CaseKind, Header, Rule, Violation};

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or_else(|e| panic!("test date {s}: {e}"))
}

/// `date` ± `n` days, as text.
pub fn plus(date: &str, n: i64) -> String {
    let x = d(date);
    let y = if n >= 0 {
        x.checked_add_days(Days::new(n as u64))
    } else {
        x.checked_sub_days(Days::new((-n) as u64))
    };
    y.expect("date in range").to_string()
}

/// One event from its JSON body (without the date), exactly as a case file line.
pub fn ev(date: &str, body: Value) -> Event {
    let mut v = body;
    v["date"] = json!(date);
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("event {v}: {e}"))
}

pub fn applied(mode: &str) -> Value {
    json!({"type": "star_applied", "mode": mode})
}

pub fn result(mode: &str, stars: u8) -> Value {
    json!({"type": "star_result", "mode": mode, "stars": stars})
}

/// An on-site result with single-dimension stars.
pub fn onsite_result(stars: u8, dims: Value) -> Value {
    json!({"type": "star_result", "mode": "onsite", "stars": stars, "dimension_stars": dims})
}

pub fn award(stars: u8) -> Value {
    json!({"type": "star_awarded", "stars": stars, "by": "dec"})
}

pub fn award_dims(stars: u8, dims: Value) -> Value {
    json!({"type": "star_awarded", "stars": stars, "by": "dec", "dimension_stars": dims})
}

pub fn supervision(stars: u8) -> Value {
    json!({"type": "supervision_completed", "stars": stars})
}

pub fn spot_check(stars: u8) -> Value {
    json!({"type": "supervision_completed", "stars": stars, "spot_check": true})
}

pub fn lower(stars: u8) -> Value {
    json!({"type": "star_lowered", "stars": stars, "by": "dec", "reason": "监督审查结果不足"})
}

pub fn blacklist() -> Value {
    json!({"type": "blacklisted", "reason": "提供虚假材料", "by": "dec"})
}

pub fn lift() -> Value {
    json!({"type": "blacklist_lifted", "by": "dec"})
}

#[derive(Clone, Debug)]
pub struct Story {
    pub header: Header,
    pub events: Vec<Event>,
}

impl Default for Story {
    fn default() -> Self {
        Story::new()
    }
}

impl Story {
    pub fn new() -> Story {
        Story {
            header: Header::new(CaseKind::Stars),
            events: Vec::new(),
        }
    }

    /// Append an event without checking it.
    pub fn then(mut self, date: &str, body: Value) -> Story {
        self.events.push(ev(date, body));
        self
    }

    /// The last date of the history (or a day long ago when empty).
    pub fn last_date(&self) -> NaiveDate {
        self.events
            .iter()
            .map(|e| e.date)
            .max()
            .unwrap_or_else(|| d("2000-01-01"))
    }

    pub fn replay_as_of(&self, as_of: &str) -> Outcome {
        replay(&self.header, &self.events, d(as_of))
    }

    pub fn replay_all(&self) -> Outcome {
        replay(&self.header, &self.events, self.last_date())
    }

    /// The history so far breaks no rule (what a test finds comes from its last step).
    #[track_caller]
    pub fn assert_clean(&self) -> &Story {
        let out = self.replay_all();
        assert!(
            out.violations.is_empty(),
            "the story before the step under test should be clean: {:#?}",
            out.violations
        );
        self
    }

    /// The next event is allowed by `check_next` on its own date and replays without a
    /// violation at its index. Returns the story with the event.
    #[track_caller]
    pub fn allows(&self, date: &str, body: Value) -> Story {
        self.assert_clean();
        let next = ev(date, body);
        let index = self.events.len();
        if let Err(v) = check_next(&self.header, &self.events, &next, next.date) {
            panic!("check_next should allow {next:?}, refused: {v:#?}");
        }
        let mut s = self.clone();
        s.events.push(next);
        let out = s.replay_all();
        let at: Vec<&Violation> = out.violations.iter().filter(|v| v.event == index).collect();
        assert!(
            at.is_empty(),
            "replay should report nothing at {index}: {at:#?}"
        );
        s
    }

    /// The next event breaks `rule` and no other: `check_next` refuses it naming the rule, and
    /// `replay` keeps it and lists exactly the same violation at its index.
    #[track_caller]
    pub fn refuses(&self, date: &str, body: Value, rule: Rule) -> Violation {
        let all = self.refuses_all(date, body, rule);
        let rules: Vec<&str> = all.iter().map(|v| v.rule.id()).collect();
        assert!(
            all.iter().all(|v| v.rule == rule),
            "only {} expected, found {rules:?}",
            rule.id()
        );
        all.into_iter().next().expect("refuses_all found the rule")
    }

    /// Like [`Story::refuses`], where the same event may break other rules too: every
    /// violation at the event's index.
    #[track_caller]
    pub fn refuses_all(&self, date: &str, body: Value, rule: Rule) -> Vec<Violation> {
        self.assert_clean();
        let next = ev(date, body);
        let index = self.events.len();
        let refused = match check_next(&self.header, &self.events, &next, next.date) {
            Ok(()) => panic!("check_next should refuse {next:?} by {}", rule.id()),
            Err(v) => v,
        };
        let mut s = self.clone();
        s.events.push(next);
        let out = s.replay_all();
        assert_eq!(out.applied, s.events.len(), "every event is applied");
        let reported: Vec<Violation> = out
            .violations
            .iter()
            .filter(|v| v.event == index)
            .cloned()
            .collect();
        assert_eq!(
            refused, reported,
            "the same rule decides twice: check_next and replay agree"
        );
        assert!(
            out.violations.iter().all(|v| v.event == index),
            "only the step under test is reported: {:#?}",
            out.violations
        );
        let v = reported
            .iter()
            .find(|v| v.rule == rule)
            .unwrap_or_else(|| panic!("{} expected among {refused:#?}", rule.id()));
        assert_eq!(v.clause, rule.clause());
        assert!(!v.message.trim().is_empty());
        reported
    }

    // ---- the usual steps, as a body records them ----

    /// An application in `mode` on `date` with one result of `stars` the same day.
    pub fn evaluated(self, date: &str, mode: &str, stars: u8) -> Story {
        self.then(date, applied(mode))
            .then(date, result(mode, stars))
    }

    /// First rating: an online application on `date`, a 1★ result, 1★ awarded 10 days later.
    pub fn one_star(self, date: &str) -> Story {
        let on = plus(date, 10);
        self.evaluated(date, "online", 1).then(&on, award(1))
    }

    /// 1★ on `date`, then 3★ from an online self-evaluation 60 days later (awarded at +70).
    pub fn three_stars(self, date: &str) -> Story {
        let (app, on) = (plus(date, 60), plus(date, 70));
        self.one_star(date)
            .evaluated(&app, "online", 3)
            .then(&on, award(3))
    }
}
