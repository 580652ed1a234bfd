//! Outcomes and their conditions: which outcome is next, which targets are above the
//! current one, and the conditions of each — with every better outcome that also reaches it
//! (a T/SDDITAI 5121 level is reached when any level at or above it holds; a T11/AII star
//! level when any level at or above it holds).

use tianping_core::distance::Target;
use tianping_core::stars::star_word;
use tianping_core::{Method, Plan};

use super::state::{single_stars, Figures};
use super::types::GapError;

/// An outcome, by index into the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Goal {
    /// `scheme.grades[g]`.
    Grade(usize),
    /// Comprehensive stars (表3).
    Stars(u8),
    /// A dimension's single stars (表1), by plan dimension.
    DimStars(usize, u8),
}

impl Goal {
    pub fn target(self, plan: &Plan) -> Target {
        match self {
            Goal::Grade(g) => {
                let g = &plan.scheme.grades[g];
                Target::Grade {
                    code: g.code.clone(),
                    label: g.label.clone(),
                }
            }
            Goal::Stars(n) => Target::Stars { stars: n },
            Goal::DimStars(d, n) => Target::DimensionStars {
                dimension: plan.dimensions[d].0.clone(),
                stars: n,
            },
        }
    }

    pub fn from_target(plan: &Plan, t: &Target) -> Result<Goal, GapError> {
        let s = plan.scheme;
        let stars_only = |what: &str| {
            GapError(format!(
                "{what}只适用于星级评价方案（{} 按{}评定）",
                s.id,
                if s.method == Method::WeightedLevels {
                    "级别"
                } else {
                    "等级"
                }
            ))
        };
        match t {
            Target::Grade { code, .. } => s
                .grades
                .iter()
                .position(|g| &g.code == code)
                .map(Goal::Grade)
                .ok_or_else(|| unknown(plan, code)),
            Target::Stars { stars } if s.method == Method::Dimensions => {
                star_count(*stars, plan).map(Goal::Stars)
            }
            Target::Stars { .. } => Err(stars_only("综合星级")),
            Target::DimensionStars { dimension, stars } if s.method == Method::Dimensions => {
                let d = plan
                    .dimensions
                    .iter()
                    .position(|(n, _)| n == dimension)
                    .ok_or_else(|| unknown(plan, dimension))?;
                star_count(*stars, plan).map(|n| Goal::DimStars(d, n))
            }
            Target::DimensionStars { .. } => Err(stars_only("单项星级")),
        }
    }

    /// Whether the outcome is better than what the figures reach.
    pub fn above(self, plan: &Plan, f: &Figures) -> bool {
        match self {
            Goal::Grade(g) => g < f.grade.unwrap_or(plan.scheme.grades.len()),
            Goal::Stars(n) => n > f.stars,
            Goal::DimStars(d, n) => n > single_stars(plan, f.dims[d]),
        }
    }

    /// Whether the figures reach the outcome.
    pub fn reached(self, plan: &Plan, f: &Figures) -> bool {
        match self {
            Goal::Grade(g) => f.grade.is_some_and(|x| x <= g),
            Goal::Stars(n) => f.stars >= n,
            Goal::DimStars(d, n) => single_stars(plan, f.dims[d]) >= n,
        }
    }
}

fn star_count(n: u8, plan: &Plan) -> Result<u8, GapError> {
    if (1..=5).contains(&n) {
        Ok(n)
    } else {
        Err(GapError(format!(
            "星级 {} 无效；可接受 1 至 5（{}）",
            n,
            accepted(plan)
        )))
    }
}

fn unknown(plan: &Plan, what: &str) -> GapError {
    GapError(format!(
        "目标 “{}” 不是方案 {} 的{}；可接受：{}",
        what,
        plan.scheme.id,
        if plan.scheme.method == Method::Dimensions {
            "星级或维度"
        } else {
            "等级"
        },
        accepted(plan)
    ))
}

