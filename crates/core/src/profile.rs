//! Profiles: an evaluating party's selection and weighting of a scheme's indicators
//! (000 5.2.2, 002 I-15). A profile is data; its hash goes into every result it produced.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::load::hex;

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
    /// SHA-256 of the profile file's bytes.
    pub hash: String,
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
        let mut h = Sha256::new();
        h.update(text.as_bytes());
        Ok(Profile {
            name: raw.name,
            scheme: raw.scheme,
            variant: raw.variant,
            exclude: raw.exclude,
            group_weights: raw.group_weights,
            indicator_weights: raw.indicator_weights,
            hash: hex(&h.finalize()),
        })
    }
}
