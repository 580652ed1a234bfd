//! Planning an audit (8.1.3, 8.1.4, 8.1.5): the preconditions of each kind, the team
//! (leader, competence, conflicts, separation), the audit days against I-8 and the sites
//! sampled per I-9.

use chrono::NaiveDate;
use tianping_calc::audit_time::{AuditTimeRequest, SiteInput, SiteStructure};
use tianping_calc::sampling::{sample_listed, sample_temporary};
use tianping_calc::AuditType;

use super::apply::{months, status_message, Out};
use super::events::*;
use super::state::*;
use super::team::{capacity_days, competence_gaps, conflict_of};
use super::Context;
use crate::{Header, Rule};

pub(super) struct Plan<'a> {
    pub id: &'a str,
    pub kind: AuditKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub team: &'a [Member],
    pub days: Option<f64>,
    pub days_reason: Option<&'a str>,
    pub sites: &'a [String],
}

pub(super) fn audit_planned(
    case: &CaseState,
    header: &Header,
    out: &mut Out,
    d: NaiveDate,
    p: &Plan<'_>,
    ctx: Context<'_>,
) {
    if case.audit(p.id).is_some() {
        out.push(
            Rule::NotTwice,
            format!("审核 {} 已有审核计划；请使用新的审核编号", p.id),
        );
    }
    if p.end < p.start {
        out.push(
            Rule::PlanDates,
            format!("审核计划的结束日期 {} 早于开始日期 {}", p.end, p.start),
        );
    }
    let accepted = case
        .application
        .as_ref()
        .and_then(|a| a.review.as_ref())
        .is_some_and(|r| r.result == ReviewResult::Accepted);
    let status = case.status_on(d);
    match p.kind {
        AuditKind::Stage1 | AuditKind::Stage2 => {
            if !accepted || case.contract.is_none() {
                let missing = match (accepted, case.contract.is_some()) {
                    (false, false) => "申请尚未受理，也未签订认证合同",
                    (false, true) => "申请尚未受理",
                    _ => "尚未签订认证合同",
                };
                out.push(
                    Rule::AuditNeedsContract,
                    format!("{missing}：实施审核前须受理申请并签订认证合同"),
                );
            }
            if p.kind == AuditKind::Stage2 {
                let stage1_done = case.audits.iter().any(|a| {
                    a.kind == AuditKind::Stage1 && a.cycle == case.cycle && a.last_day.is_some()
                });
                if !stage1_done {
                    out.push(
                        Rule::Stage2AfterStage1,
                        "本认证周期的第一阶段审核尚未完成，不能安排第二阶段审核".into(),
                    );
                }
                if let Some(start) = case.application.as_ref().and_then(|a| a.system_start) {
                    let ready = months(start, 3);
                    if p.start < ready {
                        out.push(
                            Rule::SystemOperating,
                            format!("体系于 {start} 开始运行，现场审核最早可在 {ready} 进行"),
                        );
                    }
                }
            }
        }
        AuditKind::Surveillance | AuditKind::Special => {
            if !matches!(status, Some(CertStatus::Valid | CertStatus::Suspended)) {
                out.push(
                    Rule::AuditNeedsCertificate,
                    status_message(case, d, p.kind.name_zh(), "有效或暂停"),
                );
            }
        }
        AuditKind::Recertification => {
            // the cycle that ends: its sampled temporary sites should have covered the scope
            if let Some(c) = case.temporary_coverage(case.cycle.saturating_sub(1)) {
                if !c.missing.is_empty() && case.recertification_applied.is_some() {
                    out.push(
                        Rule::Sampling,
                        format!(
                            "本认证周期抽样的临时场所未覆盖认证范围：未覆盖 {}（8.1.3.2 2)：认证周期内所抽样场所的生产/服务范围应覆盖认证范围）",
                            c.missing.join("、")
                        ),
                    );
                }
            }
            if case.recertification_applied.is_none() {
                out.push(
                    Rule::RecertificationNeedsApplication,
                    "获证组织尚未提出再认证申请".into(),
                );
            }
            if !matches!(status, Some(CertStatus::Valid | CertStatus::Suspended)) {
                out.push(
                    Rule::AuditNeedsCertificate,
                    status_message(case, d, "再认证审核", "有效或暂停"),
                );
            }
        }
    }

    let leaders = p.team.iter().filter(|m| m.role == TeamRole::Leader).count();
    if leaders != 1 {
        out.push(
            Rule::TeamLeader,
            format!("审核组有 {leaders} 名组长，应指定且只指定一名审核组长"),
        );
    }
    for m in p.team.iter().filter(|m| m.role.counts_days()) {
        if let Some(person) = header.person(&m.person) {
            if person.records_complete || !person.competence.is_empty() {
                let gaps = competence_gaps(person);
                if !gaps.is_empty() {
                    out.push(
                        Rule::AuditorCompetence,
                        format!(
                            "{}（{}）缺少：{}",
                            case.who(&m.person),
                            m.role.name_zh(),
                            gaps.join("、")
                        ),
                    );
                }
            }
        }
    }
    for m in p.team {
        if let Some(c) = conflict_of(ctx.conflicts, &m.person, d) {
            out.push(
                Rule::ConflictOfInterest,
                format!(
                    "{} 与该组织存在利益冲突（{}），不能参加审核",
                    case.who(&m.person),
                    c.reason
                ),
            );
        }
    }
    if matches!(
        p.kind,
        AuditKind::Stage1 | AuditKind::Stage2 | AuditKind::Recertification
    ) {
        let reviewer = case
            .application
            .as_ref()
            .and_then(|a| a.review.as_ref())
            .and_then(|r| r.by.as_deref());
        if let Some(r) = reviewer {
            if p.team.iter().any(|m| m.person == r) {
                out.push(
                    Rule::SeparateFunctions,
                    format!("{} 评审了认证申请，不能参加审核", case.who(r)),
                );
            }
        }
    }

    if let Some(days) = p.days {
        let cap = capacity_days(p.team, p.start, p.end);
        // reversed dates are reported as such (plan_dates), not as a lack of capacity
        if days > cap && p.end >= p.start {
            out.push(
                Rule::DaysCountAuditorsOnly,
                format!("计划 {days} 人日，但组长和审核员在 {} 至 {} 最多提供 {cap} 人日；技术专家和实习审核员不计审核时间", p.start, p.end),
            );
        }
        if let Some(app) = &case.application {
            let required = match p.kind {
                // Annex A gives stage 1 and stage 2 together: checked when stage 2 is planned
                AuditKind::Stage1 => None,
                _ => compute_audit_time(app, p.kind, p.sites, ctx).and_then(|(t, _)| t),
            };
            if let Some(required) = required {
                let (planned, what) = if p.kind == AuditKind::Stage2 {
                    let stage1: f64 = case
                        .audits
                        .iter()
                        .filter(|a| a.kind == AuditKind::Stage1 && a.cycle == case.cycle)
                        .filter_map(|a| a.days)
                        .sum();
                    (stage1 + days, "第一、二阶段合计")
                } else {
                    (days, p.kind.name_zh())
                };
                let reason_given = p.days_reason.is_some_and(|r| !r.trim().is_empty());
                if planned < required && !reason_given {
                    out.push(
                        Rule::DaysBelowAuditTime,
                        format!("{what}计划 {planned} 人日，低于按附录A计算的审核时间 {required} 人日；请写明理由（days_reason）并经机构批准"),
                    );
                }
            }
        }
    }

    if !p.sites.is_empty() {
        if let Some(app) = &case.application {
            sampling_check(app, p, out);
        }
    }
}