/// The target forms a plan accepts, in words.
fn accepted(plan: &Plan) -> String {
    let s = plan.scheme;
    if s.method == Method::Dimensions {
        let dims: Vec<&str> = plan.dimensions.iter().map(|(n, _)| n.as_str()).collect();
        format!(
            "综合星级 1 至 5（如 4、4星、四星级），或 维度:星级（如 {}:3）；维度：{}",
            dims.first().copied().unwrap_or("企业信用"),
            dims.join("、")
        )
    } else if s.grades.is_empty() {
        format!("（方案 {} 不评等级，没有可作为目标的等级）", s.id)
    } else {
        s.grades
            .iter()
            .map(|g| format!("{}（{}）", g.code, g.label))
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// The next better outcome than the figures reach, if any.
pub(crate) fn next(plan: &Plan, f: &Figures) -> Option<Goal> {
    match plan.scheme.method {
        Method::Dimensions => {
            (f.stars < 5 && plan.scheme.stars.is_some()).then(|| Goal::Stars(f.stars + 1))
        }
        _ => {
            let cur = f.grade.unwrap_or(plan.scheme.grades.len());
            cur.checked_sub(1).map(Goal::Grade)
        }
    }
}

/// T11/AII: each dimension's next single star.
pub(crate) fn next_dimension_stars(plan: &Plan, f: &Figures) -> Vec<Goal> {
    if plan.scheme.method != Method::Dimensions || plan.scheme.stars.is_none() {
        return Vec::new();
    }
    (0..plan.dimensions.len())
        .filter_map(|d| {
            let n = single_stars(plan, f.dims[d]);
            (n < 5).then(|| Goal::DimStars(d, n + 1))
        })
        .collect()
}

/// One condition of an outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cond {
    /// The total reaches `t` (exceeds it when `strict`).
    Total { t: f64, strict: bool },
    /// At most `max` leaves answered below `level`.
    Below { level: usize, max: usize },
    /// Dimension `d` scores at least `t`.
    Dim { d: usize, t: f64 },
    /// Dimension `d`'s online ratio is at least `t` %.
    Online { d: usize, t: f64 },
}

/// One way to reach an outcome: the conditions of `via` (the outcome itself or a better one).
#[derive(Debug, Clone)]
pub(crate) struct Alt {
    pub via: Goal,
    pub conds: Vec<Cond>,
}

/// Every way to reach `goal`, the goal's own conditions first.
pub(crate) fn alternatives(plan: &Plan, goal: Goal) -> Vec<Alt> {
    let s = plan.scheme;
    let band = |g: usize| Cond::Total {
        t: s.grades[g].min,
        strict: !s.grades[g].min_inclusive,
    };
    match goal {
        Goal::Grade(g) => match s.method {
            Method::WeightedLevels => (0..=g)
                .rev()
                .map(|j| Alt {
                    via: Goal::Grade(j),
                    conds: vec![
                        band(j),
                        Cond::Below {
                            level: plan.grade_levels[j],
                            max: s.grades[j].max_below.unwrap_or(0) as usize,
                        },
                    ],
                })
                .collect(),
            _ => vec![Alt {
                via: goal,
                conds: vec![band(g)],
            }],
        },
        Goal::Stars(n) => {
            let Some(r) = &s.stars else {
                return Vec::new();
            };
            let nd = plan.dimensions.len();
            (n..=5)
                .filter_map(|j| {
                    let conds: Vec<Cond> = if j >= 4 {
                        let t = *r.composite.get(usize::from(j - 4))?;
                        (0..nd).map(|d| Cond::Dim { d, t }).collect()
                    } else {
                        let t = *r.online_ratio.get(usize::from(j - 1))?;
                        (0..nd)
                            .filter(|&d| plan.online_max[d] > 0.0)
                            .map(|d| Cond::Online { d, t })
                            .collect()
                    };
                    Some(Alt {
                        via: Goal::Stars(j),
                        conds,
                    })
                })
                .collect()
        }
        Goal::DimStars(d, n) => s
            .stars
            .as_ref()
            .and_then(|r| r.single.get(usize::from(n - 1)))
            .map(|&t| Alt {
                via: goal,
                conds: vec![Cond::Dim { d, t }],
            })
            .into_iter()
            .collect(),
    }
}

/// A target typed by a person: a grade's code or label (or the label's head, e.g. 第三级);
/// for T11/AII a comprehensive star level (`4`, `4星`, `四星级`, `★★★★`) or
/// `维度:星级` (`企业信用:3`).
pub(crate) fn parse(plan: &Plan, text: &str) -> Result<Goal, GapError> {
    let t = text.trim();
    let s = plan.scheme;
    if s.method == Method::Dimensions {
        if let Some((dim, n)) = t.split_once([':', '：']) {
            let d = plan
                .dimensions
                .iter()
                .position(|(name, _)| name == dim.trim())
                .ok_or_else(|| unknown(plan, dim.trim()))?;
            let n = stars_of(n.trim()).ok_or_else(|| unknown(plan, t))?;
            return star_count(n, plan).map(|n| Goal::DimStars(d, n));
        }
        let n = stars_of(t).ok_or_else(|| unknown(plan, t))?;
        return star_count(n, plan).map(Goal::Stars);
    }
    let key = |x: &str| x.trim().to_ascii_lowercase();
    s.grades
        .iter()
        .position(|g| {
            let head = g.label.split(['：', '（', '(']).next().unwrap_or("");
            key(&g.code) == key(t) || key(&g.label) == key(t) || (!head.is_empty() && head == t)
        })
        .map(Goal::Grade)
        .ok_or_else(|| unknown(plan, t))
}

/// `4`, `4星`, `4星级`, `4★`, `★★★★`, `四星`, `四星级`.
fn stars_of(t: &str) -> Option<u8> {
    if !t.is_empty() && t.chars().all(|c| c == '★') {
        return u8::try_from(t.chars().count()).ok();
    }
    let head = t
        .trim_end_matches('级')
        .trim_end_matches('星')
        .trim_end_matches('★')
        .trim();
    if let Ok(n) = head.parse::<u8>() {
        return Some(n);
    }
    (1..=5u8).find(|n| star_word(*n) == head)
}
