//! The gap to the next outcome (issue 13, DESIGN I-23): for a result, the next better grade,
//! level or comprehensive star (and for T11/AII each dimension's next single star), and the
//! smallest set of indicator changes that reaches it — fewest indicators changed, then
//! fewest added raw points — under every condition of the scheme:
//!
//! - points (T/CIC, 003): the total after I-2 scaling (and the I-10 composite with special
//!   indicators); answers in half points where the item allows them; expert-panel and
//!   questionnaire items may be in the plan, which then says what mean the panel or the
//!   questionnaire would have to give (I-13);
//! - weighted levels (T/SDDITAI 5121, I-7): the band of the total and the step-down count
//!   rule — a level is reached when the total reaches its band and at most `max_below`
//!   leaves are below it, or when a higher level holds;
//! - dimensions (T11/AII, I-5): 1–3★ every dimension's online ratio, 4–5★ every dimension's
//!   score (and so the composite, the dimension weights summing to 100 %); a single star the
//!   dimension's score (表1). A self answer counts only once verified (I-6), so a change may
//!   be “have it verified”;
//! - weighted coefficients (SME): the total against the grades, when a profile or scheme
//!   has any.
//!
//! **The answer grid.** A plan changes answers to points in halves (where the item allows
//! them, else whole points, and the item's maximum), levels 0–5, or coefficients in whole
//! percent ([`GapOptions::coefficient_step`]); never lowers an answer, and never asks a self
//! answer to be declared lower than it stands. “Minimal” is over this grid.
//!
//! **Proofs.** The fewest changes are always proved (see [`solve`]); the fewest raw points
//! are proved by meeting a lower bound, by an exact programme over grid units, or by a
//! branch and bound that finished; otherwise the plan says `exact: false` and states
//! `lower_bound_added`. Ties are broken in plan order; any order is allowed (I-23).
//!
//! Pure: no IO, no clock, no randomness.

mod assemble;
mod goals;
mod lattice;
mod solve;
mod state;
mod types;

pub use types::*;

use tianping_core::distance::Target;
use tianping_core::{Answer, AnswerKind, Plan};

use goals::{Alt, Cond, Goal};
use solve::{Item, Opt, Problem, Solution};
use state::{Figures, Now};

/// How the planner searches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GapOptions {
    /// The grid of coefficient answers, in % (1 = whole percents).
    pub coefficient_step: f64,
    /// Most branch-and-bound nodes per condition before a plan is given as not proved.
    pub node_budget: usize,
}

impl Default for GapOptions {
    fn default() -> Self {
        GapOptions {
            coefficient_step: 1.0,
            node_budget: 200_000,
        }
    }
}

/// The gap of a result: `answers` in leaf order (as [`Plan::parse_answers`] gives them);
/// `target` None for the next better outcome (and, for T11/AII, each dimension's next single
/// star), or the outcome asked for.
pub fn gap(
    plan: &Plan,
    answers: &[Option<Answer>],
    target: Option<&Target>,
) -> Result<Gap, GapError> {
    gap_with(plan, answers, target, &GapOptions::default())
}

