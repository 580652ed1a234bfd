//! How far a result is from what it did not reach: for every better grade or level, every
//! higher comprehensive star and each dimension's next single star, the conditions not met,
//! with the result's figure, the figure required and the gap. Pure: computed from a scheme
//! and an [`Evaluation`], so a stored result of any age can be explained again.
//!
//! The engine decides which grade or star a result has; this module only measures the
//! conditions of the targets above it, with the same rules (5.3 bands and step-down counts
//! for T/SDDITAI 5121 (I-7), half-open bands (I-3), 表1/表3 of T11/AII 001 (I-5)).

use serde::{Deserialize, Serialize};

use crate::engine::{settle, Evaluation};
use crate::model::{Grade, Method, Scheme};

/// What a condition belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// A grade or level of the scheme, by its code and its label as printed.
    Grade { code: String, label: String },
    /// A comprehensive star level (T11/AII 表3).
    Stars { stars: u8 },
    /// A dimension's single star level (T11/AII 表1).
    DimensionStars { dimension: String, stars: u8 },
}

/// A condition a target sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// The total (T11/AII: the composite score) reaches `required`.
    Total,
    /// At most `required` indicators are answered below the level (T/SDDITAI 5121 5.3).
    BelowLevel,
    /// The dimension's score reaches `required`.
    DimensionScore { dimension: String },
    /// The dimension's online ratio (%) reaches `required`.
    OnlineRatio { dimension: String },
}

/// One condition not met, and how far the result is from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distance {
    pub target: Target,
    pub condition: Condition,
    /// The result's figure: a score, a percentage or (below-level) a number of indicators.
    pub current: f64,
    /// The threshold to reach, or (below-level) the most indicators allowed.
    pub required: f64,
    /// The threshold must be exceeded, not only reached (a band open at its lower edge).
    pub strict: bool,
    /// Points or percentage points still missing, or indicators too many; never negative.
    pub gap: f64,
}

