//! The star-rating case of seed 000 (T11/AII 001-2020 §6, §8; DESIGN I-5, I-6, I-19): an
//! enterprise applies, an evaluation supports some stars (a fact), the body awards, supervises
//! yearly, lowers or blacklists, and lifts the blacklist. The same rules decide twice, as for
//! a certification: [`check_next`] refuses an event in the app, [`replay`] keeps it in a
//! history and lists the violation.
//!
//! How we read the standard where it leaves a choice:
//! - An application's results are those recorded after it; an award decides it. A new
//!   application replaces one still undecided; a blacklisting ends it.
//! - A lowering rests on the latest supervision or spot check since the last award or
//!   lowering and goes to exactly the stars it supports (I-6: "lowers the star to what the new
//!   result supports"): fewer would go beyond the evidence (that is the blacklist's place),
//!   more would keep stars no result supports.
//! - A blacklisting takes the stars away; after it is lifted the enterprise starts again from
//!   none (a first award of at most 1★).
//! - An award replaces the single-dimension stars with its own (none when it gives none); a
//!   lowering keeps them unless it goes to no stars.
//! - Supervision is due 12 months after the latest award or yearly supervision (a spot check
//!   does not count), a month's end clamped: awarded on 29 February 2024, due by 28 February
//!   2025. Months only, so no working-day calendar is needed.

mod apply;
mod due;
pub mod events;
pub mod state;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::{Due, Header, Rule, Violation};
pub use events::{Event, EventKind, Mode, StarCount};
pub use state::{StarCase, State};

/// The rules of a star-rating case, besides those of any case (`events_in_order`,
/// `not_in_future`).
pub const RULES: &[Rule] = &[
    Rule::StarAwardNeedsResult,
    Rule::StarFirstAward,
    Rule::StarAwardNotLower,
    Rule::StarOnlineStep,
    Rule::StarFourFive,
    Rule::StarWithinResult,
    Rule::DimensionStarsOnsite,
    Rule::StarBlacklisted,
    Rule::SupervisionInTime,
    Rule::StarLowering,
    Rule::StarStatus,
    Rule::StarDecisionRecorded,
];

/// The stars as `case check` prints them (I-16): the comprehensive stars held and, when the
/// latest award gave them, the single-dimension stars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StarsView {
    pub current: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension_stars: Option<BTreeMap<String, u8>>,
    /// The day of the latest award or lowering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
}

/// The fold of a history on a date: the state, the stars, what is due and every violation,
/// plus the full case for pages.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub state: State,
    pub stars: StarsView,
    pub due: Vec<Due>,
    pub violations: Vec<Violation>,
    /// Results that belong to no open application.
    pub warnings: Vec<String>,
    /// Events applied (those dated on or before `as_of`).
    pub applied: usize,
    pub case: StarCase,
}

/// Replay a history as of a date: events dated after `as_of` are not applied; an event that
/// breaks a rule is kept and reported. The header names people; the rules need nothing else.
pub fn replay(_header: &Header, events: &[Event], as_of: NaiveDate) -> Outcome {
    let mut case = StarCase::default();
    let mut violations = Vec::new();
    let mut applied = 0;
    for (i, e) in events.iter().enumerate() {
        if e.date > as_of {
            continue;
        }
        violations.extend(apply::apply(&mut case, i, e));
        applied += 1;
    }
    let due = due::due_list(&case, as_of);
    let mut warnings = case.warnings.clone();
    warnings.dedup();
    Outcome {
        state: case.state(),
        stars: StarsView {
            current: case.current,
            dimension_stars: case.dimension_stars.clone(),
            since: case.since,
        },
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
    let mut case = StarCase::default();
    for (i, e) in events.iter().enumerate() {
        let _ = apply::apply(&mut case, i, e);
    }
    refusals.extend(apply::apply(&mut case, index, next));
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}
