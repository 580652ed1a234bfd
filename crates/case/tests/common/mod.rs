//! A small builder so that each rule's test reads as a story: a history of dated events as a
//! body would write them (JSON, as in a case file), then the next event, which the rules
//! either allow or refuse. Both ways a rule decides are checked every time: `check_next`
//! (the app: refuse, naming the rule) and `replay` (a history: keep the event, list the
//! violation at its 0-based index) — and they must say the same.
#![allow(dead_code)]

use std::sync::OnceLock;

use chrono::{Days, NaiveDate};
use serde_json::{json, Value};
use tianping_calc::audit_time::AuditTimeTable;
use tianping_calc::calendar::Calendar;
use tianping_case::certification::{
    check_next, replay, Conflict, Context, Event, EventKind, Outcome,
};
use tianping_case::{CaseKind, Header, Person, Rule, Violation};

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

pub fn audit_time() -> &'static AuditTimeTable {
    static T: OnceLock<AuditTimeTable> = OnceLock::new();
    T.get_or_init(AuditTimeTable::builtin)
}

fn person(id: &str, name: &str, competence: &[&str]) -> Person {
    Person {
        id: id.into(),
        name: Some(name.into()),
        roles: Vec::new(),
        competence: competence.iter().map(|c| c.to_string()).collect(),
        records_complete: false,
    }
}

/// The people of every story: `rev` reviews applications, `lead` and `aud` audit (CCAA and
/// EEPC), `aud2` audits with no record described, `half` has CCAA but no EEPC training,
/// `exp` is a technical expert, `trainee` a trainee, `dec` and `dec2` decide.
pub fn header() -> Header {
    Header {
        case: CaseKind::Certification,
        people: vec![
            person("rev", "申请评审员", &[]),
            person("lead", "审核组长", &["CCAA-QMS-2020", "EEPC-2025"]),
            person("aud", "审核员", &["CCAA-EMS-2021", "EEPC-2025"]),
            person("aud2", "审核员乙", &[]),
            person("half", "未培训审核员", &["CCAA-QMS-2019"]),
            person("exp", "技术专家", &[]),
            person("trainee", "实习审核员", &[]),
            person("dec", "决定人员", &[]),
            person("dec2", "决定人员乙", &[]),
        ],
    }
}

#[derive(Clone, Debug)]
pub struct Story {
    pub header: Header,
    pub events: Vec<Event>,
    pub conflicts: Vec<Conflict>,
}

impl Default for Story {
    fn default() -> Self {
        Story::new()
    }
}

impl Story {
    pub fn new() -> Story {
        Story {
            header: header(),
            events: Vec::new(),
            conflicts: Vec::new(),
        }
    }

