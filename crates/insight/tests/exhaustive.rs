//! The planner against exhaustive search: small generated schemes of every method, random
//! answers (unanswered, off the grid, experts' means, self answers not yet verified), every
//! target; the plan must reach the target with the optimum's number of changes, never add
//! fewer raw points than the optimum, add exactly as many when it says `exact`, and state a
//! lower bound no higher than the optimum.

mod common;

use common::*;
use proptest::prelude::*;
use tianping_core::{Answer, Method, Plan, Profile, Scheme};
use tianping_insight::{gap_with, GapOptions};

fn run(plan: &Plan, answers: &[Option<Answer>], step: f64) -> Result<(), TestCaseError> {
    let opts = GapOptions {
        coefficient_step: step,
        ..GapOptions::default()
    };
    let targets = all_targets(plan);
    let optimum = exhaustive(plan, answers, step, &targets);
    for (t, best) in targets.iter().zip(&optimum) {
        let g = gap_with(plan, answers, Some(t), &opts).map_err(|e| TestCaseError::fail(e.0))?;
        check(plan, answers, t, *best, &g).map_err(TestCaseError::fail)?;
        // small problems are always proved
        prop_assert!(g.plan.exact, "not proved: {:?}", g.plan);
    }
    // without a target: the next outcome, and (T11/AII) each dimension's next single star
    let g = gap_with(plan, answers, None, &opts).map_err(|e| TestCaseError::fail(e.0))?;
    if let Some(t) = &g.plan.target {
        let x = targets
            .iter()
            .position(|x| x == t)
            .expect("a target of the plan");
        let now = plan.evaluate_parsed(answers);
        prop_assert!(!reaches(plan, &now, t));
        // the next one: every better target is at least as far
        check(plan, answers, t, optimum[x], &g).map_err(TestCaseError::fail)?;
    }
    for p in &g.dimension_plans {
        let t = p.target.as_ref().expect("a dimension plan has a target");
        let x = targets
            .iter()
            .position(|x| x == t)
            .expect("a target of the plan");
        let single = tianping_insight::Gap {
            plan: p.clone(),
            dimension_plans: Vec::new(),
            ..g.clone()
        };
        check(plan, answers, t, optimum[x], &single).map_err(TestCaseError::fail)?;
    }
    Ok(())
}

/// (max in halves, half points, expert panel, answer choice, experts' scores)
type PointsLeaf = (u8, bool, bool, u8, [u8; 3]);

fn points_scheme(leaves: &[PointsLeaf], cuts: &[f64]) -> Scheme {
    let mut inds = Vec::new();
    for (x, (halves, half, expert, _, _)) in leaves.iter().enumerate() {
        let mut ind = indicator(&format!("P{x}"), "T", &["组", &format!("项{x}")]);
        ind.points = Some(f64::from(*halves) / 2.0);
        ind.half_points = *half;
        ind.expert_panel = *expert;
        ind.requirement = Some(format!("要求{x}"));
        inds.push(ind);
    }
    let mut s = scheme(Method::Points, vec![table("T", None)], inds);
    s.scale_total = Some(100.0);
    s.grades = grades(cuts, 100.0, false, &["A", "B", "C", "D"]);
    s
}

fn points_answers(leaves: &[PointsLeaf]) -> Vec<Option<Answer>> {
    leaves
        .iter()
        .map(|(halves, half, expert, choice, ex)| {
            let max = f64::from(*halves) / 2.0;
            let step = if *half { 0.5 } else { 1.0 };
            match choice % 4 {
                0 => None,
                1 if *expert && *half => experts(
                    &ex.map(|e| (f64::from(e) / 2.0).min(max))
                        .into_iter()
                        .collect::<Vec<_>>(),
                ),
                _ => number(((f64::from(*choice) / 2.0).min(max) / step).floor() * step),
            }
        })
        .collect()
}

