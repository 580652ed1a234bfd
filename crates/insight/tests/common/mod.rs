//! Small schemes built in code, answers, and the exhaustive search the planner is checked
//! against: every combination of answers on the planner's grid.
#![allow(dead_code)]

use tianping_core::distance::Target;
use tianping_core::{
    Answer, AnswerKind, Category, Given, Grade, Indicator, Method, Plan, Scheme, Source, StarRules,
    Table,
};
use tianping_insight::{Gap, GapPlan};

pub fn indicator(id: &str, table: &str, path: &[&str]) -> Indicator {
    Indicator {
        id: id.into(),
        table: table.into(),
        serial: None,
        path: path.iter().map(|s| s.to_string()).collect(),
        content: None,
        category: None,
        points: None,
        half_points: false,
        weights: Vec::new(),
        levels: Vec::new(),
        requirement: None,
        method: None,
        expert_panel: false,
        likert: false,
        evidence: None,
        points_fed: false,
        clause: None,
        note: None,
        seed_line: None,
        interpretations: Vec::new(),
        file: "test.toml".into(),
        line: 1,
    }
}

pub fn table(key: &str, dimension: Option<&str>) -> Table {
    Table {
        key: key.into(),
        title: key.into(),
        variant: None,
        dimension: dimension.map(str::to_string),
        stage: None,
        clause: "test".into(),
        note: None,
        seed_lines: Vec::new(),
        file: "test.toml".into(),
    }
}

/// Bands best first between the `cuts` (ascending) and `top`: below the first cut no grade;
/// lower edges inclusive unless `open_min` (then a band at 0 still includes 0, as 001's).
pub fn grades(cuts: &[f64], top: f64, open_min: bool, codes: &[&str]) -> Vec<Grade> {
    let mut edges: Vec<f64> = cuts.to_vec();
    edges.push(top);
    let n = edges.len() - 1;
    (0..n)
        .rev()
        .enumerate()
        .map(|(x, b)| Grade {
            code: codes[x].to_string(),
            label: format!("等级{}", codes[x]),
            min: edges[b],
            min_inclusive: !open_min || edges[b] == 0.0,
            max: edges[b + 1],
            max_inclusive: b + 1 == n || open_min,
            max_below: None,
            clause: "test".into(),
            requirement: None,
            description: None,
        })
        .collect()
}

pub fn scheme(method: Method, tables: Vec<Table>, indicators: Vec<Indicator>) -> Scheme {
    Scheme {
        id: "test".into(),
        name: "测试方案".into(),
        standard: "TEST".into(),
        seed: None,
        method,
        scale_total: None,
        variants: Vec::new(),
        grades: Vec::new(),
        interpretations: Vec::new(),
        tables,
        indicators,
        leaf_level_scores: Vec::new(),
        stars: None,
        guidance: Vec::new(),
        extra: serde_json::Value::Null,
        version: "test".into(),
        by_id: Default::default(),
    }
}

pub fn stars(dims: &[&str], weights: &[f64]) -> StarRules {
    StarRules {
        dimensions: dims.iter().map(|s| s.to_string()).collect(),
        dimension_points: 1000.0,
        default_weights: weights.to_vec(),
        single: vec![500.0, 600.0, 700.0, 800.0, 900.0],
        online_ratio: vec![60.0, 65.0, 70.0],
        composite: vec![800.0, 900.0],
        stages: Vec::new(),
    }
}

pub fn category(online: bool) -> Option<Category> {
    Some(if online {
        Category::Online
    } else {
        Category::Offline
    })
}

pub fn number(x: f64) -> Option<Answer> {
    Some(Answer {
        given: Given::Number(x),
        value: x,
        source: None,
        verified: true,
    })
}

pub fn self_answer(x: f64, verified: bool) -> Option<Answer> {
    Some(Answer {
        given: Given::Number(x),
        value: x,
        source: Some(Source::SelfDeclared),
        verified,
    })
}

pub fn experts(xs: &[f64]) -> Option<Answer> {
    Some(Answer {
        given: Given::Experts(xs.to_vec()),
        value: xs.iter().sum::<f64>() / xs.len() as f64,
        source: None,
        verified: true,
    })
}

/// The planner's grid for a leaf (what a plan may answer), including a self answer's own
/// value (verification); every value, not only the raises.
pub fn grid(plan: &Plan, i: usize, step: f64, current: &Option<Answer>) -> Vec<f64> {
    let l = &plan.leaves[i];
    let max = l.answer_max;
    let step = match plan.kind {
        AnswerKind::Points if l.ind.half_points => 0.5,
        AnswerKind::Points | AnswerKind::Level => 1.0,
        AnswerKind::Coefficient => step,
    };
    let mut g: Vec<f64> = (0..)
        .map(|k| k as f64 * step)
        .take_while(|x| *x <= max + 1e-9)
        .collect();
    if g.last().is_some_and(|x| *x < max - 1e-9) {
        g.push(max);
    }
    if let Some(a) = current.as_ref().filter(|a| !a.verified) {
        // a self answer is verified as it stands or raised, never declared lower (I-6)
        g.retain(|x| *x > a.value + 1e-9);
        g.insert(0, a.value);
    }
    g
}

