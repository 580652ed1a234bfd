//! How far a result is from the grades, levels and stars it did not reach, as the API gives it
//! (`tianping_core::distance`): the same values the result page says in words, at full
//! precision.

use serde::Serialize;
use tianping_core::distance::{Condition, Distance, Target};
use utoipa::ToSchema;

/// What a condition belongs to.
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum DistanceTarget {
    /// A grade or level of the scheme, by its code and its label as printed.
    Grade { code: String, label: String },
    /// A comprehensive star level (T11/AII 表3).
    Stars { stars: u8 },
    /// A dimension's single star level (T11/AII 表1).
    DimensionStars { dimension: String, stars: u8 },
}

/// A condition of the target.
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum DistanceCondition {
    /// The total (T11/AII: the composite score) reaches `required`.
    Total,
    /// At most `required` indicators are answered below the level (T/SDDITAI 5121 5.3).
    BelowLevel,
    /// The dimension's score reaches `required`.
    DimensionScore { dimension: String },
    /// The dimension's online ratio (%) reaches `required`.
    OnlineRatio { dimension: String },
}

/// One condition the result does not meet, and how far it is.
#[derive(Serialize, ToSchema)]
pub(super) struct DistanceView {
    target: DistanceTarget,
    condition: DistanceCondition,
    /// The result's figure: a score, a percentage or (below_level) a number of indicators.
    current: f64,
    /// The threshold to reach, or (below_level) the most indicators allowed.
    required: f64,
    /// The threshold must be exceeded, not only reached (a band open at its lower edge).
    strict: bool,
    /// Points or percentage points still missing, or indicators too many; never negative.
    gap: f64,
}

impl From<Distance> for DistanceView {
    fn from(d: Distance) -> DistanceView {
        DistanceView {
            target: match d.target {
                Target::Grade { code, label } => DistanceTarget::Grade { code, label },
                Target::Stars { stars } => DistanceTarget::Stars { stars },
                Target::DimensionStars { dimension, stars } => {
                    DistanceTarget::DimensionStars { dimension, stars }
                }
            },
            condition: match d.condition {
                Condition::Total => DistanceCondition::Total,
                Condition::BelowLevel => DistanceCondition::BelowLevel,
                Condition::DimensionScore { dimension } => {
                    DistanceCondition::DimensionScore { dimension }
                }
                Condition::OnlineRatio { dimension } => {
                    DistanceCondition::OnlineRatio { dimension }
                }
            },
            current: d.current,
            required: d.required,
            strict: d.strict,
            gap: d.gap,
        }
    }
}