/// [`gap`] with search options.
pub fn gap_with(
    plan: &Plan,
    answers: &[Option<Answer>],
    target: Option<&Target>,
    opts: &GapOptions,
) -> Result<Gap, GapError> {
    if answers.len() != plan.leaves.len() {
        return Err(GapError(format!(
            "答案 {} 项，与方案 {} 的 {} 个指标不一致（答案须按指标顺序给出，未答为空）",
            answers.len(),
            plan.scheme.id,
            plan.leaves.len()
        )));
    }
    let goal = target.map(|t| Goal::from_target(plan, t)).transpose()?;
    let cx = Cx::new(plan, answers, opts);
    let main = match goal {
        Some(g) if !g.above(plan, &cx.fig) => None,
        Some(g) => Some(g),
        None => goals::next(plan, &cx.fig),
    };
    let dimension_plans = if target.is_none() {
        goals::next_dimension_stars(plan, &cx.fig)
            .into_iter()
            .map(|g| cx.plan_for(Some(g)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Gap {
        scheme: plan.scheme.id.clone(),
        variant: plan.variant.map(|v| v.id.clone()),
        method: plan.scheme.method,
        current: state::standing(plan, &cx.fig),
        plan: cx.plan_for(main),
        dimension_plans,
    })
}

/// A target typed by a person (`--target`): a grade's code or label, or for T11/AII a star
/// level (`4`, `四星级`) or `维度:星级`. The error lists what is accepted.
pub fn parse_target(plan: &Plan, text: &str) -> Result<Target, GapError> {
    goals::parse(plan, text).map(|g| g.target(plan))
}

/// What the planner knows of one result.
struct Cx<'a, 'p> {
    plan: &'a Plan<'p>,
    answers: &'a [Option<Answer>],
    opts: &'a GapOptions,
    now: Vec<Now>,
    choices: Vec<Vec<f64>>,
    fig: Figures,
}

/// One alternative solved: its parts (conditions sharing leaves are one part).
struct Solved {
    alt: Alt,
    parts: Vec<Solution>,
}

impl Solved {
    fn raw(&self) -> f64 {
        self.parts.iter().map(|s| s.raw).sum()
    }
    fn exact(&self) -> bool {
        self.parts.iter().all(|s| s.exact)
    }
    fn lb_raw(&self) -> f64 {
        self.parts.iter().map(|s| s.lb_raw).sum()
    }
}

impl<'a, 'p> Cx<'a, 'p> {
    fn new(plan: &'a Plan<'p>, answers: &'a [Option<Answer>], opts: &'a GapOptions) -> Self {
        let now = state::now(plan, answers);
        let choices = (0..plan.leaves.len())
            .map(|i| {
                if state::scored(plan, i) {
                    state::choices(plan, i, &now[i], opts)
                } else {
                    Vec::new()
                }
            })
            .collect();
        let fig = Self::figures_of(plan, &now);
        Cx {
            plan,
            answers,
            opts,
            now,
            choices,
            fig,
        }
    }

    fn figures_of(plan: &Plan, now: &[Now]) -> Figures {
        let earned: Vec<f64> = now.iter().map(|n| n.earned).collect();
        let levels: Vec<Option<f64>> = now.iter().map(|n| n.answered).collect();
        state::figures(plan, &earned, &levels)
    }

    /// The figure a condition is about, now.
    fn measure(&self, c: &Cond, f: &Figures) -> f64 {
        match *c {
            Cond::Total { .. } => f.total,
            Cond::Below { level, .. } => f.below[level] as f64,
            Cond::Dim { d, .. } => f.dims[d],
            Cond::Online { d, .. } => f.online[d] / self.plan.online_max[d] * 100.0,
        }
    }

    /// The leaves a condition is about, with the gain per raw point.
    fn slope(&self, c: &Cond, i: usize) -> Option<f64> {
        let l = &self.plan.leaves[i];
        match *c {
            Cond::Total { .. } | Cond::Below { .. } => {
                state::scored(self.plan, i).then(|| state::total_slope(self.plan, i))
            }
            Cond::Dim { d, .. } => (l.dimension == Some(d)).then_some(1.0),
            Cond::Online { d, .. } => (l.dimension == Some(d) && self.plan.online[i] > 0.0)
                .then(|| 100.0 / self.plan.online_max[d]),
        }
    }

    /// The problem of one part: a condition on a figure, with the count rule beside it.
    fn problem(&self, figure: &Cond, count: Option<&Cond>) -> Problem {
        let (t, strict) = match *figure {
            Cond::Total { t, strict } => (t, strict),
            Cond::Dim { t, .. } | Cond::Online { t, .. } => (t, false),
            Cond::Below { .. } => (f64::NEG_INFINITY, false),
        };
        // settled to 9 decimals before comparing: a margin inside the rounding
        let need = t - self.measure(figure, &self.fig) + if strict { 6e-10 } else { -4e-10 };
        let (level, need_below) = match count {
            Some(Cond::Below { level, max }) => {
                (*level, self.fig.below[*level].saturating_sub(*max))
            }
            _ => (0, 0),
        };
        let plan = self.plan;
        let items = (0..plan.leaves.len())
            .filter_map(|i| {
                let slope = self.slope(figure, i)?;
                let now = &self.now[i];
                let opts: Vec<Opt> = self.choices[i]
                    .iter()
                    .map(|&to| Opt {
                        to,
                        raw: (plan.earned(i, to) - now.earned).max(0.0),
                        meets: to >= level as f64,
                    })
                    .collect();
                (!opts.is_empty()).then(|| Item {
                    leaf: i,
                    slope,
                    unit: match plan.kind {
                        AnswerKind::Level => 0.0,
                        _ => plan.factor[i],
                    },
                    below: count.is_some() && now.answered.unwrap_or(0.0) < level as f64,
                    opts,
                })
            })
            .collect();
        Problem {
            items,
            need,
            need_below,
        }
    }

    /// The parts of an alternative: T11/AII conditions are on separate dimensions; the
    /// others are one condition on the total with T/SDDITAI's count rule beside it.
    fn problems(&self, alt: &Alt) -> Vec<Problem> {
        let count = alt.conds.iter().find(|c| matches!(c, Cond::Below { .. }));
        alt.conds
            .iter()
            .filter(|c| !matches!(c, Cond::Below { .. }))
            .map(|c| self.problem(c, count))
            .collect()
    }

    fn plan_for(&self, goal: Option<Goal>) -> GapPlan {
        let Some(goal) = goal else {
            return GapPlan {
                target: None,
                via: None,
                reachable: true,
                changes: Vec::new(),
                added: 0.0,
                exact: true,
                lower_bound_changes: 0,
                lower_bound_added: 0.0,
                conditions: Vec::new(),
                result: None,
            };
        };
        let alts = goals::alternatives(self.plan, goal);
        // the fewest changes of each alternative (cheap), then solve those with the fewest
        let counted: Vec<(Alt, Vec<Problem>, Option<usize>)> = alts
            .into_iter()
            .map(|a| {
                let ps = self.problems(&a);
                let k = ps.iter().try_fold(0usize, |acc, p| {
                    if p.need <= 0.0 && p.need_below == 0 {
                        Some(acc)
                    } else {
                        solve::least_changes(p).map(|(k, _, _)| acc + k)
                    }
                });
                (a, ps, k)
            })
            .collect();
        let best_k = counted.iter().filter_map(|c| c.2).min();
        let solved: Vec<Solved> = counted
            .into_iter()
            .filter(|c| c.2.is_some() && c.2 == best_k)
            .map(|(alt, ps, _)| Solved {
                alt,
                parts: ps
                    .iter()
                    .map(|p| solve::solve(p, self.opts.node_budget))
                    .collect(),
            })
            .collect();
        let best = solved
            .iter()
            .enumerate()
            .min_by(|(x, a), (y, b)| {
                let (ra, rb) = (a.raw(), b.raw());
                if (ra - rb).abs() <= solve::EPS {
                    x.cmp(y)
                } else {
                    ra.total_cmp(&rb)
                }
            })
            .map(|(i, _)| i);
        let Some(best) = best else {
            return GapPlan {
                target: Some(goal.target(self.plan)),
                via: None,
                reachable: false,
                changes: Vec::new(),
                added: 0.0,
                exact: true,
                lower_bound_changes: 0,
                lower_bound_added: 0.0,
                conditions: Vec::new(),
                result: None,
            };
        };
        let exact = solved.iter().all(Solved::exact);
        let lb_raw = solved
            .iter()
            .map(Solved::lb_raw)
            .fold(f64::INFINITY, f64::min);
        let chosen = &solved[best];
        self.assemble(goal, chosen, exact, lb_raw)
    }
}
