//! Audit time (审核人日) per Annex A of the eepc-certification rules (DESIGN I-8).
//!
//! The table A.1 data lives with the scheme in `schemes/eepc-certification/audit-time.toml`
//! and is compiled in with `include_str!`; [`AuditTimeTable::from_toml_str`] loads another
//! copy (e.g. an edited scheme folder) with the same checks.
//!
//! Steps, each written to the result's `trace` in Chinese:
//!
//! 1. Look up the effective headcount's band in table A.1 and take the column of the audit type
//!    (the base days). The A.2 (1/3) / A.3 (2/3) rule value is computed beside it.
//! 2. Multi-site (sites on the certificate): the central office and each sampled site are looked
//!    up by their own headcount; temporary sites: total-headcount lookup + 0.5 day per site.
//! 3. Adjustments in percent; the net reduction may not exceed 30 % of the base (central office
//!    30 %, sites 50 %). Every figure up to here is exact (fractions, no floating point).
//! 4. The audit time: the exact time after all reductions and additions, rounded to the nearest
//!    half day (IAF MD 5 2.2.3); a value exactly between two halves (x.25, x.75, decided on
//!    the exact fraction) rounds up (2.25 → 2.5, 7.75 → 8), and the result is never below the
//!    minimum on-site time of one day. This rounded figure is the audit time the programme uses.
//! 5. Minimum on-site time: max(80 % of the rounded audit time, 1 day), rounded to the nearest
//!    half day the same way.
//!
//! Effective headcount is the organisation's; technical experts and trainee auditors on the
//! audit team do not count towards the audit time computed here.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::rational::Ratio;
use crate::AuditType;

/// Table A.1 and the rules of Annex A as shipped with the scheme.
pub const BUILTIN_AUDIT_TIME_TOML: &str =
    include_str!("../../../schemes/eepc-certification/audit-time.toml");

/// Errors of audit-time computation and of loading the table.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AuditTimeError {
    #[error("{field}为0：有效人数应为不小于1的整数")]
    ZeroHeadcount { field: String },
    #[error("{who}的审核时间净减少{reduction_percent}%，超过上限{limit_percent}%：基准人日 {base_days}，调整后不得少于 {floor_days} 人日")]
    ReductionTooLarge {
        who: String,
        reduction_percent: i64,
        limit_percent: u32,
        base_days: String,
        floor_days: String,
    },
    #[error("组织总有效人数 {total} 小于中心办公室与所列分场所人数之和 {sum}：总有效人数应不小于各场所人数之和")]
    HeadcountMismatch { total: u32, sum: u64 },
    #[error("分场所列表为空：多场所（分场所在证书中显示）应至少列出1个抽样的分场所；只有一个场所时请按单一场所计算")]
    NoSites,
    #[error("临时场所数量为0：应不小于1；没有临时场所时请按单一场所计算")]
    NoTemporarySites,
    #[error("审核人日表（audit-time.toml）不是有效的TOML或字段不符合格式：{message}")]
    TableToml { message: String },
    #[error("审核人日表（audit-time.toml）内容有误：{message}")]
    TableInvalid { message: String },
    #[error("人日计算数值过大，无法精确计算：{what}")]
    Overflow { what: String },
}

type Result<T> = std::result::Result<T, AuditTimeError>;

/// One adjustment of the audit time, in whole percent of the base: negative reduces,
/// positive increases (e.g. `{ reason = "低风险、过程简单", percent = -10 }`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub reason: String,
    pub percent: i32,
}

/// A sampled production/service site of a multi-site organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInput {
    pub name: String,
    pub headcount: u32,
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
}

/// How the organisation's sites are audited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SiteStructure {
    /// One site (or sites treated as one, 8.1.3.2 注).
    #[default]
    Single,
    /// Central office plus sites shown on the certificate (附件A 注3 1)); `sites` are the sampled
    /// ones with their own headcounts; the request's `adjustments` apply to the central office.
    Listed {
        central_headcount: u32,
        sites: Vec<SiteInput>,
    },
    /// Temporary sites not shown on the certificate (附件A 注3 2)).
    Temporary { count: u32 },
}

/// Everything needed to compute the audit time of one audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditTimeRequest {
    pub audit_type: AuditType,
    /// The organisation's total effective headcount (有效人数) at the time of the audit.
    pub headcount: u32,
    /// Adjustments of the organisation (single site, temporary sites) or of the central office
    /// (listed sites).
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
    #[serde(default)]
    pub sites: SiteStructure,
}

/// Role of a location in a multi-site computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteRole {
    /// 中心办公室
    Central,
    /// 分场所
    Site,
}

/// The computation for one location of a multi-site organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteTime {
    pub name: String,
    pub role: SiteRole,
    pub headcount: u32,
    pub band: String,
    pub base_days: f64,
    pub rule_days: Option<f64>,
    pub adjustment_percent: i64,
    pub max_reduction_percent: u32,
    pub adjusted_days: f64,
}

/// Result of an audit-time computation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditTime {
    pub audit_type: AuditType,
    /// Total effective headcount.
    pub headcount: u32,
    /// Band of table A.1 for the total headcount.
    pub band: String,
    /// Table A.1 value of the audit type for the total headcount.
    pub table_days: f64,
    /// A.2 (1/3) or A.3 (2/3) rule value for the total headcount; `None` for initial audits.
    pub rule_days: Option<f64>,
    /// Why table and rule differ, when they do.
    pub rule_note: Option<String>,
    /// Base days the adjustments apply to: the table value, plus 0.5 per temporary site, or the
    /// sum of central office and sites.
    pub base_days: f64,
    /// Net adjustment in percent (single site / temporary sites; for listed sites see `sites`).
    pub adjustment_percent: i64,
    /// Audit time after adjustments (exact, not rounded).
    pub adjusted_days: f64,
    /// The audit time: `adjusted_days` rounded to the nearest half day (x.25 and x.75 round
    /// up), not below the minimum on-site time of one day (IAF MD 5 2.2.3, DESIGN I-8).
    pub audit_days: f64,
    /// Minimum on-site audit time: max(80 % of `audit_days`, 1), rounded to a half day.
    pub min_onsite_days: f64,
    /// Per-location breakdown for listed multi-site audits, otherwise empty.
    pub sites: Vec<SiteTime>,
    /// Step-by-step explanation in Chinese.
    pub trace: Vec<String>,
}

/// Rules of Annex A notes 1–3 and A.2 / A.3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub max_reduction_percent: u32,
    pub min_onsite_percent: u32,
    pub min_onsite_days: f64,
    pub multi_site_central_max_reduction_percent: u32,
    pub multi_site_site_max_reduction_percent: u32,
    pub temporary_site_extra_days: f64,
    pub surveillance_fraction: [u32; 2],
    pub recertification_fraction: [u32; 2],
    pub rule_min_days: f64,
}

/// One headcount band of table A.1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min: u32,
    #[serde(default)]
    pub max: Option<u32>,
    pub label: String,
    pub initial: f64,
    pub surveillance: f64,
    pub recertification: f64,
    /// A.2 value as recorded in the file (checked against the computation on load).
    #[serde(default)]
    pub surveillance_rule: Option<f64>,
    /// A.3 value as recorded in the file (checked against the computation on load).
    #[serde(default)]
    pub recertification_rule: Option<f64>,
    #[serde(default)]
    pub note: Option<String>,
}

impl Band {
    fn contains(&self, headcount: u32) -> bool {
        headcount >= self.min && self.max.is_none_or(|m| headcount <= m)
    }
}

