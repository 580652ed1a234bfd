//! The decision and the certificate (8.1.7, 8.1.8, 8.3): who may decide, the conditions of a
//! grant, and what a certificate's dates are — a new one from its issue, a renewal from the
//! previous expiry, a reissue after a scope change keeping its dates.

use chrono::NaiveDate;

use super::apply::Out;
use super::checklist::{covered_audits, grade_for, grant_conditions};
use super::events::*;
use super::state::*;
use super::Context;
use crate::Rule;

#[allow(clippy::too_many_arguments)]
pub(super) fn decision(
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
    // a decision that cannot be taken yet is reported as such, not as unmet conditions
    let decidable = a.last_day.is_some() && a.kind != AuditKind::Stage1;
    let conditions = grant_conditions(case, audit, Some(by), d, ctx);
    let mut unmet_grant = Vec::new();
    for c in conditions.iter().filter(|c| !c.satisfied) {
        match c.rule {
            Rule::GrantConditions => unmet_grant.push(format!("{}：{}", c.text, c.reason)),
            Rule::RecertificationBeforeExpiry if result == DecisionResult::Grant => out.push(
                c.rule,
                format!(
                    "{}，再认证决定最迟应于当日作出；{d} 已届满，不能再认证，须按初次认证重新申请",
                    c.reason
                ),
            ),
            Rule::RecertificationBeforeExpiry => {}
            rule => out.push(rule, c.reason.clone()),
        }
    }
    if result == DecisionResult::Grant && decidable && !unmet_grant.is_empty() {
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

pub(super) fn certificate_issued(case: &mut CaseState, out: &mut Out, d: NaiveDate, number: &str) {
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
