//! The capability evaluation of seed 004 (T/CIC, §6 and §9; DESIGN I-13, I-18 and its edges):
//! application and its answer, verification, the evaluation panel, the preliminary result and
//! its publicity of 15 working days, objections handled by a panel formed anew, confirmation
//! with the grade the score gives, announcement and final report, and the grade's revocation
//! or downgrading. Events, the fold with every rule, the due list.

mod apply;
mod conclude;
mod due;
pub mod events;
pub mod grade;
mod publicity;
pub mod state;

use chrono::NaiveDate;
use serde::Serialize;
use tianping_calc::calendar::Calendar;

use crate::{Due, Header, Rule, Violation};
pub use apply::MIN_PANEL;
pub use events::{Event, EventKind};
pub use grade::{grade_for, Grade, Score};
pub use publicity::PUBLICITY_WORKDAYS;
pub use state::{CaseState, State};

/// What the rules need besides the events: the working-day calendar (the publicity, I-11).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub calendar: &'a Calendar,
}

/// The grade in force, as `case check` prints it (I-16): its code and last valid day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GradeView {
    pub code: Grade,
    pub valid_until: NaiveDate,
}

/// The fold of a history on a date: the state, the grade in force, what is due and every
/// violation, plus the full case for pages.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub state: State,
    pub grade: Option<GradeView>,
    pub due: Vec<Due>,
    pub violations: Vec<Violation>,
    /// Calendar warnings (a year without a holiday notice was used).
    pub warnings: Vec<String>,
    /// Events applied (those dated on or before `as_of`).
    pub applied: usize,
    pub case: CaseState,
}

/// Replay a history as of a date: events dated after `as_of` are not applied; an event that
/// breaks a rule is kept and reported. The header names people; no capability rule reads it.
pub fn replay(_header: &Header, events: &[Event], as_of: NaiveDate, ctx: Context<'_>) -> Outcome {
    let mut case = CaseState::default();
    let mut violations = Vec::new();
    let mut applied = 0;
    for (i, e) in events.iter().enumerate() {
        if e.date > as_of {
            continue;
        }
        violations.extend(apply::apply(&mut case, i, e, ctx));
        applied += 1;
    }
    let due = due::due_list(&case, as_of);
    let mut warnings = case.warnings.clone();
    warnings.sort();
    warnings.dedup();
    Outcome {
        state: case.state_on(as_of),
        grade: case.grade_view(as_of),
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
    _header: &Header,
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
    let mut case = CaseState::default();
    for (i, e) in events.iter().enumerate() {
        let _ = apply::apply(&mut case, i, e, ctx);
    }
    refusals.extend(apply::apply(&mut case, index, next, ctx));
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}
