//! Profiles: an evaluating party's selection and weighting of a scheme's indicators
//! (000 5.2.2, 002 I-15). A profile is data; its hash goes into every result it produced.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::load::hex;
use crate::model::Indicator;

#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub name: String,
    pub scheme: String,
    pub variant: Option<String>,
    /// Indicators left out of the evaluation.
    pub exclude: Vec<String>,
    /// Group (000 dimension / 002 一级) weights in %, keyed by name.
    pub group_weights: BTreeMap<String, f64>,
    /// Indicator weights within a group, keyed by group name then indicator id: 000 in points
    /// (summing to the dimension's 1000), 002 in % (summing to 100).
    pub indicator_weights: BTreeMap<String, BTreeMap<String, f64>>,
    /// Special indicators added by the evaluating party (003 I-10: GB/T 33718 / GB/T 31863
    /// items, not in the seeds). Points items, scored in percent of their own maximum.
    pub special: Vec<Indicator>,
    /// Weights of the basic and the special score in the composite (default 0.5 / 0.5).
    pub basic_weight: f64,
    pub special_weight: f64,
    /// SHA-256 of the profile file's bytes.
    pub hash: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpecial {
    id: String,
    name: String,
    points: f64,
    clause: Option<String>,
    content: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComposite {
    basic: f64,
    special: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    scheme: String,
    variant: Option<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    group_weights: BTreeMap<String, f64>,
    #[serde(default)]
    indicator_weights: BTreeMap<String, BTreeMap<String, f64>>,
    #[serde(default)]
    special: Vec<RawSpecial>,
    composite_weights: Option<RawComposite>,
}

impl Profile {
    /// Parse a profile file. Checks against a scheme happen when a plan is built.
    pub fn parse(file: &str, text: &str) -> Result<Profile, String> {
        let raw: RawProfile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| {
                    format!(
                        ":{}",
                        text[..s.start.min(text.len())].matches('\n').count() + 1
                    )
                })
                .unwrap_or_default();
            format!("{}{}: 评价方案配置格式错误：{}", file, line, e.message())
        })?;
        let err = |m: String| format!("{}: 评价方案配置：{}", file, m);
        let mut special = Vec::new();
        for (i, sp) in raw.special.iter().enumerate() {
            if !(sp.points > 0.0 && sp.points.is_finite()) {
                return Err(err(format!(
                    "专项指标 {}（第 {} 项）的 points 应大于 0",
                    sp.id,
                    i + 1
                )));
            }
            if sp.id.is_empty()
                || !sp
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            {
                return Err(err(format!(
                    "专项指标 id “{}” 只能用 ASCII 字母、数字、. - _",
                    sp.id
                )));
            }
            special.push(Indicator {
                id: sp.id.clone(),
                table: "专项".into(),
                serial: None,
                path: vec!["专项指标".into(), sp.name.clone()],
                content: sp.content.clone(),
                category: None,
                points: Some(sp.points),
                half_points: false,
                weights: Vec::new(),
                levels: Vec::new(),
                requirement: None,
                method: None,
                expert_panel: false,
                likert: false,
                evidence: None,
                points_fed: false,
                clause: sp.clause.clone(),
                note: None,
                seed_line: None,
                interpretations: Vec::new(),
                file: file.to_string(),
                line: 0,
            });
        }
        let (basic_weight, special_weight) = match &raw.composite_weights {
            Some(c) => {
                if c.basic < 0.0 || c.special < 0.0 || (c.basic + c.special - 1.0).abs() > 1e-9 {
                    return Err(err(format!(
                        "composite_weights 的 basic 与 special 应为非负数且合计 1，实为 {} + {}",
                        c.basic, c.special
                    )));
                }
                if special.is_empty() {
                    return Err(err(
                        "设置了 composite_weights，但没有 [[special]] 专项指标".into()
                    ));
                }
                (c.basic, c.special)
            }
            None => (0.5, 0.5),
        };
        let mut h = Sha256::new();
        h.update(text.as_bytes());
        Ok(Profile {
            name: raw.name,
            scheme: raw.scheme,
            variant: raw.variant,
            exclude: raw.exclude,
            group_weights: raw.group_weights,
            indicator_weights: raw.indicator_weights,
            special,
            basic_weight,
            special_weight,
            hash: hex(&h.finalize()),
        })
    }
}
