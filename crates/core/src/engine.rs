//! The scoring engine: a [`Plan`] is a scheme (one variant, one profile) compiled for
//! scoring; [`Plan::evaluate`] turns answers into a score for every node, the grade and an
//! explanation trace. Pure and deterministic: same scheme version, profile and answers give
//! the same result.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::answer::{parse_answer, Answer, AnswerError, Problem, Source};
use crate::model::*;
use crate::profile::Profile;
use crate::stars::{self, DimensionResult, StageResult, StarOutcome};

/// Version of the scoring rules in this crate; stored with every result.
pub const ENGINE_VERSION: &str = concat!("tianping-engine/", env!("CARGO_PKG_VERSION"));

/// Round to 9 decimals before comparing against band edges, so that float noise
/// (84.99999999999999) never moves a result across a half-open edge (I-3).
pub fn settle(x: f64) -> f64 {
    // Adding and subtracting 1.5 × 2^52 rounds to the nearest integer without a libm call;
    // exact for |x × 1e9| < 2^51 (scores up to about 2 million), plain rounding beyond.
    const MAGIC: f64 = 6_755_399_441_055_744.0;
    let y = x * 1e9;
    if y.abs() < 2_251_799_813_685_248.0 {
        ((y + MAGIC) - MAGIC) / 1e9
    } else {
        y.round() / 1e9
    }
}

/// What a leaf earns at a level (0..5; unanswered, negative, earns nothing): the sum of the
/// steps up to that level. Branch-free, and shared by both paths so they agree bit for bit.
#[inline(always)]
pub fn level_earned(steps: &[f64; 5], level: f64) -> f64 {
    let g = |k: f64| if level >= k { 1.0 } else { 0.0 };
    steps[0] * g(1.0)
        + steps[1] * g(2.0)
        + steps[2] * g(3.0)
        + steps[3] * g(4.0)
        + steps[4] * g(5.0)
}

/// Round for output (6 decimals).
pub(crate) fn out(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// One scorable leaf in a plan.
#[derive(Debug, Clone)]
pub struct Leaf<'s> {
    pub ind: &'s Indicator,
    /// Maximum of the answer scale (points max, 5, or 100).
    pub answer_max: f64,
    /// Contribution to the total at full marks, on the total's raw scale.
    pub weight: f64,
    /// 000: index into the plan's dimensions or stages.
    pub dimension: Option<usize>,
    pub stage: Option<usize>,
    /// 003 I-10: a special indicator added by the profile (scored apart from the basic score).
    pub special: bool,
    /// Index of the group nodes this leaf belongs to (top down).
    pub nodes: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeDef {
    pub id: String,
    pub table: String,
    pub path: Vec<String>,
}

/// A scheme compiled for one variant and profile.
#[derive(Debug, Clone)]
pub struct Plan<'s> {
    pub scheme: &'s Scheme,
    pub variant: Option<&'s Variant>,
    pub profile: Option<&'s Profile>,
    pub kind: AnswerKind,
    pub leaves: Vec<Leaf<'s>>,
    pub nodes: Vec<NodeDef>,
    /// 000: dimension names and weights (%) in plan order.
    pub dimensions: Vec<(String, f64)>,
    pub stages: Vec<String>,
    /// Sum of all leaf weights (the raw maximum).
    pub raw_max: f64,
    /// Per leaf, in leaf order (a compact layout for the fast path, used by both paths so
    /// that they do the same arithmetic): earned = answer × factor (points, coefficients) or
    /// level_earned (levels); slot = accumulator (dimension, basic 0 / special 1;
    /// IGNORED for stage leaves); online = 1.0 for 000 线上 leaves.
    pub factor: Vec<f64>,
    /// weighted-levels: per leaf, its share at level 1 and the steps to levels 2..5, so that
    /// earned = Σ step_k × [level ≥ k] (branch-free; see [`level_earned`]).
    pub level_steps: Vec<[f64; 5]>,
    pub slot: Vec<u8>,
    pub online: Vec<f64>,
    /// weighted-levels: the level number (1..5) of each grade, parsed from its code.
    pub grade_levels: Vec<usize>,
    /// Runs of consecutive leaves with the same slot: (slot, start, end).
    pub runs: Vec<(u8, usize, usize)>,
    /// Sum of the special indicators' maxima (I-10; 0 without special indicators).
    pub special_max: f64,
    /// 000: per dimension, the weight on its 线上 indicators.
    pub online_max: Vec<f64>,
    /// Indicators of the variant left out by the profile.
    pub excluded: Vec<String>,
}

/// What the fast path computes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quick {
    /// Total on the standard's scale (000: the composite).
    pub total: f64,
    /// Index into `scheme.grades`, None when no grade is reached.
    pub grade: Option<usize>,
    /// 000: comprehensive stars the result supports.
    pub stars: u8,
}

/// Most dimensions a dimensions scheme may have (the fast path keeps them on the stack).
pub const MAX_DIMENSIONS: usize = 7;
/// Accumulator slot of leaves that do not count towards the total (000 stages).
const IGNORED: u8 = MAX_DIMENSIONS as u8;

