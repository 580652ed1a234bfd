//! The gap planner's result: typed, serialisable, the same for the command line, the pages,
//! the API and the reports.

use serde::{Deserialize, Serialize};
use tianping_core::distance::{Condition, Target};
use tianping_core::{AnswerKind, Method};

/// The gap of one result: where it stands, the next better outcome (or the one asked for)
/// with the fewest changes that reach it, and for T11/AII each dimension's next single star.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    pub scheme: String,
    pub variant: Option<String>,
    pub method: Method,
    /// The result as it stands (self answers counting only once verified).
    pub current: Standing,
    /// The plan for the next better outcome, or for the target asked for: `target`,
    /// `changes`, `result` … at the top level of the JSON.
    #[serde(flatten)]
    pub plan: GapPlan,
    /// T11/AII without a target asked for: each dimension's next single star (表1), one plan
    /// per dimension below 5★, in the plan's dimension order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dimension_plans: Vec<GapPlan>,
}

/// A grade or level by its code and label as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeRef {
    pub code: String,
    pub label: String,
}

/// One dimension of a T11/AII result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionStanding {
    pub name: String,
    /// S_i, 0..1000.
    pub score: f64,
    /// Online points / online maximum in %; None when the dimension has no 线上 indicator.
    pub online_ratio: Option<f64>,
    /// Single star per 表1 (0 = none).
    pub stars: u8,
}

/// What a set of answers yields: the total, the grade or level, the stars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    /// On the standard's scale (T11/AII: the composite), rounded to 6 decimals.
    pub total: f64,
    pub grade: Option<GradeRef>,
    /// T11/AII: the comprehensive stars the result supports (表3), before the application
    /// rules of I-6.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stars: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dimensions: Vec<DimensionStanding>,
}

/// The fewest indicator changes that reach one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapPlan {
    /// The outcome to reach; None when there is no better one (or the target asked for is
    /// not above the current outcome): then there are no changes.
    pub target: Option<Target>,
    /// Set when the plan reaches the target through the conditions of a better outcome
    /// (T/SDDITAI 5121: a higher level's band and count; T11/AII: 4★'s dimension scores for a
    /// star level up to 3★), which then is what the result gets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Target>,
    /// Whether any set of answers reaches the target (always, for the shipped schemes).
    pub reachable: bool,
    /// One per indicator changed, ordered by table and printed order.
    pub changes: Vec<Change>,
    /// Raw points the changes add (Σ `added` of the changes): points for points schemes,
    /// weighted % for T/SDDITAI 5121 and the SME indicators, dimension points for T11/AII.
    pub added: f64,
    /// True when the plan is proved minimal: no plan with fewer changes reaches the target,
    /// and none with as many adds fewer raw points (on the plan's answer grid, see
    /// `tianping_insight::gap`).
    pub exact: bool,
    /// No plan reaching the target changes fewer indicators (always proved).
    pub lower_bound_changes: usize,
    /// No plan with `lower_bound_changes` changes adds fewer raw points; equals `added` when
    /// `exact`.
    pub lower_bound_added: f64,
    /// Every condition of the target, with the figure now, the figure required and the
    /// figure after the changes.
    pub conditions: Vec<ConditionPlan>,
    /// The result once the changes are made; None without a target.
    pub result: Option<Standing>,
}

/// One condition of a target, before and after the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionPlan {
    pub condition: Condition,
    /// A score, a percentage or (below-level) a number of indicators.
    pub current: f64,
    /// The threshold to reach, or (below-level) the most indicators allowed.
    pub required: f64,
    /// The threshold must be exceeded, not only reached.
    pub strict: bool,
    pub after: f64,
}

/// What to do with one indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Unanswered now: answer it with `to`.
    Answer,
    /// Answered and counted: raise it to `to`.
    Raise,
    /// A self answer not yet counted (I-6): have it verified as it stands.
    Verify,
    /// A self answer not yet counted: raise it to `to` and have that verified.
    RaiseAndVerify,
}

/// Who has to give the answer when it is not a single figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Through {
    /// An expert-panel item (I-13): the mean of at least `min_experts` experts' scores must
    /// reach `mean`.
    ExpertPanel { mean: f64, min_experts: usize },
    /// A questionnaire item (I-13): the mean Likert response must reach `mean` (1..5).
    Questionnaire { mean: f64 },
}

/// The effect of a change on one condition of the target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    pub condition: Condition,
    /// Points, percentage points, or (below-level) −1 indicator below the level.
    pub delta: f64,
}

/// What the standard says about the answer to reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuidanceKind {
    /// T/SDDITAI 5121: the descriptor of the target level (第N级).
    Level,
    /// T11/AII 表4: the band the target coefficient falls in, with its points.
    Band,
    /// 评价要求 (T/CIC).
    Requirement,
    /// 评价内容 / 指标说明 / 得分基准.
    Content,
    /// 评价方法.
    Method,
    /// 评审依据及其来源 (SME).
    Evidence,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Guidance {
    pub kind: GuidanceKind,
    /// E.g. `第3级`, `60%～80%`, `评价要求`.
    pub title: String,
    pub text: Vec<String>,
}

/// One indicator to change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub indicator: String,
    pub table: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Names from the top node down to the indicator.
    pub path: Vec<String>,
    /// What the answer is on: points, level or coefficient (%).
    pub kind: AnswerKind,
    /// The answer now (a panel's or questionnaire's value on the points scale); null when
    /// unanswered.
    pub from: Option<f64>,
    /// Whether the answer now counts (false for a self answer not yet verified, I-6).
    pub from_counted: bool,
    /// The answer to reach (at least).
    pub to: f64,
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub through: Option<Through>,
    /// Raw points the change adds.
    pub added: f64,
    /// Its effect on the total (T11/AII: on the composite).
    pub total: f64,
    /// Its effect on each condition of the target it serves.
    pub effects: Vec<Effect>,
    pub guidance: Vec<Guidance>,
}

/// Refusals of [`crate::gap::gap`]: the answers do not fit the plan, or the target names
/// nothing of the scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapError(pub String);

impl std::fmt::Display for GapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
