//! 提升建议: the gap to the next grade, level or star (DESIGN I-23) as the reports print it —
//! the plan in one sentence, its conditions and each change with its guidance.

use serde::Serialize;
use tianping_core::distance::Condition;
use tianping_domain::Lang;
use tianping_insight::{Gap, GapPlan};

use super::fig;
use crate::insight_words as w;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeLine {
    pub indicator: String,
    pub from: String,
    pub to: String,
    pub action: String,
    pub total: String,
    pub guidance: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionLine {
    pub condition: String,
    pub current: String,
    pub required: String,
    pub after: String,
}

/// The report's section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestions {
    pub summary: String,
    pub conditions: Vec<ConditionLine>,
    pub changes: Vec<ChangeLine>,
    /// T11/AII: each dimension's next single star in one sentence.
    pub dimensions: Vec<String>,
}

fn lines(l: Lang, p: &GapPlan) -> (Vec<ConditionLine>, Vec<ChangeLine>) {
    let conditions = p
        .conditions
        .iter()
        .map(|c| ConditionLine {
            condition: w::condition(l, &c.condition),
            current: fig(c.current),
            required: format!("{}{}", if c.strict { "> " } else { "" }, fig(c.required)),
            after: fig(c.after),
        })
        .collect();
    let changes = p
        .changes
        .iter()
        .map(|c| ChangeLine {
            indicator: w::indicator(c),
            from: c
                .from
                .map_or_else(|| l.t("未答", "unanswered").to_string(), fig),
            to: w::answer(l, c.kind, c.to),
            action: match &c.through {
                Some(t) => format!("{}（{}）", w::action(l, c.action), w::through(l, t)),
                None => w::action(l, c.action).to_string(),
            },
            total: std::iter::once(format!("+{}", fig(c.total)))
                .chain(
                    c.effects
                        .iter()
                        .filter(|e| !matches!(e.condition, Condition::Total))
                        .map(|e| {
                            let sign = if e.delta >= 0.0 { "+" } else { "" };
                            format!("{} {}{}", w::condition(l, &e.condition), sign, fig(e.delta))
                        }),
                )
                .collect::<Vec<_>>()
                .join("；"),
            guidance: c
                .guidance
                .first()
                .map(|g| format!("{}：{}", g.title, g.text.join(" ")))
                .unwrap_or_default(),
        })
        .collect();
    (conditions, changes)
}

/// The section of a gap.
pub fn of(l: Lang, g: &Gap) -> Suggestions {
    let (conditions, changes) = lines(l, &g.plan);
    Suggestions {
        summary: w::summary(l, &g.plan),
        conditions,
        changes,
        dimensions: g.dimension_plans.iter().map(|p| w::summary(l, p)).collect(),
    }
}