/// An interpretation entry (DESIGN I-0) as written in the scheme file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interpretation {
    pub id: String,
    pub decision: String,
    pub clause: String,
    pub text: String,
    pub action: String,
    pub reason: String,
    #[serde(default)]
    pub indicators: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    scheme: String,
    source: String,
    #[serde(default)]
    seed: Option<String>,
    #[serde(default)]
    seed_lines: Option<[u32; 2]>,
    #[serde(default)]
    unit: Option<String>,
    rules: Rules,
    band: Vec<Band>,
    #[serde(default)]
    interpretation: Vec<Interpretation>,
}

#[derive(Debug, Clone, Copy)]
struct BandDays {
    initial: Ratio,
    surveillance: Ratio,
    recertification: Ratio,
    surveillance_rule: Ratio,
    recertification_rule: Ratio,
}

#[derive(Debug, Clone, Copy)]
struct RuleRatios {
    min_onsite: Ratio,
    onsite_share: Ratio,
    temp_extra: Ratio,
    surveillance: Ratio,
    recertification: Ratio,
    rule_min: Ratio,
}

/// Table A.1 with the rules of Annex A, validated.
#[derive(Debug, Clone, Serialize)]
pub struct AuditTimeTable {
    pub scheme: String,
    pub source: String,
    pub seed: Option<String>,
    pub seed_lines: Option<[u32; 2]>,
    pub rules: Rules,
    pub bands: Vec<Band>,
    pub interpretations: Vec<Interpretation>,
    #[serde(skip)]
    days: Vec<BandDays>,
    #[serde(skip)]
    ratios: RuleRatios,
}

fn invalid(message: impl Into<String>) -> AuditTimeError {
    AuditTimeError::TableInvalid {
        message: message.into(),
    }
}

fn overflow(what: &str) -> AuditTimeError {
    AuditTimeError::Overflow {
        what: what.to_string(),
    }
}

fn half_days(field: &str, v: f64, allow_zero: bool) -> Result<Ratio> {
    match Ratio::from_half_f64(v) {
        Some(r) if r > Ratio::ZERO || (allow_zero && r == Ratio::ZERO) => Ok(r),
        _ => Err(invalid(format!(
            "{field} = {v}：应为{}的半人日整数倍（如 1、1.5、2）",
            if allow_zero { "不小于0" } else { "大于0" }
        ))),
    }
}

fn fraction(field: &str, f: [u32; 2]) -> Result<Ratio> {
    if f[1] == 0 || f[0] == 0 || f[0] > f[1] {
        return Err(invalid(format!(
            "{field} = [{}, {}]：应为 [分子, 分母]，0 < 分子 ≤ 分母",
            f[0], f[1]
        )));
    }
    Ratio::new(i128::from(f[0]), i128::from(f[1])).ok_or_else(|| invalid(field.to_string()))
}

fn percent(field: &str, p: u32) -> Result<()> {
    if p > 100 {
        return Err(invalid(format!("{field} = {p}：应在 0 到 100 之间")));
    }
    Ok(())
}

/// A.2 / A.3 value: round(initial × fraction) to a half day, not below the minimum.
fn rule_value(initial: Ratio, frac: Ratio, min: Ratio) -> Result<(Ratio, Ratio)> {
    let exact = initial
        .checked_mul(frac)
        .ok_or_else(|| overflow("规则值"))?;
    let rounded = exact.round_half_up().ok_or_else(|| overflow("规则值"))?;
    Ok((exact, rounded.max(min)))
}

fn fmt_percent(p: i64) -> String {
    if p > 0 {
        format!("+{p}%")
    } else if p < 0 {
        format!("−{}%", -p)
    } else {
        "0%".to_string()
    }
}

impl AuditTimeTable {
    /// The table shipped with the eepc-certification scheme.
    pub fn builtin() -> AuditTimeTable {
        // The shipped file is checked by the tests of this module.
        AuditTimeTable::from_toml_str(BUILTIN_AUDIT_TIME_TOML)
            .expect("schemes/eepc-certification/audit-time.toml is valid")
    }

