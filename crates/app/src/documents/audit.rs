//! The audit report of 003 8.1.6.4 as PDF: 1) the client, 2) the scope and sites, 3) the audit
//! type, 4) criteria and objectives, 5) the team, 6) dates and places, what was done and the
//! deviations from the plan, evidence, 7) findings and nonconformities, conclusion and 8) the
//! team's recommendation — from the certification case's fold — with the Annex B.1 checklist
//! scores of the eepc-certification assessment linked to the audit.

use chrono::NaiveDate;
use serde::Serialize;
use tianping_case::certification::checklist::grade_for;
use tianping_case::certification::events::{AuditKind, Recommendation, Severity, TeamRole};
use tianping_case::certification::state::{Audit, CaseState};
use tianping_domain::case_files::DocKind;
use tianping_domain::Lang;
use tianping_store::repo::User;

use super::report::{self as rep, Group, Interp, Item, Meta};
use super::{fig, Chart, Pdf, Template};
use crate::cases::{self, CaseView};
use crate::{assessments, App, Error};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberLine {
    pub name: String,
    pub role: String,
    pub task: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingLine {
    pub id: String,
    pub severity: String,
    pub text: Option<String>,
    pub due: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceLine {
    pub kind: String,
    pub file: String,
    pub sha256: String,
    pub uploaded: String,
}

/// The Annex B.1 checklist of the audit: its score, the grade it gives, groups and items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checklist {
    pub assessment: String,
    pub score: String,
    pub grade: Option<String>,
    pub groups: Vec<Group>,
    pub items: Vec<Item>,
    pub meta: Meta,
    pub interpretations: Vec<Interp>,
    pub charts: Vec<Chart>,
}

/// The report's data (`templates/audit.typ`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditDoc {
    pub title: String,
    pub body: String,
    pub client: String,
    pub uscc: Option<String>,
    pub registered_address: Option<String>,
    pub operating_address: Option<String>,
    pub certificate: Option<String>,
    pub application_scope: Option<String>,
    pub audit_scope: Option<String>,
    pub sites: Vec<String>,
    pub audit: String,
    pub kind: String,
    pub cycle: u32,
    pub standard: String,
    pub criteria: Option<String>,
    pub objectives: Option<String>,
    pub team: Vec<MemberLine>,
    pub dates: String,
    pub last_day: Option<String>,
    pub days: Option<String>,
    pub audit_time: Option<String>,
    pub offsite_reason: Option<String>,
    pub deviations: Option<String>,
    pub evidence: Vec<EvidenceLine>,
    pub findings: Vec<FindingLine>,
    /// The score recorded with the audit (100-point scale) when no checklist is linked.
    pub score: Option<String>,
    pub conclusion: Option<String>,
    pub recommendation: Option<String>,
    pub checklist: Option<Checklist>,
}

fn kind_name(l: Lang, k: AuditKind) -> String {
    match l {
        Lang::Zh => k.name_zh().into(),
        Lang::En => match k {
            AuditKind::Stage1 => "Stage 1 audit",
            AuditKind::Stage2 => "Stage 2 audit",
            AuditKind::Surveillance => "Surveillance audit",
            AuditKind::Recertification => "Recertification audit",
            AuditKind::Special => "Special audit",
        }
        .into(),
    }
}

fn finding_lines(l: Lang, st: &CaseState, audit: &str) -> Vec<FindingLine> {
    st.findings
        .iter()
        .filter(|f| f.audit == audit)
        .map(|f| FindingLine {
            id: f.id.clone(),
            severity: match (l, f.severity) {
                (Lang::Zh, s) => s.name_zh().into(),
                (Lang::En, Severity::Minor) => "Minor nonconformity".into(),
                (Lang::En, Severity::Major) => "Major nonconformity".into(),
            },
            text: f.text.clone(),
            due: f.due.to_string(),
            status: match (&f.accepted, f.closed()) {
                (Some(a), true) => format!("{}{}", l.t("已关闭 ", "closed "), a.date),
                (Some(a), false) => format!(
                    "{}{}",
                    l.t(
                        "计划已接受，待现场验证 ",
                        "plan accepted, on-site check due "
                    ),
                    a.date
                ),
                (None, _) if !f.submitted.is_empty() => {
                    l.t("已提交，待验证", "submitted, to be verified").into()
                }
                (None, _) => l.t("待整改", "open").into(),
            },
        })
        .collect()
}

