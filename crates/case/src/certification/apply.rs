//! Applying one event to the state: every rule of I-17 is checked once, in this module and
//! the ones it dispatches to (`plan`, `decide`, `keep`, `appeals`). The app calls it through
//! `check_next` (a violation refuses the event), `replay` keeps the event and reports the
//! violation. Here: the application and contract, the audit's completion and the findings'
//! corrections.

use chrono::{Datelike, NaiveDate};
use tianping_calc::calendar::{add_months, Calendar};

use super::due::surveillance_due;
use super::events::*;
use super::keep::surveillance_anchor;
use super::plan::{audit_planned, compute_audit_time, Plan};
use super::state::*;
use super::Context;
use super::{appeals, decide, keep};
use crate::{Header, Rule, Violation};

pub(super) struct Out {
    pub index: usize,
    pub list: Vec<Violation>,
}

impl Out {
    pub(super) fn push(&mut self, rule: Rule, message: String) {
        self.list.push(Violation {
            event: self.index,
            rule,
            clause: rule.clause(),
            message,
        });
    }
}

/// The date `n` working days after `start` (start not counted), noting calendar warnings.
pub(super) fn workdays_after(
    case: &mut CaseState,
    cal: &Calendar,
    start: NaiveDate,
    n: u32,
) -> NaiveDate {
    match cal.add_workdays(start, n) {
        Ok((d, warnings)) => {
            case.warnings
                .extend(warnings.into_iter().map(|w| w.message));
            d
        }
        Err(_) => start,
    }
}

pub(super) fn months(d: NaiveDate, n: i32) -> NaiveDate {
    add_months(d, n).unwrap_or(d)
}

pub(super) fn apply(
    case: &mut CaseState,
    header: &Header,
    index: usize,
    e: &Event,
    ctx: Context<'_>,
) -> Vec<Violation> {
    let mut out = Out {
        index,
        list: Vec::new(),
    };
    if let Some(last) = case.last_date {
        if e.date < last {
            out.push(
                Rule::EventsInOrder,
                format!(
                    "事件日期 {} 早于前一事件的日期 {last}：事件须按日期先后记录，最早可记为 {last}",
                    e.date
                ),
            );
        }
    }
    let d = e.date;
    let o = &mut out;
    match &e.kind {
        EventKind::ApplicationReceived {
            headcount,
            scope,
            sites,
            system_start,
        } => application_received(case, o, d, *headcount, scope, sites, *system_start),
        EventKind::ApplicationReviewed {
            result,
            due,
            reason,
            by,
        } => application_reviewed(case, o, d, *result, *due, reason, by),
        EventKind::ContractSigned { .. } => contract_signed(case, o, d),
        EventKind::AuditPlanned {
            audit,
            kind,
            start,
            end,
            team,
            days,
            days_reason,
            sites,
            offsite_reason,
            objectives,
            criteria,
            scope,
        } => {
            let plan = Plan {
                id: audit,
                kind: *kind,
                start: *start,
                end: *end,
                team,
                days: *days,
                days_reason: days_reason.as_deref(),
                sites,
            };
            audit_planned(case, header, o, d, &plan, ctx);
            let (audit_time, trace) = case
                .application
                .as_ref()
                .and_then(|app| compute_audit_time(app, *kind, sites, ctx))
                .unwrap_or((None, Vec::new()));
            if case.audit(audit).is_none() {
                case.audits.push(Audit {
                    id: audit.clone(),
                    kind: *kind,
                    cycle: case.cycle,
                    planned_on: d,
                    start: *start,
                    end: *end,
                    team: team.clone(),
                    days: *days,
                    days_reason: days_reason.clone(),
                    sites: sites.clone(),
                    offsite_reason: offsite_reason.clone(),
                    audit_time,
                    audit_time_trace: trace,
                    objectives: objectives.clone(),
                    criteria: criteria.clone(),
                    scope: scope.clone(),
                    confirmed: None,
                    last_day: None,
                    score: None,
                    report: None,
                    decided: false,
                });
            }
        }
        EventKind::PlanConfirmed { audit } => plan_confirmed(case, o, d, audit),
        EventKind::AuditCompleted {
            audit,
            last_day,
            findings,
            score,
            report,
        } => {
            audit_completed(case, o, audit, *last_day, findings, *score, ctx);
            if let Some(a) = case.audits.iter_mut().find(|a| &a.id == audit) {
                if report.is_some() {
                    a.report = report.clone();
                }
            }
        }
        EventKind::CorrectionSubmitted { finding, kind } => {
            correction_submitted(case, o, d, finding, *kind)
        }
        EventKind::CorrectionAccepted {
            finding,
            by,
            onsite,
        } => correction_accepted(case, o, d, finding, by, *onsite),
        EventKind::Decision {
            audit,
            by,
            result,
            reason,
        } => decide::decision(case, o, d, audit, by, *result, reason, ctx),
        EventKind::CertificateIssued { number } => decide::certificate_issued(case, o, d, number),
        EventKind::SurveillanceExtensionApproved { by: _, until } => {
            keep::extension_approved(case, o, d, *until)
        }
        EventKind::Suspended {
            cause,
            cause_confirmed,
            licence,
        } => keep::suspended(case, o, d, cause, *cause_confirmed, *licence, ctx),
        EventKind::Restored { by: _ } => keep::restored(case, o, d),
        EventKind::Withdrawn { reason } => keep::ended(case, o, d, CertStatus::Withdrawn, reason),
        EventKind::Cancelled { reason } => keep::ended(case, o, d, CertStatus::Cancelled, reason),
        EventKind::ScopeChanged { change, scope } => {
            keep::scope_changed(case, o, d, *change, scope)
        }
        EventKind::RecertificationApplied {} => keep::recertification_applied(case, o, d),
        EventKind::AppealReceived { id } => appeals::appeal_received(case, o, d, id, ctx),
        EventKind::AppealDecided { by, result, id } => {
            appeals::appeal_decided(case, o, d, by, *result, id)
        }
        EventKind::ComplaintReceived { id } => appeals::complaint_received(case, o, d, id),
        EventKind::ComplaintClosed { by, id } => appeals::complaint_closed(case, o, d, by, id),
    }
    case.events += 1;
    case.last_date = Some(case.last_date.map_or(d, |l| l.max(d)));
    out.list
}

