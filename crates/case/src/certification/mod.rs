//! The certification case of seed 003 (DESIGN I-17 with I-8, I-9, I-11, I-12): events, the
//! fold with every rule, the due list, the decider's checklist and the records' retention.

mod appeals;
mod apply;
pub mod checklist;
mod decide;
mod due;
pub mod events;
mod keep;
mod plan;
pub mod programme;
pub mod state;
pub mod team;

use chrono::NaiveDate;
use serde::Serialize;
use tianping_calc::audit_time::AuditTimeTable;
use tianping_calc::calendar::Calendar;

use crate::{Due, Header, Rule, Violation};
pub use events::{Event, EventKind};
pub use state::{CaseState, CertStatus, State};
pub use team::Conflict;

/// What the rules need besides the events: the working-day calendar, Annex A's audit-time
/// table and the conflict-of-interest declarations the body holds.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub calendar: &'a Calendar,
    pub audit_time: &'a AuditTimeTable,
    pub conflicts: &'a [Conflict],
}

/// A certificate as `case check` prints it (I-16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateView {
    pub number: String,
    pub status: CertStatus,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

/// The fold of a history on a date: the state, the certificate, what is due and every
/// violation, plus the full case for pages.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub state: State,
    pub certificate: Option<CertificateView>,
    pub due: Vec<Due>,
    pub violations: Vec<Violation>,
    /// Calendar warnings (a year without a holiday notice was used).
    pub warnings: Vec<String>,
    /// Events applied (those dated on or before `as_of`).
    pub applied: usize,
    pub case: CaseState,
}

/// Replay a history as of a date: events dated after `as_of` are not applied; an event that
/// breaks a rule is kept and reported.
pub fn replay(header: &Header, events: &[Event], as_of: NaiveDate, ctx: Context<'_>) -> Outcome {
    let mut case = CaseState::for_header(header);
    let mut violations = Vec::new();
    let mut applied = 0;
    for (i, e) in events.iter().enumerate() {
        if e.date > as_of {
            continue;
        }
        violations.extend(apply::apply(&mut case, header, i, e, ctx));
        applied += 1;
    }
    let (due, due_warnings) = due::due_list(&case, as_of, ctx);
    let mut warnings = case.warnings.clone();
    warnings.extend(due_warnings);
    warnings.sort();
    warnings.dedup();
    Outcome {
        state: case.state_on(as_of),
        certificate: case.certificate_view(as_of),
        due,
        violations,
        warnings,
        applied,
        case,
    }
}

/// Whether `next` may be appended to `events` on `today`: the same rules as [`replay`], for
/// the new event only. A refusal names each broken rule, its clause and what is allowed.
pub fn check_next(
    header: &Header,
    events: &[Event],
    next: &Event,
    today: NaiveDate,
    ctx: Context<'_>,
) -> Result<(), Vec<Violation>> {
    let index = events.len();
    let mut refusals = Vec::new();
    if next.date > today {
        refusals.push(Violation {
            event: index,
            rule: Rule::NotInFuture,
            clause: Rule::NotInFuture.clause(),
            message: format!(
                "事件日期 {} 晚于今天 {today}：只能记录已经发生的事",
                next.date
            ),
        });
    }
    let mut case = CaseState::for_header(header);
    for (i, e) in events.iter().enumerate() {
        let _ = apply::apply(&mut case, header, i, e, ctx);
    }
    refusals.extend(apply::apply(&mut case, header, index, next, ctx));
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

/// The last day the case's records must be kept (clause 10: the current cycle plus one full
/// cycle), or `None` when nothing has happened.
pub fn records_kept_until(case: &CaseState) -> Option<NaiveDate> {
    case.records_kept_until()
}

/// Whether a case's records may be deleted on `today` (clause 10).
pub fn deletion_allowed(case: &CaseState, today: NaiveDate) -> Result<(), Violation> {
    match case.records_kept_until() {
        Some(until) if today <= until => Err(Violation {
            event: case.events,
            rule: Rule::RecordsRetention,
            clause: Rule::RecordsRetention.clause(),
            message: format!(
                "认证档案须保存至 {until}（当前认证周期加上一个完整的认证周期），{} 起方可删除",
                until.succ_opt().unwrap_or(until)
            ),
        }),
        _ => Ok(()),
    }
}
