//! Answers as users give them, parsed and checked against an indicator.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{fmt_num, AnswerKind, Indicator};

/// Where a 000 answer comes from (DESIGN I-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    #[serde(rename = "self")]
    SelfDeclared,
    Platform,
    ThirdParty,
    Onsite,
}

impl Source {
    pub fn parse(s: &str) -> Option<Source> {
        Some(match s {
            "self" => Source::SelfDeclared,
            "platform" => Source::Platform,
            "third_party" => Source::ThirdParty,
            "onsite" => Source::Onsite,
            _ => return None,
        })
    }
}

/// The value part of an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Given {
    Number(f64),
    Experts(Vec<f64>),
    Likert(Vec<f64>),
}

/// One checked answer: what was given, and the value it stands for on the indicator's
/// answer scale (points, level or coefficient %).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub given: Given,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Whether the answer counts (I-6: a self-declared answer counts once verified).
    pub verified: bool,
}

/// A bad answer: names the indicator and says what would be accepted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerError {
    pub indicator: String,
    /// For the command line and answer files: the problem and the accepted forms, JSON
    /// syntax included.
    pub message: String,
    /// The problem as data, for callers that say it in words to people.
    #[serde(skip)]
    pub problem: Problem,
}

/// What is wrong with an answer, as data (people read it through
/// `tianping_domain::words::answer_problem`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Problem {
    /// Not a number, or a number off the indicator's scale.
    Value { given: Option<f64> },
    /// A points value between the half-point steps.
    HalfStep { given: f64 },
    /// One expert's score (`position` from 1) off the scale or between the half-point steps.
    ExpertScore { position: usize, given: f64 },
    /// Fewer experts' scores than the item needs.
    TooFewExperts { need: usize, got: usize },
    /// One questionnaire response (`position` from 1) that is not a whole number from 1 to 5.
    Likert { position: usize, given: Option<f64> },
    /// No questionnaire response.
    NoLikert,
    /// An answer source that is none of the four.
    Source,
    /// The answer's form does not fit the item (experts' scores or questionnaire responses on
    /// an item that takes neither, unknown fields, a value of the wrong type).
    Shape,
    /// Not an indicator of the plan (unknown, of another variant, or left out by the profile).
    NotInPlan,
    /// Unanswered where every indicator needs an answer (`--strict`).
    Missing,
}

impl std::fmt::Display for AnswerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "指标 {}：{}", self.indicator, self.message)
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64().filter(|x| x.is_finite())
}

