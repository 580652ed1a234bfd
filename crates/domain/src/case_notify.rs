//! Certification cases told to the people they concern (seed 003): who of the client and of
//! the body hears of an event of a case, and what the notice says in either language.
//!
//! The client is told in writing of the review of its application (8.1.2.2), the audit plan
//! (8.1.4.2), the findings of an audit with their due dates (8.1.6.5), the decision — a grant
//! with the certificate's number, a refusal with its reasons (8.1.7) —, suspension,
//! restoration, withdrawal, cancellation and changes of scope (8.4, 8.5) and the outcome of
//! its appeals and complaints (11.1). The body's admins hear of what the client does
//! (application, corrections, recertification, appeals, complaints); the audit team of its
//! audit plan and of corrections to its findings; the deciders of an audit that waits for
//! their decision.
//!
//! Pure: the event's type (as written in the case's JSON Lines) and a few facts about it in,
//! the parties out; the app finds the people of each party and the names.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::msg::Lang;
use crate::text::{text_enum, UnknownText};

/// Who of a case hears of something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    /// The client enterprise's users.
    Client,
    /// The body's admins.
    Admins,
    /// The members of the audit team concerned (the audit planned, or the audit whose finding
    /// a correction answers).
    Team,
    /// The body's deciders.
    Deciders,
}

/// What the rule needs to know of an event besides its type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventFacts {
    /// An audit completed with findings.
    pub findings: bool,
    /// An audit completed that waits for a decision (every audit but stage 1).
    pub awaits_decision: bool,
}

/// Who hears of an event of type `event_type` (I-17's names). Events the body enters only for
/// itself (the contract, a correction accepted, an extension approved, a certificate issued
/// by a grant — told with the grant) are told to nobody.
pub fn hearers(event_type: &str, f: EventFacts) -> Vec<Party> {
    use Party::*;
    match event_type {
        "application_received" => vec![Admins],
        "application_reviewed" => vec![Client],
        "audit_planned" => vec![Client, Team],
        "audit_completed" => {
            let mut v = Vec::new();
            if f.findings {
                v.push(Client);
            }
            if f.awaits_decision {
                v.push(Deciders);
            }
            v
        }
        "correction_submitted" => vec![Admins, Team],
        "decision" => vec![Client],
        "suspended" | "restored" | "withdrawn" | "cancelled" | "scope_changed" => vec![Client],
        "recertification_applied" => vec![Admins],
        "appeal_received" | "complaint_received" => vec![Admins],
        "appeal_decided" | "complaint_closed" => vec![Client],
        _ => Vec::new(),
    }
}

text_enum! {
    /// The kind of an audit, as the case's events name it.
    AuditSort, "审核类型" {
        Stage1 = "stage1", "第一阶段审核", "Stage 1 audit";
        Stage2 = "stage2", "第二阶段审核", "Stage 2 audit";
        Surveillance = "surveillance", "监督审核", "Surveillance audit";
        Recertification = "recertification", "再认证审核", "Recertification audit";
        Special = "special", "特殊审核", "Special audit";
    }
}

text_enum! {
    /// How serious a nonconformity is.
    FindingSeverity, "不符合项类别" {
        Minor = "minor", "一般不符合", "minor nonconformity";
        Major = "major", "严重不符合", "major nonconformity";
    }
}

/// A finding as told to the client: its id, severity, due date and text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingNote {
    pub id: String,
    pub severity: FindingSeverity,
    pub due: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// What happened in a case, with what the reader needs to know of it (dates as people read
