//! The special-capability per-stage report (seed 000 §6.3): a special-capability evaluation
//! (the X.2 tables of a T11/AII variant, one table per stage of the enterprise's business) is
//! made on site only and ends in a report per stage — each stage's mean coefficient, its 表4
//! band with the band's guidance, and how many of its indicators were answered. The figures
//! are the engine's (`tianping_core::stars::StageResult`, the stage score being the mean of
//! the coefficients, interpretation 000-stage-score); this module only reads them from the
//! stored result and refuses what the standard does not allow: an online evaluation.

use serde::Serialize;
use tianping_core::stars::band_of;
use tianping_domain::{Mode, Msg};

use crate::{App, Error, Refusal};
use tianping_store::repo::User;

/// One stage of the report.
#[derive(Debug, Clone, Serialize)]
pub struct StageRow {
    pub stage: String,
    /// The printed table (e.g. "B2.3").
    pub table: String,
    /// The mean coefficient, 0–100 %.
    pub score: f64,
    /// The 表4 band ("60%～80%") and its guidance points.
    pub band: Option<String>,
    pub guidance: Vec<String>,
    pub answered: usize,
    pub indicators: usize,
}

/// The per-stage report of an on-site assessment of a variant with special-capability tables.
#[derive(Debug, Clone, Serialize)]
pub struct StageReport {
    pub assessment_id: i64,
    pub title: String,
    pub enterprise_id: i64,
    /// The variant (enterprise category) by name.
    pub variant: String,
    pub stages: Vec<StageRow>,
}

fn refuse(rule: &str, zh: String, en: &str) -> Error {
    Error::Refused(vec![Refusal {
        rule: rule.into(),
        clause: "6.3".into(),
        message: Msg::new(zh, en),
    }])
}

/// The report of an assessment this person sees (who may not see its result: not found). Refused for an online self-evaluation (专项能力评价仅现场), an assessment of a
/// category without special-capability tables, or one not yet scored.
pub async fn stages(app: &App, u: &User, assessment_id: i64) -> Result<StageReport, Error> {
    let (a, access) = crate::assessments::get(app, u, assessment_id).await?;
    if !access.sees_result() {
        return Err(Error::NotFound);
    }
    let scheme = app
        .star_scheme()
        .filter(|s| s.id == a.scheme)
        .ok_or_else(|| {
            refuse(
                "special_capability_scheme",
                format!(
                    "评价 {assessment_id} 不是 T11/AII 001-2020 的评价：分阶段报告只用于专项能力评价"
                ),
                "Only a T11/AII 001-2020 assessment has a per-stage report",
            )
        })?;
    if a.mode != Mode::Onsite {
        return Err(refuse(
            "special_capability_onsite",
            format!(
                "评价 {assessment_id} 是线上自评：专项能力评价只采用现场实地审查的方式（6.3），线上自评没有分阶段报告；请由评价机构建立现场审查"
            ),
            "Special-capability evaluation is on site only (6.3): an online self-evaluation has no per-stage report",
        ));
    }
    let variant = a
        .variant
        .as_deref()
        .and_then(|v| scheme.variants.iter().find(|x| x.id == v))
        .map(|v| v.name.clone())
        .unwrap_or_default();
    let rv = crate::assessments::result_view(&a)?.ok_or_else(|| {
        refuse(
            "special_capability_scored",
            format!("评价 {assessment_id} 尚未计算结果：填写答案后再查看分阶段报告"),
            "The assessment has no result yet",
        )
    })?;
    if rv.evaluation.stages.is_empty() {
        return Err(refuse(
            "special_capability_tables",
            format!(
                "评价 {assessment_id} 的企业类别（{variant}）没有专项能力评价表（X.2），没有分阶段报告"
            ),
            "This category has no special-capability (X.2) tables",
        ));
    }
    let stages = rv
        .evaluation
        .stages
        .iter()
        .map(|s| StageRow {
            stage: s.stage.clone(),
            table: s.table.clone(),
            score: s.score,
            band: s.band.clone(),
            guidance: band_of(&scheme.guidance, s.score)
                .map(|b| b.points.clone())
                .unwrap_or_default(),
            answered: s.answered,
            indicators: s.indicators,
        })
        .collect();
    Ok(StageReport {
        assessment_id: a.id,
        title: a.title.clone(),
        enterprise_id: a.enterprise_id,
        variant,
        stages,
    })
}