/// Parse one answer for `ind`, whose answers are of `kind` with maximum `max`.
pub fn parse_answer(
    ind: &Indicator,
    kind: AnswerKind,
    max: f64,
    v: &Value,
) -> Result<Answer, AnswerError> {
    let err = |problem: Problem, m: String| AnswerError {
        indicator: ind.id.clone(),
        message: m,
        problem,
    };
    let bad_value = |given: f64| {
        if kind == AnswerKind::Points && ind.half_points && (0.0..=max).contains(&given) {
            Problem::HalfStep { given }
        } else {
            Problem::Value { given: Some(given) }
        }
    };
    let accepted = match kind {
        AnswerKind::Points => format!(
            "0 至 {} 之间的分值{}，或 {{\"experts\": [..]}}、{{\"likert\": [1..5, ..]}}",
            fmt_num(max),
            if ind.half_points { "（0.5 分为步长）" } else { "" }
        ),
        AnswerKind::Level => "0 至 5 的整数等级（0 = 未达第一级）".to_string(),
        AnswerKind::Coefficient => "0 至 100 的评分系数（%），或 {\"value\": n, \"source\": \"self|platform|third_party|onsite\", \"verified\": true|false}".to_string(),
    };
    match v {
        Value::Number(_) => {
            let x = num(v).ok_or_else(|| {
                err(
                    Problem::Value { given: None },
                    format!("不是有效数字；可接受：{}", accepted),
                )
            })?;
            let value = check_scalar(ind, kind, max, x)
                .map_err(|m| err(bad_value(x), format!("{}；可接受：{}", m, accepted)))?;
            Ok(Answer {
                given: Given::Number(x),
                value,
                source: None,
                verified: true,
            })
        }
        Value::Object(m) => {
            if let Some(e) = m.get("experts") {
                if kind != AnswerKind::Points || m.len() != 1 {
                    return Err(err(
                        Problem::Shape,
                        format!(
                            "experts 只用于分值项，且不能带其他字段；可接受：{}",
                            accepted
                        ),
                    ));
                }
                let xs = num_list(e)
                    .ok_or_else(|| err(Problem::Shape, "experts 须为数字数组".into()))?;
                let need = if ind.expert_panel { 3 } else { 1 };
                if xs.len() < need {
                    return Err(err(
                        Problem::TooFewExperts {
                            need,
                            got: xs.len(),
                        },
                        format!(
                            "专家评审项至少需要 {} 位专家的评分，实为 {} 位",
                            need,
                            xs.len()
                        ),
                    ));
                }
                for (i, x) in xs.iter().enumerate() {
                    check_scalar(ind, kind, max, *x).map_err(|m| {
                        err(
                            Problem::ExpertScore {
                                position: i + 1,
                                given: *x,
                            },
                            format!("第 {} 位专家的评分{}", i + 1, m),
                        )
                    })?;
                }
                let mean = xs.iter().sum::<f64>() / xs.len() as f64;
                return Ok(Answer {
                    given: Given::Experts(xs),
                    value: mean,
                    source: None,
                    verified: true,
                });
            }
            if let Some(l) = m.get("likert") {
                if kind != AnswerKind::Points || m.len() != 1 {
                    return Err(err(
                        Problem::Shape,
                        format!(
                            "likert 只用于分值项，且不能带其他字段；可接受：{}",
                            accepted
                        ),
                    ));
                }
                let xs = num_list(l).ok_or_else(|| {
                    err(
                        Problem::Likert {
                            position: 1,
                            given: None,
                        },
                        "likert 须为 1 至 5 的整数数组".into(),
                    )
                })?;
                if xs.is_empty() {
                    return Err(err(Problem::NoLikert, "likert 至少需要一份问卷回答".into()));
                }
                for (i, x) in xs.iter().enumerate() {
                    if x.fract() != 0.0 || !(1.0..=5.0).contains(x) {
                        return Err(err(
                            Problem::Likert {
                                position: i + 1,
                                given: Some(*x),
                            },
                            format!(
                                "第 {} 份问卷回答 {} 无效；量表取 1 至 5 的整数",
                                i + 1,
                                fmt_num(*x)
                            ),
                        ));
                    }
                }
                let mean = xs.iter().sum::<f64>() / xs.len() as f64;
                return Ok(Answer {
                    given: Given::Likert(xs),
                    value: max * (mean - 1.0) / 4.0,
                    source: None,
                    verified: true,
                });
            }
            if let Some(val) = m.get("value") {
                for k in m.keys() {
                    if !matches!(k.as_str(), "value" | "source" | "verified") {
                        return Err(err(
                            Problem::Shape,
                            format!(
                                "未知字段 “{}”；答案对象可用字段：value、source、verified",
                                k
                            ),
                        ));
                    }
                }
                let x = num(val).ok_or_else(|| {
                    err(
                        Problem::Value { given: None },
                        format!("value 不是数字；可接受：{}", accepted),
                    )
                })?;
                let value = check_scalar(ind, kind, max, x)
                    .map_err(|m| err(bad_value(x), format!("{}；可接受：{}", m, accepted)))?;
                let source = match m.get("source") {
                    None => None,
                    Some(Value::String(s)) => Some(Source::parse(s).ok_or_else(|| {
                        err(
                            Problem::Source,
                            format!(
                                "source “{}” 无效；可用：self、platform、third_party、onsite",
                                s
                            ),
                        )
                    })?),
                    Some(_) => {
                        return Err(err(
                            Problem::Source,
                            "source 须为字符串：self、platform、third_party、onsite".into(),
                        ))
                    }
                };
                let verified = match m.get("verified") {
                    None => source != Some(Source::SelfDeclared),
                    Some(Value::Bool(b)) => *b,
                    Some(_) => {
                        return Err(err(Problem::Shape, "verified 须为 true 或 false".into()))
                    }
                };
                return Ok(Answer {
                    given: Given::Number(x),
                    value,
                    source,
                    verified,
                });
            }
            Err(err(
                Problem::Shape,
                format!("无法识别的答案对象；可接受：{}", accepted),
            ))
        }
        _ => Err(err(
            Problem::Shape,
            format!("答案类型不对；可接受：{}", accepted),
        )),
    }
}

fn num_list(v: &Value) -> Option<Vec<f64>> {
    v.as_array()?.iter().map(num).collect()
}

fn check_scalar(ind: &Indicator, kind: AnswerKind, max: f64, x: f64) -> Result<f64, String> {
    match kind {
        AnswerKind::Points => {
            if !(0.0..=max).contains(&x) {
                return Err(format!("分值 {} 超出范围 0–{}", fmt_num(x), fmt_num(max)));
            }
            if ind.half_points && (x * 2.0).fract() != 0.0 {
                return Err(format!("分值 {} 不是 0.5 的整数倍", fmt_num(x)));
            }
            Ok(x)
        }
        AnswerKind::Level => {
            if x.fract() != 0.0 || !(0.0..=5.0).contains(&x) {
                return Err(format!("等级 {} 无效", fmt_num(x)));
            }
            Ok(x)
        }
        AnswerKind::Coefficient => {
            if !(0.0..=100.0).contains(&x) {
                return Err(format!("评分系数 {}% 超出范围 0–100", fmt_num(x)));
            }
            Ok(x)
        }
    }
}
