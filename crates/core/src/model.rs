//! The scheme model: a standard's indicators, tables, variants, grades and interpretations,
//! as loaded and validated from the scheme files (see `docs/scheme-format.md`).

use serde::{Deserialize, Serialize};

/// How a scheme turns answers into scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Points per item, scaled to the printed total (004, 003).
    Points,
    /// Levels 0–5 per leaf, weighted three-level tree (001).
    WeightedLevels,
    /// Coefficients per indicator, 1000-point dimensions and stars (000).
    Dimensions,
    /// Coefficients per indicator, equal weights within each group (002).
    WeightedCoefficients,
}

impl Method {
    pub fn parse(s: &str) -> Option<Method> {
        Some(match s {
            "points" => Method::Points,
            "weighted-levels" => Method::WeightedLevels,
            "dimensions" => Method::Dimensions,
            "weighted-coefficients" => Method::WeightedCoefficients,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Points => "points",
            Method::WeightedLevels => "weighted-levels",
            Method::Dimensions => "dimensions",
            Method::WeightedCoefficients => "weighted-coefficients",
        }
    }

    /// The kind of answer every indicator of this method takes.
    pub fn answer_kind(self) -> AnswerKind {
        match self {
            Method::Points => AnswerKind::Points,
            Method::WeightedLevels => AnswerKind::Level,
            Method::Dimensions | Method::WeightedCoefficients => AnswerKind::Coefficient,
        }
    }
}

/// What an answer to an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerKind {
    /// 0..max points.
    Points,
    /// Level 0..5.
    Level,
    /// Coefficient 0..100 %.
    Coefficient,
}

impl AnswerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerKind::Points => "points",
            AnswerKind::Level => "level",
            AnswerKind::Coefficient => "coefficient",
        }
    }
}

/// 000 indicator category (评价指标类别).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Category {
    #[serde(rename = "线上")]
    Online,
    #[serde(rename = "线下")]
    Offline,
    #[serde(rename = "结合")]
    Combined,
}

