//! Applying one event to the state: every rule of I-17 is checked here, once. The app calls
//! it through `check_next` (a violation refuses the event), `replay` keeps the event and
//! reports the violation.

use chrono::{Datelike, NaiveDate};
use tianping_calc::calendar::{add_months, Calendar};

use super::checklist::{covered_audits, grade_for, grant_conditions};
use super::due::surveillance_due;
use super::events::*;
use super::plan::{audit_planned, compute_audit_time, Plan};
use super::state::*;
use super::Context;
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
                format!("事件日期 {} 早于前一事件的日期 {last}", e.date),
            );
        }
    }
    let d = e.date;
    match &e.kind {
        EventKind::ApplicationReceived {
            headcount,
            scope,
            sites,
            system_start,
        } => application_received(case, d, *headcount, scope, sites, *system_start),
        EventKind::ApplicationReviewed {
            result,
            due,
            reason,
            by,
        } => application_reviewed(case, &mut out, d, *result, *due, reason, by),
        EventKind::ContractSigned { .. } => {
            let accepted = case
                .application
                .as_ref()
                .and_then(|a| a.review.as_ref())
                .is_some_and(|r| r.result == ReviewResult::Accepted);
            if !accepted {
                out.push(
                    Rule::ContractNeedsAcceptance,
                    "认证申请尚未受理，不能签订认证合同；请先记录申请评审结果为受理".into(),
                );
            }
            case.contract = Some(d);
        }
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
            audit_planned(case, header, &mut out, d, &plan, ctx);
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
                    last_day: None,
                    score: None,
                    decided: false,
                });
            }
        }
        EventKind::AuditCompleted {
            audit,
            last_day,
            findings,
            score,
        } => audit_completed(case, &mut out, audit, *last_day, findings, *score, ctx),
        EventKind::CorrectionSubmitted { finding, kind } => {
            match case.findings.iter_mut().find(|f| &f.id == finding) {
                None => out.push(
                    Rule::KnownReference,
                    format!("案卷中没有不符合项 {finding}；请先在审核完成时记录该不符合项"),
                ),
                Some(f) => {
                    if d > f.due {
                        out.push(
                            Rule::CorrectionInTime,
                            format!(
                                "{} {} 的纠正应在 {} 前提交，{d} 已逾期",
                                f.severity.name_zh(),
                                f.id,
                                f.due
                            ),
                        );
                    }
                    f.submitted.push((d, *kind));
                }
            }
        }
        EventKind::CorrectionAccepted {
            finding,
            by,
            onsite,
        } => match case.findings.iter_mut().find(|f| &f.id == finding) {
            None => out.push(
                Rule::KnownReference,
                format!("案卷中没有不符合项 {finding}"),
            ),
            Some(f) => {
                if f.submitted.is_empty() {
                    out.push(
                        Rule::AcceptanceNeedsSubmission,
                        format!("组织尚未提交不符合项 {finding} 的原因分析和纠正措施，不能接受"),
                    );
                }
                if f.severity == Severity::Major && !onsite {
                    out.push(
                        Rule::MajorVerifiedOnSite,
                        format!(
                            "{finding} 为严重不符合，其纠正和纠正措施须现场验证（onsite: true）"
                        ),
                    );
                }
                f.accepted = Some(Acceptance {
                    date: d,
                    by: by.clone(),
                    onsite: *onsite,
                });
            }
        },
        EventKind::Decision {
            audit,
            by,
            result,
            reason,
        } => decision(case, &mut out, d, audit, by, *result, reason, ctx),
        EventKind::CertificateIssued { number } => certificate_issued(case, &mut out, d, number),
        EventKind::SurveillanceExtensionApproved { by: _, until } => {
            match case.status_on(d) {
                Some(CertStatus::Valid | CertStatus::Suspended) => {
                    let anchor = surveillance_anchor(case);
                    if let Some(anchor) = anchor {
                        let limit = months(anchor, 15);
                        if *until > limit {
                            out.push(
                                Rule::ExtensionLimit,
                                format!("自 {anchor} 起监督间隔最长15个月，延长最晚至 {limit}，不能至 {until}"),
                            );
                        }
                    }
                }
                _ => out.push(
                    Rule::AuditNeedsCertificate,
                    "没有有效的证书，不需要延长监督审核期限".into(),
                ),
            }
            case.extension_until = Some(*until);
        }
        EventKind::Suspended {
            cause,
            cause_confirmed,
            licence,
        } => {
            if case.status_on(d) != Some(CertStatus::Valid) {
                out.push(
                    Rule::StatusTransition,
                    status_message(case, d, "暂停", "有效"),
                );
            }
            let last = workdays_after(case, ctx.calendar, *cause_confirmed, 5);
            if d > last {
                out.push(
                    Rule::SuspensionInTime,
                    format!("暂停原因于 {cause_confirmed} 核实，应在5个工作日内（{last} 前）暂停证书，{d} 已逾期"),
                );
            }
            case.status_changes.push(StatusChange {
                date: d,
                status: CertStatus::Suspended,
                reason: cause.clone(),
            });
            case.suspension = Some(Suspension {
                date: d,
                cause: cause.clone(),
                cause_confirmed: *cause_confirmed,
                licence: *licence,
            });
        }
        EventKind::Restored { by: _ } => {
            if case.status_on(d) != Some(CertStatus::Suspended) {
                out.push(
                    Rule::StatusTransition,
                    status_message(case, d, "恢复", "暂停"),
                );
            }
            if let Some(s) = &case.suspension {
                let limit = months(s.date, 6);
                if !s.licence && d > limit {
                    out.push(
                        Rule::SuspensionLimit,
                        format!("证书自 {} 暂停，暂停期最长至 {limit}；期满未消除原因应撤销证书，不能于 {d} 恢复", s.date),
                    );
                }
            }
            case.suspension = None;
            case.status_changes.push(StatusChange {
                date: d,
                status: CertStatus::Valid,
                reason: "恢复".into(),
            });
        }
        EventKind::Withdrawn { reason } | EventKind::Cancelled { reason } => {
            let (status, verb) = match &e.kind {
                EventKind::Withdrawn { .. } => (CertStatus::Withdrawn, "撤销"),
                _ => (CertStatus::Cancelled, "注销"),
            };
            if !matches!(
                case.status_on(d),
                Some(CertStatus::Valid | CertStatus::Suspended)
            ) {
                out.push(
                    Rule::StatusTransition,
                    status_message(case, d, verb, "有效或暂停"),
                );
            }
            case.suspension = None;
            case.status_changes.push(StatusChange {
                date: d,
                status,
                reason: reason.clone(),
            });
        }
        EventKind::ScopeChanged { change, scope } => {
            if case.status_on(d) != Some(CertStatus::Valid) {
                out.push(
                    Rule::ScopeNeedsCertificate,
                    status_message(case, d, "变更认证范围", "有效"),
                );
            }
            let verb = match change {
                ScopeChange::Extend => "扩大",
                ScopeChange::Reduce => "缩小",
            };
            let before = case
                .certificate()
                .map(|c| c.scope.clone())
                .unwrap_or_default();
            case.pending_reissue = Some(format!("认证范围{verb}：由“{before}”变更为“{scope}”"));
            if let Some(app) = case.application.as_mut() {
                app.scope = scope.clone();
            }
        }
        EventKind::RecertificationApplied {} => {
            match (case.certificate().cloned(), case.status_on(d)) {
                (Some(c), Some(CertStatus::Valid | CertStatus::Suspended)) => {
                    let open = months(c.valid_until, -3);
                    if d < open {
                        out.push(
                            Rule::RecertificationWindow,
                            format!(
                                "证书有效期至 {}，再认证申请自 {open} 起方可提出",
                                c.valid_until
                            ),
                        );
                    }
                }
                _ => out.push(
                    Rule::RecertificationWindow,
                    "没有有效的证书可再认证；证书过期、撤销或注销后须按初次认证重新申请".into(),
                ),
            }
            if case.recertification_applied.is_none() {
                case.cycle += 1;
            }
            case.recertification_applied = Some(d);
        }
        EventKind::AppealReceived { id } => {
            let id = id
                .clone()
                .unwrap_or_else(|| format!("申诉{}", case.appeals.len() + 1));
            let decision = case.decisions.iter().rev().find(|x| x.date <= d).cloned();
            match &decision {
                None => out.push(Rule::KnownReference, "案卷中没有可申诉的认证决定".into()),
                Some(x) => {
                    let last = workdays_after(case, ctx.calendar, x.date, 10);
                    if d > last {
                        out.push(
                            Rule::AppealInTime,
                            format!("认证决定于 {} 作出，申诉最迟应在 {last} 提出（10个工作日），{d} 已逾期", x.date),
                        );
                    }
                }
            }
            if case.appeals.iter().any(|a| a.id == id) {
                out.push(Rule::NotTwice, format!("申诉 {id} 已记录"));
            }
            case.appeals.push(AppealRec {
                id,
                received: d,
                decision_date: decision.as_ref().map(|x| x.date),
                decider: decision.map(|x| x.by),
                decided: None,
            });
        }
        EventKind::AppealDecided { by, result, id } => {
            let found = case
                .appeals
                .iter_mut()
                .find(|a| a.decided.is_none() && id.as_ref().is_none_or(|i| &a.id == i));
            match found {
                None => out.push(
                    Rule::AppealOpen,
                    match id {
                        Some(i) => format!("没有待处理的申诉 {i}"),
                        None => "没有待处理的申诉".into(),
                    },
                ),
                Some(a) => {
                    if a.decider.as_deref() == Some(by.as_str()) {
                        out.push(
                            Rule::AppealImpartial,
                            format!("{by} 作出了被申诉的认证决定，申诉须由未参与该决定的人员处理"),
                        );
                    }
                    a.decided = Some((d, by.clone(), *result));
                }
            }
        }
        EventKind::ComplaintReceived { id } => {
            let id = id
                .clone()
                .unwrap_or_else(|| format!("投诉{}", case.complaints.len() + 1));
            if case.complaints.iter().any(|c| c.id == id) {
                out.push(Rule::NotTwice, format!("投诉 {id} 已记录"));
            }
            case.complaints.push(ComplaintRec {
                id,
                received: d,
                closed: None,
            });
        }
        EventKind::ComplaintClosed { by, id } => {
            let found = case
                .complaints
                .iter_mut()
                .find(|c| c.closed.is_none() && id.as_ref().is_none_or(|i| &c.id == i));
            match found {
                None => out.push(Rule::AppealOpen, "没有待处理的投诉".into()),
                Some(c) => c.closed = Some((d, by.clone())),
            }
        }
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