/// Errors building a plan (unknown variant, bad profile).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanError(pub String);

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'s> Plan<'s> {
    pub fn new(
        scheme: &'s Scheme,
        variant: Option<&str>,
        profile: Option<&'s Profile>,
    ) -> Result<Plan<'s>, PlanError> {
        let variant = scheme.resolve_variant(variant).map_err(PlanError)?;
        let kind = scheme.method.answer_kind();
        let all: Vec<&Indicator> = scheme.indicators_of(variant).collect();
        if let Some(p) = profile {
            check_profile(scheme, variant, &all, p)?;
        }
        let excluded: Vec<String> = profile.map(|p| p.exclude.clone()).unwrap_or_default();
        let selected: Vec<&Indicator> = all
            .iter()
            .copied()
            .filter(|i| !excluded.contains(&i.id))
            .collect();

        // Group nodes: distinct (table, path prefix) in order of first appearance.
        let mut nodes: Vec<NodeDef> = Vec::new();
        let mut node_index: BTreeMap<(String, Vec<String>), usize> = BTreeMap::new();
        let mut leaves = Vec::with_capacity(selected.len());
        let mut dimensions: Vec<(String, f64)> = Vec::new();
        let mut stages: Vec<String> = Vec::new();
        for ind in &selected {
            let mut chain = Vec::new();
            for d in 0..ind.path.len().saturating_sub(1) {
                let key = (ind.table.clone(), ind.path[..=d].to_vec());
                let idx = *node_index.entry(key).or_insert_with(|| {
                    nodes.push(NodeDef {
                        id: format!("{}/{}", ind.table, ind.path[..=d].join("/")),
                        table: ind.table.clone(),
                        path: ind.path[..=d].to_vec(),
                    });
                    nodes.len() - 1
                });
                chain.push(idx);
            }
            let table = scheme.table(&ind.table);
            let (mut dimension, mut stage) = (None, None);
            if scheme.method == Method::Dimensions {
                if let Some(d) = table.and_then(|t| t.dimension.as_ref()) {
                    dimension = Some(match dimensions.iter().position(|(n, _)| n == d) {
                        Some(i) => i,
                        None => {
                            dimensions.push((d.clone(), 0.0));
                            dimensions.len() - 1
                        }
                    });
                }
                if let Some(s) = table.and_then(|t| t.stage.as_ref()) {
                    stage = Some(match stages.iter().position(|n| n == s) {
                        Some(i) => i,
                        None => {
                            stages.push(s.clone());
                            stages.len() - 1
                        }
                    });
                }
            }
            leaves.push(Leaf {
                ind,
                answer_max: match kind {
                    AnswerKind::Points => ind.points.unwrap_or(0.0),
                    AnswerKind::Level => 5.0,
                    AnswerKind::Coefficient => 100.0,
                },
                weight: 0.0,
                dimension,
                stage,
                special: false,
                nodes: chain,
            });
        }
        // Special indicators from the profile (I-10), after the scheme's own.
        if let Some(p) = profile {
            for ind in &p.special {
                let key = ("专项".to_string(), vec!["专项指标".to_string()]);
                let idx = *node_index.entry(key).or_insert_with(|| {
                    nodes.push(NodeDef {
                        id: "专项/专项指标".into(),
                        table: "专项".into(),
                        path: vec!["专项指标".into()],
                    });
                    nodes.len() - 1
                });
                leaves.push(Leaf {
                    ind,
                    answer_max: ind.points.unwrap_or(0.0),
                    weight: 0.0,
                    dimension: None,
                    stage: None,
                    special: true,
                    nodes: vec![idx],
                });
            }
        }

        // Weights per method.
        match scheme.method {
            Method::Points => {
                for l in &mut leaves {
                    l.weight = l.answer_max;
                }
            }
            Method::WeightedLevels => {
                for l in &mut leaves {
                    l.weight = l.ind.weights.iter().map(|w| w / 100.0).product::<f64>() * 100.0;
                }
            }
            Method::Dimensions => {
                let rules = scheme
                    .stars
                    .as_ref()
                    .ok_or_else(|| PlanError("方案缺少星级规则".into()))?;
                for (name, w) in &mut dimensions {
                    *w = match profile.and_then(|p| p.group_weights.get(name.as_str())) {
                        Some(x) => *x,
                        None => rules
                            .dimensions
                            .iter()
                            .position(|d| d == name)
                            .and_then(|i| rules.default_weights.get(i).copied())
                            .unwrap_or(0.0),
                    };
                }
                // Capability dimensions: 1000 points split equally unless the profile weights them.
                for (di, (name, _)) in dimensions.iter().enumerate() {
                    let members: Vec<usize> = (0..leaves.len())
                        .filter(|&i| leaves[i].dimension == Some(di))
                        .collect();
                    let custom = profile.and_then(|p| p.indicator_weights.get(name.as_str()));
                    for &i in &members {
                        leaves[i].weight = match custom {
                            Some(m) => m.get(&leaves[i].ind.id).copied().unwrap_or(0.0),
                            None => rules.dimension_points / members.len() as f64,
                        };
                    }
                }
                // Stages: percent, equal weights.
                for si in 0..stages.len() {
                    let members: Vec<usize> = (0..leaves.len())
                        .filter(|&i| leaves[i].stage == Some(si))
                        .collect();
                    for &i in &members {
                        leaves[i].weight = 100.0 / members.len() as f64;
                    }
                }
            }
            Method::WeightedCoefficients => {
                let groups: Vec<String> = {
                    let mut g: Vec<String> = Vec::new();
                    for l in &leaves {
                        if !g.contains(&l.ind.path[0]) {
                            g.push(l.ind.path[0].clone());
                        }
                    }
                    g
                };
                for g in &groups {
                    let gw = profile
                        .and_then(|p| p.group_weights.get(g.as_str()).copied())
                        .unwrap_or(100.0 / groups.len() as f64);
                    let members: Vec<usize> = (0..leaves.len())
                        .filter(|&i| &leaves[i].ind.path[0] == g)
                        .collect();
                    let custom = profile.and_then(|p| p.indicator_weights.get(g.as_str()));
                    for &i in &members {
                        let within = match custom {
                            Some(m) => m.get(&leaves[i].ind.id).copied().unwrap_or(0.0),
                            None => 100.0 / members.len() as f64,
                        };
                        leaves[i].weight = gw * within / 100.0;
                    }
                }
            }
        }
        if dimensions.len() > MAX_DIMENSIONS {
            return Err(PlanError(format!(
                "方案 {} 有 {} 个维度，最多支持 {} 个",
                scheme.id,
                dimensions.len(),
                MAX_DIMENSIONS
            )));
        }
        let online_max = (0..dimensions.len())
            .map(|d| {
                leaves
                    .iter()
                    .filter(|l| l.dimension == Some(d) && l.ind.category == Some(Category::Online))
                    .map(|l| l.weight)
                    .sum()
            })
            .collect();
        let raw_max = leaves
            .iter()
            .filter(|l| l.stage.is_none() && !l.special)
            .map(|l| l.weight)
            .sum();
        let special_max = leaves.iter().filter(|l| l.special).map(|l| l.weight).sum();
        let factor = leaves
            .iter()
            .map(|l| match kind {
                AnswerKind::Points if l.answer_max > 0.0 => l.weight / l.answer_max,
                AnswerKind::Points | AnswerKind::Level => 0.0,
                AnswerKind::Coefficient => l.weight / 100.0,
            })
            .collect();
        let level_steps = leaves
            .iter()
            .map(|l| {
                let mut t = [0.0; 5];
                if kind == AnswerKind::Level {
                    let at = |k: usize| {
                        l.weight * scheme.leaf_level_scores.get(k).copied().unwrap_or(0.0) / 100.0
                    };
                    for (k, x) in t.iter_mut().enumerate() {
                        *x = at(k + 1) - at(k);
                    }
                }
                t
            })
            .collect();
        let slot: Vec<u8> = leaves
            .iter()
            .map(|l| match (l.dimension, l.stage, l.special) {
                (Some(d), _, _) => d as u8,
                (None, Some(_), _) => IGNORED,
                (None, None, true) => 1,
                (None, None, false) => 0,
            })
            .collect();
        let mut runs: Vec<(u8, usize, usize)> = Vec::new();
        for (i, s) in slot.iter().enumerate() {
            match runs.last_mut() {
                Some(r) if r.0 == *s => r.2 = i + 1,
                _ => runs.push((*s, i, i + 1)),
            }
        }
        let online = leaves
            .iter()
            .map(|l| {
                if l.dimension.is_some() && l.ind.category == Some(Category::Online) {
                    1.0
                } else {
                    0.0
                }
            })
            .collect();
        Ok(Plan {
            scheme,
            variant,
            profile,
            kind,
            leaves,
            nodes,
            dimensions,
            stages,
            raw_max,
            factor,
            level_steps,
            slot,
            online,
            runs,
            grade_levels: scheme
                .grades
                .iter()
                .map(|g| g.code.parse::<usize>().unwrap_or(0).min(5))
                .collect(),
            special_max,
            online_max,
            excluded,
        })
    }

    /// Check an answer set against this plan: every key must be an indicator of the plan,
    /// every value of the right kind and in range. Returns the answers in leaf order.
    pub fn parse_answers(
        &self,
        answers: &BTreeMap<String, Value>,
    ) -> Result<Vec<Option<Answer>>, Vec<AnswerError>> {
        let mut errors = Vec::new();
        // every key is a leaf's unless fewer leaves are answered than there are keys: then
        // (only then) find the keys that are not, by a set of the leaves' ids — no scan of
        // the leaves per key (a save at 5,900 items was O(answers × indicators))
        let known = self
            .leaves
            .iter()
            .filter(|l| answers.contains_key(&l.ind.id))
            .count();
        let ids: std::collections::HashSet<&str> = if known < answers.len() {
            self.leaves.iter().map(|l| l.ind.id.as_str()).collect()
        } else {
            Default::default()
        };
        for k in answers.keys().filter(|_| known < answers.len()) {
            if !ids.contains(k.as_str()) {
                let why = if self.excluded.contains(k) {
                    "已被评价方案配置（profile）排除".to_string()
                } else if self.scheme.indicator(k).is_some() {
                    format!(
                        "不属于类别 {}",
                        self.variant.map(|v| v.id.as_str()).unwrap_or("-")
                    )
                } else {
                    format!(
                        "方案 {} 中没有这个指标；用 `tianping template --scheme {}` 查看全部指标 id",
                        self.scheme.id, self.scheme.id
                    )
                };
                errors.push(AnswerError {
                    indicator: k.clone(),
                    message: why,
                    problem: Problem::NotInPlan,
                });
            }
        }
        let mut out = Vec::with_capacity(self.leaves.len());
        for l in &self.leaves {
            match answers.get(&l.ind.id) {
                None | Some(Value::Null) => out.push(None),
                Some(v) => match parse_answer(l.ind, self.kind, l.answer_max, v) {
                    Ok(a) => out.push(Some(a)),
                    Err(e) => {
                        errors.push(e);
                        out.push(None)
                    }
                },
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// One answer checked as [`Plan::parse_answers`] checks it: the index of its leaf and
    /// the checked answer (`None` for null), or `None` when the indicator is no leaf of this
    /// plan. A save of one answer sets that leaf of the stored pack without reading the rest.
    pub fn parse_one(
        &self,
        indicator: &str,
        value: &Value,
    ) -> Option<(usize, Result<Option<Answer>, AnswerError>)> {
        let i = self.leaves.iter().position(|l| l.ind.id == indicator)?;
        let l = &self.leaves[i];
        let parsed = match value {
            Value::Null => Ok(None),
            v => parse_answer(l.ind, self.kind, l.answer_max, v).map(Some),
        };
        Some((i, parsed))
    }

    /// What leaf `i` earns towards its accumulator for an answer value (on the answer scale).
    #[inline]
    pub fn earned(&self, i: usize, value: f64) -> f64 {
        match self.kind {
            AnswerKind::Level => level_earned(&self.level_steps[i], value),
            _ => value * self.factor[i],
        }
    }

    /// Fast path for bulk scoring (benchmarks, rescoring many assessments): the total on the
    /// standard's scale, the grade and the comprehensive stars from answer values in leaf order
    /// (a negative value earns nothing: see [`crate::pack`]), with no explanation and no
    /// allocation. It must agree
    /// with [`Plan::evaluate`]; a test checks that on random answers.
    pub fn quick(&self, values: &[f64]) -> Quick {
        let n = self.leaves.len().min(values.len());
        let values = &values[..n];
        match self.scheme.method {
            Method::Dimensions => self.quick_dimensions(values),
            Method::WeightedLevels => {
                let mut raw = 0.0;
                // below[k]: leaves answered below level k. A negative value earns nothing;
                // its level is -(v + 1): 0 when unanswered (-1), the answered level when the
                // answer does not count (crate::pack) — the grade's floors read it as the
                // full path does.
                let (mut b1, mut b2, mut b3, mut b4, mut b5) = (0u32, 0u32, 0u32, 0u32, 0u32);
                for (t, v) in self.level_steps[..n].iter().zip(values) {
                    raw += level_earned(t, *v);
                    let lv = if *v >= 0.0 { *v } else { -*v - 1.0 };
                    b1 += (lv < 1.0) as u32;
                    b2 += (lv < 2.0) as u32;
                    b3 += (lv < 3.0) as u32;
                    b4 += (lv < 4.0) as u32;
                    b5 += (lv < 5.0) as u32;
                }
                let below = [0, b1, b2, b3, b4, b5];
                let total = settle(raw);
                let grades = &self.scheme.grades;
                let grade = grades
                    .iter()
                    .position(|g| g.contains(total))
                    .and_then(|start| {
                        (start..grades.len()).find(|&i| {
                            below[self.grade_levels[i]] <= grades[i].max_below.unwrap_or(0)
                        })
                    });
                Quick {
                    total,
                    grade,
                    stars: 0,
                }
            }
            _ => {
                let mut acc = [0.0f64; 2];
                for &(slot, a, b) in &self.runs {
                    let (a, b) = (a.min(n), b.min(n));
                    let mut sum = 0.0;
                    for (f, v) in self.factor[a..b].iter().zip(&values[a..b]) {
                        sum += v.max(0.0) * f;
                    }
                    acc[(slot & 1) as usize] += sum;
                }
                let total = settle(self.composite(self.scale(acc[0]), acc[1]));
                let grade = self.scheme.grades.iter().position(|g| g.contains(total));
                Quick {
                    total,
                    grade,
                    stars: 0,
                }
            }
        }
    }

    fn quick_dimensions(&self, values: &[f64]) -> Quick {
        let n = values.len();
        let mut dims = [0.0f64; MAX_DIMENSIONS + 1];
        let mut online = [0.0f64; MAX_DIMENSIONS + 1];
        for &(slot, a, b) in &self.runs {
            let (a, b) = (a.min(n), b.min(n));
            let (mut sum, mut on) = (0.0, 0.0);
            for ((f, o), v) in self.factor[a..b]
                .iter()
                .zip(&self.online[a..b])
                .zip(&values[a..b])
            {
                let earned = v.max(0.0) * f;
                sum += earned;
                on += earned * o;
            }
            let s = (slot as usize).min(MAX_DIMENSIONS);
            dims[s] += sum;
            online[s] += on;
        }
        let mut composite = 0.0;
        let mut min_dim = f64::INFINITY;
        let mut min_ratio = f64::INFINITY;
        for (i, (_, w)) in self.dimensions.iter().enumerate() {
            composite += dims[i] * w / 100.0;
            min_dim = min_dim.min(settle(dims[i]));
            if self.online_max[i] > 0.0 {
                min_ratio = min_ratio.min(settle(online[i] / self.online_max[i] * 100.0));
            }
        }
        let composite = settle(composite);
        let mut stars = 0;
        if let Some(r) = &self.scheme.stars {
            for level in (1..=5u8).rev() {
                let met = if level >= 4 {
                    let t = r.composite[(level - 4) as usize];
                    composite >= t && min_dim >= t
                } else {
                    min_ratio >= r.online_ratio[(level - 1) as usize]
                };
                if met {
                    stars = level;
                    break;
                }
            }
        }
        Quick {
            total: composite,
            grade: None,
            stars,
        }
    }

    /// The basic score, or with special indicators (I-10) the weighted composite.
    fn composite(&self, basic: f64, special_raw: f64) -> f64 {
        match self.profile {
            Some(p) if self.special_max > 0.0 => {
                p.basic_weight * basic + p.special_weight * special_raw / self.special_max * 100.0
            }
            _ => basic,
        }
    }

    /// Raw total → the standard's scale (I-2 for points schemes).
    fn scale(&self, raw: f64) -> f64 {
        match (self.scheme.method, self.scheme.scale_total) {
            (Method::Points, Some(total)) if self.raw_max > 0.0 => raw * total / self.raw_max,
            _ => raw,
        }
    }

    /// Evaluate an answer set. `strict` makes any unanswered indicator an error.
    pub fn evaluate(
        &self,
        answers: &BTreeMap<String, Value>,
        strict: bool,
    ) -> Result<Evaluation, Vec<AnswerError>> {
        let parsed = self.parse_answers(answers)?;
        if strict {
            let missing: Vec<AnswerError> = self
                .leaves
                .iter()
                .zip(&parsed)
                .filter(|(_, a)| a.is_none())
                .map(|(l, _)| AnswerError {
                    indicator: l.ind.id.clone(),
                    message: "未作答（--strict 要求每个指标都有答案）".into(),
                    problem: Problem::Missing,
                })
                .collect();
            if !missing.is_empty() {
                return Err(missing);
            }
        }
        Ok(self.evaluate_parsed(&parsed))
    }

    /// Evaluate already checked answers (in leaf order).
    pub fn evaluate_parsed(&self, parsed: &[Option<Answer>]) -> Evaluation {
        let scheme = self.scheme;
        let mut warnings = Vec::new();
        let mut unanswered = Vec::new();
        let mut not_counted = Vec::new();
        let mut single_valued_panel = Vec::new();
        let mut indicators = Vec::with_capacity(self.leaves.len());
        let mut node_earned = vec![0.0; self.nodes.len()];
        let mut node_max = vec![0.0; self.nodes.len()];
        let mut raw = 0.0;
        let mut special_raw = 0.0;
        for (i, (l, a)) in self.leaves.iter().zip(parsed).enumerate() {
            let counted = a.as_ref().filter(|a| a.verified);
            let earned = counted.map(|a| self.earned(i, a.value)).unwrap_or(0.0);
            match a {
                None => unanswered.push(l.ind.id.clone()),
                Some(a) if !a.verified => not_counted.push(l.ind.id.clone()),
                Some(a) => {
                    if l.ind.expert_panel && matches!(a.given, crate::answer::Given::Number(_)) {
                        single_valued_panel.push(l.ind.id.as_str());
                    }
                }
            }
            for &n in &l.nodes {
                node_earned[n] += earned;
                node_max[n] += l.weight;
            }
            if l.special {
                special_raw += earned;
            } else if l.stage.is_none() {
                raw += earned;
            }
            indicators.push(IndicatorResult {
                id: l.ind.id.clone(),
                table: l.ind.table.clone(),
                path: l.ind.path.clone(),
                answer: a.clone(),
                counted: counted.is_some(),
                earned: out(earned),
                max: out(l.weight),
                interpretations: l.ind.interpretations.clone(),
            });
        }
        if !single_valued_panel.is_empty() {
            warnings.push(format!(
                "{} 个专家评审项按单一分值作答，未给出各位专家的评分（I-13 要求至少3位专家取平均）：{}",
                single_valued_panel.len(),
                abbreviate(&single_valued_panel, 8)
            ));
        }
        if !not_counted.is_empty() {
            warnings.push(format!(
                "{} 个自报答案未经核验，不计分（I-6）：{}",
                not_counted.len(),
                not_counted.join("、")
            ));
        }
        let nodes = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| NodeResult {
                id: n.id.clone(),
                table: n.table.clone(),
                path: n.path.clone(),
                earned: out(node_earned[i]),
                max: out(node_max[i]),
                percent: if node_max[i] > 0.0 {
                    out(node_earned[i] / node_max[i] * 100.0)
                } else {
                    0.0
                },
            })
            .collect();

        let mut result = Evaluation {
            scheme: scheme.id.clone(),
            scheme_name: scheme.name.clone(),
            scheme_version: scheme.version.clone(),
            engine_version: ENGINE_VERSION.to_string(),
            variant: self.variant.map(|v| v.id.clone()),
            profile: self.profile.map(|p| ProfileRef {
                name: p.name.clone(),
                hash: p.hash.clone(),
            }),
            method: scheme.method,
            total: Total {
                score: 0.0,
                raw: out(raw),
                max: out(self.raw_max),
                scale: scheme.scale_total.unwrap_or(match scheme.method {
                    Method::Dimensions => 1000.0,
                    _ => 100.0,
                }),
            },
            grade: None,
            grade_trace: Vec::new(),
            nodes,
            indicators,
            unanswered,
            not_counted,
            excluded: self.excluded.clone(),
            warnings,
            interpretations: Vec::new(),
            dimensions: Vec::new(),
            composite: None,
            parts: None,
            stars: None,
            stars_explained: None,
            stages: Vec::new(),
        };
        match scheme.method {
            Method::Points | Method::WeightedCoefficients => {
                let basic = self.scale(raw);
                let score = settle(self.composite(basic, special_raw));
                if let (Some(p), true) = (self.profile, self.special_max > 0.0) {
                    let special = special_raw / self.special_max * 100.0;
                    result.composite = Some(out(score));
                    result.parts = Some(Parts {
                        basic: out(basic),
                        basic_weight: p.basic_weight,
                        special: out(special),
                        special_raw: out(special_raw),
                        special_max: out(self.special_max),
                        special_weight: p.special_weight,
                        reason: format!(
                            "综合得分 = {} × 基本指标 {} + {} × 专项指标 {} = {}（I-10）",
                            fmt_num(p.basic_weight),
                            fmt_num(out(basic)),
                            fmt_num(p.special_weight),
                            fmt_num(out(special)),
                            fmt_num(out(score))
                        ),
                    });
                }
                result.total.score = out(score);
                self.grade_by_band(score, &mut result);
            }
            Method::WeightedLevels => {
                let score = settle(raw);
                result.total.score = out(score);
                self.grade_weighted_levels(score, parsed, &mut result);
            }
            Method::Dimensions => {
                stars::evaluate_dimensions(self, parsed, &mut result);
            }
        }
        result.interpretations = self.applied_interpretations();
        result
    }

    fn grade_by_band(&self, score: f64, r: &mut Evaluation) {
        let grades = &self.scheme.grades;
        if grades.is_empty() {
            return;
        }
        for g in grades {
            if g.contains(score) {
                r.grade = Some(GradeResult {
                    code: g.code.clone(),
                    label: g.label.clone(),
                    reason: format!(
                        "得分 {} 落在 {} 的区间 {}（{}）",
                        fmt_num(out(score)),
                        g.label,
                        g.band(),
                        g.clause
                    ),
                });
                r.grade_trace.push(GradeStep {
                    code: g.code.clone(),
                    met: true,
                    reason: format!("{} ∈ {}", fmt_num(out(score)), g.band()),
                });
                return;
            }
            r.grade_trace.push(GradeStep {
                code: g.code.clone(),
                met: false,
                reason: format!("得分 {} 不在 {} 内", fmt_num(out(score)), g.band()),
            });
        }
        let lowest = grades.last().map(|g| g.band()).unwrap_or_default();
        r.warnings.push(format!(
            "得分 {} 低于最低等级区间 {}，不评定等级",
            fmt_num(out(score)),
            lowest
        ));
    }

    fn grade_weighted_levels(&self, score: f64, parsed: &[Option<Answer>], r: &mut Evaluation) {
        let grades = &self.scheme.grades;
        let levels: Vec<u32> = parsed
            .iter()
            .map(|a| a.as_ref().map(|a| a.value as u32).unwrap_or(0))
            .collect();
        let Some(start) = grades.iter().position(|g| g.contains(score)) else {
            r.warnings
                .push(format!("总分 {}% 不在任何等级区间内", fmt_num(out(score))));
            return;
        };
        for g in &grades[..start] {
            r.grade_trace.push(GradeStep {
                code: g.code.clone(),
                met: false,
                reason: format!(
                    "总分 {}% 不在 {} 的区间 {}",
                    fmt_num(out(score)),
                    g.label,
                    g.band()
                ),
            });
        }
        for g in &grades[start..] {
            let level: u32 = g.code.parse().unwrap_or(0);
            let allowed = g.max_below.unwrap_or(0);
            let below: Vec<&str> = self
                .leaves
                .iter()
                .zip(&levels)
                .filter(|(_, lv)| **lv < level)
                .map(|(l, _)| l.ind.id.as_str())
                .collect();
            if below.len() as u32 <= allowed {
                let reason = format!(
                    "总分 {}%{}；低于{}要求的指标 {} 项，不超过 {} 项（{}）",
                    fmt_num(out(score)),
                    if g.contains(score) {
                        format!(" 落在{}的区间 {}", g.label, g.band())
                    } else {
                        "（已由更高等级降级）".to_string()
                    },
                    g.label,
                    below.len(),
                    allowed,
                    g.clause
                );
                r.grade_trace.push(GradeStep {
                    code: g.code.clone(),
                    met: true,
                    reason: reason.clone(),
                });
                r.grade = Some(GradeResult {
                    code: g.code.clone(),
                    label: g.label.clone(),
                    reason,
                });
                return;
            }
            r.grade_trace.push(GradeStep {
                code: g.code.clone(),
                met: false,
                reason: format!(
                    "低于{}要求的指标 {} 项（{}），超过允许的 {} 项，降一级",
                    g.label,
                    below.len(),
                    abbreviate(&below, 8),
                    allowed
                ),
            });
        }
        r.warnings
            .push("未达基础级：没有满足条件的等级（I-7）".into());
    }

    /// Interpretations that affected this plan: those cited by its indicators, those written in
    /// its table files, and the scheme-wide ones of scheme.toml (unless they name only
    /// indicators outside the plan).
    pub fn applied_interpretations(&self) -> Vec<Interpretation> {
        let cited: BTreeSet<&str> = self
            .leaves
            .iter()
            .flat_map(|l| l.ind.interpretations.iter().map(String::as_str))
            .collect();
        let in_plan: BTreeSet<&str> = self.leaves.iter().map(|l| l.ind.id.as_str()).collect();
        let files: BTreeSet<&str> = self
            .scheme
            .tables_of(self.variant)
            .into_iter()
            .map(|t| t.file.as_str())
            .collect();
        self.scheme
            .interpretations
            .iter()
            .filter(|i| {
                cited.contains(i.id.as_str())
                    || files.contains(i.file.as_str())
                    || (i.file.ends_with("/scheme.toml")
                        && (i.indicators.is_empty()
                            || i.indicators.iter().any(|x| in_plan.contains(x.as_str()))))
            })
            .cloned()
            .collect()
    }
}

/// The first `n` ids joined with 、, and “等” when there are more.
pub fn abbreviate<S: AsRef<str>>(ids: &[S], n: usize) -> String {
    let shown: Vec<&str> = ids.iter().take(n).map(AsRef::as_ref).collect();
    if ids.len() <= n {
        shown.join("、")
    } else {
        format!("{} 等", shown.join("、"))
    }
}

fn check_profile(
    scheme: &Scheme,
    variant: Option<&Variant>,
    all: &[&Indicator],
    p: &Profile,
) -> Result<(), PlanError> {
    let e = |m: String| Err(PlanError(format!("评价方案配置 “{}”：{}", p.name, m)));
    if p.scheme != scheme.id {
        return e(format!("适用于方案 {}，不能用于 {}", p.scheme, scheme.id));
    }
    if let (Some(pv), Some(v)) = (&p.variant, variant) {
        // The profile may name its variant by id, alias or name, like any caller.
        match scheme.find_variant(pv) {
            Some(pvv) if pvv.id == v.id => {}
            Some(pvv) => {
                return e(format!("适用于类别 {}，不能用于 {}", pvv.id, v.id));
            }
            None => {
                return e(format!(
                    "variant “{}” 不是本方案的类别；可选：{}",
                    pv,
                    scheme.variant_list()
                ));
            }
        }
    }
    if !p.special.is_empty() {
        if scheme.method != Method::Points {
            return e(format!(
                "专项指标（[[special]]）只适用于分值制方案（I-10），{} 不是",
                scheme.id
            ));
        }
        let mut seen = BTreeSet::new();
        for sp in &p.special {
            if all.iter().any(|i| i.id == sp.id) || !seen.insert(sp.id.as_str()) {
                return e(format!("专项指标 id “{}” 与其他指标重复", sp.id));
            }
        }
    }
    for x in &p.exclude {
        if !all.iter().any(|i| &i.id == x) {
            return e(format!("exclude 中的指标 “{}” 不属于本方案/类别", x));
        }
    }
    match scheme.method {
        Method::Dimensions | Method::WeightedCoefficients => {}
        _ => {
            if !p.group_weights.is_empty() || !p.indicator_weights.is_empty() {
                return e(format!(
                    "计分方法 {} 的权重由标准规定，配置只能排除指标（exclude）",
                    scheme.method.as_str()
                ));
            }
            return Ok(());
        }
    }
    let dims = scheme.method == Method::Dimensions;
    let group_of = |i: &Indicator| -> Option<String> {
        if dims {
            scheme.table(&i.table).and_then(|t| t.dimension.clone())
        } else {
            i.path.first().cloned()
        }
    };
    let mut groups: Vec<String> = Vec::new();
    for i in all {
        if let Some(g) = group_of(i) {
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
    }
    let unit = if dims { "维度" } else { "一级指标" };
    if !p.group_weights.is_empty() {
        for k in p.group_weights.keys() {
            if !groups.contains(k) {
                return e(format!(
                    "group_weights 中的“{}”不是本方案的{}；可用：{}",
                    k,
                    unit,
                    groups.join("、")
                ));
            }
        }
        for g in &groups {
            if !p.group_weights.contains_key(g) {
                return e(format!("group_weights 缺少{}“{}”", unit, g));
            }
        }
        let sum: f64 = p.group_weights.values().sum();
        if (sum - 100.0).abs() > 1e-6 {
            return e(format!(
                "group_weights 合计 {}%，应为 100%（X1–X5）",
                fmt_num(sum)
            ));
        }
        if let Some((k, v)) = p.group_weights.iter().find(|(_, v)| **v < 0.0) {
            return e(format!("{}“{}”的权重 {} 为负", unit, k, fmt_num(*v)));
        }
    }
    let target = if dims {
        scheme
            .stars
            .as_ref()
            .map(|s| s.dimension_points)
            .unwrap_or(1000.0)
    } else {
        100.0
    };
    for (g, weights) in &p.indicator_weights {
        if !groups.contains(g) {
            return e(format!(
                "indicator_weights 中的“{}”不是本方案的{}；可用：{}",
                g,
                unit,
                groups.join("、")
            ));
        }
        let members: Vec<&&Indicator> = all
            .iter()
            .filter(|i| group_of(i).as_deref() == Some(g.as_str()) && !p.exclude.contains(&i.id))
            .collect();
        for (id, w) in weights {
            if !members.iter().any(|i| &i.id == id) {
                return e(format!(
                    "{}“{}”的权重中，指标 “{}” 不在该{}内（或已被排除）",
                    unit, g, id, unit
                ));
            }
            if *w < 0.0 {
                return e(format!("指标 {} 的权重 {} 为负", id, fmt_num(*w)));
            }
        }
        if let Some(m) = members.iter().find(|i| !weights.contains_key(&i.id)) {
            return e(format!(
                "{}“{}”设置了指标权重，但缺少指标 {} 的权重（被选用的指标都要给出）",
                unit, g, m.id
            ));
        }
        let sum: f64 = weights.values().sum();
        if (sum - target).abs() > 1e-6 {
            return e(format!(
                "{}“{}”的指标权重合计 {}，应为 {}",
                unit,
                g,
                fmt_num(sum),
                fmt_num(target)
            ));
        }
    }
    for g in &groups {
        let left = all
            .iter()
            .filter(|i| group_of(i).as_deref() == Some(g.as_str()) && !p.exclude.contains(&i.id))
            .count();
        if left == 0 {
            return e(format!("{}“{}”的指标被全部排除", unit, g));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parts {
    /// Basic score on the standard's scale (I-2 applied).
    pub basic: f64,
    pub basic_weight: f64,
    /// Special score in % of the special indicators' maximum.
    pub special: f64,
    pub special_raw: f64,
    pub special_max: f64,
    pub special_weight: f64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileRef {
    pub name: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Total {
    /// On the standard's scale (I-2).
    pub score: f64,
    /// Sum of what the indicators earned, before scaling.
    pub raw: f64,
    /// Sum of the indicators' maxima, before scaling.
    pub max: f64,
    /// The standard's full scale (100, 1000 …).
    pub scale: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeResult {
    pub code: String,
    pub label: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeStep {
    pub code: String,
    pub met: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeResult {
    pub id: String,
    pub table: String,
    pub path: Vec<String>,
    pub earned: f64,
    pub max: f64,
    pub percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    pub id: String,
    pub table: String,
    pub path: Vec<String>,
    pub answer: Option<Answer>,
    /// Whether the answer counted (false when unanswered or unverified).
    pub counted: bool,
    /// Contribution to the raw total.
    pub earned: f64,
    pub max: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpretations: Vec<String>,
}

/// The full result of an evaluation: every figure with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub scheme: String,
    pub scheme_name: String,
    pub scheme_version: String,
    pub engine_version: String,
    pub variant: Option<String>,
    pub profile: Option<ProfileRef>,
    pub method: Method,
    pub total: Total,
    pub grade: Option<GradeResult>,
    /// Every grade tried, best first, and why it was or was not met.
    pub grade_trace: Vec<GradeStep>,
    pub nodes: Vec<NodeResult>,
    pub indicators: Vec<IndicatorResult>,
    pub unanswered: Vec<String>,
    /// Answers given but not counted (self-declared, unverified; I-6).
    pub not_counted: Vec<String>,
    pub excluded: Vec<String>,
    pub warnings: Vec<String>,
    pub interpretations: Vec<Interpretation>,
    // 000 only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dimensions: Vec<DimensionResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub composite: Option<f64>,
    /// 003 with special indicators (I-10): the basic and special scores behind the composite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<Parts>,
    /// Comprehensive stars the result supports (表3), before application rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stars: Option<u8>,
    /// Why: every star level checked from 5★ down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stars_explained: Option<StarOutcome>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<StageResult>,
}

impl Evaluation {
    /// Answers that were self-declared (for application rules).
    pub fn self_declared_count(&self) -> usize {
        self.indicators
            .iter()
            .filter(|i| {
                i.answer
                    .as_ref()
                    .is_some_and(|a| a.source == Some(Source::SelfDeclared))
            })
            .count()
    }
}