/// The best (changes, raw points) over every combination of answers per target; None when
/// no combination reaches it.
pub fn exhaustive(
    plan: &Plan,
    answers: &[Option<Answer>],
    step: f64,
    targets: &[Target],
) -> Vec<Option<(usize, f64)>> {
    let n = plan.leaves.len();
    let earned_now: Vec<f64> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            a.as_ref()
                .filter(|a| a.verified)
                .map_or(0.0, |a| plan.earned(i, a.value))
        })
        .collect();
    // per leaf: None = keep, Some(v) = answer v (verified)
    let mut doms: Vec<Vec<Option<f64>>> = Vec::new();
    for (i, a) in answers.iter().enumerate().take(n) {
        let mut d = vec![None];
        for v in grid(plan, i, step, a) {
            let same = a
                .as_ref()
                .is_some_and(|a| a.verified && (a.value - v).abs() < 1e-9);
            if !same {
                d.push(Some(v));
            }
        }
        doms.push(d);
    }
    let mut best: Vec<Option<(usize, f64)>> = vec![None; targets.len()];
    let mut idx = vec![0usize; n];
    let mut trial: Vec<Option<Answer>> = answers.to_vec();
    loop {
        let mut k = 0;
        let mut raw = 0.0;
        for i in 0..n {
            match doms[i][idx[i]] {
                None => trial[i] = answers[i].clone(),
                Some(v) => {
                    k += 1;
                    raw += plan.earned(i, v) - earned_now[i];
                    trial[i] = number(v);
                }
            }
        }
        let ev = plan.evaluate_parsed(&trial);
        for (t, b) in targets.iter().zip(best.iter_mut()) {
            if reaches(plan, &ev, t) {
                let better = match b {
                    None => true,
                    Some((bk, br)) => k < *bk || (k == *bk && raw < *br - 1e-9),
                };
                if better {
                    *b = Some((k, raw));
                }
            }
        }
        // next combination
        let mut i = 0;
        loop {
            if i == n {
                return best;
            }
            idx[i] += 1;
            if idx[i] < doms[i].len() {
                break;
            }
            idx[i] = 0;
            i += 1;
        }
    }
}

/// Whether an evaluation reaches a target (or better).
pub fn reaches(plan: &Plan, ev: &tianping_core::Evaluation, t: &Target) -> bool {
    match t {
        Target::Grade { code, .. } => {
            let g = |c: &str| plan.scheme.grades.iter().position(|x| x.code == c);
            match (ev.grade.as_ref().and_then(|x| g(&x.code)), g(code)) {
                (Some(have), Some(want)) => have <= want,
                _ => false,
            }
        }
        Target::Stars { stars } => ev.stars.unwrap_or(0) >= *stars,
        Target::DimensionStars { dimension, stars } => ev
            .dimensions
            .iter()
            .any(|d| &d.name == dimension && d.stars >= *stars),
    }
}

/// Every target of a plan.
pub fn all_targets(plan: &Plan) -> Vec<Target> {
    let s = plan.scheme;
    if s.method == Method::Dimensions {
        let mut t: Vec<Target> = (1..=5).map(|n| Target::Stars { stars: n }).collect();
        for (d, _) in &plan.dimensions {
            for n in 1..=5 {
                t.push(Target::DimensionStars {
                    dimension: d.clone(),
                    stars: n,
                });
            }
        }
        t
    } else {
        s.grades
            .iter()
            .map(|g| Target::Grade {
                code: g.code.clone(),
                label: g.label.clone(),
            })
            .collect()
    }
}

/// The answers after a plan's changes.
pub fn apply(plan: &Plan, answers: &[Option<Answer>], p: &GapPlan) -> Vec<Option<Answer>> {
    let mut out = answers.to_vec();
    for c in &p.changes {
        let i = plan
            .leaves
            .iter()
            .position(|l| l.ind.id == c.indicator)
            .expect("a change names a leaf of the plan");
        out[i] = number(c.to);
    }
    out
}

/// Check one planned target against the exhaustive optimum; returns a failure message.
pub fn check(
    plan: &Plan,
    answers: &[Option<Answer>],
    target: &Target,
    optimum: Option<(usize, f64)>,
    gap: &Gap,
) -> Result<(), String> {
    let now = plan.evaluate_parsed(answers);
    let p = &gap.plan;
    if reaches(plan, &now, target) {
        if p.target.is_some() || !p.changes.is_empty() {
            return Err(format!("{target:?} already reached, yet a plan: {p:?}"));
        }
        return Ok(());
    }
    let Some((k, raw)) = optimum else {
        return if p.reachable {
            Err(format!("{target:?} unreachable, yet a plan: {p:?}"))
        } else {
            Ok(())
        };
    };
    if p.target.as_ref() != Some(target) {
        return Err(format!("target {:?} instead of {target:?}", p.target));
    }
    let after = plan.evaluate_parsed(&apply(plan, answers, p));
    if !reaches(plan, &after, target) {
        return Err(format!("the plan does not reach {target:?}: {p:?}"));
    }
    if p.changes.len() != k || p.lower_bound_changes != k {
        return Err(format!(
            "{} changes (bound {}), the optimum has {k}: {p:?}",
            p.changes.len(),
            p.lower_bound_changes
        ));
    }
    let tol = 2e-6;
    if p.added < raw - tol {
        return Err(format!("adds {} < optimum {raw}: {p:?}", p.added));
    }
    if p.exact && p.added > raw + tol {
        return Err(format!(
            "exact, yet adds {} > optimum {raw}: {p:?}",
            p.added
        ));
    }
    if p.lower_bound_added > raw + tol {
        return Err(format!(
            "lower bound {} above the optimum {raw}",
            p.lower_bound_added
        ));
    }
    Ok(())
}