/// them, YYYY-MM-DD).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CaseNews {
    ApplicationReceived {
        scope: String,
    },
    ApplicationAccepted,
    SupplementRequested {
        #[serde(default)]
        due: Option<String>,
        #[serde(default)]
        reason: Option<String>,
    },
    ApplicationRefused {
        #[serde(default)]
        reason: Option<String>,
    },
    AuditPlanned {
        audit: String,
        kind: AuditSort,
        start: String,
        end: String,
    },
    /// To the client: the findings, each with its due date.
    AuditFindings {
        audit: String,
        kind: AuditSort,
        findings: Vec<FindingNote>,
    },
    /// To the deciders: an audit is completed and waits for a decision.
    DecisionAwaited {
        audit: String,
        kind: AuditSort,
    },
    CorrectionSubmitted {
        finding: String,
        /// Correction and corrective action done (else: the plan).
        done: bool,
    },
    Granted {
        audit: String,
        kind: AuditSort,
    },
    NotGranted {
        audit: String,
        kind: AuditSort,
        #[serde(default)]
        reason: Option<String>,
    },
    Suspended {
        cause: String,
    },
    Restored,
    Withdrawn {
        reason: String,
    },
    Cancelled {
        reason: String,
    },
    ScopeChanged {
        extended: bool,
        scope: String,
    },
    RecertificationApplied,
    AppealReceived {
        #[serde(default)]
        id: Option<String>,
    },
    AppealDecided {
        #[serde(default)]
        id: Option<String>,
        upheld: bool,
    },
    ComplaintReceived {
        #[serde(default)]
        id: Option<String>,
    },
    ComplaintClosed {
        #[serde(default)]
        id: Option<String>,
    },
    /// A star-rating case's event (000 §6, §8): its type and what it says in Chinese
    /// (“授予三星级”, “列入黑名单：原因”).
    StarEvent {
        #[serde(rename = "type")]
        kind: String,
        summary: String,
    },
    /// An event of a capability evaluation (seed 004), told to the enterprise's users and the
    /// body's admins: the event's name in both languages and a note (a score, a grade, a
    /// date), without any objector's name or contact.
    Capability {
        event_zh: String,
        event_en: String,
        #[serde(default)]
        note: Option<String>,
    },
}

/// The names a notice of a case is told with (as they were at the time).
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    pub enterprise: &'a str,
    pub org: &'a str,
    /// The certificate concerned: the one a grant or a change of scope issued, else the
    /// case's current one.
    pub certificate: Option<&'a str>,
}

fn id_of(id: &Option<String>) -> String {
    id.as_deref().map(|i| format!(" {i}")).unwrap_or_default()
}

fn span(start: &str, end: &str, l: Lang) -> String {
    if start == end {
        start.to_string()
    } else {
        match l {
            Lang::Zh => format!("{start} 至 {end}"),
            Lang::En => format!("{start} to {end}"),
        }
    }
}

fn cert_zh(c: Option<&str>) -> String {
    c.map(|c| format!("：{c}")).unwrap_or_default()
}

fn cert_en(c: Option<&str>) -> String {
    c.map(|c| format!(": {c}")).unwrap_or_default()
}

