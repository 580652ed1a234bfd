//! Where a result stands, leaf by leaf and figure by figure, computed the engine's way; and
//! the answers each leaf may be changed to.

use tianping_core::engine::settle;
use tianping_core::stars::band_of;
use tianping_core::{Answer, AnswerKind, Method, Plan};

use super::types::{DimensionStanding, GradeRef, Guidance, GuidanceKind, Standing};
use super::GapOptions;

/// One leaf now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Now {
    /// The answer's value (counted or not); None when unanswered.
    pub answered: Option<f64>,
    pub counted: bool,
    /// What it earns now.
    pub earned: f64,
}

pub(crate) fn now(plan: &Plan, answers: &[Option<Answer>]) -> Vec<Now> {
    plan.leaves
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let a = answers.get(i).and_then(Option::as_ref);
            let counted = a.is_some_and(|a| a.verified);
            Now {
                answered: a.map(|a| a.value),
                counted,
                earned: a
                    .filter(|a| a.verified)
                    .map_or(0.0, |a| plan.earned(i, a.value)),
            }
        })
        .collect()
}

/// Whether leaf `i` counts towards the total or a dimension (not a 000 stage table).
pub(crate) fn scored(plan: &Plan, i: usize) -> bool {
    plan.leaves[i].stage.is_none()
}

/// The answers leaf `i` may be changed to, ascending: on the answer grid (points in halves
/// where the item allows them, else whole points; levels 0–5; coefficients in
/// `coefficient_step` %), strictly above the answer that counts now; a self answer not yet
/// counted may be verified as it stands or raised, never lowered (I-6). Only answers that
/// add something (or, for levels, raise the level) are kept.
pub(crate) fn choices(plan: &Plan, i: usize, now: &Now, opts: &GapOptions) -> Vec<f64> {
    let l = &plan.leaves[i];
    let max = l.answer_max;
    let step = match plan.kind {
        AnswerKind::Points if l.ind.half_points => 0.5,
        AnswerKind::Points | AnswerKind::Level => 1.0,
        AnswerKind::Coefficient => opts.coefficient_step.clamp(0.01, 100.0),
    };
    let mut grid: Vec<f64> = (0..)
        .map(|k| k as f64 * step)
        .take_while(|x| *x <= max + 1e-9)
        .map(|x| x.min(max))
        .collect();
    if grid.last().is_some_and(|x| *x < max - 1e-9) {
        grid.push(max);
    }
    let floor = now.answered.unwrap_or(0.0);
    if let (Some(v), false) = (now.answered, now.counted) {
        // the self answer as it stands, then the grid above it
        grid.retain(|x| *x > v + 1e-9);
        grid.insert(0, v);
    } else {
        grid.retain(|x| *x > floor + 1e-9);
    }
    let level = plan.kind == AnswerKind::Level;
    grid.retain(|x| level || plan.earned(i, *x) > now.earned + 1e-12);
    grid
}

/// The figures of one set of counted values: what decides a grade, a level or stars.
#[derive(Debug, Clone)]
pub(crate) struct Figures {
    /// The total, unsettled (the engine's sum).
    pub total: f64,
    pub grade: Option<usize>,
    pub stars: u8,
    /// 000: per dimension, its score and its online points (unsettled).
    pub dims: Vec<f64>,
    pub online: Vec<f64>,
    /// weighted-levels: leaves answered below level k, k = 0..5.
    pub below: [usize; 6],
}

/// The figures for leaves with these earned points and answered levels (weighted-levels:
/// an answer below the level counts there whether or not it is verified, as the engine does).
pub(crate) fn figures(plan: &Plan, earned: &[f64], levels: &[Option<f64>]) -> Figures {
    let s = plan.scheme;
    let nd = plan.dimensions.len();
    let (mut basic, mut special) = (0.0, 0.0);
    let mut dims = vec![0.0; nd];
    let mut online = vec![0.0; nd];
    for (i, l) in plan.leaves.iter().enumerate() {
        let e = earned[i];
        if let Some(d) = l.dimension {
            dims[d] += e;
            online[d] += e * plan.online[i];
        } else if l.special {
            special += e;
        } else if l.stage.is_none() {
            basic += e;
        }
    }
    let mut below = [0usize; 6];
    if plan.kind == AnswerKind::Level {
        for lv in levels {
            let v = lv.unwrap_or(0.0);
            for (k, b) in below.iter_mut().enumerate() {
                *b += usize::from(v < k as f64);
            }
        }
    }
    let (total, grade, stars) = match s.method {
        Method::Dimensions => {
            let composite: f64 = (0..nd)
                .map(|d| dims[d] * plan.dimensions[d].1 / 100.0)
                .sum();
            (
                composite,
                None,
                comprehensive(plan, &dims, &online, composite),
            )
        }
        Method::WeightedLevels => {
            let t = settle(basic);
            let grade = s
                .grades
                .iter()
                .position(|g| g.contains(t))
                .and_then(|start| {
                    (start..s.grades.len()).find(|&g| {
                        below[plan.grade_levels[g]] <= s.grades[g].max_below.unwrap_or(0) as usize
                    })
                });
            (basic, grade, 0)
        }
        Method::Points | Method::WeightedCoefficients => {
            let total = points_total(plan, basic, special);
            let grade = s.grades.iter().position(|g| g.contains(settle(total)));
            (total, grade, 0)
        }
    };
    Figures {
        total,
        grade,
        stars,
        dims,
        online,
        below,
    }
}

