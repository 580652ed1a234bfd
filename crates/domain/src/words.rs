//! Figures and words for people: how pages (and later reports) show numbers, levels, stars,
//! the distance to what a result did not reach, and what to enter when an answer is refused
//! (the standard's interpretations: [`crate::interpretation`]). Pure; the API and the stored
//! results keep full precision and the schemes' own codes.
//!
//! Figures: at most two decimals, rounded half away from zero; a figure that rounds to a whole
//! number is shown without decimals, any other with exactly two (871.01, 82, 848.75, 871.30).

use tianping_core::distance::{Condition, Distance, Target};
use tianping_core::{fmt_num, AnswerKind, Problem};

use crate::msg::{Lang, Msg};

/// A figure for people (see the module's rule); `—` for a value that is not a number.
pub fn fig(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    // The nudge decides halves the way people do (2.675 → 2.68) although 2.675 × 100 is
    // 267.49999… in binary; stored figures have at most six decimals, far above the nudge.
    let cents = (x * 100.0 + x.signum() * 1e-7).round();
    if cents == 0.0 {
        return "0".into();
    }
    if cents % 100.0 == 0.0 {
        format!("{:.0}", cents / 100.0)
    } else {
        format!("{:.2}", cents / 100.0)
    }
}

/// A percentage for people: [`fig`] and `%`.
pub fn pct(x: f64) -> String {
    format!("{}%", fig(x))
}

/// A gap for people: [`fig`], except that a gap above zero never shows as 0 (at least 0.01).
pub fn gap(x: f64) -> String {
    if x > 0.0 && x < 0.005 {
        "0.01".into()
    } else {
        fig(x)
    }
}

/// 1–5 as Chinese numerals (一 … 五), other numbers as digits.
pub fn numeral(n: u32) -> String {
    match n {
        1 => "一".into(),
        2 => "二".into(),
        3 => "三".into(),
        4 => "四".into(),
        5 => "五".into(),
        n => n.to_string(),
    }
}

/// Stars as marks: ★★★ (nothing for 0).
pub fn star_marks(n: u8) -> String {
    "★".repeat(usize::from(n.min(5)))
}

/// A star level in words: 三星级 / 3 stars; 无星级 / no stars.
pub fn stars(l: Lang, n: u8) -> String {
    match (n, l) {
        (0, _) => l.t("无星级", "no stars").into(),
        (1, Lang::En) => "1 star".into(),
        (n, Lang::En) => format!("{n} stars"),
        (n, Lang::Zh) => format!("{}星级", numeral(n.into())),
    }
}

/// A T/SDDITAI 5121 answer level: 未达第一级 for 0, 第三级 for 3.
pub fn level(l: Lang, n: u32) -> String {
    match (n, l) {
        (0, _) => l.t("未达第一级", "below level 1").into(),
        (n, Lang::Zh) => format!("第{}级", numeral(n)),
        (n, Lang::En) => format!("level {n}"),
    }
}

/// What a distance aims at: a grade as the scheme prints it, a star level, a dimension's
/// single star level.
pub fn target(l: Lang, t: &Target) -> String {
    match t {
        Target::Grade { label, .. } => label.clone(),
        Target::Stars { stars: n } => stars(l, *n),
        Target::DimensionStars {
            dimension,
            stars: n,
        } => match l {
            Lang::Zh => format!("{dimension}单项{}", stars(l, *n)),
            Lang::En => format!("{dimension}: single {}", stars(l, *n)),
        },
    }
}

/// How far, in a few words: 差 28.99 分, 差 3.20 个百分点, 多 1 项.
pub fn short(l: Lang, d: &Distance) -> String {
    let g = gap(d.gap);
    match (&d.condition, l) {
        (Condition::BelowLevel, Lang::Zh) => format!("多 {} 项", fig(d.gap)),
        (Condition::BelowLevel, Lang::En) => format!("{} too many", fig(d.gap)),
        (Condition::OnlineRatio { .. }, Lang::Zh) => format!("差 {g} 个百分点"),
        (Condition::OnlineRatio { .. }, Lang::En) => format!("{g} percentage points short"),
        (_, Lang::Zh) if d.gap == 0.0 && d.strict => "需再高一点".into(),
        (_, Lang::En) if d.gap == 0.0 && d.strict => "just above is needed".into(),
        (_, Lang::Zh) => format!("差 {g} 分"),
        (_, Lang::En) => format!("{g} points short"),
    }
}

