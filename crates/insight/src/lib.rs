//! Tianping insight (issue 13, DESIGN I-23), pure: what a result needs to reach the next
//! grade, level or star ([`gap`]); an enterprise's results over time and the changes between
//! two of them ([`history`]); a result among its peers, nearest-rank percentiles and the
//! 5-peer rule ([`peers`]). No IO, no async, no clock, no randomness.

pub mod gap;
pub mod history;
pub mod peers;

pub use gap::{
    gap, gap_with, parse_target, Action, Change, ConditionPlan, DimensionStanding, Effect, Gap,
    GapError, GapOptions, GapPlan, GradeRef, Guidance, GuidanceKind, Standing, Through,
};
