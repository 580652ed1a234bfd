//! How fast a certification history folds: one full three-year cycle (the CLI's clean
//! fixture: application to renewal and appeal, 35 events) replayed with its due list, the
//! check of one more event in the app, and the due list of 1,000 such clients — what the
//! hourly reminder task and `tianping due` do.

use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tianping_calc::audit_time::AuditTimeTable;
use tianping_calc::calendar::Calendar;
use tianping_case::certification::{check_next, replay, Context, Event};
use tianping_case::{jsonl, CaseKind};

fn bench(c: &mut Criterion) {
    let text = include_str!("../../cli/tests/cases/full-history.jsonl");
    let (header, events) = jsonl::parse::<Event>(text, CaseKind::Certification).unwrap();
    let cal = Calendar::builtin();
    let table = AuditTimeTable::builtin();
    let ctx = Context {
        calendar: &cal,
        audit_time: &table,
        conflicts: &[],
    };
    let as_of: NaiveDate = "2029-02-01".parse().unwrap();
    assert!(replay(&header, &events, as_of, ctx).violations.is_empty());
    c.bench_function("replay a 35-event cycle with its due list", |b| {
        b.iter(|| replay(black_box(&header), black_box(&events), as_of, ctx))
    });
    let (last, before) = events.split_last().unwrap();
    c.bench_function("check_next of the 35th event", |b| {
        b.iter(|| check_next(black_box(&header), black_box(before), last, as_of, ctx))
    });
    c.bench_function("due list of 1,000 clients", |b| {
        b.iter(|| {
            (0..1000)
                .map(|_| replay(&header, &events, as_of, ctx).due.len())
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