impl CaseNews {
    /// One line saying what happened.
    pub fn title(&self, n: Names<'_>, l: Lang) -> String {
        let (e, o, c) = (n.enterprise, n.org, n.certificate);
        use CaseNews::*;
        match (self, l) {
            (ApplicationReceived { .. }, Lang::Zh) => format!("收到“{e}”的认证申请"),
            (ApplicationReceived { .. }, Lang::En) => {
                format!("Certification application from {e}")
            }
            (ApplicationAccepted, Lang::Zh) => format!("{o}已受理贵组织的认证申请"),
            (ApplicationAccepted, Lang::En) => {
                format!("{o} accepted your certification application")
            }
            (SupplementRequested { due, .. }, Lang::Zh) => match due {
                Some(d) => format!("{o}要求补充申请材料，期限 {d}"),
                None => format!("{o}要求补充申请材料"),
            },
            (SupplementRequested { due, .. }, Lang::En) => match due {
                Some(d) => format!("{o} asks for further application documents by {d}"),
                None => format!("{o} asks for further application documents"),
            },
            (ApplicationRefused { .. }, Lang::Zh) => format!("{o}不受理贵组织的认证申请"),
            (ApplicationRefused { .. }, Lang::En) => {
                format!("{o} refused your certification application")
            }
            (
                AuditPlanned {
                    audit,
                    kind,
                    start,
                    end,
                },
                l,
            ) => match l {
                Lang::Zh => format!(
                    "审核计划：{}（{audit}），{}，{e}",
                    kind.label(l),
                    span(start, end, l)
                ),
                Lang::En => format!(
                    "Audit planned: {} ({audit}), {}, {e}",
                    kind.label(l),
                    span(start, end, l)
                ),
            },
            (
                AuditFindings {
                    audit,
                    kind,
                    findings,
                },
                Lang::Zh,
            ) => format!(
                "{}（{audit}）完成，发现 {} 项不符合",
                kind.label(l),
                findings.len()
            ),
            (
                AuditFindings {
                    audit,
                    kind,
                    findings,
                },
                Lang::En,
            ) => format!(
                "{} ({audit}) completed with {} nonconformit{}",
                kind.label(l),
                findings.len(),
                if findings.len() == 1 { "y" } else { "ies" }
            ),
            (DecisionAwaited { audit, kind }, Lang::Zh) => {
                format!("待认证决定：{e} 的{}（{audit}）已完成", kind.label(l))
            }
            (DecisionAwaited { audit, kind }, Lang::En) => format!(
                "Decision awaited: the {} ({audit}) of {e} is completed",
                kind.label(l).to_lowercase()
            ),
            (CorrectionSubmitted { finding, done }, Lang::Zh) => {
                if *done {
                    format!("“{e}”提交了不符合项 {finding} 的纠正完成证据")
                } else {
                    format!("“{e}”提交了不符合项 {finding} 的纠正措施计划")
                }
            }
            (CorrectionSubmitted { finding, done }, Lang::En) => {
                if *done {
                    format!("{e} submitted evidence of the correction of {finding}")
                } else {
                    format!("{e} submitted the corrective action plan for {finding}")
                }
            }
            (Granted { audit, kind }, Lang::Zh) => match c {
                Some(c) if matches!(kind, AuditSort::Stage2 | AuditSort::Recertification) => {
                    format!("认证决定：授予认证，证书编号 {c}")
                }
                _ => format!("认证决定：保持认证（{}，{audit}）", kind.label(l)),
            },
            (Granted { audit, kind }, Lang::En) => match c {
                Some(c) if matches!(kind, AuditSort::Stage2 | AuditSort::Recertification) => {
                    format!("Certification granted: certificate number {c}")
                }
                _ => format!(
                    "Decision: certification maintained ({}, {audit})",
                    kind.label(l)
                ),
            },
            (NotGranted { audit, kind, .. }, Lang::Zh) => {
                format!("认证决定：不予认证（{}，{audit}）", kind.label(l))
            }
            (NotGranted { audit, kind, .. }, Lang::En) => {
                format!(
                    "Decision: certification refused ({}, {audit})",
                    kind.label(l)
                )
            }
            (Suspended { .. }, Lang::Zh) => format!("认证证书已暂停{}", cert_zh(c)),
            (Suspended { .. }, Lang::En) => format!("Certificate suspended{}", cert_en(c)),
            (Restored, Lang::Zh) => format!("认证证书已恢复{}", cert_zh(c)),
            (Restored, Lang::En) => format!("Certificate restored{}", cert_en(c)),
            (Withdrawn { .. }, Lang::Zh) => format!("认证证书已撤销{}", cert_zh(c)),
            (Withdrawn { .. }, Lang::En) => format!("Certificate withdrawn{}", cert_en(c)),
            (Cancelled { .. }, Lang::Zh) => format!("认证证书已注销{}", cert_zh(c)),
            (Cancelled { .. }, Lang::En) => format!("Certificate cancelled{}", cert_en(c)),
            (ScopeChanged { extended, .. }, Lang::Zh) => format!(
                "认证范围已{}{}",
                if *extended { "扩大" } else { "缩小" },
                c.map(|c| format!("，换发证书 {c}")).unwrap_or_default()
            ),
            (ScopeChanged { extended, .. }, Lang::En) => format!(
                "Certification scope {}{}",
                if *extended { "extended" } else { "reduced" },
                c.map(|c| format!(", new certificate {c}"))
                    .unwrap_or_default()
            ),
            (RecertificationApplied, Lang::Zh) => format!("“{e}”申请再认证"),
            (RecertificationApplied, Lang::En) => format!("{e} applies for recertification"),
            (AppealReceived { id }, Lang::Zh) => format!("收到“{e}”的申诉{}", id_of(id)),
            (AppealReceived { id }, Lang::En) => format!("Appeal{} from {e}", id_of(id)),
            (AppealDecided { id, upheld }, Lang::Zh) => format!(
                "申诉{}的处理结果：{}",
                id_of(id),
                if *upheld {
                    "申诉成立"
                } else {
                    "申诉不成立"
                }
            ),
            (AppealDecided { id, upheld }, Lang::En) => format!(
                "Outcome of the appeal{}: {}",
                id_of(id),
                if *upheld { "upheld" } else { "rejected" }
            ),
            (ComplaintReceived { id }, Lang::Zh) => format!("收到“{e}”的投诉{}", id_of(id)),
            (ComplaintReceived { id }, Lang::En) => format!("Complaint{} from {e}", id_of(id)),
            (ComplaintClosed { id }, Lang::Zh) => format!("投诉{}已处理完毕", id_of(id)),
            (ComplaintClosed { id }, Lang::En) => {
                format!("Complaint{} closed", id_of(id))
            }
            (StarEvent { summary, .. }, Lang::Zh) => format!("“{e}”星级评价：{summary}"),
            (StarEvent { kind, .. }, Lang::En) => {
                format!("Star rating of {e}: {}", kind.replace('_', " "))
            }
            (Capability { event_zh, .. }, Lang::Zh) => {
                format!("企业能力评价（{e}）：{event_zh}")
            }
            (Capability { event_en, .. }, Lang::En) => {
                format!("Capability evaluation of {e}: {event_en}")
            }
        }
    }

