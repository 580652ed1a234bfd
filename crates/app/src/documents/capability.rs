//! The capability evaluation report of seed 004 as PDF, in the structure of Annex B: 综述
//! (the enterprise, the dates, the panels, the score, the grade suggested or confirmed),
//! 特点（优势） (the strongest categories of the linked on-site assessment), 改进和提升的建议
//! (the panel's suggestions and the weakest items), the scores by category and item, and the
//! grade — from [`crate::capability_report::report`], the page's view.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tianping_case::capability::events::Round;
use tianping_case::capability::grade::Grade;
use tianping_case::capability::grade_for;
use tianping_domain::Lang;
use tianping_store::repo::{self, User};

use super::report::{self as rep, Group, Interp, Item, Meta};
use super::{fig, Chart, Pdf, Template};
use crate::capability_report::{report, Report};
use crate::{App, Error};

/// The scheme a capability case is evaluated under.
const SCHEME: &str = "t-cic-capability";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelLine {
    pub round: String,
    pub date: String,
    pub members: String,
}

/// The grade as the report states it: the grade (or none), whether confirmed, until when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeState {
    pub grade: String,
    pub status: String,
    pub valid_until: Option<String>,
}

/// The report's data (`templates/capability.typ`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapabilityDoc {
    pub title: String,
    pub enterprise: String,
    pub uscc: Option<String>,
    pub body: String,
    pub report_number: Option<String>,
    pub applied: Option<String>,
    pub verified: Option<String>,
    pub panels: Vec<PanelLine>,
    pub publicity: Option<String>,
    pub confirmed: Option<String>,
    /// The evaluation's score on the 100-point scale.
    pub score: Option<String>,
    pub grade: Option<GradeState>,
    pub strengths: Vec<Group>,
    pub suggestions: Option<String>,
    pub weakest: Vec<Group>,
    /// The linked assessment's categories and items (empty when none is linked and scored).
    pub groups: Vec<Group>,
    pub items: Vec<Item>,
    pub meta: Option<Meta>,
    pub interpretations: Vec<Interp>,
    pub charts: Vec<Chart>,
    /// The fewest changes to the next grade (DESIGN I-23), from the linked assessment.
    pub gap: Option<super::suggestions::Suggestions>,
}

fn grade_name(l: Lang, g: Option<Grade>) -> String {
    match (g, l) {
        (Some(g), Lang::Zh) => g.code().to_string(),
        (Some(Grade::First), Lang::En) => "Grade 1".into(),
        (Some(Grade::Second), Lang::En) => "Grade 2".into(),
        (Some(Grade::Third), Lang::En) => "Grade 3".into(),
        (None, _) => l.t("不予评级（低于60分）", "No grade (below 60)").into(),
    }
}

fn group(l: Lang, path: &[String], earned: f64, max: f64) -> Group {
    Group {
        name: path.join(l.t(" › ", " › ")),
        earned: fig(earned),
        max: fig(max),
        percent: if max > 0.0 {
            fig(earned / max * 100.0)
        } else {
            "—".into()
        },
    }
}

