//! T11/AII 001-2020 stars (DESIGN I-4, I-5) and application rules (I-6). Pure.

use serde::{Deserialize, Serialize};

use crate::answer::Answer;
use crate::engine::{out, settle, Evaluation, Plan};
use crate::model::{fmt_num, Category, GuidanceBand};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionResult {
    pub name: String,
    pub table: String,
    /// X_i in %.
    pub weight: f64,
    /// S_i, 0..1000.
    pub score: f64,
    /// Online points / online maximum in %, None when the dimension has no 线上 indicator.
    pub online_ratio: Option<f64>,
    /// True when the online condition holds vacuously (no 线上 indicator, I-5).
    pub online_vacuous: bool,
    /// Single star per 表1 (0 = none), before application rules.
    pub stars: u8,
    pub stars_reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageResult {
    pub stage: String,
    pub table: String,
    /// Mean coefficient, 0..100 %.
    pub score: f64,
    /// The 表4 band the score falls in.
    pub band: Option<String>,
    pub answered: usize,
    pub indicators: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StarLevelCheck {
    pub stars: u8,
    pub met: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StarOutcome {
    /// Comprehensive stars the result supports (表3), before application rules.
    pub comprehensive: u8,
    pub reason: String,
    /// Every level checked, from 5★ down.
    pub checks: Vec<StarLevelCheck>,
}

/// Fill the 000 part of an evaluation: dimensions, composite, stars, stages.
pub(crate) fn evaluate_dimensions(plan: &Plan, parsed: &[Option<Answer>], r: &mut Evaluation) {
    let Some(rules) = plan.scheme.stars.as_ref() else {
        return;
    };
    let n = plan.dimensions.len();
    let mut score = vec![0.0; n];
    let mut online_earned = vec![0.0; n];
    let mut online_max = vec![0.0; n];
    let mut table = vec![String::new(); n];
    let stage_n = plan.stages.len();
    let mut stage_sum = vec![0.0; stage_n];
    let mut stage_count = vec![0usize; stage_n];
    let mut stage_answered = vec![0usize; stage_n];
    let mut stage_table = vec![String::new(); stage_n];
    for (i, (l, a)) in plan.leaves.iter().zip(parsed).enumerate() {
        let coeff = a
            .as_ref()
            .filter(|a| a.verified)
            .map(|a| a.value)
            .unwrap_or(0.0);
        if let Some(d) = l.dimension {
            let earned = plan.earned(i, coeff);
            score[d] += earned;
            table[d] = l.ind.table.clone();
            if l.ind.category == Some(Category::Online) {
                online_earned[d] += earned;
                online_max[d] += l.weight;
            }
        }
        if let Some(s) = l.stage {
            stage_sum[s] += coeff;
            stage_count[s] += 1;
            stage_table[s] = l.ind.table.clone();
            if a.is_some() {
                stage_answered[s] += 1;
            }
        }
    }
    let mut dims = Vec::with_capacity(n);
    // Settled (9-decimal) figures decide; the 6-decimal ones are for display.
    let mut settled = Vec::with_capacity(n);
    let mut settled_ratio = Vec::with_capacity(n);
    for d in 0..n {
        let s = settle(score[d]);
        let ratio = if online_max[d] > 0.0 {
            Some(settle(online_earned[d] / online_max[d] * 100.0))
        } else {
            None
        };
        settled.push(s);
        settled_ratio.push(ratio);
        let stars = rules.single.iter().filter(|t| s >= **t).count() as u8;
        let stars_reason = if stars == 0 {
            format!(
                "单项得分 {} 低于 {}，不评单项星级（表1）",
                fmt_num(out(s)),
                fmt_num(rules.single.first().copied().unwrap_or(500.0))
            )
        } else {
            let lo = rules.single[stars as usize - 1];
            match rules.single.get(stars as usize) {
                Some(hi) => format!(
                    "单项得分 {} ≥ {} 且 < {}：{}星级（表1）",
                    fmt_num(out(s)),
                    fmt_num(lo),
                    fmt_num(*hi),
                    star_word(stars)
                ),
                None => format!(
                    "单项得分 {} ≥ {}：{}星级（表1）",
                    fmt_num(out(s)),
                    fmt_num(lo),
                    star_word(stars)
                ),
            }
        };
        dims.push(DimensionResult {
            name: plan.dimensions[d].0.clone(),
            table: table[d].clone(),
            weight: plan.dimensions[d].1,
            score: out(s),
            online_ratio: ratio.map(out),
            online_vacuous: ratio.is_none(),
            stars,
            stars_reason,
        });
    }
    let composite = settle(
        (0..n)
            .map(|d| score[d] * plan.dimensions[d].1 / 100.0)
            .sum(),
    );
    r.total.score = out(composite);
    r.total.raw = out(composite);
    r.total.max = rules.dimension_points;
    r.composite = Some(out(composite));

    // 表3: the highest level whose own condition holds (I-5).
    let mut checks = Vec::new();
    let mut comprehensive = 0u8;
    for level in (1..=5u8).rev() {
        let (met, reason) = if level >= 4 {
            let t = rules.composite[(level - 4) as usize];
            let low: Vec<String> = dims
                .iter()
                .zip(&settled)
                .filter(|(_, s)| **s < t)
                .map(|(d, _)| format!("{} {}", d.name, fmt_num(d.score)))
                .collect();
            if composite < t {
                (
                    false,
                    format!(
                        "综合得分 {} 低于 {}{}",
                        fmt_num(out(composite)),
                        fmt_num(t),
                        if low.is_empty() {
                            String::new()
                        } else {
                            format!("；低于 {} 的单项：{}", fmt_num(t), low.join("、"))
                        }
                    ),
                )
            } else if !low.is_empty() {
                (
                    false,
                    format!(
                        "综合得分 {} ≥ {}，但单项低于 {}：{}",
                        fmt_num(out(composite)),
                        fmt_num(t),
                        fmt_num(t),
                        low.join("、")
                    ),
                )
            } else {
                (
                    true,
                    format!(
                        "综合得分 {} ≥ {}，五个单项均 ≥ {}",
                        fmt_num(out(composite)),
                        fmt_num(t),
                        fmt_num(t)
                    ),
                )
            }
        } else {
            let t = rules.online_ratio[(level - 1) as usize];
            let low: Vec<String> = dims
                .iter()
                .zip(&settled_ratio)
                .filter(|(_, r)| r.is_some_and(|x| x < t))
                .map(|(d, _)| format!("{} {}%", d.name, fmt_num(d.online_ratio.unwrap_or(0.0))))
                .collect();
            let vacuous: Vec<&str> = dims
                .iter()
                .filter(|d| d.online_vacuous)
                .map(|d| d.name.as_str())
                .collect();
            let vac = if vacuous.is_empty() {
                String::new()
            } else {
                format!("（{} 没有线上指标，此条件视为满足）", vacuous.join("、"))
            };
            if low.is_empty() {
                (
                    true,
                    format!("各单项线上指标得分率均 ≥ {}%{}", fmt_num(t), vac),
                )
            } else {
                (
                    false,
                    format!(
                        "线上指标得分率低于 {}% 的单项：{}{}",
                        fmt_num(t),
                        low.join("、"),
                        vac
                    ),
                )
            }
        };
        if met && comprehensive == 0 {
            comprehensive = level;
        }
        checks.push(StarLevelCheck {
            stars: level,
            met,
            reason,
        });
    }
    let reason = if comprehensive == 0 {
        format!(
            "未达一星级：{}",
            checks.last().map(|c| c.reason.as_str()).unwrap_or("")
        )
    } else {
        let own = &checks[(5 - comprehensive) as usize];
        let missed = if comprehensive < 5 {
            let next = &checks[(5 - comprehensive - 1) as usize];
            format!(
                "；未达{}星级：{}",
                star_word(comprehensive + 1),
                next.reason
            )
        } else {
            String::new()
        };
        format!(
            "{}星级：{}{}（表3）",
            star_word(comprehensive),
            own.reason,
            missed
        )
    };
    r.stars = Some(comprehensive);
    r.stars_explained = Some(StarOutcome {
        comprehensive,
        reason,
        checks,
    });
    r.dimensions = dims;
    r.stages = (0..stage_n)
        .map(|s| {
            let score = if stage_count[s] > 0 {
                out(settle(stage_sum[s] / stage_count[s] as f64))
            } else {
                0.0
            };
            StageResult {
                stage: plan.stages[s].clone(),
                table: stage_table[s].clone(),
                score,
                band: band_of(&plan.scheme.guidance, score).map(|b| b.label.clone()),
                answered: stage_answered[s],
                indicators: stage_count[s],
            }
        })
        .collect();
}

/// The 表4 band of a percentage: [0,20), [20,40), … [80,100] (interpretation 000-表4).
pub fn band_of(bands: &[GuidanceBand], pct: f64) -> Option<&GuidanceBand> {
    let last = bands.len().checked_sub(1)?;
    bands
        .iter()
        .enumerate()
        .find(|(i, b)| pct >= b.min && (pct < b.max || (*i == last && pct <= b.max)))
        .map(|(_, b)| b)
}

pub fn star_word(n: u8) -> &'static str {
    match n {
        1 => "一",
        2 => "二",
        3 => "三",
        4 => "四",
        5 => "五",
        _ => "零",
    }
}

/// How the evaluation was done (I-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Online self-evaluation only.
    #[serde(rename = "self")]
    SelfEvaluation,
    /// Online self-evaluation and an on-site audit by a third-party body.
    Onsite,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "self" => Some(Mode::SelfEvaluation),
            "onsite" => Some(Mode::Onsite),
            _ => None,
        }
    }
}