    /// What it means and what to do, with the clause.
    pub fn detail(&self, n: Names<'_>, l: Lang) -> String {
        let (e, o, c) = (n.enterprise, n.org, n.certificate);
        let zh = matches!(l, Lang::Zh);
        use CaseNews::*;
        match self {
            ApplicationReceived { scope } => match l {
                Lang::Zh => format!("申请的认证范围：{scope}。请评审申请：受理、要求补充材料或不予受理，并书面通知申请组织（8.1.2.2）。"),
                Lang::En => format!("Scope applied for: {scope}. Review the application — accept it, ask for further documents or refuse it — and tell the applicant in writing (8.1.2.2)."),
            },
            ApplicationAccepted => l
                .t(
                    "下一步是签订认证合同（8.1.2.3），之后安排审核。",
                    "Next comes the certification contract (8.1.2.3), then the audits.",
                )
                .to_string(),
            SupplementRequested { due, reason } => {
                let why = reason.as_deref().map_or(String::new(), |r| {
                    if zh {
                        format!("需要补充：{r}。")
                    } else {
                        format!("Needed: {r}. ")
                    }
                });
                match (due, l) {
                    (Some(d), Lang::Zh) => format!("{why}请在 {d} 前（含当日）在案卷页面补充申请材料（8.1.2.2）。"),
                    (Some(d), Lang::En) => format!("{why}Add the documents on the case page by {d} (8.1.2.2)."),
                    (None, Lang::Zh) => format!("{why}请在案卷页面补充申请材料（8.1.2.2）。"),
                    (None, Lang::En) => format!("{why}Add the documents on the case page (8.1.2.2)."),
                }
            }
            ApplicationRefused { reason } => match (reason, l) {
                (Some(r), Lang::Zh) => format!("不予受理的理由：{r}（8.1.2.2）。"),
                (Some(r), Lang::En) => format!("Reason for the refusal: {r} (8.1.2.2)."),
                (None, Lang::Zh) => "评审结论见案卷页面（8.1.2.2）。".into(),
                (None, Lang::En) => "The review's conclusion is on the case page (8.1.2.2).".into(),
            },
            AuditPlanned { .. } => match l {
                Lang::Zh => format!("{o}对“{e}”的审核计划（目的、准则、范围、日期、场所、审核组及分工）见案卷页面；请受审核方确认审核计划（8.1.4.2）。"),
                Lang::En => format!("The plan of {o}'s audit of {e} — objectives, criteria, scope, dates, sites, team and tasks — is on the case page; the client confirms it (8.1.4.2)."),
            },
            AuditFindings { findings, .. } => {
                let list: Vec<String> = findings
                    .iter()
                    .map(|f| {
                        let text = f.text.as_deref().map_or(String::new(), |t| {
                            if zh { format!("：{t}") } else { format!(": {t}") }
                        });
                        if zh {
                            format!("{}（{}，期限 {}）{text}", f.id, f.severity.label(l), f.due)
                        } else {
                            format!("{} ({}, due {}){text}", f.id, f.severity.label(l), f.due)
                        }
                    })
                    .collect();
                if zh {
                    format!("{}。请在期限内提交原因分析、纠正和纠正措施及证据；严重不符合须经现场验证（8.1.6.5）。", list.join("；"))
                } else {
                    format!("{}. Submit the cause analysis, correction and corrective action with evidence by the due dates; major nonconformities are verified on site (8.1.6.5).", list.join("; "))
                }
            }
            DecisionAwaited { .. } => l
                .t(
                    "请查看案卷中的决定检查表，作出授予或不授予认证的决定；决定人员不得为所涉审核的审核组成员（8.1.7）。",
                    "Open the decision checklist on the case page and grant or refuse certification; a decider may not have been on the team of the audits concerned (8.1.7).",
                )
                .to_string(),
            CorrectionSubmitted { .. } => l
                .t(
                    "请审核后接受或退回；严重不符合须现场验证（8.1.6.5）。",
                    "Review it and accept it or send it back; a major nonconformity is verified on site (8.1.6.5).",
                )
                .to_string(),
            Granted { kind, .. } => match (c, matches!(kind, AuditSort::Stage2 | AuditSort::Recertification), l) {
                (Some(c), true, Lang::Zh) => format!("{o}决定授予认证（8.1.7），证书编号 {c}；证书的范围、场所和有效期见案卷页面。"),
                (Some(c), true, Lang::En) => format!("{o} granted certification (8.1.7); certificate number {c}. Its scope, sites and validity are on the case page."),
                (Some(c), false, Lang::Zh) => format!("{o}决定保持认证（8.1.7），证书 {c} 继续有效。"),
                (Some(c), false, Lang::En) => format!("{o} decided to maintain certification (8.1.7); certificate {c} remains valid."),
                (None, _, Lang::Zh) => format!("{o}的认证决定见案卷页面（8.1.7）。"),
                (None, _, Lang::En) => format!("{o}'s decision is on the case page (8.1.7)."),
            },
            NotGranted { reason, .. } => {
                let r = reason.as_deref().unwrap_or(if zh { "见案卷页面" } else { "see the case page" });
                if zh {
                    format!("不予认证的理由：{r}（8.1.7）。如有异议，可在决定之日起10个工作日内提出申诉（11.1）。")
                } else {
                    format!("Reasons: {r} (8.1.7). You may appeal within 10 working days of the decision (11.1).")
                }
            }
            Suspended { cause } => match l {
                Lang::Zh => format!("暂停原因：{cause}。暂停期间不得使用认证证书和标志；请尽快消除暂停原因（8.5.1）。"),
                Lang::En => format!("Cause: {cause}. While suspended, the certificate and mark may not be used; remove the cause soon (8.5.1)."),
            },
            Restored => match l {
                Lang::Zh => format!("{o}已恢复证书的有效性（8.5.1）。"),
                Lang::En => format!("{o} restored the certificate (8.5.1)."),
            },
            Withdrawn { reason } => match l {
                Lang::Zh => format!("撤销原因：{reason}（8.5.2）。证书和认证标志不得再使用。"),
                Lang::En => format!("Reason: {reason} (8.5.2). The certificate and mark may no longer be used."),
            },
            Cancelled { reason } => match l {
                Lang::Zh => format!("注销原因：{reason}。"),
                Lang::En => format!("Reason: {reason}."),
            },
            ScopeChanged { scope, .. } => match l {
                Lang::Zh => format!("新的认证范围：{scope}（8.4）。"),
                Lang::En => format!("New scope of certification: {scope} (8.4)."),
            },
            RecertificationApplied => l
                .t(
                    "请安排再认证审核；再认证决定须在证书有效期届满前作出（8.3.1）。",
                    "Plan the recertification audit; its decision is due before the certificate expires (8.3.1).",
                )
                .to_string(),
            AppealReceived { .. } | ComplaintReceived { .. } => l
                .t(
                    "请由未参与所涉决定的人员处理，并将结果书面通知提出方（11.1）。",
                    "Have it handled by someone who took no part in the decision concerned, and tell the outcome in writing (11.1).",
                )
                .to_string(),
            AppealDecided { .. } | ComplaintClosed { .. } => match l {
                Lang::Zh => format!("{o}的处理结果见案卷页面（11.1）。"),
                Lang::En => format!("{o}'s outcome is on the case page (11.1)."),
            },
            StarEvent { summary, .. } => match l {
                Lang::Zh => format!("{o}：{summary}。星级、监督审查和待办事项见案卷页面（T11/AII 001-2020 第6、8章）。"),
                Lang::En => format!("{o}: {summary}. The stars, supervisions and what is due are on the case page (T11/AII 001-2020 §6, §8)."),
            },
            Capability { note, .. } => match (note, l) {
                (Some(n), Lang::Zh) => format!("{n}。详见{o}的案卷页面。"),
                (Some(n), Lang::En) => format!("{n}. Details on {o}'s case page."),
                (None, Lang::Zh) => format!("详见{o}的案卷页面。"),
                (None, Lang::En) => format!("Details on {o}'s case page."),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT_EVENTS: [&str; 5] = [
        "application_received",
        "correction_submitted",
        "recertification_applied",
        "appeal_received",
        "complaint_received",
    ];

    #[test]
    fn what_the_client_does_is_told_to_the_body_and_what_the_body_does_to_the_client() {
        use Party::*;
        let none = EventFacts::default();
        for t in CLIENT_EVENTS {
            let h = hearers(t, none);
            assert!(h.contains(&Admins) && !h.contains(&Client), "{t}: {h:?}");
        }
        assert_eq!(hearers("correction_submitted", none), [Admins, Team]);
        for t in [
            "application_reviewed",
            "decision",
            "suspended",
            "restored",
            "withdrawn",
            "cancelled",
            "scope_changed",
            "appeal_decided",
            "complaint_closed",
        ] {
            assert_eq!(hearers(t, none), [Client], "{t}");
        }
        assert_eq!(hearers("audit_planned", none), [Client, Team]);
        for t in [
            "contract_signed",
            "correction_accepted",
            "certificate_issued",
            "surveillance_extension_approved",
            "no_such_event",
        ] {
            assert!(hearers(t, none).is_empty(), "{t}");
        }
    }

    #[test]
    fn a_completed_audit_goes_to_the_client_with_findings_and_to_the_deciders_when_it_waits() {
        use Party::*;
        let f = |findings, awaits_decision| {
            hearers(
                "audit_completed",
                EventFacts {
                    findings,
                    awaits_decision,
                },
            )
        };
        assert!(f(false, false).is_empty(), "stage 1 without findings");
        assert_eq!(f(true, false), [Client]);
        assert_eq!(f(false, true), [Deciders]);
        assert_eq!(f(true, true), [Client, Deciders]);
    }

    fn names() -> Names<'static> {
        Names {
            enterprise: "星河建设",
            org: "一号认证",
            certificate: Some("EEPC-2026-00001"),
        }
    }

    #[test]
    fn the_client_reads_the_reason_the_due_date_and_the_certificate_number() {
        let n = names();
        let s = CaseNews::SupplementRequested {
            due: Some("2025-09-20".into()),
            reason: Some("组织机构图".into()),
        };
        assert!(s.title(n, Lang::Zh).contains("2025-09-20"));
        assert!(s.detail(n, Lang::Zh).contains("组织机构图"));
        assert!(s.title(n, Lang::En).contains("by 2025-09-20"));
        let r = CaseNews::ApplicationRefused {
            reason: Some("不在认证范围内".into()),
        };
        assert!(r
            .detail(n, Lang::Zh)
            .contains("不予受理的理由：不在认证范围内"));
        assert!(r.detail(n, Lang::En).contains("不在认证范围内"));
        let g = CaseNews::Granted {
            audit: "S2".into(),
            kind: AuditSort::Stage2,
        };
        assert_eq!(
            g.title(n, Lang::Zh),
            "认证决定：授予认证，证书编号 EEPC-2026-00001"
        );
        assert!(g.title(n, Lang::En).ends_with("EEPC-2026-00001"));
        let kept = CaseNews::Granted {
            audit: "SV1".into(),
            kind: AuditSort::Surveillance,
        };
        assert!(kept.title(n, Lang::Zh).contains("保持认证"));
        assert!(kept
            .detail(n, Lang::Zh)
            .contains("EEPC-2026-00001 继续有效"));
        let no = CaseNews::NotGranted {
            audit: "S2".into(),
            kind: AuditSort::Stage2,
            reason: Some("严重不符合未关闭".into()),
        };
        assert!(no.detail(n, Lang::Zh).contains("理由：严重不符合未关闭"));
        assert!(no.detail(n, Lang::Zh).contains("10个工作日"));
        let f = CaseNews::AuditFindings {
            audit: "S2".into(),
            kind: AuditSort::Stage2,
            findings: vec![
                FindingNote {
                    id: "NC1".into(),
                    severity: FindingSeverity::Minor,
                    due: "2025-12-04".into(),
                    text: Some("合同评审记录不全".into()),
                },
                FindingNote {
                    id: "NC2".into(),
                    severity: FindingSeverity::Major,
                    due: "2026-02-04".into(),
                    text: None,
                },
            ],
        };
        assert!(f.title(n, Lang::Zh).contains("2 项不符合"));
        let d = f.detail(n, Lang::Zh);
        assert!(
            d.contains("NC1（一般不符合，期限 2025-12-04）：合同评审记录不全")
                && d.contains("NC2（严重不符合，期限 2026-02-04）"),
            "{d}"
        );
        assert!(f
            .detail(n, Lang::En)
            .contains("NC2 (major nonconformity, due 2026-02-04)"));
    }

    #[test]
    fn every_news_round_trips_and_has_words_in_both_languages() {
        let all = vec![
            CaseNews::ApplicationReceived { scope: "s".into() },
            CaseNews::ApplicationAccepted,
            CaseNews::SupplementRequested {
                due: None,
                reason: None,
            },
            CaseNews::ApplicationRefused { reason: None },
            CaseNews::AuditPlanned {
                audit: "S1".into(),
                kind: AuditSort::Stage1,
                start: "2025-10-09".into(),
                end: "2025-10-10".into(),
            },
            CaseNews::DecisionAwaited {
                audit: "S2".into(),
                kind: AuditSort::Stage2,
            },
            CaseNews::CorrectionSubmitted {
                finding: "NC1".into(),
                done: true,
            },
            CaseNews::NotGranted {
                audit: "S2".into(),
                kind: AuditSort::Stage2,
                reason: None,
            },
            CaseNews::Suspended { cause: "c".into() },
            CaseNews::Restored,
            CaseNews::Withdrawn { reason: "r".into() },
            CaseNews::Cancelled { reason: "r".into() },
            CaseNews::ScopeChanged {
                extended: true,
                scope: "s".into(),
            },
            CaseNews::RecertificationApplied,
            CaseNews::AppealReceived {
                id: Some("AP1".into()),
            },
            CaseNews::AppealDecided {
                id: None,
                upheld: true,
            },
            CaseNews::ComplaintReceived { id: None },
            CaseNews::ComplaintClosed { id: None },
            CaseNews::StarEvent {
                kind: "star_awarded".into(),
                summary: "授予三星级".into(),
            },
            CaseNews::Capability {
                event_zh: "开始公示".into(),
                event_en: "publicity started".into(),
                note: None,
            },
        ];
        let n = Names {
            certificate: None,
            ..names()
        };
        for x in all {
            let v = serde_json::to_value(&x).unwrap();
            assert_eq!(serde_json::from_value::<CaseNews>(v.clone()).unwrap(), x);
            assert!(v["event"].is_string(), "{v}");
            for l in [Lang::Zh, Lang::En] {
                assert!(!x.title(n, l).is_empty() && !x.detail(n, l).is_empty());
            }
            assert_ne!(x.title(n, Lang::Zh), x.title(n, Lang::En));
        }
    }
}
