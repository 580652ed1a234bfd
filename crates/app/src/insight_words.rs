//! The gap planner's result in words (Chinese and English), one place for the pages, the
//! API's readers and the PDF reports' 提升建议.

use tianping_core::distance::{Condition, Target};
use tianping_core::AnswerKind;
use tianping_domain::{words, Lang};
use tianping_insight::{Action, Change, GapPlan, Through};

/// A target: a grade's label, stars, or a dimension's single stars.
pub fn target(l: Lang, t: &Target) -> String {
    match t {
        Target::Grade { label, .. } => label.clone(),
        Target::Stars { stars } => words::stars(l, *stars),
        Target::DimensionStars { dimension, stars } => match l {
            Lang::Zh => format!("{}单项{}", dimension, words::stars(l, *stars)),
            Lang::En => format!("{} single {}", dimension, words::stars(l, *stars)),
        },
    }
}

/// A condition of a target.
pub fn condition(l: Lang, c: &Condition) -> String {
    match (c, l) {
        (Condition::Total, _) => l.t("总分", "Total").into(),
        (Condition::BelowLevel, _) => l
            .t(
                "低于该级的指标数（至多）",
                "Indicators below the level (at most)",
            )
            .into(),
        (Condition::DimensionScore { dimension }, Lang::Zh) => format!("{}得分", dimension),
        (Condition::DimensionScore { dimension }, Lang::En) => format!("{} score", dimension),
        (Condition::OnlineRatio { dimension }, Lang::Zh) => format!("{}线上占比（%）", dimension),
        (Condition::OnlineRatio { dimension }, Lang::En) => {
            format!("{} online share (%)", dimension)
        }
    }
}

/// What to do with an indicator.
pub fn action(l: Lang, a: Action) -> &'static str {
    match a {
        Action::Answer => l.t("作答", "answer"),
        Action::Raise => l.t("提高", "raise"),
        Action::Verify => l.t("经核实后计分", "have it verified"),
        Action::RaiseAndVerify => l.t("提高并经核实", "raise and have it verified"),
    }
}

/// Who gives the answer, when an expert panel or a questionnaire does.
pub fn through(l: Lang, t: &Through) -> String {
    match (t, l) {
        (Through::ExpertPanel { mean, min_experts }, Lang::Zh) => format!(
            "专家组（至少 {} 名）评分平均须达到 {}",
            min_experts,
            words::fig(*mean)
        ),
        (Through::ExpertPanel { mean, min_experts }, Lang::En) => format!(
            "the panel's mean (at least {} experts) must reach {}",
            min_experts,
            words::fig(*mean)
        ),
        (Through::Questionnaire { mean }, Lang::Zh) => {
            format!("问卷平均得分须达到 {}（1–5）", words::fig(*mean))
        }
        (Through::Questionnaire { mean }, Lang::En) => {
            format!(
                "the questionnaire's mean must reach {} (1–5)",
                words::fig(*mean)
            )
        }
    }
}

/// An answer to reach, with its unit: a coefficient in %, a level as 第N级, points bare.
pub fn answer(l: Lang, kind: AnswerKind, x: f64) -> String {
    match (kind, l) {
        (AnswerKind::Coefficient, _) => format!("{}%", words::fig(x)),
        (AnswerKind::Level, Lang::Zh) => format!("第{}级", words::fig(x)),
        (AnswerKind::Level, Lang::En) => format!("level {}", words::fig(x)),
        (AnswerKind::Points, _) => words::fig(x),
    }
}

/// An indicator as a plan names it: its serial (or id) and name.
pub fn indicator(c: &Change) -> String {
    let no = c.serial.clone().unwrap_or_else(|| c.indicator.clone());
    match c.path.last() {
        Some(n) => format!("{} {}", no, n),
        None => no,
    }
}

/// A plan in one sentence: what it reaches, with how many changes and points, and whether
/// it is proved minimal.
pub fn summary(l: Lang, p: &GapPlan) -> String {
    let Some(t) = &p.target else {
        return l
            .t(
                "已达到最高的等级或星级：没有更高的目标。",
                "The highest grade or star level is reached: there is nothing higher.",
            )
            .into();
    };
    if !p.reachable {
        return match l {
            Lang::Zh => format!("{}：任何答案都无法达到。", target(l, t)),
            Lang::En => format!("{}: no answers reach it.", target(l, t)),
        };
    }
    let proof = match (p.exact, l) {
        (true, Lang::Zh) => "已证明改动最少".to_string(),
        (true, Lang::En) => "proved minimal".to_string(),
        (false, Lang::Zh) => format!(
            "至少需改动 {} 项、增加 {} 分（本方案未证明最少）",
            p.lower_bound_changes,
            words::fig(p.lower_bound_added)
        ),
        (false, Lang::En) => format!(
            "at least {} changes and {} points are needed (this plan is not proved minimal)",
            p.lower_bound_changes,
            words::fig(p.lower_bound_added)
        ),
    };
    match l {
        Lang::Zh => format!(
            "达到{}：改动 {} 项指标，原始分增加 {}；{}。",
            target(l, t),
            p.changes.len(),
            words::fig(p.added),
            proof
        ),
        Lang::En => format!(
            "To reach {}: change {} indicators, adding {} raw points; {}.",
            target(l, t),
            p.changes.len(),
            words::fig(p.added),
            proof
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_conditions_in_words() {
        let g = Target::Grade {
            code: "AAAAA".into(),
            label: "AAAAA级".into(),
        };
        assert_eq!(target(Lang::Zh, &g), "AAAAA级");
        let d = Target::DimensionStars {
            dimension: "企业信用".into(),
            stars: 3,
        };
        assert!(target(Lang::Zh, &d).starts_with("企业信用单项"));
        assert_eq!(condition(Lang::En, &Condition::Total), "Total");
        let o = Condition::OnlineRatio {
            dimension: "云能力".into(),
        };
        assert_eq!(condition(Lang::Zh, &o), "云能力线上占比（%）");
        assert_eq!(action(Lang::Zh, Action::Verify), "经核实后计分");
        let t = Through::ExpertPanel {
            mean: 2.5,
            min_experts: 3,
        };
        assert_eq!(
            through(Lang::Zh, &t),
            "专家组（至少 3 名）评分平均须达到 2.50"
        );
    }
}
