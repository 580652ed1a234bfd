//! The events of a capability evaluation (seed 004 §6, §9; DESIGN I-18), as written in JSON
//! Lines: `{"type": "panel_formed", "date": "2026-08-03", "members": ["e1", "e2", "e3"],
//! "round": 1}`.
//!
//! Beyond I-18 every event may carry optional fields a body needs to keep: `by` (who reviewed,
//! verified, ruled, confirmed, revoked or downgraded), an objection's `id` and the ruling's
//! `objection` (which objection it rules; the oldest open one when left out), the evaluation's
//! `suggestions` (改进措施建议, 6.3), the verification's `registration` and `licences` (6.2), the `media` of a publicity or an announcement, the final
//! report's `number`, a revocation's or downgrading's `note`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::grade::{Grade, Score};

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

/// The body's answer to an application (6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewResult {
    Accepted,
    Refused,
}

/// The round of an evaluation panel: 1 evaluates (6.3), 2 is formed anew for an objection
/// (6.5). Written as the number 1 or 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Round {
    First,
    Second,
}

impl TryFrom<u8> for Round {
    type Error = String;
    fn try_from(n: u8) -> Result<Round, String> {
        match n {
            1 => Ok(Round::First),
            2 => Ok(Round::Second),
            _ => Err(format!(
                "专家组轮次 round 应为 1（评价）或 2（异议后重新组成），而不是 {n}"
            )),
        }
    }
}

impl From<Round> for u8 {
    fn from(r: Round) -> u8 {
        match r {
            Round::First => 1,
            Round::Second => 2,
        }
    }
}

impl Round {
    pub fn name_zh(self) -> &'static str {
        match self {
            Round::First => "第一轮评价专家组",
            Round::Second => "重新组成的专家组（第二轮）",
        }
    }
}

/// The ruling on an objection after the new panel's investigation (6.5): `upheld` — the
/// objection holds and the preliminary result does not stand; `dismissed` — the result stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RulingResult {
    Upheld,
    Dismissed,
}

impl RulingResult {
    pub fn name_zh(self) -> &'static str {
        match self {
            RulingResult::Upheld => "异议成立",
            RulingResult::Dismissed => "异议不成立",
        }
    }
}

/// Why a grade is revoked (9.2): fraud in the evaluation, or a major quality, safety or
/// environmental accident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationReason {
    Fraud,
    Accident,
}

impl RevocationReason {
    pub fn name_zh(self) -> &'static str {
        match self {
            RevocationReason::Fraud => "弄虚作假",
            RevocationReason::Accident => "重大质量、安全、环保等事故",
        }
    }
}

/// The event types of I-18 with their fields (optional ones beyond I-18: see the module).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The enterprise's written application (6.1).
    ApplicationReceived {},
    /// The body's answer: accepted, or refused with its reason (6.1).
    ApplicationReviewed {
        result: ReviewResult,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    /// The application's materials and the enterprise's eligibility verified (6.2): what
    /// showed its legal registration, and the licences its business needs (or that it needs
    /// none). Optional in a file; the app asks for both.
    VerificationDone {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        registration: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        licences: Option<String>,
    },
    /// An evaluation panel (评价专家组): round 1 evaluates, round 2 is formed anew for an
    /// objection (6.3, 6.5, 7.2.2).
    PanelFormed { members: Vec<String>, round: Round },
    /// The preliminary result (初评结果): the score and the grade it suggests (6.3).
    EvaluationCompleted {
        score: Score,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grade: Option<Grade>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        suggestions: Option<String>,
    },
    /// The preliminary result made public (6.4).
    PublicityStarted {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media: Option<String>,
    },
    ObjectionReceived {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    ObjectionRuled {
        result: RulingResult,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        objection: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    /// The result confirmed: the grade follows the score (6.5, 8.2).
    Confirmed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    Announced {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media: Option<String>,
    },
    /// The final evaluation report (最终评价报告, 6.5, 8.1, Annex B).
    ReportIssued {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        number: Option<String>,
    },
    Revoked {
        reason: RevocationReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    Downgraded {
        grade: Grade,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
}

impl EventKind {
    /// The `type` as written in JSON.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::ApplicationReceived {} => "application_received",
            EventKind::ApplicationReviewed { .. } => "application_reviewed",
            EventKind::VerificationDone { .. } => "verification_done",
            EventKind::PanelFormed { .. } => "panel_formed",
            EventKind::EvaluationCompleted { .. } => "evaluation_completed",
            EventKind::PublicityStarted { .. } => "publicity_started",
            EventKind::ObjectionReceived { .. } => "objection_received",
            EventKind::ObjectionRuled { .. } => "objection_ruled",
            EventKind::Confirmed { .. } => "confirmed",
            EventKind::Announced { .. } => "announced",
            EventKind::ReportIssued { .. } => "report_issued",
            EventKind::Revoked { .. } => "revoked",
            EventKind::Downgraded { .. } => "downgraded",
        }
    }

    /// Every event type, in the order of I-18.
    pub const TYPES: &'static [&'static str] = &[
        "application_received",
        "application_reviewed",
        "verification_done",
        "panel_formed",
        "evaluation_completed",
        "publicity_started",
        "objection_received",
        "objection_ruled",
        "confirmed",
        "announced",
        "report_issued",
        "revoked",
        "downgraded",
    ];

    /// The event's name in Chinese.
    pub fn name_zh(&self) -> &'static str {
        type_name_zh(self.type_name())
    }
}

/// The Chinese name of an event type.
pub fn type_name_zh(t: &str) -> &'static str {
    match t {
        "application_received" => "收到评价申请",
        "application_reviewed" => "受理答复",
        "verification_done" => "核查完成",
        "panel_formed" => "成立评价专家组",
        "evaluation_completed" => "评价完成（初评结果）",
        "publicity_started" => "开始公示",
        "objection_received" => "收到异议",
        "objection_ruled" => "异议裁决",
        "confirmed" => "确认评价结果",
        "announced" => "公告",
        "report_issued" => "出具最终评价报告",
        "revoked" => "撤销等级",
        "downgraded" => "降级",
        _ => "未知事件",
    }
}
