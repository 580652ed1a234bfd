//! The events of a certification case (DESIGN I-17), as written in JSON Lines:
//! `{"type": "audit_planned", "date": "2026-03-02", "audit": "S2", …}`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One dated event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The real-world day of the act.
    pub date: NaiveDate,
    #[serde(flatten)]
    pub kind: EventKind,
}

impl crate::jsonl::EventLine for Event {
    const TYPES: &'static [&'static str] = EventKind::TYPES;
}

/// A site of the applicant (8.1.1 b), 8.1.3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub name: String,
    pub headcount: u32,
    /// The central office (中心办公室).
    #[serde(default, skip_serializing_if = "is_false")]
    pub central: bool,
    /// A temporary site, not shown on the certificate.
    #[serde(default, skip_serializing_if = "is_false")]
    pub temporary: bool,
    /// What the site does, for the coverage of the scope by sampled temporary sites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewResult {
    Accepted,
    SupplementRequested,
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    Stage1,
    Stage2,
    Surveillance,
    Recertification,
    /// Scope extension or short-notice audit (8.4).
    Special,
}

impl AuditKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Stage1 => "stage1",
            AuditKind::Stage2 => "stage2",
            AuditKind::Surveillance => "surveillance",
            AuditKind::Recertification => "recertification",
            AuditKind::Special => "special",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            AuditKind::Stage1 => "第一阶段审核",
            AuditKind::Stage2 => "第二阶段审核",
            AuditKind::Surveillance => "监督审核",
            AuditKind::Recertification => "再认证审核",
            AuditKind::Special => "特殊审核",
        }
    }

    /// Whether the audit counts as the previous on-site audit for surveillance intervals.
    pub fn anchors_surveillance(self) -> bool {
        matches!(
            self,
            AuditKind::Stage2 | AuditKind::Surveillance | AuditKind::Recertification
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    Leader,
    Auditor,
    TechnicalExpert,
    Trainee,
}

impl TeamRole {
    pub fn name_zh(self) -> &'static str {
        match self {
            TeamRole::Leader => "审核组长",
            TeamRole::Auditor => "审核员",
            TeamRole::TechnicalExpert => "技术专家",
            TeamRole::Trainee => "实习审核员",
        }
    }

    /// Leaders and auditors count towards audit time; experts and trainees do not (8.1.4.1).
    pub fn counts_days(self) -> bool {
        matches!(self, TeamRole::Leader | TeamRole::Auditor)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub person: String,
    pub role: TeamRole,
    /// The member's tasks in the audit plan (8.1.4.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Minor,
    Major,
}

impl Severity {
    pub fn name_zh(self) -> &'static str {
        match self {
            Severity::Minor => "一般不符合",
            Severity::Major => "严重不符合",
        }
    }

    /// Months after the audit's last day by which the correction is due (8.1.6.5).
    pub fn months(self) -> i32 {
        match self {
            Severity::Minor => 1,
            Severity::Major => 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The team's opinion on granting or maintaining the certification (8.1.6.4 8)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// 推荐通过（保持）认证
    Recommend,
    /// 推荐在不符合项关闭后通过
    AfterCorrections,
    /// 不推荐
    NotRecommend,
}

impl Recommendation {
    pub fn name_zh(self) -> &'static str {
        match self {
            Recommendation::Recommend => "推荐通过（保持）认证",
            Recommendation::AfterCorrections => "不符合项关闭后推荐通过（保持）认证",
            Recommendation::NotRecommend => "不推荐通过（保持）认证",
        }
    }
}

/// What the audit report of 8.1.6.4 says beyond the plan and the findings: how the audit went
/// and where it deviated from the plan (6)), the conclusion (7)) and the team's opinion (8)).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuditReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviations: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Recommendation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// Cause analysis and the plan of correction and corrective action.
    Plan,
    /// Correction and corrective action done, with evidence.
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionResult {
    Grant,
    Refuse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeChange {
    Extend,
    Reduce,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealResult {
    Upheld,
    Rejected,
}

/// The event types of I-17 with their fields. Optional fields beyond I-17 (`by` of a review,
/// `system_start`, `sites` of an audit, `score`) let the rules check more when they are given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    ApplicationReceived {
        /// Effective headcount (有效人数).
        headcount: u32,
        scope: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        sites: Vec<Site>,
        /// The day the system started operating (8.1.1 g)).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        system_start: Option<NaiveDate>,
    },
    ApplicationReviewed {
        result: ReviewResult,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    ContractSigned {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<String>,
    },
    AuditPlanned {
        audit: String,
        kind: AuditKind,
        start: NaiveDate,
        end: NaiveDate,
        team: Vec<Member>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        days: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        days_reason: Option<String>,
        /// Names of the application's sites this audit covers (I-9).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        sites: Vec<String>,
        /// Why stage 1 is not on site (8.1.5.2 2)).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offsite_reason: Option<String>,
        /// The audit plan's objectives, criteria and scope (8.1.4.2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        objectives: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        criteria: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
    },
    /// The client confirms the audit plan before the audit starts (8.1.4.2).
    PlanConfirmed {
        audit: String,
    },
    AuditCompleted {
        audit: String,
        last_day: NaiveDate,
        #[serde(default)]
        findings: Vec<Finding>,
        /// The Annex B.1 checklist (composite) score on the 100-point scale, I-3 / I-10.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        score: Option<f64>,
        /// The audit report's own items (8.1.6.4 6)–8)).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        report: Option<AuditReport>,
    },
    CorrectionSubmitted {
        finding: String,
        kind: CorrectionKind,
    },
    CorrectionAccepted {
        finding: String,
        by: String,
        onsite: bool,
    },
    Decision {
        audit: String,
        by: String,
        result: DecisionResult,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    CertificateIssued {
        number: String,
    },
    SurveillanceExtensionApproved {
        by: String,
        until: NaiveDate,
    },
    Suspended {
        cause: String,
        cause_confirmed: NaiveDate,
        /// Waiting for a licence authority's decision (the 6-month limit does not apply).
        #[serde(default, skip_serializing_if = "is_false")]
        licence: bool,
    },
    Restored {
        by: String,
    },
    Withdrawn {
        reason: String,
    },
    Cancelled {
        reason: String,
    },
    ScopeChanged {
        change: ScopeChange,
        scope: String,
    },
    RecertificationApplied {},
    AppealReceived {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    AppealDecided {
        by: String,
        result: AppealResult,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    ComplaintReceived {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    ComplaintClosed {
        by: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
}

impl EventKind {
    /// The `type` as written in JSON.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::ApplicationReceived { .. } => "application_received",
            EventKind::ApplicationReviewed { .. } => "application_reviewed",
            EventKind::ContractSigned { .. } => "contract_signed",
            EventKind::AuditPlanned { .. } => "audit_planned",
            EventKind::PlanConfirmed { .. } => "plan_confirmed",
            EventKind::AuditCompleted { .. } => "audit_completed",
            EventKind::CorrectionSubmitted { .. } => "correction_submitted",
            EventKind::CorrectionAccepted { .. } => "correction_accepted",
            EventKind::Decision { .. } => "decision",
            EventKind::CertificateIssued { .. } => "certificate_issued",
            EventKind::SurveillanceExtensionApproved { .. } => "surveillance_extension_approved",
            EventKind::Suspended { .. } => "suspended",
            EventKind::Restored { .. } => "restored",
            EventKind::Withdrawn { .. } => "withdrawn",
            EventKind::Cancelled { .. } => "cancelled",
            EventKind::ScopeChanged { .. } => "scope_changed",
            EventKind::RecertificationApplied {} => "recertification_applied",
            EventKind::AppealReceived { .. } => "appeal_received",
            EventKind::AppealDecided { .. } => "appeal_decided",
            EventKind::ComplaintReceived { .. } => "complaint_received",
            EventKind::ComplaintClosed { .. } => "complaint_closed",
        }
    }

    /// Every event type, in the order of I-17.
    pub const TYPES: &'static [&'static str] = &[
        "application_received",
        "application_reviewed",
        "contract_signed",
        "audit_planned",
        "plan_confirmed",
        "audit_completed",
        "correction_submitted",
        "correction_accepted",
        "decision",
        "certificate_issued",
        "surveillance_extension_approved",
        "suspended",
        "restored",
        "withdrawn",
        "cancelled",
        "scope_changed",
        "recertification_applied",
        "appeal_received",
        "appeal_decided",
        "complaint_received",
        "complaint_closed",
    ];

    /// The event's name in Chinese.
    pub fn name_zh(&self) -> &'static str {
        type_name_zh(self.type_name())
    }
}

/// The Chinese name of an event type.
pub fn type_name_zh(t: &str) -> &'static str {
    match t {
        "application_received" => "收到认证申请",
        "application_reviewed" => "申请评审",
        "contract_signed" => "签订认证合同",
        "audit_planned" => "审核计划",
        "plan_confirmed" => "确认审核计划",
        "audit_completed" => "审核完成",
        "correction_submitted" => "提交纠正",
        "correction_accepted" => "接受纠正",
        "decision" => "认证决定",
        "certificate_issued" => "颁发证书",
        "surveillance_extension_approved" => "批准延长监督期限",
        "suspended" => "暂停证书",
        "restored" => "恢复证书",
        "withdrawn" => "撤销证书",
        "cancelled" => "注销证书",
        "scope_changed" => "变更认证范围",
        "recertification_applied" => "申请再认证",
        "appeal_received" => "收到申诉",
        "appeal_decided" => "申诉处理决定",
        "complaint_received" => "收到投诉",
        "complaint_closed" => "投诉处理完毕",
        _ => "未知事件",
    }
}
