//! The story builder of the capability evaluation's tests (seed 004, I-18): a history of dated
//! events written as a body would write them (JSON, as in a case file), then the next event,
//! which the rules either allow or refuse. Both ways a rule decides are checked every time:
//! `check_next` (the app refuses, naming the rule) and `replay` (a history keeps the event
//! and lists the violation at its 0-based index) — and they must say the same.
#![allow(dead_code)]

use std::sync::OnceLock;

use chrono::{Days, NaiveDate};
use serde_json::{json, Value};
use tianping_calc::calendar::Calendar;
use tianping_case::capability::{check_next, replay, Context, Event, Outcome};
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

pub fn calendar() -> &'static Calendar {
    static C: OnceLock<Calendar> = OnceLock::new();
    C.get_or_init(Calendar::builtin)
}

pub fn ctx() -> Context<'static> {
    Context {
        calendar: calendar(),
    }
}

/// The round-1 panel of every story and a panel formed anew that shares no one with it.
pub const FIRST: [&str; 3] = ["e1", "e2", "e3"];
pub const SECOND: [&str; 3] = ["e4", "e5", "e6"];

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
            header: Header::new(CaseKind::Capability),
            events: Vec::new(),
        }
    }

    /// Append an event without checking it.
    pub fn then(mut self, date: &str, body: Value) -> Story {
        self.events.push(ev(date, body));
        self
    }

    pub fn last_date(&self) -> NaiveDate {
        self.events
            .iter()
            .map(|e| e.date)
            .max()
            .unwrap_or_else(|| d("2000-01-01"))
    }

    pub fn replay_as_of(&self, as_of: &str) -> Outcome {
        replay(&self.header, &self.events, d(as_of), ctx())
    }

    pub fn replay_all(&self) -> Outcome {
        replay(&self.header, &self.events, self.last_date(), ctx())
    }

    /// The history so far breaks no rule (so that what a test finds comes from its last step).
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

    /// The next event is allowed: `check_next` accepts it on its own date, and the history
    /// with it replays without a violation at its index. Returns the story with the event.
    #[track_caller]
    pub fn allows(&self, date: &str, body: Value) -> Story {
        self.assert_clean();
        let next = ev(date, body);
        let index = self.events.len();
        if let Err(v) = check_next(&self.header, &self.events, &next, next.date, ctx()) {
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

    /// The next event breaks `rule` and no other: `check_next` refuses it naming the rule,
    /// and `replay` keeps it and lists exactly the same violation at its index.
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
        let refused = match check_next(&self.header, &self.events, &next, next.date, ctx()) {
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

    // ---- the usual steps of an evaluation, as a body records them ----

    pub fn applied(self, date: &str) -> Story {
        self.then(date, json!({"type": "application_received"}))
    }

    pub fn accepted(self, date: &str) -> Story {
        self.then(date, accept())
    }

    pub fn verified(self, date: &str) -> Story {
        self.then(date, json!({"type": "verification_done", "by": "rev"}))
    }

    pub fn panel(self, date: &str, round: u8, members: &[&str]) -> Story {
        self.then(date, panel(round, members))
    }

    pub fn evaluated(self, date: &str, score: f64) -> Story {
        self.then(date, evaluation(score, None))
    }

    pub fn published(self, date: &str) -> Story {
        self.then(date, json!({"type": "publicity_started"}))
    }

    pub fn objection(self, date: &str, id: &str) -> Story {
        self.then(date, json!({"type": "objection_received", "id": id}))
    }

    pub fn ruled(self, date: &str, id: &str, result: &str) -> Story {
        self.then(date, ruling(id, result))
    }

    pub fn confirmed(self, date: &str) -> Story {
        self.then(date, json!({"type": "confirmed", "by": "dir"}))
    }

    pub fn announced(self, date: &str) -> Story {
        self.then(date, json!({"type": "announced"}))
    }

    pub fn reported(self, date: &str) -> Story {
        self.then(
            date,
            json!({"type": "report_issued", "number": "CIC-2026-001"}),
        )
    }

    /// Applied on Monday 1 June 2026, accepted on 5 June, verified on 19 June, the round-1
    /// panel on 1 July: ready to evaluate.
    pub fn ready() -> Story {
        Story::new()
            .applied("2026-06-01")
            .accepted("2026-06-05")
            .verified("2026-06-19")
            .panel("2026-07-01", 1, &FIRST)
    }

    /// Evaluated on 14 September 2026 with `score`, published on Monday 21 September: the
    /// 15 working days run across National Day to 19 October (I-11's example).
    pub fn in_publicity(score: f64) -> Story {
        Story::ready()
            .evaluated("2026-09-14", score)
            .published("2026-09-21")
    }

    /// The evaluation of 88.5 (一级) confirmed on 20 October 2026, the day after the
    /// publicity, announced and reported on 23 October.
    pub fn graded() -> Story {
        Story::in_publicity(88.5)
            .confirmed("2026-10-20")
            .announced("2026-10-23")
            .reported("2026-10-23")
    }
}

pub fn accept() -> Value {
    json!({"type": "application_reviewed", "result": "accepted", "by": "rev"})
}

pub fn panel(round: u8, members: &[&str]) -> Value {
    json!({"type": "panel_formed", "members": members, "round": round})
}

pub fn evaluation(score: f64, grade: Option<&str>) -> Value {
    let mut v = json!({"type": "evaluation_completed", "score": score});
    if let Some(g) = grade {
        v["grade"] = json!(g);
    }
    v
}

pub fn ruling(id: &str, result: &str) -> Value {
    json!({"type": "objection_ruled", "objection": id, "result": result, "by": "dir"})
}

pub fn confirm() -> Value {
    json!({"type": "confirmed", "by": "dir"})
}