/// One condition not met, in a sentence: what it asks, where the result stands, how far.
pub fn condition(l: Lang, d: &Distance, stars: bool) -> String {
    let (req, cur) = (fig(d.required), fig(d.current));
    let how = short(l, d);
    let reach = |zh_what: &str, en_what: &str, unit: &str| match l {
        Lang::Zh => format!(
            "{zh_what}需{}{req}{unit}，现为 {cur}{unit}，{how}",
            if d.strict { "高于 " } else { "达到 " }
        ),
        Lang::En => format!(
            "{en_what} must {} {req}{unit}; now {cur}{unit}, {how}",
            if d.strict { "exceed" } else { "reach" }
        ),
    };
    match &d.condition {
        Condition::Total if stars => reach("综合得分", "the composite score", ""),
        Condition::Total => reach("总分", "the total", ""),
        Condition::DimensionScore { dimension } => reach(
            &format!("{dimension}得分"),
            &format!("{dimension}'s score"),
            "",
        ),
        Condition::OnlineRatio { dimension } => reach(
            &format!("{dimension}线上得分率"),
            &format!("{dimension}'s online ratio"),
            "%",
        ),
        Condition::BelowLevel => match (l, d.required == 0.0) {
            (Lang::Zh, true) => {
                format!("低于本级的指标 {cur} 项；本级要求全部指标达到本级（{how}）")
            }
            (Lang::Zh, false) => {
                format!("低于本级的指标 {cur} 项，最多允许 {req} 项（{how}）")
            }
            (Lang::En, true) => format!(
                "{cur} indicators below this level; this level needs every indicator at it ({how})"
            ),
            (Lang::En, false) => {
                format!("{cur} indicators below this level, at most {req} allowed ({how})")
            }
        },
    }
}

/// One condition not met, in a few words: 综合得分差 28.99 分, 云能力线上得分率差 3.20 个百分点,
/// 低于本级的指标 5 项，最多允许 4 项.
pub fn brief(l: Lang, d: &Distance, stars: bool) -> String {
    let how = short(l, d);
    let subject = |zh: String, en: String| match l {
        Lang::Zh => format!("{zh}{how}"),
        Lang::En => format!("{en}: {how}"),
    };
    match &d.condition {
        Condition::Total if stars => subject("综合得分".into(), "composite score".into()),
        Condition::Total => subject("总分".into(), "total".into()),
        Condition::DimensionScore { dimension } => {
            subject(format!("{dimension}得分"), format!("{dimension}'s score"))
        }
        Condition::OnlineRatio { dimension } => subject(
            format!("{dimension}线上得分率"),
            format!("{dimension}'s online ratio"),
        ),
        Condition::BelowLevel => condition(l, d, stars),
    }
}