/// The application: what the enterprise holds and how it was evaluated.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Application {
    pub current_stars: u8,
    pub first_application: bool,
    pub mode: Mode,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Granted {
    /// Comprehensive stars granted after the application rules.
    pub stars: u8,
    /// Single-dimension stars issued (only with an on-site audit), by dimension name.
    pub dimension_stars: Option<Vec<(String, u8)>>,
    /// Whether the special-capability stage results are issued (on-site only).
    pub stages_issued: bool,
    pub reasons: Vec<String>,
}

/// Apply the §6/§8 rules (I-6) to what a result supports. Pure.
pub fn apply_rules(app: Application, supported: u8, dims: &[DimensionResult]) -> Granted {
    let mut reasons = Vec::new();
    let first = app.first_application || app.current_stars == 0;
    let cap = if first {
        reasons.push("首次申请（未获得过综合星级）只能先申请一星级，不可越级（§6.1）".to_string());
        1
    } else {
        match (app.current_stars, app.mode) {
            (1, _) => {
                reasons.push(
                    "现为一星级：通过线上自评可升至二星级或三星级；四、五星级须先达到三星级（§6.1）"
                        .to_string(),
                );
                3
            }
            (2, _) => {
                reasons
                    .push("现为二星级：可升至三星级；四、五星级须先达到三星级（§6.1）".to_string());
                3
            }
            (_, Mode::SelfEvaluation) => {
                reasons.push(
                    "仅线上自评最高三星级；四、五星级须线上自评并经第三方认证机构现场实地审查（§6.1）"
                        .to_string(),
                );
                3
            }
            (_, Mode::Onsite) => {
                reasons.push(format!(
                    "现为{}星级，已线上自评并经现场审查：可按结果授予至五星级（§6.1）",
                    star_word(app.current_stars.min(5))
                ));
                5
            }
        }
    };
    let stars = supported.min(cap);
    if supported > cap {
        reasons.push(format!(
            "结果支持{}星级，按申请规则授予{}星级",
            star_word(supported),
            star_word(stars)
        ));
    } else {
        reasons.push(if stars == 0 {
            "结果不支持任何星级，不授予星级".to_string()
        } else {
            format!("按结果授予{}星级", star_word(stars))
        });
    }
    if !first && stars < app.current_stars {
        reasons.push(format!(
            "新结果低于现有{}星级：按新结果降为{}（§8 星级动态管理）",
            star_word(app.current_stars.min(5)),
            if stars == 0 {
                "无星级，可由决定纳入黑名单".to_string()
            } else {
                format!("{}星级", star_word(stars))
            }
        ));
    }
    let (dimension_stars, stages_issued) = match app.mode {
        Mode::Onsite => (
            Some(dims.iter().map(|d| (d.name.clone(), d.stars)).collect()),
            true,
        ),
        Mode::SelfEvaluation => {
            reasons.push("单项星级只在现场审查时生成（§6.2），本次不颁发".to_string());
            reasons.push("专项能力评价仅限现场审查（§6.3），本次不出具专项报告".to_string());
            (None, false)
        }
    };
    Granted {
        stars,
        dimension_stars,
        stages_issued,
        reasons,
    }
}