fn application_received(
    case: &mut CaseState,
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
            Rule::SupplementDue,
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
    if a.kind == AuditKind::Surveillance {
        if let Some(due) = surveillance_due(case, ctx) {
            if last_day > due.date {
                out.push(
                    Rule::SurveillanceInTime,
                    format!(
                        "监督审核应在 {} 前完成（{}），{last_day} 完成已逾期",
                        due.date, due.basis
                    ),
                );
            }
        }
    }
    if matches!(a.kind, AuditKind::Surveillance | AuditKind::Recertification) {
        if let Some(c) = case.certificate() {
            let from = surveillance_anchor(case).unwrap_or(c.issued).year();
            let missed: Vec<String> = ((from + 1)..last_day.year())
                .filter(|y| *y > c.issued.year() && *y < c.valid_until.year())
                .map(|y| y.to_string())
                .collect();
            if !missed.is_empty() {
                out.push(
                    Rule::SurveillanceEveryYear,
                    format!(
                        "{} 年没有进行监督审核；除再认证年份外每个日历年至少一次",
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
    if a.kind == AuditKind::Surveillance {
        case.extension_until = None;
    }
}

/// The day the current surveillance interval counts from: the last surveillance audit after
/// the certificate's issue, else the issue date.
pub(super) fn surveillance_anchor(case: &CaseState) -> Option<NaiveDate> {
    let c = case.certificate()?;
    Some(
        case.audits
            .iter()
            .filter(|a| a.kind == AuditKind::Surveillance)
            .filter_map(|a| a.last_day)
            .filter(|d| *d >= c.issued)
            .max()
            .unwrap_or(c.issued),
    )
}

#[allow(clippy::too_many_arguments)]
fn decision(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    audit: &str,
    by: &str,
    result: DecisionResult,
    reason: &Option<String>,
    ctx: Context<'_>,
) {
    let Some(a) = case.audit(audit).cloned() else {
        out.push(Rule::KnownReference, format!("案卷中没有审核 {audit}"));
        return;
    };
    if a.last_day.is_none() {
        out.push(
            Rule::DecisionNeedsAudit,
            format!("审核 {audit} 尚未完成，不能作出认证决定"),
        );
    }
    if a.kind == AuditKind::Stage1 {
        out.push(
            Rule::DecisionNeedsAudit,
            "第一阶段审核不作认证决定；请在第二阶段审核完成后决定".into(),
        );
    }
    if a.decided {
        out.push(Rule::NotTwice, format!("审核 {audit} 已作出认证决定"));
    }
    let conditions = grant_conditions(case, audit, Some(by), d, ctx);
    let mut unmet_grant = Vec::new();
    for c in conditions.iter().filter(|c| !c.satisfied) {
        match c.rule {
            Rule::GrantConditions => unmet_grant.push(format!("{}：{}", c.text, c.reason)),
            Rule::RecertificationBeforeExpiry if result == DecisionResult::Grant => out.push(
                c.rule,
                format!("{}，{d} 已届满：不能再认证，须按初次认证重新申请", c.reason),
            ),
            Rule::RecertificationBeforeExpiry => {}
            rule => out.push(rule, c.reason.clone()),
        }
    }
    if result == DecisionResult::Grant && !unmet_grant.is_empty() {
        out.push(
            Rule::GrantConditions,
            format!("不满足授予认证的条件：{}", unmet_grant.join("；")),
        );
    }
    if result == DecisionResult::Refuse && reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        out.push(
            Rule::GrantConditions,
            "不授予认证时须以书面形式说明原因（reason）".into(),
        );
    }
    if let Some(x) = case.audits.iter_mut().find(|x| x.id == audit) {
        x.decided = true;
    }
    case.decisions.push(DecisionRec {
        date: d,
        audit: audit.to_string(),
        kind: a.kind,
        by: by.to_string(),
        result,
        reason: reason.clone(),
        covers: covered_audits(case, audit),
        certificate_issued: false,
    });
}

fn certificate_issued(case: &mut CaseState, out: &mut Out, d: NaiveDate, number: &str) {
    let grant = case.decisions.iter().rposition(|x| {
        x.result == DecisionResult::Grant
            && !x.certificate_issued
            && matches!(x.kind, AuditKind::Stage2 | AuditKind::Recertification)
    });
    let scope = case
        .application
        .as_ref()
        .map(|a| a.scope.clone())
        .unwrap_or_default();
    let grade_of = |case: &CaseState, audit: &str| {
        case.audit(audit)
            .and_then(|a| a.score)
            .and_then(grade_for)
            .map(str::to_string)
    };
    let expiry =
        |from: NaiveDate| tianping_calc::calendar::certificate_expiry(from).unwrap_or(from);
    let prev = case.certificate().cloned();
    let prev_live = prev.as_ref().is_some_and(|_| {
        matches!(
            case.status_on(d),
            Some(CertStatus::Valid | CertStatus::Suspended)
        )
    });
    let rec = match grant {
        Some(g) => {
            case.decisions[g].certificate_issued = true;
            let dec = case.decisions[g].clone();
            let grade = grade_of(case, &dec.audit);
            match (dec.kind, &prev) {
                (AuditKind::Recertification, Some(p)) => {
                    let from = p.valid_until.succ_opt().unwrap_or(p.valid_until);
                    CertificateRec {
                        number: number.to_string(),
                        issued: d,
                        valid_from: from,
                        valid_until: expiry(from),
                        original: p.original,
                        cycle: p.cycle + 1,
                        scope,
                        grade: grade.clone(),
                        change: Some(format!(
                            "再认证换发：有效期自 {from} 起延续{}",
                            match (&p.grade, &grade) {
                                (Some(a), Some(b)) if a != b => format!("；等级由 {a} 变为 {b}"),
                                _ => String::new(),
                            }
                        )),
                    }
                }
                _ => CertificateRec {
                    number: number.to_string(),
                    issued: d,
                    valid_from: d,
                    valid_until: expiry(d),
                    original: d,
                    cycle: 1,
                    scope,
                    grade,
                    change: None,
                },
            }
        }
        None => match (case.pending_reissue.take(), &prev) {
            (Some(change), Some(p)) if prev_live => CertificateRec {
                number: number.to_string(),
                issued: d,
                scope,
                change: Some(change),
                ..p.clone()
            },
            (_, p) => {
                out.push(
                    Rule::CertificateNeedsGrant,
                    "没有待颁发证书的授予（或再认证）决定，也没有待换发的范围变更".into(),
                );
                match p {
                    Some(p) if prev_live => CertificateRec {
                        number: number.to_string(),
                        issued: d,
                        change: Some("换发（无记录的依据）".into()),
                        ..p.clone()
                    },
                    _ => CertificateRec {
                        number: number.to_string(),
                        issued: d,
                        valid_from: d,
                        valid_until: expiry(d),
                        original: d,
                        cycle: 1,
                        scope,
                        grade: None,
                        change: None,
                    },
                }
            }
        },
    };
    let fresh = rec.change.is_none() || rec.cycle != prev.as_ref().map_or(0, |p| p.cycle);
    case.certificates.push(rec);
    if fresh {
        case.status_changes.push(StatusChange {
            date: d,
            status: CertStatus::Valid,
            reason: String::new(),
        });
        case.suspension = None;
        case.extension_until = None;
        case.recertification_applied = None;
    }
}
