//! The audit programme of the current certification cycle (8.1.3.3, I-12): stage 1 and
//! stage 2, the first and second surveillance, and recertification — each with its window,
//! the audit time of I-8 with its trace, and where it stands.

use chrono::NaiveDate;
use serde::Serialize;
use tianping_calc::calendar::add_months;

use super::due::surveillance_due;
use super::events::AuditKind;
use super::plan::compute_audit_time;
use super::state::{Audit, CaseState};
use super::Context;

/// A step of the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Stage1,
    Stage2,
    Surveillance1,
    Surveillance2,
    Recertification,
}

impl Step {
    pub fn name_en(self) -> &'static str {
        match self {
            Step::Stage1 => "Initial audit, stage 1",
            Step::Stage2 => "Initial audit, stage 2",
            Step::Surveillance1 => "First surveillance",
            Step::Surveillance2 => "Second surveillance",
            Step::Recertification => "Recertification audit",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Step::Stage1 => "初次认证第一阶段审核",
            Step::Stage2 => "初次认证第二阶段审核",
            Step::Surveillance1 => "第一次监督审核",
            Step::Surveillance2 => "第二次监督审核",
            Step::Recertification => "再认证审核",
        }
    }
}

/// Where a step stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Standing {
    /// Done: the audit and its last day.
    Done { audit: String, last_day: NaiveDate },
    /// Planned, not done yet.
    Planned { audit: String, start: NaiveDate },
    /// To plan within its window.
    Open,
    /// Not needed in this cycle (the next one would fall in the expiry year, 8.1.3.3).
    NotNeeded,
}

/// One step of the programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgrammeItem {
    pub step: Step,
    /// The window's first and last day, where the rules fix them.
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// How the window is set, in Chinese.
    pub basis: String,
    /// The audit time of I-8 for this kind of audit (stage 1 and 2 together for the initial
    /// audit), in days, with its trace.
    pub audit_days: Option<f64>,
    pub trace: Vec<String>,
    pub standing: Standing,
}

fn standing(a: Option<&Audit>) -> Standing {
    match a {
        Some(a) => match a.last_day {
            Some(d) => Standing::Done {
                audit: a.id.clone(),
                last_day: d,
            },
            None => Standing::Planned {
                audit: a.id.clone(),
                start: a.start,
            },
        },
        None => Standing::Open,
    }
}

/// The programme of the case's current cycle; empty before an application.
pub fn programme(case: &CaseState, ctx: Context<'_>) -> Vec<ProgrammeItem> {
    let Some(app) = &case.application else {
        return Vec::new();
    };
    let time = |kind| compute_audit_time(app, kind, &[], ctx).unwrap_or((None, Vec::new()));
    let item = |step, from, until, basis: String, kind, standing| {
        let (audit_days, trace) = time(kind);
        ProgrammeItem {
            step,
            from,
            until,
            basis,
            audit_days,
            trace,
            standing,
        }
    };
    let mut out = Vec::new();
    let cert = case.certificate().cloned();
    let renewed = cert
        .as_ref()
        .is_some_and(|c| c.change.is_some() && c.cycle > 1);
    if !renewed {
        let cycle = cert.as_ref().map_or(case.cycle, |c| c.cycle.max(1));
        let find = |k: AuditKind| {
            case.audits
                .iter()
                .rev()
                .find(|a| a.kind == k && (a.cycle == cycle || a.cycle == case.cycle))
        };
        // Annex A's initial time covers both stages: it is shown once, with stage 2
        out.push(ProgrammeItem {
            audit_days: None,
            trace: Vec::new(),
            ..item(
                Step::Stage1,
                case.contract,
                None,
                "签订认证合同后（8.1.2.3），可不在现场进行（8.1.5.2）；审核时间与第二阶段合计"
                    .into(),
                AuditKind::Stage1,
                standing(find(AuditKind::Stage1)),
            )
        });
        out.push(item(
            Step::Stage2,
            None,
            None,
            "第一阶段完成后，在受审核方现场（8.1.5.3）；审核时间为第一、二阶段合计".into(),
            AuditKind::Stage2,
            standing(find(AuditKind::Stage2)),
        ));
    }
    let Some(cert) = cert else {
        for (step, basis) in [
            (Step::Surveillance1, "证书签发之日起12个月内（8.1.3.3）"),
            (
                Step::Surveillance2,
                "上次现场审核后12个月内，且每个日历年一次（8.2.2、8.2.3）",
            ),
            (
                Step::Recertification,
                "证书有效期届满前3个月起申请（8.3.1）",
            ),
        ] {
            let kind = if step == Step::Recertification {
                AuditKind::Recertification
            } else {
                AuditKind::Surveillance
            };
            out.push(item(step, None, None, basis.into(), kind, Standing::Open));
        }
        return out;
    };
    let surveillances: Vec<&Audit> = case
        .audits
        .iter()
        .filter(|a| a.kind == AuditKind::Surveillance && a.planned_on >= cert.issued)
        .collect();
    let next = surveillance_due(case, ctx);
    for (k, step) in [(0, Step::Surveillance1), (1, Step::Surveillance2)] {
        let (from, until, basis, st) = match surveillances.get(k) {
            Some(a) => (None, None, String::new(), standing(Some(a))),
            None if k == surveillances.len() => match &next {
                Some(due) => (
                    Some(if k == 0 {
                        cert.issued
                    } else {
                        surveillances[k - 1].last_day.unwrap_or(cert.issued)
                    }),
                    Some(due.date),
                    due.basis.clone(),
                    Standing::Open,
                ),
                None => (
                    None,
                    None,
                    "在证书到期年份，由再认证代替（8.1.3.3、8.2.2）".into(),
                    Standing::NotNeeded,
                ),
            },
            None => (
                None,
                None,
                "上次监督审核后12个月内（8.2.2）".into(),
                Standing::Open,
            ),
        };
        out.push(item(step, from, until, basis, AuditKind::Surveillance, st));
    }
    let recert = case
        .audits
        .iter()
        .rev()
        .find(|a| a.kind == AuditKind::Recertification && a.planned_on >= cert.issued);
    out.push(item(
        Step::Recertification,
        add_months(cert.valid_until, -3).ok(),
        Some(cert.valid_until),
        format!(
            "证书有效期至 {}：届满前3个月起申请再认证，届满前作出再认证决定（8.3.1）",
            cert.valid_until
        ),
        AuditKind::Recertification,
        standing(recert),
    ));
    out
}