fn cuts(raw: &[u8]) -> Vec<f64> {
    let mut c: Vec<f64> = raw.iter().map(|x| f64::from(*x) * 10.0).collect();
    c.sort_by(f64::total_cmp);
    c.dedup();
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn points_plans_are_minimal(
        leaves in prop::collection::vec(
            (1u8..=4, any::<bool>(), any::<bool>(), 0u8..=12, [0u8..=8, 0u8..=8, 0u8..=8]),
            2..=5,
        ),
        raw_cuts in prop::collection::vec(2u8..=9, 1..=3),
    ) {
        let s = points_scheme(&leaves, &cuts(&raw_cuts));
        let plan = Plan::new(&s, None, None).unwrap();
        run(&plan, &points_answers(&leaves), 1.0)?;
    }

    #[test]
    fn points_with_special_indicators_are_minimal(
        leaves in prop::collection::vec(
            (1u8..=4, any::<bool>(), any::<bool>(), 0u8..=12, [0u8..=8, 0u8..=8, 0u8..=8]),
            3..=5,
        ),
        specials in 1usize..=2,
        raw_cuts in prop::collection::vec(2u8..=9, 1..=3),
        basic in 1u8..=9,
    ) {
        // I-10: the last `specials` leaves are a profile's special indicators, weighted apart
        let mut s = points_scheme(&leaves, &cuts(&raw_cuts));
        let special: Vec<_> = s.indicators.split_off(s.indicators.len() - specials);
        let profile = Profile {
            name: "专项".into(),
            scheme: "test".into(),
            variant: None,
            exclude: Vec::new(),
            group_weights: Default::default(),
            indicator_weights: Default::default(),
            special,
            basic_weight: f64::from(basic) / 10.0,
            special_weight: 1.0 - f64::from(basic) / 10.0,
            hash: "test".into(),
        };
        let plan = Plan::new(&s, None, Some(&profile)).unwrap();
        run(&plan, &points_answers(&leaves), 1.0)?;
    }

    #[test]
    fn level_plans_are_minimal(
        leaves in prop::collection::vec((1u8..=5, 0u8..=7, any::<bool>()), 3..=5),
        raw_cuts in [10u8..=30, 31u8..=50, 51u8..=70, 71u8..=90],
        max_below in [0u8..=2, 0u8..=2, 0u8..=3, 0u8..=3],
        nice in any::<bool>(),
    ) {
        let total: u32 = leaves.iter().map(|l| u32::from(l.0)).sum();
        let mut inds = Vec::new();
        for (x, (w, _, _)) in leaves.iter().enumerate() {
            let mut ind = indicator(&format!("L{x}"), "T", &["组", &format!("项{x}")]);
            // nice weights (20 % each when 5 leaves) or any split summing to 100 %
            let share = if nice { 100.0 / leaves.len() as f64 } else { 100.0 * f64::from(*w) / f64::from(total) };
            ind.weights = vec![100.0, share];
            ind.levels = (1..=5).map(|k| format!("第{k}级描述")).collect();
            inds.push(ind);
        }
        let mut s = scheme(Method::WeightedLevels, vec![table("T", None)], inds);
        s.leaf_level_scores = vec![0.0, 50.0, 70.0, 85.0, 95.0, 100.0];
        let mut c = vec![0.0];
        c.extend(raw_cuts.iter().map(|x| f64::from(*x)));
        s.grades = grades(&c, 100.0, true, &["5", "4", "3", "2", "1"]);
        for (g, m) in s.grades.iter_mut().zip(max_below.iter().chain(&[0])) {
            g.max_below = Some(u32::from(*m));
        }
        let plan = Plan::new(&s, None, None).unwrap();
        let answers: Vec<Option<Answer>> = leaves
            .iter()
            .map(|(_, a, unverified)| match a {
                6 | 7 => None,
                a if *unverified && *a >= 3 => self_answer(f64::from(*a), false),
                a => number(f64::from(*a)),
            })
            .collect();
        run(&plan, &answers, 1.0)?;
    }

    #[test]
    fn coefficient_plans_are_minimal(
        leaves in prop::collection::vec((0u8..=1, 0u8..=12, any::<bool>()), 2..=4),
        raw_cuts in prop::collection::vec(1u8..=9, 1..=3),
        open in any::<bool>(),
    ) {
        let mut inds = Vec::new();
        for (x, (g, _, _)) in leaves.iter().enumerate() {
            let mut ind = indicator(&format!("C{x}"), "T", &[if *g == 0 { "甲" } else { "乙" }, &format!("项{x}")]);
            ind.evidence = Some("依据".into());
            inds.push(ind);
        }
        let mut s = scheme(Method::WeightedCoefficients, vec![table("T", None)], inds);
        s.grades = grades(&cuts(&raw_cuts), 100.0, open, &["A", "B", "C", "D"]);
        let plan = Plan::new(&s, None, None).unwrap();
        let answers = coefficient_answers(&leaves);
        run(&plan, &answers, 25.0)?;
    }

    #[test]
    fn star_plans_are_minimal(
        leaves in prop::collection::vec((0u8..=1, any::<bool>(), 0u8..=14, any::<bool>()), 2..=5),
        weight in 2u8..=8,
    ) {
        let mut inds = Vec::new();
        for (x, (d, online, _, _)) in leaves.iter().enumerate() {
            let t = if *d == 0 { "D1" } else { "D2" };
            let mut ind = indicator(&format!("S{x}"), t, &["组", &format!("项{x}")]);
            ind.category = category(*online);
            ind.content = Some("内容".into());
            inds.push(ind);
        }
        // both dimensions present
        if !leaves.iter().any(|l| l.0 == 0) || !leaves.iter().any(|l| l.0 == 1) {
            return Ok(());
        }
        let mut s = scheme(
            Method::Dimensions,
            vec![table("D1", Some("一")), table("D2", Some("二"))],
            inds,
        );
        let w = f64::from(weight) * 10.0;
        s.stars = Some(stars(&["一", "二"], &[w, 100.0 - w]));
        let plan = Plan::new(&s, None, None).unwrap();
        let answers = coefficient_answers(
            &leaves.iter().map(|(d, _, a, u)| (*d, *a, *u)).collect::<Vec<_>>(),
        );
        run(&plan, &answers, 20.0)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn star_plans_with_profile_weights_are_minimal(
        leaves in prop::collection::vec((0u8..=1, any::<bool>(), 0u8..=14, any::<bool>(), 1u32..=9), 3..=5),
        weight in 2u8..=8,
    ) {
        // a profile weighting the indicators of each dimension unequally (000 5.2.2)
        if !leaves.iter().any(|l| l.0 == 0) || !leaves.iter().any(|l| l.0 == 1) {
            return Ok(());
        }
        let mut inds = Vec::new();
        let mut weights: std::collections::BTreeMap<String, std::collections::BTreeMap<String, f64>> =
            Default::default();
        for d in 0..=1u8 {
            let members: Vec<(usize, u32)> = leaves
                .iter()
                .enumerate()
                .filter(|(_, l)| l.0 == d)
                .map(|(x, l)| (x, l.4))
                .collect();
            let sum: u32 = members.iter().map(|m| m.1).sum();
            let mut left = 1000.0;
            for (n, (x, w)) in members.iter().enumerate() {
                let share = if n + 1 == members.len() { left } else { (1000 * w / sum) as f64 };
                left -= share;
                weights
                    .entry(if d == 0 { "一" } else { "二" }.to_string())
                    .or_default()
                    .insert(format!("S{x}"), share);
            }
        }
        for (x, (d, online, _, _, _)) in leaves.iter().enumerate() {
            let mut ind = indicator(&format!("S{x}"), if *d == 0 { "D1" } else { "D2" }, &["组", &format!("项{x}")]);
            ind.category = category(*online);
            inds.push(ind);
        }
        let mut s = scheme(
            Method::Dimensions,
            vec![table("D1", Some("一")), table("D2", Some("二"))],
            inds,
        );
        s.stars = Some(stars(&["一", "二"], &[50.0, 50.0]));
        let w = f64::from(weight) * 10.0;
        let profile = Profile {
            name: "权重".into(),
            scheme: "test".into(),
            variant: None,
            exclude: Vec::new(),
            group_weights: [("一".to_string(), w), ("二".to_string(), 100.0 - w)].into(),
            indicator_weights: weights,
            special: Vec::new(),
            basic_weight: 0.5,
            special_weight: 0.5,
            hash: "test".into(),
        };
        let plan = Plan::new(&s, None, Some(&profile)).map_err(|e| TestCaseError::fail(e.0))?;
        let answers = coefficient_answers(
            &leaves.iter().map(|(d, _, a, u, _)| (*d, *a, *u)).collect::<Vec<_>>(),
        );
        run(&plan, &answers, 20.0)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// The default grid of whole percents, on two indicators of unequal weight (answers in
    /// halves of a percent, so off the grid).
    #[test]
    fn whole_percent_plans_are_minimal(
        a in 0u16..=200,
        b in 0u16..=200,
        own in any::<bool>(),
        raw_cuts in prop::collection::vec(1u8..=9, 1..=3),
    ) {
        let mut inds = Vec::new();
        for (x, g) in [(0, "甲"), (1, "乙"), (2, "乙")] {
            inds.push(indicator(&format!("C{x}"), "T", &[g, &format!("项{x}")]));
        }
        let mut s = scheme(Method::WeightedCoefficients, vec![table("T", None)], inds);
        s.grades = grades(&cuts(&raw_cuts), 100.0, false, &["A", "B", "C", "D"]);
        // a profile leaves C2 out and weighs the groups 30 / 70: two indicators of 30 % and 70 %
        let profile = Profile {
            name: "两项".into(),
            scheme: "test".into(),
            variant: None,
            exclude: vec!["C2".into()],
            group_weights: [("甲".to_string(), 30.0), ("乙".to_string(), 70.0)].into(),
            indicator_weights: Default::default(),
            special: Vec::new(),
            basic_weight: 0.5,
            special_weight: 0.5,
            hash: "test".into(),
        };
        let plan = Plan::new(&s, None, Some(&profile)).map_err(|e| TestCaseError::fail(e.0))?;
        let answers = vec![
            number(f64::from(a) / 2.0),
            if own { self_answer(f64::from(b) / 2.0, false) } else { number(f64::from(b) / 2.0) },
        ];
        run(&plan, &answers, 1.0)?;
    }
}

/// (group, answer choice, self answer): choices 0–10 are 10 × choice %, 11–12 unanswered.
fn coefficient_answers(leaves: &[(u8, u8, bool)]) -> Vec<Option<Answer>> {
    leaves
        .iter()
        .map(|(_, a, own)| match a {
            11 | 12 => None,
            a if *own => self_answer(f64::from(*a) * 10.0, a % 2 == 0),
            a => number(f64::from(*a) * 10.0),
        })
        .collect()
}