pub(super) fn status_message(case: &CaseState, d: NaiveDate, act: &str, needed: &str) -> String {
    match case.status_on(d) {
        None => format!("尚未颁发证书，不能{act}；{act}须针对{needed}的证书"),
        Some(s) => format!(
            "证书在 {d} 的状态为{}，不能{act}；{act}须针对{needed}的证书",
            s.name_zh()
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn application_received(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    headcount: u32,
    scope: &str,
    sites: &[Site],
    system_start: Option<NaiveDate>,
) {
    let pending = case.application.as_ref().is_some_and(|a| {
        a.review
            .as_ref()
            .is_none_or(|r| r.result == ReviewResult::SupplementRequested)
    });
    let asked = case
        .application
        .as_ref()
        .and_then(|a| a.review.as_ref())
        .filter(|r| r.result == ReviewResult::SupplementRequested);
    if let Some(due) = asked.and_then(|r| r.due) {
        if d > due {
            out.push(
                Rule::SupplementDue,
                format!(
                    "补充材料的期限为 {due}（含当日），{d} 收到已逾期；可先重新评审：另定补充期限，或不受理并说明理由后按新申请处理"
                ),
            );
        }
    }
    let certified = matches!(
        case.status_on(d),
        Some(CertStatus::Valid | CertStatus::Suspended)
    );
    let mut earlier = Vec::new();
    if pending || certified {
        // a supplement, or updated information of a certified client: same cycle
        if let Some(a) = case.application.take() {
            earlier = a.earlier_reviews;
            earlier.extend(a.review);
        }
    } else {
        case.cycle += 1;
        case.contract = None;
        case.recertification_applied = None;
    }
    case.application = Some(Application {
        received: d,
        headcount,
        scope: scope.to_string(),
        sites: sites.to_vec(),
        system_start,
        review: None,
        earlier_reviews: earlier,
    });
}

fn application_reviewed(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    result: ReviewResult,
    due: Option<NaiveDate>,
    reason: &Option<String>,
    by: &Option<String>,
) {
    let Some(app) = case.application.as_mut() else {
        out.push(
            Rule::ReviewNeedsApplication,
            "案卷中没有认证申请，不能评审；请先记录收到认证申请".into(),
        );
        return;
    };
    if let Some(r) = &app.review {
        if r.result != ReviewResult::SupplementRequested {
            out.push(
                Rule::NotTwice,
                format!("该申请已于 {} 评审，结果不能重复记录", r.date),
            );
        }
    }
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    match result {
        ReviewResult::SupplementRequested if due.is_none() => out.push(
            Rule::SupplementDue,
            "要求补充材料时须写明补充期限（due）".into(),
        ),
        ReviewResult::SupplementRequested if due.is_some_and(|x| x <= d) => {
            out.push(Rule::SupplementDue, format!("补充期限须晚于评审日期 {d}"))
        }
        ReviewResult::Refused if blank(reason) => out.push(
            Rule::RefusalReason,
            "不受理认证申请时须说明理由（reason）".into(),
        ),
        _ => {}
    }
    if let Some(prev) = app.review.take() {
        app.earlier_reviews.push(prev);
    }
    app.review = Some(Review {
        date: d,
        result,
        due,
        reason: reason.clone(),
        by: by.clone(),
    });
}

fn contract_signed(case: &mut CaseState, out: &mut Out, d: NaiveDate) {
    let accepted = case
        .application
        .as_ref()
        .and_then(|a| a.review.as_ref())
        .is_some_and(|r| r.result == ReviewResult::Accepted);
    if !accepted {
        out.push(
            Rule::ContractNeedsAcceptance,
            "认证申请尚未受理，不能签订认证合同；请先记录申请评审结果为受理（accepted）".into(),
        );
    }
    case.contract = Some(d);
}

fn correction_submitted(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    finding: &str,
    kind: CorrectionKind,
) {
    let Some(f) = case.findings.iter_mut().find(|f| f.id == finding) else {
        out.push(
            Rule::KnownReference,
            format!(
                "案卷中没有不符合项 {finding}；请先在审核完成（audit_completed）时记录该不符合项"
            ),
        );
        return;
    };
    // a finding already closed is not late: a minor one whose plan the body accepted may
    // take longer (8.1.6.5 3)), its implementation is checked at the next audit
    if d > f.due && !f.closed() {
        let what = match f.severity {
            Severity::Minor => "纠正和纠正措施（或经批准的计划）",
            Severity::Major => "纠正和纠正措施",
        };
        out.push(
            Rule::CorrectionInTime,
            format!(
                "{} {} 的{what}应在审核末日起{}个月内、最迟于 {} 提交，{d} 已逾期",
                f.severity.name_zh(),
                f.id,
                f.severity.months(),
                f.due
            ),
        );
    }
    f.submitted.push((d, kind));
}

fn correction_accepted(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    finding: &str,
    by: &str,
    onsite: bool,
) {
    let Some(f) = case.findings.iter_mut().find(|f| f.id == finding) else {
        out.push(
            Rule::KnownReference,
            format!("案卷中没有不符合项 {finding}"),
        );
        return;
    };
    if f.submitted.is_empty() {
        out.push(
            Rule::AcceptanceNeedsSubmission,
            format!("组织尚未提交不符合项 {finding} 的原因分析和纠正措施（correction_submitted），不能接受"),
        );
    }
    if f.severity == Severity::Major && !onsite {
        out.push(
            Rule::MajorVerifiedOnSite,
            format!("{finding} 为严重不符合，其纠正和纠正措施须经现场验证后接受（onsite: true）"),
        );
    }
    f.accepted = Some(Acceptance {
        date: d,
        by: by.to_string(),
        onsite,
    });
}

fn audit_completed(
    case: &mut CaseState,
    out: &mut Out,
    audit: &str,
    last_day: NaiveDate,
    findings: &[Finding],
    score: Option<f64>,
    ctx: Context<'_>,
) {
    let Some(pos) = case.audits.iter().position(|a| a.id == audit) else {
        out.push(
            Rule::KnownReference,
            format!("案卷中没有审核 {audit} 的审核计划；请先记录审核计划"),
        );
        return;
    };
    let a = case.audits[pos].clone();
    if a.last_day.is_some() {
        out.push(Rule::NotTwice, format!("审核 {audit} 已记录完成"));
    }
    if last_day < a.start {
        out.push(
            Rule::CompletionAfterPlan,
            format!("审核末日 {last_day} 早于计划开始日期 {}", a.start),
        );
    }
    if a.kind != AuditKind::Special && a.confirmed.is_none() && a.last_day.is_none() {
        out.push(
            Rule::PlanConfirmed,
            format!(
                "审核 {audit} 的计划未经申请组织确认（plan_confirmed）：计划须在审核开始（{}）前提交申请组织确认",
                a.start
            ),
        );
    }
    if a.kind == AuditKind::Surveillance {
        if let Some(due) = surveillance_due(case, ctx) {
            if last_day > due.interval {
                out.push(
                    Rule::SurveillanceInTime,
                    format!(
                        "监督审核应在{}，即最迟于 {} 完成，{last_day} 完成已逾期",
                        due.interval_basis, due.interval
                    ),
                );
            }
        }
    }
    if matches!(a.kind, AuditKind::Surveillance | AuditKind::Recertification) {
        if let Some(c) = case.certificate() {
            // the years after the last surveillance (or the issue) and before this audit's,
            // within those after the issue year and before the expiry year (I-16 edges)
            let from = surveillance_anchor(case).unwrap_or(c.issued).year();
            let (first, last) = (c.issued.year() + 1, c.valid_until.year() - 1);
            let missed: Vec<String> = ((from + 1).max(first)..last_day.year().min(last + 1))
                .map(|y| y.to_string())
                .collect();
            if !missed.is_empty() {
                out.push(
                    Rule::SurveillanceEveryYear,
                    format!(
                        "{} 年没有监督审核：证书有效期内签发年之后、到期年之前的每个日历年（{first}–{last} 年）须至少进行一次监督审核",
                        missed.join("、")
                    ),
                );
            }
        }
    }
    for f in findings {
        if case.findings.iter().any(|x| x.id == f.id) {
            out.push(Rule::NotTwice, format!("不符合项编号 {} 已使用", f.id));
            continue;
        }
        case.findings.push(FindingState {
            id: f.id.clone(),
            audit: audit.to_string(),
            severity: f.severity,
            text: f.text.clone(),
            due: months(last_day, f.severity.months()),
            submitted: Vec::new(),
            accepted: None,
        });
    }
    let a = &mut case.audits[pos];
    a.last_day = Some(last_day);
    a.score = score.or(a.score);
    if matches!(a.kind, AuditKind::Surveillance | AuditKind::Recertification) {
        // a new interval starts: an extension of the previous one ends
        case.extension_until = None;
    }
}

/// The client confirms an audit plan (8.1.4.2): a planned audit, once, before it is done.
fn plan_confirmed(case: &mut CaseState, o: &mut Out, d: NaiveDate, audit: &str) {
    let Some(a) = case.audits.iter_mut().find(|a| a.id == audit) else {
        o.push(
            Rule::KnownReference,
            format!("案卷中没有审核 {audit} 的审核计划；请先记录审核计划"),
        );
        return;
    };
    if let Some(c) = a.confirmed {
        o.push(Rule::NotTwice, format!("审核 {audit} 的计划已于 {c} 确认"));
        return;
    }
    if a.last_day.is_some() || d > a.start {
        o.push(
            Rule::PlanConfirmed,
            format!(
                "审核 {audit} 于 {} 开始，计划应在此之前（最迟当日）经申请组织确认，{d} 已晚",
                a.start
            ),
        );
    }
    a.confirmed = Some(d);
}
