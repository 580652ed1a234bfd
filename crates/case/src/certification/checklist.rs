//! The decider's checklist (8.1.7): each condition of a grant, satisfied or not, with the
//! reason. The same conditions decide whether a `decision {result: grant}` is allowed.

use serde::Serialize;

use super::events::{AuditKind, Severity};
use super::state::CaseState;
use super::team::conflict_of;
use super::Context;
use crate::Rule;

/// One condition of 8.1.7.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub rule: Rule,
    pub clause: &'static str,
    /// The condition, in Chinese.
    pub text: &'static str,
    pub satisfied: bool,
    /// Why it is satisfied or not, in Chinese.
    pub reason: String,
}

/// The grade of a certificate from the Annex B.1 checklist score (I-3): AAAAA [95, 100],
/// AAAA [90, 95), AAA [80, 90), AA [70, 80); below 70 no certificate.
pub fn grade_for(score: f64) -> Option<&'static str> {
    if score >= 95.0 {
        Some("AAAAA")
    } else if score >= 90.0 {
        Some("AAAA")
    } else if score >= 80.0 {
        Some("AAA")
    } else if score >= 70.0 {
        Some("AA")
    } else {
        None
    }
}

/// The audits a decision on `audit` covers: the audit and, for stage 2, that cycle's stage 1
/// (I-16 edges).
pub fn covered_audits(case: &CaseState, audit: &str) -> Vec<String> {
    let mut out = vec![audit.to_string()];
    if let Some(a) = case.audit(audit) {
        if a.kind == AuditKind::Stage2 {
            out.extend(
                case.audits
                    .iter()
                    .filter(|s| s.kind == AuditKind::Stage1 && s.cycle == a.cycle)
                    .map(|s| s.id.clone()),
            );
        }
    }
    out
}

/// The conditions of a grant on `audit` by `decider` (when known), in the order of 8.1.7.
pub fn grant_conditions(
    case: &CaseState,
    audit: &str,
    decider: Option<&str>,
    date: chrono::NaiveDate,
    ctx: Context<'_>,
) -> Vec<Condition> {
    let covers = covered_audits(case, audit);
    let the_audit = case.audit(audit);
    let mut out = Vec::new();

    out.push(match case.contract {
        Some(d) => cond(
            Rule::GrantConditions,
            "1) 申请组织已履行认证合同规定的责任和义务",
            true,
            format!("认证合同已于 {d} 签订"),
        ),
        None => cond(
            Rule::GrantConditions,
            "1) 申请组织已履行认证合同规定的责任和义务",
            false,
            "尚未签订认证合同".to_string(),
        ),
    });

    let info = match the_audit {
        None => (false, format!("案卷中没有审核 {audit}")),
        Some(a) => match (a.last_day, a.score) {
            (None, _) => (false, format!("审核 {audit} 尚未完成，没有审核报告")),
            (Some(d), None) => (true, format!("审核于 {d} 完成，审核报告已提交")),
            (Some(d), Some(s)) => match grade_for(s) {
                Some(g) => (
                    true,
                    format!("审核于 {d} 完成；清单得分 {s:.1}，对应等级 {g}"),
                ),
                None => (
                    false,
                    format!("清单得分 {s:.1} 低于70分，不予颁发证书（附录B.1，I-3）"),
                ),
            },
        },
    };
    out.push(cond(
        Rule::GrantConditions,
        "2) 审核组提供的信息足以确定认证要求的满足情况和认证范围",
        info.0,
        info.1,
    ));

    let findings: Vec<_> = case
        .findings
        .iter()
        .filter(|f| covers.contains(&f.audit))
        .collect();
    let open = |sev: Severity| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f.severity == sev && !f.closed())
            .map(|f| f.id.clone())
            .collect()
    };
    let count = |sev: Severity| findings.iter().filter(|f| f.severity == sev).count();
    let major = open(Severity::Major);
    out.push(cond(
        Rule::GrantConditions,
        "3) 所有严重不符合的纠正和纠正措施已经审查、接受并现场验证",
        major.is_empty(),
        if major.is_empty() {
            format!("严重不符合 {} 项，均已现场验证", count(Severity::Major))
        } else {
            format!("尚未现场验证：{}", major.join("、"))
        },
    ));
    let minor = open(Severity::Minor);
    out.push(cond(
        Rule::GrantConditions,
        "4) 所有一般不符合的纠正和纠正措施计划已经审查和接受",
        minor.is_empty(),
        if minor.is_empty() {
            format!("一般不符合 {} 项，计划均已接受", count(Severity::Minor))
        } else {
            format!("计划尚未接受：{}", minor.join("、"))
        },
    ));

    if let Some(a) = the_audit {
        if a.kind == AuditKind::Recertification {
            if let Some(c) = case.certificate() {
                out.push(cond(
                    Rule::RecertificationBeforeExpiry,
                    "再认证决定在原证书有效期届满前作出",
                    date <= c.valid_until,
                    format!("原证书有效期至 {}", c.valid_until),
                ));
            }
        }
    }

    if let Some(p) = decider {
        let name = case.who(p);
        let on: Vec<String> = covers
            .iter()
            .filter(|id| case.audit(id).is_some_and(|a| a.on_team(p)))
            .cloned()
            .collect();
        out.push(cond(
            Rule::DeciderNotAuditor,
            "决定人员未参与所覆盖的审核",
            on.is_empty(),
            if on.is_empty() {
                format!("{name} 不在审核 {} 的审核组中", covers.join("、"))
            } else {
                format!("{name} 是审核 {} 的审核组成员", on.join("、"))
            },
        ));
        let reviewer = case
            .application
            .as_ref()
            .and_then(|a| a.review.as_ref())
            .and_then(|r| r.by.as_deref());
        if reviewer == Some(p) {
            out.push(cond(
                Rule::SeparateFunctions,
                "决定人员未承担申请评审",
                false,
                format!("{name} 评审了认证申请"),
            ));
        }
        if let Some(c) = conflict_of(ctx.conflicts, p, date) {
            out.push(cond(
                Rule::ConflictOfInterest,
                "决定人员与申请组织无利益冲突",
                false,
                format!("{name} 声明了利益冲突：{}", c.reason),
            ));
        }
    }
    out
}

fn cond(rule: Rule, text: &'static str, satisfied: bool, reason: String) -> Condition {
    // the four conditions of 8.1.7 each name their own item
    let clause = match (rule, text.split_once(')')) {
        (Rule::GrantConditions, Some(("1", _))) => "8.1.7 1)",
        (Rule::GrantConditions, Some(("2", _))) => "8.1.7 2)",
        (Rule::GrantConditions, Some(("3", _))) => "8.1.7 3)",
        (Rule::GrantConditions, Some(("4", _))) => "8.1.7 4)",
        _ => rule.clause(),
    };
    Condition {
        rule,
        clause,
        text,
        satisfied,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_bands_are_half_open() {
        assert_eq!(grade_for(100.0), Some("AAAAA"));
        assert_eq!(grade_for(95.0), Some("AAAAA"));
        assert_eq!(grade_for(94.99), Some("AAAA"));
        assert_eq!(grade_for(90.0), Some("AAAA"));
        assert_eq!(grade_for(80.0), Some("AAA"));
        assert_eq!(grade_for(79.9), Some("AA"));
        assert_eq!(grade_for(70.0), Some("AA"));
        assert_eq!(grade_for(69.99), None);
    }
}