impl Category {
    pub fn parse(s: &str) -> Option<Category> {
        Some(match s {
            "线上" => Category::Online,
            "线下" => Category::Offline,
            "结合" => Category::Combined,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Online => "线上",
            Category::Offline => "线下",
            Category::Combined => "结合",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interpretation {
    pub id: String,
    pub decision: String,
    pub clause: String,
    pub text: String,
    pub action: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<String>,
    /// File the entry was written in.
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// Canonical id: what results and stored assessments carry.
    pub id: String,
    pub name: String,
    /// Other accepted spellings (appendix letter, type name as printed), besides `id` and
    /// `name`; unique within the scheme (checked on load).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub tables: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gbt4754_sections: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Grade {
    pub code: String,
    pub label: String,
    pub min: f64,
    pub min_inclusive: bool,
    pub max: f64,
    pub max_inclusive: bool,
    /// weighted-levels: most leaves allowed below this level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_below: Option<u32>,
    pub clause: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Grade {
    pub fn contains(&self, score: f64) -> bool {
        let lo = if self.min_inclusive {
            score >= self.min
        } else {
            score > self.min
        };
        let hi = if self.max_inclusive {
            score <= self.max
        } else {
            score < self.max
        };
        lo && hi
    }

    /// The band as printed in interval notation, e.g. `[85, 100]`.
    pub fn band(&self) -> String {
        format!(
            "{}{}, {}{}",
            if self.min_inclusive { '[' } else { '(' },
            fmt_num(self.min),
            fmt_num(self.max),
            if self.max_inclusive { ']' } else { ')' }
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub key: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    pub clause: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// First and last line of the table in the seed file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seed_lines: Vec<u32>,
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub id: String,
    /// Key of the table it belongs to.
    pub table: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Names from the top node down to this indicator.
    pub path: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
    pub half_points: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    pub expert_panel: bool,
    pub likert: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    pub points_fed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed_line: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interpretations: Vec<String>,
    /// File and line the row was read from.
    pub file: String,
    pub line: usize,
}

impl Indicator {
    /// Where the row comes from, as a person would cite it.
    pub fn source(&self) -> String {
        match (&self.serial, &self.clause) {
            (Some(s), _) => format!("{} 序号{}", self.table, s),
            (None, Some(c)) => format!("{} {}", self.table, c),
            (None, None) => format!("{} （无序号）", self.table),
        }
    }
}

/// 000 star thresholds (表1, 表3) and dimension set (表2).
#[derive(Debug, Clone, Serialize)]
pub struct StarRules {
    /// Dimension names in the order of the appendices' tables.
    pub dimensions: Vec<String>,
    /// Points of one dimension (1000).
    pub dimension_points: f64,
    /// Default dimension weights in % keyed like `dimensions`.
    pub default_weights: Vec<f64>,
    /// 表1: minimum dimension score for 1★..5★.
    pub single: Vec<f64>,
    /// 表3: minimum online ratio (%) for comprehensive 1★..3★.
    pub online_ratio: Vec<f64>,
    /// 表3: minimum composite and per-dimension score for 4★ and 5★.
    pub composite: Vec<f64>,
    /// Special-capability stages in printed order.
    pub stages: Vec<String>,
}

/// A guidance band an assessor sees (000 表4).
#[derive(Debug, Clone, Serialize)]
pub struct GuidanceBand {
    pub min: f64,
    pub max: f64,
    pub label: String,
    pub points: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scheme {
    pub id: String,
    pub name: String,
    pub standard: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    pub method: Method,
    /// Printed total of a points scheme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_total: Option<f64>,
    pub variants: Vec<Variant>,
    pub grades: Vec<Grade>,
    pub interpretations: Vec<Interpretation>,
    pub tables: Vec<Table>,
    pub indicators: Vec<Indicator>,
    /// weighted-levels: leaf score (%) by level 0..5.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub leaf_level_scores: Vec<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stars: Option<StarRules>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub guidance: Vec<GuidanceBand>,
    /// Free scheme-specific data (report fields, procedure text …) as JSON.
    pub extra: serde_json::Value,
    /// SHA-256 over the scheme's file names and bytes.
    pub version: String,
    /// The indicators by id, built on the first look-up ([`Scheme::indicator`]).
    #[serde(skip)]
    pub by_id: IndicatorIndex,
}

/// Where each indicator id sits in [`Scheme::indicators`]: a look-up by id at 5,900 items was
/// a scan of them all, and a page that looked up every item spent most of its time there.
/// Built once, on the first look-up; construct it with `IndicatorIndex::default()`.
#[derive(Debug, Clone, Default)]
pub struct IndicatorIndex(std::sync::OnceLock<(usize, std::collections::HashMap<String, usize>)>);

impl Variant {
    /// Every form that names this variant: id, appendix letter and other aliases, name.
    pub fn accepted_forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(std::iter::once(self.name.as_str()))
    }

    /// Whether `key` names this variant (see [`variant_key`]).
    pub fn is_named(&self, key: &str) -> bool {
        let k = variant_key(key);
        !k.is_empty() && self.accepted_forms().any(|f| variant_key(f) == k)
    }
}

/// How a variant id, alias or name is compared: surrounding white space ignored, ASCII letters
/// in either case (`a` = `A`, `ODM-OEM` = `odm-oem`); everything else as written.
pub fn variant_key(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

impl Scheme {
    /// The variant with exactly this canonical id. To accept what a person types (an id, an
    /// appendix letter or a name) use [`Scheme::find_variant`].
    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.id == id)
    }

    /// The variant named by `key`: its canonical id, an alias (appendix letter, printed type
    /// name) or its name, compared per [`variant_key`].
    pub fn find_variant(&self, key: &str) -> Option<&Variant> {
        self.variant(key)
            .or_else(|| self.variants.iter().find(|v| v.is_named(key)))
    }

    /// The canonical id of the variant named by `key` (see [`Scheme::find_variant`]).
    pub fn canonical_variant_id(&self, key: &str) -> Option<&str> {
        self.find_variant(key).map(|v| v.id.as_str())
    }

    pub fn table(&self, key: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.key == key)
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        let (len, index) = self.by_id.0.get_or_init(|| {
            let mut m = std::collections::HashMap::with_capacity(self.indicators.len());
            for (n, i) in self.indicators.iter().enumerate() {
                m.entry(i.id.clone()).or_insert(n);
            }
            (self.indicators.len(), m)
        });
        match index.get(id).and_then(|&n| self.indicators.get(n)) {
            Some(i) if i.id == id => Some(i),
            None if *len == self.indicators.len() => None,
            // the indicators changed after the index was built (only a test does that):
            // the scan is always right
            _ => self.indicators.iter().find(|i| i.id == id),
        }
    }

    pub fn interpretation(&self, id: &str) -> Option<&Interpretation> {
        self.interpretations.iter().find(|i| i.id == id)
    }

    /// Resolve the variant argument: required when the scheme has variants, refused when not.
    pub fn resolve_variant(&self, variant: Option<&str>) -> Result<Option<&Variant>, String> {
        match (variant, self.variants.is_empty()) {
            (None, true) => Ok(None),
            (Some(v), true) => Err(format!(
                "方案 {} 没有类别（variant），不接受 “{}”",
                self.id, v
            )),
            (None, false) => Err(format!(
                "方案 {} 需要指定类别（--variant），可选：{}",
                self.id,
                self.variant_list()
            )),
            (Some(v), false) => self.find_variant(v).map(Some).ok_or_else(|| {
                format!(
                    "方案 {} 没有类别 “{}”，可选：{}",
                    self.id,
                    v,
                    self.variant_list()
                )
            }),
        }
    }

    /// Every accepted form of every variant, e.g. `platform（也可写 A、工业互联网平台类、
    /// 工业互联网平台类企业）`.
    pub fn variant_list(&self) -> String {
        let list = self
            .variants
            .iter()
            .map(|v| {
                let others: Vec<&str> = v.accepted_forms().skip(1).collect();
                format!("{}（也可写 {}）", v.id, others.join("、"))
            })
            .collect::<Vec<_>>()
            .join("；");
        format!("{list}（类别 id、别名（如附录字母）或名称均可，英文字母不区分大小写）")
    }

    /// Indicators of a variant (all indicators when the scheme has no variants), in order.
    pub fn indicators_of<'a>(
        &'a self,
        variant: Option<&'a Variant>,
    ) -> impl Iterator<Item = &'a Indicator> + 'a {
        self.indicators.iter().filter(move |i| match variant {
            None => true,
            Some(v) => v.tables.contains(&i.table),
        })
    }

    /// How a table is cited in output, e.g. "表1" stays, "A.1" stays.
    pub fn tables_of<'a>(&'a self, variant: Option<&'a Variant>) -> Vec<&'a Table> {
        match variant {
            None => self.tables.iter().collect(),
            Some(v) => v.tables.iter().filter_map(|k| self.table(k)).collect(),
        }
    }
}

/// Format a number without trailing zeros (2.5, 100, 33.333333). A number that six decimals
/// would show as 0 without being 0 (1e-7, the denormal 5e-324), or that is 10^15 or more, is
/// written in exponent form as itself (`5e-324`, `1e300`), never as "0" or 300 digits.
pub fn fmt_num(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e15 {
        return format!("{:e}", x);
    }
    if x.fract() == 0.0 {
        return format!("{}", x as i64);
    }
    let s = format!("{:.6}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if (s == "0" || s == "-0") && x != 0.0 && x.is_finite() {
        format!("{:e}", x)
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::fmt_num;

    #[test]
    fn fmt_num_never_hides_a_number() {
        for (x, want) in [
            (0.0, "0"),
            (-0.0, "0"),
            (100.0, "100"),
            (2.5, "2.5"),
            (-2.5, "-2.5"),
            (1.0 / 3.0, "0.333333"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (-1e-7, "-1e-7"),
            (5e-324, "5e-324"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (1e300, "1e300"),
            (f64::MAX, "1.7976931348623157e308"),
            (999_999_999_999_999.0, "999999999999999"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(fmt_num(x), want, "{x:?}");
        }
        // and it reads back as the same number wherever it is finite
        for x in [5e-324, 1e-7, 1e300, 2.5, 100.0] {
            assert_eq!(fmt_num(x).parse::<f64>().unwrap(), x);
        }
    }
}