    /// Load and validate a table in the format of `audit-time.toml`.
    pub fn from_toml_str(s: &str) -> Result<AuditTimeTable> {
        let raw: RawTable = toml::from_str(s).map_err(|e| AuditTimeError::TableToml {
            message: e.to_string(),
        })?;
        let r = &raw.rules;
        percent("rules.max_reduction_percent", r.max_reduction_percent)?;
        percent("rules.min_onsite_percent", r.min_onsite_percent)?;
        percent(
            "rules.multi_site_central_max_reduction_percent",
            r.multi_site_central_max_reduction_percent,
        )?;
        percent(
            "rules.multi_site_site_max_reduction_percent",
            r.multi_site_site_max_reduction_percent,
        )?;
        let ratios = RuleRatios {
            min_onsite: half_days("rules.min_onsite_days", r.min_onsite_days, true)?,
            onsite_share: Ratio::new(i128::from(r.min_onsite_percent), 100)
                .ok_or_else(|| invalid("rules.min_onsite_percent"))?,
            temp_extra: half_days(
                "rules.temporary_site_extra_days",
                r.temporary_site_extra_days,
                true,
            )?,
            surveillance: fraction("rules.surveillance_fraction", r.surveillance_fraction)?,
            recertification: fraction(
                "rules.recertification_fraction",
                r.recertification_fraction,
            )?,
            rule_min: half_days("rules.rule_min_days", r.rule_min_days, true)?,
        };

        if raw.band.is_empty() {
            return Err(invalid("没有 [[band]]：表 A.1 至少应有一档"));
        }
        let mut days = Vec::with_capacity(raw.band.len());
        let mut expect_min: u32 = 1;
        let last = raw.band.len() - 1;
        for (i, b) in raw.band.iter().enumerate() {
            let at = format!("第{}档（{}）", i + 1, b.label);
            if b.min != expect_min {
                return Err(invalid(format!(
                    "{at} min = {}：应为 {}（各档人数应从1开始连续、不重叠）",
                    b.min, expect_min
                )));
            }
            match (i == last, b.max) {
                (true, Some(m)) => {
                    return Err(invalid(format!(
                        "{at} max = {m}：最后一档不应有上限（“以上”）"
                    )))
                }
                (false, None) => {
                    return Err(invalid(format!("{at} 缺少 max：只有最后一档可以没有上限")))
                }
                (false, Some(m)) if m < b.min => {
                    return Err(invalid(format!("{at} max = {m} 小于 min = {}", b.min)))
                }
                (false, Some(m)) => {
                    expect_min = m
                        .checked_add(1)
                        .ok_or_else(|| invalid(format!("{at} max 过大")))?;
                }
                (true, None) => {}
            }
            let initial = half_days(&format!("{at} initial"), b.initial, false)?;
            let surveillance = half_days(&format!("{at} surveillance"), b.surveillance, false)?;
            let recertification =
                half_days(&format!("{at} recertification"), b.recertification, false)?;
            let (_, s_rule) = rule_value(initial, ratios.surveillance, ratios.rule_min)?;
            let (_, r_rule) = rule_value(initial, ratios.recertification, ratios.rule_min)?;
            for (name, stored, computed) in [
                ("surveillance_rule", b.surveillance_rule, s_rule),
                ("recertification_rule", b.recertification_rule, r_rule),
            ] {
                if let Some(v) = stored {
                    if Ratio::from_half_f64(v) != Some(computed) {
                        return Err(invalid(format!(
                            "{at} {name} = {v}：按规则计算应为 {}",
                            computed.display()
                        )));
                    }
                }
            }
            let differs = s_rule != surveillance || r_rule != recertification;
            if differs && b.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                return Err(invalid(format!(
                    "{at} 表值与 A.2/A.3 规则值不同（监督 {} / {}，再认证 {} / {}），应写 note 说明",
                    surveillance.display(),
                    s_rule.display(),
                    recertification.display(),
                    r_rule.display()
                )));
            }
            days.push(BandDays {
                initial,
                surveillance,
                recertification,
                surveillance_rule: s_rule,
                recertification_rule: r_rule,
            });
        }
        let mut ids = std::collections::BTreeSet::new();
        for it in &raw.interpretation {
            if !ids.insert(it.id.as_str()) {
                return Err(invalid(format!("interpretation id “{}” 重复", it.id)));
            }
        }
        let _ = raw.unit;
        Ok(AuditTimeTable {
            scheme: raw.scheme,
            source: raw.source,
            seed: raw.seed,
            seed_lines: raw.seed_lines,
            rules: raw.rules,
            bands: raw.band,
            interpretations: raw.interpretation,
            days,
            ratios,
        })
    }

    fn band_index(&self, headcount: u32, field: &str) -> Result<usize> {
        if headcount == 0 {
            return Err(AuditTimeError::ZeroHeadcount {
                field: field.to_string(),
            });
        }
        self.bands
            .iter()
            .position(|b| b.contains(headcount))
            .ok_or_else(|| invalid(format!("有效人数 {headcount} 不在任何一档内")))
    }

    /// The band of table A.1 that `headcount` falls in.
    pub fn band(&self, headcount: u32) -> Result<&Band> {
        let i = self.band_index(headcount, "有效人数")?;
        Ok(&self.bands[i])
    }

    fn table_ratio(&self, i: usize, t: AuditType) -> Ratio {
        let d = &self.days[i];
        match t {
            AuditType::Initial => d.initial,
            AuditType::Surveillance => d.surveillance,
            AuditType::Recertification => d.recertification,
        }
    }

    fn rule_ratio(&self, i: usize, t: AuditType) -> Option<Ratio> {
        let d = &self.days[i];
        match t {
            AuditType::Initial => None,
            AuditType::Surveillance => Some(d.surveillance_rule),
            AuditType::Recertification => Some(d.recertification_rule),
        }
    }

    /// Table A.1 value (person-days) for `headcount` and `audit_type`.
    pub fn table_days(&self, audit_type: AuditType, headcount: u32) -> Result<f64> {
        let i = self.band_index(headcount, "有效人数")?;
        Ok(self.table_ratio(i, audit_type).to_f64())
    }

    /// A.2 / A.3 rule value for `headcount`; `None` for initial audits.
    pub fn rule_days(&self, audit_type: AuditType, headcount: u32) -> Result<Option<f64>> {
        let i = self.band_index(headcount, "有效人数")?;
        Ok(self.rule_ratio(i, audit_type).map(Ratio::to_f64))
    }

    fn rule_lines(&self, i: usize, t: AuditType, trace: &mut Vec<String>) -> Option<String> {
        let (frac, clause, frac_txt) = match t {
            AuditType::Initial => return None,
            AuditType::Surveillance => (self.ratios.surveillance, "A.2", {
                let f = self.rules.surveillance_fraction;
                format!("{}/{}", f[0], f[1])
            }),
            AuditType::Recertification => (self.ratios.recertification, "A.3", {
                let f = self.rules.recertification_fraction;
                format!("{}/{}", f[0], f[1])
            }),
        };
        let d = &self.days[i];
        let exact = d.initial.checked_mul(frac).unwrap_or(Ratio::ZERO);
        let table = self.table_ratio(i, t);
        let rule = self.rule_ratio(i, t).unwrap_or(table);
        trace.push(format!(
            "{clause} 规则对照：初审基准人日 {} × {frac_txt} = {}，取最接近的半人日且不少于 {} 人日 → {} 人日{}",
            d.initial.display(),
            exact.display(),
            self.ratios.rule_min.display(),
            rule.display(),
            if rule == table {
                "，与表 A.1 一致".to_string()
            } else {
                format!("，与表 A.1 的 {} 人日不同；按表 A.1 计算", table.display())
            }
        ));
        if rule == table {
            None
        } else {
            Some(self.bands[i].note.clone().unwrap_or_else(|| {
                format!(
                    "表 A.1 为 {} 人日，{clause} 规则值为 {} 人日",
                    table.display(),
                    rule.display()
                )
            }))
        }
    }

    /// Net adjustment percent of `adjustments`, checked against `limit`; returns the adjusted
    /// days and trace lines.
    fn adjust(
        &self,
        who: &str,
        base: Ratio,
        adjustments: &[Adjustment],
        limit: u32,
        trace: &mut Vec<String>,
    ) -> Result<(i64, Ratio)> {
        let mut net: i64 = 0;
        for a in adjustments {
            net = net
                .checked_add(i64::from(a.percent))
                .ok_or_else(|| overflow("调整比例合计"))?;
        }
        if adjustments.is_empty() {
            trace.push(format!(
                "{who}：无调整，调整后审核时间 = 基准人日 {} 人日",
                base.display()
            ));
        } else {
            let items: Vec<String> = adjustments
                .iter()
                .map(|a| format!("“{}” {}", a.reason, fmt_percent(i64::from(a.percent))))
                .collect();
            trace.push(format!(
                "{who}的调整：{}；净调整 {}（减少不得超过基准人日的 {limit}%）",
                items.join("；"),
                fmt_percent(net)
            ));
        }
        let floor = base
            .checked_mul(
                Ratio::new(100 - i128::from(limit), 100).ok_or_else(|| overflow("减少上限"))?,
            )
            .ok_or_else(|| overflow("减少上限"))?;
        if net < -i64::from(limit) {
            return Err(AuditTimeError::ReductionTooLarge {
                who: who.to_string(),
                reduction_percent: -net,
                limit_percent: limit,
                base_days: base.display(),
                floor_days: floor.display(),
            });
        }
        let factor = Ratio::new(100 + i128::from(net), 100).ok_or_else(|| overflow("调整比例"))?;
        let adjusted = base
            .checked_mul(factor)
            .ok_or_else(|| overflow("调整后人日"))?;
        if !adjustments.is_empty() {
            trace.push(format!(
                "{who}调整后审核时间：{} × {}% = {} 人日",
                base.display(),
                100 + net,
                adjusted.display()
            ));
        }
        Ok((net, adjusted))
    }

    /// The audit time: the exact adjusted time rounded to the nearest half day (ties up), not
    /// below the minimum on-site time.
    fn audit_time(&self, adjusted: Ratio, trace: &mut Vec<String>) -> Result<Ratio> {
        let rounded = adjusted
            .round_half_up()
            .ok_or_else(|| overflow("审核时间"))?;
        let audit = rounded.max(self.ratios.min_onsite);
        let mut line = format!(
            "审核时间（IAF MD 5 2.2.3：全部调整后取最接近的半人日）：{} 人日",
            adjusted.display()
        );
        if rounded == adjusted {
            line.push_str("，已是半人日的整数倍");
        } else {
            line.push_str(&format!(" → {} 人日", rounded.display()));
            if rounded
                .checked_add(Ratio::new(-1, 4).ok_or_else(|| overflow("审核时间"))?)
                .is_some_and(|r| r == adjusted)
            {
                line.push_str("（恰在两个半人日正中，进位）");
            }
        }
        if audit != rounded {
            line.push_str(&format!(
                "，不低于最少现场审核时间 {} 人日 → {} 人日",
                self.ratios.min_onsite.display(),
                audit.display()
            ));
        }
        trace.push(line);
        Ok(audit)
    }

    /// Minimum on-site time from the (rounded) audit time.
    fn onsite(&self, audit: Ratio, trace: &mut Vec<String>) -> Result<Ratio> {
        let share = audit
            .checked_mul(self.ratios.onsite_share)
            .ok_or_else(|| overflow("现场审核时间"))?;
        let raised = share.max(self.ratios.min_onsite);
        let rounded = raised
            .round_half_up()
            .ok_or_else(|| overflow("现场审核时间"))?
            .max(self.ratios.min_onsite);
        let mut line = format!(
            "最少现场审核时间（注1、注2）：审核时间 {} × {}% = {}",
            audit.display(),
            self.rules.min_onsite_percent,
            share.display()
        );
        if raised != share {
            line.push_str(&format!(
                "，不低于 {} 人日 → {}",
                self.ratios.min_onsite.display(),
                raised.display()
            ));
        }
        if rounded != raised {
            line.push_str(&format!("，取最接近的半人日 → {} 人日", rounded.display()));
        } else {
            line.push_str(" 人日");
        }
        trace.push(line);
        if rounded < share {
            trace.push(format!(
                "注意：按注2取最接近的半人日后（{} 人日）略低于审核时间的 {}%（{} 人日）",
                rounded.display(),
                self.rules.min_onsite_percent,
                share.display()
            ));
        }
        Ok(rounded)
    }

    /// Compute the audit time of one audit.
    pub fn compute(&self, req: &AuditTimeRequest) -> Result<AuditTime> {
        let t = req.audit_type;
        let i = self.band_index(req.headcount, "组织有效人数")?;
        let band = &self.bands[i];
        let table = self.table_ratio(i, t);
        let mut trace = vec![format!(
            "{}：组织有效人数 {} 人，属表 A.1 “{}” 档，表 A.1 {}基准人日 {} 人日",
            t.name_zh(),
            req.headcount,
            band.label,
            t.name_zh(),
            table.display()
        )];
        let rule_note = self.rule_lines(i, t, &mut trace);
        if t != AuditType::Initial {
            trace.push(format!(
                "A.2/A.3 注1：以本次审核时的有效人数重新查表；表 A.1 注1的调整与现场时间规则同样适用于{}",
                t.name_zh()
            ));
        }

        let limit = self.rules.max_reduction_percent;
        let (base, net, adjusted, sites) = match &req.sites {
            SiteStructure::Single => {
                let (net, adjusted) =
                    self.adjust("组织", table, &req.adjustments, limit, &mut trace)?;
                (table, net, adjusted, Vec::new())
            }
            SiteStructure::Temporary { count } => {
                if *count == 0 {
                    return Err(AuditTimeError::NoTemporarySites);
                }
                let extra = self
                    .ratios
                    .temp_extra
                    .checked_mul(Ratio::int(i128::from(*count)))
                    .ok_or_else(|| overflow("临时场所增加人日"))?;
                let base = table
                    .checked_add(extra)
                    .ok_or_else(|| overflow("基准人日"))?;
                trace.push(format!(
                    "临时场所（注3 2)）：{count} 个，每个增加 {} 人日，基准人日 = {} + {} = {} 人日",
                    self.ratios.temp_extra.display(),
                    table.display(),
                    extra.display(),
                    base.display()
                ));
                let (net, adjusted) =
                    self.adjust("组织", base, &req.adjustments, limit, &mut trace)?;
                (base, net, adjusted, Vec::new())
            }
            SiteStructure::Listed {
                central_headcount,
                sites,
            } => {
                if sites.is_empty() {
                    return Err(AuditTimeError::NoSites);
                }
                let sum: u64 = u64::from(*central_headcount)
                    + sites.iter().map(|s| u64::from(s.headcount)).sum::<u64>();
                if sum > u64::from(req.headcount) {
                    return Err(AuditTimeError::HeadcountMismatch {
                        total: req.headcount,
                        sum,
                    });
                }
                trace.push(format!(
                    "多场所（注3 1)，分场所在证书中显示）：中心办公室与 {} 个抽样分场所分别按各自有效人数查表 A.1",
                    sites.len()
                ));
                let mut out = Vec::with_capacity(sites.len() + 1);
                let mut base_sum = Ratio::ZERO;
                let mut adjusted_sum = Ratio::ZERO;
                let entries = std::iter::once((
                    "中心办公室".to_string(),
                    SiteRole::Central,
                    *central_headcount,
                    req.adjustments.as_slice(),
                ))
                .chain(sites.iter().enumerate().map(|(k, s)| {
                    let name = if s.name.trim().is_empty() {
                        format!("分场所{}", k + 1)
                    } else {
                        s.name.clone()
                    };
                    (name, SiteRole::Site, s.headcount, s.adjustments.as_slice())
                }));
                for (name, role, hc, adjs) in entries {
                    let field = match role {
                        SiteRole::Central => "中心办公室有效人数".to_string(),
                        SiteRole::Site => format!("分场所“{name}”有效人数"),
                    };
                    let j = self.band_index(hc, &field)?;
                    let b = self.table_ratio(j, t);
                    let site_limit = match role {
                        SiteRole::Central => self.rules.multi_site_central_max_reduction_percent,
                        SiteRole::Site => self.rules.multi_site_site_max_reduction_percent,
                    };
                    trace.push(format!(
                        "{name}：有效人数 {hc} 人，“{}” 档，表 A.1 {} 人日",
                        self.bands[j].label,
                        b.display()
                    ));
                    let (n, a) = self.adjust(&name, b, adjs, site_limit, &mut trace)?;
                    base_sum = base_sum.checked_add(b).ok_or_else(|| overflow("合计"))?;
                    adjusted_sum = adjusted_sum
                        .checked_add(a)
                        .ok_or_else(|| overflow("合计"))?;
                    out.push(SiteTime {
                        name,
                        role,
                        headcount: hc,
                        band: self.bands[j].label.clone(),
                        base_days: b.to_f64(),
                        rule_days: self.rule_ratio(j, t).map(Ratio::to_f64),
                        adjustment_percent: n,
                        max_reduction_percent: site_limit,
                        adjusted_days: a.to_f64(),
                    });
                }
                let adjusted = adjusted_sum.max(table);
                trace.push(format!(
                    "各场所合计：基准 {} 人日，调整后 {} 人日；按组织总有效人数 {} 人查表为 {} 人日{}",
                    base_sum.display(),
                    adjusted_sum.display(),
                    req.headcount,
                    table.display(),
                    if adjusted_sum < table {
                        format!("，合计不得低于此值 → 取 {} 人日", table.display())
                    } else {
                        "，合计不低于此值".to_string()
                    }
                ));
                (base_sum, 0, adjusted, out)
            }
        };
        let audit = self.audit_time(adjusted, &mut trace)?;
        let onsite = self.onsite(audit, &mut trace)?;
        trace.push("技术专家和实习审核员的时间不计入审核人日".to_string());
        Ok(AuditTime {
            audit_type: t,
            headcount: req.headcount,
            band: band.label.clone(),
            table_days: table.to_f64(),
            rule_days: self.rule_ratio(i, t).map(Ratio::to_f64),
            rule_note,
            base_days: base.to_f64(),
            adjustment_percent: net,
            adjusted_days: adjusted.to_f64(),
            audit_days: audit.to_f64(),
            min_onsite_days: onsite.to_f64(),
            sites,
            trace,
        })
    }

    /// Single-site audit time without adjustments.
    pub fn simple(&self, audit_type: AuditType, headcount: u32) -> Result<AuditTime> {
        self.compute(&AuditTimeRequest {
            audit_type,
            headcount,
            adjustments: Vec::new(),
            sites: SiteStructure::Single,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> AuditTimeTable {
        AuditTimeTable::builtin()
    }

    fn req(t: AuditType, headcount: u32, adj: &[i32]) -> AuditTimeRequest {
        AuditTimeRequest {
            audit_type: t,
            headcount,
            adjustments: adj
                .iter()
                .enumerate()
                .map(|(k, p)| Adjustment {
                    reason: format!("因素{}", k + 1),
                    percent: *p,
                })
                .collect(),
            sites: SiteStructure::Single,
        }
    }

    /// Table A.1 as printed in seed 003 lines 415–422 (independent of the data file).
    const PRINTED: [(u32, Option<u32>, f64, f64, f64); 7] = [
        (1, Some(50), 2.0, 1.0, 1.5),
        (51, Some(100), 2.5, 1.0, 1.5),
        (101, Some(200), 3.0, 1.0, 2.0),
        (201, Some(300), 4.0, 1.5, 2.0),
        (301, Some(500), 5.0, 1.5, 3.0),
        (501, Some(1000), 6.0, 2.0, 3.5),
        (1001, None, 7.5, 2.0, 5.0),
    ];

    #[test]
    fn builtin_matches_the_printed_table() {
        let t = table();
        assert_eq!(t.scheme, "eepc-certification");
        assert_eq!(t.bands.len(), PRINTED.len());
        for (b, p) in t.bands.iter().zip(PRINTED) {
            assert_eq!((b.min, b.max), (p.0, p.1));
            assert_eq!(
                (b.initial, b.surveillance, b.recertification),
                (p.2, p.3, p.4)
            );
        }
        assert!(t.interpretations.len() >= 5);
        assert!(t.interpretations.iter().all(|i| i.decision == "I-8"));
    }

    #[test]
    fn every_band_and_audit_type_at_both_ends() {
        let t = table();
        for (min, max, init, surv, recert) in PRINTED {
            let ends = [min, max.unwrap_or(50_000), max.unwrap_or(u32::MAX)];
            for hc in ends {
                for (ty, want) in [
                    (AuditType::Initial, init),
                    (AuditType::Surveillance, surv),
                    (AuditType::Recertification, recert),
                ] {
                    let r = t.simple(ty, hc).unwrap();
                    assert_eq!(r.table_days, want, "{hc} {ty}");
                    assert_eq!(r.base_days, want);
                    assert_eq!(r.adjusted_days, want);
                    assert_eq!(t.table_days(ty, hc).unwrap(), want);
                    // without adjustments, on-site minimum = round(max(0.8 × base, 1))
                    let expect_onsite = match want {
                        x if x <= 1.25 => 1.0, // 0.8 × 1 = 0.8 -> 1 ; 0.8 × 1.5 = 1.2 -> 1
                        x => {
                            let v = x * 0.8;
                            (v * 2.0 + 0.5).floor() / 2.0
                        }
                    };
                    assert_eq!(r.min_onsite_days, expect_onsite, "{hc} {ty}");
                }
            }
        }
    }

    #[test]
    fn onsite_minimum_per_table_value() {
        // explicit values: 0.8 × base, rounded to the nearest half, at least 1
        let t = table();
        let cases = [
            (AuditType::Initial, 10, 1.5),           // 2 × 0.8 = 1.6 -> 1.5
            (AuditType::Initial, 60, 2.0),           // 2.5 × 0.8 = 2.0
            (AuditType::Initial, 150, 2.5),          // 3 × 0.8 = 2.4 -> 2.5
            (AuditType::Initial, 250, 3.0),          // 4 × 0.8 = 3.2 -> 3
            (AuditType::Initial, 400, 4.0),          // 5 × 0.8 = 4.0
            (AuditType::Initial, 800, 5.0),          // 6 × 0.8 = 4.8 -> 5
            (AuditType::Initial, 5000, 6.0),         // 7.5 × 0.8 = 6.0
            (AuditType::Surveillance, 10, 1.0),      // 1 × 0.8 = 0.8 -> at least 1
            (AuditType::Surveillance, 250, 1.0),     // 1.5 × 0.8 = 1.2 -> 1
            (AuditType::Surveillance, 800, 1.5),     // 2 × 0.8 = 1.6 -> 1.5
            (AuditType::Recertification, 10, 1.0),   // 1.5 × 0.8 = 1.2 -> 1
            (AuditType::Recertification, 150, 1.5),  // 2 × 0.8 = 1.6 -> 1.5
            (AuditType::Recertification, 400, 2.5),  // 3 × 0.8 = 2.4 -> 2.5
            (AuditType::Recertification, 800, 3.0),  // 3.5 × 0.8 = 2.8 -> 3
            (AuditType::Recertification, 5000, 4.0), // 5 × 0.8 = 4.0
        ];
        for (ty, hc, want) in cases {
            assert_eq!(t.simple(ty, hc).unwrap().min_onsite_days, want, "{ty} {hc}");
        }
    }

    #[test]
    fn rule_values_and_the_four_differing_cells() {
        let t = table();
        let rules: [(f64, f64); 7] = [
            (1.0, 1.5),
            (1.0, 1.5),
            (1.0, 2.0),
            (1.5, 2.5),
            (1.5, 3.5),
            (2.0, 4.0),
            (2.5, 5.0),
        ];
        let mut differing = Vec::new();
        for ((min, _, _, surv, recert), (s_rule, r_rule)) in PRINTED.iter().zip(rules) {
            assert_eq!(
                t.rule_days(AuditType::Surveillance, *min).unwrap(),
                Some(s_rule)
            );
            assert_eq!(
                t.rule_days(AuditType::Recertification, *min).unwrap(),
                Some(r_rule)
            );
            assert_eq!(t.rule_days(AuditType::Initial, *min).unwrap(), None);
            if s_rule != *surv {
                differing.push(("surveillance", *min));
            }
            if r_rule != *recert {
                differing.push(("recertification", *min));
            }
        }
        assert_eq!(
            differing,
            vec![
                ("recertification", 201),
                ("recertification", 301),
                ("recertification", 501),
                ("surveillance", 1001),
            ]
        );
        // results carry a note exactly in those cells
        for (ty, hc) in [
            (AuditType::Recertification, 250),
            (AuditType::Recertification, 400),
            (AuditType::Recertification, 700),
            (AuditType::Surveillance, 2000),
        ] {
            let r = t.simple(ty, hc).unwrap();
            assert!(r.rule_note.is_some(), "{ty} {hc}");
            assert_ne!(r.rule_days, Some(r.table_days));
            assert!(r.trace.iter().any(|l| l.contains("按表 A.1 计算")));
        }
        let r = t.simple(AuditType::Surveillance, 250).unwrap();
        assert_eq!(r.rule_note, None);
        assert!(r.trace.iter().any(|l| l.contains("与表 A.1 一致")));
        assert_eq!(t.simple(AuditType::Initial, 250).unwrap().rule_note, None);
    }

    #[test]
    fn zero_headcount_is_an_error() {
        let t = table();
        for ty in AuditType::ALL {
            let e = t.simple(ty, 0).unwrap_err();
            assert_eq!(
                e,
                AuditTimeError::ZeroHeadcount {
                    field: "组织有效人数".into()
                }
            );
            assert_eq!(e.to_string(), "组织有效人数为0：有效人数应为不小于1的整数");
        }
        assert!(t.band(0).is_err());
        assert!(t.table_days(AuditType::Initial, 0).is_err());
    }

    #[test]
    fn reduction_limit_30_percent() {
        let t = table();
        // exactly 30 % is allowed: 5 × 70 % = 3.5
        let r = t
            .compute(&req(AuditType::Initial, 400, &[-20, -10]))
            .unwrap();
        assert_eq!(r.adjustment_percent, -30);
        assert_eq!(r.adjusted_days, 3.5);
        assert_eq!(r.min_onsite_days, 3.0); // 3.5 × 0.8 = 2.8 -> 3
                                            // 31 % is not
        let e = t
            .compute(&req(AuditType::Initial, 400, &[-31]))
            .unwrap_err();
        assert_eq!(
            e,
            AuditTimeError::ReductionTooLarge {
                who: "组织".into(),
                reduction_percent: 31,
                limit_percent: 30,
                base_days: "5".into(),
                floor_days: "3.5".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "组织的审核时间净减少31%，超过上限30%：基准人日 5，调整后不得少于 3.5 人日"
        );
        // increases offset reductions (net −30 %)
        let r = t
            .compute(&req(AuditType::Initial, 400, &[-40, 10]))
            .unwrap();
        assert_eq!(r.adjusted_days, 3.5);
        // increases are not limited
        let r = t.compute(&req(AuditType::Initial, 400, &[50])).unwrap();
        assert_eq!(r.adjusted_days, 7.5);
        assert_eq!(r.min_onsite_days, 6.0);
    }

    #[test]
    fn rounding_edges() {
        let t = table();
        let temp = |hc: u32, count: u32, p: i32| {
            let mut q = req(AuditType::Initial, hc, &[p]);
            q.sites = SiteStructure::Temporary { count };
            t.compute(&q).unwrap()
        };
        // (adjusted, min on-site): min on-site = (adjusted rounded to the nearest half day)
        // × 80 %, rounded to the nearest half day
        let r = t.compute(&req(AuditType::Initial, 60, &[-10])).unwrap();
        assert_eq!((r.adjusted_days, r.min_onsite_days), (2.25, 2.0)); // 1.8 -> 2
        let r = t.compute(&req(AuditType::Initial, 2000, &[-25])).unwrap();
        assert_eq!((r.adjusted_days, r.min_onsite_days), (5.625, 4.5)); // 4.5 exact
        let r = t.compute(&req(AuditType::Initial, 800, &[-25])).unwrap();
        assert_eq!((r.adjusted_days, r.min_onsite_days), (4.5, 3.5)); // 3.6 -> 3.5
        let r = t.compute(&req(AuditType::Initial, 2000, &[-30])).unwrap();
        // I-8 rounds the final audit time first: 5.25 -> 5.5, 5.5 × 80 % = 4.4 -> 4.5
        // (before, 80 % of the unrounded 5.25 = 4.2 -> 4)
        assert_eq!((r.adjusted_days, r.min_onsite_days), (5.25, 4.5));
        let r = temp(150, 1, -10); // (3 + 0.5) × 90 %
        assert_eq!((r.adjusted_days, r.min_onsite_days), (3.15, 2.5)); // 2.52 -> 2.5
        let r = temp(10, 3, -25); // (2 + 1.5) × 75 %
        assert_eq!((r.adjusted_days, r.min_onsite_days), (2.625, 2.0)); // 2.1 -> 2
        let r = temp(10, 4, -29); // (2 + 2) × 71 %
        assert_eq!((r.adjusted_days, r.min_onsite_days), (2.84, 2.5)); // 2.272 -> 2.5
                                                                       // 2.8 -> 3, 3 × 80 % = 2.4 -> 2.5 (before, 80 % of the unrounded 2.8 = 2.24 -> 2)
        let r = t.compute(&req(AuditType::Initial, 250, &[-30])).unwrap();
        assert_eq!((r.adjusted_days, r.min_onsite_days), (2.8, 2.5));
        assert!(!r.trace.iter().any(|l| l.starts_with("注意：")));
        // the on-site minimum rounded below 80 % is still reported: 6 × 70 % = 4.2 -> 4,
        // 4 × 80 % = 3.2 -> 3
        let r = t.compute(&req(AuditType::Initial, 800, &[-30])).unwrap();
        assert_eq!((r.adjusted_days, r.min_onsite_days), (4.2, 3.0));
        assert!(r.trace.iter().any(|l| l.starts_with("注意：")));
        // never below 1 day: 1 × 70 % = 0.7, × 80 % = 0.56 -> 1
        let r = t
            .compute(&req(AuditType::Surveillance, 10, &[-30]))
            .unwrap();
        assert_eq!((r.adjusted_days, r.min_onsite_days), (0.7, 1.0));
        assert!(r.trace.iter().any(|l| l.contains("不低于 1 人日")));
    }

    #[test]
    fn final_audit_time_is_rounded_to_the_nearest_half_day() {
        let t = table();
        // (headcount, reduction) -> (exact, audit time, min on-site), worked by hand:
        // 2.5 × 90 % = 2.25 -> 2.5 (a quarter rounds up), 2.5 × 80 % = 2
        // 4 × 80 % = 3.2 -> 3, 3 × 80 % = 2.4 -> 2.5
        // 7.5 × 70 % = 5.25 -> 5.5 (a quarter rounds up), 5.5 × 80 % = 4.4 -> 4.5
        for (hc, p, exact, audit, onsite) in [
            (60, -10, 2.25, 2.5, 2.0),
            (250, -20, 3.2, 3.0, 2.5),
            (1500, -30, 5.25, 5.5, 4.5),
        ] {
            let r = t.compute(&req(AuditType::Initial, hc, &[p])).unwrap();
            assert_eq!(
                (r.adjusted_days, r.audit_days, r.min_onsite_days),
                (exact, audit, onsite),
                "{hc} {p}%"
            );
        }
        // both figures are in the trace, and a tie says it rounded up
        let r = t.compute(&req(AuditType::Initial, 60, &[-10])).unwrap();
        let text = r.trace.join("\n");
        assert!(
            text.contains("2.25 人日 → 2.5 人日（恰在两个半人日正中，进位）"),
            "{text}"
        );
        let r = t.compute(&req(AuditType::Initial, 250, &[-20])).unwrap();
        let text = r.trace.join("\n");
        assert!(text.contains("3.2 人日 → 3 人日"), "{text}");
        assert!(!text.contains("进位"), "{text}");
        // three quarters round up as well: 1 × 175 % = 1.75 -> 2
        let r = t.compute(&req(AuditType::Surveillance, 10, &[75])).unwrap();
        assert_eq!((r.adjusted_days, r.audit_days), (1.75, 2.0));
        // an exact half-day multiple is kept and said so
        let r = t.compute(&req(AuditType::Initial, 400, &[-30])).unwrap();
        assert_eq!((r.adjusted_days, r.audit_days), (3.5, 3.5));
        assert!(r.trace.iter().any(|l| l.contains("已是半人日的整数倍")));
    }

    #[test]
    fn audit_time_is_not_below_the_minimum_onsite_day() {
        let t = table();
        // 1 × 70 % = 0.7 rounds to 0.5, but on-site time alone is at least 1 day
        let r = t
            .compute(&req(AuditType::Surveillance, 10, &[-30]))
            .unwrap();
        assert_eq!(
            (r.adjusted_days, r.audit_days, r.min_onsite_days),
            (0.7, 1.0, 1.0)
        );
        assert!(r
            .trace
            .iter()
            .any(|l| l.contains("0.7 人日 → 0.5 人日，不低于最少现场审核时间 1 人日 → 1 人日")));
        // 1 × 80 % = 0.8 rounds to 1 by itself
        let r = t
            .compute(&req(AuditType::Surveillance, 10, &[-20]))
            .unwrap();
        assert_eq!((r.adjusted_days, r.audit_days), (0.8, 1.0));
        assert!(!r.trace.iter().any(|l| l.contains("不低于最少现场审核时间")));
    }

    #[test]
    fn rounding_agrees_with_integer_arithmetic_everywhere() {
        // Reference in integers: with the base b half days and a net adjustment p %, the exact
        // time is b × (100 + p) / 200 days; to the nearest half day (ties up) that is
        // floor((2b(100 + p) + 100) / 200) halves; on-site is 80 % of that, rounded likewise.
        let t = table();
        for (min, _, init, surv, recert) in PRINTED {
            for (ty, base) in [
                (AuditType::Initial, init),
                (AuditType::Surveillance, surv),
                (AuditType::Recertification, recert),
            ] {
                let b = (base * 2.0) as i64;
                for p in -30..=60i64 {
                    let r = t.compute(&req(ty, min, &[p as i32])).unwrap();
                    let halves = ((2 * b * (100 + p) + 100) / 200).max(2);
                    assert_eq!(r.audit_days, halves as f64 / 2.0, "{ty} {min} {p}%");
                    let onsite = ((8 * halves + 5) / 10).max(2);
                    assert_eq!(r.min_onsite_days, onsite as f64 / 2.0, "{ty} {min} {p}%");
                    assert!((r.audit_days - r.adjusted_days).abs() <= 0.25 || halves == 2);
                }
            }
        }
    }

    #[test]
    fn exact_quarter_rounds_up() {
        // With whole percents and the printed bases, 80 % of the adjusted time never lands on
        // an exact quarter; a table with a 75 % on-site share reaches 3 × 75 % = 2.25.
        let s =
            BUILTIN_AUDIT_TIME_TOML.replace("min_onsite_percent = 80", "min_onsite_percent = 75");
        let t = AuditTimeTable::from_toml_str(&s).unwrap();
        let r = t.simple(AuditType::Initial, 150).unwrap(); // 3 × 75 % = 2.25
        assert_eq!(r.min_onsite_days, 2.5);
        let r = t.simple(AuditType::Recertification, 2000).unwrap(); // 5 × 75 % = 3.75
        assert_eq!(r.min_onsite_days, 4.0);
    }

    #[test]
    fn temporary_sites_add_half_a_day_each() {
        let t = table();
        for (ty, hc, count, want) in [
            (AuditType::Initial, 120, 1, 3.5),
            (AuditType::Initial, 120, 4, 5.0),
            (AuditType::Surveillance, 120, 2, 2.0),
            (AuditType::Recertification, 1500, 3, 6.5),
        ] {
            let mut q = req(ty, hc, &[]);
            q.sites = SiteStructure::Temporary { count };
            let r = t.compute(&q).unwrap();
            assert_eq!(r.base_days, want, "{ty} {hc} {count}");
            assert_eq!(r.adjusted_days, want);
            assert!(r.trace.iter().any(|l| l.contains("临时场所")));
        }
        let mut q = req(AuditType::Initial, 120, &[]);
        q.sites = SiteStructure::Temporary { count: 0 };
        assert_eq!(t.compute(&q).unwrap_err(), AuditTimeError::NoTemporarySites);
        // the 30 % limit applies to the raised base: (3 + 1) × 70 % = 2.8
        let mut q = req(AuditType::Initial, 120, &[-30]);
        q.sites = SiteStructure::Temporary { count: 2 };
        assert_eq!(t.compute(&q).unwrap().adjusted_days, 2.8);
        q.adjustments[0].percent = -35;
        assert!(matches!(
            t.compute(&q).unwrap_err(),
            AuditTimeError::ReductionTooLarge {
                limit_percent: 30,
                ..
            }
        ));
        // a huge number of temporary sites does not panic
        let mut q = req(AuditType::Initial, 120, &[]);
        q.sites = SiteStructure::Temporary { count: u32::MAX };
        let r = t.compute(&q).unwrap();
        assert_eq!(r.base_days, 3.0 + 0.5 * f64::from(u32::MAX));
    }

    fn site(name: &str, hc: u32, adj: &[i32]) -> SiteInput {
        SiteInput {
            name: name.into(),
            headcount: hc,
            adjustments: adj
                .iter()
                .map(|p| Adjustment {
                    reason: "职能简单".into(),
                    percent: *p,
                })
                .collect(),
        }
    }

    #[test]
    fn multi_site_sums_own_lookups() {
        let t = table();
        let q = AuditTimeRequest {
            audit_type: AuditType::Initial,
            headcount: 700,
            adjustments: vec![],
            sites: SiteStructure::Listed {
                central_headcount: 100,
                sites: vec![site("苏州工厂", 300, &[]), site("无锡仓库", 40, &[])],
            },
        };
        let r = t.compute(&q).unwrap();
        // 2.5 + 4 + 2 = 8.5 ≥ lookup(700) = 6
        assert_eq!(r.table_days, 6.0);
        assert_eq!(r.base_days, 8.5);
        assert_eq!(r.adjusted_days, 8.5);
        assert_eq!(r.min_onsite_days, 7.0); // 6.8 -> 7
        assert_eq!(r.sites.len(), 3);
        assert_eq!(r.sites[0].role, SiteRole::Central);
        assert_eq!(r.sites[0].max_reduction_percent, 30);
        assert_eq!(r.sites[1].max_reduction_percent, 50);
        assert_eq!(r.sites[1].band, "201-300");
        assert_eq!(r.sites[2].base_days, 2.0);
    }

    #[test]
    fn multi_site_reductions_and_floor() {
        let t = table();
        let q = AuditTimeRequest {
            audit_type: AuditType::Initial,
            headcount: 1200,
            adjustments: vec![Adjustment {
                reason: "中心办公室只负责管理".into(),
                percent: -30,
            }],
            sites: SiteStructure::Listed {
                central_headcount: 60,
                sites: vec![site("一厂", 600, &[-50]), site("二厂", 540, &[-50])],
            },
        };
        let r = t.compute(&q).unwrap();
        // 2.5 × 70 % + 6 × 50 % + 6 × 50 % = 1.75 + 3 + 3 = 7.75 ≥ 7.5
        assert_eq!(r.base_days, 14.5);
        assert_eq!(r.adjusted_days, 7.75);
        // 7.75 -> 8 (a quarter rounds up), 8 × 80 % = 6.4 -> 6.5
        // (before, 80 % of the unrounded 7.75 = 6.2 -> 6)
        assert_eq!(r.audit_days, 8.0);
        assert_eq!(r.min_onsite_days, 6.5);
        // floor: sites reduced below the total-headcount lookup
        let q = AuditTimeRequest {
            audit_type: AuditType::Initial,
            headcount: 1100,
            adjustments: vec![Adjustment {
                reason: "x".into(),
                percent: -30,
            }],
            sites: SiteStructure::Listed {
                central_headcount: 20,
                sites: vec![site("一厂", 540, &[-50]), site("二厂", 540, &[-50])],
            },
        };
        let r = t.compute(&q).unwrap();
        // 2 × 70 % + 3 + 3 = 7.4 < 7.5 -> 7.5
        assert_eq!(r.adjusted_days, 7.5);
        assert!(r.trace.iter().any(|l| l.contains("合计不得低于此值")));
        // site reduction limit 50 %
        let q = AuditTimeRequest {
            audit_type: AuditType::Surveillance,
            headcount: 200,
            adjustments: vec![],
            sites: SiteStructure::Listed {
                central_headcount: 50,
                sites: vec![site("门店", 100, &[-51])],
            },
        };
        let e = t.compute(&q).unwrap_err();
        assert_eq!(
            e,
            AuditTimeError::ReductionTooLarge {
                who: "门店".into(),
                reduction_percent: 51,
                limit_percent: 50,
                base_days: "1".into(),
                floor_days: "0.5".into()
            }
        );
        // central office limit 30 %
        let q = AuditTimeRequest {
            audit_type: AuditType::Initial,
            headcount: 200,
            adjustments: vec![Adjustment {
                reason: "x".into(),
                percent: -40,
            }],
            sites: SiteStructure::Listed {
                central_headcount: 50,
                sites: vec![site("门店", 100, &[-40])],
            },
        };
        assert!(matches!(
            t.compute(&q).unwrap_err(),
            AuditTimeError::ReductionTooLarge { ref who, limit_percent: 30, .. } if who == "中心办公室"
        ));
    }

    #[test]
    fn multi_site_input_errors() {
        let t = table();
        let mk = |total: u32, central: u32, sites: Vec<SiteInput>| AuditTimeRequest {
            audit_type: AuditType::Initial,
            headcount: total,
            adjustments: vec![],
            sites: SiteStructure::Listed {
                central_headcount: central,
                sites,
            },
        };
        assert_eq!(
            t.compute(&mk(100, 50, vec![])).unwrap_err(),
            AuditTimeError::NoSites
        );
        let e = t
            .compute(&mk(100, 50, vec![site("a", 60, &[])]))
            .unwrap_err();
        assert_eq!(
            e,
            AuditTimeError::HeadcountMismatch {
                total: 100,
                sum: 110
            }
        );
        assert!(e
            .to_string()
            .contains("小于中心办公室与所列分场所人数之和 110"));
        let e = t
            .compute(&mk(100, 0, vec![site("a", 60, &[])]))
            .unwrap_err();
        assert_eq!(
            e,
            AuditTimeError::ZeroHeadcount {
                field: "中心办公室有效人数".into()
            }
        );
        let e = t.compute(&mk(100, 10, vec![site("", 0, &[])])).unwrap_err();
        assert_eq!(
            e,
            AuditTimeError::ZeroHeadcount {
                field: "分场所“分场所1”有效人数".into()
            }
        );
        // unsampled sites make the total larger than the sum: allowed
        assert!(t.compute(&mk(1000, 10, vec![site("a", 60, &[])])).is_ok());
        // sums do not overflow
        let e = t
            .compute(&mk(
                u32::MAX,
                u32::MAX,
                vec![site("a", u32::MAX, &[]), site("b", u32::MAX, &[])],
            ))
            .unwrap_err();
        assert!(matches!(e, AuditTimeError::HeadcountMismatch { .. }));
    }

    #[test]
    fn extreme_adjustments_do_not_panic() {
        let t = table();
        let r = t
            .compute(&req(AuditType::Initial, 10, &[i32::MAX, i32::MAX]))
            .unwrap();
        assert!(r.adjusted_days > 8.5e7);
        let e = t
            .compute(&req(AuditType::Initial, 10, &[i32::MIN, i32::MIN]))
            .unwrap_err();
        assert!(matches!(e, AuditTimeError::ReductionTooLarge { .. }));
    }

    #[test]
    fn trace_explains_each_step() {
        let t = table();
        let mut q = req(AuditType::Recertification, 400, &[-10]);
        q.adjustments[0].reason = "低风险".into();
        let r = t.compute(&q).unwrap();
        assert_eq!(r.adjusted_days, 2.7);
        assert_eq!(r.min_onsite_days, 2.0); // 2.16 -> 2
        let text = r.trace.join("\n");
        for needle in [
            "再认证审核：组织有效人数 400 人，属表 A.1 “301-500” 档",
            "A.3 规则对照：初审基准人日 5 × 2/3 = ≈3.333（10/3）",
            "“低风险” −10%",
            "3 × 90% = 2.7 人日",
            "2.7 人日 → 2.5 人日",
            "审核时间 2.5 × 80% = 2 人日",
        ] {
            assert!(text.contains(needle), "missing {needle} in\n{text}");
        }
    }

    #[test]
    fn request_deserializes_from_toml() {
        let q: AuditTimeRequest = toml::from_str(
            r#"
audit_type = "surveillance"
headcount = 320
adjustments = [{ reason = "低风险", percent = -10 }]
[sites]
kind = "temporary"
count = 2
"#,
        )
        .unwrap();
        assert_eq!(q.sites, SiteStructure::Temporary { count: 2 });
        let r = table().compute(&q).unwrap();
        assert_eq!(r.base_days, 2.5); // 1.5 + 2 × 0.5
        assert_eq!(r.adjusted_days, 2.25);
        assert_eq!(r.min_onsite_days, 2.0); // 1.8 -> 2
        let q: AuditTimeRequest =
            toml::from_str("audit_type = \"initial\"\nheadcount = 5\n").unwrap();
        assert_eq!(q.sites, SiteStructure::Single);
    }

    #[test]
    fn table_validation() {
        let base = BUILTIN_AUDIT_TIME_TOML;
        let bad = |from: &str, to: &str| {
            assert!(base.contains(from), "{from}");
            AuditTimeTable::from_toml_str(&base.replacen(from, to, 1)).unwrap_err()
        };
        // a stored rule value that disagrees with the computation
        let e = bad("surveillance_rule = 2.5", "surveillance_rule = 2.0");
        assert!(e.to_string().contains("按规则计算应为 2.5"), "{e}");
        // a gap between bands
        let e = bad("min = 51", "min = 52");
        assert!(e.to_string().contains("应为 51"), "{e}");
        // not a half-day multiple
        let e = bad("initial = 2.5", "initial = 2.4");
        assert!(e.to_string().contains("半人日"), "{e}");
        // a differing cell without note
        let e = bad(
            "note = \"监督：表 A.1 印 2 人日，按 A.2 的 1/3 规则为 2.5 人日；采用表值 2 人日\"",
            "",
        );
        assert!(e.to_string().contains("应写 note"), "{e}");
        // last band with a max
        let e = bad("min = 1001\n", "min = 1001\nmax = 9999\n");
        assert!(e.to_string().contains("最后一档不应有上限"), "{e}");
        // percent above 100
        let e = bad("max_reduction_percent = 30", "max_reduction_percent = 130");
        assert!(e.to_string().contains("0 到 100"), "{e}");
        // fraction
        let e = bad(
            "surveillance_fraction = [1, 3]",
            "surveillance_fraction = [1, 0]",
        );
        assert!(e.to_string().contains("分母"), "{e}");
        // unknown field
        let e = bad("label = \"1-50\"", "label = \"1-50\"\nfoo = 1");
        assert!(matches!(e, AuditTimeError::TableToml { .. }));
        // not TOML
        assert!(matches!(
            AuditTimeTable::from_toml_str("[[band]").unwrap_err(),
            AuditTimeError::TableToml { .. }
        ));
        // duplicate interpretation id
        let e = bad("id = \"I-8-rounding\"", "id = \"I-8-table\"");
        assert!(e.to_string().contains("重复"), "{e}");
    }

    #[test]
    fn results_serialize() {
        let r = table().simple(AuditType::Initial, 10).unwrap();
        let v = toml::Value::try_from(&r).unwrap();
        assert_eq!(
            v.get("audit_type").and_then(|x| x.as_str()),
            Some("initial")
        );
        assert_eq!(v.get("table_days").and_then(|x| x.as_float()), Some(2.0));
    }
}