fn audit_type(kind: AuditKind) -> Option<AuditType> {
    match kind {
        AuditKind::Stage1 | AuditKind::Stage2 => Some(AuditType::Initial),
        AuditKind::Surveillance => Some(AuditType::Surveillance),
        AuditKind::Recertification => Some(AuditType::Recertification),
        AuditKind::Special => None,
    }
}

/// The audit time of I-8 for an audit of this application: (rounded days, trace).
pub(super) fn compute_audit_time(
    app: &Application,
    kind: AuditKind,
    named: &[String],
    ctx: Context<'_>,
) -> Option<(Option<f64>, Vec<String>)> {
    let audit_type = audit_type(kind)?;
    let listed: Vec<&Site> = app
        .sites
        .iter()
        .filter(|s| !s.central && !s.temporary)
        .collect();
    let temporary: Vec<&Site> = app.sites.iter().filter(|s| s.temporary).collect();
    let structure = if !listed.is_empty() {
        let central = app
            .sites
            .iter()
            .find(|s| s.central)
            .map(|s| s.headcount)
            .unwrap_or_else(|| {
                app.headcount
                    .saturating_sub(listed.iter().map(|s| s.headcount).sum())
            });
        let mut sampled: Vec<&Site> = listed
            .iter()
            .copied()
            .filter(|s| named.contains(&s.name))
            .collect();
        if sampled.is_empty() {
            let n = sample_listed(audit_type, listed.len() as u32)
                .map(|s| s.sampled_sites as usize)
                .unwrap_or(listed.len());
            sampled = listed.iter().copied().take(n).collect();
        }
        SiteStructure::Listed {
            central_headcount: central,
            sites: sampled
                .iter()
                .map(|s| SiteInput {
                    name: s.name.clone(),
                    headcount: s.headcount,
                    adjustments: Vec::new(),
                })
                .collect(),
        }
    } else if !temporary.is_empty() {
        let count = temporary
            .iter()
            .filter(|s| named.contains(&s.name))
            .count()
            .max(1) as u32;
        SiteStructure::Temporary { count }
    } else {
        SiteStructure::Single
    };
    let req = AuditTimeRequest {
        audit_type,
        headcount: app.headcount,
        adjustments: Vec::new(),
        sites: structure,
    };
    match ctx.audit_time.compute(&req) {
        Ok(t) => Some((Some(t.audit_days), t.trace)),
        Err(e) => Some((None, vec![e.to_string()])),
    }
}

