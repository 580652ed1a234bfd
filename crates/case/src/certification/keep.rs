//! Keeping a certificate (8.2–8.5): surveillance extensions, suspension, restoration,
//! withdrawal and cancellation, scope changes, the recertification application.

use chrono::NaiveDate;

use super::apply::{months, status_message, workdays_after, Out};
use super::events::{AuditKind, DecisionResult, ScopeChange};
use super::state::*;
use super::Context;
use crate::Rule;

/// The day the current surveillance interval counts from: the last on-site audit of the
/// programme after the certificate's issue — a surveillance, or the recertification audit
/// that takes the place of the last one (8.2.2) — else the issue date.
pub(super) fn surveillance_anchor(case: &CaseState) -> Option<NaiveDate> {
    let c = case.certificate()?;
    Some(
        case.audits
            .iter()
            .filter(|a| {
                matches!(
                    a.kind,
                    super::events::AuditKind::Surveillance
                        | super::events::AuditKind::Recertification
                )
            })
            .filter_map(|a| a.last_day)
            .filter(|d| *d >= c.issued)
            .max()
            .unwrap_or(c.issued),
    )
}

pub(super) fn extension_approved(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    until: NaiveDate,
) {
    match case.status_on(d) {
        Some(CertStatus::Valid | CertStatus::Suspended) => {
            if let Some(anchor) = surveillance_anchor(case) {
                let limit = months(anchor, 15);
                if until > limit {
                    out.push(
                        Rule::ExtensionLimit,
                        format!(
                            "自 {anchor} 起监督间隔最长15个月，延长最晚至 {limit}，不能延长至 {until}"
                        ),
                    );
                }
            }
        }
        _ => out.push(
            Rule::AuditNeedsCertificate,
            status_message(case, d, "延长监督审核期限", "有效或暂停"),
        ),
    }
    case.extension_until = Some(until);
}

pub(super) fn suspended(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    cause: &str,
    cause_confirmed: NaiveDate,
    licence: bool,
    ctx: Context<'_>,
) {
    if case.status_on(d) != Some(CertStatus::Valid) {
        out.push(
            Rule::StatusTransition,
            status_message(case, d, "暂停", "有效"),
        );
    }
    let last = workdays_after(case, ctx.calendar, cause_confirmed, 5);
    if d > last {
        out.push(
            Rule::SuspensionInTime,
            format!(
                "暂停原因于 {cause_confirmed} 核实，应在其后5个工作日内、最迟于 {last} 暂停证书，{d} 已逾期"
            ),
        );
    }
    case.status_changes.push(StatusChange {
        date: d,
        status: CertStatus::Suspended,
        reason: cause.to_string(),
    });
    case.suspension = Some(Suspension {
        date: d,
        cause: cause.to_string(),
        cause_confirmed,
        licence,
    });
}

pub(super) fn restored(case: &mut CaseState, out: &mut Out, d: NaiveDate) {
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
                format!(
                    "证书自 {} 暂停，暂停期最长至 {limit}（含当日）；期满原因未消除的应撤销证书，不能于 {d} 恢复",
                    s.date
                ),
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

/// Withdrawal (撤销) or cancellation (注销): the end of the certificate.
pub(super) fn ended(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    status: CertStatus,
    reason: &str,
) {
    let verb = status.name_zh();
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
        reason: reason.to_string(),
    });
}

pub(super) fn scope_changed(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    change: ScopeChange,
    scope: &str,
) {
    let valid = case.status_on(d) == Some(CertStatus::Valid);
    if !valid {
        out.push(
            Rule::ScopeNeedsCertificate,
            status_message(case, d, "变更认证范围", "有效"),
        );
    }
    if valid && change == ScopeChange::Extend {
        // an extension audit (special, or with a surveillance) granted since the last issue
        let since = case.certificate().map(|c| c.issued);
        let audited = case.decisions.iter().any(|x| {
            x.result == DecisionResult::Grant
                && matches!(x.kind, AuditKind::Special | AuditKind::Surveillance)
                && since.is_some_and(|s| x.date >= s)
        });
        if !audited {
            out.push(
                Rule::ScopeExtensionAudited,
                "扩大认证范围前须完成扩大认证审核（特殊审核，或结合监督审核）并作出保持认证的决定"
                    .into(),
            );
        }
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
        app.scope = scope.to_string();
    }
}

pub(super) fn recertification_applied(case: &mut CaseState, out: &mut Out, d: NaiveDate) {
    match (case.certificate().cloned(), case.status_on(d)) {
        (Some(c), Some(CertStatus::Valid | CertStatus::Suspended)) => {
            let open = months(c.valid_until, -3);
            if d < open {
                out.push(
                    Rule::RecertificationWindow,
                    format!(
                        "证书有效期至 {}，再认证申请自 {open}（到期前3个月，含当日）起方可提出，{d} 尚早",
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