    pub fn ctx(&self) -> Context<'_> {
        Context {
            calendar: calendar(),
            audit_time: audit_time(),
            conflicts: &self.conflicts,
        }
    }

    pub fn with_conflict(mut self, person: &str, reason: &str, until: Option<&str>) -> Story {
        self.conflicts.push(Conflict {
            person: person.into(),
            reason: reason.into(),
            until: until.map(d),
        });
        self
    }

    /// Append an event without checking it.
    pub fn then(mut self, date: &str, body: Value) -> Story {
        self.events.push(ev(date, body));
        self.confirm_plan();
        self
    }

    /// The client confirms an audit plan the day it is made (8.1.4.2), as every story's
    /// client does unless a test leaves it out (`then_unconfirmed`).
    fn confirm_plan(&mut self) {
        use tianping_case::certification::events::AuditKind;
        let planned = match self.events.last().map(|e| &e.kind) {
            Some(EventKind::AuditPlanned { audit, kind, .. }) if *kind != AuditKind::Special => {
                audit.clone()
            }
            _ => return,
        };
        let date = self
            .events
            .last()
            .map(|e| e.date.to_string())
            .unwrap_or_default();
        self.events.push(ev(
            &date,
            json!({"type": "plan_confirmed", "audit": planned}),
        ));
    }

    /// Append an event without the client's confirmation of a plan.
    pub fn then_unconfirmed(mut self, date: &str, body: Value) -> Story {
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
        replay(&self.header, &self.events, d(as_of), self.ctx())
    }

    /// The history replayed with every event applied.
    pub fn replay_all(&self) -> Outcome {
        replay(&self.header, &self.events, self.last_date(), self.ctx())
    }

    /// The history so far breaks no rule (so that what a test finds comes from its last step).
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
        if let Err(v) = check_next(&self.header, &self.events, &next, next.date, self.ctx()) {
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
        s.confirm_plan();
        s
    }

    /// The next event breaks `rule` and no other: `check_next` refuses it naming the rule,
    /// and `replay` keeps it and lists exactly the same violation at its index. Returns the
    /// violation (its message names what would be allowed).
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

    /// Like [`Story::refuses`], where other rules may be broken by the same event too: every
    /// violation at the event's index.
    #[track_caller]
    pub fn refuses_all(&self, date: &str, body: Value, rule: Rule) -> Vec<Violation> {
        self.assert_clean();
        let next = ev(date, body);
        let index = self.events.len();
        let refused = match check_next(&self.header, &self.events, &next, next.date, self.ctx()) {
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

    // ---- the usual steps of a certification, as a body records them ----

    /// Application of a single-site organisation of 120 people (Annex A: initial 3 days,
    /// surveillance 1, recertification 2), system operating for a year.
    pub fn applied(self, date: &str) -> Story {
        let start = plus(date, -365);
        self.then(
            date,
            json!({"type": "application_received", "headcount": 120,
                   "scope": "建筑工程施工合同履约管理", "system_start": start}),
        )
    }

    pub fn accepted(self, date: &str) -> Story {
        self.then(
            date,
            json!({"type": "application_reviewed", "result": "accepted", "by": "rev"}),
        )
    }

    pub fn contracted(self, date: &str) -> Story {
        self.then(date, json!({"type": "contract_signed"}))
    }

    /// Applied, accepted and contracted on three days from `date`.
    pub fn contracted_from(self, date: &str) -> Story {
        self.applied(date)
            .accepted(&plus(date, 2))
            .contracted(&plus(date, 4))
    }

    /// A one-day audit planned on its day by `lead` alone, `days` person-days.
    pub fn planned(self, date: &str, audit: &str, kind: &str, days: f64) -> Story {
        self.then(date, plan(audit, kind, date, date, &["lead"], days))
    }

    pub fn completed(self, date: &str, audit: &str, findings: Value) -> Story {
        self.then(date, done(audit, date, findings))
    }

    /// Stage 1 on `date` (planned and completed that day, 1 day).
    pub fn stage1(self, date: &str) -> Story {
        self.planned(date, "S1", "stage1", 1.0)
            .completed(date, "S1", json!([]))
    }

    /// Stage 2 planned on `date`, audited by `lead` and `aud` on `date` and the next day (4
    /// days with stage 1's 1: Annex A asks 3), completed with `findings` and a score of 91.5.
    pub fn stage2(self, date: &str, findings: Value) -> Story {
        let end = plus(date, 1);
        self.then(
            date,
            plan("S2", "stage2", date, &end, &["lead", "aud"], 4.0),
        )
        .then(
            &end,
            json!({"type": "audit_completed", "audit": "S2", "last_day": end,
                       "findings": findings, "score": 91.5}),
        )
    }

    pub fn decided(self, date: &str, audit: &str) -> Story {
        self.then(date, grant(audit, "dec"))
    }

    pub fn issued(self, date: &str, number: &str) -> Story {
        self.then(
            date,
            json!({"type": "certificate_issued", "number": number}),
        )
    }

    /// The whole initial certification, ending with certificate TP-1 issued on `issue`:
    /// application 150 days before, stage 1 at −100, stage 2 at −90/−89, grant at −10.
    pub fn certified(self, issue: &str) -> Story {
        self.contracted_from(&plus(issue, -150))
            .stage1(&plus(issue, -100))
            .stage2(&plus(issue, -90), json!([]))
            .decided(&plus(issue, -10), "S2")
            .issued(issue, "TP-1")
    }

    /// A surveillance audit `id` planned and completed on `day` (1 day, Annex A asks 1).
    pub fn surveillance(self, id: &str, day: &str) -> Story {
        self.planned(day, id, "surveillance", 1.0)
            .completed(day, id, json!([]))
    }
}

/// An `audit_planned` body.
pub fn plan(audit: &str, kind: &str, start: &str, end: &str, team: &[&str], days: f64) -> Value {
    let team: Vec<Value> = team
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"person": p, "role": if i == 0 { "leader" } else { "auditor" }}))
        .collect();
    json!({"type": "audit_planned", "audit": audit, "kind": kind, "start": start, "end": end,
           "team": team, "days": days})
}

/// An `audit_completed` body.
pub fn done(audit: &str, last_day: &str, findings: Value) -> Value {
    json!({"type": "audit_completed", "audit": audit, "last_day": last_day, "findings": findings})
}

/// A grant by `by`.
pub fn grant(audit: &str, by: &str) -> Value {
    json!({"type": "decision", "audit": audit, "by": by, "result": "grant"})
}