/// Gain on the total per raw point of a leaf (points: I-2 scaling, I-10 composite).
pub(crate) fn total_slope(plan: &Plan, i: usize) -> f64 {
    let l = &plan.leaves[i];
    match plan.scheme.method {
        Method::Dimensions => l.dimension.map_or(0.0, |d| plan.dimensions[d].1 / 100.0),
        Method::WeightedLevels | Method::WeightedCoefficients => 1.0,
        Method::Points => {
            let special = plan.profile.filter(|_| plan.special_max > 0.0);
            let scale = match plan.scheme.scale_total {
                Some(t) if plan.raw_max > 0.0 => t / plan.raw_max,
                _ => 1.0,
            };
            match (special, l.special) {
                (Some(p), true) => p.special_weight * 100.0 / plan.special_max,
                (Some(p), false) => p.basic_weight * scale,
                (None, true) => 0.0,
                (None, false) => scale,
            }
        }
    }
}

fn points_total(plan: &Plan, basic: f64, special: f64) -> f64 {
    let scaled = match (plan.scheme.method, plan.scheme.scale_total) {
        (Method::Points, Some(t)) if plan.raw_max > 0.0 => basic * t / plan.raw_max,
        _ => basic,
    };
    match plan.profile {
        Some(p) if plan.special_max > 0.0 => {
            p.basic_weight * scaled + p.special_weight * special / plan.special_max * 100.0
        }
        _ => scaled,
    }
}

/// 表3: the highest star level whose own condition holds (I-5).
fn comprehensive(plan: &Plan, dims: &[f64], online: &[f64], composite: f64) -> u8 {
    let Some(r) = &plan.scheme.stars else {
        return 0;
    };
    let composite = settle(composite);
    let min_dim = dims
        .iter()
        .map(|x| settle(*x))
        .fold(f64::INFINITY, f64::min);
    let min_ratio = (0..dims.len())
        .filter(|&d| plan.online_max[d] > 0.0)
        .map(|d| settle(online[d] / plan.online_max[d] * 100.0))
        .fold(f64::INFINITY, f64::min);
    (1..=5u8)
        .rev()
        .find(|&level| {
            if level >= 4 {
                let t = r.composite.get(usize::from(level - 4)).copied();
                t.is_some_and(|t| composite >= t && min_dim >= t)
            } else {
                let t = r.online_ratio.get(usize::from(level - 1)).copied();
                t.is_some_and(|t| min_ratio >= t)
            }
        })
        .unwrap_or(0)
}

/// A dimension's single stars per 表1.
pub(crate) fn single_stars(plan: &Plan, score: f64) -> u8 {
    let s = settle(score);
    plan.scheme
        .stars
        .as_ref()
        .map_or(0, |r| r.single.iter().filter(|t| s >= **t).count() as u8)
}

fn out(x: f64) -> f64 {
    (settle(x) * 1e6).round() / 1e6
}

pub(crate) fn standing(plan: &Plan, f: &Figures) -> Standing {
    let s = plan.scheme;
    let dims = (0..plan.dimensions.len())
        .map(|d| DimensionStanding {
            name: plan.dimensions[d].0.clone(),
            score: out(f.dims[d]),
            online_ratio: (plan.online_max[d] > 0.0)
                .then(|| out(f.online[d] / plan.online_max[d] * 100.0)),
            stars: single_stars(plan, f.dims[d]),
        })
        .collect();
    Standing {
        total: out(f.total),
        grade: f.grade.map(|g| GradeRef {
            code: s.grades[g].code.clone(),
            label: s.grades[g].label.clone(),
        }),
        stars: (s.method == Method::Dimensions).then_some(f.stars),
        dimensions: dims,
    }
}

/// What the standard says about answer `to` of leaf `i`.
pub(crate) fn guidance(plan: &Plan, i: usize, to: f64) -> Vec<Guidance> {
    let ind = plan.leaves[i].ind;
    let mut out = Vec::new();
    if plan.kind == AnswerKind::Level && to >= 1.0 {
        if let Some(d) = ind.levels.get(to as usize - 1) {
            out.push(Guidance {
                kind: GuidanceKind::Level,
                title: format!("第{}级", to as usize),
                text: vec![d.clone()],
            });
        }
    }
    if plan.kind == AnswerKind::Coefficient {
        if let Some(b) = band_of(&plan.scheme.guidance, to) {
            out.push(Guidance {
                kind: GuidanceKind::Band,
                title: b.label.clone(),
                text: b.points.clone(),
            });
        }
    }
    let mut text = |kind, title: &str, t: &Option<String>| {
        if let Some(t) = t {
            out.push(Guidance {
                kind,
                title: title.to_string(),
                text: vec![t.clone()],
            });
        }
    };
    text(GuidanceKind::Requirement, "评价要求", &ind.requirement);
    text(GuidanceKind::Content, "评价内容", &ind.content);
    text(GuidanceKind::Method, "评价方法", &ind.method);
    text(GuidanceKind::Evidence, "评审依据及其来源", &ind.evidence);
    out
}
