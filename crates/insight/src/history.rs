//! Over time (004 4.2 vertical, DESIGN I-23): one enterprise's results of one scheme and
//! variant, oldest first — the total and each dimension or category at each point, the grade
//! or stars, a note wherever the scheme or profile version changed — and the changes between
//! two results item by item with the reason.

use serde::Serialize;
use tianping_core::engine::Evaluation;
use tianping_core::Method;

/// One result of the series as the caller has it: a label (its date) and the evaluation.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub label: &'a str,
    pub evaluation: &'a Evaluation,
}

/// One point of the trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub label: String,
    pub total: f64,
    pub scale: f64,
    pub grade: Option<String>,
    pub stars: Option<u8>,
    /// Each T11/AII dimension's score (0–1000), or each top category's percent.
    pub parts: Vec<(String, f64)>,
    pub scheme_version: String,
    pub profile_hash: Option<String>,
}

/// Between two neighbouring points the scheme or the profile changed: figures on either
/// side are not measured by the same rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionNote {
    /// Index of the later point (the change lies between it and the one before).
    pub at: usize,
    pub scheme_changed: bool,
    pub profile_changed: bool,
    pub from_version: String,
    pub to_version: String,
}

/// The series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    pub points: Vec<Point>,
    pub notes: Vec<VersionNote>,
}

/// The parts a trend draws for a result: dimensions for T11/AII, else the top categories.
pub fn parts(e: &Evaluation) -> Vec<(String, f64)> {
    if e.method == Method::Dimensions && !e.dimensions.is_empty() {
        return e
            .dimensions
            .iter()
            .map(|d| (d.name.clone(), d.score))
            .collect();
    }
    let top = e.nodes.iter().map(|n| n.path.len()).min().unwrap_or(0);
    e.nodes
        .iter()
        .filter(|n| n.path.len() == top && n.max > 0.0)
        .map(|n| (n.path.join(" / "), n.percent))
        .collect()
}

/// The series of results, in the order given (the caller sorts them oldest first).
pub fn timeline(entries: &[Entry<'_>]) -> Timeline {
    let points: Vec<Point> = entries
        .iter()
        .map(|x| {
            let e = x.evaluation;
            Point {
                label: x.label.to_string(),
                total: e.total.score,
                scale: e.total.scale,
                grade: e.grade.as_ref().map(|g| g.label.clone()),
                stars: e.stars,
                parts: parts(e),
                scheme_version: e.scheme_version.clone(),
                profile_hash: e.profile.as_ref().map(|p| p.hash.clone()),
            }
        })
        .collect();
    let notes = points
        .windows(2)
        .enumerate()
        .filter_map(|(i, w)| {
            let scheme_changed = w[0].scheme_version != w[1].scheme_version;
            let profile_changed = w[0].profile_hash != w[1].profile_hash;
            (scheme_changed || profile_changed).then(|| VersionNote {
                at: i + 1,
                scheme_changed,
                profile_changed,
                from_version: w[0].scheme_version.clone(),
                to_version: w[1].scheme_version.clone(),
            })
        })
        .collect();
    Timeline { points, notes }
}

/// Why an item's contribution differs between two results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Answered in the later result only.
    Answered,
    /// Answered in the earlier result only.
    Unanswered,
    /// A different answer.
    AnswerChanged,
    /// The same answer, counted now (verified, I-6).
    NowCounted,
    /// The same answer, no longer counted.
    NoLongerCounted,
    /// The same answer earning differently: a weight, profile or scheme rule changed.
    RuleChanged,
    /// The indicator is in the later scheme version only.
    Added,
    /// The indicator is in the earlier scheme version only.
    Removed,
}

impl Reason {
    pub fn words(self, l: tianping_domain::Lang) -> &'static str {
        use Reason::*;
        match self {
            Answered => l.t("新作答", "newly answered"),
            Unanswered => l.t("答案已撤回", "answer withdrawn"),
            AnswerChanged => l.t("答案变化", "answer changed"),
            NowCounted => l.t("经核实后计分", "counted once verified"),
            NoLongerCounted => l.t("不再计分", "no longer counted"),
            RuleChanged => l.t(
                "答案未变，权重、配置或方案规则变化",
                "same answer; a weight, profile or scheme rule changed",
            ),
            Added => l.t(
                "新版本方案新增的指标",
                "indicator added in the later scheme version",
            ),
            Removed => l.t(
                "新版本方案已删除的指标",
                "indicator removed in the later scheme version",
            ),
        }
    }
}

/// One item that changed between two results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemChange {
    pub indicator: String,
    pub name: String,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub earned_from: f64,
    pub earned_to: f64,
    pub reason: Reason,
}

const EPS: f64 = 1e-9;

/// Every item whose answer or contribution differs between `old` and `new`, in the later
/// result's order (items removed last), with the reason.
pub fn changes(old: &Evaluation, new: &Evaluation) -> Vec<ItemChange> {
    use std::collections::HashMap;
    let before: HashMap<&str, &tianping_core::engine::IndicatorResult> =
        old.indicators.iter().map(|i| (i.id.as_str(), i)).collect();
    let after: std::collections::HashSet<&str> =
        new.indicators.iter().map(|i| i.id.as_str()).collect();
    let name = |i: &tianping_core::engine::IndicatorResult| {
        i.path.last().cloned().unwrap_or_else(|| i.id.clone())
    };
    let value = |i: &tianping_core::engine::IndicatorResult| i.answer.as_ref().map(|a| a.value);
    let mut out = Vec::new();
    for n in &new.indicators {
        let Some(o) = before.get(n.id.as_str()) else {
            if n.answer.is_some() || n.earned.abs() > EPS {
                out.push(ItemChange {
                    indicator: n.id.clone(),
                    name: name(n),
                    from: None,
                    to: value(n),
                    earned_from: 0.0,
                    earned_to: n.earned,
                    reason: Reason::Added,
                });
            }
            continue;
        };
        let (a, b) = (value(o), value(n));
        let reason = match (a, b) {
            (None, None) => None,
            (None, Some(_)) => Some(Reason::Answered),
            (Some(_), None) => Some(Reason::Unanswered),
            (Some(x), Some(y)) if (x - y).abs() > EPS => Some(Reason::AnswerChanged),
            (Some(_), Some(_)) if !o.counted && n.counted => Some(Reason::NowCounted),
            (Some(_), Some(_)) if o.counted && !n.counted => Some(Reason::NoLongerCounted),
            (Some(_), Some(_)) if (o.earned - n.earned).abs() > EPS => Some(Reason::RuleChanged),
            _ => None,
        };
        if let Some(reason) = reason {
            out.push(ItemChange {
                indicator: n.id.clone(),
                name: name(n),
                from: a,
                to: b,
                earned_from: o.earned,
                earned_to: n.earned,
                reason,
            });
        }
    }
    for o in &old.indicators {
        if !after.contains(o.id.as_str()) && (o.answer.is_some() || o.earned.abs() > EPS) {
            out.push(ItemChange {
                indicator: o.id.clone(),
                name: name(o),
                from: value(o),
                to: None,
                earned_from: o.earned,
                earned_to: 0.0,
                reason: Reason::Removed,
            });
        }
    }
    out
}
