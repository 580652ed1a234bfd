//! Tianping insight (issue 13, DESIGN I-23), pure: what a result needs to reach the next
//! grade, level or star ([`gap`]). No IO, no async, no clock, no randomness.

pub mod gap;

pub use gap::{
    gap, gap_with, parse_target, Action, Change, ConditionPlan, DimensionStanding, Effect, Gap,
    GapError, GapOptions, GapPlan, GradeRef, Guidance, GuidanceKind, Standing, Through,
};