/// The report's data from the page's view. `uscc` is the enterprise's code when known.
pub fn build(l: Lang, app: &App, r: &Report, uscc: Option<String>) -> CapabilityDoc {
    let v = &r.case;
    let appl = v.outcome.case.application();
    let eval = appl.and_then(|a| a.evaluation());
    let conclusion = v.outcome.case.conclusion.as_ref();
    let name = |id: &str| {
        v.staff_names
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, n)| n.clone())
    };
    let panels = appl
        .map(|a| {
            a.panels
                .iter()
                .map(|p| {
                    let named: Vec<String> = p.members.iter().filter_map(|m| name(m)).collect();
                    PanelLine {
                        round: match (p.round, l) {
                            (r, Lang::Zh) => r.name_zh().into(),
                            (Round::First, Lang::En) => "Evaluation panel".into(),
                            (Round::Second, Lang::En) => "Panel formed anew (round 2)".into(),
                        },
                        date: p.date.to_string(),
                        // names for the body's staff; a count for everyone else
                        members: if named.len() == p.members.len() {
                            named.join(l.t("、", ", "))
                        } else {
                            match l {
                                Lang::Zh => format!("专家 {} 名", p.members.len()),
                                Lang::En => format!("{} experts", p.members.len()),
                            }
                        },
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let grade = match (conclusion, eval) {
        (Some(c), _) => Some(GradeState {
            grade: grade_name(l, c.grade),
            status: l.t("已确认", "confirmed").into(),
            valid_until: c.valid_until.map(|d| d.to_string()),
        }),
        (None, Some(e)) => Some(GradeState {
            grade: grade_name(l, grade_for(e.score)),
            status: l
                .t(
                    "初评建议，待公示和确认",
                    "suggested, pending publicity and confirmation",
                )
                .into(),
            valid_until: None,
        }),
        _ => None,
    };
    let scheme = app.scheme(SCHEME).ok();
    let (groups, items, meta, interpretations, charts) = match (&r.result, scheme) {
        (Some(res), Some(s)) => {
            let doc = rep::build(l, s, res, rep::Party::default(), None);
            let all = res
                .evaluation
                .nodes
                .iter()
                .map(|n| group(l, &n.path, n.earned, n.max))
                .collect();
            (
                all,
                doc.items,
                Some(doc.meta),
                doc.interpretations,
                doc.charts,
            )
        }
        _ => (Vec::new(), Vec::new(), None, Vec::new(), Vec::new()),
    };
    CapabilityDoc {
        title: l
            .t(
                "企业能力评价报告",
                "Enterprise capability evaluation report",
            )
            .into(),
        enterprise: v.case.enterprise_name.clone(),
        uscc,
        body: v.case.org_name.clone(),
        report_number: appl.and_then(|a| a.report_number.clone()),
        applied: appl.map(|a| a.received.to_string()),
        verified: appl.and_then(|a| a.verified).map(|d| d.to_string()),
        panels,
        publicity: appl
            .and_then(|a| a.publicity())
            .map(|p| format!("{}{}{}", p.start, l.t(" 至 ", " to "), p.end)),
        confirmed: appl.and_then(|a| a.confirmed).map(|d| d.to_string()),
        score: eval.map(|e| fig(e.score.value())),
        grade,
        strengths: r
            .strengths
            .iter()
            .map(|n| group(l, &n.path, n.earned, n.max))
            .collect(),
        suggestions: eval.and_then(|e| e.suggestions.clone()),
        weakest: r
            .weakest
            .iter()
            .map(|i| group(l, &i.path, i.earned, i.max))
            .collect(),
        groups,
        items,
        meta,
        interpretations,
        charts,
        gap: None,
    }
}

/// The day the report stands at: its latest event on or before the as-of date (the PDF's
/// creation time, so the same case gives the same bytes).
fn last_day(r: &Report) -> Option<NaiveDate> {
    r.case
        .events
        .iter()
        .map(|e| e.event.date)
        .filter(|d| *d <= r.case.as_of)
        .max()
}

/// The capability evaluation report of a case as PDF, for whoever sees the case (404
/// otherwise, and for a certification case).
pub async fn pdf(app: &App, u: &User, id: i64, l: Lang) -> Result<Pdf, Error> {
    let r = report(app, u, id).await?;
    let uscc = repo::get_enterprise(&app.store, r.case.case.enterprise_id)
        .await?
        .map(|e| e.uscc);
    let mut data = build(l, app, &r, uscc);
    if let Some(a) = r.case.evaluation.filter(|_| r.result.is_some()) {
        // advice beside the figures: left out when no plan can be made for this person
        if let Ok(g) = crate::insight_gap::gap(app, u, a, None).await {
            data.gap = Some(super::suggestions::of(l, &g));
        }
    }
    let created = last_day(&r)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .or_else(|| {
            DateTime::parse_from_rfc3339(&r.case.case.created_at)
                .ok()
                .map(|t| t.with_timezone(&Utc).naive_utc())
        })
        .unwrap_or_default();
    let bytes = super::render(
        app,
        Template::Capability,
        data,
        l,
        created,
        format!(
            "tianping/capability/{}/e{}/{}",
            id,
            r.case.outcome.applied,
            l.code()
        ),
        vec![],
    )
    .await?;
    Ok(Pdf {
        bytes,
        filename: format!(
            "capability-{}-report{}.pdf",
            id,
            if l == Lang::En { "-en" } else { "" }
        ),
    })
}