fn sampling_check(app: &Application, p: &Plan<'_>, out: &mut Out) {
    let Some(audit_type) = audit_type(p.kind) else {
        return;
    };
    if p.kind == AuditKind::Stage1 {
        return;
    }
    let covered = |s: &&&Site| p.sites.contains(&s.name);
    let listed: Vec<&Site> = app
        .sites
        .iter()
        .filter(|s| !s.central && !s.temporary)
        .collect();
    if !listed.is_empty() {
        if let Ok(s) = sample_listed(audit_type, listed.len() as u32) {
            let n = listed.iter().filter(covered).count() as u32;
            if n < s.sampled_sites {
                out.push(
                    Rule::Sampling,
                    format!(
                        "{}个证书列示场所，{}应抽样 {} 个，计划只覆盖 {n} 个",
                        listed.len(),
                        audit_type.name_zh(),
                        s.sampled_sites
                    ),
                );
            }
        }
        if let Some(c) = app.sites.iter().find(|s| s.central) {
            if !p.sites.contains(&c.name) {
                out.push(
                    Rule::Sampling,
                    format!("每次审核均应覆盖中心办公室“{}”", c.name),
                );
            }
        }
    }
    let temporary: Vec<&Site> = app.sites.iter().filter(|s| s.temporary).collect();
    if !temporary.is_empty() {
        if let Ok(s) = sample_temporary(audit_type, temporary.len() as u32) {
            let n = temporary.iter().filter(covered).count() as u32;
            if n < s.sampled_sites {
                out.push(
                    Rule::Sampling,
                    format!(
                        "临时场所每次审核至少抽样 {} 个，计划覆盖 {n} 个",
                        s.sampled_sites
                    ),
                );
            }
        }
    }
}