/// The report's data from the case as of today, one of its audits and the checklist.
pub fn build(l: Lang, v: &CaseView, a: &Audit, checklist: Option<Checklist>) -> AuditDoc {
    let st = &v.outcome.case;
    let h = v.holder.as_ref();
    let reg = h.map(|h| h.registered_address.trim().to_string());
    let op = h
        .map(|h| h.operating_address.trim().to_string())
        .filter(|o| !o.is_empty() && Some(o) != reg.as_ref());
    let report = a.report.as_ref();
    let findings = finding_lines(l, st, &a.id);
    let subjects: Vec<&str> = std::iter::once(a.id.as_str())
        .chain(findings.iter().map(|f| f.id.as_str()))
        .collect();
    let evidence = v
        .files
        .iter()
        .filter(|f| subjects.contains(&f.subject.as_str()))
        .map(|f| EvidenceLine {
            kind: f
                .kind
                .parse::<DocKind>()
                .map(|k| k.label(l).to_string())
                .unwrap_or_else(|_| f.kind.clone()),
            file: f.file_name.clone(),
            sha256: f.sha256.chars().take(16).collect(),
            uploaded: f.uploaded_at.chars().take(10).collect(),
        })
        .collect();
    AuditDoc {
        title: l.t("认证审核报告", "Certification audit report").into(),
        body: v.case.org_name.clone(),
        client: v.case.enterprise_name.clone(),
        uscc: h.map(|h| h.uscc.clone()),
        registered_address: reg.filter(|r| !r.is_empty()),
        operating_address: op,
        certificate: v.case.certificate_number.clone(),
        application_scope: st.application.as_ref().map(|x| x.scope.clone()),
        audit_scope: a.scope.clone(),
        sites: a.sites.clone(),
        audit: a.id.clone(),
        kind: kind_name(l, a.kind),
        cycle: a.cycle,
        standard: v.standard.clone(),
        criteria: a.criteria.clone(),
        objectives: a.objectives.clone(),
        team: a
            .team
            .iter()
            .map(|m| MemberLine {
                name: st.who(&m.person),
                role: match (l, m.role) {
                    (Lang::Zh, r) => r.name_zh().into(),
                    (Lang::En, TeamRole::Leader) => "Team leader".into(),
                    (Lang::En, TeamRole::Auditor) => "Auditor".into(),
                    (Lang::En, TeamRole::TechnicalExpert) => "Technical expert".into(),
                    (Lang::En, TeamRole::Trainee) => "Trainee auditor".into(),
                },
                task: m.task.clone(),
            })
            .collect(),
        dates: format!("{}{}{}", a.start, l.t(" 至 ", " to "), a.end),
        last_day: a.last_day.map(|d| d.to_string()),
        days: a
            .days
            .map(|d| format!("{}{}", fig(d), l.t(" 人日", " auditor-days"))),
        audit_time: a
            .audit_time
            .map(|d| format!("{}{}", fig(d), l.t(" 人日", " auditor-days"))),
        offsite_reason: a.offsite_reason.clone(),
        deviations: report.and_then(|r| r.deviations.clone()),
        evidence,
        findings,
        score: a.score.map(fig),
        conclusion: report.and_then(|r| r.conclusion.clone()),
        recommendation: report.and_then(|r| r.recommendation).map(|x| match (l, x) {
            (Lang::Zh, x) => x.name_zh().to_string(),
            (Lang::En, Recommendation::Recommend) => "Recommend certification".into(),
            (Lang::En, Recommendation::AfterCorrections) => {
                "Recommend once the nonconformities are closed".into()
            }
            (Lang::En, Recommendation::NotRecommend) => "Not recommended".into(),
        }),
        checklist,
    }
}

/// The checklist assessment linked to an audit, when scored.
async fn checklist(
    app: &App,
    l: Lang,
    v: &CaseView,
    audit: &str,
) -> Result<Option<Checklist>, Error> {
    let Some(id) = v.checklists.iter().find(|(a, _)| a == audit).map(|x| x.1) else {
        return Ok(None);
    };
    let Some(a) = crate::assessments::load(app, id).await? else {
        return Ok(None);
    };
    let Some(view) = assessments::result_view(&a)? else {
        return Ok(None);
    };
    let scheme = app.scheme(&a.scheme)?;
    let doc = rep::build(l, scheme, &view, rep::Party::default(), None);
    let e = &view.evaluation;
    Ok(Some(Checklist {
        assessment: format!("#{} {}", a.id, a.title),
        score: fig(e.total.score),
        grade: grade_for(e.total.score).map(str::to_string),
        groups: doc.groups,
        items: doc.items,
        meta: doc.meta,
        interpretations: doc.interpretations,
        charts: doc.charts,
    }))
}

/// The audit report of one audit of a certification case as PDF, for whoever sees the case
/// (404 for an unknown audit). Created on the audit's last day (else its end), so the same
/// case gives the same bytes.
pub async fn pdf(app: &App, u: &User, id: i64, audit: &str, l: Lang) -> Result<Pdf, Error> {
    let v = cases::view(app, u, id, None).await?;
    let a = v
        .outcome
        .case
        .audits
        .iter()
        .find(|a| a.id == audit)
        .cloned()
        .ok_or(Error::NotFound)?;
    let list = checklist(app, l, &v, audit).await?;
    let data = build(l, &v, &a, list);
    let day: NaiveDate = a.last_day.unwrap_or(a.end);
    let bytes = super::render(
        app,
        Template::Audit,
        data,
        l,
        day.and_hms_opt(0, 0, 0).unwrap_or_default(),
        format!(
            "tianping/case/{}/audit/{}/e{}/{}",
            id,
            audit,
            v.outcome.applied,
            l.code()
        ),
        vec![],
    )
    .await?;
    let safe: String = audit
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(Pdf {
        bytes,
        filename: format!(
            "case-{}-audit-{}{}.pdf",
            id,
            safe,
            if l == Lang::En { "-en" } else { "" }
        ),
    })
}