/// The figures of an evaluation that its distances are measured from: the total, the grade,
/// each indicator's answer value, the dimensions, the composite and the stars. It reads
/// straight from a stored evaluation's JSON (everything else — the trace, the nodes — is
/// skipped), so a stored result is measured without being read whole.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Figures {
    total: FigTotal,
    grade: Option<FigGrade>,
    indicators: Vec<FigIndicator>,
    #[serde(default)]
    dimensions: Vec<FigDimension>,
    #[serde(default)]
    composite: Option<f64>,
    #[serde(default)]
    stars: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct FigTotal {
    score: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct FigGrade {
    code: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct FigIndicator {
    answer: Option<FigAnswer>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct FigAnswer {
    value: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct FigDimension {
    name: String,
    score: f64,
    online_ratio: Option<f64>,
    stars: u8,
}

impl Figures {
    /// The figures of an evaluation.
    pub fn of(ev: &Evaluation) -> Figures {
        Figures {
            total: FigTotal {
                score: ev.total.score,
            },
            grade: ev.grade.as_ref().map(|g| FigGrade {
                code: g.code.clone(),
            }),
            indicators: ev
                .indicators
                .iter()
                .map(|i| FigIndicator {
                    answer: i.answer.as_ref().map(|a| FigAnswer { value: a.value }),
                })
                .collect(),
            dimensions: ev
                .dimensions
                .iter()
                .map(|d| FigDimension {
                    name: d.name.clone(),
                    score: d.score,
                    online_ratio: d.online_ratio,
                    stars: d.stars,
                })
                .collect(),
            composite: ev.composite,
            stars: ev.stars,
        }
    }
}

/// Every condition the result does not meet, nearest target first: the grades or levels
/// above the one reached (all of them when none is reached), the comprehensive star levels
/// above the one the result supports, and each dimension's next single star.
pub fn distances(scheme: &Scheme, ev: &Evaluation) -> Vec<Distance> {
    measure(scheme, &Figures::of(ev))
}

/// [`distances`] from the figures alone (a stored result read as [`Figures`]).
pub fn measure(scheme: &Scheme, ev: &Figures) -> Vec<Distance> {
    match scheme.method {
        Method::Points | Method::WeightedCoefficients => bands(scheme, ev),
        Method::WeightedLevels => levels(scheme, ev),
        Method::Dimensions => stars(scheme, ev),
    }
}

/// The grades better than the one reached, nearest first (grades are listed best first).
fn better_grades<'s>(scheme: &'s Scheme, ev: &Figures) -> impl Iterator<Item = &'s Grade> {
    let reached = ev
        .grade
        .as_ref()
        .and_then(|g| scheme.grades.iter().position(|x| x.code == g.code))
        .unwrap_or(scheme.grades.len());
    scheme.grades[..reached].iter().rev()
}

fn grade_target(g: &Grade) -> Target {
    Target::Grade {
        code: g.code.clone(),
        label: g.label.clone(),
    }
}

/// The total against a grade's lower edge, when below it.
fn total_below(g: &Grade, score: f64) -> Option<Distance> {
    let short = if g.min_inclusive {
        score < g.min
    } else {
        score <= g.min
    };
    short.then(|| Distance {
        target: grade_target(g),
        condition: Condition::Total,
        current: score,
        required: g.min,
        strict: !g.min_inclusive,
        gap: gap(g.min, score),
    })
}

/// `required − current`, settled (no float noise), never negative.
fn gap(required: f64, current: f64) -> f64 {
    settle(required - current).max(0.0)
}

/// Points and coefficient schemes: each better grade's band starts higher than the total.
fn bands(scheme: &Scheme, ev: &Figures) -> Vec<Distance> {
    better_grades(scheme, ev)
        .filter_map(|g| total_below(g, ev.total.score))
        .collect()
}

/// T/SDDITAI 5121 levels: a better level needs the total in or above its band and at most
/// `max_below` indicators answered below it (an unanswered one counts as level 0).
fn levels(scheme: &Scheme, ev: &Figures) -> Vec<Distance> {
    let answered: Vec<u32> = ev
        .indicators
        .iter()
        .map(|i| i.answer.as_ref().map_or(0, |a| a.value as u32))
        .collect();
    let mut out = Vec::new();
    for g in better_grades(scheme, ev) {
        out.extend(total_below(g, ev.total.score));
        let level: u32 = g.code.parse().unwrap_or(0);
        let below = answered.iter().filter(|x| **x < level).count() as f64;
        let allowed = f64::from(g.max_below.unwrap_or(0));
        if below > allowed {
            out.push(Distance {
                target: grade_target(g),
                condition: Condition::BelowLevel,
                current: below,
                required: allowed,
                strict: false,
                gap: below - allowed,
            });
        }
    }
    out
}

/// T11/AII stars: each comprehensive level above the one supported (1–3★: every dimension's
/// online ratio; 4–5★: the composite and every dimension's score), then each dimension's next
/// single star.
fn stars(scheme: &Scheme, ev: &Figures) -> Vec<Distance> {
    let Some(rules) = scheme.stars.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let supported = ev.stars.unwrap_or(0);
    let composite = ev.composite.unwrap_or(ev.total.score);
    for level in supported.saturating_add(1)..=5 {
        let target = Target::Stars { stars: level };
        if level >= 4 {
            let Some(&t) = rules.composite.get(usize::from(level - 4)) else {
                continue;
            };
            if composite < t {
                out.push(Distance {
                    target: target.clone(),
                    condition: Condition::Total,
                    current: composite,
                    required: t,
                    strict: false,
                    gap: gap(t, composite),
                });
            }
            for d in ev.dimensions.iter().filter(|d| d.score < t) {
                out.push(Distance {
                    target: target.clone(),
                    condition: Condition::DimensionScore {
                        dimension: d.name.clone(),
                    },
                    current: d.score,
                    required: t,
                    strict: false,
                    gap: gap(t, d.score),
                });
            }
        } else {
            let Some(&t) = rules.online_ratio.get(usize::from(level - 1)) else {
                continue;
            };
            for d in &ev.dimensions {
                let Some(r) = d.online_ratio.filter(|r| *r < t) else {
                    continue;
                };
                out.push(Distance {
                    target: target.clone(),
                    condition: Condition::OnlineRatio {
                        dimension: d.name.clone(),
                    },
                    current: r,
                    required: t,
                    strict: false,
                    gap: gap(t, r),
                });
            }
        }
    }
    for d in &ev.dimensions {
        let next = d.stars.saturating_add(1);
        let Some(&t) = rules.single.get(usize::from(d.stars)) else {
            continue;
        };
        out.push(Distance {
            target: Target::DimensionStars {
                dimension: d.name.clone(),
                stars: next,
            },
            condition: Condition::DimensionScore {
                dimension: d.name.clone(),
            },
            current: d.score,
            required: t,
            strict: false,
            gap: gap(t, d.score),
        });
    }
    out
}
