//! A solved alternative turned into the typed plan: each change with its action, who gives
//! the answer, its effects and the standard's guidance; each condition before and after; the
//! result after the changes.

use tianping_core::distance::Condition;
use tianping_core::{Given, Plan};

use super::goals::{Cond, Goal};
use super::solve::Opt;
use super::state::{self, Now};
use super::types::*;
use super::{Cx, Solved};

impl Cx<'_, '_> {
    pub(super) fn assemble(&self, goal: Goal, s: &Solved, exact: bool, lb_raw: f64) -> GapPlan {
        let plan = self.plan;
        let mut picks: Vec<(usize, Opt)> = s.parts.iter().flat_map(|p| p.picks.clone()).collect();
        picks.sort_by_key(|(i, _)| *i);
        let mut after = self.now.clone();
        for (i, o) in &picks {
            after[*i] = Now {
                answered: Some(o.to),
                counted: true,
                earned: plan.earned(*i, o.to),
            };
        }
        let fig = Self::figures_of(plan, &after);
        debug_assert!(
            goal.reached(plan, &fig),
            "a gap plan that does not reach its target"
        );
        let changes: Vec<Change> = picks
            .iter()
            .map(|(i, o)| self.change(*i, o, &s.alt.conds))
            .collect();
        let conditions = s
            .alt
            .conds
            .iter()
            .map(|c| ConditionPlan {
                condition: condition(plan, c),
                current: out(self.measure(c, &self.fig)),
                required: match *c {
                    Cond::Total { t, .. } | Cond::Dim { t, .. } | Cond::Online { t, .. } => t,
                    Cond::Below { max, .. } => max as f64,
                },
                strict: matches!(c, Cond::Total { strict: true, .. }),
                after: out(self.measure(c, &fig)),
            })
            .collect();
        let added = picks.iter().map(|(_, o)| o.raw).sum::<f64>();
        GapPlan {
            target: Some(goal.target(plan)),
            via: (s.alt.via != goal).then(|| s.alt.via.target(plan)),
            reachable: true,
            lower_bound_changes: changes.len(),
            changes,
            added: out(added),
            exact,
            lower_bound_added: out(if exact { added } else { lb_raw.min(added) }),
            conditions,
            result: Some(state::standing(plan, &fig)),
        }
    }

    fn change(&self, i: usize, o: &Opt, conds: &[Cond]) -> Change {
        let plan = self.plan;
        let l = &plan.leaves[i];
        let now = &self.now[i];
        let given = self.answers[i].as_ref().map(|a| &a.given);
        let action = match (now.answered, now.counted) {
            (None, _) => Action::Answer,
            (Some(_), true) => Action::Raise,
            (Some(v), false) if (v - o.to).abs() < 1e-9 => Action::Verify,
            (Some(_), false) => Action::RaiseAndVerify,
        };
        let through = if l.ind.expert_panel || matches!(given, Some(Given::Experts(_))) {
            Some(Through::ExpertPanel {
                mean: o.to,
                min_experts: if l.ind.expert_panel { 3 } else { 1 },
            })
        } else if l.ind.likert || matches!(given, Some(Given::Likert(_))) {
            Some(Through::Questionnaire {
                mean: out(1.0 + 4.0 * o.to / l.answer_max),
            })
        } else {
            None
        };
        let total = o.raw * state::total_slope(plan, i);
        let effects = conds
            .iter()
            .filter_map(|c| {
                let delta = match *c {
                    Cond::Below { level, .. } => {
                        let lv = level as f64;
                        if now.answered.unwrap_or(0.0) < lv && o.to >= lv {
                            -1.0
                        } else {
                            return None;
                        }
                    }
                    _ => o.raw * self.slope(c, i)?,
                };
                Some(Effect {
                    condition: condition(plan, c),
                    delta: out(delta),
                })
            })
            .collect();
        Change {
            indicator: l.ind.id.clone(),
            table: l.ind.table.clone(),
            serial: l.ind.serial.clone(),
            path: l.ind.path.clone(),
            kind: plan.kind,
            from: now.answered.map(out),
            from_counted: now.counted,
            to: o.to,
            action,
            through,
            added: out(o.raw),
            total: out(total),
            effects,
            guidance: state::guidance(plan, i, o.to),
        }
    }
}

fn condition(plan: &Plan, c: &Cond) -> Condition {
    let dim = |d: usize| plan.dimensions[d].0.clone();
    match *c {
        Cond::Total { .. } => Condition::Total,
        Cond::Below { .. } => Condition::BelowLevel,
        Cond::Dim { d, .. } => Condition::DimensionScore { dimension: dim(d) },
        Cond::Online { d, .. } => Condition::OnlineRatio { dimension: dim(d) },
    }
}

/// Rounded for output (6 decimals, settled first).
fn out(x: f64) -> f64 {
    (tianping_core::engine::settle(x) * 1e6).round() / 1e6
}
