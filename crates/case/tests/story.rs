//! A full certification history read from a case file and replayed.

use chrono::NaiveDate;
use tianping_calc::audit_time::AuditTimeTable;
use tianping_calc::calendar::Calendar;
use tianping_case::certification::{replay, Context, Event, State};
use tianping_case::{jsonl, CaseKind};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn initial_certification_story() {
    let text = include_str!("cases/full-cycle.jsonl");
    let (header, events) = jsonl::parse::<Event>(text, CaseKind::Certification).unwrap();
    let cal = Calendar::builtin();
    let table = AuditTimeTable::builtin();
    let ctx = Context {
        calendar: &cal,
        audit_time: &table,
        conflicts: &[],
    };
    let out = replay(&header, &events, d("2026-02-01"), ctx);
    assert!(out.violations.is_empty(), "{:#?}", out.violations);
    assert_eq!(out.state, State::Certified);
    let c = out.certificate.unwrap();
    assert_eq!(c.valid_from, d("2026-01-28"));
    assert_eq!(c.valid_until, d("2029-01-27"));
    let s = out
        .due
        .iter()
        .find(|x| x.kind.as_str() == "surveillance")
        .unwrap();
    assert_eq!(s.due, d("2027-01-28"));
    println!("{:#?}", out.due);
}