/// The nearest target and, in a few words, what it still needs (at most `n` conditions
/// named): 距五星级，综合得分差 28.99 分；企业信用得分差 26.39 分 等 6 项.
pub fn next(l: Lang, list: &[Distance], stars: bool, n: usize) -> Option<String> {
    let (t, conds) = by_target(list)
        .into_iter()
        .find(|(t, _)| !matches!(t, Target::DimensionStars { .. }))?;
    let named: Vec<String> = conds.iter().take(n).map(|d| brief(l, d, stars)).collect();
    let more = conds.len().saturating_sub(n);
    Some(match l {
        Lang::Zh => format!(
            "距{}，{}{}",
            target(l, t),
            named.join("；"),
            if more > 0 {
                format!(" 等 {} 项", conds.len())
            } else {
                String::new()
            }
        ),
        Lang::En => format!(
            "To {}: {}{}",
            target(l, t),
            named.join("; "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    })
}

/// The distances grouped by target, in their order: each target with its conditions.
pub fn by_target(list: &[Distance]) -> Vec<(&Target, Vec<&Distance>)> {
    let mut out: Vec<(&Target, Vec<&Distance>)> = Vec::new();
    for d in list {
        match out.iter_mut().find(|(t, _)| **t == d.target) {
            Some((_, v)) => v.push(d),
            None => out.push((&d.target, vec![d])),
        }
    }
    out
}

/// What a person enters for an item, in words (no JSON): for points items `max` is the
/// item's full marks and `half` whether half points are allowed.
pub fn expected(kind: AnswerKind, max: f64, half: bool) -> Msg {
    match kind {
        AnswerKind::Points => {
            let m = fmt_num(max);
            if half {
                Msg::new(
                    format!("0 至 {m} 之间的分值（以 0.5 分为步长）"),
                    format!("a score from 0 to {m} (in steps of 0.5)"),
                )
            } else {
                Msg::new(
                    format!("0 至 {m} 之间的分值"),
                    format!("a score from 0 to {m}"),
                )
            }
        }
        AnswerKind::Level => Msg::new(
            "0 至 5 的整数等级（0 表示未达第一级）",
            "a whole level from 0 to 5 (0: below level 1)",
        ),
        AnswerKind::Coefficient => Msg::new(
            "0 至 100 之间的评分系数（%）",
            "a coefficient from 0 to 100 (%)",
        ),
    }
}

/// An answer's problem in words that say what to enter (`expected` from [`expected`]).
pub fn answer_problem(p: Problem, expected: &Msg) -> Msg {
    let (zh, en) = (&expected.zh, &expected.en);
    match p {
        Problem::Value { given: Some(x) } => Msg::new(
            format!("{} 超出范围：请填写 {zh}", fmt_num(x)),
            format!("{} is out of range: enter {en}", fmt_num(x)),
        ),
        Problem::Value { given: None } | Problem::Shape => {
            Msg::new(format!("请填写 {zh}"), format!("Enter {en}"))
        }
        Problem::HalfStep { given } => Msg::new(
            format!("{} 不是 0.5 分的整数倍：请填写 {zh}", fmt_num(given)),
            format!("{} is not a multiple of 0.5: enter {en}", fmt_num(given)),
        ),
        Problem::ExpertScore { position, given } => Msg::new(
            format!(
                "第 {position} 位专家的评分 {} 无效：每位专家的评分应为 {zh}",
                fmt_num(given)
            ),
            format!(
                "The score of expert {position}, {}, is invalid: each expert's score is {en}",
                fmt_num(given)
            ),
        ),
        Problem::TooFewExperts { need, got } => Msg::new(
            format!("专家评审项需要至少 {need} 位专家的评分，现有 {got} 位"),
            format!("This item needs the scores of at least {need} experts; {got} given"),
        ),
        Problem::Likert {
            position,
            given: Some(x),
        } => Msg::new(
            format!(
                "第 {position} 份问卷回答 {} 无效：每份回答应为 1 至 5 的整数",
                fmt_num(x)
            ),
            format!(
                "Questionnaire response {position}, {}, is invalid: each response is a whole number from 1 to 5",
                fmt_num(x)
            ),
        ),
        Problem::Likert { given: None, .. } => Msg::new(
            "问卷回答应为 1 至 5 的整数",
            "Questionnaire responses are whole numbers from 1 to 5",
        ),
        Problem::NoLikert => Msg::new(
            "请至少填写一份问卷回答（1 至 5 的整数）",
            "Enter at least one questionnaire response (a whole number from 1 to 5)",
        ),
        Problem::Source => Msg::new(
            "答案来源无效：请从列出的来源中选择",
            "The answer source is invalid: choose one of the sources listed",
        ),
        Problem::NotInPlan => Msg::new(
            "本评价没有这个指标",
            "This assessment has no such indicator",
        ),
        Problem::Missing => Msg::new(format!("请作答：{zh}"), format!("Answer: {en}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_have_at_most_two_decimals_and_whole_numbers_none() {
        for (x, want) in [
            (873.606557, "873.61"),
            (87.176471, "87.18"),
            (848.75, "848.75"),
            (82.0, "82"),
            (871.3, "871.30"),
            (1000.0, "1000"),
            (0.0, "0"),
            (-0.0, "0"),
            (0.004, "0"),
            (-0.004, "0"),
            (2.675, "2.68"),
            (-2.675, "-2.68"),
            (99.995, "100"),
            (5e-324, "0"),
            (f64::NAN, "—"),
            (f64::INFINITY, "—"),
        ] {
            assert_eq!(fig(x), want, "{x:?}");
        }
        assert_eq!(pct(87.176471), "87.18%");
        assert_eq!(gap(28.990745), "28.99");
        assert_eq!(gap(0.0001), "0.01", "a gap is never shown as none");
        assert_eq!(gap(0.0), "0");
    }

    #[test]
    fn stars_and_levels_in_words() {
        assert_eq!(stars(Lang::Zh, 3), "三星级");
        assert_eq!(stars(Lang::Zh, 0), "无星级");
        assert_eq!(stars(Lang::En, 1), "1 star");
        assert_eq!(stars(Lang::En, 4), "4 stars");
        assert_eq!(star_marks(3), "★★★");
        assert_eq!(level(Lang::Zh, 0), "未达第一级");
        assert_eq!(level(Lang::Zh, 1), "第一级");
        assert_eq!(level(Lang::En, 5), "level 5");
    }

    fn d(condition: Condition, current: f64, required: f64, strict: bool) -> Distance {
        let gap = match condition {
            Condition::BelowLevel => current - required,
            _ => tianping_core::engine::settle(required - current),
        };
        Distance {
            target: Target::Stars { stars: 5 },
            condition,
            current,
            required,
            strict,
            gap,
        }
    }

    #[test]
    fn distances_in_words() {
        let total = d(Condition::Total, 871.009255, 900.0, false);
        assert_eq!(
            condition(Lang::Zh, &total, true),
            "综合得分需达到 900，现为 871.01，差 28.99 分"
        );
        assert_eq!(
            condition(Lang::En, &total, false),
            "the total must reach 900; now 871.01, 28.99 points short"
        );
        let ratio = d(
            Condition::OnlineRatio {
                dimension: "云能力".into(),
            },
            61.8,
            65.0,
            false,
        );
        assert_eq!(
            condition(Lang::Zh, &ratio, true),
            "云能力线上得分率需达到 65%，现为 61.80%，差 3.20 个百分点"
        );
        let open = d(Condition::Total, 92.892, 95.0, true);
        assert_eq!(
            condition(Lang::Zh, &open, false),
            "总分需高于 95，现为 92.89，差 2.11 分"
        );
        let below = d(Condition::BelowLevel, 5.0, 4.0, false);
        assert_eq!(
            condition(Lang::Zh, &below, false),
            "低于本级的指标 5 项，最多允许 4 项（多 1 项）"
        );
        let all = d(Condition::BelowLevel, 26.0, 0.0, false);
        assert!(condition(Lang::Zh, &all, false).contains("全部指标达到本级"));
        assert_eq!(
            target(
                Lang::Zh,
                &Target::DimensionStars {
                    dimension: "企业信用".into(),
                    stars: 5
                }
            ),
            "企业信用单项五星级"
        );
    }

    #[test]
    fn answer_problems_say_what_to_enter_in_words() {
        let points = expected(AnswerKind::Points, 2.5, true);
        let m = answer_problem(Problem::HalfStep { given: 1.3 }, &points);
        assert_eq!(
            m.zh,
            "1.3 不是 0.5 分的整数倍：请填写 0 至 2.5 之间的分值（以 0.5 分为步长）"
        );
        assert_eq!(
            m.en,
            "1.3 is not a multiple of 0.5: enter a score from 0 to 2.5 (in steps of 0.5)"
        );
        let m = answer_problem(Problem::TooFewExperts { need: 3, got: 1 }, &points);
        assert_eq!(m.zh, "专家评审项需要至少 3 位专家的评分，现有 1 位");
        let coefficient = expected(AnswerKind::Coefficient, 100.0, false);
        let m = answer_problem(Problem::Value { given: Some(120.0) }, &coefficient);
        assert_eq!(m.zh, "120 超出范围：请填写 0 至 100 之间的评分系数（%）");
        for p in [
            Problem::Value { given: None },
            Problem::Shape,
            Problem::Source,
            Problem::NoLikert,
            Problem::Likert {
                position: 2,
                given: Some(7.0),
            },
            Problem::ExpertScore {
                position: 1,
                given: 9.0,
            },
        ] {
            let m = answer_problem(p, &points);
            for text in [&m.zh, &m.en] {
                assert!(
                    !text.contains('{') && !text.contains('"') && !text.contains("experts"),
                    "{text}"
                );
            }
        }
    }
}
