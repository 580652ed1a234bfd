//! Loading and validating a scheme from its files. Pure: the caller supplies the files'
//! names and contents (from disk, or from the copy compiled into the binary).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::model::*;

/// One problem found while loading a scheme. Names the file, the line where known, and the
/// indicator where there is one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SchemeError {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    pub message: String,
}

impl fmt::Display for SchemeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{}", l)?;
        }
        if let Some(i) = &self.indicator {
            write!(f, ": 指标 {}", i)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A scheme's files: paths relative to the scheme folder (with `/`), and their text.
#[derive(Debug, Clone)]
pub struct SchemeFiles {
    /// Folder name; must equal the `id` in scheme.toml.
    pub dir_name: String,
    pub files: Vec<(String, String)>,
}

impl SchemeFiles {
    /// Files that define the scheme (counts/ is bookkeeping for tests and is not part of it).
    fn defining(&self) -> impl Iterator<Item = &(String, String)> {
        self.files
            .iter()
            .filter(|(p, _)| p.ends_with(".toml") && !p.starts_with("counts/"))
    }

    /// SHA-256 over the sorted defining files' names and bytes (a leading UTF-8 byte order
    /// mark is not part of a file's content: the same text with or without one has the same
    /// version).
    pub fn version(&self) -> String {
        let mut files: Vec<_> = self.defining().collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut h = Sha256::new();
        for (p, c) in files {
            h.update(p.as_bytes());
            h.update([0u8]);
            h.update(strip_bom(c).as_bytes());
            h.update([0u8]);
        }
        hex(&h.finalize())
    }
}

/// A file's text without a leading UTF-8 byte order mark (U+FEFF), which some Windows
/// editors write. Only the mark at the very start is removed; it carries no content.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{:02x}", b)).collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScheme {
    id: String,
    name: String,
    standard: String,
    seed: Option<String>,
    method: Spanned<String>,
    scale: Option<RawScale>,
    #[serde(default)]
    variant: Vec<Spanned<RawVariant>>,
    #[serde(default)]
    grade: Vec<Spanned<RawGrade>>,
    #[serde(default)]
    interpretation: Vec<Spanned<RawInterpretation>>,
    stars: Option<Spanned<RawStars>>,
    guidance: Option<RawGuidance>,
    extra: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    total: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariant {
    id: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    tables: Vec<String>,
    #[serde(default)]
    gbt4754_sections: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrade {
    code: String,
    label: String,
    min: f64,
    min_inclusive: bool,
    max: f64,
    max_inclusive: bool,
    max_below: Option<u32>,
    clause: String,
    requirement: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInterpretation {
    id: String,
    decision: String,
    clause: String,
    text: String,
    action: String,
    reason: String,
    #[serde(default)]
    indicators: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStars {
    dimensions: Vec<String>,
    dimension_points: f64,
    default_weights: Vec<f64>,
    single: Vec<f64>,
    online_ratio: Vec<f64>,
    composite: Vec<f64>,
    stages: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuidance {
    #[serde(default)]
    band: Vec<RawBand>,
    #[serde(default)]
    principles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    min: f64,
    max: f64,
    label: String,
    points: Vec<String>,
}

/// counts/*.toml: our own counts of each table in the seed text (see docs/scheme-format.md).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCountFile {
    #[serde(default)]
    table: Vec<Spanned<RawCount>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // the counts are compared with the encoding by the catalog's tests
struct RawCount {
    key: String,
    rows: u32,
    rows_method: String,
    rows_check: u32,
    rows_check_method: String,
    online: Option<u32>,
    offline: Option<u32>,
    combined: Option<u32>,
    points_total: Option<f64>,
    note: Option<String>,
}

/// Other data files at the top of a scheme folder (e.g. eepc-certification/audit-time.toml,
/// read by the calculators): only their interpretations belong to the scheme model.
#[derive(Deserialize)]
struct RawDataFile {
    #[serde(default)]
    interpretation: Vec<Spanned<RawInterpretation>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTableFile {
    table: Spanned<RawTable>,
    #[serde(default)]
    indicator: Vec<Spanned<RawIndicator>>,
    #[serde(default)]
    interpretation: Vec<Spanned<RawInterpretation>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    key: String,
    title: String,
    variant: Option<String>,
    dimension: Option<String>,
    stage: Option<String>,
    clause: String,
    #[serde(default)]
    seed_lines: Vec<u32>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: String,
    serial: Option<String>,
    path: Vec<String>,
    content: Option<String>,
    category: Option<String>,
    points: Option<f64>,
    #[serde(default)]
    half_points: bool,
    #[serde(default)]
    weights: Vec<f64>,
    #[serde(default)]
    levels: Vec<String>,
    requirement: Option<String>,
    method: Option<String>,
    #[serde(default)]
    expert_panel: bool,
    #[serde(default)]
    likert: bool,
    evidence: Option<String>,
    #[serde(default)]
    points_fed: bool,
    clause: Option<String>,
    note: Option<String>,
    seed_line: Option<u32>,
    #[serde(default)]
    interpretations: Vec<String>,
}

struct Ctx<'a> {
    errors: Vec<SchemeError>,
    file: &'a str,
    text: &'a str,
}

impl<'a> Ctx<'a> {
    fn line_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .bytes()
            .filter(|b| *b == b'\n')
            .count()
            + 1
    }

    fn err(&mut self, span: Option<std::ops::Range<usize>>, indicator: Option<&str>, msg: String) {
        let line = span.map(|s| self.line_of(s.start));
        self.errors.push(SchemeError {
            file: self.file.to_string(),
            line,
            indicator: indicator.map(str::to_string),
            message: msg,
        });
    }
}

fn parse_toml<T: for<'de> Deserialize<'de>>(
    file: &str,
    text: &str,
    errors: &mut Vec<SchemeError>,
) -> Option<T> {
    match toml::from_str::<T>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            errors.push(SchemeError {
                file: file.to_string(),
                line,
                indicator: None,
                message: format!("TOML 格式错误：{}", e.message()),
            });
            None
        }
    }
}

fn is_ascii_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
}

const EPS: f64 = 1e-6;

/// Load and validate a scheme. Returns every error found, not only the first.
///
/// A file may start with a UTF-8 byte order mark: it is removed before parsing, so lines and
/// the version are those of the text without it.
pub fn load_scheme(files: &SchemeFiles) -> Result<Scheme, Vec<SchemeError>> {
    if files.files.iter().any(|(_, t)| t.starts_with('\u{feff}')) {
        let stripped = SchemeFiles {
            dir_name: files.dir_name.clone(),
            files: files
                .files
                .iter()
                .map(|(p, t)| (p.clone(), strip_bom(t).to_string()))
                .collect(),
        };
        return load_files(&stripped);
    }
    load_files(files)
}

fn load_files(files: &SchemeFiles) -> Result<Scheme, Vec<SchemeError>> {
    let mut errors = Vec::new();
    let scheme_file = "scheme.toml";
    let Some((_, scheme_text)) = files.files.iter().find(|(p, _)| p == scheme_file) else {
        return Err(vec![SchemeError {
            file: format!("{}/{}", files.dir_name, scheme_file),
            line: None,
            indicator: None,
            message: "缺少 scheme.toml".into(),
        }]);
    };
    let file_label = |p: &str| format!("{}/{}", files.dir_name, p);
    let sf = file_label(scheme_file);
    let Some(raw) = parse_toml::<RawScheme>(&sf, scheme_text, &mut errors) else {
        return Err(errors);
    };
    let mut cx = Ctx {
        errors,
        file: &sf,
        text: scheme_text,
    };
    if raw.id != files.dir_name {
        cx.err(
            None,
            None,
            format!("id “{}” 与文件夹名 “{}” 不一致", raw.id, files.dir_name),
        );
    }
    let method = match Method::parse(raw.method.get_ref()) {
        Some(m) => m,
        None => {
            cx.err(
                Some(raw.method.span()),
                None,
                format!(
                    "未知的计分方法 “{}”；可用：points、weighted-levels、dimensions、weighted-coefficients",
                    raw.method.get_ref()
                ),
            );
            Method::Points
        }
    };
    let scale_total = raw.scale.as_ref().map(|s| *s.total.get_ref());
    if let Some(sc) = &raw.scale {
        let t = *sc.total.get_ref();
        if !(t.is_finite() && t > 0.0) {
            cx.err(
                Some(sc.total.span()),
                None,
                format!(
                    "[scale] total = {}：总分应为大于 0 的有限数（标准印刷的总分，如 100）",
                    fmt_num(t)
                ),
            );
        }
    }
    if method == Method::Points && scale_total.is_none() {
        cx.err(
            None,
            None,
            "points 方案需要 [scale] total（标准印刷的总分）".into(),
        );
    }
    let mut interpretations = Vec::new();
    for it in &raw.interpretation {
        interpretations.push((interp_from(it.get_ref(), &sf), it.span(), sf.clone()));
    }
    let variants: Vec<Variant> = raw
        .variant
        .iter()
        .map(|v| {
            let v = v.get_ref();
            Variant {
                id: v.id.clone(),
                name: v.name.clone(),
                aliases: v.aliases.clone(),
                tables: v.tables.clone(),
                gbt4754_sections: v.gbt4754_sections.clone(),
            }
        })
        .collect();
    {
        // Every form that names a variant (id, aliases, name) names only that one.
        let mut forms: HashMap<String, (String, &str)> = HashMap::new();
        for (v, raw_v) in variants.iter().zip(&raw.variant) {
            if !is_ascii_id(&v.id) {
                cx.err(
                    Some(raw_v.span()),
                    None,
                    format!("类别 id “{}” 只能用 ASCII 字母、数字、. - _", v.id),
                );
            }
            let kinds = std::iter::once(("id", v.id.as_str()))
                .chain(v.aliases.iter().map(|a| ("别名（aliases）", a.as_str())))
                .chain(std::iter::once(("名称（name）", v.name.as_str())));
            for (kind, form) in kinds {
                let key = variant_key(form);
                if key.is_empty() {
                    cx.err(
                        Some(raw_v.span()),
                        None,
                        format!("类别 {} 的{kind}为空：应写非空文字", v.id),
                    );
                    continue;
                }
                match forms.get(&key) {
                    Some((owner, owner_kind)) => cx.err(
                        Some(raw_v.span()),
                        None,
                        format!(
                            "类别 {} 的{kind} “{}” 与类别 {} 的{} 重复：类别 id、别名和名称在方案内须各不相同（英文字母不区分大小写）",
                            v.id, form, owner, owner_kind
                        ),
                    ),
                    None => {
                        forms.insert(key, (v.id.clone(), kind));
                    }
                }
            }
        }
    }
    let grades: Vec<Grade> = raw
        .grade
        .iter()
        .map(|g| {
            let g = g.get_ref();
            Grade {
                code: g.code.clone(),
                label: g.label.clone(),
                min: g.min,
                min_inclusive: g.min_inclusive,
                max: g.max,
                max_inclusive: g.max_inclusive,
                max_below: g.max_below,
                clause: g.clause.clone(),
                requirement: g.requirement.clone(),
                description: g.description.clone(),
            }
        })
        .collect();
    // Grade bands: ordered best first, adjacent, not overlapping (I-3).
    for (i, pair) in grades.windows(2).enumerate() {
        let (hi, lo) = (&pair[0], &pair[1]);
        let span = Some(raw.grade[i + 1].span());
        if (lo.max - hi.min).abs() > EPS {
            cx.err(
                span,
                None,
                format!(
                    "等级 {} 的上限 {} 应等于等级 {} 的下限 {}（等级区间须首尾相接）",
                    lo.code,
                    fmt_num(lo.max),
                    hi.code,
                    fmt_num(hi.min)
                ),
            );
        } else if lo.max_inclusive == hi.min_inclusive {
            cx.err(
                span,
                None,
                format!(
                    "等级 {} 与 {} 在 {} 处{}（区间须半开半闭）",
                    lo.code,
                    hi.code,
                    fmt_num(lo.max),
                    if lo.max_inclusive {
                        "重叠"
                    } else {
                        "留有空隙"
                    }
                ),
            );
        }
    }
    for (g, rg) in grades.iter().zip(&raw.grade) {
        if g.min > g.max {
            cx.err(
                Some(rg.span()),
                None,
                format!("等级 {} 的下限大于上限", g.code),
            );
        }
        if method == Method::WeightedLevels && g.max_below.is_none() {
            cx.err(
                Some(rg.span()),
                None,
                format!("等级 {} 缺少 max_below（低于本级的指标项上限）", g.code),
            );
        }
    }
    let stars = raw.stars.as_ref().map(|s| {
        let st = s.get_ref();
        StarRules {
            dimensions: st.dimensions.clone(),
            dimension_points: st.dimension_points,
            default_weights: st.default_weights.clone(),
            single: st.single.clone(),
            online_ratio: st.online_ratio.clone(),
            composite: st.composite.clone(),
            stages: st.stages.clone(),
        }
    });
    if method == Method::Dimensions {
        match (&stars, &raw.stars) {
            (Some(st), Some(span)) => {
                let sp = Some(span.span());
                if st.default_weights.len() != st.dimensions.len() {
                    cx.err(
                        sp.clone(),
                        None,
                        "default_weights 与 dimensions 个数不同".into(),
                    );
                }
                let sum: f64 = st.default_weights.iter().sum();
                if (sum - 100.0).abs() > EPS {
                    cx.err(
                        sp.clone(),
                        None,
                        format!("单项权重合计 {}%，应为 100%", fmt_num(sum)),
                    );
                }
                if st.single.len() != 5 || st.online_ratio.len() != 3 || st.composite.len() != 2 {
                    cx.err(
                        sp,
                        None,
                        "stars：single 需 5 个阈值，online_ratio 需 3 个，composite 需 2 个".into(),
                    );
                }
            }
            _ => cx.err(
                None,
                None,
                "dimensions 方案需要 [stars] 规则（表1、表3）".into(),
            ),
        }
    }
    let guidance = raw
        .guidance
        .as_ref()
        .map(|g| {
            g.band
                .iter()
                .map(|b| GuidanceBand {
                    min: b.min,
                    max: b.max,
                    label: b.label.clone(),
                    points: b.points.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut extra = raw
        .extra
        .as_ref()
        .map(|t| toml_to_json(&toml::Value::Table(t.clone())))
        .unwrap_or(serde_json::Value::Object(Default::default()));
    if let Some(g) = &raw.guidance {
        if !g.principles.is_empty() {
            if let serde_json::Value::Object(m) = &mut extra {
                m.insert(
                    "guidance_principles".into(),
                    serde_json::json!(g.principles),
                );
            }
        }
    }
    let leaf_level_scores: Vec<f64> = extra
        .get("leaf_level_scores")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
        .unwrap_or_default();
    if method == Method::WeightedLevels
        && (leaf_level_scores.len() != 6
            || leaf_level_scores[0] != 0.0
            || leaf_level_scores.windows(2).any(|w| w[1] < w[0])
            || leaf_level_scores[5] > 100.0)
    {
        cx.err(
            None,
            None,
            "weighted-levels 方案需要 [extra] leaf_level_scores：等级 0–5 的 6 个百分比，从 0 开始递增、不超过 100".into(),
        );
    }
    let mut errors = std::mem::take(&mut cx.errors);
    let mut texts: HashMap<String, &str> = HashMap::new();
    texts.insert(sf.clone(), scheme_text);
    // Interpretations written in other top-level data files of the scheme.
    let mut data_files: Vec<&(String, String)> = files
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".toml") && !p.contains('/') && p != scheme_file)
        .collect();
    data_files.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, text) in data_files {
        let fl = file_label(path);
        texts.insert(fl.clone(), text);
        if let Some(d) = parse_toml::<RawDataFile>(&fl, text, &mut errors) {
            for it in &d.interpretation {
                interpretations.push((interp_from(it.get_ref(), &fl), it.span(), fl.clone()));
            }
        }
    }

    // Tables.
    let mut tables: Vec<Table> = Vec::new();
    let mut indicators: Vec<(Indicator, std::ops::Range<usize>)> = Vec::new();
    let mut table_files: Vec<&(String, String)> = files
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("tables/") && p.ends_with(".toml"))
        .collect();
    table_files.sort_by(|a, b| natural_cmp(&a.0, &b.0));
    for (path, text) in table_files {
        let fl = file_label(path);
        texts.insert(fl.clone(), text);
        let Some(rt) = parse_toml::<RawTableFile>(&fl, text, &mut errors) else {
            continue;
        };
        let mut cx = Ctx {
            errors: Vec::new(),
            file: &fl,
            text,
        };
        let t = rt.table.get_ref();
        let tspan = Some(rt.table.span());
        if tables.iter().any(|x| x.key == t.key) {
            cx.err(tspan.clone(), None, format!("表 “{}” 重复定义", t.key));
        }
        match (&t.variant, variants.is_empty()) {
            (Some(v), false) if !variants.iter().any(|x| &x.id == v) => cx.err(
                tspan.clone(),
                None,
                format!("表 {} 的类别 “{}” 未在 scheme.toml 中定义", t.key, v),
            ),
            (None, false) => cx.err(
                tspan.clone(),
                None,
                format!("表 {} 缺少 variant（本方案分类别）", t.key),
            ),
            (Some(_), true) => cx.err(
                tspan.clone(),
                None,
                format!("表 {} 写了 variant，但本方案没有类别", t.key),
            ),
            _ => {}
        }
        if method == Method::Dimensions {
            if let Some(st) = &stars {
                match (&t.dimension, &t.stage) {
                    (Some(d), None) if st.dimensions.contains(d) => {}
                    (None, Some(s)) if st.stages.contains(s) => {}
                    _ => cx.err(
                        tspan.clone(),
                        None,
                        format!(
                            "表 {} 须有 dimension（{}）或 stage（{}）之一",
                            t.key,
                            st.dimensions.join("/"),
                            st.stages.join("/")
                        ),
                    ),
                }
            }
        }
        tables.push(Table {
            key: t.key.clone(),
            title: t.title.clone(),
            variant: t.variant.clone(),
            dimension: t.dimension.clone(),
            stage: t.stage.clone(),
            clause: t.clause.clone(),
            note: t.note.clone(),
            seed_lines: t.seed_lines.clone(),
            file: fl.clone(),
        });
        for it in &rt.interpretation {
            interpretations.push((interp_from(it.get_ref(), &fl), it.span(), fl.clone()));
        }
        for ri in &rt.indicator {
            let r = ri.get_ref();
            let span = ri.span();
            let id = r.id.as_str();
            if !is_ascii_id(id) {
                cx.err(
                    Some(span.clone()),
                    Some(id),
                    "指标 id 只能用 ASCII 字母、数字、. - _".into(),
                );
            }
            if r.path.is_empty() || r.path.iter().any(|p| p.trim().is_empty()) {
                cx.err(
                    Some(span.clone()),
                    Some(id),
                    "path 不能为空或含空名称".into(),
                );
            }
            let category = match &r.category {
                Some(c) => match Category::parse(c) {
                    Some(c) => Some(c),
                    None => {
                        cx.err(
                            Some(span.clone()),
                            Some(id),
                            format!("类别 “{}” 无效；可用：线上、线下、结合", c),
                        );
                        None
                    }
                },
                None => None,
            };
            let is_stage = t.stage.is_some();
            match method {
                Method::Points => match r.points {
                    Some(p) if p > 0.0 && p.is_finite() => {
                        // An item is part of the printed total: it cannot be worth more.
                        if let Some(total) = scale_total.filter(|t| t.is_finite() && *t > 0.0) {
                            if p > total + EPS {
                                cx.err(
                                    Some(span.clone()),
                                    Some(id),
                                    format!(
                                        "points = {} 超过本表所属的总分 {}（[scale] total）：单项分值应大于 0 且不超过总分",
                                        fmt_num(p),
                                        fmt_num(total)
                                    ),
                                );
                            }
                        }
                    }
                    _ => cx.err(
                        Some(span.clone()),
                        Some(id),
                        "points 方案的每个指标须有大于 0 的 points（分值）".into(),
                    ),
                },
                Method::WeightedLevels => {
                    if r.weights.len() != r.path.len() || r.path.len() != 3 {
                        cx.err(
                            Some(span.clone()),
                            Some(id),
                            format!(
                                "需要三级 path 和三个 weights，实为 {} 级、{} 个权重",
                                r.path.len(),
                                r.weights.len()
                            ),
                        );
                    }
                    if r.levels.len() != 5 || r.levels.iter().any(|l| l.trim().is_empty()) {
                        cx.err(
                            Some(span.clone()),
                            Some(id),
                            format!(
                                "需要第一级至第五级共 5 条等级描述，实为 {} 条（缺失的写“（原文缺失）”并引用解释）",
                                r.levels.len()
                            ),
                        );
                    }
                }
                Method::Dimensions => {
                    if category.is_none() && !is_stage {
                        cx.err(
                            Some(span.clone()),
                            Some(id),
                            "能力表的每个指标须有 category（线上/线下/结合）".into(),
                        );
                    }
                }
                Method::WeightedCoefficients => {}
            }
            if r.expert_panel && r.likert {
                cx.err(
                    Some(span.clone()),
                    Some(id),
                    "expert_panel 与 likert 不能同时为 true".into(),
                );
            }
            indicators.push((
                Indicator {
                    id: r.id.clone(),
                    table: t.key.clone(),
                    serial: r.serial.clone(),
                    path: r.path.clone(),
                    content: r.content.clone(),
                    category,
                    points: r.points,
                    half_points: r.half_points,
                    weights: r.weights.clone(),
                    levels: r.levels.clone(),
                    requirement: r.requirement.clone(),
                    method: r.method.clone(),
                    expert_panel: r.expert_panel,
                    likert: r.likert,
                    evidence: r.evidence.clone(),
                    points_fed: r.points_fed,
                    clause: r.clause.clone(),
                    note: r.note.clone(),
                    seed_line: r.seed_line,
                    interpretations: r.interpretations.clone(),
                    file: fl.clone(),
                    line: cx.line_of(span.start),
                },
                span,
            ));
        }
        errors.append(&mut cx.errors);
    }

    // Counts: parsed with their schema; each names a table of the scheme, once.
    let mut count_files: Vec<&(String, String)> = files
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("counts/") && p.ends_with(".toml"))
        .collect();
    count_files.sort_by(|a, b| natural_cmp(&a.0, &b.0));
    let mut counted: HashMap<String, String> = HashMap::new();
    for (path, text) in count_files {
        let fl = file_label(path);
        let Some(cf) = parse_toml::<RawCountFile>(&fl, text, &mut errors) else {
            continue;
        };
        let mut cx = Ctx {
            errors: Vec::new(),
            file: &fl,
            text,
        };
        if cf.table.is_empty() {
            cx.err(
                None,
                None,
                "没有 [[table]]：计数文件应为每张表写一个 [[table]]（key、rows、rows_method、rows_check、rows_check_method）".into(),
            );
        }
        for c in &cf.table {
            let (r, span) = (c.get_ref(), Some(c.span()));
            if !tables.iter().any(|t| t.key == r.key) {
                cx.err(
                    span.clone(),
                    None,
                    format!(
                        "计数的表 “{}” 不是本方案的表；可用：{}",
                        r.key,
                        tables
                            .iter()
                            .map(|t| t.key.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                );
            }
            let here = format!("{}:{}", fl, cx.line_of(c.span().start));
            if let Some(first) = counted.get(&r.key) {
                cx.err(
                    span.clone(),
                    None,
                    format!("表 “{}” 已在 {} 计数：每张表只计数一次", r.key, first),
                );
            } else {
                counted.insert(r.key.clone(), here);
            }
            if let Some(p) = r.points_total {
                if !(p.is_finite() && p >= 0.0) {
                    cx.err(
                        span,
                        None,
                        format!(
                            "表 “{}” 的 points_total = {}：应为不小于 0 的有限数",
                            r.key,
                            fmt_num(p)
                        ),
                    );
                }
            }
        }
        errors.append(&mut cx.errors);
    }

    // Cross-file checks.
    let mut push = |file: &str, line: Option<usize>, ind: Option<&str>, msg: String| {
        errors.push(SchemeError {
            file: file.to_string(),
            line,
            indicator: ind.map(str::to_string),
            message: msg,
        })
    };
    let line_in = |file: &str, span: &std::ops::Range<usize>| -> Option<usize> {
        texts
            .get(file)
            .map(|t| t[..span.start.min(t.len())].matches('\n').count() + 1)
    };
    let mut interp_ids = HashSet::new();
    for (it, span, file) in &interpretations {
        if !interp_ids.insert(it.id.clone()) {
            push(
                file,
                line_in(file, span),
                None,
                format!("解释 id “{}” 重复", it.id),
            );
        }
    }
    let mut ids = HashSet::new();
    for (ind, _) in &indicators {
        if !ids.insert(ind.id.clone()) {
            push(
                &ind.file,
                Some(ind.line),
                Some(&ind.id),
                "指标 id 重复".into(),
            );
        }
        for r in &ind.interpretations {
            if !interp_ids.contains(r) {
                push(
                    &ind.file,
                    Some(ind.line),
                    Some(&ind.id),
                    format!("引用了不存在的解释 “{}”", r),
                );
            }
        }
    }
    for (it, span, file) in &interpretations {
        for i in &it.indicators {
            if !ids.contains(i) {
                push(
                    file,
                    line_in(file, span),
                    None,
                    format!("解释 {} 列出的指标 “{}” 不存在", it.id, i),
                );
            }
        }
    }
    for v in &variants {
        for t in &v.tables {
            if !tables.iter().any(|x| &x.key == t) {
                push(
                    &sf,
                    None,
                    None,
                    format!("类别 {} 列出的表 “{}” 不存在", v.id, t),
                );
            }
        }
    }
    for t in &tables {
        if let Some(v) = &t.variant {
            if let Some(var) = variants.iter().find(|x| &x.id == v) {
                if !var.tables.contains(&t.key) {
                    push(
                        &t.file,
                        None,
                        None,
                        format!("表 {} 属于类别 {}，但该类别的 tables 未列出它", t.key, v),
                    );
                }
            }
        }
        if !indicators.iter().any(|(i, _)| i.table == t.key) {
            push(&t.file, None, None, format!("表 {} 没有任何指标", t.key));
        }
    }
    // Points add up to the printed total, or an I-2 interpretation says why not.
    if method == Method::Points {
        if let Some(total) = scale_total {
            let sum: f64 = indicators.iter().filter_map(|(i, _)| i.points).sum();
            let has_i2 = interpretations.iter().any(|(i, _, _)| i.decision == "I-2");
            if (sum - total).abs() > EPS && !has_i2 {
                push(
                    &sf,
                    None,
                    None,
                    format!(
                        "各项分值合计 {}，与总分 {} 不符，且没有 decision = \"I-2\" 的解释说明折算",
                        fmt_num(sum),
                        fmt_num(total)
                    ),
                );
            }
        }
    }
    // Weighted levels: sibling weights sum to 100 %, the same group carries one weight.
    if method == Method::WeightedLevels {
        for t in &tables {
            let rows: Vec<&Indicator> = indicators
                .iter()
                .map(|(i, _)| i)
                .filter(|i| i.table == t.key && i.weights.len() == 3 && i.path.len() == 3)
                .collect();
            let mut weight_of: BTreeMap<Vec<String>, (f64, &Indicator)> = BTreeMap::new();
            for r in &rows {
                for d in 0..3 {
                    let key = r.path[..=d].to_vec();
                    match weight_of.get(&key) {
                        Some((w, first)) if (w - r.weights[d]).abs() > EPS => {
                            if r.interpretations.is_empty() {
                                push(
                                    &r.file,
                                    Some(r.line),
                                    Some(&r.id),
                                    format!(
                                        "“{}” 的权重 {}% 与指标 {} 上写的 {}% 不一致",
                                        key.join(" / "),
                                        fmt_num(r.weights[d]),
                                        first.id,
                                        fmt_num(*w)
                                    ),
                                );
                            }
                        }
                        Some(_) => {}
                        None => {
                            weight_of.insert(key, (r.weights[d], r));
                        }
                    }
                }
            }
            // Sum of children's weights per parent.
            let mut sums: BTreeMap<Vec<String>, (f64, Vec<&Indicator>)> = BTreeMap::new();
            for (key, (w, r)) in &weight_of {
                let parent = key[..key.len() - 1].to_vec();
                let e = sums.entry(parent).or_insert((0.0, Vec::new()));
                e.0 += w;
                e.1.push(r);
            }
            for (parent, (sum, rows)) in &sums {
                if (sum - 100.0).abs() > 0.01 {
                    let explained = rows.iter().all(|r| !r.interpretations.is_empty());
                    if !explained {
                        let r = rows[0];
                        push(
                            &r.file,
                            Some(r.line),
                            Some(&r.id),
                            format!(
                                "表 {} 中 “{}” 下各项权重合计 {}%，应为 100%（或在这些指标上引用解释）",
                                t.key,
                                if parent.is_empty() {
                                    "一级指标".to_string()
                                } else {
                                    parent.join(" / ")
                                },
                                fmt_num(*sum)
                            ),
                        );
                    }
                }
            }
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Scheme {
        id: raw.id,
        name: raw.name,
        standard: raw.standard,
        seed: raw.seed,
        method,
        scale_total,
        variants,
        grades,
        interpretations: interpretations.into_iter().map(|(i, _, _)| i).collect(),
        tables,
        indicators: indicators.into_iter().map(|(i, _)| i).collect(),
        leaf_level_scores,
        stars,
        guidance,
        extra,
        version: files.version(),
        by_id: Default::default(),
    })
}

fn interp_from(r: &RawInterpretation, file: &str) -> Interpretation {
    Interpretation {
        id: r.id.clone(),
        decision: r.decision.clone(),
        clause: r.clause.clone(),
        text: r.text.clone(),
        action: r.action.clone(),
        reason: r.reason.clone(),
        indicators: r.indicators.clone(),
        file: file.to_string(),
    }
}

pub fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(J::Number)
            .unwrap_or(J::Null),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

/// Order file names so that "A.10" comes after "A.9" and "表2" after "表1".
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let d = c.is_ascii_digit();
            match out.last_mut() {
                Some((ld, buf)) if *ld == d => buf.push(c),
                _ => out.push((d, c.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(cb.iter()) {
        let o = match (x.0, y.0) {
            (true, true) => {
                x.1.parse::<u64>()
                    .unwrap_or(0)
                    .cmp(&y.1.parse::<u64>().unwrap_or(0))
            }
            _ => x.1.cmp(&y.1),
        };
        if o != std::cmp::Ordering::Equal {
            return o;
        }
    }
    ca.len().cmp(&cb.len())
}
