//! What is due in a certification case on a date, each with its rule and clause.

use chrono::{Datelike, NaiveDate};
use tianping_calc::calendar::add_months;

use super::events::{AuditKind, DecisionResult, ReviewResult, Severity};
use super::keep::surveillance_anchor;
use super::state::{CaseState, CertStatus};
use super::Context;
use crate::{Due, DueKind};

/// When the next surveillance audit must be completed, and why.
pub(crate) struct SurveillanceDue {
    /// The last day: the interval's end, or the end of the next calendar year that needs a
    /// surveillance when that comes first.
    pub date: NaiveDate,
    pub basis: String,
    /// The interval's end alone: 12 months after the issue (the first) or the previous
    /// surveillance, up to an approved extension of at most 15 months (8.2.2, 8.2.3).
    pub interval: NaiveDate,
    pub interval_basis: String,
}

/// The last day of the next surveillance audit: 12 months after the certificate's issue (the
/// first) or the previous surveillance, an approved extension up to 15 months, and never
/// past the end of the next calendar year that needs one. `None` when the next one would fall
/// in the expiry year or recertification has been applied for (recertification replaces it,
/// 8.2.2), or there is no certificate.
pub(crate) fn surveillance_due(case: &CaseState, _ctx: Context<'_>) -> Option<SurveillanceDue> {
    let cert = case.certificate()?;
    if case.recertification_applied.is_some() {
        // the next surveillance turns into the recertification (8.2.2)
        return None;
    }
    let anchor = surveillance_anchor(case)?;
    let mut interval = add_months(anchor, 12).ok()?;
    let mut interval_basis = if anchor == cert.issued {
        format!("证书 {} 签发之日起12个月内", cert.issued)
    } else {
        format!("上次现场审核（{anchor}）后12个月内")
    };
    if let Some(until) = case.extension_until {
        let limit = add_months(anchor, 15).ok()?;
        let extended = until.min(limit);
        if extended > interval {
            interval = extended;
            interval_basis = format!("经批准延长的期限内（自 {anchor} 起最长15个月）");
        }
    }
    let (mut date, mut basis) = (interval, interval_basis.clone());
    let next_year = anchor.year() + 1;
    if next_year < cert.valid_until.year() {
        let year_end = NaiveDate::from_ymd_opt(next_year, 12, 31)?;
        if year_end < date {
            date = year_end;
            basis = format!("{next_year} 年内（每个日历年须有一次监督审核）");
        }
    }
    if date.year() >= cert.valid_until.year() {
        return None;
    }
    Some(SurveillanceDue {
        date,
        basis,
        interval,
        interval_basis,
    })
}

