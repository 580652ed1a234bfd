//! The special-capability per-stage report (000 §6.3) as PDF: each stage's mean coefficient,
//! its 表4 band with the guidance and answered over total indicators, from
//! [`crate::star_stages::stages`] (which refuses what the standard does not allow), with the
//! versions and the interpretations of the result.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tianping_domain::Lang;
use tianping_store::repo::{self, User};

use super::report::{Interp, Meta, ProfileMeta};
use super::{fig, Chart, Pdf, Template};
use crate::{assessments, star_stages, App, Error};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageLine {
    pub stage: String,
    pub table: String,
    pub score: String,
    pub band: Option<String>,
    pub guidance: Vec<String>,
    pub answered: String,
}

/// The report's data (`templates/stages.typ`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StagesDoc {
    pub title: String,
    pub enterprise: Option<String>,
    pub assessment: String,
    pub variant: String,
    pub stages: Vec<StageLine>,
    pub meta: Meta,
    pub interpretations: Vec<Interp>,
    pub charts: Vec<Chart>,
}

/// The per-stage report of an on-site T11/AII assessment as PDF (refusals and 404 as the
/// page's). Created at the scoring time.
pub async fn pdf(app: &App, u: &User, id: i64, l: Lang) -> Result<Pdf, Error> {
    let r = star_stages::stages(app, u, id).await?;
    let (a, _) = assessments::get(app, u, id).await?;
    let view = assessments::result_view(&a)?.ok_or(Error::NotFound)?;
    let scheme = app.scheme(&a.scheme)?;
    let e = &view.evaluation;
    let ent = repo::get_enterprise(&app.store, a.enterprise_id).await?;
    let scored = a
        .result_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    let data = StagesDoc {
        title: l
            .t(
                "专项能力评价分阶段报告",
                "Special-capability report by stage",
            )
            .into(),
        enterprise: ent.map(|e| e.name),
        assessment: format!("#{} {}", a.id, a.title),
        variant: r.variant.clone(),
        stages: r
            .stages
            .iter()
            .map(|s| StageLine {
                stage: s.stage.clone(),
                table: s.table.clone(),
                score: format!("{}%", fig(s.score)),
                band: s.band.clone(),
                guidance: s.guidance.clone(),
                answered: format!("{} / {}", s.answered, s.indicators),
            })
            .collect(),
        meta: Meta {
            scheme_id: e.scheme.clone(),
            scheme_name: e.scheme_name.clone(),
            standard: scheme.standard.clone(),
            scheme_version: e.scheme_version.clone(),
            engine_version: e.engine_version.clone(),
            profile: e.profile.as_ref().map(|p| ProfileMeta {
                name: p.name.clone(),
                hash: p.hash.clone(),
            }),
            variant: Some(r.variant.clone()),
            mode: Some(a.mode.label(l).to_string()),
            scored_at: scored.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        },
        interpretations: e.interpretations.iter().map(Interp::of).collect(),
        charts: Vec::new(),
    };
    let bytes = super::render(
        app,
        Template::Stages,
        data,
        l,
        scored.map(|t| t.naive_utc()).unwrap_or_default(),
        format!("tianping/stages/{}/r{}/{}", a.id, a.revision, l.code()),
        vec![],
    )
    .await?;
    Ok(Pdf {
        bytes,
        filename: format!(
            "assessment-{}-stages{}.pdf",
            a.id,
            if l == Lang::En { "-en" } else { "" }
        ),
    })
}