/// Everything due on `as_of`, by date, with the calendar warnings of the working days counted.
pub(super) fn due_list(
    case: &CaseState,
    as_of: NaiveDate,
    ctx: Context<'_>,
) -> (Vec<Due>, Vec<String>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let mut push = |kind: DueKind,
                    due: NaiveDate,
                    overdue: bool,
                    clause,
                    subject: Option<String>,
                    message: String| {
        out.push(Due {
            kind,
            due,
            overdue,
            clause,
            subject,
            message,
        })
    };
    let status = case.status_on(as_of);
    let live = matches!(status, Some(CertStatus::Valid | CertStatus::Suspended));

    if let Some(app) = &case.application {
        if let Some(r) = &app.review {
            match r.result {
                ReviewResult::SupplementRequested => {
                    let due = r.due.unwrap_or(r.date);
                    push(
                        DueKind::Supplement,
                        due,
                        as_of > due,
                        "8.1.2.2",
                        None,
                        format!("申请组织应最迟于 {due} 补充申请材料"),
                    );
                }
                ReviewResult::Accepted if case.contract.is_none() && !live => push(
                    DueKind::Contract,
                    r.date,
                    false,
                    "8.1.2.3",
                    None,
                    "申请已受理，审核前须签订认证合同".into(),
                ),
                _ => {}
            }
        }
    }

    for a in case
        .audits
        .iter()
        .filter(|a| a.kind != AuditKind::Special && a.confirmed.is_none() && a.last_day.is_none())
    {
        push(
            DueKind::PlanConfirmation,
            a.start,
            as_of > a.start,
            "8.1.4.2",
            Some(a.id.clone()),
            format!(
                "{} {} 的审核计划待申请组织确认（审核于 {} 开始）",
                a.kind.name_zh(),
                a.id,
                a.start
            ),
        );
    }
    for a in &case.audits {
        if let (Some(last), false, true) = (a.last_day, a.decided, a.kind != AuditKind::Stage1) {
            push(
                DueKind::Decision,
                last,
                false,
                "8.1.7",
                Some(a.id.clone()),
                format!("{} {} 已完成，待作出认证决定", a.kind.name_zh(), a.id),
            );
        }
    }
    for x in &case.decisions {
        if x.result == DecisionResult::Grant
            && !x.certificate_issued
            && matches!(x.kind, AuditKind::Stage2 | AuditKind::Recertification)
        {
            push(
                DueKind::Certificate,
                x.date,
                false,
                "8.1.8",
                Some(x.audit.clone()),
                format!("{} 已决定授予认证，待颁发证书", x.date),
            );
        }
    }
    if let (Some(change), true) = (&case.pending_reissue, live) {
        push(
            DueKind::Certificate,
            case.last_date.unwrap_or(as_of),
            false,
            "8.4.1.3, 8.4.2.2",
            None,
            format!("{change}，待换发证书"),
        );
    }
    for f in case.findings.iter().filter(|f| !f.closed()) {
        let what = match f.severity {
            Severity::Minor => "一般不符合：纠正和纠正措施计划待提交并接受",
            Severity::Major => "严重不符合：纠正和纠正措施待完成并现场验证",
        };
        push(
            DueKind::Correction,
            f.due,
            as_of > f.due,
            "8.1.6.5",
            Some(f.id.clone()),
            format!("{} {what}，期限 {}", f.id, f.due),
        );
    }

    if live {
        if let Some(s) = surveillance_due(case, ctx) {
            let overdue = as_of > s.date;
            push(
                DueKind::Surveillance,
                s.date,
                overdue,
                "8.1.3.3, 8.2.2, 8.2.3",
                None,
                format!("监督审核应在{}完成，最迟 {}", s.basis, s.date),
            );
            if overdue && status == Some(CertStatus::Valid) {
                let confirmed = s.date.succ_opt().unwrap_or(s.date);
                let by = match ctx.calendar.add_workdays(confirmed, 5) {
                    Ok((d, w)) => {
                        warnings.extend(w.into_iter().map(|w| w.message));
                        d
                    }
                    Err(_) => confirmed,
                };
                push(
                    DueKind::Suspend,
                    by,
                    as_of > by,
                    "8.5.1",
                    None,
                    format!(
                        "监督审核已逾期（最迟应于 {} 完成）：应在其后5个工作日内、最迟于 {by} 暂停证书",
                        s.date
                    ),
                );
            }
        }
        if let Some(c) = case.certificate() {
            let open = add_months(c.valid_until, -3).unwrap_or(c.valid_until);
            if as_of >= open {
                let message = match case.recertification_applied {
                    Some(d) => format!(
                        "已于 {d} 申请再认证，再认证审核和决定最迟应于证书有效期届满日 {} 完成",
                        c.valid_until
                    ),
                    None => format!("证书有效期至 {}，自 {open} 起可申请再认证", c.valid_until),
                };
                push(
                    DueKind::Recertification,
                    c.valid_until,
                    as_of > c.valid_until,
                    "8.3.1",
                    None,
                    message,
                );
            }
        }
    }
    if status == Some(CertStatus::Suspended) {
        if let Some(s) = &case.suspension {
            if !s.licence {
                let limit = add_months(s.date, 6).unwrap_or(s.date);
                push(
                    DueKind::Withdraw,
                    limit,
                    as_of > limit,
                    "8.5.1",
                    None,
                    format!(
                        "证书自 {} 暂停（{}），暂停期最长至 {limit}（含当日）；届时原因仍未消除的应撤销证书",
                        s.date, s.cause
                    ),
                );
            }
        }
    }
    for a in case.appeals.iter().filter(|a| a.decided.is_none()) {
        push(
            DueKind::Appeal,
            a.received,
            false,
            "11.1",
            Some(a.id.clone()),
            format!(
                "申诉 {} 于 {} 收到，待由未参与该决定的人员处理并书面通知",
                a.id, a.received
            ),
        );
    }
    for c in case.complaints.iter().filter(|c| c.closed.is_none()) {
        push(
            DueKind::Complaint,
            c.received,
            false,
            "11.1",
            Some(c.id.clone()),
            format!("投诉 {} 于 {} 收到，待处理并书面通知", c.id, c.received),
        );
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then(a.kind.cmp(&b.kind)));
    (out, warnings)
}
